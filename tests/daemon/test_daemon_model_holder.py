"""The shared model holder: lazy, never blocks callers during the background load, degrades to None, times calls."""

from __future__ import annotations

import threading

from agent.daemon.model_holder import ModelHolder


class Echo:
    def chat(self, messages, cfg=None):
        return "hi"

    def chat_stream(self, messages, cfg=None, cancel=None):
        yield from ("h", "i")

    tokenizer = "tok"


def test_missing_model_gives_none_with_a_fix(tmp_path, caplog):
    h = ModelHolder(tmp_path / "nope", lambda p: Echo())
    assert h() is None and h() is None
    assert "edge-agent model build" in h.info()["error"] and "no language model" in caplog.text


def test_loader_error_gives_none_and_is_reported(tmp_path):
    def bad(p):
        raise ValueError("manifest.json: sha256 mismatch for model.onnx")

    h = ModelHolder(tmp_path, bad)
    assert h() is None
    assert "sha256 mismatch for model.onnx" in h.info()["error"]


def test_preload_does_not_block_callers(tmp_path):
    gate = threading.Event()

    def slow(p):
        gate.wait(5)
        return Echo()

    h = ModelHolder(tmp_path, slow)
    t = h.preload()
    assert h() is None  # still loading: returns at once
    gate.set()
    t.join(5)
    m = h()
    assert m.chat([]) == "hi" and "".join(m.chat_stream([])) == "hi" and m.tokenizer == "tok"
    lat = h.info()["latency"]
    assert lat["calls"] == 2 and lat["errors"] == 0 and "p50_ms" in lat


def test_lazy_load_without_preload_and_swap(tmp_path):
    loads = []
    h = ModelHolder(tmp_path, lambda p: loads.append(p) or Echo())
    assert h() is not None and h() is not None and len(loads) == 1
    new = Echo()
    old_model, old_path = h.swap(new, tmp_path / "v2")
    assert h().wrapped is new and old_path == tmp_path and h.info()["version"] == "v2"
