"""The emulated controller board: application firmware, ROM bootloader, reset and power.

Boot follows the STM32 rules: after reset the ROM bootloader runs when BOOT0
is high (or when the flash holds no vector table, like parts with an
empty-flash check); otherwise the application runs. ``lines`` reports the
BOOT0 level and whether NRST is held asserted: tests wire it to gpiozero
MockFactory pins, so the real flasher drives the emulated reset circuit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from firmware_bridge.emulator.controller import ControllerApp
from firmware_bridge.emulator.faults import Faults
from firmware_bridge.emulator.rom import PowerLoss, Stm32Rom
from firmware_bridge.emulator.wire import Interrupted, PacedPty
from firmware_bridge.framing import FrameError, FrameReader, encode_frame

log = logging.getLogger(__name__)

Lines = Callable[[], tuple[bool, bool]]  # (boot0 high, reset asserted)


def gpio_lines(factory, boot0_pin: str, reset_pin: str, reset_active_low: bool = True) -> Lines:
    """Read BOOT0/NRST levels from gpiozero mock pins driven by the flasher.

    A reset pulse shorter than the emulator's polling interval would be
    missed on a busy machine, so the pin's recorded history is also checked:
    any asserted level since the last look counts as a reset.
    """
    bpin, rpin = factory.pin(boot0_pin), factory.pin(reset_pin)  # the factory hands out one object per pin
    seen = [len(rpin.states)]

    def asserted(level: bool) -> bool:
        return (not level) if reset_active_low else level

    def lines() -> tuple[bool, bool]:
        boot0 = bool(bpin.state)
        history = rpin.states
        pulsed = any(asserted(bool(s.state)) for s in history[seen[0]:])
        seen[0] = len(history)
        return boot0, pulsed or asserted(bool(rpin.state))

    return lines


class EmulatedDevice:
    def __init__(self, *, baud: int = 115200, pace: bool = True, flash_size: int = 256 * 1024, page_size: int = 2048,
                 erase_page_s: float = 0.0, faults: Faults | None = None, lines: Lines | None = None,
                 app: ControllerApp | None = None, start_in: str = "app") -> None:
        self.port = PacedPty(baud=baud, bits_per_byte=10, pace=pace)
        self.faults = faults or Faults()
        self.rom = Stm32Rom(flash_size=flash_size, page_size=page_size, erase_page_s=erase_page_s, faults=self.faults)
        self.rom.flash[:4] = b"\x00\x50\x00\x20"  # a plausible application is installed
        self.app = app or ControllerApp()
        self.lines = lines
        self._boot0_soft = start_in == "bootloader"
        self.mode = "off"
        self.silent = False  # controller firmware hung: reads requests, answers nothing
        self.boots = 0
        self.power_losses = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._go = False
        self.port.rx_filter = self._rx_filter

    @property
    def path(self) -> str:
        return self.port.path

    def start(self) -> EmulatedDevice:
        self._thread = threading.Thread(target=self._run, name="emulated-controller", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        self.port.close()

    def __enter__(self) -> EmulatedDevice:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_mode(self, mode: str, timeout: float = 2.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.mode == mode:
                return True
            time.sleep(0.002)
        return self.mode == mode

    # -- internals -----------------------------------------------------------
    def _rx_filter(self, data: bytes) -> bytes:
        if self.mode == "bootloader" and data and self.faults.hit("drop_rx"):
            i = self.faults.rng.randrange(len(data))
            return data[:i] + data[i + 1:]
        return data

    def _levels(self) -> tuple[bool, bool]:
        if self.lines is None:
            return self._boot0_soft, False
        return self.lines()

    def _check(self) -> None:
        if self._stop.is_set():
            raise Interrupted("stop")
        _, reset = self._levels()
        if reset:
            raise Interrupted("reset")

    def _run(self) -> None:
        while not self._stop.is_set():
            boot0, reset = self._levels()
            if reset:
                self.mode = "reset"
                self.port.discard_input()
                time.sleep(0.001)
                continue
            self.boots += 1
            go_app = (not boot0 or self._go) and self.rom.app_valid()
            self._go = False
            self.mode = "app" if go_app else "bootloader"
            self.port.discard_input()
            try:
                if go_app:
                    self.port.bits_per_byte = 10
                    self.port.idle_poll_s = 0.02  # a demo emulator should not spin a Pi's CPU
                    self._serve_app()
                else:
                    self.port.bits_per_byte = 11  # 8E1
                    self.port.idle_poll_s = 0.002
                    self.rom.serve(self.port, self._check)
                    self._boot0_soft = False  # GO: run the application, whatever BOOT0 says
                    self._go = True
            except Interrupted as e:
                if str(e) == "stop":
                    return
                self._wait_reset_release()
            except PowerLoss as e:
                self.power_losses += 1
                log.debug("emulated power loss", extra={"fields": {"why": str(e)}})
                self.mode = "off"
                end = time.monotonic() + self.faults.power_off_s
                while time.monotonic() < end and not self._stop.is_set():
                    self.port.discard_input()
                    time.sleep(0.002)

    def _wait_reset_release(self) -> None:
        self.mode = "reset"
        while not self._stop.is_set() and self._levels()[1]:
            self.port.discard_input()
            time.sleep(0.001)

    def _serve_app(self) -> None:
        self.app.boot()
        reader = FrameReader()
        while True:
            data = self.port.read(1, self._check, timeout=0.05)
            if not data:
                continue
            for item in reader.feed(data):
                if isinstance(item, FrameError) or self.silent:
                    continue  # a real controller ignores frames it cannot trust
                reply, action = self.app.handle(item)
                self.port.write(encode_frame(reply), self._check)
                if action == "bootloader":
                    self._boot0_soft = True
                    return
