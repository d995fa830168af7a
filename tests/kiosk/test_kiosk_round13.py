"""Round 13: store matters asked about oneself, "2" for "to", names that begin with the words typed, "anti-" labels and
labels that are part of a product's name as typed."""

from __future__ import annotations

import pytest

from .conftest import text_kiosk

# A made-up darts and billiards shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "D1,Winmau Blade 6 Dartboard,Winmau,Dartboards,69.99,Wall A,5,,A bristle dartboard for tournament play.\n"
         "D2,Target Bullseye Tungsten Darts 22g,Target,Darts,54.99,Glass Case,8,,Tungsten steel-tip darts for league players.\n"
         "D3,Cobalt Cue Shaft Maple 29in,Cobalt,Cue Parts,89.00,Wall B,4,,A low-deflection maple shaft.\n"
         "D4,Maple Cue Case Classic 2x4,Cobalt,Cases,74.50,Wall B,3,,Holds two butts and four shafts; matched to Cobalt Cue Shaft Maple.\n"
         "D5,Grip Pro Cue Glove,Grip Pro,Gloves,14.99,Counter,20,antimicrobial,A three-finger bridge glove.\n"
         "D6,Grip Pro Anti-Slip Shaft Towel,Grip Pro,Care,9.99,Counter,15,odor-resistant,A towel that keeps shafts smooth.\n"
         "D7,Felt Brush Horsehair,Parlour,Care,12.50,Aisle 1,0,,A table brush for billiard cloth.\n")
_FAQ = ("question,answer\n"
        "What are your opening hours?,Every day 10am to 8pm.\n"
        "Do you offer a league discount?,League members get 15% off darts and cues with a current card.\n"
        "Do you deliver dartboards?,We deliver within 10 miles for $12.\n")


@pytest.mark.parametrize("q", ["i throw in a league do i get anything off", "do league players get a discount"])
def test_a_store_matter_no_product_speaks_of_is_the_row_that_names_it(q):
    a = text_kiosk(_SHOP, _FAQ).ask(q)
    assert a.kind == "faq" and "15%" in a.answer, (q, a.answer)


def test_for_sale_asks_whether_a_thing_is_sold_not_about_a_sale():
    a = text_kiosk(_SHOP, _FAQ).ask("any pool tables 4 sale")
    assert a.kind == "not_carried" and "15%" not in a.answer, a.answer


@pytest.mark.parametrize("q", ["can u bring the dartboard 2 my house? cost?", "how much to bring 2 dartboards to my house"])
def test_two_for_to_a_home_is_delivery(q):
    a = text_kiosk(_SHOP, _FAQ).ask(q)
    assert a.kind == "faq" and "$12" in a.answer, (q, a.answer)


def test_the_product_whose_name_begins_with_the_words_is_not_dropped_for_one_that_has_them_later():
    a = text_kiosk(_SHOP).ask("price of cobalt cue shaft maple pls").answer
    assert "$89.00" in a, a
    # ...but not a product with a word the shopper did not type ("cue case" is not a shaft)
    assert "$74.50" not in text_kiosk(_SHOP).ask("how much is the cobalt cue shaft").answer


def test_an_anti_word_tag_is_a_label_the_shopper_can_ask_about():
    k = text_kiosk(_SHOP)
    assert k.ask("is the grip pro cue glove antimicrobial").answer == "Yes, Grip Pro Cue Glove is antimicrobial."
    a = k.ask("is the felt brush antimicrobial").answer
    assert a.startswith("Felt Brush Horsehair is not labelled antimicrobial"), a


def test_a_label_inside_a_product_name_as_typed_is_the_name_not_the_question():
    # "anti slip" is a word of the towel's name here; the label asked about is odor resistance
    a = text_kiosk(_SHOP).ask("is the grip pro anti slip shaft towel odor resistant").answer
    assert "odor-resistant" in a and "anti-slip" not in a.lower().replace("anti-slip shaft", ""), a


def test_a_feature_answer_never_echoes_a_number_the_product_does_not_have():
    # "ok 4 a beginner" is "ok for a beginner"; "good for 3 year olds" cannot be echoed (3 is no fact of the brush)
    k = text_kiosk(_SHOP)
    a = k.ask("is the parlour felt brush ok 4 a beginner")
    assert a.answer.startswith("I can't confirm ok for a beginner for Felt Brush Horsehair"), a.answer
    a = k.ask("is the parlour felt brush good for 3 year olds")
    assert a.answer.startswith("I can't confirm that for Felt Brush Horsehair"), a.answer


def test_texting_4_for_for_is_read_as_the_word_but_a_products_own_number_is_kept():
    k = text_kiosk(_SHOP)
    a = k.ask("where is a glove 4 my bridge hand").answer
    assert a == "Grip Pro Cue Glove is in Counter.", a
    # the store sells a "Blade 6": "blade 6" stays a number, and so does a count before a unit
    shop = _SHOP + "D8,Winmau Blade 4 Dartboard,Winmau,Dartboards,79.99,Wall A,2,,The older bristle board.\n"
    assert "$79.99" in text_kiosk(shop).ask("how much is the winmau blade 4 dartboard").answer
