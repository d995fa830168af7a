"""Units per slot, sales and refills, depletion rate and time to empty.

The rate is an exponentially weighted count of units sold per hour with time
constant ``rate_window_h``: it follows a change in demand within a few hours
and decays on its own when nothing sells, so time to empty never comes from a
morning rush that is long over.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from agent.sensors.settings import SlotSpec


@dataclass
class SlotState:
    spec: SlotSpec
    units: int | None = None           # None until the first reading
    rate_per_h: float = 0.0
    rate_t: float | None = None        # clock time the rate was last decayed to
    known: bool = True                 # False while its sensor is faulty

    def decay_to(self, now: float, tau_h: float) -> None:
        if self.rate_t is not None and now > self.rate_t:
            self.rate_per_h *= math.exp(-(now - self.rate_t) / 3600.0 / tau_h)
        self.rate_t = now

    def hours_to_empty(self) -> float | None:
        if self.units is None or self.rate_per_h < 0.05:
            return None
        return self.units / self.rate_per_h

    def suggested_quantity(self) -> int:
        return max(0, self.spec.capacity - (self.units or 0))


@dataclass(frozen=True)
class Change:
    kind: str       # "sale" | "refill" | "initial"
    slot: str
    delta: int
    units: int


class StockBook:
    """Thread-safe: the sampler writes, the kiosk and commands read."""

    def __init__(self, slots: list[SlotSpec], rate_window_h: float = 2.0) -> None:
        self.tau_h = rate_window_h
        self._lock = threading.Lock()
        self.slots: dict[str, SlotState] = {s.slot: SlotState(s) for s in slots}

    def set_units(self, slot: str, units: int, now: float) -> Change | None:
        """A measured or counted level; returns the sale/refill it implies."""
        with self._lock:
            st = self.slots[slot]
            st.decay_to(now, self.tau_h)
            prev = st.units
            st.units = units
            if prev is None:
                return Change("initial", slot, 0, units)
            delta = units - prev
            if delta == 0:
                return None
            if delta < 0:
                # Adding sold/tau keeps the steady-state value equal to the sales rate per hour.
                st.rate_per_h += -delta / self.tau_h
                return Change("sale", slot, delta, units)
            return Change("refill", slot, delta, units)

    def sold(self, slot: str, n: int, now: float) -> Change | None:
        """``n`` units counted out by a drop beam."""
        with self._lock:
            st = self.slots[slot]
            base = st.units if st.units is not None else (st.spec.initial_units if st.spec.initial_units >= 0 else st.spec.capacity)
        return self.set_units(slot, max(0, base - n), now)

    def set_known(self, slot: str, known: bool) -> None:
        with self._lock:
            self.slots[slot].known = known

    def snapshot(self, now: float) -> dict[str, dict]:
        with self._lock:
            out = {}
            for sid, st in self.slots.items():
                st.decay_to(now, self.tau_h)
                tte = st.hours_to_empty()
                out[sid] = {"slot": sid, "sku": st.spec.sku, "product": st.spec.product or st.spec.sku, "units": st.units,
                            "capacity": st.spec.capacity, "rate_per_h": round(st.rate_per_h, 2),
                            "hours_to_empty": None if tte is None else round(tte, 1), "known": st.known}
            return out

    def units_by_sku(self) -> dict[str, int]:
        """Current units per SKU (summed over slots), for the kiosk; unknown levels are left out."""
        with self._lock:
            out: dict[str, int] = {}
            for st in self.slots.values():
                if st.units is not None and st.known:
                    out[st.spec.sku] = out.get(st.spec.sku, 0) + st.units
            return out
