"""Round 9: services asked by what is done to the shopper's own thing ("get my skis waxed"), home visits and deliveries
("come to my house", "bring it to my house"), classes, borrowing; features asked as a use ("can I use X in my saltwater
tank", "can it go in the washing machine"); sizes in inches; "Bar-B-Q"; names with commas in the invented-fact counter."""

from __future__ import annotations

import pytest

from agent.kiosk.evaluate import invented_facts, is_correct
from agent.kiosk.service import Kiosk

from .conftest import text_catalog, text_kiosk

# A made-up outdoor-and-home shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "S1,Alpenglow Glide Universal Ski Wax 60g,Alpenglow,Ski Care,11.00,Wall 2,9,,All-temperature rub-on wax.\n"
         "S2,Alpenglow Waxing Iron 230V,Alpenglow,Ski Care,89.00,Wall 2,3,,Thermostatic iron for hot waxing.\n"
         "S3,Reefline Plant Boost 250 mL,Reefline,Plant Care,9.50,Plant Bay,7,freshwater-only;fertilizer,Liquid fertiliser for planted tanks.\n"
         "S4,Lumen Tank Light 60 cm,Lumen,Lighting,120.00,Aisle 2,4,bluetooth;dimmable,App-controlled LED light with sunrise mode.\n"
         "S5,Tumble Kids' Trainer Sizes 4-10,Tumble,Kids Shoes,39.00,Kids Corner,6,machine-washable,Velcro trainer with a toe bumper.\n"
         "S6,Hearth Cast Iron Skillet 26 cm,Hearth,Cookware,35.00,Aisle 4,5,hand-wash-only,Pre-seasoned skillet.\n"
         "S7,Ridgeway Premium 6 in Leather Boot,Ridgeway,Boots,150.00,Wall B,3,waterproof,Six-inch lace-up work boot.\n"
         "S8,Smokehouse Original Bar-B-Q Sauce 18 oz,Smokehouse,Sauces,5.29,Aisle 1,12,vegan,Tangy tomato sauce.\n"
         "S9,\"Honeycomb Wax Wraps (S, M, L)\",Honeycomb,Kitchen,21.00,Aisle 4,8,,Three reusable food wraps.\n"
         "S10,Cosy Knit Chenille Yarn 300 g,Cosy Knit,Yarn,12.99,Aisle 5,20,100-percent-polyester,Soft chenille for blankets.\n"
         "S11,Quickread Pocket Thermometer,Quickread,Thermometers,49.00,Counter,4,waterproof;backlit,Reads in two seconds.\n")
