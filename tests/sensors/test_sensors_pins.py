"""Pin factory choice: gpiozero's conventions, the Pi 5 gpiochip, refusing factories that cannot work."""

from __future__ import annotations

import pytest

from agent.sensors.pins import PinFactoryError, choose_factory, rp1_chip


@pytest.fixture
def board(tmp_path):
    def make(model: str | None, chips: dict[int, str] | None = None):
        mf = tmp_path / "model"
        if model is not None:
            mf.write_bytes(model.encode() + b"\x00")
        sysfs = tmp_path / "gpio"
        sysfs.mkdir(exist_ok=True)
        for n, label in (chips or {}).items():
            (sysfs / f"gpiochip{n}").mkdir()
            (sysfs / f"gpiochip{n}" / "label").write_text(label + "\n")
        return {"model_file": mf, "sysfs": sysfs}

    return make


def test_no_gpio_means_mock(board):
    assert choose_factory("auto", env={}, **board(None)) == ("mock", None)


def test_pi5_uses_lgpio_on_the_rp1_chip(board):
    b = board("Raspberry Pi 5 Model B Rev 1.0", {0: "pinctrl-rp1", 10: "gpio-brcmstb@107d508500"})
    assert choose_factory("auto", env={}, **b) == ("lgpio", 0)


def test_pi5_old_kernel_chip4(board):
    b = board("Raspberry Pi 5 Model B Rev 1.0", {0: "gpio-brcmstb@107d508500", 4: "pinctrl-rp1"})
    assert choose_factory("auto", env={}, **b) == ("lgpio", 4)
    assert rp1_chip(b["sysfs"]) == 4


def test_configured_chip_wins(board):
    b = board("Raspberry Pi 5 Model B Rev 1.0", {0: "pinctrl-rp1"})
    assert choose_factory("lgpio", 4, env={}, **b) == ("lgpio", 4)


def test_env_follows_gpiozero_convention(board):
    assert choose_factory("auto", env={"GPIOZERO_PIN_FACTORY": "mock"}, **board("Raspberry Pi 5 Model B Rev 1.0")) == ("mock", None)
    assert choose_factory("auto", env={}, **board("Raspberry Pi 4 Model B Rev 1.5")) == ("default", None)


@pytest.mark.parametrize("name", ["rpigpio", "pigpio"])
def test_pi5_refuses_factories_that_cannot_drive_rp1(board, name):
    with pytest.raises(PinFactoryError, match="lgpio"):
        choose_factory(name, env={}, **board("Raspberry Pi 5 Model B Rev 1.0"))
    with pytest.raises(PinFactoryError):
        choose_factory("auto", env={"GPIOZERO_PIN_FACTORY": name}, **board("Raspberry Pi 5 Model B Rev 1.0"))
