"""Round 10: a product's name holding a place word ("Row Counter" beside the place "Counter"); the store asked to do a thing
to the shopper's own ("can u repot my plant", "how much to regrip my irons"); model numbers in the plural ("pro v1s"); a
thing of its own the store's words don't make ("silk flowers" is no Flower Food); "is X toxic to cats"; the closest
match by what a product's own words say it is."""

from __future__ import annotations

import pytest

from agent.kiosk.service import Kiosk

from .conftest import text_kiosk

# A made-up garden, golf and craft shop: none of these rows come from an eval set.
_SHOP = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "G1,Nimbus Tour X2 Golf Balls 12-Pack,Nimbus,Golf Balls,49.99,Ball Rack,20,,Soft urethane tour ball.\n"
         "G2,Nimbus Forged Irons 5-PW,Nimbus,Irons,899.00,Club Wall,2,,Forged cavity-back irons.\n"
         "G3,Tally Click Row Counter,Tally,Notions,8.50,Aisle 3,12,,Click counter for rows up to 999.\n"
         "G4,Bloomkeep Flower Food Sachets (10 pack),Bloomkeep,Plant Care,3.99,Counter,40,,Keeps cut flowers fresh longer.\n"
         "G5,Green Mile Snake Plant 15cm,Green Mile,Houseplants,22.00,Greenhouse,6,pet-toxic,Upright striped leaves.\n"
         "G6,Green Mile Calathea 15cm,Green Mile,Houseplants,26.00,Greenhouse,4,pet-safe,Patterned leaves that fold at night.\n"
         "G7,Loopcraft Keeper Cuff,Loopcraft,Notions,21.00,Aisle 3,5,,A wrist cuff with magnets that holds stitch markers and needles.\n"
         "G8,Tulip Bunch (10 stems),Green Mile,Fresh Flowers,15.00,Cooler 1,9,,Ten Dutch tulips.\n")
_FAQ = ("question,answer\n"
        "Do you regrip clubs?,\"Yes, regripping is $6 labour per club plus the grip, ready within 24 hours.\"\n"
        "Do you offer repotting?,\"Bring your plant in and we'll repot it for $12 per plant plus pot and soil.\"\n"
        "What are your hours?,\"Every day 9am to 6pm.\"\n")


@pytest.fixture
def shop() -> Kiosk:
    return text_kiosk(_SHOP, _FAQ)


def test_a_place_word_inside_the_named_product_is_no_place(shop):
    a = shop.ask("any tally row counters in stock?").answer
    assert "Tally Click Row Counter" in a and "in stock" in a
    assert "can't answer" not in a and "staff" not in a


@pytest.mark.parametrize("question, must", [
    ("can u repot my plant? how much", "$12"),
    ("how much to regrip my irons", "$6"),
])
def test_the_store_asked_to_do_a_thing_to_the_shoppers_own_is_the_service_row(shop, question, must):
    a = shop.ask(question).answer
    assert must in a and "$899" not in a and "$22" not in a


def test_the_store_asked_to_sell_is_still_a_product_question(shop):
    a = shop.ask("can you sell my irons").answer  # "sell" asks for no service
    assert "Regripping" not in a and "regripping" not in a


def test_a_model_number_in_the_plural_is_the_model(shop):
    a = shop.ask("where are the tour x2s").answer
    assert "Ball Rack" in a


def test_a_thing_the_store_has_no_word_for_is_not_carried_not_its_last_word(shop):
    a = shop.ask("do you sell silk flowers").answer
    assert "n't" in a and "$" not in a and "Flower Food" not in a
    # the words the store does use still find its flowers
    assert "$15.00" in shop.ask("how much are the tulips").answer


@pytest.mark.parametrize("question, verdict", [
    ("is the snake plant toxic to cats", "Yes"),
    ("is the snake plant safe for my dog", "No"),
    ("is the calathea toxic to dogs", "No"),
    ("is the calathea safe for cats", "Yes"),
])
def test_a_pet_label_answers_what_was_asked_safe_or_toxic(shop, question, verdict):
    a = shop.ask(question).answer
    assert a.startswith(verdict + ",") and "labelled pet-" in a


