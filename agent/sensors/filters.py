"""Turning raw samples into trustworthy readings.

A stock change is money (a sale) or a person's time (a restock trip), so a
reading must survive three tests before it moves stock: it is valid (in range,
present, not frozen), it is not a short outlier (median plus outlier hold), and
it held long enough (``Debouncer``). A sensor that keeps failing the first test
is reported as faulty instead of being read as an empty slot.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from statistics import median


@dataclass
class Reading:
    """What one sample produced: a filtered value and/or a fault transition."""

    value: float | None = None          # filtered value when the sensor is healthy and the window is full
    fault: str | None = None            # reason, on the sample that starts a fault
    recovered: bool = False             # on the sample that ends a fault


class SignalFilter:
    """Validity, fault detection, median and outlier rejection for one analog signal.

    ``max_glitch`` consecutive samples further than ``outlier`` from the
    current median are held back; if the deviation persists longer it is a
    real change and the held samples are let in. Invalid samples never enter
    the window; ``fault_samples`` of them in a row raise a fault, and the same
    number of valid ones clear it.
    """

    def __init__(self, *, valid_min: float, valid_max: float, window: int = 7, outlier: float = float("inf"),
                 max_glitch: int = 3, fault_samples: int = 10, stuck_s: float = 0.0) -> None:
        self.valid_min = valid_min
        self.valid_max = valid_max
        self.window: deque[float] = deque(maxlen=window)
        self.outlier = outlier
        self.max_glitch = max_glitch
        self.fault_samples = fault_samples
        self.stuck_s = stuck_s
        self.held: list[float] = []
        self.bad_run = 0
        self.good_run = 0
        self.faulted: str | None = None
        self._last_raw: float | None = None
        self._same_since: float | None = None

    def _invalid_reason(self, raw: float | None, now: float) -> str | None:
        if raw is None:
            return "disconnected: no reading"
        if raw != raw or raw < self.valid_min or raw > self.valid_max:  # NaN or out of range
            return f"out of range: {raw:.4g} not in [{self.valid_min:.4g}, {self.valid_max:.4g}]"
        if self.stuck_s > 0:
            if raw != self._last_raw:
                self._last_raw, self._same_since = raw, now
            elif self._same_since is not None and now - self._same_since >= self.stuck_s:
                return f"stuck: reading {raw:.4g} unchanged for {now - self._same_since:.0f} s"
        return None

    def push(self, raw: float | None, now: float) -> Reading:
        reason = self._invalid_reason(raw, now)
        out = Reading()
        if reason is not None:
            self.bad_run += 1
            self.good_run = 0
            # A stuck signal is one fault at once: its samples were valid all along.
            if self.faulted is None and (self.bad_run >= self.fault_samples or reason.startswith("stuck")):
                self.faulted = reason
                self.window.clear()
                self.held.clear()
                out.fault = reason
            return out
        self.bad_run = 0
        assert raw is not None
        if self.faulted is not None:
            self.good_run += 1
            self.window.append(raw)
            if self.good_run < max(self.fault_samples, self.window.maxlen or 1):
                return out
            self.faulted = None
            out.recovered = True
            out.value = median(self.window)
            return out
        if len(self.window) == self.window.maxlen and abs(raw - median(self.window)) > self.outlier:
            self.held.append(raw)
            if len(self.held) <= self.max_glitch:
                return Reading(value=median(self.window))
            self.window.extend(self.held)
            self.held.clear()
        else:
            self.held.clear()
            self.window.append(raw)
        if len(self.window) < (self.window.maxlen or 1):
            return out
        out.value = median(self.window)
        return out


class Debouncer:
    """Accept a new discrete value only after it held for ``samples`` consecutive samples."""

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.value: int | None = None
        self._candidate: int | None = None
        self._count = 0

    def push(self, v: int) -> int | None:
        """Returns the newly accepted value when it changes, else None."""
        if self.value is None:
            self.value = v
            return v
        if v == self.value:
            self._candidate, self._count = None, 0
            return None
        if v != self._candidate:
            self._candidate, self._count = v, 0
        self._count += 1
        if self._count >= self.samples:
            self.value, self._candidate, self._count = v, None, 0
            return v
        return None

    def reset(self) -> None:
        self._candidate, self._count = None, 0


def distance_to_units(distance_m: float, empty_m: float, full_m: float, capacity: int) -> int:
    """Stack or pusher depth to whole units, clamped to 0..capacity."""
    per_unit = (empty_m - full_m) / capacity
    return max(0, min(capacity, round((empty_m - distance_m) / per_unit)))


def weight_to_units(fraction: float, scale_kg: float, tare_kg: float, unit_kg: float, capacity: int | None = None) -> int:
    """ADC fraction (0..1) of a load cell amplifier to whole units."""
    units = max(0, round((fraction * scale_kg - tare_kg) / unit_kg))
    return min(units, capacity) if capacity else units


def thermistor_celsius(fraction: float, beta: float) -> float | None:
    """NTC in the low side of a divider with an equal fixed resistor: ADC fraction to degrees C."""
    import math

    if not 0.0 < fraction < 1.0:
        return None
    ratio = fraction / (1.0 - fraction)  # R_ntc / R0
    inv_t = 1.0 / 298.15 + math.log(ratio) / beta
    return 1.0 / inv_t - 273.15
