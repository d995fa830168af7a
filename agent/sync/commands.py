"""Cloud commands: who may send them, how fresh they must be, and the reply.

Wire format (docs/mqtt.md): the MQTT payload is JSON
``{"body": "<command JSON as a string>", "sig": "<base64 ed25519 over the body's UTF-8 bytes>"}``.
Signing the body as an opaque string avoids any JSON canonicalisation
disagreement between the cloud's language and ours. The body is
``{"v": 1, "id": str, "device_id": str, "name": str, "args": {...}, "ts": epoch seconds, "nonce": str}``.

Checks run cheapest first, and nothing reaches the command registry unless
all pass: size, JSON shape, signature, device id, time window, then the nonce
(recorded durably *before* dispatch, so a crash cannot reopen a replay).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from agent.clock import Clock
from agent.component import CommandError, CommandRegistry
from agent.logs import fields
from agent.signing import SignatureError, verify

log = logging.getLogger(__name__)

MAX_NONCE_LEN = 128


class Rejected(Exception):
    """A command that is not executed; ``code`` is machine-readable, the message says what to fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Command:
    id: str
    name: str
    args: dict[str, Any]
    ts: float
    nonce: str


class NonceStore:
    """Nonces seen within the window, in SQLite so a restart does not reopen replays.

    When the store is new (first boot, deleted, or corrupt and moved aside) it
    cannot know which nonces were used before, so it records a floor: commands
    signed before that moment are refused. A replay of an old command is then
    impossible even though its nonce was forgotten.
    """

    def __init__(self, path: str | Path, keep_s: float, now: float) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.keep_s = keep_s
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as e:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(now)}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
            log.error("command nonce store unreadable; moved aside, older commands are refused", extra=fields(error=str(e), moved_to=str(aside)))
            self._db = self._open()
        row = self._db.execute("SELECT value FROM meta WHERE key='floor_ts'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('floor_ts', ?)", (repr(now),))
            self.floor_ts = now
        else:
            self.floor_ts = float(row[0])

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, ts REAL NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return db

    def add(self, nonce: str, now: float) -> bool:
        """Record ``nonce``; False when it was already used."""
        with self._lock:
            self._db.execute("DELETE FROM nonces WHERE ts < ?", (now - self.keep_s,))
            try:
                self._db.execute("INSERT INTO nonces VALUES (?, ?)", (nonce, now))
            except sqlite3.IntegrityError:
                return False
            return True

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CommandVerifier:
    def __init__(self, device_id: str, key: Ed25519PublicKey | None, clock: Clock, nonces: NonceStore,
                 window_s: float = 300.0, max_bytes: int = 512 * 1024) -> None:
        self.device_id = device_id
        self.key = key
        self.clock = clock
        self.nonces = nonces
        self.window_s = window_s
        self.max_bytes = max_bytes

    def check(self, payload: bytes) -> Command:
        if len(payload) > self.max_bytes:
            raise Rejected("oversized", f"command payload is {len(payload)} bytes, over the limit of {self.max_bytes} (commands.max_bytes)")
        try:
            outer = json.loads(payload)
        except (UnicodeDecodeError, ValueError) as e:
            raise Rejected("malformed", f"command payload is not JSON ({e}); send {{\"body\": \"...\", \"sig\": \"...\"}}") from None
        if not isinstance(outer, dict) or not isinstance(outer.get("body"), str):
            raise Rejected("malformed", "command payload must be a JSON object with a string 'body' and a 'sig'")
        if "sig" not in outer or not outer["sig"]:
            raise Rejected("unsigned", "command has no signature ('sig'); sign it with `edge-agent cmd sign`")
        if self.key is None:
            raise Rejected("no_key", "this device has no command verification key (commands.verify_key); provision one")
        body_bytes = outer["body"].encode("utf-8")
        try:
            verify(self.key, body_bytes, outer["sig"])
        except SignatureError as e:
            raise Rejected("bad_signature", f"command signature rejected: {e}") from None
        try:
            body = json.loads(body_bytes)
        except ValueError as e:
            raise Rejected("malformed", f"signed body is not JSON ({e})") from None
        if not isinstance(body, dict):
            raise Rejected("malformed", "signed body must be a JSON object")
        name, args, ts, nonce, dev = body.get("name"), body.get("args", {}), body.get("ts"), body.get("nonce"), body.get("device_id")
        cid = body.get("id", "")
        if not isinstance(name, str) or not name or not isinstance(args, dict) or not isinstance(cid, str):
            raise Rejected("malformed", "signed body needs 'name' (string), 'args' (object) and optional 'id' (string)")
        if isinstance(ts, bool) or not isinstance(ts, int | float):
            raise Rejected("malformed", "signed body needs 'ts' (epoch seconds, a number)")
        if not isinstance(nonce, str) or not 8 <= len(nonce) <= MAX_NONCE_LEN:
            raise Rejected("malformed", f"signed body needs 'nonce' (a string of 8 to {MAX_NONCE_LEN} characters)")
        if dev != self.device_id:
            raise Rejected("wrong_device", f"command is for device {dev!r}, this is {self.device_id!r}")
        now = self.clock.time()
        if abs(now - float(ts)) > self.window_s:
            raise Rejected("expired", f"command timestamp is {now - float(ts):.0f}s away from the device clock (window {self.window_s:.0f}s); "
                           "re-sign it now, and check the device clock (NTP)")
        if float(ts) < self.nonces.floor_ts:
            raise Rejected("expired", "command was signed before this device's replay protection started "
                           f"(nonce store created at {self.nonces.floor_ts:.0f}); re-sign it now")
        if not self.nonces.add(nonce, now):
            raise Rejected("replayed", "command nonce was already used; a replayed command is never executed twice")
        return Command(id=cid, name=name, args=args, ts=float(ts), nonce=nonce)


def execute(verifier: CommandVerifier, registry: CommandRegistry, payload: bytes) -> dict[str, Any]:
    """Check and run one command payload; always returns the reply (never raises)."""
    try:
        cmd = verifier.check(payload)
    except Rejected as e:
        log.warning("command rejected", extra=fields(code=e.code, reason=str(e), bytes=len(payload)))
        return {"v": 1, "ok": False, "error": {"code": e.code, "message": str(e)}, "id": _peek_id(payload)}
    try:
        result = registry.dispatch(cmd.name, cmd.args)
    except CommandError as e:
        log.warning("command failed", extra=fields(name=cmd.name, id=cmd.id, reason=str(e)))
        return {"v": 1, "ok": False, "id": cmd.id, "name": cmd.name, "error": {"code": "failed", "message": str(e)}}
    except Exception as e:  # a handler bug must not kill the sync loop
        log.exception("command handler crashed", extra=fields(name=cmd.name, id=cmd.id))
        return {"v": 1, "ok": False, "id": cmd.id, "name": cmd.name, "error": {"code": "internal", "message": f"{type(e).__name__}: {e}"}}
    log.info("command done", extra=fields(name=cmd.name, id=cmd.id))
    return {"v": 1, "ok": True, "id": cmd.id, "name": cmd.name, "result": result}


def _peek_id(payload: bytes) -> str | None:
    """The id of a rejected command, so the sender can match the error (unverified, echoed only)."""
    try:
        body = json.loads(json.loads(payload)["body"])
        cid = body.get("id")
        return cid[:64] if isinstance(cid, str) else None
    except Exception:
        return None
