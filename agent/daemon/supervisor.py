"""Runs each component in its own thread and restarts it when it crashes.

A shop device is unattended: a bug in the sensor code must not take the kiosk
down with it. Each component gets its own stop event and thread; an exception
is logged, announced as a COMPONENT event, and the component is restarted
after an exponential backoff. A component that returns from ``run()`` while
nobody asked it to stop is treated like a crash (it is supposed to block).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.bus import EventBus
from agent.clock import Clock
from agent.component import Component
from agent.events import Event, EventKind
from agent.logs import fields

log = logging.getLogger(__name__)

Factory = Callable[[], Component | None]


@dataclass
class Backoff:
    initial_s: float = 1.0
    max_s: float = 60.0
    stable_after_s: float = 60.0

    def delay(self, crashes_in_a_row: int) -> float:
        return min(self.max_s, self.initial_s * 2 ** max(0, crashes_in_a_row - 1))


@dataclass
class _Slot:
    name: str
    factory: Factory
    component: Component | None = None
    thread: threading.Thread | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    state: str = "new"  # new, running, backoff, stopped, failed
    restarts: int = 0
    crashes_in_a_row: int = 0
    last_error: str = ""
    started_at: float = 0.0


class Supervisor:
    def __init__(self, bus: EventBus, clock: Clock, backoff: Backoff | None = None) -> None:
        self.bus = bus
        self.clock = clock
        self.backoff = backoff or Backoff()
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def add(self, name: str, factory: Factory) -> None:
        """``factory`` builds the component (again after a reload); None means: nothing to run."""
        with self._lock:
            self._slots[name] = _Slot(name, factory)

    def names(self) -> list[str]:
        with self._lock:
            return list(self._slots)

    def start(self) -> None:
        for name in self.names():
            self._start(self._slots[name])

    def _start(self, slot: _Slot) -> None:
        slot.state = "new"  # until the thread has built it and entered run()
        slot.stop = threading.Event()
        slot.thread = threading.Thread(target=self._loop, args=(slot, slot.stop), name=f"comp-{slot.name}", daemon=True)
        slot.thread.start()

    def _loop(self, slot: _Slot, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if slot.component is None:
                    slot.component = slot.factory()
                    if slot.component is None:
                        slot.state = "disabled"
                        log.info("component not enabled on this device", extra=fields(component=slot.name))
                        return
                slot.state = "running"
                slot.started_at = self.clock.monotonic()
                self._event(slot, "started")
                slot.component.run(stop)
                if stop.is_set():
                    break
                raise RuntimeError("run() returned without being asked to stop")
            except Exception as e:
                if stop.is_set():
                    break
                ran = self.clock.monotonic() - slot.started_at if slot.state == "running" else 0.0
                slot.crashes_in_a_row = 1 if ran >= self.backoff.stable_after_s else slot.crashes_in_a_row + 1
                slot.restarts += 1
                slot.last_error = f"{type(e).__name__}: {e}"
                delay = self.backoff.delay(slot.crashes_in_a_row)
                slot.state = "backoff"
                log.exception("component crashed; restarting after backoff",
                              extra=fields(component=slot.name, restart_in_s=round(delay, 2), crashes_in_a_row=slot.crashes_in_a_row))
                self._event(slot, "crashed", error=slot.last_error, restart_in_s=delay)
                if stop.wait(delay):
                    break
        slot.state = "stopped"

    def _event(self, slot: _Slot, what: str, **data: Any) -> None:
        self.bus.publish(Event(EventKind.COMPONENT, self.clock.time(), slot.name,
                               {"state": what, "restarts": slot.restarts, **data}))

    def stop(self, timeout_s: float = 5.0, names: list[str] | None = None) -> list[str]:
        """Stop components (all by default); returns those whose run() did not return in time."""
        with self._lock:
            slots = [s for n, s in self._slots.items() if names is None or n in names]
        for s in slots:
            s.stop.set()
        stuck = []
        for s in slots:
            if s.thread is not None:
                s.thread.join(timeout_s)
                if s.thread.is_alive():
                    stuck.append(s.name)
                    log.error("component did not stop in time", extra=fields(component=s.name, timeout_s=timeout_s))
        return stuck

    def close(self, names: list[str] | None = None) -> None:
        """Call the optional ``close()`` of stopped components (sync closes its outbox and unsubscribes)."""
        with self._lock:
            slots = [s for n, s in self._slots.items() if names is None or n in names]
        for s in slots:
            self._close(s)

    def _close(self, slot: _Slot) -> None:
        comp = slot.component
        if comp is None:
            return
        if slot.thread is not None and slot.thread.is_alive():
            log.error("component still running; not closing it", extra=fields(component=slot.name))
            return
        closer = getattr(comp, "close", None)
        if callable(closer):
            try:
                closer()
            except Exception:
                log.exception("component close() failed", extra=fields(component=slot.name))

    def restart(self, name: str, rebuild: bool, timeout_s: float = 5.0) -> None:
        """Stop one component and start it again (rebuilt from the current config when ``rebuild``).

        A crash restart reuses the instance (its subscriptions and open files stay); a rebuild
        closes the old instance first so two never hold the same outbox or bus subscription."""
        slot = self._slots[name]
        if self.stop(timeout_s, [name]):
            log.error("component did not stop; not starting a second copy", extra=fields(component=name))
            return
        if rebuild:
            self._close(slot)
            slot.component = None
        slot.crashes_in_a_row = 0
        self._start(slot)

    def component(self, name: str) -> Component | None:
        return self._slots[name].component

    def states(self) -> dict[str, dict[str, Any]]:
        """Supervision state plus each component's own health() (which must be cheap)."""
        out: dict[str, dict[str, Any]] = {}
        with self._lock:
            slots = list(self._slots.values())
        for s in slots:
            info: dict[str, Any] = {"state": s.state, "restarts": s.restarts, "alive": bool(s.thread and s.thread.is_alive())}
            if s.last_error:
                info["last_error"] = s.last_error
            comp_health: dict[str, Any] = {}
            if s.component is not None and s.state == "running":
                try:
                    comp_health = dict(s.component.health())
                except Exception as e:  # health() must not raise; if it does, that is a fault
                    comp_health = {"ok": False, "error": f"health() raised {type(e).__name__}: {e}"}
            info["ok"] = s.state == "disabled" or (s.state == "running" and bool(comp_health.get("ok", False)))
            info["crash_loop"] = s.crashes_in_a_row
            info["health"] = comp_health
            out[s.name] = info
        return out
