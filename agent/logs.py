"""Structured, journald-friendly logging with secret redaction.

Lines are ``logfmt`` (``msg="..." key=value``). Under systemd (``JOURNAL_STREAM``
set) each line starts with an sd-daemon ``<N>`` priority prefix and carries no
timestamp, because journald adds both. Values registered with
``register_secret`` are replaced by ``***`` in every line, so a broker password
or a signing key cannot reach the journal even through an exception message.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()

_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


def register_secret(value: str | bytes | None) -> None:
    """Never print ``value`` in a log line (short values are ignored: too many false hits)."""
    if value is None:
        return
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if len(value) >= 4:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, "***")
    return text


def _fmt_value(v: object) -> str:
    s = str(v)
    if s == "" or any(c in s for c in ' "=\n\t'):
        s = '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return s


class LogfmtFormatter(logging.Formatter):
    def __init__(self, journald: bool) -> None:
        super().__init__()
        self.journald = journald

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        if not self.journald:
            t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            parts.append(f"ts={t}.{int(record.msecs):03d}Z")
        parts.append(f"level={record.levelname.lower()}")
        parts.append(f"logger={record.name}")
        parts.append(f"msg={_fmt_value(record.getMessage())}")
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            parts.extend(f"{k}={_fmt_value(v)}" for k, v in fields.items())
        if record.exc_info:
            parts.append(f"exc={_fmt_value(self.formatException(record.exc_info))}")
        line = redact(" ".join(parts))
        if self.journald:
            line = f"<{_PRIORITY.get(record.levelno, 6)}>{line}"
        return line


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (it can be swapped, e.g. by test capture)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup_logging(level: str | int = "INFO", stream=None) -> None:
    """Configure the root logger once; safe to call again (replaces the handler)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_edge_agent", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(LogfmtFormatter(journald=bool(os.environ.get("JOURNAL_STREAM"))))
    handler._edge_agent = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())


def fields(**kw: object) -> dict[str, dict[str, object]]:
    """``log.info("msg", extra=fields(slot="A1", units=3))``."""
    return {"fields": kw}
