"""Config sections ``[sensors]``, ``[stock]`` and ``[alerts]``.

Sensors and slots are separate lists because one slot can be watched by a
level sensor and a drop beam at once, and telemetry sensors (door, PIR, CPU
temperature) watch no slot at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from agent.config import section

SensorKind = Literal["ultrasonic", "beam", "switch", "door", "pir", "loadcell", "thermistor", "cpu_temp"]
LEVEL_KINDS = ("ultrasonic", "loadcell")
ANALOG_KINDS = ("ultrasonic", "loadcell", "thermistor", "cpu_temp")


@dataclass
class SensorSpec:
    id: str = field(metadata={"help": "Unique sensor id, used in events and fault reports."})
    kind: SensorKind = field(metadata={"help": "ultrasonic (HC-SR04), beam (IR break-beam drop sensor), switch (slot switch), door, pir, loadcell or thermistor (MCP3008), cpu_temp."})
    slot: str = field(default="", metadata={"help": "Product slot this sensor watches (level and beam/switch kinds)."})
    pin: int = field(default=-1, metadata={"help": "BCM pin for beam, switch, door and pir; the echo pin for ultrasonic."})
    trigger: int = field(default=-1, metadata={"help": "BCM trigger pin (ultrasonic only)."})
    channel: int = field(default=-1, metadata={"help": "MCP3008 channel 0-7 (loadcell, thermistor)."})
    spi_device: int = field(default=0, metadata={"help": "SPI chip-select of the MCP3008 (0 or 1)."})
    active_high: bool = field(default=True, metadata={"help": "Digital kinds: true when the signal is high while active (beam broken, door open, motion)."})
    pull_up: bool = field(default=False, metadata={"help": "Digital kinds: enable the internal pull-up (then the input is active low)."})
    bounce_s: float = field(default=0.01, metadata={"help": "Digital kinds: edge debounce time in seconds."})
    empty_m: float = field(default=0.5, metadata={"help": "Ultrasonic: distance in metres when the slot is empty."})
    full_m: float = field(default=0.1, metadata={"help": "Ultrasonic: distance in metres when the slot holds its capacity."})
    max_distance_m: float = field(default=1.0, metadata={"help": "Ultrasonic: readings at or beyond this are treated as no echo (sensor fault)."})
    scale_kg: float = field(default=20.0, metadata={"help": "Loadcell: kilograms at full ADC scale (from calibration with a known weight)."})
    tare_kg: float = field(default=0.0, metadata={"help": "Loadcell: kilograms read with the empty tray."})
    unit_kg: float = field(default=0.5, metadata={"help": "Loadcell: weight of one unit of the product in kilograms."})
    beta: float = field(default=3950.0, metadata={"help": "Thermistor: beta coefficient."})
    r0_ohm: float = field(default=10000.0, metadata={"help": "Thermistor: resistance at 25 C (and the divider's fixed resistor)."})
    valid_min: float | None = field(default=None, metadata={"help": "Raw readings below this are invalid (default per kind)."})
    valid_max: float | None = field(default=None, metadata={"help": "Raw readings above this are invalid (default per kind)."})
    stuck_s: float = field(default=-1.0, metadata={"help": "Report a fault when the raw reading does not change at all for this long; 0 = off, -1 = per kind (10 s for ultrasonic: gpiozero keeps the last distance when the echo stops; off otherwise)."})
    sensor_file: str = field(default="/sys/class/thermal/thermal_zone0/temp", metadata={"help": "cpu_temp: the thermal zone file."})

    def validate(self) -> None:
        where = f"sensor {self.id!r} ({self.kind})"
        if not self.id:
            raise ValueError("every sensor needs a non-empty id")
        if self.kind in ("beam", "switch", "door", "pir", "ultrasonic") and not 0 <= self.pin <= 27:
            raise ValueError(f"{where}: pin must be a BCM GPIO number 0-27, got {self.pin}")
        if self.kind == "ultrasonic":
            if not 0 <= self.trigger <= 27 or self.trigger == self.pin:
                raise ValueError(f"{where}: trigger must be a BCM GPIO 0-27 different from pin (echo), got {self.trigger}")
            if not 0 < self.full_m < self.empty_m < self.max_distance_m:
                raise ValueError(f"{where}: need 0 < full_m < empty_m < max_distance_m, got {self.full_m}, {self.empty_m}, {self.max_distance_m}")
        if self.kind in ("loadcell", "thermistor"):
            if not 0 <= self.channel <= 7:
                raise ValueError(f"{where}: channel must be an MCP3008 channel 0-7, got {self.channel}")
            if self.spi_device not in (0, 1):
                raise ValueError(f"{where}: spi_device must be 0 or 1, got {self.spi_device}")
        if self.kind == "loadcell" and (self.unit_kg <= 0 or self.scale_kg <= 0):
            raise ValueError(f"{where}: unit_kg and scale_kg must be positive")
        if self.kind in ("ultrasonic", "loadcell", "beam", "switch") and not self.slot:
            raise ValueError(f"{where}: set slot = \"...\" to the product slot it watches")
        if self.stuck_s < -1 or self.bounce_s < 0:
            raise ValueError(f"{where}: stuck_s must be -1 (per kind), 0 (off) or positive; bounce_s must not be negative")

    def stuck_seconds(self) -> float:
        if self.stuck_s >= 0:
            return self.stuck_s
        return 10.0 if self.kind == "ultrasonic" else 0.0


@section("sensors")
@dataclass
class SensorsSettings:
    pin_factory: Literal["auto", "mock", "lgpio", "rpigpio", "pigpio", "native"] = field(
        default="auto", metadata={"help": "gpiozero pin factory; auto follows GPIOZERO_PIN_FACTORY, then lgpio on a Pi 5, then gpiozero's default, and mock without GPIO."})
    gpiochip: int = field(default=-1, metadata={"help": "gpiochip number for lgpio (-1 = detect: the RP1 chip on a Pi 5)."})
    rate_hz: float = field(default=10.0, metadata={"help": "Samples per second for every sensor."})
    window: int = field(default=7, metadata={"help": "Median window in samples (rejects glitches up to (window-1)/2 samples)."})
    settle_samples: int = field(default=10, metadata={"help": "A new unit count must hold this many samples before it becomes a sale or refill."})
    fault_samples: int = field(default=10, metadata={"help": "Consecutive invalid readings before a sensor_fault is raised."})
    telemetry_interval_s: float = field(default=60.0, metadata={"help": "How often temperatures are published as telemetry."})
    devices: list[SensorSpec] = field(default_factory=list, metadata={"help": "The sensors, as [[sensors.devices]] tables."})
    demo: bool = field(default=True, metadata={"help": "With no devices configured, run the demo scenario on mock pins so `edge-agent run` shows live stock."})
    demo_scenario: str = field(default="demo", metadata={"help": "Scenario name or file the demo loops."})

    def validate(self) -> None:
        if not 0.1 <= self.rate_hz <= 100:
            raise ValueError(f"sensors.rate_hz must be between 0.1 and 100, got {self.rate_hz}")
        if self.window < 1 or self.window % 2 == 0:
            raise ValueError(f"sensors.window must be an odd number >= 1, got {self.window}")
        if self.settle_samples < 1 or self.fault_samples < 1:
            raise ValueError("sensors.settle_samples and sensors.fault_samples must be at least 1")
        seen: set[str] = set()
        for d in self.devices:
            if d.id in seen:
                raise ValueError(f"sensor id {d.id!r} is used twice; ids must be unique")
            seen.add(d.id)


@dataclass
class SlotSpec:
    slot: str = field(metadata={"help": "Slot id as printed on the machine or shelf label (e.g. 'A1')."})
    sku: str = field(metadata={"help": "Catalog SKU stocked in this slot (the kiosk maps stock by it)."})
    product: str = field(default="", metadata={"help": "Product name used in alert text."})
    capacity: int = field(default=10, metadata={"help": "Units when full; refills suggest filling up to this."})
    low_units: int = field(default=3, metadata={"help": "Low alert at or below this many units."})
    critical_units: int = field(default=1, metadata={"help": "Critical alert at or below this many units."})
    low_hours: float = field(default=0.0, metadata={"help": "Also alert low when predicted time to empty is at or below this (0 = off)."})
    hysteresis_units: int = field(default=2, metadata={"help": "Units above a threshold needed to re-arm its alert."})
    initial_units: int = field(default=-1, metadata={"help": "Starting units for slots counted only by a beam (-1 = capacity)."})

    def validate(self) -> None:
        if self.capacity < 1:
            raise ValueError(f"slot {self.slot!r}: capacity must be at least 1")
        if not 0 <= self.critical_units <= self.low_units < self.capacity:
            raise ValueError(f"slot {self.slot!r}: need 0 <= critical_units <= low_units < capacity, got {self.critical_units}, {self.low_units}, {self.capacity}")
        if self.hysteresis_units < 1 or self.low_hours < 0:
            raise ValueError(f"slot {self.slot!r}: hysteresis_units must be >= 1 and low_hours >= 0")


@section("stock")
@dataclass
class StockSettings:
    slots: list[SlotSpec] = field(default_factory=list, metadata={"help": "Product slots, as [[stock.slots]] tables."})
    rate_window_h: float = field(default=2.0, metadata={"help": "Time constant of the depletion-rate EWMA, in hours."})

    def validate(self) -> None:
        ids = [s.slot for s in self.slots]
        dup = {s for s in ids if ids.count(s) > 1}
        if dup:
            raise ValueError(f"slot ids used twice: {', '.join(sorted(dup))}")
        if self.rate_window_h <= 0:
            raise ValueError("stock.rate_window_h must be positive")


@section("alerts")
@dataclass
class AlertsSettings:
    cooldown_s: float = field(default=900.0, metadata={"help": "A slot's alert of the same level is not repeated within this many seconds; a later one is held until then, not dropped."})
    use_model: bool = field(default=True, metadata={"help": "Let the local model write alert text (numbers checked; template otherwise)."})
    text_deadline_s: float = field(default=4.0, metadata={"help": "Longest the model may take to write an alert before the template is used (the model is shared with the kiosk, so keep it short)."})
    reevaluate_s: float = field(default=60.0, metadata={"help": "How often time-to-empty thresholds are re-checked without stock changes."})

    def validate(self) -> None:
        if self.cooldown_s < 0 or self.text_deadline_s <= 0 or self.reevaluate_s <= 0:
            raise ValueError("alerts.cooldown_s must be >= 0; text_deadline_s and reevaluate_s positive")
