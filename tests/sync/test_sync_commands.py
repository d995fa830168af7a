"""Signed cloud commands over a real broker: accepted, answered, and every kind of rejection."""

from __future__ import annotations

import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from agent.component import CommandError
from agent.signing import generate_keypair, public_pem, sign
from agent.sync.signer import sign_command


class Requester:
    """The cloud side: publishes commands and collects replies (MQTT 5 response topic or the 3.1.1 reply topic)."""

    def __init__(self, port: int, protocol=mqtt.MQTTv5) -> None:
        self.protocol = protocol
        self.replies: dict[str, dict] = {}
        self.raw: list[tuple[str, bytes, object]] = []
        self.cond = threading.Condition()
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"cloud-{uuid.uuid4().hex[:6]}", protocol=protocol)
        self.c.on_message = self._on_message
        self.c.connect("127.0.0.1", port, 10)
        self.c.subscribe("edge/cloud/replies/#", qos=1)
        self.c.subscribe("edge/v1/dev-1/cmd/reply", qos=1)
        self.c.loop_start()
        time.sleep(0.2)

    def _on_message(self, c, u, msg) -> None:
        with self.cond:
            self.raw.append((msg.topic, msg.payload, getattr(msg, "properties", None)))
            corr = getattr(getattr(msg, "properties", None), "CorrelationData", None)
            body = json.loads(msg.payload)
            key = corr.decode() if corr else str(body.get("id"))
            self.replies[key] = body
            self.cond.notify_all()

    def send(self, payload: bytes, corr: str | None = None, timeout: float = 10.0) -> dict:
        corr = corr or uuid.uuid4().hex
        props = None
        if self.protocol == mqtt.MQTTv5:
            props = Properties(PacketTypes.PUBLISH)
            props.ResponseTopic = f"edge/cloud/replies/{corr}"
            props.CorrelationData = corr.encode()
        self.c.publish("edge/v1/dev-1/cmd", payload, qos=1, properties=props)
        with self.cond:
            assert self.cond.wait_for(lambda: corr in self.replies, timeout), f"no reply for {corr}"
            return self.replies[corr]

    def close(self) -> None:
        self.c.loop_stop()
        self.c.disconnect()


@pytest.fixture
def keys(tmp_path):
    k, pub = generate_keypair()
    path = tmp_path / "cmd.pub"
    path.write_bytes(public_pem(pub))
    return k, path


@pytest.fixture
def device(mosquitto, sync_ctx, start_sync, keys):
    ctx = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(keys[1]), "max_bytes": 4096})
    calls: list[dict] = []

    def set_config(args):
        if "bad" in args:
            raise CommandError("key 'bad' is not a config key")
        calls.append(args)
        return {"changed": sorted(args)}

    ctx.commands.register("set_config", set_config)
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)  # subscription in place
    return r, calls


@pytest.fixture
def cloud(mosquitto):
    c = Requester(mosquitto.port)
    yield c
    c.close()


def test_signed_ping_get_state_and_set_config(device, cloud, keys):
    r, calls = device
    k = keys[0]
    rep = cloud.send(sign_command(k, "dev-1", "ping", cmd_id="c1"))
    assert rep["ok"] is True and rep["id"] == "c1" and rep["result"]["pong"] is True
    rep = cloud.send(sign_command(k, "dev-1", "get_state"))
    assert rep["ok"] and rep["result"]["outbox"]["depth"] >= 0 and rep["result"]["kind"] == "kiosk"
    rep = cloud.send(sign_command(k, "dev-1", "set_config", {"sensors.poll_ms": 50}))
    assert rep == {**rep, "ok": True, "result": {"changed": ["sensors.poll_ms"]}}
    assert calls == [{"sensors.poll_ms": 50}]
    rep = cloud.send(sign_command(k, "dev-1", "set_config", {"bad": 1}))
    assert rep["ok"] is False and rep["error"]["code"] == "failed" and "not a config key" in rep["error"]["message"]
    rep = cloud.send(sign_command(k, "dev-1", "no_such_thing"))
    assert rep["ok"] is False and "unknown command" in rep["error"]["message"]
    # Replies went to the MQTT 5 response topic with the correlation data.
    assert all(t.startswith("edge/cloud/replies/") for t, _, _ in cloud.raw)


