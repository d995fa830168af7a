"""``edge-agent bench kiosk``: question-to-screen latency through the real HTTP server.

Measures what a shopper waits for: time until the first checked sentence
arrives over SSE and until the answer is complete, plus the server's idle CPU
and resident memory. Figures are printed, never asserted.
"""

from __future__ import annotations

import http.client
import json
import resource
import threading
import time
from typing import Any

from agent.kiosk.evaluate import load_questions, pct, set_paths


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            status = fh.read().splitlines()
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_bench(kiosk: Any, sets: list[str], idle_s: float = 3.0, progress=None) -> dict[str, Any]:
    from agent.kiosk.server import KioskHTTPServer

    srv = KioskHTTPServer(("127.0.0.1", 0), kiosk, {})
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.5}, daemon=True)
    t.start()
    host, port = srv.server_address[:2]
    firsts: list[float] = []
    totals: list[float] = []
    try:
        questions = [q for name in sets for q in load_questions(set_paths(name)[2])]
        for i, q in enumerate(questions, 1):
            c = http.client.HTTPConnection(host, port, timeout=30)
            t0 = time.perf_counter()
            c.request("POST", "/api/ask/stream", json.dumps({"question": q["question"]}), {"Content-Type": "application/json"})
            r = c.getresponse()
            first = None
            while True:
                line = r.fp.readline()
                if not line:
                    break
                if first is None and line.startswith(b"event: sentence"):
                    first = time.perf_counter() - t0
            totals.append((time.perf_counter() - t0) * 1000)
            firsts.append((first if first is not None else totals[-1] / 1000) * 1000)
            c.close()
            if progress:
                progress(i, len(questions))
        from agent.kiosk.composer import wait_for_model_workers

        wait_for_model_workers()  # a generation abandoned at its deadline is still finishing its token; idle starts after
        time.sleep(0.2)
        cpu0, w0 = _cpu_s(), time.perf_counter()
        time.sleep(idle_s)
        idle_cpu = (_cpu_s() - cpu0) / (time.perf_counter() - w0) * 100
    finally:
        srv.shutdown()
        srv.server_close()
    return {"questions": len(totals), "first_sentence_ms": {"p50": round(pct(firsts, 50), 1), "p95": round(pct(firsts, 95), 1), "max": round(max(firsts), 1)},
            "complete_ms": {"p50": round(pct(totals, 50), 1), "p95": round(pct(totals, 95), 1), "max": round(max(totals), 1)},
            "idle_cpu_percent": round(idle_cpu, 2), "rss_mb": round(_rss_mb(), 1)}
