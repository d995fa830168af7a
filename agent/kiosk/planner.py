"""From a question to the facts an answer may use and a correct template answer.

The plan is decided by rules and retrieval alone; the model (if any) only
rephrases it. Everything the answer may state is in ``Plan.products`` and
``Plan.faq``, which is what the checker holds each sentence against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.kiosk import templates as T
from agent.kiosk.catalog import FaqEntry, Product
from agent.kiosk.checker import catalog_names
from agent.kiosk.intent import (
    AVAILABILITY,
    DIETARY,
    LOCATION,
    PET_SAFE,
    PET_TOXIC,
    PRICE,
    STOCK,
    Intent,
    asked_age,
    classify,
    constraint_tags,
    cut_constraint,
    is_age_constraint,
    strip_constraints,
)
from agent.kiosk.meaning import DESCRIBED_MIN_SCORE, MIN_AMONG_GAP, SERVICE_OVER_WORDS_SCORE, Nearest
from agent.kiosk.retrieval import NOUN_STOPWORDS, SPLIT_WORDS, FaqMatch, Index, Match, Query, Term
from agent.kiosk.text import GENERIC_WORDS, SOFT_WORDS, STOPWORDS, fold, split_sentences, stem, words

_QUESTION_WORDS = re.compile(r"\b(what|whats|who|whos|why|when|how|hows|which|tell|explain|can you|could you|is it|are you|will|should|would)\b")

_ABOUT_OWN = re.compile(r"\b(is|are|was|were|has|did|does|will)\s+(my|our)\b")
_WHEN = re.compile(r"\bhow\s+(?:long|soon|quickly|fast)\b|\bwhen\s+(?:will|would|can|could|is|are|does|do)\b|\bwhat\s+time\b")
_ADVICE = re.compile(r"\b(recommend|suggest|recommendation|recommendations|suggestion|suggestions)\b")
# "is there someone I can ask about X", "can I talk to someone", "do you give advice on X": asking for a person's help or
# advice -- a service, not the products
_PERSON = re.compile(r"\b(?:some|any)(?:one|body)\b(?:\s+[a-z']+){0,4}?\s+(?:ask|talk|speak|chat|help|advise)\b"
                     r"|\b(?:can|could|may)\s+(?:i|we)\s+(?:talk|speak|chat)\s+(?:to|with)\b")
_PERSON_ASK = re.compile(_PERSON.pattern + r"|\b(?:give|offer|provide|get|need|want|any)\s+(?:some\s+|free\s+|expert\s+)?advice\b"
                         r"|\badvice\s+(?:on|about|for|with)\b")
# "where is/are X", "which aisle": asking for a place (narrower than LOCATION, which "find" alone also sets)
_WHERE = re.compile(r"\b(?:where|wheres|wher)\b|\b(?:which|what)\s+(?:aisle|shelf|section)\b")


@dataclass
class Plan:
    kind: str  # product | feature | dietary_list | faq | not_carried | off_topic | injection | abusive | greeting | empty
    intent: Intent
    products: list[Product] = field(default_factory=list)
    faq: FaqEntry | None = None
    sentences: list[str] = field(default_factory=list)
    required: list[str] = field(default_factory=list)  # strings the final answer must contain
    asked: str = ""

    @property
    def sources(self) -> list[str]:
        out = [p.sku for p in self.products]
        if self.faq is not None:
            out.append(f"faq:{self.faq.row}")
        return out

    @property
    def model_may_phrase(self) -> bool:
        """Allergen and dietary answers are safety answers: always the tag-built template, never reworded."""
        return self.kind == "product" and bool(self.products) and DIETARY not in self.intent.kinds


# "where's", "it's": a verb, not a possessive
_CONTRACTED = frozenset({"where", "wheres", "what", "whats", "who", "how", "it", "that", "there", "here", "let", "he", "she", "this", "when",
                         "why", "which", "everything", "something", "anything", "nothing"})
# "can you get a book in for me": asking the store to order it (a service), not where a book is
_GET_IN = re.compile(r"\b(?:can|could|would|will)\s+(?:you|u|ya)\s+get(?P<what>(?:\s+[a-z']+){1,4}?)\s+in\b(?:\s+for\s+(?:me|us)\b)?"
                     r"(?=\s*$|\s*[?.!]|\s+(?:if|please|when|soon|from)\b)")
# "will you bring a grill to my house": a delivery, with the thing in between
_HOME = r"(?:my|our|the)\s+(?:house|home|place|door|flat|apartment|address|office|farm|barn|ranch|stable|yard|work|shop|site)"
_TO_HOUSE = re.compile(r"\b(?:bring|brings|brought|take|taken|send|sent|drop|dropped|get|delivered)(?P<what>(?:\s+(?!to\b|2\s+(?:my|our|the)\b)[a-z0-9']+){0,4}?)\s+(?:round\s+|over\s+|out\s+|off\s+)?(?:to|2|at)\s+"
                       + _HOME + r"\b"
                       # "can u bring drinks out to us on the sand": brought out to the shopper where they are
                       r"|\b(?:bring|send|take)(?P<what2>(?:\s+(?!out\b)[a-z0-9']+){0,4}?)\s+(?:out|over|round|down)\s+to\s+(?:us|me)\b")
# "can u send a diwali box to my sister in texas": shipped to someone far away (before local delivery)
_TO_SOMEONE = re.compile(r"\bsend(?P<what>(?:\s+(?!to\b|back\b)[a-z0-9']+){1,4}?)\s+to\s+(?:my|our|his|her|their|a)\s+"
                         r"(?:sister|brother|mum|mom|mother|dad|father|parents?|family|friends?|son|daughter|kids?|grandma|grandmother|"
                         r"grandpa|grandfather|aunt|uncle|cousin|wife|husband|partner|girlfriend|boyfriend|nan|gran|granny|niece|nephew)\b")
# "do you come to my house to clean my tank": a visit to the shopper's home, a service
_COME_OUT = re.compile(r"\b(?:come|comes|coming|visit)\s+(?:out\s+|over\s+|round\s+)?(?:to\s+)?" + _HOME + r"\b")
# "put a tow bar on my car", "put new tyres on my van": fitting, a service
_PUT_ON = re.compile(r"\bput\s+(?:a|an|the|some|new)\s+(?P<what>(?:[a-z0-9'-]+\s+){0,3}?[a-z0-9'-]+)\s+(?:on|onto)\s+(?:my|our|the)\s+"
                     r"(?:car|van|truck|caravan|motorhome|camper|rv|bike|boat|trailer|house|roof|wall)\b")
# "do i get anything off", "any money off": a discount; "i work here": the store's staff asking
_MONEY_OFF = re.compile(r"\b(?:get|got|give|giving|is\s+there|are\s+there)\s+(?:anything|something|any(?:thing)?|money|a\s+bit|much)\s+off\b"
                        r"(?!\s+(?:the|of|at|from|my|it|them)\b)|\bmoney\s+off\b")
_STAFF = re.compile(r"\bi\s+(?:work|volunteer)\s+(?:here|for\s+you|at\s+(?:the|this)\s+\w+)\b|\b(?:i'?m|i\s+am)\s+(?:an?\s+)?(?:employee|staff)\b")
# "is sushi cheaper at night": an end-of-day discount
_CHEAPER_LATER = re.compile(r"\bcheaper\s+(?=(?:at|after|in\s+the|later\s+in\s+the|by|near)\s+(?:night|evening|closing|close|the\s+end))")
# "open sunday? till when", "how many points till i get money off"
_TILL = re.compile(r"\b(?:till|til)\s+(?=when\b|what\s+time\b|how\s+late\b|(?:i|you|we|u)\s)")
# "the stuff that makes ur lashes grow", "the thing that goes on top of the tree": what it does names it, not the verb
_THING_THAT_DOES = re.compile(r"\b(stuff|thing|things|something|one|product|kind)\s+(that|which|to)\s+"
                              r"(?:makes?|goes|go|helps?|lets?|keeps?|gets?|stops?)\b")
# "can u write my kids name on an ornament": personalising it, a service
# (stitching and engraving are services of their own: "get my name stitched on my belt" is the embroidery row)
_NAME_ON = re.compile(r"\b(?:write|put|paint|print|add)\s+(?:[a-z']+\s+){0,3}?names?\s+(?=on\b|onto\b)"
                      r"|\bnames?\s+(?:put|written|printed|painted)\s+(?=on\b|onto\b)")
# "can u put in a graphics card": installing it ("put it in the dishwasher" is a use, the thing before "in")
_PUT_IN = re.compile(r"\bput\s+in\s+(?=(?:a|an|the|my|new|some|this|these|our)\b)")
# "can u put the battery in 4 me": the same, the thing said before "in"
_PUT_X_IN = re.compile(r"\bput\s+(?P<what>(?:a|an|the|my|new|some|this|these|our)\s+(?:[a-z0-9'-]+\s+){0,3}?[a-z0-9'-]+)\s+in\b"
                       r"(?=\s+(?:for|4)\s+(?:me|us)\b|\s*[?!.]*\s*$|\s+(?:how|pls|please|too|today|while)\b)")
# "get my skis waxed", "have my jeans taken up": the shopper's thing done to -- a service
_DONE_TO = re.compile(r"\b(?:get|getting|got|have|having|need)\s+(?:my|our|these|this|the|some|a|an)\s+(?:[a-z']+\s+){1,3}?(?P<done>[a-z]{3,}ed)\b"
                      # "how much to develop a roll of film", "how much does it cost to join the drawing night"
                      r"|\bhow\s+much\s+(?:(?:is|does)\s+it\s+(?:cost\s+)?|would\s+it\s+(?:be|cost)\s+|to\s+just\s+)?(?:to|for)\s+"
                      r"(?!(?:buy|get|have|pay|order|rent|hire|return|book|take|see|try)\b)(?P<verb>[a-z]{3,})\s+(?:a|an|the|my|our|some|this|these|it|them)\b"
                      # "can u repot my plant", "do you guys regrip my clubs": the store asked to do a thing to the shopper's own
                      r"|\b(?:can|could|will|would|do)\s+(?:you|u|ya|someone|somebody|anyone)\s+(?:guys\s+)?"
                      r"(?!(?:buy|get|have|pay|order|rent|hire|return|book|take|see|try|sell|carry|stock|tell|help|give|find|show)\b)"
                      r"(?P<ask>[a-z]{3,})\s+(?:my|our)\b")
# "do I need to book", "can I book in": booking an appointment (a service), not a book. After 'to/I/we/can...', and not
# "book club", "book shop"
# "book my dog in": who is booked in is not the thing asked about
# "how long do i get to try a mattress at home", "can i try it out": a trial the store offers (only where its FAQ speaks of a
# trial or a demo)
_TRY = re.compile(r"\b(?:try|trying|test)\s+(?=(?:a|an|the|it|them|this|one|out)\b)")
_BOOK_VERB = re.compile(r"\b(?P<by>to|i|we|you|u|can|could|should|must|please|pls)\s+book(?:ed|ing)?\b"
                        r"(?:\s+(?:me|us|him|her|it|them|(?:my|our|his|her|their|the|a)\s+[a-z']+)\s+in\b)?"
                        r"(?!\s+(?:club|clubs|shop|shops|store|shelf|shelves|fair|token|tokens|voucher|vouchers|signing|launch|of|about|by)\b)")
_IN_LAW = re.compile(r"\b([a-z]+)[\s-]+in[\s-]+(laws?|law's)\b")


def _object_words(text: str, whole: bool = False) -> str:
    """The words naming what the shopper asked about, as typed (for 'we don't carry X').

    "cat flap for the back door": the thing is the cat flap. With ``whole`` the 'for ...' part stays, because it is what
    the store lacks ("we don't carry lead for puppy" -- beside the dog lead it does have)."""
    kept: list[str] = []
    # "mother in law's tongue": an "X in law" is one word, its "in" no 'for/with/in...' split
    text = _IN_LAW.sub(lambda m: f"{m.group(1)}-in-{m.group(2)}", text)
    for w in re.split(r"[^a-z0-9%'-]+", text):
        if re.fullmatch(r"[a-z]+'s", w) and stem(w[:-2]) in STOPWORDS and w[:-2] not in _CONTRACTED:
            kept.append(w)  # "mother's day card": a possessive names the thing, even when the word alone is filler ("my mother")
            continue
        w = w.strip("'-")
        if kept and w in SPLIT_WORDS:
            if all(stem(k) in GENERIC_WORDS for k in kept):  # "remedy for cold sores": the remedy is named by what follows
                kept.append(w)
                continue
            if not whole or kept[-1] in SPLIT_WORDS:
                break
            kept.append(w)
            continue
        # no digits: the echo must not look like a price, size or place the store stated
        base = re.sub(r"(n't|'s|'re|'ll|'ve|'d|'m)$", "", w)  # "where's", "don't": the question word is what counts
        # ("mini fridges": a question word that is a thing, after the word naming what kind)
        if w and (stem(base) not in STOPWORDS or (kept and stem(base) in NOUN_STOPWORDS)) and not re.fullmatch(r"[a-z]", w) and not any(c.isdigit() for c in w):
            kept.append(w)
    return " ".join(kept[:6])


# "evga 600w psu, is it modular?": the product named first, then asked about as "it"
_NAMED_THEN_IT = re.compile(r"^\s*(?P<x>(?:(?!(?:where|what|how|which|who|when|why|is|are|do|does|can)\b)[a-z0-9+.'&-]+\s*){1,6}?)[\s,;:-]+"
                            r"(?P<v>is|does|can|will|has)\s+(?:it|this|that)\s+(?P<y>[^?]+)\??\s*$", re.I)


# "r u open sundays", "are you open on sunday": the opening hours, not the Open Star Tip
_ARE_YOU_OPEN = re.compile(r"\b(?:are|r)\s+(?:you|u|ya|yall|y'all|you\s+guys)\s+(?:still\s+)?open\b", re.I)
_OPEN_WHEN = re.compile(r"\bopen\s+(?:on\s+)?(?=(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?s?\b|today\b|tomorrow\b"
                        r"|tonight\b|late\b|(?:on\s+)?(?:the\s+)?(?:weekend|holiday|christmas|thanksgiving|easter|new\s+year)s?\b)", re.I)
# "do u have banh bao rn": texting's "right now" (and "pls", "tho") at the end is no word of the thing asked for
_TRAILING_FILLER = re.compile(r"(?:\s+(?:rn|asap|pls|plz|tho|thx|ty))+(?=\W*$)", re.I)
# "where do u keep the cup noodles": where they are, not a KeepCup
# A store service asked in the shopper's own words: "how much to put a new battery in my watch", "can u make my gold ring
# smaller", "do i get anything off". Not "can you order ..."/"do you have ...": those ask for a thing.
_WHO = r"(?>you\s+guys|u\s+guys|you|u|ya|yall|y'all|someone|somebody|anyone|anybody|i|we)(?:\s+(?:still|also|even|ever|just))?"
_NOT_SERVICE_VERB = (r"(?!(?:have|has|sell|sells|carry|stock|got|keep|do|get|buy|find|see|order|pick|use|return|need|want|like)\b)")
_SERVICE_ASK = re.compile(
    r"\b(?:how\s+much|what\s+(?:does\s+it|do\s+(?:you|u|ya)|would\s+it|will\s+it)\s+(?:cost|charge)|cost|charge)\b"
    r"(?:\s+(?:does\s+it|is\s+it|would\s+it|will\s+it|do\s+(?:you|u)|extra|more))*"
    r"\s+(?:(?:to|2)\s+(?:get\s+(?:my|our|it|them|this|these|a|an|the|some)\b|" + _NOT_SERVICE_VERB + r"[a-z]+)|for\s+(?:[a-z]+ing\b|" + _WHO + r"\s+(?:to|2)\b))"
    r"|\b(?:can|could|will|would|do|does)\s+" + _WHO + r"\s+" + _NOT_SERVICE_VERB + r"[a-z]+"
    r"|\bdo\s+(?:i|we)\s+get\b"
    # "can i get a birthday cake made how much notice": a thing had made, done or fixed (not "can i get a used bike")
    r"|\b(?:can|could)\s+(?:i|we)\s+get\s+(?:[a-z0-9']+\s+){1,4}?(?:[a-z]{3,}ed|made|done|cut|sewn)"
    r"(?=\s*[?!.,]*\s*$|\s+(?:how|what|when|for|by|here|pls|please|today|tomorrow)\b)", re.I)
_WHERE_IS_THING = re.compile(r"^\s*(?:where\s*(?:'s|s|is|are|r|re)\b|where\s+(?:do|does)\s+(?:you|u|ya)\s+(?:guys\s+)?(?:keep|have|put|stock)\b"
                             r"|where\s+(?:can|do)\s+i\s+find\b)", re.I)
# "where r the X", "how much is the X": the place or price of a thing
_THING_FACT = re.compile(_WHERE_IS_THING.pattern + r"|^\s*how\s+much\s+(?:is|are|r|for)\s+(?:the|a|an|that|those|these)\b", re.I)
_CODE = re.compile(r"(?=[a-z]*[0-9])(?=[0-9]*[a-z])[a-z0-9]{3,}")  # "bp3000", "a25": letters and digits both
_SELL = re.compile(r"\b(?:sell|sells|selling|carry|carries|stock)\b", re.I)
# "do u do 1 on 1 pilates lessons": a service asked for by its name -- or a thing the store may not have at all ("do you
# guys do wedding invitations"), so only a row that clearly means it will do
_DO_YOU_DO = re.compile(r"\bdo\s+(?:you\s+guys|u\s+guys|you|u|ya|yall)\s+(?:do|offer)\b", re.I)
# The words that ask for a price or place, before the thing: "how much r the", "where do u keep the", "price of".
_ASK_LEAD = re.compile(r"^(?:how\s+much\s*(?:is|are|r|for|do|does)?|wheres\b|where's|where\s*(?:is|are|r|do|can|does)?|price\s+of|do\s+(?:you|u)\s+have|any)\s*"
                       r"(?:(?:the|a|an|some|i|you|u|find|keep|get|those|that|one\s+of\s+those)\s+)*")
# Texting's "4" and "2" for "for" and "to" ("valve oil 4 trumpet", "how much 2 get my tank done"): a digit between two
# words, not a count ("4 pack", "i need 4 chairs", "aisle 4", "the 4 person tent")
_TEXTED = re.compile(r"(?<=[a-z] )([42])(?= [a-z])")
_COUNT_AFTER = frozenset({"pack", "pk", "ct", "count", "pcs", "pc", "piece", "pieces", "pair", "pairs", "lb", "lbs", "oz", "in", "inch",
                          "ft", "feet", "foot", "gal", "gallon", "gallons", "l", "liter", "litre", "ml", "g", "kg", "x", "person", "people",
                          "player", "players", "string", "strings", "wheel", "wheels", "year", "years", "yr", "month", "months", "week",
                          "weeks", "day", "days", "hour", "hours", "slice", "slot", "burner", "door", "drawer", "seater", "man", "way",
                          "of", "or", "and", "more", "for", "to", "cup", "cups", "tier", "layer", "ply", "sided", "bags", "boxes", "rolls",
                          "cans", "bottles", "packs", "sheets", "sets", "tickets", "mm", "cm", "m", "qt", "quart", "pint", "pints",
                          "speed", "star", "stroke", "wd", "port", "ports", "channel", "shelf", "times", "min", "mins", "minutes"})
_NUMBER_BEFORE = frozenset({"need", "needs", "have", "has", "get", "got", "buy", "want", "only", "about", "size", "aisle", "bay", "slot",
                            "shelf", "fridge", "freezer", "bin", "rack", "wall", "table", "case", "counter", "the", "a", "an", "these",
                            "those", "take", "takes", "fits", "fit", "under", "over", "than", "around", "like", "and", "or", "of", "level",
                            "grade", "gen", "series", "model", "version", "v", "mark", "mk", "no", "number", "is", "are", "r", "be", "with",
                            "plus", "x", "by", "cone", "type", "class", "stage", "step", "book", "vol", "volume", "part", "season", "every",
                            "each", "per", "last", "first", "top", "all", "any", "for", "to", "in", "at", "on"})


def _untext(text: str, index: Index) -> str:
    def one(m: re.Match[str]) -> str:
        before = re.findall(r"[a-z']+", text[:m.start()])[-1:]
        after = re.match(r" ([a-z]+)", text[m.end():])
        if (not before or not after or before[0] in _NUMBER_BEFORE or after.group(1) in _COUNT_AFTER
                or index.has_number(m.group(1))):  # "felco 2 pruners", "pressed greens 4": a product's own number
            return m.group(1)
        return "for" if m.group(1) == "4" else "to"
    return _TEXTED.sub(one, text)


_FOR_SALE = re.compile(r"\b(?:for|4)\s+sale\b")
_DO_YOU_KEEP = re.compile(r"\b(do|did|does)\s+(you|u|ya|yall|y'all|you\s+guys|they)\s+keep\b", re.I)


# Texting's spellings of times ("close tonite", "hold it til tmrw"): the words, so they read as times, not as things
_TEXTED_TIMES = {"tonite": "tonight", "2nite": "tonight", "2night": "tonight", "tmrw": "tomorrow", "tmr": "tomorrow",
                 "tmrow": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2day": "today", "tdy": "today", "wknd": "weekend"}
_TEXTED_TIME = re.compile(r"\b(?:" + "|".join(_TEXTED_TIMES) + r")\b", re.I)


def plan(question: str, index: Index, currency: str = "$") -> Plan:
    question = _TEXTED_TIME.sub(lambda m: _TEXTED_TIMES[m.group(0).lower()], question)
    if m := _NAMED_THEN_IT.match(question):
        question = f"{m['v']} the {m['x'].strip()} {m['y'].strip()}?"
    question = _OPEN_WHEN.sub("open hours ", _ARE_YOU_OPEN.sub("open hours", question))
    question = _DO_YOU_KEEP.sub(r"\1 \2 have", question)
    question = _untext(_TRAILING_FILLER.sub("", question), index)
    it = classify(index.respell_intent_words(question))
    if not it.text.strip(" ?!.,"):
        return Plan("empty", it, sentences=[T.EMPTY])
    if it.injection:
        return Plan("injection", it, sentences=[T.INJECTION])
    if it.abusive:
        return Plan("abusive", it, sentences=[T.ABUSIVE])
    if it.greeting:
        return Plan("greeting", it, sentences=[T.GREETING])
    if it.task:
        return Plan("off_topic", it, sentences=[T.OFF_TOPIC])

    # Dietary phrases are constraints, not part of the product's name; so are the store's own labels
    # ("latex free", "non toxic"), like the dietary ones.
    text = strip_constraints(it.text)
    phrases: list[Term] | None = None  # the everyday phrases typed, looked up once and only when a label is there
    for tag, rx in index.labels:
        if not (m := rx.search(it.text)):
            continue
        if phrases is None:
            phrases = [t for t in index.query(it.text).terms if " " in t.word]
        if any(set(words(m.group(0))) < set(ph.word.split()) and not any(rx.search(a) for a in ph.alternatives - {ph.word})
               for ph in phrases):
            # "caustic soda" is lye, whatever "caustic" labels: a label word inside an everyday phrase is the phrase's
            # (unless the phrase means the label: "alcohol free beer" is non alcoholic beer)
            continue
        if not ((it.kinds & {PRICE, STOCK, LOCATION} or _modifies_next(m, it.text) or _inside_name(m, it.text, tag, index))
                and _label_in_name(tag, it.text, index)):
            if tag == "age":
                tag = asked_age(m)
            elif tag == PET_SAFE and re.search(r"toxic|poison|harmful|dangerous", m.group(0)):
                tag = PET_TOXIC
            if tag not in it.dietary:
                it.dietary.append(tag)
                it.kinds.add(DIETARY)
            text = rx.sub(cut_constraint, text)
    text = _GET_IN.sub(lambda m: "order" + m["what"], text)
    text = _TO_SOMEONE.sub(lambda m: "ship" + m["what"], text)
    text = _TO_HOUSE.sub(lambda m: "deliver" + (m["what"] if m["what"] is not None else m["what2"]), text)
    text = _COME_OUT.sub("home visit", text)
    text = _PUT_ON.sub(lambda m: "fitting " + m["what"], text)
    text = _THING_THAT_DOES.sub(r"\1 \2", text)
    text = _NAME_ON.sub("personalize ", text)
    text = _PUT_X_IN.sub(lambda m: "install " + m["what"], _PUT_IN.sub("install ", text))
    text = _STAFF.sub(" staff employee ", _MONEY_OFF.sub(" discount ", text))
    text = _CHEAPER_LATER.sub("discount ", text)
    text = _TILL.sub("until ", text)
    text = _FOR_SALE.sub(" ", text)  # "any pool tables 4 sale": sold, not a sale
    if index.has_word("trial") or index.has_word("demo"):
        text = _TRY.sub("trial ", text)
    text = _BOOK_VERB.sub(lambda m: m["by"] + " booking", text)
    q = index.query(text)
    asked = _object_words(text)
    matches = index.products(q)
    faqs = index.faq(q)
    best_faq = faqs[0] if faqs else None
    product_first = bool(it.kinds & {PRICE, STOCK, DIETARY})

    # "do you sell laptops" is not answered yes by a cable whose description mentions a laptop
    only_kind = AVAILABILITY in it.kinds and not it.kinds & {PRICE, LOCATION, STOCK}
    full = [m for m in matches if m.coverage >= 0.999 and (not only_kind or index.is_kind_asked(q, m.product))]
    faq_full = best_faq is not None and best_faq.coverage >= 0.999
    use_faq = faq_full and (not full or (not product_first and best_faq.specificity > full[0].specificity))
    # "how much is grooming": no product is named so (only a category is), the FAQ row's question has every word
    if (not use_faq and faq_full and full and product_first and DIETARY not in it.kinds and best_faq is not None
            and all(m.name_coverage == 0 for m in full) and len(best_faq.asked_terms) == len(q.terms)):
        use_faq = True
    # "how much to wash my car": the row's question has every word as typed, the product only a longer word ("washer")
    # or a description word -- the service is meant
    if (not use_faq and faq_full and full and best_faq is not None and DIETARY not in it.kinds and best_faq.specificity >= 0.99
            and len(best_faq.asked_terms) == len(q.terms) and all(m.exact < 0.999 for m in full)):
        use_faq = True
    # "do you have tennis rackets": a product named by every word beats a row about a service on that product
    # ("Do you restring tennis rackets?") whose own word for the service the shopper did not use
    if (use_faq and full and AVAILABILITY in it.kinds and full[0].head_named and full[0].exact >= 0.999 and best_faq is not None
            and best_faq.specificity < 0.99):
        use_faq = False
    # "pet carrier for a cat": a product named for the thing asked about beats a row that only mentions it in its answer
    if use_faq and full and full[0].head_named and best_faq is not None and not best_faq.head_asked:
        use_faq = False
    # "where can i find vitamins", "where's the wrapping paper": a place question about a thing the store's products are
    # named by (name or category) asks where those products are -- not for a service row that shares the word ("Can I get
    # advice on supplements?", "Do you gift wrap?"), unless that row itself is about where something is.
    if use_faq and full and best_faq is not None and _asks_product_place(it, full[0], best_faq):
        use_faq = False
    # The product matched only by forgiving filler words, the FAQ row by the words themselves: the FAQ is meant.
    # (not a row with only what the thing is for: "the fake grass for train layouts" is no "run trains on your layout")
    if (not use_faq and full and not product_first and best_faq is not None and best_faq.specificity > 0
            and best_faq.coverage > full[0].strict + 1e-9 and index.faq_mentions_thing(q, best_faq.entry)):
        use_faq = True
    # "is there a microwave" uses every word of an FAQ question but a third of "Microwave Popcorn": the FAQ is meant.
    if (not use_faq and full and not product_first and best_faq is not None and best_faq.specificity >= 0.99
            and best_faq.coverage >= full[0].strict - 1e-9 and full[0].specificity < 0.5):
        use_faq = True
    # No product has all the words, an FAQ row has its own words and more of the shopper's than any product
    # ("how much to get a spare house key cut"): a price or stock word does not make it a product question.
    if (not use_faq and not full and best_faq is not None and best_faq.specificity >= 0.99
            and max(best_faq.coverage, best_faq.known_coverage) >= 0.5
            and all(max(best_faq.coverage, best_faq.known_coverage) > m.strict + 1e-9 for m in matches)):
        use_faq = True
    # "a coffee with no dairy" asks for a product: not for a row that mentions coffee only in passing in its answer
    if use_faq and DIETARY in it.kinds and best_faq is not None and not best_faq.head_asked:
        use_faq = False
    # "is there someone i can ask about supplements": a question for a person's help or advice wants the row about that
    # service when the row's own question names the thing ("Can I get advice on supplements?"), not the supplements
    if not use_faq and best_faq is not None and DIETARY not in it.kinds and _PERSON_ASK.search(it.text):
        # "can i talk to someone about X": the asking for a person is no part of the thing asked about
        topic = index.query(_PERSON.sub(" ", text))
        if topic.head >= 0 and topic.terms[topic.head].word in {q.terms[i].word for i in best_faq.asked_terms}:
            use_faq = True
    # "how long til my guitar setup is ready": no product fact says how long or when; an FAQ row with as many of the
    # shopper's words as any product has may
    if (not use_faq and DIETARY not in it.kinds and _WHEN.search(it.text) and best_faq is not None and best_faq.specificity > 0
            and best_faq.asked_terms and all(best_faq.coverage >= m.strict - 1e-9 for m in matches)):
        use_faq = True
    # "does the roland digital piano have bluetooth", "is the kala uke solid wood": a yes/no question about one named
    # product's feature is answered from its labels and description, never with a bare "Yes, ... is in stock".
    if (not use_faq and not it.dietary and not it.kinds & {PRICE, STOCK, LOCATION} and (feat := _feature_question(text, index))
            and not _store_matter(*feat)):
        product, feature = feat
        return Plan("feature", it, products=[product], sentences=T.feature(product, feature), asked=asked)
    # "how much to rent a keyboard", "can I bring the pram back": a service the store does, named by its verb, is the row
    # about it -- the keyboard's price or the pram's place is not what was asked.
    # ("how much to sharpen a serrated knife": a label word the row itself speaks of is no dietary question)
    # (not "where is the thing u use 2 clean ur bearings": a place asked for a thing, not the service that cleans them)
    by_its_name = DIETARY not in it.kinds and bool(_DO_YOU_DO.search(it.text))  # "do you do/offer X"
    if (not _WHERE_IS_THING.search(it.text) and (service := index.service_row(q)) is not None and (DIETARY not in it.kinds or all(
            fold_contains(service.entry.question + " " + service.entry.answer, c.replace("-", " ")) for c in it.dietary))):
        # ...unless another row clearly means the service asked ("1 on 1 pilates lessons": private sessions, not the
        # "rent a mat for class" row that shares the word for lessons)
        if by_its_name and (row_m := index.by_meaning.nearest_faq(question, min_score=SERVICE_OVER_WORDS_SCORE)) is not None:
            return _faq_plan(it, row_m.entry, index, asked)
        return _faq_plan(it, service.entry, index, asked)
    # "can i shoot at your range": the store's own thing, that no product is named by and an FAQ row's question names
    if not use_faq and DIETARY not in it.kinds and (row := _yours(it.text, q, faqs, index)) is not None:
        return _faq_plan(it, row.entry, index, asked)
    # "how much to get my skis waxed": the thing done is the store's service, not the Waxing Iron
    # (also over a row that has the words only in passing in its answer: "bows that have been shot or tuned are final sale")
    if ((not use_faq or (best_faq is not None and not best_faq.asked_terms)) and DIETARY not in it.kinds and (done := _DONE_TO.search(text))
            and (row := index.done_to_row(q, done["done"] or done["verb"] or done["ask"], said_only=not done["done"])) is not None):
        return _faq_plan(it, row.entry, index, asked)
    # "how much to put an eye splice in my line": a thing no product is, that an FAQ row offers at a price
    if not use_faq and not full and PRICE in it.kinds and DIETARY not in it.kinds and (row := index.offered_thing(q)) is not None:
        return _faq_plan(it, row.entry, index, asked)
    # "can i control the fluval light from my phone", "can i use flourish in my saltwater tank": a use of one named
    # product, answered from its labels and description (after the services: "can i return the kettle" is one)
    if (not use_faq and not it.dietary and not it.kinds & {PRICE, STOCK, LOCATION}
            and (feat := _feature_question(text, index, verbs=True)) and not _store_matter(*feat)):
        product, feature = feat
        return Plan("feature", it, products=[product], sentences=T.feature(product, feature), asked=asked)
    # "how many points do i need to get money off": no product has any of the words, an FAQ row has the thing asked about
    # and half of them -- a count or price word does not make it a product question
    if (not use_faq and DIETARY not in it.kinds and best_faq is not None and best_faq.coverage >= 0.5 and best_faq.head_hit
            and not any(m.strict > 0 for m in matches) and index.faq_has_thing(q, best_faq.entry)):  # not "birthday cards"
        use_faq = True
    # "do u sell iphones" is not the screen-replacement row that names iPhones in its answer
    if use_faq and AVAILABILITY in it.kinds and best_faq is not None and index.service_done_to(q, best_faq.entry):
        use_faq = False
    # "how much to put a new battery in my watch": a service asked in the shopper's own words (not a place or label question)
    service_shaped = LOCATION not in it.kinds and DIETARY not in it.kinds and bool(_SERVICE_ASK.search(it.text))
    # A row that clearly means the service beats a row that has the shopper's words only in passing ("thrown, inked or
    # dyed discs are final sale" for "how much 2 get a disc dyed")
    if (use_faq and best_faq is not None and service_shaped
            and (row_m := index.by_meaning.nearest_faq(question, min_score=SERVICE_OVER_WORDS_SCORE)) and row_m.entry is not best_faq.entry):
        return _faq_plan(it, row_m.entry, index, asked)
    # "where is the thing u use 2 clean ur bearings": where a thing is, not the row of the service done to what it is for,
    # unless the row says where something is
    if use_faq and best_faq is not None and _WHERE_IS_THING.search(it.text) and not _says_place(best_faq.entry, index):
        use_faq = False
    if use_faq:
        assert best_faq is not None
        return _faq_plan(it, best_faq.entry, index, asked)
    # "do league bowlers get a discount", "i bowl in a league do i get anything off": a matter of the store (a discount,
    # parking, points) that no product speaks of is the row whose question names it, whoever the shopper says they are
    if not use_faq and DIETARY not in it.kinds and (row := _store_matter_row(q, faqs, index)) is not None:
        return _faq_plan(it, row.entry, index, asked)
    # "can u make my gold ring smaller how much": a service asked in the shopper's own words, which no row's words match
    # ("Do you resize rings?") -- the row that means it, if one clearly does
    if service_shaped and (row_m := index.by_meaning.nearest_faq(question)):
        return _faq_plan(it, row_m.entry, index, asked)
    if by_its_name and (row_m := index.by_meaning.nearest_faq(question, min_score=SERVICE_OVER_WORDS_SCORE)):
        return _faq_plan(it, row_m.entry, index, asked)

    # A store question that only partly matches an FAQ row ("can I bring my dog in?") still beats "we don't carry".
    # ...unless the thing asked about is a product and the row does not mention it ("where do I order a coffee").
    head_is_product = q.head >= 0 and any(m.head_hit and m.strict > 0 for m in matches)
    if (not full and not product_first and best_faq is not None and best_faq.specificity > 0
            and (best_faq.head_hit or not head_is_product) and (best_faq.coverage >= 0.5 or (best_faq.known_coverage >= 0.5 and best_faq.specificity >= 0.5))
            and not any(m.strict >= best_faq.coverage and m.name_coverage > 0 for m in matches)
            and (AVAILABILITY not in it.kinds or index.faq_has_thing(q, best_faq.entry))  # "do you sell birthday cards"
            # "do u sell party balloons": a thing to buy is not a row that lacks the thing ("Can you cater a party?")
            and not (_SELL.search(it.text) and not best_faq.head_hit)
            # "nitro fuel for rc cars": a row about what the thing is for (RC car repairs), none of the thing itself
            and index.faq_mentions_thing(q, best_faq.entry)):
        return _faq_plan(it, best_faq.entry, index, asked)

    # "can I return dog food": the product has every word but the one the FAQ row's question is about -- the service.
    # Not "where are the puncture patches": a place question whose thing (the head word) a product is named by and the
    # row lacks ("Can you fix a puncture?").
    # Nor "where r the powell peralta boards", "how much is the little plastic board": the place or price of a thing,
    # not a row of a service on such things that says neither a place nor is asked as one.
    if (not full and not it.dietary and best_faq is not None and matches and matches[0].coverage >= 0.5 and matches[0].missed
            and not (_asks_product_place(it, matches[0], best_faq) and not best_faq.head_hit)
            and not (_THING_FACT.search(it.text) and not _says_place(best_faq.entry, index))
            and set(matches[0].missed) <= best_faq.asked_terms
            and all(q.split < 0 or q.terms[i].pos < q.split for i in matches[0].missed)  # not "a lead for my puppy"
            # not "a 2lb dive weight" in a dive shop: a word other products are named by, before the thing, says what kind
            and not (q.head >= 0 and any(q.terms[i].pos < q.terms[q.head].pos and index.is_name_word(q.terms[i].word)
                                         for i in matches[0].missed))):
        return _faq_plan(it, best_faq.entry, index, asked)

    # Nothing has the words in its name or category: an everyday name may be in a description ("beers": "Italian lager"),
    # and where a thing is may be named like it ("where do I get a coffee": the Coffee Bar).
    if not full and q.terms and not it.dietary:
        # (every word but what it is for: "the water bottle you carry when running" -- a flask "with a hand strap")
        core = sum(1 for t in q.terms if q.split < 0 or t.pos < q.split)
        full = [m for m in index.products(q, loose=True, places=LOCATION in it.kinds) if m.head_hit
                and (m.strict >= 0.999 or (m.coverage >= 0.999 and m.strict * len(q.terms) >= core - 1e-9))
                and (not only_kind or index.is_kind_asked(q, m.product))]

    # "the 18x18x24 exo terra tank": one product's name has every word but the thing's own ("tank" for a terrarium),
    # among them a model number or size no other product's name has -- that product, called by another name
    if (not full and not it.dietary and matches and q.head >= 0 and matches[0].missed == (q.head,)
            and any(index.model_number_of(t.word) == matches[0].product.sku for i, t in enumerate(q.terms) if i != q.head)):
        full = [matches[0]]

    if DIETARY in it.kinds and it.dietary:
        # "can the thermapen one get wet, is it waterproof": the words after the one product named are about the label
        if not full and (m := _YES_NO.match(" ".join(fold(text).split()))) and (found := _prefix_product(m["rest"].split(), index)):
            pq = index.query(" ".join(m["rest"].split()[: found[1]]))
            full = [x for x in index.products(pq) if x.product is found[0]]
        return _plan_dietary(it, index, q, full, asked, currency)

    if full:
        top = full[0]
        chosen = [m.product for m in full if m.core_name >= top.core_name - 1e-9 and m.specificity >= top.specificity - 0.34][:3]
        # "lifeproof sterling oak": the plank whose name begins with the words is as meant as the molding that is "4-in-1
        # Molding Sterling Oak" -- a longer name does not make it less the thing named
        chosen += [m.product for m in full if m.product not in chosen and m.exact >= 0.999 and _named_first(m.product, q)][:3 - len(chosen)]
        return _plan_product(it, _longer_names(chosen, it.text, index), asked, currency)

    # Before "we don't carry X": a service the store offers is in its FAQ, often in other word forms ("a garden design
    # consult" -> "Garden design consultations are $120"). The row must cover the thing asked for and more of the
    # shopper's words than any product does.
    covering = index.faq_covering(q, exact_head=AVAILABILITY in it.kinds) if not it.dietary else None
    if (covering is not None and covering[1] >= 0.6 and all(covering[1] > m.strict + 1e-9 for m in matches)
            and (AVAILABILITY not in it.kinds or index.faq_has_thing(q, covering[0].entry))):
        return _faq_plan(it, covering[0].entry, index, asked)

    if not q.terms:
        if it.kinds:
            return Plan("not_carried", it, sentences=["Which product are you looking for? Please type its name."], asked=asked)
        return Plan("off_topic", it, sentences=[T.OFF_TOPIC])
    # Alternatives only of the kind asked for: "paper shredders" gets no copier paper, "pizza slice" no cake slice.
    near = [m for m in matches if m.coverage >= 0.5 and m.name_coverage > 0 and m.head_hit][:2]
    partial = [m.product for m in near]
    # "is my flight delayed": a question about the shopper's own things; "recommend a good movie": advice about something
    # no product, FAQ or everyday name of this store's kind uses. Neither is a product the store lacks.
    if (not it.kinds and not partial and not any(m.strict > 0 and m.head_hit for m in matches)
            and (_ABOUT_OWN.search(it.text) or (_ADVICE.search(it.text) and not any(t.known for t in q.terms)))):
        return _off_topic_or_row(it, question, index, asked)
    # A plain phrase naming things is shopping; so is a longer one when part of it names what the store sells.
    shopping = bool(it.kinds) or (not _QUESTION_WORDS.search(it.text) and (len(q.terms) <= 3 or any(m.strict > 0 for m in matches)))
    if not shopping and not partial:
        return _off_topic_or_row(it, question, index, asked)
    if near and near[0].missed and all(q.split >= 0 and q.terms[i].pos > q.split for i in near[0].missed):
        # the store has the thing, not the thing for that: say which
        ws = _object_words(text, whole=True).split()
        asked = " ".join(ws[:-1] if ws and ws[-1] in SPLIT_WORDS else ws)
    # "how much is the rubber bulb air puffer": one product is the kind asked for by name (the air blaster), only words
    # before the thing are missing -- say it is the closest match, with the fact asked, rather than only "we don't carry"
    if (it.kinds & {PRICE, LOCATION, STOCK} and near and q.head >= 0 and near[0].head_named
            and near[0].missed and q.head not in near[0].missed
            # (or only words of what it is for: "the support sticks for stacking cake tiers" -> the dowel rods)
            and all(q.terms[i].pos < q.terms[q.head].pos or 0 <= q.split < q.terms[i].pos for i in near[0].missed)
            and not any(index.names_other_brand(q.terms[i].word, near[0].product) for i in near[0].missed)
            and (len(near) == 1 or not near[1].head_named or near[0].specificity > near[1].specificity + 0.2)):
        return _closest(it, near[0].product, asked, currency)
    # "how much is that magnetic wrist bracelet thing for holding markers": no product is the thing by any name, one
    # product's own words have three or more of the rest and no other comes close -- the closest match, said to be so
    # (a product whose description has the thing but only half as many of the words is no contender: "houses" it lights)
    if (it.kinds & {PRICE, LOCATION, STOCK} and q.head >= 0 and matches
            and not any(m.head_hit and m.strict * 2 > matches[0].strict + 1e-9 for m in matches)
            and q.head in matches[0].missed and len(q.terms) - len(matches[0].missed) >= 3 and matches[0].strict >= 0.6 - 1e-9
            and (len(matches) == 1 or matches[1].strict * 2 <= matches[0].strict + 1e-9)):
        return _closest(it, matches[0].product, asked, currency)
    # "where r the tegaderm patches", "wheres the yaesu walkie talkie": the thing's own word is not the product's, but
    # another word typed is a name (no everyday word) that only one product's name has -- that product, the closest match
    if it.kinds & {PRICE, LOCATION, STOCK} and (only := _only_named(q, asked, index)) is not None:
        return _closest(it, only, asked, currency)
    # "where r the chux pads": no word of it names a product and the lexicon has no row for it, but one product means that
    # thing (the disposable underpads) -- the closest match, said to be so. Not for a plain "do you sell X": there a
    # product merely near in meaning ("trekking poles" for fishing rods) is no answer, and "we don't carry X" is.
    # Also when the words found alternatives: "how much is the canned milk" names evaporated milk by meaning, not the
    # milk chocolate that shares a word (on the 235 eval stores: +25 right, 0 lost).
    # (not for a model code no product has, "the bp3000 pump": the pumps the words found are listed, none made the one)
    if (it.kinds & {PRICE, LOCATION, STOCK} and not (partial and any(_CODE.fullmatch(w) and not index.knows_code(w) for w in fold(question).split()))
            and (near_m := index.by_meaning.nearest(asked) or _described(question, asked, index))):
        return _closest(it, near_m.product, asked, currency)
    sentences = [T.not_carried(asked)]
    if partial:
        sentences.append(T.alternatives(partial, currency))
    return Plan("not_carried", it, products=partial, sentences=sentences, asked=asked)


def _described(question: str, asked: str, index: Index) -> Nearest | None:
    """"how much is the machine that cleans jewelry with sound waves": the words kept as the thing's name ("machine") say
    little; the whole description, read by meaning, names the ultrasonic cleaner."""
    desc = " ".join(_ASK_LEAD.sub("", fold(question)).strip(" ?!.").split())
    if not desc or desc == asked:
        return None
    return index.by_meaning.nearest(desc, min_score=DESCRIBED_MIN_SCORE if len(desc.split()) >= 3 else None)


def _only_named(q: Query, asked: str, index: Index) -> Product | None:
    """The one product whose name has a word typed that is no everyday English word ("tegaderm"); of two or three so
    named ("yaesu": a handheld and a mobile radio), the one the meaning of the words asked clearly prefers."""
    if q.head < 0:
        return None
    head = q.terms[q.head]
    # (as typed, and before the thing asked for, as a maker's or a line's name is: not "a pillow for breastfeeding")
    found = {p.sku: p for t in q.terms if " " not in t.word and len(t.word) >= 4 and t.word not in index.english
             and t.word in q.typed and t.pos < head.pos for p in index.named_by(t.word)}
    if len(found) == 1:
        return next(iter(found.values()))
    if not 2 <= len(found) <= 3:
        return None
    near = index.by_meaning.nearest(asked, min_score=float("-inf"), min_gap=MIN_AMONG_GAP, among=frozenset(found))
    return near.product if near else None


def _faq_plan(it: Intent, entry: FaqEntry, index: Index, asked: str) -> Plan:
    """The FAQ row's own answer, sentence by sentence."""
    return Plan("faq", it, faq=entry, sentences=_sentences(entry.answer, index), asked=asked)


def _off_topic_or_row(it: Intent, question: str, index: Index, asked: str) -> Plan:
    """"what day does fresh basil n herbs come in": no word of it is the store's, but an FAQ row clearly means it."""
    if DIETARY not in it.kinds and (row := index.by_meaning.nearest_faq(question)) is not None:
        return _faq_plan(it, row.entry, index, asked)
    return Plan("off_topic", it, sentences=[T.OFF_TOPIC], asked=asked)


def _closest(it: Intent, p: Product, asked: str, currency: str) -> Plan:
    """"We don't have anything called X; the closest match is P" with the fact (price, place, stock) asked."""
    return Plan("not_carried", it, products=[p], sentences=T.closest(asked, p, PRICE in it.kinds, LOCATION in it.kinds, currency,
                                                                    stock=STOCK in it.kinds), asked=asked)


def _store_matter(p: Product, feature: str) -> bool:
    """"do electricians get a discount here": the "feature" is a matter of the store (a discount), which the product's
    own words never mention -- a question about the store, not about the Electrician's Multimeter."""
    fw = {w for w in words(feature) if w not in STOPWORDS}
    if not fw & _STORE_MATTERS:
        return False
    return not fw & set(words(f"{p.name} {p.description} {' '.join(p.tags)}".replace("-", " ")))


# What a shopper asks of the store, never a product's feature ("do electricians get a discount")
_STORE_MATTERS = frozenset(stem(w) for w in ("discount", "discounts", "deal", "deals", "coupon", "coupons", "sale", "refund", "parking",
                                             "membership", "loyalty", "points", "rewards", "voucher", "vouchers"))


def _store_matter_row(q: Query, faqs: list[FaqMatch], index: Index) -> FaqMatch | None:
    for i, t in enumerate(q.terms):
        if t.word in _STORE_MATTERS and not index.product_says(t.word):
            return next((f for f in faqs if i in f.asked_terms), None)
    return None


_YOUR = re.compile(r"\b(?:your|ur|yer)\s+(?:own\s+)?([a-z]+)")


def _yours(text: str, q: Query, faqs: list[FaqMatch], index: Index) -> FaqMatch | None:
    """The FAQ row whose question names the store's thing the shopper said was the store's ("your range", "your cafe")."""
    for m in _YOUR.finditer(text):
        w = stem(m.group(1))
        i = next((k for k, t in enumerate(q.terms) if t.word == w), -1)
        if i < 0 or index.is_name_word(w):
            continue
        return next((f for f in faqs if i in f.asked_terms), None)
    return None


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(text))


