"""The flasher against the emulated bootloader, with gpiozero mock pins on BOOT0/NRST."""

import hashlib
import os
import random

import pytest

from agent.signing import generate_keypair, public_pem
from firmware_bridge.emulator import Faults
from firmware_bridge.flasher import FlashError, Stm32Flasher
from firmware_bridge.image import ImageError, make_manifest, verify_image

from .conftest import BOOT0, make_device


def unsigned(data: bytes):
    return verify_image(data, None, flash_size=256 * 1024, flash_base=0x08000000, require_signature=False)


def test_flash_writes_verifies_and_starts_app(device, boot, port_for, pins):
    img = unsigned(os.urandom(10_000))
    stages = []
    r = Stm32Flasher(port_for(device), boot, timeout_s=0.3, progress=lambda s, d, t: stages.append((s, d, t))).flash(img)
    assert r.ok and r.attempts == 1 and r.bytes_written == 10_000
    assert bytes(device.rom.flash[:10_000]) == img.data
    assert bytes(device.rom.flash[10_240:12_288]) == b"\xff" * 2048  # untouched page stays erased
    assert device.wait_mode("app")
    assert not pins.pin(BOOT0).state  # BOOT0 released only after success
    writes = [s for s in stages if s[0] == "write"]
    assert writes[-1] == ("write", 40, 40) and [d for _, d, _ in writes] == list(range(1, 41))
    assert stages[-1] == ("verify", 40, 40)


def test_flasher_rewrites_over_an_older_image(device, boot, port_for):
    f = Stm32Flasher(port_for(device), boot, timeout_s=0.3)
    f.flash(unsigned(b"\x00" * 8192))
    new = os.urandom(8192)
    assert f.flash(unsigned(new)).ok
    assert bytes(device.rom.flash[:8192]) == new


def test_power_loss_on_every_write_fails_but_stays_recoverable(pins, boot, port_for):
    dev = make_device(pins, Faults(power_loss=1.0, power_off_s=0.01, seed=1))
    try:
        img = unsigned(os.urandom(4096))
        with pytest.raises(FlashError) as ei:
            Stm32Flasher(port_for(dev), boot, timeout_s=0.1, attempts=2, step_retries=1).flash(img)
        assert ei.value.in_bootloader and "bootloader" in str(ei.value)
        assert dev.mode == "bootloader" and pins.pin(BOOT0).state
        # vector table is written last, so the partial image can never be started
        assert not dev.rom.app_valid()
        boot.run_app(None)  # even with BOOT0 low, an empty vector table keeps the ROM bootloader
        assert dev.wait_mode("bootloader")
        dev.faults.power_loss = 0.0
        assert Stm32Flasher(port_for(dev), boot, timeout_s=0.1).flash(img).ok
        assert bytes(dev.rom.flash[:4096]) == img.data
    finally:
        dev.stop()


@pytest.mark.slow
def test_100_runs_with_random_faults_never_report_a_wrong_image(pins, boot, port_for):
    """Every run ends in verified success, or in the bootloader from which a clean flash succeeds."""
    rng = random.Random(20261124)
    outcomes = {"ok": 0, "failed_recoverable": 0}
    for run in range(100):
        faults = Faults(drop_rx=rng.choice([0, 0.01, 0.05]), drop_tx=rng.choice([0, 0.01, 0.05]), nack=rng.choice([0, 0.02, 0.1]),
                        corrupt_read=rng.choice([0, 0.02, 0.1]), bad_write=rng.choice([0, 0.01, 0.05]),
                        power_loss=rng.choice([0, 0.02, 0.1]), power_off_s=0.005, seed=run)
        dev = make_device(pins, faults, flash_size=16 * 1024, page_size=1024)
        try:
            img = unsigned(rng.randbytes(rng.choice([1024, 2048, 3000])))
            flasher = Stm32Flasher(port_for(dev), boot, page_size=1024, timeout_s=0.03, attempts=3, step_retries=3)
            try:
                report = flasher.flash(img)
            except FlashError as e:
                assert e.in_bootloader, f"run {run}: not left in bootloader: {e}"
                outcomes["failed_recoverable"] += 1
                faults.__init__(seed=run)  # faults off: the next attempt must just work
                assert Stm32Flasher(port_for(dev), boot, page_size=1024, timeout_s=0.03).flash(img).ok
            else:
                assert report.ok
                outcomes["ok"] += 1
            assert bytes(dev.rom.flash[:len(img.data)]) == img.data, f"run {run}: success reported with a wrong image"
        finally:
            dev.stop()
    print("fault runs:", outcomes)
    assert outcomes["ok"] + outcomes["failed_recoverable"] == 100


