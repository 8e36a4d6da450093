"""Freed memory handed back to the system after a CTranslate2 call (glibc's ``malloc_trim``).

CTranslate2 allocates each decoding step's attention state afresh, a little larger each time, from its worker
threads; glibc keeps what is freed in those threads' heaps, where the next, larger buffers rarely fit, so a
server's resident memory climbed to about twice what decoding held (bench/README.md, "Peak memory"). Trimming
once a call's sub-batches are decoded gives the freed pages back, in a thread beside the caller's own work
(checks, cache, answer). Trimming after each sub-batch did too, but the workers still decoding then mapped
the pages again (about 18,000 more page faults in a 66-sentence call) and the trims ran on the collecting
thread; a fixed mmap threshold, which maps them again at every step, halved the speed."""

from __future__ import annotations

import ctypes
import sys
import threading
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


def give_back_freed_memory_soon() -> threading.Thread | None:
    """:func:`give_back_freed_memory` in a thread of its own, started now, so that the caller goes on (the
    trim releases the GIL); the thread, or None off glibc."""
    if _glibc() is None:
        return None
    thread = threading.Thread(target=give_back_freed_memory, name="tarjama-malloc-trim", daemon=True)
    thread.start()
    return thread
