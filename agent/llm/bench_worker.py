"""One engine's measurement, in a process of its own (see agent.llm.bench)."""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def prompt_ids(mdir: Path) -> list[int]:
    from agent.llm.bench import BENCH_SYSTEM, BENCH_USER
    from agent.llm.chat_template import make_template
    from agent.llm.manifest import read_manifest
    from agent.llm.prompt import build_prompt
    from agent.llm.tokenizer import load_tokenizer

    m = read_manifest(mdir)
    tok = load_tokenizer(mdir / m["tokenizer"]["file"])
    tpl = make_template(m["chat_template"]["style"], tok, m["chat_template"].get("default_system"))
    return build_prompt(tpl, [{"role": "system", "content": BENCH_SYSTEM}, {"role": "user", "content": BENCH_USER}], 4096).ids


def bench_onnx(mdir: Path, threads: int, n: int, ids: list[int]) -> dict:
    """Loads the whole runtime (tokenizer included) as the daemon does."""
    import numpy as np

    from agent.llm import load_model
    from agent.llm.tokenizer import IncrementalDecoder

    t = time.perf_counter()
    model = load_model(mdir, threads=threads)
    load_s = time.perf_counter() - t
    dec = model.decoder
    # one warm-up pass (first-run allocations), as a server would have done at start
    dec.reset()
    dec.forward(ids[:8])
    dec.reset()
    detok = IncrementalDecoder(model.tokenizer)
    t0 = time.perf_counter()
    logits = dec.forward(ids)
    tok = int(np.argmax(logits))
    detok.push(tok)
    ttft = time.perf_counter() - t0
    t1 = time.perf_counter()
    for _ in range(n - 1):
        logits = dec.forward([tok])
        tok = int(np.argmax(logits))
        detok.push(tok)
    decode = time.perf_counter() - t1
    return _result(len(ids), ttft, n - 1, decode, load_s)


def bench_llama_cpp(mdir: Path, threads: int, n: int, ids: list[int]) -> dict:
    from agent.llm.build import fetch_source
    from agent.llm.manifest import read_manifest
    from agent.llm.recipe import load_recipe

    try:
        from llama_cpp import Llama
    except ImportError:
        raise SystemExit("llama-cpp-python is not installed: .venv/bin/pip install -e '.[bench]'") from None
    gguf = fetch_source(load_recipe(read_manifest(mdir)["recipe"]))
    t = time.perf_counter()
    llm = Llama(model_path=str(gguf), n_threads=threads, n_threads_batch=threads, n_ctx=2048, n_batch=512, verbose=False)
    load_s = time.perf_counter() - t
    llm.eval(ids[:8])
    llm.reset()
    t0 = time.perf_counter()
    gen = llm.generate(ids, top_k=1, temp=0.0, reset=True)
    next(gen)
    ttft = time.perf_counter() - t0
    t1 = time.perf_counter()
    for _ in range(n - 1):
        next(gen)
    decode = time.perf_counter() - t1
    return _result(len(ids), ttft, n - 1, decode, load_s)


def _result(prompt_tokens: int, ttft: float, decoded: int, decode_s: float, load_s: float) -> dict:
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"prompt_tokens": prompt_tokens, "ttft_ms": round(ttft * 1000, 1), "prefill_tok_s": round(prompt_tokens / ttft, 1),
            "decode_tok_s": round(decoded / decode_s, 1), "peak_rss_mb": round(rss_mb, 1), "load_s": round(load_s, 2)}


def main() -> int:
    engine, mdir, threads, n, out = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    ids = json.loads(Path(sys.argv[6]).read_text())
    res = bench_onnx(mdir, threads, n, ids) if engine == "onnx" else bench_llama_cpp(mdir, threads, n, ids)
    res["engine"] = engine
    Path(out).write_text(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