# -- checks before anything is erased ---------------------------------------------------------

def test_signed_manifest_accepted_and_tampering_rejected(tmp_path):
    key, pub = generate_keypair()
    data = os.urandom(5000)
    m = make_manifest(data, key, version="1.2.3")
    pub_s = public_pem(pub).decode()
    ok = verify_image(data, m, flash_size=65536, flash_base=0x08000000, public_key=pub_s)
    assert ok.signed and ok.version == "1.2.3" and ok.sha256 == hashlib.sha256(data).hexdigest()
    with pytest.raises(ImageError, match="sha256"):
        verify_image(data[:-1] + b"\x00" if data[-1] else data[:-1] + b"\x01", m, flash_size=65536, flash_base=0x08000000, public_key=pub_s)
    with pytest.raises(ImageError, match="signature"):
        verify_image(data, {**m, "version": "9.9.9"}, flash_size=65536, flash_base=0x08000000, public_key=pub_s)
    other = public_pem(generate_keypair()[1]).decode()
    with pytest.raises(ImageError, match="signature"):
        verify_image(data, m, flash_size=65536, flash_base=0x08000000, public_key=other)


@pytest.mark.parametrize(("data", "manifest", "kw", "match"), [
    (b"", None, {"require_signature": False}, "empty"),
    (b"\x01" * 70000, None, {"require_signature": False}, "flash holds 65536"),
    (b"\x01" * 100, None, {}, "no manifest"),
    (b"\x01" * 100, {"size": 99, "sha256": "00"}, {"require_signature": False}, "manifest says 99"),
    (b"\x01" * 100, {"size": 100, "sha256": hashlib.sha256(b"\x01" * 100).hexdigest()}, {}, "public_key is not set"),
    (b"\x01" * 100, {"size": 100, "sha256": hashlib.sha256(b"\x01" * 100).hexdigest(), "target": "esp32"}, {"require_signature": False}, "target"),
])
def test_image_rejections_say_what_to_do(data, manifest, kw, match):
    with pytest.raises(ImageError, match=match):
        verify_image(data, manifest, flash_size=65536, flash_base=0x08000000, **kw)


def test_image_filling_the_flash_uses_one_mass_erase(pins, boot, port_for):
    dev = make_device(pins, flash_size=16 * 1024, page_size=1024)
    try:
        dev.rom.flash[:] = b"\x00" * len(dev.rom.flash)  # old contents everywhere
        img = unsigned(os.urandom(16 * 1024))
        r = Stm32Flasher(port_for(dev), boot, page_size=1024, flash_size=16 * 1024, timeout_s=0.3).flash(img)
        assert r.ok and bytes(dev.rom.flash) == img.data
    finally:
        dev.stop()


@pytest.mark.parametrize("seed", range(5))
def test_without_reset_wires_faults_are_recovered_by_realigning(seed, port_for):
    """Boot entry over the link (no BOOT0/NRST): a half-received command is completed with 0xFF filler, then sync."""
    from firmware_bridge.bootpins import CommandBootControl
    from firmware_bridge.emulator import EmulatedDevice

    faults = Faults(drop_rx=0.05, drop_tx=0.03, nack=0.05, corrupt_read=0.03, seed=seed)
    dev = EmulatedDevice(baud=2_000_000, pace=False, faults=faults).start()
    try:
        img = unsigned(random.Random(seed).randbytes(3000))
        flasher = Stm32Flasher(port_for(dev), CommandBootControl(boot_delay_s=0.01), timeout_s=0.05, attempts=3, step_retries=4)
        try:
            r = flasher.flash(img)
            assert r.ok and bytes(dev.rom.flash[:3000]) == img.data
            assert r.started == dev.wait_mode("app")  # started by GO, and it says so truthfully
        except FlashError as e:
            assert e.in_bootloader and dev.mode == "bootloader"
    finally:
        dev.stop()
