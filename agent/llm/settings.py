"""The ``[llm]`` section of the device config."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.config import section


@section("llm")
@dataclass
class LLMSettings:
    model_dir: str = field(default="", metadata={"help": "Built model directory; empty = models/<recipe>/ in the checkout (or $EDGE_AGENT_MODELS)."})
    recipe: str = field(default="smollm2-135m-instruct", metadata={"help": "Recipe name under models/recipes/ used when model_dir is empty."})
    threads: int = field(default=0, metadata={"help": "onnxruntime intra-op threads; 0 = number of physical cores."})
    max_context: int = field(default=2048, metadata={"help": "Context window in tokens (prompt + answer); longer prompts are truncated, keeping the system prompt and the end of the question."})
    verify_checksums: bool = field(default=True, metadata={"help": "Check every model file's sha256 against manifest.json when loading."})

    def validate(self) -> None:
        if self.threads < 0:
            raise ValueError("llm.threads must be >= 0 (0 = physical cores)")
        if not 64 <= self.max_context <= 8192:
            raise ValueError("llm.max_context must be between 64 and 8192 tokens")
