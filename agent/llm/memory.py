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


MADV_DONTNEED = 4


def release_file_pages(path: str) -> int:
    """Drop this process's clean resident pages of mappings of ``path``; returns bytes advised.

    onnxruntime keeps its (private) memory maps of the external weight file
    after copying the weights into prepacked buffers; the scales stay mapped
    and resident. A clean page of a file mapping that is dropped is re-read
    from the file if it is touched again, so only mappings with no dirty
    (written) pages are released: nothing ever changes, they only stop
    counting as resident.
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "madvise"):
        return 0
    try:
        with open("/proc/self/smaps", encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError:
        return 0
    mappings: list[tuple[int, int, int]] = []  # start, end, dirty kB
    current: list[int] | None = None
    for line in text.splitlines():
        parts = line.split()
        if parts and "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
            current = None
            if parts[-1] == path:
                start, end = (int(x, 16) for x in parts[0].split("-"))
                current = [start, end, 0]
                mappings.append(current)  # type: ignore[arg-type]
        elif current is not None and parts and parts[0] in ("Private_Dirty:", "Shared_Dirty:"):
            current[2] += int(parts[1])
    madvise = libc.madvise
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    total = 0
    for start, end, dirty in mappings:
        if dirty == 0 and madvise(start, end - start, MADV_DONTNEED) == 0:
            total += end - start
    return total
