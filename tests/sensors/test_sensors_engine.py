"""The engine on mock pins: sale/refill detection, faults instead of false stock changes, commands, the CLI ack path."""

from __future__ import annotations

import pytest

from agent.component import AgentContext, CommandError, CommandRegistry
from agent.config import ConfigError
from agent.events import EventKind
from agent.sensors.alerts import AlertStore
from agent.sensors.engine import SensorEngine
from agent.sensors.mock_hw import MockMCP3008

from .conftest import make_config

LC = {"id": "lc", "kind": "loadcell", "slot": "B1", "channel": 0, "scale_kg": 20.0, "tare_kg": 2.0, "unit_kg": 1.0}
SLOT = {"slot": "B1", "sku": "RICE", "product": "Rice 1kg", "capacity": 12, "low_units": 4, "critical_units": 1}


def frac(units):
    return (2.0 + units * 1.0) / 20.0


@pytest.fixture
def rig(factory, clock, bus, tmp_path):
    chip = MockMCP3008(factory, noise_lsb=1)
    chip.set_fraction(0, frac(10))
    cfg = make_config([LC, {"id": "door", "kind": "door", "pin": 27}], [SLOT], alerts={"cooldown_s": 0})
    store = AlertStore(tmp_path / "sensors")
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory, store=store)

    def ticks(n):
        for _ in range(n):
            eng.tick()
            clock.sleep(0.1)

    yield eng, chip, ticks, store
    eng.close()


def test_sales_and_refill_from_weight(rig, rec):
    eng, chip, ticks, _ = rig
    ticks(30)
    assert rec.of(EventKind.STOCK)[-1].data["units"] == 10
    chip.set_fraction(0, frac(7))
    ticks(30)
    chip.set_fraction(0, frac(12))
    ticks(30)
    assert [(e.data["sold"], e.data["units"]) for e in rec.of(EventKind.SALE)] == [(3, 7)]
    assert [(e.data["added"], e.data["units"]) for e in rec.of(EventKind.REFILL)] == [(5, 12)]
    for e in rec.of(EventKind.STOCK):
        assert {"slot", "sku", "units"} <= set(e.data) and e.data["sku"] == "RICE"
    assert eng.stock.units_by_sku() == {"RICE": 12}


def test_every_event_uses_the_injected_clock(rig, rec, clock):
    _, chip, ticks, _ = rig
    ticks(30)
    clock.advance(3600)
    chip.set_fraction(0, frac(3))
    ticks(40)
    assert rec.events and all(abs(e.ts - clock.time()) < 3700 for e in rec.events)
    assert rec.of(EventKind.SALE)[0].ts >= clock.time() - 5


def test_disconnected_loadcell_is_a_fault_not_a_sellout(rig, rec):
    eng, chip, ticks, _ = rig
    ticks(30)
    chip.connected[0] = False
    ticks(50)
    faults = rec.of(EventKind.SENSOR_FAULT)
    assert len(faults) == 1 and faults[0].data["sensor"] == "lc" and "out of range" in faults[0].data["reason"]
    assert not rec.of(EventKind.SALE) and not rec.of(EventKind.RESTOCK_ALERT)
    assert eng.health()["ok"] is False and eng.health()["faulty"] == ["lc"]
    assert eng.stock.units_by_sku() == {}  # unknown while faulty: the kiosk falls back to its catalog
    chip.set_fraction(0, frac(6))
    chip.connected[0] = True
    ticks(40)
    assert len(rec.of(EventKind.SENSOR_RECOVERED)) == 1
    assert [(e.data["sold"], e.data["units"]) for e in rec.of(EventKind.SALE)] == [(4, 6)]
    assert eng.health()["ok"] is True


def test_alert_ack_through_the_cli_inbox(rig, rec, tmp_path, capsys):
    from agent.cli import main

    eng, chip, ticks, store = rig
    ticks(30)
    chip.set_fraction(0, frac(3))
    ticks(30)
    (alert,) = rec.of(EventKind.RESTOCK_ALERT)
    assert alert.data["level"] == "low" and alert.data["text_source"] == "template"
    assert store.load()[0]["id"] == alert.data["alert_id"]
    assert main(["alerts", "list", "--data-dir", str(tmp_path)]) == 0
    assert alert.data["alert_id"] in capsys.readouterr().out
    assert main(["alerts", "ack", alert.data["alert_id"], "--data-dir", str(tmp_path)]) == 0
    assert main(["alerts", "ack", "ffffffffffff", "--data-dir", str(tmp_path)]) == 2
    assert "no open alert" in capsys.readouterr().err
    ticks(15)
    (res,) = rec.of(EventKind.ALERT_RESOLVED)
    assert res.data == {"alert_id": alert.data["alert_id"], "slot": "B1", "sku": "RICE", "level": "low", "reason": "ack", "by": "cli"}
    assert store.load() == []


