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


# A made-up phone, PC and holiday counter (round 11c).
_SHOP_C = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "C1,Armorline Rugged Case iPhone 15,Armorline,Cases,59.95,Display Case,8,,A drop-proof case with a belt clip.\n"
           "C2,Clearguard Glass Elite iPhone 15,Clearguard,Screen Protectors,39.99,Counter,12,,Tempered glass screen protector.\n"
           "C3,Fixkit iPhone 11 Replacement Battery Kit,Fixkit,Parts,39.99,Back Room,4,,A battery with tools to fit it yourself.\n"
           "C4,Stormdrive 1TB NVMe SSD,Stormdrive,Storage,89.99,Aisle 2,20,nvme,A fast gaming SSD that also works in the PS5.\n"
           "C5,Voltcore 600W Power Supply,Voltcore,Power Supplies,49.99,Aisle 3,13,80plus-bronze,A non-modular 600W unit.\n"
           "C6,Glidemouse G2 Wired Mouse,Glidemouse,Mice,19.99,Aisle 4,9,wired,A light wired gaming mouse.\n"
           "C7,Evergreen 9 ft Tree Storage Bag,Evergreen,Storage,21.99,Back Room,20,waterproof,A zip bag to store your artificial tree.\n"
           "C8,Evergreen Gold Star Tree Topper,Evergreen,Tree Accessories,32.99,Aisle 3,5,,A glittering star for the top of the tree.\n"
           "C9,Frosthill Snow Village Bakery Lit Building,Frosthill,Villages,84.99,Aisle 2,5,led,A porcelain village bakery.\n"
           "C10,Lashlux Lash Enhancing Serum 2ml,Lashlux,Lashes,70.00,Counter,6,,\"A nightly serum that gives longer, fuller-looking lashes.\"\n"
           "C11,Wheatfield Seitan 8 oz,Wheatfield,Plant Protein,5.99,Fridge 1,10,vegan;contains-gluten,Chewy wheat-protein seitan.\n"
           "C12,Mojo's Ginger Fizz 16oz,Mojo's,Drinks,4.79,Fridge 2,7,vegan,A sparkling ginger drink.\n")
_FAQ_C = ("question,answer\n"
          "How much is a screen replacement?,Screen replacements start at $89 for iPhone 11 and take about 45 minutes.\n"
          "How much does a battery replacement cost?,Battery replacements are $69 for most iPhone models.\n"
          "Can you install parts I bought here?,\"Single-part installation (GPU, RAM or SSD) is $25 per part.\"\n"
          "Do you personalize ornaments?,\"Yes, we hand-paint names on ornaments for $5 each.\"\n")


@pytest.fixture
def shop_c() -> Kiosk:
    return text_kiosk(_SHOP_C, _FAQ_C)


def test_a_short_possessive_brand_typed_without_its_apostrophe(shop_c):
    assert "Mojo's Ginger Fizz 16oz" in shop_c.ask("u got mojos ginger fizz?").answer


def test_the_packaging_word_before_what_it_is_for_is_the_thing(shop_c):
    a = shop_c.ask("where can i get a bag to put my fake tree away in").answer
    assert "Evergreen 9 ft Tree Storage Bag is in Back Room" in a and "don't carry" not in a, a


@pytest.mark.parametrize("q,want", [
    ("how much to swap my phone battery", "Battery replacements are $69"),
    ("can u put in a graphics card i bought here, how much", "$25 per part"),
    ("can u write my kids name on an ornament", "hand-paint names on ornaments"),
])
def test_services_said_with_everyday_verbs(shop_c, q, want):
    assert want in shop_c.ask(q).answer, q


def test_writing_a_poem_is_still_no_service(shop_c):
    assert "only answer questions about this store" in shop_c.ask("can you write me a poem about the sea").answer


def test_a_product_named_first_then_asked_about_as_it(shop_c):
    a = shop_c.ask("voltcore 600w psu is it modular?").answer
    assert "Voltcore 600W Power Supply" in a and "non-modular" in a and not a.startswith("Yes"), a
    assert shop_c.ask("glidemouse g2, is it wireless").answer == "No, Glidemouse G2 Wired Mouse is labelled wired, not wireless."


