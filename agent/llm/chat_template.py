"""Chat templates rendered in Python (no jinja at run time).

A template turns messages into chunks of token ids. Control tokens are
inserted by id, message text is encoded as plain text, and each chunk records
which message it came from and whether it is that message's content, so the
prompt builder can drop old turns or trim the start of a long question
without breaking the template's structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.llm.errors import ModelError
from agent.llm.tokenizer import Tokenizer

ROLES = ("system", "user", "assistant")


@dataclass
class Chunk:
    ids: list[int]
    message: int  # index into the messages, -1 for template scaffolding
    content: bool = False


class ChatTemplate:
    style = ""

    def __init__(self, tokenizer: Tokenizer, default_system: str | None = None) -> None:
        self.tok = tokenizer
        self.default_system = default_system

    def special(self, token: str) -> int:
        i = self.tok.token_id(token)
        if i is None:
            raise ModelError(f"the tokenizer has no {token!r} token, which the {self.style!r} chat template needs; check the recipe's chat template style.")
        return i

    def render(self, messages: list[dict[str, str]]) -> list[Chunk]:
        raise NotImplementedError

    def stop_ids(self) -> set[int]:
        raise NotImplementedError


def check_messages(messages: list[dict[str, str]]) -> None:
    if not isinstance(messages, list) or not messages:
        raise ValueError("messages must be a non-empty list of {'role': ..., 'content': ...} dicts")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise ValueError(f"messages[{i}] must be {{'role': one of {ROLES}, 'content': str}}, got {m!r}")


class ChatMLTemplate(ChatTemplate):
    """SmolLM2 / Qwen style: ``<|im_start|>role\\ncontent<|im_end|>\\n``."""

    style = "chatml"

    def render(self, messages: list[dict[str, str]]) -> list[Chunk]:
        start, end = self.special("<|im_start|>"), self.special("<|im_end|>")
        nl = self.tok.encode("\n")
        msgs = list(messages)
        chunks: list[Chunk] = []
        if msgs[0]["role"] != "system" and self.default_system:
            chunks += [Chunk([start] + self.tok.encode("system\n") + self.tok.encode(self.default_system) + [end] + nl, -1)]
        for i, m in enumerate(msgs):
            chunks.append(Chunk([start] + self.tok.encode(m["role"] + "\n"), i))
            chunks.append(Chunk(self.tok.encode(m["content"]), i, content=True))
            chunks.append(Chunk([end] + nl, i))
        chunks.append(Chunk([start] + self.tok.encode("assistant\n"), -1))
        return chunks

    def stop_ids(self) -> set[int]:
        ids = {self.special("<|im_end|>")}
        eos = self.tok.token_id("<|endoftext|>")
        if eos is not None:
            ids.add(eos)
        return ids


class LlamaTemplate(ChatTemplate):
    """Llama-2 style: ``<s>[INST] <<SYS>>\\nsys\\n<</SYS>>\\n\\nuser [/INST] answer </s>``."""

    style = "llama"

    def render(self, messages: list[dict[str, str]]) -> list[Chunk]:
        bos, eos = self.special("<s>"), self.special("</s>")
        chunks: list[Chunk] = [Chunk([bos], -1)]
        after_system = False
        msgs = list(messages)
        if msgs[0]["role"] != "system" and self.default_system:
            chunks.append(Chunk(self.tok.encode("[INST] <<SYS>>\n" + self.default_system + "\n<</SYS>>\n\n"), -1))
            after_system = True
        for i, m in enumerate(msgs):
            role = m["role"]
            if role == "system":
                chunks.append(Chunk(self.tok.encode("[INST] <<SYS>>\n"), i))
                chunks.append(Chunk(self.tok.encode(m["content"]), i, content=True))
                chunks.append(Chunk(self.tok.encode("\n<</SYS>>\n\n"), i))
                after_system = True
            elif role == "user":
                if not after_system:
                    chunks.append(Chunk(self.tok.encode("[INST]"), i))
                chunks.append(Chunk(self.tok.encode(m["content"]), i, content=True))
                chunks.append(Chunk(self.tok.encode("[/INST]"), i))
                after_system = False
            else:
                chunks.append(Chunk(self.tok.encode(m["content"]), i, content=True))
                chunks.append(Chunk([eos, bos], i))
                after_system = False
        return chunks

    def stop_ids(self) -> set[int]:
        return {self.special("</s>")}


TEMPLATES = {"chatml": ChatMLTemplate, "llama": LlamaTemplate}


def make_template(style: str, tokenizer: Tokenizer, default_system: str | None = None) -> ChatTemplate:
    try:
        cls = TEMPLATES[style]
    except KeyError:
        raise ModelError(f"unknown chat template style {style!r}; known: {', '.join(sorted(TEMPLATES))}.") from None
    return cls(tokenizer, default_system)
