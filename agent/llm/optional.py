"""Loading the model where it is welcome but not required (CLI tools).

``ask`` and ``simulate`` work without a model (they fall back to checked
templates), so a missing or broken model is a note on stderr, not an error.
"""

from __future__ import annotations

import sys
from typing import Any


def load_model_or_none(fallback: str) -> Any:
    """The built model, or None with a note saying what happens instead (``fallback``)."""
    from agent.paths import model_dir

    d = model_dir()
    if not (d / "manifest.json").exists():
        print(f"note: no built model in {d} (run `edge-agent model build`); {fallback}", file=sys.stderr)
        return None
    try:
        from agent.llm import load_model

        return load_model(d)
    except Exception as e:  # a broken model must not stop a CLI that can do without it
        print(f"note: model could not be loaded ({e}); {fallback}", file=sys.stderr)
        return None
