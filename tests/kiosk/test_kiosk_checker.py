"""The answer checker: every price, place, quantity, product name and label must match the facts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.kiosk.checker import Facts, check_sentence
from agent.kiosk.evaluate import SETS, invented_facts, set_paths
from agent.kiosk.planner import plan

from .conftest import text_catalog


@pytest.fixture
def oat(catalog):
    return Facts([catalog.product("MLK-OAT-1L")], catalog=catalog)


@pytest.mark.parametrize("sentence", [
    "Oat Milk 1L is in Fridge 1.", "Oat Milk costs $2.49.", "We have 12 left.", "Oat milk is vegan.", "Yes, it's dairy-free!",
])
def test_supported_sentences_pass(oat, sentence):
    assert check_sentence(sentence, oat) == []


@pytest.mark.parametrize("sentence,problem", [
    ("Oat Milk costs $1.99.", "price $1.99"),
    ("Oat Milk costs 2 dollars.", "price 2 dollars"),
    ("Oat milk is in Aisle 4.", "place 'aisle 4'"),
    ("You'll find it in Freezer 1.", "place"),
    ("We have 30 left.", "number 30"),
    ("Oat Milk is out of stock.", "says out of stock"),
    ("Oat milk is gluten-free.", "not labelled gluten-free"),
    ("Try our Whole Milk 1L too.", "names Whole Milk 1L"),
    ("We don't carry oat milk.", "does not carry"),
    ("Oat milk is not vegan.", "labelled vegan"),
])
def test_invented_claims_are_caught(oat, sentence, problem):
    problems = check_sentence(sentence, oat)
    assert any(problem in p for p in problems), problems


def test_out_of_stock_product_cannot_be_called_in_stock(catalog):
    f = Facts([catalog.product("MLK-ALM-1L")], catalog=catalog)
    assert check_sentence("Almond Milk 1L is in stock.", f)
    assert check_sentence("Almond Milk 1L is out of stock right now.", f) == []
    assert check_sentence("Almond Milk 1L is nut-free.", f)


def test_a_name_inside_the_retrieved_name_is_not_another_product(catalog):
    # "Whole Milk 1L" contains no other product, but "Mixed Nuts" vs "nuts" style overlaps must not trip the check
    f = Facts([catalog.product("NUT-MIX-200")], catalog=catalog)
    assert check_sentence("Yes, Mixed Nuts 200g is vegan.", f) == []


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_template_answer_passes_the_checker(name):
    """The fallback must itself be checkable: a template that fails would leave the shopper without an answer."""
    from agent.kiosk.catalog import load_catalog
    from agent.kiosk.retrieval import Index

    c, f, q = set_paths(name)
    cat = load_catalog(c, f)
    ix = Index(cat)
    for line in q.read_text().splitlines():
        question = json.loads(line)["question"]
        p = plan(question, ix)
        facts = Facts(p.products, [p.faq] if p.faq else [], "$", cat, not_carried_ok=p.kind == "not_carried")
        for s in p.sentences:
            assert check_sentence(s, facts) == [], (question, s)
            assert invented_facts(s, cat) == [], (question, s)


def test_independent_invented_fact_counter(catalog):
    assert invented_facts("Oat Milk 1L costs $2.49 and is in Fridge 1.", catalog) == []
    assert invented_facts("Oat Milk 1L costs $1.00.", catalog)
    assert invented_facts("Oat Milk 1L is in Aisle 9.", catalog)


_KIOSK = None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.sampled_from(["", " ", "?", "\x00", "where is the " * 40, "$$$", "aisle 4?"]))
def test_any_text_gets_a_checked_answer_and_never_crashes(text):
    global _KIOSK
    if _KIOSK is None:
        from agent.kiosk.service import Kiosk, load_sample

        _KIOSK = Kiosk(load_sample(), use_model=False)
    kiosk = _KIOSK
    ans = kiosk.ask(text)
    assert ans.answer and ans.sentences
    assert invented_facts(ans.answer, kiosk.catalog) == []


def test_invented_fact_counter_reads_lists_with_parentheses(catalog):
    ok = "Labelled vegan: Oat Milk 1L ($2.49, Fridge 1), Sourdough Bread ($3.50, Aisle 1) and Bananas (each) ($0.25, Aisle 1)."
    assert invented_facts(ok, catalog) == []
    assert invented_facts("We do have Oat Milk 1L ($2.49, Aisle 1).", catalog) == ["place Aisle 1 in 'We do have Oat Milk 1L ($2.49, Aisle 1)'"]


@pytest.mark.parametrize("sentence", ["Oat Milk is in a Fridge.", "It is in Fridge 12.", "Oat milk is on the top shelf."])
def test_places_must_be_stated_exactly(oat, sentence):
    assert any("place" in p for p in check_sentence(sentence, oat))


def test_money_stated_by_the_faq_row_is_allowed(catalog):
    from agent.kiosk.catalog import FaqEntry

    faq = FaqEntry(1, "Do you deliver?", "Yes. Local delivery is free on orders over 50 pounds.")
    assert check_sentence("Local delivery is free on orders over 50 pounds.", Facts([], [faq], catalog=catalog)) == []
    assert check_sentence("Local delivery is free on orders over 40 pounds.", Facts([], [faq], catalog=catalog))


_COLAS = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "C1,Cola 330ml Can,Fizz,Drinks,1.80,Slot C1,24,vegan,Classic cola.\n"
          "C2,Diet Cola 330ml Can,Fizz,Drinks,1.80,Slot C2,0,vegan,Zero sugar cola.\n")
_FAQ = "question,answer\nWhere can visitors park?,Visitor parking is on Level B1 at $4 per hour.\n"


def _colas():
    return text_catalog(_COLAS, _FAQ)


def test_a_name_inside_a_longer_name_is_told_apart():
    """"Cola" inside "Diet Cola" is not a mention of Cola, in retrieval and in the checker."""
    from agent.kiosk.retrieval import Index

    cat = _colas()
    ix = Index(cat)
    assert [p.name for p in plan("is the diet cola in stock", ix).products] == ["Diet Cola 330ml Can"]
    assert [p.name for p in plan("is the cola in stock", ix).products] == ["Cola 330ml Can"]
    both = Facts([cat.product("C1"), cat.product("C2")], catalog=cat)
    assert check_sentence("Diet Cola 330ml Can is out of stock right now.", both) == []
    assert check_sentence("Cola 330ml Can is out of stock right now.", both) != []
    assert check_sentence("Diet Cola 330ml Can is in stock.", both) != []


def test_invented_fact_counter_accepts_a_price_quoted_from_the_faq_only():
    cat = _colas()
    assert invented_facts("Visitor parking is on Level B1 at $4 per hour.", cat) == []
    assert invented_facts("Visitor parking is on Level B1 at $5 per hour.", cat)
    assert invented_facts("Parking costs $4.", cat)


def test_hyphenated_longer_name_is_not_a_mention_of_the_shorter_product(tmp_path):
    from agent.kiosk.catalog import load_catalog
    from agent.kiosk.checker import Facts, check_sentence

    cat_file = tmp_path / "c.csv"
    cat_file.write_text("sku,name,brand,category,price,location,stock,tags,description\n"
                        "A,Multi-Purpose Compost 50L,R,Compost,6.99,Yard,0,,\n"
                        "B,Peat-Free Multi-Purpose Compost 50L,R,Compost,8.49,Yard,35,,\n")
    cat = load_catalog(cat_file)
    longer = cat.products["B"]
    facts = Facts([longer], [], "$", cat)
    assert check_sentence("Peat-Free Multi-Purpose Compost 50L costs $8.49.", facts) == []
    # Naming the shorter product when only the longer was retrieved is still caught.
    assert check_sentence("Multi-Purpose Compost 50L costs $8.49.", facts)


def test_a_model_sentence_gives_only_the_prices_of_the_products_it_names():
    from agent.kiosk.checker import check_model_sentence
    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       "G1,Mint Chewing Gum,Fresh,Sweets,0.80,Slot C3,5,,Sugar-free gum.\n"
                       "G2,Fruit Gums,Fresh,Sweets,0.95,Slot C2,5,,Chewy sweets.\n")
    facts = Facts(products=list(cat.products.values()), faq=[], catalog=cat)
    bad = check_model_sentence("Yes, Mint Chewing Gum is in stock: $0.80, in Slot C3: $0.95.", facts)
    assert "price $0.95 is not the price of the product it names" in bad
    assert check_model_sentence("Mint Chewing Gum is $0.80, in Slot C3.", facts) == []
    assert check_model_sentence("Mint Chewing Gum is $0.80 and Fruit Gums are $0.95.", facts) == []


def test_a_model_sentence_gives_only_the_places_of_the_products_it_names():
    from agent.kiosk.checker import check_model_sentence
    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       "D1,Beef Dripping 250g,Hartley,Fats,2.95,Fridge 1,5,,Rendered beef fat.\n"
                       "D2,Beef Bone Broth 500ml,Hartley,Fats,6.50,Fridge 2,5,,Bone broth.\n")
    facts = Facts(products=list(cat.products.values()), faq=[], catalog=cat)
    assert "place fridge 2 is not where the product it names is" in check_model_sentence("Beef Dripping 250g is in Fridge 2.", facts)
    assert check_model_sentence("Beef Dripping 250g is in Fridge 1.", facts) == []
    assert check_model_sentence("Beef Dripping 250g is in Fridge 1 and Beef Bone Broth 500ml is in Fridge 2.", facts) == []
