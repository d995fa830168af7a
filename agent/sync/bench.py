"""``edge-agent bench outbox``: the outbox's speed, disk writes and memory, against a real mosquitto.

Figures printed (targets from issue 4): durable enqueue msgs/s (>= 2,000 with
synchronous=FULL), bytes written to disk per message (/proc/self/io
write_bytes), time to deliver a 10,000-message backlog once the broker is back
(<= 10 s), RSS growth with a 100,000-message backlog (<= 20 MB).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from agent.clock import SystemClock
from agent.sync.outbox import ALERT, TELEMETRY, Outbox
from agent.sync.settings import MqttSettings, OutboxSettings

MOSQUITTO = "/usr/sbin/mosquitto"


def write_bytes() -> int:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return -1


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Broker:
    """A private mosquitto on a free port, so the bench can take it away and bring it back."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _data(i: int) -> dict:
    return {"slot": f"A{i % 12}", "weight_g": 1234.5 + i % 100, "temp_c": 4.5, "door": False}


def bench_enqueue(dirpath: Path, n: int, synchronous: str, echo) -> dict:
    box = Outbox(dirpath / f"enq-{synchronous}.sqlite", "bench", SystemClock(), OutboxSettings(synchronous=synchronous))
    w0 = write_bytes()
    t0 = time.perf_counter()
    for i in range(n):
        box.put("edge/v1/bench/telemetry", "telemetry", "bench", _data(i), 1.0, TELEMETRY)
    box.flush()
    dt = time.perf_counter() - t0
    wb = write_bytes() - w0
    m = 300
    t1 = time.perf_counter()
    for i in range(m):
        box.put("edge/v1/bench/events", "restock_alert", "bench", _data(i), 1.0, ALERT)  # each waits for its own commit
    alert_rate = m / (time.perf_counter() - t1)
    box.close()
    out = {"n": n, "msgs_per_s": n / dt, "bytes_per_msg": wb / n if wb >= 0 else float("nan"), "alert_msgs_per_s": alert_rate}
    echo(f"  synchronous={synchronous}: durable enqueue {out['msgs_per_s']:,.0f} msgs/s ({n:,} msgs, committed), "
         f"{out['bytes_per_msg']:,.0f} bytes written to disk per message; unbatched alerts (one commit each) {alert_rate:,.0f} msgs/s")
    return out


def _run_client(box: Outbox, port: int, stop: threading.Event):
    from agent.sync.client import SyncClient

    settings = MqttSettings(port=port, backoff_initial_s=0.1, backoff_max_s=0.2, keepalive_s=10, inflight=100)
    client = SyncClient(settings, "bench", box, SystemClock())
    t = threading.Thread(target=client.run, args=(stop,), daemon=True)
    t.start()
    return client, t


def _wait_empty(box: Outbox, n: int, t0: float, echo, timeout: float) -> float:
    last = t0
    while box.stats()["depth"] > 0:
        now = time.perf_counter()
        if now - t0 > timeout:
            raise TimeoutError(f"backlog not delivered within {timeout}s: {box.stats()['depth']} left")
        if now - last >= 2.0:
            echo(f"    ... {n - box.stats()['depth']:,}/{n:,} delivered after {now - t0:.1f}s")
            last = now
        time.sleep(0.01)
    return time.perf_counter() - t0


def bench_backlog(dirpath: Path, n: int, echo) -> dict:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    broker = _Broker(dirpath)
    box = Outbox(dirpath / "backlog.sqlite", "bench", SystemClock(), OutboxSettings())
    for i in range(n):
        box.put("edge/v1/bench/telemetry", "telemetry", "bench", _data(i), 1.0, TELEMETRY)
    box.flush()
    stop = threading.Event()
    received = [0]
    suback = threading.Event()
    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-sub")
    sub.on_message = lambda c, u, m: received.__setitem__(0, received[0] + 1)
    sub.on_subscribe = lambda *a: suback.set()
    t = None
    try:
        broker.start()
        # The cloud-side subscriber is ready first, so every message has a reader; then the device reconnects.
        sub.connect("127.0.0.1", broker.port, 30)
        sub.subscribe("edge/v1/bench/telemetry", qos=1)
        sub.loop_start()
        suback.wait(10)
        t0 = time.perf_counter()
        client, t = _run_client(box, broker.port, stop)
        dt = _wait_empty(box, n, t0, echo, 120)
        deadline = time.perf_counter() + 10
        while received[0] < n and time.perf_counter() < deadline:
            time.sleep(0.01)
        dt_sub = time.perf_counter() - t0
        echo(f"  backlog of {n:,}: all PUBACKed {dt:.2f}s after the device reconnected; "
             f"subscriber received {received[0]:,} by {dt_sub:.2f}s")
        return {"n": n, "seconds": dt, "received": received[0]}
    finally:
        stop.set()
        if t is not None:
            t.join(5)
        sub.loop_stop()
        broker.stop()
        box.close()


