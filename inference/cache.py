"""The persistent sentence cache: SQLite in WAL mode, safe across threads and processes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inference.errors import TarjamaError
from inference.settings import cache_path

# The key is sha256 of canonical JSON: sorted keys, no spaces, ensure_ascii=False.
# Changing this form (or the fields callers pass) changes every key: old entries are then never hit.
KEY_VERSION = 1


def cache_key(**fields: Any) -> str:
    """Hash of the canonical JSON of ``fields`` (task, model, revision, settings, source text ...)."""
    payload = json.dumps(
        {"v": KEY_VERSION, **fields}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _create_entries(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE entries (key TEXT PRIMARY KEY, output TEXT NOT NULL, task TEXT NOT NULL,"
        " model TEXT NOT NULL, created REAL NOT NULL)"
    )


def _create_counters(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.executemany("INSERT INTO counters VALUES (?, 0)", [("hits",), ("misses",)])


# Named migrations, applied once each, in order (never edit one that has shipped: add another).
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("m001_entries", _create_entries),
    ("m002_counters", _create_counters),
)


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

    path: str
    entries: int
    size_bytes: int
    hits: int
    misses: int


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error: one writer at a time across processes."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class CacheError(TarjamaError):
    """The cache file cannot be opened or written."""


class SentenceCache:
    """Key → output store. One connection per thread; SQLite's locking serialises processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._migrate()

    @classmethod
    def open_default(cls) -> SentenceCache:
        """The cache at :func:`inference.settings.cache_path` (``$TARJAMA_CACHE``)."""
        return cls(cache_path())

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            except (OSError, sqlite3.Error) as exc:
                raise CacheError(f"cannot open the cache at {self.path}: {exc}") from exc
            self._local.db = db
        return db

    def _migrate(self) -> None:
        db = self._connect()
        with _transaction(db):
            db.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL NOT NULL)"
            )
            done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
            for name, apply in MIGRATIONS:
                if name not in done:
                    apply(db)
                    db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Outputs for the keys that are present; counts hits and misses."""
        unique = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        db = self._connect()
        try:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(db.execute(f"SELECT key, output FROM entries WHERE key IN ({marks})", chunk))
            with _transaction(db):
                db.execute("UPDATE counters SET value = value + ? WHERE name = 'hits'", (len(found),))
                db.execute(
                    "UPDATE counters SET value = value + ? WHERE name = 'misses'", (len(unique) - len(found),)
                )
        except sqlite3.Error as exc:
            raise CacheError(f"cannot read the cache at {self.path}: {exc}") from exc
        return found

    def put_many(self, entries: Iterable[CacheEntry]) -> None:
        """Store outputs (an existing key is overwritten)."""
        now = time.time()
        rows = [(e.key, e.output, e.task, e.model, now) for e in entries]
        if not rows:
            return
        try:
            with _transaction(self._connect()) as db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise CacheError(f"cannot write the cache at {self.path}: {exc}") from exc

    def stats(self) -> CacheStats:
        """Entries, size on disk, and hits/misses since the cache was created or cleared."""
        db = self._connect()
        entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        counters: Mapping[str, int] = dict(db.execute("SELECT name, value FROM counters"))
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return CacheStats(str(self.path), entries, size, counters.get("hits", 0), counters.get("misses", 0))

    def clear(self) -> int:
        """Delete every entry and reset the counters; returns how many entries were removed."""
        db = self._connect()
        with _transaction(db):
            removed = db.execute("DELETE FROM entries").rowcount
            db.execute("UPDATE counters SET value = 0")
        db.execute("VACUUM")
        return removed

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