def test_the_closest_match_by_its_own_words_when_nothing_is_the_thing_asked_for(shop):
    a = shop.ask("how much is that magnetic wrist bracelet thing for holding markers").answer
    assert a.startswith("We don't have anything called") and "Loopcraft Keeper Cuff" in a and "$21.00" in a
    # ...never when the words barely meet a product
    b = shop.ask("how much is the magnetic bracelet").answer
    assert "$21.00" not in b


# A made-up dive, archery, bedding and pantry shop for round 10b: none of these rows come from an eval set.
_SHOP_B = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "D1,Reefline Soft Lead Weight 3lb,Reefline,Weights,16.50,Back Room,30,,Mesh pouch of lead shot.\n"
           "D2,Reefline Dive Computer Mini,Reefline,Computers,299.00,Glass Case,3,,Wrist dive computer.\n"
           "D3,Reefline Dive Torch 900,Reefline,Lights,89.00,Glass Case,5,,Bright dive light.\n"
           "D4,Marlow Thermo 5mm Jumpsuit Men's L,Marlow,Wetsuits,259.00,Aisle 1,4,,Warm one-piece for cold water.\n"
           "D5,Purrfect Ocean Fish Supper 85 g,Purrfect,Pet,0.95,Aisle 3,12,,Wet cat food pate in a single tin.\n"
           "D6,Crunch Peanut Butter Cups 40 g,Crunch,Candy,1.10,Checkout,50,contains-nuts,Two chocolate cups.\n"
           "D7,Hydra V.I.P. Electrolyte Sticks Lemon 12 pk,Hydra V.I.P.,Hydration,19.99,Counter,8,,Electrolyte drink mix sticks.\n"
           "D8,Sandman Hybrid Mattress Queen,Sandman,Mattresses,899.00,Showroom,2,,Pocket springs under foam.\n")
_FAQ_B = ("question,answer\n"
          "Do you run boat dives?,\"Our Saturday two-tank boat dive is $140.\"\n"
          "What is your return policy?,\"Unused items can be returned within 30 days; bows that have been shot or tuned are final sale.\"\n"
          "Do you tune and service bows?,\"A full bow tune is $45, ready in 3 days.\"\n"
          "Do you have an indoor range?,\"Our indoor range is $15 per hour per shooter.\"\n"
          "Is there a sleep trial on mattresses?,\"Every mattress comes with a 90-night sleep trial.\"\n"
          "Do you offer kiln firing?,\"Yes. We fire bisque loads for $0.05 per cubic inch.\"\n"
          "How long does kiln firing take?,\"Firing turnaround is 7 days; we text you when your pieces are ready.\"\n")


@pytest.fixture
def shop_b() -> Kiosk:
    return text_kiosk(_SHOP_B, _FAQ_B)


def test_a_word_other_products_are_named_by_is_no_service_word(shop_b):
    # "dive" names the dive computer and torch: "a 3 pound dive weight" is the weight, not the boat dive row
    a = shop_b.ask("how much for a 3 pound dive weight").answer
    assert "$16.50" in a and "$140" not in a
    assert "$16.50" in shop_b.ask("how much is a 3 lb weight").answer


def test_a_word_that_ends_a_compound_name_word_finds_it(shop_b):
    assert "Aisle 1" in shop_b.ask("where is the marlow thermo suit").answer


@pytest.mark.parametrize("question, must, must_not", [
    ("how much to get my bow tuned", "$45", "30 days"),         # not the returns row, which only mentions "tuned"
    ("can i shoot at your range and how much", "$15", "$45"),  # "your range": the store's own thing
    ("what do you charge to fire my pieces in your kiln", "$0.05", "7 days"),  # the row offering it at a price
    ("how long do i get to try a mattress at home", "90-night", "$899"),
])
def test_services_said_other_ways(shop_b, question, must, must_not):
    a = shop_b.ask(question).answer
    assert must in a and must_not not in a


