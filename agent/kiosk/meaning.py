"""Closest product by meaning: a small sentence-embedding model (all-MiniLM-L6-v2, int8 ONNX) for everyday names.

The kiosk's word matching and lexicon know "phone charger" means a charging cable, but no lexicon holds every name a
shopper uses ("barf bags" for motion sickness bags, "chux pads" for disposable underpads). When word matching finds no
product, the planner asks this module for the one product whose name and description mean the closest thing, and says
it is the closest match -- never that it is the thing asked for. A match must clear a similarity floor and stand clear
of the runner-up, so a thing the store does not sell still gets an honest "we don't carry it".

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
    from agent.kiosk.catalog import Product

log = logging.getLogger("agent.kiosk.meaning")

RECIPE = "minilm-l6-v2"
# Measured with the int8 model on the 181 eval stores' 7,235 questions, the answers that reach this fallback: at 0.5 it
# turns 17 wrong answers right and no right one wrong; with half the lexicon taken away (names it has never seen) +72
# and -0; at 0.45 +99 and -5 (a drill, bread, a backpack: things not sold, answered with a product merely near them).
MIN_SCORE = 0.5
# ...and the runner-up must be this far behind, or the name fits two products about equally and either would be a guess.
MIN_GAP = 0.02
_MAX_TOKENS = 128
_CACHE_LIMIT = 20000


@dataclass(frozen=True)
class Nearest:
    product: Product
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


class Meanings:
    """A catalog's product vectors, computed on first use (most questions never need them) and kept with its index."""

    def __init__(self, products: list[Product], embedder: Embedder | None) -> None:
        self._products = products
        self._embedder = embedder
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return self._embedder is not None and bool(self._products)

    def warm_up(self) -> None:
        if self.available:
            self._matrix()

    def _matrix(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                assert self._embedder is not None
                self._vectors = self._embedder.encode([product_text(p) for p in self._products])
            return self._vectors

    def ranked(self, text: str, n: int = 3) -> list[tuple[Product, float]]:
        if not self.available or not text.strip():
            return []
        assert self._embedder is not None
        scores = self._matrix() @ self._embedder.encode([text])[0]
        order = np.argsort(-scores)[:n]
        return [(self._products[i], float(scores[i])) for i in order]

    def nearest(self, text: str, min_score: float | None = None, min_gap: float | None = None) -> Nearest | None:
        """The one product that means what ``text`` names, or None when none is close enough or two are as close."""
        min_score = MIN_SCORE if min_score is None else min_score
        min_gap = MIN_GAP if min_gap is None else min_gap
        try:
            r = self.ranked(text, 2)
        except Exception as e:  # the fallback is a nicety: an error in it is logged and the answer goes on without it
            log.error("meaning lookup failed", extra=fields(error=str(e)[:300]))
            return None
        if not r or r[0][1] < min_score:
            return None
        gap = r[0][1] - (r[1][1] if len(r) > 1 else 0.0)
        return Nearest(r[0][0], r[0][1], gap) if gap >= min_gap else None
