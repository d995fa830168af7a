"""Restock alerts: one per threshold crossing, no flapping, resolved by a refill or an ack.

A slot has a level (ok < low < critical). Going down a level raises one alert;
going back up needs ``hysteresis_units`` above the threshold, so a slot hovering
at the threshold does not flap. The same level is not alerted twice within
``cooldown_s``: a crossing inside the cooldown is held and raised when the
cooldown ends if the slot is still that low (held, never dropped). An ack
closes the open alert; the slot stays quiet until it re-arms or gets worse.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.sensors.settings import SlotSpec

LEVELS = ("ok", "low", "critical")


def severity(level: str) -> int:
    return LEVELS.index(level)


@dataclass
class Alert:
    id: str
    slot: str
    level: str
    ts: float
    facts: dict[str, Any]
    text: str = ""
    text_source: str = ""


@dataclass
class SlotAlertState:
    level: str = "ok"
    open: Alert | None = None
    last_alert_t: dict[str, float] = field(default_factory=dict)
    pending: str | None = None      # a level crossing held by the cooldown


@dataclass(frozen=True)
class AlertAction:
    kind: str          # "raise" | "resolve"
    alert: Alert
    reason: str = ""   # resolve: "refill", "ack", "escalated", "demand_dropped"


def target_level(spec: SlotSpec, units: int, hours_to_empty: float | None, current: str) -> str:
    """The level for ``units`` given the current one (hysteresis applies only on the way up)."""
    low_by_time = spec.low_hours > 0 and hours_to_empty is not None and hours_to_empty <= spec.low_hours
    if units <= spec.critical_units:
        return "critical"
    want = "low" if units <= spec.low_units or low_by_time else "ok"
    if severity(want) >= severity(current):
        return want
    # Going up: each level is left only with a margin above its threshold.
    if current == "critical" and units < spec.critical_units + spec.hysteresis_units:
        return "critical"
    if want == "ok" and units < spec.low_units + spec.hysteresis_units:
        return "low"
    if want == "ok" and spec.low_hours > 0 and hours_to_empty is not None and hours_to_empty <= spec.low_hours * 1.25:
        return "low"
    return want


class AlertManager:
    def __init__(self, slots: list[SlotSpec], cooldown_s: float) -> None:
        self.specs = {s.slot: s for s in slots}
        self.cooldown_s = cooldown_s
        self.state: dict[str, SlotAlertState] = {s.slot: SlotAlertState() for s in slots}

    def evaluate(self, slot: str, facts: dict[str, Any], now: float) -> list[AlertAction]:
        """Update ``slot``'s level from ``facts`` (units, hours_to_empty...)."""
        spec, st = self.specs[slot], self.state[slot]
        units = facts["units"]
        if units is None:
            return []
        new = target_level(spec, units, facts.get("hours_to_empty"), st.level)
        actions: list[AlertAction] = []
        if severity(new) > severity(st.level):
            st.level = new
            st.pending = new
        elif severity(new) < severity(st.level):
            st.level = new
            if st.pending and severity(st.pending) > severity(new):
                st.pending = None
            if st.open is not None and severity(st.open.level) > severity(new):
                # Only a time-to-empty alert can clear without more units: demand fell away.
                reason = "refill" if units > (st.open.facts.get("units") or 0) else "demand_dropped"
                actions.append(AlertAction("resolve", st.open, reason))
                st.open = None
        if st.pending is not None:
            last = st.last_alert_t.get(st.pending)
            if last is None or now - last >= self.cooldown_s:
                if st.open is not None:
                    actions.append(AlertAction("resolve", st.open, "escalated"))
                alert = Alert(id=uuid.uuid4().hex[:12], slot=slot, level=st.pending, ts=now, facts=dict(facts, level=st.pending))
                st.open, st.pending = alert, None
                st.last_alert_t[alert.level] = now
                actions.append(AlertAction("raise", alert))
        return actions

    def export_levels(self) -> dict[str, dict[str, Any]]:
        return {slot: {"level": st.level, "last_alert_t": dict(st.last_alert_t), "pending": st.pending}
                for slot, st in self.state.items()}

    def restore(self, open_alerts: list[dict[str, Any]], levels: dict[str, dict[str, Any]]) -> int:
        """Resume after a restart: same levels, same open alerts (bad entries are skipped, not fatal)."""
        n = 0
        for slot, v in levels.items():
            st = self.state.get(slot)
            if st is None or not isinstance(v, dict) or v.get("level") not in LEVELS:
                continue
            st.level = v["level"]
            st.pending = v.get("pending") if v.get("pending") in LEVELS else None
            st.last_alert_t = {k: float(t) for k, t in (v.get("last_alert_t") or {}).items() if k in LEVELS and isinstance(t, int | float)}
        for a in open_alerts:
            st = self.state.get(a.get("slot", ""))
            if st is None or a.get("level") not in LEVELS or not str(a.get("id", "")).isalnum():
                continue
            st.open = Alert(id=str(a["id"]), slot=a["slot"], level=a["level"], ts=float(a.get("ts", 0.0)), facts=dict(a.get("facts") or {}),
                            text=str(a.get("text", "")), text_source=str(a.get("text_source", "")))
            n += 1
        return n

    def ack(self, alert_id: str) -> Alert | None:
        for st in self.state.values():
            if st.open is not None and st.open.id == alert_id:
                alert, st.open = st.open, None
                return alert
        return None

    def open_alerts(self) -> list[Alert]:
        return [st.open for st in self.state.values() if st.open is not None]


