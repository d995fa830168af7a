"""End to end: `edge-agent run` with the real packages (sensors demo on mock pins, sample catalog,
kiosk HTTP server, sync to a real mosquitto started here), then a graceful SIGTERM."""

from __future__ import annotations

import importlib.util
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest
from edtest_helpers import ROOT, subprocess_env
from paho.mqtt.enums import CallbackAPIVersion

_spec = importlib.util.spec_from_file_location("daemon_mosquitto_broker", ROOT / "tests" / "sync" / "mosquitto_broker.py")
broker_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(broker_mod)

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as r:
        raw = r.read().decode()
    return json.loads(raw) if path.startswith("/api") else raw


def test_demo_runs_end_to_end(tmp_path, notify_socket):
    broker = broker_mod.Mosquitto(tmp_path).start()
    got: list[tuple[str, bytes]] = []
    lock = threading.Lock()
    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="daemon-it-sub")

    def on_message(client, userdata, msg):
        with lock:
            got.append((msg.topic, msg.payload))

    sub.on_message = on_message
    sub.on_connect = lambda c, u, f, rc, p: c.subscribe("edge/v1/demo-it/#", qos=1)
    sub.connect("127.0.0.1", broker.port)
    sub.loop_start()
    port = free_port()
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'[device]\nid = "demo-it"\ndata_dir = "{tmp_path / "data"}"\n[kiosk]\nport = {port}\n'
                   f'[mqtt]\nport = {broker.port}\n[health]\nevent_interval_s = 1.0\n')
    log = (tmp_path / "agent.log").open("w")
    p = subprocess.Popen([sys.executable, "-m", "agent", "run", "--config", str(cfg)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                         env=subprocess_env(tmp_path, NOTIFY_SOCKET=notify_socket.path))
    try:
        assert notify_socket.wait_for("READY=1", 60), (tmp_path / "agent.log").read_text()
        a = http(port, "/api/ask", {"question": "do you have cola?"})
        assert a["answer"] and a["sources"]
        health = http(port, "/api/health")
        for comp in ("agent.sensors", "agent.sync", "agent.kiosk"):
            assert health["components"][comp]["state"] == "running", health["components"][comp]
        assert health["device"] == "demo-it" and isinstance(health["outbox_depth"], int)
        metrics = http(port, "/metrics")
        assert 'edge_agent_up{device="demo-it"}' in metrics and 'component="agent.kiosk"' in metrics
        end = time.monotonic() + 20
        while time.monotonic() < end:
            with lock:
                if any(b'"health"' in payload for _, payload in got):
                    break
            time.sleep(0.1)
        with lock:
            assert any(b'"health"' in payload for _, payload in got), [t for t, _ in got][:20]
        # SIGHUP with a new kiosk port: the components are rebuilt from the new file (sync's outbox reopened once)
        port2 = free_port()
        cfg.write_text(cfg.read_text().replace(f"port = {port}\n", f"port = {port2}\n"))
        p.send_signal(signal.SIGHUP)
        assert notify_socket.wait_for("READY=1", 60, n=2)
        assert http(port2, "/api/ask", {"question": "where are the crisps?"})["answer"]
        with pytest.raises(OSError):
            http(port, "/api/health")
        port = port2
        r = subprocess.run([sys.executable, "-m", "agent", "status", "--url", f"http://127.0.0.1:{port}/api/health"],
                           capture_output=True, text=True, env=subprocess_env(tmp_path), timeout=60)
        assert r.returncode == 0 and "agent.kiosk" in r.stdout and "healthy" in r.stdout, r.stdout + r.stderr
        p.send_signal(signal.SIGTERM)
        assert p.wait(45) == 0
        text = (tmp_path / "agent.log").read_text()
        assert "edge-agent stopped" in text and "stuck=none" in text
        assert "Traceback" not in text, text[-3000:]
        # the outbox was closed cleanly: no write-ahead log left behind, and it opens with its messages
        data = tmp_path / "data"
        assert (data / "outbox.sqlite").exists() and not (data / "outbox.sqlite-wal").exists(), sorted(p.name for p in data.iterdir())
    finally:
        if p.poll() is None:
            p.kill()
        sub.loop_stop()
        broker.stop()