def test_door_events(rig, rec, factory):
    _, _, ticks, _ = rig
    ticks(5)
    factory.pin(27).drive_high()
    ticks(5)
    factory.pin(27).drive_low()
    ticks(5)
    assert [e.data["open"] for e in rec.of(EventKind.DOOR)] == [True, False]


def test_wiring_errors_name_the_sensor(factory, clock, bus):
    cfg = make_config([dict(LC, slot="Z9")], [SLOT])
    with pytest.raises(ConfigError, match="Z9"):
        SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)
    cfg = make_config([{"id": "a", "kind": "door", "pin": 5}, {"id": "b", "kind": "pir", "pin": 5}], [SLOT])
    with pytest.raises(ConfigError, match="GPIO 5 is already used"):
        SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)


def test_config_errors_are_specific():
    with pytest.raises(ConfigError, match=r"sensors.devices\[0\].kind"):
        make_config([{"id": "x", "kind": "laser", "pin": 3}], [])
    with pytest.raises(ConfigError, match="critical_units <= low_units"):
        make_config([], [dict(SLOT, low_units=1, critical_units=3)])


def test_component_commands(factory, clock, bus, rec, tmp_path):
    from agent.sensors import build_component

    cfg = make_config([LC], [SLOT], alerts={"cooldown_s": 0})
    cfg._values["device"].data_dir = tmp_path
    ctx = AgentContext(config=cfg, clock=clock, bus=bus, commands=CommandRegistry())
    comp = build_component(ctx)
    assert {"ack_alert", "set_stock"} <= set(ctx.commands.names())
    assert ctx.shared["stock"]() == {}
    with pytest.raises(CommandError, match="not running"):
        ctx.commands.dispatch("ack_alert", {"alert_id": "abc"})
    chip = MockMCP3008(factory)
    chip.set_fraction(0, frac(2))
    comp.engine = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)
    for _ in range(30):
        comp.engine.tick()
        clock.sleep(0.1)
    assert ctx.shared["stock"]() == {"RICE": 2}
    (alert,) = rec.of(EventKind.RESTOCK_ALERT)
    with pytest.raises(CommandError, match="alert_id"):
        ctx.commands.dispatch("ack_alert", {"alert_id": "../x"})
    assert ctx.commands.dispatch("ack_alert", {"alert_id": alert.data["alert_id"]})["ok"] is True
    with pytest.raises(CommandError, match="no open alert"):
        ctx.commands.dispatch("ack_alert", {"alert_id": alert.data["alert_id"]})
    with pytest.raises(CommandError, match="whole number 0..12"):
        ctx.commands.dispatch("set_stock", {"slot": "B1", "units": 99})
    comp.engine.close()


def test_stock_event_carries_the_sku_total_over_slots(factory, clock, bus, rec):
    chip = MockMCP3008(factory)
    chip.set_fraction(0, frac(5))
    chip.set_fraction(1, frac(3))
    slots = [SLOT, dict(SLOT, slot="B2")]
    cfg = make_config([LC, dict(LC, id="lc2", slot="B2", channel=1)], slots)
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)
    try:
        for _ in range(30):
            eng.tick()
            clock.sleep(0.1)
        last = {e.data["slot"]: e.data for e in rec.of(EventKind.STOCK)}
        assert (last["B1"]["units"], last["B2"]["units"]) == (5, 3)
        assert max(e.data["sku_units"] for e in rec.of(EventKind.STOCK)) == 8
        assert eng.stock.units_by_sku() == {"RICE": 8}
    finally:
        eng.close()


def test_restart_does_not_alert_the_same_crossing_twice(factory, clock, bus, rec, tmp_path):
    chip = MockMCP3008(factory)
    chip.set_fraction(0, frac(3))
    cfg = make_config([LC], [SLOT], alerts={"cooldown_s": 0})
    store = AlertStore(tmp_path / "sensors")

    def run_engine(n):
        eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory, store=store)
        try:
            for _ in range(n):
                eng.tick()
                clock.sleep(0.1)
        finally:
            eng.close()
        return eng

    run_engine(30)
    (alert,) = rec.of(EventKind.RESTOCK_ALERT)
    run_engine(30)  # restarted, still 3 units: same crossing, no new alert, the open alert is kept
    assert len(rec.of(EventKind.RESTOCK_ALERT)) == 1
    assert [a["id"] for a in store.load()] == [alert.data["alert_id"]]
    chip.set_fraction(0, frac(12))
    eng = run_engine(40)  # refilled while the agent was down: the restored alert resolves
    assert [e.data["reason"] for e in rec.of(EventKind.ALERT_RESOLVED)] == ["refill"]
    assert eng.alerts.open_alerts() == [] and store.load() == []


