"""The supervised controller-link component: polls the controller, vends, flashes.

The controller is a stock source like the sensors: a slot whose unit count or
state changes becomes a STOCK event, a vend a VEND event, and periodic
EVA-DTS audits become AUDIT events with the per-column sales since the last
read (the previous audit is kept in the data dir so a restart does not count
lifetime sales again). A controller that stops answering raises a HEALTH
event once, and another when it answers again.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from agent.component import AgentContext, CommandError
from agent.events import Event, EventKind
from agent.logs import fields
from firmware_bridge.dex import Audit, DexError, parse_dex, sales_between
from firmware_bridge.link import ControllerLink
from firmware_bridge.protocol import ProtocolError

log = logging.getLogger(__name__)

SOURCE = "controller"


class ControllerComponent:
    name = "controller"

    def __init__(self, ctx: AgentContext, *, port_factory: Callable[[], Any] | None = None,
                 boot_factory: Callable[[], Any] | None = None, emulated: Any = None) -> None:
        self.ctx = ctx
        self.cfg = ctx.config.controller
        self.fw = ctx.config.firmware
        self.clock = ctx.clock
        self.disabled = not (self.cfg.port or self.cfg.emulate or port_factory)
        self._port_factory = port_factory
        self._boot_factory = boot_factory
        self._emulated = emulated  # an EmulatedDevice started by this component (emulate = true)
        self.port = None
        self.link: ControllerLink | None = None
        self.port_lock = threading.RLock()  # the link and a flash never share the wire at once
        self._slots: dict[int, tuple[int, str]] = {}
        self._silent = False
        self._last_error = ""
        self._started = None
        self._last_audit: Audit | None = None
        self.flashing = False
        if not self.disabled:
            from firmware_bridge.remote import RemoteFlash

            self.remote = RemoteFlash(self)
            ctx.commands.register("vend", self.vend_command)
            ctx.commands.register("fw_flash", self.remote.handle)
            ctx.shared["firmware"] = self.firmware_state

    # -- lifecycle -----------------------------------------------------------
    def _open(self) -> None:
        from firmware_bridge.serialport import open_serial

        if self._port_factory:
            self.port = self._port_factory()
        else:
            path = self.cfg.port
            if self.cfg.emulate:
                from firmware_bridge.emulator import EmulatedDevice

                if self._emulated is None:
                    self._emulated = EmulatedDevice(baud=self.cfg.baud).start()
                path = self._emulated.path
            self.port = open_serial(path, self.cfg.baud, timeout=self.cfg.timeout_s)
        self.link = ControllerLink(self.port, timeout_s=self.cfg.timeout_s, retries=self.cfg.retries, clock=self.clock)

    def run(self, stop: threading.Event) -> None:
        if self.disabled:
            stop.wait()
            return
        self._open()
        self._started = self.clock.monotonic()
        self._load_audit_state()
        next_poll = next_audit = self.clock.monotonic()
        try:
            while not stop.is_set():
                now = self.clock.monotonic()
                if now >= next_poll:
                    self.poll_once()
                    next_poll = now + self.cfg.poll_s
                if self.cfg.audit_every_s > 0 and now >= next_audit:
                    self.audit_once()
                    next_audit = now + self.cfg.audit_every_s
                stop.wait(0.05)  # slices, so a simulated clock is followed closely
        finally:
            if self.port is not None:
                self.port.close()
            if self._emulated is not None:
                self._emulated.stop()
                self._emulated = None

    def health(self) -> dict[str, Any]:
        if self.disabled:
            return {"ok": True, "disabled": True}
        last = self.link.last_ok if self.link else None
        age = None if last is None else round(self.clock.monotonic() - last, 1)
        return {"ok": not self._silent, "disabled": False, "port": self.cfg.port or ("emulator" if self.cfg.emulate else "custom"),
                "last_answer_age_s": age, "flashing": self.flashing, "last_error": self._last_error,
                **({"link": self.link.snapshot()} if self.link else {})}

    def firmware_state(self) -> dict[str, Any]:
        """Copied into the retained MQTT state by the sync layer."""
        return {"flashing": self.flashing, "last_flash": self.remote.last_result, "controller_ok": not self._silent}

    # -- polling -------------------------------------------------------------
    def _sku(self, slot: int) -> str | None:
        return self.cfg.slot_skus.get(str(slot))

    def _publish(self, kind: str, **data: Any) -> None:
        self.ctx.bus.publish(Event(kind=kind, ts=self.clock.time(), source=SOURCE, data=data))

    def poll_once(self) -> bool:
        if self.flashing or self.link is None:
            return False
        try:
            with self.port_lock:
                slots = self.link.slots()
                motors = self.link.motors()
                temp, setpoint = self.link.temperature()
        except (OSError, ProtocolError) as e:  # LinkError, and a port that vanished (USB unplugged)
            self._last_error = str(e)
            self._check_silence()
            return False
        self._answered()
        for s in slots:
            if self._slots.get(s.slot) != (s.units, s.state):
                self._slots[s.slot] = (s.units, s.state)
                self._publish(EventKind.STOCK, slot=str(s.slot), sku=self._sku(s.slot), units=s.units, state=s.state)
        faults = [m.slot for m in motors if m.status == "fault"]
        self._publish(EventKind.TELEMETRY, controller_temp_c=temp, controller_setpoint_c=setpoint, motor_faults=faults)
        return True

    def _answered(self) -> None:
        if self._silent:
            self._silent = False
            self._publish(EventKind.HEALTH, component=self.name, ok=True, problem="", detail="controller answers again")
            log.info("controller answers again")

    def _check_silence(self) -> None:
        last = self.link.last_ok if self.link and self.link.last_ok is not None else self._started
        quiet = self.clock.monotonic() - (last or 0.0)
        if not self._silent and quiet >= self.cfg.silent_after_s:
            self._silent = True
            problem = (f"controller silent for {quiet:.0f}s ({self._last_error}); "
                       "check its power and the serial cable, or flash it if it stays silent")
            self._publish(EventKind.HEALTH, component=self.name, ok=False, problem=problem)
            log.warning("controller silent", extra=fields(seconds=round(quiet, 1), error=self._last_error))

    # -- audits ----------------------------------------------------------------
    def _audit_path(self):
        return self.ctx.data_dir / "controller_audit.json"

    def _load_audit_state(self) -> None:
        p = self._audit_path()
        if not p.exists():
            return
        try:
            raw = json.loads(p.read_text(encoding="utf-8"))
            self._last_audit = parse_dex(raw["text"])
        except (OSError, ValueError, KeyError, DexError) as e:
            log.warning("previous audit state unreadable; next audit is a new baseline", extra=fields(path=str(p), error=str(e)))

    def audit_once(self) -> list[dict[str, Any]] | None:
        if self.flashing or self.link is None:
            return None
        try:
            with self.port_lock:
                text = self.link.audit()
        except (OSError, ProtocolError) as e:  # LinkError, and a port that vanished (USB unplugged)
            self._last_error = str(e)
            self._check_silence()
            return None
        self._answered()
        return self.ingest_audit(text)

    def ingest_audit(self, text: str) -> list[dict[str, Any]] | None:
        """Parse an audit (from the link or a file) and publish its facts; malformed audits are reported, not lost."""
        try:
            audit = parse_dex(text)
        except DexError as e:
            self._publish(EventKind.AUDIT, ok=False, error=str(e))
            log.warning("controller audit malformed; kept previous baseline", extra=fields(error=str(e)))
            return None
        sales = [{"slot": s.column, "sku": self.cfg.slot_skus.get(s.column), "units": s.units, "value": s.value,
                  "counter_reset": s.counter_reset} for s in sales_between(self._last_audit, audit)]
        columns = [{"slot": c.id, "sku": self.cfg.slot_skus.get(c.id), "price": c.price, "vends_total": c.vends_total}
                   for c in audit.columns.values()]
        self._publish(EventKind.AUDIT, ok=True, machine=audit.machine_serial, baseline=self._last_audit is None, sales=sales,
                      columns=columns, sales_value_total=audit.sales_value_total, cash_value_total=audit.cash_value_total)
        self._last_audit = audit
        tmp = self._audit_path().with_suffix(".tmp")
        tmp.write_text(json.dumps({"ts": self.clock.time(), "text": text}), encoding="utf-8")
        tmp.replace(self._audit_path())
        return sales

    # -- commands ----------------------------------------------------------------
    def vend_command(self, args: dict[str, Any]) -> dict[str, Any]:
        slot = args.get("slot")
        if slot is None and args.get("sku"):
            matches = [int(k) for k, v in self.cfg.slot_skus.items() if v == args["sku"]]
            if not matches:
                raise CommandError(f"no controller slot is mapped to sku {args['sku']!r}; see [controller].slot_skus")
            slot = matches[0]
        try:
            slot = int(slot)
        except (TypeError, ValueError):
            raise CommandError(f"vend needs 'slot' (1..255) or 'sku'; got slot={args.get('slot')!r}") from None
        if not 0 < slot < 256:
            raise CommandError(f"slot {slot} is out of range 1..255")
        if self.flashing or self.link is None:
            raise CommandError("the controller is being flashed or not connected; try again later")
        with self.ctx.activity.busy("vend"):
            try:
                with self.port_lock:
                    r = self.link.vend(slot)
            except (OSError, ProtocolError) as e:  # LinkError, and a port that vanished (USB unplugged)
                self._last_error = str(e)
                raise CommandError(f"vend of slot {slot} not confirmed by the controller: {e}") from None
        self._answered()
        self._publish(EventKind.VEND, slot=str(slot), sku=self._sku(slot), units=1 if r.ok else 0, result=r.result, units_left=r.units_left)
        if r.ok:
            self._slots[slot] = (r.units_left, "ok" if r.units_left else "empty")
            self._publish(EventKind.STOCK, slot=str(slot), sku=self._sku(slot), units=r.units_left, state=self._slots[slot][1])
        return {"slot": slot, "result": r.result, "units_left": r.units_left}


def build_component(ctx: AgentContext) -> ControllerComponent:
    return ControllerComponent(ctx)
