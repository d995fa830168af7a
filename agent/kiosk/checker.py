"""Every sentence is held against the retrieved facts before a shopper sees it.

A small model invents prices and aisles; the checker is what makes its
sentences safe to show. It knows nothing about phrasing, only claims: numbers,
prices, places, product names, stock status, dietary labels and "we don't
carry". A sentence with any claim the facts do not support is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.kiosk.catalog import Catalog, FaqEntry, Product
from agent.kiosk.text import STOPWORDS, blank_out, dotted_names, fold, words

_NUMBER = re.compile(r"(?<![a-z])(\d+(?:[.,]\d+)?)")
_MONEY = re.compile(r"([$€£¥])\s*(\d+(?:[.,]\d{1,2})?)|(\d+(?:[.,]\d{1,2})?)\s*(dollars?|euros?|pounds?|cents?|pence|usd|eur|gbp)\b")
_PLACE = re.compile(r"\b(aisle|fridge|freezer|slot|shelf|bay|row|counter|section|till|checkout|rack|cabinet|chiller|door|zone|floor|level)\b(\s*([a-z]?\d+[a-z]?|[a-z]\b))?")
_OUT = re.compile(r"\b(out\s+of\s+stock|sold\s+out|none\s+left|not\s+in\s+stock|no\s+stock|unavailable|run\s+out|ran\s+out)\b")
_IN = re.compile(r"\b(in\s+stock|available|(\d+)\s+left|we\s+have|we've\s+got|plenty)\b")
_NOT_CARRIED = re.compile(r"\b(don'?t|do\s+not|doesn'?t|does\s+not|no\s+longer)\s+(carry|sell|have|stock|offer)\b|\bnot\s+(carried|sold)\b")
_NEG = re.compile(r"\b(not|no|isn'?t|aren'?t|doesn'?t|don'?t|never|without)\b")
_DIET_WORDS = {
    "vegan": "vegan", "vegetarian": "vegetarian", "gluten-free": "gluten-free", "gluten free": "gluten-free",
    "dairy-free": "dairy-free", "dairy free": "dairy-free", "nut-free": "nut-free", "nut free": "nut-free",
}
_CONTAINS = re.compile(r"\bcontains?\s+(nuts?|gluten|dairy|milk|eggs?|wheat)\b")
_CONTAINS_TAG = {"nut": "contains-nuts", "nuts": "contains-nuts", "gluten": "contains-gluten", "wheat": "contains-gluten",
                 "dairy": "contains-dairy", "milk": "contains-dairy", "egg": "contains-egg", "eggs": "contains-egg"}


@dataclass
class Facts:
    """What an answer may state: the retrieved products (with live stock) and FAQ rows."""

    products: list[Product]
    faq: list[FaqEntry] = field(default_factory=list)
    currency: str = "$"
    catalog: Catalog | None = None
    not_carried_ok: bool = False  # the plan itself says the store lacks what was asked


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def _money(folded: str) -> list[tuple[str, float]]:
    """Each amount of money in a folded sentence, as written and as a value in the store's currency."""
    out = []
    for m in _MONEY.finditer(folded):
        value = _num(m.group(2) or m.group(3))
        if m.group(4) and m.group(4).startswith(("cent", "pence")):
            value = value / 100
        out.append((fold(m.group(0)).strip(), round(value, 2)))
    return out


def _faq_states(money: str, facts: Facts) -> bool:
    """The amount is quoted from an FAQ answer ("$4 per hour" for parking): the store's own fact, no product's price."""
    return any(money in fold(f.answer) for f in facts.faq)


