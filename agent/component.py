"""What the daemon supervises, and what components share.

A component is built from the config and the shared ``AgentContext`` by its
package's ``build_component(ctx)`` and then run by the supervisor:
``run(stop)`` blocks until ``stop`` is set; if it raises, the supervisor logs
it, emits a health event and restarts it with backoff, without touching the
other components. ``health()`` must be cheap and never raise.

Components talk through the ``EventBus`` (events) and the ``CommandRegistry``
(authenticated cloud commands, CLI acknowledgements), never by importing each
other, so any one of them can be missing or restarting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from agent.bus import EventBus
from agent.clock import Clock, SystemClock
from agent.config import Config, load_config


class Component(Protocol):
    name: str

    def run(self, stop: threading.Event) -> None: ...

    def health(self) -> dict[str, Any]:
        """At least {"ok": bool}; more keys are shown by `edge-agent status`."""


class CommandError(Exception):
    """A command was understood but cannot be done; the message goes back to the sender."""


CommandHandler = Callable[[dict[str, Any]], dict[str, Any]]


class CommandRegistry:
    """Named device commands (``ack_alert``, ``set_config``, ``replace_catalog``...).

    The sync layer calls ``dispatch`` only after the command's signature and
    freshness were checked; nothing a shopper types reaches this registry.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, CommandHandler] = {}
        self._lock = threading.Lock()

    def register(self, name: str, handler: CommandHandler) -> None:
        with self._lock:
            self._handlers[name] = handler

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._handlers)

    def dispatch(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            handler = self._handlers.get(name)
        if handler is None:
            raise CommandError(f"unknown command {name!r}; known: {', '.join(self.names())}")
        return handler(args)


class Activity:
    """Counts work in flight (a shopper question, a vend, a flash).

    An OTA model swap or a graceful shutdown waits for ``idle()`` so a shopper
    never loses the answer being written and a vend is never cut in half.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active: dict[str, int] = {}

    def busy(self, what: str):
        activity = self

        class _Busy:
            def __enter__(self_inner):
                with activity._cond:
                    activity._active[what] = activity._active.get(what, 0) + 1

            def __exit__(self_inner, *exc):
                with activity._cond:
                    activity._active[what] -= 1
                    if not activity._active[what]:
                        del activity._active[what]
                    activity._cond.notify_all()

        return _Busy()

    def in_flight(self) -> dict[str, int]:
        with self._cond:
            return dict(self._active)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Real-time wait (seconds) until nothing is in flight; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._active, timeout)


@dataclass
class AgentContext:
    config: Config = field(default_factory=lambda: load_config(None))
    clock: Clock = field(default_factory=SystemClock)
    bus: EventBus = field(default_factory=EventBus)
    commands: CommandRegistry = field(default_factory=CommandRegistry)
    activity: Activity = field(default_factory=Activity)
    # Returns the shared, loaded language model (agent.llm) or None when it is unavailable.
    model: Callable[[], Any] = lambda: None
    # Small shared read-only views other components may expose (e.g. "stock": callable).
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        d = Path(self.config.device.data_dir)
        d.mkdir(parents=True, exist_ok=True)
        return d
