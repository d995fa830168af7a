"""``edge-agent ask`` and ``edge-agent eval kiosk``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from agent.kiosk.data import SETS


def register(sub, groups) -> None:
    p = sub.add_parser("ask", help="answer a shopper question from a catalog (as the kiosk would)")
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--catalog", help="catalog.csv (default: the sample catalog)")
    p.add_argument("--faq", help="faq.csv")
    p.add_argument("--json", action="store_true", help="print one JSON object: answer, sources, latency_ms")
    p.add_argument("--batch", help="JSONL file of {\"id\", \"question\"}; prints one JSON line per question")
    p.add_argument("--no-model", action="store_true", help="answer from templates only (no language model)")
    p.add_argument("--config", help="device config TOML (for [kiosk] currency and deadlines)")
    p.set_defaults(func=cmd_ask)

    e = groups["eval"].add_parser("kiosk", help="accuracy, invented facts and latency of kiosk answers")
    e.add_argument("--set", choices=[*SETS, "all"], default="all", help="which shipped eval set (default all)")
    e.add_argument("--catalog", help="your own catalog.csv (with --faq and --questions)")
    e.add_argument("--faq")
    e.add_argument("--questions", help="JSONL: {id, question, must: [...], must_not: [...]}")
    e.add_argument("--no-model", action="store_true", help="templates only")
    e.add_argument("--model-deadline", type=float, help="seconds for the whole model answer (default from [kiosk])")
    e.add_argument("--first-sentence-deadline", type=float, help="seconds for the model's first checked sentence (default from [kiosk])")
    e.add_argument("--always-model", action="store_true", help="never skip a model that keeps missing deadlines (to measure the model itself)")
    e.add_argument("--show-failures", action="store_true")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)

    b = groups["bench"].add_parser("kiosk", help="question-to-screen latency over HTTP/SSE, idle CPU and RSS of the kiosk server")
    b.add_argument("--set", choices=[*SETS, "all"], default="all")
    b.add_argument("--no-model", action="store_true", help="templates only")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_bench)


def _finish(rc: int) -> int:
    from agent.kiosk.composer import wait_for_model_workers

    wait_for_model_workers()
    return rc


def _model(no_model: bool):
    from agent.llm.optional import load_model_or_none

    return None if no_model else load_model_or_none("answering from templates")


def _kiosk(catalog, model, config_path: str | None = None, args: argparse.Namespace | None = None):
    from agent.config import load_config
    from agent.kiosk.service import Kiosk

    ks = load_config(config_path).kiosk
    deadline = getattr(args, "model_deadline", None) or ks.model_deadline_s
    first = getattr(args, "first_sentence_deadline", None) or ks.model_first_sentence_s
    k = Kiosk(catalog, model=lambda: model, currency=ks.currency, use_model=ks.use_model and model is not None,
              deadline_s=max(deadline, first), first_sentence_s=first, max_question_chars=ks.max_question_chars)
    if getattr(args, "always_model", False):
        k._model_gate.misses = 10**9  # experiment: never skip the model
    return k


def _load(catalog: str | None, faq: str | None):
    from agent.kiosk.catalog import CatalogError, load_catalog
    from agent.kiosk.service import sample_paths

    if not catalog:
        c, f = sample_paths()
        catalog, faq = str(c), faq or str(f)
    try:
        cat = load_catalog(catalog, faq)
    except CatalogError as e:
        print(f"error: {e}", file=sys.stderr)
        return None
    for issue in cat.issues:
        print(f"warning: {issue}" + (" (row skipped)" if issue.row_skipped else ""), file=sys.stderr)
    return cat


def cmd_ask(args: argparse.Namespace) -> int:
    if not args.batch and not args.question:
        print("error: give a question, or --batch FILE.jsonl", file=sys.stderr)
        return 2
    cat = _load(args.catalog, args.faq)
    if cat is None:
        return 1
    kiosk = _kiosk(cat, _model(args.no_model), args.config)
    if not args.batch:
        ans = kiosk.ask(args.question)
        if args.json:
            print(json.dumps({"answer": ans.answer, "sources": ans.sources, "latency_ms": round(ans.latency_ms, 1),
                              "first_ms": round(ans.first_ms, 1), "path": ans.path, "kind": ans.kind}))
        else:
            print(ans.answer)
        return _finish(0)
    from agent.kiosk.service import QuestionError

    try:
        fh = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
    except OSError as e:
        print(f"error: cannot read {args.batch}: {e.strerror}", file=sys.stderr)
        return 1
    bad = 0
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            out: dict[str, Any]
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or "question" not in item:
                    raise ValueError("expected an object with 'id' and 'question'")
                ans = kiosk.ask(item["question"])
                out = {"id": item.get("id"), "answer": ans.answer, "sources": ans.sources, "latency_ms": round(ans.latency_ms, 1)}
            except (ValueError, QuestionError) as e:
                bad += 1
                msg = e.msg if isinstance(e, json.JSONDecodeError) else str(e)
                out = {"id": None, "error": f"{args.batch} line {n}: {msg}; write one JSON object per line like {{\"id\": 1, \"question\": \"...\"}}"}
            print(json.dumps(out), flush=True)
    return _finish(1 if bad else 0)


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from agent.kiosk.catalog import load_catalog
    from agent.kiosk.evaluate import load_questions, run_eval, set_paths

    model = _model(args.no_model)
    runs = []
    if args.catalog:
        if not args.questions:
            print("error: --catalog needs --questions", file=sys.stderr)
            return 2
        runs.append(("custom", Path(args.catalog), Path(args.faq) if args.faq else None, Path(args.questions)))
    else:
        for name in (list(SETS) if args.set == "all" else [args.set]):
            c, f, q = set_paths(name)
            runs.append((name, c, f, q))
    def kiosk_for(cat):
        # warmed up as the daemon warms it before serving: a cold first call would miss its deadline and pause the model
        k = _kiosk(cat, model, None, args)
        if model is not None:
            k.warm_up()
        return k

    results = []
    for name, c, f, q in runs:
        cat = load_catalog(c, f)
        qs = load_questions(q)

        def progress(i: int, n: int, name=name) -> None:
            if i % 10 == 0 or i == n:
                print(f"eval {name}: {i}/{n}", file=sys.stderr, flush=True)

        rep = run_eval(name, kiosk_for, qs, cat, progress)
        s = rep.summary()
        s["model"] = "loaded" if model is not None else "none (templates)"
        s["model_rejected_sentences"] = rep.rejected
        results.append(s)
        if args.json:
            print(json.dumps(s))
        else:
            print(f"[{name}] {s['questions']} questions  accuracy {s['accuracy'] * 100:.1f}%  answers with an invented fact: {s['answers_with_invented_fact']}"
                  f"  model: {s['model']}  paths: {s['paths']}  model sentences rejected by the checker: {s['model_rejected_sentences']}")
            print(f"[{name}] first sentence p50 {s['first_sentence_ms']['p50']} ms  p95 {s['first_sentence_ms']['p95']} ms;"
                  f"  complete answer p50 {s['complete_ms']['p50']} ms  p95 {s['complete_ms']['p95']} ms")
        if args.show_failures:
            for fl in rep.failures:
                print("  FAIL", json.dumps(fl))
    return _finish(0)


def cmd_bench(args: argparse.Namespace) -> int:
    from agent.kiosk.bench import run_bench

    model = _model(args.no_model)
    sets = list(SETS) if args.set == "all" else [args.set]
    kiosks = {}
    results = []
    for name in sets:
        from agent.kiosk.catalog import load_catalog
        from agent.kiosk.evaluate import set_paths

        c, f, _ = set_paths(name)
        kiosks[name] = _kiosk(load_catalog(c, f), model)

        def progress(i: int, n: int, name=name) -> None:
            if i % 10 == 0 or i == n:
                print(f"bench {name}: {i}/{n}", file=sys.stderr, flush=True)

        r = run_bench(kiosks[name], [name], progress=progress)
        r["set"], r["model"] = name, "loaded" if model is not None else "none (templates)"
        results.append(r)
        if args.json:
            print(json.dumps(r))
        else:
            print(f"[{name}] {r['questions']} questions over HTTP/SSE, model: {r['model']}")
            print(f"[{name}] first checked sentence on the wire p50 {r['first_sentence_ms']['p50']} ms  p95 {r['first_sentence_ms']['p95']} ms"
                  f"  max {r['first_sentence_ms']['max']} ms")
            print(f"[{name}] complete answer p50 {r['complete_ms']['p50']} ms  p95 {r['complete_ms']['p95']} ms  max {r['complete_ms']['max']} ms")
            print(f"[{name}] idle CPU {r['idle_cpu_percent']}% of one core  process RSS {r['rss_mb']} MB")
    return _finish(0)
