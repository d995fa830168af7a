"""The source GGUF's own quantization codes, so 4-bit MatMulNBits can reproduce its weights exactly.

The source stores every linear weight as Q4_1 (blocks of 32 along the input:
``w = d*q + m``, q in 0..15, fp16 d and m) and the embedding as Q8_0 (blocks
of 32: ``w = d*c``, c int8). Dequantizing and re-rounding onto a second 4-bit
grid doubles the rounding error; reusing the codes and scales does not add
any. Only build time reads this (``gguf`` is a build dependency).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent.llm.errors import ModelError

QK = 32  # Q4_1 / Q8_0 block length

# optimum export node (layer i) -> GGUF tensor
_LINEARS = {"self_attn/q_proj": "attn_q", "self_attn/k_proj": "attn_k", "self_attn/v_proj": "attn_v", "self_attn/o_proj": "attn_output",
            "mlp/gate_proj": "ffn_gate", "mlp/up_proj": "ffn_up", "mlp/down_proj": "ffn_down"}


class GGUFCodes:
    def __init__(self, path: Path, heads: int, kv_heads: int) -> None:
        from gguf import GGUFReader

        self.path = Path(path)
        self.reader = GGUFReader(str(path))
        self.tensors = {t.name: t for t in self.reader.tensors}
        self.heads, self.kv_heads = heads, kv_heads

    def _tensor(self, name: str, kind: str):
        t = self.tensors.get(name)
        if t is None:
            raise ModelError(f"{self.path}: no tensor {name!r}; exact source codes need a llama.cpp Llama GGUF.", str(self.path))
        if t.tensor_type.name != kind:
            raise ModelError(f"{self.path}: {name} is {t.tensor_type.name}, exact source codes need {kind}; set [quantize] source_codes = false.", str(self.path))
        return t

    def q4_1(self, layer: int, proj: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(q [N, K] uint8 0..15, d [N, K/32] float32, m [N, K/32] float32) in the export's row order."""
        gname = f"blk.{layer}.{_LINEARS[proj]}.weight"
        t = self._tensor(gname, "Q4_1")
        n = int(t.shape[1])
        raw = np.ascontiguousarray(t.data).reshape(n, -1, 20)  # per block: fp16 d, fp16 m, 16 bytes of nibbles
        d = raw[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
        m = raw[..., 2:4].copy().view(np.float16)[..., 0].astype(np.float32)
        qs = raw[..., 4:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).reshape(n, -1)  # low nibbles are elements 0..15, high 16..31
        if proj in ("self_attn/q_proj", "self_attn/k_proj"):
            # llama.cpp's converter interleaves q/k rows for its rotary layout; transformers undoes it on load.
            h = self.heads if proj == "self_attn/q_proj" else self.kv_heads
            perm = np.arange(n).reshape(h, n // h // 2, 2).swapaxes(1, 2).reshape(-1)
            q, d, m = q[perm], d[perm], m[perm]
        return q, d, m

    def q8_0(self, name: str = "token_embd.weight") -> tuple[np.ndarray, np.ndarray]:
        """(c [V, H] int8, d [V, H/32] float32)."""
        t = self._tensor(name, "Q8_0")
        n = int(t.shape[1])
        raw = np.ascontiguousarray(t.data).reshape(n, -1, 34)
        d = raw[..., 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
        c = raw[..., 2:].copy().view(np.int8).reshape(n, -1)
        return c, d


def dequant_q4_1(q: np.ndarray, d: np.ndarray, m: np.ndarray) -> np.ndarray:
    n, k = q.shape
    return (q.reshape(n, -1, QK).astype(np.float32) * d[..., None] + m[..., None]).reshape(n, k)


def matmulnbits_from_q4_1(q: np.ndarray, d: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q4_1 codes as symmetric 4-bit MatMulNBits weights plus per-block offsets: (packed, scales, offsets).

    Q4_1 is ``w = d*q + m``; symmetric MatMulNBits (block 32, no zero points) computes
    ``d*(q - 8)``, so ``x @ w^T = MatMulNBits(x) + blocksum(x) @ offsets`` exactly, with
    ``offsets = (m + 8*d)^T`` ([K/32, N] float32: 1/32 of the weight count). Measured with
    onnxruntime 1.32 on x86 (AVX2): explicit uint8 zero points round(-m/d) leave a remainder
    too (perplexity 1.23x when it is dropped) and make the int8 kernel ~35% slower; float zero
    points are exact but leave the fast kernel (~20x slower).
    """
    n, k = q.shape
    nb = k // QK
    packed = (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8).reshape(n, nb, QK // 2)
    offsets = (m.astype(np.float64) + 8 * d.astype(np.float64)).astype(np.float32)
    return packed, np.ascontiguousarray(d, dtype=np.float32), np.ascontiguousarray(offsets.T)
