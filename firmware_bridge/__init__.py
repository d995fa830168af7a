"""Link to the vending controller's microcontroller, audit data and safe flashing."""

from typing import Any


def build_component(ctx: Any) -> Any:
    from firmware_bridge.component import build_component as build

    return build(ctx)
