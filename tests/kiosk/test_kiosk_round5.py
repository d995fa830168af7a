"""Round 5: model-code tails, purpose phrases, FAQ rows before 'we don't carry', generic head nouns, store labels
for pets and ages, everyday names by their head word, possessive names."""

from __future__ import annotations

import pytest

from agent.kiosk.intent import classify
from agent.kiosk.planner import _object_words
from agent.kiosk.service import Kiosk
from agent.kiosk.text import joined_forms

from .conftest import text_kiosk

# A made-up gadget shop: none of these rows come from an eval set.
_GADGETS = ("sku,name,brand,category,price,location,stock,tags,description\n"
            "A1,Acme QX-2000ZR7 Wireless Speaker Grey,Acme,Audio,199.00,Cabinet 2,3,bluetooth,Big room speaker.\n"
            "A2,Acme PT-K9 Pocket Speaker Red,Acme,Audio,24.95,Bay 4,10,,Small clip-on speaker.\n"
            "A3,Braided USB-C Cable 1m,Linko,Cables,12.00,Bay 1,8,,Charging cable for phones and tablets.\n")


@pytest.fixture
def gadgets() -> Kiosk:
    return text_kiosk(_GADGETS)


def test_model_codes_are_also_known_by_their_tails():
    assert {"2000zr7", "zr7"} <= set(joined_forms("Acme QX-2000ZR7 Speaker"))
    assert "5" not in joined_forms("Acme QX-5") and "qx" not in joined_forms("Acme QX-5")


def test_a_model_code_tail_picks_that_model(gadgets):
    a = gadgets.ask("where is the acme zr7 speaker").answer
    assert "Cabinet 2" in a and "Bay 4" not in a and "don't carry" not in a


def test_a_thing_named_only_in_a_descriptions_purpose_phrase_is_not_carried(gadgets):
    a = gadgets.ask("do you sell tablets").answer          # the cable is "for phones and tablets"
    assert "don't carry" in a and "$" not in a
    a = gadgets.ask("do you have a cable for tablets").answer  # ...but what a thing is for still counts as such
    assert "Braided USB-C Cable" in a


# A made-up bike shop with services in its FAQ.
_BIKES = ("sku,name,brand,category,price,location,stock,tags,description\n"
          "B1,Road Bike Inner Tube 700c,Tubo,Tubes,8.50,Wall 1,20,,Presta valve inner tube.\n"
          "B2,Chain Lube Dry 100ml,Slick,Care,9.90,Wall 3,7,,Dry lube for chains.\n"
          "B3,Bike Gift Card $25,Spokes,Gift Cards,25.00,Counter,,,A gift card for the shop.\n")
_BIKES_FAQ = ("question,answer\n"
              "Do you do bike fitting?,Bike fit consultations are $80 for one hour with a fitter.\n"
              "Do you have a loyalty scheme?,Spokes Club is free: one point per dollar spent.\n"
              "Do you have rides for beginners?,Free rideout for beginners every Sunday at 9:00 from the shop.\n"
              "Do you service wheels?,Wheel truing is $25 while you wait.\n")


@pytest.fixture
def bikes() -> Kiosk:
    return text_kiosk(_BIKES, _BIKES_FAQ)


@pytest.mark.parametrize("question, fact", [
    ("how much is a bike fit consult", "$80"),          # consult ~ consultations
    ("how much to get my wheels trued", "$25"),        # trued ~ truing
    ("do you have a points card", "Spokes Club"),      # points card is a loyalty card: the loyalty row
    ("when is the ride out for beginners", "9:00"),    # ride ~ rideout
])
def test_a_service_in_the_faq_is_answered_before_we_dont_carry(bikes, question, fact):
    a = bikes.ask(question).answer
    assert fact in a and "don't carry" not in a


def test_an_everyday_name_of_another_kind_of_thing_does_not_pull_an_faq_row(bikes):
    a = bikes.ask("do you have a bike helmet").answer   # no helmet; the fitting row is not about one
    assert "don't carry" in a and "$80" not in a


# A made-up chemist: none of these rows come from an eval set.
_CHEMIST = ("sku,name,brand,category,price,location,stock,tags,description\n"
            "C1,Antacid Chewable Tablets 24,Calmo,Digestive,6.49,Aisle 2,12,,Fast acting.\n"
            "C2,Sudocrem Antiseptic Healing Ointment 125g,Sudocrem,Baby,9.99,Aisle 6,5,,Soothes sore skin.\n"
            "C3,Rich Hand Cream 75ml,Dermo,Skin,7.50,Aisle 4,9,,Cream for dry hands.\n"
            "C4,Cough Medicine Honey 200ml,Calmo,Cold and Flu,8.20,Aisle 1,4,,Soothing cough syrup.\n")


