"""Fixtures for the sensors tests: gpiozero mock pins, a manual clock, an event recorder."""

from __future__ import annotations

import pytest
from gpiozero import Device

from agent.bus import EventBus
from agent.clock import ManualClock
from agent.config import build_config
from agent.sensors.mock_hw import sim_factory


@pytest.fixture
def factory():
    """A fresh mock pin factory, also installed as gpiozero's default (its software SPI needs that)."""
    f = sim_factory()
    old = Device.pin_factory
    Device.pin_factory = f
    yield f
    f.reset()
    Device.pin_factory = old


@pytest.fixture
def clock():
    return ManualClock()


class Recorder:
    def __init__(self, bus: EventBus) -> None:
        self.events = []
        bus.subscribe(self.events.append)

    def of(self, kind: str, **match):
        return [e for e in self.events if e.kind == kind and all(e.data.get(k) == v for k, v in match.items())]


@pytest.fixture
def bus():
    return EventBus()


@pytest.fixture
def rec(bus):
    return Recorder(bus)


def make_config(devices, slots, **sections):
    raw = {"sensors": {"devices": devices, **sections.get("sensors", {})}, "stock": {"slots": slots, **sections.get("stock", {})}}
    if "alerts" in sections:
        raw["alerts"] = sections["alerts"]
    return build_config(raw)
