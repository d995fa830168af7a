"""A pseudo-terminal whose far end behaves like a UART at a given baud rate.

A pty moves bytes as fast as memory, which would make flashing figures
meaningless. Here every received byte becomes readable only when it would
have finished arriving on the wire, and every sent byte leaves only after its
wire time, so a benchmark through the emulator measures what a real cable at
that baud rate would allow.
"""

from __future__ import annotations

import os
import select
import termios
import time
import tty
from collections import deque
from collections.abc import Callable


class Interrupted(Exception):
    """The device was reset or lost power while waiting for bytes."""


class PacedPty:
    def __init__(self, baud: int = 115200, bits_per_byte: int = 11, pace: bool = True) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing, before any client opens it
        attrs = termios.tcgetattr(self._slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(self._slave, termios.TCSANOW, attrs)
        self.path = os.ttyname(self._slave)
        os.set_blocking(self.master, False)
        self.baud = baud
        self.bits_per_byte = bits_per_byte
        self.pace = pace
        self._segments: deque[list] = deque()  # [ready time of first byte, data, offset]
        self._rx_free = 0.0
        self._tx_free = 0.0
        self._rx_last = 0.0
        self.rx_filter: Callable[[bytes], bytes] | None = None
        self.idle_poll_s = 0.002  # how often a waiting read re-checks reset/stop; raised while idle in the application

    @property
    def byte_time(self) -> float:
        return self.bits_per_byte / self.baud if self.pace else 0.0

    def close(self) -> None:
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _pull(self, timeout: float) -> None:
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return
        try:
            data = os.read(self.master, 65536)
        except (BlockingIOError, OSError):
            return
        if self.rx_filter:
            data = self.rx_filter(data)
        if not data:
            return
        now = time.monotonic()
        start = max(now, self._rx_free)
        self._rx_free = start + len(data) * self.byte_time
        self._segments.append([start + self.byte_time, data, 0])

    def buffered(self) -> int:
        return sum(len(s[1]) - s[2] for s in self._segments)

    def discard_input(self) -> None:
        while True:
            r, _, _ = select.select([self.master], [], [], 0)
            if not r:
                break
            try:
                if not os.read(self.master, 65536):
                    break
            except OSError:
                break
        self._segments.clear()

    def read(self, n: int, check: Callable[[], None] | None = None, timeout: float | None = None) -> bytes:
        """Exactly ``n`` bytes (fewer only on timeout); ``check`` may raise Interrupted."""
        out = bytearray()
        last_ready = 0.0
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(out) < n:
            if check:
                check()
            if not self._segments:
                if deadline is not None and time.monotonic() >= deadline:
                    break
                self._pull(self.idle_poll_s)
                continue
            seg = self._segments[0]
            start, data, off = seg
            take = min(n - len(out), len(data) - off)
            out += data[off:off + take]
            last_ready = start + (off + take - 1) * self.byte_time
            seg[2] += take
            if seg[2] >= len(data):
                self._segments.popleft()
        # Not waiting here for the last byte's wire time: the reply is held
        # back until then instead (one sleep per exchange, not two).
        self._rx_last = max(self._rx_last, last_ready)
        return bytes(out)

    def write(self, data: bytes, check: Callable[[], None] | None = None) -> None:
        if not data:
            return
        start = max(time.monotonic(), self._tx_free, self._rx_last)
        self._tx_free = start + len(data) * self.byte_time
        self._sleep_until(self._tx_free, check)
        view = memoryview(data)
        while view:
            try:
                k = os.write(self.master, view)
                view = view[k:]
            except BlockingIOError:
                select.select([], [self.master], [], 0.01)

    @staticmethod
    def _sleep_until(t: float, check: Callable[[], None] | None) -> None:
        """Sleep most of the way, then spin the last 0.2 ms: sleep() overshoots by about that much,
        and at 115200 baud a byte is only 0.1 ms."""
        while True:
            left = t - time.monotonic()
            if left <= 0:
                return
            if check:
                check()
            if left > 0.0003:
                time.sleep(min(left - 0.0002, 0.005))
