"""Round 10: a product's name holding a place word ("Row Counter" beside the place "Counter"); the store asked to do a thing
to the shopper's own ("can u repot my plant", "how much to regrip my irons"); model numbers in the plural ("pro v1s"); a
thing of its own the store's words don't make ("silk flowers" is no Flower Food); "is X toxic to cats"; the closest
match by what a product's own words say it is."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk

from .conftest import text_kiosk

# A made-up garden, golf and craft shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "G1,Nimbus Tour X2 Golf Balls 12-Pack,Nimbus,Golf Balls,49.99,Ball Rack,20,,Soft urethane tour ball.\n"
         "G2,Nimbus Forged Irons 5-PW,Nimbus,Irons,899.00,Club Wall,2,,Forged cavity-back irons.\n"
         "G3,Tally Click Row Counter,Tally,Notions,8.50,Aisle 3,12,,Click counter for rows up to 999.\n"
         "G4,Bloomkeep Flower Food Sachets (10 pack),Bloomkeep,Plant Care,3.99,Counter,40,,Keeps cut flowers fresh longer.\n"
         "G5,Green Mile Snake Plant 15cm,Green Mile,Houseplants,22.00,Greenhouse,6,pet-toxic,Upright striped leaves.\n"
         "G6,Green Mile Calathea 15cm,Green Mile,Houseplants,26.00,Greenhouse,4,pet-safe,Patterned leaves that fold at night.\n"
         "G7,Loopcraft Keeper Cuff,Loopcraft,Notions,21.00,Aisle 3,5,,A wrist cuff with magnets that holds stitch markers and needles.\n"
         "G8,Tulip Bunch (10 stems),Green Mile,Fresh Flowers,15.00,Cooler 1,9,,Ten Dutch tulips.\n")
_FAQ = ("question,answer\n"
        "Do you regrip clubs?,\"Yes, regripping is $6 labour per club plus the grip, ready within 24 hours.\"\n"
        "Do you offer repotting?,\"Bring your plant in and we'll repot it for $12 per plant plus pot and soil.\"\n"
        "What are your hours?,\"Every day 9am to 6pm.\"\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _FAQ)


def test_a_place_word_inside_the_named_product_is_no_place(shop):
    a = shop.ask("any tally row counters in stock?").answer
    assert "Tally Click Row Counter" in a and "in stock" in a
    assert "can't answer" not in a and "staff" not in a


@pytest.mark.parametrize("question, must", [
    ("can u repot my plant? how much", "$12"),
    ("how much to regrip my irons", "$6"),
])
def test_the_store_asked_to_do_a_thing_to_the_shoppers_own_is_the_service_row(shop, question, must):
    a = shop.ask(question).answer
    assert must in a and "$899" not in a and "$22" not in a


def test_the_store_asked_to_sell_is_still_a_product_question(shop):
    a = shop.ask("can you sell my irons").answer  # "sell" asks for no service
    assert "Regripping" not in a and "regripping" not in a


def test_a_model_number_in_the_plural_is_the_model(shop):
    a = shop.ask("where are the tour x2s").answer
    assert "Ball Rack" in a


def test_a_thing_the_store_has_no_word_for_is_not_carried_not_its_last_word(shop):
    a = shop.ask("do you sell silk flowers").answer
    assert "n't" in a and "$" not in a and "Flower Food" not in a
    # the words the store does use still find its flowers
    assert "$15.00" in shop.ask("how much are the tulips").answer


@pytest.mark.parametrize("question, verdict", [
    ("is the snake plant toxic to cats", "Yes"),
    ("is the snake plant safe for my dog", "No"),
    ("is the calathea toxic to dogs", "No"),
    ("is the calathea safe for cats", "Yes"),
])
def test_a_pet_label_answers_what_was_asked_safe_or_toxic(shop, question, verdict):
    a = shop.ask(question).answer
    assert a.startswith(verdict + ",") and "labelled pet-" in a


def test_the_closest_match_by_its_own_words_when_nothing_is_the_thing_asked_for(shop):
    a = shop.ask("how much is that magnetic wrist bracelet thing for holding markers").answer
    assert a.startswith("We don't have anything called") and "Loopcraft Keeper Cuff" in a and "$21.00" in a
    # ...never when the words barely meet a product
    b = shop.ask("how much is the magnetic bracelet").answer
    assert "$21.00" not in b
