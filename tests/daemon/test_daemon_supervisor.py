"""Supervision: a crashing component restarts with backoff and events; the others are untouched."""

from __future__ import annotations

import threading
import time

from agent.bus import EventBus
from agent.clock import SystemClock
from agent.daemon.supervisor import Backoff, Supervisor
from agent.events import EventKind


class Recorder:
    def __init__(self, name, crash_times=0, return_early=False):
        self.name = name
        self.crash_times = crash_times
        self.return_early = return_early
        self.runs = 0
        self.stops = 0

    def run(self, stop: threading.Event) -> None:
        self.runs += 1
        if self.runs <= self.crash_times:
            raise ValueError(f"boom {self.runs}")
        if self.return_early and self.runs == 1:
            return
        stop.wait()
        self.stops += 1

    def health(self):
        return {"ok": True}


def wait(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_backoff_doubles_up_to_the_cap():
    b = Backoff(initial_s=1, max_s=10)
    assert [b.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 10, 10]


def test_crash_restarts_with_backoff_and_others_keep_running():
    bus = EventBus()
    events = []
    bus.subscribe(events.append, kinds={EventKind.COMPONENT})
    sup = Supervisor(bus, SystemClock(), Backoff(initial_s=0.05, max_s=0.2, stable_after_s=60))
    crashy, steady = Recorder("crashy", crash_times=3), Recorder("steady")
    sup.add("crashy", lambda: crashy)
    sup.add("steady", lambda: steady)
    t0 = time.monotonic()
    sup.start()
    assert wait(lambda: crashy.runs == 4 and sup.states()["crashy"]["state"] == "running")
    took = time.monotonic() - t0
    assert took >= 0.05 + 0.1 + 0.2 - 0.02  # three backoffs: 0.05, 0.1, 0.2
    states = sup.states()
    assert states["crashy"]["restarts"] == 3 and "boom 3" in states["crashy"]["last_error"]
    assert states["steady"] == {**states["steady"], "state": "running", "restarts": 0, "ok": True}
    assert steady.runs == 1  # never restarted because of its neighbour
    crashed = [e for e in events if e.source == "crashy" and e.data["state"] == "crashed"]
    assert len(crashed) == 3 and crashed[0].data["error"] == "ValueError: boom 1"
    assert sup.stop(2.0) == []
    assert crashy.stops == 1 and steady.stops == 1
    assert sup.states()["crashy"]["state"] == "stopped"


def test_returning_from_run_counts_as_a_crash():
    sup = Supervisor(EventBus(), SystemClock(), Backoff(initial_s=0.01, max_s=0.01))
    r = Recorder("early", return_early=True)
    sup.add("early", lambda: r)
    sup.start()
    assert wait(lambda: r.runs == 2)
    assert "returned without being asked to stop" in sup.states()["early"]["last_error"]
    sup.stop(2.0)


def test_failing_build_is_retried_and_none_means_disabled():
    attempts = []

    def factory():
        attempts.append(1)
        if len(attempts) < 2:
            raise ImportError("driver missing")
        return Recorder("late")

    sup = Supervisor(EventBus(), SystemClock(), Backoff(initial_s=0.01, max_s=0.01))
    sup.add("late", factory)
    sup.add("off", lambda: None)
    sup.start()
    assert wait(lambda: sup.states()["late"]["state"] == "running")
    assert wait(lambda: sup.states()["off"]["state"] == "disabled")
    assert sup.states()["off"]["ok"] is True
    sup.stop(2.0)


def test_health_that_raises_is_reported_not_propagated():
    class BadHealth(Recorder):
        def health(self):
            raise KeyError("x")

    sup = Supervisor(EventBus(), SystemClock())
    sup.add("bad", lambda: BadHealth("bad"))
    sup.start()
    assert wait(lambda: sup.states()["bad"]["state"] == "running")
    st = sup.states()["bad"]
    assert st["ok"] is False and "health() raised KeyError" in st["health"]["error"]
    sup.stop(2.0)


def test_stuck_component_is_reported_on_stop():
    class Stuck(Recorder):
        def run(self, stop):
            time.sleep(1.0)  # ignores stop

    sup = Supervisor(EventBus(), SystemClock())
    sup.add("stuck", lambda: Stuck("stuck"))
    sup.start()
    time.sleep(0.05)
    assert sup.stop(0.1) == ["stuck"]


def test_rebuild_closes_the_old_instance_and_close_is_called_once_stopped():
    built = []

    class Closable(Recorder):
        closed = 0

        def close(self):
            self.closed += 1

    def factory():
        built.append(Closable("c"))
        return built[-1]

    sup = Supervisor(EventBus(), SystemClock())
    sup.add("c", factory)
    sup.start()
    assert wait(lambda: sup.states()["c"]["state"] == "running")
    sup.restart("c", rebuild=True, timeout_s=2.0)
    assert wait(lambda: len(built) == 2 and sup.states()["c"]["state"] == "running")
    assert built[0].closed == 1 and built[0].stops == 1 and built[1].closed == 0
    sup.stop(2.0)
    sup.close()
    assert built[1].closed == 1
