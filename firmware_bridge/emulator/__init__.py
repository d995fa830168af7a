"""An emulated vending controller (application protocol + STM32 ROM bootloader) on a pty."""

from firmware_bridge.emulator.controller import ControllerApp, Slot
from firmware_bridge.emulator.device import EmulatedDevice, gpio_lines
from firmware_bridge.emulator.faults import Faults

__all__ = ["ControllerApp", "EmulatedDevice", "Faults", "Slot", "gpio_lines"]
