"""The built model's manifest: what every file's checksum is and how to run it.

The runtime trusts nothing in a model directory that the manifest does not
vouch for: a file truncated by a full SD card or altered on disk is reported
by name before onnxruntime ever parses it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from agent.llm.errors import ModelError

MANIFEST = "manifest.json"
FORMAT = 1
REBUILD = "Rebuild it with: edge-agent model build --force"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def file_entries(directory: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    return {n: {"sha256": sha256_file(directory / n), "bytes": (directory / n).stat().st_size} for n in sorted(names)}


def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not Path(directory).is_dir():
        raise ModelError(f"{directory}: model directory not found. Build it with: edge-agent model build", str(directory))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: manifest missing, so the model cannot be verified. {REBUILD}", str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"{path}: manifest unreadable ({e}). {REBUILD}", str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
        raise ModelError(f"{path}: not an edge-agent model manifest (format {FORMAT} with a 'files' table). {REBUILD}", str(path))
    # an embedding model (the kiosk's meaning model) has no chat template
    for key in ("model", "tokenizer") + (() if data.get("kind") == "embedding" else ("chat_template",)):
        if not isinstance(data.get(key), dict):
            raise ModelError(f"{path}: manifest has no '{key}' table. {REBUILD}", str(path))
    return data


def verify_files(directory: Path, manifest: dict[str, Any]) -> None:
    """Raise ModelError naming the first missing, resized or altered file."""
    directory = Path(directory)
    for name, entry in manifest["files"].items():
        p = directory / name
        if not p.is_file():
            raise ModelError(f"{p}: missing (listed in {MANIFEST}). {REBUILD}", str(p))
        size = p.stat().st_size
        if "bytes" in entry and size != entry["bytes"]:
            raise ModelError(f"{p}: is {size} bytes, the manifest says {entry['bytes']} (truncated or replaced). {REBUILD}", str(p))
        if sha256_file(p) != entry.get("sha256"):
            raise ModelError(f"{p}: checksum does not match {MANIFEST} (corrupted or modified). {REBUILD}", str(p))
    for key in ("model", "tokenizer"):
        f = manifest[key].get("file")
        if f not in manifest["files"]:
            raise ModelError(f"{directory / MANIFEST}: {key} file {f!r} is not checksummed in 'files'. {REBUILD}", str(directory / MANIFEST))


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    tmp = Path(directory) / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(Path(directory) / MANIFEST)
