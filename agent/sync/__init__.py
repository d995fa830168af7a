"""Cloud sync over MQTT with a durable outbox.

``build_component(ctx)`` is the supervised component; ``sign_command`` makes
commands the device accepts (cloud side, technicians, tests). Imported lazily
so ``edge-agent --help`` does not load paho or SQLite.
"""

from typing import Any

__all__ = ["build_component", "sign_command"]


def __getattr__(name: str) -> Any:
    if name == "build_component":
        from agent.sync.component import build_component
        return build_component
    if name == "sign_command":
        from agent.sync.signer import sign_command
        return sign_command
    raise AttributeError(name)