def test_a_brand_named_with_the_kind_its_description_says_is_that_product(shop_b):
    a = shop_b.ask("got any purrfect cat food").answer
    assert "Purrfect Ocean Fish Supper" in a and "n't carry" not in a


def test_a_letter_typed_twice_and_initials_with_full_stops(shop_b):
    assert "$1.10" in shop_b.ask("how much are crunch peanut butter cupps").answer
    assert "in stock" in shop_b.ask("got any hydra vip electrolyte sticks").answer


def test_the_counter_gives_a_bare_fact_after_a_comma_to_the_product_named_before_it():
    from agent.kiosk.evaluate import invented_facts

    from .conftest import text_catalog

    cat = text_catalog(_SHOP_B, _FAQ_B)
    assert invented_facts("Reefline Dive Torch 900 is in Glass Case, $89.00, in Glass Case.", cat) == []
    assert invented_facts("Reefline Dive Torch 900 is in Glass Case, $16.50.", cat) != []


# A made-up optician, lighting, deli, racquet and hobby shop for round 10c: none of these rows come from an eval set.
_SHOP_C = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "C1,Clearsight ONEday Contact Lenses 30 Pack,Clearsight,Contacts,29.00,Back Room,10,,Daily disposable lenses.\n"
           "C2,Clearsight Monthly Contact Lenses 6 Pack,Clearsight,Contacts,39.00,Back Room,10,,Monthly lenses.\n"
           "C3,Fixit Eyeglass Repair Kit with Mini Screwdriver,Fixit,Accessories,7.50,Accessories Rack,4,,Tiny screwdriver and spare screws.\n"
           "C4,Brightway Lamp Rewiring Kit 8ft,Brightway,Parts,14.00,Counter,6,,Cord and plug to rewire a lamp.\n"
           "C5,Brightway Crystal Chandelier 5-Light,Brightway,Ceiling,289.00,Wall A,2,,Five-light chandelier.\n"
           "C6,Polna Ćwikła Beet Relish 300 g,Polna,Pantry,3.49,Aisle 1,17,vegan,Beetroot with horseradish.\n"
           "C7,Polna Krakowska Sucha per lb,Polna,Deli,9.99,Deli Counter,15,,Dry pork sausage sliced to order.\n"
           "C8,Ace Pro Tennis Racquet,Ace,Racquets,199.00,Racquet Wall,5,,Tour racquet.\n"
           "C9,Volt 5000mAh 7.4V 2S LiPo Battery,Volt,Batteries,69.99,Counter,12,2s-lipo,Hard-case pack.\n"
           "C10,Meadow Scenics Fine Turf Green Grass,Meadow Scenics,Scenery,6.99,Aisle 3,18,,Foam ground cover for model layouts.\n"
           "C11,Chili Kick Hot Sauce 5oz,Chili Kick,Hot Sauce,4.49,Wall A,20,vegan,Classic hot sauce.\n")
_FAQ_C = ("question,answer\n"
          "Do you ship contact lenses?,\"Yes, we ship lens orders anywhere in the US for $6.95.\"\n"
          "Do you repair glasses?,\"Adjustments are free; frame soldering starts at $45.\"\n"
          "Do you repair lamps?,\"We rewire and repair lamps for $35 plus parts.\"\n"
          "Do you install light fixtures?,\"Our electrician installs fixtures from $125 per fixture.\"\n"
          "How much does racquet stringing cost?,\"Stringing labour is $20 per racquet plus the string.\"\n"
          "Do you have demo racquets?,\"You can demo up to three racquets for 3 days for $10.\"\n"
          "Can I run trains on your layout?,\"Club layout night is Thursdays from 6pm; bring your own locomotive.\"\n"
          "Do you repair RC cars?,\"Our repair bench charges $45 per hour.\"\n")


@pytest.fixture
def shop_c() -> Kiosk:
    return text_kiosk(_SHOP_C, _FAQ_C)


