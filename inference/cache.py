"""The persistent sentence cache: one interface over two stores, that never stops the work.

:class:`SentenceCache` opens the store named by a location (an SQLite file's path, the default, or a
``redis://`` URL) and turns every failure of it into "go on without the cache": a lookup that fails finds
nothing, a write that fails is dropped, and the outputs are those a healthy cache would give. What still
works keeps working (a read-only or full cache is still read). The problem is logged once per incident
(logger ``inference.cache``, a warning the first time for each kind of problem; the CLI prints it as
one line on stderr) and kept in :attr:`SentenceCache.status`
for the server (``/health``, a notice in the page, a response header); the store is tried again after
:data:`~inference.settings.CACHE_RETRY_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from tarjama.inference.cache_sqlite import MIGRATIONS, SqliteStore
from tarjama.inference.cache_store import CacheEntry, CacheError, CacheStats, CacheStore, cache_key
from tarjama.inference.settings import CACHE_RETRY_SECONDS, cache_location, cache_ttl, is_redis_url

logger = logging.getLogger(__name__)
Operation = Literal["read", "write"]
BOTH: tuple[Operation, ...] = ("read", "write")
PROBE_KEY = "tarjama-health-probe"  # looked up to see whether a store that failed can be read again


def open_store(location: str | Path, *, ttl: int | None = None) -> CacheStore:
    """The store at ``location``: Redis for a ``redis://`` URL, else an SQLite file; ``ttl`` (seconds)
    applies to Redis. Raises :class:`CacheError` when it cannot be opened."""
    location = str(location)
    if is_redis_url(location):
        from tarjama.inference.cache_redis import RedisStore  # redis-py is imported only for a Redis cache

        return RedisStore(location, ttl=ttl)
    return SqliteStore.open(Path(location))


@dataclass(frozen=True)
class CacheStatus:
    """Whether the cache is read and written; ``reason`` (no path, no password) when it is not."""

    state: Literal["ok", "degraded"]
    store: str
    reads: bool
    writes: bool
    reason: str | None = None

    @property
    def degraded(self) -> bool:
        """True while something the cache should do is not being done."""
        return self.state != "ok"

    def as_dict(self) -> dict[str, Any]:
        """The status as JSON-ready data (``/health``)."""
        return asdict(self)


class SentenceCache:
    """Key → output, on the store at ``location``; never raises from :meth:`get_many` or :meth:`put_many`.

    Thread-safe; several processes (or machines, with Redis) may share one store.
    """

    def __init__(
        self,
        location: str | Path,
        *,
        ttl: int | None = None,
        retry_seconds: float = CACHE_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.location = str(location)
        self.ttl = ttl
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._off: dict[Operation, CacheError] = {}  # what is not being done, and why
        self._told: set[str] = set()  # the kinds of problem already logged as warnings
        self._retry_at: dict[Operation, float] = {}  # when each operation that is off is tried again
        self._store: CacheStore | None = None
        self._open()

    @classmethod
    def open_default(cls) -> SentenceCache:
        """The cache at ``$TARJAMA_CACHE`` (see :func:`inference.settings.cache_location`), with
        ``$TARJAMA_CACHE_TTL``."""
        return cls(cache_location(), ttl=cache_ttl())

    @property
    def store_name(self) -> str:
        """``redis`` or ``sqlite``."""
        return "redis" if is_redis_url(self.location) else "sqlite"

    @property
    def status(self) -> CacheStatus:
        """What the cache does now, and why not when it does not."""
        with self._lock:
            off = dict(self._off)
        problem = off.get("read") or off.get("write")
        return CacheStatus(
            "degraded" if off else "ok",
            self.store_name,
            "read" not in off,
            "write" not in off,
            problem.reason if problem else None,
        )

    def current_status(self) -> CacheStatus:
        """:attr:`status` after trying again now each operation that is off and due to be tried (a read
        of one key, a write of nothing), so that a store that came back reads as working without waiting
        for a translation to use it; no work while the cache works."""
        with self._lock:
            off = set(self._off)
        if "read" in off and (store := self._store_for("read")) is not None:
            try:
                store.get_many([PROBE_KEY])
            except CacheError as exc:
                self._fail(BOTH, exc)
            else:
                self._worked("read")
        if "write" in off:
            self._write(lambda target: target.count(0, 0))
        return self.status

    # --- the two operations the engines use --------------------------------------------------------
    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Outputs for the keys that are present (nothing when the store cannot be read); counts hits
        and misses."""
        unique = list(dict.fromkeys(keys))
        store = self._store_for("read")
        if store is None or not unique:
            return {}
        try:
            found = store.get_many(unique)
        except CacheError as exc:
            self._fail(BOTH, exc)
            return {}
        self._worked("read")
        self._write(lambda target: target.count(len(found), len(unique) - len(found)))
        return found

    def put_many(self, entries: Iterable[CacheEntry]) -> None:
        """Store outputs (an existing key is overwritten); dropped when the store cannot be written."""
        rows = list(entries)
        if rows:
            self._write(lambda target: target.put_many(rows))

    def stats(self) -> CacheStats:
        """Entries, size, hits and misses; :class:`CacheError` when the store cannot be read."""
        return self._required().stats()

    def clear(self) -> int:
        """Delete every entry; how many were removed. :class:`CacheError` when the store cannot be written
        (``tarjama cache clear`` also replaces a damaged file)."""
        return self._required().clear()

    def _required(self) -> CacheStore:
        with self._lock:
            store, problem = self._store, self._off.get("read")
        if store is None:
            assert problem is not None  # a store that did not open turned reads off
            raise problem
        return store

    def close(self) -> None:
        """Let go of the store's connections (this thread's, for SQLite)."""
        if self._store is not None:
            self._store.close()

    # --- degrading and recovering ------------------------------------------------------------------
    def _open(self) -> None:
        try:
            store = open_store(self.location, ttl=self.ttl)
        except CacheError as exc:
            self._store = None
            self._fail(BOTH, exc)
            return
        self._store = store
        if store.read_only is not None:
            self._fail(("write",), store.read_only)

    def _store_for(self, operation: Operation) -> CacheStore | None:
        """The store when ``operation`` works, or when it is time to try it again (reopened)."""
        with self._lock:
            if operation not in self._off:
                return self._store
            if self._clock() < self._retry_at.get(operation, 0.0):
                return None
            self._retry_at[operation] = self._clock() + self.retry_seconds
        self._open()
        with self._lock:
            if self._store is None or (operation == "write" and self._store.read_only is not None):
                return None
            return self._store

    def _write(self, action: Callable[[CacheStore], None]) -> None:
        store = self._store_for("write")
        if store is None:
            return
        try:
            action(store)
        except CacheError as exc:
            self._fail(("write",) if exc.kind in ("full", "read-only", "busy") else BOTH, exc)
            return
        self._worked("write")

    def _fail(self, operations: Sequence[Operation], exc: CacheError) -> None:
        with self._lock:
            new_incident = not self._off
            for operation in operations:
                self._off[operation] = exc
                self._retry_at[operation] = self._clock() + self.retry_seconds
            doing = "reading it only" if "read" not in self._off else "going on without it"
            first_of_kind = exc.kind not in self._told
            self._told.add(exc.kind)
        if new_incident:  # a warning once per kind of problem: a flapping disk or server is not news
            logger.log(logging.WARNING if first_of_kind else logging.INFO, "%s; %s", exc, doing)

    def _worked(self, operation: Operation) -> None:
        with self._lock:
            if operation not in self._off:
                return
            del self._off[operation]
            recovered = not self._off
        if recovered and self._store is not None:
            logger.info("the sentence cache at %s works again", self._store.location)


__all__ = [
    "MIGRATIONS",
    "CacheEntry",
    "CacheError",
    "CacheStats",
    "CacheStatus",
    "CacheStore",
    "SentenceCache",
    "cache_key",
    "open_store",
]
