"""Sensors through gpiozero, stock per product, restock alerts.

``build_component(ctx)`` is what the daemon supervises; it registers the
``ack_alert`` and ``set_stock`` commands and ``ctx.shared["stock"]``.
"""

from __future__ import annotations

from typing import Any


def build_component(ctx: Any):
    from agent.sensors.component import build_component as _build

    return _build(ctx)
