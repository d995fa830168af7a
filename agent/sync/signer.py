"""Make signed commands: for the cloud side, technicians and the tests.

The device only verifies; this is the other half of the contract in
``agent.sync.commands`` so both are written against the same format.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agent.signing import sign


def sign_command(key: Ed25519PrivateKey, device_id: str, name: str, args: dict[str, Any] | None = None, *,
                 ts: float | None = None, nonce: str | None = None, cmd_id: str | None = None) -> bytes:
    """The MQTT payload of a signed command (``ts`` defaults to now: the signer runs off-device)."""
    body = json.dumps({"v": 1, "id": cmd_id or uuid.uuid4().hex, "device_id": device_id, "name": name, "args": args or {},
                       "ts": time.time() if ts is None else ts, "nonce": nonce or secrets.token_hex(16)},
                      separators=(",", ":"), sort_keys=True)
    return json.dumps({"body": body, "sig": sign(key, body.encode())}, separators=(",", ":")).encode()
