"""A well-behaved component: blocks until stopped; health toggled by HEALTHY."""

from __future__ import annotations

import threading

from edtest_common import mark

HEALTHY = threading.Event()
HEALTHY.set()


class Steady:
    name = "steady"

    def run(self, stop: threading.Event) -> None:
        mark("steady.started")
        stop.wait()
        mark("steady.stopped")

    def health(self) -> dict:
        return {"ok": HEALTHY.is_set(), "outbox_depth": 7}


def build_component(ctx):
    mark("steady.built", ctx.config.device.id)
    return Steady()
