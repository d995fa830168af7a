from __future__ import annotations

import random

import pytest

from agent.clock import ManualClock
from agent.sync.backoff import Backoff
from agent.sync.scrub import scrub, scrub_text


@pytest.mark.parametrize("text,expected", [
    ("write to bob.smith+shop@mail.example.co.uk please", "write to [email] please"),
    ("my card is 4111-1111-1111-1111", "my card is [card]"),
    ("card 5500 0000 0000 0004 exp 12/27", "card [card] exp 12/27"),
    ("call me on 07700 900123", "call me on [phone]"),
    ("ring +1 (415) 555-2671 now", "ring [phone] now"),
    ("How much is the 500ml water? It's 1.50", "How much is the 500ml water? It's 1.50"),
    ("slot A12, 3 left, aisle 4", "slot A12, 3 left, aisle 4"),
    ("Do you have 2 cokes for 2026?", "Do you have 2 cokes for 2026?"),
])
def test_scrub_text(text, expected):
    assert scrub_text(text) == expected


def test_long_grouped_numbers_never_survive():
    # 13+ digits may be a phone or a card: either way the digits must go.
    for text in ("0049 30 1234567", "+49 30 12345678", "1234 5678 9012 3456 789"):
        out = scrub_text(text)
        assert out in ("[card]", "[phone]"), (text, out)


def test_scrub_walks_nested_values_and_keeps_numbers():
    d = {"question": "a@b.io", "meta": {"lines": ["4111111111111111", "ok"]}, "n": 4111111111111111}
    assert scrub(d) == {"question": "[email]", "meta": {"lines": ["[card]", "ok"]}, "n": 4111111111111111}


def test_backoff_grows_with_jitter_and_caps():
    b = Backoff(ManualClock(), initial_s=1, max_s=8, stable_s=60, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(6)]
    for d, ceiling in zip(delays, [1, 2, 4, 8, 8, 8], strict=True):
        assert ceiling / 2 <= d <= ceiling
    assert len({round(d, 6) for d in delays[3:]}) == 3  # jittered, not identical


def test_backoff_resets_only_after_a_stable_connection():
    clock = ManualClock()
    b = Backoff(clock, initial_s=1, max_s=64, stable_s=30, rng=random.Random(2))
    for _ in range(5):
        b.next_delay()
    b.connected()
    clock.advance(5)  # accepted, then dropped quickly: no reset
    b.disconnected()
    assert b.next_delay() >= 16
    b.connected()
    clock.advance(31)
    b.disconnected()
    assert b.next_delay() <= 1
