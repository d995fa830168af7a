"""The kiosk's question answering, shared by the HTTP server, the CLI and the eval.

One ``Kiosk`` holds the current catalog and its index; replacing the catalog
swaps both in one assignment, so a question in flight finishes on the catalog
it started with and the next one sees the new prices.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from agent.clock import Clock, SystemClock
from agent.events import Event, EventKind
from agent.kiosk.catalog import Catalog, load_catalog, parse_catalog, parse_faq
from agent.kiosk.checker import Facts, check_sentence
from agent.kiosk.composer import compose, warm_up
from agent.kiosk.planner import plan
from agent.kiosk.retrieval import Index
from agent.logs import fields

log = logging.getLogger(__name__)

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def sample_paths() -> tuple[Path, Path]:
    base = resources.files("agent.kiosk.data")
    return Path(str(base.joinpath("sample_catalog.csv"))), Path(str(base.joinpath("sample_faq.csv")))


def load_sample() -> Catalog:
    c, f = sample_paths()
    return load_catalog(c, f)


@dataclass
class Answer:
    question: str
    answer: str
    sentences: list[str]
    sources: list[str]
    kind: str
    path: str
    latency_ms: float
    first_ms: float
    rejected: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "sentences": self.sentences, "sources": self.sources, "kind": self.kind, "path": self.path,
                "latency_ms": round(self.latency_ms, 1), "first_ms": round(self.first_ms, 1)}


class ModelGate:
    """Stops calling a model that keeps missing its deadline, and tries it again now and then.

    On a loaded 2-core machine the model may never produce a sentence in time;
    calling it anyway costs every shopper the full first-sentence wait for
    nothing. After ``misses`` answers in a row where the model said nothing
    before the deadline, the next ``skip`` questions go straight to the
    templates, then one question probes the model again.
    """

    def __init__(self, misses: int = 3, skip: int = 20) -> None:
        self.misses, self.skip = misses, skip
        self._miss = 0
        self._skipping = 0
        self._lock = threading.Lock()
        self.skipped = 0

    def should_try(self) -> bool:
        with self._lock:
            if self._skipping > 0:
                self._skipping -= 1
                self.skipped += 1
                return False
            return True

    def record(self, used: bool) -> None:
        with self._lock:
            if used:
                self._miss = 0
                return
            self._miss += 1
            if self._miss >= self.misses:
                self._miss = self.misses - 1  # one more miss after the pause skips again
                self._skipping = self.skip


class QuestionError(ValueError):
    """The request does not carry a usable question."""


def clean_question(raw: Any, max_chars: int) -> str:
    if not isinstance(raw, str):
        raise QuestionError("'question' must be a string of text.")
    q = raw.translate(_CONTROL).replace("\r", " ").replace("\n", " ").strip()
    return q[:max_chars]


class Kiosk:
    def __init__(self, catalog: Catalog, *, clock: Clock | None = None, model: Callable[[], Any] | None = None,
                 currency: str = "$", use_model: bool = True, deadline_s: float = 0.9, first_sentence_s: float = 0.35, max_question_chars: int = 300,
                 on_answer: Callable[[Answer], None] | None = None, activity: Any = None) -> None:
        self.clock = clock or SystemClock()
        self.model = model or (lambda: None)
        self.currency = currency
        self.use_model = use_model
        self.deadline_s = deadline_s
        self.first_sentence_s = first_sentence_s
        self.max_question_chars = max_question_chars
        self.on_answer = on_answer
        self.activity = activity
        self._lock = threading.Lock()
        self._catalog = catalog
        self._index = Index(catalog)
        self.answered = 0
        self.fallbacks = 0
        self._model_gate = ModelGate()
        self._warmed = False

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def replace_catalog(self, catalog: Catalog) -> None:
        index = Index(catalog)  # build outside the lock; swap atomically
        if self._warmed:  # a serving kiosk's first everyday-name question must not pay for the new products' vectors
            index.by_meaning.warm_up()
        live = self._catalog.live_stock()
        for sku, units in live.items():
            catalog.set_live_stock(sku, units)
        with self._lock:
            catalog.version = self._catalog.version + 1
            self._catalog, self._index = catalog, index

    def replace_from_text(self, catalog_csv: str, faq_csv: str | None = None, name: str = "catalog.csv") -> Catalog:
        """Raises CatalogError when a file is unusable; bad rows are skipped and listed in .issues."""
        pc = parse_catalog(catalog_csv, name)
        if faq_csv is not None:
            pf = parse_faq(faq_csv, "faq.csv")
            faq, issues = pf.faq, pc.issues + pf.issues
        else:
            faq, issues = self._catalog.faq, pc.issues
        cat = Catalog(pc.products, faq, issues)
        self.replace_catalog(cat)
        return cat

    def stream(self, question: Any) -> Iterator[tuple[str, Any]]:
        """Yields ("sentence", text) as each checked sentence is ready, then ("done", Answer)."""
        busy = self.activity.busy("ask") if self.activity is not None else contextlib.nullcontext()
        with busy:
            t0 = self.clock.monotonic()
            q = clean_question(question, self.max_question_chars)
            with self._lock:
                catalog, index = self._catalog, self._index
            p = plan(q, index, self.currency)
            facts = Facts(p.products, [p.faq] if p.faq else [], self.currency, catalog, not_carried_ok=p.kind == "not_carried")
            model = self.model() if self.use_model and p.model_may_phrase and self._model_gate.should_try() else None
            comp = None
            sentences: list[str] = []
            for sentence, c in compose(p, q, facts, model, self.clock, self.deadline_s, self.first_sentence_s):
                comp = c
                problems = check_sentence(sentence, facts)
                if problems:  # templates too: a broken template must not reach a shopper
                    log.error("template sentence failed the check", extra=fields(sentence=sentence, problems="; ".join(problems)))
                    continue
                sentences.append(sentence)
                yield "sentence", sentence
            if not sentences:
                sentences = ["Sorry, I can't answer that reliably right now. Please ask a member of staff."]
                yield "sentence", sentences[0]
            if model is not None and comp is not None:
                # A sentence the checker refused still shows a model that answers in time;
                # only a model that says nothing before the deadline is paused.
                self._model_gate.record(comp.path != "template" or bool(comp.rejected))
            t1 = self.clock.monotonic()
            ans = Answer(q, " ".join(sentences), sentences, p.sources, p.kind, comp.path if comp else "template",
                         (t1 - t0) * 1000, (comp.first_ms if comp and comp.first_ms is not None else (t1 - t0) * 1000),
                         comp.rejected if comp else [])
            self.answered += 1
            if ans.path != "model":
                self.fallbacks += 1
            if self.on_answer is not None:
                self.on_answer(ans)
            yield "done", ans

    def warm_up(self) -> bool:
        """Prime the model for the first shopper; False while no model is there yet (try again later)."""
        if not self._warmed:
            self._warmed = True
            with self._lock:
                index = self._index
            try:
                index.by_meaning.warm_up()  # the products' meaning vectors (~0.1 s for 40 products), once per catalog
            except Exception as e:  # without them the kiosk still answers; the lookup logs its own errors later
                log.warning("meaning vectors failed to build", extra=fields(error=str(e)[:200]))
        if not self.use_model:
            return True
        model = self.model()
        if model is None:
            return False
        try:
            warm_up(model)
        except Exception as e:  # a model that cannot even warm up is the composer's problem, not the kiosk's
            log.warning("model warm-up failed; answers fall back to templates if it keeps failing", extra=fields(error=str(e)[:200]))
        return True

    def ask(self, question: Any) -> Answer:
        for kind, value in self.stream(question):
            if kind == "done":
                return value
        raise RuntimeError("unreachable: stream always ends with done")

    def suggestions(self, n: int = 4) -> list[str]:
        """Questions the page offers as buttons: taken from the catalog so each one has a real answer."""
        from agent.kiosk.checker import _core
        from agent.kiosk.text import fold

        def nice(p) -> tuple[str, str]:
            core = _core(fold(p.name)) or fold(p.name)
            return core, ("are" if core.endswith("s") else "is")

        prods = [p for p in self.catalog.products.values() if p.stock != 0]
        out = []
        if prods:
            core, verb = nice(prods[0])
            out.append(f"Where {verb} the {core}?")
        if len(prods) > 1:
            core, verb = nice(prods[len(prods) // 2])
            out.append(f"How much {verb} the {core}?")
        vegan = [p for p in prods if "vegan" in p.tags]
        if vegan:
            core, verb = nice(vegan[-1])
            out.append(f"{verb.capitalize()} the {core} vegan?")
        if self.catalog.faq:
            out.append(self.catalog.faq[0].question)
        return out[:n]


def qa_event(ans: Answer, clock: Clock, source: str = "kiosk") -> Event:
    return Event(EventKind.QA, clock.time(), source, {
        "question": ans.question, "answer": ans.answer, "sources": ans.sources,
        "latency_ms": round(ans.latency_ms, 1), "path": ans.path, "kind": ans.kind})
