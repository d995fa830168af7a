"""COBS framing with a CRC-16 trailer for the controller link.

COBS removes every 0x00 from the payload so 0x00 can mark the end of a frame:
after line noise or a dropped byte the receiver resynchronises at the next
0x00 instead of misreading the rest of the stream. The CRC-16/CCITT-FALSE
trailer catches corrupted bytes that COBS alone would not.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAX_PAYLOAD = 1024


class FrameError(ValueError):
    """A frame could not be decoded; the message says which check failed."""


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): common in MCU firmware libraries."""
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def cobs_encode(data: bytes) -> bytes:
    out = bytearray()
    idx = 0
    n = len(data)
    while True:
        block = bytearray()
        while idx < n and data[idx] != 0 and len(block) < 254:
            block.append(data[idx])
            idx += 1
        full = len(block) == 254
        out.append(len(block) + 1)
        out += block
        if idx < n and not full:
            idx += 1  # the zero this block stood for
        elif idx >= n:
            break
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    out = bytearray()
    idx = 0
    n = len(data)
    while idx < n:
        code = data[idx]
        if code == 0:
            raise FrameError(f"COBS: zero byte inside frame at offset {idx}")
        end = idx + code
        if end > n:
            raise FrameError(f"COBS: block at offset {idx} claims {code - 1} bytes but only {n - idx - 1} remain (truncated frame)")
        block = data[idx + 1:end]
        if 0 in block:
            raise FrameError(f"COBS: zero byte inside block at offset {idx}")
        out += block
        idx = end
        if code < 0xFF and idx < n:
            out.append(0)
    return bytes(out)


@dataclass(frozen=True)
class Frame:
    seq: int
    kind: int
    body: bytes = b""


def encode_frame(frame: Frame) -> bytes:
    """seq(1) kind(1) body crc16(2, big-endian), COBS-encoded, 0x00-terminated."""
    if len(frame.body) > MAX_PAYLOAD:
        raise ValueError(f"frame body of {len(frame.body)} bytes exceeds {MAX_PAYLOAD}")
    raw = bytes([frame.seq & 0xFF, frame.kind & 0xFF]) + frame.body
    raw += struct.pack(">H", crc16(raw))
    return cobs_encode(raw) + b"\x00"


def decode_frame(encoded: bytes) -> Frame:
    """Decode one frame (without its 0x00 terminator)."""
    raw = cobs_decode(encoded)
    if len(raw) < 4:
        raise FrameError(f"frame too short: {len(raw)} bytes, need at least 4 (seq, kind, crc16)")
    body, (got,) = raw[:-2], struct.unpack(">H", raw[-2:])
    want = crc16(body)
    if got != want:
        raise FrameError(f"CRC mismatch: frame says 0x{got:04x}, computed 0x{want:04x}")
    return Frame(seq=body[0], kind=body[1], body=bytes(body[2:]))


class FrameReader:
    """Splits a byte stream into frames at 0x00; keeps partial frames across reads."""

    def __init__(self, max_frame: int = 2 * MAX_PAYLOAD) -> None:
        self._buf = bytearray()
        self._max = max_frame
        self.errors = 0

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        out: list[Frame | FrameError] = []
        self._buf += data
        while True:
            i = self._buf.find(0)
            if i < 0:
                if len(self._buf) > self._max:
                    self._buf.clear()
                    self.errors += 1
                    out.append(FrameError(f"no frame end within {self._max} bytes; discarded"))
                break
            chunk = bytes(self._buf[:i])
            del self._buf[:i + 1]
            if not chunk:
                continue  # idle 0x00 between frames
            try:
                out.append(decode_frame(chunk))
            except FrameError as e:
                self.errors += 1
                out.append(e)
        return out
