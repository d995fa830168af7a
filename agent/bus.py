"""In-process publish/subscribe for ``Event``.

Components never call each other directly for events: a sensor does not know
the outbox exists. A subscriber that raises is logged and skipped so one bad
consumer cannot stop the others from seeing an event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from agent.events import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: list[tuple[frozenset[str] | None, Handler]] = []

    def subscribe(self, handler: Handler, kinds: set[str] | None = None) -> Callable[[], None]:
        """Call ``handler`` for events of ``kinds`` (all when None); returns an unsubscribe function."""
        entry = (frozenset(kinds) if kinds else None, handler)
        with self._lock:
            self._subs.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._subs:
                    self._subs.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            subs = list(self._subs)
        for kinds, handler in subs:
            if kinds is None or event.kind in kinds:
                try:
                    handler(event)
                except Exception:
                    log.exception("event handler failed", extra={"fields": {"kind": event.kind, "handler": getattr(handler, "__qualname__", repr(handler))}})
