"""Pieces shared by ``edge-agent fw`` and the remote flash: boot control and port settings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from agent.clock import Clock
from firmware_bridge.bootpins import BootControl, CommandBootControl, GpioBootControl
from firmware_bridge.serialport import is_pty


def make_boot_control(config, clock: Clock, *, emulated: bool = False, entry: str = "gpio", pin_factory=None) -> BootControl:
    """GPIO BOOT0/NRST (the recovery-capable way) unless the board has no wires or is the emulator."""
    fw = config.firmware
    if emulated or entry == "command":
        return CommandBootControl(clock)
    return GpioBootControl(fw.boot0_pin, fw.reset_pin, reset_active_low=fw.reset_active_low, pin_factory=pin_factory, clock=clock)


@contextlib.contextmanager
def bootloader_port(port, baud: int) -> Iterator[None]:
    """Switch an open UART to the bootloader's 8E1 at ``baud`` and back afterwards (a pty needs neither)."""
    path = getattr(port, "port", None) or getattr(port, "name", "")
    if not path or is_pty(path):
        yield
        return
    old = (port.baudrate, port.parity)
    port.baudrate, port.parity = baud, "E"
    try:
        yield
    finally:
        port.baudrate, port.parity = old
