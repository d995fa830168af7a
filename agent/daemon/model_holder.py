"""The one shared language model, loaded lazily and swappable in one step.

The kiosk and the alert writer call ``ctx.model()``; they must never see half
a model while an OTA update replaces it, and a missing model must degrade to
their deterministic fallbacks (None) instead of crashing them. Every call
goes through a thin proxy that records latency for the health report.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from agent.logs import fields

log = logging.getLogger(__name__)

Loader = Callable[[Path], Any]


def default_loader(path: Path) -> Any:
    from agent.llm import load_model  # heavy: onnxruntime

    return load_model(path)


class _Latency:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: deque[float] = deque(maxlen=50)
        self.calls = 0
        self.errors = 0

    def add(self, seconds: float, ok: bool) -> None:
        with self._lock:
            self.calls += 1
            if ok:
                self._samples.append(seconds)
            else:
                self.errors += 1

    def summary(self) -> dict[str, Any]:
        with self._lock:
            s = sorted(self._samples)
        if not s:
            return {"calls": self.calls, "errors": self.errors}
        return {"calls": self.calls, "errors": self.errors, "last_ms": round(self._samples[-1] * 1000, 1),
                "p50_ms": round(s[len(s) // 2] * 1000, 1), "max_ms": round(s[-1] * 1000, 1)}


class TimedModel:
    """Forwards to the model; ``chat``/``chat_stream`` are timed (wall time of the whole answer)."""

    def __init__(self, model: Any, latency: _Latency, version: str) -> None:
        self._model = model
        self._latency = latency
        self.version = version

    @property
    def wrapped(self) -> Any:
        return self._model

    def chat(self, *a: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        ok = False
        try:
            out = self._model.chat(*a, **kw)
            ok = True
            return out
        finally:
            self._latency.add(time.perf_counter() - t0, ok)

    def chat_stream(self, *a: Any, **kw: Any) -> Iterator[Any]:
        t0 = time.perf_counter()
        ok = False
        try:
            yield from self._model.chat_stream(*a, **kw)
            ok = True
        finally:
            self._latency.add(time.perf_counter() - t0, ok)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


class ModelHolder:
    """Callable as ``ctx.model``: returns the loaded model or None."""

    def __init__(self, path: Path | None, loader: Loader = default_loader) -> None:
        self.path = path
        self._loader = loader
        self._lock = threading.Lock()
        self._model: TimedModel | None = None
        self._tried = False
        self.error = ""
        self.latency = _Latency()
        self.load_seconds: float | None = None
        self._preloading = threading.Event()

    def __call__(self) -> Any:
        m = self._model
        if m is not None or self._tried:
            return m
        if self._preloading.is_set():
            return None  # being loaded in the background: callers use their fallback instead of waiting
        return self.load()

    def load(self) -> Any:
        """Load once; later calls return the same model (or None after a logged failure)."""
        with self._lock:
            if self._model is not None or self._tried:
                return self._model
            self._tried = True
            if self.path is None or not self.path.exists():
                self.error = f"no model at {self.path}: run `edge-agent model build` (or install one with update_model)"
                log.warning("no language model; the kiosk uses its fallback answers", extra=fields(path=str(self.path), fix="edge-agent model build"))
                return None
            t0 = time.perf_counter()
            try:
                model = self._loader(self.path)
            except Exception as e:
                self.error = f"{type(e).__name__}: {e}"
                log.error("language model failed to load; the kiosk uses its fallback answers", extra=fields(path=str(self.path), error=self.error))
                return None
            self.load_seconds = time.perf_counter() - t0
            self._model = TimedModel(model, self.latency, _version_of(self.path))
            log.info("language model loaded", extra=fields(path=str(self.path), seconds=round(self.load_seconds, 2)))
            return self._model

    def preload(self) -> threading.Thread:
        """Load in the background; until it is done ``holder()`` returns None instead of blocking."""
        self._preloading.set()

        def run() -> None:
            try:
                self.load()
            finally:
                self._preloading.clear()

        t = threading.Thread(target=run, name="model-preload", daemon=True)
        t.start()
        return t

    def swap(self, model: Any, path: Path | None) -> tuple[Any, Path | None]:
        """Serve ``model`` from now on; returns the previous (model, path) for a rollback."""
        with self._lock:
            old = (self._model.wrapped if self._model is not None else None, self.path)
            self._model = TimedModel(model, self.latency, _version_of(path) if path else "") if model is not None else None
            self.path = path
            self._tried = True
            self.error = ""
        log.info("language model swapped", extra=fields(path=str(path)))
        return old

    def info(self) -> dict[str, Any]:
        m = self._model
        d: dict[str, Any] = {"loaded": m is not None, "path": str(self.path) if self.path else None, "latency": self.latency.summary()}
        if m is not None:
            d["version"] = m.version
        if self.load_seconds is not None:
            d["load_s"] = round(self.load_seconds, 2)
        if self.error:
            d["error"] = self.error
        return d


def _version_of(path: Path) -> str:
    """The OTA version directory name, or the directory the symlink points to."""
    try:
        return path.resolve().name
    except OSError:
        return path.name
