"""The SQLite store: one file in WAL mode, safe across threads and processes; the default cache."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tarjama.inference.cache_store import CacheEntry, CacheError, CacheStats

BUSY_SECONDS = 60  # how long a write waits for another process's write before the cache counts as busy
FULL_BELOW_BYTES = 1 << 20  # an I/O error with less free space than this is a full disk
SIDE_FILES = ("-wal", "-shm")  # SQLite's files next to the database in WAL mode


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


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error: one writer at a time across processes."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def problem(exc: BaseException, path: Path) -> CacheError:
    """``exc`` (from SQLite or the file system) as a :class:`CacheError` of the right kind."""
    detail = str(exc) if isinstance(exc, sqlite3.Error) else (getattr(exc, "strerror", None) or str(exc))
    text = detail.lower()
    os_code = exc.errno if isinstance(exc, OSError) else None
    location = str(path)
    if "not a database" in text or "malformed" in text:
        return CacheError("corrupt", detail, location)
    if path.is_dir():
        return CacheError("corrupt", "a folder is in the cache file's place", location)
    if "readonly" in text or os_code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CacheError("read-only", detail, location)
    if "locked" in text or "busy" in text:
        return CacheError("busy", detail, location)
    if "full" in text or os_code == errno.ENOSPC or _disk_full(path):
        return CacheError("full", detail, location)
    if path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        return CacheError("read-only", f"{detail}: its folder cannot be written", location)
    return CacheError("unavailable", detail, location)


def _disk_full(path: Path) -> bool:
    folder = next((p for p in (path.resolve().parent, *path.resolve().parents) if p.is_dir()), None)
    return folder is not None and shutil.disk_usage(folder).free < FULL_BELOW_BYTES


class SqliteStore:
    """Key → output in one SQLite file. One connection per thread; a lock serialises this process's writers,
    SQLite's locking serialises processes (its busy handler sleeps milliseconds at a time: a burst of
    concurrent requests' writes would queue there).

    Open it with :meth:`open`: a file that can be read but not written (a read-only file or folder, a full
    disk) opens for reading only, with :attr:`read_only` saying why.
    """

    name = "sqlite"

    def __init__(self, path: Path, *, read_only: CacheError | None = None, immutable: bool = False) -> None:
        self.path = path
        self.location = str(path)
        self.read_only = read_only
        if read_only is None:
            self._target, self._uri = str(path), False
        else:
            self._target = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
            self._uri = True
        self._local = threading.local()
        self._writer = threading.Lock()

    @contextmanager
    def _writing(self, db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """A write transaction, one thread of this process at a time, errors as :class:`CacheError`."""
        with self._writer, self._guard(), _transaction(db):
            yield db

    @classmethod
    def open(cls, path: Path) -> SqliteStore:
        """The store at ``path``, created and migrated if need be; read-only when it cannot be written."""
        store = cls(path)
        try:
            store._migrate()
            store.count(0, 0)  # a write: a read-only file or a full disk shows here, not at the first lookup
        except CacheError as exc:
            if exc.kind not in ("read-only", "full", "unavailable") or not path.is_file():
                raise
            store.close()
            return cls._reader(path, exc)
        return store

    @classmethod
    def _reader(cls, path: Path, why: CacheError) -> SqliteStore:
        # mode=ro needs to create the WAL index next to the file; immutable=1 reads a file in a folder
        # that cannot be written, and is safe there because nobody can write to it either.
        for immutable in (False, True):
            reader = cls(path, read_only=why, immutable=immutable)
            try:
                reader.get_many(["-"])
            except CacheError as exc:
                reader.close()
                if exc.kind == "corrupt":
                    raise
                continue
            return reader
        raise why

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            self.close()  # the next call starts on a fresh connection
            raise problem(exc, self.path) from exc

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            with self._guard():
                if self.read_only is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self._target, timeout=BUSY_SECONDS, isolation_level=None, uri=self._uri)
                try:
                    if self.read_only is None:
                        db.execute("PRAGMA journal_mode=WAL")
                        db.execute("PRAGMA synchronous=NORMAL")
                except sqlite3.Error:
                    db.close()
                    raise
            self._local.db = db
        return db

    def _migrate(self) -> None:
        db = self._connect()
        with self._writing(db):
            db.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL NOT NULL)"
            )
            done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
            for name, apply in MIGRATIONS:
                if name not in done:
                    apply(db)
                    db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """Outputs for the keys that are present."""
        unique = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        db = self._connect()
        with self._guard():
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(db.execute(f"SELECT key, output FROM entries WHERE key IN ({marks})", chunk))
        return found

    def put_many(self, entries: Sequence[CacheEntry]) -> None:
        """Store outputs (an existing key is overwritten)."""
        now = time.time()
        rows = [(e.key, e.output, e.task, e.model, now) for e in entries]
        if not rows:
            return
        db = self._connect()
        with self._writing(db):
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)

    def count(self, hits: int, misses: int) -> None:
        """Add to the hit and miss counters."""
        db = self._connect()
        with self._writing(db):
            db.execute("UPDATE counters SET value = value + ? WHERE name = 'hits'", (hits,))
            db.execute("UPDATE counters SET value = value + ? WHERE name = 'misses'", (misses,))

    def stats(self) -> CacheStats:
        """Entries, size on disk, and hits/misses since the cache was created or cleared."""
        db = self._connect()
        with self._guard():
            entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            counters: Mapping[str, int] = dict(db.execute("SELECT name, value FROM counters"))
            files = [self.path, *(self.path.with_name(self.path.name + s) for s in SIDE_FILES)]
            size = sum(p.stat().st_size for p in files if p.is_file())
        return CacheStats(
            self.location, self.name, entries, size, counters.get("hits", 0), counters.get("misses", 0)
        )

    def clear(self) -> int:
        """Delete every entry and reset the counters; returns how many entries were removed."""
        db = self._connect()
        with self._writing(db):
            removed = db.execute("DELETE FROM entries").rowcount
            db.execute("UPDATE counters SET value = 0")
        with self._writer, self._guard():
            db.execute("VACUUM")
        return removed

    def scan(self, batch: int) -> Iterator[list[CacheEntry]]:
        """Every entry, in the order stored, ``batch`` at a time; in a damaged file, the entries before
        the damage, then :class:`CacheError`."""
        db = self._connect()
        chunk: list[CacheEntry] = []
        try:
            for row in db.execute("SELECT key, output, task, model FROM entries ORDER BY rowid"):
                chunk.append(CacheEntry(*row))
                if len(chunk) == batch:
                    yield chunk
                    chunk = []
        except (OSError, sqlite3.Error) as exc:
            if chunk:
                yield chunk
            self.close()
            raise problem(exc, self.path) from exc
        if chunk:
            yield chunk

    def check(self) -> int:
        """SQLite's own integrity check of every page; the number of entries."""
        db = self._connect()
        with self._guard():
            found = [row[0] for row in db.execute("PRAGMA quick_check")]
            if found != ["ok"]:
                raise CacheError("corrupt", "; ".join(found[:3]), self.location)
            return int(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            self._local.db = None
            db.close()
