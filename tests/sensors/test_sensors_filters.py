"""Median and outlier filtering, fault detection, debouncing, calibration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.sensors.filters import Debouncer, SignalFilter, distance_to_units, thermistor_celsius, weight_to_units


def feed(f: SignalFilter, values, t0=0.0, dt=0.1):
    return [f.push(v, t0 + i * dt) for i, v in enumerate(values)]


def make(**kw) -> SignalFilter:
    base = {"valid_min": 0.02, "valid_max": 0.99, "window": 7, "outlier": 0.02, "fault_samples": 10}
    base.update(kw)
    return SignalFilter(**base)


def test_window_fills_before_a_value():
    out = feed(make(), [0.3] * 7)
    assert [r.value for r in out[:6]] == [None] * 6
    assert out[6].value == pytest.approx(0.3)


@given(glitch=st.lists(st.floats(0.021, 0.98), min_size=1, max_size=3), base=st.floats(0.1, 0.8), at=st.integers(0, 20))
@settings(max_examples=200, deadline=None)
def test_glitch_of_up_to_three_valid_samples_never_moves_the_value(glitch, base, at):
    f = make()
    values = [base] * (10 + at) + glitch + [base] * 10
    out = [r.value for r in feed(f, values) if r.value is not None]
    assert all(v == pytest.approx(base) for v in out)


@given(n=st.integers(1, 9))
def test_short_invalid_runs_do_not_fault(n):
    f = make()
    out = feed(f, [0.3] * 10 + [None] * n + [0.3] * 10)
    assert not any(r.fault for r in out)


def test_persistent_change_is_accepted_after_the_glitch_hold():
    f = make()
    out = feed(f, [0.30] * 10 + [0.40] * 10)
    values = [r.value for r in out]
    assert values[-1] == pytest.approx(0.40)


def test_out_of_range_run_raises_one_fault_and_recovers():
    f = make()
    out = feed(f, [0.3] * 10 + [0.995] * 30 + [0.3] * 12)
    faults = [r.fault for r in out if r.fault]
    assert len(faults) == 1 and faults[0].startswith("out of range")
    assert sum(r.recovered for r in out) == 1
    during = out[20:40]
    assert all(r.value is None for r in during)  # a faulty sensor yields no value, so no false stock change


def test_disconnected_reports_no_reading():
    f = make()
    out = feed(f, [0.3] * 10 + [None] * 10)
    assert out[-1].fault == "disconnected: no reading"


def test_stuck_signal_faults_after_stuck_s():
    f = make(stuck_s=5.0)
    noisy = [0.3 + (i % 3) * 0.001 for i in range(20)]
    out = feed(f, noisy + [0.3] * 60)
    faults = [(i, r.fault) for i, r in enumerate(out) if r.fault]
    assert len(faults) == 1 and faults[0][1].startswith("stuck")
    assert faults[0][0] >= 20 + 49  # not before 5 s of identical samples at 10 Hz


def test_debouncer_needs_a_stable_run():
    d = Debouncer(3)
    assert d.push(5) == 5
    assert [d.push(v) for v in (4, 4, 5, 4, 4, 4)] == [None, None, None, None, None, 4]


def test_calibration():
    assert distance_to_units(0.62, 0.62, 0.14, 12) == 0
    assert distance_to_units(0.14, 0.62, 0.14, 12) == 12
    assert distance_to_units(0.62 - 5 * 0.04 + 0.015, 0.62, 0.14, 12) == 5
    assert distance_to_units(0.05, 0.62, 0.14, 12) == 12  # clamped
    assert weight_to_units((2.0 + 3 * 0.5) / 20, 20.0, 2.0, 0.5) == 3
    assert weight_to_units(0.0, 20.0, 2.0, 0.5) == 0
    assert thermistor_celsius(0.5, 3950) == pytest.approx(25.0)
    assert thermistor_celsius(0.3, 3950) > 25.0  # NTC: lower resistance is warmer
    assert thermistor_celsius(1.0, 3950) is None