def _modifies_next(m: re.Match[str], text: str) -> bool:
    """"does the *inflatable* t-rex costume need batteries": the label word opens the named product's words in a yes/no
    question about it, and more of the name follows -- not asked for ("do you have sugar free gum" asks for it)."""
    lead = re.match(r"(?:is|are|does|do|can|will|has|have)\s+(?:the|this|that|your|these|those)\s+", text)
    nxt = re.match(r"[\s-]*([a-z0-9'][a-z0-9'-]*)", text[m.end():])
    return bool(lead) and m.start() <= lead.end() and bool(nxt) and stem(nxt.group(1)) not in STOPWORDS


def _inside_name(m: re.Match[str], text: str, tag: str, index: Index) -> bool:
    """"does the travelon *anti theft* crossbody block rfid": the label's words sit inside a product's name as typed (its
    words before and after are that name's too) -- the product named, not a label asked about."""
    before = re.findall(r"[a-z0-9'&]+", text[:m.start()])[-1:]
    after = re.match(r"[\s-]*([a-z0-9'][a-z0-9'-]*)", text[m.end():])
    if not before or not after:
        return False
    b, a = stem(before[0]), stem(after.group(1))
    for p in index.catalog.products.values():
        if _compact(tag) in _compact(p.name):
            own = {stem(w) for w in words(f"{p.brand} {p.name}")}
            if b in own and a in own:
                return True
    return False