def check_sentence(sentence: str, facts: Facts) -> list[str]:
    """Problems with ``sentence`` (empty list: every claim is supported)."""
    s = fold(sentence)
    problems: list[str] = []
    fact_text = fold(" ".join(
        # the labels are facts too: "age-6+" lets an answer say "for ages 6 and over"
        [f"{p.name} {p.brand} {p.category} {p.location} {p.description} {' '.join(p.tags)} {p.price:.2f} {p.stock if p.stock is not None else ''}"
         for p in facts.products]
        + [f"{f.question} {f.answer}" for f in facts.faq]))
    prices = {round(p.price, 2) for p in facts.products}
    allowed_numbers = {_num(n) for n in _NUMBER.findall(fact_text)}

    for text, value in _money(s):
        if value not in prices and not _faq_states(text, facts):
            problems.append(f"price {text} is not the price of any product in the facts")
    for n in _NUMBER.findall(s):
        if _num(n) not in allowed_numbers:
            problems.append(f"number {n} is not in the facts")

    fact_places = [fold(p.location) for p in facts.products] + [fold(f.answer) for f in facts.faq]
    product_places = [fold(p.location) for p in facts.products]
    faq_text = [fold(f.answer) for f in facts.faq]
    # "we don't carry cat flaps for the back door": what follows is the shopper's own words, not a place we state
    nc = _NOT_CARRIED.search(s) if facts.not_carried_ok else None
    placed = s[:nc.end()] if nc else s
    # place words inside product names are no places, nor inside a product's own description quoted word for word
    # ("a kennel with a steel door")
    quoted = [fold(p.description).strip(" .") for p in facts.products if len(p.description.strip()) >= 20]
    own_words = [fold(p.name) for p in facts.products] + quoted
    placed = blank_out(placed, own_words)
    for m in _PLACE.finditer(placed):
        place = " ".join(m.group(0).split())
        # a product's place must be stated in full ("in a fridge" for "Fridge 1" is not an answer)
        exact = any(_inside(s, loc, m.start()) for loc in product_places)
        if not exact and not any(place in ft for ft in faq_text):
            problems.append(f"place '{m.group(0).strip()}' is not (exactly) where any product in the facts is")
    if facts.catalog is not None:
        names = catalog_names(facts.catalog)
        # "Clover Kacha-Kacha Row Counter is in stock" names a counter, not the place called Counter
        unquoted = blank_out(s, own_words)
        for loc in names.locations:
            if re.search(rf"\b{re.escape(loc)}\b", unquoted) and not any(loc in fp for fp in fact_places):
                problems.append(f"place '{loc}' is not where any product in the facts is")
        # The retrieved products' own names are not mentions of others ("Peanut Butter" is not "Butter 250g").
        # Compared as plain words, the way mentions() reports them ("peat-free" -> "peat free").
        own = {_words(form) for p in facts.products for form in (fold(p.name), _core(fold(p.name)))}
        s_words = _words(s)
        said: list[str] | None = None
        for phrase, prods in names.mentions(s):
            if phrase in own or any(phrase in o and _within(phrase, o, s_words) for o in own):
                continue
            # ...nor is the store's own FAQ answer, quoted: "includes a Laerdal pocket mask" names the mask as the row does
            if said is None:
                said = [f" {_words(fold(f'{f.question} {f.answer}'))} " for f in facts.faq]
            if any(f" {phrase} " in fs for fs in said):
                continue
            for p in prods:
                if p.sku not in {f.sku for f in facts.products}:
                    problems.append(f"names {p.name}, which is not among the retrieved products")

    named = _named(facts.products, s) or (facts.products if len(facts.products) == 1 else [])
    if _OUT.search(s):
        if not named or any(p.stock != 0 for p in named):
            problems.append("says out of stock, but the facts do not")
    elif _IN.search(s) and not _NEG.search(s) and any(p.stock == 0 for p in named):
        problems.append("says in stock, but the product is out of stock")
    # "We do not sell live animals" copied from the store's own FAQ answer is the store's statement, not a denial of a product
    if _NOT_CARRIED.search(s) and not facts.not_carried_ok and not any(_NOT_CARRIED.search(fold(f.answer)) for f in facts.faq):
        problems.append("says the store does not carry it, but the facts list it")

    claims = blank_out(s, [fold(p.name) for p in named])  # "Vegetarian Dog Treats" is a name, not a dietary claim
    negated = bool(_NEG.search(claims))  # ...nor is the "no" in "Yoru no Ume Yokan" a denial
    for word, tag in _DIET_WORDS.items():
        if re.search(rf"\b{re.escape(word)}\b", claims) and named:
            has = [tag in p.tags for p in named]
            if not negated and not all(has):
                problems.append(f"calls it {tag}, but it is not labelled {tag}")
            if negated and any(has) and "labelled" not in s:
                problems.append(f"says it is not {tag}, but it is labelled {tag}")
    for m in _CONTAINS.finditer(claims):
        tag = _CONTAINS_TAG[m.group(1)]
        if named and not negated and not all(tag in p.tags for p in named):
            problems.append(f"says it contains {m.group(1)}, but it is not labelled {tag}")
    return sorted(set(problems))


