"""Alert wording: the local model writes it, a checker makes sure it says only the facts.

The model is small and will happily invent a number, so every number in its
text must be one of the facts (as we formatted them, or as written in the
product name), the slot id must be named, and the text must be one short line.
Anything else, a missing model, an error or a slow answer falls back to a
fixed template, and the event records which path wrote the text and why.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from agent.logs import fields

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?")
MAX_CHARS = 240


def fmt_num(x: float | int | None) -> str:
    if x is None:
        return "unknown"
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{x:.1f}"


def display_facts(facts: dict[str, Any]) -> dict[str, str]:
    return {
        "slot": str(facts["slot"]),
        "product": str(facts.get("product") or facts.get("sku")),
        "level": str(facts.get("level", "low")),
        "units": fmt_num(facts["units"]),
        "rate": fmt_num(facts.get("rate_per_h")),
        "hours": fmt_num(facts.get("hours_to_empty")),
        "bring": fmt_num(facts.get("suggested_qty")),
    }


def template_text(facts: dict[str, Any]) -> str:
    d = display_facts(facts)
    s = f"{d['level'].capitalize()} stock in slot {d['slot']} ({d['product']}): {d['units']} left"
    if facts["units"] == 0:
        s += ", sold out"
    elif facts.get("rate_per_h") and facts.get("hours_to_empty") is not None:
        s += f", selling {d['rate']} per hour, empty in about {d['hours']} h"
    return s + f". Bring {d['bring']} to refill."


def check_text(text: str, facts: dict[str, Any]) -> str | None:
    """None when ``text`` is acceptable, else why it is not."""
    t = text.strip()
    if not t:
        return "empty text"
    if len(t) > MAX_CHARS or "\n" in t:
        return f"not one short line ({len(t)} chars)"
    words = re.findall(r"[a-z0-9]+", t.lower())
    trigrams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    if len(set(trigrams)) < len(trigrams):
        return "repeats itself"
    d = display_facts(facts)
    if d["slot"].lower() not in t.lower():
        return f"slot {d['slot']} not named"
    allowed: set[float] = set()
    for k in ("units", "rate", "hours", "bring"):
        if d[k] != "unknown":
            allowed.add(float(d[k]))
    for s in (d["slot"], d["product"], str(facts.get("sku", ""))):
        allowed.update(float(m.replace(",", ".")) for m in _NUMBER.findall(s))
    for m in _NUMBER.findall(t):
        v = float(m.replace(",", "."))
        if not any(abs(v - a) < 1e-9 for a in allowed):
            return f"number {m} is not one of the facts"
    if d["units"] != "0" and _SOLD_OUT.search(t):
        return f"claims the slot is empty with {d['units']} left"
    if d["units"] not in _NUMBER.findall(t):
        return f"units left ({d['units']}) not stated"
    # Every number must also stand for the right fact: "8 left" is wrong when 8 is the refill quantity.
    for pattern, key, what in _ROLES:
        for m in pattern.finditer(t):
            want = d[key]
            if want == "unknown" or abs(float(m.group(1).replace(",", ".")) - float(want)) > 1e-9:
                return f"{m.group(0)!r} does not match {what} ({want})"
    return None


_SOLD_OUT = re.compile(r"sold[ -]out|out of stock|\bempty\b(?!\s+(?:in|within|by|soon))|\bnone left\b|\bno more\b", re.I)
_N = r"(\d+(?:[.,]\d+)?)"
_ROLES = [
    (re.compile(_N + r"\s+(?:[A-Za-z]+\s+){0,3}?(?:left|remaining)\b", re.I), "units", "units left"),
    (re.compile(r"\bbring\s+(?:[A-Za-z]+\s+){0,2}?" + _N, re.I), "bring", "units to bring"),
    (re.compile(_N + r"\s*(?:h|hrs?|hours?)\b(?!\s*/)", re.I), "hours", "hours to empty"),
    (re.compile(_N + r"\s+(?:[A-Za-z]+\s+){0,2}?(?:per|an|a)\s+hour\b", re.I), "rate", "units sold per hour"),
]


def _fact_line(d: dict[str, str]) -> str:
    if d["units"] == "0":
        return f"Facts: slot {d['slot']}, {d['product']}, 0 left (sold out), bring {d['bring']}."
    line = f"Facts: slot {d['slot']}, {d['product']}, {d['units']} left"
    if d["hours"] != "unknown":
        line += f", empty in {d['hours']} hours"
    return line + f", bring {d['bring']}."


def build_messages(facts: dict[str, Any]) -> list[dict[str, str]]:
    """One worked example, then the facts: a 135M model copies a pattern far better than it follows rules."""
    return [
        {"role": "system", "content": "You write short restock alerts for store staff. Use only the given facts."},
        {"role": "user", "content": "Facts: slot C3, Oat bar, 2 left, empty in 1.5 hours, bring 10."},
        {"role": "assistant", "content": "Slot C3 needs Oat bar soon: only 2 left, empty in 1.5 hours. Please bring 10."},
        {"role": "user", "content": _fact_line(display_facts(facts))},
    ]


@dataclass
class AlertText:
    text: str
    source: str           # "model" | "template"
    reason: str = ""      # why the template was used
    seconds: float = 0.0


def write_alert_text(facts: dict[str, Any], model: Any | None, deadline_s: float = 4.0) -> AlertText:
    """Model text if it passes the check within the deadline, else the template."""
    if model is None:
        return AlertText(template_text(facts), "template", "no model loaded")
    t0 = time.monotonic()  # real time on purpose: the deadline limits real CPU work, not simulated time
    try:
        from agent.llm import GenerationConfig

        # background: a shopper's question takes the model over (this alert then gets its template)
        cfg = GenerationConfig(max_new_tokens=48, temperature=0.0, stop=["\n"], deadline_s=deadline_s, seed=None, top_k=0, top_p=1.0, background=True)
        text = str(model.chat(build_messages(facts), cfg)).strip()
    except Exception as e:  # the model failing must never lose the alert
        log.warning("alert text model failed", extra=fields(error=str(e)))
        return AlertText(template_text(facts), "template", f"model error: {type(e).__name__}", time.monotonic() - t0)
    took = time.monotonic() - t0
    finish = getattr(getattr(model, "last_stats", None), "finish_reason", "")
    if finish in ("deadline", "length", "preempted"):
        why = {"deadline": f"model too slow (deadline {deadline_s} s)", "length": "model text cut off at the token limit",
               "preempted": "a kiosk question needed the model"}[finish]
        return AlertText(template_text(facts), "template", why, took)
    if took > deadline_s:
        return AlertText(template_text(facts), "template", f"model too slow ({took:.2f} s > {deadline_s} s)", took)
    problem = check_text(text, facts)
    if problem:
        log.info("alert text rejected", extra=fields(reason=problem, text=text[:200]))
        return AlertText(template_text(facts), "template", f"check failed: {problem}", took)
    return AlertText(text, "model", "", took)