@pytest.mark.parametrize("q", ["do u sell new iphones", "u got ps5 consoles"])
def test_what_products_fit_is_not_what_the_store_sells(shop_c, q):
    a = shop_c.ask(q).answer
    assert "don't carry" in a and "$" not in a and not a.startswith("Yes"), (q, a)


def test_cases_for_a_phone_are_still_found(shop_c):
    assert "Armorline Rugged Case iPhone 15" in shop_c.ask("do you have iphone cases").answer


@pytest.mark.parametrize("q,want", [
    ("how much is the stuff that makes ur lashes grow longer", "Lashlux Lash Enhancing Serum 2ml costs $70.00"),
    ("where do i find the thing that goes on top of the tree", "Evergreen Gold Star Tree Topper is in Aisle 3"),
])
def test_the_thing_that_does_something(shop_c, q, want):
    assert want in shop_c.ask(q).answer, q


def test_the_closest_match_by_a_product_s_own_words_beside_a_description_that_has_the_thing(shop_c):
    a = shop_c.ask("where r the frosthill snow vilage houses").answer
    assert "closest match is Frosthill Snow Village Bakery Lit Building in Aisle 2" in a, a


def test_a_kind_two_brands_sell_in_one_category_is_still_that_kind():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "H1,Velvetine Sequin Cat Ear Headband,Velvetine,Accessories,6.99,Aisle 2,5,,Black sequin cat ears.\n"
                   "H2,Roaring Twenties Flapper Headband,Gatsbyware,Accessories,9.99,Aisle 2,3,,Rhinestones and a feather.\n")
    assert k.ask("got any sequin cat ear headbands").answer.startswith("Yes, Velvetine Sequin Cat Ear Headband is in stock")


# A made-up beach kiosk and deli counter (round 11d).
_SHOP_D = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "D1,Sunvale Sport SPF 50 Spray 5.5 oz,Sunvale,Sun Care,12.49,Wall A,18,water-resistant,Continuous spray sunscreen.\n"
           "D2,Drybay Waterproof Phone Pouch,Drybay,Accessories,9.99,Counter,7,waterproof,A clear pouch with a lanyard.\n"
           "D3,Drybay Beach Tote,Drybay,Accessories,19.99,Counter,4,,A canvas tote.\n"
           "D4,Nishiya Cup Noodles Chicken 2.25oz,Nishiya,Snacks,1.49,Snack Shelf,26,,Instant noodles in a cup.\n"
           "D5,Marguerite Daisy Eau de Toilette 50ml,Marguerite,Fragrance,98.00,Wall B,6,,A light floral.\n"
           "D6,Reusable Keep Cup 12oz,Brewline,Drinkware,14.00,Wall C,5,,A glass coffee cup with a cork band.\n")
_FAQ_D = ("question,answer\n"
          "Do you deliver on the beach?,\"We deliver drinks, ice and snacks to your spot on the sand for a $5 fee.\"\n"
          "Is sushi discounted?,\"Sushi is made every morning, and any sushi left after 7pm is 30% off.\"\n"
          "Do you engrave bottles?,\"Yes, bottle engraving is $15 per bottle, ready in 20 minutes.\"\n")


@pytest.fixture
def shop_d() -> Kiosk:
    return text_kiosk(_SHOP_D, _FAQ_D)


def test_do_you_have_a_labelled_product_says_whether_it_is_in_stock(shop_d):
    a = shop_d.ask("do you have the waterproof phone pouch").answer
    assert a.startswith("Yes, Drybay Waterproof Phone Pouch is waterproof.") and "Drybay Waterproof Phone Pouch is in stock (7 left)" in a, a


@pytest.mark.parametrize("q,want", [
    ("can u bring drinks out to us on the sand", "$5 fee"),
    ("is sushi cheaper at night", "30% off"),
    ("how much to get my name put on a bottle", "$15 per bottle"),
])
def test_store_services_in_shoppers_words(shop_d, q, want):
    assert want in shop_d.ask(q).answer, q


