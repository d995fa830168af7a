"""What the CPU can do, for choosing 4-bit kernels (Pi 5 has ARM dotprod, Pi 4 does not)."""

from __future__ import annotations

import platform


def cpu_features() -> dict[str, object]:
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                key = line.split(":")[0].strip().lower()
                if key in ("flags", "features"):
                    flags.update(line.split(":", 1)[1].split())
    except OSError:
        pass
    arch = platform.machine().lower()
    int8_dot = "asimddp" in flags if arch in ("aarch64", "arm64") else bool({"avx2", "avx512_vnni", "avx_vnni"} & flags)
    return {"arch": arch, "int8_dot": int8_dot, "flags": sorted(flags & {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "asimddp", "i8mm", "fphp"})}
