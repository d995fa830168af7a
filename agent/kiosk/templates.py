"""Answer sentences built only from catalog facts.

These are the kiosk's ground truth: the model may phrase an answer more
naturally, but whenever its sentence fails the check, one of these replaces it.
"""

from __future__ import annotations

import re

from agent.kiosk.catalog import IMPLIED_TAGS, Product
from agent.kiosk.intent import PET_SAFE, PET_TOXIC, constraint_tags, is_age_constraint, is_age_tag, label_base, opposite_label
from agent.kiosk.text import stem, strip_ending


def money(value: float, currency: str = "$") -> str:
    return f"{currency}{value:.2f}"


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def location(products: list[Product]) -> list[str]:
    """Grouped by place so three milks in one fridge read as one sentence."""
    by_loc: dict[str, list[str]] = {}
    for p in products:
        by_loc.setdefault(p.location, []).append(p.name)
    out = []
    for loc, names in by_loc.items():
        verb = "is" if len(names) == 1 else "are"
        out.append(f"{join_names(names)} {verb} in {loc}.")
    return out


def price(products: list[Product], currency: str) -> list[str]:
    if len(products) == 1:
        p = products[0]
        return [f"{p.name} costs {money(p.price, currency)}."]
    return [join_names([f"{p.name} costs {money(p.price, currency)}" for p in products]) + "."]


def stock(products: list[Product]) -> list[str]:
    out = []
    for p in products:
        if p.stock is None:
            out.append(f"There is no live count for {p.name}; it is normally kept in {p.location}.")
        elif p.stock == 0:
            out.append(f"{p.name} is out of stock right now.")
        else:
            out.append(f"{p.name} is in stock ({p.stock} left).")
    return out


def out_of_stock_notes(products: list[Product]) -> list[str]:
    return [f"{p.name} is out of stock right now." for p in products if p.stock == 0]


def availability(products: list[Product], currency: str) -> list[str]:
    out = []
    for p in products:
        if p.stock == 0:
            out.append(f"We carry {p.name}, but it is out of stock right now.")
        elif p.stock is None:
            out.append(f"Yes, we have {p.name} for {money(p.price, currency)} in {p.location}.")
        else:
            # "got any X?" is a stock question even without the word: say it in those words
            out.append(f"Yes, {p.name} is in stock: {money(p.price, currency)}, in {p.location}.")
    return out


_ALLERGEN_WORD = {"contains-nuts": "nuts", "contains-gluten": "gluten", "contains-dairy": "dairy", "contains-egg": "egg"}


def dietary(p: Product, constraint: str, named: bool = False) -> tuple[str, bool | None]:
    """The sentence and the verdict (True yes, False no, None not labelled); ``named``: the shopper typed the label itself
    ("is it lead free"), not only what it is about ("i have a nut allergy")."""
    if constraint in (PET_SAFE, PET_TOXIC) or is_age_constraint(constraint):
        return _suitability(p, constraint)
    yes_tag, no_tag = constraint_tags(constraint)
    if constraint.startswith("contains-"):
        what = _ALLERGEN_WORD.get(constraint) or constraint.removeprefix("contains-").replace("-", " ")
        if yes_tag in p.tags:
            # said as the store labels it, when more precisely ("contains-peanuts": peanuts, not just nuts)
            own = [t for t in p.tags if t != yes_tag and IMPLIED_TAGS.get(t) == yes_tag]
            return f"Yes, {p.name} contains {own[0].removeprefix('contains-').replace('-', ' ') if own else what}.", True
        if no_tag and no_tag in p.tags:
            return f"No, {p.name} is labelled {no_tag}.", False
        return f"{p.name} is not labelled as containing {what}, but please check the package to be sure.", None
    if yes_tag in p.tags:
        return f"Yes, {p.name} is {constraint}.", True
    if no_tag and no_tag in p.tags:
        # said as the store labels it ("contains-milk": milk, not just dairy)
        own = [t for t in p.tags if t != no_tag and IMPLIED_TAGS.get(t) == no_tag]
        what = own[0].removeprefix("contains-").replace("-", " ") if own else _ALLERGEN_WORD.get(no_tag, no_tag.removeprefix("contains-"))
        # the label asked about is named back: "contains lead" alone leaves the shopper to work out "lead-free"
        return (f"No, {p.name} is not {constraint}; it contains {what}." if named else f"No, {p.name} contains {what}."), False
    if constraint in ("vegan", "vegetarian"):
        # the store's own allergen labels say why ("contains-beeswax", "contains-fish")
        why = [t for t in p.tags if t.startswith("contains-") and IMPLIED_TAGS.get(t) not in p.tags
               and (constraint == "vegan" or t.removeprefix("contains-") not in _PLANT_OR_DAIRY)]
        because = f"; it is labelled {', '.join(why)}" if why else ""
        return f"No, {p.name} is not labelled {constraint}{because}.", False
    if other := _opposite(p, constraint):
        return f"No, {p.name} is {other}, not {constraint}.", False
    return f"{p.name} is not labelled {constraint}, so please check the package.", None


