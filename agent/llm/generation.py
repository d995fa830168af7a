"""Per-request generation settings, shared by every caller of the model."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GenerationConfig:
    """How one answer is produced.

    ``temperature`` 0 means greedy (deterministic: the kiosk wants the same
    answer to the same question). ``deadline_s`` bounds the whole request in
    wall time so a slow device degrades to a shorter answer instead of a hung
    page; ``None`` means no deadline. A ``background`` request (restock alert
    text) gives the model up as soon as an interactive one (a shopper's
    question) is waiting for it, finishing with reason ``preempted``: a
    shopper never waits seconds behind an alert.
    """

    max_new_tokens: int = 128
    temperature: float = 0.0
    stop: list[str] = field(default_factory=list)
    deadline_s: float | None = None
    seed: int | None = None
    top_k: int = 0
    top_p: float = 1.0
    background: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.max_new_tokens, int) or self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be a whole number >= 1, got {self.max_new_tokens!r}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0 (0 = greedy), got {self.temperature!r}")
        if self.top_k < 0:
            raise ValueError(f"top_k must be >= 0 (0 = off), got {self.top_k!r}")
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p!r}")
        if self.deadline_s is not None and self.deadline_s <= 0:
            raise ValueError(f"deadline_s must be > 0 seconds or None, got {self.deadline_s!r}")
        if any(not isinstance(s, str) or not s for s in self.stop):
            raise ValueError(f"stop strings must be non-empty strings, got {self.stop!r}")
