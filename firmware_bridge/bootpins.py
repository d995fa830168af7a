"""Putting the MCU into its ROM bootloader and back into its application.

Two ways: BOOT0 and NRST driven from Pi GPIO through gpiozero (works even
when the application is dead, so it is the recovery path), or asking the
running application to jump to the bootloader over the controller link
(for boards without the two wires; cannot recover a bricked application).
"""

from __future__ import annotations

import logging
import secrets
from typing import Protocol

from agent.clock import Clock, SystemClock
from firmware_bridge import protocol as p
from firmware_bridge.framing import Frame, encode_frame

log = logging.getLogger(__name__)


class BootControl(Protocol):
    can_reset: bool

    def enter_bootloader(self, port) -> None: ...

    def run_app(self, port) -> bool:
        """Start the application; False when only a GO command can do it."""

    def close(self) -> None: ...


class GpioBootControl:
    can_reset = True

    def __init__(self, boot0_pin: str, reset_pin: str, *, reset_active_low: bool = True, pin_factory=None,
                 clock: Clock | None = None, reset_hold_s: float = 0.005, boot_delay_s: float = 0.02) -> None:
        from gpiozero import DigitalOutputDevice

        self.clock = clock or SystemClock()
        self.boot0 = DigitalOutputDevice(boot0_pin, initial_value=False, pin_factory=pin_factory)
        # active = "held in reset": for an active-low NRST that means driving the pin low
        self.reset = DigitalOutputDevice(reset_pin, active_high=not reset_active_low, initial_value=False, pin_factory=pin_factory)
        self.reset_hold_s = reset_hold_s
        self.boot_delay_s = boot_delay_s

    def _pulse_reset(self) -> None:
        self.reset.on()
        self.clock.sleep(self.reset_hold_s)
        self.reset.off()
        self.clock.sleep(self.boot_delay_s)

    def enter_bootloader(self, port) -> None:
        self.boot0.on()
        self._pulse_reset()

    def run_app(self, port) -> bool:
        self.boot0.off()
        self._pulse_reset()
        return True

    def close(self) -> None:
        self.boot0.close()
        self.reset.close()


class CommandBootControl:
    """Uses the controller protocol's ENTER_BOOTLOADER request; GO starts the application."""

    can_reset = False

    def __init__(self, clock: Clock | None = None, boot_delay_s: float = 0.05) -> None:
        self.clock = clock or SystemClock()
        self.boot_delay_s = boot_delay_s

    def enter_bootloader(self, port) -> None:
        # If the application is running it answers and jumps; if the bootloader
        # is already running it NACKs these bytes, which sync() tolerates.
        # The leading 0x00 ends whatever partial junk the application has buffered
        # (e.g. 0xFF filler from a realignment), so this frame decodes on its own.
        port.write(b"\x00" + encode_frame(Frame(secrets.randbelow(256), p.ENTER_BOOTLOADER)))
        self.clock.sleep(self.boot_delay_s)
        port.reset_input_buffer()

    def run_app(self, port) -> bool:
        return False

    def close(self) -> None:
        pass
