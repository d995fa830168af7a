"""Round 8: typos of the question's own words ("pirce"), a three-letter word missing a letter ("jak"), plurals no ending
rule gives back ("knives"), and the store's "-safe", "-certified" and "-based" labels."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk
from agent.kiosk.text import stem

from .conftest import text_kiosk

# A made-up hardware and homeware shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "H1,Brindle Folding Utility Knife,Brindle,Tools,6.50,Counter,8,,Folding knife with a locking blade.\n"
         "H2,Jake Walton Oak Varnish 500ml,Jake Walton,Varnish,12.00,Aisle 3,5,oil-based,Hard-wearing clear varnish.\n"
         "H3,Kidcraft Poster Paint 6 Pack,Kidcraft,Craft Paint,8.00,Aisle 5,9,water-based;toy-safe,Bright paints for children.\n"
         "H4,Ecoleaf Recycled Notebook A5,Ecoleaf,Paper,3.40,Aisle 6,12,fsc-certified,Lined notebook.\n"
         "H5,Potter Stoneware Mug,Potter,Kitchen,9.00,Aisle 7,6,dishwasher-safe,Hand-glazed mug.\n"
         "H6,Potter Enamel Camping Mug,Potter,Kitchen,7.00,Aisle 7,6,,Tin mug for camping.\n"
         "H7,Flowline Garden Hose 15m,Flowline,Garden,19.00,Aisle 9,0,,Kink-free hose.\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP)


@pytest.mark.parametrize("question,fact", [("jake walton varnish pirce", "$12.00"), ("how mutch is the notebook", "$3.40"),
                                           ("kidcraft poster paint prise", "$8.00"), ("is the garden hose in stcok", "out of stock")])
def test_a_typo_of_price_much_or_stock_still_asks_that(shop, question, fact):
    a = shop.ask(question)
    assert fact in a.answer and "don't carry" not in a.answer, a.answer


def test_an_english_word_near_a_question_word_is_not_respelled(shop):
    # "rice" is one letter from "price", "stick" from "stock": both are things a shop may sell
    assert "rice" in shop.ask("do you have rice").answer
    assert "$" not in shop.ask("do you sell hockey sticks").answer


def test_a_three_letter_word_missing_a_letter_counts_beside_a_matched_word(shop):
    a = shop.ask("jak walton varnish")
    assert "Jake Walton Oak Varnish" in a.answer and "don't carry" not in a.answer, a.answer


def test_irregular_plurals_meet_their_singular(shop):
    assert [stem(w) for w in ("knives", "leaves", "mice", "womens", "gloves", "olives")] == ["knife", "leaf", "mouse", "woman", "glove", "olive"]
    assert "Counter" in shop.ask("where are the utility knives").answer


@pytest.mark.parametrize("question,label", [("is the notebook fsc certified", "fsc-certified"),
                                            ("is the poster paint safe for kids toys", "toy-safe"),
                                            ("is the stoneware mug dishwasher safe", "dishwasher-safe"),
                                            ("can the stoneware mug go in the dishwasher safely", None)])
def test_the_stores_own_safe_and_certified_labels_are_answered_from_the_tags(shop, question, label):
    a = shop.ask(question)
    if label:
        assert f"is {label}" in a.answer and "Yes" in a.answer, a.answer


def test_a_label_the_product_lacks_is_not_claimed(shop):
    a = shop.ask("is the camping mug dishwasher safe")
    assert "not labelled dishwasher-safe" in a.answer and "Yes" not in a.answer, a.answer


def test_asked_one_base_the_product_labelled_with_another_says_no(shop):
    a = shop.ask("is the oak varnish water based")
    assert a.answer.startswith("No,") and "oil-based" in a.answer, a.answer
    assert "Yes" in shop.ask("is the poster paint water based").answer
