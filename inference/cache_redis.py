"""The Redis store: the same entries and keys as the SQLite file, shared by every machine that reaches it.

Each entry is one Redis string ``tarjama:entry:<key>`` holding ``{"output", "task", "model", "created"}``
as JSON (with ``EX ttl`` when a TTL is set); the counters are the hash ``tarjama:counters``. Lookups are
``MGET`` in chunks, writes one pipeline. Only keys under ``tarjama:`` are touched, so a database may be
shared with other programs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tarjama.inference.cache_store import CacheEntry, CacheError, CacheStats, ProblemKind
from tarjama.inference.settings import CACHE_CONNECT_SECONDS, CACHE_IO_SECONDS

PREFIX = "tarjama:entry:"
COUNTERS = "tarjama:counters"
CHUNK = 500  # keys per MGET, UNLINK or SCAN step


def redact(url: str) -> str:
    """``url`` without its password (``redis://user:***@host:6379/0``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class RedisStore:
    """Key → output in a Redis database, ``ttl`` seconds per entry (``None``: kept until cleared)."""

    name = "redis"
    read_only: CacheError | None = None

    def __init__(self, url: str, *, ttl: int | None = None) -> None:
        import redis

        self.location = redact(url)
        self.ttl = ttl
        self._errors = redis.RedisError
        try:
            self._client = redis.Redis.from_url(
                url,
                socket_connect_timeout=CACHE_CONNECT_SECONDS,
                socket_timeout=CACHE_IO_SECONDS,
                decode_responses=True,
            )
        except ValueError as exc:
            raise CacheError("unavailable", f"not a Redis URL: {exc}", self.location) from None
        try:
            with self._guard():
                self._client.ping()
        except CacheError:
            self._client.close()
            raise

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except self._errors as exc:
            raise self._problem(exc) from exc

    def _problem(self, exc: Exception) -> CacheError:
        text = str(exc) or type(exc).__name__
        kind: ProblemKind = "unavailable"
        if text.startswith("OOM"):
            kind = "full"
        elif text.startswith("READONLY"):
            kind = "read-only"
        return CacheError(kind, text, self.location)

    def _decode(self, raw: str) -> dict[str, Any]:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, dict) or not isinstance(value.get("output"), str):
            raise CacheError("corrupt", "an entry is not a tarjama cache value", self.location)
        return value

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Outputs for the keys that are present (``MGET`` in chunks)."""
        unique = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        with self._guard():
            for start in range(0, len(unique), CHUNK):
                chunk = unique[start : start + CHUNK]
                values = self._client.mget([PREFIX + key for key in chunk])
                for key, raw in zip(chunk, values, strict=True):
                    if raw is not None:
                        found[key] = self._decode(raw)["output"]
        return found

    def put_many(self, entries: Sequence[CacheEntry]) -> None:
        """Store outputs in one pipeline (an existing key is overwritten, its TTL restarted)."""
        if not entries:
            return
        now = time.time()
        with self._guard():
            pipe = self._client.pipeline(transaction=False)
            for e in entries:
                value = {"output": e.output, "task": e.task, "model": e.model, "created": now}
                pipe.set(PREFIX + e.key, json.dumps(value, ensure_ascii=False), ex=self.ttl)
            pipe.execute()

    def count(self, hits: int, misses: int) -> None:
        """Add to the hit and miss counters."""
        with self._guard():
            pipe = self._client.pipeline(transaction=False)
            pipe.hincrby(COUNTERS, "hits", hits)
            pipe.hincrby(COUNTERS, "misses", misses)
            pipe.execute()

    def _keys(self) -> Iterator[list[str]]:
        batch: list[str] = []
        for key in self._client.scan_iter(match=PREFIX + "*", count=CHUNK):
            batch.append(key)
            if len(batch) == CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    def stats(self) -> CacheStats:
        """Entries, the bytes of their values, and hits/misses since the cache was created or cleared."""
        entries = size = 0
        with self._guard():
            for keys in self._keys():
                pipe = self._client.pipeline(transaction=False)
                for key in keys:
                    pipe.strlen(key)
                lengths = pipe.execute()
                entries += len(keys)
                size += sum(lengths) + sum(len(key) for key in keys)
            counters = self._client.hgetall(COUNTERS)
        hits, misses = int(counters.get("hits", 0)), int(counters.get("misses", 0))
        return CacheStats(self.location, self.name, entries, size, hits, misses)

    def clear(self) -> int:
        """Delete every tarjama entry (only those) and the counters; returns how many were removed."""
        removed = 0
        with self._guard():
            for keys in self._keys():
                removed += int(self._client.unlink(*keys))
            self._client.delete(COUNTERS)
        return removed

    def scan(self, batch: int) -> Iterator[list[CacheEntry]]:
        """Every entry, ``batch`` at a time (entries that expire meanwhile are left out)."""
        out: list[CacheEntry] = []
        with self._guard():
            for keys in self._keys():
                for key, raw in zip(keys, self._client.mget(keys), strict=True):
                    if raw is None:
                        continue
                    value = self._decode(raw)
                    out.append(CacheEntry(key[len(PREFIX) :], value["output"], value["task"], value["model"]))
                    if len(out) == batch:
                        yield out
                        out = []
        if out:
            yield out

    def check(self) -> int:
        """Read every entry; the number of entries, or :class:`CacheError` for one that is not ours."""
        return sum(len(entries) for entries in self.scan(CHUNK))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
