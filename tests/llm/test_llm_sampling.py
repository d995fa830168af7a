import numpy as np
import pytest

from agent.llm.generation import GenerationConfig
from agent.llm.sampling import Sampler, sample

LOGITS = np.array([0.1, 3.0, 2.9, -1.0, 0.5, 2.0], dtype=np.float32)


def test_greedy_picks_argmax():
    assert sample(LOGITS, GenerationConfig(temperature=0.0), np.random.default_rng(0)) == 1


def test_same_seed_same_tokens_and_different_seed_differs():
    cfg = GenerationConfig(temperature=1.5, seed=42)
    a = [Sampler(cfg)(LOGITS) for _ in range(1)] + [s for s in _draws(cfg, 50)]
    b = [Sampler(cfg)(LOGITS) for _ in range(1)] + [s for s in _draws(cfg, 50)]
    assert a == b
    c = _draws(GenerationConfig(temperature=1.5, seed=7), 50)
    assert c != a[1:]


def _draws(cfg, n):
    s = Sampler(cfg)
    return [s(LOGITS) for _ in range(n)]


def test_top_k_limits_choices_to_the_k_best():
    draws = set(_draws(GenerationConfig(temperature=5.0, top_k=2, seed=1), 300))
    assert draws == {1, 2}


def test_top_k_one_is_greedy():
    assert set(_draws(GenerationConfig(temperature=3.0, top_k=1, seed=3), 50)) == {1}


def test_top_p_keeps_smallest_head_reaching_p():
    # softmax(LOGITS): token 1 ~0.42, token 2 ~0.38, token 5 ~0.15 -> p=0.5 keeps {1, 2}
    draws = set(_draws(GenerationConfig(temperature=1.0, top_p=0.5, seed=5), 400))
    assert draws == {1, 2}
    assert set(_draws(GenerationConfig(temperature=1.0, top_p=0.01, seed=5), 50)) == {1}


def test_temperature_sampling_follows_the_distribution():
    cfg = GenerationConfig(temperature=1.0, seed=11)
    draws = np.array(_draws(cfg, 4000))
    p = np.exp(LOGITS - LOGITS.max())
    p /= p.sum()
    freq = np.bincount(draws, minlength=LOGITS.size) / draws.size
    assert np.allclose(freq, p, atol=0.03)


@pytest.mark.parametrize("kwargs", [dict(max_new_tokens=0), dict(temperature=-1), dict(top_p=0.0), dict(top_p=1.5), dict(top_k=-2),
                                    dict(deadline_s=0), dict(stop=[""])])
def test_bad_generation_settings_are_rejected_clearly(kwargs):
    with pytest.raises(ValueError) as e:
        GenerationConfig(**kwargs)
    assert next(iter(kwargs)) in str(e.value)
