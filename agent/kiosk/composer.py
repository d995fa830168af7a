"""Letting the local model phrase a planned answer, one checked sentence at a time.

The model only ever sees the planned facts and the shopper's question as
quoted data; its output is cut into sentences and each must pass
``check_sentence`` before it is yielded. The first failing sentence, a missed
deadline or a model error ends the model's turn and the template sentences
take over, so the shopper always gets a correct answer in time.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.clock import Clock
from agent.kiosk import templates as T
from agent.kiosk.checker import Facts, catalog_names, check_model_sentence, missing_required
from agent.kiosk.planner import Plan
from agent.kiosk.text import dotted_names, sentence_end
from agent.logs import fields

log = logging.getLogger(__name__)

SYSTEM = "Rewrite the store's answer as one short friendly sentence. Copy every product name, price and place exactly."

# Worked examples: a 135M model copies a pattern far more reliably than it follows a rule
# (measured with `edge-agent eval kiosk --always-model`: see the commit message).
EXAMPLES = [
    ("Whole Milk 1L is in Fridge 1.", "You'll find Whole Milk 1L in Fridge 1."),
    ("Apples cost $0.50 each and are in Aisle 2.", "Apples are $0.50 each, in Aisle 2."),
    ("Sparkling Water 500ml is out of stock right now.", "Sorry, Sparkling Water 500ml is out of stock right now."),
]
_WORKERS: list[threading.Thread] = []
_WORKERS_LOCK = threading.Lock()


def wait_for_model_workers(timeout: float = 5.0) -> None:
    """Let abandoned generations finish (they stop at the next token) before a CLI process exits."""
    with _WORKERS_LOCK:
        workers = list(_WORKERS)
    for w in workers:
        w.join(timeout)


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


def prompt(plan: Plan) -> list[dict[str, str]]:
    """Short on purpose: prefill dominates latency on a Pi, and the model only rephrases the checked template.

    The shopper's text is not in the prompt at all: nothing typed can instruct the model.
    """
    return messages_for(plan.sentences)


def messages_for(sentences: list[str]) -> list[dict[str, str]]:
    msgs = [{"role": "system", "content": SYSTEM}]
    for answer, rewrite in EXAMPLES:
        msgs += [{"role": "user", "content": answer}, {"role": "assistant", "content": rewrite}]
    return msgs + [{"role": "user", "content": " ".join(sentences)}]


def warm_up(model: Any) -> None:
    """Run the fixed prompt prefix once, before the first shopper asks.

    The first call pays onnxruntime's first-run setup and the prefill of the system prompt and
    examples (~175 tokens); afterwards the runtime reuses that prefix, so only the new answer's
    tokens are computed and the model's sentence arrives inside the first-sentence deadline.
    """
    from agent.llm import GenerationConfig

    model.chat(messages_for(["Whole Milk 1L is in Fridge 1."]), GenerationConfig(max_new_tokens=1))


def compose(plan: Plan, question: str, facts: Facts, model: Any, clock: Clock, deadline_s: float,
            first_deadline_s: float = 0.45, max_sentences: int = 2) -> Iterator[tuple[str, Composition]]:
    """Yield each checked sentence as soon as it passed; the composition is updated as it goes."""
    comp = Composition()
    t0 = clock.monotonic()
    if model is not None and plan.model_may_phrase:
        for sentence, c in _from_model(plan, question, facts, model, clock, t0, deadline_s, first_deadline_s, max_sentences, comp):
            if comp.first_ms is None:
                comp.first_ms = (clock.monotonic() - t0) * 1000
            yield sentence, c
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
    """Runs the model in a worker thread so a slow prefill can never hold the shopper past the deadlines."""
    try:
        from agent.llm import GenerationConfig
    except ImportError:
        return
    cancel = threading.Event()
    cfg = GenerationConfig(max_new_tokens=40, temperature=0.0, stop=["\n"], deadline_s=deadline_s, seed=None, top_k=0, top_p=1.0)
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
    msgs = prompt(plan)
    # names a sentence is not cut inside ("Dr. Elsey's ..."): the store's, which hold the retrieved products' own
    names = catalog_names(facts.catalog).dotted if facts.catalog is not None else dotted_names([n for p in facts.products for n in (p.name, p.brand)])

    def worker() -> None:
        try:
            for piece in model.chat_stream(msgs, cfg, cancel=cancel):
                pieces.put(("piece", piece))
                if cancel.is_set():
                    break
        except Exception as e:  # a model failure must never cost the shopper the answer
            pieces.put(("error", e))
        finally:
            pieces.put(("end", None))

    th = threading.Thread(target=worker, name="kiosk-model", daemon=True)
    with _WORKERS_LOCK:
        _WORKERS[:] = [w for w in _WORKERS if w.is_alive()] + [th]
    th.start()
    buf = ""
    try:
        while True:
            limit = (deadline_s if comp.sentences else first_deadline_s) - (clock.monotonic() - t0)
            if limit <= 0:
                return
            try:
                kind, value = pieces.get(timeout=limit)
            except queue.Empty:
                return
            if kind == "error":
                log.warning("model failed; using the template answer", extra=fields(error=str(value)[:200]))
                return
            if kind == "end":
                break
            buf += value
            while True:
                end = sentence_end(buf, names)
                if end < 0:
                    break
                sentence, buf = buf[: end + 1].strip(), buf[end + 1:].lstrip()
                if not sentence:
                    continue
                if not _accept(sentence, facts, comp):
                    return
                yield sentence, comp
                if len(comp.sentences) >= max_sentences:
                    return
        tail = buf.strip()
        if tail and len(comp.sentences) < max_sentences and clock.monotonic() - t0 <= deadline_s and _accept(tail, facts, comp):
            yield tail, comp
    finally:
        cancel.set()


def _accept(sentence: str, facts: Facts, comp: Composition) -> bool:
    problems = check_model_sentence(sentence, facts)
    if problems:
        comp.rejected.append({"sentence": sentence, "problems": problems})
        return False
    comp.sentences.append(sentence)
    comp.path = "model"
    return True
