"""The component's other faces: Home Assistant discovery, mqtt disabled, health, and the signer CLI end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from agent.events import Event, EventKind
from agent.signing import generate_keypair, public_pem, write_private_key

REPO = Path(__file__).resolve().parents[2]


def test_home_assistant_discovery_reads_the_retained_state(mosquitto, collector_factory, sync_ctx, start_sync):
    ctx = sync_ctx(mosquitto.port, mqtt_extra={"ha_discovery": True})
    ctx.shared["stock"] = lambda: {"A1": 4, "B2": 0}
    ctx.shared["health"] = lambda: {"ok": True, "temperatures_c": {"cpu": 51.5}}
    col = collector_factory(mosquitto.port, topic="homeassistant/#")
    state_col = collector_factory(mosquitto.port, topic="edge/v1/dev-1/state")
    r = start_sync(ctx)
    assert r.connected()
    assert col.wait_for(lambda c: len(c.messages) >= 5)
    configs = {t: json.loads(p) for t, p, _, _ in col.messages}
    stock = configs["homeassistant/sensor/dev_1_stock_a1/config"]
    assert stock["state_topic"] == "edge/v1/dev-1/state" and stock["availability_topic"] == "edge/v1/dev-1/status"
    assert "homeassistant/sensor/dev_1_temp_cpu/config" in configs
    assert "homeassistant/sensor/dev_1_outbox_depth/config" in configs
    assert state_col.wait_for(lambda c: c.payloads())
    state = state_col.payloads()[-1]
    assert state["stock"] == {"A1": 4, "B2": 0} and state["health"]["temperatures_c"]["cpu"] == 51.5


def test_mqtt_disabled_keeps_events_in_the_outbox_and_health_reports(sync_ctx, start_sync):
    ctx = sync_ctx(mqtt_extra={"enabled": False})
    r = start_sync(ctx)
    for i in range(10):
        ctx.bus.publish(Event(kind=EventKind.SALE, ts=ctx.clock.time(), source="t", data={"i": i}))
    ctx.bus.publish(Event(kind=EventKind.HEALTH, ts=ctx.clock.time(), source="daemon", data={"cpu": 1}))
    r.comp.outbox.flush()
    h = r.comp.health()
    assert h["ok"] is True and h["connected"] is False and h["outbox_depth"] == 11
    assert ctx.shared["outbox"]()["depth"] == 11
    health_row = [row for row in r.comp.outbox.peek(-1, 100) if row.kind == "health"][0]
    assert json.loads(health_row.payload)["data"] == {"cpu": 1, "outbox_depth": 10}
    assert ctx.commands.dispatch("ping", {})["pong"] is True
    assert ctx.commands.dispatch("get_state", {})["outbox"]["depth"] == 11


def test_an_event_that_cannot_be_stored_is_logged_not_raised(sync_ctx, start_sync, caplog):
    ctx = sync_ctx(mqtt_extra={"enabled": False}, outbox_extra={"max_payload_bytes": 2048})
    r = start_sync(ctx)
    ctx.bus.publish(Event(kind=EventKind.TELEMETRY, ts=ctx.clock.time(), source="cam", data={"img": "x" * 5000}))
    ctx.bus.publish(Event(kind=EventKind.SALE, ts=ctx.clock.time(), source="t", data={}))
    r.comp.outbox.flush()
    assert r.comp.outbox.stats()["depth"] == 1
    assert any(rec.getMessage() == "event not queued" and "max_payload_bytes" in rec.fields["error"] for rec in caplog.records)


def test_cmd_send_cli_round_trip(mosquitto, sync_ctx, start_sync, tmp_path):
    k, pub = generate_keypair()
    write_private_key(tmp_path / "cloud.pem", k)
    (tmp_path / "cloud.pub").write_bytes(public_pem(pub))
    ctx = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(tmp_path / "cloud.pub")})
    seen = []
    ctx.commands.register("ack_alert", lambda args: seen.append(args) or {"acked": args["alert_id"]})
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "agent", "cmd", "send", "--key", str(tmp_path / "cloud.pem"), "--device", "dev-1",
            "--port", str(mosquitto.port)]
    out = subprocess.run([*base, "ack_alert", "--args", '{"alert_id": "al-7"}'], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["result"] == {"acked": "al-7"} and seen == [{"alert_id": "al-7"}]
    bad = subprocess.run([*base, "ack_alert", "--args", "[1]"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode != 0 and "--args must be a JSON object" in bad.stderr
    signed = subprocess.run([sys.executable, "-m", "agent", "cmd", "sign", "--key", str(tmp_path / "cloud.pem"), "--device", "dev-1",
                             "ping"], capture_output=True, text=True, env=env, timeout=60)
    assert r.comp.verifier.check(signed.stdout.strip().encode()).name == "ping"
