"""Host side of the STM32 ROM USART bootloader protocol (ST AN3155).

Every command is a byte and its complement, answered by ACK (0x79) or NACK
(0x1F); addresses and lengths carry XOR checksums. A timeout or NACK raises
``BootloaderError`` and the caller decides how to recover (reset and sync).
"""

from __future__ import annotations

import struct
from functools import reduce

ACK, NACK = 0x79, 0x1F
SYNC = 0x7F
GET, GET_ID, READ, GO, WRITE, ERASE, EXT_ERASE = 0x00, 0x02, 0x11, 0x21, 0x31, 0x43, 0x44
CHUNK = 256


class BootloaderError(IOError):
    """The bootloader did not acknowledge a step."""


def _xor(data: bytes, start: int = 0) -> int:
    return reduce(lambda a, b: a ^ b, data, start)


class An3155:
    def __init__(self, port, timeout_s: float = 1.0) -> None:
        self.port = port
        self.timeout_s = timeout_s
        self.commands: list[int] = []
        self.version = 0

    def _timeout(self, t: float) -> None:
        if self.port.timeout != t:  # pyserial re-applies termios on every assignment
            self.port.timeout = t

    def _ack(self, what: str, timeout: float | None = None) -> None:
        self._timeout(timeout or self.timeout_s)
        b = self.port.read(1)
        if not b:
            raise BootloaderError(f"{what}: no answer within {self.port.timeout}s")
        if b[0] == NACK:
            raise BootloaderError(f"{what}: NACK")
        if b[0] != ACK:
            raise BootloaderError(f"{what}: unexpected byte 0x{b[0]:02x}")

    def _read_exact(self, n: int, what: str) -> bytes:
        self._timeout(self.timeout_s)
        data = self.port.read(n)
        if len(data) != n:
            raise BootloaderError(f"{what}: got {len(data)} of {n} bytes")
        return data

    def _command(self, cmd: int, what: str) -> None:
        self.port.write(bytes([cmd, cmd ^ 0xFF]))
        self._ack(what)

    def sync(self, attempts: int = 3) -> None:
        """Send 0x7F; ACK (fresh after reset) or NACK (already synced) both mean it listens."""
        self.port.reset_input_buffer()
        for _ in range(attempts):
            self.port.write(bytes([SYNC]))
            self._timeout(min(self.timeout_s, 0.2))
            b = self.port.read(1)
            if b and b[0] in (ACK, NACK):
                self.port.reset_input_buffer()
                return
        raise BootloaderError(f"no answer to sync (0x7F) after {attempts} tries: is BOOT0 wired and the MCU powered?")

    def get(self) -> tuple[int, list[int]]:
        self._command(GET, "GET")
        n = self._read_exact(1, "GET length")[0]
        rest = self._read_exact(n + 1, "GET body")
        self._ack("GET end")
        self.version, self.commands = rest[0], list(rest[1:])
        return self.version, self.commands

    def get_id(self) -> int:
        self._command(GET_ID, "GET_ID")
        n = self._read_exact(1, "GET_ID length")[0]
        pid = self._read_exact(n + 1, "GET_ID body")
        self._ack("GET_ID end")
        return int.from_bytes(pid, "big")

    def _address(self, addr: int, what: str) -> None:
        raw = struct.pack(">I", addr)
        self.port.write(raw + bytes([_xor(raw)]))
        self._ack(f"{what} address 0x{addr:08x}")

    def read(self, addr: int, n: int) -> bytes:
        if not 0 < n <= CHUNK:
            raise ValueError(f"read length {n} must be 1..{CHUNK}")
        self._command(READ, "READ")
        self._address(addr, "READ")
        self.port.write(bytes([n - 1, (n - 1) ^ 0xFF]))
        self._ack(f"READ length at 0x{addr:08x}")
        return self._read_exact(n, f"READ data at 0x{addr:08x}")

    def write(self, addr: int, data: bytes) -> None:
        if not 0 < len(data) <= CHUNK:
            raise ValueError(f"write length {len(data)} must be 1..{CHUNK}")
        if len(data) % 4:
            data = data + b"\xff" * (4 - len(data) % 4)
        self._command(WRITE, "WRITE")
        self._address(addr, "WRITE")
        n = len(data) - 1
        self.port.write(bytes([n]) + data + bytes([_xor(data, n)]))
        self._ack(f"WRITE data at 0x{addr:08x}")

    def erase(self, pages: list[int], timeout_s: float = 10.0) -> None:
        if EXT_ERASE in self.commands or not self.commands:
            self._command(EXT_ERASE, "EXTENDED ERASE")
            for i in range(0, len(pages), 512):  # keep each request small
                if i:
                    self._command(EXT_ERASE, "EXTENDED ERASE")
                part = pages[i:i + 512]
                body = struct.pack(">H", len(part) - 1) + b"".join(struct.pack(">H", p) for p in part)
                self.port.write(body + bytes([_xor(body)]))
                self._ack("EXTENDED ERASE pages", timeout=timeout_s)
        else:
            if any(p > 255 for p in pages):
                raise BootloaderError("legacy ERASE cannot address pages above 255")
            self._command(ERASE, "ERASE")
            body = bytes([len(pages) - 1, *pages])
            self.port.write(body + bytes([_xor(body)]))
            self._ack("ERASE pages", timeout=timeout_s)

    def mass_erase(self, timeout_s: float = 10.0) -> None:
        if EXT_ERASE in self.commands or not self.commands:
            self._command(EXT_ERASE, "EXTENDED ERASE")
            self.port.write(b"\xff\xff\x00")
        else:
            self._command(ERASE, "ERASE")
            self.port.write(b"\xff\x00")
        self._ack("mass erase", timeout=timeout_s)

    def go(self, addr: int) -> None:
        self._command(GO, "GO")
        self._address(addr, "GO")