_FAQ = ("question,answer\n"
        "What tuning services do you offer?,\"A hot wax is $25, and a full tune is $65; most are ready the next day.\"\n"
        "Do you offer tank maintenance?,\"Our technicians make in-home maintenance visits from $75 per visit.\"\n"
        "Do you deliver?,\"We deliver within 20 miles for $15.\"\n"
        "Do you run workshops?,\"Our beginner knitting workshop is $30 per person on Saturdays.\"\n"
        "What if I forget my bags?,\"Borrow a cotton bag from our bag library for a $1 deposit.\"\n"
        "Do you repair shoes?,\"Full resoling from $45, heel tips $15.\"\n"
        "Do you do alterations?,\"We hem trousers and jeans for $12 per pair.\"\n"
        "What are your opening hours?,\"Monday to Saturday 9am to 6pm; we recheck stock every morning.\"\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _FAQ)


@pytest.mark.parametrize("question,fact", [("how much to just get my skis waxed", "$25"),
                                           ("do you guys come to my house to look after my tank", "$75 per visit"),
                                           ("will you bring a skillet to my house and what does it cost", "$15"),
                                           ("how much are your knitting classes", "$30"),
                                           ("i forgot my bags can i borrow one", "$1 deposit"),
                                           ("can you put new soles on my old boots", "$45"),
                                           ("can you take up my jeans and how much", "$12 per pair")])
def test_a_service_asked_by_what_is_done_is_the_row_offering_it(shop, question, fact):
    a = shop.ask(question)
    assert fact in a.answer and a.kind == "faq", a.answer


def test_a_word_only_in_passing_in_an_answer_is_not_the_row_about_it(shop):
    # "we recheck stock every morning": no price or offer goes with it -- not the answer to having a thing checked
    a = shop.ask("how much to get my boots checked")
    assert "9am" not in a.answer, a.answer


def test_the_ski_wax_itself_is_still_a_product(shop):
    a = shop.ask("how much is the ski wax")
    assert "$11.00" in a.answer, a.answer


def test_a_use_a_label_rules_out_is_answered_no(shop):
    a = shop.ask("can i use reefline plant boost in my saltwater tank")
    assert a.answer.startswith("No,") and "freshwater-only" in a.answer, a.answer
    b = shop.ask("can the hearth skillet go in the dishwasher")
    assert b.answer.startswith("No,") and "hand-wash-only" in b.answer, b.answer


def test_a_use_in_other_words_than_the_label_is_answered_yes(shop):
    a = shop.ask("can the tumble kids trainer go in the washing machine")
    assert a.answer.startswith("Yes") and "machine-washable" in a.answer, a.answer


def test_can_i_do_something_with_a_product_quotes_what_the_store_knows(shop):
    a = shop.ask("can i control the lumen tank light from my phone")
    assert "can't confirm" in a.answer and "bluetooth" in a.answer and "App-controlled" in a.answer, a.answer
    # ...but "can I return/buy the X" is not a feature question
    assert "can't confirm" not in shop.ask("can i buy the lumen tank light").answer


def test_have_any_x_in_it_asks_the_material_even_when_x_is_a_kind_of_the_product(shop):
    a = shop.ask("does the cosy knit chenille yarn have any wool in it")
    assert "can't confirm wool" in a.answer and "100-percent-polyester" in a.answer and "in stock" not in a.answer, a.answer


def test_words_about_the_label_after_the_product_do_not_lose_it(shop):
    a = shop.ask("can the quickread thermometer get wet is it waterproof")
    assert a.answer.startswith("Yes") and "waterproof" in a.answer, a.answer


def test_a_long_product_name_with_an_allergen_question_is_still_one(shop):
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "R1,Ranchhand Buttery Steakhouse Seasoning Blend 6.5 oz,Ranchhand,Rubs,6.99,Aisle 1,9,contains-milk,Garlic butter rub.\n")
    a = k.ask("does the ranchhand buttery steakhouse seasoning blend have dairy")
    assert a.answer.startswith("Yes") and "milk" in a.answer, a.answer


@pytest.mark.parametrize("question,fact", [("price of the ridgeway 6 inch premium boot", "$150.00"),
                                           ("price of the ridgeway 6-inch boot", "$150.00"),
                                           ("where is the smokehouse bbq sauce", "Aisle 1"),
                                           ("smokehouse barbeque sauce price", "$5.29")])
def test_inches_and_bar_b_q_are_typed_as_the_catalog_writes_them(shop, question, fact):
    a = shop.ask(question)
    assert fact in a.answer and "don't carry" not in a.answer, a.answer


def test_a_name_with_commas_is_one_name_to_the_invented_fact_counter():
    cat = text_catalog(_SHOP, _FAQ)
    assert invented_facts("Honeycomb Wax Wraps (S, M, L) costs $21.00.", cat) == []
    assert invented_facts("Honeycomb Wax Wraps (S, M, L) costs $25.00.", cat) != []


def test_could_not_find_is_no_correct_answer_to_a_fact_question():
    q = {"category": "location", "must": ["Rack 1"], "must_not": []}
    assert not is_correct("Sorry, I couldn't find that in our store. We do have Thermal Top (Rack 1).", q)
    assert is_correct("Thermal Top is in Rack 1.", q)