def _label_in_name(tag: str, question: str, index: Index) -> bool:
    """"do you have the greenpan nonstick pan in stock": the label is a word of the product's name the shopper typed
    (with another of its name words), not a constraint -- in a question about its stock, price or place."""
    asked = set(words(question))
    return any(_compact(tag) in _compact(p.name) and len(asked & (set(words(p.name)) - set(words(tag.replace("-", " "))) - STOPWORDS)) >= 1
               for p in index.catalog.products.values())


_YES_NO = re.compile(r"^(?:is|are|does|do|has|have|can|will|would|could)\s+(?:(?:the|this|that|your|these|those|a|an)\s+"
                     # "is micron csc an ablative paint": a product's name without "the" (not "is there", "do you", "can i")
                     r"|(?!(?:there|you|u|ya|we|i|it|they|he|she|my|our|any|anyone|someone|somebody|this|that|these|those)\b))"
                     r"(?P<rest>.+?)[\s?!.]*$")
# "can i control the fluval light from my phone", "can i use seachem flourish in my tank": what the shopper would do with
# one named product -- asked of its labels and description like any other feature
_CAN_I = re.compile(r"^(?:can|could|will|would)\s+(?:i|we|you|(?P<who>(?:a|an|my)\s+[a-z]+))\s+(?P<verb>(?:machine|hand|tumble|dry)\s+[a-z]+|[a-z]+)\s+(?:the|this|that|these|those|a|an|my)?\s*(?P<rest>.+?)[\s?!.]*$")
# verbs that ask for the store's service or a product itself, never a feature ("can i return the kettle")
_NOT_FEATURE_VERBS = frozenset({"return", "exchange", "buy", "get", "find", "see", "order", "reserve", "pay", "book", "collect", "bring",
                                "have", "try", "rent", "hire", "borrow", "swap", "refund", "pick", "look", "check", "afford",
                                "sell", "trade", "repair", "fix", "ask", "talk", "speak", "leave", "park", "wrap", "come"})
