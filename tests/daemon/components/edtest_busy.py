"""A component with a shopper answer in flight: marks ctx.activity busy for a while after start."""

from __future__ import annotations

import os
import threading
import time

from edtest_common import mark


class Busy:
    name = "busy"

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def run(self, stop: threading.Event) -> None:
        seconds = float(os.environ.get("EDTEST_BUSY_S", "0"))
        if seconds:
            with self.ctx.activity.busy("question"):
                mark("busy.answering")
                time.sleep(seconds)  # the answer being written: shutdown must wait for it
                mark("busy.answered")
        stop.wait()
        mark("busy.stopped")

    def health(self) -> dict:
        return {"ok": True}


def build_component(ctx):
    return Busy(ctx)
