"""What ``tarjama cache check | repair | clear | copy`` do, on either store."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tarjama.inference.cache import open_store
from tarjama.inference.cache_sqlite import SIDE_FILES, SqliteStore, problem
from tarjama.inference.cache_store import CacheError, CacheStore
from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import is_redis_url

COPY_BATCH = 500


@dataclass(frozen=True)
class CacheCheck:
    """The state of a cache: ``ok`` or the kind of problem, with the message that says what to do."""

    location: str
    store: str
    state: str  # ok | corrupt | read-only | full | unavailable | busy
    entries: int | None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True when the cache can be read and written."""
        return self.state == "ok"


@dataclass(frozen=True)
class Renewal:
    """A damaged SQLite cache moved aside (to ``moved_to``) and a new one started, holding ``kept``
    entries read back from the old one; ``unreadable`` says where reading the old one stopped."""

    location: str
    moved_to: str
    kept: int
    unreadable: str | None = None


def _name(location: str) -> str:
    return "redis" if is_redis_url(location) else "sqlite"


def check_cache(location: str) -> CacheCheck:
    """Open the cache, read all of it and write to it; what went wrong, if anything."""
    try:
        return _probe(location)
    except CacheError as exc:
        return CacheCheck(exc.location, _name(location), exc.kind, None, str(exc))


def _probe(location: str) -> CacheCheck:
    store = open_store(location)
    try:
        entries = store.check()
        if store.read_only is not None:
            raise store.read_only
        store.count(0, 0)  # a write, as every lookup makes one
    finally:
        store.close()
    return CacheCheck(store.location, store.name, "ok", entries)


def repair_cache(location: str) -> CacheCheck | Renewal:
    """A healthy cache's :class:`CacheCheck`; a damaged SQLite file moved aside and replaced by a new one
    holding what could still be read (:class:`Renewal`). A problem that moving the file cannot fix (a
    read-only or full disk, Redis out of reach) is raised as :class:`CacheError`, whose message says what
    to do."""
    try:
        return _probe(location)
    except CacheError as exc:
        if exc.kind != "corrupt" or is_redis_url(location):
            raise
    return _renew(Path(location), salvage=True)


def clear_cache(location: str) -> int | Renewal:
    """Delete every entry: the number removed, or, for an SQLite file too damaged to clear, the file moved
    aside and a new one started (:class:`Renewal`)."""
    store: CacheStore | None = None
    try:
        store = open_store(location)
        if store.read_only is not None:
            raise store.read_only
        return store.clear()
    except CacheError as exc:
        if exc.kind != "corrupt" or is_redis_url(location):
            raise
        return _renew(Path(location), salvage=False)
    finally:
        if store is not None:
            store.close()


def copy_cache(source: str, destination: str) -> int:
    """Copy every entry of the cache at ``source`` into the one at ``destination`` (either an SQLite path
    or a Redis URL); entries already there are overwritten. Returns how many were copied."""
    if source == destination:
        raise InvalidInputError("the source and the destination are the same cache")
    if not is_redis_url(source) and not Path(source).exists():
        raise InvalidInputError(f"there is no cache at {source}")
    reader = open_store(source)
    try:
        writer = open_store(destination)
        try:
            if writer.read_only is not None:
                raise writer.read_only
            copied = 0
            for entries in reader.scan(COPY_BATCH):
                writer.put_many(entries)
                copied += len(entries)
            return copied
        finally:
            writer.close()
    finally:
        reader.close()


def _renew(path: Path, *, salvage: bool) -> Renewal:
    aside = _move_aside(path)
    fresh = SqliteStore.open(path)
    kept, unreadable = 0, None
    try:
        if salvage and aside.is_file():
            old = SqliteStore(aside, read_only=CacheError("corrupt", "moved aside", str(aside)))
            try:
                for entries in old.scan(COPY_BATCH):
                    fresh.put_many(entries)
                    kept += len(entries)
            except CacheError as exc:
                if exc.location != old.location:
                    raise
                unreadable = exc.detail
            finally:
                old.close()
    finally:
        fresh.close()
    return Renewal(str(path), str(aside), kept, unreadable)


def _move_aside(path: Path) -> Path:
    """Rename the damaged file (or folder) and SQLite's side files to ``NAME.broken-TIME``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.broken-{stamp}-{number}")
    try:
        path.rename(aside)
        for suffix in SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise problem(exc, path) from exc
    return aside
