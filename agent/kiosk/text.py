"""One way to turn shopper text and catalog text into comparable words.

The index and the question must be normalised identically, or a plural, an
accent or a hyphen makes a product unfindable; so both go through ``words``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

_NON_WORD = re.compile(r"[^a-z0-9%]+")

# Words that carry the question's intent or grammar, not the thing asked about.
_STOP_TEXT = """
a an the and or of for to in on at by with from into about is are was were be been am do does did doing done
i me my we our us you your yours it its this that these those there here what which who whom whose where when why how
can could would should will shall may might must please hi hello hey thanks thank any some anything something
have has had got get gets sell sells selling sold carry carries stock stocks stocked keep find finding found
locate located location aisle shelf price prices priced cost costs costing much many how buy buying need want looking look
tell show give know say one ones item items product products thing things store shop here today now still left available
availability instock also too very really just only if not no yes there s t m ll re ve d much pls plz u r ur im
cheap cheapest expensive fresh good nice best big small large little bit kind type sort brand lot lots
vegan vegetarian veggie gluten free dairy lactose allergy allergies allergen allergens allergic
slot fridge freezer chiller counter section bay rack
come coming go going went kept keeping put putting stored usually normally currently moment minute time today tonight tomorrow
right now soon later again already actually literally maybe perhaps probably exactly quite pretty rather somewhere anywhere
pick picking up down out off over back use using used work working try trying
guy guys yall folks mate sir madam miss love dear friend wondering wonder hoping hope think thought like would'd please kindly
ok okay fine alright nearby near nearest around closest bring take allowed allow let
wher whre wehre wat wot hw hav new another until til contain contains containing safe suitable coeliac celiac halal kosher diet dietary
option options choice choices stuff recommend recommendation suggest suggestion
they them their theirs he him his she her hers someone somebody
dont doesnt didnt isnt arent wasnt werent cant couldnt wont wouldnt shouldnt havent hasnt whats wheres thats theres hows
son daughter husband wife partner mum mom dad mother father boyfriend girlfriend grandma grandad
"""

# Dietary words are stopwords for finding the product but kept as constraints;
# "eggs" and "nuts" can also be the product itself, handled by the planner.
DIETARY_PRODUCT_WORDS = frozenset({"egg", "nut", "peanut"})


def fold(text: str) -> str:
    """Lowercase ASCII with accents removed, '&' spelled out."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ").translate(_NO_DECOMPOSITION))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


# Letters NFKD does not split into a base letter and an accent ("Ćwikła" is typed "cwikla", "Søren" "soren")
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
                                   "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d"})


# Plurals no ending rule gives back ("stanley knives" are utility knifes); "gloves", "olives", "valves" are regular.
_IRREGULAR = {"knives": "knife", "leaves": "leaf", "loaves": "loaf", "halves": "half", "shelves": "shelf", "scarves": "scarf",
              "wolves": "wolf", "hooves": "hoof", "mice": "mouse", "geese": "goose", "feet": "foot", "teeth": "tooth",
              "children": "child", "women": "woman", "men": "man",
              # British and American spellings meet ("fishing license" is the "licence" row)
              "licence": "license", "licences": "license", "colour": "color", "colours": "color", "grey": "gray", "jewellery": "jewelry",
              "aluminium": "aluminum", "mould": "mold", "moulds": "mold", "flavour": "flavor", "flavours": "flavor",
              "favourite": "favorite", "yoghurt": "yogurt", "yoghurts": "yogurt", "doughnut": "donut", "doughnuts": "donut",
              "pyjamas": "pajamas", "catalogue": "catalog", "programme": "program", "centre": "center", "litre": "liter",
              "litres": "liter", "metre": "meter", "metres": "meter", "tyre": "tire", "tyres": "tire", "ukelele": "ukulele"}