def _rejections(k, other_k):
    body_ok = json.loads(sign_command(k, "dev-1", "set_config", {"x": 1}))["body"]
    yield "unsigned", json.dumps({"body": body_ok}).encode()
    yield "bad_signature", sign_command(other_k, "dev-1", "set_config", {"x": 1})
    tampered = json.loads(sign_command(k, "dev-1", "set_config", {"x": 1}))
    tampered["body"] = tampered["body"].replace('"x":1', '"x":2')
    yield "bad_signature", json.dumps(tampered).encode()
    yield "expired", sign_command(k, "dev-1", "set_config", {"x": 1}, ts=time.time() - 3600)
    yield "expired", sign_command(k, "dev-1", "set_config", {"x": 1}, ts=time.time() + 3600)
    yield "wrong_device", sign_command(k, "dev-2", "set_config", {"x": 1})
    yield "malformed", b"{not json"
    yield "malformed", b'["body"]'
    body = json.dumps({"name": "set_config", "args": {"x": 1}, "device_id": "dev-1", "ts": time.time()})  # no nonce
    yield "malformed", json.dumps({"body": body, "sig": sign(k, body.encode())}).encode()
    yield "oversized", sign_command(k, "dev-1", "set_config", {"x": "y" * 5000})


def test_every_kind_of_bad_command_is_rejected_and_changes_nothing(device, cloud, keys, caplog):
    r, calls = device
    other, _ = generate_keypair()
    caplog.set_level("WARNING", logger="agent.sync.commands")
    cases = list(_rejections(keys[0], other))
    for i, (code, payload) in enumerate(cases):
        rep = cloud.send(payload, corr=f"bad-{i}")
        assert rep["ok"] is False and rep["error"]["code"] == code, (code, rep)
        assert rep["error"]["message"]
    # Replay: the same signed payload twice.
    payload = sign_command(keys[0], "dev-1", "set_config", {"y": 1})
    assert cloud.send(payload, corr="first")["ok"] is True
    rep = cloud.send(payload, corr="again")
    assert rep["ok"] is False and rep["error"]["code"] == "replayed"
    assert calls == [{"y": 1}]  # only the one valid command ran
    logged = [rec for rec in caplog.records if rec.getMessage() == "command rejected"]
    assert [rec.fields["code"] for rec in logged] == [c for c, _ in cases] + ["replayed"]


def test_replay_is_refused_after_a_restart(mosquitto, sync_ctx, start_sync, keys, cloud):
    ctx = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(keys[1])})
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)
    payload = sign_command(keys[0], "dev-1", "ping")
    assert cloud.send(payload, corr="a")["ok"] is True
    r.stop()
    ctx2 = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(keys[1])})
    r2 = start_sync(ctx2)
    assert r2.connected()
    time.sleep(0.2)
    rep = cloud.send(payload, corr="b")
    assert rep["error"]["code"] == "replayed"


def test_without_a_key_every_command_is_rejected(mosquitto, sync_ctx, start_sync, cloud):
    ctx = sync_ctx(mosquitto.port)
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)
    k, _ = generate_keypair()
    rep = cloud.send(sign_command(k, "dev-1", "ping"))
    assert rep["ok"] is False and rep["error"]["code"] == "no_key"


def test_mqtt311_replies_on_the_reply_topic(mosquitto, sync_ctx, start_sync, keys):
    ctx = sync_ctx(mosquitto.port, mqtt_extra={"protocol": "3.1.1"}, commands_extra={"verify_key": str(keys[1])})
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)
    cloud = Requester(mosquitto.port, protocol=mqtt.MQTTv311)
    try:
        rep = cloud.send(sign_command(keys[0], "dev-1", "ping", cmd_id="old-proto"), corr="old-proto")
        assert rep["ok"] is True and rep["id"] == "old-proto"
        assert cloud.raw[-1][0] == "edge/v1/dev-1/cmd/reply"
    finally:
        cloud.close()


