"""What kind of question the shopper asked.

Rules, not the model: they are instant, they cannot be talked out of their
job by the shopper's text, and an injection attempt is recognised before any
of that text gets near a prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.kiosk.catalog import IMPLIED_TAGS
from agent.kiosk.text import fold

LOCATION, PRICE, STOCK, AVAILABILITY, DIETARY = "location", "price", "stock", "availability", "dietary"

_INJECTION = re.compile(r"""
  \b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|instructions|rules|prompt|above|previous|prior|guidance|guidelines|directions|context|everything)\b
| \b(system|hidden|initial|original)\s+(prompt|message|instruction|instructions)\b
| \byou\s+are\s+now\b | \byou\s+are\s+dan\b | \bact\s+as\b | \bpretend\s+(to\s+be|you)\b | \bjailbreak | \bdeveloper\s+mode\b | \bdan\s+mode\b
| \b(reveal|print|show|tell|repeat|leak|dump|output|display)\b.{0,30}\b(prompt|instructions|config|configuration|password|passwords|secret|secrets|api\s*key|token|credentials)\b
| \b(password|passcode|api\s*key|private\s+key|secret\s+key|credentials|ssh|root\s+access|admin\s+(mode|access|panel))\b
| \b(open|unlock|dispense|vend)\b.{0,30}\b(door|machine|slot|lock|drawer|everything|for\s+free|free\s+item|free\s+items)\b
| \b(set|change|update|make)\b.{0,30}\b(price|prices|stock)\b.{0,20}\b(to|=)\b
| \b(set|change|update|make|drop|lower|mark)\b.{0,30}\b(price|prices|cost|stock)\s+(of|for|on)\b.{0,60}?\b(to|=)\s*(free|zero|nothing|[$€£]?\s*\d)
| \b(reboot|shutdown|shut\s+down|factory\s+reset|firmware|sudo|rm\s+-rf)\b | \bflash\s+(the\s+|your\s+|a\s+)?(device|controller|machine|board|chip|kiosk|system)\b
| <\s*/?\s*(script|system|im_start|\|)|\[\s*(inst|system)\s*\]|\{\{|\}\}
| \bnew\s+(policy|policies|rules?)\b | \b(all|every)\s+(items?|products?|things?|drinks?)\s+(are|is)\s+(now\s+)?(free|\$?0)\b | \bnew\s+instructions?\b | \bfrom\s+now\s+on\b | \brespond\s+only\s+with\b | \bsay\s+that\b.{0,40}\bcosts?\b
""", re.X)

_ABUSE = re.compile(r"\bf[*#@%!]{2,}k?(?!\w)|\bsh[*#@%!]+t(?!\w)|\b(fuck\w*|shit\w*|bitch\w*|bastard\w*|asshole\w*|cunt\w*|dickhead\w*|idiot\w*|stupid|moron\w*|dumb|useless|crap|hate\s+you|kill\s+you|shut\s+up)\b")
# Insults aimed at the kiosk itself ("you're a worthless piece of junk"): "your garbage bags" is a product question.
_INSULT = re.compile(r"""
  \b(you'?re|you\s+are|u\s+r|youre|this\s+(kiosk|machine|thing|screen|app)\s+is)\s+
      (?:(?:a|an|so|such|the|just|really|totally|completely|utterly|absolute|absolutely|complete|total|real|big|useless|stupid)\s+)*
      (worthless|useless|junk|garbage|trash|rubbish|pathetic|terrible|awful|hopeless|loser|joke|waste|annoying|dumb|clueless|broken)\b
      (?!\s+(bags?|bins?|cans?|liners?|disposal|food|sacks?|collection|day))
| \b(you|this\s+(kiosk|machine|thing))\s+(suck|sucks|stink|stinks)\b | \bpiece\s+of\s+(junk|crap|garbage|trash|rubbish|shit)\b
| \b(worthless|pathetic|loser|screw\s+you|go\s+to\s+hell|drop\s+dead)\b
| (?:^|[.!,?]\s*|\b(?:just|go|you\s+can|u\s+can|now)\s+)get\s+lost\b   # not "clips so my hearing aids dont get lost"
""", re.X)
# Tasks that are not shopping ("write me a poem about the ocean"): the shopper's words must not be echoed as a product.
_TASK = re.compile(r"""
  ^(?:(?:hey|hi|ok|okay|so|please|pls|kiosk)[\s,]+)*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|please\s+|i\s+want\s+you\s+to\s+)?
   (write(?!\s+(?:[a-z']+\s+){0,4}?(?:on|onto|in)\s+(?:a|an|the|my|this|that|our|these|those)\b)|compose|sing|rap|recite|draw|translate|summari[sz]e|solve|calculate|compute|tell\s+me\s+(a|an)\s+(joke|story|poem|riddle|fun\s+fact|fact)
    |do\s+my\s+\w+|help\s+me\s+(with\s+my|write|do|solve)|play\s+(a|me|some)|generate|make\s+up|imagine)\b
| \b(a|an|the)\s+(poem|song|story|essay|joke|haiku|limerick|riddle|rap|novel|sonnet|lyrics|homework|recipe\s+for\s+\w+\s+cake)\b(?!\s+(book|card))
| \b(meaning\s+of\s+life|weather\s+(today|tomorrow|like|forecast)|who\s+(won|is\s+the\s+president|invented)|capital\s+of|square\s+root)\b
""", re.X)
_GREETING = re.compile(r"^\W*(hi|hello|hey|hiya|good\s+(morning|afternoon|evening)|thanks|thank\s+you|cheers|bye|goodbye)(\s+(there|you|so\s+much|a\s+lot))?\W*$")
# a vending machine's slot is where the thing is: "what's the number for gatorade", "which button for popcorn"
_SLOT = r"(?:which|what|whats|what's)\s+(?:is\s+)?(?:the\s+)?(?:slot|button|code|number|key|letter)\s+(?:for|of|is)\b|\b(?:slot|button|code)\s+(?:for|of)"
_SLOT_RX = re.compile(_SLOT)
_LOCATION = re.compile(r"\b(where|wheres|where's|wher|which\s+aisle|what\s+aisle|which\s+fridge|what\s+fridge|locat\w*|find|aisle|section|shelf|direction|way\s+to)\b|" + _SLOT)
# "cost", "costs", "costing" -- not "costume"
_PRICE = re.compile(r"\b(how\s+much|price\w*|cost(?:s|ing|ly)?|expensive|cheap\w*|pay\s+for)\b|[$€£]")
_STOCK = re.compile(r"\b(in\s+stock|out\s+of\s+stock|stock|any\s+left|sold\s+out|how\s+many|left|available|availability|run\s+out|restock\w*)\b")
_AVAIL = re.compile(r"\b(do|does|did)\s+(you|u|the\s+store|this\s+store|ya|yall|y'all|you\s+all|u\s+guys)\s+(have|sell|carry|stock|got|do|offer)|\b(have|got)\s+(you\s+)?any\b|\bis\s+there\b|\bare\s+there\b|\bcan\s+i\s+(get|buy)\b|\bdo\s+you\s+guys\s+(have|sell)\b|\bi\s+(need|want|am\s+looking\s+for|m\s+looking\s+for)\b|\blooking\s+for\b|\bselling\b|^(?:i\s+)?(?:need|want)\s+(?:a|an|some|the)\b"
                    # "any sugar free red bull": "(have you got) any X" with the first words left out
                    r"|^\s*any\b(?!\s+(?:idea|way|chance|reason|time|how|why|other)\b)"
                    # "u guys got beer": "have you got" as texted
                    r"|^\s*(?:do\s+)?(?:you|u|ya)\s+(?:guys\s+)?got\b")

# Constraint name -> (tag that says yes, tag that says no) for dietary questions.
DIETARY_TAGS: dict[str, tuple[str, str | None]] = {
    "vegan": ("vegan", None),
    "vegetarian": ("vegetarian", None),
    "gluten-free": ("gluten-free", "contains-gluten"),
    "dairy-free": ("dairy-free", "contains-dairy"),
    "nut-free": ("nut-free", "contains-nuts"),
    "egg-free": ("egg-free", "contains-egg"),
    "contains-nuts": ("contains-nuts", "nut-free"),
    "contains-gluten": ("contains-gluten", "gluten-free"),
    "contains-dairy": ("contains-dairy", "dairy-free"),
    "contains-egg": ("contains-egg", "egg-free"),
    # certifications asked of any store, labelled or not: "are the jelly beans halal" in a store with no halal tag is
    # still a label question ("not labelled halal"), never "Yes, ... is in stock"
    "kosher": ("kosher", None),
    "halal": ("halal", None),
}

# Who a product is safe for: "is monstera ok around my dog", "safe for cats" ask for a pet label ("pet-safe",
# "toxic-to-pets"); "can my 14 year old buy it", "ok for kids" ask for an age label ("age-3+", "18+").
PET_SAFE = "pet-safe"
PET_TOXIC = "pet-toxic"  # the same labels asked the other way round: "is the snake plant toxic to cats"
_PET_TAG = re.compile(r"^(?:(?:pet|cat|dog)-(?:safe|friendly|toxic)|(?:non-)?toxic-(?:to|for)-(?:pets|dogs|cats)|not-pet-safe)$")
_AGE_TAG = re.compile(r"^(?:age-)?(\d{1,2})\+$")
_PET = r"(?:pets?|dogs?|cats?|pupp(?:y|ies)|kittens?|animals?)"
_PET_SAFETY = re.compile(rf"\b(?:safe|ok|okay|fine|alright|toxic|poisonous|harmful|dangerous)\b(?:\s+[a-z']+){{0,3}}?\s+(?:for|to|around|with|near)\s+"
                         rf"(?:(?:my|our|the|a|your|his|her)\s+)?{_PET}\b|\bpet[\s-]*(?:safe|friendly)\b")
_AGE_ASKED = re.compile(r"\b(?P<n>\d{1,2})[\s-]*(?:(?:years?|yrs?)[\s-]*old|yo)\b|\b(?:aged?|ages)\s+(?P<m>\d{1,2})\b"
                        r"|\b(?:safe|ok|okay|suitable|fine|alright)\s+(?:for|with)\s+(?:(?:my|our|the|a|young|little|small)\s+)*"
                        r"(?:kids?|child|children|toddlers?|bab(?:y|ies)|newborns?|infants?|teens?|teenagers?)\b")


def is_age_tag(tag: str) -> int | None:
    """The age an "age-3+" or "18+" label starts at, or None for another tag."""
    m = _AGE_TAG.match(tag)
    return int(m.group(1)) if m else None


def suitability_labels(tags: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    """How a shopper asks for the store's pet and age labels: (constraint, pattern), only for labels the store uses.

    The constraint is ``PET_SAFE`` or "age" (the planner makes it "age-14" from the age the shopper typed)."""
    out: list[tuple[str, re.Pattern[str]]] = []
    if any(_PET_TAG.match(t) for t in tags):
        out.append((PET_SAFE, _PET_SAFETY))
    if any(is_age_tag(t) is not None for t in tags):
        out.append(("age", _AGE_ASKED))
    return out


def asked_age(m: re.Match[str]) -> str:
    """The constraint for an age question: "age-14" for "my 14 year old", plain "age" for "ok for kids"."""
    n = m.groupdict().get("n") or m.groupdict().get("m")
    return f"age-{int(n)}" if n else "age"


def is_age_constraint(constraint: str) -> bool:
    """"age" (no age typed) or "age-14": a question about the store's age labels, not a dietary one."""
    return constraint == "age" or constraint.startswith("age-")


# Labels that rule out a use a shopper names by another word: asked "in my saltwater tank" of a "freshwater-only" product,
# or "in the dishwasher" of a "hand-wash-only" one, the answer is no. Keyed by the label less "-only"/"-safe".
OPPOSITE_WORDS: dict[str, frozenset[str]] = {
    "freshwater": frozenset({"saltwater", "marine", "reef", "salt"}), "saltwater": frozenset({"freshwater"}),
    "marine": frozenset({"freshwater"}), "reef": frozenset({"freshwater"}),
    "hand-wash": frozenset({"dishwasher", "machine"}), "handwash": frozenset({"dishwasher", "machine"}),
    "indoor": frozenset({"outdoor", "outside", "outdoors", "exterior"}), "outdoor": frozenset({"indoor", "inside", "indoors", "interior"}),
    "interior": frozenset({"exterior", "outdoor", "outside"}), "exterior": frozenset({"interior", "indoor", "inside"}),
    "wired": frozenset({"wireless", "cordless"}), "corded": frozenset({"cordless", "wireless", "battery"}),
    "gas": frozenset({"charcoal", "pellet", "electric"}), "charcoal": frozenset({"gas", "propane", "pellet", "electric"}),
    "left-handed": frozenset({"right", "righty", "right-handed", "righthanded"}),
    "right-handed": frozenset({"left", "lefty", "lefties", "left-handed", "lefthanded", "southpaw"}),
}


def label_base(tag: str) -> str:
    """"freshwater-only" -> "freshwater", "hand-wash-only" -> "hand-wash": the label's own words, less its qualifier."""
    for end in ("-only", "-use", "-safe"):
        if tag.endswith(end):
            return tag[: -len(end)]
    return tag


def opposite_label(tags: tuple[str, ...] | list[str], said: set[str]) -> str | None:
    """The label among ``tags`` that the shopper's words ``said`` (lowercase, as typed) rule out, if any."""
    return next((t for t in tags if OPPOSITE_WORDS.get(label_base(t), frozenset()) & said), None)


def constraint_tags(constraint: str) -> tuple[str, str | None]:
    """(tag that says yes, tag that says no); a store's own labels ("latex-free", "non-toxic") work like the dietary ones."""
    if constraint in DIETARY_TAGS:
        return DIETARY_TAGS[constraint]
    if constraint == PET_SAFE:
        return PET_SAFE, "toxic-to-pets"
    if constraint == PET_TOXIC:
        return "toxic-to-pets", PET_SAFE
    if constraint.endswith("-free"):
        return constraint, "contains-" + constraint[:-5]
    if constraint.startswith("contains-"):
        return constraint, constraint[9:] + "-free"
    return constraint, None


# A store label is a constraint the shopper can ask for when it reads like one: "x-free", "non-x" or an adjective.
_LABEL_SHAPE = re.compile(r"^(?:[a-z]+-free|non-[a-z]+|[a-z]+(?:ic|ed|able|ible|less)|[a-z]+-(?:based|saving|resistant|proof|safe|friendly|certified"
                          r"|approved|tested|compatible|wicking)|[a-z]+proof|low-[a-z]+|anti-?[a-z]{4,}"
                          # ...or is a certification or diet named by a word of no such shape (kosher and halal are in DIETARY_TAGS)
                          r"|keto|paleo|fair-?trade|pareve|parve)$")


# A label's root word and the everyday words for it: "booze free" is alcohol free.
_LABEL_ROOT_WORDS = {"alcohol": "alcohol|booze"}


def label_pattern(tag: str) -> re.Pattern[str] | None:
    """How a shopper writes a store label ("latex free", "no latex", "allergic to latex"), or None for a non-label tag."""
    if tag.startswith("contains-") and tag not in DIETARY_TAGS and tag not in IMPLIED_TAGS:  # "contains-milk" is asked as dairy
        # the store's own allergen labels ("contains-fish", "contains-latex"): "does the formula have fish in it"
        return _contains(r"[\s-]*".join(re.escape(w) for w in tag[9:].split("-")))
    if tag in DIETARY_TAGS or tag.startswith("contains-") or not _LABEL_SHAPE.match(tag):
        return None
    if tag.endswith("-free"):
        x = _LABEL_ROOT_WORDS.get(tag[:-5], re.escape(tag[:-5]))
        return re.compile(rf"\b({x}[\s-]*free|no\s+{x}|without\s+{x}|zero[\s-]+{x}|{x}\s+allerg\w*|allergic\s+to\s+{x}"
                          rf"|non[\s-]*(?:{x})(?:ic)?)\b")
    if tag.startswith("non-"):
        typed = rf"\bnon[\s-]*{re.escape(tag[4:])}\b"
        if (root := tag[4:].removesuffix("ic")) != tag[4:] and len(root) >= 4:
            # "non-alcoholic" is what "alcohol free", "no alcohol" and "booze free" ask for
            x = _LABEL_ROOT_WORDS.get(root, re.escape(root))
            typed += rf"|\b(?:(?:{x})[\s-]*free|no\s+(?:{x})|zero[\s-]+(?:{x})|without\s+(?:{x}))\b"
        return re.compile(typed)
    # "water-based" is also typed "water based", "energy-saving" "energy saving"
    typed = r"\b" + r"[\s-]*".join(re.escape(part) for part in tag.split("-")) + r"\b"
    if tag.endswith("-safe"):  # "toy-safe": "safe for kids toys", "safe in the dishwasher"
        x = re.escape(tag[:-5])
        typed += rf"|\bsafe\s+(?:for|on|with|in|around|near)\s+(?:[a-z']+\s+){{0,2}}?{x}(?:e?s)?\b"
    return re.compile(typed)


def _contains(x: str) -> re.Pattern[str]:
    """ "does it contain X", "any X in the bars", "does the cake have X" -- but not "do you have X" (that asks for the product).

    Groups ``x1``..``x4`` hold the allergen word, so the planner can drop just that word and keep the product's name.
    """
    return re.compile(rf"\b(contain|contains|containing)\s+(any\s+)?(?P<x1>{x})\b"
                      rf"|\b(have|has|got)\s+(any\s+)?(?P<x2>{x})\s+in\b"
                      rf"|\b(?:(?:is|are)\s+there\s+(?:any\s+)?|any\s+)(?P<x3>{x})\s+in\b(?!\s+(?:stock|store|the\s+store|aisle)\b)"
                      rf"|\b(does|do|did)\s+(?!you\b|u\b|ya\b|we\b)[a-z0-9' ]{{1,64}}?\bhave\s+(any\s+)?(?P<x4>{x})\b"
                      rf"(?!\s+(butter|bar|bars|milk|bread|flour|oil|mix|cake))")


def cut_constraint(m: re.Match[str]) -> str:
    """A constraint's match less the constraint: "does the carrot cake have nuts" keeps "does the carrot cake have"."""
    named = [g for g in ("x1", "x2", "x3", "x4") if g in m.re.groupindex and m.group(g)]
    if not named:
        return " "
    g = named[0]
    a, b = m.start(g) - m.start(), m.end(g) - m.start()
    return m.group(0)[:a] + " " + m.group(0)[b:]


def strip_constraints(text: str) -> str:
    """The question without its dietary words, for finding the product ("does the carrot cake have nuts" -> the carrot cake)."""
    cut = cut_constraint
    for _, rx in _DIETARY:
        text = rx.sub(cut, text)
    return _SLOT_RX.sub(" ", text)  # "which button for popcorn" asks where popcorn is, not for a button


_DIETARY = [
    ("gluten-free", re.compile(r"\b(gluten[\s-]*free|no\s+gluten|without\s+gluten|coeliac|celiac)\b")),
    ("dairy-free", re.compile(r"\b(dairy[\s-]*free|lactose[\s-]*free|no\s+dairy|without\s+dairy|lactose\s+intoleran\w*|non[\s-]*dairy)\b")),
    ("nut-free", re.compile(r"\b(nut[\s-]*free|no\s+nuts|without\s+nuts|nut\s+allerg\w*|peanut\s+allerg\w*|allergic\s+to\s+(pea)?nuts)\b")),
    ("egg-free", re.compile(r"\b(egg[\s-]*free|no\s+eggs?|without\s+eggs?|egg\s+allerg\w*|allergic\s+to\s+eggs?)\b")),
    ("vegan", re.compile(r"\b(vegans?|plant[\s-]*based)\b")),
    ("vegetarian", re.compile(r"\b(vegetarians?|veggies?)\b(?!\s+(?:burgers?|sausages?|patt(?:y|ies)|bites|crisps|straws))")),
    ("contains-nuts", _contains(r"(pea)?nuts?")),
    ("contains-gluten", _contains(r"gluten|wheat")),
    ("contains-dairy", _contains(r"dairy|lactose|milk")),
    ("contains-egg", _contains(r"eggs?")),
    ("kosher", re.compile(r"\bkosher\b(?!\s+(?:dill|pickles?|salt|style|hot\s+dogs?|franks?))")),
    ("halal", re.compile(r"\bhalal\b")),
]


@dataclass
class Intent:
    kinds: set[str] = field(default_factory=set)
    dietary: list[str] = field(default_factory=list)
    injection: bool = False
    abusive: bool = False
    task: bool = False  # a request for something other than shopping (a poem, a sum, the weather)
    greeting: bool = False
    text: str = ""


def classify(question: str) -> Intent:
    t = " ".join(fold(question).split())
    it = Intent(text=t)
    # "what's the wifi password" asks for the store's guest network, which an FAQ row may well give
    probe = re.sub(r"\bpass(word|code)\b", "", t) if re.search(r"\b(wi[\s-]?fi|wireless|internet|guest\s+network)\b", t) else t
    if _INJECTION.search(probe):
        it.injection = True
        return it
    if _ABUSE.search(t) or _INSULT.search(t):
        it.abusive = True
        return it
    if _GREETING.match(t):
        it.greeting = True
        return it
    if _TASK.search(t):
        it.task = True
        return it
    for name, rx in _DIETARY:
        if rx.search(t) and name not in it.dietary:
            covered = any(d != name and DIETARY_TAGS[d][1] == DIETARY_TAGS[name][0] for d in it.dietary)
            if not covered:
                it.dietary.append(name)
    if it.dietary:
        it.kinds.add(DIETARY)
    if _LOCATION.search(t):
        it.kinds.add(LOCATION)
    if _PRICE.search(t):
        it.kinds.add(PRICE)
    if _STOCK.search(t):
        it.kinds.add(STOCK)
    if _AVAIL.search(t):
        it.kinds.add(AVAILABILITY)
    return it
