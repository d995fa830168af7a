"""The shared core: config loader, clock, event bus, log redaction."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from agent.bus import EventBus
from agent.clock import ManualClock, ScaledClock
from agent.config import ConfigError, load_config
from agent.events import Event
from agent.logs import fields, register_secret, setup_logging


def test_defaults_load_without_a_file():
    cfg = load_config(None)
    assert cfg.device.kind == "kiosk"
    assert cfg.device.id


def test_config_error_names_file_key_and_fix(tmp_path: Path):
    p = tmp_path / "agent.toml"
    p.write_text('[device]\nkind = "vending"\nlog_levle = "INFO"\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert str(p) in msg and "device.log_levle" in msg and "log_level" in msg


def test_config_type_error(tmp_path: Path):
    p = tmp_path / "agent.toml"
    p.write_text('[device]\nid = 42\n')
    with pytest.raises(ConfigError, match=r"device\.id: expected a string"):
        load_config(p)


def test_config_validate_hook_and_bad_toml(tmp_path: Path):
    p = tmp_path / "agent.toml"
    p.write_text('[device]\nid = "a/b"\n')
    with pytest.raises(ConfigError, match="MQTT"):
        load_config(p)
    p.write_text('[device\nid = "x"\n')
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(p)
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")


def test_unknown_section_suggests(tmp_path: Path):
    p = tmp_path / "agent.toml"
    p.write_text('[devise]\nid = "x"\n')
    with pytest.raises(ConfigError, match="did you mean 'device'"):
        load_config(p)


def test_manual_clock_sleep_advances():
    c = ManualClock(start=1000.0)
    c.sleep(5)
    assert c.monotonic() == 5 and c.time() == 1005.0
    with pytest.raises(ValueError):
        c.advance(-1)


def test_scaled_clock_runs_faster():
    c = ScaledClock(speed=1000)
    t0 = c.monotonic()
    c.sleep(1.0)  # 1 ms of real time
    assert c.monotonic() - t0 >= 1.0


def test_bus_isolates_failing_subscriber():
    bus = EventBus()
    seen = []
    bus.subscribe(lambda e: 1 / 0)
    bus.subscribe(seen.append, kinds={"sale"})
    bus.publish(Event("sale", 1.0, "slot-a1", {"units": 1}))
    bus.publish(Event("refill", 2.0, "slot-a1"))
    assert [e.kind for e in seen] == ["sale"]
    assert Event.from_dict(seen[0].to_dict()) == seen[0]


def test_logs_redact_secrets():
    buf = io.StringIO()
    setup_logging("INFO", stream=buf)
    register_secret("hunter2-broker-pass")
    logging.getLogger("t").info("connecting with hunter2-broker-pass", extra=fields(pw="hunter2-broker-pass", host="h"))
    out = buf.getvalue()
    assert "hunter2" not in out and "***" in out and "host=h" in out


def test_activity_waits_for_work_in_flight():
    import threading

    from agent.component import Activity

    a = Activity()
    assert a.wait_idle(0)
    started = threading.Event()
    release = threading.Event()

    def work():
        with a.busy("ask"):
            started.set()
            release.wait(5)

    t = threading.Thread(target=work)
    t.start()
    started.wait(5)
    assert a.in_flight() == {"ask": 1}
    assert not a.wait_idle(0.05)
    release.set()
    assert a.wait_idle(5)
    t.join()


def test_default_log_handler_follows_a_swapped_stderr(monkeypatch):
    import sys

    setup_logging("INFO")
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logging.getLogger("t").info("one")
    first.close()  # e.g. a finished test's capture
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("t").info("two")
    assert 'msg=two' in second.getvalue()
