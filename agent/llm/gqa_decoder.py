"""Runs the fused graph (agent.llm.fuse): one preallocated KV buffer per layer, shared by past and present.

The cache is allocated once for the whole context window and bound as both
input and output of every step, so ``GroupQueryAttention`` writes the new
keys/values in place; nothing is copied or reallocated while generating.
Pages of the buffer that the context never reaches are never touched, so
they do not count towards resident memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from agent.llm.errors import ModelError
from agent.llm.onnx_decoder import open_session


class EmbeddingTable:
    """Rows of a float16 ``.npy`` table read on demand with ``pread``.

    Only the ids in a request are read; neither the table nor a memory map of
    it (whose fault-around would pull in neighbouring pages) is resident.
    """

    def __init__(self, path: Path) -> None:
        try:
            with open(path, "rb") as f:
                version = np.lib.format.read_magic(f)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, fortran, dtype = read_header(f)
                offset = f.tell()
        except (OSError, ValueError) as e:
            raise ModelError(f"{path}: unreadable embedding table ({e}). Rebuild it with: edge-agent model build --force", str(path)) from None
        if len(shape) != 2 or fortran or dtype != np.float16:
            raise ModelError(f"{path}: expected a C-order float16 [vocab, hidden] table, got {dtype} {shape}.", str(path))
        self.vocab, self.hidden = shape
        self.row_bytes = self.hidden * 2
        self.offset = offset
        self.fd = os.open(path, os.O_RDONLY)
        self._pread = os.pread

    def rows(self, ids: list[int]) -> np.ndarray:
        out = np.empty((len(ids), self.hidden), dtype=np.float16)
        for k, i in enumerate(ids):
            if not 0 <= i < self.vocab:
                raise ModelError(f"token id {i} is outside the vocabulary (0..{self.vocab - 1})")
            out[k] = np.frombuffer(self._pread(self.fd, self.row_bytes, self.offset + i * self.row_bytes), dtype=np.float16)
        return out.astype(np.float32)

    def __del__(self, _close=os.close) -> None:
        fd = getattr(self, "fd", None)
        if fd is not None:
            _close(fd)


# Logits further than this below the best are left coarse (measured on the held-out text: margin 6
# and at most 64 tokens gives perplexity 30.13, the same as always rescoring the top 64; margin 3: 30.47).
RESCORE_MARGIN = 6.0


class GQADecoder:
    def __init__(self, path: Path, meta: dict[str, Any], threads: int, max_context: int, low_memory: bool = True) -> None:
        import onnxruntime as ort

        self.sess = open_session(path, threads, low_memory)
        built = int(meta.get("max_context", max_context))
        if max_context > built:
            max_context = built  # the rotary tables were built for this many positions
        self.max_context = max_context
        layers, kv_heads, head_dim = int(meta["num_layers"]), int(meta["num_kv_heads"]), int(meta["head_dim"])
        self.names = [f"past_key_values.{i}.{k}" for i in range(layers) for k in ("key", "value")]
        shape = [1, kv_heads, max_context, head_dim]
        self.cache = [ort.OrtValue.ortvalue_from_shape_and_type(shape, np.float32, "cpu", 0) for _ in self.names]
        self._seqlens = np.zeros(1, dtype=np.int32)
        self._total = np.zeros((), dtype=np.int32)
        self._num_logits = np.ones(1, dtype=np.int64)
        self.binding = self.sess.io_binding()
        # logits first, so it is output 0; decode steps reuse one preallocated [1, 1, vocab] buffer
        # (a numpy array shared with the OrtValue: reading it needs no get_outputs(), which wraps all 61 outputs)
        self._logits1_np = np.zeros((1, 1, int(meta["vocab_size"])), dtype=np.float32)
        self._logits1 = ort.OrtValue.ortvalue_from_numpy(self._logits1_np)
        self.binding.bind_ortvalue_output("logits", self._logits1)
        for name, buf in zip(self.names, self.cache, strict=True):
            self.binding.bind_ortvalue_input(name, buf)
            self.binding.bind_ortvalue_output(name.replace("past_key_values.", "present."), buf)
        emb = meta.get("embeddings")
        if not emb:
            raise ModelError(f"{path}: the manifest names no embedding table for the fused graph.", str(path))
        self.embed = EmbeddingTable(Path(path).parent / emb)
        self.length = 0
        self.tokens: list[int] = []  # what the first `length` cache positions hold
        # lm_head_refine (agent.llm.fuse): the graph's vocabulary projection is coarse; the top
        # candidates of each position are rescored exactly from the embedding table (tied lm_head).
        self.refine = int(meta.get("lm_head_refine", 0))
        if self.refine:
            self._hidden1_np = np.zeros((1, 1, self.embed.hidden), dtype=np.float32)
            self._hidden1 = ort.OrtValue.ortvalue_from_numpy(self._hidden1_np)
            self.binding.bind_ortvalue_output("final_last", self._hidden1)

    def reset(self) -> None:
        self.length = 0  # GQA reads only the first seqlens_k + 1 positions; old contents are ignored
        self.tokens = []

    def prefill(self, ids: list[int]) -> np.ndarray:
        """Last-position logits for ``ids``, reusing the cached positions of a shared prefix.

        Kiosk and alert prompts start with the same system prompt and worked examples; their
        keys and values are still in the buffer from the previous request, so only the tokens
        after the common prefix are computed. At least one token is always run to get logits.
        """
        keep = 0
        limit = min(len(ids) - 1, len(self.tokens))
        while keep < limit and self.tokens[keep] == ids[keep]:
            keep += 1
        self.length = keep
        self.tokens = self.tokens[:keep]
        return self.forward(ids[keep:])

    def forward(self, ids: list[int], all_logits: bool = False) -> np.ndarray:
        n = len(ids)
        total = self.length + n
        if total > self.max_context:
            raise ModelError(f"context overflow: {total} tokens > max_context {self.max_context}")
        b = self.binding
        b.bind_cpu_input("inputs_embeds", self.embed.rows(ids)[None])
        self._seqlens[0] = total - 1
        self._total[()] = total
        self._num_logits[0] = n if all_logits else 1
        b.bind_cpu_input("seqlens_k", self._seqlens)
        b.bind_cpu_input("total_sequence_length", self._total)
        b.bind_cpu_input("num_logits", self._num_logits)
        one = self._num_logits[0] == 1
        if one:
            b.bind_ortvalue_output("logits", self._logits1)
        else:
            b.bind_output("logits")
        if self.refine:
            if one:
                b.bind_ortvalue_output("final_last", self._hidden1)
            else:
                b.bind_output("final_last")
        self.sess.run_with_iobinding(b)
        self.length = total
        self.tokens.extend(ids)
        if one:
            logits = self._logits1_np[0].copy()  # the decode buffer is overwritten by the next step
            hidden = self._hidden1_np[0] if self.refine else None
        else:
            # bound outputs come back in the order they were first bound: logits, the cache, final_last
            outs = b.get_outputs()
            logits = outs[0].numpy()[0].copy()
            hidden = outs[-1].numpy()[0] if self.refine else None
        if self.refine:
            self._rescore(logits, hidden)
        return logits if all_logits else logits[-1]

    def _rescore(self, logits: np.ndarray, hidden: np.ndarray) -> None:
        k = min(self.refine, logits.shape[-1])
        for row, h in zip(logits, hidden, strict=True):
            # the tokens whose coarse logit is within RESCORE_MARGIN of the best (at most k): the
            # ones sampling can pick; far below, a 4-bit logit's error changes no probability that matters
            top = np.flatnonzero(row >= row.max() - RESCORE_MARGIN)
            if len(top) > k:
                top = top[np.argpartition(row[top], -k)[-k:]]
            row[top] = self.embed.rows(top.tolist()) @ h
