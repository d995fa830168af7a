"""Fixtures shared by every package's tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


@contextmanager
def _running(component: Any, join_s: float = 10.0) -> Iterator[threading.Event]:
    """Run ``component.run(stop)`` in a thread for the ``with`` block; on exit stop it and check it stopped."""
    stop = threading.Event()
    thread = threading.Thread(target=component.run, args=(stop,), daemon=True, name=f"test-{type(component).__name__}")
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(join_s)
    assert not thread.is_alive(), f"{type(component).__name__}.run() did not return within {join_s} s of stop"


@pytest.fixture
def running() -> Callable[..., Any]:
    """``with running(component) as stop:`` runs a Component as the supervisor would."""
    return _running
