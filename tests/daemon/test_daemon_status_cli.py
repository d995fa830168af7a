"""`edge-agent status` exit codes and text, and `edge-agent ota-sign` output that the device accepts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from edtest_helpers import subprocess_env

from agent import signing
from agent.daemon.ota import signed_message
from agent.daemon.status import render


def report(ok: bool, pid: int, **extra):
    return {"ok": ok, "device": "d1", "version": "0.1.0", "pid": pid, "uptime_s": 12.0, "outbox_depth": 3,
            "components": {"agent.kiosk": {"state": "running", "ok": True, "restarts": 0},
                           "agent.sensors": {"state": "backoff", "ok": ok, "restarts": 4, "last_error": "OSError: pin busy"}},
            "model": {"loaded": True, "version": "v2", "latency": {"calls": 5, "p50_ms": 420.0}},
            "temperatures_c": {"thermal_zone0": 51.2}, "in_flight": {}, **extra}


def run_status(tmp_path, state):
    (tmp_path / "health.json").write_text(json.dumps(state))
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'[device]\ndata_dir = "{tmp_path}"\n[health]\nstate_file = "{tmp_path / "health.json"}"\n')
    return subprocess.run([sys.executable, "-m", "agent", "status", "--config", str(cfg)], capture_output=True, text=True,
                          env=subprocess_env(tmp_path), timeout=60)


def test_status_exit_codes(tmp_path):
    r = run_status(tmp_path, report(False, os.getpid()))  # our pid: certainly alive
    assert r.returncode == 1 and "DEGRADED" in r.stdout and "BAD agent.sensors" in r.stdout and "pin busy" in r.stdout
    r = run_status(tmp_path, report(True, os.getpid()))
    assert r.returncode == 0 and "healthy" in r.stdout
    r = run_status(tmp_path, report(True, 2**22 + 12345))  # no such process
    assert r.returncode == 3 and "not running" in r.stdout
    r = run_status(tmp_path, report(True, os.getpid(), stopped=True))
    assert r.returncode == 3


def test_render_shows_model_outbox_and_temperatures():
    text = render(report(True, 1), "x")
    assert "model: loaded v2, p50 420.0 ms over 5 calls" in text and "outbox: 3 waiting" in text and "thermal_zone0 51.2°C" in text


def test_ota_sign_output_verifies(tmp_path):
    key, pub = signing.generate_keypair()
    signing.write_private_key(tmp_path / "k.pem", key)
    art = tmp_path / "m.tar"
    art.write_bytes(b"model bytes")
    r = subprocess.run([sys.executable, "-m", "agent", "ota-sign", str(art), "--version", "v9", "--key", str(tmp_path / "k.pem"),
                        "--url", "https://cdn.example.com/m.tar"], capture_output=True, text=True, env=subprocess_env(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    cmd = json.loads(r.stdout)
    assert cmd["command"] == "update_model" and cmd["args"]["url"] == "https://cdn.example.com/m.tar"
    signing.verify(pub, signed_message("v9", cmd["args"]["sha256"]), cmd["args"]["signature"])
