"""The two cache stores side by side: how fast articles' sentences are looked up and stored.

    .venv/bin/python -m bench.cache_stores [--sentences 20000] [--article 20] [--batch 64]

Starts its own ``redis-server`` on a loopback port (no persistence) and uses a fresh SQLite file, both through
:class:`inference.cache.SentenceCache`, as the translator does: outputs stored ``--batch`` at a time (one
model batch), then looked up ``--article`` sentences at a time (one article), every lookup a hit. Prints
sentences per second for each; best of 3 rounds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tarjama.inference.cache import CacheEntry, SentenceCache, cache_key
from tests.redisserver import running_redis


def best_of(rounds: int, work: Callable[[], None]) -> float:
    """The shortest of ``rounds`` runs of ``work``, in seconds."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def measure(cache: SentenceCache, entries: list[CacheEntry], article: int, batch: int) -> tuple[float, float]:
    """(stored sentences/s, looked-up sentences/s)."""
    keys = [e.key for e in entries]

    def store() -> None:
        for start in range(0, len(entries), batch):
            cache.put_many(entries[start : start + batch])

    def look_up() -> None:
        for start in range(0, len(keys), article):
            assert len(cache.get_many(keys[start : start + article])) == len(keys[start : start + article])

    stored = best_of(3, store)
    found = best_of(3, look_up)
    assert cache.status.state == "ok"
    return len(entries) / stored, len(keys) / found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--article", type=int, default=20, help="sentences per lookup")
    parser.add_argument("--batch", type=int, default=64, help="sentences per write")
    args = parser.parse_args()
    entries = [
        CacheEntry(cache_key(task="translate", text=f"جملة رقم {i}"), f"Sentence {i}. " * 3, "translate", "m")
        for i in range(args.sentences)
    ]
    with tempfile.TemporaryDirectory() as tmp, running_redis(Path(tmp) / "redis") as server:
        for name, location in (("sqlite", str(Path(tmp) / "cache.sqlite3")), ("redis", server.url)):
            stored, found = measure(SentenceCache(location), entries, args.article, args.batch)
            print(f"{name:<7} store {stored:>10,.0f} sentences/s   look up {found:>10,.0f} sentences/s")


if __name__ == "__main__":
    main()
