"""Events go through the outbox to a real mosquitto, with the envelope the cloud relies on."""

from __future__ import annotations

import json

from agent.events import Event, EventKind


def _emit(ctx, n: int, kind: str = EventKind.TELEMETRY, start: int = 0) -> None:
    for i in range(start, start + n):
        ctx.bus.publish(Event(kind=kind, ts=ctx.clock.time(), source="test", data={"i": i}))


def test_events_reach_the_cloud_with_envelope_birth_and_state(mosquitto, collector_factory, sync_ctx, start_sync):
    col = collector_factory(mosquitto.port)
    ctx = sync_ctx(mosquitto.port)
    r = start_sync(ctx)
    assert r.connected()
    _emit(ctx, 20)
    _emit(ctx, 3, EventKind.SALE)
    ctx.bus.publish(Event(kind=EventKind.RESTOCK_ALERT, ts=ctx.clock.time(), source="stock", data={"slot": "A1"}))
    assert col.wait_for(lambda c: len(c.seqs()) == 24)
    tele = col.payloads("/dev-1/telemetry")
    assert [p["data"]["i"] for p in tele] == list(range(20))  # in order per topic
    assert sorted(col.seqs()) == list(range(24))
    for p in col.payloads():
        if "seq" in p:
            assert p["device_id"] == "dev-1" and p["v"] == 1 and len(p["msg_id"]) == 32 and isinstance(p["ts"], float)
    assert {p["kind"] for p in col.payloads("/dev-1/events")} == {"sale", "restock_alert"}
    status = col.payloads("/dev-1/status")
    assert status and status[-1]["status"] == "online"
    state = col.payloads("/dev-1/state")
    assert state and state[-1]["device_id"] == "dev-1" and "outbox" in state[-1]
    assert col.wait_for(lambda c: r.comp.outbox.stats()["depth"] == 0)
    r.stop()
    assert col.wait_for(lambda c: c.payloads("/dev-1/status")[-1]["status"] == "offline", 5)


def test_status_and_state_are_retained(mosquitto, collector_factory, sync_ctx, start_sync):
    ctx = sync_ctx(mosquitto.port)
    r = start_sync(ctx)
    assert r.connected()
    late = collector_factory(mosquitto.port, topic="edge/v1/dev-1/+")
    assert late.wait_for(lambda c: any(t.endswith("/state") and retain for t, _, retain, _ in c.messages))
    assert any(t.endswith("/status") and retain and json.loads(p)["status"] == "online" for t, p, retain, _ in late.messages)


def test_qa_is_scrubbed_before_it_is_stored(mosquitto, collector_factory, sync_ctx, start_sync):
    col = collector_factory(mosquitto.port)
    ctx = sync_ctx(mosquitto.port)
    r = start_sync(ctx)
    q = "mail me at jane.doe@example.com or call +44 20 7946 0958, card 4111 1111 1111 1111"
    ctx.bus.publish(Event(kind=EventKind.QA, ts=ctx.clock.time(), source="kiosk", data={"question": q, "answer": "Water is 1.50."}))
    r.comp.outbox.flush()
    raw = (r.comp.outbox.path).read_bytes() + r.comp.outbox.path.with_name(r.comp.outbox.path.name + "-wal").read_bytes()
    assert b"jane.doe" not in raw and b"4111" not in raw and b"7946" not in raw
    assert col.wait_for(lambda c: c.payloads("/dev-1/qa"))
    p = col.payloads("/dev-1/qa")[0]
    assert p["data"]["question"] == "mail me at [email] or call [phone], card [card]"
    assert p["data"]["answer"] == "Water is 1.50."


def test_a_trickle_after_the_outbox_emptied_is_still_delivered(mosquitto, collector_factory, sync_ctx, start_sync):
    col = collector_factory(mosquitto.port)
    ctx = sync_ctx(mosquitto.port)
    r = start_sync(ctx)
    assert r.connected()
    for i in range(6):
        _emit(ctx, 1, start=i)
        assert col.wait_for(lambda c, n=i + 1: len(c.seqs()) == n and r.comp.outbox.stats()["depth"] == 0, 10), i
    assert sorted(col.seqs()) == list(range(6))


def test_retained_state_follows_stock_changes(mosquitto, collector_factory, sync_ctx, start_sync, monkeypatch):
    import agent.sync.client as client_mod

    monkeypatch.setattr(client_mod, "STATE_MIN_INTERVAL_S", 0.5)
    stock = {"A1": 5}
    ctx = sync_ctx(mosquitto.port)
    ctx.shared["stock"] = lambda: dict(stock)
    col = collector_factory(mosquitto.port, topic="edge/v1/dev-1/state")
    r = start_sync(ctx)
    assert col.wait_for(lambda c: c.payloads() and c.payloads()[-1]["stock"] == {"A1": 5})
    stock["A1"] = 4
    ctx.bus.publish(Event(kind=EventKind.SALE, ts=ctx.clock.time(), source="sensors", data={"slot": "A1", "units": 1}))
    assert col.wait_for(lambda c: c.payloads()[-1]["stock"] == {"A1": 4}, 10)
    assert r.comp.client.health()["connected"]
