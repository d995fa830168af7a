"""The one place ed25519 signatures are made and checked.

Cloud commands, OTA model artifacts and firmware manifests are all signed the
same way: ed25519 over the exact bytes, signature as base64. Keys are stored as
PEM (PKCS#8 private, SubjectPublicKeyInfo public) or as 32 raw bytes in base64.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SignatureError(ValueError):
    """The signature is missing, malformed or does not match: reject the input."""


def generate_keypair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    k = Ed25519PrivateKey.generate()
    return k, k.public_key()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def write_private_key(path: str | Path, key: Ed25519PrivateKey) -> None:
    """Write with mode 0600 from the start (never world-readable, not even briefly)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(private_pem(key))
    os.chmod(p, 0o600)


def _load_key_bytes(data: bytes, private: bool):
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        if private:
            k = serialization.load_pem_private_key(text, password=None)
            if not isinstance(k, Ed25519PrivateKey):
                raise SignatureError("not an ed25519 private key")
            return k
        k = serialization.load_pem_public_key(text)
        if not isinstance(k, Ed25519PublicKey):
            raise SignatureError("not an ed25519 public key")
        return k
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise SignatureError("key is neither PEM nor base64") from None
    if len(raw) != 32:
        raise SignatureError(f"raw ed25519 key must be 32 bytes, got {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw) if private else Ed25519PublicKey.from_public_bytes(raw)


def load_public_key(source: str | Path | bytes) -> Ed25519PublicKey:
    """From a file path, PEM bytes or base64 of the 32 raw bytes."""
    data = source if isinstance(source, bytes) else _read_or_literal(source)
    return _load_key_bytes(data, private=False)


def load_private_key(source: str | Path | bytes) -> Ed25519PrivateKey:
    data = source if isinstance(source, bytes) else _read_or_literal(source)
    return _load_key_bytes(data, private=True)


def _read_or_literal(source: str | Path) -> bytes:
    p = Path(source)
    try:
        if p.is_file():
            return p.read_bytes()
    except OSError:
        pass
    if isinstance(source, Path):
        raise SignatureError(f"key file not found: {p}")
    return str(source).encode()


def sign(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode()


def verify(key: Ed25519PublicKey, data: bytes, signature_b64: str | None) -> None:
    if not signature_b64 or not isinstance(signature_b64, str):
        raise SignatureError("signature missing")
    try:
        sig = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("signature is not valid base64") from None
    if len(sig) != 64:
        raise SignatureError(f"signature must be 64 bytes, got {len(sig)}")
    try:
        key.verify(sig, data)
    except InvalidSignature:
        raise SignatureError("signature does not match") from None
