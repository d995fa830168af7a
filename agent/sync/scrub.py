"""Remove e-mail addresses, phone numbers and card numbers from shopper text.

Shoppers type anything into a kiosk. The Q&A log is useful to the operator,
but personal data must never be stored on the device or leave it, so this runs
before a Q&A event reaches the outbox. It errs towards over-scrubbing: a long
digit run that is not a card is still replaced (the model never needs it).
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by spaces or dashes (payment card numbers).
CARD = re.compile(r"(?<![\d])(?:\d[ \-]?){12,18}\d(?![\d])")
# A phone number: optional +country, then 7-15 digits with common separators.
PHONE = re.compile(r"(?<![\w])(?:\+|00)?\d(?:[\s.\-/]?\(?\d\)?){6,14}(?![\w])")

EMAIL_MARK = "[email]"
CARD_MARK = "[card]"
PHONE_MARK = "[phone]"


def scrub_text(text: str) -> str:
    text = EMAIL.sub(EMAIL_MARK, text)
    text = CARD.sub(CARD_MARK, text)
    return PHONE.sub(PHONE_MARK, text)


def scrub(value: Any) -> Any:
    """Scrub every string inside ``value`` (dicts and lists are walked; keys are kept)."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