@pytest.mark.parametrize("q,want", [
    ("wheres the sunvale spary", "Sunvale Sport SPF 50 Spray 5.5 oz is in Wall A"),
    ("how much is the marguerite daisey", "Marguerite Daisy Eau de Toilette 50ml costs $98.00"),
])
def test_misspellings_of_words_ending_in_y(shop_d, q, want):
    assert want in shop_d.ask(q).answer, q


def test_where_do_you_keep_asks_where(shop_d):
    a = shop_d.ask("where do u keep the cup noodles").answer
    assert a == "Nishiya Cup Noodles Chicken 2.25oz is in Snack Shelf.", a


# A made-up bakery supply, mower dealer and tack counter (round 11e).
_SHOP_E = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "E1,Starpoint Open Star Decorating Tip,Starpoint,Tools,2.29,Wall B,40,,A 1M-style open star tip.\n"
           "E2,Voltra 56V 5.0Ah Lithium Battery,Voltra,Batteries,299.00,Counter,3,,Fits every Voltra 56V tool.\n"
           "E3,Voltra 15in String Trimmer Kit,Voltra,Trimmers,229.00,Wall B,4,battery-included,A 56V trimmer.\n"
           "E4,Ghee House Punjabi Samosa (2 pc),Ghee House,Hot Snacks,3.99,Hot Case,20,vegan,"
           "\"Flaky pastry stuffed with spiced potatoes and peas, served hot.\"\n"
           "E5,Ghee House Ratlami Sev 425g,Ghee House,Namkeen,4.49,Aisle 1,12,vegan,Thick sev flavoured with cloves and black pepper.\n")
_FAQ_E = ("question,answer\n"
          "What are your hours?,\"Monday to Friday 7am to 5pm, Saturday 8am to 2pm, closed Sunday.\"\n"
          "Can you print custom cake boxes?,\"Yes, we print your logo on cake boxes with a 250-box minimum, a $75 setup fee.\"\n"
          "Do you print edible images?,\"Yes, we print edible images on frosting sheets for $8.50 per sheet.\"\n"
          "Do you sharpen hoof knives?,\"Yes. Hoof knife sharpening is $8 per knife.\"\n"
          "Do you offer blanket washing?,\"Yes. Blanket wash and re-proofing is $25 per blanket.\"\n"
          "Do you deliver?,\"We deliver within 10 miles for a $6.99 fee.\"\n"
          "Do you ship gift boxes?,We ship gift boxes nationwide for a flat $12.50.\n")


@pytest.fixture
def shop_e() -> Kiosk:
    return text_kiosk(_SHOP_E, _FAQ_E)


@pytest.mark.parametrize("q", ["r u open sundays", "are you open on sundays", "open on saturday?"])
def test_open_on_a_day_asks_the_hours_not_for_an_open_star_tip(shop_e, q):
    assert shop_e.ask(q).answer.startswith("Monday to Friday 7am to 5pm"), q
    assert "Starpoint" in shop_e.ask("do you have open star tips").answer


@pytest.mark.parametrize("q,want", [
    ("can i get my bakery logo printed on boxes", "250-box minimum"),
    ("can i get my hoof knife sharpened here, how much", "$8 per knife"),
    ("how much to get my horse rug cleaned", "$25 per blanket"),
    ("whats the charge to bring feed out to my farm", "$6.99 fee"),
    ("can u send a gift box to my sister in texas, how much", "flat $12.50"),
])
def test_the_service_row_for_the_thing_done(shop_e, q, want):
    assert want in shop_e.ask(q).answer, q


def test_a_decimal_zero_in_a_name_is_typed_without_it(shop_e):
    assert shop_e.ask("voltra 5ah battery how much").answer == "Voltra 56V 5.0Ah Lithium Battery costs $299.00."


def test_what_a_snack_is_stuffed_or_flavoured_with_is_not_for_sale(shop_e):
    a = shop_e.ask("do u sell fresh vegetables").answer
    assert "don't carry" in a and "$" not in a, a
    assert shop_e.ask("do you sell samosas").answer.startswith("Yes, Ghee House Punjabi Samosa (2 pc) is in stock")
