"""The HTTP API on a real socket: JSON, server-sent events, errors for each kind of bad request."""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote


def _req(server, method, path, body=None, headers=None):
    host, port = server.server_address[:2]
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def _ask(server, payload, ctype="application/json", path="/api/ask"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return _req(server, "POST", path, body, {"Content-Type": ctype})


def test_post_ask_returns_answer_sources_latency(server):
    r, data = _ask(server, {"question": "How much is the sourdough bread?"})
    assert r.status == 200
    out = json.loads(data)
    assert out["answer"] == "Sourdough Bread costs $3.50." and out["sources"] == ["BRD-SD-800"]
    assert out["latency_ms"] >= 0 and r.getheader("Content-Security-Policy").startswith("default-src 'self'")


def _events(data: bytes):
    out = []
    for block in data.decode().split("\n\n"):
        if block.strip():
            ev = dict(line.split(": ", 1) for line in block.splitlines())
            out.append((ev["event"], json.loads(ev["data"])))
    return out


def test_stream_sends_each_sentence_then_done(server):
    r, data = _ask(server, {"question": "where is the milk"}, path="/api/ask/stream")
    assert r.status == 200 and r.getheader("Content-Type").startswith("text/event-stream")
    evs = _events(data)
    assert [e for e, _ in evs] == ["sentence", "sentence", "done"]
    assert evs[0][1]["text"] == "Whole Milk 1L, Oat Milk 1L and Almond Milk 1L are in Fridge 1."
    assert evs[-1][1]["answer"] == " ".join(d["text"] for e, d in evs if e == "sentence")


def test_stream_over_get_for_eventsource(server):
    r, data = _req(server, "GET", "/api/ask/stream?q=" + quote("is there a cash machine?"))
    evs = _events(data)
    assert evs[0] == ("sentence", {"text": "Yes."}) and evs[-1][1]["sources"] == ["faq:3"]


def test_stream_delivers_first_sentence_before_the_answer_is_complete(server):
    """Sentences are flushed as they pass the check, not buffered until the end."""
    orig = server.kiosk.stream

    def slow(q):
        for kind, value in orig(q):
            if kind == "done":
                time.sleep(0.5)
            yield kind, value

    server.kiosk.stream = slow
    host, port = server.server_address[:2]
    c = http.client.HTTPConnection(host, port, timeout=10)
    t0 = time.monotonic()
    c.request("POST", "/api/ask/stream", json.dumps({"question": "where is the tea"}), {"Content-Type": "application/json"})
    r = c.getresponse()
    first = r.fp.readline()
    t_first = time.monotonic() - t0
    rest = r.read()
    t_all = time.monotonic() - t0
    c.close()
    assert first.startswith(b"event: sentence") and b"done" in rest
    assert t_all - t_first >= 0.4  # the sentence arrived before the 0.5 s pause ended


def test_bad_requests_get_specific_errors(server):
    cases = [
        (_ask(server, b"{not json"), 400, "not valid JSON"),
        (_ask(server, {"q": "x"}), 400, '"question" field'),
        (_ask(server, {"question": 42}), 400, "must be a string"),
        (_ask(server, [1, 2]), 400, '"question" field'),
        (_ask(server, b"\xff\xfe", ), 400, "not valid JSON"),
        (_ask(server, {"question": "x"}, ctype="text/plain"), 415, "application/json"),
        (_ask(server, {"question": "x" * 10000}), 413, "at most 8192 bytes"),
        (_req(server, "GET", "/api/ask"), 405, "use POST"),
        (_req(server, "GET", "/../../etc/passwd"), 404, "no such page"),
        (_req(server, "POST", "/api/open_door", b"{}", {"Content-Type": "application/json"}), 404, "no such endpoint"),
    ]
    for (r, data), status, words in cases:
        assert r.status == status, (status, data)
        assert words in json.loads(data)["error"]
    r, _ = _ask(server, {"question": "where is the tea"})
    assert r.status == 200  # still serving


def test_page_and_assets_are_local(server):
    r, html = _req(server, "GET", "/")
    assert r.status == 200 and b"/static/app.js" in html
    for path in ("/static/app.js", "/static/app.css"):
        r, body = _req(server, "GET", path)
        assert r.status == 200 and body
    assert b"http://" not in html and b"https://" not in html


def test_health_and_metrics_come_from_shared(server):
    r, data = _req(server, "GET", "/api/health")
    assert r.status == 200 and json.loads(data) == {"ok": True}
    server.shared["health"] = lambda: {"ok": False, "components": {"sync": "down"}}
    server.shared["metrics"] = lambda: "edge_up 1\n"
    r, data = _req(server, "GET", "/api/health")
    assert r.status == 503 and json.loads(data)["components"] == {"sync": "down"}
    _ask(server, {"question": "hi"})
    r, data = _req(server, "GET", "/metrics")
    text = data.decode()
    assert text.startswith("edge_up 1\n") and "edge_kiosk_answers_total 1" in text


def test_suggestions(server):
    r, data = _req(server, "GET", "/api/suggestions")
    out = json.loads(data)
    assert out["store"] == "Test Mart" and len(out["suggestions"]) == 4
    for q in out["suggestions"]:  # every suggestion must itself get a real answer
        assert server.kiosk.ask(q).kind in ("product", "faq")


def test_concurrent_questions(server):
    qs = ["where is the oat milk", "how much is the coffee", "is there parking", "are avocados in stock"] * 5
    with ThreadPoolExecutor(8) as ex:
        outs = list(ex.map(lambda q: json.loads(_ask(server, {"question": q})[1])["answer"], qs))
    assert outs[:4] == ["Oat Milk 1L is in Fridge 1.", "Coffee Beans 250g costs $5.49.",
                        "Yes. Free customer parking for 2 hours is behind the store.", "Avocados x2 is out of stock right now."]
    assert outs[4:8] == outs[:4]
    assert threading.active_count() < 50
