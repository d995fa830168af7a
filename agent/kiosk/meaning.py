"""Closest product (or FAQ row) by meaning: a small sentence-embedding model (all-MiniLM-L6-v2, int8 ONNX) for everyday names.

The kiosk's word matching and lexicon know "phone charger" means a charging cable, but no lexicon holds every name a
shopper uses ("barf bags" for motion sickness bags, "chux pads" for disposable underpads). When word matching finds no
product, the planner asks this module for the one product whose name and description mean the closest thing, and says
it is the closest match -- never that it is the thing asked for. A match must clear a similarity floor and stand clear
of the runner-up, so a thing the store does not sell still gets an honest "we don't carry it".

The same vectors find the FAQ row a store question means when no row's words match it ("can u make my gold ring
smaller how much" -> "Do you resize rings?"); the planner asks only for questions shaped like a service.

The model is optional: without its built files (``edge-agent model build minilm-l6-v2``) the kiosk answers as before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agent.llm.manifest import read_manifest, verify_files
from agent.logs import fields
from agent.paths import model_dir

if TYPE_CHECKING:
    from agent.kiosk.catalog import FaqEntry, Product

log = logging.getLogger("agent.kiosk.meaning")

RECIPE = "minilm-l6-v2"
# Measured with the int8 model on the 181 eval stores' 7,235 questions, the answers that reach this fallback: at 0.5 it
# turns 17 wrong answers right and no right one wrong; with half the lexicon taken away (names it has never seen) +72
# and -0; at 0.45 +99 and -5 (a drill, bread, a backpack: things not sold, answered with a product merely near them).
MIN_SCORE = 0.5
# A thing described in three or more words ("the machine that cleans jewelry with sound waves", "tire stoppers so the
# trailer dont roll") carries more meaning than a bare name, so its floor is lower. Measured on the 223 eval stores, the
# price/place/stock answers that reach the fallback: the whole description at 0.42 (0.5 for one or two words) turns 23
# wrong answers right and none wrong; at 0.38, +28 and 0; a bare name at 0.45 already answered "backpack" with a hoodie.
DESCRIBED_MIN_SCORE = 0.42
# ...and the runner-up must be this far behind, or the name fits two products about equally and either would be a guess.
MIN_GAP = 0.02
# Among the two or three products one typed name has ("yaesu": a handheld and a mobile radio), the meaning decides only
# with this lead.
MIN_AMONG_GAP = 0.03
# A store question in the shopper's own words ("can u make my gold ring smaller how much" for "Do you resize rings?")
# that no FAQ row's words match. Measured on the 217 eval stores' 8,675 questions, asked only for a question shaped like
# a service ("how much to ...", "can you ...") or one the words took as off-topic: at 0.5, +24 right and 0 lost;
# at 0.45, +25 and -1. Asked of every not-carried answer instead, 0.5 gives +14 and -76 ("any nail stamping plates?"
# is near "Do you offer nail services?"), which is why the planner asks only for those shapes.
MIN_FAQ_SCORE = 0.5
MIN_FAQ_GAP = 0.03
# ...and over the row the words chose, when that row has them only in passing ("thrown, inked or dyed discs are final
# sale" for "how much 2 get a disc dyed"): on the 229 eval stores at 0.6, +1 and one answer better ("do you charge to
# fit a helmet": helmet fitting, not intercom fitting), 0 lost; at 0.5 one lost (a members' discount for "gear rental").
SERVICE_OVER_WORDS_SCORE = 0.6
_MAX_TOKENS = 128
_CACHE_LIMIT = 20000


@dataclass(frozen=True)
class Nearest:
    product: Product
    score: float
    gap: float


@dataclass(frozen=True)
class NearestFaq:
    entry: FaqEntry
    score: float
    gap: float


class Embedder:
    """One ONNX session and tokenizer, shared by every catalog index of the process (thread-safe: onnxruntime's run is)."""

    def __init__(self, directory: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.directory = directory
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self._session = ort.InferenceSession(str(directory / "model.onnx"), so, providers=["CPUExecutionProvider"])
        tok = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tok.enable_truncation(_MAX_TOKENS)
        tok.enable_padding()
        self._tok = tok
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text; a text seen before (a product of the previous catalog) is not encoded again."""
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        for i in range(0, len(todo), 32):
            batch = todo[i:i + 32]
            enc = self._tok.encode_batch(batch)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            out = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            with self._lock:
                if len(self._cache) > _CACHE_LIMIT:
                    self._cache.clear()
                self._cache.update(zip(batch, out.astype(np.float32), strict=True))
        with self._lock:
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


_default: Embedder | None = None
_default_tried = False
_default_lock = threading.Lock()


def default_embedder() -> Embedder | None:
    """The built model under models/, loaded once; None (logged once) when it has not been built or cannot load."""
    global _default, _default_tried
    with _default_lock:
        if not _default_tried:
            _default_tried = True
            d = model_dir(RECIPE)
            if not (d / "model.onnx").is_file():
                log.warning("no meaning model: everyday names only the lexicon knows are answered 'not carried'",
                            extra=fields(path=str(d), fix=f"run: edge-agent model build {RECIPE}"))
            else:
                try:
                    verify_files(d, read_manifest(d))  # a file cut short by a full SD card is named, not half-loaded
                    _default = Embedder(d)
                except Exception as e:  # a broken file must not take the kiosk down: it answers without it
                    log.error("meaning model failed to load; answering without it",
                              extra=fields(path=str(d), error=str(e)[:300], fix=f"run: edge-agent model build --force {RECIPE}"))
        return _default


def product_text(p: Product) -> str:
    return f"{p.name}. {p.category}. {p.description}"


def faq_texts(f: FaqEntry) -> tuple[str, str]:
    """A row is near a question by its own question or by its answer, which often names the service plainly."""
    return f.question, f"{f.question} {f.answer}"


class Meanings:
    """A catalog's product vectors, computed on first use (most questions never need them) and kept with its index."""

    def __init__(self, products: list[Product], embedder: Embedder | None, faq: list[FaqEntry] | None = None) -> None:
        self._products = products
        self._faq = faq or []
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._faq_vectors: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self._embedder is not None and bool(self._products)

    def warm_up(self) -> None:
        if self.available:
            self._matrix()
        if self._embedder is not None and self._faq:
            self._faq_matrices()

    def _matrix(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                assert self._embedder is not None
                self._vectors = self._embedder.encode([product_text(p) for p in self._products])
            return self._vectors

    def _faq_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            if self._faq_vectors is None:
                assert self._embedder is not None
                qs, qas = zip(*(faq_texts(f) for f in self._faq), strict=True)
                self._faq_vectors = (self._embedder.encode(list(qs)), self._embedder.encode(list(qas)))
            return self._faq_vectors

    def nearest_faq(self, text: str, min_score: float = MIN_FAQ_SCORE, min_gap: float = MIN_FAQ_GAP) -> NearestFaq | None:
        """The one FAQ row that means what ``text`` asks, or None when none is close enough or two are as close."""
        if self._embedder is None or not self._faq or not text.strip():
            return None
        try:
            by_q, by_qa = self._faq_matrices()
            v = self._embedder.encode([text])[0]
            scores = np.maximum(by_q @ v, by_qa @ v)
        except Exception as e:
            log.error("meaning lookup failed", extra=fields(error=str(e)[:300]))
            return None
        order = np.argsort(-scores)[:2]
        won = _clear_winner([float(scores[i]) for i in order], min_score, min_gap)
        return NearestFaq(self._faq[int(order[0])], *won) if won else None

    def ranked(self, text: str, n: int = 3, among: frozenset[str] | None = None) -> list[tuple[Product, float]]:
        """The ``n`` products nearest in meaning, best first; only those whose sku is in ``among``, when given."""
        if not self.available or not text.strip():
            return []
        assert self._embedder is not None
        scores = self._matrix() @ self._embedder.encode([text])[0]
        order = [i for i in np.argsort(-scores) if among is None or self._products[i].sku in among][:n]
        return [(self._products[i], float(scores[i])) for i in order]

    def nearest(self, text: str, min_score: float | None = None, min_gap: float | None = None,
                among: frozenset[str] | None = None) -> Nearest | None:
        """The one product that means what ``text`` names, or None when none is close enough or two are as close."""
        min_score = MIN_SCORE if min_score is None else min_score
        min_gap = MIN_GAP if min_gap is None else min_gap
        try:
            r = self.ranked(text, 2, among)
        except Exception as e:  # the fallback is a nicety: an error in it is logged and the answer goes on without it
            log.error("meaning lookup failed", extra=fields(error=str(e)[:300]))
            return None
        won = _clear_winner([score for _, score in r], min_score, min_gap)
        return Nearest(r[0][0], *won) if won else None


def _clear_winner(top: list[float], min_score: float, min_gap: float) -> tuple[float, float] | None:
    """(best score, its lead over the runner-up) when the best is close enough and stands clear; for products and FAQ rows."""
    if not top or top[0] < min_score:
        return None
    gap = top[0] - (top[1] if len(top) > 1 else 0.0)
    return (top[0], gap) if gap >= min_gap else None
