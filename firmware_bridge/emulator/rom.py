"""The STM32 ROM USART bootloader (ST AN3155) as the device side sees it.

Flash behaves like NOR flash: erased bytes read 0xFF and programming can only
clear bits, so a retried write over a half-written page reads back wrong
unless the page is erased first, exactly the trap a real flasher must avoid.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from functools import reduce

from firmware_bridge.emulator.faults import Faults
from firmware_bridge.emulator.wire import PacedPty

ACK, NACK = 0x79, 0x1F
COMMANDS = [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92]
VERSION = 0x31
PID = 0x0410  # STM32F1 medium density, the family stm32loader assumes by default
F1_FLASH_SIZE_REG = 0x1FFFF7E0
F1_UID_REG = 0x1FFFF7E8


class PowerLoss(Exception):
    """Raised inside a write to model the supply dropping mid-programming."""


class Stm32Rom:
    def __init__(self, flash_base: int = 0x08000000, flash_size: int = 256 * 1024, page_size: int = 2048,
                 erase_page_s: float = 0.0, faults: Faults | None = None, uid: bytes = bytes(range(1, 13))) -> None:
        self.flash_base = flash_base
        self.flash = bytearray(b"\xff" * flash_size)
        self.page_size = page_size
        self.erase_page_s = erase_page_s
        self.faults = faults or Faults()
        self.uid = uid
        self.go_address: int | None = None
        self.log: list[str] = []

    # -- memory --------------------------------------------------------------
    def _system_read(self, addr: int, n: int) -> bytes | None:
        regs = {F1_FLASH_SIZE_REG: struct.pack("<H", len(self.flash) // 1024), F1_UID_REG: self.uid}
        for base, data in regs.items():
            if base <= addr and addr + n <= base + len(data):
                return data[addr - base: addr - base + n]
        return None

    def _in_flash(self, addr: int, n: int) -> bool:
        return self.flash_base <= addr and addr + n <= self.flash_base + len(self.flash)

    def erase_pages(self, pages: list[int], mass: bool = False) -> bool:
        npages = len(self.flash) // self.page_size
        if any(p >= npages for p in pages):
            return False
        for p in pages:
            self.flash[p * self.page_size:(p + 1) * self.page_size] = b"\xff" * self.page_size
        # STM32F1 datasheet: page erase and mass erase both take 20-40 ms
        delay = 2 * self.erase_page_s if mass else self.erase_page_s * len(pages)
        if delay:
            time.sleep(delay)
        return True

    def app_valid(self) -> bool:
        """An erased vector table means there is no application to start."""
        return self.flash[:4] != b"\xff\xff\xff\xff"

    # -- protocol ------------------------------------------------------------
    def serve(self, port: PacedPty, check: Callable[[], None]) -> None:
        """Run until ``check`` raises Interrupted (reset/power) or GO leaves the bootloader."""
        while True:  # wait for the 0x7F that selects this USART and its baud rate
            b = port.read(1, check)
            if b == b"\x7f":
                self._send(port, check, bytes([ACK]))
                break
        while True:
            cmd = port.read(2, check)
            if cmd[0] ^ cmd[1] != 0xFF:
                self._send(port, check, bytes([NACK]))
                continue
            if self.faults.hit("nack"):
                self._send(port, check, bytes([NACK]))
                continue
            handler = self._handlers().get(cmd[0])
            if handler is None:
                self._send(port, check, bytes([NACK]))
                continue
            self._send(port, check, bytes([ACK]))
            if handler(port, check) == "go":
                return

    def _handlers(self) -> dict[int, Callable[[PacedPty, Callable[[], None]], str | None]]:
        return {0x00: self._get, 0x01: self._get_version, 0x02: self._get_id, 0x11: self._read, 0x21: self._go,
                0x31: self._write, 0x44: self._ext_erase, 0x73: self._unprotect, 0x63: self._nack_after, 0x82: self._nack_after,
                0x92: self._nack_after}

    def _send(self, port: PacedPty, check: Callable[[], None], data: bytes) -> None:
        if len(data) > 0 and self.faults.hit("drop_tx"):
            i = self.faults.rng.randrange(len(data))
            data = data[:i] + data[i + 1:]
        port.write(data, check)

    def _ack_or_nack(self, port, check, ok: bool) -> bool:
        if ok and self.faults.hit("nack"):
            ok = False
        self._send(port, check, bytes([ACK if ok else NACK]))
        return ok

    def _address(self, port, check) -> int | None:
        raw = port.read(5, check)
        if reduce(lambda a, b: a ^ b, raw[:4]) != raw[4]:
            self._send(port, check, bytes([NACK]))
            return None
        return struct.unpack(">I", raw[:4])[0]

    def _get(self, port, check):
        self._send(port, check, bytes([len(COMMANDS), VERSION, *COMMANDS, ACK]))

    def _get_version(self, port, check):
        self._send(port, check, bytes([VERSION, 0, 0, ACK]))

    def _get_id(self, port, check):
        self._send(port, check, bytes([1]) + struct.pack(">H", PID) + bytes([ACK]))

    def _read(self, port, check):
        addr = self._address(port, check)
        if addr is None:
            return
        sysdata = None
        ok = True
        # address is ACKed only if it is readable at all
        if not (self._in_flash(addr, 1) or self._system_read(addr, 1) is not None):
            ok = False
        if not self._ack_or_nack(port, check, ok):
            return
        nb = port.read(2, check)
        n = nb[0] + 1
        if nb[0] ^ nb[1] != 0xFF:
            self._send(port, check, bytes([NACK]))
            return
        if self._in_flash(addr, n):
            data = bytes(self.flash[addr - self.flash_base: addr - self.flash_base + n])
        else:
            sysdata = self._system_read(addr, n)
            if sysdata is None:
                self._send(port, check, bytes([NACK]))
                return
            data = sysdata
        if self.faults.hit("corrupt_read"):
            i = self.faults.rng.randrange(len(data))
            data = data[:i] + bytes([data[i] ^ (1 << self.faults.rng.randrange(8))]) + data[i + 1:]
        self._send(port, check, bytes([ACK]) + data)

    def _go(self, port, check):
        addr = self._address(port, check)
        if addr is None:
            return None
        if not self._ack_or_nack(port, check, self._in_flash(addr, 4)):
            return None
        self.go_address = addr
        return "go"

    def _write(self, port, check):
        addr = self._address(port, check)
        if addr is None:
            return
        if not self._ack_or_nack(port, check, self._in_flash(addr, 1) and addr % 4 == 0):
            return
        n = port.read(1, check)[0] + 1
        payload = port.read(n + 1, check)
        data, csum = payload[:n], payload[n]
        if reduce(lambda a, b: a ^ b, data, n - 1) != csum or n % 4 or not self._in_flash(addr, n):
            self._send(port, check, bytes([NACK]))
            return
        off = addr - self.flash_base
        if self.faults.hit("power_loss"):
            cut = self.faults.rng.randrange(n)
            for i in range(cut):
                self.flash[off + i] &= data[i]
            raise PowerLoss(f"power lost after {cut} of {n} bytes at 0x{addr:08x}")
        for i in range(n):
            self.flash[off + i] &= data[i]
        if self.faults.hit("bad_write"):
            i = self.faults.rng.randrange(n)
            self.flash[off + i] &= ~(1 << self.faults.rng.randrange(8)) & 0xFF
        self._send(port, check, bytes([ACK]))

    def _ext_erase(self, port, check):
        head = port.read(2, check)
        count = struct.unpack(">H", head)[0]
        if count >= 0xFFF0:  # special erases: 0xFFFF mass, 0xFFFE/0xFFFD banks
            csum = port.read(1, check)[0]
            if csum != head[0] ^ head[1]:
                self._send(port, check, bytes([NACK]))
                return
            ok = self.erase_pages(list(range(len(self.flash) // self.page_size)), mass=True)
            self._ack_or_nack(port, check, ok)
            return
        raw = port.read(2 * (count + 1) + 1, check)
        pages = [struct.unpack_from(">H", raw, 2 * i)[0] for i in range(count + 1)]
        csum = reduce(lambda a, b: a ^ b, raw[:-1], head[0] ^ head[1])
        if csum != raw[-1]:
            self._send(port, check, bytes([NACK]))
            return
        self._ack_or_nack(port, check, self.erase_pages(pages))

    def _unprotect(self, port, check):
        self._send(port, check, bytes([ACK]))

    def _nack_after(self, port, check):
        # Protection changes are not emulated; refuse them rather than pretend.
        self._send(port, check, bytes([NACK]))
