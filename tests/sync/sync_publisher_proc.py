"""Child process for the SIGKILL test: store N events durably, say so, then flush them to the broker.

argv: data_dir port n inflight
"""

from __future__ import annotations

import sys
import threading

from agent.component import AgentContext
from agent.config import build_config
from agent.events import Event, EventKind
from agent.logs import setup_logging
from agent.sync.component import SyncComponent


def main() -> None:
    data_dir, port, n, inflight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    setup_logging("WARNING")
    raw = {"device": {"id": "dev-kill", "data_dir": data_dir},
           "mqtt": {"port": port, "keepalive_s": 2, "inflight": inflight, "backoff_initial_s": 0.1, "backoff_max_s": 0.5}}
    ctx = AgentContext(config=build_config(raw))
    comp = SyncComponent(ctx)
    for i in range(n):
        ctx.bus.publish(Event(kind=EventKind.TELEMETRY, ts=ctx.clock.time(), source="child", data={"i": i}))
    comp.outbox.flush()
    print(f"STORED {comp.outbox.stats()['next_seq']}", flush=True)
    comp.run(threading.Event())


if __name__ == "__main__":
    main()
