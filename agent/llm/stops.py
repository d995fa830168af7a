"""Stop strings that may span several decoded pieces.

Text that could still be the start of a stop string is held back, so the
caller never sees half of a stop string and then a retraction.
"""

from __future__ import annotations


class StopMatcher:
    def __init__(self, stops: list[str]) -> None:
        self.stops = [s for s in stops if s]
        self.pending = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Add decoded text; return what is safe to emit now (sets ``stopped`` on a match)."""
        if self.stopped:
            return ""
        self.pending += text
        if not self.stops:
            out, self.pending = self.pending, ""
            return out
        first = min((i for i in (self.pending.find(s) for s in self.stops) if i >= 0), default=-1)
        if first >= 0:
            out = self.pending[:first]
            self.pending = ""
            self.stopped = True
            return out
        hold = 0
        for s in self.stops:
            for k in range(min(len(s) - 1, len(self.pending)), hold, -1):
                if self.pending.endswith(s[:k]):
                    hold = k
                    break
        cut = len(self.pending) - hold
        out, self.pending = self.pending[:cut], self.pending[cut:]
        return out

    def flush(self) -> str:
        """At the end of generation: held-back text that never became a stop string."""
        out, self.pending = ("" if self.stopped else self.pending), ""
        return out