@pytest.fixture
def chemist() -> Kiosk:
    return text_kiosk(_CHEMIST)


@pytest.mark.parametrize("question, fact", [
    ("how much is the heartburn medicine", "$6.49"),        # "medicine" need not be in the antacid's name
    ("any medicine for heartburn", "Antacid Chewable Tablets"),
    ("cough medicine price", "$8.20"),                      # ...but a product named so still matches it
])
def test_a_generic_word_for_a_remedy_need_not_match(chemist, question, fact):
    a = chemist.ask(question).answer
    assert fact in a and "don't carry" not in a


def test_a_purpose_whose_everyday_name_is_that_kind_of_thing_names_the_product(chemist):
    a = chemist.ask("cream for nappy rash where").answer   # nappy rash -> nappy cream, Sudocrem
    assert "Aisle 6" in a and "Hand Cream" not in a


def test_a_generic_word_alone_is_not_every_product(chemist):
    a = chemist.ask("do you sell remedies").answer
    assert "Antacid" not in a and "Sudocrem" not in a


# A made-up garden-and-hobby shop with pet and age labels.
_LABELLED = ("sku,name,brand,category,price,location,stock,tags,description\n"
             "L1,Peace Lily 150mm Pot,Greenery,Indoor Plants,24.00,Bench 3,6,toxic-to-pets,White flowers.\n"
             "L2,Spider Plant 120mm Pot,Greenery,Indoor Plants,12.00,Bench 3,9,pet-safe,Easy hanging plant.\n"
             "L3,Fern Hanging Basket,Greenery,Outdoor Plants,30.00,Bench 5,4,,Leafy basket.\n"
             "L4,Hobby Scalpel Set,CutRite,Tools,11.50,Counter,5,18+,Sharp blades; over 18s only.\n"
             "L5,Glitter Slime Kit,Goo,Kids Crafts,9.00,Aisle 2,8,age-6+,Make your own slime.\n")


@pytest.fixture
def labelled() -> Kiosk:
    return text_kiosk(_LABELLED)


def test_a_plant_labelled_toxic_to_pets_is_never_called_safe(labelled):
    a = labelled.ask("is the peace lily ok to have around my cat").answer
    assert "Peace Lily" in a and "toxic-to-pets" in a and not a.startswith("Yes")


def test_a_pet_safe_label_answers_yes_and_no_label_says_so(labelled):
    assert labelled.ask("is the spider plant safe for dogs").answer.startswith("Yes, Spider Plant")
    a = labelled.ask("is the fern basket safe for pets").answer
    assert "Fern Hanging Basket" in a and "no pet-safety label" in a


@pytest.mark.parametrize("question, must, verdict", [
    ("can my 14 year old buy the hobby scalpel", "18", "No"),
    ("is the slime kit ok for a 7 year old", "6", "Yes"),
])
def test_an_age_question_is_answered_from_the_age_label(labelled, question, must, verdict):
    a = labelled.ask(question).answer
    assert must in a and a.startswith(verdict)


def test_an_age_question_without_an_age_gives_the_label(labelled):
    a = labelled.ask("is the glitter slime kit ok for kids").answer
    assert "age-6+" in a and "Glitter Slime Kit" in a


def test_a_store_without_pet_or_age_labels_answers_the_product(chemist):
    a = chemist.ask("is the hand cream safe for my dog").answer      # no such labels: the plain product answer
    assert "Rich Hand Cream" in a and "pet-safety" not in a


# A made-up cafe corner: "coffee" is in no product's words, only in the lexicon's "cup of coffee".
_CAFE = ("sku,name,brand,category,price,location,stock,tags,description\n"
         "K1,Soy Flat White Regular,Bean Co,Hot Drinks,4.40,Cafe Bar,50,vegan;dairy-free,Flat white with soy.\n"
         "K2,Oat Latte Regular,Bean Co,Hot Drinks,4.60,Cafe Bar,50,vegan;dairy-free,Latte made with oat drink.\n"
         "K3,Cheese Scone,Bean Co,Bakery,3.10,Cafe Bar,8,vegetarian;contains-dairy,Warm scone.\n")
_CAFE_FAQ = ("question,answer\n"
             "Do you have a stamp card?,Yes: every 10th hot drink is free. Coffee fans love it.\n")


def test_a_serving_phrase_lends_its_meanings_to_the_thing():
    k = text_kiosk(_CAFE, _CAFE_FAQ)
    a = k.ask("can i get a coffee with no dairy").answer   # "cup of coffee" -> latte: the thing's meanings too
    assert "Oat Latte Regular" in a and "stamp" not in a and "10th" not in a


