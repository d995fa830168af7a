"""The runtime end to end on the tiny SentencePiece + Llama model (random weights, so only mechanics are checked)."""

import threading

import numpy as np
import pytest

from agent.clock import ManualClock
from agent.llm import GenerationConfig, load_model

Q = [{"role": "system", "content": "The shop sells water and juice."}, {"role": "user", "content": "What does the juice cost?"}]


@pytest.fixture(scope="module")
def model(tiny_llama_dir):
    return load_model(tiny_llama_dir, threads=1)


def test_kv_cache_steps_match_a_full_forward(model):
    ids = model.tokenizer.encode("The driver refills the machine every morning and checks the coin box.")
    dec = model.decoder
    dec.reset()
    all_logits = dec.forward(ids, all_logits=True)
    dec.reset()
    dec.forward(ids[:5])
    step = [dec.forward([t]) for t in ids[5:]]
    assert np.allclose(np.stack(step), all_logits[5:], atol=1e-4)


def test_greedy_is_deterministic_and_stream_equals_chat(model):
    cfg = GenerationConfig(max_new_tokens=20)
    a = model.chat(Q, cfg)
    b = "".join(model.chat_stream(Q, cfg))
    assert a == b and a
    assert model.last_stats.new_tokens <= 20


def test_max_new_tokens_is_respected(model):
    model.chat(Q, GenerationConfig(max_new_tokens=7))
    s = model.last_stats
    assert s.new_tokens <= 7 and s.finish_reason in ("length", "eos")
    if s.finish_reason == "length":
        assert s.new_tokens == 7


def test_seeded_sampling_reproduces(model):
    cfg = GenerationConfig(max_new_tokens=15, temperature=1.0, top_k=50, top_p=0.95, seed=123)
    assert model.chat(Q, cfg) == model.chat(Q, cfg)


def test_stop_string_ends_the_answer(model):
    full = model.chat(Q, GenerationConfig(max_new_tokens=30))
    assert len(full) > 3
    stop = full[2:4]
    cut = model.chat(Q, GenerationConfig(max_new_tokens=30, stop=[stop]))
    assert cut == full[: full.index(stop)]
    assert model.last_stats.finish_reason == "stop"


def test_cancel_stops_streaming(model):
    cancel = threading.Event()
    pieces = []
    for p in model.chat_stream(Q, GenerationConfig(max_new_tokens=60), cancel=cancel):
        pieces.append(p)
        cancel.set()
    assert model.last_stats.finish_reason == "cancelled"
    assert model.last_stats.new_tokens <= 2


class TickingClock(ManualClock):
    """Each reading moves time on by ``step`` seconds, like a slow device."""

    def __init__(self, step: float) -> None:
        super().__init__()
        self.step = step

    def monotonic(self) -> float:
        self.advance(self.step)
        return super().monotonic()


def test_deadline_bounds_the_request(tiny_llama_dir):
    m = load_model(tiny_llama_dir, threads=1, clock=TickingClock(0.1))
    m.chat(Q, GenerationConfig(max_new_tokens=100, deadline_s=0.55))
    assert m.last_stats.finish_reason == "deadline"
    assert m.last_stats.new_tokens <= 5


def test_over_long_input_is_truncated_not_fatal(tiny_llama_dir):
    m = load_model(tiny_llama_dir, threads=1, max_context=64)
    out = m.chat([{"role": "system", "content": "Facts."}, {"role": "user", "content": "juice " * 5000 + "price?"}],
                 GenerationConfig(max_new_tokens=16))
    assert isinstance(out, str)
    assert m.last_stats.truncated and m.last_stats.prompt_tokens + m.last_stats.new_tokens <= 64


def test_concurrent_callers_are_serialised(model):
    cfg = GenerationConfig(max_new_tokens=12)
    expected = model.chat(Q, cfg)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(model.chat(Q, cfg))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
