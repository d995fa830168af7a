"""`edge-agent provision`: give a fresh device its identity, keys and config.

Run once by scripts/install.sh (or a technician). Private material is created
with restrictive modes from the first byte (0600 files in a 0700 directory);
the cloud's command-verification key is checked to be a real ed25519 public
key before it is installed, because a wrong key would silently make every
command fail. Nothing is overwritten without --force: a new identity needs a
re-enrolment in the cloud.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent import signing
from agent.config import ConfigError, load_config

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class ProvisionError(Exception):
    pass


def _write(path: Path, data: bytes, mode: int) -> None:
    """Create with ``mode`` from the start, then rename into place (never briefly readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _toml_str(v: object) -> str:
    return json.dumps(str(v))  # a JSON string is a valid TOML basic string


def provision(device_id: str, kind: str, data_dir: Path, config_out: Path, command_key: Path, *, broker_host: str | None = None,
              broker_port: int | None = None, mqtt_username: str | None = None, mqtt_password_file: Path | None = None,
              ca_file: Path | None = None, force: bool = False) -> dict[str, str]:
    if not _ID_RE.match(device_id):
        raise ProvisionError(f"--id {device_id!r}: use 1-64 letters, digits, '-' or '_' (it is part of MQTT topics)")
    try:
        command_pub = signing.load_public_key(Path(command_key))
    except (signing.SignatureError, ValueError, OSError) as e:
        raise ProvisionError(f"--command-key {command_key}: not an ed25519 public key ({e}); ask the cloud team for the command-signing public key") from None
    if mqtt_password_file is not None and not Path(mqtt_password_file).is_file():
        raise ProvisionError(f"--mqtt-password-file {mqtt_password_file}: file not found")
    if ca_file is not None:
        try:
            x509.load_pem_x509_certificate(Path(ca_file).read_bytes())
        except (OSError, ValueError) as e:
            raise ProvisionError(f"--ca-file {ca_file}: not a PEM certificate ({e})") from None
    keys = data_dir / "keys"
    existing = [p for p in (keys / "device.key", config_out) if p.exists()]
    if existing and not force:
        raise ProvisionError(f"already provisioned ({', '.join(map(str, existing))} exist); add --force to replace the identity (the cloud must re-enrol it)")

    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    keys.mkdir(parents=True, exist_ok=True)
    os.chmod(keys, 0o700)
    dev_key, dev_pub = signing.generate_keypair()
    _write(keys / "device.key", signing.private_pem(dev_key), 0o600)
    _write(keys / "device.pub", signing.public_pem(dev_pub), 0o644)
    tls_key = ec.generate_private_key(ec.SECP256R1())
    _write(keys / "tls.key", tls_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), 0o600)
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)]))
           .sign(tls_key, hashes.SHA256()))
    _write(keys / "tls.csr", csr.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(keys / "command.pub", signing.public_pem(command_pub), 0o644)
    if mqtt_password_file is not None:
        _write(keys / "mqtt-password", Path(mqtt_password_file).read_bytes(), 0o600)
    if ca_file is not None:
        _write(keys / "ca.pem", Path(ca_file).read_bytes(), 0o644)
    identity = {"id": device_id, "kind": kind, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "device_pub": signing.public_pem(dev_pub).decode(), "tls_csr": str(keys / "tls.csr")}
    _write(keys / "identity.json", json.dumps(identity, indent=2).encode(), 0o644)

    tls = ca_file is not None or broker_port == 8883
    lines = ["# Written by `edge-agent provision`; every key is described in docs/config.md.",
             "[device]", f"id = {_toml_str(device_id)}", f"kind = {_toml_str(kind)}", f"data_dir = {_toml_str(data_dir)}", "",
             "[mqtt]"]
    if broker_host:
        lines.append(f"host = {_toml_str(broker_host)}")
    if broker_port:
        lines.append(f"port = {broker_port}")
    if mqtt_username:
        lines.append(f"username = {_toml_str(mqtt_username)}")
    if mqtt_password_file is not None:
        lines.append(f"password_file = {_toml_str(keys / 'mqtt-password')}")
    lines.append(f"tls = {'true' if tls else 'false'}")
    if ca_file is not None:
        lines.append(f"ca_file = {_toml_str(keys / 'ca.pem')}")
    lines += [f"# For mutual TLS: have the cloud sign {keys / 'tls.csr'}, save the certificate as {keys / 'tls.crt'}, then uncomment:",
              f"# cert_file = {_toml_str(keys / 'tls.crt')}", f"# key_file = {_toml_str(keys / 'tls.key')}", "",
              "[commands]", f"verify_key = {_toml_str(keys / 'command.pub')}", "",
              "[ota]", f"public_key = {_toml_str(keys / 'command.pub')}", ""]
    if kind == "kiosk":
        lines += ["[daemon]", 'disabled = ["firmware_bridge"]', ""]
    _write(config_out, "\n".join(lines).encode(), 0o640)
    try:
        load_config(config_out)
    except ConfigError as e:
        raise ProvisionError(f"the written config does not validate: {e}") from None
    return {"config": str(config_out), "keys": str(keys), "csr": str(keys / "tls.csr")}


def provision_main(args: argparse.Namespace) -> int:
    try:
        out = provision(args.id, args.kind, Path(args.data_dir), Path(args.config_out), Path(args.command_key),
                        broker_host=args.broker_host, broker_port=args.broker_port, mqtt_username=args.mqtt_username,
                        mqtt_password_file=Path(args.mqtt_password_file) if args.mqtt_password_file else None,
                        ca_file=Path(args.ca_file) if args.ca_file else None, force=args.force)
    except ProvisionError as e:
        print(f"edge-agent provision: {e}", file=sys.stderr)
        return 1
    print(f"provisioned {args.id}: config {out['config']}, keys in {out['keys']} (0700)")
    print(f"next: send {out['csr']} to the cloud for a client certificate if the broker uses mutual TLS")
    return 0



