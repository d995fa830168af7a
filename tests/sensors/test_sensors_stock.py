"""Units per slot, sale/refill changes, EWMA depletion rate and time to empty."""

from __future__ import annotations

import pytest

from agent.sensors.settings import SlotSpec
from agent.sensors.stock import StockBook


def book(**kw):
    return StockBook([SlotSpec(slot="A1", sku="COLA", capacity=12, **kw), SlotSpec(slot="A2", sku="COLA", capacity=12)], rate_window_h=2.0)


def test_changes_are_sales_and_refills():
    b = book()
    assert b.set_units("A1", 10, 0.0).kind == "initial"
    assert b.set_units("A1", 10, 1.0) is None
    c = b.set_units("A1", 8, 2.0)
    assert (c.kind, c.delta, c.units) == ("sale", -2, 8)
    c = b.set_units("A1", 12, 3.0)
    assert (c.kind, c.delta) == ("refill", 4)


def test_rate_converges_to_steady_sales_and_predicts_empty():
    b = book()
    b.set_units("A1", 12, 0.0)
    units, t = 12, 0.0
    # 3 units per hour for 10 hours, refilled whenever it would run out.
    for _ in range(30):
        t += 1200.0
        units = units - 1 if units > 1 else 12
        b.set_units("A1", units, t)
    snap = b.snapshot(t)["A1"]
    assert snap["rate_per_h"] == pytest.approx(3.0, rel=0.25)
    assert snap["hours_to_empty"] == pytest.approx(units / snap["rate_per_h"], abs=0.1)


def test_rate_decays_when_nothing_sells():
    b = book()
    b.set_units("A1", 12, 0.0)
    for i in range(1, 7):
        b.set_units("A1", 12 - i, i * 600.0)
    r0 = b.snapshot(3600.0)["A1"]["rate_per_h"]
    r1 = b.snapshot(3600.0 + 4 * 3600)["A1"]["rate_per_h"]
    assert r1 < r0 * 0.2


def test_beam_counted_slot_starts_at_capacity_and_counts_down():
    b = book()
    assert b.sold("A1", 2, 0.0).units == 10


def test_units_by_sku_sums_slots_and_leaves_out_unknown():
    b = book()
    b.set_units("A1", 3, 0.0)
    b.set_units("A2", 4, 0.0)
    assert b.units_by_sku() == {"COLA": 7}
    b.set_known("A2", False)
    assert b.units_by_sku() == {"COLA": 3}
