"""``edge-agent fw ...`` end to end against the emulator (boot entry over the link: no GPIO in a subprocess)."""

import json
import os

import pytest

from agent.cli import main
from agent.signing import generate_keypair, public_pem, write_private_key

from .conftest import FAST_BAUD
from .test_fw_dex import SAMPLE


@pytest.fixture
def dev(app_device):
    return app_device


@pytest.fixture
def keys(tmp_path):
    key, pub = generate_keypair()
    write_private_key(tmp_path / "release.key", key)
    (tmp_path / "release.pub").write_bytes(public_pem(pub))
    cfg = tmp_path / "agent.toml"
    cfg.write_text(f'[firmware]\npublic_key = "{tmp_path / "release.pub"}"\nflash_size = 65536\n', encoding="utf-8")
    return tmp_path, cfg


def fw(*args):
    return main(["fw", *args])


def test_sign_then_flash_then_verify_then_info(dev, keys, capsys):
    tmp, cfg = keys
    data = os.urandom(9000)
    (tmp / "app.bin").write_bytes(data)
    assert fw("sign", "--image", str(tmp / "app.bin"), "--key", str(tmp / "release.key"), "--version", "3.1.0") == 0
    manifest = tmp / "app.bin.manifest.json"
    assert json.loads(manifest.read_text())["size"] == 9000
    common = ["--config", str(cfg), "--port", dev.path, "--baud", str(FAST_BAUD), "--boot-entry", "command"]
    assert fw("flash", *common, "--image", str(tmp / "app.bin"), "--manifest", str(manifest)) == 0
    out = capsys.readouterr()
    assert "image ok: 9000 bytes" in out.out and "signed" in out.out and "flashed and verified" in out.out
    assert "write [" in out.err  # progress bar
    assert bytes(dev.rom.flash[:9000]) == data and dev.wait_mode("app")

    assert fw("verify", *common, "--image", str(tmp / "app.bin"), "--manifest", str(manifest)) == 0
    assert "match" in capsys.readouterr().out
    dev.wait_mode("app")
    dev.rom.flash[5000] ^= 0x01  # one flipped bit in the device
    assert fw("verify", *common, "--image", str(tmp / "app.bin"), "--manifest", str(manifest)) == 1
    assert "MISMATCH: first difference at 0x08001388" in capsys.readouterr().out
    assert dev.mode == "bootloader"

    assert fw("info", *common) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["product_id"] == "0x410" and info["flash_size"] == "256 KiB" and "0x31" in info["commands"]


def test_dry_run_touches_nothing(dev, keys, capsys):
    tmp, cfg = keys
    cfg.write_text(cfg.read_text() + "require_signature = false\n", encoding="utf-8")
    (tmp / "app.bin").write_bytes(b"\x00" * 4096)
    before = bytes(dev.rom.flash)
    assert fw("flash", "--config", str(cfg), "--port", dev.path, "--boot-entry", "command", "--image", str(tmp / "app.bin"), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "UNSIGNED" in out and "dry run: bootloader v3.1 answers, product id 0x410; nothing erased or written" in out
    assert bytes(dev.rom.flash) == before and dev.wait_mode("app")


@pytest.mark.parametrize(("setup", "match"), [
    (lambda tmp: (tmp / "app.bin").write_bytes(b"\x01" * 70000), "flash holds 65536"),
    (lambda tmp: (tmp / "app.bin").write_bytes(b"\x01" * 100), "no manifest"),
    (lambda tmp: None, "cannot read image"),
])
def test_bad_images_fail_with_one_clear_line(dev, keys, capsys, setup, match):
    tmp, cfg = keys
    setup(tmp)
    before = bytes(dev.rom.flash)
    assert fw("flash", "--config", str(cfg), "--port", dev.path, "--boot-entry", "command", "--image", str(tmp / "app.bin")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and "Traceback" not in err
    assert bytes(dev.rom.flash) == before


def test_missing_port_is_explained(keys, capsys):
    tmp, cfg = keys
    assert fw("info", "--config", str(cfg), "--port", str(tmp / "no-such-tty"), "--boot-entry", "command") == 3
    assert "cannot open serial port" in capsys.readouterr().err


def test_audit_command(tmp_path, capsys):
    (tmp_path / "a.dex").write_text(SAMPLE, encoding="latin-1")
    (tmp_path / "b.dex").write_text(SAMPLE.replace("PA2*42*5040", "PA2*45*5400"), encoding="latin-1")
    assert fw("audit", str(tmp_path / "b.dex"), "--previous", str(tmp_path / "a.dex")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["machine_serial"] == "WHK123456" and out["sales"] == [{"column": "11", "units": 3, "value": 360, "counter_reset": False}]
    (tmp_path / "c.dex").write_text(SAMPLE.replace("VA1*12340", "VA1*12x40"), encoding="latin-1")
    assert fw("audit", str(tmp_path / "c.dex")) == 2
    assert "line 5, VA1 field 1" in capsys.readouterr().err


def test_esp32_runs_esptool_as_a_program_and_reports_its_failure(tmp_path, capsys):
    cfg = tmp_path / "esp.toml"
    cfg.write_text('[firmware]\ntarget = "esp32"\nflash_base = 0\nflash_size = 4194304\nrequire_signature = false\n', encoding="utf-8")
    (tmp_path / "app.bin").write_bytes(b"\xe9" + os.urandom(1000))
    rc = fw("flash", "--config", str(cfg), "--port", str(tmp_path / "ttyUSB9"), "--image", str(tmp_path / "app.bin"))
    err = capsys.readouterr().err
    assert rc == 3 and "esptool write failed" in err, err


def test_shipped_code_does_not_import_gpl_tools():
    import pathlib

    import firmware_bridge

    for p in pathlib.Path(firmware_bridge.__file__).parent.rglob("*.py"):
        text = p.read_text()
        assert "import esptool" not in text and "import stm32loader" not in text and "from stm32loader" not in text, p


def test_emulator_runs_as_a_program():
    import subprocess
    import sys

    from firmware_bridge.link import ControllerLink
    from firmware_bridge.serialport import open_serial

    proc = subprocess.Popen([sys.executable, "-m", "firmware_bridge.emulator", "--no-pace"], stdout=subprocess.PIPE, text=True)
    try:
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/")
        port = open_serial(path, 115200, timeout=0.2)
        assert ControllerLink(port, timeout_s=1.0).ping() == "emu-controller 1.0"
        port.close()
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
