"""Build-time quality gate: perplexity and greedy agreement against the unquantized export."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from agent.llm.chat_template import ChatTemplate
from agent.llm.prompt import build_prompt


def perplexity(decoder, ids: list[int], window: int, progress: Callable[[str], None] | None = None) -> float:
    """Perplexity over non-overlapping windows (each scored from an empty cache)."""
    nll, count = 0.0, 0
    starts = list(range(0, max(1, len(ids) - 1), window))
    for k, s in enumerate(starts):
        chunk = ids[s : s + window + 1]
        if len(chunk) < 2:
            continue
        decoder.reset()
        logits = decoder.forward(chunk[:-1], all_logits=True).astype(np.float64)
        m = logits.max(axis=-1, keepdims=True)
        logp = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
        target = np.asarray(chunk[1:])
        nll -= float(logp[np.arange(len(target)), target].sum())
        count += len(target)
        if progress:
            progress(f"window {k + 1}/{len(starts)}")
    return math.exp(nll / max(1, count))


def greedy_tokens(decoder, template: ChatTemplate, prompt: str, n: int, stop_ids: set[int]) -> list[int]:
    ids = build_prompt(template, [{"role": "user", "content": prompt}], 1024).ids
    decoder.reset()
    logits = decoder.forward(ids)
    out: list[int] = []
    for _ in range(n):
        t = int(np.argmax(logits))
        out.append(t)
        if t in stop_ids:
            break
        logits = decoder.forward([t])
    return out


def agreement(a: list[list[int]], b: list[list[int]]) -> dict[str, float]:
    """Share of prompts with identical continuations, and mean agreeing prefix (fraction of tokens)."""
    exact = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
    prefix = []
    for x, y in zip(a, b, strict=True):
        k = 0
        while k < min(len(x), len(y)) and x[k] == y[k]:
            k += 1
        prefix.append(k / max(len(x), len(y), 1))
    return {"exact_match": round(exact, 4), "mean_prefix_agreement": round(float(np.mean(prefix)), 4)}