# ...and inside a longer word ("watercolour", "multicoloured", "odourless")
_BRITISH_PART = re.compile(r"(colour|flavour|odour|armour|harbour|vapour|humour|favour|honour|neighbour|centre|litre|metre)")
_AMERICAN_PART = {"colour": "color", "flavour": "flavor", "odour": "odor", "armour": "armor", "harbour": "harbor", "vapour": "vapor",
                  "humour": "humor", "favour": "favor", "honour": "honor", "neighbour": "neighbor", "centre": "center", "litre": "liter",
                  "metre": "meter"}


def strip_ending(w: str, endings: tuple[str, ...]) -> str:
    """``w`` less the first of ``endings`` it has, when three letters or more are left ("waxed" -> "wax")."""
    for end in endings:
        if w.endswith(end) and len(w) - len(end) >= 3:
            return w[: -len(end)]
    return w


def stem(word: str) -> str:
    """Plural -> singular, enough for shop words (batteries, tomatoes, glasses)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if (len(word) > 6 and "our" in word) or "tre" in word:
        word = _BRITISH_PART.sub(lambda m: _AMERICAN_PART[m.group(1)], word)
    if word.endswith("s") and word[:-1] in _IRREGULAR:  # "womens" for "women's"
        return _IRREGULAR[word[:-1]]
    if re.fullmatch(r"[a-z]\d+s|\d{2,4}s", word):  # "pro v1s", "the a4s": a model number in the plural; "12s" (subwoofers)
        return word[:-1]
    if len(word) <= 3 or word.isdigit():
        return word
    # batteries/battery and cookies/cookie must meet: both end up as "...i"
    if word.endswith("ies") and len(word) > 4:
        return word[:-2]
    if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        return word[:-1] + "i"
    if word.endswith("ie") and len(word) > 3:
        return word[:-1]
    if word.endswith("oes") and len(word) <= 5:  # shoes, toes (but tomatoes, potatoes)
        return word[:-1]
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        word = word[:-1]
        if word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":  # "nappys" meets "nappies"
            return word[:-1] + "i"
        return word
    return word


STOPWORDS = frozenset(stem(w) for w in _STOP_TEXT.split())

# Packaging words: "a bag of peppermint tea" is still the peppermint tea, even if its name has no "bag".
SOFT_WORDS = frozenset(stem(w) for w in ["bag", "pack", "packet", "box", "bottle", "can", "tin", "jar", "carton", "tub", "piece", "slice", "portion", "loaf"])
# What a thing is served or sold in: "a cup of coffee", "a bar of soap" are the coffee and the soap.
SERVING_WORDS = SOFT_WORDS | frozenset(stem(w) for w in ["cup", "glass", "mug", "bowl", "pint", "bar"])
# Words for "something that helps with X": "heartburn medicine", "a remedy for hayfever" name the product by the X.
GENERIC_WORDS = frozenset(stem(w) for w in ["medicine", "medication", "meds", "remedy", "remedies", "treatment", "relief", "cure"])
# Words for a whole kind of things ("the pad thai *meal*", "rain *gear*"): like GENERIC_WORDS, forgiven beside a word
# naming the product -- but only in a store where no product is named by them ("Instant Meals", "PowerGear Pruner"), where
# they would tell products apart. ("food" is not one: "cat food" must not find a Cat Toy.)
KIND_WORDS = frozenset(stem(w) for w in ["meal", "meals", "gear", "toy", "toys"])
# Ways of getting a product, not the product: "where do I order a coffee" is the coffee (an FAQ may still be about ordering).
PRODUCT_VERBS = frozenset(stem(w) for w in ["order", "ordering", "reserve", "preorder", "collect"])


# "Bar-B-Q Sauce", "bar b que": the one word shoppers type ("bbq")
_BBQ = re.compile(r"\bbar[\s-]*b[\s-]*q(?:ue)?\b")


# "Liquid I.V.", "C.B.D.": letters with full stops are one word, as shoppers type them ("liquid iv")
_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")  # ...and "D.I.D" without the last full stop


# "Butt'r", "rock'n'roll": an apostrophe inside a word is no break (unlike "reese's", "don't", "you'll")
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?!(?:s|t|ll|re|ve|d|m)\b)(?=[a-z])")


def words(text: str) -> list[str]:
    folded = _INITIALS.sub(lambda m: m.group(0).replace(".", "") + " ", _BBQ.sub("bbq", fold(text)))
    folded = _INNER_APOSTROPHE.sub("", folded)
    return [stem(w) for w in _NON_WORD.split(folded) if w]


_HYPHENED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


_CODE_RUN = re.compile(r"[a-z]+|[0-9]+")


def code_tails(token: str) -> list[str]:
    """A model code is typed by its distinctive end: "WH-1000XM5" as "xm5" or "1000xm5", "SM-A546B" as "a546b".

    The tails start where letters and digits meet, and keep both (three characters or more): a bare "5" or "xm" would
    match too much."""
    runs = [m.start() for m in _CODE_RUN.finditer(token)]
    if len(runs) < 2:
        return []
    out = []
    for start in runs[1:]:
        tail = token[start:]
        if len(tail) >= 3 and re.search(r"[a-z]", tail) and re.search(r"[0-9]", tail):
            out.append(tail)
    return out


def initial_codes(folded: str) -> list[str]:
    """"Grand Prix 5000" is also typed "gp5000": the initials of the two or three words right before a number in one
    name, then the number. Only real name words (not "Pack of 10") and only in the name's own order."""
    toks = [t for t in _NON_WORD.split(folded) if t]
    out: list[str] = []
    for i, t in enumerate(toks):
        if not t.isdigit():
            continue
        for n in (2, 3):
            run = toks[i - n:i] if i >= n else []
            if run and all(w.isalpha() and w not in STOPWORDS for w in run):
                out.append("".join(w[0] for w in run) + t)
    return out