def bench_rss(dirpath: Path, n: int, echo) -> dict:
    broker = _Broker(dirpath)
    box = Outbox(dirpath / "rss.sqlite", "bench", SystemClock(), OutboxSettings(max_messages=max(200_000, 2 * n)))
    stop = threading.Event()
    client, t = _run_client(box, broker.port, stop)  # offline: the backlog grows while the client keeps retrying
    time.sleep(0.5)  # baseline after the outbox and the client exist: the figure is the growth due to the backlog
    rss0 = rss_mb()
    try:
        for i in range(n):
            box.put("edge/v1/bench/telemetry", "telemetry", "bench", _data(i), 1.0, TELEMETRY)
            if i and i % 25_000 == 0:
                echo(f"    ... {i:,} queued, RSS {rss_mb():.1f} MB")
        box.flush()
        rss1 = rss_mb()
        echo(f"  {n:,}-message backlog held offline: RSS {rss0:.1f} -> {rss1:.1f} MB (growth {rss1 - rss0:.1f} MB)")
        broker.start()
        t0 = time.perf_counter()
        peak = rss1
        while box.stats()["depth"] > 0 and time.perf_counter() - t0 < 180:
            peak = max(peak, rss_mb())
            time.sleep(0.05)
        dt = time.perf_counter() - t0
        echo(f"  delivering it: {dt:.1f}s, peak RSS {peak:.1f} MB (growth {peak - rss0:.1f} MB), depth left {box.stats()['depth']}")
        return {"n": n, "growth_mb": rss1 - rss0, "peak_growth_mb": peak - rss0, "deliver_s": dt}
    finally:
        stop.set()
        t.join(5)
        broker.stop()
        box.close()


def run(n_enqueue: int = 20_000, n_backlog: int = 10_000, n_rss: int = 100_000, directory: str | None = None, echo=print) -> dict:
    if not Path(MOSQUITTO).exists():
        raise SystemExit(f"{MOSQUITTO} not found: install Debian's mosquitto (scripts/setup.sh does)")
    base = Path(directory) if directory else None
    tmp = Path(tempfile.mkdtemp(prefix="outbox-bench-", dir=base))
    try:
        echo(f"outbox bench in {tmp} (pid {os.getpid()})")
        echo("1. durable enqueue (batched commits; FULL is the setting recommended for power loss)")
        full = bench_enqueue(tmp, n_enqueue, "FULL", echo)
        normal = bench_enqueue(tmp, n_enqueue, "NORMAL", echo)
        echo("2. backlog delivery after the broker returns")
        backlog = bench_backlog(tmp, n_backlog, echo)
        echo("3. memory with a large backlog")
        rss = bench_rss(tmp, n_rss, echo)
        echo("summary:")
        echo(f"  enqueue (FULL): {full['msgs_per_s']:,.0f} msgs/s  [target >= 2,000]")
        echo(f"  disk writes (FULL): {full['bytes_per_msg']:,.0f} bytes/msg")
        echo(f"  {backlog['n']:,} backlog delivered in {backlog['seconds']:.2f} s  [target <= 10 s]")
        echo(f"  RSS growth at {rss['n']:,} backlog: {rss['growth_mb']:.1f} MB (peak while delivering {rss['peak_growth_mb']:.1f} MB)  "
             "[target <= 20 MB]")
        return {"full": full, "normal": normal, "backlog": backlog, "rss": rss}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