# words between the product and its feature: "does the piano *have* bluetooth", "is the uke *made of* solid wood"
_FEATURE_LEAD = re.compile(r"^(?:(?:have|has|got|come|comes|with|made|of|from|in|on|for|a|an|any|use|uses|take|takes|support|supports|work|works|"
                           r"got|get|include|includes|been|really|actually|properly|fully|proper|real|contain|contains)\s+)+")
# ...and what may close it: "have any wool *in it*"
_FEATURE_TAIL = re.compile(r"(?:\s+(?:in|on|inside)\s+(?:it|them|this|that|there))+$")
# the verb after a product's name that starts its feature, even when the words after it are also the product's kind
# ("does the chenille yarn *have* any wool in it": wool is a kind of yarn, but here the thing asked about)
_FEATURE_VERBS = frozenset({"have", "has", "contain", "contains", "include", "includes", "come", "comes"})


def _able_of(verb: str, tag: str) -> bool:
    """"dimmable" is what can be dimmed, "washable" washed, "foldable" folded."""
    return tag in (verb + "able", verb + verb[-1] + "able", verb + "ible", verb.removesuffix("e") + "able")


def _prefix_product(toks: list[str], index: Index) -> tuple[Product, int] | None:
    """The one product the longest leading run of ``toks`` names (by name, every word), and that run's length."""
    for k in range(len(toks) - 1, 0, -1):
        q = index.query(" ".join(toks[:k]))
        if not q.terms:
            continue
        full = [x for x in index.products(q) if x.strict >= 0.999 and x.name_coverage > 0]
        if len(full) != 1 and not (len(full) > 1 and full[0].specificity > full[1].specificity + 0.2):
            continue
        return full[0].product, k
    return None


