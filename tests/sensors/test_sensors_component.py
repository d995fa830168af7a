"""The supervised component with the embedded defaults: the demo loops on mock pins on ctx.clock."""

from __future__ import annotations

import time

from agent.bus import EventBus
from agent.clock import ScaledClock
from agent.component import AgentContext
from agent.config import load_config
from agent.events import EventKind


def test_demo_runs_with_defaults_and_answers_commands(tmp_path, running):
    from agent.sensors import build_component

    cfg = load_config(None)
    assert cfg.sensors.devices == [] and cfg.sensors.demo is True
    cfg._values["device"].data_dir = tmp_path
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    ctx = AgentContext(config=cfg, clock=ScaledClock(speed=20), bus=bus)
    comp = build_component(ctx)
    with running(comp):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(e.kind == EventKind.RESTOCK_ALERT for e in events):
            time.sleep(0.1)
        alerts = [e for e in events if e.kind == EventKind.RESTOCK_ALERT]
        assert alerts, [e.kind for e in events]
        assert comp.health()["ok"] is True and comp.health()["mode"] == "demo:demo"
        stock = ctx.shared["stock"]()
        assert set(stock) == {"COLA-330", "WATER-500", "CRISPS-SALT"}
        assert alerts[0].data["alert_id"] in [a["id"] for a in ctx.shared["alerts"]()]
        res = ctx.commands.dispatch("ack_alert", {"alert_id": alerts[0].data["alert_id"]})
        assert res["ok"] is True
        acked = lambda: any(e.kind == EventKind.ALERT_RESOLVED and e.data.get("reason") == "ack" for e in events)  # noqa: E731
        while time.monotonic() < deadline + 5 and not acked():
            time.sleep(0.05)  # the resolution is published by the alert thread, after any alert still being written
        assert acked()
        assert (tmp_path / "sensors" / "alerts.json").exists()
        assert all(e.source == "sensors" for e in events)


def test_configured_sensors_run_on_the_mock_factory(tmp_path, running):
    """The hardware loop (not the demo) with pin_factory = "mock": a drop beam counts a sale."""
    from gpiozero import Device

    from agent.clock import ManualClock
    from agent.sensors import build_component

    from .conftest import make_config

    cfg = make_config([{"id": "drop", "kind": "beam", "slot": "C1", "pin": 17}, {"id": "pir", "kind": "pir", "pin": 4}],
                      [{"slot": "C1", "sku": "GUM", "capacity": 5, "low_units": 2, "critical_units": 1}],
                      sensors={"pin_factory": "mock"})
    cfg._values["device"].data_dir = tmp_path
    bus = EventBus()
    events = []
    bus.subscribe(events.append)
    ctx = AgentContext(config=cfg, clock=ManualClock(), bus=bus)
    comp = build_component(ctx)
    with running(comp):
        deadline = time.monotonic() + 10
        while comp.engine is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert comp.health()["mode"] == "hardware"
        pin = Device.pin_factory.pin(17)
        for _ in range(3):
            pin.drive_high()
            pin.drive_low()
        while time.monotonic() < deadline and ctx.shared["stock"]() != {"GUM": 2}:
            time.sleep(0.01)
        assert ctx.shared["stock"]() == {"GUM": 2}
        assert sum(e.data["sold"] for e in events if e.kind == EventKind.SALE) == 3
        while time.monotonic() < deadline and not any(e.kind == EventKind.RESTOCK_ALERT for e in events):
            time.sleep(0.01)
        assert [e.data["level"] for e in events if e.kind == EventKind.RESTOCK_ALERT] == ["low"]
        assert ctx.commands.dispatch("set_stock", {"slot": "C1", "units": 5})["ok"]
        assert ctx.shared["stock"]() == {"GUM": 5}
