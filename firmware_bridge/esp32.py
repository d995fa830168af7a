"""ESP32 targets: flashing is delegated to the ``esptool`` program.

esptool is GPLv2+, so the shipped agent runs it as a separate process and
never imports it. It writes, then ``verify-flash`` reads the flash back and
compares, so success still means a verified readback.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

_PCT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?%")


class Esp32Error(IOError):
    """esptool failed; the message carries its last lines."""


def esptool_argv(esptool: str, port: str, baud: int, address: int, image: Path, chip: str = "esp32") -> list[list[str]]:
    exe = shutil.which(esptool) or shutil.which(esptool, path=str(Path(sys.executable).parent)) or esptool
    common = [exe, "--chip", chip, "--port", port, "--baud", str(baud), "--connect-attempts", "3"]
    addr = f"0x{address:x}"
    return [common + ["--after", "no-reset", "write-flash", addr, str(image)],
            common + ["verify-flash", addr, str(image)]]


def flash_esp32(esptool: str, port: str, baud: int, address: int, image: Path, progress: Callable[[str, int, int], None] | None = None,
                chip: str = "esp32", timeout_s: float = 600.0) -> None:
    for stage, argv in zip(("write", "verify"), esptool_argv(esptool, port, baud, address, image, chip), strict=True):
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        except OSError as e:
            raise Esp32Error(f"cannot run {argv[0]!r} ({e}); install esptool or set [firmware].esptool") from None
        tail: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.strip()
            if line:
                tail = (tail + [line])[-8:]
            m = _PCT.search(line)
            if m and progress:
                progress(stage, int(float(m.group(1))), 100)
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise Esp32Error(f"esptool {stage} did not finish in {timeout_s}s") from None
        if rc != 0:
            raise Esp32Error(f"esptool {stage} failed (exit {rc}): " + " | ".join(tail[-4:]))
        if progress:
            progress(stage, 100, 100)
