"""The MQTT side: one connection at a time, driven from a single thread.

Why a fresh paho client per connection and our own loop: paho keeps its own
in-memory copy of unacknowledged publishes and replays it on reconnect. The
outbox already is that copy, on disk, so the sender re-reads it after every
reconnect and paho never holds more than the in-flight window. Doing the
network loop, the publishing and the acknowledgement handling in one thread
also means no locking around paho.

The broker keeps our persistent session (client id = device id, clean start
off, a session expiry), so commands sent while the device was offline are
delivered when it returns.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import ssl
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from agent.clock import Clock
from agent.logs import fields, register_secret
from agent.sync.backoff import Backoff
from agent.sync.outbox import Outbox, Row
from agent.sync.settings import MqttSettings
from agent.sync.topics import Topics

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 5.0
# An idle connection wakes this often for timers; new messages and replies wake it at once (see wake()).
IDLE_TICK_S = 0.5
# Retained state follows stock changes, but at most this often.
STATE_MIN_INTERVAL_S = 5.0
# A drop this soon after a publish may have been caused by it (a broker that disconnects instead of refusing).
QUICK_DROP_S = 1.0
# After a quick drop, send one message at a time for this many acks so a poison message can be pinned down exactly.
CAREFUL_ACKS = 50
OFFLINE_REMINDER_S = 600.0

CommandSink = Callable[[bytes, str | None, bytes | None], None]


class _Lost(Exception):
    """This connection is over; reconnect with backoff."""


def read_password(settings: MqttSettings) -> str:
    if settings.password_file is not None:
        try:
            pw = Path(settings.password_file).read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError) as e:
            raise ValueError(f"mqtt.password_file {settings.password_file}: cannot read a password ({e})") from None
    else:
        pw = settings.password
    register_secret(pw)
    return pw


class SyncClient:
    def __init__(self, settings: MqttSettings, device_id: str, outbox: Outbox, clock: Clock, *,
                 topics: Topics | None = None, on_command: CommandSink | None = None,
                 state: Callable[[], dict[str, Any]] | None = None, reply_prefix: str = "edge/",
                 max_tries: int = 5, rng: random.Random | None = None, version: str = "") -> None:
        self.settings = settings
        self.device_id = device_id
        self.outbox = outbox
        self.clock = clock
        self.topics = topics or Topics(settings.topic_prefix, device_id)
        self.on_command = on_command
        self.state = state
        self.reply_prefix = reply_prefix
        self.max_tries = max_tries
        self.version = version
        self.v5 = settings.protocol == "5"
        self.backoff = Backoff(clock, settings.backoff_initial_s, settings.backoff_max_s, settings.backoff_stable_s, rng)
        self.password = read_password(settings) if (settings.password or settings.password_file) else ""
        self._replies: deque[tuple[str, bytes, Properties | None]] = deque()
        self._extra: deque[tuple[str, bytes, bool]] = deque()  # (topic, payload, retain) sent once connected
        self._state_due = True
        self._state_dirty = False
        self._connected = False
        self._connack: Any = None
        self._receive_max = 65535
        self._max_packet: int | None = None
        self._inflight: dict[int, tuple[Row, float]] = {}
        self._retry: deque[tuple[float, Row]] = deque()
        self._tries: dict[int, int] = {}
        self._cursor = -1  # last seq handed to paho
        self._more = False
        self._careful = 0
        self._refused_at: float | None = None
        self._live: mqtt.Client | None = None
        self.sent = 0
        self.acked = 0
        self.refused = 0
        self.connects = 0
        self.last_error: str | None = None
        self._offline_since: float | None = None
        self._offline_logged: float | None = None
        self._backlog: tuple[float, int, int] | None = None  # (start, depth at start, acked at start)
        self._last_progress = 0.0
        self._last_state = 0.0
        # Called on every connect; returns extra (topic, payload, retain) to send, e.g. Home Assistant discovery.
        self.on_connected: Callable[[], list[tuple[str, bytes, bool]]] | None = None

    # ---- called from other threads --------------------------------------
    def reply(self, message: dict[str, Any], response_topic: str | None, correlation: bytes | None) -> None:
        """Queue a command reply; sent from the network thread (MQTT 5 response topic, else cmd/reply)."""
        topic = self.topics.cmd_reply
        if response_topic and response_topic.startswith(self.reply_prefix) and not any(c in response_topic for c in "+#\x00"):
            topic = response_topic
        props = None
        if self.v5:
            props = Properties(PacketTypes.PUBLISH)
            if correlation is not None:
                props.CorrelationData = correlation
            props.ContentType = "application/json"
        self._replies.append((topic, json.dumps(message, separators=(",", ":"), default=str).encode(), props))
        self.wake()

    def wake(self) -> None:
        """Break the network thread out of its wait (new outbox rows, a reply to send); safe from any thread.

        Uses paho's own wake-up socket pair, the one its threaded mode uses for the same purpose.
        """
        c = self._live
        w = getattr(c, "_sockpairW", None) if c is not None else None
        if w is not None:
            with contextlib.suppress(OSError):
                w.send(b"\0")

    def publish_direct(self, topic: str, payload: bytes, retain: bool = False) -> None:
        """Send outside the outbox (retained discovery configs and the like); dropped if never connected."""
        self._extra.append((topic, payload, retain))

    def request_state(self) -> None:
        """Republish the retained state now (after a command changed something)."""
        self._state_due = True
        self.wake()

    def state_changed(self) -> None:
        """Stock or alerts changed: republish the retained state soon (rate-limited)."""
        self._state_dirty = True

    def health(self) -> dict[str, Any]:
        return {"connected": self._connected, "broker": f"{self.settings.host}:{self.settings.port}", "sent": self.sent,
                "acked": self.acked, "refused": self.refused, "inflight": len(self._inflight), "connects": self.connects,
                "last_error": self.last_error}

    # ---- the network thread ----------------------------------------------
    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self._session(stop)
            if stop.is_set():
                break
            self._wait(self.backoff.next_delay(), stop)

    def _wait(self, seconds: float, stop: threading.Event) -> None:
        deadline = self.clock.monotonic() + seconds
        while not stop.is_set() and self.clock.monotonic() < deadline:
            stop.wait(min(0.05, max(deadline - self.clock.monotonic(), 0.001)))

    def _make_client(self) -> mqtt.Client:
        s = self.settings
        if self.v5:
            c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.device_id, protocol=mqtt.MQTTv5)
        else:
            c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.device_id, protocol=mqtt.MQTTv311, clean_session=False)
        if s.username:
            c.username_pw_set(s.username, self.password or None)
        if s.tls:
            c.tls_set(ca_certs=str(s.ca_file) if s.ca_file else None, certfile=str(s.cert_file) if s.cert_file else None,
                      keyfile=str(s.key_file) if s.key_file else None, cert_reqs=ssl.CERT_REQUIRED, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        c.will_set(self.topics.status, self._status_payload("offline", will=True), qos=1, retain=True)
        c.max_inflight_messages_set(max(self.settings.inflight, 1))
        c.max_queued_messages_set(0)
        c.on_connect = self._on_connect
        c.on_publish = self._on_publish
        c.on_message = self._on_message
        c.on_disconnect = self._on_disconnect
        return c

    def _status_payload(self, status: str, will: bool = False) -> bytes:
        d: dict[str, Any] = {"v": 1, "device_id": self.device_id, "status": status, "ts": self.clock.time()}
        if will:
            d["reason"] = "connection lost"
        if self.version:
            d["version"] = self.version
        return json.dumps(d, separators=(",", ":")).encode()

    def _session(self, stop: threading.Event) -> None:
        s = self.settings
        self._connack = None
        t0 = self.clock.monotonic()
        try:
            c = self._make_client()
            if self.v5:
                props = Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = s.session_expiry_s
                c.connect(s.host, s.port, s.keepalive_s, clean_start=False, properties=props)
            else:
                c.connect(s.host, s.port, s.keepalive_s)
        except (OSError, ssl.SSLError, ValueError) as e:
            self._failed(f"{type(e).__name__}: {e}")
            return
        up = graceful = False
        try:
            while self._connack is None and not stop.is_set():
                rc = c.loop(timeout=0.05)
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    raise _Lost(f"connection closed before CONNACK ({mqtt.error_string(rc)})")
                if self.clock.monotonic() - t0 > s.connect_timeout_s:
                    raise _Lost(f"no CONNACK within {s.connect_timeout_s:.0f}s (broker paused or overloaded?)")
            if stop.is_set():
                return
            rc_connack = self._connack
            if getattr(rc_connack, "is_failure", False):
                raise _Lost(f"broker refused the connection: {rc_connack} (check mqtt.username/password, TLS certificates and the broker ACL)")
            up = True
            self._live = c
            self._up(c)
            while not stop.is_set():
                self._send_queued(c)
                self._fill(c)
                busy = bool(self._inflight) or self._more or bool(self._replies)
                # Acks and wake-ups arrive on sockets, so even a busy wait can be long; it only paces retries.
                rc = c.loop(timeout=0.05 if busy else IDLE_TICK_S)
                if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                    raise _Lost(f"connection lost ({mqtt.error_string(rc)})")
                self._check_acks()
                self._periodic(c)
            self._goodbye(c)
            graceful = True
        except _Lost as e:
            if up:
                self._judge_drop()
            self._failed(str(e), was_up=up)
        finally:
            self._down(c, up, graceful)

    def _up(self, c: mqtt.Client) -> None:
        self.connects += 1
        self._connected = True
        self.backoff.connected()
        self._inflight.clear()
        self._retry.clear()
        self._cursor = -1  # last seq handed to paho
        c.subscribe(self.topics.cmd, qos=1)
        c.publish(self.topics.status, self._status_payload("online"), qos=1, retain=True)
        self._state_due = True
        if self.on_connected is not None:
            try:
                self._extra.extend(self.on_connected())
            except Exception:
                log.exception("on-connect hook failed")
        depth = self.outbox.stats()["depth"]
        if self._offline_since is not None:
            log.info("connected to broker", extra=fields(broker=f"{self.settings.host}:{self.settings.port}", backlog=depth,
                                                         offline_s=round(self.clock.monotonic() - self._offline_since, 1)))
        else:
            log.info("connected to broker", extra=fields(broker=f"{self.settings.host}:{self.settings.port}", backlog=depth))
        self._offline_since = None
        self._offline_logged = None
        self.last_error = None
        self._backlog = (self.clock.monotonic(), depth, self.acked) if depth else None
        self._last_progress = self.clock.monotonic()

    def _down(self, c: mqtt.Client, was_up: bool, graceful: bool) -> None:
        """Close the connection; only a graceful stop sends DISCONNECT (which makes the broker discard the will).

        After a failure the socket is just closed, so the broker publishes the retained "offline" will.
        """
        self._connected = False
        self._live = None
        if was_up:
            self.backoff.disconnected()
        if graceful:
            try:
                c.disconnect()
                c.loop(timeout=0.01)
            except Exception:
                pass
        sock = c.socket()
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        self._inflight.clear()
        self._retry.clear()

    def _goodbye(self, c: mqtt.Client) -> None:
        """Graceful stop: wait briefly for in-flight acks, then say offline (retained) ourselves."""
        deadline = self.clock.monotonic() + 2.0
        c.publish(self.topics.status, self._status_payload("offline"), qos=1, retain=True)
        while self._inflight and self.clock.monotonic() < deadline:
            if c.loop(timeout=0.02) != MQTTErrorCode.MQTT_ERR_SUCCESS:
                break
        c.loop(timeout=0.05)

    def _failed(self, error: str, was_up: bool = False) -> None:
        now = self.clock.monotonic()
        depth = self.outbox.stats()["depth"]
        first = self._offline_since is None
        if first:
            self._offline_since = now
        self.last_error = error
        if first or was_up:
            log.warning("broker unreachable; messages stay in the outbox", extra=fields(
                broker=f"{self.settings.host}:{self.settings.port}", error=error, backlog=depth))
            self._offline_logged = now
        elif self._offline_logged is None or now - self._offline_logged >= OFFLINE_REMINDER_S:
            log.info("still offline", extra=fields(error=error, backlog=depth, offline_s=round(now - self._offline_since, 0)))
            self._offline_logged = now
        else:
            log.debug("connect failed", extra=fields(error=error))

    def _judge_drop(self) -> None:
        """Was the connection dropped because of what we sent? Count a strike only when that is unambiguous."""
        if not self._inflight:
            return
        now = self.clock.monotonic()
        if now - max(t for _, t in self._inflight.values()) > QUICK_DROP_S:
            return  # a silent network, not a reaction to a message
        if self._refused_at is not None and now - self._refused_at <= QUICK_DROP_S:
            return  # the broker refused a message and then hung up: that message already has its strike
        if self._careful and len(self._inflight) == 1:
            (row, _), = self._inflight.values()
            self._strike(row, "broker closed the connection right after this message")
        elif not self._careful:
            log.warning("broker dropped the connection right after a publish; sending one at a time for a while",
                        extra=fields(inflight=len(self._inflight)))
        self._careful = CAREFUL_ACKS

    def _strike(self, row: Row, reason: str) -> None:
        tries = self._tries.get(row.seq, 0) + 1
        if tries >= self.max_tries:
            self._tries.pop(row.seq, None)
            self.outbox.move_aside(row.seq, tries, f"{reason} ({tries} times)")
        else:
            self._tries[row.seq] = tries
            self._retry.append((self.clock.monotonic() + min(2.0 ** tries, 30.0) / 4, row))
            log.warning("broker refused a message; will retry", extra=fields(topic=row.topic, seq=row.seq, tries=tries, reason=reason))

    def _fill(self, c: mqtt.Client) -> None:
        now = self.clock.monotonic()
        window = 1 if self._careful else max(1, min(self.settings.inflight, self._receive_max))
        while self._retry and self._retry[0][0] <= now and len(self._inflight) < window:
            _, row = self._retry.popleft()
            self._publish_row(c, row)
        room = window - len(self._inflight)
        if room <= 0:
            self._more = True
            return
        rows = self.outbox.peek(self._cursor, room)
        self._more = len(rows) == room
        for row in rows:
            self._cursor = row.seq
            if self._max_packet is not None and len(row.payload) + len(row.topic) + 32 > self._max_packet:
                self.outbox.move_aside(row.seq, 0, f"{len(row.payload)} bytes is over the broker's maximum packet size {self._max_packet}")
                continue
            self._publish_row(c, row)

    def _publish_row(self, c: mqtt.Client, row: Row) -> None:
        info = c.publish(row.topic, row.payload, qos=1)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise _Lost(f"publish failed ({mqtt.error_string(info.rc)})")
        self._inflight[info.mid] = (row, self.clock.monotonic())
        self.sent += 1

    def _send_queued(self, c: mqtt.Client) -> None:
        while self._replies:
            topic, payload, props = self._replies.popleft()
            c.publish(topic, payload, qos=1, properties=props)
        while self._extra:
            topic, payload, retain = self._extra.popleft()
            c.publish(topic, payload, qos=1, retain=retain)

    def _check_acks(self) -> None:
        if not self._inflight:
            return
        _, sent_at = next(iter(self._inflight.values()))
        if self.clock.monotonic() - sent_at > self.settings.ack_timeout_s:
            raise _Lost(f"no PUBACK for {self.settings.ack_timeout_s:.0f}s (network cut or broker paused)")

    def _periodic(self, c: mqtt.Client) -> None:
        now = self.clock.monotonic()
        if self._state_due or now - self._last_state >= self.settings.state_interval_s or (
                self._state_dirty and now - self._last_state >= STATE_MIN_INTERVAL_S):
            self._state_due = self._state_dirty = False
            self._last_state = now
            self._publish_state(c)
        if self._backlog is not None:
            start, depth0, acked0 = self._backlog
            done = self.acked - acked0
            if done >= depth0 or (not self._inflight and not self._more and self.outbox.stats()["depth"] == 0):
                log.info("backlog flushed", extra=fields(messages=done, seconds=round(now - start, 2)))
                self._backlog = None
            elif now - self._last_progress >= PROGRESS_EVERY_S:
                self._last_progress = now
                log.info("flushing backlog", extra=fields(delivered=done, of=depth0, remaining=self.outbox.stats()["depth"],
                                                          seconds=round(now - start, 1)))

    def _publish_state(self, c: mqtt.Client) -> None:
        state: dict[str, Any] = {}
        if self.state is not None:
            try:
                state = dict(self.state())
            except Exception as e:  # a broken provider must not stop the sync
                log.warning("device state unavailable", extra=fields(error=f"{type(e).__name__}: {e}"))
        payload = {"v": 1, "device_id": self.device_id, "ts": self.clock.time(), **state}
        c.publish(self.topics.state, json.dumps(payload, separators=(",", ":"), default=str).encode(), qos=1, retain=True)

    # ---- paho callbacks (same thread, inside loop()) ---------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        self._connack = reason_code
        self._receive_max = 65535
        self._max_packet = None
        if properties is not None:
            self._receive_max = int(getattr(properties, "ReceiveMaximum", 65535) or 65535)
            mp = getattr(properties, "MaximumPacketSize", None)
            self._max_packet = int(mp) if mp else None

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if getattr(reason_code, "is_failure", False):
            self.last_error = f"broker disconnected us: {reason_code}"

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        entry = self._inflight.pop(mid, None)
        if entry is None:
            return
        row, _ = entry
        if getattr(reason_code, "is_failure", False):
            self.refused += 1
            self._refused_at = self.clock.monotonic()
            self._strike(row, f"broker refused it: {reason_code}")
            return
        if self._careful:
            self._careful -= 1
        self._tries.pop(row.seq, None)
        self.outbox.ack(row.seq)
        self.acked += 1

    def _on_message(self, client, userdata, msg) -> None:
        if msg.topic != self.topics.cmd or self.on_command is None:
            return
        props = getattr(msg, "properties", None)
        response_topic = getattr(props, "ResponseTopic", None) if props is not None else None
        correlation = getattr(props, "CorrelationData", None) if props is not None else None
        try:
            self.on_command(msg.payload, response_topic, correlation)
        except Exception:
            log.exception("command intake failed")
