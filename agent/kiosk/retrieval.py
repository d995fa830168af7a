"""Finding the products and FAQ rows a question is about.

SQLite FTS5 with BM25 proposes candidates; the final choice is made on
*coverage*: how many of the shopper's words (each with its spelling fixes and
everyday synonyms) a product really has. Coverage is what lets the kiosk say
"we don't carry soy milk" instead of answering about oat milk as if it were
the same thing.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from agent.kiosk.catalog import Catalog, FaqEntry, Product
from agent.kiosk.intent import label_pattern, suitability_labels
from agent.kiosk.meaning import Embedder, Meanings, default_embedder
from agent.kiosk.text import (
    GENERIC_WORDS,
    KIND_WORDS,
    PRODUCT_VERBS,
    SERVING_WORDS,
    SOFT_WORDS,
    STOPWORDS,
    content_words,
    english_words,
    fold,
    joined_forms,
    stem,
    strip_ending,
    words,
)


@lru_cache(maxsize=1)
def default_synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    text = resources.files("agent.kiosk.data").joinpath("synonyms.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    merged: dict[tuple[str, ...], list[str]] = {}
    for r in rows:
        if r.get("phrase") and r.get("means"):
            means = merged.setdefault(tuple(words(r["phrase"])), [])
            means += [m for m in (" ".join(words(x)) for x in r["means"].split(";")) if m and m not in means]
    # "a cup of coffee" is coffee: a serving's meanings are the thing's, unless the lexicon says what the thing means itself
    for phrase, means in list(merged.items()):
        if len(phrase) >= 3 and phrase[0] in SERVING_WORDS and phrase[1] == "of" and phrase[2:] not in merged:
            merged[phrase[2:]] = [m for m in means if m != " ".join(phrase[2:])]
    return tuple(sorted(((p, tuple(m)) for p, m in merged.items()), key=lambda pm: -len(pm[0])))


# Question words a shopper misspells ("wher", "prise"): a near miss of one of these is dropped, not taken for a product.
# Only these: "tank" is near "thank" and "socks" near "stock", and those are things a store may sell.
_STOP_LIST = sorted(stem(w) for w in ("where", "wheres", "price", "prices", "much", "many", "have", "aisle", "available", "availability",
                                      "carry", "locate", "location", "which", "what", "there", "please", "anything", "something",
                                      "looking", "does", "sell", "selling", "cost", "costs"))

# The words that make a question a price or stock question, and their typos ("pirce", "prise", "stcok"): respelled
# before the question is classified, so "pilot g2 pens prise" asks for a price. "prise" is an English word, but no
# shopper means prising something open.
_INTENT_WORDS = ("price", "prices", "stock", "much")
_UNITS = [(re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:litres?|liters?|ltrs?|l)\b", re.I), "l"),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:millilitres?|milliliters?|mls?)\b", re.I), "ml"),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:kilos?|kilograms?|kgs?)\b", re.I), "kg"),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:grams?|grammes?|g)\b", re.I), "g"),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:ounces?|oz)\b", re.I), "oz"),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:pounds?|lbs?)\b", re.I), "lb"),
          (re.compile(r"\b(per|a|by\s+the)\s+(?:pound|lb)\b", re.I), " lb"),  # "krakowska per pound" is sold "per lb"
          # "6 inch boot" is the "6 in" one: the number says it, and a bare "in" would read as "for/in" after the thing
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:inch|inches|\")(?=\W|$)", re.I), ""),
          (re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:-\s*)?(?:foot|feet|ft)\b", re.I), " ft")]
_INTENT_TYPOS = {"prise": "price", "prises": "prices", "stok": "stock", "instock": "in stock"}


# Question words that are also things products are named by ("Tortex Picks", "Wall Shelf", "Mini Fridge", "Drill Bits").
NOUN_STOPWORDS = frozenset(stem(w) for w in ("pick", "shelf", "rack", "fridge", "freezer", "chiller", "counter", "bit", "stock"))


# The last word of a label that says what the product suits or resists, not what it is ("microwave-safe", "nut-free").
_LABEL_SUFFIXES = frozenset({"safe", "free", "friendly", "compatible", "ready", "proof", "resistant", "based", "only", "included"})


# What a store does rather than sells, by family: "rent a keyboard" is the "Can I rent an instrument?" row, "can I pay for a
# piano in installments" the payment row, "bring the meat back" the returns row -- whatever the thing is.
_SERVICE_FAMILIES = {
    "rent": ("rent", "rental", "rentals", "renting", "hire", "hiring", "borrow", "borrowing", "loan", "lend"),
    "return": ("return", "returns", "returning", "refund", "refunds", "exchange", "exchanges", "bring back", "take back", "send back",
               "change mind"),
    "repair": ("repair", "repairs", "fix", "fixing", "mend", "mending", "resole", "resoling", "reheel", "reheeling", "replace",
               "replacing", "replacement", "replacements", "swap", "swapping", "swapped", "look at", "looked at"),
    "deliver": ("deliver", "delivery", "deliveries", "delivering", "shipping", "ship", "mail", "mailing", "mailed"),
    "pay": ("pay", "paying", "payment", "payments", "installment", "installments", "instalment", "instalments", "finance",
            "financing", "afterpay"),
    "layby": ("layby", "laybys"),
    "sharpen": ("sharpen", "sharpening", "sharpened"),
    "install": ("install", "installing", "installation", "fit", "fitted", "fitting", "set up", "setup", "setting up", "put up",
                "hang", "hanging", "mount", "mounting"),
    "warranty": ("warranty", "warranties", "guarantee", "guaranteed"),
    "assemble": ("assemble", "assembly", "assembling", "put together"),
    "grind": ("grind", "grinding", "mill", "milling", "crush", "crushing"),
    "print": ("print", "printing", "photocopy", "photocopies", "photocopying", "copying", "scan", "scanning"),
    "engrave": ("engrave", "engraving", "engraved"),
    "clean": ("clean", "cleaning", "cleaned", "wash", "washing", "washed", "launder", "laundering", "laundered"),
    "personalize": ("personalize", "personalise", "personalized", "personalised", "personalizing", "personalising",
                    "personalization", "personalisation", "monogram", "monogramming", "monogrammed"),
    "wrap": ("gift wrap", "gift wrapping", "giftwrap", "giftwrapping"),
    "class": ("class", "classes", "course", "courses", "workshop", "workshops", "lesson", "lessons", "tuition", "teach", "teaches",
              "teaching"),
    "visit": ("visit", "visits", "home visit", "house call", "house calls", "callout", "call out"),
    "alter": ("alter", "altering", "alteration", "alterations", "hem", "hems", "hemming", "hemmed", "take up", "taking up",
              "shorten", "shortening", "tailor", "tailoring"),
    # "how long do i get to try a mattress at home": a sleep trial, a test ride
    # "can you look after my gecko while im away": pet sitting ("board" and "watch" name products: a snowboard, a watch)
    "sit": ("pet sitting", "pet sit", "pet sitter", "look after", "looking after"),
    "trial": ("trial", "trials", "try", "trying", "test drive", "test ride", "try out", "demo", "demos", "demo program"),
}
# words after which a service word is a verb ("can i *rent* climbing shoes", "to *hire* skis"), not a modifier ("rental skis")
_VERB_BEFORE = frozenset({"i", "we", "you", "u", "to", "can", "could", "and", "please", "pls", "will", "would"})
_SERVICE = {stem(w): k for k, ws in _SERVICE_FAMILIES.items() for w in ws if " " not in w}
_SERVICE_PHRASES = {w: k for k, ws in _SERVICE_FAMILIES.items() for w in ws if " " in w}


# Words saying a feature the thing has ("paint *with* low fumes"), as opposed to what or where it is for
# ("milk *for* my coffee", "something to read *on* the plane").
_FEATURE_WORDS = frozenset({"with", "without", "that", "which"})
_HOW_WORDS = frozenset({"long", "far", "often", "soon", "late", "early", "old"})


@dataclass(frozen=True)
class Term:
    """One word the shopper used, with the spellings that count as it."""

    word: str
    alternatives: frozenset[str]
    weak: frozenset[str] = frozenset()  # looser spelling fixes: count only beside another matched word
    pos: int = -1  # index in the question's words, to tell a modifier ("soy milk") from filler ("grab a notebook")
    known: bool = True  # the word (or a fix of it) exists somewhere in the catalog, FAQ or synonyms
    typed: bool = True  # the word as typed (not only a spelling fix of it: "flight" -> "light") is a product word


@dataclass(frozen=True)
class Match:
    product: Product
    coverage: float
    name_coverage: float
    bm25: float
    specificity: float  # share of the product name's words the shopper used
    strict: float = 0.0  # coverage without forgiving packaging and filler words
    head_hit: bool = True  # the product is the kind of thing asked for (its head word matched, and it is no packaging word)
    head_named: bool = False  # ...and the product's name (or brand) has that word
    missed: tuple[int, ...] = ()  # indices of the shopper's terms this product lacks (and that were not forgiven)
    exact: float = 0.0  # share of the shopper's terms the name or category has as whole words ("wash" is not "washer")
    core_name: float = 0.0  # name coverage by the words before 'for/to/in...' only (the thing, not what it is for)
    purpose_said: int = 0  # the words after 'for' the product's own text has ("fat for roast potatoes": the dripping says so)


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    coverage: float
    specificity: float  # share of the FAQ question's own words the shopper used
    known_coverage: float = 0.0  # coverage counting only words this store's catalog, FAQ or synonyms use at all
    head_hit: bool = True  # the row has the word for the thing asked about ("order a *coffee*" is not the cake-order row)
    head_asked: bool = True  # ...in its question, not only somewhere in its answer
    asked_terms: frozenset[int] = frozenset()  # indices of the shopper's terms the row's question itself has


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    text: str  # the shopper's object words as typed (normalised), for "we don't carry X"
    head: int = -1  # index in terms of the thing asked for ("gps *tracker* for dog collar"); -1 when unknown
    split: int = -1  # word position of the 'for/with/in...' after the thing asked for; -1 when none
    split_word: str = ""  # ...and that word
    typed: tuple[str, ...] = ()  # the words as typed, not singular ("puppies": a kind of thing, asked in the plural)


# Words after which the shopper says what the thing is for or goes with, not what it is ("tracker for dog collar").
SPLIT_WORDS = frozenset({"for", "with", "to", "in", "on", "at", "from", "without", "into", "near", "by", "that", "which", "so", "when", "while", "until"})


def split_pos(terms: tuple[Term, ...], toks: list[str]) -> int:
    """Word position of the first 'for/with/in...' after the first term; -1 when none."""
    if not terms:
        return -1
    first = min(t.pos for t in terms)
    return next((i for i, w in enumerate(toks) if w in SPLIT_WORDS and i > first), -1)


def head_index(terms: tuple[Term, ...], toks: list[str], generic: frozenset[str] = GENERIC_WORDS) -> int:
    """The term naming the thing asked for: the last one before the first 'for/with/in...' that follows a term,
    skipping packaging words ("pizza *slice*" is about pizza)."""
    if not terms:
        return -1
    cut = split_pos(terms, toks)
    before = [i for i, t in enumerate(terms) if cut < 0 or t.pos < cut]
    # runs of words, allowing one word between them ("order a coffee"), not "sausage rolls where are they"
    runs: list[list[int]] = []
    for i in before:
        if runs and terms[i].pos - terms[runs[-1][-1]].pos <= 2:
            runs[-1].append(i)
        else:
            runs.append([i])
    if not runs:
        return -1
    # the first run names the thing -- unless no word of it is a product word and a later one has one
    # ("what *happens* if a *plant* I bought dies")
    run = next((r for r in runs if any(terms[i].known and terms[i].typed for i in r)), runs[0])
    solid = [i for i in run if terms[i].word not in SOFT_WORDS]
    if not solid and cut >= 0 and not any(t.pos > terms[run[-1]].pos and t.pos < cut for t in terms):
        return run[-1]  # "a bag to put my tree away in", "a box for my shoes": the packaging word is the thing
    if not solid:  # "a slice of lemon drizzle": the packaging word is not the thing
        rest = [i for i, t in enumerate(terms) if t.pos > terms[run[-1]].pos and t.word not in SOFT_WORDS]
        return rest[-1] if rest else run[-1]
    # "heartburn medicine", "medicine for heartburn": the thing is named by what it treats
    named = [i for i in solid if terms[i].word not in generic]
    if not named:
        rest = [i for i, t in enumerate(terms) if t.pos > terms[run[-1]].pos and t.word not in SOFT_WORDS | generic]
        return rest[0] if rest else solid[-1]
    return named[-1]


def _doc_words(p: Product) -> tuple[set[str], set[str]]:
    name = set(words(p.name)) | set(words(p.brand)) | set(joined_forms(p.name)) | set(joined_forms(p.brand))
    # a model number glued to its word ("GoPro HERO12", "Ray-Ban RB3025") is typed without it: "gopro 12 black"
    name |= {m[1] for w in words(p.name) if (m := re.fullmatch(r"[a-z]+([0-9]{2,})", w))}
    # the store's labels describe the product too ("weatherproof", "low-voc"), but not what it contains or lacks
    labels = [t for t in p.tags if not t.startswith("contains-") and not t.endswith("-free")]
    allw = name | set(words(p.category)) | set(words(p.description)) | set(words(" ".join(labels))) | set(joined_forms(" ".join(labels)))
    return name, allw


_SOUNDS = [(re.compile(r"y"), "i"), (re.compile(r"c(?=[ei])"), "s"), (re.compile(r"qu|kw|ck|q"), "k"), (re.compile(r"c"), "k"), (re.compile(r"ph"), "f"),
           (re.compile(r"z"), "s"), (re.compile(r"(?<=[^aeiou])h"), ""), (re.compile(r"(.)\1+"), r"\1")]


def _y_form(w: str) -> str:
    """A stem's final "i" as the "y" it was typed with ("daisi" -> "daisy")."""
    return w[:-1] + "y" if w.endswith("i") and len(w) > 3 else w


