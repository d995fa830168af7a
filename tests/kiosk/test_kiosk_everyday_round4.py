"""Round 4: swapped letters, brand~model-line names, everyday names for service rows, vending-machine phrasing."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk

from .conftest import text_kiosk

# A made-up gadget-and-deli corner shop: none of these rows come from an eval set.
_STORE = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "G1,Clear Case Galaxy A55,Cover Co,Cases,9.99,Rack 2,6,,Thin clear case.\n"
          "G2,Wireless Earbuds,Samsung,Audio,59.00,Rack 4,3,,Bluetooth earbuds.\n"
          "G3,USB-C to HDMI Adapter,Hubster,Adapters,15.50,Rack 1,7,,Connect a laptop to a TV.\n"
          "G4,Rye Sandwich Loaf,Deli,Bakery,3.80,Shelf B,5,vegan,Dense rye loaf.\n"
          "G5,Oat Loaf Gluten Free,Deli,Bakery,4.60,Shelf B,2,gluten-free,Soft oat loaf.\n"
          "G6,Sweet Gherkins Jar,Deli,Pantry,2.90,Shelf C,9,vegan,Crunchy gherkins.\n"
          "G7,Lemon Soda Can,Fizz,Drinks,1.20,Fridge 1,24,sugar-free,Fizzy lemon drink.\n")
_FAQ = ("question,answer\n"
        "Are there restrooms?,Restrooms are upstairs next to the lift.\n"
        "Do you repair tablets?,We mend cracked tablet screens in a day.\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_STORE, _FAQ)


def test_two_swapped_letters_in_a_long_word_are_a_spelling(shop):
    assert "Shelf C" in shop.ask("where are the gherikns").answer


@pytest.mark.parametrize("question, fact", [
    ("samsung a55 case", "Clear Case Galaxy A55"),            # the brand's model line is its name
    ("price of a hdmi dongle", "$15.50"),                      # dongle is an adapter
    ("any gluten free bread", "Oat Loaf Gluten Free"),         # bread is a loaf
    ("wheres the bathroom", "upstairs"),                       # bathroom is what the store calls a restroom
    ("can you fix my cracked tablet", "in a day"),             # fix is repair
])
def test_everyday_names_reach_the_store_words(shop, question, fact):
    a = shop.ask(question).answer
    assert fact in a and "don't carry" not in a


@pytest.mark.parametrize("question", ["whats the number for lemon soda", "which button for the lemon soda", "what slot is lemon soda"])
def test_a_vending_slot_question_is_a_location_question(shop, question):
    a = shop.ask(question).answer
    assert "Fridge 1" in a and "only answer questions" not in a and "don't carry" not in a


def test_a_labelled_product_with_a_stock_word_gets_its_stock(shop):
    a = shop.ask("is the sugar free lemon soda available").answer
    assert "Lemon Soda Can" in a and "in stock" in a


def test_paying_by_phone_and_with_bills_reach_the_payment_row():
    faq = ("question,answer\n"
           "How can I pay?,\"Cards, Apple Pay and Google Pay, coins and $1 bills.\"\n"
           "Can I get a receipt?,Receipts are emailed for card and phone payments.\n")
    shop = text_kiosk(_STORE, faq)
    assert "Apple Pay" in shop.ask("can i pay with my phone").answer
    assert "$1 bills" in shop.ask("do you take dollar bills").answer