# Labels that rule each other out: asked "fragrance free" of a product labelled "scented", the answer is no.
_OPPOSITES = {"fragrance-free": ("scented", "fragranced", "perfumed"), "unscented": ("scented", "fragranced", "perfumed"),
              "scented": ("unscented", "fragrance-free"), "wireless": ("wired",), "wired": ("wireless",), "cordless": ("corded",),
              "corded": ("cordless",), "indoor": ("outdoor", "exterior"), "outdoor": ("indoor", "interior"), "exterior": ("interior", "indoor"),
              "interior": ("exterior", "outdoor")}


# What a vegetarian eats: "contains-dairy" says nothing about whether a sausage roll is vegetarian.
_PLANT_OR_DAIRY = frozenset({"dairy", "milk", "lactose", "egg", "eggs", "gluten", "wheat", "nuts", "nut", "peanuts", "peanut", "tree-nuts",
                             "soy", "sesame", "sugar", "caffeine", "mustard", "celery", "sulphites", "lupin", "honey", "alcohol"})


def _opposite(p: Product, constraint: str) -> str | None:
    """The product's label that excludes the one asked for: another base ("solvent-based" for "water based"), or a listed
    opposite."""
    if constraint.endswith("-based"):
        return next((t for t in p.tags if t.endswith("-based") and t != constraint), None)
    return next((t for t in _OPPOSITES.get(constraint, ()) if t in p.tags), None)


_FEATURE_SUFFIXES = frozenset({"compatible", "friendly", "ready", "safe", "approved", "certified", "tested"})
# the words of doing, not of the feature: "can it *go in the* dishwasher", "can i *use* it in my tank"
_USE_WORDS = frozenset({"go", "goe", "put", "be", "in", "into", "the", "it", "a", "an", "use", "my", "on", "of", "is", "can"})
# "washable", "washing" and "wash" are one word here
_ABLE = ("able", "ible", "ing", "ed", "er")


_TEXTED_WORD = re.compile(r"\b([42])\s+(?=(?:a|an|the|my|me|us|u|you|your|ur|kids?|beginners?|adults?|outdoor|indoor)\b)")


def feature(p: Product, asked: str) -> list[str]:
    """A yes/no question about a feature: yes only when a label says it; otherwise what the store knows, word for word."""
    want = [stem(w) for w in re.split(r"[\s-]+", asked.lower()) if w]
    for t in p.tags:
        tw = [stem(w) for w in t.split("-")]
        # "pc" is "pc-compatible", "schrader valves" "schrader"; "solid wood" is not "wood"
        if want and want[0] in tw and set(tw) - set(want) <= _FEATURE_SUFFIXES and (set(want) <= set(tw) or set(tw) - _FEATURE_SUFFIXES <= set(want)):
            return [f"Yes, {p.name} is listed as {t}."]
    which = [t for t in p.tags if len(want) == 1 and (want[0] in [stem(w) for w in t.split("-")]
                                                      or t in (want[0] + "able", want[0] + want[0][-1:] + "able", want[0] + "ible"))]
    if which:  # "certified": listed as cpsc-certified and astm-certified
        return [f"Yes, {p.name} is listed as {join_names(which)}."]
    # "go in the washing machine" is "machine-washable": the label's words, in any order and form, are what was asked
    said = {strip_ending(stem(w), _ABLE) for w in re.findall(r"[a-z0-9]+", asked.lower())} - _USE_WORDS
    for t in p.tags:
        tw = {strip_ending(stem(w), _ABLE) for w in re.split(r"[\s-]+", label_base(t)) if w} - _FEATURE_SUFFIXES
        if len(tw) >= 2 and tw == said:
            return [f"Yes, {p.name} is listed as {t}."]
    if other := opposite_label(p.tags, set(re.findall(r"[a-z]+", asked.lower()))):
        # ...and the word asked, when it is one: "is labelled wired, not wireless"
        return [f"No, {p.name} is labelled {other}" + (f", not {asked.strip()}." if len(asked.split()) == 1 else ".")]
    # "ok 4 a beginner" is "ok for a beginner"; any other number echoed would be a fact the product does not have
    echo = _TEXTED_WORD.sub(lambda m: {"4": "for ", "2": "to "}[m.group(1)], asked)
    echo = "that" if re.search(r"\d", echo) else echo
    out = [f"I can't confirm {echo} for {p.name}; here is what we know: {p.description.strip()}"]
    if p.tags:
        out.append(f"Its labels: {', '.join(p.tags)}.")
    return out


