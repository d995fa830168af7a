"""Fixtures for the sync tests: a real mosquitto, a recording subscriber, a context factory."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

_spec = importlib.util.spec_from_file_location("sync_mosquitto_broker", Path(__file__).with_name("mosquitto_broker.py"))
broker_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(broker_mod)
Mosquitto = broker_mod.Mosquitto


@pytest.fixture
def mosquitto(tmp_path):
    b = Mosquitto(tmp_path).start()
    yield b
    b.stop()


@pytest.fixture
def broker_factory(tmp_path):
    made = []

    def make(**kw):
        b = Mosquitto(tmp_path, **kw)
        made.append(b)
        return b

    yield make
    for b in made:
        b.stop()


class Collector:
    """A cloud-side subscriber with a persistent session that records every message (it reconnects by itself)."""

    def __init__(self, port: int, topic: str = "edge/v1/#", host: str = "127.0.0.1", protocol: int = mqtt.MQTTv5,
                 auth: tuple[str, str] | None = None, **tls) -> None:
        self.messages: list[tuple[str, bytes, bool, object]] = []
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.topic = topic
        kw = {"clean_session": False} if protocol == mqtt.MQTTv311 else {}
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"collector-{uuid.uuid4().hex[:8]}", protocol=protocol, **kw)
        if tls:
            self.c.tls_set(**tls)
        if auth:
            self.c.username_pw_set(*auth)
        self.subscribed = threading.Event()
        self.c.on_connect = lambda c, u, f, rc, p: c.subscribe(topic, qos=1)
        self.c.on_subscribe = lambda *a: self.subscribed.set()
        self.c.on_message = self._on_message
        self.c.reconnect_delay_set(0.1, 0.5)
        if protocol == mqtt.MQTTv5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = 3600
            self.c.connect(host, port, 5, clean_start=False, properties=props)
        else:
            self.c.connect(host, port, 5)
        self.c.loop_start()

    def _on_message(self, c, u, msg) -> None:
        with self.cond:
            self.messages.append((msg.topic, msg.payload, msg.retain, getattr(msg, "properties", None)))
            self.cond.notify_all()

    def payloads(self, suffix: str | None = None) -> list[dict]:
        with self.lock:
            msgs = list(self.messages)
        out = []
        for topic, payload, _, _ in msgs:
            if suffix is None or topic.endswith(suffix):
                try:
                    out.append(json.loads(payload))
                except ValueError:
                    pass
        return out

    def seqs(self) -> set[int]:
        return {p["seq"] for p in self.payloads() if isinstance(p, dict) and "seq" in p and "msg_id" in p}

    def wait_for(self, pred, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self):
                return True
            time.sleep(0.05)
        return pred(self)

    def close(self) -> None:
        self.c.loop_stop()
        self.c.disconnect()


@pytest.fixture
def collector_factory():
    made = []

    def make(port: int, **kw) -> Collector:
        c = Collector(port, **kw)
        made.append(c)
        assert c.subscribed.wait(10), "collector could not subscribe"
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def sync_ctx(tmp_path):
    """Build an AgentContext whose config points the sync at a broker and a temp data dir."""
    from agent.component import AgentContext
    from agent.config import build_config

    def make(port: int | None = None, device_id: str = "dev-1", mqtt_extra: dict | None = None, outbox_extra: dict | None = None,
             commands_extra: dict | None = None, clock=None):
        raw = {"device": {"id": device_id, "data_dir": str(tmp_path / "data")},
               "mqtt": {"host": "127.0.0.1", "port": port or 1, "keepalive_s": 2, "connect_timeout_s": 2.0, "ack_timeout_s": 3.0,
                        "backoff_initial_s": 0.1, "backoff_max_s": 0.5, "backoff_stable_s": 2.0, **(mqtt_extra or {})},
               "outbox": {**(outbox_extra or {})},
               "commands": {**(commands_extra or {})}}
        ctx = AgentContext(config=build_config(raw))
        if clock is not None:
            ctx.clock = clock
        return ctx

    return make


class Running:
    """A SyncComponent running in a thread, as the supervisor would run it."""

    def __init__(self, ctx) -> None:
        from agent.sync.component import SyncComponent

        self.ctx = ctx
        self.comp = SyncComponent(ctx)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.comp.run, args=(self.stop_event,), daemon=True)
        self.thread.start()

    def connected(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.comp.client.health()["connected"]:
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self.thread.is_alive():
            self.stop_event.set()
            self.thread.join(15)
        self.comp.close()


@pytest.fixture
def start_sync():
    made = []

    def start(ctx) -> Running:
        r = Running(ctx)
        made.append(r)
        return r

    yield start
    for r in made:
        r.stop()
