"""The sampling loop's work: sensors in, events out.

``SensorEngine.tick()`` samples every sensor once and turns what it saw into
stock changes, faults, alerts and telemetry. It holds no thread of its own, so
the daemon component, the simulator and the benchmark all drive the same code
on whatever clock they inject.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.bus import EventBus
from agent.clock import Clock
from agent.config import ConfigError
from agent.events import Event, EventKind
from agent.logs import fields
from agent.sensors.alert_text import write_alert_text
from agent.sensors.alerts import AlertAction, AlertManager, AlertStore
from agent.sensors.devices import Channel, open_channel
from agent.sensors.filters import Debouncer, SignalFilter, distance_to_units, thermistor_celsius, weight_to_units
from agent.sensors.settings import LEVEL_KINDS, AlertsSettings, SensorSpec, SensorsSettings, StockSettings
from agent.sensors.stock import Change, StockBook

log = logging.getLogger(__name__)
SOURCE = "sensors"


@dataclass
class _Tracked:
    """Per-sensor processing state."""

    channel: Channel
    filter: SignalFilter | None = None
    units: Debouncer | None = None
    digital: Debouncer | None = None
    last_value: float | None = None
    faulted: bool = False


def check_wiring(sensors: SensorsSettings, stock: StockSettings) -> None:
    """Every sensor's slot exists and no pin is used twice (clear errors before touching GPIO)."""
    slots = {s.slot for s in stock.slots}
    pins: dict[int, str] = {}
    for d in sensors.devices:
        if d.slot and d.slot not in slots:
            raise ConfigError(None, f"sensors.devices.{d.id}.slot", f"slot {d.slot!r} is not in [[stock.slots]].",
                              f"add a [[stock.slots]] table with slot = \"{d.slot}\", or fix the sensor's slot.")
        used = [p for p in (d.pin, d.trigger) if p >= 0]
        if d.kind in ("loadcell", "thermistor"):
            used = []
        for p in used:
            if p in pins:
                raise ConfigError(None, f"sensors.devices.{d.id}", f"GPIO {p} is already used by sensor {pins[p]!r}.", "give each sensor its own pins.")
            pins[p] = d.id


