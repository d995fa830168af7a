"""The one error type callers of the language model need to handle."""

from __future__ import annotations


class ModelError(RuntimeError):
    """The model cannot be loaded or used; the message names the file or setting and the fix.

    Callers (kiosk, alerts) catch this one type and fall back to their
    deterministic answers, so every failure below the API is turned into it.
    """

    def __init__(self, message: str, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)
