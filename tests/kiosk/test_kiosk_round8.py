"""Round 8: typos of the question's own words ("pirce"), a three-letter word missing a letter ("jak"), plurals no ending
rule gives back ("knives"), and the store's "-safe", "-certified" and "-based" labels."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk
from agent.kiosk.text import stem

from .conftest import text_kiosk

# A made-up hardware and homeware shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "H1,Brindle Folding Utility Knife,Brindle,Tools,6.50,Counter,8,,Folding knife with a locking blade.\n"
         "H2,Jake Walton Oak Varnish 500ml,Jake Walton,Varnish,12.00,Aisle 3,5,oil-based,Hard-wearing clear varnish.\n"
         "H3,Kidcraft Poster Paint 6 Pack,Kidcraft,Craft Paint,8.00,Aisle 5,9,water-based;toy-safe,Bright paints for children.\n"
         "H4,Ecoleaf Recycled Notebook A5,Ecoleaf,Paper,3.40,Aisle 6,12,fsc-certified,Lined notebook.\n"
         "H5,Potter Stoneware Mug,Potter,Kitchen,9.00,Aisle 7,6,dishwasher-safe,Hand-glazed mug.\n"
         "H6,Potter Enamel Camping Mug,Potter,Kitchen,7.00,Aisle 7,6,,Tin mug for camping.\n"
         "H7,Flowline Garden Hose 15m,Flowline,Garden,19.00,Aisle 9,0,,Kink-free hose.\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP)


@pytest.mark.parametrize("question,fact", [("jake walton varnish pirce", "$12.00"), ("how mutch is the notebook", "$3.40"),
                                           ("kidcraft poster paint prise", "$8.00"), ("is the garden hose in stcok", "out of stock")])
def test_a_typo_of_price_much_or_stock_still_asks_that(shop, question, fact):
    a = shop.ask(question)
    assert fact in a.answer and "don't carry" not in a.answer, a.answer


def test_an_english_word_near_a_question_word_is_not_respelled(shop):
    # "rice" is one letter from "price", "stick" from "stock": both are things a shop may sell
    assert "rice" in shop.ask("do you have rice").answer
    assert "$" not in shop.ask("do you sell hockey sticks").answer


def test_a_three_letter_word_missing_a_letter_counts_beside_a_matched_word(shop):
    a = shop.ask("jak walton varnish")
    assert "Jake Walton Oak Varnish" in a.answer and "don't carry" not in a.answer, a.answer


def test_irregular_plurals_meet_their_singular(shop):
    assert [stem(w) for w in ("knives", "leaves", "mice", "womens", "gloves", "olives")] == ["knife", "leaf", "mouse", "woman", "glove", "olive"]
    assert "Counter" in shop.ask("where are the utility knives").answer


@pytest.mark.parametrize("question,label", [("is the notebook fsc certified", "fsc-certified"),
                                            ("is the poster paint safe for kids toys", "toy-safe"),
                                            ("is the stoneware mug dishwasher safe", "dishwasher-safe"),
                                            ("can the stoneware mug go in the dishwasher safely", None)])
def test_the_stores_own_safe_and_certified_labels_are_answered_from_the_tags(shop, question, label):
    a = shop.ask(question)
    if label:
        assert f"is {label}" in a.answer and "Yes" in a.answer, a.answer


def test_a_label_the_product_lacks_is_not_claimed(shop):
    a = shop.ask("is the camping mug dishwasher safe")
    assert "not labelled dishwasher-safe" in a.answer and "Yes" not in a.answer, a.answer


def test_asked_one_base_the_product_labelled_with_another_says_no(shop):
    a = shop.ask("is the oak varnish water based")
    assert a.answer.startswith("No,") and "oil-based" in a.answer, a.answer
    assert "Yes" in shop.ask("is the poster paint water based").answer


# A made-up baby and deli shop for the allergen and opposite-label questions.
_BABY = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "B1,Milkwell Infant Formula 800g,Milkwell,Formula,31.00,Counter,5,contains-milk;contains-fish,Formula with DHA from fish oil.\n"
         "B2,Softsy Rubber Teether,Softsy,Teethers,9.00,Aisle 4,5,contains-latex,Natural rubber teether.\n"
         "B3,Softsy Silicone Teether,Softsy,Teethers,8.00,Aisle 4,5,latex-free,Silicone teether.\n"
         "B4,Dewy Baby Wipes Lavender 80 Pack,Dewy,Wipes,3.50,Aisle 2,9,scented,Lavender scented wipes.\n"
         "B5,Dewy Baby Wipes Pure 80 Pack,Dewy,Wipes,3.80,Aisle 2,9,fragrance-free,Wipes with nothing added.\n"
         "B6,Old Dale Farmhouse Cheddar 200g,Old Dale,Cheese,6.00,Cheese Counter,4,contains-milk,Made with animal rennet.\n"
         "B7,Greenfield Cheddar 200g,Greenfield,Cheese,5.50,Cheese Counter,4,vegetarian;contains-milk,Made with vegetable rennet.\n")


@pytest.fixture
def baby() -> Kiosk:
    return text_kiosk(_BABY)


@pytest.mark.parametrize("question,start", [("does the milkwell formula have fish in it", "Yes"), ("does the rubber teether contain latex", "Yes"),
                                            ("does the silicone teether contain latex", "No")])
def test_the_stores_own_contains_labels_answer_allergen_questions(baby, question, start):
    a = baby.ask(question)
    assert a.answer.startswith(start), a.answer
    assert "Milkwell" in a.answer or "Teether" in a.answer, a.answer  # the product's name was kept, only the allergen cut


def test_a_label_ruling_out_the_one_asked_says_no(baby):
    a = baby.ask("are the lavender wipes fragrance free")
    assert a.answer.startswith("No,") and "scented" in a.answer, a.answer
    assert baby.ask("are the pure wipes fragrance free").answer.startswith("Yes")


def test_suitable_for_vegetarians_is_the_vegetarian_label(baby):
    assert baby.ask("is the farmhouse cheddar suitable for vegetarians").answer.startswith("No,")
    assert baby.ask("is the greenfield cheddar ok for vegans").answer.startswith("No,")
    assert baby.ask("is the greenfield cheddar suitable for vegetarians").answer.startswith("Yes")


# A made-up music and baby-gear shop with services, for service verbs, "how long", and words inside longer words.
_MUSIC = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "M1,Tonebird 61-Key Keyboard,Tonebird,Keyboards,189.00,Bay 2,4,,Portable keyboard with lessons built in.\n"
          "M2,Tonebird Grand Upright Piano,Tonebird,Pianos,2900.00,Showroom,1,,Acoustic upright piano.\n"
          "M3,Strumwell Electric Guitar Sunburst,Strumwell,Guitars,450.00,Wall B,3,,Two single-coil pickups.\n"
          "M4,Strumwell Wall Rack for Guitars,Strumwell,Stands,39.00,Aisle 3,6,,Holds three guitars on the wall.\n"
          "M5,Goldleaf Beef Dripping 250g,Goldleaf,Fats,2.50,Fridge 1,8,,Beef fat for the crispiest roast potatoes.\n"
          "M6,Goldleaf Beef Mince 20% Fat 500g,Goldleaf,Beef,5.00,Meat Counter,8,,Minced beef.\n"
          "M7,Wiperite Wiper Blades 24in,Wiperite,Car,12.00,Aisle 8,5,,Pair of wiper blades.\n"
          "M8,Orchard Honeycrisp Apples 1kg,Orchard,Fruit,4.00,Aisle 9,5,,Crisp sweet apples.\n")
_MUSIC_FAQ = ("question,answer\n"
              "Can I rent an instrument?,\"Keyboards and guitars can be rented for $25 a month.\"\n"
              "What payment methods do you accept?,\"Cash and cards. 0% financing over 12 months on purchases over $500.\"\n"
              "Do you offer lay-by?,\"Lay-by on anything over $200 with a 20% deposit.\"\n"
              "What is your returns policy?,Unused items can be returned within 30 days with a receipt.\n"
              "How long does a guitar setup take?,A setup takes 3 to 5 days and costs $65.\n")


@pytest.fixture
def music() -> Kiosk:
    return text_kiosk(_MUSIC, _MUSIC_FAQ)


@pytest.mark.parametrize("question,fact", [("how much to rent a keyboard", "$25 a month"), ("can i pay for a piano in installments", "financing"),
                                           ("can i put the piano on layby", "20% deposit"), ("can i bring the keyboard back", "30 days"),
                                           ("can i bring a guitar back if i change my mind", "30 days"),
                                           ("how long til my guitar setup is ready", "3 to 5 days")])
def test_a_service_asked_for_by_its_verb_is_the_row_about_it(music, question, fact):
    a = music.ask(question)
    assert fact in a.answer and "don't carry" not in a.answer, a.answer


def test_the_product_is_still_the_answer_when_no_service_is_asked(music):
    assert "$189.00" in music.ask("how much is the tonebird keyboard").answer
    assert "Bay 2" in music.ask("where are the keyboards").answer


def test_a_question_word_that_names_a_product_after_a_kind_word_is_kept(music):
    a = music.ask("where are the guitar racks")
    assert "Aisle 3" in a.answer, a.answer


def test_a_longer_word_made_of_the_word_and_another_is_not_the_word(music):
    # "Honeycrisp" apples are no honey; "fat" for roast potatoes is the dripping that says so, before the mince named "Fat"
    assert "don't carry" in music.ask("do you sell honey").answer
    a = music.ask("where's the fat for roast potatoes")
    assert a.answer.startswith("Goldleaf Beef Dripping"), a.answer


def test_new_is_no_part_of_the_thing(music):
    assert "$12.00" in music.ask("how much for new wiper blades").answer


# A made-up electronics and music shop for yes/no feature questions and "do you sell X" that only a description mentions.
_GEAR = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "E1,Lumo Over-Ear Headphones,Sonata,Headphones,129.00,Shelf 4,5,bluetooth;noise-cancelling,Wireless headphones with active noise cancelling.\n"
         "E2,Lumo Wired Earbuds,Sonata,Headphones,19.00,Shelf 4,5,wired,Earbuds with a 3.5mm plug.\n"
         "E3,Harbor Soprano Ukulele,Harbor,Ukuleles,59.00,Wall A,4,laminate;soprano,Ukulele made from laminate mahogany.\n"
         "E4,Pulse Wireless Controller,Pulse,Gaming,49.00,Bay 2,6,pc-compatible,Controller that also works with PCs.\n"
         "E5,Linkit Y-Cable 2m,Linkit,Cables,9.00,Aisle 2,9,,Connects a phone or laptop headphone output to two speakers.\n"
         "E6,Brightpage Copy Paper A4,Brightpage,Paper,6.00,Aisle 3,9,,Multipurpose printer paper.\n")


@pytest.fixture
def gear() -> Kiosk:
    return text_kiosk(_GEAR)


@pytest.mark.parametrize("question,label", [("are the sonata over-ear headphones noise cancelling", "noise-cancelling"),
                                            ("do the lumo over-ear headphones have bluetooth", "bluetooth"),
                                            ("does the pulse controller work on pc", "pc-compatible")])
def test_a_yes_no_feature_question_is_answered_from_the_labels(gear, question, label):
    a = gear.ask(question)
    assert a.answer == f"Yes, {a.sentences[0].split(',', 1)[1].split(' is listed')[0].strip()} is listed as {label}.", a.answer
    assert a.kind == "feature"


def test_a_feature_no_label_says_is_not_confirmed_and_the_description_is_quoted(gear):
    a = gear.ask("is the harbor ukulele solid wood")
    assert "can't confirm solid wood" in a.answer and "laminate" in a.answer and "Yes" not in a.answer, a.answer
    b = gear.ask("do the lumo earbuds have bluetooth")
    assert "can't confirm bluetooth" in b.answer and "Yes" not in b.answer, b.answer


def test_a_plain_product_question_is_no_feature_question(gear):
    assert gear.ask("is the harbor soprano ukulele in stock").kind == "product"
    assert "Yes" in gear.ask("do you have the harbor soprano ukulele").answer


@pytest.mark.parametrize("question", ["do you sell laptops", "do you sell printers"])
def test_a_thing_a_description_only_mentions_is_not_sold(gear, question):
    a = gear.ask(question)
    assert "don't carry" in a.answer and "$" not in a.answer, a.answer


# A made-up cookshop and bait shop for round 8d: British/American spellings, labels that are part of a name, a label
# saying what a product suits, a phrase typed as one word, and an FAQ row when no product has any of the words.
_COOK = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "K1,Panworks Ceramic Nonstick Frying Pan 10in,Panworks,Cookware,45.00,Aisle 1,0,non-stick;pfas-free,Ceramic-coated pan.\n"
         "K2,Glassly Food Storage Set 12 Piece,Glassly,Storage,30.00,Aisle 4,5,microwave-safe;freezer-safe,Glass boxes with lids.\n"
         "K3,Dripwell Pour-Over Coffeemaker 6 Cup,Dripwell,Coffee,49.50,Coffee Bar,5,,Glass pour-over brewer.\n"
         "K4,Riverside Live Nightcrawlers Dozen,Riverside,Bait,4.49,Bait Fridge,20,,A dozen fat worms.\n"
         "K5,Brixton Beef Brisket 1.5kg,Brixton,Beef,18.75,Meat Counter,3,,Rolled brisket.\n")
_COOK_FAQ = ("question,answer\n"
             "Do you sell fishing licences?,An annual resident licence is $25 at the counter.\n"
             "Do you have a loyalty program?,\"Earn 1 point per $1; every 200 points gives $10 off.\"\n"
             "What payment methods do you accept?,Cash and cards.\n")


@pytest.fixture
def cook() -> Kiosk:
    return text_kiosk(_COOK, _COOK_FAQ)


def test_british_and_american_spellings_meet(cook):
    assert stem("licence") == stem("license") and stem("colours") == stem("color")
    assert "$25" in cook.ask("how much is a yearly fishing license").answer


def test_a_label_that_is_a_word_of_the_name_is_no_constraint_in_a_stock_question(cook):
    a = cook.ask("do you have the panworks nonstick pan in stock")
    assert a.answer == "Panworks Ceramic Nonstick Frying Pan 10in is out of stock right now.", a.answer
    assert cook.ask("is the panworks frying pan pfas free").answer.startswith("Yes")


def test_a_label_saying_what_it_suits_does_not_make_it_that_thing(cook):
    a = cook.ask("do you sell microwaves")
    assert "don't carry" in a.answer and "$" not in a.answer, a.answer


def test_a_phrase_typed_as_two_words_finds_the_one_word_name(cook):
    assert "$49.50" in cook.ask("price of the dripwell coffee maker").answer


def test_the_tail_of_a_compound_and_a_sounded_out_spelling(cook):
    assert "$4.49" in cook.ask("how much for a dozen crawlers").answer
    assert "$18.75" in cook.ask("how much is the brisquet").answer


def test_no_product_has_any_word_the_faq_row_has_the_thing(cook):
    a = cook.ask("how many points do i need to get money off")
    assert "200 points" in a.answer, a.answer
    assert "don't carry" in cook.ask("birthday cards").answer  # not the "cards" of the payment row


def test_printing_is_a_service_the_paper_is_not():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "P1,Brightpage Copy Paper A4,Brightpage,Paper,6.00,Aisle 3,9,,Multipurpose printer paper.\n",
                   "question,answer\nDo you do printing and photocopying?,Colour prints are $0.50 a page.\n")
    assert "$0.50" in k.ask("how much to print in colour").answer
    assert "$6.00" in k.ask("how much is the copy paper").answer


# A made-up surf shop for round 8e.
_SURF = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "W1,Saltline Organic Surf Wax Cool,Saltline,Wax,4.99,Counter,20,organic;contains-beeswax,Wax made with beeswax.\n"
         "W2,Saltline Sausage Roll,Saltline,Snacks,2.50,Counter,5,contains-gluten;contains-dairy,Pork sausage roll.\n"
         "W3,Crestline Certified Skate Helmet,Crestline,Helmets,59.99,Protective Shelf,10,cpsc-certified;astm-certified,Skate helmet.\n"
         "W4,Crestline Day Board Bag 6ft,Crestline,Board Bags,109.99,Wall D,4,padded,Padded bag for a shortboard.\n")
_SURF_FAQ = "question,answer\nDo you assemble skateboards?,Assembly is free when you buy the parts here.\n"


@pytest.fixture
def surf() -> Kiosk:
    return text_kiosk(_SURF, _SURF_FAQ)


def test_not_vegan_says_which_label_rules_it_out(surf):
    assert surf.ask("is the saltline wax vegan").answer.endswith("it is labelled contains-beeswax.")
    # dairy and gluten say nothing about a vegetarian question
    assert surf.ask("is the saltline sausage roll vegetarian").answer == "No, Saltline Sausage Roll is not labelled vegetarian."


def test_a_feature_word_in_the_name_is_answered_by_the_labels_that_have_it(surf):
    a = surf.ask("is the crestline helmet certified")
    assert "cpsc-certified" in a.answer and "astm-certified" in a.answer and a.kind == "feature", a.answer


def test_put_together_is_assembly(surf):
    assert "free" in surf.ask("will you put my skateboard together for me").answer


def test_contains_is_said_as_the_store_labels_it():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "Y1,Dale Greek Yogurt 150g,Dale,Fridge,1.50,Fridge 1,5,contains-milk,Strained yogurt.\n")
    assert k.ask("is the dale yogurt dairy free").answer == "No, Dale Greek Yogurt 150g is not dairy-free; it contains milk."


# A made-up coffee shop and a card shop for round 8f: the store's theme word, and a plural kind of thing by another name.
_BEANS = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "C1,Roastly House Blend Coffee Beans 1kg,Roastly,Coffee,24.00,Shelf 1,5,,Whole coffee beans.\n"
          "C2,Roastly Breakfast Tea 80 Bags,Roastly,Tea,5.00,Shelf 2,5,,Strong black tea.\n"
          "C3,Roastly Decaf Coffee Beans 500g,Roastly,Coffee,14.00,Shelf 1,5,,Decaf coffee beans.\n"
          "C4,Roastly Earl Grey Tea 50 Bags,Roastly,Tea,5.50,Shelf 2,5,,Bergamot black tea.\n"
          "C5,Roastly Coffee Filter Papers,Roastly,Brewing Gear,3.00,Shelf 3,5,,Paper filters for coffee.\n"
          "C6,Burrmaster Conical Burr Grinder,Burrmaster,Brewing Gear,149.00,Gear Shelf,3,,Electric burr grinder.\n"
          "C7,Steepwell Glass Teapot 1L,Steepwell,Brewing Gear,25.00,Gear Shelf,3,,Glass pot with an infuser.\n"
          "C8,Roastly Coffee Pot 1L,Roastly,Brewing Gear,20.00,Gear Shelf,3,,Stovetop coffee pot.\n"
          "C9,Roastly Espresso Coffee Beans 1kg,Roastly,Coffee,26.00,Shelf 1,5,,Dark coffee beans.\n"
          "C10,Roastly Colombia Coffee Beans 250g,Roastly,Coffee,9.00,Shelf 1,5,,Single-origin coffee.\n")
_BEANS_FAQ = "question,answer\nCan you grind my coffee beans?,Grinding is free for beans bought here.\n"


def test_the_stores_theme_word_is_forgiven_on_a_product_naming_no_rival():
    k = text_kiosk(_BEANS, _BEANS_FAQ)
    assert "$149.00" in k.ask("how much is the coffee grinder").answer
    assert "Free" in k.ask("can you grind my coffee beans").answer.title()
    a = k.ask("how much is the tea pot").answer
    assert "$25.00" in a and "$20.00" not in a, a  # the coffee pot names the rival theme word


def test_a_plural_kind_asked_by_another_name_is_not_a_product_of_another_kind():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "F1,Papyrus Sympathy Card White Lilies,Papyrus,Cards,6.95,Card Wall,5,,Sympathy card with embossed lilies.\n"
                   "F2,Skittles Fruits Sharing Bag 136g,Mars,Sweets,2.79,Shelf 2,5,,Chewy sweets.\n")
    a = k.ask("do you sell flowers").answer
    assert "don't carry flowers" in a and "$" not in a, a
    assert k.ask("do you have skitles").answer.startswith("Yes")


def test_a_feature_word_between_the_product_words_is_the_feature():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "O1,Valvo Daily 10W-30 Conventional Motor Oil 1qt,Valvo,Oil,8.00,Aisle 1,5,conventional,Conventional oil.\n")
    a = k.ask("is the valvo 10w30 synthetic oil")
    assert "can't confirm synthetic" in a.answer and "conventional" in a.answer and a.kind == "feature", a.answer
    assert k.ask("is the valvo 10w30 motor oil in stock").kind == "product"


def test_a_charge_to_bring_it_up_is_the_delivery_row_not_a_charger():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "H1,Belkin 20W USB-C Wall Charger,Belkin,Electronics,19.99,Wall,0,,Phone charger.\n",
                   "question,answer\nDo you deliver to patient rooms?,Delivery to rooms is free over $15.\n")
    a = k.ask("is there a charge to bring stuff up to my dad's room")
    assert "free over $15" in a.answer, a.answer
    assert "$19.99" in k.ask("how much is the belkin charger").answer


def test_sizes_typed_with_words_meet_the_catalogs_and_apostrophes_inside_a_name():
    k = text_kiosk("sku,name,brand,category,price,location,stock,tags,description\n"
                   "Z1,Coopers 25L Plastic Fermenter with Tap,Coopers,Fermenters,39.00,Wall A,5,,Bucket fermenter.\n"
                   "Z2,Rev'it! Eclipse 2 Mesh Jacket,Rev'it!,Jackets,199.99,Rack 1,2,mesh,Summer jacket.\n",
                   "question,answer\nDo you mill grain?,Milling is free for grain bought here.\n")
    assert "Wall A" in k.ask("where's the 25 litre fermenter with the tap").answer
    assert "$199.99" in k.ask("how much is the revit eclipse jacket").answer
    assert "free" in k.ask("will you guys crush my grain for me").answer
