"""`edge-agent provision`: identity, keys with safe modes, a config that loads, no silent overwrite."""

from __future__ import annotations

import stat
import subprocess
import sys

import pytest
from cryptography import x509
from edtest_helpers import subprocess_env

from agent import signing
from agent.config import load_config
from agent.daemon.provision import ProvisionError, provision


def mode(p):
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture
def command_key(tmp_path):
    _, pub = signing.generate_keypair()
    p = tmp_path / "cloud-command.pub"
    p.write_bytes(signing.public_pem(pub))
    return p


def test_provision_creates_identity_with_safe_modes(tmp_path, command_key):
    pw = tmp_path / "pw.txt"
    pw.write_text("s3cret-broker-pw\n")
    data, cfg_path = tmp_path / "state", tmp_path / "etc" / "agent.toml"
    provision("shop-12_a", "vending", data, cfg_path, command_key, broker_host="mqtt.example.com", broker_port=8883,
              mqtt_username="shop-12_a", mqtt_password_file=pw)
    keys = data / "keys"
    assert mode(data) == 0o700 and mode(keys) == 0o700
    assert mode(keys / "device.key") == 0o600 and mode(keys / "tls.key") == 0o600 and mode(keys / "mqtt-password") == 0o600
    assert mode(cfg_path) == 0o640
    signing.load_private_key(keys / "device.key")  # a usable ed25519 key
    csr = x509.load_pem_x509_csr((keys / "tls.csr").read_bytes())
    assert csr.is_signature_valid and csr.subject.rfc4514_string() == "CN=shop-12_a"
    assert signing.public_pem(signing.load_public_key(keys / "command.pub")) == command_key.read_bytes()
    cfg = load_config(cfg_path)
    assert cfg.device.id == "shop-12_a" and cfg.device.kind == "vending" and cfg.device.data_dir == data
    assert cfg.mqtt.host == "mqtt.example.com" and cfg.mqtt.port == 8883 and cfg.mqtt.tls is True
    assert cfg.mqtt.password_file == keys / "mqtt-password" and cfg.commands.verify_key == keys / "command.pub"
    assert cfg.ota.public_key == str(keys / "command.pub")
    assert "s3cret" not in cfg_path.read_text()


def test_provision_refuses_to_overwrite_without_force(tmp_path, command_key):
    data, cfg_path = tmp_path / "state", tmp_path / "agent.toml"
    provision("dev1", "kiosk", data, cfg_path, command_key)
    before = (data / "keys" / "device.key").read_bytes()
    with pytest.raises(ProvisionError, match="already provisioned.*--force"):
        provision("dev1", "kiosk", data, cfg_path, command_key)
    assert (data / "keys" / "device.key").read_bytes() == before
    provision("dev1", "kiosk", data, cfg_path, command_key, force=True)
    assert (data / "keys" / "device.key").read_bytes() != before
    assert load_config(cfg_path).daemon.disabled == ["firmware_bridge"]


@pytest.mark.parametrize("kw, msg", [
    ({"device_id": "bad/id"}, "--id"),
    ({"command_key": "NOT-A-KEY"}, "--command-key"),
    ({"ca_file": "missing.pem"}, "--ca-file"),
])
def test_provision_rejects_bad_input_before_writing(tmp_path, command_key, kw, msg):
    args = {"device_id": "dev2", "kind": "kiosk", "data_dir": tmp_path / "state", "config_out": tmp_path / "agent.toml", "command_key": command_key}
    for k, v in kw.items():
        args[k] = tmp_path / v if k in ("command_key", "ca_file") else v
    if "command_key" in kw:
        (tmp_path / "NOT-A-KEY").write_text("hello")
    with pytest.raises(ProvisionError, match=msg):
        provision(**args)
    assert not (tmp_path / "state").exists() and not (tmp_path / "agent.toml").exists()


def test_provision_cli(tmp_path, command_key):
    r = subprocess.run([sys.executable, "-m", "agent", "provision", "--id", "cli-dev", "--data-dir", str(tmp_path / "s"),
                        "--config-out", str(tmp_path / "a.toml"), "--command-key", str(command_key)],
                       capture_output=True, text=True, env=subprocess_env(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "provisioned cli-dev" in r.stdout
    r = subprocess.run([sys.executable, "-m", "agent", "provision", "--id", "cli-dev", "--data-dir", str(tmp_path / "s"),
                        "--config-out", str(tmp_path / "a.toml"), "--command-key", str(command_key)],
                       capture_output=True, text=True, env=subprocess_env(tmp_path))
    assert r.returncode == 1 and "already provisioned" in r.stderr
