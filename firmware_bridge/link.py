"""Request/response over the controller's serial line.

Each request gets the next sequence number; a reply is accepted only if its
seq and kind match, so a late reply to an earlier, timed-out request (out of
order) is discarded instead of being taken for the current answer. Timeouts
and corrupt frames are retried with the *same* seq, which the controller
answers from its reply cache rather than executing again.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from agent.clock import Clock, SystemClock
from agent.logs import fields
from firmware_bridge import protocol as p
from firmware_bridge.framing import Frame, FrameError, FrameReader, encode_frame

log = logging.getLogger(__name__)


class SerialLike(Protocol):
    timeout: float | None

    def read(self, size: int = 1) -> bytes: ...

    def write(self, data: bytes) -> int | None: ...

    def reset_input_buffer(self) -> None: ...


class LinkError(IOError):
    """The controller did not give a valid answer after all retries."""


class ControllerRejected(LinkError):
    """The controller answered with an ERROR frame."""


class ControllerLink:
    def __init__(self, port: SerialLike, *, timeout_s: float = 0.25, retries: int = 3, clock: Clock | None = None) -> None:
        self.port = port
        self.timeout_s = timeout_s
        self.retries = retries
        self.clock = clock or SystemClock()
        # Serial timeouts are physical: they run on real time even when the
        # agent's clock is simulated, or a ManualClock would never time out.
        self._io_clock = SystemClock()
        self._seq = 0
        self._lock = threading.Lock()
        self._reader = FrameReader()
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "bad_frames": 0, "stale_replies": 0, "timeouts": 0}
        self.last_ok: float | None = None  # clock.monotonic() of the last good reply

    def request(self, kind: int, body: bytes = b"") -> bytes:
        """Send one request and return the reply body; raises LinkError after the retries."""
        with self._lock:
            self._seq = (self._seq + 1) & 0xFF
            seq = self._seq
            wire = encode_frame(Frame(seq, kind, body))
            self.stats["requests"] += 1
            problem = "no reply"
            for attempt in range(self.retries + 1):
                if attempt:
                    self.stats["retries"] += 1
                    log.debug("controller retry", extra=fields(kind=hex(kind), seq=seq, attempt=attempt, problem=problem))
                self.port.write(wire)
                reply, problem = self._await(seq, kind)
                if reply is not None:
                    self.last_ok = self.clock.monotonic()
                    if reply.kind == p.ERROR:
                        code = reply.body[0] if reply.body else 0
                        text = reply.body[1:].decode("utf-8", "replace")
                        raise ControllerRejected(f"controller rejected request 0x{kind:02x}: {p.ERROR_CODES.get(code, code)} {text}".strip())
                    return reply.body
            raise LinkError(f"controller gave no valid reply to request 0x{kind:02x} after {self.retries + 1} tries ({problem}); "
                            "check the cable, the port and [controller].baud")

    def _await(self, seq: int, kind: int) -> tuple[Frame | None, str]:
        deadline = self._io_clock.monotonic() + self.timeout_s
        problem = f"timeout after {self.timeout_s}s"
        while True:
            left = deadline - self._io_clock.monotonic()
            if left <= 0:
                self.stats["timeouts"] += 1
                return None, problem
            t = min(left, 0.05)
            if self.port.timeout != t:
                self.port.timeout = t
            data = self.port.read(1)  # returns as soon as a byte is there; read(256) would wait out the timeout
            if not data:
                continue
            waiting = getattr(self.port, "in_waiting", 0)
            if waiting:
                data += self.port.read(waiting)
            for item in self._reader.feed(data):
                if isinstance(item, FrameError):
                    self.stats["bad_frames"] += 1
                    problem = f"bad frame: {item}"
                    continue
                if item.seq != seq or item.kind not in (kind | p.REPLY, p.ERROR):
                    self.stats["stale_replies"] += 1
                    problem = f"out-of-order reply seq={item.seq} kind=0x{item.kind:02x}"
                    continue
                return item, ""

    # Typed helpers -------------------------------------------------------
    def ping(self) -> str:
        return self.request(p.PING).decode("utf-8", "replace")

    def slots(self) -> list[p.SlotState]:
        return p.unpack_slots(self.request(p.GET_SLOTS))

    def motors(self) -> list[p.MotorState]:
        return p.unpack_motors(self.request(p.GET_MOTORS))

    def temperature(self) -> tuple[float, float]:
        return p.unpack_temp(self.request(p.GET_TEMP))

    def vend(self, slot: int) -> p.VendResult:
        if not 0 < slot < 256:
            raise ValueError(f"slot must be 1..255, not {slot}")
        return p.unpack_vend(self.request(p.VEND, bytes([slot])))

    def audit(self) -> str:
        """The controller's EVA-DTS audit text, fetched in chunks."""
        out = bytearray()
        total = None
        while total is None or len(out) < total:
            t, off, data = p.unpack_audit_reply(self.request(p.GET_AUDIT, p.pack_audit_request(len(out))))
            if off != len(out):
                raise p.ProtocolError(f"GET_AUDIT answered offset {off}, asked {len(out)}")
            total = t
            if not data and len(out) < total:
                raise p.ProtocolError(f"GET_AUDIT returned no data at offset {off} of {total}")
            out += data
        return out.decode("latin-1")

    def enter_bootloader(self) -> None:
        self.request(p.ENTER_BOOTLOADER)

    def snapshot(self) -> dict[str, Any]:
        return dict(self.stats)
