"""The sentence cache: keys, storage, counters, migrations, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from tarjama.inference.cache import MIGRATIONS, CacheEntry, CacheError, SentenceCache, cache_key, open_store
from tarjama.inference.settings import cache_location

BASE = {"task": "translate", "model": "m", "revision": "r", "settings": {"beam_size": 4}, "text": "مرحبا"}


@pytest.mark.parametrize(
    "change",
    [
        {"task": "summarize"},
        {"model": "other"},
        {"revision": "r2"},
        {"settings": {"beam_size": 5}},
        {"settings": {"beam_size": 4, "no_repeat_ngram_size": 3}},
        {"text": "مرحبا!"},
        {"backend": "ctranslate2"},
    ],
)
def test_key_changes_with_every_field(change: dict) -> None:
    assert cache_key(**BASE) != cache_key(**{**BASE, **change})


def test_key_ignores_field_order() -> None:
    assert cache_key(**BASE) == cache_key(**dict(reversed(list(BASE.items()))))


def test_default_path_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "x.db"))
    assert cache_location() == str(tmp_path / "x.db")
    monkeypatch.setenv("TARJAMA_CACHE", "redis://127.0.0.1:6379/2")
    assert cache_location() == "redis://127.0.0.1:6379/2"
    monkeypatch.delenv("TARJAMA_CACHE")
    assert Path(cache_location()).name == "cache.sqlite3"


def test_put_get_stats_clear(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path / "c.db")
    cache.put_many([CacheEntry("k1", "one", "translate", "m"), CacheEntry("k2", "two", "translate", "m")])
    assert cache.get_many(["k1", "k2", "k3", "k1"]) == {"k1": "one", "k2": "two"}
    stats = cache.stats()
    assert (stats.entries, stats.hits, stats.misses) == (2, 2, 1)
    assert stats.size_bytes > 0
    assert cache.clear() == 2
    assert cache.get_many(["k1"]) == {}
    assert cache.stats().entries == 0


def test_wal_mode_and_migrations_recorded(tmp_path: Path) -> None:
    SentenceCache(tmp_path / "c.db")
    SentenceCache(tmp_path / "c.db")  # reopening applies nothing twice
    db = sqlite3.connect(tmp_path / "c.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == [name for name, _ in MIGRATIONS]


def test_unopenable_path_gives_cache_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot be reached or opened"):
        open_store(blocker / "sub" / "c.db")


def _writer(path: str, worker: int) -> None:
    cache = SentenceCache(path)
    for i in range(50):
        cache.put_many([CacheEntry(f"{worker}-{i}", f"out {worker} {i}", "translate", "m")])
        cache.get_many([f"{worker}-{i}"])


def test_safe_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
    SentenceCache(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    stats = SentenceCache(path).stats()
    assert stats.entries == 150
    assert stats.hits == 150


def test_safe_across_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cache = SentenceCache(tmp_path / "c.db")

    def work(worker: int) -> int:
        for i in range(30):
            cache.put_many([CacheEntry(f"{worker}-{i}", "x", "translate", "m")])
        return len(cache.get_many([f"{worker}-{i}" for i in range(30)]))

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(work, range(4))) == [30] * 4


def test_writers_of_one_process_never_wait_in_sqlites_busy_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of requests' writes queues on the store's lock, not in SQLite's busy handler (which sleeps
    milliseconds at a time): with no busy timeout at all, none of them is refused."""
    from tarjama.inference import cache_sqlite

    monkeypatch.setattr(cache_sqlite, "BUSY_SECONDS", 0)
    store = open_store(str(tmp_path / "c.sqlite3"))
    gate = threading.Barrier(8)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        gate.wait()
        try:
            for n in range(40):
                store.put_many([CacheEntry(f"{worker}-{n}", "out", "translate", "m")])
                store.count(1, 0)
        except CacheError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert store.stats().entries == 8 * 40
