"""Round 11: "any nuts in the X"; "booze free" / "alcohol free" for a store's "non-alcoholic" label; a comparison in a
description ("like a fine wine") is not what the product is; a misspelling near a known misspelling; "do i get anything
off" as a discount; what a thing is for after "when"; FAQ answers quoted whole state no invented price."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk

from .conftest import text_catalog, text_kiosk

# A made-up bottle shop and snack counter: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "B1,Kettleford Sour Red 750ml,Kettleford,Flanders Red,12.50,Shelf 2,6,sour,\"A tart oak-aged red ale, fruity like a fine wine.\"\n"
         "B2,Brightwater Zero IPA 4pk,Brightwater,Non-Alcoholic,9.99,Fridge 3,12,non-alcoholic;vegan,A non-alcoholic IPA with a citrus bite.\n"
         "B3,Brightwater Zero Lager 4pk,Brightwater,Non-Alcoholic,9.49,Fridge 3,8,non-alcoholic;vegan,A crisp non-alcoholic golden lager.\n"
         "B4,Old Harrow Stout 4pk,Old Harrow,Stout,11.00,Shelf 1,10,vegan,A roasty dry stout.\n"
         "B5,Moss Lane Porter 4pk,Moss Lane,Stout,10.50,Shelf 1,4,,A chocolatey porter; stout lovers' choice.\n"
         "B6,Prairie Oat Honey Bars 2-Pack,Prairie,Snacks,1.79,Counter,30,,Two crunchy oat bars with honey.\n"
         "B7,Cocoa Crunch Nut Bar,Prairie,Snacks,2.29,Counter,0,contains-nuts,Hazelnuts in dark chocolate.\n"
         "B8,Starbright Frappuccino Vanilla 13oz,Starbright,Drinks,4.29,Cooler,24,contains-milk,A chilled bottled coffee drink.\n"
         "B9,Trailmate Handheld Bottle 18oz,Trailmate,Hydration,27.00,Front Table,7,,A squeezable flask with a hand strap.\n")
_FAQ = ("question,answer\n"
        "Do staff get a discount?,\"Team members and volunteers get 10% off every purchase with a badge.\"\n"
        "Do you sharpen knives?,\"Yes, sharpening is $8 per knife ($12 for serrated knives), ready in 48 hours.\"\n"
        "What are your hours?,\"Every day 10am to 9pm.\"\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _FAQ)


def test_any_allergen_in_a_named_product_is_a_label_question(shop):
    a = shop.ask("any nuts in the prairie oat honey bars").answer
    assert "Prairie Oat Honey Bars 2-Pack" in a and "is not labelled as containing nuts" in a, a
    assert "don't carry" not in a
    assert shop.ask("any milk in the starbright frappuccino").answer.startswith("Yes, Starbright Frappuccino Vanilla 13oz contains milk")
    # ...but "any X in stock" still asks for the product
    a = shop.ask("any nut bars in stock").answer
    assert "Cocoa Crunch Nut Bar" in a and "labelled" not in a, a


@pytest.mark.parametrize("q", ["where's the booze free beer", "where's the alcohol free beer", "any non alcoholic beer?",
                               "do you have zero alcohol beer"])
def test_alcohol_free_asks_for_the_non_alcoholic_label(shop, q):
    a = shop.ask(q).answer
    assert a.startswith("Labelled non-alcoholic:") and "Brightwater Zero IPA 4pk" in a and "Brightwater Zero Lager 4pk" in a, (q, a)
    assert "Old Harrow" not in a and "Kettleford" not in a


def test_a_typed_brand_is_the_product_a_label_question_asks_about(shop):
    # "stout" also matches the porter (its description), but "old harrow" names one product
    assert shop.ask("is the old harrow stout alcohol free").answer == \
        "Old Harrow Stout 4pk is not labelled non-alcoholic, so please check the package."


def test_a_comparison_in_a_description_is_not_what_the_product_is(shop):
    a = shop.ask("do u sell wine").answer
    assert "don't carry wine" in a and "Kettleford" not in a and "$" not in a, a
    assert "Kettleford Sour Red 750ml" in shop.ask("do you sell sour red ale").answer


def test_a_misspelling_next_to_a_known_misspelling_still_finds_the_product(shop):
    # the lexicon knows "frappucino"; "frapachino" is closest to that spelling, which means Frappuccino
    assert "Starbright Frappuccino Vanilla 13oz is in Cooler" in shop.ask("wheres the starbright frapachino").answer


@pytest.mark.parametrize("q", ["i work here do i get anything off", "do u give anything off for staff", "any money off for volunteers?"])
def test_anything_off_is_a_discount(shop, q):
    assert "10% off" in shop.ask(q).answer, q


def test_what_a_thing_is_used_for_after_when(shop):
    a = shop.ask("how much is the water bottle u carry when running").answer
    assert "Trailmate Handheld Bottle 18oz costs $27.00" in a and "don't carry" not in a, a


def test_an_faq_answer_quoted_whole_states_no_invented_price():
    from agent.kiosk.evaluate import invented_facts

    cat = text_catalog(_SHOP, _FAQ)
    faq = "Yes, sharpening is $8 per knife ($12 for serrated knives), ready in 48 hours."
    assert invented_facts(faq, cat) == []
    # the same prices said of a product are still counted
    assert invented_facts("Old Harrow Stout 4pk costs $8 ($12 for serrated knives).", cat) != []


# A made-up spice and car audio counter (round 11b).
_SHOP_B = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "S1,Harbor Salt Co. Flaky Sea Salt 4 oz,Harbor Salt Co.,Salt,12.00,Salt Bar,10,vegan,Bright flake salt from the Maine coast.\n"
           "S2,Harbor Salt Co. Smoked Salt 4 oz,Harbor Salt Co.,Salt,14.00,Salt Bar,0,vegan,Alder-smoked flake salt.\n"
           "S3,Saffron Road Curry Blend 2 oz,Saffron Road,Blends,6.99,Aisle 2,5,vegan,"
           "\"A warm blend of cumin, coriander, turmeric, black pepper and cinnamon.\"\n"
           "S4,Hillside Ground Cumin 2 oz,Hillside,Spices,5.49,Aisle 1,9,vegan,Earthy ground cumin seed.\n"
           "A1,Thumper Comp 12-inch Subwoofer,Thumper,Subwoofers,229.99,Aisle 3,3,,Square-cone 12-inch sub.\n"
           "A2,Thumper Comp 10-inch Subwoofer,Thumper,Subwoofers,199.99,Aisle 3,2,,Square-cone 10-inch sub.\n"
           "A3,Ekwe Black Soap 150g,Ekwe,Health & Beauty,3.29,Wall B,30,vegan,Nigerian black soap with shea butter.\n")
_FAQ_B = ("question,answer\n"
          "Do you have a loyalty program?,Join Harbor Rewards free. You earn 1 point per $1 and every 100 points gives you $5 off.\n"
          "What are your hours?,Every day 9am to 6pm.\n")


@pytest.fixture
def shop_b() -> Kiosk:
    return text_kiosk(_SHOP_B, _FAQ_B)


def test_a_brand_ending_in_a_full_stop_inside_a_longer_name_is_no_sentence_end():
    from agent.kiosk.evaluate import invented_facts
    from agent.kiosk.text import dotted_names, split_sentences

    cat = text_catalog(_SHOP_B, _FAQ_B)
    names = dotted_names([n for p in cat.products.values() for n in (p.name, p.brand)])
    said = "Harbor Salt Co. Flaky Sea Salt 4 oz costs $12.00. We also stock Harbor Salt Co. Ask us."
    assert split_sentences(said, names) == ["Harbor Salt Co. Flaky Sea Salt 4 oz costs $12.00.", "We also stock Harbor Salt Co.",
                                            "Ask us."]
    assert invented_facts("Harbor Salt Co. Flaky Sea Salt 4 oz costs $12.00.", cat) == []
    assert invented_facts("Harbor Salt Co. Flaky Sea Salt 4 oz costs $14.00.", cat) != []


def test_what_a_description_lists_a_blend_as_made_of_is_not_what_it_is(shop_b):
    a = shop_b.ask("do you sell fresh cilantro").answer
    assert "don't carry" in a and "Curry Blend" not in a and "$" not in a, a
    a = shop_b.ask("do you sell cumin").answer
    assert a.startswith("Yes, Hillside Ground Cumin 2 oz is in stock") and "Curry Blend" not in a, a


def test_a_size_in_the_plural_is_the_size(shop_b):
    a = shop_b.ask("any thumper comp 12s available").answer
    assert "Thumper Comp 12-inch Subwoofer is in stock" in a and "10-inch" not in a, a


def test_points_till_money_off_is_the_loyalty_row(shop_b):
    assert "every 100 points gives you $5 off" in shop_b.ask("how many points till i get money off").answer


def test_a_short_misspelling_counts_beside_another_word(shop_b):
    assert "Ekwe Black Soap 150g costs $3.29" in shop_b.ask("ekwe black sope how much").answer
