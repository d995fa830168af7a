"""Alert levels with hysteresis, one alert per crossing, cooldown that holds, acks, the on-disk store."""

from __future__ import annotations

import pytest

from agent.sensors.alerts import AlertManager, AlertStore, target_level
from agent.sensors.settings import SlotSpec

SPEC = SlotSpec(slot="A1", sku="COLA", capacity=12, low_units=4, critical_units=1, hysteresis_units=2)


def run(mgr: AlertManager, units_seq, t0=0.0, dt=600.0, slot="A1"):
    actions = []
    for i, u in enumerate(units_seq):
        actions += mgr.evaluate(slot, {"slot": slot, "sku": "COLA", "units": u, "hours_to_empty": None}, t0 + i * dt)
    return actions


def raised(actions):
    return [a.alert.level for a in actions if a.kind == "raise"]


def test_hovering_at_the_threshold_alerts_once():
    mgr = AlertManager([SPEC], cooldown_s=0)
    acts = run(mgr, [6, 5, 4, 5, 4, 5, 4, 5])
    assert raised(acts) == ["low"]
    assert not [a for a in acts if a.kind == "resolve"]


def test_each_crossing_alerts_once_and_refill_resolves():
    mgr = AlertManager([SPEC], cooldown_s=0)
    acts = run(mgr, [12, 4, 3, 1, 0, 12, 8, 4, 1])
    assert raised(acts) == ["low", "critical", "low", "critical"]
    reasons = [a.reason for a in acts if a.kind == "resolve"]
    assert reasons == ["escalated", "refill", "escalated"]
    assert len(mgr.open_alerts()) == 1


def test_hysteresis_levels():
    assert target_level(SPEC, 5, None, "low") == "low"      # 5 < 4 + 2
    assert target_level(SPEC, 6, None, "low") == "ok"
    assert target_level(SPEC, 2, None, "critical") == "critical"  # 2 < 1 + 2
    assert target_level(SPEC, 3, None, "critical") == "low"
    timed = SlotSpec(slot="A1", sku="X", capacity=12, low_units=2, critical_units=1, low_hours=3.0)
    assert target_level(timed, 8, 2.5, "ok") == "low"
    assert target_level(timed, 8, 3.5, "low") == "low"      # needs 25 % margin over 3 h to clear
    assert target_level(timed, 8, 4.0, "low") == "ok"


def test_ack_closes_and_stays_quiet_until_worse():
    mgr = AlertManager([SPEC], cooldown_s=0)
    acts = run(mgr, [12, 4])
    alert = acts[-1].alert
    assert mgr.ack(alert.id) is alert
    assert mgr.ack(alert.id) is None
    assert raised(run(mgr, [3, 4, 3], t0=2000)) == []
    assert raised(run(mgr, [1], t0=9000)) == ["critical"]


def test_cooldown_holds_a_crossing_and_raises_it_later():
    mgr = AlertManager([SPEC], cooldown_s=900)
    assert raised(run(mgr, [12, 4], dt=60)) == ["low"]
    assert raised(run(mgr, [12, 4], t0=200, dt=60)) == []     # refilled and low again within 15 min: held
    assert raised(run(mgr, [4], t0=1200)) == ["low"]           # raised once the cooldown is over
    assert raised(run(mgr, [4, 4], t0=1300)) == []


def test_held_crossing_is_dropped_if_refilled_meanwhile():
    mgr = AlertManager([SPEC], cooldown_s=900)
    run(mgr, [12, 4], dt=60)
    run(mgr, [12, 4, 12], t0=200, dt=60)
    assert raised(run(mgr, [12], t0=1200)) == []


def test_store_round_trip_and_ack_inbox(tmp_path):
    mgr = AlertManager([SPEC], cooldown_s=0)
    alert = run(mgr, [12, 4])[-1].alert
    store = AlertStore(tmp_path / "sensors")
    store.save(mgr.open_alerts())
    assert [a["id"] for a in store.load()] == [alert.id]
    store.request_ack(alert.id)
    assert store.take_acks() == [(alert.id, "cli")]
    assert store.take_acks() == []
    with pytest.raises(ValueError, match="no open alert"):
        store.request_ack("deadbeef0000")
    with pytest.raises(ValueError, match="not valid"):
        store.request_ack("../etc")


def test_corrupt_store_is_a_clear_error(tmp_path):
    store = AlertStore(tmp_path)
    store.file.write_text("{not json")
    with pytest.raises(ValueError, match="unreadable"):
        store.load()
