"""Every sensor kind, built from config by open_channel, read through gpiozero on mock pins."""

from __future__ import annotations

import time
import warnings

import pytest
from gpiozero.pins.mock import MockTriggerPin

from agent.sensors.devices import open_channel
from agent.sensors.filters import thermistor_celsius
from agent.sensors.mock_hw import EchoPin, EchoTriggerPin, MockMCP3008
from agent.sensors.settings import SensorSpec


def spec(**kw) -> SensorSpec:
    s = SensorSpec(**kw)
    s.validate()
    return s


def test_ultrasonic_with_gpiozero_style_echo(factory):
    # gpiozero's own tests: a trigger pin that makes the echo pin go high for echo_time (real time).
    echo = factory.pin(24)
    factory.pin(23, pin_class=MockTriggerPin, echo_pin=echo, echo_time=0.002)  # 2 ms round trip = 0.343 m
    ch = open_channel(spec(id="u", kind="ultrasonic", slot="A1", pin=24, trigger=23), factory)
    try:
        deadline = time.monotonic() + 3
        d = None
        while time.monotonic() < deadline:
            d = ch.read()
            if d and d > 0.2:
                break
            time.sleep(0.05)
        # The echo is a real-time sleep: never shorter than 2 ms, longer on a loaded machine.
        assert d is not None and 0.34 <= d < 0.999, d
    finally:
        ch.close()


def test_ultrasonic_synchronous_echo_follows_distance(factory):
    echo = factory.pin(24, pin_class=EchoPin)
    trig = factory.pin(23, pin_class=EchoTriggerPin, echo_pin=echo, distance_m=0.30)
    ch = open_channel(spec(id="u", kind="ultrasonic", slot="A1", pin=24, trigger=23), factory)
    try:
        assert trig.wait_pulses(2)
        assert ch.read() == pytest.approx(0.30, abs=1e-6)
        trig.distance_m = 0.52
        assert trig.wait_pulses(2)
        assert ch.read() == pytest.approx(0.52, abs=1e-6)
        assert ch.valid_range()[1] < 1.0  # a reading at max_distance means no echo: invalid
    finally:
        ch.close()


def test_beam_counts_every_break_even_between_samples(factory):
    ch = open_channel(spec(id="b", kind="beam", slot="A3", pin=17), factory)
    pin = factory.pin(17)
    for _ in range(3):
        pin.drive_high()
        pin.drive_low()
    assert ch.take_count() == 3
    assert ch.take_count() == 0
    assert ch.read() == 0.0
    ch.close()


@pytest.mark.parametrize("kind", ["switch", "door", "pir"])
def test_digital_kinds_follow_the_pin(factory, kind):
    ch = open_channel(spec(id=kind, kind=kind, slot="A1", pin=5), factory)
    pin = factory.pin(5)
    pin.drive_low()
    assert ch.read() == 0.0
    pin.drive_high()
    assert ch.read() == 1.0
    ch.close()


def test_door_with_pull_up_is_active_low(factory):
    ch = open_channel(spec(id="door", kind="door", pin=27, pull_up=True), factory)
    pin = factory.pin(27)
    assert ch.read() == 0.0  # pulled up = switch open circuit = inactive
    pin.drive_low()
    assert ch.read() == 1.0
    ch.close()


def test_loadcell_and_thermistor_on_mcp3008(factory):
    chip = MockMCP3008(factory)
    chip.set_fraction(3, 0.25)
    chip.set_fraction(0, 0.5)
    lc = open_channel(spec(id="lc", kind="loadcell", slot="B1", channel=3), factory)
    th = open_channel(spec(id="th", kind="thermistor", channel=0), factory)
    try:
        assert lc.read() == pytest.approx(0.25, abs=1 / 1023)
        c = thermistor_celsius(th.read(), 3950.0)
        assert c == pytest.approx(25.0, abs=0.2)
        chip.connected[3] = False  # a loose wire floats to full scale
        assert lc.read() == pytest.approx(1.0)
        assert lc.read() > lc.valid_range()[1]
    finally:
        lc.close()
        th.close()


def test_cpu_temperature_from_thermal_zone_file(factory, tmp_path):
    f = tmp_path / "temp"
    f.write_text("48312\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ch = open_channel(spec(id="cpu", kind="cpu_temp", sensor_file=str(f)), factory)
    assert ch.read() == pytest.approx(48.312)
    f.unlink()
    assert ch.read() is None  # a missing zone is "no reading", not a crash
    ch.close()


def test_spec_validation_names_the_problem():
    with pytest.raises(ValueError, match="trigger"):
        spec(id="u", kind="ultrasonic", slot="A1", pin=24, trigger=24)
    with pytest.raises(ValueError, match="channel"):
        spec(id="lc", kind="loadcell", slot="B1", channel=9)
    with pytest.raises(ValueError, match="slot"):
        spec(id="b", kind="beam", pin=4)