# Round 9b: a made-up camera-and-craft shop.
_SHOP2 = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "C1,Sonar FE 24-70mm F2.8 Zoom Lens,Sonar,Lenses,1999.00,Case 3,2,weather-sealed,Pro standard zoom.\n"
          "C2,Gusto Rocket Air Blaster Large,Gusto,Cleaning,13.95,Aisle 2,9,,Squeeze to blow dust off a sensor.\n"
          "C3,Trekpak Everyday Backpack 20L,Trekpak,Bags,199.00,Wall B,4,laptop-sleeve;weatherproof,Daily camera pack.\n"
          "C4,Maple Boys Navy School Blazer,Maple,Uniform,64.99,Rack 1,6,,Wool blend blazer.\n"
          "C5,Maple Grey School Cardigan,Maple,Uniform,24.99,Rack 2,8,,Knitted cardigan.\n"
          "C6,Pennant Watercolour Pocket Box 12 Half Pans,Pennant,Paint,24.50,Aisle 1,5,,Travel paint set.\n"
          "C7,Frost Kids Steel Straw Bottle 12 oz,Frost,Bottles,19.99,Aisle 4,3,hand-wash-only,Insulated straw bottle.\n"
          "C8,Kodak Colour Film 36 Exposures,Kodak,Film,11.49,Fridge 1,12,,Colour negative film.\n"
          "C9,Blaster Foam Dart Gun,Blaster,Toys,15.00,Aisle 6,4,,Foam dart toy.\n")
_FAQ2 = ("question,answer\n"
         "Can I rent gear?,\"Shoe rental is $6 and harness rental is $4 per visit.\"\n"
         "Do you develop film?,\"Colour film develop and scan is $18 per roll.\"\n"
         "Do you have a loyalty program?,\"Join the free Shutter Club and earn 1 point per dollar.\"\n"
         "Do you offer embroidery?,\"School logo embroidery is $6.50 per item.\"\n")


@pytest.fixture
def shop2() -> Kiosk:
    return text_kiosk(_SHOP2, _FAQ2)


@pytest.mark.parametrize("question,fact", [("where is the sonar 24-70 lens", "Case 3"),
                                           ("how much is the pennant watercolor pocket box", "$24.50"),
                                           ("how much is the maple blaser", "$64.99")])
def test_numbers_without_their_unit_american_spellings_and_typos_find_the_product(shop2, question, fact):
    a = shop2.ask(question)
    assert fact in a.answer and "don't" not in a.answer, a.answer


def test_a_verb_before_the_thing_is_the_service_not_a_modifier(shop2):
    a = shop2.ask("can i rent climbing shoes for the day how much")
    assert "$6" in a.answer and a.kind == "faq", a.answer


def test_how_much_to_do_something_is_the_row_offering_it_only_when_it_names_more(shop2):
    a = shop2.ask("how much to develop a roll of colour film")
    assert "$18 per roll" in a.answer, a.answer
    b = shop2.ask("how much to join the figure drawing night")
    assert "Shutter Club" not in b.answer, b.answer  # "Join" in the loyalty row names none of the rest


def test_what_is_done_may_be_said_in_other_words_than_the_rows(shop2):
    a = shop2.ask("how much to get the school logo stitched onto a jumper")
    assert "$6.50" in a.answer, a.answer


def test_a_label_naming_a_part_does_not_make_the_product_that_thing(shop2):
    a = shop2.ask("do you sell laptops")
    assert "don't carry" in a.answer and "Trekpak" not in a.answer, a.answer


def test_one_product_of_the_kind_asked_by_other_words_is_offered_as_the_closest_match(shop2):
    a = shop2.ask("how much is the rubber bulb air puffer")
    assert "closest match is Gusto Rocket Air Blaster Large at $13.95" in a.answer and "don't have" in a.answer, a.answer
    # availability questions still get the honest "we don't carry"
    assert "closest" not in shop2.ask("do you sell rubber bulb air puffers").answer


def test_can_i_put_it_in_the_dishwasher_reads_the_label(shop2):
    a = shop2.ask("can i put the frost kids straw bottle in the dishwasher")
    assert a.answer.startswith("No,") and "hand-wash-only" in a.answer, a.answer


