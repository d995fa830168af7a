"""Where things live, in a source checkout and on an installed device."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEFAULT_RECIPE = "smollm2-135m-instruct"


def models_dir() -> Path:
    """``$EDGE_AGENT_MODELS`` or the checkout's ``models/`` (recipes and built models)."""
    env = os.environ.get("EDGE_AGENT_MODELS")
    return Path(env) if env else REPO_ROOT / "models"


def model_dir(recipe: str = DEFAULT_RECIPE) -> Path:
    """The built model for ``recipe``."""
    return models_dir() / recipe
