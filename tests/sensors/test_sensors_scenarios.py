"""Both shipped scenarios end to end on mock pins, checked against a ground truth computed here from the steps."""

from __future__ import annotations

import functools
import json

import pytest

from agent.bus import EventBus
from agent.clock import ManualClock
from agent.config import ConfigError
from agent.events import EventKind
from agent.sensors.cli import check_expectations
from agent.sensors.scenario import ScenarioRunner, builtin_names, load_scenario


def ground_truth(sc):
    """Per slot: sold units, sale steps, refill steps, and the alert levels a correct system raises.

    An alert is due when the true units reach a threshold while it is armed; a
    threshold re-arms only at threshold + hysteresis (an ack does not re-arm);
    a step that crosses both thresholds at once is one critical alert.
    """
    specs = {s.slot: s for s in sc.config.stock.slots}
    units = dict(sc.initial)
    armed = {s: {"low": True, "critical": True} for s in specs}
    out = {s: {"sold": 0, "sales": 0, "refills": 0, "alerts": []} for s in specs}
    for st in sc.steps:
        if st.do not in ("sell", "refill"):
            continue
        s, spec = st.slot, specs[st.slot]
        before = units[s]
        units[s] = max(0, before - st.units) if st.do == "sell" else min(spec.capacity, st.units)
        if units[s] < before:
            out[s]["sold"] += before - units[s]
            out[s]["sales"] += 1
        elif units[s] > before:
            out[s]["refills"] += 1
        crossed = []
        for level, thr in (("low", spec.low_units), ("critical", spec.critical_units)):
            if units[s] <= thr and armed[s][level]:
                crossed.append(level)
                armed[s][level] = False
            elif units[s] >= thr + spec.hysteresis_units:
                armed[s][level] = True
        if crossed:
            out[s]["alerts"].append(crossed[-1])
    return out, units


@functools.cache
def play(name):
    sc = load_scenario(name)
    bus, clock = EventBus(), ManualClock()
    events = []
    bus.subscribe(events.append)
    runner = ScenarioRunner(sc, clock, bus)
    try:
        runner.run()
    finally:
        runner.close()
    return sc, events, runner


@pytest.mark.parametrize("name", ["vending_day", "shelf_failing_sensor"])
def test_scenario_end_to_end(name):
    sc, events, runner = play(name)
    truth, final = ground_truth(sc)
    glitches = [st for st in sc.steps if st.do == "glitch"]
    assert glitches and any(st.samples == 3 for st in glitches)  # the scenario really exercises 3-sample glitches
    for slot, t in truth.items():
        sales = [e for e in events if e.kind == EventKind.SALE and e.data["slot"] == slot]
        refills = [e for e in events if e.kind == EventKind.REFILL and e.data["slot"] == slot]
        alerts = [e.data["level"] for e in events if e.kind == EventKind.RESTOCK_ALERT and e.data["slot"] == slot]
        assert sum(e.data["sold"] for e in sales) == t["sold"], slot
        assert len(sales) == t["sales"], slot           # a glitch never became a sale
        assert len(refills) == t["refills"], slot       # ...nor a refill
        assert alerts == t["alerts"], slot              # every crossing alerted exactly once, no false alert
        assert t["alerts"], f"scenario should take {slot} through a threshold"
    stock = {}
    for e in events:
        if e.kind == EventKind.STOCK:
            stock[e.data["slot"]] = e.data["units"]
    assert stock == final
    assert check_expectations(sc, events) == []
    # Every alert carries the facts and says which path wrote its text.
    for e in events:
        if e.kind == EventKind.RESTOCK_ALERT:
            assert e.data["text_source"] in ("model", "template") and e.data["message"]
            assert {"slot", "sku", "units", "suggested_qty", "alert_id"} <= set(e.data)
    assert runner.engine.samples > 1000


def test_shelf_fault_is_reported_once_and_freezes_its_slot():
    sc, events, _ = play("shelf_failing_sensor")
    faults = [e for e in events if e.kind == EventKind.SENSOR_FAULT]
    recovered = [e for e in events if e.kind == EventKind.SENSOR_RECOVERED]
    assert [f.data["sensor"] for f in faults] == ["B4-weight"] and len(recovered) == 1
    t_fault, t_rec = faults[0].ts, recovered[0].ts
    assert t_rec - t_fault > 30 * 60
    during = [e for e in events if t_fault < e.ts < t_rec and e.data.get("slot") == "B4"]
    assert during == []  # no sale, no alert for the slot while its sensor is out
    after = [e for e in events if e.kind == EventKind.SALE and e.data["slot"] == "B4" and e.ts >= t_rec]
    assert after[0].data["sold"] == 2  # the cans sold during the outage are found on repair


def test_vending_hysteresis_and_ack():
    sc, events, _ = play("vending_day")
    a2 = [e for e in events if e.data.get("slot") == "A2" and e.kind in (EventKind.RESTOCK_ALERT, EventKind.ALERT_RESOLVED)]
    assert [(e.kind, e.data.get("reason")) for e in a2] == [("restock_alert", None), ("alert_resolved", "ack"), ("restock_alert", None)]
    assert [e.data["open"] for e in events if e.kind == EventKind.DOOR] == [True, False]
    assert any(e.kind == EventKind.MOTION for e in events)
    temps = [e.data["celsius"] for e in events if e.kind == EventKind.TELEMETRY]
    assert temps and all(abs(t - 25.0) < 1.0 for t in temps)


def test_simulate_cli_json_lines(capsys):
    from agent.cli import main

    assert main(["simulate", "--scenario", "shelf_failing_sensor", "--json", "--no-model"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    events = [json.loads(line) for line in lines]
    assert {"id", "kind", "ts", "source", "data"} <= set(events[0])
    assert sum(e["kind"] == "restock_alert" for e in events) == 7


def test_bad_scenarios_get_specific_errors(tmp_path):
    assert {"vending_day", "shelf_failing_sensor", "demo"} <= set(builtin_names())
    with pytest.raises(ConfigError, match="no such scenario"):
        load_scenario("nope")
    p = tmp_path / "s.toml"
    p.write_text('[[steps]]\nat = 5\ndo = "explode"\n')
    with pytest.raises(ConfigError, match=r"steps\[0\].do"):
        load_scenario(str(p))
    p.write_text('[[config.stock.slots]]\nslot = "A"\nsku = "X"\n[[steps]]\nat = "1:xx"\ndo = "sell"\nslot = "A"\n')
    with pytest.raises(ConfigError, match=r"steps\[0\].at"):
        load_scenario(str(p))
    p.write_text('[[config.stock.slots]]\nslot = "A"\nsku = "X"\n[[steps]]\nat = 1\ndo = "sell"\nslot = "B"\n')
    with pytest.raises(ConfigError, match=r"'B' is not a slot"):
        load_scenario(str(p))
    p.write_text("[config.sensors]\nrate_hz = 'fast'\n")
    with pytest.raises(ConfigError, match="config.sensors.rate_hz"):
        load_scenario(str(p))


def test_simulate_at_speed_on_a_scaled_clock(capsys):
    """--speed uses ScaledClock: the demo's 4 minutes in about 4 s, same alerts as the ground truth."""
    from agent.cli import main

    assert main(["simulate", "--scenario", "demo", "--speed", "60", "--no-model"]) == 0
    err = capsys.readouterr().err
    assert "all 5 expectations met" in err
