"""Local language model: build, load, generate.

``load_model`` / ``GenerationConfig`` / ``ModelError`` are the whole interface
other components use; imports are lazy so ``agent.llm.settings`` (read by the
config loader) does not pull in onnxruntime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.llm.errors import ModelError
    from agent.llm.generation import GenerationConfig
    from agent.llm.model import LanguageModel, load_model

__all__ = ["GenerationConfig", "LanguageModel", "ModelError", "load_model"]

_WHERE = {
    "ModelError": "agent.llm.errors",
    "GenerationConfig": "agent.llm.generation",
    "LanguageModel": "agent.llm.model",
    "load_model": "agent.llm.model",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
