"""Choosing the gpiozero pin factory.

PyPI gpiozero 2.0.1 guesses the Pi 5's GPIO chip from the board revision and
``/dev/gpiochip4``, which is wrong on kernels where the RP1 moved to
gpiochip0 (Debian's python3-gpiozero carries the fix). So on a Pi 5 we pick the
chip ourselves by its label, and RPi.GPIO / pigpio are refused there because
they cannot drive the RP1.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from agent.logs import fields

log = logging.getLogger(__name__)

MODEL_FILE = Path("/proc/device-tree/model")
GPIO_SYSFS = Path("/sys/bus/gpio/devices")


class PinFactoryError(RuntimeError):
    """The configured pin factory cannot work on this board."""


def board_model(model_file: Path = MODEL_FILE) -> str:
    try:
        return model_file.read_bytes().rstrip(b"\x00").decode("ascii", "replace").strip()
    except OSError:
        return ""


def rp1_chip(sysfs: Path = GPIO_SYSFS, dev: Path = Path("/dev")) -> int:
    """The gpiochip number whose label is the Pi 5's RP1 (``pinctrl-rp1``)."""
    try:
        for d in sorted(sysfs.glob("gpiochip*")):
            label = (d / "label").read_text().strip() if (d / "label").exists() else ""
            if label == "pinctrl-rp1":
                return int(d.name.removeprefix("gpiochip"))
    except OSError:
        pass
    # Kernels before 6.6.45 numbered the RP1 gpiochip4, later ones gpiochip0.
    return 4 if (dev / "gpiochip4").exists() else 0


def choose_factory(name: str = "auto", chip: int = -1, *, model_file: Path = MODEL_FILE, sysfs: Path = GPIO_SYSFS,
                   env: dict[str, str] | None = None) -> tuple[str, int | None]:
    """(factory name, chip) to use; pure so it can be tested off a Pi."""
    env = os.environ if env is None else env
    model = board_model(model_file)
    is_pi5 = "Raspberry Pi 5" in model or "Compute Module 5" in model
    if name == "auto":
        name = env.get("GPIOZERO_PIN_FACTORY", "").strip().lower() or ("lgpio" if is_pi5 else ("default" if model.startswith("Raspberry Pi") else "mock"))
    if is_pi5 and name in ("rpigpio", "pigpio"):
        raise PinFactoryError(f"pin factory {name!r} does not work on a {model}: set [sensors] pin_factory = \"lgpio\" (or \"auto\").")
    if name == "lgpio":
        return name, (chip if chip >= 0 else (rp1_chip(sysfs) if is_pi5 else 0))
    return name, None


def make_factory(name: str = "auto", chip: int = -1):
    """A gpiozero Factory instance for the settings (MockFactory when there is no GPIO)."""
    fname, fchip = choose_factory(name, chip)
    if fname == "mock":
        from gpiozero.pins.mock import MockFactory

        return MockFactory()
    if fname == "lgpio":
        from gpiozero.pins.lgpio import LGPIOFactory

        log.info("gpio factory", extra=fields(factory="lgpio", chip=fchip))
        return LGPIOFactory(chip=fchip)
    if fname == "rpigpio":
        from gpiozero.pins.rpigpio import RPiGPIOFactory

        return RPiGPIOFactory()
    if fname == "pigpio":
        from gpiozero.pins.pigpio import PiGPIOFactory

        return PiGPIOFactory()
    if fname == "native":
        from gpiozero.pins.native import NativeFactory

        return NativeFactory()
    from gpiozero import Device

    Device.ensure_pin_factory()
    return Device.pin_factory
