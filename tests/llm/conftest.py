"""Fixtures for the language-model tests.

``tiny_llama_dir``: a SentencePiece tokenizer trained here on a small corpus
plus a randomly initialised, tiny Llama-architecture model exported through
the same optimum pipeline as the real build, with a manifest, so the whole
runtime path (SentencePiece, Llama chat template, KV cache) runs in seconds.

``fake_model_dir``: a function writing a minimal model directory (model bytes,
an empty tokenizer, a manifest with real checksums) for manifest and cache tests.

``real_model_dir``: the real built SmolLM2 model (built, or reused from the
cache, by ``edge-agent model build``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = """The shop sells water, juice, coffee and tea.
Customers ask about prices, opening hours and products.
A vending machine has slots, coins, a display and a motor for every column.
The driver refills the machine every morning and checks the coin box.
Sensors count the products in each column and report when one is sold out.
Orange juice costs one euro eighty and water costs one euro twenty.
The kiosk answers short questions in plain English.
""" * 20


@pytest.fixture(scope="session")
def sp_model(tmp_path_factory) -> Path:
    import sentencepiece as spm

    d = tmp_path_factory.mktemp("sp")
    corpus = d / "corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(d / "tok"), vocab_size=400, model_type="bpe",
                                   bos_id=1, eos_id=2, unk_id=0, pad_id=-1, byte_fallback=True, user_defined_symbols=[],
                                   minloglevel=2)
    return d / "tok.model"


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory, sp_model) -> Path:
    import shutil

    import sentencepiece as spm
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from agent.llm.build import export_onnx
    from agent.llm.manifest import FORMAT, file_entries, write_manifest

    vocab = spm.SentencePieceProcessor(model_file=str(sp_model)).get_piece_size()
    work = tmp_path_factory.mktemp("tiny-llama")
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, max_position_embeddings=256, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
    model = LlamaForCausalLM(cfg).eval()
    model.save_pretrained(work / "hf")
    export_onnx(work / "hf", work / "onnx", "text-generation-with-past", 17)
    (work / "config.json").write_text((work / "hf" / "config.json").read_text())
    out = work / "model"
    out.mkdir()
    shutil.copy2(work / "onnx" / "model.onnx", out / "model.onnx")
    shutil.copy2(sp_model, out / "tokenizer.model")
    (out / "chat_template.json").write_text(json.dumps({"style": "llama", "default_system": None}), encoding="utf-8")
    manifest = {
        "format": FORMAT, "recipe": "tiny-llama-test", "build_key": "test",
        "model": {"file": "model.onnx", "graph": "optimum", "max_context": 256, "num_layers": 2, "num_kv_heads": 2, "head_dim": 16, "vocab_size": vocab},
        "tokenizer": {"file": "tokenizer.model", "kind": "sentencepiece"},
        "chat_template": {"file": "chat_template.json", "style": "llama", "default_system": None},
        "quantization": {"accuracy_level": 0},
        "files": file_entries(out, ["model.onnx", "tokenizer.model", "chat_template.json"]),
    }
    write_manifest(out, manifest)
    return out


@pytest.fixture(scope="session")
def tiny_fused_dir(tiny_llama_dir) -> Path:
    """The tiny model through the fused-graph pass (8-bit weights, so it stays close to the export)."""
    import shutil

    from agent.llm.fuse import write_fused_llama
    from agent.llm.manifest import file_entries, read_manifest, write_manifest

    work = tiny_llama_dir.parent
    out = work / "fused"
    out.mkdir()
    config = json.loads((work / "config.json").read_text())
    meta = write_fused_llama(tiny_llama_dir / "model.onnx", out / "model.onnx", config,
                             {"block_size": 32, "accuracy_level": 0, "keep_8bit": ["."], "lm_head_bits": 8}, 256)
    for name in ("tokenizer.model", "chat_template.json"):
        shutil.copy2(tiny_llama_dir / name, out / name)
    manifest = read_manifest(tiny_llama_dir)
    manifest["model"] = meta
    manifest["files"] = file_entries(out, [p.name for p in out.iterdir() if p.name != "manifest.json"])
    write_manifest(out, manifest)
    return out


@pytest.fixture(scope="session")
def real_model_dir() -> Path:
    """The real model, built on demand (cached builds take seconds; a cold build takes minutes)."""
    from agent.llm.build import build
    from agent.paths import model_dir

    try:
        return build("smollm2-135m-instruct")
    except Exception as e:  # pragma: no cover - surfaced as a test error with the reason
        pytest.fail(f"could not build the real model into {model_dir()}: {e}")


@pytest.fixture
def fake_model_dir():
    from agent.llm.manifest import FORMAT, file_entries, write_manifest

    def make(d: Path, model_bytes: bytes) -> Path:
        d.mkdir()
        (d / "model.onnx").write_bytes(model_bytes)
        (d / "tokenizer.json").write_text("{}")
        write_manifest(d, {"format": FORMAT, "model": {"file": "model.onnx"}, "tokenizer": {"file": "tokenizer.json"},
                           "chat_template": {"style": "chatml"}, "files": file_entries(d, ["model.onnx", "tokenizer.json"])})
        return d

    return make
