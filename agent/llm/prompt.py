"""Fitting a conversation into the model's context window.

Over-long input is cut, never rejected: the system prompt (the grounding
facts) and the end of the latest user turn (the actual question) matter most,
so older turns go first, then the start of the latest user message, and only
as a last resort the end of the system prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.llm.chat_template import ChatTemplate, Chunk, check_messages


@dataclass
class Prompt:
    ids: list[int]
    truncated: bool
    dropped_messages: int = 0


def build_prompt(template: ChatTemplate, messages: list[dict[str, str]], budget: int) -> Prompt:
    """Token ids for ``messages`` in at most ``budget`` tokens (``budget`` >= 8)."""
    check_messages(messages)
    budget = max(8, budget)
    msgs = list(messages)
    dropped = 0
    chunks = template.render(msgs)
    # Drop the oldest non-system turns while more than the last user turn is left.
    while _size(chunks) > budget:
        idx = [i for i, m in enumerate(msgs) if m["role"] != "system"]
        if len(idx) <= 1:
            break
        del msgs[idx[0]]
        dropped += 1
        chunks = template.render(msgs)
    if _size(chunks) <= budget:
        return Prompt(_flat(chunks), truncated=dropped > 0, dropped_messages=dropped)
    # Trim the start of the last non-system message's content, then the end of system content.
    last = max((i for i, m in enumerate(msgs) if m["role"] != "system"), default=None)
    over = _size(chunks) - budget
    if last is not None:
        c = next(c for c in chunks if c.message == last and c.content)
        cut = min(over, len(c.ids))
        c.ids = c.ids[cut:]
        over -= cut
    for c in chunks:
        if over <= 0:
            break
        if c.content and msgs[c.message]["role"] == "system":
            cut = min(over, len(c.ids))
            c.ids = c.ids[: len(c.ids) - cut]
            over -= cut
    ids = _flat(chunks)
    if over > 0:  # only scaffolding is left and it is still too long: keep its end (the generation prompt)
        ids = ids[-budget:]
    return Prompt(ids, truncated=True, dropped_messages=dropped)


def _size(chunks: list[Chunk]) -> int:
    return sum(len(c.ids) for c in chunks)


def _flat(chunks: list[Chunk]) -> list[int]:
    return [i for c in chunks for i in c.ids]
