"""Names with digits and hyphens, what a thing is for, store labels, service questions and off-topic ones."""

from __future__ import annotations

import pytest

from agent.kiosk.checker import Facts, check_sentence
from agent.kiosk.evaluate import invented_facts
from agent.kiosk.service import Kiosk

from .conftest import text_catalog, text_kiosk

# A made-up garage forecourt shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "G1,GT-85 Lubricant Spray 400ml,GT85,Lubricants,6.49,Bay 2,11,,Teflon spray.\n"
         "G2,Motor Oil 10W-40 1 Litre,Mobil,Car Care,11.99,Bay 3,7,,Semi-synthetic oil.\n"
         "G3,Screenwash Concentrate 5L,Halfords,Car Care,5.49,Bay 3,9,,Washer fluid for windscreens.\n"
         "G4,In-Car Charger Twin Port,Belkin,Electrical,13.99,Counter,0,,Plugs into the lighter socket.\n"
         "G5,Micro USB Cable for Phones 1m,Belkin,Electrical,7.99,Counter,6,,Cable for older phones.\n"
         "G6,Soya Milk 1L,Alpro,Chilled,1.89,Chiller 2,8,vegan;dairy-free,Soya drink.\n"
         "G7,Semi Skimmed Milk 1L,Cravendale,Chilled,1.59,Chiller 2,20,,Cow's milk.\n"
         "G8,Latte Regular,Forecourt,Hot Drinks,2.80,Coffee Machine,50,vegetarian,Milky coffee.\n"
         "G9,Halogen Bulb H4 12V,Osram,Car Care,8.99,Bay 4,5,,Headlight bulb.\n"
         "G10,LED Bulb B22 6W,Philips,Electrical,4.99,Bay 6,12,energy-saving,Bayonet lamp.\n"
         "G11,Fence Paint Green 5L,Cuprinol,Garden,14.99,Bay 7,4,solvent-based,Shed and fence paint.\n"
         "G12,Garden Furniture Oil 1L,Cuprinol,Garden,9.99,Bay 7,3,water-based,Low-odour oil for wooden furniture.\n"
         "G13,Freezer Bag Clips 10 Pack,Kitchen,Kitchen,2.49,Bay 8,15,,Snap clips.\n")
_FAQ = ("question,answer\n"
        "How much is the car wash?,\"Car wash: $3 for 5 minutes, coins or card at the bay.\"\n"
        "What is your refund policy?,Unopened items can be refunded within 21 days with a receipt.\n")


@pytest.fixture(scope="module")
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _FAQ)


@pytest.mark.parametrize("question,fact", [
    ("gt85 how much", "$6.49"),  # "GT-85" typed joined
    ("gt 85 price", "$6.49"),  # ...or apart
    ("how much is 10w40 oil", "$11.99"),  # "10W-40"
    ("10w-40 oil price", "$11.99"),
])
def test_names_with_digits_match_with_or_without_hyphens(shop, question, fact):
    a = shop.ask(question).answer
    assert fact in a and "don't carry" not in a, a


def test_what_a_thing_is_for_is_no_constraint_unless_it_tells_this_stores_variants_apart(shop):
    # no charger is named for phones; the cable that is sits in the same department, but it is no charger
    a = shop.ask("car charger for my phone in stock?").answer
    assert "In-Car Charger Twin Port" in a and "out of stock" in a and "don't carry" not in a, a
    # the latte is named "coffee"-ish in another department (Hot Drinks): the milk is still the milk
    a = shop.ask("dairy free milk for my coffee").answer
    assert "Soya Milk 1L" in a and "don't carry" not in a, a
    # a feature after "with" must still match when the store uses the word
    a = shop.ask("garden paint with low odour").answer
    assert "Garden Furniture Oil" not in a or "Fence Paint" not in a, a


@pytest.mark.parametrize("question,fact,absent", [
    ("energy saving light bulbs", "LED Bulb B22 6W", "Halogen"),
    ("is the fence paint water based", "No, Fence Paint Green 5L is solvent-based", "Yes"),
])
def test_store_labels_written_with_a_hyphen_or_a_space_are_constraints(shop, question, fact, absent):
    a = shop.ask(question).answer
    assert fact in a and absent not in a, a


@pytest.mark.parametrize("question,fact", [
    ("how much to wash my car", "$3 for 5 minutes"),  # the row has "wash" as typed; the product only "washer" in its description
    ("how long do i have to bring something back", "21 days"),  # "bring ... back" with a word inside; "how long" asks nothing of a product
    ("can i take it back", "21 days"),
])
def test_service_paraphrases_reach_the_faq(shop, question, fact):
    a = shop.ask(question).answer
    assert fact in a, a


@pytest.mark.parametrize("question", ["is my flight delayed", "recommend a good movie", "can you suggest a good film"])
def test_questions_about_the_shoppers_own_things_or_the_world_are_off_topic(shop, question):
    r = shop.ask(question)
    assert r.kind == "off_topic" and "don't carry" not in r.answer, r.answer


def test_real_products_the_store_lacks_are_still_not_carried(shop):
    a = shop.ask("do you sell tyres").answer
    assert "don't carry" in a, a
    a = shop.ask("can you recommend a good screen wash").answer
    assert "Screenwash Concentrate 5L" in a, a


def test_a_place_word_inside_a_product_name_is_no_place():
    cat = text_catalog(_SHOP)
    clips = cat.product("G13")
    assert clips is not None
    sentence = "Freezer Bag Clips 10 Pack is in Bay 8."
    assert check_sentence(sentence, Facts(products=[clips], catalog=cat)) == []
    assert invented_facts(sentence, cat) == []
    # ...but a place the facts do not give is still caught
    assert check_sentence("Freezer Bag Clips 10 Pack is in Freezer 2.", Facts(products=[clips], catalog=cat))


def test_a_store_tag_describes_the_product_but_a_contains_tag_does_not():
    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       "L1,Solar Lantern,Lumo,Lighting,12.99,Bay 1,4,outdoor,Hangs from a hook.\n"
                       "L2,Table Lamp,Lumo,Lighting,19.99,Bay 1,3,,Linen shade.\n"
                       "L3,Flapjack,Oaty,Snacks,1.99,Counter,9,contains-nuts,Oat bar.\n")
    k = Kiosk(cat, use_model=False)
    a = k.ask("outdoor lantern price").answer
    assert "$12.99" in a and "don't carry" not in a, a
    assert "Flapjack" not in k.ask("do you sell nuts").answer
