"""Fault injection for the emulator: what a flaky cable or a brown-out does."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Faults:
    drop_rx: float = 0.0      # chance per received burst that one byte is lost
    drop_tx: float = 0.0      # chance per reply that one byte is lost
    nack: float = 0.0         # chance that an ACK becomes a NACK (the step is not done)
    corrupt_read: float = 0.0  # chance per read-memory reply that one bit flips on the wire
    bad_write: float = 0.0    # chance per write that flash keeps a wrong bit though the write was ACKed
    power_loss: float = 0.0   # chance per write-memory that power drops half-way through programming
    power_off_s: float = 0.05  # how long the power stays off
    seed: int | None = None
    rng: random.Random = field(init=False, repr=False)
    counts: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def hit(self, name: str) -> bool:
        p = getattr(self, name)
        if p > 0 and self.rng.random() < p:
            self.counts[name] = self.counts.get(name, 0) + 1
            return True
        return False

    def any(self) -> bool:
        return any(getattr(self, n) > 0 for n in ("drop_rx", "drop_tx", "nack", "corrupt_read", "bad_write", "power_loss"))
