"""Progress lines for long work (model build, quality gate), on stderr so stdout stays parseable."""

from __future__ import annotations

import sys
import time


class Stages:
    def __init__(self, title: str, total: int, stream=None) -> None:
        self.title, self.total, self.n = title, total, 0
        self.stream = stream or sys.stderr
        self.t_start = time.monotonic()
        self.t_stage = self.t_start

    def start(self, what: str) -> None:
        self.n += 1
        self.t_stage = time.monotonic()
        self._print(f"[{self.n}/{self.total}] {what} ...")

    def note(self, what: str) -> None:
        self._print(f"      {what}")

    def done(self, what: str = "done") -> None:
        self._print(f"[{self.n}/{self.total}] {what} ({time.monotonic() - self.t_stage:.1f}s)")

    def finish(self, what: str) -> float:
        total = time.monotonic() - self.t_start
        self._print(f"{what} in {total:.1f}s")
        return total

    def _print(self, line: str) -> None:
        print(f"{self.title}: {line}", file=self.stream, flush=True)