def test_response_topic_outside_the_allowed_prefix_is_not_used(device, cloud, keys, mosquitto):
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = "stores/other/cmd"
    props.CorrelationData = b"z"
    cloud.c.publish("edge/v1/dev-1/cmd", sign_command(keys[0], "dev-1", "ping"), qos=1, properties=props)
    with cloud.cond:
        assert cloud.cond.wait_for(lambda: "z" in cloud.replies, 10)
    assert cloud.raw[-1][0] == "edge/v1/dev-1/cmd/reply"


def test_a_command_sent_while_the_device_is_offline_runs_when_it_returns(mosquitto, sync_ctx, start_sync, keys, cloud):
    ctx = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(keys[1])})
    r = start_sync(ctx)
    assert r.connected()
    time.sleep(0.2)
    r.stop()  # the persistent session (clean start off, session expiry) keeps the subscription at the broker
    calls = []
    ctx2 = sync_ctx(mosquitto.port, commands_extra={"verify_key": str(keys[1])})
    ctx2.commands.register("set_config", lambda args: calls.append(args) or {"ok": 1})
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = "edge/cloud/replies/late"
    props.CorrelationData = b"late"
    cloud.c.publish("edge/v1/dev-1/cmd", sign_command(keys[0], "dev-1", "set_config", {"z": 1}), qos=1, properties=props)
    time.sleep(0.3)
    start_sync(ctx2)
    with cloud.cond:
        assert cloud.cond.wait_for(lambda: "late" in cloud.replies, 10)
    assert cloud.replies["late"]["ok"] is True and calls == [{"z": 1}]


def test_time_window_follows_the_injected_clock(tmp_path):
    from agent.clock import ManualClock
    from agent.sync.commands import CommandVerifier, NonceStore, Rejected

    clock = ManualClock()
    k, pub = generate_keypair()
    v = CommandVerifier("dev-1", pub, clock, NonceStore(tmp_path / "n.sqlite", 600, now=clock.time() - 1000), window_s=300)
    now = clock.time()
    assert v.check(sign_command(k, "dev-1", "ping", ts=now - 299)).name == "ping"
    with pytest.raises(Rejected) as e:
        v.check(sign_command(k, "dev-1", "ping", ts=now - 301))
    assert e.value.code == "expired"
    payload = sign_command(k, "dev-1", "ping", ts=now)
    v.check(payload)
    clock.advance(100)
    with pytest.raises(Rejected) as e:
        v.check(payload)
    assert e.value.code == "replayed"
    clock.advance(10_000)  # long after: the nonce was pruned, but the window now refuses it
    with pytest.raises(Rejected) as e:
        v.check(payload)
    assert e.value.code == "expired"


def test_a_lost_nonce_store_cannot_reopen_replays(tmp_path):
    from agent.clock import ManualClock
    from agent.sync.commands import CommandVerifier, NonceStore, Rejected

    clock = ManualClock()
    k, pub = generate_keypair()
    path = tmp_path / "n.sqlite"
    store = NonceStore(path, 600, now=clock.time() - 1000)
    old = sign_command(k, "dev-1", "ping", ts=clock.time())
    assert CommandVerifier("dev-1", pub, clock, store, window_s=300).check(old).name == "ping"
    store.close()
    # The SD card mangled the file: it is moved aside, and the forgotten nonce must not let `old` run again.
    path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        (tmp_path / ("n.sqlite" + suffix)).unlink(missing_ok=True)
    clock.advance(5)
    store2 = NonceStore(path, 600, now=clock.time())
    assert list(tmp_path.glob("n.sqlite.corrupt-*"))
    v2 = CommandVerifier("dev-1", pub, clock, store2, window_s=300)
    with pytest.raises(Rejected) as e:
        v2.check(old)
    assert e.value.code == "expired" and "replay protection started" in str(e.value)
    clock.advance(1)
    assert v2.check(sign_command(k, "dev-1", "ping", ts=clock.time())).name == "ping"
    store2.close()
