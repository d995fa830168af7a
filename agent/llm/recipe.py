"""Model recipes (models/recipes/<name>.toml): where the weights come from and how they are built."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.llm.errors import ModelError
from agent.paths import models_dir

# Bump when the build pipeline changes in a way that changes its output.
BUILDER_VERSION = "5"
# Bump when the dequantize/export stage changes (its output is cached separately).
EXPORT_VERSION = "1"


@dataclass
class Recipe:
    name: str
    path: Path
    data: dict[str, Any]

    @property
    def source(self) -> dict[str, Any]:
        return self.data["source"]

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.data.get(name, {}))

    def data_file(self, key: str) -> Path:
        return models_dir() / self.data["quality"][key]

    def build_key(self) -> str:
        """Hash of everything the build output depends on (recipe, source, quality data, builder)."""
        h = hashlib.sha256()
        h.update(self.path.read_bytes())
        h.update(self.source["sha256"].encode())
        h.update(BUILDER_VERSION.encode())
        for key in ("heldout_text", "greedy_prompts"):
            p = self.data_file(key)
            if p.is_file():
                h.update(p.read_bytes())
        return h.hexdigest()[:16]


REQUIRED = {"source": ("pypi_package", "pypi_version", "member", "sha256"), "quantize": ("bits", "block_size"), "chat": ("style",),
            "quality": ("heldout_text", "greedy_prompts", "max_ppl_ratio")}


def load_recipe(name_or_path: str) -> Recipe:
    p = Path(name_or_path)
    if not p.suffix:
        p = models_dir() / "recipes" / f"{name_or_path}.toml"
    if not p.is_file():
        known = sorted(x.stem for x in (models_dir() / "recipes").glob("*.toml"))
        raise ModelError(f"{p}: no such recipe; known recipes: {', '.join(known) or 'none'}.", str(p))
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ModelError(f"{p}: not valid TOML ({e}).", str(p)) from None
    for sec, keys in REQUIRED.items():
        for k in keys:
            if k not in data.get(sec, {}):
                raise ModelError(f"{p}: [{sec}] {k} is required.", str(p))
    return Recipe(name=str(data.get("name") or p.stem), path=p, data=data)
