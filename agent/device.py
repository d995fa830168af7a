"""The ``[device]`` section: who this device is and where it keeps its state."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from agent.config import section


@section("device")
@dataclass
class DeviceSettings:
    id: str = field(default_factory=lambda: f"demo-{socket.gethostname()}", metadata={"help": "Unique device id; also the MQTT client id."})
    kind: str = field(default="kiosk", metadata={"help": "'kiosk' or 'vending'."})
    data_dir: Path = field(default=Path("var"), metadata={"help": "Writable directory for the outbox, state and keys."})
    log_level: str = field(default="INFO", metadata={"help": "DEBUG, INFO, WARNING or ERROR."})

    def validate(self) -> None:
        if self.kind not in ("kiosk", "vending"):
            raise ValueError(f"device.kind must be 'kiosk' or 'vending', not {self.kind!r}")
        if not self.id or any(c in self.id for c in "/+#\x00 "):
            raise ValueError(f"device.id {self.id!r} must be non-empty and contain no '/', '+', '#' or spaces (it is used in MQTT topics)")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"device.log_level {self.log_level!r} must be DEBUG, INFO, WARNING or ERROR")