def test_a_dietary_question_is_not_answered_by_a_row_mentioning_the_thing_in_passing():
    k = text_kiosk(_CAFE.replace("Oat Latte Regular", "Oat Cortado Regular").replace("Latte made", "Cortado made"), _CAFE_FAQ)
    a = k.ask("do you have a vegan coffee").answer
    assert "10th" not in a


def test_an_everyday_names_meaning_matches_by_its_head_word_in_the_name():
    store = ("sku,name,brand,category,price,location,stock,tags,description\n"
             "M1,Velvet Complexion Sponge Pink,Softly,Tools,7.00,Aisle 8,10,,Soft blending sponge for foundation.\n"
             "M2,Cover Stick Concealer,Softly,Makeup,9.00,Aisle 4,6,,Concealer with a blending sponge tip.\n")
    k = text_kiosk(store)
    a = k.ask("where are the beauty blenders").answer   # beauty blender -> blending sponge: the Sponge, not the Concealer
    assert "Aisle 8" in a and "Aisle 4" not in a


@pytest.mark.parametrize("question, echo", [
    ("mother in laws tongue how much", "mother-in-laws tongue"),   # "in" inside a name is no 'for/in...' split
    ("do you have mother's day cards", "mother's day cards"),       # a possessive is kept, though "mother" alone is filler
    ("where's the cat flap for the back door", "cat flap"),         # "where's" is no possessive
])
def test_the_not_carried_echo_keeps_possessive_names_whole(question, echo):
    assert _object_words(classify(question).text) == echo


def test_can_you_get_it_in_for_me_asks_the_ordering_row():
    store = ("sku,name,brand,category,price,location,stock,tags,description\n"
             "R1,Garden Atlas Hardback,Leafy Press,Books,25.00,Shelf 2,3,,Maps of famous gardens.\n"
             "R2,Book Light Clip-On,Glow,Gifts,12.00,Counter,5,,Reading light.\n")
    faq = "question,answer\nCan you order a book for me?,We order any book in print; most arrive in 4 days.\n"
    k = text_kiosk(store, faq)
    assert "4 days" in k.ask("can you get a book in for me if you dont have it").answer
    assert "4 days" not in k.ask("can i get a book light").answer


# A made-up village shop whose FAQ rows share word roots with things it does not sell.
_VILLAGE = ("sku,name,brand,category,price,location,stock,tags,description\n"
            "V1,Honey Throat Lozenges x24,Soothe,Cold & Flu,3.99,Aisle 2,6,,Honey lozenges for a sore throat.\n"
            "V2,Ink Pen Blue,Scribe,Stationery,1.50,Aisle 5,30,,Smooth ballpoint.\n"
            "V3,Bubble Wand,Fun,Toys,2.00,Aisle 6,12,age-3+,Big bubbles.\n")
_VILLAGE_FAQ = ("question,answer\n"
                "Can I print here?,Printing is 10p a page at the counter.\n"
                "Can I bring my dog?,Dogs on a lead are welcome.\n"
                "Do you cater for parties?,We cater for parties of up to 30.\n")


@pytest.fixture
def village() -> Kiosk:
    return text_kiosk(_VILLAGE, _VILLAGE_FAQ)


@pytest.mark.parametrize("question, not_in", [
    ("do you sell printers", "Printing"),         # asking to buy a thing: the row must have that word itself
    ("where is the cat food", "cater"),           # "cater" is no form of "cat"
    ("where is the pet food", "Dogs on a lead"),  # pet food -> dog food: the row has no word the shopper typed
])
def test_a_row_sharing_only_a_root_or_a_describing_word_is_not_the_answer(village, question, not_in):
    a = village.ask(question).answer
    assert "don't carry" in a and not_in not in a


def test_a_generic_word_is_forgiven_only_when_another_word_names_the_product(village):
    a = village.ask("remedy for cold sores").answer   # the lozenges only share "cold" (category) and "sore" (description)
    assert "Lozenges" not in a and "remedy for cold sores" in a


def test_an_age_question_naming_no_product_asks_which(village):
    a = village.ask("ok for kids?").answer
    assert "Which product" in a


def test_word_forms_are_verb_endings_and_long_prefixes_only():
    from agent.kiosk.retrieval import _form_in
    assert _form_in("waxed", {"waxing"}) and _form_in("consult", {"consultation"}) and _form_in("stori", {"storytime"})
    assert not _form_in("cat", {"cater"}) and not _form_in("painter", {"paint"}) and not _form_in("exam", {"example"})
