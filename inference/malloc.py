"""Freed memory handed back to the system between CTranslate2 sub-batches (glibc's ``malloc_trim``).

CTranslate2 allocates each decoding step's attention state afresh, a little larger each time, from its worker
threads; glibc keeps what is freed in those threads' heaps, where the next, larger buffers rarely fit, so a
server's resident memory climbed to about twice what decoding held (bench/README.md, "Peak memory"). Trimming
once a sub-batch is done gives the freed pages back; a page is mapped again when it is next written, once per
sub-batch rather than at every step (a fixed mmap threshold, which does it at every step, halved the speed).
"""

from __future__ import annotations

import ctypes
import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _glibc() -> Any:
    """The process's C library when it is glibc (which has ``malloc_trim``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None)
    return libc if hasattr(libc, "gnu_get_libc_version") and hasattr(libc, "malloc_trim") else None


def give_back_freed_memory() -> bool:
    """Return the C heaps' free pages to the system; whether anything was given back (False off glibc)."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
