"""Keeping the process's resident memory small on a Pi (glibc malloc tuning).

Loading a model parses large buffers that are freed right after; glibc keeps
freed heap memory and, by default, raises its mmap threshold after big frees,
so those transients stay resident for the life of the daemon. A fixed mmap
threshold returns big blocks to the OS as soon as they are freed, and
``malloc_trim`` hands back what the heap no longer uses. Elsewhere (musl,
macOS) these are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_MMAP_THRESHOLD = -3


@functools.cache
def _libc():
    try:
        name = ctypes.util.find_library("c")
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
            return libc
    except OSError:
        pass
    return None


@functools.cache
def tune_malloc(mmap_threshold: int = 256 * 1024) -> bool:
    libc = _libc()
    return bool(libc and libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))


def trim() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
