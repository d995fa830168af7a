"""Nothing is lost when the broker restarts, the agent is SIGKILLed or the network is cut."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.events import Event, EventKind

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def _emit(ctx, n: int, kind: str = EventKind.TELEMETRY) -> None:
    for i in range(n):
        ctx.bus.publish(Event(kind=kind, ts=ctx.clock.time(), source="test", data={"i": i}))


def _all(n: int):
    return lambda c: len(c.seqs()) >= n and c.seqs() >= set(range(n))


def test_broker_stopped_and_restarted_mid_flush(mosquitto, collector_factory, sync_ctx, start_sync):
    col = collector_factory(mosquitto.port)
    ctx = sync_ctx(mosquitto.port, mqtt_extra={"inflight": 5})
    r = start_sync(ctx)
    _emit(ctx, 5000)
    assert col.wait_for(lambda c: len(c.seqs()) >= 200)
    mosquitto.stop()
    got_before = len(col.seqs())
    assert got_before < 5000, "flush finished before the broker stopped; the test did not cut it mid-flush"
    _emit(ctx, 100, EventKind.SALE)  # events while the broker is down
    time.sleep(1.0)
    assert not r.comp.client.health()["connected"]
    mosquitto.start()
    assert col.wait_for(_all(5100), 60), f"missing seqs: {sorted(set(range(5100)) - col.seqs())[:20]}"
    assert col.wait_for(lambda c: r.comp.outbox.stats()["depth"] == 0)
    assert r.comp.outbox.stats()["dead"] == 0


def test_agent_sigkilled_mid_flush_delivers_everything_after_restart(mosquitto, collector_factory, tmp_path):
    col = collector_factory(mosquitto.port)
    data = tmp_path / "agent-data"
    n = 20000
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, str(Path(__file__).with_name("sync_publisher_proc.py")), str(data), str(mosquitto.port)]
    p = subprocess.Popen([*cmd, str(n), "2"], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        line = p.stdout.readline()
        assert line.strip() == f"STORED {n}", line
        assert col.wait_for(lambda c: len(c.seqs()) >= 50, 30)
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    finally:
        if p.poll() is None:
            p.kill()
    got = len(col.seqs())
    assert 0 < got < n, f"kill was not mid-flush: {got} of {n} delivered"
    # The broker saw the socket die without DISCONNECT: it publishes the retained last will.
    assert col.wait_for(lambda c: any(m.get("status") == "offline" for m in c.payloads("/dev-kill/status")), 10)
    p2 = subprocess.Popen([*cmd, "0", "100"], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    try:
        assert p2.stdout.readline().strip() == f"STORED {n}"  # seq survives the restart: nothing re-numbered
        assert col.wait_for(_all(n), 60), f"missing seqs: {sorted(set(range(n)) - col.seqs())[:20]}"
        assert max(col.seqs()) == n - 1
    finally:
        p2.kill()
        p2.wait(10)


def test_network_cut_by_pausing_the_broker(mosquitto, collector_factory, sync_ctx, start_sync):
    col = collector_factory(mosquitto.port)
    ctx = sync_ctx(mosquitto.port, mqtt_extra={"inflight": 5})
    r = start_sync(ctx)
    assert r.connected()
    _emit(ctx, 3000)
    assert col.wait_for(lambda c: len(c.seqs()) >= 100)
    mosquitto.pause()
    try:
        _emit(ctx, 50, EventKind.SALE)
        deadline = time.monotonic() + 15
        while r.comp.client.health()["connected"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not r.comp.client.health()["connected"], "a silent broker was not noticed"
    finally:
        mosquitto.resume()
    assert col.wait_for(_all(3050), 60), f"missing seqs: {sorted(set(range(3050)) - col.seqs())[:20]}"
    assert r.comp.outbox.stats()["dead"] == 0
    # The device gave up on the silent connection without a DISCONNECT, so the broker published its will.
    assert col.wait_for(lambda c: any(p.get("reason") == "connection lost" for p in c.payloads("/dev-1/status")), 10)
    assert col.wait_for(lambda c: c.payloads("/dev-1/status")[-1]["status"] == "online", 10)


def test_offline_without_broker_keeps_messages_and_does_not_spam(sync_ctx, start_sync, collector_factory, broker_factory, caplog):
    b = broker_factory()
    ctx = sync_ctx(b.port)  # nothing listens there yet
    with caplog.at_level(logging.INFO, logger="agent.sync"):
        r = start_sync(ctx)
        _emit(ctx, 300)
        deadline = time.monotonic() + 15
        while r.comp.client.backoff.attempt < 5 and time.monotonic() < deadline:
            time.sleep(0.1)  # reconnect attempts every 0.1-0.5 s
    warnings = [rec for rec in caplog.records if rec.levelno >= logging.WARNING and rec.name == "agent.sync.client"]
    assert r.comp.client.backoff.attempt >= 5
    assert len(warnings) == 1, [w.getMessage() for w in warnings]
    assert r.comp.outbox.stats()["depth"] == 300
    b.start()
    col = collector_factory(b.port)
    assert col.wait_for(_all(300), 30)


def test_reconnects_do_not_leak_file_descriptors(broker_factory, sync_ctx, start_sync):
    b = broker_factory()
    r = start_sync(sync_ctx(b.port))
    time.sleep(0.5)
    fds0 = len(os.listdir("/proc/self/fd"))
    attempts0 = r.comp.client.backoff.attempt
    time.sleep(2.0)  # refused connects
    assert r.comp.client.backoff.attempt - attempts0 >= 4
    for _ in range(4):  # connections that come up and drop
        b.start()
        assert r.connected()
        b.stop()
        deadline = time.monotonic() + 10
        while r.comp.client.health()["connected"] and time.monotonic() < deadline:
            time.sleep(0.05)
    time.sleep(0.5)
    assert r.comp.client.connects >= 4
    assert len(os.listdir("/proc/self/fd")) <= fds0 + 2
