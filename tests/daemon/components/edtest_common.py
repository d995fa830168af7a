"""Helpers for the test components: they record what happened as marker files.

The daemon runs them exactly like the real packages (importlib + build_component),
in-process or in a real `edge-agent run` subprocess (PYTHONPATH), so the markers
are how a test observes starts, stops and restarts.
"""

from __future__ import annotations

import os
from pathlib import Path


def marker_dir() -> Path:
    d = Path(os.environ.get("EDTEST_MARKERS", "/tmp/edtest-markers"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def mark(name: str, text: str = "") -> None:
    with (marker_dir() / name).open("a") as f:
        f.write(text + "\n")


def count(name: str) -> int:
    p = marker_dir() / name
    return len(p.read_text().splitlines()) if p.exists() else 0
