"""The one event type that flows between components and out over MQTT.

Sensors, stock, alerts, the kiosk and the firmware bridge all emit ``Event``;
the sync layer serialises it. Keeping one shape means the cloud sees the same
fields whatever produced it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any


class EventKind:
    """Names of event kinds; the MQTT schema in docs/mqtt.md lists their payloads."""

    SALE = "sale"
    REFILL = "refill"
    STOCK = "stock"
    SENSOR_FAULT = "sensor_fault"
    SENSOR_RECOVERED = "sensor_recovered"
    RESTOCK_ALERT = "restock_alert"
    ALERT_RESOLVED = "alert_resolved"
    MOTION = "motion"
    DOOR = "door"
    TELEMETRY = "telemetry"
    QA = "qa"
    HEALTH = "health"
    COMPONENT = "component"
    FIRMWARE = "firmware"
    VEND = "vend"
    AUDIT = "audit"


@dataclass(frozen=True)
class Event:
    kind: str
    ts: float
    source: str
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "ts": self.ts, "source": self.source, "data": self.data}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True, default=str)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(kind=str(d["kind"]), ts=float(d["ts"]), source=str(d["source"]),
                   data=dict(d.get("data") or {}), id=str(d.get("id") or uuid.uuid4().hex))
