"""Retrieval: misspellings, plurals and everyday names find the product; unknown things do not."""

from __future__ import annotations

import pytest

from agent.kiosk.planner import plan

from .conftest import text_catalog


@pytest.mark.parametrize("question,sku", [
    ("where is the oat milk", "MLK-OAT-1L"),
    ("where is the choclate", "CHO-DRK-100"),       # misspelling
    ("wher is the toothpast", "TTB-MNT-75"),
    ("how much are bannanas", "BNA-1"),             # misspelling + plural
    ("where are the batteries", "BAT-AA-4"),        # -ies plural
    ("i need a phone charger", "USB-C-1M"),         # everyday name
    ("where is the toilet paper", "TLT-9"),
    ("how much is a coke", "COK-330"),
    ("where are the trash bags", "BIN-BAG-20"),
    ("Where do you keep the FROZEN PEAS?", "PEA-FRZ-900"),
])
def test_finds_the_product(index, question, sku):
    p = plan(question, index)
    assert p.kind == "product" and p.sources[0] == sku, (p.kind, p.sources)


@pytest.mark.parametrize("question,row_words", [
    ("is there a cash machine?", "ATM"),
    ("when do you close", "7am"),
    ("where are the toilets", "toilets"),
    ("can i pay with apple pay", "contactless"),
])
def test_finds_the_faq_row(index, question, row_words):
    p = plan(question, index)
    assert p.kind == "faq" and p.faq is not None and row_words in p.faq.answer


def test_product_question_wins_over_faq_on_the_same_word(index):
    # "batteries" is also in the FAQ ("recycle batteries"), but a price question is about the product
    p = plan("how much are the batteries", index)
    assert p.kind == "product" and p.sources == ["BAT-AA-4"]


@pytest.mark.parametrize("question", ["do you sell lawn mowers", "do you have soy milk", "how much is the champagne"])
def test_not_carried_is_not_answered_with_a_lookalike(index, question):
    p = plan(question, index)
    assert p.kind == "not_carried"
    assert p.sentences[0].startswith("Sorry, we don't carry")


def test_lookalikes_are_offered_as_alternatives_only(index):
    p = plan("do you have soy milk", index)
    assert "soy milk" in p.sentences[0]
    assert p.sentences[1].startswith("We do have") and "Milk" in p.sentences[1]


def test_several_matching_products_are_grouped_by_place(index):
    p = plan("where is the milk", index)
    assert p.sentences[0] == "Whole Milk 1L, Oat Milk 1L and Almond Milk 1L are in Fridge 1."
    assert "Almond Milk 1L is out of stock right now." in p.sentences


def test_synonym_does_not_match_through_descriptions(index):
    # "chip" appears in no product name here; crisps are found through the name/category, not a description
    p = plan("where can i find crisps", index)
    assert p.sources == ["CRS-SEA-150"]


def test_plural_forms_meet_their_singular():
    from agent.kiosk.text import stem

    assert stem("batteries") == stem("battery") and stem("cookies") == stem("cookie") and stem("pies") == stem("pie")
    assert stem("tomatoes") == stem("tomato") and stem("glasses") == "glass" and stem("soy") == "soy"


def test_packaging_words_do_not_make_a_product_unknown(index):
    p = plan("how much for a bag of crisps", index)
    assert p.kind == "product" and p.sources == ["CRS-SEA-150"]


def test_place_words_in_the_question_are_not_product_words(index):
    p = plan("which fridge has the oat milk", index)
    assert p.kind == "product" and p.sentences == ["Oat Milk 1L is in Fridge 1."]


def test_looser_spelling_fix_needs_a_second_matching_word(index):
    p = plan("how much is the sea salt crsps", index)
    assert p.kind == "product" and p.sources == ["CRS-SEA-150"]
    assert plan("do you sell paint", index).kind == "not_carried"  # "paint" is not "point"/"pint" on its own


def test_filler_words_do_not_turn_a_product_into_not_carried(index):
    p = plan("where is the oat milk kept at the moment", index)
    assert p.kind == "product" and p.sources == ["MLK-OAT-1L"]


