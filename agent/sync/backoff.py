"""Reconnect delays: exponential with jitter, reset only after a stable connection.

A broker that accepts a connection and drops it at once (overloaded, a bad
ACL, a cluster node restarting) must not see every device reconnect in a tight
loop, so a connection counts as good only once it has lasted ``stable_s``.
Jitter spreads a fleet's reconnects after a broker restart.
"""

from __future__ import annotations

import random

from agent.clock import Clock


class Backoff:
    def __init__(self, clock: Clock, initial_s: float = 1.0, max_s: float = 120.0, stable_s: float = 60.0,
                 rng: random.Random | None = None) -> None:
        self.clock = clock
        self.initial_s = initial_s
        self.max_s = max_s
        self.stable_s = stable_s
        self.rng = rng or random.Random()
        self.attempt = 0
        self._up_since: float | None = None

    def connected(self) -> None:
        self._up_since = self.clock.monotonic()

    def disconnected(self) -> None:
        if self._up_since is not None and self.clock.monotonic() - self._up_since >= self.stable_s:
            self.attempt = 0
        self._up_since = None

    def next_delay(self) -> float:
        """The wait before the next attempt: a random point in the upper half of the current step."""
        ceiling = min(self.max_s, self.initial_s * (2 ** min(self.attempt, 30)))
        self.attempt += 1
        return ceiling / 2 + self.rng.random() * ceiling / 2
