"""Topic layout and which event kind goes where, at which priority.

One table here keeps the docs (docs/mqtt.md), the outbox's shedding order and
the cloud's subscriptions in agreement. Topics are
``<prefix>/<device_id>/<channel>``; payloads are versioned JSON (``"v": 1``).
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.events import EventKind
from agent.sync.outbox import ALERT, EVENT, QA, TELEMETRY

SCHEMA_VERSION = 1

# kind -> (channel, priority). Unknown kinds go to "events" at EVENT priority.
ROUTES: dict[str, tuple[str, int]] = {
    EventKind.TELEMETRY: ("telemetry", TELEMETRY),
    EventKind.STOCK: ("telemetry", TELEMETRY),
    EventKind.MOTION: ("telemetry", TELEMETRY),
    EventKind.DOOR: ("telemetry", TELEMETRY),
    EventKind.HEALTH: ("health", TELEMETRY),
    EventKind.COMPONENT: ("health", TELEMETRY),
    EventKind.QA: ("qa", QA),
    EventKind.SALE: ("events", EVENT),
    EventKind.REFILL: ("events", EVENT),
    EventKind.VEND: ("events", EVENT),
    EventKind.AUDIT: ("events", EVENT),
    EventKind.ALERT_RESOLVED: ("events", EVENT),
    EventKind.SENSOR_RECOVERED: ("events", EVENT),
    EventKind.RESTOCK_ALERT: ("events", ALERT),
    EventKind.SENSOR_FAULT: ("events", ALERT),
    EventKind.FIRMWARE: ("events", ALERT),
}

OUTBOX_CHANNELS = ("telemetry", "events", "qa", "health")


@dataclass(frozen=True)
class Topics:
    prefix: str
    device_id: str

    def channel(self, name: str) -> str:
        return f"{self.prefix}/{self.device_id}/{name}"

    @property
    def status(self) -> str:
        return self.channel("status")

    @property
    def state(self) -> str:
        return self.channel("state")

    @property
    def cmd(self) -> str:
        return self.channel("cmd")

    @property
    def cmd_reply(self) -> str:
        return self.channel("cmd/reply")

    def route(self, kind: str) -> tuple[str, int]:
        channel, prio = ROUTES.get(kind, ("events", EVENT))
        return self.channel(channel), prio
