"""Prefix reuse: a prompt that shares its start with the previous one computes only the new tail."""

from __future__ import annotations

import numpy as np
import pytest

from agent.llm import GenerationConfig, load_model
from agent.paths import model_dir

pytestmark = pytest.mark.skipif(not (model_dir() / "manifest.json").exists(), reason="model not built (edge-agent model build)")


@pytest.fixture(scope="module")
def model():
    return load_model(model_dir())


def test_prefill_reuses_the_common_prefix_and_matches_a_full_prefill(model):
    d = model.decoder
    if not hasattr(d, "prefill"):
        pytest.skip("this graph has no prefix reuse")
    ids = model.tokenizer.encode("The quick brown fox jumps over the lazy dog. Then it ran into the forest.")
    d.reset()
    full = d.forward(ids)
    d.reset()
    d.prefill(ids[:12] + [ids[3]] * 4)  # same first 12 tokens, different tail
    assert d.length == 16
    reused = d.prefill(ids)
    assert d.length == len(ids) and d.tokens == ids
    np.testing.assert_allclose(reused, full, atol=1e-4)
    # An identical prompt still runs its last token (logits are needed), as a one-token step:
    # the int8-activation kernels for one row differ slightly from the many-row ones, exactly as
    # in every decode step, so the same next token is what must hold.
    again = d.prefill(ids)
    assert d.length == len(ids)
    assert int(again.argmax()) == int(full.argmax())


def test_generation_with_reuse_equals_generation_from_scratch(model):
    if not hasattr(model.decoder, "prefill"):
        pytest.skip("this graph has no prefix reuse")
    sys_msg = {"role": "system", "content": "Answer in one short sentence."}
    cfg = GenerationConfig(max_new_tokens=16)
    model.decoder.reset()
    fresh = model.chat([sys_msg, {"role": "user", "content": "What colour is the sky?"}], cfg)
    model.chat([sys_msg, {"role": "user", "content": "Name a fruit."}], cfg)  # leaves the system prompt cached
    reused = model.chat([sys_msg, {"role": "user", "content": "What colour is the sky?"}], cfg)
    assert model.last_stats.prompt_tokens > 0
    assert reused == fresh