@pytest.mark.parametrize("question, must, must_not", [
    ("where can i find clearsight one day contacts", "Back Room", "n't"),        # "one day" is the ONEday
    ("where can i find a little screwdriver to fix my glasses", "Accessories Rack", "$45"),  # what it is for, not a repair
    ("where do i find a kit to fix the wiring on my old lamp", "Counter", "$35"),
    ("cwikla price?", "$3.49", "n't"),                                           # "ł" is typed "l"
    ("price of krakowska per pound", "$9.99", "n't"),                           # sold "per lb"
    ("got any volt 5000mah 2s lipos", "in stock", "n't"),
    ("where do you keep the fake grass for train layouts", "Aisle 3", "Thursdays"),  # no row about what it is for
])
def test_round10c_products(shop_c, question, must, must_not):
    a = shop_c.ask(question).answer
    assert must in a and must_not not in a


@pytest.mark.parametrize("question, must", [
    ("can you mail my contacts to me? how much", "$6.95"),
    ("can someone put up my new chandelier for me, what does that cost", "$125"),
    ("how much to restring my racket", "$20"),
    ("can i try out a racquet before i buy it", "$10"),
])
def test_round10c_services(shop_c, question, must):
    assert must in shop_c.ask(question).answer


@pytest.mark.parametrize("question", ["do you have nitro fuel for rc cars", "do you sell hot sauce t-shirts"])
def test_a_thing_the_store_lacks_is_not_carried_whatever_it_is_for_or_made_of(shop_c, question):
    a = shop_c.ask(question).answer
    assert "n't" in a and "$" not in a


# A made-up dance, audio and home shop for round 10d: none of these rows come from an eval set.
_SHOP_D = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "E1,Pointe Basics Camisole Leotard,Pointe,Leotards,24.99,Aisle 1,20,machine-washable,Nylon camisole leotard.\n"
           "E2,Pointe Handmade Lace Leotard,Pointe,Leotards,98.00,Aisle 1,3,,Handmade lace leotard made to order.\n"
           "E3,Granular Rosin 1 lb,Pointe,Shoe Care,8.99,Counter,14,,Crushed rosin that gives shoes extra grip on slippery floors.\n"
           "E4,Bloch Slip-On Jazz Shoe,Bloch,Shoes,45.00,Wall B,6,,Split-sole jazz shoe.\n"
           "E5,Klangwerk KW 25 DJ Headphones,Klangwerk,Headphones,149.95,Wall B,11,detachable-cable,On-ear monitoring headphones.\n"
           "E6,Spinline Concorde DJ Cartridge,Spinline,Cartridges,129.00,Counter,12,,All-in-one DJ cartridge and headshell.\n")
_FAQ_D = ("question,answer\n"
          "Do you repair DJ gear?,\"Our tech repairs mixers and turntables with a $45 bench fee.\"\n")


@pytest.fixture
def shop_d() -> Kiosk:
    return text_kiosk(_SHOP_D, _FAQ_D)


def test_can_i_machine_wash_reads_the_label_or_says_it_cannot_confirm(shop_d):
    assert shop_d.ask("can i machine wash the pointe basics camisole leotard").answer.startswith("Yes")
    a = shop_d.ask("can i machine wash the pointe handmade lace leotard").answer
    assert "can't confirm" in a and "couldn't find" not in a


def test_a_label_asked_without_a_verb(shop_d):
    a = shop_d.ask("kw 25 cable detachable?").answer
    assert "detachable-cable" in a and "$" not in a


def test_a_service_said_by_a_word_of_its_family(shop_d):
    assert "$45" in shop_d.ask("how much does it cost to get my turntable fixed").answer


def test_what_follows_so_is_what_the_thing_is_for(shop_d):
    a = shop_d.ask("where's the sticky powder so my shoes don't slip").answer
    assert "Granular Rosin" in a and "Counter" in a and "couldn't find" not in a