def _named(products: list[Product], folded_sentence: str) -> list[Product]:
    """The products the sentence names; "Cola" inside a mention of "Diet Cola" is not a mention of Cola."""
    named = [p for p in products if _names(p, folded_sentence)]
    out = []
    for p in named:
        mine = _core(fold(p.name))
        longer = [form for q in named if q is not p and mine != _core(fold(q.name)) and mine in _core(fold(q.name))
                  for form in (fold(q.name), _core(fold(q.name)))]
        rest = folded_sentence
        for other in sorted(longer, key=len, reverse=True):
            rest = rest.replace(other, " ")
        if not longer or _names(p, rest):
            out.append(p)
    return out


def _names(p: Product, folded_sentence: str) -> bool:
    """Whether the sentence mentions the product by its full name (size suffixes optional)."""
    name = fold(p.name)
    if name in folded_sentence:
        return True
    core = _core(name)
    return len(core) >= 4 and re.search(rf"\b{re.escape(core)}\b", folded_sentence) is not None


def _inside(s: str, loc: str, pos: int) -> bool:
    """Whether position ``pos`` lies in a whole-word occurrence of ``loc`` ("Cafe Counter", not "Fridge 12")."""
    return any(m.start() <= pos < m.end() for m in re.finditer(rf"(?<![a-z0-9]){re.escape(loc)}(?![a-z0-9])", s))


def _within(phrase: str, own: str, sentence: str) -> bool:
    """The phrase only occurs inside a mention of the retrieved product's own name."""
    rest = sentence.replace(own, " ")
    return re.search(rf"\b{re.escape(phrase)}\b", rest) is None


class CatalogNames:
    """Product names and places of one catalog, indexed so a sentence is checked in O(words), not O(products)."""

    def __init__(self, catalog: Catalog) -> None:
        self.by_phrase: dict[tuple[str, ...], list[Product]] = {}
        for p in catalog.products.values():
            for form in {fold(p.name), _core(fold(p.name))}:
                key = tuple(_WORD.findall(form))
                if key and len(" ".join(key)) >= 4:
                    self.by_phrase.setdefault(key, []).append(p)
        self.max_len = max((len(k) for k in self.by_phrase), default=0)
        self.locations = sorted({fold(p.location) for p in catalog.products.values() if len(p.location) >= 4})
        # names a sentence must not be cut inside ("Dr. Elsey's ...")
        self.dotted = dotted_names([n for p in catalog.products.values() for n in (p.name, p.brand)])

    def mentions(self, folded_sentence: str) -> list[tuple[str, list[Product]]]:
        ws = _WORD.findall(folded_sentence)
        out = []
        for i in range(len(ws)):
            for n in range(1, min(self.max_len, len(ws) - i) + 1):
                prods = self.by_phrase.get(tuple(ws[i:i + n]))
                if prods:
                    out.append((" ".join(ws[i:i + n]), prods))
        return out