def test_damaged_alert_state_does_not_stop_the_sensors(factory, clock, bus, rec, tmp_path):
    chip = MockMCP3008(factory)
    chip.set_fraction(0, frac(3))
    store = AlertStore(tmp_path / "sensors")
    store.dir.mkdir(parents=True)
    store.file.write_text("{{{")
    cfg = make_config([LC], [SLOT])
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory, store=store)
    for _ in range(30):
        eng.tick()
        clock.sleep(0.1)
    eng.close()
    assert len(rec.of(EventKind.RESTOCK_ALERT)) == 1
    assert store.load()[0]["slot"] == "B1"  # rewritten whole


def test_async_alert_text_keeps_event_order(factory, clock, bus, rec):
    """A slow model writes on its own thread; resolutions still come after the alerts they resolve."""
    import time

    class SlowModel:
        def chat(self, messages, cfg):
            time.sleep(0.3)
            return "garbage 99"

    chip = MockMCP3008(factory)
    chip.set_fraction(0, frac(4))
    cfg = make_config([LC], [SLOT], alerts={"cooldown_s": 0})
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory,
                       model=lambda: SlowModel(), async_text=True)
    try:
        for units in (4, 1):
            chip.set_fraction(0, frac(units))
            for _ in range(25):
                eng.tick()
                clock.sleep(0.1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(rec.of(EventKind.RESTOCK_ALERT)) < 2:
            time.sleep(0.05)
    finally:
        eng.close()
    seq = [(e.kind, e.data.get("level")) for e in rec.events if e.kind in (EventKind.RESTOCK_ALERT, EventKind.ALERT_RESOLVED)]
    assert seq == [("restock_alert", "low"), ("alert_resolved", "low"), ("restock_alert", "critical")]
    assert all(e.data["text_source"] == "template" and "check failed" in e.data["text_reason"] for e in rec.of(EventKind.RESTOCK_ALERT))


def test_slot_switch_sold_out_and_refilled(factory, clock, bus, rec):
    pin = factory.pin(6)
    pin.drive_high()  # product present
    cfg = make_config([{"id": "sw", "kind": "switch", "slot": "S1", "pin": 6}],
                      [{"slot": "S1", "sku": "MINTS", "capacity": 6, "low_units": 2, "critical_units": 0, "initial_units": 3}],
                      alerts={"cooldown_s": 0})
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)
    try:
        def ticks(n):
            for _ in range(n):
                eng.tick()
                clock.sleep(0.1)

        ticks(5)
        pin.drive_low()
        ticks(1)
        pin.drive_high()  # a one-sample bounce is not a sell-out
        ticks(5)
        assert not rec.of(EventKind.SALE)
        pin.drive_low()
        ticks(5)
        pin.drive_high()
        ticks(5)
    finally:
        eng.close()
    assert [(e.data["sold"], e.data["units"]) for e in rec.of(EventKind.SALE)] == [(3, 0)]
    assert [(e.data["added"], e.data["units"]) for e in rec.of(EventKind.REFILL)] == [(6, 6)]
    assert [e.data["level"] for e in rec.of(EventKind.RESTOCK_ALERT)] == ["critical"]
    assert [e.data["reason"] for e in rec.of(EventKind.ALERT_RESOLVED)] == ["refill"]


def test_time_to_empty_threshold_alerts_before_the_unit_threshold(factory, clock, bus, rec):
    """A fast seller is low by time to empty while it still has plenty of units."""
    pin = factory.pin(17)
    slot = {"slot": "C1", "sku": "ICE", "capacity": 20, "low_units": 2, "critical_units": 1, "low_hours": 2.0}
    cfg = make_config([{"id": "drop", "kind": "beam", "slot": "C1", "pin": 17}], [slot], stock={"rate_window_h": 1.0},
                      alerts={"cooldown_s": 0, "reevaluate_s": 60})
    eng = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=clock, bus=bus, factory=factory)
    try:
        for _ in range(8):  # a unit every 5 minutes
            pin.drive_high()
            pin.drive_low()
            eng.tick()
            clock.sleep(300)
        alerts = rec.of(EventKind.RESTOCK_ALERT)
        assert len(alerts) == 1 and alerts[0].data["level"] == "low"
        assert alerts[0].data["units"] > slot["low_units"] and alerts[0].data["hours_to_empty"] <= 2.0
        # Sales stop: the rate decays, time to empty grows past the margin, the alert re-arms silently.
        for _ in range(12):
            clock.sleep(600)
            eng.tick()
        assert eng.alerts.state["C1"].level == "ok"
        assert len(rec.of(EventKind.RESTOCK_ALERT)) == 1
        assert [e.data["reason"] for e in rec.of(EventKind.ALERT_RESOLVED)] == ["demand_dropped"]
    finally:
        eng.close()
