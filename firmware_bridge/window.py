"""Daily maintenance windows ("02:00-04:00", UTC) checked against the injected clock."""

from __future__ import annotations

import re

_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_window(text: str) -> tuple[int, int]:
    """Return (start, end) in minutes after midnight UTC; a window may wrap midnight."""
    m = _RE.match(text or "")
    if not m:
        raise ValueError(f"maintenance window {text!r} must look like \"02:00-04:00\" (UTC, 24-hour)")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"maintenance window {text!r} has an impossible time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end:
        raise ValueError(f"maintenance window {text!r} is empty")
    return start, end


def in_window(text: str, epoch_s: float) -> bool:
    if not text:
        return False
    start, end = parse_window(text)
    minute = int(epoch_s // 60) % (24 * 60)
    return start <= minute < end if start < end else (minute >= start or minute < end)
