"""The one clock.

Every component takes a ``Clock`` instead of calling ``time`` directly, so a
simulation can run a shop's day in seconds and tests are deterministic.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Wall-clock seconds since the epoch (for timestamps on events)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (for intervals and deadlines)."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of this clock's time."""


class SystemClock:
    """Real time."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ScaledClock:
    """Real time sped up ``speed`` times, starting at ``start`` (epoch seconds).

    Used by ``edge-agent simulate --speed N`` so a day can be watched live.
    """

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._t0_real = time.monotonic()
        self._t0_wall = time.time() if start is None else start

    def time(self) -> float:
        return self._t0_wall + (time.monotonic() - self._t0_real) * self.speed

    def monotonic(self) -> float:
        return (time.monotonic() - self._t0_real) * self.speed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)


class ManualClock:
    """Time that moves only when told to: ``advance()`` or ``sleep()``.

    ``sleep`` advances the clock at once, so single-threaded simulations run as
    fast as the CPU allows. Threads blocked in ``wait_until`` wake when another
    thread advances time past their deadline.
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._wall0 = start
        self._now = 0.0
        self._cond = threading.Condition()

    def time(self) -> float:
        with self._cond:
            return self._wall0 + self._now

    def monotonic(self) -> float:
        with self._cond:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not go backwards")
        with self._cond:
            self._now += seconds
            self._cond.notify_all()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    def wait_until(self, monotonic_deadline: float, timeout: float | None = None) -> bool:
        """Block (in real time, at most ``timeout``) until the clock reaches the deadline."""
        with self._cond:
            return self._cond.wait_for(lambda: self._now >= monotonic_deadline, timeout)
