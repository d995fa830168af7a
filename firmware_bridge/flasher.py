"""Flashing an STM32 so that an interruption can never leave it unrecoverable.

The order of work is what keeps a machine alive:

* every check on the image happens before the first erase;
* the first chunk (the vector table) is written last, so an application that
  was only partly written has an erased vector table and is never started;
* BOOT0 stays high until the whole image has been read back and compared, so
  a reset or brown-out at any point lands in the ROM bootloader, from which
  the next attempt starts cleanly;
* success is reported only after a full readback matched, byte for byte.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.logs import fields
from firmware_bridge.an3155 import CHUNK, An3155, BootloaderError
from firmware_bridge.bootpins import BootControl
from firmware_bridge.image import VerifiedImage

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class FlashError(IOError):
    """Flashing failed; the device was left in its bootloader (see ``in_bootloader``)."""

    def __init__(self, message: str, in_bootloader: bool) -> None:
        super().__init__(message)
        self.in_bootloader = in_bootloader


@dataclass
class FlashReport:
    ok: bool
    attempts: int
    bytes_written: int
    seconds: float
    retries: int
    repaired_pages: int
    pid: int = 0
    errors: list[str] = field(default_factory=list)
    started: bool = True  # False: verified, but GO was never acknowledged (a power cycle starts it)


class _Recover(Exception):
    pass


class Stm32Flasher:
    def __init__(self, port, boot: BootControl, *, page_size: int = 2048, flash_base: int = 0x08000000, attempts: int = 3,
                 step_retries: int = 4, timeout_s: float = 1.0, erase_s_per_page: float = 0.05, progress: Progress | None = None,
                 flash_size: int = 0) -> None:
        self.port = port
        self.boot = boot
        self.bl = An3155(port, timeout_s=timeout_s)
        self.page_size = page_size
        self.flash_size = flash_size  # when known and the image covers it all, one mass erase replaces the page list
        self.flash_base = flash_base
        self.attempts = attempts
        self.step_retries = step_retries
        self.erase_s_per_page = erase_s_per_page  # worst-case erase time per page, for the ACK timeout
        self.progress = progress or (lambda stage, done, total: None)
        self._retries = 0
        self._errors: list[str] = []

    # -- connection ----------------------------------------------------------
    def connect(self) -> int:
        """Reset into the bootloader, sync, and return the product id."""
        self.boot.enter_bootloader(self.port)
        self.bl.sync()
        self.bl.get()
        return self.bl.get_id()

    def _recover(self, why: BootloaderError) -> None:
        """After a NACK/timeout the bootloader may be mid-command: reset into it again."""
        self._retries += 1
        self._errors.append(str(why))
        log.info("bootloader step failed; recovering", extra=fields(error=str(why), retries=self._retries))
        if self.boot.can_reset:
            self.boot.enter_bootloader(self.port)
            self.bl.sync()
        else:
            self._realign()

    def _realign(self) -> None:
        """Without a reset line: complete any half-received command with 0xFF filler, then sync.

        0xFF is safe filler: programming 0xFF changes no flash bit, and the
        XOR checksums of a command padded with it fail, so it is NACKed. A
        command can wait for up to 513 bytes (a 256-page erase list), hence
        the rounds.
        """
        filler = 2 * CHUNK + 16
        baud = max(getattr(self.port, "baudrate", 115200) or 115200, 1)
        last: BootloaderError | None = None
        for _ in range(3):
            self.port.write(b"\xff" * filler)
            time.sleep(0.02 + filler * 11 / baud)
            self.port.reset_input_buffer()
            try:
                self.bl.sync(attempts=4)
                return
            except BootloaderError as e:
                last = e
        raise last or BootloaderError("could not re-synchronise with the bootloader")

    def _step(self, fn, *args):
        last: BootloaderError | None = None
        for _ in range(self.step_retries + 1):
            try:
                return fn(*args)
            except BootloaderError as e:
                last = e
                try:
                    self._recover(e)
                except BootloaderError as e2:
                    last = e2
        raise _Recover(str(last))

    # -- flashing ------------------------------------------------------------
    def _pages(self, start: int, length: int) -> list[int]:
        first = (start - self.flash_base) // self.page_size
        last = (start - self.flash_base + length - 1) // self.page_size
        return list(range(first, last + 1))

    def flash(self, image: VerifiedImage) -> FlashReport:
        t0 = time.monotonic()
        data = image.data
        chunks = [(image.address + off, data[off:off + CHUNK]) for off in range(0, len(data), CHUNK)]
        order = chunks[1:] + chunks[:1]  # vector table last
        pid = 0
        repaired = 0
        attempt = 0
        for attempt in range(1, self.attempts + 1):
            try:
                pid = self._step(self.connect)
                self.progress("erase", 0, 1)
                pages = self._pages(image.address, len(data))
                if self.flash_size and len(pages) * self.page_size >= self.flash_size:
                    self._step(self.bl.mass_erase, self._erase_timeout(pages))  # same result, one command
                else:
                    self._step(self.bl.erase, pages, self._erase_timeout(pages))
                self.progress("erase", 1, 1)
                for i, (addr, chunk) in enumerate(order):
                    self._step(self.bl.write, addr, chunk)
                    self.progress("write", i + 1, len(order))
                bad = self._verify(chunks)
                for round_ in range(2):
                    if not bad:
                        break
                    pages = sorted({p for addr, _ in bad for p in self._pages(addr, CHUNK)})
                    log.info("readback mismatch; rewriting pages", extra=fields(pages=len(pages), round=round_ + 1))
                    repaired += len(pages)
                    self._step(self.bl.erase, pages, self._erase_timeout(pages))
                    lo = self.flash_base + pages[0] * self.page_size
                    hi = self.flash_base + (pages[-1] + 1) * self.page_size
                    redo = [(a, c) for a, c in chunks if lo <= a < hi and self._pages(a, len(c))[0] in pages]
                    redo = [c for c in redo if c[0] != image.address] + [c for c in redo if c[0] == image.address]
                    for addr, chunk in redo:
                        self._step(self.bl.write, addr, chunk)
                    bad = self._verify(redo, stage="reverify")
                if bad:
                    raise _Recover(f"{len(bad)} chunks still differ after rewriting, first at 0x{bad[0][0]:08x}")
                started = self.boot.run_app(self.port) or self._go(image.address)
                return FlashReport(True, attempt, len(data), time.monotonic() - t0, self._retries, repaired, pid, self._errors, started)
            except _Recover as e:
                self._errors.append(f"attempt {attempt}: {e}")
                log.warning("flash attempt failed", extra=fields(attempt=attempt, error=str(e)))
        in_bl = self._park()
        raise FlashError(f"flash failed after {attempt} attempts ({self._errors[-1] if self._errors else 'unknown'}); "
                         + ("the MCU is held in its ROM bootloader: fix the cause and run the flash again."
                            if in_bl else "the bootloader did not answer: check power and wiring, then run the flash again."), in_bl)

    def _erase_timeout(self, pages: list[int]) -> float:
        return self.bl.timeout_s + 2 * self.erase_s_per_page * len(pages)

    def _verify(self, chunks: list[tuple[int, bytes]], stage: str = "verify") -> list[tuple[int, bytes]]:
        bad = []
        for i, (addr, chunk) in enumerate(chunks):
            got = self._step(self.bl.read, addr, len(chunk))
            if got != chunk:
                bad.append((addr, chunk))
            self.progress(stage, i + 1, len(chunks))
        return bad

    def _go(self, address: int) -> bool:
        try:
            self._step(self.bl.go, address)
            return True
        except _Recover as e:
            log.warning("image verified but GO was not acknowledged; power-cycle to start it", extra=fields(error=str(e)))
            return False

    def _park(self) -> bool:
        """Leave the MCU listening in its bootloader so the next attempt needs nothing special."""
        for _ in range(5):
            try:
                if self.boot.can_reset:
                    self.boot.enter_bootloader(self.port)
                    self.bl.sync()
                else:
                    self._realign()
                return True
            except BootloaderError:
                continue
        return False

    def read_image(self, address: int, length: int) -> bytes:
        out = bytearray()
        for off in range(0, length, CHUNK):
            out += self._step(self.bl.read, address + off, min(CHUNK, length - off))
            self.progress("read", min(off + CHUNK, length), length)
        return bytes(out)
