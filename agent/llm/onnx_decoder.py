"""Running the exported decoder graph step by step with a KV cache.

IO binding keeps the key/value cache as onnxruntime-owned buffers that go
straight from one step's outputs to the next step's inputs (no copies through
numpy), and the attention mask/position ids are views of buffers allocated
once for the whole context window.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from agent.llm.errors import ModelError


def physical_cores() -> int:
    """Physical cores (hyper-threads share an FPU, so more threads only add contention)."""
    try:
        cores = set()
        phys = core = None
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("physical id"):
                    phys = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                elif not line.strip() and core is not None:
                    cores.add((phys, core))
                    phys = core = None
        if core is not None:
            cores.add((phys, core))
        if cores:
            return max(1, min(len(cores), len(os.sched_getaffinity(0))))
    except OSError:
        pass
    return max(1, len(os.sched_getaffinity(0)))


def session_options(threads: int, low_memory: bool = True):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    if low_memory:
        # The arena keeps the prefill's peak allocations for the process lifetime.
        so.enable_cpu_mem_arena = False
    return so


def open_session(path: Path, threads: int, low_memory: bool = True):
    import onnxruntime as ort

    try:
        return ort.InferenceSession(str(path), session_options(threads, low_memory), providers=["CPUExecutionProvider"])
    except Exception as e:
        raise ModelError(f"{path}: onnxruntime cannot load the model ({str(e)[:300]}). Rebuild it with: edge-agent model build --force", str(path)) from None


class OptimumDecoder:
    """Decoder exported by optimum (``text-generation-with-past``): concatenating KV cache."""

    def __init__(self, path: Path, threads: int, max_context: int, low_memory: bool = True) -> None:
        import onnxruntime as ort

        self._ort = ort
        self.sess = open_session(path, threads, low_memory)
        inputs = {i.name: i for i in self.sess.get_inputs()}
        self.past_names = sorted((n for n in inputs if n.startswith("past_key_values.")), key=_kv_order)
        self.present_names = [n.replace("past_key_values.", "present.") for n in self.past_names]
        outputs = {o.name for o in self.sess.get_outputs()}
        missing = [n for n in ["logits", *self.present_names] if n not in outputs] + [n for n in ("input_ids", "attention_mask") if n not in inputs]
        if missing or not self.past_names:
            raise ModelError(f"{path}: not a decoder with past key values (missing {missing or 'past_key_values.*'}).", str(path))
        self.has_positions = "position_ids" in inputs
        shape = inputs[self.past_names[0]].shape  # [batch, kv_heads, past, head_dim]
        self.kv_heads, self.head_dim = int(shape[1]), int(shape[3])
        self.kv_dtype = np.float16 if "float16" in inputs[self.past_names[0]].type else np.float32
        self.max_context = max_context
        self._mask = np.ones((1, max_context), dtype=np.int64)
        self._positions = np.arange(max_context, dtype=np.int64)[None, :]
        self.reset()

    def reset(self) -> None:
        empty = np.zeros((1, self.kv_heads, 0, self.head_dim), dtype=self.kv_dtype)
        self.past: list[Any] = [self._ort.OrtValue.ortvalue_from_numpy(empty) for _ in self.past_names]
        self.length = 0

    def forward(self, ids: list[int], all_logits: bool = False) -> np.ndarray:
        """Feed ``ids`` after the cached ones; last position's logits [vocab] (or all: [n, vocab])."""
        n = len(ids)
        total = self.length + n
        if total > self.max_context:
            raise ModelError(f"context overflow: {total} tokens > max_context {self.max_context}")
        b = self.sess.io_binding()
        b.bind_cpu_input("input_ids", np.asarray(ids, dtype=np.int64)[None, :])
        b.bind_cpu_input("attention_mask", self._mask[:, :total])
        if self.has_positions:
            b.bind_cpu_input("position_ids", np.ascontiguousarray(self._positions[:, self.length : total]))
        for name, v in zip(self.past_names, self.past, strict=True):
            b.bind_ortvalue_input(name, v)
        b.bind_output("logits")
        for name in self.present_names:
            b.bind_output(name)
        self.sess.run_with_iobinding(b)
        outs = b.get_outputs()
        self.past = list(outs[1:])
        self.length = total
        logits = outs[0].numpy()[0]
        return logits if all_logits else logits[-1]


def _kv_order(name: str) -> tuple[int, int]:
    parts = name.split(".")
    return int(parts[1]), 0 if parts[2] == "key" else 1


def make_decoder(path: Path, model_meta: dict[str, Any], threads: int, max_context: int, low_memory: bool = True):
    graph = model_meta.get("graph", "optimum")
    if graph == "optimum":
        return OptimumDecoder(path, threads, max_context, low_memory)
    if graph == "gqa":
        from agent.llm.gqa_decoder import GQADecoder

        return GQADecoder(path, model_meta, threads, max_context, low_memory)
    raise ModelError(f"{path}: unknown graph kind {graph!r} in the manifest.", str(path))
