import pytest

from agent.config import ConfigError, build_config
from firmware_bridge.window import in_window, parse_window

DAY0 = 1_767_225_600  # 2026-01-01T00:00Z


@pytest.mark.parametrize(("window", "hhmm", "inside"), [
    ("02:00-04:00", "01:59", False), ("02:00-04:00", "02:00", True), ("02:00-04:00", "03:59", True), ("02:00-04:00", "04:00", False),
    ("23:30-01:00", "23:45", True), ("23:30-01:00", "00:30", True), ("23:30-01:00", "12:00", False), ("", "03:00", False),
])
def test_maintenance_window(window, hhmm, inside):
    h, m = (int(x) for x in hhmm.split(":"))
    assert in_window(window, DAY0 + 86400 * 3 + h * 3600 + m * 60) is inside


@pytest.mark.parametrize("bad", ["2-4", "25:00-26:00", "02:00-02:00", "02:00 to 04:00"])
def test_bad_window_rejected(bad):
    with pytest.raises(ValueError, match="maintenance window"):
        parse_window(bad)


@pytest.mark.parametrize(("raw", "key", "words"), [
    ({"firmware": {"maintenance_window": "2am-4am"}}, "firmware", "02:00-04:00"),
    ({"firmware": {"target": "avr"}}, "firmware", "'stm32' or 'esp32'"),
    ({"firmware": {"flash_size": 1000}}, "firmware", "multiple of page_size"),
    ({"controller": {"slot_skus": {"A1": "SKU"}}}, "controller", "slot number"),
    ({"controller": {"baud": "fast"}}, "controller.baud", "whole number"),
    ({"controller": {"prot": "/dev/ttyS0"}}, "controller.prot", "did you mean 'port'"),
])
def test_config_errors_name_the_key(raw, key, words):
    with pytest.raises(ConfigError) as ei:
        build_config(raw)
    assert ei.value.key == key and words in str(ei.value)


def test_defaults_leave_the_link_disabled():
    cfg = build_config({})
    assert cfg.controller.port == "" and not cfg.controller.emulate and cfg.firmware.require_signature
