"""Scenario files: a machine's config plus a timeline, played on gpiozero's mock pins.

The runner keeps the true units per slot and turns every step into pin
signals (an echo time, an ADC code, a beam pulse), so the engine under test
sees only what real sensors would give it. Between steps, on a ``ManualClock``,
it samples for ``active_s`` and then jumps ahead, so a shop's day runs in
seconds; on any other clock it samples at the configured rate in (scaled) real
time.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from agent.bus import EventBus
from agent.clock import Clock, ManualClock
from agent.config import ConfigError, build_config
from agent.sensors.alerts import AlertStore
from agent.sensors.engine import SensorEngine
from agent.sensors.mock_hw import EchoPin, EchoTriggerPin, MockMCP3008, sim_factory
from agent.sensors.settings import SensorSpec

log = logging.getLogger(__name__)

ACTIONS = {"sell", "refill", "glitch", "fail", "recover", "door", "motion", "ack", "count"}


@dataclass
class Step:
    at_s: float
    do: str
    slot: str = ""
    sensor: str = ""
    units: int = 1
    samples: int = 1
    value: float = 0.0
    open: bool = True
    mode: str = "disconnect"


@dataclass
class Scenario:
    name: str
    path: str
    duration_s: float
    config: Any
    steps: list[Step]
    initial: dict[str, int]
    description: str = ""
    active_s: float = 30.0
    expect: list[dict[str, Any]] = field(default_factory=list)


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files("agent.sensors").joinpath("scenarios").iterdir()
                  if p.name.endswith(".toml"))


def _parse_at(v: Any, where: str, path: str) -> float:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str):
        parts = v.split(":")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            nums = []
        if 2 <= len(nums) <= 3:
            h, m, s = (nums + [0])[:3]
            return h * 3600.0 + m * 60.0 + s
    raise ConfigError(path, where, f"time {v!r} is not seconds or \"HH:MM[:SS]\" after the start.", "write at = 90 or at = \"01:30\".")


def load_scenario(name_or_file: str) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file; errors name the file and key."""
    p = Path(name_or_file)
    if not p.suffix and not p.exists():
        if name_or_file not in builtin_names():
            raise ConfigError(name_or_file, "", "no such scenario file or built-in scenario.",
                              f"use a .toml file or one of: {', '.join(builtin_names())}.")
        text = resources.files("agent.sensors").joinpath("scenarios", name_or_file + ".toml").read_text("utf-8")
        path = f"<builtin {name_or_file}>"
    else:
        try:
            text = p.read_text("utf-8")
        except OSError as e:
            raise ConfigError(p, "", f"cannot read the scenario ({e.strerror}).", "check the path.") from None
        path = str(p)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path, "", f"not valid TOML: {e}.", "fix the syntax at that line.") from None
    known = {"name", "description", "duration", "active_s", "config", "initial", "steps", "expect"}
    for k in raw:
        if k not in known:
            raise ConfigError(path, k, "unknown key.", f"valid keys: {', '.join(sorted(known))}.")
    cfg_raw = raw.get("config", {})
    extra = set(cfg_raw) - {"sensors", "stock", "alerts"}
    if extra:
        raise ConfigError(path, f"config.{sorted(extra)[0]}", "a scenario configures only [config.sensors], [config.stock] and [config.alerts].", "remove it.")
    try:
        config = build_config(cfg_raw, Path(path))
    except ConfigError as e:
        raise ConfigError(path, "config." + e.key, e.problem, e.fix) from None
    slots = {s.slot: s for s in config.stock.slots}
    sensors = {d.id: d for d in config.sensors.devices}
    initial = {}
    for slot, spec in slots.items():
        v = raw.get("initial", {}).get(slot, spec.capacity)
        if not isinstance(v, int) or not 0 <= v <= spec.capacity:
            raise ConfigError(path, f"initial.{slot}", f"must be a whole number 0..{spec.capacity}, got {v!r}.", "fix the initial units.")
        initial[slot] = v
    for k in raw.get("initial", {}):
        if k not in slots:
            raise ConfigError(path, f"initial.{k}", "not a slot in [[config.stock.slots]].", "fix the slot id.")
    steps = []
    for i, s in enumerate(raw.get("steps", [])):
        where = f"steps[{i}]"
        if not isinstance(s, dict) or s.get("do") not in ACTIONS:
            raise ConfigError(path, f"{where}.do", f"{s.get('do') if isinstance(s, dict) else s!r} is not an action.", f"use one of: {', '.join(sorted(ACTIONS))}.")
        unknown = set(s) - {"at", "do", "slot", "sensor", "units", "samples", "value", "open", "mode"}
        if unknown:
            raise ConfigError(path, f"{where}.{sorted(unknown)[0]}", "unknown key.", "remove it.")
        st = Step(at_s=_parse_at(s.get("at", 0), f"{where}.at", path), do=s["do"], slot=s.get("slot", ""), sensor=s.get("sensor", ""),
                  units=s.get("units", 1), samples=s.get("samples", 1), value=float(s.get("value", 0.0)), open=bool(s.get("open", True)),
                  mode=s.get("mode", "disconnect"))
        if st.do in ("sell", "refill", "ack", "count") and st.slot not in slots:
            raise ConfigError(path, f"{where}.slot", f"{st.slot!r} is not a slot of this scenario.", f"use one of: {', '.join(slots)}.")
        if st.do in ("glitch", "fail", "recover") and st.sensor not in sensors:
            raise ConfigError(path, f"{where}.sensor", f"{st.sensor!r} is not a sensor of this scenario.", f"use one of: {', '.join(sensors)}.")
        if not isinstance(st.units, int) or st.units < 0 or not isinstance(st.samples, int) or st.samples < 1:
            raise ConfigError(path, where, "units must be a whole number >= 0 and samples >= 1.", "fix the step.")
        steps.append(st)
    steps.sort(key=lambda s: s.at_s)
    duration = _parse_at(raw.get("duration", (steps[-1].at_s + 600) if steps else 600), "duration", path)
    return Scenario(name=str(raw.get("name", p.stem)), path=path, duration_s=duration, config=config, steps=steps, initial=initial,
                    description=str(raw.get("description", "")), active_s=float(raw.get("active_s", 30.0)), expect=list(raw.get("expect", [])))