def test_unknown_word_next_to_the_product_is_a_modifier_but_apart_from_it_is_filler(index):
    assert plan("do you have soy milk", index).kind == "not_carried"        # "soy" modifies "milk"
    p = plan("where can i snag a sourdough bread", index)                     # "snag" is apart from the product
    assert p.kind == "product" and p.sources == ["BRD-SD-800"]


def test_prefixes_do_not_reach_into_faq_answers(catalog):
    from agent.kiosk.catalog import Catalog, FaqEntry
    from agent.kiosk.retrieval import Index

    cat = Catalog(list(catalog.products.values()), [FaqEntry(1, "Do you do printing?", "Yes: send files to print@campus.example.")])
    assert plan("when is my exam", Index(cat)).kind == "off_topic"
    assert plan("can i print something here", Index(cat)).kind == "faq"


def test_two_words_typed_as_one(index):
    p = plan("where is the toiletroll", index)
    assert p.kind == "product" and p.sources == ["TLT-9"]


@pytest.mark.parametrize("question", ["write me a poem about the ocean", "could you tell me a joke", "can you calculate 17 times 23"])
def test_requests_that_are_not_shopping_get_the_off_topic_answer(index, question):
    from agent.kiosk import templates as T
    from agent.kiosk.planner import plan

    p = plan(question, index)
    assert (p.kind, p.sentences) == ("off_topic", [T.OFF_TOPIC])


@pytest.mark.parametrize("question", ["you're a worthless piece of junk", "this machine sucks", "you are so pathetic"])
def test_insults_get_the_polite_short_answer(index, question):
    from agent.kiosk.planner import plan

    assert plan(question, index).kind == "abusive"


def test_a_shoppers_sentence_is_never_echoed_as_a_product():
    from agent.kiosk import templates as T

    assert T.not_carried("kombucha") == "Sorry, we don't carry kombucha."
    assert "you're" not in T.not_carried("you're worthless junk")
    assert "ocean" not in T.not_carried("really long thing about the ocean")


_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "P1,Microwave Popcorn Butter 85g,Pop,Snacks,1.50,Aisle 1,5,,Butter popcorn.\n"
         "P2,Hex Key Set 9-Piece,Bond,Hand Tools,9.79,Aisle 3,5,,Metric hex keys.\n"
         "P3,Nylon Cable Ties 100-Pack,Bond,Electrical,5.49,Aisle 6,5,,Black ties.\n"
         "P4,Sparkling Water 500ml,Aqua,Drinks,1.50,Slot C3,5,,Carbonated.\n"
         "P5,Still Water 500ml,Aqua,Drinks,1.00,Slot C4,5,,Spring water.\n")
_SHOP_FAQ = ("question,answer\nIs there a microwave?,\"Yes, next to the counter.\"\n"
             "Do you cut keys?,\"Yes, at the Service Desk, $3.50 each.\"\n"
             "What is your returns policy?,Returns within 90 days with a receipt.\n")


@pytest.fixture
def shop():
    from agent.kiosk.retrieval import Index

    return Index(text_catalog(_SHOP, _SHOP_FAQ))


@pytest.mark.parametrize("question,faq_row", [
    ("can i warm up my soup here", "Is there a microwave?"),
    ("could i take back a jacket i got yesterday with the receipt", "What is your returns policy?"),
    ("what does it cost to have a spare front door key cut", "Do you cut keys?"),
])
def test_faq_paraphrases_made_of_everyday_words_find_their_row(shop, question, faq_row):
    p = plan(question, shop)
    assert p.kind == "faq" and p.faq is not None and p.faq.question == faq_row, p.sentences


@pytest.mark.parametrize("question,name", [
    ("where are the allen wrenches", "Hex Key Set 9-Piece"),
    ("price of tie wraps", "Nylon Cable Ties 100-Pack"),
    ("which slot has soda water", "Sparkling Water 500ml"),
    ("is there microwave popcorn", "Microwave Popcorn Butter 85g"),
])
def test_everyday_names_find_the_product(shop, question, name):
    p = plan(question, shop)
    assert p.kind == "product" and [x.name for x in p.products] == [name], p.sentences


@pytest.mark.parametrize("question", ["are you out of trash bags", "it's garbage day, where are the bin bags", "you're the best"])
def test_bin_bags_and_praise_are_not_insults(question):
    from agent.kiosk.intent import classify

    assert not classify(question).abusive

