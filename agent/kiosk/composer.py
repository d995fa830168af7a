"""Letting the local model phrase a planned answer, one checked sentence at a time.

The model only ever sees the planned facts and the shopper's question as
quoted data; its output is cut into sentences and each must pass
``check_sentence`` before it is yielded. The first failing sentence, a missed
deadline or a model error ends the model's turn and the template sentences
take over, so the shopper always gets a correct answer in time.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.clock import Clock
from agent.kiosk import templates as T
from agent.kiosk.checker import Facts, check_sentence, missing_required
from agent.kiosk.planner import Plan
from agent.logs import fields

log = logging.getLogger(__name__)

SYSTEM = ("You are the help screen of a shop. Answer the shopper in one or two short sentences, "
          "using only the facts listed. Copy names, prices and places exactly. Do not add anything else.")
_END = re.compile(r"([.!?])(\s+|$)")


@dataclass
class Composition:
    sentences: list[str] = field(default_factory=list)
    path: str = "template"  # template | model | model+template
    rejected: list[dict[str, Any]] = field(default_factory=list)
    first_ms: float | None = None


def fact_lines(plan: Plan, currency: str) -> list[str]:
    out = []
    for p in plan.products:
        stock = "stock unknown" if p.stock is None else ("OUT OF STOCK" if p.stock == 0 else f"{p.stock} in stock")
        tags = ", ".join(p.tags) if p.tags else "no dietary labels"
        out.append(f"- {p.name}: price {T.money(p.price, currency)}; place {p.location}; {stock}; labels: {tags}")
    return out


def prompt(plan: Plan, question: str, currency: str) -> list[dict[str, str]]:
    q = " ".join(question.split())[:200].replace('"', "'")
    facts = "\n".join(fact_lines(plan, currency))
    reference = " ".join(plan.sentences)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Facts:\n{facts}\nCorrect answer: {reference}\nShopper asked: \"{q}\"\nRewrite the correct answer in a friendly way."},
    ]


def compose(plan: Plan, question: str, facts: Facts, model: Any, clock: Clock, deadline_s: float,
            first_deadline_s: float = 0.45, max_sentences: int = 2) -> Iterator[tuple[str, Composition]]:
    """Yield each checked sentence as soon as it passed; the composition is updated as it goes."""
    comp = Composition()
    t0 = clock.monotonic()
    if model is not None and plan.model_may_phrase:
        yield from _from_model(plan, question, facts, model, clock, t0, deadline_s, first_deadline_s, max_sentences, comp)
    if not comp.sentences:
        comp.path = "template"
        for s in plan.sentences:
            comp.sentences.append(s)
            if comp.first_ms is None:
                comp.first_ms = (clock.monotonic() - t0) * 1000
            yield s, comp
        return
    # The model spoke; make sure every fact the question needs is there.
    missing = missing_required(" ".join(comp.sentences), plan.required)
    if missing:
        for s in plan.sentences:
            if any(m.lower() in s.lower() for m in missing) and s not in comp.sentences:
                comp.sentences.append(s)
                comp.path = "model+template"
                yield s, comp


def _from_model(plan: Plan, question: str, facts: Facts, model: Any, clock: Clock, t0: float, deadline_s: float,
                first_deadline_s: float, max_sentences: int, comp: Composition) -> Iterator[tuple[str, Composition]]:
    try:
        from agent.llm import GenerationConfig
    except ImportError:
        return
    cancel = threading.Event()
    cfg = GenerationConfig(max_new_tokens=48, temperature=0.0, stop=["\n\n", "Shopper", "Facts:"], deadline_s=deadline_s, seed=None, top_k=0, top_p=1.0)
    buf = ""
    try:
        for piece in model.chat_stream(prompt(plan, question, facts.currency), cfg, cancel=cancel):
            buf += piece
            elapsed = clock.monotonic() - t0
            while True:
                m = _END.search(buf)
                if not m:
                    break
                sentence, buf = buf[: m.end(1)].strip(), buf[m.end():]
                if not sentence:
                    continue
                problems = check_sentence(sentence, facts)
                if problems or len(sentence) > 240:
                    comp.rejected.append({"sentence": sentence, "problems": problems or ["too long"]})
                    cancel.set()
                    return
                comp.sentences.append(sentence)
                comp.path = "model"
                if comp.first_ms is None:
                    comp.first_ms = (clock.monotonic() - t0) * 1000
                yield sentence, comp
                if len(comp.sentences) >= max_sentences:
                    cancel.set()
                    return
            if elapsed > deadline_s or (not comp.sentences and elapsed > first_deadline_s):
                cancel.set()
                return
        tail = buf.strip()
        if tail and len(comp.sentences) < max_sentences and clock.monotonic() - t0 <= deadline_s:
            problems = check_sentence(tail, facts)
            if not problems and len(tail) > 3:
                comp.sentences.append(tail)
                comp.path = "model"
                yield tail, comp
            elif problems:
                comp.rejected.append({"sentence": tail, "problems": problems})
    except Exception as e:  # a model failure must never cost the shopper the answer
        cancel.set()
        log.warning("model failed; using the template answer", extra=fields(error=str(e)[:200]))
