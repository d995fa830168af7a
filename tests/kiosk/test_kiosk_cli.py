"""`edge-agent ask` (single, --json, --batch) and `edge-agent eval kiosk` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from agent.kiosk.service import sample_paths


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent", *args], capture_output=True, text=True, input=stdin, timeout=120)


def test_ask_json():
    cat, faq = sample_paths()
    r = run("ask", "--no-model", "--catalog", str(cat), "--faq", str(faq), "--json", "How much is the oat milk?")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["answer"] == "Oat Milk 1L costs $2.49." and out["sources"] == ["MLK-OAT-1L"] and out["latency_ms"] >= 0


def test_ask_batch_with_a_bad_line(tmp_path: Path):
    cat, faq = sample_paths()
    b = tmp_path / "q.jsonl"
    b.write_text('{"id": 1, "question": "where is the tea"}\nnot json\n{"id": "x", "question": 5}\n\n{"id": 3, "question": "is there parking?"}\n')
    r = run("ask", "--no-model", "--catalog", str(cat), "--faq", str(faq), "--batch", str(b))
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0] == {"id": 1, "answer": "Green Tea x20 is in Aisle 2.", "sources": ["TEA-GRN-20"], "latency_ms": lines[0]["latency_ms"]}
    assert "line 2" in lines[1]["error"] and "one JSON object per line" in lines[1]["error"]
    assert "line 3" in lines[2]["error"] and "must be a string" in lines[2]["error"]
    assert lines[3]["id"] == 3 and "parking" in lines[3]["answer"]
    assert r.returncode == 1  # some lines were bad, the good ones were still answered


def test_ask_reports_bad_rows_and_unusable_files(tmp_path: Path):
    c = tmp_path / "c.csv"
    c.write_text("sku,name,brand,category,price,location,stock,tags,description\nA,Tea,T,Drinks,1.00,Aisle 2,3,,d\nB,Cake,C,Bakery,cheap,Aisle 1,1,,d\n")
    r = run("ask", "--no-model", "--catalog", str(c), "where is the tea")
    assert r.returncode == 0 and r.stdout.strip() == "Tea is in Aisle 2."
    assert f"{c} line 3, column 'price'" in r.stderr and "row skipped" in r.stderr
    c.write_text("nothing useful\n")
    r = run("ask", "--no-model", "--catalog", str(c), "where is the tea")
    assert r.returncode == 1 and "header row is wrong" in r.stderr


def test_eval_kiosk_prints_figures():
    r = run("eval", "kiosk", "--no-model", "--set", "sample", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["questions"] >= 60 and s["accuracy"] >= 0.95 and s["answers_with_invented_fact"] == 0
    assert set(s["complete_ms"]) == {"p50", "p95"} and set(s["first_sentence_ms"]) == {"p50", "p95"}
