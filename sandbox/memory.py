"""Memory the process gives back. argon2id takes a 19 MiB buffer per hash; glibc serves such blocks
from per-thread arenas and keeps them after `free`, so a server hashing on a thread pool grew from
110 to 570 MiB under load. With a fixed mmap threshold below 19 MiB those buffers are mapped and
unmapped around each hash, and two arenas stop the per-thread growth of everything else."""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 4 * 1024 * 1024
ARENA_MAX = 2


def return_freed_memory() -> bool:
    """Tune glibc's malloc (call before threads start); False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_ARENA_MAX, ARENA_MAX))
