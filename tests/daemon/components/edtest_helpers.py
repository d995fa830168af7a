"""Shared by the daemon tests (importable because conftest puts this directory on sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

COMPONENTS = Path(__file__).resolve().parent
ROOT = COMPONENTS.parents[2]


def subprocess_env(markers: Path, **extra: str) -> dict[str, str]:
    """Environment for a real `edge-agent` subprocess that can import the test components."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(COMPONENTS), str(ROOT)])
    env["EDTEST_MARKERS"] = str(markers)
    for k in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "RUNTIME_DIRECTORY"):
        env.pop(k, None)
    env.update(extra)
    return env
