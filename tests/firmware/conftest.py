"""Fixtures: the emulated controller on a pty, wired to gpiozero MockFactory pins."""

from __future__ import annotations

import pytest
from gpiozero.pins.mock import MockFactory

from firmware_bridge.bootpins import GpioBootControl
from firmware_bridge.emulator import EmulatedDevice, Faults, gpio_lines
from firmware_bridge.serialport import open_serial

BOOT0, RESET = "GPIO17", "GPIO27"
FAST_BAUD = 2_000_000  # unpaced: the wire is not what these tests measure


@pytest.fixture
def pins():
    return MockFactory()


@pytest.fixture
def boot(pins):
    b = GpioBootControl(BOOT0, RESET, pin_factory=pins, reset_hold_s=0.002, boot_delay_s=0.005)
    yield b
    b.close()


def make_device(pins, faults: Faults | None = None, **kw) -> EmulatedDevice:
    kw.setdefault("baud", FAST_BAUD)
    kw.setdefault("pace", False)
    return EmulatedDevice(lines=gpio_lines(pins, BOOT0, RESET), faults=faults, **kw).start()


@pytest.fixture
def device(pins, boot):
    dev = make_device(pins)
    yield dev
    dev.stop()


@pytest.fixture
def app_device():
    """The controller application alone (no GPIO wiring), as the agent's link sees it."""
    dev = EmulatedDevice(baud=FAST_BAUD, pace=False).start()
    yield dev
    dev.stop()


@pytest.fixture
def port_for():
    opened = []

    def _open(dev: EmulatedDevice, parity: str = "N", timeout: float = 0.5):
        p = open_serial(dev.path, FAST_BAUD, parity, timeout)
        opened.append(p)
        return p

    yield _open
    for p in opened:
        p.close()
