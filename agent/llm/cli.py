"""``edge-agent model build``, ``edge-agent generate`` and ``edge-agent bench llm``."""

from __future__ import annotations

import argparse
import sys


def register(sub, groups) -> None:
    model = sub.add_parser("model", help="build and inspect the local language model")
    msub = model.add_subparsers(dest="model_cmd", metavar="ACTION", required=True)
    b = msub.add_parser("build", help="build models/<recipe>/ from its recipe (no-op when already built)")
    b.add_argument("recipe", nargs="?", default=None,
                   help="recipe name under models/recipes/ (default: all of them: the language model and the kiosk's meaning model)")
    b.add_argument("--force", action="store_true", help="rebuild even if an up-to-date build or cache exists")
    b.set_defaults(func=cmd_build)
    i = msub.add_parser("info", help="print the built model's manifest summary and verify its files")
    i.add_argument("--model-dir", default=None)
    i.set_defaults(func=cmd_info)

    g = sub.add_parser("generate", help="stream the local model's answer to a prompt")
    g.add_argument("prompt")
    g.add_argument("--system", default=None, help="system prompt")
    g.add_argument("--max-new-tokens", type=int, default=128)
    g.add_argument("--temperature", type=float, default=0.0)
    g.add_argument("--top-k", type=int, default=0)
    g.add_argument("--top-p", type=float, default=1.0)
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--deadline", type=float, default=None, help="seconds")
    g.add_argument("--stop", action="append", default=[])
    g.add_argument("--threads", type=int, default=None)
    g.add_argument("--model-dir", default=None)
    g.set_defaults(func=cmd_generate)

    bl = groups["bench"].add_parser("llm", help="prefill/decode tokens/s, time to first token, peak RSS")
    bl.add_argument("--json", action="store_true", help="print one JSON object")
    bl.add_argument("--vs-llama-cpp", action="store_true", help="also run llama-cpp-python on the source GGUF and print ratios")
    bl.add_argument("--threads", type=int, default=None, help="default: physical cores")
    bl.add_argument("--new-tokens", type=int, default=128)
    bl.add_argument("--runs", type=int, default=1, help="repeat and keep the best run per engine")
    bl.add_argument("--model-dir", default=None)
    bl.set_defaults(func=cmd_bench)


def cmd_build(args: argparse.Namespace) -> int:
    from agent.llm.build import build
    from agent.llm.embed_build import build_embedder, is_embedding_recipe
    from agent.llm.errors import ModelError
    from agent.paths import DEFAULT_RECIPE, models_dir

    names = [args.recipe] if args.recipe else [DEFAULT_RECIPE] + sorted(
        p.stem for p in (models_dir() / "recipes").glob("*.toml") if p.stem != DEFAULT_RECIPE)
    for name in names:
        try:
            if is_embedding_recipe(name):
                build_embedder(name, force=args.force)
            else:
                build(name, force=args.force)
        except ModelError as e:
            print(f"model build {name} failed: {e}", file=sys.stderr)
            return 1
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    import json

    from agent.llm.errors import ModelError
    from agent.llm.manifest import read_manifest, verify_files
    from agent.paths import model_dir

    d = args.model_dir or model_dir()
    try:
        m = read_manifest(d)
        verify_files(d, m)
    except ModelError as e:
        print(f"model check failed: {e}", file=sys.stderr)
        return 1
    print(json.dumps({k: m[k] for k in ("recipe", "build_key", "source", "quantization", "model", "quality") if k in m}, indent=2))
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from agent.llm import GenerationConfig, ModelError, load_model

    try:
        cfg = GenerationConfig(max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                               seed=args.seed, deadline_s=args.deadline, stop=args.stop)
    except ValueError as e:
        print(f"generate: {e}", file=sys.stderr)
        return 2
    try:
        model = load_model(args.model_dir, threads=args.threads)
    except ModelError as e:
        print(f"generate: {e}", file=sys.stderr)
        return 1
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [{"role": "user", "content": args.prompt}]
    for piece in model.chat_stream(messages, cfg):
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    s = model.last_stats
    print(f"[{s.prompt_tokens} prompt tokens, {s.new_tokens} new, first token {s.first_token_s * 1000:.0f} ms, "
          f"{s.new_tokens / s.decode_s if s.decode_s else 0:.1f} tok/s, finish: {s.finish_reason}]", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from agent.llm.bench import run_bench

    return run_bench(args)
