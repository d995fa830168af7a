"""``edge-agent eval kiosk``: accuracy, invented facts and latency on an eval set.

The invented-fact count is computed independently of the answer checker (by
looking at which product each sentence names and what price and place it
gives), so a bug in the checker cannot hide its own mistakes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from agent.kiosk.catalog import Catalog
from agent.kiosk.text import blank_out, dotted_names, fold, split_sentences

_MONEY = re.compile(r"[$€£]\s*(\d+(?:\.\d{1,2})?)")
_PLACE = re.compile(r"\b(aisle|fridge|freezer|slot|shelf|bay|counter|entrance|platform)\s*([a-z]?\d+[a-z]?)?\b", re.I)
_PAREN = re.compile(r"((?:[^,;:()]|\([^()\d]*\))+?)\s*\(([^()]*\d[^()]*)\)")
_CLAUSE = re.compile(r";|, and |, ")

from agent.kiosk.data import SETS  # noqa: E402  (re-exported: the eval sets live with their files)


def set_paths(name: str) -> tuple[Path, Path, Path]:
    base = resources.files("agent.kiosk.data")
    c, f, q = SETS[name]
    return Path(str(base.joinpath(c))), Path(str(base.joinpath(f))), Path(str(base.joinpath(q)))


def load_questions(path: Path) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path} line {n}: not valid JSON ({e.msg}); write one object per line") from None
    return out


def _mask(name: str) -> str:
    # ...and its commas and semicolons: "WaterWipes Baby Wipes 9 Packs, 540 ct ($29.49, Aisle 9)" is one name before its
    # facts, and "Beeswax Food Wraps (S, M, L)" is cut into no clauses
    return name.replace("(", "\u3014").replace(")", "\u3015").replace(",", "\u201a").replace(";", "\u204f")


def invented_facts(answer: str, catalog: Catalog) -> list[str]:
    """Prices/places in the answer that belong to no product the same clause names (or to no FAQ answer)."""
    faq_text = fold(" ".join(f.answer for f in catalog.faq))
    prods = list(catalog.products.values())
    bad: list[str] = []
    # an FAQ answer quoted whole states the store's own facts, its "(...)" asides included ("$8 per knife ($12 for serrated)")
    for f in catalog.faq:
        for s in split_sentences(f.answer):
            if len(s.strip(" .!?")) >= 8 and s in answer:
                answer = answer.replace(s, " ")
    # a parenthesis inside a name ("Canned Cat Food 3 oz (24-pack)") is no "(price, place)" after it: masked in both
    for n in sorted({p.name for p in prods if _mask(p.name) != p.name}, key=len, reverse=True):
        answer = answer.replace(n, _mask(n))

    folded = {p.sku: fold(_mask(p.name)) for p in prods}  # each name as it stands in the (masked, folded) answer

    def named_in(c: str) -> list:
        named = [p for p in prods if folded[p.sku] in c]
        # a longer name containing a shorter one ("Oat Milk 1L" vs "Milk") wins
        return [p for p in named if not any(q is not p and folded[p.sku] in folded[q.sku] and folded[q.sku] in c for q in named)]

    # "Name ($1.00, Aisle 2)": the parenthesis belongs to the name right before it.
    def facts_paren(m: re.Match) -> bool:
        return bool(_MONEY.search(m.group(2)) or _PLACE.search(m.group(2)))

    for m in _PAREN.finditer(answer):
        if not facts_paren(m):
            continue
        named = named_in(fold(m.group(1)))
        inner = m.group(2)
        for mm in _MONEY.finditer(inner):
            if not named or all(round(p.price, 2) != round(float(mm.group(1)), 2) for p in named):
                bad.append(f"price {mm.group(0)} in '{m.group(0).strip()}'")
        for mm in _PLACE.finditer(inner):
            if not named or not any(fold(mm.group(0)).strip() in fold(p.location) for p in named):
                bad.append(f"place {mm.group(0)} in '{m.group(0).strip()}'")
    answer = _PAREN.sub(lambda m: m.group(1) if facts_paren(m) else m.group(0), answer)
    # sentences are not cut after "Dr." or inside a product's name ("Dr. Elsey's Cat Litter costs $21.99.")
    names = dotted_names([n for p in prods for n in (p.name, p.brand)])
    for sentence, clause in ((s_, c_) for s_ in split_sentences(answer, names) for c_ in _CLAUSE.split(s_)):
        c = fold(clause)
        named = named_in(c)
        if not named and (before := named_in(fold(sentence[:sentence.find(clause)]))):
            # "X is in Glass Case, $1599.99, in Glass Case": a bare fact after a comma is the last named product's
            named = before[-1:] if len(before) == 1 else [max(before, key=lambda p: fold(sentence).rfind(folded[p.sku]))]
        # A clause that quotes an FAQ answer word for word ("$4 per hour" for parking) states the store's own fact.
        quoted = not named and len(c.strip(" .!?")) >= 8 and c.strip(" .!?") in faq_text
        for m in _MONEY.finditer(clause):
            v = round(float(m.group(1)), 2)
            if quoted:
                continue
            if not named or all(round(p.price, 2) != v for p in named):
                bad.append(f"price {m.group(0)} in '{clause.strip()}'")
        unnamed = blank_out(c, [folded[p.sku] for p in named])  # a place word inside a product's name states no place
        for m in _PLACE.finditer(unnamed):
            place = fold(m.group(0)).strip()
            if named:
                if not any(place in fold(p.location) for p in named):
                    bad.append(f"place {m.group(0)} in '{clause.strip()}'")
            elif place not in faq_text and not any(place in fold(p.location) for p in prods if fold(p.location) in c):
                bad.append(f"place {m.group(0)} in '{clause.strip()}'")
    return bad


def is_correct(answer: str, q: dict[str, Any]) -> bool:
    a = fold(answer)
    if q.get("category") not in (None, "not_carried", "injection", "off_topic") and ("don't carry" in a or "couldn't find" in a):
        return False  # the right fact mentioned only as an alternative is still a wrong answer
    return all(fold(m) in a for m in q.get("must", [])) and not any(fold(m) in a for m in q.get("must_not", []))


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


@dataclass
class Report:
    name: str
    total: int = 0
    correct: int = 0
    invented: int = 0
    first_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    paths: dict[str, int] = field(default_factory=dict)
    rejected: int = 0

    def summary(self) -> dict[str, Any]:
        return {"set": self.name, "questions": self.total, "correct": self.correct,
                "accuracy": round(self.correct / self.total, 4) if self.total else 0.0,
                "answers_with_invented_fact": self.invented, "paths": self.paths,
                "first_sentence_ms": {"p50": round(pct(self.first_ms, 50), 1), "p95": round(pct(self.first_ms, 95), 1)},
                "complete_ms": {"p50": round(pct(self.total_ms, 50), 1), "p95": round(pct(self.total_ms, 95), 1)}}


def run_eval(name: str, kiosk_factory: Callable[[Catalog], Any], questions: list[dict[str, Any]], catalog: Catalog,
             progress: Callable[[int, int], None] | None = None) -> Report:
    kiosk = kiosk_factory(catalog)
    rep = Report(name)
    for i, q in enumerate(questions, 1):
        ans = kiosk.ask(q["question"])
        rep.total += 1
        ok = is_correct(ans.answer, q)
        inv = invented_facts(ans.answer, kiosk.catalog)
        rep.correct += ok
        rep.invented += bool(inv)
        rep.first_ms.append(ans.first_ms)
        rep.total_ms.append(ans.latency_ms)
        rep.paths[ans.path] = rep.paths.get(ans.path, 0) + 1
        rep.rejected += len(ans.rejected)
        if not ok or inv:
            rep.failures.append({"id": q.get("id"), "category": q.get("category"), "question": q["question"], "answer": ans.answer,
                                 "must": q.get("must"), "must_not": q.get("must_not"), "invented": inv})
        if progress:
            progress(i, len(questions))
    return rep
