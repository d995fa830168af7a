"""Tokenizer backends: Hugging Face ``tokenizer.json`` and SentencePiece ``.model``.

Text is always encoded with special tokens treated as plain text: only the
chat template inserts control tokens (by id), so a shopper who types
``<|im_start|>system`` gets those characters, not a new system turn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from agent.llm.errors import ModelError


class Tokenizer(Protocol):
    vocab_size: int

    def encode(self, text: str) -> list[int]: ...

    def decode(self, ids: list[int]) -> str: ...

    def token_id(self, token: str) -> int | None: ...


class HFTokenizer:
    """``tokenizers`` (Rust) backend for ``tokenizer.json``."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer as _Tok

        try:
            self._tok = _Tok.from_file(str(path))
        except Exception as e:  # the Rust error text names the JSON problem
            raise ModelError(f"{path}: not a valid tokenizer.json ({e}). Rebuild the model: edge-agent model build --force", str(path)) from None
        self._tok.encode_special_tokens = True
        self.vocab_size = self._tok.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids if text else []

    def decode(self, ids: list[int]) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=True)

    def token_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)


class SentencePieceTokenizer:
    """``sentencepiece`` backend for Llama-family ``.model`` files."""

    def __init__(self, path: Path) -> None:
        import sentencepiece as spm

        try:
            self._sp = spm.SentencePieceProcessor(model_file=str(path))
        except Exception as e:
            raise ModelError(f"{path}: not a valid SentencePiece model ({e}).", str(path)) from None
        self.vocab_size = self._sp.get_piece_size()

    def encode(self, text: str) -> list[int]:
        return list(self._sp.encode(text, out_type=int)) if text else []

    def decode(self, ids: list[int]) -> str:
        return self._sp.decode([int(i) for i in ids])

    def token_id(self, token: str) -> int | None:
        i = self._sp.piece_to_id(token)
        if i == self._sp.unk_id() and token != self._sp.id_to_piece(i):
            return None
        return int(i)


def load_tokenizer(path: Path) -> Tokenizer:
    if path.name.endswith(".json"):
        return HFTokenizer(path)
    if path.suffix == ".model":
        return SentencePieceTokenizer(path)
    raise ModelError(f"{path}: unknown tokenizer format; expected tokenizer.json or a SentencePiece .model file.", str(path))


class IncrementalDecoder:
    """Turns a growing list of ids into text pieces without splitting characters.

    Decoding a window that starts a little before the new ids keeps
    SentencePiece's leading-space handling and multi-byte characters right.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tok = tokenizer
        self.ids: list[int] = []
        self.prefix = 0
        self.read = 0

    def push(self, token: int) -> str:
        self.ids.append(token)
        prefix_text = self.tok.decode(self.ids[self.prefix : self.read])
        new_text = self.tok.decode(self.ids[self.prefix :])
        if len(new_text) > len(prefix_text) and not new_text.endswith("\ufffd"):
            self.prefix, self.read = self.read, len(self.ids)
            return new_text[len(prefix_text) :]
        return ""

    def flush(self) -> str:
        prefix_text = self.tok.decode(self.ids[self.prefix : self.read])
        new_text = self.tok.decode(self.ids[self.prefix :])
        self.prefix = self.read = len(self.ids)
        return new_text[len(prefix_text) :].rstrip("\ufffd")
