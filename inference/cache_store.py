"""What every sentence-cache store shares: the key, the entry, the errors and the store interface.

Two stores implement :class:`CacheStore`: an SQLite file (``inference.cache_sqlite``, the default) and a
Redis server (``inference.cache_redis``, shared by machines). :class:`inference.cache.SentenceCache` wraps
either and turns their failures into "go on without the cache".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from tarjama.inference.errors import ServiceError

# The key is sha256 of canonical JSON: sorted keys, no spaces, ensure_ascii=False.
# Changing this form (or the fields callers pass) changes every key: old entries are then never hit.
KEY_VERSION = 1

ProblemKind = Literal["corrupt", "read-only", "full", "unavailable", "busy"]

# What each kind of problem means and what fixes it (the store's location is named by the message).
_PROBLEMS: dict[str, tuple[str, str]] = {
    "corrupt": ("is damaged or is not a tarjama cache", "run `tarjama cache repair`"),
    "read-only": ("is read-only", "make it writable"),
    "full": ("cannot be written: the disk is full", "free some disk space"),
    "unavailable": ("cannot be reached or opened", "check that it exists and can be reached"),
    "busy": ("is locked by another process", "wait for that process or stop it"),
}


def cache_key(**fields: Any) -> str:
    """Hash of the canonical JSON of ``fields`` (task, model, revision, settings, source text ...)."""
    payload = json.dumps(
        {"v": KEY_VERSION, **fields}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """One value to store: the output for a key, with what made it."""

    key: str
    output: str
    task: str
    model: str


@dataclass(frozen=True)
class CacheStats:
    """What ``tarjama cache stats`` shows."""

    location: str
    store: str
    entries: int
    size_bytes: int
    hits: int
    misses: int


class CacheError(ServiceError):
    """The cache cannot be opened, read or written; ``kind`` says why, ``reason`` says it in general words,
    without the store's location or the error's details, which may name a host and port (for web pages and
    API answers; the message, for the cache's owner, has both)."""

    def __init__(self, kind: ProblemKind, detail: str, location: str) -> None:
        self.kind = kind
        self.detail = detail
        self.location = location
        meaning, fix = _PROBLEMS[kind]
        self.reason = f"the sentence cache {meaning}"
        super().__init__(f"the sentence cache at {location} {meaning} ({detail}); fix: {fix}")


class CacheStore(Protocol):
    """A key → output store. Every failure is raised as :class:`CacheError`."""

    location: str  # a path or a URL without its password: safe to show to the cache's owner
    name: str  # "sqlite" | "redis"
    read_only: CacheError | None  # why the store opened for reading only, or None when it can write

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Outputs for the keys that are present."""
        ...

    def put_many(self, entries: Sequence[CacheEntry]) -> None:
        """Store outputs (an existing key is overwritten)."""
        ...

    def count(self, hits: int, misses: int) -> None:
        """Add to the hit and miss counters."""
        ...

    def stats(self) -> CacheStats:
        """Entries, size, hits and misses."""
        ...

    def clear(self) -> int:
        """Delete every entry and reset the counters; returns how many entries were removed."""
        ...

    def scan(self, batch: int) -> Iterator[list[CacheEntry]]:
        """Every entry, ``batch`` at a time."""
        ...

    def check(self) -> int:
        """Read the whole store; the number of entries, or :class:`CacheError` naming the damage."""
        ...

    def close(self) -> None:
        """Let go of connections."""
        ...