def joined_forms(text: str) -> list[str]:
    """"WD-40" is also typed "wd40", "5W-30" "5w30", "USB-C" "usbc": hyphenated names joined into one word; model
    codes (letters and digits) also by their tails (``code_tails``); and initials with a number (``initial_codes``)."""
    folded = fold(text)
    joined = [m.group(0).replace("-", "") for m in _HYPHENED.finditer(folded)]
    joined += [m.group(0).replace("'", "") for m in re.finditer(r"[a-z0-9]+(?:'[a-z0-9]+)+", folded) if not m.group(0).endswith("'s")]  # "rev'it"
    joined += [m.group(1) + "s" for m in re.finditer(r"\b([a-z0-9]{1,3})'s\b", folded)]  # "GT's" is typed "gts"
    joined += [m.group(1) + m.group(2) for m in re.finditer(r"\b(\d+)\.0([a-z]+)\b", folded)]  # "5.0Ah" is typed "5ah"
    out = [stem(j) for j in joined]
    for tok in dict.fromkeys(joined + _NON_WORD.split(folded)):
        out += [stem(t) for t in code_tails(tok) if stem(t) not in out]
    out += [c for c in initial_codes(folded) if c not in out]
    return out


def blank_out(text: str, phrases: list[str]) -> str:
    """``text`` with each phrase (longest first) replaced by as many spaces, so positions still line up.

    "City Skyline Fridge Magnet" names a magnet, "Vegetarian Dog Treats" a treat: what a product is
    called states no place and makes no dietary claim.
    """
    for ph in sorted(phrases, key=len, reverse=True):
        text = text.replace(ph, " " * len(ph))
    return text


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


# A full stop after these does not end a sentence: "Dr. Elsey's", "St. Agur", "approx. 2kg", "e.g. rice", "No. 7".
# ("no" only before a number: "No. We don't" is a sentence.)
_ABBREVIATION = re.compile(r"(?:(?<![a-z])(?:dr|st|mr|mrs|ms|vs|approx|jr|mt)|(?<![a-z])[a-z]\.[a-z])\.$")
_NUMBER_ABBREVIATION = re.compile(r"(?<![a-z])no\.$")
_MARK = re.compile(r"[.!?]")


