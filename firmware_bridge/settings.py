"""The ``[controller]`` and ``[firmware]`` sections of the device config."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.config import section


def _check_window(text: str) -> None:
    from firmware_bridge.window import parse_window

    parse_window(text)


@section("controller")
@dataclass
class ControllerSettings:
    port: str = field(default="", metadata={"help": "Serial port of the vending controller (e.g. /dev/ttyAMA0); empty disables the link."})
    emulate: bool = field(default=False, metadata={"help": "Run against the built-in controller emulator on a pseudo-terminal instead of a real port (demo, tests)."})
    baud: int = field(default=115200, metadata={"help": "Baud rate of the controller link (8N1)."})
    timeout_s: float = field(default=0.25, metadata={"help": "Seconds to wait for a reply frame before retrying."})
    retries: int = field(default=3, metadata={"help": "Retries of a request after a timeout or a bad reply frame."})
    poll_s: float = field(default=5.0, metadata={"help": "Seconds between reads of slot states, motors and temperature."})
    silent_after_s: float = field(default=15.0, metadata={"help": "Raise a health event when the controller has not answered for this long."})
    audit_every_s: float = field(default=900.0, metadata={"help": "Seconds between EVA-DTS audit reads over the link (0 = never)."})
    slot_skus: dict[str, str] = field(default_factory=dict, metadata={"help": "Map of controller slot number (as a string) to product SKU, e.g. {\"1\" = \"SKU-COLA\"}."})

    def validate(self) -> None:
        if self.baud <= 0:
            raise ValueError(f"controller.baud must be positive, not {self.baud}")
        if self.timeout_s <= 0 or self.poll_s <= 0 or self.silent_after_s <= 0:
            raise ValueError("controller.timeout_s, poll_s and silent_after_s must be positive")
        if self.retries < 0:
            raise ValueError(f"controller.retries must be 0 or more, not {self.retries}")
        for k in self.slot_skus:
            if not k.isdigit() or not 0 < int(k) < 256:
                raise ValueError(f"controller.slot_skus key {k!r} must be a slot number 1..255 in quotes")


@section("firmware")
@dataclass
class FirmwareSettings:
    target: str = field(default="stm32", metadata={"help": "'stm32' (ROM USART bootloader, AN3155) or 'esp32' (esptool as a separate program)."})
    port: str = field(default="", metadata={"help": "Serial port of the bootloader; empty uses [controller].port."})
    baud: int = field(default=115200, metadata={"help": "Bootloader baud rate (8E1 for STM32)."})
    flash_base: int = field(default=0x08000000, metadata={"help": "Address the image is written to."})
    flash_size: int = field(default=256 * 1024, metadata={"help": "Flash bytes available to the image; larger images are refused before anything is erased."})
    page_size: int = field(default=2048, metadata={"help": "Flash page size in bytes (erase unit)."})
    boot0_pin: str = field(default="GPIO17", metadata={"help": "gpiozero pin driving the MCU's BOOT0 (high = ROM bootloader)."})
    reset_pin: str = field(default="GPIO27", metadata={"help": "gpiozero pin driving the MCU's NRST (driven low = in reset)."})
    reset_active_low: bool = field(default=True, metadata={"help": "True when the reset pin holds the MCU in reset by driving low."})
    attempts: int = field(default=3, metadata={"help": "Whole flash attempts (reset, erase, write, verify) before giving up in the bootloader."})
    public_key: str = field(default="", metadata={"help": "ed25519 public key (path, PEM or base64) that firmware manifests must be signed with; empty refuses signed-only flashes."})
    require_signature: bool = field(default=True, metadata={"help": "Refuse images without a manifest signed by public_key."})
    maintenance_window: str = field(default="", metadata={"help": "Daily UTC window when remote flashes are allowed, e.g. \"02:00-04:00\"; empty = never."})
    stage_dir: str = field(default="", metadata={"help": "Where remote images are staged; empty = <device.data_dir>/firmware."})
    fetch_hosts: list[str] = field(default_factory=list, metadata={"help": "Hosts a remote flash may fetch an image URL from (local network only)."})
    esptool: str = field(default="esptool.py", metadata={"help": "esptool program run for ESP32 targets."})

    def validate(self) -> None:
        if self.target not in ("stm32", "esp32"):
            raise ValueError(f"firmware.target must be 'stm32' or 'esp32', not {self.target!r}")
        if self.flash_size <= 0 or self.page_size <= 0 or self.flash_size % self.page_size:
            raise ValueError(f"firmware.flash_size ({self.flash_size}) must be a positive multiple of page_size ({self.page_size})")
        if self.attempts < 1:
            raise ValueError("firmware.attempts must be at least 1")
        if self.maintenance_window:
            _check_window(self.maintenance_window)
