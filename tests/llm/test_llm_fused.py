"""The fused-graph pass (GroupQueryAttention, shared KV buffer, last-position lm_head) computes the same network."""

import numpy as np

from agent.llm import GenerationConfig, load_model
from agent.llm.onnx_decoder import OptimumDecoder

TEXT = "The driver refills the machine every morning and checks the coin box. Orange juice costs one euro eighty."


def test_fused_logits_match_the_optimum_export(tiny_llama_dir, tiny_fused_dir):
    fused = load_model(tiny_fused_dir, threads=1)
    assert fused.manifest["model"]["graph"] == "gqa"
    ids = fused.tokenizer.encode(TEXT)
    ref = OptimumDecoder(tiny_llama_dir / "model.onnx", 1, 256)
    want = ref.forward(ids, all_logits=True)
    got = fused.decoder.forward(ids, all_logits=True)
    assert got.shape == want.shape
    # 8-bit weights: close to the float export, same greedy choice almost everywhere
    assert np.abs(got - want).max() < 0.05 * np.abs(want).max()
    assert (got.argmax(-1) == want.argmax(-1)).mean() >= 0.9


def test_fused_cache_steps_match_a_full_forward(tiny_fused_dir):
    m = load_model(tiny_fused_dir, threads=1)
    ids = m.tokenizer.encode(TEXT)
    dec = m.decoder
    dec.reset()
    full = dec.forward(ids, all_logits=True)
    dec.reset()
    dec.forward(ids[:6])
    steps = np.stack([dec.forward([t]) for t in ids[6:]])
    assert np.allclose(steps, full[6:], atol=1e-3)
    # a reset really starts over (the shared buffer's old contents are ignored)
    dec.reset()
    assert np.allclose(dec.forward(ids[:6], all_logits=True), full[:6], atol=1e-3)


def test_fused_and_export_generate_the_same_greedy_text(tiny_llama_dir, tiny_fused_dir):
    q = [{"role": "user", "content": "What does the juice cost?"}]
    cfg = GenerationConfig(max_new_tokens=12)
    a = load_model(tiny_llama_dir, threads=1).chat(q, cfg)
    b = load_model(tiny_fused_dir, threads=1).chat(q, cfg)
    assert a[:8] == b[:8]