def _sound(w: str) -> str:
    """A rough spoken form: "sizzors" and "scissor" both sound "sisor" (soft c, z, ph, doubled letters)."""
    for rx, to in _SOUNDS:
        w = rx.sub(to, w)
    return w


def _edits_within_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one letter inserted, deleted, changed, or two neighbours swapped)."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:] if len(b) == len(a) + 1 else False


def _has_word(w: str, sorted_words: list[str]) -> bool:
    """``w`` is one of ``sorted_words``, or (four letters or more) the start of one: a binary search, not a scan."""
    i = bisect.bisect_left(sorted_words, w)
    return i < len(sorted_words) and (sorted_words[i] == w or (len(w) >= 4 and sorted_words[i].startswith(w)))


def _one_hop(means: tuple[str, ...], table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Meanings and what they mean in turn ("bring back" -> "return" -> "refund")."""
    return means + tuple(x for m in means for x in table.get(m, ()))


# What follows a number in a catalog's word ("70mm", "500ml", "12v"): "sony 24-70 lens" is the 24-70mm one
_UNIT_TAILS = frozenset({"mm", "cm", "m", "ml", "l", "g", "kg", "oz", "lb", "in", "ft", "v", "w", "mah", "gb", "tb", "x", "pc", "pcs", "pk"})


def _word_in(w: str, doc: set[str]) -> bool:
    return w in doc or (len(w) >= 4 and any(d.startswith(w) and not _compound_of(w, d) for d in doc)) or (
        w.isdigit() and any(d.startswith(w) and d[len(w):] in _UNIT_TAILS for d in doc))


# Suffixes that are also words ("wood"+"en", "paint"+"er"): a longer word ending so is a form, not a compound.
_SUFFIX_WORDS = frozenset({"en", "er", "ers", "ing", "ed", "es", "est", "ful", "ish", "ism", "ist", "let", "ness", "able", "less", "ment",
                           "ship", "ward", "wards", "age", "al", "an", "ant", "ent", "ery", "ette", "ie", "ier", "ling", "ly", "ty", "y"})
_PARTICLES = frozenset({"up", "in", "on", "out", "off"})


def _compound_of(w: str, d: str) -> bool:
    """``d`` is ``w`` plus another word: a "pickup" is no pick, "toothpaste" no tooth, "paperback" no paper -- unlike
    "chocolate" for "choc" or "wooden" for "wood"."""
    rest = d[len(w):]
    if rest in _PARTICLES:
        return True
    return len(rest) >= 3 and rest not in _SUFFIX_WORDS and rest in english_words()


def _inflected(w: str, doc: set[str]) -> bool:
    """A verb's other forms in an answer's words: "pop" -> "popped", "wrap" -> "wrapped", "fit" -> "fitting"."""
    if " " in w or len(w) < 3 or not w.isalpha():
        return False
    return any(w + end in doc for end in ("s", "ed", "ing", w[-1] + "ed", w[-1] + "ing"))


_LIST_START = re.compile(r"\b(?:of|with|including|includes|like|such\s+as|from)\s+((?:[a-z0-9'-]+\s+){0,2}[a-z0-9'-]+)$")


_MADE_WITH = re.compile(r"\b(?:stuffed|filled|flavou?red|topped|seasoned|spiced|made|packed|studded|blended|mixed|coated|dusted"
                        r"|infused|sweetened|glazed|baked|cooked)\s+with\s+([^,.;:()!?]+)")


def _listed(text: str) -> set[str]:
    """The words of what a description lists a thing as made of or holding, three items or more after "of", "with",
    "including" ("a blend *of cumin, coriander, cardamom and cinnamon*"): what is in it, not what it is."""
    out: set[str] = set()
    folded = fold(text)
    # ...and what it is made, filled or flavoured with: "stuffed with spiced potatoes and peas" is no vegetable for sale
    for m in _MADE_WITH.finditer(folded):
        out.update(words(m.group(1)))
    for sentence in re.split(r"[.;:()!?]+", folded):
        parts = [p.strip() for p in sentence.split(",")]
        if len(parts) < 3 or not (m := _LIST_START.search(parts[0])):
            continue
        items = [m.group(1)] + parts[1:-1]
        last = words(parts[-1])
        if any(len(words(i)) > 3 for i in items[1:]):
            continue  # clauses, not a list
        for i in items:
            out.update(words(i))
        # "... and cinnamon", "coriander and cumin for dipping bread": up to the word after "and"/"or"
        if (j := next((k for k, w in enumerate(last) if w in ("and", "or")), -1)) >= 0:
            out.update(last[:j])
            out.update(last[j + 1:j + 2])
        elif len(last) <= 3:
            out.update(last)
    return out - STOPWORDS


def _heads(text: str) -> set[str]:
    """Words that end a phrase in a description ("Italian *lager*, 330ml bottle"), not ones describing the next word
    ("chocolate chip cookie", "fragrance free wipes"): what the thing is, in the writer's words."""
    out: set[str] = set()
    for chunk in re.split(r"[,.;:()!?]+", fold(text)):
        ws = words(chunk)
        for i, w in enumerate(ws):
            if i > 0 and ws[i - 1] in ("without", "no", "non", "not"):
                continue  # "made without dairy"
            # ("fragrance free wipes" are no fragrance; "elderberry *soda* made from ...", "*wafers* coated in chocolate":
            # a participle and its phrase after the thing)
            if (i + 1 == len(ws) or (ws[i + 1] in STOPWORDS and ws[i + 1] != "free")
                    or (i + 2 < len(ws) and _PARTICIPLE.fullmatch(ws[i + 1]) and ws[i + 2] in STOPWORDS)):
                out.add(w)
    return out - STOPWORDS


_PARTICIPLE = re.compile(r"[a-z]{2,}ed|made|sold|grown|built|kept|worn|sewn|spun|woven|held|cut|set")


# ...and comparisons: "tart and fruity *like a fine wine*" is no wine
_PURPOSE_START = frozenset({"for", "from", "against", "like", "than", "unlike"})


def _description_parts(text: str) -> tuple[set[str], set[str]]:
    """A description's words split at each clause's first 'for/from/against': (what it says the thing is, the words of
    its purpose phrases). The purpose phrase is what the thing is for or keeps off ("HDMI cable *for monitors, TVs and
    consoles*", "protects hair *from straighteners*"), up to the end of the clause: other things, not this one."""
    said: set[str] = set()
    purpose: set[str] = set()
    for clause in re.split(r"[.;:()!?]+", fold(text)):
        ws = words(clause)
        start = next((i for i, w in enumerate(ws) if w in _PURPOSE_START), len(ws))
        # ...and what it fits or works in: "a gaming SSD that also *works in the PS5*" is no PS5
        fits = next((i + 1 for i, w in enumerate(ws[:-1]) if w in ("work", "fit", "compatible") and ws[i + 1] in ("in", "with", "into", "on")),
                    len(ws))
        start = min(start, fits)
        said |= set(ws[:start])
        purpose |= set(ws[start + 1:])
    return said, purpose - STOPWORDS


# verb endings only: "cater" is no form of "cat", nor "painter" of "paint" (a different thing)
_ENDINGS = ("ings", "ing", "ed", "es", "s")


def _root(w: str) -> str:
    """"waxed", "waxing" and "wax" share the root "wax" (three letters or more left); "tune", "tuned" and "tuning" "tun"."""
    r = strip_ending(w, _ENDINGS)
    return r[:-1] if r == w and len(w) >= 4 and w.endswith("e") and w[-2] not in "aeiou" else r


def _form_in(w: str, doc: set[str]) -> bool:
    """``w`` or a form of it in ``doc``: the same root, or (five letters or more) the start of a longer word
    ("consult" ~ consultations); a stem's "i" is also the typed "y" ("stori" ~ storytime)."""
    if w in doc:
        return True
    starts = [w] + ([w[:-1] + "y"] if w.endswith("i") else [])
    r = _root(w)
    return any(_root(d) == r or any(len(s) >= 5 and d.startswith(s) for s in starts) for d in doc)


def _same_word(a: str, b: str) -> bool:
    """Forms of one word ("groomed"/"grooming", "plumber"/"plumbing"), as opposed to another word ("door"/"odor",
    "flower"/"flour"): one starts the other, or they share all but the last three letters of the shorter (four or more)."""
    n = len(os.path.commonprefix([a, b]))
    return a.startswith(b) or b.startswith(a) or _root(a) == _root(b) or n >= max(4, min(len(a), len(b)) - 3)


def _covers(alts: frozenset[str], doc: set[str]) -> bool:
    """An alternative may be a phrase ("usb c charging cable"): all its words must be there."""
    return any(all(_word_in(w, doc) for w in a.split()) for a in alts)


class Index:
    """Built once per catalog version; read by many request threads."""

    def __init__(self, catalog: Catalog, synonyms=None, english: frozenset[str] | None = None, embedder: Embedder | None | bool = True) -> None:
        self.catalog = catalog
        # closest product by meaning, for names no word or lexicon row matches (True: the process's built model, if any)
        self.by_meaning = Meanings(list(catalog.products.values()), default_embedder() if embedder is True else embedder or None,
                                   list(catalog.faq))
        self.synonyms = default_synonyms() if synonyms is None else synonyms
        self._faq_vocab = frozenset(w for f in catalog.faq for w in words(f"{f.question} {f.answer}"))
        self.english = english_words() if english is None else english  # real words, not misspellings
        self._lock = threading.Lock()
        self._numbers: frozenset[str] | None = None
        self._compact_names: list[str] | None = None
        self._locations: frozenset[str] | None = None
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE products USING fts5(sku UNINDEXED, name, brand, category, body, tokenize='unicode61')")
        self._db.execute("CREATE VIRTUAL TABLE faq USING fts5(row UNINDEXED, question, answer, tokenize='unicode61')")
        self._docs: dict[str, tuple[set[str], set[str]]] = {}
        self._named: dict[str, set[str]] = {}
        self._says: dict[str, set[str]] = {}
        self._meanings: set[str] = set()
        vocab: set[str] = set()
        # description words found only in its purpose phrases: the thing asked for is not this product when only they have it
        self._purpose_only: dict[str, set[str]] = {}
        # a description's head words (what it says the thing is), and those less what it lists as in it, built once here
        # rather than for each candidate of each question
        self._heads: dict[str, set[str]] = {}
        self._kind_heads: dict[str, set[str]] = {}
        # a lone digit a name has after a word ("Felco 2"): a model number the shopper may type ("felko 2 pruners")
        pairs: set[tuple[str, str]] = set()
        # the brands and categories whose product names use a word other than as their brand ("iPhone" in cases, glass
        # and parts)
        self._word_brands: dict[str, set[tuple[str, str]]] = {}
        for p in catalog.products.values():
            name_ws = words(p.name)
            pairs.update((a, b) for a, b in zip(name_ws, name_ws[1:], strict=False) if len(b) == 1 and b.isdigit())
            for w in set(name_ws) - set(words(p.brand)):
                self._word_brands.setdefault(w, set()).add((fold(p.brand), fold(p.category)))
            self._heads[p.sku] = _heads(p.description)
            self._kind_heads[p.sku] = self._heads[p.sku] - _listed(p.description)
            name, allw = _doc_words(p)
            self._docs[p.sku] = (name, allw)
            said, purpose = _description_parts(p.description)
            self._purpose_only[p.sku] = purpose - said - _doc_words(replace(p, description=""))[1]
            self._named[p.sku] = name | set(words(p.category))
            # what the product says it is: name, brand, category, description -- not its labels or what it is for
            self._says[p.sku] = (name | set(words(p.category)) | set(words(p.description))) - self._purpose_only[p.sku]
            vocab |= allw
            self._db.execute("INSERT INTO products VALUES (?,?,?,?,?)",
                             (p.sku, " ".join(name_ws + joined_forms(p.name)), " ".join(words(p.brand) + joined_forms(p.brand)), " ".join(words(p.category)), " ".join(words(p.description))))
        self._name_pairs = frozenset(pairs)
        self._name_words: frozenset[str] = frozenset().union(*self._named.values())  # every word some product is named by
        # "meal", "gear" ask for nothing of their own where no product is named by them
        self._generic = GENERIC_WORDS | (KIND_WORDS - self._name_words)
        product_vocab = {w for w in vocab if len(w) > 2}
        self._catalog_words = sorted(w for w in product_vocab if w not in STOPWORDS)  # this store's own product words
        self._faq: dict[int, FaqEntry] = {}
        self._faq_words: dict[int, tuple[set[str], set[str]]] = {}
        self._faq_offers: dict[int, list[tuple[frozenset[str], bool]]] = {}
        for f in catalog.faq:
            self._faq[f.row] = f
            qw, aw = set(words(f.question)), set(words(f.answer))
            self._faq_words[f.row] = (qw, aw)
            # each clause of the answer as word roots, and whether it gives a price or "free" ("A hot wax is $25")
            self._faq_offers[f.row] = [(frozenset(_root(w) for w in words(c)), bool(re.search(r"[$€£]\s*\d|\bfree\b", c)))
                                       for c in re.split(r"[,;.](?!\d)", fold(f.answer))]
            vocab |= qw | aw
            self._db.execute("INSERT INTO faq VALUES (?,?,?)", (f.row, " ".join(words(f.question)), " ".join(words(f.answer))))
        # Only everyday names that can lead somewhere in this store count: a row whose meanings (or theirs: "bring back" ->
        # "return" -> "refund") are made of words this store's catalog or FAQ uses. The others would only lend their words
        # to spelling fixes ("hamer" -> "hamper") and make any word ("movie", "grab") look like one of this store's.
        store_words = sorted(vocab)
        self._store_words = frozenset(vocab)
        chain = {" ".join(p): m for p, m in self.synonyms}
        kept, foreign = [], set()
        for p, m in self.synonyms:
            if any(all(_has_word(w, store_words) for w in a.split()) for a in _one_hop(m, chain)):
                kept.append((p, m))
            else:
                foreign.update(ph for ph in (p, *(tuple(a.split()) for a in m))
                               if len(ph) > 1 and not all(_has_word(w, store_words) for w in ph[:-1]))
        self.synonyms = tuple(kept)
        foreign -= {p for p, m in kept} | {tuple(a.split()) for _, m in kept for a in m}  # "pay monthly" leads here too
        # "silk flowers": a thing of its own in the world, made with a word this store never uses -- not any flower with
        # the unknown word dropped (nor the Flower Food)
        self._foreign = frozenset(foreign)
        for phrase, means in self.synonyms:
            vocab |= {w for m in means for w in m.split()}
            # an everyday name that leads to this store's words is a word a misspelling may mean ("bycicle" -> bicycle -> bike)
            vocab |= {w for w in phrase if w not in STOPWORDS}
            self._meanings.update(means)
        # a word and what it means, either way round ("headlamp" is a meaning of "head torch": the head torch is meant too)
        self._single: dict[str, set[str]] = {}
        for phrase, means in self.synonyms:
            if len(phrase) == 1:
                self._single.setdefault(phrase[0], set()).update(means)
            for m in means:
                if " " not in m:
                    self._single.setdefault(m, set()).add(" ".join(phrase))
        self.vocab = sorted(w for w in vocab if len(w) > 2 and not w.isdigit() and w not in STOPWORDS)
        self._vocab_set = set(self.vocab)
        # spoken form -> the words of five letters or more that sound so ("sizzors"/"scissors"), built once, not per question
        self._by_sound: dict[str, list[str]] = {}
        for v in self.vocab:
            if len(v) >= 4:
                self._by_sound.setdefault(_sound(v), []).append(v)
        # words products (or everyday names) use: an FAQ-only word like "plane" is still filler for a product
        self._product_vocab: list[str] = sorted(product_vocab | {w for _, means in self.synonyms for m in means for w in m.split()})

        # ...with what their meanings mean in turn: "bring back" is "return", and "return" is "refund"
        direct = {" ".join(p): m for p, m in self.synonyms}
        self._chain = direct
        self._stop_phrases = [(p, tuple(dict.fromkeys(_one_hop(m, direct))))
                              for p, m in self.synonyms if len(p) > 1 and any(w in STOPWORDS for w in p)]
        # words that start three or more categories ("Dog Food", "Dog Toys", "Dog Treats"): who or what a product is for
        starts: dict[str, set[str]] = {}
        for p in catalog.products.values():
            cw = [w for w in words(p.category) if w not in STOPWORDS]
            if len(cw) > 1 and cw[0] not in SOFT_WORDS:
                starts.setdefault(cw[0], set()).add(" ".join(cw))
        self._dimensions = frozenset(w for w, cats in starts.items() if len(cats) >= 3)
        # what the whole store is about ("coffee" in a coffee shop, a fifth of its products say so): a "coffee grinder" is
        # any grinder here that names no other such word
        counts: dict[str, int] = {}
        for sku in self._docs:
            for w in self._says[sku] - STOPWORDS:
                counts[w] = counts.get(w, 0) + 1
        n = max(1, len(self._docs))
        self._themes = frozenset(w for w, c in counts.items() if len(w) > 2 and not w.isdigit() and c >= max(5, n / 5))
        # word -> the departments (categories) of the products whose name or brand has it
        self._name_cats: dict[str, set[str]] = {}
        for p in catalog.products.values():
            cat = " ".join(w for w in words(p.category) if w not in STOPWORDS)
            # "Micro USB Cable for Phones" is a cable, not a phone variant: its own 'for ...' part does not count
            named = words(re.split(r"\bfor\b", fold(p.name))[0]) + words(p.brand) + joined_forms(p.name)
            for w in named:
                self._name_cats.setdefault(w, set()).add(cat)
        # the store's own labels a shopper may ask for ("latex free", "non toxic"), beside the fixed dietary ones
        tags = sorted({t for p in catalog.products.values() for t in p.tags})
        self.labels: list[tuple[str, re.Pattern[str]]] = [(t, rx) for t in tags if (rx := label_pattern(t)) is not None]
        self.labels += suitability_labels(tags)  # "safe for my cat", "my 14 year old": the store's pet and age labels

    # -- query understanding -------------------------------------------------
    def respell_intent_words(self, text: str) -> str:
        """A typo of "price", "stock" or "much" that is neither this store's word nor an English one becomes the word
        (one letter changed, added or two swapped; a dropped letter is another word too often: "rice", "muc")."""
        def fix(m: re.Match[str]) -> str:
            w = m.group(0)
            lw = w.lower()
            if lw in _INTENT_TYPOS:
                return _INTENT_TYPOS[lw]
            if len(lw) < 4 or lw in _INTENT_WORDS or lw in self._store_words or lw in self.english:
                return w
            near = [c for c in _INTENT_WORDS if len(lw) >= len(c) and _edits_within_one(lw, c)]
            return near[0] if len(near) == 1 else w
        # "25 litre fermenter" is the "25L Fermenter", "500 ml" the "500ml": a size as catalogs write it
        for rx, unit in _UNITS:
            text = rx.sub(lambda m, unit=unit: m.group(1) + unit, text)
        # "is there a charge to bring it up": the price of something, not a phone charger
        text = re.sub(r"\b(a|any|an\s+extra|extra|the)\s+charges?\s+(?=for\b|to\b|if\b)", "a price ", text, flags=re.I)
        # "what do you charge to fit a tow bar", "how much do you charge for": a price asked
        text = re.sub(r"\b(?:what|how\s+much)\s+(?:do|would|will|does)\s+(?:you|u|ya|it)\s+charge\b", "how much", text, flags=re.I)
        return re.sub(r"[A-Za-z]+", fix, text)

    def query(self, text: str) -> Query:
        # "t-shirts", "e-bike": the lone letter is no word, and leaves no gap that makes "shirts" a stray word
        toks = self._join_split(words(re.sub(r"\b[a-zA-Z]-(?=[a-zA-Z]{3})", "", text)))
        # Everyday phrases made of question words ("bring back", "heat up") would vanish with the stopwords: find them first.
        phrased: list[Term] = []
        taken: set[int] = set()
        for phrase, means in self._stop_phrases:
            n = len(phrase)
            for i in range(len(toks) - n + 1):
                if tuple(toks[i:i + n]) == phrase and not taken & set(range(i, i + n)):
                    phrased.append(Term(" ".join(phrase), frozenset(set(means) | {" ".join(phrase)}), pos=i))
                    taken.update(range(i, i + n))
                elif n == 2 and toks[i] == phrase[0]:
                    # "bring *something* back", "take it back": a pronoun or filler word inside the phrase
                    j = next((k for k in range(i + 2, min(i + 4, len(toks))) if toks[k] == phrase[1]), -1)
                    if j > 0 and all(toks[k] in STOPWORDS for k in range(i + 1, j)) and not taken & set(range(i, j + 1)):
                        phrased.append(Term(" ".join(phrase), frozenset(set(means) | {" ".join(phrase)}), pos=i))
                        taken.update(range(i, j + 1))
                    elif j > 0 and phrase[1] in ("back", "together", "up") and not taken & {i, j}:
                        # "bring the pram back": the thing stays a word of its own
                        phrased.append(Term(" ".join(phrase), frozenset(set(means) | {" ".join(phrase)}), pos=i))
                        taken.update((i, j))
        # "how long", "how far": a question word, not a product's length
        taken.update(i for i, t in enumerate(toks) if i > 0 and toks[i - 1] == "how" and t in _HOW_WORDS)
        kept = [(i, t) for i, t in enumerate(toks) if (t not in STOPWORDS or self._noun_stopword(toks, i))
                and (len(t) > 1 or self._model_digit(toks, i)) and i not in taken]
        terms: list[Term] = []
        for pos, t in kept:
            alts = {t}
            runs = re.findall(r"[a-z]+|[0-9]+", t)
            if len(runs) > 1 and t not in self._vocab_set:  # "wd40" for "WD 40": the letter and digit runs as typed apart
                alts.add(" ".join(runs))
            if t not in self._vocab_set and len(t) == 3 and t.isalpha():
                # "poo" for "poop": a three-letter word may lack a letter, counted only beside another matched word
                # ...or have one letter wrong ("tou" for "toy") or missing ("jak daniels")
                weak = frozenset(v for v in self.vocab if len(v) in (3, 4) and _edits_within_one(t, v))
                terms.append(Term(t, frozenset(alts), weak, pos, known=self._product_word(t)))
                continue
            if t not in self._vocab_set and len(t) >= 4 and not t.isdigit():
                # short words are one letter away from many others ("paint"/"pain"): demand more of them
                fix = difflib.get_close_matches(t, self.vocab, n=1, cutoff=0.9 if len(t) <= 5 else 0.85)
                if not fix:
                    fix = self._inflection(t)  # "groomed" -> "groom", "grooming": the same word, not a guess
                if not fix and len(t) >= 5:  # "pickels" for "pickles": two neighbours swapped, when only one word fits so
                    swaps = self._swaps(t)
                    fix = swaps if len(swaps) == 1 else []
                if not fix and len(t) >= 5:  # "sizzors" sounds like "scissors": a spelling, not a guess, when only one word does
                    sounds = self._by_sound.get(_sound(t), [])
                    fix = sounds if len(sounds) == 1 else []
                if not fix and t not in self.english and difflib.get_close_matches(t, _STOP_LIST, n=1, cutoff=0.85):
                    continue  # a misspelt question word ("wher", "whre") is not a product; "rice" and "sells" are words
                if fix and t not in self.english:
                    # "blaser": "blaster" is closest by letters, "blazer" one letter off too -- both are what it may be
                    fix = list(fix) + sorted(self._one_edit(t))
                alts |= set(fix)
                # "hydroflsk" -> "hydroflask": a name written in two words ("Hydro Flask") is that too
                alts |= {sp for f in fix if (sp := self._split_name(f))}
                if not fix:
                    # looser fixes: "tablts"/"tablet" (one edit), "wormer"/"worming" (one root)
                    # ("sope": "spec" and "soap" are as close by letters -- a few of the closest, beside another word)
                    weak = frozenset(difflib.get_close_matches(t, self.vocab, n=3, cutoff=0.75)) | self._same_root(t) | self._one_edit(t)
                    # a near word that is itself a known misspelling ("frapachino" ~ "frappucino"): what that one means
                    weak |= {m for w in weak if w not in self._store_words for m in self._single.get(w, ())
                             if " " not in m and m in self._store_words}
                    split = self._compound(t) if not self._one_edit(t) else None  # "cotmen" is Cotman, not "cot man"
                    if split:  # "handcream" -> "hand cream"
                        terms.append(Term(t, frozenset(alts | {split}), pos=pos))
                        continue
                    terms.append(Term(t, frozenset(alts), weak, pos, known=self._product_word(t)))
                    continue
            # a word only everyday names use ("plumbers") may still share a root with this store's ("Plumbing")
            weak = self._same_root(t) if t not in self._store_words and not t.isdigit() else frozenset()
            if not t.isdigit():
                weak |= self._tail_of(t)  # weak: "stewart calculus book" is the Stewart Calculus textbook
            terms.append(Term(t, frozenset(alts), weak, pos=pos, known=self._product_word(t) or any(self._product_word(a) for a in alts - {t}),
                              typed=self._product_word(t)))
        # (a short word only among many: "aura cacia tee tree oil", not "dog beds" -> Burt's Bees)
        terms = [self._with_near_names(t, spelt=len(t.word) >= (5 if len(terms) < 4 else 3)) for t in terms]
        terms = self._real_words(terms)
        # Everyday names: a synonym phrase found in the (spell-fixed) words adds its meaning to those terms.
        fixed = [sorted(tm.alternatives, key=lambda a: a != tm.word) for tm in terms]
        used: set[int] = set()
        for phrase, means in self.synonyms:
            n = len(phrase)
            for i in range(len(terms) - n + 1):
                if any(j in used for j in range(i, i + n)):
                    continue
                if all(phrase[k] in fixed[i + k] for k in range(n)):
                    merged = set(means) | {" ".join(phrase)}
                    if n == 1 and phrase[0] != terms[i].word:
                        merged |= terms[i].alternatives  # "poter": "poster" (and what it means) or still "potter"
                    if "".join(phrase) in self._vocab_set:  # "coffee maker" is the "Coffeemaker" too
                        merged.add("".join(phrase))
                    # the phrase becomes one term: "phone charger" is one thing
                    terms[i] = Term(" ".join(phrase), frozenset(merged), terms[i].weak if n == 1 else frozenset(), pos=terms[i].pos)
                    for j in range(i + 1, i + n):
                        terms[j] = Term("", frozenset())
                    used.update(range(i, i + n))
        terms = sorted([t for t in terms if t.word] + phrased, key=lambda t: t.pos)
        terms = self._foreign_things(terms)
        # "water colour" / "sour dough": two words typed for one catalog word
        joined: list[Term] = []
        for t in terms:
            prev = joined[-1] if joined else None
            adjacent = prev is not None and t.pos == prev.pos + 1 and " " not in prev.word + t.word
            if adjacent:
                # "head lamp" -> headlamp, and what headlamp means (head torch); "water colours" -> watercolour
                # (letters and digits only as a name writes them: "iso 100" is the ISO100, "2s lipo" no "2s-lipo" label)
                both = next((w for w in (prev.word + t.word, stem(prev.word + t.word))
                             if w in self._vocab_set and (w.isalpha() or (self.is_name_word(w) and not prev.word.isdigit()))), None)
                if both is not None:
                    # ...and the two words as typed, as a name may write them ("Judo Gi")
                    joined[-1] = Term(both, frozenset({both, f"{prev.word} {t.word}", *self._single.get(both, ())}), pos=prev.pos)
                    continue
            # "footy ball": the word before already means a word ending in this one (football) -- one thing, not two
            ends = {a for a in prev.alternatives if " " not in a and a != t.word and len(t.word) >= 3 and a.endswith(t.word)} if prev else set()
            if prev is not None and t.pos == prev.pos + 1 and ends:
                joined[-1] = Term(f"{prev.word} {t.word}", frozenset(ends), pos=prev.pos)
                continue
            joined.append(t)
        terms = self._named_purpose(joined, toks)
        split = split_pos(tuple(terms), toks)
        head = head_index(tuple(terms), toks, self._generic)
        if head >= 0 and split >= 0 and terms[head].pos > split:
            split = -1  # "medicine for a headache" is headache medicine: what follows 'for' is the thing, not a purpose
        return Query(tuple(terms), " ".join(content_words(text)), head, split, toks[split] if split >= 0 else "",
                     tuple(w for w in re.split(r"[^a-z0-9]+", fold(text)) if w))

    def _with_near_names(self, t: Term, spelt: bool = True) -> Term:
        """"tee tree oil", "chamois butter" for "Butt'r": name words one letter off count as weak spellings (beside
        another word of the same product only), even when the word typed is a real one; so do the longer name words a
        short one starts ("caymus cab" for the Cabernet)."""
        if len(t.word) < 3 or not t.word.isalpha() or " " in t.word:
            return t
        w = t.word
        near = frozenset(v for v in self._name_words if v != w and v.isalpha() and (
            (spelt and abs(len(v) - len(w)) <= 1 and len(v) >= 3 and v[0] == w[0] and _edits_within_one(w, v))
            or (len(v) >= len(w) + 3 and v.startswith(w) and w not in self._faq_vocab and not _inflected(w, self._faq_vocab)))) - t.alternatives  # "pop": "popped"
        return replace(t, weak=t.weak | near) if near else t

    def _model_digit(self, toks: list[str], i: int) -> bool:
        """"felco 2 pruners": a lone digit after a word a product's name has right before it is a model number."""
        if not toks[i].isdigit() or i == 0:
            return False
        return any(b == toks[i] and (a == toks[i - 1] or _edits_within_one(a, toks[i - 1])) for a, b in self._name_pairs)

    def _join_split(self, toks: list[str]) -> list[str]:
        """"biotrue one day" for the "Biotrue ONEday": two words typed apart that a product's name writes as one, even
        when one of them is a question word ("one") that would vanish on its own."""
        if len(toks) < 2:
            return toks
        out: list[str] = []
        i = 0
        while i < len(toks):
            if i + 1 < len(toks) and len(joined := toks[i] + toks[i + 1]) >= 5 and joined.isalpha() and (
                    joined in self._name_words and toks[i] not in self._name_words | {"the", "a", "an"}
                    and toks[i + 1] not in _PARTICLES):  # "come work out with me" is no Pre-Workout
                out.append(joined)
                i += 2
                continue
            out.append(toks[i])
            i += 1
        return out

    def _foreign_things(self, terms: list[Term]) -> list[Term]:
        """Two or three words in a row that the lexicon knows as one thing this store has nothing of become one term no product
        has: the thing named by a word the store never uses, then a word its products do ("silk flowers", "steam deck")."""
        out: list[Term] = []
        i = 0
        while i < len(terms):
            for n in (3, 2):
                run = terms[i:i + n]
                if (len(run) == n and all(" " not in t.word and t.pos == run[0].pos + k for k, t in enumerate(run))
                        and tuple(t.word for t in run) in self._foreign and self.is_name_word(run[-1].word)):
                    w = " ".join(t.word for t in run)
                    # known: a thing the shopper named that no product is, counted as missed (not dropped as a stray word)
                    out.append(Term(w, frozenset({w}), pos=run[0].pos, known=True, typed=False))
                    i += n
                    break
            else:
                out.append(terms[i])
                i += 1
        return out

    def _noun_stopword(self, toks: list[str], i: int) -> bool:
        """"guitar picks", "bike rack", "drill bits": a question word that is also a thing this store's product names
        use, right after a word naming what kind (not "pick up", not "the rack")."""
        t = toks[i]
        if t not in NOUN_STOPWORDS or i == 0 or (i + 1 < len(toks) and toks[i + 1] == "up"):
            return False
        if i == len(toks) - 1 and toks[i - 1] in ("have", "sell", "carry", "stock", "any"):
            return True  # "do u have fridges": the thing asked for, whether or not this store has one
        if toks[i - 1] not in STOPWORDS and any(w in ("sell", "carry", "stock") for w in toks[:i - 1]) and (
                i == len(toks) - 1 or toks[i + 1] in SPLIT_WORDS):
            return True  # "do you sell mini fridges for dorms": the thing asked for, not the Mini Stapler
        return toks[i - 1] not in STOPWORDS and any(t in name for name, _ in self._docs.values())

    def _real_words(self, terms: list[Term]) -> list[Term]:
        """A correctly spelled English word is no misspelling: "dog doors" is not the Odor Remover (labelled "dog"), "the
        weather" not a Feather Wand. Its fixes into another word (sure or weak) are kept only when one product has the fix
        in its name, brand or category and another of the shopper's words in what it says it is (not in its labels or a
        purpose phrase): "plain flower" is still the Plain Flour, "modelling clay" the Play-Doh "modelling compound"."""
        out = []
        for i, t in enumerate(terms):
            fixes = {a for a in t.alternatives | t.weak if " " not in a and a != t.word and not _same_word(t.word, a)} if t.word in self.english else set()
            if fixes:
                others = [u for j, u in enumerate(terms) if j != i]
                keep = {f for f in fixes for sku, named in self._named.items()
                        if _word_in(f, named) and any(_covers(u.alternatives, self._says[sku]) for u in others)}
                drop = fixes - keep
                if drop:
                    alts = t.alternatives - drop
                    t = replace(t, alternatives=alts, weak=t.weak - drop,
                                known=self._product_word(t.word) or any(self._product_word(a) for a in alts - {t.word}))
            out.append(t)
        return out

    def _named_purpose(self, terms: list[Term], toks: list[str]) -> list[Term]:
        """"cream for nappy rash": when an everyday name of what the thing is for already means that kind of thing
        ("nappy rash" -> nappy cream, Bepanthen), the shopper asked for that named product, not for any cream."""
        cut = split_pos(tuple(terms), toks)
        h = head_index(tuple(terms), toks, self._generic)
        if cut < 0 or h < 0 or toks[cut] != "for":
            return terms
        head = terms[h]
        kinds = {a.split()[-1] for a in head.alternatives}
        for i, t in enumerate(terms):
            if t.pos > cut and " " in t.word and any(" " in a and a.split()[-1] in kinds for a in t.alternatives):
                merged = Term(f"{t.word} {head.word}", t.alternatives, pos=head.pos)
                return [merged if j == h else x for j, x in enumerate(terms) if j != i]
        return terms

    def _one_edit(self, w: str) -> frozenset[str]:
        """The catalog words one edit away from ``w`` (five letters or more: shorter words have too many neighbours;
        four-letter ones only by two swapped letters, "fiel"/"file"), or that sound the same ("sizzors"/"scissors")."""
        # "cupps" for "cups": a letter typed twice
        doubled = frozenset(v for k in range(1, len(w)) if w[k] == w[k - 1] and (v := w[:k] + w[k + 1:]) in self._vocab_set)
        if len(w) == 4:  # "hoze" sounds like "hose", "blak" like "black"
            return doubled | frozenset(self._swaps(w)) | frozenset(v for v in self._by_sound.get(_sound(w), ()) if len(v) <= 5)
        if len(w) < 5:
            return doubled
        # ("daisey" is one letter off "daisy", whose stem is "daisi")
        return doubled | frozenset(v for v in self.vocab if len(v) >= 5 and abs(len(v) - len(w)) <= 1
                                   and (_edits_within_one(w, v) or (v.endswith("i") and _edits_within_one(w, _y_form(v))))) | \
            frozenset(self._by_sound.get(_sound(w), ()))

    def _swaps(self, w: str) -> list[str]:
        """Catalog words that are ``w`` with two neighbouring letters swapped (or ``w`` itself); either with its final "y"
        as typed, before the stem made it "i" ("spary" -> "spari" is "spray")."""
        forms = {w, _y_form(w)}
        return [v for v in self.vocab if any(len(a) == len(b) and sorted(a) == sorted(b) and _edits_within_one(a, b)
                                             for a in forms for b in {v, _y_form(v)})]

    def _inflection(self, w: str) -> list[str]:
        """Catalog forms of the same verb: "groomed" -> "groom", "grooming" (stem of five letters or more)."""
        for end in ("ed", "ing"):
            root = w[: -len(end)] if w.endswith(end) else ""
            if len(root) >= 5:
                return sorted(v for v in self.vocab if v in (root, root + "e", root + "ing", root + "er", root + "ed", root + "s"))
        return []

    def _same_root(self, w: str) -> frozenset[str]:
        """"wormer" and "worming" share a root: catalog words that start with ``w`` less its ending (weak fixes)."""
        for end in ("ers", "er", "ing", "ed", "able", "ation", "s", "i"):  # "goali(e)" ~ goalkeeper
            root = w[: -len(end)] if w.endswith(end) else ""
            if len(root) >= 4:
                return frozenset(v for v in self._product_vocab if v.startswith(root) and v != w)
        return frozenset()

    def _tail_of(self, w: str) -> frozenset[str]:
        """"suit" for the "Jumpsuit", "bag" for the "Drybag": name words that are another word and then this one (weak)."""
        if len(w) < 3 or not w.isalpha():
            return frozenset()
        eng = english_words()
        return frozenset(v for n in self._named.values() for v in n
                         if len(v) >= len(w) + 3 and v.endswith(w) and v[:-len(w)] in eng and v[:-len(w)] not in _SUFFIX_WORDS)

    def _product_word(self, w: str) -> bool:
        return _has_word(w, self._product_vocab)

    def _compound(self, word: str) -> str | None:
        """Two catalog words typed as one ("handcream", "toothbrush" for "tooth brush")."""
        for i in range(3, len(word) - 2):
            a, b = word[:i], word[i:]
            if a in self._vocab_set and (b in self._vocab_set or stem(b) in self._vocab_set):
                return f"{a} {b if b in self._vocab_set else stem(b)}"
        for i in range(4, len(word) - 3):  # "hydroflsk": two name words typed as one, the second a letter short
            a, b = word[:i], word[i:]
            if a in self._vocab_set and len(fixes := [v for v in self._name_words if len(v) >= 4 and _edits_within_one(b, v)]) == 1:
                return f"{a} {fixes[0]}"
        return None

    def _split_name(self, w: str) -> str | None:
        """"hydroflask" for the "Hydro Flask": a word that is two name words written as one, spaced as the name has them."""
        names = self._name_words
        if w in names:
            return None
        return next((f"{w[:i]} {w[i:]}" for i in range(3, len(w) - 2) if w[:i] in names and w[i:] in names), None)

    @staticmethod
    def _filler(terms: tuple[Term, ...], hits: list[bool], i: int) -> bool:
        """An unknown word not next to any matched word ("grab a notebook") is filler, not a modifier ("soy milk")."""
        t = terms[i]
        if t.known or t.pos < 0 or not any(hits):
            return False
        return not any(h and abs(terms[j].pos - t.pos) == 1 for j, h in enumerate(hits) if j != i)

    def _purpose(self, q: Query, t: Term, sku: str) -> bool:
        """"plastic sleeves for my folder", "milk for my coffee": what the thing is for asks nothing of the product, unless
        products of the same department are named by that word ("charger for samsung" beside a Samsung Phone Case,
        "lead for my puppy" beside Puppy Food): then it tells this store's variants apart and has to match."""
        if q.split < 0 or t.pos <= q.split or q.head < 0:
            return False
        if not any(self._catalog_word(a) for a in self._spellings(t) | {t.word}):
            return True  # no product of this store names it at all
        p = self.catalog.product(sku)
        if p is None or q.split_word in _FEATURE_WORDS:
            return False  # "paint with low fumes": a feature the product must have
        own = " ".join(w for w in words(p.category) if w not in STOPWORDS)
        # one department: the same category, or categories that start alike (Dog Food, Dog Accessories)
        dim = own.split()[0] if len(own.split()) > 1 else ""
        for a in self._spellings(t) | {t.word}:
            for cat in self._name_cats.get(a, ()):
                if cat == own or (dim and len(cat.split()) > 1 and cat.split()[0] == dim):
                    return False
        return True

    def _catalog_word(self, w: str) -> bool:
        return _has_word(w, self._catalog_words)

    def _serves_any(self, t: Term, sku: str) -> bool:
        """"dog brush" finds the Slicker Brush: a word that divides this store's categories (dog/cat in Dog Food, Cat Toys,
        Dog Treats...) asks for nothing when the product names none of those words -- it is for any of them. So does a
        word the whole store is about ("coffee grinder" in a coffee shop), when the product names no such word."""
        if t.word in self._dimensions:
            return not (self._docs[sku][1] & self._dimensions)
        if t.word in self._themes:
            # ...by what it says it is, less its brand and department ("Brewing Gear" is no rival to "coffee")
            p = self.catalog.product(sku)
            own = self._says[sku] - set(words(p.brand)) - set(words(p.category)) if p is not None else set()
            return not (own & (self._themes | self._dimensions))
        return False

    def _meaning_by_head(self, t: Term, name: set[str], doc: set[str]) -> bool:
        """"beauty blender" means "blending sponge": the Complexion *Sponge* ("a blending sponge for foundation") is one.
        A meaning of several words matches a product whose name has its head word (the last) and whose text has the rest."""
        for a in t.alternatives:
            parts = a.split()
            if len(parts) > 1 and a != t.word and a in self._meanings and parts[-1] in name and all(_word_in(w, doc) for w in parts[:-1]):
                return True
        return False

    def _kind_by_modifier(self, q: Query) -> tuple[str, ...]:
        """"shedding brush": the lexicon says "shedding" means a "deshedding tool" and, a step on, also a "de-shedding
        *brush*" -- so the shopper's head word is their word for that kind of thing, and a product named "deShedding Tool"
        is the brush asked for. Returns the modifier's several-word meanings that stand for the head ("shedding shampoo"
        gets none: no meaning of "shedding" ends in "shampoo")."""
        if q.head < 0:
            return ()
        head = q.terms[q.head]
        out: list[str] = []
        for t in q.terms:
            if t is head or t.pos > head.pos or (q.split >= 0 and t.pos > q.split):
                continue
            means = [a for a in t.alternatives if a != t.word and a in self._meanings]
            if any(len(m.split()) > 1 and m.split()[-1] in head.alternatives for m in _one_hop(tuple(means), self._chain)):
                out += [m for m in means if len(m.split()) > 1]
        return tuple(out)

    def _spellings(self, t: Term) -> frozenset[str]:
        """The term's spelling fixes (single words), as opposed to its synonym meanings."""
        return frozenset(a for a in t.alternatives if " " not in a and a not in self._meanings)

    # -- search ----------------------------------------------------------------
    def _fts(self, table: str, key: str, q: Query, limit: int) -> dict[str, float]:
        toks = sorted({w for t in q.terms for a in t.alternatives | t.weak for w in a.split() if w.isalnum()})
        if not toks:
            return {}
        expr = " OR ".join(f'"{a}"*' if len(a) >= 4 else f'"{a}"' for a in toks)
        with self._lock:
            rows = self._db.execute(f"SELECT {key}, bm25({table}) FROM {table} WHERE {table} MATCH ? ORDER BY bm25({table}) LIMIT ?", (expr, limit)).fetchall()
        return {str(k): float(s) for k, s in rows}

    def products(self, q: Query, limit: int = 8, loose: bool = False, places: bool = False) -> list[Match]:
        """Candidates best first; coverage 1.0 means every word the shopper used matched.

        ``loose``: an everyday name may also hit the description ("beers" -> "Italian lager"); ``places``: and the words
        of where a product is ("a coffee" -> the Coffee Bar). Only for when nothing matched the usual way."""
        if not q.terms:
            return []
        cands = self._fts("products", "sku", q, 40)
        kinds = self._kind_by_modifier(q)
        if loose:
            for p in self.catalog.products.values():
                cands.setdefault(p.sku, 0.0)
        out = []
        for sku, score in cands.items():
            p = self.catalog.product(sku)
            if p is None:
                continue
            name, allw = self._docs[sku]
            named = self._named[sku]
            # loose: the description's head words and the place's words, as whole words ("records" is no "recordings")
            extra = (self._heads[sku] | (set(words(p.location)) if places else set())) - named if loose else set()
            # Descriptions are noisy ("chocolate chip cookie"): a synonym must hit the name, brand or category.
            # The thing asked for is not this product when only the description's purpose phrase names it: "do you sell
            # tvs" is not the HDMI cable "for monitors, TVs and consoles".
            hits = []
            for i, t in enumerate(q.terms):
                off = self._purpose_only[sku] if i == q.head and (q.split < 0 or t.pos < q.split) else set()
                hits.append(_covers(frozenset({t.word}) | (t.alternatives & self._spellings(t)), allw - off) or _covers(t.alternatives, named - off)
                            or any(all(w in extra - off or _word_in(w, named - off) for w in a.split()) for a in t.alternatives)
                            or self._meaning_by_head(t, name, allw - off))
            if any(hits):  # "flea sprey": a looser fix counts when another word already points at this product
                # ...in the name or the category ("plumbers tape": the Plumbing aisle's tape)
                hits = [h or (bool(t.weak) and _covers(t.weak, self._named[sku])) for t, h in zip(q.terms, hits, strict=True)]
            if kinds and not hits[q.head] and any(all(w in name for w in k.split()) for k in kinds):
                hits[q.head] = True  # "shedding brush": the everyday name's own kind of thing ("deshedding tool") is named
            head_ok = q.head < 0 or hits[q.head]
            # The thing asked for is never filler: "gps tracker for dog collar" is not a dog collar.
            # ...when another word names this product (its name or brand, not only its description: "remedy for cold sores"
            # is not the lozenges "for sore throats" in Cold & Flu)
            named_any = any(h and _covers(t.alternatives, name) for t, h in zip(q.terms, hits, strict=True) if t.word not in self._generic)
            forgiven = [not h and (t.word in SOFT_WORDS or t.word in PRODUCT_VERBS or (named_any and t.word in self._generic) or (i != q.head and self._filler(q.terms, hits, i))
                                   or (head_ok and i != q.head and self._serves_any(t, sku))
                                   or (head_ok and self._purpose(q, t, sku)))
                        for i, (t, h) in enumerate(zip(q.terms, hits, strict=True))]
            soft_missed = sum(forgiven)
            missed = tuple(i for i, (h, f) in enumerate(zip(hits, forgiven, strict=True)) if not h and not f)
            hit = sum(hits) + soft_missed
            hit_name = sum(_covers(t.alternatives, name) for t in q.terms)
            # ...without what the thing is for: "a gas canister for the stove" is the canister, not the stove
            core_name = sum(_covers(t.alternatives, name) for t in q.terms if q.split < 0 or t.pos < q.split or q.split_word in _FEATURE_WORDS)
            used = {a for t in q.terms for alt in t.alternatives for a in alt.split()}
            own = [w for w in words(p.name) if w not in STOPWORDS and not any(c.isdigit() for c in w)]
            spec = sum(_covers(frozenset({w}), used) for w in own) / max(1, len(own))
            head_hit = q.head < 0 or (hits[q.head] and q.terms[q.head].word not in SOFT_WORDS)
            head_named = head_hit and q.head >= 0 and _covers(q.terms[q.head].alternatives, name)
            exact = sum(any(all(w in self._named[sku] for w in a.split()) for a in t.alternatives) for t in q.terms)
            said = sum(h for t, h in zip(q.terms, hits, strict=True) if q.split >= 0 and t.pos > q.split and q.split_word not in _FEATURE_WORDS)
            out.append(Match(p, hit / len(q.terms), hit_name / len(q.terms), score, spec, sum(hits) / len(q.terms), head_hit, head_named,
                             missed, exact / len(q.terms), core_name / len(q.terms), said))
        out.sort(key=lambda m: (-m.coverage, -m.purpose_said, -m.core_name, -m.specificity, m.bm25))
        return out[:limit]

    def faq(self, q: Query, limit: int = 3) -> list[FaqMatch]:
        if not q.terms:
            return []
        cands = self._fts("faq", "row", q, 10)
        out = []
        for row, _score in cands.items():
            qw, aw = self._faq_words[int(row)]
            # prefixes only against the FAQ question: "exam" must not find "print@campus.example" in an answer
            hit = sum(_covers(t.alternatives, qw) or any(a in aw or _inflected(a, aw) for a in t.alternatives) or
                      any(all(w in aw for w in a.split()) for a in t.alternatives if " " in a) for t in q.terms)
            qc = {w for w in qw if w not in STOPWORDS}
            used = {a for t in q.terms for alt in t.alternatives for a in alt.split()}
            spec = sum(_covers(frozenset({w}), used) or any(_word_in(u, {w}) for u in used) for w in qc) / max(1, len(qc))
            known = [t for t in q.terms if any(w in self._vocab_set for a in t.alternatives for w in a.split())]
            known_hit = sum(_covers(t.alternatives, qw) or any(a in aw for a in t.alternatives) or
                            any(all(w in aw for w in a.split()) for a in t.alternatives if " " in a) for t in known)
            head = q.terms[q.head] if q.head >= 0 else None
            head_hit = head is None or _covers(head.alternatives, qw) or any(all(w in aw for w in a.split()) for a in head.alternatives)
            head_asked = head is None or _covers(head.alternatives, qw)
            asked_terms = frozenset(i for i, t in enumerate(q.terms) if _covers(t.alternatives, qw))
            out.append(FaqMatch(self._faq[int(row)], hit / len(q.terms), spec, known_hit / len(known) if known else 0.0, head_hit, head_asked,
                                asked_terms))
        # a tie goes to the row with the shopper's own words ("rewards card" is the rewards card row before the
        # loyalty scheme row its meaning also finds)
        typed = {w for t in q.terms for w in t.word.split()}
        out.sort(key=lambda m: (-m.coverage, -m.specificity, -len(typed & self._faq_words[m.entry.row][0])))
        return out[:limit]

    def is_kind_asked(self, q: Query, p: Product) -> bool:
        """The product is the kind of thing the head word asks for by its name, brand, category, labels or a head word of
        its description -- not by a word its description only uses of something else ("a phone or *laptop* headphone
        output" is no laptop, "*printer* paper" no printer)."""
        if q.head < 0:
            return True
        # "microwave-safe" says what it can go in, not that it is a microwave
        kinds = [t for t in p.tags if t.rsplit("-", 1)[-1] not in _LABEL_SUFFIXES]
        # (a description's list of what is in it is not what it is: a spice blend "of cumin, coriander ..." is no cilantro)
        heads = self._kind_heads[p.sku]
        own = self._named[p.sku] | set(words(" ".join(kinds).replace("-", " "))) | heads
        # ...and "laptop-sleeve" says it has a sleeve, not that it is a laptop: the thing asked for must end as a label's
        # last word does ("knee-pads" are pads, knee pads too), or be in the name or a description head
        ends = self._named[p.sku] | set(words(" ".join(t.rsplit("-", 1)[-1] for t in kinds))) | heads
        t = q.terms[q.head]
        # "got any friskies cat food": the product's brand named beside the thing, which its description says it is
        # ("Wet cat food pate"; not a use: "for laptops")
        brand = set(words(p.brand)) - STOPWORDS
        if brand and any(i != q.head and u.word in brand for i, u in enumerate(q.terms)):
            said = _description_parts(p.description)[0]
            if any(all(_word_in(w, said) for w in a.split()) for a in t.alternatives):
                return True
        # "a bell for my handlebars" is no Bell helmet: an ordinary word asked for that the product has only as its brand
        # (only with what it is for, which the product's own words do not mention: "do you have national geographic" is it)
        purpose = [u for u in q.terms if q.split >= 0 and u.pos > q.split]
        if (purpose and t.word in self.english and brand and t.word in brand and not _word_in(t.word, own - brand)
                and not any(all(_word_in(w, own - brand) for w in a.split()) for a in t.alternatives if a != t.word)):
            text = set(words(f"{p.name} {p.description} {p.category}"))
            if not any(_covers(u.alternatives, text) for u in purpose):
                return False
        # a looser fix counted when the product matched ("flea sprey")
        # (an everyday meaning of the word that is only the product's brand is not its kind: "beer" -> "fosters" is no
        # Foster Grant sunglasses; the brand typed itself still is)
        brand_only = brand - set(words(f"{p.name} {p.category}"))
        if not any(all(_word_in(w, own) for w in a.split()) and _word_in(a.split()[-1], ends)
                   and not (a != t.word and brand_only and all(_word_in(w, brand_only) for w in a.split()))
                   for a in t.alternatives | t.weak):
            return False
        # "do you sell flowers" -- a card with lilies on it: asked for a kind of thing (in the plural) by another name than
        # the product's, a product whose category's head noun its name or description says it is, is that other kind
        cat = [w for w in words(p.category) if w not in STOPWORDS]
        plural = any(stem(w) == t.word.split()[-1] and w != t.word.split()[-1] for w in q.typed)
        if not cat or not plural or any(cat[-1] in a.split() for a in t.alternatives):
            return True
        if _covers(frozenset(a for a in t.alternatives | {t.word} if _edits_within_one(a, t.word)), self._docs[p.sku][0]):
            # ("do you have maltesers", "skitles": the name itself, as typed or misspelt) -- unless the names of several
            # brands in several categories share the word, none as its brand: "OtterBox Case iPhone 15" (Cases), "ZAGG Glass
            # iPhone 15" (Screen Protectors) name the iPhone they fit; two brands' headbands (Accessories) are headbands
            # ...unless the shopper's other words are the product's name too: "gummi dinosaurs" is the candy, whatever
            # else is named with dinosaurs
            others = [u for i, u in enumerate(q.terms) if i != q.head]
            if others and all(_covers(u.alternatives, self._docs[p.sku][0]) for u in others):
                return True
            seen = self._word_brands.get(t.word, set())
            return not (len({b for b, _ in seen}) >= 2 and len({c for _, c in seen}) >= 2 and t.word not in brand)
        return not (cat[-1] in self._docs[p.sku][0] or cat[-1] in self._heads[p.sku])

    def service_row(self, q: Query) -> FaqMatch | None:
        """The FAQ row about a service the shopper asked for by its verb or noun ("rent", "pay ... in installments", "bring
        it back"), when the row's question names that service and no product's name does ("Puncture Repair Kit" is a
        product); among such rows, the one with most of the shopper's other words."""
        def family(t: Term) -> str | None:
            if t.word in _SERVICE_PHRASES:
                return _SERVICE_PHRASES[t.word]
            return next((_SERVICE[a] for a in sorted(t.alternatives | {t.word}) if a in _SERVICE), None)

        asked = [(i, k) for i, t in enumerate(q.terms) if (k := family(t)) is not None]
        if not asked:
            return None
        return self._service_rows(q, asked)

    def _service_rows(self, q: Query, asked: list[tuple[int, str]]) -> FaqMatch | None:
        best: tuple[tuple[int, int, int], FaqMatch] | None = None
        for i, k in asked:
            t = q.terms[i]
            if " " not in t.word and any(t.word in self._docs[sku][0] for sku in self._docs):
                continue  # a product is named by it: "repair kit", "Gift Delivery Box"
            if (i != q.head and q.head >= 0 and " " not in t.word and q.terms[q.head].pos == t.pos + 1
                    and not (0 < t.pos <= len(q.typed) and q.typed[t.pos - 1] in _VERB_BEFORE)):
                continue  # a modifier of the thing asked for ("rental skis" are skis; "can i rent climbing shoes" is a rental)
            if (q.head >= 0 and i != q.head and q.terms[q.head].pos < t.pos and q.split >= 0 and q.split < t.pos
                    and 0 < t.pos <= len(q.typed) and q.typed[t.pos - 1] in ("to", "for") and self.is_name_word(q.terms[q.head].word)):
                continue  # what a product is for: "a little screwdriver to fix my glasses", "a kit to fix the wiring"
            for row, (qw, aw) in self._faq_words.items():
                said = qw | set(words(self._faq[row].question.replace("-", "")))  # "lay-by" is "layby"
                in_question = any(_SERVICE.get(w) == k for w in said)
                # a row whose question does not name the service may still offer it in its answer in the shopper's own
                # word ("What if I forget my containers?" -- "Borrow a jar from our jar library"); only as a fallback
                # as typed, or what a whole everyday phrase means ("machine took my money": a refund) -- not what one word
                # may mean ("poster" -> print)
                in_answer = not in_question and (t.word in aw or (" " in t.word and bool(t.alternatives & aw)))
                if not in_question and not in_answer:
                    continue
                # the word as typed beats its family ("layby" is the lay-by row, not the payment methods row)
                score = (int(in_question), int(bool(t.alternatives & said)), self._others_in(q, i, row))
                if best is None or score > best[0]:
                    best = (score, self._service_match(q, i, row, score[2]))
        return best[1] if best else None

    def _offered(self, row: int, root: str) -> bool:
        """The row's answer offers the thing at a price (or free) in the clause that names it ("A hot wax is $25")."""
        return any(priced and root in roots for roots, priced in self._faq_offers[row])

    def has_word(self, w: str) -> bool:
        """The store's catalog or FAQ uses the word."""
        return w in self._store_words

    def names_other_brand(self, w: str, p: Product) -> bool:
        """``w`` is a word of another product's brand that ``p`` does not have anywhere: "exo terra tank" names a maker,
        so Zoo Med's under-tank heater is no closest match for it."""
        if _word_in(w, self._docs[p.sku][1]):
            return False
        branded = [_word_in(w, set(words(o.brand))) for o in self.catalog.products.values()]
        # ...and only a brand word: "chicken" in "Chicken Hut Feeds" still names the thing in other products' words
        return any(branded) and not any(not b and _word_in(w, self._docs[o.sku][1])
                                        for o, b in zip(self.catalog.products.values(), branded, strict=True))

    def model_number_of(self, w: str) -> str | None:
        """The one product whose name has ``w`` as a model number or size ("18x18x24", "rs400"): letters and digits
        both, which a shopper copies off the box, not a word of the kind of thing it is. None when no or several do."""
        if len(w) < 3 or not re.search(r"[0-9]", w) or not re.search(r"[a-z]", w):
            return None
        skus = [sku for sku, (name, _) in self._docs.items() if w in name]
        return skus[0] if len(skus) == 1 else None

    def named_by(self, w: str) -> list[Product]:
        """The products whose own name (not brand or category alone) has the word as a word."""
        return [p for p in self.catalog.products.values() if _word_in(w, set(words(p.name)))]

    @property
    def locations(self) -> frozenset[str]:
        """The store's own places, as the catalog writes them ("Aisle 3", "Glass Case")."""
        if self._locations is None:
            self._locations = frozenset(p.location for p in self.catalog.products.values() if p.location)
        return self._locations

    def knows_code(self, w: str) -> bool:
        """A model code as typed ("bp3000", "a25") is in some product's name, however the name spaces or dots it
        ("D.I.D 520VX3", "IC-A25NE")."""
        if self._compact_names is None:
            self._compact_names = [re.sub(r"[^a-z0-9]", "", fold(p.name)) for p in self.catalog.products.values()]
        return any(w in n for n in self._compact_names)

    def has_number(self, n: str) -> bool:
        """Some product's name has the number as a word of its own ("Felco 2", "Garmin Dash Cam Mini 2")."""
        if self._numbers is None:
            self._numbers = frozenset(w for p in self.catalog.products.values() for w in re.findall(r"(?<![\w.])\d+(?![\w.])", p.name))
        return n in self._numbers

    def product_says(self, w: str) -> bool:
        """Some product's own name, description or tags have the word (not only a lexicon row's meaning of them)."""
        return any(_word_in(w, doc) for _, doc in self._docs.values())

    def is_name_word(self, w: str) -> bool:
        """Some product's name (or category) has the word: a thing the store's products are called by."""
        return any(_word_in(w, n) for n in self._named.values())

    def _own_thing(self, q: Query, i: int) -> bool:
        """The ``i``-th term is no product word and every other term is one: a thing the shopper has, done to."""
        rest = [t for j, t in enumerate(q.terms) if j != i]
        return bool(rest) and not self._product_word(q.terms[i].word) and all(self._product_word(t.word) for t in rest)

    def _others_in(self, q: Query, i: int, row: int) -> int:
        """How many of the shopper's terms besides the ``i``-th the FAQ row has."""
        qw, aw = self._faq_words[row]
        return sum(1 for j, u in enumerate(q.terms) if j != i and self._loosely_in(u, qw | aw, qw))

    def _service_match(self, q: Query, i: int, row: int, others: int) -> FaqMatch:
        """The row as the answer to a service asked for by the ``i``-th term, with ``others`` more of the terms."""
        return FaqMatch(self._faq[row], (others + 1) / len(q.terms), 1.0, head_asked=True, asked_terms=frozenset({i}))

    def offered_thing(self, q: Query) -> FaqMatch | None:
        """The FAQ row that offers, at a price, a thing the shopper named that no product is named by ("eye splice")."""
        for i, t in enumerate(q.terms):
            # no product is named so (a dock line's description may say "spliced eye": it is still a line)
            if " " in t.word or len(t.word) < 3 or any(_covers(t.alternatives, self._docs[sku][0]) for sku in self._docs):
                continue
            root = _root(t.word)
            rows = [row for row in self._faq_words if self._offered(row, root)]
            if len(rows) == 1:
                if not (n := self._others_in(q, i, rows[0])):
                    continue  # "join the drawing night": the loyalty row's "Join ... for free" names none of the rest
                return self._service_match(q, i, rows[0], n)
        return None

    def done_to_row(self, q: Query, participle: str, said_only: bool = False) -> FaqMatch | None:
        """"get my skis waxed", "have my boots stretched": the thing done to the shopper's own thing is a service, the row
        offering it (in its question or answer) is meant, even where a product is named by the word ("Ski Wax")."""
        root = _root(stem(participle))
        if len(root) < 3:
            return None
        # ("cleaned" may have been respelt "cleaner": the word as typed is among its spellings)
        # (or joined into an everyday name: "knife sharpened" read as the "knife sharpener")
        i = next((j for j, t in enumerate(q.terms) if _root(t.word) == root or any(_root(a) == root for a in t.alternatives)), -1)
        if i < 0:
            i = next((j for j, t in enumerate(q.terms) if any(w.startswith(root) for a in t.alternatives for w in a.split())), -1)
        if len(root) >= 4 and root[-1] == root[-2] and root[-1] not in "aeiouls":
            root = root[:-1]  # "clipped" is "clip", "trimmed" "trim"
        if i < 0:
            return None
        # "stitched" is what the row calls "embroidery": the everyday names of the word count as it
        roots = {root} | {_root(a) for a in q.terms[i].alternatives if " " not in a and len(a) >= 4}
        if (fam := _SERVICE.get(root) or _SERVICE.get(stem(participle))) is not None:
            # "get my turntable fixed" is the row that "repairs" turntables
            roots |= {_root(stem(w)) for w in _SERVICE_FAMILIES[fam] if " " not in w}
        if participle.startswith("re") and len(base := stem(participle)[2:]) >= 4:
            # "restring my racket" is the row about "stringing", "regrip" the one about grips
            roots |= {_root(w) for qw, _ in self._faq_words.values() for w in qw if w.startswith(base)}
        for r in sorted(roots, key=lambda r: r != root):
            if (row := self._done_row(q, i, r, said_only)) is not None:
                return row
        return None

    def _done_row(self, q: Query, i: int, root: str, said_only: bool) -> FaqMatch | None:
        best: tuple[tuple[int, int], FaqMatch] | None = None
        for row, (qw, aw) in self._faq_words.items():
            hit = [w for w in qw | aw if _root(w) == root]
            if not hit:
                continue
            others = self._others_in(q, i, row)
            # the row naming the service in its question first, then the one offering it at a price and naming another of
            # the shopper's words ("We fire ... for $0.04", not "Firing turnaround is 7 to 10 days"), then the one with
            # more of them ("my logo printed on boxes" is the cake-box row, not the edible-image one priced alone)
            offered = int(self._offered(row, root))
            score = (int(any(_root(w) == root for w in qw)), int(offered and others > 0), others, offered)
            if said_only and not others and not (score[0] and self._own_thing(q, i)):
                # "how much to join the drawing night": the loyalty row's "Join" names none of the rest
                # (but "how much to regrip my irons": the row asks "Do you regrip clubs?" and the irons are the shopper's)
                continue
            if not score[0] and not others and not offered:
                continue  # only a passing word of the answer ("a re-check every 3 months"): not the row about it
            if best is None or score > best[0]:
                best = (score, self._service_match(q, i, row, others))
        return best[1] if best else None

    def faq_covering(self, q: Query, exact_head: bool = False) -> tuple[FaqMatch, float] | None:
        """The FAQ row (question or answer) that covers most of the shopper's words, looser than ``faq``: word forms
        ("consult" ~ consultations, "waxed" ~ waxing, "story" ~ storytime) and what an everyday name means with only its
        describing words ("points card" -> loyalty card -> a "loyalty scheme" row). For a service the store offers but
        does not sell ("how much is a garden design consult"), before saying "we don't carry" it.

        Returns the row and the share of the shopper's terms it covers; the thing asked for (the head) must be among them,
        with ``exact_head`` as a whole word ("do you sell printers" is not the "Printing is 10p a page" row)."""
        if not q.terms:
            return None
        best: tuple[FaqMatch, float] | None = None
        for row, (qw, aw) in self._faq_words.items():
            doc = qw | aw
            got = [self._loosely_in(t, doc, qw) for t in q.terms]
            if q.head >= 0 and not got[q.head]:
                continue
            if exact_head and q.head >= 0 and not _covers(q.terms[q.head].alternatives, doc) and not self._loosely_in(q.terms[q.head], doc, qw, exact=True):
                continue
            share = sum(got) / len(q.terms)
            if share > 0 and (best is None or share > best[1]):
                asked = frozenset(i for i, t in enumerate(q.terms) if self._loosely_in(t, qw, qw))
                best = (FaqMatch(self._faq[row], share, 0.0, share, True, q.head in asked, asked), share)
        return best

    def faq_has_thing(self, q: Query, entry: FaqEntry) -> bool:
        """"do you sell birthday cards" is not the "Do you have a rewards card?" row: a row that has X's head word answers
        "do you have X" only with every other word of X too (the words before 'for/with...'; word forms and everyday
        meanings allowed) -- else its X is another kind of X. ("do you have a loyalty program" may still be the loyalty
        row without "program": the head is checked elsewhere.)"""
        qw, aw = self._faq_words[entry.row]
        thing = [t for t in q.terms if q.split < 0 or t.pos < q.split]
        if q.head < 0 or not self._loosely_in(q.terms[q.head], qw | aw, qw):
            return True
        return all(self._loosely_in(t, qw | aw, qw) for t in thing)

    def service_done_to(self, q: Query, entry: FaqEntry) -> bool:
        """"do u sell iphones" is not the screen-replacement row that names iPhones in its answer: a row asking about a
        service, the thing asked for only in its answer, and no service word in the shopper's question."""
        qw, _aw = self._faq_words[entry.row]
        if q.head < 0 or any(stem(w) in _SERVICE for t in q.terms for w in t.word.split()):
            return False
        return any(w in _SERVICE for w in qw) and not self._loosely_in(q.terms[q.head], qw, qw)

    def faq_mentions_thing(self, q: Query, entry: FaqEntry) -> bool:
        """The row has a word of the thing asked for, not only of what it is for (true without a 'for')."""
        if q.split < 0 or q.split_word != "for":
            return True
        qw, aw = self._faq_words[entry.row]
        thing = [t for t in q.terms if t.pos < q.split]
        return not thing or any(self._loosely_in(t, qw | aw, qw) for t in thing)

    def _loosely_in(self, t: Term, doc: set[str], asked: set[str], exact: bool = False) -> bool:
        """``t`` in a row's words ``doc`` (another form of the word as typed or of a meaning, not of a spelling fix:
        "printers" is no "painter"); or a meaning of it that is the same kind of thing ("points card" -> loyalty *card*)
        by its describing words in the row's question ``asked`` ("Do you have a *loyalty* scheme?") -- when the row also
        has a word the shopper typed ("1 *point* per dollar"), so "pet food" -> dog food is not the "bring my dog" row."""
        fixes = self._spellings(t) - {t.word}
        parts_typed = t.word.split()
        for a in t.alternatives:
            parts = a.split()
            if all((w in doc) if (exact or a in fixes) else _form_in(w, doc) for w in parts):
                return True
            if (len(parts) > 1 and a != t.word and parts[-1] == parts_typed[-1] and all(_form_in(w, asked) for w in parts[:-1])
                    and any(_form_in(w, doc) for w in parts_typed)):
                return True
        return False

    def named_as_typed(self, q: Query, products: list[Product]) -> list[Product]:
        """Those of ``products`` that one of the shopper's words names as typed, not only through an everyday name's
        meaning: "is the guinness alcohol free" asks about the Guinness, not the stouts "guinness" also means."""
        return [p for p in products if any(t.word in self._named[p.sku] for t in q.terms)]

    def by_tag(self, tag: str, category_terms: tuple[Term, ...] = ()) -> list[Product]:
        """Products carrying ``tag`` (optionally only those matching the terms)."""
        out = []
        for sku in self.catalog.products:
            p = self.catalog.product(sku)
            if p is None or tag not in p.tags:
                continue
            if category_terms and not all(_covers(t.alternatives, self._docs[sku][1]) for t in category_terms):
                continue
            out.append(p)
        return out

