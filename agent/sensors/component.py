"""The supervised sensors component: the sampling loop, or the demo when nothing is wired.

The engine is built inside ``run`` (not at construction) so that a GPIO
failure is a crash the supervisor restarts with backoff, and commands that
arrive while it is down get a clear "not running" answer instead of an
exception from half-built state.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from agent.component import AgentContext, CommandError
from agent.logs import fields
from agent.sensors.alerts import AlertStore
from agent.sensors.engine import SensorEngine

log = logging.getLogger(__name__)


class SensorsComponent:
    name = "sensors"

    def __init__(self, ctx: AgentContext) -> None:
        self.ctx = ctx
        self.engine: SensorEngine | None = None
        self.mode = "starting"
        self.store = AlertStore(ctx.data_dir / "sensors")
        ctx.commands.register("ack_alert", self.cmd_ack_alert)
        ctx.commands.register("set_stock", self.cmd_set_stock)
        ctx.shared["stock"] = self.stock_units
        ctx.shared["alerts"] = self.open_alerts

    # -- views and commands ------------------------------------------------------

    def stock_units(self) -> dict[str, int]:
        """Units per SKU right now ({} until the first readings)."""
        eng = self.engine
        return eng.stock.units_by_sku() if eng is not None else {}

    def open_alerts(self) -> list[dict[str, Any]]:
        eng = self.engine
        return eng.open_alerts() if eng is not None else []

    def _running(self) -> SensorEngine:
        if self.engine is None:
            raise CommandError("sensors are not running yet; retry in a few seconds")
        return self.engine

    def cmd_ack_alert(self, args: dict[str, Any]) -> dict[str, Any]:
        alert_id = args.get("alert_id") if isinstance(args, dict) else None
        if not isinstance(alert_id, str) or not alert_id.isalnum():
            raise CommandError("ack_alert needs {\"alert_id\": \"<id from the restock_alert event>\"}")
        res = self._running().ack(alert_id, by=str(args.get("by", "cloud"))[:40])
        if not res.get("ok"):
            raise CommandError(res["error"])
        return res

    def cmd_set_stock(self, args: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(args, dict) or not isinstance(args.get("slot"), str):
            raise CommandError("set_stock needs {\"slot\": \"A1\", \"units\": <whole number>}")
        res = self._running().set_stock(args["slot"], args.get("units"))
        if not res.get("ok"):
            raise CommandError(res["error"])
        return res

    # -- supervision ---------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        cfg = self.ctx.config
        if cfg.sensors.devices:
            self._run_hardware(stop)
        elif cfg.sensors.demo:
            self._run_demo(stop)
        else:
            self.mode = "idle"
            log.info("no sensors configured and demo off")
            stop.wait()

    def _run_hardware(self, stop: threading.Event) -> None:
        from gpiozero import Device

        from agent.sensors.pins import make_factory

        cfg, clock = self.ctx.config, self.ctx.clock
        factory = make_factory(cfg.sensors.pin_factory, cfg.sensors.gpiochip)
        Device.pin_factory = factory  # gpiozero's software SPI bus only looks here
        self.engine = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=self.ctx.bus, factory=factory,
                                   model=self.ctx.model, store=self.store, async_text=True)
        self.mode = "hardware"
        log.info("sensors running", extra=fields(sensors=len(cfg.sensors.devices), rate_hz=cfg.sensors.rate_hz))
        dt = 1.0 / cfg.sensors.rate_hz
        t0, k = clock.monotonic(), 0
        try:
            while not stop.is_set():
                self.engine.tick()
                k += 1
                lag = clock.monotonic() - (t0 + k * dt)
                if lag > 1.0:  # stalled (e.g. a suspended process): resume the cadence, do not burst
                    t0, k = clock.monotonic(), 0
                clock.sleep(max(0.0, -lag))
        finally:
            self.engine.close()

    def _run_demo(self, stop: threading.Event) -> None:
        from agent.sensors.scenario import ScenarioRunner, load_scenario

        sc = load_scenario(self.ctx.config.sensors.demo_scenario)
        runner = ScenarioRunner(sc, self.ctx.clock, self.ctx.bus, model=self.ctx.model, store=self.store, async_text=True)
        self.engine = runner.engine
        self.mode = f"demo:{sc.name}"
        log.info("sensors demo running on mock pins", extra=fields(scenario=sc.name))
        try:
            runner.run(stop, loop=True)
        finally:
            runner.close()

    def health(self) -> dict[str, Any]:
        eng = self.engine
        if eng is None:
            return {"ok": self.mode == "idle", "mode": self.mode}
        try:
            return {**eng.health(), "mode": self.mode}
        except Exception as e:  # health must never raise
            return {"ok": False, "mode": self.mode, "error": str(e)}


def build_component(ctx: AgentContext) -> SensorsComponent:
    return SensorsComponent(ctx)