# Round 9c: a made-up chandlery-and-costume shop.
_SHOP3 = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "M1,Seaguard Micron Antifouling Paint Blue 1 Gallon,Seaguard,Bottom Paint,279.99,Aisle 2,4,ablative;copper-based,Multi-season paint.\n"
          "M2,Harbour Dock Line 20 ft,Harbour,Rope,24.00,Aisle 1,9,,Braided nylon mooring line.\n"
          "M3,Partyco Adult Inflatable Dragon Costume with Fan,Partyco,Costumes,69.99,Rack 1,3,inflatable;battery-operated,"
          "Blow-up suit with a battery fan.\n"
          "M4,Partyco Kids Pirate Costume,Partyco,Costumes,29.99,Rack 2,5,,Hat and waistcoat.\n"
          "M5,Tugline Towbar Bike Carrier,Tugline,Towing,749.00,Aisle 5,2,,Carries two bikes on the tow ball.\n"
          "M6,Sandbar Sugar Free Chewing Gum,Sandbar,Snacks,1.99,Counter,20,sugar-free,Mint gum.\n")
_FAQ3 = ("question,answer\n"
         "Do you cut and splice rope?,\"Rope is cut to length free. An eye splice costs $35 per splice.\"\n"
         "Do you fit towbars?,\"Towbar fitting starts at $399.\"\n"
         "Do you offer turntable setup?,\"In-store setup is $40 and home setup is $85.\"\n"
         "Do you have a loyalty scheme?,\"Join the club free at the counter to get 10% off.\"\n")


@pytest.fixture
def shop3() -> Kiosk:
    return text_kiosk(_SHOP3, _FAQ3)


@pytest.mark.parametrize("question,fact", [("how much to put an eye splice in my line", "$35 per splice"),
                                           ("what do you charge to put a tow bar on my car", "$399"),
                                           ("can someone come set up my turntable at my house", "$85"),
                                           ("is there a members discount", "10% off")])
def test_services_said_other_ways(shop3, question, fact):
    a = shop3.ask(question)
    assert fact in a.answer and a.kind == "faq", a.answer


def test_costume_is_no_cost_word(shop3):
    a = shop3.ask("where is the kids pirate costume")
    assert "Rack 2" in a.answer and "$" not in a.answer, a.answer


def test_a_yes_no_question_without_the_article_and_a_label_among_the_name(shop3):
    a = shop3.ask("is seaguard micron an ablative paint")
    assert a.answer.startswith("Yes") and "ablative" in a.answer, a.answer


def test_a_label_word_opening_the_named_product_is_part_of_its_name(shop3):
    a = shop3.ask("does the inflatable dragon costume need batteries")
    assert "is inflatable" not in a.answer and "battery-operated" in a.answer, a.answer
    # ...but asked for, the label is still the question
    assert "sugar-free" in shop3.ask("do you have sugar free gum").answer


def test_a_products_own_description_quoted_states_no_place():
    from agent.kiosk.checker import Facts, check_sentence
    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       "K1,Skyway Pet Kennel 28 in,Skyway,Carriers,89.99,Floor Display,4,airline-approved,"
                       "Plastic kennel with a steel door and vents on all four sides.\n"
                       "K2,Door Draught Stopper,Homely,Home,9.99,Door,3,,Keeps the cold out.\n")
    facts = Facts([cat.products["K1"]], catalog=cat)
    quote = ("I can't confirm take it on a plane for Skyway Pet Kennel 28 in; here is what we know: "
             "Plastic kennel with a steel door and vents on all four sides.")
    assert check_sentence(quote, facts) == []
    assert check_sentence("Skyway Pet Kennel 28 in is by the door.", facts) != []


# Round 9d: a made-up home-office and soap-making shop.
_SHOP4 = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "D1,Lumo ScreenBar Halo Monitor Light,Lumo,Lighting,179.00,Aisle 3,5,dimmable;usb-powered,Clamp-on light bar.\n"
          "D2,Viper Click V3 Wired Gaming Mouse,Viper,Mice,69.99,Aisle 2,8,right-handed;wired,Ergonomic mouse.\n"
          "D3,Purity Sodium Hydroxide Lye Pearls 2 lb,Purity,Lye,12.99,Counter,6,caustic;food-grade,Lye for cold process soap.\n"
          "D4,Wickly Crackling Wood Wicks 50 Pack,Wickly,Wicks,9.99,Aisle 4,12,,Wooden wicks that crackle.\n"
          "D5,Wickly Cotton Wicks 100 Pack,Wickly,Wicks,6.99,Aisle 4,0,lead-free,Pre-tabbed cotton wicks.\n")