def dotted_names(names: list[str]) -> tuple[str, ...]:
    """The (folded) names with a full stop, "!" or "?" inside them ("Dr. Elsey's Cat Litter", "Sushi Go Party! Card
    Game") or a full stop at their end ("Cake Pan 8 x 3 in."), for ``ends_sentence``."""
    return tuple(dict.fromkeys(f for n in names if any(c in (f := fold(n)).rstrip(".!?") for c in ".!?") or f.endswith(".")))


def ends_sentence(text: str, i: int, names: tuple[str, ...] = ()) -> bool:
    """Whether the mark at ``text[i]`` ends a sentence, given what follows it in ``text`` (maybe nothing yet).

    Not after a common abbreviation, not between the digits of a price ("$21." + "99"), and never inside one of
    ``names`` (folded product names): "Dr. Elsey's Precious Cat Litter costs $21.99." is one sentence."""
    before = fold(text[: i + 1])
    after = text[i + 1:]
    if text[i] != ".":
        return not _inside_name(before, text[i], names)
    if not after and re.search(r"(?<![\d.])\d+\.$", before):
        return False  # "$21." may go on "99": wait for the next piece
    if after[:1] and not after[:1].isspace():
        return False  # "21.99", "e.g.", "Dr.Elsey": no space, no end
    if _ABBREVIATION.search(before) or (_NUMBER_ABBREVIATION.search(before) and re.match(r"\s*\d", after)):
        return False
    if any(n.endswith(".") and before.endswith(n) for n in names):
        if _inside_name(before, ".", names, after):
            return False  # the brand "Jacobsen Salt Co." inside the name "Jacobsen Salt Co. Pure Flake Sea Salt" said whole
        # "Wilton Cake Leveler 10 in. costs $5.99": a name ending in a full stop ends the sentence only before a capital
        nxt = after.lstrip()[:1]
        return bool(nxt) and nxt.isupper()
    return not _inside_name(before, ".", names)


def _inside_name(before: str, mark: str, names: tuple[str, ...], after: str | None = None) -> bool:
    """The ``mark`` that ends ``before`` is one inside one of ``names`` (not its last character); given ``after``, only
    where the rest of that name follows (as far as the text goes yet)."""
    rest = fold(after) if after is not None else None
    for name in names:
        for j, c in enumerate(name[:-1]):
            if c == mark and before.endswith(name[: j + 1]):
                start = len(before) - (j + 1)
                if (start == 0 or not before[start - 1].isalnum()) and (
                        rest is None or rest.startswith(name[j + 1:]) or name[j + 1:].startswith(rest)):
                    return True
    return False


def sentence_end(text: str, names: tuple[str, ...] = (), start: int = 0) -> int:
    """Index of the first '.', '!' or '?' from ``start`` that ends a sentence (``ends_sentence``), followed by a space or
    by the end of ``text`` so far; -1 if none yet. One rule for a streamed answer and for a whole text."""
    for m in _MARK.finditer(text, start):
        i = m.start()
        if (i + 1 == len(text) or text[i + 1].isspace()) and ends_sentence(text, i, names):
            return i
    return -1


def split_sentences(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """``text`` cut after each mark that ends a sentence (``sentence_end``)."""
    out, start = [], 0
    while (i := sentence_end(text, names, start)) >= 0:
        out.append(text[start: i + 1].strip())
        start = i + 1
    out.append(text[start:].strip())
    return [s for s in out if s]


# The system's list of English words: Debian's wamerican (scripts/setup.sh and scripts/install.sh install it).
WORD_LISTS = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"), Path("/usr/share/dict/words"))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words (stemmed like the shopper's), to tell a real word ("doors", "weather") from a misspelling
    ("sizzors"). Empty when no word list is installed: then every near miss may be a misspelling, as before."""
    for path in WORD_LISTS:
        try:
            text = path.read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        return frozenset(stem(w) for w in text.split() if w.isalpha() and w.islower() and w.isascii())
    return frozenset()
