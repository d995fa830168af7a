"""Clipped and colloquial names, words typed apart, description and place names, and FAQ rows about a product's service."""

from __future__ import annotations

import pytest

from agent.kiosk.retrieval import _heads
from agent.kiosk.service import Kiosk

from .conftest import text_kiosk

# A made-up sports shop with a snack bar: none of these rows come from an eval set.
_STORE = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "A1,Trekker 3 Person Tunnel Tent,Trekker,Camping,149.00,Camp Corner,2,,Three-person tunnel tent.\n"
          "A2,Pro Goalkeeper Gloves Size 8,Grippa,Football,21.50,Aisle 2,0,,Gloves with latex palm.\n"
          "A3,Match Football Size 4,Kicka,Football,18.00,Aisle 2,6,,Training football.\n"
          "A4,Practice Tennis Balls 3 Tube,Servo,Racket Sports,5.00,Aisle 3,30,,Tube of three balls.\n"
          "A5,Club Tennis Racket,Servo,Racket Sports,89.00,Aisle 3,4,,Strung adult racket.\n"
          "A6,Bike Floor Pump,Airflo,Cycling,24.00,Aisle 5,7,,Track pump with gauge.\n"
          "A7,Lumo Headtorch 300,Lumo,Outdoor,31.00,Aisle 6,5,,Rechargeable head torch.\n"
          "A8,Trailblaze Single Burner Stove,Trailblaze,Camping,39.00,Camp Corner,3,,Compact stove.\n"
          "A9,Butane Gas Cartridge 250g,Trailblaze,Camping,5.25,Camp Corner,40,,Screw-on cartridge for stoves.\n"
          "A10,Road Running Shoe,Stride,Footwear,99.00,Shoe Wall,8,,Cushioned shoe.\n"
          "A11,Flat White,Snack Bar,Hot Drinks,3.10,Coffee Bar,100,,Espresso with steamed milk.\n"
          "A12,Birra Chiara 330ml,Birra,Alcohol,4.80,Bar Fridge,12,,\"Pale lager, 330ml bottle.\"\n"
          "A13,Sensitive Wipes 60,Soft,Baby,2.00,Aisle 7,20,,Gentle fragrance free wipes.\n"
          "A14,Popcorn Large,Snack Bar,Popcorn,6.00,Popcorn Station,50,,Large tub.\n")
_FAQ = ("question,answer\n"
        "Do you restring tennis rackets?,\"Yes, restringing is $20 per racket.\"\n"
        "What oil is the popcorn made with?,Our popcorn is popped in sunflower oil.\n"
        "Do you do refills?,\"Yes, large popcorn gets one free refill.\"\n"
        "Where are the fitting rooms?,The fitting rooms are by Aisle 9.\n"
        "Do you offer gift wrapping?,\"Yes, gift wrapping is free at the till.\"\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_STORE, _FAQ)


@pytest.mark.parametrize("question,fact,not_fact", [
    ("how much is the 3 man tent", "$149.00", "don't carry"),  # man ~ person in tent sizes
    ("goalie gloves in stock?", "out of stock", "don't carry"),  # a clipped form of a word in the name
    ("footy ball how much", "$18.00", "Tennis"),  # footy means football: "footy ball" is one thing, not any ball
    ("bycicle pump in stock?", "in stock", "don't carry"),  # misspelt, and the store calls it a bike
    ("head lamp price", "$31.00", "don't carry"),  # two words for one catalog word, with what that word means
    ("how much is a gas canister for the stove", "$5.25", "$39.00"),  # the canister, not what it is for
    ("where are the shoes", "Shoe Wall", "don't carry"),  # shoes -> shoe
])
def test_the_thing_asked_for_is_found_by_its_everyday_or_clipped_name(shop, question, fact, not_fact):
    a = shop.ask(question).answer
    assert fact in a and not_fact not in a, a


def test_a_product_question_is_not_taken_by_an_faq_row_about_a_service_on_it(shop):
    a = shop.ask("do you have tennis rackets").answer
    assert "Club Tennis Racket" in a and "in stock" in a and "restring" not in a
    assert "$20" in shop.ask("do you restring rackets").answer


@pytest.mark.parametrize("question,fact", [
    ("where are the beers", "Bar Fridge"),  # only the description calls it a lager
    ("where do i get a coffee", "Coffee Bar"),  # the place is named like the thing
])
def test_a_description_or_a_place_named_like_the_thing_finds_it(shop, question, fact):
    assert fact in shop.ask(question).answer


def test_a_description_word_that_only_describes_another_does_not_make_a_product():
    assert "fragrance" not in _heads("Gentle fragrance free wipes.")
    assert "lager" in _heads("Pale lager, 330ml bottle.")
    assert "chip" not in _heads("Chocolate chip cookie made without dairy")


def test_no_product_from_a_description_word_the_description_negates(shop):
    a = shop.ask("do you sell perfume").answer
    assert "don't carry" in a and "Wipes" not in a


@pytest.mark.parametrize("question,fact", [
    ("what do you pop the popcorn in", "sunflower oil"),  # pop -> popped in the answer
    ("can i get my popcorn topped up", "refill"),
    ("can i try stuff on", "Aisle 9"),
    ("do you wrap presents", "free at the till"),
])
def test_faq_paraphrases(shop, question, fact):
    assert fact in shop.ask(question).answer