# A made-up garden, bike, wine and soap shop for round 10e: none of these rows come from an eval set.
_SHOP_E = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "F1,Secca 2 Classic Hand Pruner,Secca,Pruners,64.99,Wall A,8,,Bypass pruner with replaceable blades.\n"
           "F2,Secca 9 Left-Handed Pruner,Secca,Pruners,72.99,Wall A,0,left-handed,The Secca 2 design mirrored for left hands.\n"
           "F3,Saddle Butt'r Anti-Chafe Cream 8oz,Saddle Butt'r,Body Care,19.99,Counter,12,,Anti-chafing cream for long rides.\n"
           "F4,Trail Bar Crunchy Peanut Butter,Trail Bar,Snacks,2.49,Aisle 3,30,contains-nuts,Energy bar.\n"
           "F5,Bell Z20 Helmet L,Bell,Helmets,89.00,Wall A,0,,Road helmet.\n"
           "F6,Meadow Tea Tree Essential Oil 0.5 oz,Meadow,Essential Oils,10.49,Aisle 3,12,,Pure tea tree oil.\n"
           "F7,Meadow Lavender Essential Oil 0.5 oz,Meadow,Essential Oils,9.99,Aisle 3,12,,Pure lavender oil.\n"
           "F8,Ridgeline Napa Cabernet Sauvignon 750ml,Ridgeline,Red Wine,94.99,Aisle 2,5,,Full-bodied red.\n"
           "F9,Pollinator Wildflower Seed Mix 1 oz,Meadow,Seeds,11.95,Seed Rack,20,,Native wildflower seeds.\n")
_FAQ_E = ("question,answer\n"
          "Do you service reels?,\"Our reel cleaning and lube service is $25 per reel.\"\n")


@pytest.fixture
def shop_e() -> Kiosk:
    return text_kiosk(_SHOP_E, _FAQ_E)


@pytest.mark.parametrize("question, must, must_not", [
    ("how much r the seca 2 pruners", "$64.99", "$72.99"),          # the model number tells them apart
    ("where r the saddle butter", "Counter", "Aisle 3"),             # "Butt'r" is one word, one letter off "butter"
    ("wheres the meadow tee tree oil", "Aisle 3", "couldn't"),       # "tee" for "tea" among the other words
    ("how much is the ridgeline cab", "$94.99", "n't"),              # a short word starting a name word
    ("how much to get my reel cleaned", "$25", "n't"),
])
def test_round10e_spellings_and_services(shop_e, question, must, must_not):
    a = shop_e.ask(question).answer
    assert must in a and must_not not in a


@pytest.mark.parametrize("question", ["do you have a bell for my handlebars", "do you sell bird seed", "do you sell dog beds"])
def test_round10e_not_carried(shop_e, question):
    a = shop_e.ask(question).answer
    assert "n't" in a and "$" not in a


# A made-up cake, dorm and reptile shop for round 10f: none of these rows come from an eval set.
_SHOP_F = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "K1,Bakewell Small Cake Leveler 10 in.,Bakewell,Decorating Tools,5.99,Aisle 4,9,,Adjustable wire leveler.\n"
           "K2,Bakewell Plastic Dowel Rods 12 in. 4 ct,Bakewell,Decorating Tools,3.79,Aisle 4,21,,White plastic rods that support tiers.\n"
           "K3,Campus Mini Stapler with 1000 Staples,Campus,Office,7.99,Aisle 2,10,,Pocket stapler.\n"
           "K4,Aqua Peak 32 oz Water Bottle,Aqua Peak,Drinkware,49.95,Aisle 3,6,insulated,Steel bottle.\n"
           "K5,Hartley Calculus: Early Transcendentals 9th Edition,Cengage,Textbooks,189.99,Textbook Annex,0,hardcover,Required text.\n"
           "K6,Volt Multimeter for Electricians,Volt,Meters,99.00,Counter,4,battery-powered,True-RMS meter.\n")


@pytest.fixture
def shop_f() -> Kiosk:
    return text_kiosk(_SHOP_F)