_WORD = re.compile(r"[a-z0-9%]+(?:[.'][a-z0-9]+)*")
_NAMES_CACHE: dict[int, tuple[Catalog, CatalogNames]] = {}


def catalog_names(catalog: Catalog) -> CatalogNames:
    hit = _NAMES_CACHE.get(id(catalog))
    if hit is not None and hit[0] is catalog:
        return hit[1]
    names = CatalogNames(catalog)
    if len(_NAMES_CACHE) > 8:
        _NAMES_CACHE.clear()
    _NAMES_CACHE[id(catalog)] = (catalog, names)
    return names


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text))


def _core(name: str) -> str:
    """The name without sizes and pack counts ("Oat Milk 1L" -> "oat milk")."""
    return re.sub(r"\s*(\(.*?\)|\b\d+(\.\d+)?\s*(ml|l|g|kg|m|mg|cl|oz|%)(?!\w)|\bx\s*\d+\b)", "", name).strip()


def missing_required(answer: str, required: list[str]) -> list[str]:
    a = fold(answer)
    return [r for r in required if fold(r) not in a]


# Words a rephrasing may use besides the facts' own words: enough to be friendly, too few to claim anything new.
_PHRASING = frozenset(words(
    "yes no sorry great good news you we our can will find it its is are was in at on by the a an and or but costs cost priced "
    "price only just available stock left right now currently located location kept sits sit shelf aisle labelled label "
    "contains contain free please check package ask staff member here there today each item product one ones also both "
    "them they those this that these grab pick up get buy sold sells sell selling have has carry"))


def check_model_sentence(sentence: str, facts: Facts) -> list[str]:
    """``check_sentence`` plus a closed vocabulary: the model may only reword, never add a subject of its own."""
    problems = check_sentence(sentence, facts)
    allowed = set(_PHRASING) | STOPWORDS
    for p in facts.products:
        allowed.update(words(f"{p.name} {p.brand} {p.category} {p.location} {p.description} {' '.join(p.tags)} {' '.join(t.replace('-', ' ') for t in p.tags)}"))
    for f in facts.faq:
        allowed.update(words(f.answer))
    folded = fold(sentence)
    named = [p for p in facts.products if fold(p.name) in folded]  # by the full name, as the store writes it
    if facts.products and not any(_names(p, folded) for p in facts.products):
        problems.append("does not name the product it is about")
    elif facts.products and not named:
        # "Vanilla Ice Cream is $5.20" for "Vanilla Ice Cream 500ml": a price or place belongs to the name as the store
        # writes it (the 1L and the 500ml tub differ); the model is told to copy names exactly, and must
        problems.append("does not copy the product's full name")
    # "Mint Chewing Gum is in stock: $0.80, in Slot C3: $0.95": every price is one of the products it names, not merely
    # a price somewhere in the facts (the $0.95 was the Fruit Gums' -- retrieved beside it, not named)
    if named:
        own = {round(p.price, 2) for p in named}
        for text, value in _money(folded):
            if value not in own and not _faq_states(text, facts):
                problems.append(f"price {text} is not the price of the product it names")
        # ...and every place ("Beef Dripping 250g is in Fridge 2": Fridge 2 was the broth's, retrieved beside it)
        theirs = {fold(p.location) for p in named}
        unnamed = blank_out(folded, [fold(p.name) for p in facts.products])
        for loc in sorted({fold(p.location) for p in facts.products} - theirs):
            if re.search(rf"\b{re.escape(loc)}\b", unnamed) and not any(re.search(rf"\b{re.escape(t)}\b", loc) for t in theirs) \
                    and not any(loc in fold(f.answer) for f in facts.faq):
                problems.append(f"place {loc} is not where the product it names is")
    extra = sorted({w for w in words(sentence) if w not in allowed and not w.isdigit()})
    if extra:
        problems.append("uses words that are not in the facts: " + ", ".join(extra[:5]))
    return problems
