"""Choosing the next token from logits: greedy or seeded temperature/top-k/top-p."""

from __future__ import annotations

import numpy as np

from agent.llm.generation import GenerationConfig


class Sampler:
    """One per request, so a seed gives the same answer whatever else runs meanwhile."""

    def __init__(self, cfg: GenerationConfig) -> None:
        self.cfg = cfg
        self.rng = np.random.default_rng(cfg.seed)

    def __call__(self, logits: np.ndarray) -> int:
        return sample(logits, self.cfg, self.rng)


def sample(logits: np.ndarray, cfg: GenerationConfig, rng: np.random.Generator) -> int:
    logits = np.asarray(logits, dtype=np.float32).reshape(-1)
    if cfg.temperature <= 0.0:
        return int(np.argmax(logits))
    scaled = logits.astype(np.float64) / cfg.temperature
    candidates = np.arange(scaled.size)
    if 0 < cfg.top_k < scaled.size:
        candidates = np.argpartition(-scaled, cfg.top_k - 1)[: cfg.top_k]
        scaled = scaled[candidates]
    order = np.argsort(-scaled, kind="stable")
    scaled, candidates = scaled[order], candidates[order]
    probs = np.exp(scaled - scaled[0])
    probs /= probs.sum()
    if cfg.top_p < 1.0:
        # Keep the smallest head whose mass reaches top_p (always at least one token).
        keep = int(np.searchsorted(np.cumsum(probs), cfg.top_p) + 1)
        probs, candidates = probs[:keep], candidates[:keep]
        probs = probs / probs.sum()
    return int(candidates[rng.choice(probs.size, p=probs)])
