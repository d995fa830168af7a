"""Message kinds and body layouts of the controller link (both ends use these).

A reply has the request's kind with bit 7 set and the request's sequence
number; ``ERROR`` replies carry a code and a text. The controller keeps its last
request and reply so a retried request (same seq, same bytes) is answered
again without being executed twice: a lost reply to ``VEND`` must not drop
two cans.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PING = 0x01
GET_SLOTS = 0x10
GET_MOTORS = 0x11
GET_TEMP = 0x12
VEND = 0x20
GET_AUDIT = 0x30
ENTER_BOOTLOADER = 0x7E
ERROR = 0xFF
REPLY = 0x80

SLOT_STATES = {0: "ok", 1: "empty", 2: "jammed", 3: "disabled"}
MOTOR_STATES = {0: "idle", 1: "running", 2: "fault"}
VEND_RESULTS = {0: "ok", 1: "empty", 2: "jammed", 3: "unknown_slot", 4: "busy"}
ERROR_CODES = {1: "unknown_kind", 2: "bad_body", 3: "busy"}

AUDIT_CHUNK = 512


class ProtocolError(ValueError):
    """A reply frame decoded fine but its body does not have the documented layout."""


@dataclass(frozen=True)
class SlotState:
    slot: int
    units: int
    state: str


@dataclass(frozen=True)
class MotorState:
    slot: int
    status: str
    current_ma: int


@dataclass(frozen=True)
class VendResult:
    slot: int
    result: str
    units_left: int

    @property
    def ok(self) -> bool:
        return self.result == "ok"


def _need(body: bytes, n: int, what: str) -> None:
    if len(body) < n:
        raise ProtocolError(f"{what} reply body is {len(body)} bytes, expected at least {n}")


def pack_slots(slots: list[SlotState]) -> bytes:
    inv = {v: k for k, v in SLOT_STATES.items()}
    return bytes([len(slots)]) + b"".join(struct.pack("BBB", s.slot, s.units, inv[s.state]) for s in slots)


def _records(body: bytes, fmt: str, what: str) -> list[tuple]:
    """A count byte followed by that many fixed-size records (the layout of list replies)."""
    size = struct.calcsize(fmt)
    _need(body, 1, what)
    n = body[0]
    _need(body, 1 + size * n, what)
    return [struct.unpack_from(fmt, body, 1 + size * i) for i in range(n)]


def unpack_slots(body: bytes) -> list[SlotState]:
    return [SlotState(slot, units, SLOT_STATES.get(st, f"unknown({st})")) for slot, units, st in _records(body, "BBB", "GET_SLOTS")]


def pack_motors(motors: list[MotorState]) -> bytes:
    inv = {v: k for k, v in MOTOR_STATES.items()}
    return bytes([len(motors)]) + b"".join(struct.pack(">BBH", m.slot, inv[m.status], m.current_ma) for m in motors)


def unpack_motors(body: bytes) -> list[MotorState]:
    return [MotorState(slot, MOTOR_STATES.get(st, f"unknown({st})"), ma) for slot, st, ma in _records(body, ">BBH", "GET_MOTORS")]


def pack_temp(celsius: float, setpoint: float) -> bytes:
    return struct.pack(">hh", round(celsius * 10), round(setpoint * 10))


def unpack_temp(body: bytes) -> tuple[float, float]:
    _need(body, 4, "GET_TEMP")
    t, s = struct.unpack_from(">hh", body)
    return t / 10, s / 10


def pack_vend(r: VendResult) -> bytes:
    inv = {v: k for k, v in VEND_RESULTS.items()}
    return struct.pack("BBB", r.slot, inv[r.result], r.units_left)


def unpack_vend(body: bytes) -> VendResult:
    _need(body, 3, "VEND")
    slot, res, left = struct.unpack_from("BBB", body)
    return VendResult(slot, VEND_RESULTS.get(res, f"unknown({res})"), left)


def pack_audit_request(offset: int, length: int = AUDIT_CHUNK) -> bytes:
    return struct.pack(">IH", offset, length)


def unpack_audit_reply(body: bytes) -> tuple[int, int, bytes]:
    """(total length, offset, data)."""
    _need(body, 8, "GET_AUDIT")
    total, offset = struct.unpack_from(">II", body)
    return total, offset, body[8:]