def _feature_question(text: str, index: Index, verbs: bool = False) -> tuple[Product, str] | None:
    """(the product, the feature asked about) when the question is "is/does the <one product> <feature>" and the words
    before the feature name exactly one product by name (the feature's words are not all in its name). With ``verbs``,
    also "can I <verb> the <product> <more>", the verb and the more being the feature."""
    folded = " ".join(fold(text).split())
    if (m := _YES_NO.match(folded)) and (found := _feature_of(m, "", index)) is not None:
        return found
    # "hd 25 cable detachable?": the product, then words one of its own labels has -- asked without a verb
    toks = folded.rstrip("?!. ").split()
    if folded.endswith("?") and (pre := _prefix_product(toks, index)) is not None and pre[1] < len(toks):
        p, k = pre
        rest = [w for w in words(" ".join(toks[k:])) if w not in STOPWORDS]
        if rest and any(set(rest) <= set(words(t.replace("-", " "))) for t in p.tags):
            return p, " ".join(toks[k:])
    if not verbs or not (m := _CAN_I.match(folded)) or m["verb"] in _NOT_FEATURE_VERBS or (
            m["verb"] in STOPWORDS and m["verb"] not in ("use", "wear", "wash", "cook", "clean", "put", "take")):
        return None
    return _feature_of(m, m["verb"].replace(" ", "-"), index)  # "machine wash" is what "machine-washable" says


