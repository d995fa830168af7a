"""Grounded answers for shoppers: catalog, retrieval, checking, HTTP API and page."""

from __future__ import annotations

from typing import Any


def build_component(ctx: Any) -> Any:
    """The supervised kiosk HTTP component (imported lazily: the CLI must stay fast)."""
    from agent.kiosk.component import build_component as build

    return build(ctx)
