"""The daemon pings the systemd watchdog only while its components are healthy."""

from __future__ import annotations

import threading
import time

import edtest_steady
import pytest

from agent.daemon.notify import Notifier
from agent.daemon.runner import Daemon


def write_config(tmp_path, components, **health):
    h = {"unhealthy_grace_s": 0.0, "watchdog_exempt": [], "state_interval_s": 0.2, "event_interval_s": 0.3, **health}
    lines = ["[device]", 'id = "wd-test"', f'data_dir = "{tmp_path / "data"}"',
             "[daemon]", f"components = {components!r}".replace("'", '"'), "preload_model = false",
             f'model_dir = "{tmp_path / "no-model"}"', "restart_backoff_s = 0.05", "restart_backoff_max_s = 0.05",
             "[health]"] + [f"{k} = {v!r}".replace("'", '"').replace("True", "true").replace("False", "false") for k, v in h.items()]
    p = tmp_path / "agent.toml"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.fixture
def running(tmp_path, notify_socket, markers):
    started = []

    def start(components, **health):
        cfg = write_config(tmp_path, components, **health)
        n = Notifier({"NOTIFY_SOCKET": notify_socket.path, "WATCHDOG_USEC": "100000"})  # ping every 50 ms
        d = Daemon(cfg, notifier=n, install_signals=False, loader=lambda p: None)
        rc = []
        t = threading.Thread(target=lambda: rc.append(d.run()), daemon=True)
        t.start()
        assert d.started.wait(10)
        started.append((d, t, rc))
        return d

    yield start
    for d, t, _ in started:
        d.request_stop()
        t.join(10)
    edtest_steady.HEALTHY.set()


def pings_during(notify_socket, seconds):
    before = notify_socket.count("WATCHDOG=1")
    time.sleep(seconds)
    return notify_socket.count("WATCHDOG=1") - before


def test_ready_then_pings_while_healthy_and_stop_on_unhealthy(running, notify_socket):
    d = running(["edtest_steady"])
    assert notify_socket.wait_for("READY=1", 5)
    assert pings_during(notify_socket, 0.5) >= 4
    edtest_steady.HEALTHY.clear()
    time.sleep(0.15)  # the tick that notices
    assert pings_during(notify_socket, 0.5) == 0
    assert any(line.startswith("STATUS=degraded: edtest_steady") for line in notify_socket.lines())
    edtest_steady.HEALTHY.set()
    time.sleep(0.15)
    assert pings_during(notify_socket, 0.5) >= 4
    d.request_stop()
    assert notify_socket.wait_for("STOPPING=1", 10)


def test_grace_period_and_exempt_components_keep_pinging(running, notify_socket):
    running(["edtest_steady"], unhealthy_grace_s=60.0)
    edtest_steady.HEALTHY.clear()
    assert pings_during(notify_socket, 0.4) >= 3  # unhealthy, but not for 60 s yet


def test_crash_loop_stops_the_pings(running, notify_socket, monkeypatch):
    import edtest_crashy

    monkeypatch.setattr(edtest_crashy, "CRASHES", 1000)
    running(["edtest_steady", "edtest_crashy"], max_crash_loop=3)
    time.sleep(0.5)  # > 3 crashes at 50 ms backoff
    assert pings_during(notify_socket, 0.4) == 0


def test_health_callables_and_events(running, notify_socket):
    from agent.events import EventKind

    d = running(["edtest_steady", "edtest_nobuild"])
    seen = []
    d.ctx.bus.subscribe(seen.append, kinds={EventKind.HEALTH})
    from agent.events import Event

    d.ctx.bus.publish(Event(EventKind.TELEMETRY, 1.0, "firmware_bridge", {"controller_temp_c": 4.46, "motor_faults": 0}))
    rep = d.ctx.shared["health"]()
    assert rep["temperatures_c"]["controller_temp"] == 4.5
    assert rep["components"]["edtest_steady"]["state"] == "running"
    assert rep["components"]["edtest_nobuild"]["state"] == "disabled"
    assert rep["outbox_depth"] == 7 and rep["device"] == "wd-test" and rep["model"]["loaded"] is False
    text = d.ctx.shared["metrics"]()
    assert 'edge_agent_component_up{device="wd-test",component="edtest_steady"} 1' in text
    assert 'edge_agent_outbox_depth{device="wd-test"} 7' in text
    assert 'edge_agent_temperature_celsius{device="wd-test",zone="controller_temp"} 4.5' in text
    time.sleep(0.7)
    assert seen and seen[-1].data["components"]["edtest_steady"]["ok"] is True
    assert "update_model" in d.ctx.commands.names()


def test_a_failing_health_tick_skips_pings_but_keeps_the_agent_running(running, notify_socket):
    d = running(["edtest_steady"])
    real = d.reporter.report

    def broken():
        raise RuntimeError("bug in a health probe")

    d.reporter.report = broken
    time.sleep(0.1)
    assert pings_during(notify_socket, 0.5) == 0
    d.reporter.report = real
    time.sleep(1.1)  # the next tick after the 1 s retry delay
    assert pings_during(notify_socket, 0.5) >= 4