def _feature_of(m: re.Match[str], lead: str, index: Index) -> tuple[Product, str] | None:
    toks = m.group("rest").split()
    found = _prefix_product(toks, index)
    if found is None:
        return None
    p, k = found
    named = set(words(p.name)) | set(words(p.brand)) | set(words(p.category))
    names: dict[str, bool] = {}

    def names_it(w: str) -> bool:
        """The typed word (or an everyday name for it) is one of the product's own words; asked once per word."""
        if w not in names:
            names[w] = any(a in named for t in index.query(w).terms for a in t.alternatives)
        return names[w]

    # the feature is what follows the last word naming the product ("sony headphones | noise cancelling")
    j = len(toks)
    while j > 1 and not names_it(toks[j - 1]):
        j -= 1
    first = next((i for i, t in enumerate(toks) if names_it(t)), 0)
    verb_at = [i for i in range(first + 1, j) if toks[i] in _FEATURE_VERBS]
    if verb_at:
        j = verb_at[-1] + 1
    feature = _FEATURE_TAIL.sub("", _FEATURE_LEAD.sub("", " ".join(toks[j:])).strip()).strip()
    who = m.groupdict().get("who") if lead else None
    if lead:
        if not feature and not who:
            # "can i dim the screenbar": the verb alone is the feature when a label is its "-able" form ("dimmable");
            # "can i machine wash the leotard" asks it whatever the labels say
            return (p, lead) if "-" in lead or any(_able_of(lead, t) for t in p.tags) else None
        feature = f"{lead} it {' '.join(toks[j:])}".strip()  # "control it from my phone": as said
        if who:
            feature = f"{who} {feature}"  # "a lefty use it": who asks is part of the question
    fw = [w for w in words(feature) if w not in STOPWORDS]
    if not fw:  # "is the valvoline 10w30 *synthetic* oil": the feature sits inside the product's words
        inside = [w for w in toks[k:] if words(w) and all(x not in STOPWORDS for x in words(w)) and not names_it(w)]
        if not inside:  # "is micron csc an *ablative* paint": a label word among the name's words
            inside = [w for w in toks[first:] if w.isalpha() and all(x not in STOPWORDS for x in words(w)) and not names_it(w)]
        feature, fw = " ".join(inside), [x for w in inside for x in words(w)]
    last = toks[-1].strip("?!.,")
    if not fw and any(last in t.split("-") for t in p.tags if t != last):
        return p, last  # "is the certified helmet certified": its name has the word, its labels say by whom
    if not fw or len(fw) > (6 if lead else 4):
        return None  # "is the acoustic guitar natural": the words name the product, no feature is asked
    return p, feature