@pytest.fixture
def shop4() -> Kiosk:
    return text_kiosk(_SHOP4)


def test_can_i_verb_it_answers_from_the_able_label(shop4):
    a = shop4.ask("can i dim the lumo screenbar halo")
    assert a.answer.startswith("Yes") and "dimmable" in a.answer, a.answer


def test_who_would_use_it_is_part_of_the_question(shop4):
    a = shop4.ask("can a lefty use the viper click v3")
    assert a.answer.startswith("No,") and "right-handed" in a.answer, a.answer


def test_a_label_word_inside_an_everyday_phrase_is_the_phrase(shop4):
    a = shop4.ask("where do you keep the caustic soda")
    assert "Counter" in a.answer and "don't carry" not in a.answer, a.answer


def test_a_stock_question_by_other_words_gets_the_closest_match_and_its_stock(shop4):
    a = shop4.ask("is the scented cotton wick in stock")
    assert "closest match is Wickly Cotton Wicks 100 Pack" in a.answer and "out of stock" in a.answer, a.answer
    # two products of the kind by the words: whichever the meaning of the whole question prefers, the answer never
    # claims to have bamboo wicks, and it says the stock of what it offers instead
    b = shop4.ask("are the bamboo wicks in stock")
    assert ("don't carry bamboo wicks" in b.answer or "anything called bamboo wicks" in b.answer) and "stock" in b.answer, b.answer


def test_a_name_with_an_exclamation_mark_is_one_sentence():
    from agent.kiosk.text import dotted_names, split_sentences
    names = dotted_names(["Sushi Go Party! Card Game", "Plain Game"])
    assert split_sentences("Hello! Sushi Go Party! Card Game costs $22.99. Great!", names) == [
        "Hello!", "Sushi Go Party! Card Game costs $22.99.", "Great!"]
    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       "G1,Sushi Go Party! Card Game,Gamewright,Card Games,22.99,Shelf B,4,,Pick and pass.\n")
    assert invented_facts("Sushi Go Party! Card Game costs $22.99.", cat) == []
    assert invented_facts("Sushi Go Party! Card Game costs $14.99.", cat) != []


@pytest.mark.parametrize("question", ["the zip on my backpack broke can you replace it how much",
                                      "what does it cost to get my coffee machine looked at"])
def test_replacing_and_looking_at_the_shoppers_thing_is_the_repair_row(question):
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "Z1,Trailhead Full Zip Fleece,Trailhead,Fleeces,55.00,Rack 1,5,,Warm fleece.\n"
                   "Z2,Brewmaster Coffee Machine,Brewmaster,Coffee,199.00,Wall A,3,,Bean to cup.\n",
                   "question,answer\nDo you do repairs?,\"We repair zips, coffee machines and small tears; a zip replacement is $30.\"\n")
    a = k.ask(question)
    assert "$30" in a.answer and a.kind == "faq", a.answer


def test_brought_to_my_house_is_delivery_and_a_four_letter_typo_may_lack_a_letter():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "P1,Potters Stoneware Clay 25 lb,Potters,Clay,30.00,Aisle 1,20,,Mid-fire clay.\n"
                   "P2,Summit Black Hole Duffel 55L,Summit,Bags,159.00,Aisle 2,4,,Weatherproof duffel.\n",
                   "question,answer\nDo you deliver?,\"Clay delivery within 20 miles is $40.\"\n")
    a = k.ask("how much to have 500 lb of clay brought to my house")
    assert "$40" in a.answer and a.kind == "faq", a.answer
    b = k.ask("where is the summit blak hole duffle")
    assert "Aisle 2" in b.answer and "don't" not in b.answer, b.answer
