import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmware_bridge.framing import Frame, FrameError, FrameReader, cobs_decode, cobs_encode, crc16, decode_frame, encode_frame


def test_crc16_ccitt_false_check_value():
    # The catalogue check value of CRC-16/CCITT-FALSE for "123456789".
    assert crc16(b"123456789") == 0x29B1


@given(st.binary(max_size=700))
def test_cobs_round_trip_has_no_zero(data):
    enc = cobs_encode(data)
    assert 0 not in enc
    assert cobs_decode(enc) == data


@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=600))
def test_frame_round_trip(seq, kind, body):
    wire = encode_frame(Frame(seq, kind, body))
    assert wire.endswith(b"\x00") and wire.count(0) == 1
    assert decode_frame(wire[:-1]) == Frame(seq, kind, body)


def test_corrupt_byte_is_rejected_with_crc_error():
    wire = bytearray(encode_frame(Frame(7, 0x10, b"hello world")))
    wire[5] ^= 0x01
    with pytest.raises(FrameError, match="CRC mismatch|COBS"):
        decode_frame(bytes(wire[:-1]))


def test_truncated_frame_is_reported():
    wire = encode_frame(Frame(1, 2, bytes(300)))
    with pytest.raises(FrameError, match="truncated|too short|CRC"):
        decode_frame(wire[:10])


def test_reader_resynchronises_after_garbage_and_split_reads():
    good1 = encode_frame(Frame(1, 0x81, b"a"))
    good2 = encode_frame(Frame(2, 0x82, os.urandom(50)))
    stream = b"\x13\x37garbage\x00" + good1 + good2
    r = FrameReader()
    items = []
    for i in range(0, len(stream), 3):  # arrives in small pieces
        items += r.feed(stream[i:i + 3])
    frames = [x for x in items if isinstance(x, Frame)]
    errors = [x for x in items if isinstance(x, FrameError)]
    assert [f.seq for f in frames] == [1, 2]
    assert len(errors) == 1 and r.errors == 1


def test_reader_discards_endless_frame():
    r = FrameReader(max_frame=100)
    out = r.feed(b"\x05" * 150)
    assert len(out) == 1 and isinstance(out[0], FrameError) and "no frame end" in str(out[0])
    # and it recovers for the next real frame
    assert r.feed(encode_frame(Frame(9, 1, b"x"))) == [Frame(9, 1, b"x")]