_PLACE_WORDS = re.compile(r"\b(?:where|located|location|find\s+(?:it|them|us)|back|front|near|next\s+to|beside|behind|inside|outside|upstairs"
                          r"|downstairs|floor|entrance|exit|corner|desk|counter|aisle|shelf|shelves|wall|door|room|area|lobby|window|by\s+the)\b")


def _says_place(f: FaqEntry, index: Index) -> bool:
    """The row tells where something is: a place word, or one of the store's own places."""
    text = fold(f"{f.question} {f.answer}")
    return bool(_PLACE_WORDS.search(text)) or any(fold(loc) in text for loc in index.locations)


def _asks_product_place(it: Intent, m: Match, f: FaqMatch) -> bool:
    """A 'where is X' question whose X (its head word) the product's name or category has, and the FAQ row's question is
    not itself about where something is ("Where are the toilets?")."""
    return bool(_WHERE.search(it.text)) and m.head_named and not _WHERE.search(fold(f.entry.question))


def _name_words(name: str) -> list[str]:
    return [w for w in words(name) if not any(c.isdigit() for c in w)]


def _named_first(p: Product, q: Query) -> bool:
    """The shopper typed only the product's brand and the words its name begins with ("sterling oak" in "Sterling Oak
    Luxury Vinyl Plank", not in "4-in-1 Molding Sterling Oak")."""
    said = {t.word for t in q.terms}
    name = [stem(w) for w in _name_words(p.name)]
    hit = [w for w in name if w in said]
    return len(hit) >= 2 and name[:len(hit)] == hit and said <= set(hit) | {stem(w) for w in words(p.brand)}