class ScenarioRunner:
    """Plays a scenario on mock pins through a real ``SensorEngine``."""

    def __init__(self, scenario: Scenario, clock: Clock, bus: EventBus, *, model=lambda: None, store: AlertStore | None = None,
                 async_text: bool = False, seed: int = 1) -> None:
        from gpiozero import Device

        self.sc = scenario
        self.clock = clock
        self.fast = isinstance(clock, ManualClock)
        # Faster than real time, gpiozero's DistanceSensor (which re-measures every ~60 ms of real
        # time) lags the scenario: wait for it after each change, and do not call it stuck.
        self.accelerated = self.fast or float(getattr(clock, "speed", 1.0)) > 1.0
        self.factory = sim_factory()
        # gpiozero 2.0.1's software SPI bus ignores pin_factory and uses Device.pin_factory.
        Device.pin_factory = self.factory
        cfg = scenario.config
        if self.accelerated:
            for d in cfg.sensors.devices:
                if d.kind == "ultrasonic":
                    d.stuck_s = 0.0
        self.truth = dict(scenario.initial)
        self.specs: dict[str, SensorSpec] = {d.id: d for d in cfg.sensors.devices}
        self.slot_specs = {s.slot: s for s in cfg.stock.slots}
        self.chip: MockMCP3008 | None = None
        self.triggers: dict[str, EchoTriggerPin] = {}
        if any(d.kind in ("loadcell", "thermistor") for d in cfg.sensors.devices):
            self.chip = MockMCP3008(self.factory, noise_lsb=1, seed=seed)
        for d in cfg.sensors.devices:
            if d.kind == "ultrasonic":
                echo = self.factory.pin(d.pin, pin_class=EchoPin)
                self.triggers[d.id] = self.factory.pin(d.trigger, pin_class=EchoTriggerPin, echo_pin=echo,
                                                       noise_m=0.0 if self.fast else 0.002, seed=seed)
            if d.kind in ("door", "pir", "beam", "switch"):
                self.factory.pin(d.pin)
        self.glitches: dict[str, int] = {}
        self.failed: set[str] = set()
        for d in cfg.sensors.devices:
            self._drive(d)
        self.engine = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=self.factory, model=model,
                                   store=store, async_text=async_text)
        self._settle_ultrasonic(list(self.triggers))

    # -- pins ------------------------------------------------------------------

    def signal(self, d: SensorSpec) -> float | None:
        """The raw signal ``d`` should see for the true units (metres or ADC fraction)."""
        units = self.truth.get(d.slot, 0)
        if d.kind == "ultrasonic":
            cap = self.slot_specs[d.slot].capacity
            return d.empty_m - units * (d.empty_m - d.full_m) / cap
        if d.kind == "loadcell":
            return (d.tare_kg + units * d.unit_kg) / d.scale_kg
        if d.kind == "thermistor":
            return 0.5  # 25 C
        return None

    def _drive(self, d: SensorSpec, override: float | None = None) -> None:
        value = override if override is not None else self.signal(d)
        if d.kind == "ultrasonic":
            self.triggers[d.id].distance_m = None if d.id in self.failed else value
        elif d.kind in ("loadcell", "thermistor") and self.chip is not None:
            self.chip.connected[d.channel] = d.id not in self.failed
            self.chip.set_fraction(d.channel, value or 0.0)
        elif d.kind == "switch":
            self._set_pin(d, self.truth.get(d.slot, 0) > 0)

    def _set_pin(self, d: SensorSpec, active: bool) -> None:
        pin = self.factory.pin(d.pin)
        high = active == (not d.pull_up and d.active_high)
        pin.drive_high() if high else pin.drive_low()

    def _settle_ultrasonic(self, ids: list[str]) -> None:
        """Faster than real time, wait (real time) until the DistanceSensor has measured the new echo."""
        if self.accelerated:
            for i in ids:
                if i in self.triggers and not self.triggers[i].wait_pulses(2):
                    log.warning("ultrasonic did not pulse", extra={"fields": {"sensor": i}})

    def _sensors_of(self, slot: str) -> list[SensorSpec]:
        return [d for d in self.specs.values() if d.slot == slot]

    def apply(self, s: Step) -> None:
        touched: list[str] = []
        if s.do in ("sell", "refill"):
            old = self.truth[s.slot]
            cap = self.slot_specs[s.slot].capacity
            self.truth[s.slot] = max(0, old - s.units) if s.do == "sell" else min(cap, s.units)
            for d in self._sensors_of(s.slot):
                if d.kind == "beam" and s.do == "sell":
                    for _ in range(old - self.truth[s.slot]):
                        self._set_pin(d, True)
                        self._set_pin(d, False)
                self._drive(d)
                touched.append(d.id)
            if s.do == "refill" and not any(d.kind in ("ultrasonic", "loadcell", "switch") for d in self._sensors_of(s.slot)):
                self.engine.set_stock(s.slot, self.truth[s.slot])  # the technician's count: a beam cannot see a refill
        elif s.do == "count":
            self.engine.set_stock(s.slot, s.units)
        elif s.do == "glitch":
            self.glitches[s.sensor] = s.samples
            d = self.specs[s.sensor]
            if d.kind in ("door", "pir", "beam", "switch"):
                self._set_pin(d, bool(s.value))
            else:
                self._drive(d, override=s.value)
            touched.append(d.id)
        elif s.do in ("fail", "recover"):
            (self.failed.add if s.do == "fail" else self.failed.discard)(s.sensor)
            self._drive(self.specs[s.sensor])
        elif s.do in ("door", "motion"):
            for d in self.specs.values():
                if d.kind == ("door" if s.do == "door" else "pir"):
                    self._set_pin(d, s.open)
        elif s.do == "ack":
            for a in self.engine.alerts.open_alerts():
                if a.slot == s.slot:
                    self.engine.ack(a.id, by="scenario")
        self._settle_ultrasonic(touched)

    def _end_glitches(self) -> None:
        ended = []
        for sid in list(self.glitches):
            self.glitches[sid] -= 1
            if self.glitches[sid] <= 0:
                del self.glitches[sid]
                d = self.specs[sid]
                if d.kind in ("door", "pir", "beam", "switch"):
                    self._set_pin(d, False if d.kind != "switch" else self.truth.get(d.slot, 0) > 0)
                else:
                    self._drive(d)
                ended.append(sid)
        self._settle_ultrasonic(ended)

    # -- the loop ----------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, loop: bool = False, progress=None) -> None:
        dt = 1.0 / self.sc.config.sensors.rate_hz
        while True:
            self._run_once(dt, stop, progress)
            if not loop or (stop is not None and stop.is_set()):
                return

    def _run_once(self, dt: float, stop: threading.Event | None, progress) -> None:
        t0 = self.clock.monotonic()
        steps = list(self.sc.steps)
        i = 0
        active_until = self.sc.active_s
        k = 0
        last_report = -1.0
        while stop is None or not stop.is_set():
            rel = self.clock.monotonic() - t0
            if rel >= self.sc.duration_s:
                return
            while i < len(steps) and steps[i].at_s <= rel:
                self.apply(steps[i])
                i += 1
                active_until = rel + self.sc.active_s
            self.engine.tick()
            if self.glitches:
                self._end_glitches()
            if progress is not None and rel - last_report >= 3600:
                last_report = rel
                progress(rel, self.sc.duration_s)
            k += 1
            if self.fast and rel >= active_until and not self.glitches:
                nxt = steps[i].at_s if i < len(steps) else self.sc.duration_s
                jump = min(nxt - rel, self.sc.config.sensors.telemetry_interval_s)
                self.clock.sleep(max(dt, jump))
            else:
                # Sleep to the next tick on this clock so sampling does not drift.
                self.clock.sleep(max(0.0, t0 + k * dt - self.clock.monotonic()) if not self.fast else dt)
                if not self.fast and self.clock.monotonic() - t0 > k * dt + 1.0:
                    k = int((self.clock.monotonic() - t0) / dt)  # fell behind (stalled): do not burst

    def close(self) -> None:
        self.engine.close()