def test_a_name_ending_in_a_full_stop_does_not_end_the_sentence():
    from agent.kiosk.text import dotted_names, split_sentences

    names = dotted_names(["Bakewell Small Cake Leveler 10 in."])
    assert split_sentences("Bakewell Small Cake Leveler 10 in. costs $5.99. It is in Aisle 4.", names) == [
        "Bakewell Small Cake Leveler 10 in. costs $5.99.", "It is in Aisle 4."]
    assert split_sentences("We have Bakewell Small Cake Leveler 10 in. It is in Aisle 4.", names)[0].endswith("10 in.")


@pytest.mark.parametrize("question, must, must_not", [
    ("price of the bakewell cake leveler", "$5.99", "n't"),
    ("is the hartley calculus book in stock", "out of stock", "n't carry"),       # "book": the Textbooks
    ("how much is the aqua peek bottle", "$49.95", "n't"),                        # (a name as one word, misspelt: below)
    ("how much is the aquapeek bottle", "$49.95", "n't"),
    ("where do u keep the support rods for stacking cake tiers", "Aisle 4", "couldn't"),  # closest, for what it is for
])
def test_round10f_products(shop_f, question, must, must_not):
    a = shop_f.ask(question).answer
    assert must in a and must_not not in a


def test_a_question_word_that_is_a_thing_is_what_is_asked_for(shop_f):
    a = shop_f.ask("do you sell mini fridges for dorms").answer
    assert "n't carry mini fridges" in a and "Stapler" not in a


def test_a_store_matter_is_no_feature_of_a_product(shop_f):
    a = shop_f.ask("do electricians get a discount here").answer
    assert "can't confirm" not in a and "here is what we know" not in a


# A made-up skate and moto shop for round 10g: none of these rows come from an eval set.
_SHOP_G = ("sku,name,brand,category,price,location,stock,tags,description\n"
           "M1,Q.R.S 520 Chain 120 Links,Q.R.S,Drivetrain,139.95,Wall B,5,,Gold X-ring chain.\n"
           "M2,Grindline Complete 8.0,Grindline,Completes,89.99,Deck Wall,4,,Ready-to-ride complete.\n")
_FAQ_G = ("question,answer\n"
          "What are your hours?,\"We are open Tuesday to Saturday 9am to 6pm and Sunday 10am to 3pm.\"\n"
          "Do you offer skate lessons?,\"Beginner skate lessons run every Saturday for $25 per kid.\"\n")


@pytest.fixture
def shop_g() -> Kiosk:
    return text_kiosk(_SHOP_G, _FAQ_G)


@pytest.mark.parametrize("question, must", [
    ("u guys open sunday? till when", "3pm"),                          # "till when" is no cash till
    ("my kid wants to learn to skate, do you guys teach", "$25"),      # teaching is a class
])
def test_round10g_faq(shop_g, question, must):
    assert must in shop_g.ask(question).answer


def test_initials_without_the_last_full_stop_are_one_word():
    from agent.kiosk.text import words

    assert words("Q.R.S 520 Chain")[:2] == ["qrs", "520"]


def test_the_counter_keeps_a_name_with_a_comma_whole_before_its_facts():
    from agent.kiosk.evaluate import invented_facts

    from .conftest import text_catalog

    cat = text_catalog("sku,name,brand,category,price,location,stock,tags,description\n"
                       'W1,"Softleaf Baby Wipes 9 Packs, 540 ct",Softleaf,Wipes,29.49,Aisle 9,6,fragrance-free,Water wipes.\n'
                       'W2,"Calmcare Baby Wipes 6 Packs, 336 ct",Calmcare,Wipes,15.99,Aisle 9,16,fragrance-free,Unscented.\n')
    ok = "Labelled fragrance-free: Softleaf Baby Wipes 9 Packs, 540 ct ($29.49, Aisle 9) and Calmcare Baby Wipes 6 Packs, 336 ct ($15.99, Aisle 9)."
    assert invented_facts(ok, cat) == []
    assert invented_facts("Labelled fragrance-free: Softleaf Baby Wipes 9 Packs, 540 ct ($15.99, Aisle 9).", cat) != []
