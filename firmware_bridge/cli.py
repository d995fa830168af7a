"""``edge-agent fw ...`` and ``edge-agent bench flash``; modules load inside the commands."""

from __future__ import annotations

import argparse


def _common(p: argparse.ArgumentParser, image: bool) -> None:
    p.add_argument("--config", default=None, help="device TOML (for [firmware] pins, key, flash geometry)")
    p.add_argument("--port", default=None, help="serial port of the bootloader (default: [firmware].port or [controller].port)")
    p.add_argument("--baud", type=int, default=None, help="bootloader baud rate (default: [firmware].baud)")
    p.add_argument("--boot-entry", choices=["gpio", "command"], default="gpio",
                   help="gpio: drive BOOT0/NRST pins (default; recovers a dead app); command: ask the running app over the link")
    if image:
        p.add_argument("--image", required=True, help="firmware image (.bin)")
        p.add_argument("--manifest", default=None, help="signed manifest JSON (required unless [firmware].require_signature = false)")


def register(sub, groups) -> None:
    fw = sub.add_parser("fw", help="vending controller firmware: flash, verify, info, sign, audit")
    fsub = fw.add_subparsers(dest="fw", metavar="ACTION", required=True)

    p = fsub.add_parser("flash", help="check, write, read back and compare an image (STM32 ROM bootloader or esptool)")
    _common(p, image=True)
    p.add_argument("--dry-run", action="store_true", help="check the image and talk to the bootloader, but erase and write nothing")
    p.set_defaults(func=_cmd("flash"))

    p = fsub.add_parser("verify", help="read the flash back and compare it with an image")
    _common(p, image=True)
    p.set_defaults(func=_cmd("verify"))

    p = fsub.add_parser("info", help="bootloader version, commands, product id and flash size")
    _common(p, image=False)
    p.set_defaults(func=_cmd("info"))

    p = fsub.add_parser("sign", help="write a signed manifest for an image (release workstation)")
    p.add_argument("--image", required=True)
    p.add_argument("--key", required=True, help="ed25519 private key (PEM file)")
    p.add_argument("--version", required=True, dest="fw_version")
    p.add_argument("--target", choices=["stm32", "esp32"], default="stm32")
    p.add_argument("--address", type=lambda s: int(s, 0), default=0x08000000)
    p.add_argument("--out", default=None, help="manifest path (default: IMAGE.manifest.json)")
    p.set_defaults(func=_cmd("sign"))

    p = fsub.add_parser("audit", help="parse an EVA-DTS/DEX audit file; with --previous, print sales between the two")
    p.add_argument("file")
    p.add_argument("--previous", default=None)
    p.set_defaults(func=_cmd("audit"))

    b = groups["bench"].add_parser("flash", help="flash time through the paced emulator vs wire time; random-fault runs")
    b.add_argument("--kib", type=int, default=256, help="image size for the timed flash")
    b.add_argument("--baud", type=int, default=115200)
    b.add_argument("--erase-ms", type=float, default=20.0, help="emulated erase time per 2 KiB page (STM32F1: 20-40 ms)")
    b.add_argument("--fault-runs", type=int, default=100)
    b.add_argument("--fault-kib", type=int, default=8, help="image size for the fault runs")
    b.add_argument("--fault-baud", type=int, default=1_000_000, help="paced baud rate of the fault runs (0 = unpaced)")
    b.add_argument("--seed", type=int, default=1)
    b.set_defaults(func=lambda a: __import__("firmware_bridge.bench", fromlist=["main"]).main(a))


def _cmd(name: str):
    def run(args) -> int:
        from firmware_bridge import fw_commands

        return getattr(fw_commands, name)(args)

    return run
