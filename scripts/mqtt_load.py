#!/usr/bin/env python3
"""Run N simulated devices (real outbox + real sync client each) against a broker; print msgs/s and lag.

    .venv/bin/python scripts/mqtt_load.py --devices 50 --rate 20 --seconds 10 [--host 127.0.0.1 --port 1883]

Each device queues ``--rate`` telemetry messages per second into its own
durable outbox; a cloud-side subscriber (a $share group when --share is given,
as a fleet ingest would) receives them. Lag is enqueue -> subscriber
(through the outbox, the device client and the broker), per message.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import json  # noqa: E402

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402

from agent.clock import SystemClock  # noqa: E402
from agent.logs import setup_logging  # noqa: E402
from agent.sync.client import SyncClient  # noqa: E402
from agent.sync.outbox import TELEMETRY, Outbox  # noqa: E402
from agent.sync.settings import MqttSettings, OutboxSettings  # noqa: E402


def _ingest(host: str, port: int, topic: str, conn, ready) -> None:
    lags: list[float] = []

    def on_message(c, u, msg):
        try:
            lags.append(time.time() - json.loads(msg.payload)["ts"])
        except (ValueError, KeyError):
            pass

    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"load-ingest-{os.getpid()}", protocol=mqtt.MQTTv5)
    sub.on_message = on_message
    sub.on_subscribe = lambda *a: ready.set()
    try:
        sub.connect(host, port, 30)
    except OSError:
        return
    sub.subscribe(topic, qos=1)
    sub.loop_start()
    conn.recv()
    sub.loop_stop()
    sub.disconnect()
    conn.send(lags)


def _clear_retained(host: str, port: int, topics: list[str]) -> None:
    """Simulated devices leave retained status/state behind; remove them so the broker holds no fake fleet."""
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"load-cleanup-{os.getpid()}")
    try:
        c.connect(host, port, 30)
    except OSError:
        return
    c.loop_start()
    infos = [c.publish(t, b"", qos=1, retain=True) for t in topics]
    for info in infos:
        info.wait_for_publish(5)
    c.loop_stop()
    c.disconnect()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--rate", type=float, default=10.0, help="messages per second per device")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=1883)
    ap.add_argument("--prefix", default="edge/load", help="topic prefix (kept apart from real devices)")
    ap.add_argument("--share", default="", help="consume with $share/<group>/... (MQTT 5 shared subscription)")
    ap.add_argument("--workers", type=int, default=1, help="ingest processes (with --share they split the messages)")
    ap.add_argument("--synchronous", default="FULL", choices=["FULL", "NORMAL"])
    ap.add_argument("--log-level", default="WARNING")
    a = ap.parse_args()
    setup_logging(a.log_level)

    tmp = Path(tempfile.mkdtemp(prefix="mqtt-load-"))
    topic = f"{a.prefix}/+/telemetry"
    # The cloud side runs in its own process (forked before any thread exists), as it would in a fleet:
    # sharing the GIL with 2N device threads would make the subscriber the bottleneck and the broker drop to it.
    if a.workers > 1 and not a.share:
        print("--workers > 1 needs --share GROUP (else every worker gets every message)", file=sys.stderr)
        return 2
    ctx = mp.get_context("fork")
    workers = []
    for _ in range(a.workers):
        parent_end, child_end = ctx.Pipe()
        ready = ctx.Event()
        proc = ctx.Process(target=_ingest, args=(a.host, a.port, f"$share/{a.share}/{topic}" if a.share else topic, child_end, ready),
                           daemon=True)
        proc.start()
        if not ready.wait(10):
            print(f"cannot reach the broker {a.host}:{a.port}", file=sys.stderr)
            return 1
        workers.append((proc, parent_end))

    stop = threading.Event()
    boxes, threads, clients = [], [], []
    for i in range(a.devices):
        dev = f"load-{i:04d}"
        box = Outbox(tmp / f"{dev}.sqlite", dev, SystemClock(), OutboxSettings(synchronous=a.synchronous))
        client = SyncClient(MqttSettings(host=a.host, port=a.port, topic_prefix=a.prefix), dev, box, SystemClock())
        box.listeners.append(client.wake)
        t = threading.Thread(target=client.run, args=(stop,), daemon=True)
        t.start()
        boxes.append((dev, box))
        clients.append(client)
        threads.append(t)
    time.sleep(1.0)

    total = int(a.devices * a.rate * a.seconds)
    interval = 1.0 / (a.devices * a.rate)
    print(f"{a.devices} devices x {a.rate:g} msgs/s for {a.seconds:g}s = {total:,} messages to {a.host}:{a.port} "
          f"(outbox synchronous={a.synchronous})")
    t0 = time.time()
    sent = 0
    next_report = t0 + 2
    acked0 = sum(c.acked for c in clients)
    while sent < total:
        dev, box = boxes[sent % len(boxes)]
        box.put(f"{a.prefix}/{dev}/telemetry", "telemetry", "load", {"n": sent}, time.time(), TELEMETRY)
        sent += 1
        target = t0 + sent * interval
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        if time.time() >= next_report:
            print(f"  ... {sent:,} queued, {sum(c.acked for c in clients) - acked0:,} acknowledged by the broker")
            next_report += 2
    t_prod = time.time() - t0
    deadline = time.time() + 60
    while time.time() < deadline and sum(c.acked for c in clients) - acked0 < total:
        time.sleep(0.02)
    t_acked = time.time() - t0
    acked = sum(c.acked for c in clients) - acked0
    time.sleep(2.0)  # let the subscriber drain
    lags: list[float] = []
    per_worker = []
    for proc, conn in workers:
        conn.send("done")
        got_w = conn.recv() if conn.poll(30) else []
        per_worker.append(len(got_w))
        lags.extend(got_w)
        proc.join(5)
    stop.set()
    for t in threads:
        t.join(5)
    depth = sum(b.stats()["depth"] for _, b in boxes)
    _clear_retained(a.host, a.port, [f"{a.prefix}/{dev}/{ch}" for dev, _ in boxes for ch in ("status", "state")])
    for _, b in boxes:
        b.close()
    shutil.rmtree(tmp, ignore_errors=True)

    got = len(lags)
    ls = sorted(lags)
    if not ls:
        print("received nothing: is the broker reachable and does its ACL allow the topics?")
        return 1

    def pct(p: float) -> float:
        return ls[min(len(ls) - 1, int(p * len(ls)))] * 1000

    print(f"offered {total / t_prod:,.0f} msgs/s; broker acknowledged {acked:,}/{total:,} in {t_acked:.2f}s = "
          f"{acked / t_acked:,.0f} msgs/s (left in outboxes: {depth}); subscribers received {got:,} "
          f"(per worker: {', '.join(f'{n:,}' for n in per_worker)})")
    print(f"lag enqueue->subscriber ms: p50 {pct(0.5):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  max {ls[-1] * 1000:.1f}  "
          f"mean {statistics.fmean(ls) * 1000:.1f}")
    return 0 if got >= total else 2


if __name__ == "__main__":
    sys.exit(main())
