"""Round 7: a 'where is X' question about products beats a service row sharing the word; a question for someone's help
or advice gets the service row; initials with a number ("gp5000") name one product."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk
from agent.kiosk.text import initial_codes

from .conftest import text_kiosk

# A made-up garden and craft shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "G1,Greenway Rose Fertiliser 1kg,Greenway,Fertilisers,8.50,Aisle 2,10,,Feed for roses and shrubs.\n"
         "G2,Greenway Lawn Fertiliser 2kg,Greenway,Fertilisers,11.00,Aisle 2,4,,Spring lawn feed.\n"
         "G3,Inkwell Picture Frame A4 Oak,Inkwell,Frames,19.00,Wall C,3,,Oak frame with glass.\n"
         "G4,Stitchco Iron-On Knee Patch 2 Pack,Stitchco,Sewing,3.20,Aisle 5,12,,Denim patches for jeans.\n"
         "G5,Velo Road Runner 3000 Bike Pump,Velo,Pumps,34.00,Counter,5,,Floor pump with gauge.\n"
         "G6,Velo Trail Master 200 Bike Pump,Velo,Pumps,24.00,Counter,5,,Mini pump.\n")
_SHOP_FAQ = ("question,answer\n"
             "Can I get advice on fertilisers?,Our garden expert is in on Saturdays 9am-1pm and happy to help.\n"
             "Do you do picture framing?,\"Yes, custom framing starts at $40, ready in a week.\"\n"
             "Can you mend torn jeans?,Our alterations service mends jeans from $12.\n"
             "Where are the toilets?,The toilets are behind the till.\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _SHOP_FAQ)


@pytest.mark.parametrize("question,where", [("where can i find fertiliser", "Aisle 2"), ("where are the picture frames", "Wall C"),
                                            ("wheres the jeans patches", "Aisle 5")])
def test_where_is_a_thing_products_are_named_by_gives_their_place_not_a_service_row(shop, question, where):
    a = shop.ask(question)
    assert where in a.answer, a.answer


def test_a_service_question_is_still_the_service_row(shop):
    assert "$40" in shop.ask("do you do picture framing").answer
    assert "Saturdays" in shop.ask("can i get advice on fertilisers").answer
    assert "behind the till" in shop.ask("where are the toilets").answer


@pytest.mark.parametrize("question", ["is there someone i can ask about fertiliser", "can i talk to someone about fertilisers",
                                      "do you give advice on fertiliser"])
def test_asking_for_a_person_or_advice_gets_the_service_row(shop, question):
    a = shop.ask(question)
    assert "Saturdays" in a.answer and "$8.50" not in a.answer, a.answer


def test_asking_for_the_product_still_lists_products(shop):
    assert "$8.50" in shop.ask("how much is the rose fertiliser").answer


def test_initials_and_a_number_of_one_name_are_that_product(shop):
    assert initial_codes("velo road runner 3000 bike pump") == ["rr3000", "vrr3000"]
    assert initial_codes("glick tissue paper pack of 10") == []  # "of" is no name word
    a = shop.ask("price of the rr3000 pump")
    assert "$34.00" in a.answer and "$24.00" not in a.answer, a.answer
    assert "$24.00" in shop.ask("how much is the tm200 pump").answer
    assert "$34.00" not in shop.ask("how much is the bp3000 pump").answer  # "Bike Pump" comes after the number