class AlertStore:
    """Open alerts on disk, and an inbox of acks from the CLI.

    The daemon owns ``alerts.json`` (rewritten atomically); the CLI never edits
    it, it drops a file in ``acks/`` that the running component applies, so the
    two never race on one file.
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.file = directory / "alerts.json"
        self.inbox = directory / "acks"

    def save(self, alerts: list[Alert], levels: dict[str, dict[str, Any]] | None = None) -> None:
        """Open alerts, plus each slot's level and last alert times so a restart does not alert twice."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        doc = {"open": [{"id": a.id, "slot": a.slot, "level": a.level, "ts": a.ts, "text": a.text,
                         "text_source": a.text_source, "facts": a.facts} for a in alerts],
               "slots": levels or {}}
        tmp.write_text(json.dumps(doc, indent=1, default=str))
        os.replace(tmp, self.file)

    def _doc(self) -> dict[str, Any]:
        try:
            data = json.loads(self.file.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise ValueError(f"{self.file} is unreadable ({e}); it is rewritten by the running agent on the next alert change") from None
        return data if isinstance(data, dict) else {}

    def load(self) -> list[dict[str, Any]]:
        """The open alerts."""
        return [a for a in self._doc().get("open", []) if isinstance(a, dict)]

    def load_levels(self) -> dict[str, dict[str, Any]]:
        slots = self._doc().get("slots", {})
        return slots if isinstance(slots, dict) else {}

    def request_ack(self, alert_id: str, by: str = "cli") -> Path:
        if not alert_id or not all(c.isalnum() for c in alert_id):
            raise ValueError(f"alert id {alert_id!r} is not valid: ids are the letters and digits shown by `edge-agent alerts list`")
        known = {a.get("id") for a in self.load()}
        if alert_id not in known:
            raise ValueError(f"no open alert {alert_id!r} in {self.file}; run `edge-agent alerts list --data-dir {self.dir.parent}` to see open alerts")
        self.inbox.mkdir(parents=True, exist_ok=True)
        p = self.inbox / alert_id
        p.write_text(json.dumps({"id": alert_id, "by": by}))
        return p

    def take_acks(self) -> list[tuple[str, str]]:
        out = []
        try:
            entries = sorted(self.inbox.iterdir())
        except FileNotFoundError:
            return []
        for p in entries:
            try:
                by = str(json.loads(p.read_text()).get("by", "cli"))
            except (OSError, ValueError):
                by = "cli"
            out.append((p.name, by))
            p.unlink(missing_ok=True)
        return out
