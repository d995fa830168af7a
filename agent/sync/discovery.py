"""Home Assistant MQTT discovery, so a shop owner's HA shows health and stock.

Everything HA needs is already in the retained ``state`` and ``status``
topics; discovery only tells HA how to read them, so it costs no extra traffic
after the (retained) config messages.
"""

from __future__ import annotations

import json
from typing import Any

from agent.sync.topics import Topics


def _slug(s: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in s).strip("_").lower() or "x"


def discovery_messages(prefix: str, topics: Topics, device_id: str, state: dict[str, Any]) -> list[tuple[str, bytes, bool]]:
    dev = {"identifiers": [f"edge_agent_{_slug(device_id)}"], "name": f"edge-agent {device_id}", "manufacturer": "edge-agent"}
    avail = {"availability_topic": topics.status, "availability_template": "{{ value_json.status }}",
             "payload_available": "online", "payload_not_available": "offline"}
    out: list[tuple[str, bytes, bool]] = []

    def sensor(key: str, name: str, template: str, **extra: Any) -> None:
        uid = f"{_slug(device_id)}_{_slug(key)}"
        cfg = {"name": name, "unique_id": uid, "object_id": uid, "state_topic": topics.state, "value_template": template,
               "device": dev, **avail, **extra}
        out.append((f"{prefix}/sensor/{uid}/config", json.dumps(cfg, separators=(",", ":")).encode(), True))

    sensor("outbox_depth", "Outbox depth", "{{ value_json.outbox.depth }}", unit_of_measurement="msgs", state_class="measurement")
    sensor("dead_letters", "Outbox dead letters", "{{ value_json.outbox.dead }}", state_class="measurement")
    health = state.get("health") if isinstance(state.get("health"), dict) else {}
    for name in sorted((health.get("temperatures_c") or {}) if isinstance(health.get("temperatures_c"), dict) else {}):
        sensor(f"temp_{name}", f"Temperature {name}", f"{{{{ value_json.health.temperatures_c[{json.dumps(str(name))}] }}}}",
               unit_of_measurement="°C", device_class="temperature", state_class="measurement")
    stock = state.get("stock")
    if isinstance(stock, dict):
        for slot, v in sorted(stock.items()):
            field_ = ".units" if isinstance(v, dict) and "units" in v else ""
            sensor(f"stock_{slot}", f"Stock {slot}", f"{{{{ value_json.stock[{json.dumps(str(slot))}]{field_} }}}}",
                   unit_of_measurement="units", state_class="measurement")
    return out
