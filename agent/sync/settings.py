"""Config sections of the sync package: ``[mqtt]``, ``[outbox]`` and ``[commands]``.

Defaults are the demo's: the local broker on 127.0.0.1:1883 without TLS, an
outbox in the device's data directory that is durable against power loss, and
commands rejected until a verification key is provisioned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agent.config import section


@section("mqtt")
@dataclass
class MqttSettings:
    enabled: bool = field(default=True, metadata={"help": "Run the MQTT client; false keeps everything in the outbox."})
    host: str = field(default="127.0.0.1", metadata={"help": "Broker host name or address (a cluster's load balancer works too)."})
    port: int = field(default=1883, metadata={"help": "Broker port; 8883 is the usual TLS port."})
    protocol: Literal["5", "3.1.1"] = field(default="5", metadata={"help": "MQTT protocol version: '5' (default) or '3.1.1'."})
    topic_prefix: str = field(default="edge/v1", metadata={"help": "Topics are <topic_prefix>/<device id>/<channel>; see docs/mqtt.md."})
    username: str = field(default="", metadata={"help": "Broker user name (empty: none)."})
    password: str = field(default="", metadata={"help": "Broker password; prefer password_file. Never logged."})
    password_file: Path | None = field(default=None, metadata={"help": "File holding the broker password (first line); overrides password."})
    tls: bool = field(default=False, metadata={"help": "Use TLS; the server certificate is always verified."})
    ca_file: Path | None = field(default=None, metadata={"help": "CA bundle that signed the broker certificate (default: the system CAs)."})
    cert_file: Path | None = field(default=None, metadata={"help": "Client certificate for mutual TLS."})
    key_file: Path | None = field(default=None, metadata={"help": "Client private key for mutual TLS."})
    keepalive_s: int = field(default=30, metadata={"help": "MQTT keepalive; a silent broker is noticed after about 1.5 times this."})
    connect_timeout_s: float = field(default=10.0, metadata={"help": "Give up on a connection attempt (TCP, TLS and CONNACK) after this long."})
    ack_timeout_s: float = field(default=20.0, metadata={"help": "Drop and reconnect when the oldest unacknowledged publish waits longer than this."})
    session_expiry_s: int = field(default=7 * 24 * 3600, metadata={"help": "How long the broker keeps our session (subscriptions, queued commands) while offline."})
    backoff_initial_s: float = field(default=1.0, metadata={"help": "First reconnect delay."})
    backoff_max_s: float = field(default=120.0, metadata={"help": "Longest reconnect delay."})
    backoff_stable_s: float = field(default=60.0, metadata={"help": "A connection must stay up this long before the reconnect delay resets."})
    inflight: int = field(default=100, metadata={"help": "Most unacknowledged publishes at once (capped by the broker's receive maximum)."})
    state_interval_s: float = field(default=300.0, metadata={"help": "Republish the retained device state at least this often."})
    ha_discovery: bool = field(default=False, metadata={"help": "Publish Home Assistant MQTT discovery for health and stock entities."})
    ha_prefix: str = field(default="homeassistant", metadata={"help": "Home Assistant discovery prefix."})

    def validate(self) -> None:
        if not 0 < self.port < 65536:
            raise ValueError(f"mqtt.port {self.port} must be between 1 and 65535")
        if self.keepalive_s < 2:
            raise ValueError(f"mqtt.keepalive_s {self.keepalive_s} must be at least 2")
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("mqtt.cert_file and mqtt.key_file must be set together for mutual TLS")
        if (self.cert_file or self.ca_file) and not self.tls:
            raise ValueError("mqtt.ca_file/cert_file are set but mqtt.tls is false; set tls = true")
        if self.backoff_initial_s <= 0 or self.backoff_max_s < self.backoff_initial_s:
            raise ValueError("mqtt.backoff_initial_s must be > 0 and not above mqtt.backoff_max_s")
        if self.inflight < 1:
            raise ValueError("mqtt.inflight must be at least 1")
        if not self.topic_prefix or any(c in self.topic_prefix for c in "+#\x00") or self.topic_prefix.endswith("/"):
            raise ValueError(f"mqtt.topic_prefix {self.topic_prefix!r} must be non-empty, without '+', '#' or a trailing '/'")


@section("outbox")
@dataclass
class OutboxSettings:
    path: Path | None = field(default=None, metadata={"help": "SQLite file of the outbox (default: <data_dir>/outbox.sqlite)."})
    synchronous: Literal["FULL", "NORMAL"] = field(default="FULL", metadata={"help": "FULL survives power loss (recommended); NORMAL may lose the last commits on power loss."})
    batch_ms: int = field(default=50, metadata={"help": "Group enqueues for up to this long into one commit (fewer SD card writes)."})
    batch_max: int = field(default=500, metadata={"help": "Commit at once when this many enqueues are waiting."})
    max_messages: int = field(default=200_000, metadata={"help": "Bound on queued messages; telemetry is shed first, alerts are never evicted."})
    max_bytes: int = field(default=200 * 1024 * 1024, metadata={"help": "Bound on queued payload bytes (same eviction order)."})
    max_tries: int = field(default=5, metadata={"help": "A message the broker refuses this many times is moved aside (dead letters) and reported."})
    max_payload_bytes: int = field(default=256 * 1024, metadata={"help": "Larger messages are refused at enqueue with an error."})

    def validate(self) -> None:
        if self.batch_ms < 0 or self.batch_max < 1:
            raise ValueError("outbox.batch_ms must be >= 0 and outbox.batch_max >= 1")
        if self.max_messages < 100:
            raise ValueError("outbox.max_messages must be at least 100")
        if self.max_tries < 1:
            raise ValueError("outbox.max_tries must be at least 1")


@section("commands")
@dataclass
class CommandSettings:
    verify_key: Path | None = field(default=None, metadata={"help": "ed25519 public key (PEM or base64) that signs cloud commands; without it every command is rejected."})
    window_s: float = field(default=300.0, metadata={"help": "A command's timestamp must be within this many seconds of the device clock."})
    max_bytes: int = field(default=512 * 1024, metadata={"help": "Larger command payloads are rejected unread."})
    reply_prefix: str = field(default="edge/", metadata={"help": "An MQTT 5 response topic must start with this, else the reply goes to <prefix>/<id>/cmd/reply."})

    def validate(self) -> None:
        if self.window_s <= 0:
            raise ValueError("commands.window_s must be positive")
        if self.max_bytes < 1024:
            raise ValueError("commands.max_bytes must be at least 1024")