class SensorEngine:
    def __init__(self, sensors: SensorsSettings, stock: StockSettings, alerts: AlertsSettings, *, clock: Clock, bus: EventBus,
                 factory: Any, model: Callable[[], Any] = lambda: None, store: AlertStore | None = None,
                 async_text: bool = False) -> None:
        check_wiring(sensors, stock)
        self.cfg, self.alert_cfg = sensors, alerts
        self.clock, self.bus, self.model, self.store = clock, bus, model, store
        self.stock = StockBook(stock.slots, stock.rate_window_h)
        self.alerts = AlertManager(stock.slots, alerts.cooldown_s)
        self.tracked: list[_Tracked] = []
        self.samples = 0
        self._slot_sensors: dict[str, list[str]] = {}
        self._last_reeval = clock.monotonic()
        self._last_telemetry: dict[str, float] = {}
        self._last_inbox = -1e9
        self._text_q: queue.Queue | None = queue.Queue() if async_text else None
        self._text_thread: threading.Thread | None = None
        self._lock = threading.RLock()
        if store is not None:
            try:
                n = self.alerts.restore(store.load(), store.load_levels())
                if n:
                    log.info("open alerts restored", extra=fields(alerts=n, file=str(store.file)))
            except ValueError as e:  # a damaged state file must not keep the sensors down
                log.error("alert state not restored", extra=fields(error=str(e)))
        try:
            for spec in sensors.devices:
                self.tracked.append(self._track(spec, open_channel(spec, factory)))
                if spec.slot:
                    self._slot_sensors.setdefault(spec.slot, []).append(spec.id)
        except Exception:
            self.close()
            raise
        # Slots counted only by a beam start at their configured level.
        for s in stock.slots:
            kinds = {t.channel.spec.kind for t in self.tracked if t.channel.spec.slot == s.slot}
            if kinds and not kinds & set(LEVEL_KINDS):
                self._apply_change(self.stock.set_units(s.slot, s.initial_units if s.initial_units >= 0 else s.capacity, clock.time()))

    def _track(self, spec: SensorSpec, ch: Channel) -> _Tracked:
        lo, hi = ch.valid_range()
        k = spec.kind
        t = _Tracked(ch)
        if k in ("ultrasonic", "loadcell", "thermistor", "cpu_temp"):
            cap = self._capacity(spec.slot)
            if k == "ultrasonic":
                outlier = 0.5 * (spec.empty_m - spec.full_m) / cap
            elif k == "loadcell":
                outlier = 0.5 * spec.unit_kg / spec.scale_kg
            else:
                outlier = 5.0
            t.filter = SignalFilter(valid_min=lo, valid_max=hi, window=self.cfg.window, outlier=outlier, max_glitch=3,
                                    fault_samples=self.cfg.fault_samples, stuck_s=spec.stuck_seconds())
            if k in LEVEL_KINDS:
                t.units = Debouncer(self.cfg.settle_samples)
        else:
            t.digital = Debouncer(2)
        return t

    def _capacity(self, slot: str) -> int:
        st = self.stock.slots.get(slot)
        return st.spec.capacity if st else 1

    # -- one sample of everything -------------------------------------------------

    def tick(self) -> None:
        with self._lock:
            now = self.clock.time()
            mono = self.clock.monotonic()
            self.samples += 1
            for t in self.tracked:
                try:
                    self._sample(t, now)
                except Exception:  # one broken sensor must not stop the others
                    log.exception("sensor sample failed", extra=fields(sensor=t.channel.spec.id))
            if mono - self._last_reeval >= self.alert_cfg.reevaluate_s:
                self._last_reeval = mono
                for slot in self.stock.slots:
                    self._evaluate_alerts(slot, now)
            if self.store is not None and mono - self._last_inbox >= 1.0:
                self._last_inbox = mono
                for alert_id, by in self.store.take_acks():
                    self.ack(alert_id, by)

    def _sample(self, t: _Tracked, now: float) -> None:
        spec = t.channel.spec
        raw = t.channel.read()
        if t.filter is not None:
            if spec.kind == "thermistor" and raw is not None:
                raw = thermistor_celsius(raw, spec.beta)
            r = t.filter.push(raw, now)
            if r.fault:
                t.faulted = True
                if spec.slot:
                    self.stock.set_known(spec.slot, False)
                if t.units is not None:
                    t.units.reset()
                self._publish(EventKind.SENSOR_FAULT, now, sensor=spec.id, kind=spec.kind, slot=spec.slot or None, reason=r.fault)
                log.warning("sensor fault", extra=fields(sensor=spec.id, reason=r.fault))
            if r.recovered:
                t.faulted = False
                if spec.slot:
                    self.stock.set_known(spec.slot, True)
                self._publish(EventKind.SENSOR_RECOVERED, now, sensor=spec.id, kind=spec.kind, slot=spec.slot or None)
            if r.value is None:
                return
            t.last_value = r.value
            if t.units is not None:
                cap = self._capacity(spec.slot)
                if spec.kind == "ultrasonic":
                    u = distance_to_units(r.value, spec.empty_m, spec.full_m, cap)
                else:
                    u = weight_to_units(r.value, spec.scale_kg, spec.tare_kg, spec.unit_kg, cap)
                accepted = t.units.push(u)
                if accepted is not None:
                    self._apply_change(self.stock.set_units(spec.slot, accepted, now))
            else:
                last = self._last_telemetry.get(spec.id)
                if last is None or now - last >= self.cfg.telemetry_interval_s:
                    self._last_telemetry[spec.id] = now
                    self._publish(EventKind.TELEMETRY, now, sensor=spec.id, kind=spec.kind, celsius=round(r.value, 1))
            return
        # digital kinds
        if spec.kind == "beam":
            n = t.channel.take_count()
            if n:
                self._apply_change(self.stock.sold(spec.slot, n, now))
            return
        assert t.digital is not None
        state = t.digital.push(int(raw or 0))
        if state is None or t.digital.value is None:
            return
        first = t.last_value is None
        t.last_value = float(state)
        if spec.kind == "door" and not first:
            self._publish(EventKind.DOOR, now, sensor=spec.id, open=bool(state))
        elif spec.kind == "pir" and state and not first:
            self._publish(EventKind.MOTION, now, sensor=spec.id)
        elif spec.kind == "switch":
            st = self.stock.slots[spec.slot]
            if not state:
                self._apply_change(self.stock.set_units(spec.slot, 0, now))
            elif st.units == 0 and not first:
                self._apply_change(self.stock.set_units(spec.slot, st.spec.capacity, now))

    # -- stock and alerts ----------------------------------------------------------

    def _apply_change(self, ch: Change | None) -> None:
        if ch is None:
            return
        now = self.clock.time()
        st = self.stock.slots[ch.slot]
        snap = self.stock.snapshot(now)[ch.slot]
        base = {"slot": ch.slot, "sku": st.spec.sku, "units": ch.units}
        if ch.kind == "sale":
            self._publish(EventKind.SALE, now, **base, sold=-ch.delta)
        elif ch.kind == "refill":
            self._publish(EventKind.REFILL, now, **base, added=ch.delta)
        # sku_units: the SKU's total over all its slots (a product can sit in two columns).
        self._publish(EventKind.STOCK, now, **base, capacity=st.spec.capacity, rate_per_h=snap["rate_per_h"],
                      hours_to_empty=snap["hours_to_empty"], sku_units=self.stock.units_by_sku().get(st.spec.sku, ch.units))
        self._evaluate_alerts(ch.slot, now)

    def facts(self, slot: str, now: float) -> dict[str, Any]:
        snap = self.stock.snapshot(now)[slot]
        st = self.stock.slots[slot]
        return {"slot": slot, "sku": snap["sku"], "product": snap["product"], "units": snap["units"],
                "rate_per_h": snap["rate_per_h"] or None, "hours_to_empty": snap["hours_to_empty"],
                "suggested_qty": st.suggested_quantity()}

    def _evaluate_alerts(self, slot: str, now: float) -> None:
        if not self.stock.slots[slot].known:
            return  # a faulty sensor's slot neither raises nor resolves alerts
        before = (self.alerts.state[slot].level, self.alerts.state[slot].pending)
        actions = self.alerts.evaluate(slot, self.facts(slot, now), now)
        for action in actions:
            self._act(action, now)
        if not actions and before != (self.alerts.state[slot].level, self.alerts.state[slot].pending):
            self._persist()  # a re-arm or a held crossing must survive a restart too

    def _act(self, action: AlertAction, now: float, by: str = "") -> None:
        # With a text thread, resolutions queue behind the alerts they resolve, so the cloud never
        # sees an alert_resolved before its restock_alert.
        if self._text_q is not None:
            self._text_q.put((action, now, by))
            self._ensure_text_thread()
        else:
            self._deliver(action, now, by)

    def _deliver(self, action: AlertAction, now: float, by: str) -> None:
        a = action.alert
        if action.kind == "resolve":
            self._publish(EventKind.ALERT_RESOLVED, now, alert_id=a.id, slot=a.slot, sku=a.facts.get("sku"), level=a.level,
                          reason=action.reason, **({"by": by} if by else {}))
            self._persist()
        else:
            self._write_and_publish(a)

    def _write_and_publish(self, a) -> None:
        model = None
        if self.alert_cfg.use_model:
            try:
                model = self.model()
            except Exception as e:
                log.warning("model unavailable for alert text", extra=fields(error=str(e)))
        txt = write_alert_text(a.facts, model, self.alert_cfg.text_deadline_s)
        a.text, a.text_source = txt.text, txt.source
        f = a.facts
        log.info("restock alert", extra=fields(alert=a.id, slot=a.slot, level=a.level, units=f.get("units"),
                                                 text_source=txt.source, text_reason=txt.reason or None))
        self._publish(EventKind.RESTOCK_ALERT, a.ts, alert_id=a.id, slot=a.slot, sku=f.get("sku"), product=f.get("product"),
                      level=a.level, units=f.get("units"), rate_per_h=f.get("rate_per_h"), hours_to_empty=f.get("hours_to_empty"),
                      suggested_qty=f.get("suggested_qty"), message=txt.text, text_source=txt.source, text_reason=txt.reason)
        self._persist()

    def _ensure_text_thread(self) -> None:
        if self._text_thread is None or not self._text_thread.is_alive():
            self._text_thread = threading.Thread(target=self._text_worker, name="alert-text", daemon=True)
            self._text_thread.start()

    def _text_worker(self) -> None:
        assert self._text_q is not None
        while True:
            item = self._text_q.get()
            if item is None:
                return
            try:
                self._deliver(*item)
            except Exception:
                log.exception("alert publish failed", extra=fields(alert=item[0].alert.id))

    def set_stock(self, slot: str, units: int) -> dict[str, Any]:
        """A technician's count for a slot no level sensor measures (after a refill)."""
        with self._lock:
            if slot not in self.stock.slots:
                return {"ok": False, "error": f"unknown slot {slot!r}; slots: {sorted(self.stock.slots)}"}
            cap = self.stock.slots[slot].spec.capacity
            if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= cap:
                return {"ok": False, "error": f"units must be a whole number 0..{cap} for slot {slot!r}, got {units!r}"}
            self._apply_change(self.stock.set_units(slot, units, self.clock.time()))
            return {"ok": True, "slot": slot, "units": units}

    def ack(self, alert_id: str, by: str = "cloud") -> dict[str, Any]:
        with self._lock:
            a = self.alerts.ack(alert_id)
            if a is None:
                return {"ok": False, "error": f"no open alert {alert_id!r}; open: {[x.id for x in self.alerts.open_alerts()]}"}
            self._act(AlertAction("resolve", a, "ack"), self.clock.time(), by=by)
            return {"ok": True, "alert_id": alert_id, "slot": a.slot}

    def open_alerts(self) -> list[dict[str, Any]]:
        """Open alerts as JSON-able dicts (for the sync layer's retained state)."""
        with self._lock:
            return [{"id": a.id, "slot": a.slot, "level": a.level, "ts": a.ts, "units": a.facts.get("units"),
                     "sku": a.facts.get("sku"), "text": a.text} for a in self.alerts.open_alerts()]

    def _persist(self) -> None:
        if self.store is not None:
            try:
                with self._lock:  # the sampler and the text thread both save; one writer at a time
                    self.store.save(self.alerts.open_alerts(), self.alerts.export_levels())
            except OSError as e:
                log.error("cannot save alert state", extra=fields(error=str(e), file=str(self.store.file)))

    def _publish(self, event_kind: str, ts: float, /, **data: Any) -> None:
        self.bus.publish(Event(kind=event_kind, ts=ts, source=SOURCE, data=data))

    def health(self) -> dict[str, Any]:
        faulty = [t.channel.spec.id for t in self.tracked if t.faulted]
        return {"ok": not faulty, "sensors": len(self.tracked), "faulty": faulty, "samples": self.samples,
                "open_alerts": len(self.alerts.open_alerts())}

    def close(self) -> None:
        if self._text_q is not None:
            self._text_q.put(None)
        for t in self.tracked:
            t.channel.close()
