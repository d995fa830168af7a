"""What ``edge-agent fw`` does; errors become one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

from agent.clock import SystemClock
from agent.config import ConfigError, load_config
from firmware_bridge.an3155 import BootloaderError
from firmware_bridge.dex import DexError
from firmware_bridge.image import ImageError, load_manifest, make_manifest, verify_image


def _fail(msg: str, code: int = 2) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return code


class ProgressBar:
    """One line per stage on a terminal, redrawn in place; plain lines every 10% otherwise."""

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last = (None, -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        pct = int(100 * done / max(total, 1))
        if not self.tty and (stage, pct // 10) == self._last:
            return
        self._last = (stage, pct // 10)
        fill = int(self.width * done / max(total, 1))
        line = f"{stage:>8} [{'#' * fill}{'.' * (self.width - fill)}] {pct:3d}% {done}/{total}"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _setup(args, need_image: bool):
    cfg = load_config(args.config)
    fw = cfg.firmware
    port = args.port or fw.port or cfg.controller.port
    baud = args.baud or fw.baud
    image = None
    if need_image:
        path = Path(args.image)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ImageError(f"cannot read image {path}: {e.strerror}") from None
        manifest = load_manifest(args.manifest) if args.manifest else None
        image = verify_image(data, manifest, flash_size=fw.flash_size, flash_base=fw.flash_base, target=fw.target,
                             public_key=fw.public_key, require_signature=fw.require_signature)
    return cfg, port, baud, image


@contextmanager
def _connect(cfg, port_path: str, baud: int, entry: str, progress=None):
    """The serial port, boot pins and flasher for one command; the port and pins are released after it."""
    from firmware_bridge.flash_job import make_boot_control
    from firmware_bridge.flasher import Stm32Flasher
    from firmware_bridge.serialport import open_serial

    fw = cfg.firmware
    port = open_serial(port_path, baud, "E", timeout=1.0)
    boot = make_boot_control(cfg, SystemClock(), entry=entry)
    try:
        yield port, boot, Stm32Flasher(port, boot, page_size=fw.page_size, flash_base=fw.flash_base, flash_size=fw.flash_size,
                                       attempts=fw.attempts, progress=progress)
    finally:
        port.close()
        boot.close()


def _guard(fn):
    def wrapped(args) -> int:
        try:
            return fn(args)
        except (ConfigError, ImageError, DexError) as e:
            return _fail(str(e))
        except BootloaderError as e:
            return _fail(f"bootloader: {e}", 3)
        except OSError as e:
            return _fail(str(e), 3)
        except Exception as e:
            if type(e).__name__ in ("BadPinFactory", "PinInvalidPin", "GPIOZeroError") or type(e).__module__.startswith("gpiozero"):
                return _fail(f"GPIO: {e}. On a Pi check [firmware].boot0_pin/reset_pin; elsewhere use --boot-entry command", 3)
            raise
    return wrapped


@_guard
def flash(args) -> int:
    cfg, port_path, baud, image = _setup(args, need_image=True)
    fw = cfg.firmware
    pages = -(-len(image.data) // fw.page_size)
    print(f"image ok: {len(image.data)} bytes, sha256 {image.sha256}, version {image.version}, "
          f"{'signed' if image.signed else 'UNSIGNED'}, {pages} pages at 0x{image.address:08x}")
    if not port_path:
        return _fail("no port: pass --port or set [firmware].port")
    if fw.target == "esp32":
        from firmware_bridge.esp32 import flash_esp32

        if args.dry_run:
            print("dry run: image checks passed; esptool not started")
            return 0
        flash_esp32(fw.esptool, port_path, baud, image.address, Path(args.image), ProgressBar())
        print("flashed and verified (esptool verify-flash)")
        return 0
    bar = ProgressBar()
    with _connect(cfg, port_path, baud, args.boot_entry, bar) as (port, boot, flasher):
        if args.dry_run:
            pid = flasher.connect()
            print(f"dry run: bootloader v{flasher.bl.version >> 4}.{flasher.bl.version & 15} answers, product id 0x{pid:03x}; nothing erased or written")
            boot.run_app(port) or flasher._go(fw.flash_base)
            return 0
        from firmware_bridge.flasher import FlashError

        try:
            r = flasher.flash(image)
        except FlashError as e:
            return _fail(str(e), 1)
        wire = 2 * len(image.data) * 11 / baud
        print(f"flashed and verified: {r.bytes_written} bytes in {r.seconds:.1f}s (data alone needs {wire:.1f}s on the wire), "
              f"attempts {r.attempts}, retried steps {r.retries}, rewritten pages {r.repaired_pages}; "
              + ("application started" if r.started else "the bootloader did not take GO: power-cycle the board to start it"))
        return 0


@_guard
def verify(args) -> int:
    cfg, port_path, baud, image = _setup(args, need_image=True)
    if not port_path:
        return _fail("no port: pass --port or set [firmware].port")
    with _connect(cfg, port_path, baud, args.boot_entry, ProgressBar()) as (port, boot, flasher):
        flasher.connect()
        got = flasher.read_image(image.address, len(image.data))
        if got == image.data:
            print(f"match: flash at 0x{image.address:08x} holds the image ({image.sha256})")
            boot.run_app(port) or flasher._go(image.address)
            return 0
        first = next(i for i, (a, b) in enumerate(zip(got, image.data, strict=True)) if a != b)
        print(f"MISMATCH: first difference at 0x{image.address + first:08x}; the device stays in its bootloader: run `fw flash`")
        return 1


@_guard
def info(args) -> int:
    cfg, port_path, baud, _ = _setup(args, need_image=False)
    if not port_path:
        return _fail("no port: pass --port or set [firmware].port")
    with _connect(cfg, port_path, baud, args.boot_entry) as (port, boot, flasher):
        pid = flasher.connect()
        bl = flasher.bl
        try:
            size = int.from_bytes(bl.read(0x1FFFF7E0, 2), "little")  # F1 flash-size register
            size_s = f"{size} KiB"
        except BootloaderError:
            size_s = "unknown (not an F1 flash-size register)"
        print(json.dumps({"bootloader_version": f"{bl.version >> 4}.{bl.version & 15}", "product_id": f"0x{pid:03x}",
                          "commands": [f"0x{c:02x}" for c in bl.commands], "flash_size": size_s}, indent=2))
        boot.run_app(port) or flasher._go(cfg.firmware.flash_base)
        return 0


@_guard
def sign(args) -> int:
    from agent.signing import SignatureError, load_private_key

    data = Path(args.image).read_bytes()
    try:
        key = load_private_key(Path(args.key))
    except (SignatureError, ValueError) as e:
        return _fail(f"key {args.key}: {e}")
    m = make_manifest(data, key, version=args.fw_version, target=args.target, address=args.address)
    out = Path(args.out or f"{args.image}.manifest.json")
    out.write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out} (sha256 {m['sha256']}, {m['size']} bytes)")
    return 0


@_guard
def audit(args) -> int:
    from firmware_bridge.dex import parse_dex, sales_between

    def load(p: str):
        try:
            return parse_dex(Path(p).read_text(encoding="latin-1"))
        except DexError as e:
            raise DexError(e.line, e.record, e.field, f"{e} (in {p})".split(": ", 1)[1]) from None

    cur = load(args.file)
    out = cur.to_dict()
    if args.previous:
        out["sales"] = [s.__dict__ for s in sales_between(load(args.previous), cur)]
    print(json.dumps(out, indent=2))
    return 0


