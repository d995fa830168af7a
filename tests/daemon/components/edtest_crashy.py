"""A component that crashes on its first CRASHES runs, then behaves."""

from __future__ import annotations

import threading

from edtest_common import count, mark

CRASHES = 2


class Crashy:
    name = "crashy"

    def run(self, stop: threading.Event) -> None:
        mark("crashy.started")
        if count("crashy.started") <= CRASHES:
            raise RuntimeError("simulated bug in crashy")
        stop.wait()
        mark("crashy.stopped")

    def health(self) -> dict:
        return {"ok": True}


def build_component(ctx):
    return Crashy()
