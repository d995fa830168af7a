"""Firmware images and their signed manifests, checked before anything is erased.

A manifest is JSON: ``{"target", "version", "size", "sha256", "address",
"signature"}``; the ed25519 signature (agent.signing) covers the canonical
JSON of every other key, so neither the image nor where it goes can be
changed without the signing key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.signing import SignatureError, load_public_key, sign, verify


class ImageError(ValueError):
    """The image or its manifest must not be flashed; the message says why and what to do."""


@dataclass(frozen=True)
class VerifiedImage:
    data: bytes
    sha256: str
    address: int
    version: str
    signed: bool


def canonical(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def make_manifest(data: bytes, private_key, *, version: str, target: str = "stm32", address: int = 0x08000000) -> dict[str, Any]:
    m: dict[str, Any] = {"target": target, "version": version, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "address": address}
    m["signature"] = sign(private_key, canonical(m))
    return m


def load_manifest(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImageError(f"manifest {p} not found; pass the .json that came with the image, or omit --manifest") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ImageError(f"manifest {p} is not readable JSON ({e}); get a fresh copy from the release") from None
    if not isinstance(m, dict):
        raise ImageError(f"manifest {p} must be a JSON object")
    return m


def verify_image(data: bytes, manifest: dict[str, Any] | None, *, flash_size: int, flash_base: int, target: str = "stm32",
                 public_key: str = "", require_signature: bool = True) -> VerifiedImage:
    """Every check that can fail before the device is touched."""
    if not data:
        raise ImageError("image is empty; check the file path")
    if len(data) > flash_size:
        raise ImageError(f"image is {len(data)} bytes but the flash holds {flash_size}; build for this MCU or set [firmware].flash_size")
    digest = hashlib.sha256(data).hexdigest()
    if manifest is None:
        if require_signature:
            raise ImageError("no manifest: this device only flashes signed images; pass --manifest FILE "
                             "(or set [firmware].require_signature = false on a bench unit)")
        return VerifiedImage(data, digest, flash_base, "unsigned", False)
    for key, typ in (("size", int), ("sha256", str)):
        if not isinstance(manifest.get(key), typ):
            raise ImageError(f"manifest field '{key}' is missing or not a {typ.__name__}")
    if manifest.get("target", target) != target:
        raise ImageError(f"manifest is for target {manifest.get('target')!r}, this device flashes {target!r}")
    if manifest["size"] != len(data):
        raise ImageError(f"image is {len(data)} bytes, manifest says {manifest['size']}: wrong or truncated file")
    if manifest["sha256"].lower() != digest:
        raise ImageError(f"image sha256 {digest} does not match the manifest's {manifest['sha256']}: wrong or corrupted file")
    address = manifest.get("address", flash_base)
    if not isinstance(address, int) or address < flash_base or address + len(data) > flash_base + flash_size:
        raise ImageError(f"manifest address {address!r} puts the image outside flash 0x{flash_base:08x}+{flash_size}")
    signed = False
    if public_key:
        try:
            verify(load_public_key(public_key), canonical(manifest), manifest.get("signature"))
        except SignatureError as e:
            raise ImageError(f"manifest signature rejected: {e}; only images signed with the release key may be flashed") from None
        signed = True
    elif require_signature:
        raise ImageError("[firmware].public_key is not set, so the manifest signature cannot be checked; "
                         "set it to the release public key (or require_signature = false on a bench unit)")
    return VerifiedImage(data, digest, address, str(manifest.get("version", "?")), signed)
