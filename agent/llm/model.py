"""The loaded language model: chat in, text pieces out.

One onnxruntime session and one KV cache per model, so requests are
serialised by a lock (a Pi has no spare cores for two at once anyway);
background requests step aside for interactive ones (GenerationConfig.background).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.clock import Clock, SystemClock
from agent.llm.chat_template import make_template
from agent.llm.generation import GenerationConfig
from agent.llm.manifest import read_manifest, verify_files
from agent.llm.memory import release_file_pages, trim, tune_malloc
from agent.llm.onnx_decoder import make_decoder, physical_cores
from agent.llm.prompt import build_prompt
from agent.llm.sampling import Sampler
from agent.llm.stops import StopMatcher
from agent.llm.tokenizer import IncrementalDecoder, load_tokenizer
from agent.logs import fields

log = logging.getLogger("agent.llm")


@dataclass
class GenerationStats:
    """Figures of the last request (for the bench and the kiosk's Q&A log)."""

    prompt_tokens: int = 0
    new_tokens: int = 0
    truncated: bool = False
    finish_reason: str = ""  # stop | eos | length | deadline | cancelled | preempted
    prefill_s: float = 0.0
    first_token_s: float = 0.0
    decode_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class LanguageModel:
    def __init__(self, directory: Path, manifest: dict[str, Any], threads: int | None = None,
                 max_context: int | None = None, clock: Clock | None = None, low_memory: bool = True) -> None:
        self.directory = Path(directory)
        self.manifest = manifest
        self.clock = clock or SystemClock()
        meta = manifest["model"]
        self.threads = threads or physical_cores()
        self.max_context = int(max_context or meta.get("max_context", 2048))
        tune_malloc()
        self.tokenizer = load_tokenizer(self.directory / manifest["tokenizer"]["file"])
        trim()  # the tokenizer's JSON parse leaves ~15 MB of freed heap behind
        ct = manifest["chat_template"]
        self.template = make_template(ct.get("style", "chatml"), self.tokenizer, ct.get("default_system"))
        self.stop_ids = self.template.stop_ids()
        self.decoder = make_decoder(self.directory / meta["file"], meta, self.threads, self.max_context, low_memory)
        if low_memory:
            release_file_pages(str((self.directory / meta["file"]).resolve()) + ".data")
        trim()
        self._lock = threading.Lock()
        self._waiting = 0  # interactive requests blocked on the lock (background ones yield to them)
        self._waiting_lock = threading.Lock()
        self._local = threading.local()
        self.name = manifest.get("recipe", self.directory.name)

    # -- public API -------------------------------------------------------------------------

    @property
    def last_stats(self) -> GenerationStats:
        """Figures of the calling thread's last request (another thread's request cannot overwrite them)."""
        return getattr(self._local, "stats", None) or GenerationStats()

    @last_stats.setter
    def last_stats(self, stats: GenerationStats) -> None:
        self._local.stats = stats

    def chat_stream(self, messages: list[dict[str, str]], cfg: GenerationConfig | None = None,
                    cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield text pieces as they are decoded; stops on stop strings, EOS, length, deadline or cancel."""
        cfg = cfg or GenerationConfig()
        with self._turn(cfg.background):
            yield from self._generate(messages, cfg, cancel)

    @contextmanager
    def _turn(self, background: bool) -> Iterator[None]:
        """Hold the model; while an interactive caller waits for it, background generation sees ``_waiting`` and stops."""
        if not background:
            with self._waiting_lock:
                self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            if not background:
                with self._waiting_lock:
                    self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    def chat(self, messages: list[dict[str, str]], cfg: GenerationConfig | None = None,
             cancel: threading.Event | None = None) -> str:
        return "".join(self.chat_stream(messages, cfg, cancel))

    def perplexity_logits(self, ids: list[int]):
        """All-position logits for ``ids`` from an empty cache (quality checks)."""
        with self._lock:
            self.decoder.reset()
            return self.decoder.forward(ids, all_logits=True)

    # -- generation loop --------------------------------------------------------------------

    def _generate(self, messages, cfg: GenerationConfig, cancel: threading.Event | None) -> Iterator[str]:
        start = self.clock.monotonic()
        deadline = start + cfg.deadline_s if cfg.deadline_s else None
        budget = max(8, self.max_context - cfg.max_new_tokens)
        prompt = build_prompt(self.template, messages, budget)
        max_new = min(cfg.max_new_tokens, self.max_context - len(prompt.ids))
        stats = GenerationStats(prompt_tokens=len(prompt.ids), truncated=prompt.truncated)
        self.last_stats = stats
        if prompt.truncated:
            log.warning("prompt truncated to fit the context", extra=fields(tokens=len(prompt.ids), budget=budget, dropped_messages=prompt.dropped_messages))
        if cfg.background and self._waiting:
            stats.finish_reason = "preempted"
            return
        sampler = Sampler(cfg)
        stops = StopMatcher(cfg.stop)
        detok = IncrementalDecoder(self.tokenizer)
        t0 = time.perf_counter()
        prefill = getattr(self.decoder, "prefill", None)
        if prefill is not None:
            logits = prefill(prompt.ids)
        else:
            self.decoder.reset()
            logits = self.decoder.forward(prompt.ids)
        stats.prefill_s = time.perf_counter() - t0
        reason = "length"
        t_decode = time.perf_counter()
        for i in range(max_new):
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            if cfg.background and self._waiting:
                reason = "preempted"
                break
            if deadline is not None and self.clock.monotonic() >= deadline:
                reason = "deadline"
                break
            token = sampler(logits)
            if i == 0:
                stats.first_token_s = time.perf_counter() - t0
                t_decode = time.perf_counter()
            if token in self.stop_ids:
                reason = "eos"
                break
            stats.new_tokens += 1
            piece = stops.feed(detok.push(token))
            if piece:
                yield piece
            if stops.stopped:
                reason = "stop"
                break
            if i + 1 < max_new:
                logits = self.decoder.forward([token])
        stats.decode_s = time.perf_counter() - t_decode
        stats.finish_reason = reason
        if reason != "stop":
            tail = stops.feed(detok.flush()) + stops.flush()
            if tail:
                yield tail


def load_model(directory: str | Path | None = None, threads: int | None = None, max_context: int | None = None,
               clock: Clock | None = None, verify: bool = True, low_memory: bool = True) -> LanguageModel:
    """Load a built model directory through its manifest (checksums verified unless ``verify=False``)."""
    from agent.paths import model_dir

    d = Path(directory) if directory is not None else model_dir()
    manifest = read_manifest(d)
    if verify:
        verify_files(d, manifest)
    _check_cpu(manifest)
    return LanguageModel(d, manifest, threads=threads, max_context=max_context, clock=clock, low_memory=low_memory)


def _check_cpu(manifest: dict[str, Any]) -> None:
    from agent.llm.cpu import cpu_features

    level = manifest.get("quantization", {}).get("accuracy_level")
    if level == 4 and not cpu_features().get("int8_dot"):
        log.warning("this CPU lacks int8 dot-product instructions; the 4-bit model's accuracy_level=4 kernels fall back to slower paths",
                    extra=fields(hint="on a Pi 4, build with the recipe variant that sets accuracy_level = 0"))