def _longer_names(chosen: list[Product], question: str, index: Index) -> list[Product]:
    """"Diet cola" means Diet Cola, not Cola: a product whose name holds the chosen one's name plus words the shopper
    also typed is the one meant -- even when those words ("diet", "free") are ones retrieval ignores as filler."""
    asked = set(words(question))
    out: list[Product] = []
    for p in chosen:
        own = _name_words(p.name)
        best, best_extra = p, 0
        for other in index.catalog.products.values():
            if other.sku == p.sku:
                continue
            ow = _name_words(other.name)
            if len(ow) <= len(own) or not _sublist(own, ow):
                continue
            extra = set(ow) - set(own)
            if extra and extra <= asked and len(extra) > best_extra:
                best, best_extra = other, len(extra)
        if best not in out:
            out.append(best)
    # ...and "cola" means Cola, not also Diet Cola: drop a longer name whose extra words the shopper did not type.
    return [b for b in out if not any(a is not b and _sublist(_name_words(a.name), _name_words(b.name))
                                      and not (set(_name_words(b.name)) - set(_name_words(a.name))) <= asked for a in out)]


def _sublist(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return n > 0 and any(long[i:i + n] == short for i in range(len(long) - n + 1))


def _plan_product(it: Intent, products: list[Product], asked: str, currency: str) -> Plan:
    s: list[str] = []
    req: list[str] = []
    kinds = it.kinds
    if LOCATION in kinds:
        s += T.location(products)
        req += [p.location for p in products]
    if PRICE in kinds:
        s += T.price(products, currency)
        req += [T.money(p.price, currency) for p in products]
    if STOCK in kinds:
        s += T.stock(products)
        # "is it in stock?" is answered in those words, not only by a count ("available (4 left)")
        req += [w for p in products if p.stock is not None for w in ((str(p.stock), "in stock") if p.stock else ("out of stock",))]
    if not s:
        s += T.availability(products, currency)
        req += [p.location for p in products if p.stock != 0]
        req += ["in stock" for p in products if p.stock]
    if STOCK not in kinds:
        notes = [n for n in T.out_of_stock_notes(products) if not any("out of stock" in x and n.split(" is out")[0] in x for x in s)]
        s += notes
        req += ["out of stock" for p in products if p.stock == 0]
    return Plan("product", it, products=products, sentences=s, required=req, asked=asked)


def _plan_dietary(it: Intent, index: Index, q, full, asked: str, currency: str) -> Plan:
    constraint = it.dietary[0]
    yes_tag = constraint_tags(constraint)[0]
    named = constraint.replace("-", " ") in " ".join(fold(it.text).replace("-", " ").split())
    if not q.terms and is_age_constraint(constraint):
        # "ok for kids?": an age label belongs to one product; a list of "labelled age" would say nothing
        return Plan("not_carried", it, sentences=["Which product are you asking about? Please type its name."], asked=asked)
    if full:
        top = full[0]
        cands = _named_in_full([m.product for m in full if m.name_coverage >= top.name_coverage - 1e-9], it.text, index)
        cands = index.named_as_typed(q, cands) or cands
        # Every product that has all the words, by name or by category ("gluten free bread": the loaf is bread too).
        tagged = _named_in_full([m.product for m in full if yes_tag in m.product.tags], it.text, index)
        tagged = [p for p in tagged if yes_tag in p.tags]
        if not tagged and len(cands) > 1:
            # "booze free beer": the labelled beers may say "beer" only in their description ("a non-alcoholic IPA")
            tagged = index.by_tag(yes_tag, q.terms)
        specific = len(cands) == 1 and (top.specificity >= 0.99 or yes_tag in cands[0].tags or not tagged)
        if specific:
            p = cands[0]
            sentence, verdict = T.dietary(p, constraint, named)
            s = [sentence] + _extras(it, [p], currency)
            others = [x for x in tagged if x.sku != p.sku][:2] if verdict is not True else []
            if others:  # "No, Sausage Roll is not labelled vegan" -- but the Vegan Sausage Roll is
                s += T.dietary_list(others, constraint, currency) + T.out_of_stock_notes(others)
            return Plan("product", it, products=[p, *others], sentences=s, required=[], asked=asked)
        # Several products match ("bread"): list those that meet the constraint.
        if tagged:
            ok = tagged[:3]
            return Plan("dietary_list", it, products=ok, sentences=T.dietary_list(ok, constraint, currency) + _stock_notes(it, ok),
                        asked=asked)
        names = cands[:3]
        sents = [T.dietary(p, constraint, named)[0] for p in names]
        return Plan("product", it, products=names, sentences=sents, asked=asked)
    if q.terms and not any(m for m in index.by_tag(yes_tag, q.terms)):
        # Asked about a kind of product we do not have at all, or none with that label.
        matches = index.products(q)
        if not matches or matches[0].coverage < 0.999:
            return Plan("not_carried", it, sentences=[T.not_carried(asked or "that")], asked=asked)
        return Plan("dietary_list", it, sentences=T.dietary_list([], constraint, currency), asked=asked)
    items = index.by_tag(yes_tag, q.terms)[:3]
    return Plan("dietary_list", it, products=items, sentences=T.dietary_list(items, constraint, currency) + _stock_notes(it, items),
                asked=asked)


def _named_in_full(products: list[Product], question: str, index: Index) -> list[Product]:
    """"the vegan sausage roll" names Vegan Sausage Roll, not Sausage Roll: a product whose whole name (less sizes) the
    shopper typed word for word replaces the shorter names inside it. "is the sausage roll vegan" names only Sausage Roll."""
    asked = words(question)
    out: list[Product] = []
    for p in products:
        own = _core_words(p.name)
        best = p
        for other in index.catalog.products.values():
            ow = _core_words(other.name)
            if len(ow) > len(_core_words(best.name)) and _sublist(own, ow) and _sublist(ow, asked):
                best = other
        if best not in out:
            out.append(best)
    # ...and a longer name the shopper did not type word for word is not meant when a shorter one inside it was typed.
    typed = [p for p in out if _sublist(_core_words(p.name), asked)]
    # a product named word for word is the one meant, not others that only match its kind ("vegan dog treats" vs Dog Chews)
    out = typed or out
    return [p for p in out if p in typed or not any(_sublist(_core_words(t.name), _core_words(p.name)) for t in typed)]


def _core_words(name: str) -> list[str]:
    """A name as a shopper types it: no sizes, no packaging ("Diet Cola 330ml Can" -> diet cola)."""
    return [w for w in _name_words(name) if w not in SOFT_WORDS]


def _extras(it: Intent, products: list[Product], currency: str) -> list[str]:
    """What else a dietary question asked for ("do you have vegan X, where?")."""
    s: list[str] = []
    if LOCATION in it.kinds or AVAILABILITY in it.kinds:
        s += T.location(products)
    if PRICE in it.kinds:
        s += T.price(products, currency)
    if AVAILABILITY in it.kinds and STOCK not in it.kinds:
        return s + T.stock(products)  # "do you have organic cane sugar": whether it is in stock, too
    return s + _stock_notes(it, products)


def _stock_notes(it: Intent, products: list[Product]) -> list[str]:
    """"is the sugar free red bull available": a stock word asks for the stock of each product named, in those words."""
    return T.stock(products) if STOCK in it.kinds else T.out_of_stock_notes(products)


def _sentences(text: str, index: Index) -> list[str]:
    """An FAQ answer's sentences, not cut after "Dr." or inside a product's name."""
    return split_sentences(text.strip(), catalog_names(index.catalog).dotted)


def fold_contains(haystack: str, needle: str) -> bool:
    return fold(needle) in fold(haystack)
