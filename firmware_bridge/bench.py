"""``edge-agent bench flash``: flash timing against wire time, and random-fault runs.

The emulator paces every byte at the emulated baud rate (11 bits a byte for
8E1), so "wire time" here is what a real cable needs for the image's bytes:
written once and read back once. Protocol framing, ACK turnarounds and the
emulated page-erase time all count against the flash.
"""

from __future__ import annotations

import logging
import random
import sys
import time

from gpiozero.pins.mock import MockFactory

from firmware_bridge.bootpins import GpioBootControl
from firmware_bridge.emulator import EmulatedDevice, Faults, gpio_lines
from firmware_bridge.flasher import FlashError, Stm32Flasher
from firmware_bridge.fw_commands import ProgressBar
from firmware_bridge.image import verify_image
from firmware_bridge.serialport import open_serial

BOOT0, RESET = "GPIO17", "GPIO27"
PAGE = 2048


def _image(rng: random.Random, n: int):
    return verify_image(rng.randbytes(n), None, flash_size=256 * 1024, flash_base=0x08000000, require_signature=False)


def timed_flash(kib: int, baud: int, erase_ms: float, seed: int) -> dict:
    pins = MockFactory()
    boot = GpioBootControl(BOOT0, RESET, pin_factory=pins)
    dev = EmulatedDevice(baud=baud, pace=True, lines=gpio_lines(pins, BOOT0, RESET), erase_page_s=erase_ms / 1000, page_size=PAGE).start()
    port = open_serial(dev.path, baud, "E", 1.0)
    try:
        img = _image(random.Random(seed), kib * 1024)
        t0 = time.monotonic()
        r = Stm32Flasher(port, boot, page_size=PAGE, flash_size=256 * 1024, progress=ProgressBar()).flash(img)
        elapsed = time.monotonic() - t0
        assert r.ok and bytes(dev.rom.flash[:len(img.data)]) == img.data
    finally:
        port.close()
        dev.stop()
        boot.close()
    n = len(img.data)
    chunks = -(-n // 256)
    wire = 2 * n * 11 / baud
    proto_bytes = chunks * (3 + 6 + 258 + 1) + chunks * (3 + 6 + 3 + 256)  # write + readback incl. commands and ACKs
    erase = erase_ms / 1000 * (2 if n >= 256 * 1024 else -(-n // PAGE))  # mass erase when the image fills the flash
    return {"bytes": n, "seconds": elapsed, "wire_s": wire, "ratio": elapsed / wire, "protocol_wire_s": proto_bytes * 11 / baud, "erase_s": erase}


def link_figures(baud: int, n: int = 50) -> dict:
    from firmware_bridge.framing import Frame, encode_frame
    from firmware_bridge.link import ControllerLink
    from firmware_bridge.protocol import GET_SLOTS

    dev = EmulatedDevice(baud=baud, pace=True).start()
    try:
        time.sleep(0.1)
        port = open_serial(dev.path, baud, timeout=0.2)
        link = ControllerLink(port, timeout_s=0.5)
        link.slots()
        t0 = time.monotonic()
        for _ in range(n):
            link.slots()
        rtt = (time.monotonic() - t0) / n
        reply = encode_frame(Frame(1, GET_SLOTS | 0x80, bytes(1 + 3 * len(dev.app.slots))))
        wire = (len(encode_frame(Frame(1, GET_SLOTS))) + len(reply)) * 10 / baud
        t0 = time.monotonic()
        text = link.audit()
        audit_s = time.monotonic() - t0
        port.close()
    finally:
        dev.stop()
    return {"rtt_ms": rtt * 1000, "wire_ms": wire * 1000, "audit_bytes": len(text), "audit_ms": audit_s * 1000}


def fault_runs(runs: int, kib: int, baud: int, seed: int) -> dict:
    rng = random.Random(seed)
    pins = MockFactory()
    boot = GpioBootControl(BOOT0, RESET, pin_factory=pins, reset_hold_s=0.002, boot_delay_s=0.005)
    out = {"runs": 0, "verified_success": 0, "failed_in_bootloader": 0, "recovered_by_next_flash": 0,
           "wrong_image_reported_ok": 0, "unrecoverable": 0, "faults": {}}
    t0 = time.monotonic()
    for run in range(runs):
        faults = Faults(drop_rx=rng.choice([0, 0.01, 0.05]), drop_tx=rng.choice([0, 0.01, 0.05]), nack=rng.choice([0, 0.02, 0.1]),
                        corrupt_read=rng.choice([0, 0.02, 0.1]), bad_write=rng.choice([0, 0.01, 0.05]),
                        power_loss=rng.choice([0, 0.005, 0.02, 0.1]), power_off_s=0.01, seed=seed * 1000 + run)
        dev = EmulatedDevice(baud=baud or 2_000_000, pace=bool(baud), lines=gpio_lines(pins, BOOT0, RESET), faults=faults, page_size=PAGE).start()
        port = open_serial(dev.path, baud or 2_000_000, "E", 0.5)
        img = _image(rng, kib * 1024)
        timeout = max(0.05, 300 * 11 / (baud or 2_000_000) * 2)
        try:
            try:
                r = Stm32Flasher(port, boot, page_size=PAGE, timeout_s=timeout, attempts=3, step_retries=3).flash(img)
                ok = r.ok
            except FlashError as e:
                ok = False
                if e.in_bootloader:
                    out["failed_in_bootloader"] += 1
                faults.__init__(seed=0)  # the cause is gone: does the next attempt just work?
                try:
                    Stm32Flasher(port, boot, page_size=PAGE, timeout_s=timeout).flash(img)
                    out["recovered_by_next_flash"] += 1
                except FlashError:
                    out["unrecoverable"] += 1
            correct = bytes(dev.rom.flash[:len(img.data)]) == img.data
            if ok and not correct:
                out["wrong_image_reported_ok"] += 1
            out["verified_success"] += int(ok and correct)
            for k, v in faults.counts.items():
                out["faults"][k] = out["faults"].get(k, 0) + v
        finally:
            port.close()
            dev.stop()
        out["runs"] += 1
        if (run + 1) % 10 == 0:
            print(f"  fault runs: {run + 1}/{runs}", file=sys.stderr, flush=True)
    out["seconds"] = time.monotonic() - t0
    return out


def main(args) -> int:
    logging.getLogger("firmware_bridge").setLevel(logging.ERROR)
    print(f"bench flash: {args.kib} KiB through the emulated STM32 bootloader at {args.baud} baud 8E1 "
          f"(bytes paced on the wire, {args.erase_ms} ms erase per {PAGE}-byte page)", flush=True)
    t = timed_flash(args.kib, args.baud, args.erase_ms, args.seed)
    print(f"  flashed+verified {t['bytes']} B in {t['seconds']:.2f} s; image bytes on the wire (write + readback) {t['wire_s']:.2f} s; "
          f"ratio {t['ratio']:.3f} (target <= 1.2)")
    print(f"  of which: AN3155 protocol bytes need {t['protocol_wire_s']:.2f} s ({t['protocol_wire_s'] / t['wire_s']:.3f}x), "
          f"emulated erase {t['erase_s']:.2f} s")
    lf = link_figures(args.baud)
    print(f"bench link: GET_SLOTS round trip {lf['rtt_ms']:.2f} ms (frames need {lf['wire_ms']:.2f} ms on the wire at {args.baud} 8N1); "
          f"EVA-DTS audit of {lf['audit_bytes']} B read in {lf['audit_ms']:.1f} ms")
    if args.fault_runs:
        print(f"bench flash faults: {args.fault_runs} runs of {args.fault_kib} KiB at "
              f"{args.fault_baud or 'unpaced'} baud with random drops, NACKs, bit flips, bad writes and power loss", flush=True)
        f = fault_runs(args.fault_runs, args.fault_kib, args.fault_baud, args.seed)
        print(f"  verified success {f['verified_success']}, failed but left in bootloader {f['failed_in_bootloader']} "
              f"(next clean flash succeeded: {f['recovered_by_next_flash']}), unrecoverable {f['unrecoverable']}, "
              f"success reported with a wrong image {f['wrong_image_reported_ok']}; {f['seconds']:.1f} s")
        print(f"  injected faults: {f['faults']}")
        if f["wrong_image_reported_ok"] or f["unrecoverable"]:
            return 1
    return 0