def _suitability(p: Product, constraint: str) -> tuple[str, bool | None]:
    """Pet and age labels, said as the label says: a toxic-to-pets plant is never called safe, an 18+ knife is for 18s."""
    if constraint in (PET_SAFE, PET_TOXIC):
        # yes or no to what was asked: "is it safe" or "is it toxic" (a "pet-toxic" label answers both)
        toxic = constraint == PET_TOXIC
        bad = [t for t in p.tags if t.startswith(("toxic-to-", "toxic-for-")) or t.endswith("-toxic") or t == "not-pet-safe"]
        if bad:
            return f"{'Yes' if toxic else 'No'}, {p.name} is labelled {bad[0]}.", False
        good = [t for t in p.tags if t.endswith(("-safe", "-friendly")) or t.startswith("non-toxic-")]
        if good:
            return f"{'No' if toxic else 'Yes'}, {p.name} is labelled {good[0]}.", True
        return f"{p.name} has no pet-safety label, so please check with our staff.", None
    ages = [(a, t) for t in p.tags if (a := is_age_tag(t)) is not None]
    if not ages:
        return f"{p.name} has no age label, so please check the package.", None
    start, tag = max(ages)
    asked = int(constraint[4:]) if constraint.startswith("age-") else None
    if asked is None:
        return f"{p.name} is labelled {tag}: for ages {start} and over.", None
    if asked >= start:
        return f"Yes, {p.name} is labelled {tag}: for ages {start} and over.", True
    return f"No, {p.name} is labelled {tag}: only for ages {start} and over.", False


def dietary_list(products: list[Product], constraint: str, currency: str) -> list[str]:
    if not products:
        if is_age_constraint(constraint):  # the shopper's age is no label (nor a fact to repeat)
            return ["Sorry, I can't find anything with an age label for that."]
        return [f"Sorry, I can't find anything labelled {constraint} for that."]
    items = [f"{p.name} ({money(p.price, currency)}, {p.location})" for p in products]
    return [f"Labelled {constraint}: {join_names(items)}."]


# Words that make the shopper's text a sentence about people, not the name of a product.
_PERSONAL = frozenset({"i", "i'm", "im", "me", "my", "mine", "myself", "you", "you're", "youre", "your", "yours", "yourself", "u", "ur", "he", "she", "him", "her", "they", "them", "we", "us"})


def not_carried(what: str) -> str:
    """Echoes what was asked only when it reads like a product's name: a shopper's sentence is never repeated as one."""
    ws = what.split()
    if not ws or len(ws) > 4 or any(w in _PERSONAL for w in ws):
        return "Sorry, I couldn't find that in our store."
    return f"Sorry, we don't carry {what}."


def closest(what: str, p: Product, price: bool, place: bool, currency: str, stock: bool = False) -> list[str]:
    """Asked a price or place by a name with a word no product has ("bendy octopus tripod"): the one product of that kind
    named otherwise, said to be the closest match, not claimed to be the thing."""
    ws = what.split()
    said = f"anything called {what}" if ws and len(ws) <= 5 and not any(w in _PERSONAL for w in ws) else "that exact item"
    facts = [x for x, want in ((f"at {money(p.price, currency)}", price), (f"in {p.location}", place)) if want]
    out = [f"We don't have {said}; the closest match is {p.name}" + "".join(" " + f for f in facts) + "."]
    if p.stock == 0:
        out.append(f"{p.name} is out of stock right now.")
    elif stock and p.stock is not None:
        out.append(f"{p.name} is in stock ({p.stock} left).")
    return out


def alternatives(products: list[Product], currency: str) -> str:
    """Nearby products for a not-carried item: where they are, not what they cost (the shopper asked about something else)."""
    items = [f"{p.name} ({p.location})" for p in products]
    return f"We do have {join_names(items)}."


INJECTION = "I can only help with shopping questions, such as where to find a product, what it costs or whether it is in stock."
ABUSIVE = "I'm sorry you're having a bad time. I can help you find products, prices and store information."
GREETING = "Hello! Ask me where to find a product, what it costs, or whether it is in stock."
OFF_TOPIC = "I can only answer questions about this store: products, prices, where things are and store services."
EMPTY = "Please type a question about a product or the store."
