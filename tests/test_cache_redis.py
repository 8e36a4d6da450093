"""One cache interface, two stores: the same entries under the same keys in SQLite and in a real Redis,
shared by processes in different folders; Redis down or dying mid-run loses nothing."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tarjama import cli
from tarjama.inference.cache import CacheEntry, SentenceCache, open_store
from tarjama.inference.cache_redis import PREFIX, redact
from tarjama.inference.errors import InvalidInputError
from tarjama.translate import Translator
from tests.appserver import free_port
from tests.redisserver import running_redis

ROOT = Path(__file__).resolve().parents[1]
STORES = ["sqlite", "redis"]


@pytest.fixture
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh cache location of the store the test is parametrised with."""
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    return str(tmp_path / "cache.sqlite3")


def entries(count: int) -> list[CacheEntry]:
    return [CacheEntry(f"k{i:04d}", f"output {i} ترجمة", "translate", "m") for i in range(count)]


@pytest.mark.parametrize("location", STORES, indirect=True)
def test_both_stores_keep_and_count_the_same(location: str) -> None:
    cache = SentenceCache(location)
    cache.put_many(entries(1200))
    keys = [e.key for e in entries(1200)] + ["missing", "k0001"]
    found = cache.get_many(keys)
    assert found == {e.key: e.output for e in entries(1200)}
    stats = cache.stats()
    assert (stats.entries, stats.hits, stats.misses) == (1200, 1200, 1)
    assert stats.size_bytes > 0 and stats.store == cache.store_name
    assert cache.clear() == 1200
    assert cache.get_many(keys) == {} and cache.stats().entries == 0
    assert cache.status.state == "ok"


def test_lookups_are_batched(redis_url: str) -> None:
    cache = SentenceCache(redis_url)
    cache.put_many(entries(1200))
    server = redis.Redis.from_url(redis_url, decode_responses=True)
    server.config_resetstat()
    assert len(cache.get_many([e.key for e in entries(1200)])) == 1200
    assert server.info("commandstats")["cmdstat_mget"]["calls"] == 3  # 500 keys per MGET


def test_ttl(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", redis_url)
    monkeypatch.setenv("TARJAMA_CACHE_TTL", "120")
    SentenceCache.open_default().put_many(entries(1))
    assert 0 < redis.Redis.from_url(redis_url).ttl(PREFIX + "k0000") <= 120
    monkeypatch.setenv("TARJAMA_CACHE_TTL", "soon")
    with pytest.raises(InvalidInputError, match="TARJAMA_CACHE_TTL must be a whole number"):
        SentenceCache.open_default()


@pytest.mark.parametrize(("source", "target"), [("sqlite", "redis"), ("redis", "sqlite")])
def test_copy_between_stores(
    source: str, target: str, redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    places = {"sqlite": str(tmp_path / "laptop.sqlite3"), "redis": redis_url}
    SentenceCache(places[source]).put_many(entries(700))
    assert cli.main(["cache", "copy", places[source], places[target]]) == 0
    assert capsys.readouterr().out == "copied 700 entries\n"
    copied = SentenceCache(places[target])
    assert copied.get_many([e.key for e in entries(700)]) == {e.key: e.output for e in entries(700)}
    assert cli.main(["cache", "stats", "--json", "--cache", places[target]]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 700


@pytest.mark.parametrize(
    ("source", "destination", "message"),
    [
        ("missing.sqlite3", "copy.sqlite3", "there is no cache at"),
        ("same.sqlite3", "same.sqlite3", "the same cache"),
    ],
)
def test_copy_refuses(
    source: str, destination: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SentenceCache(tmp_path / "same.sqlite3").put_many(entries(1))
    assert cli.main(["cache", "copy", str(tmp_path / source), str(tmp_path / destination)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "missing.sqlite3").exists() and not (tmp_path / "copy.sqlite3").exists()


def test_a_seeded_cluster_hits_what_the_laptop_translated(
    memorised_ar_en: Path, memorised_pairs: list, redis_url: str, tmp_path: Path
) -> None:
    article = "\n".join(a for a, _ in memorised_pairs[:5])
    laptop = tmp_path / "laptop.sqlite3"
    first = Translator(str(memorised_ar_en), cache=SentenceCache(laptop)).translate(article, beam_size=1)
    assert cli.main(["cache", "copy", str(laptop), redis_url]) == 0
    cluster = Translator(str(memorised_ar_en), cache=SentenceCache(redis_url)).translate(article, beam_size=1)
    assert cluster.text == first.text
    assert all(s.cached for s in cluster.segments)  # the same keys in both stores


def machine(name: str, tmp_path: Path, cache: str) -> tuple[Path, dict[str, str]]:
    """A working folder and environment of its own, as on another machine sharing only the cache."""
    home = tmp_path / name
    home.mkdir()
    env = os.environ.copy()
    env.update(
        TARJAMA_CACHE=cache,
        TARJAMA_MODELS_DIR=str(home / "models"),
        HF_HOME=str(home / "hf"),
        HF_HUB_CACHE=str(home / "hf" / "hub"),
        PYTHONPATH=str(ROOT),
    )
    return home, env


def test_two_machines_share_hits(
    memorised_ar_en: Path, memorised_pairs: list, redis_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("\n".join(a for a, _ in memorised_pairs[:6]), encoding="utf-8")
    runs = []
    for name in ("machine-a", "machine-b"):
        home, env = machine(name, tmp_path, redis_url)
        command = [
            sys.executable,
            "-m",
            "tarjama",
            "translate",
            str(article),
            "--model",
            str(memorised_ar_en),
        ]
        command += ["--beam", "1", "--json"]
        done = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and "tarjama: warning" not in done.stderr, done.stderr
        runs.append(json.loads(done.stdout))
    assert runs[0]["text"] == runs[1]["text"] == "\n".join(e for _, e in memorised_pairs[:6])
    assert (runs[0]["stats"]["cached"], runs[1]["stats"]["cached"]) == (0, 6)


def cache_warnings(records: list[logging.LogRecord]) -> list[str]:
    return [
        r.getMessage()
        for r in records
        if r.name == "tarjama.inference.cache" and r.levelno >= logging.WARNING
    ]


def test_redis_down_at_start(
    memorised_ar_en: Path,
    memorised_pairs: list,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"  # nobody listens there
    cache = SentenceCache(url, retry_seconds=0)
    translator = Translator(str(memorised_ar_en), cache=cache)
    for _ in range(2):
        result = translator.translate("\n".join(a for a, _ in memorised_pairs[:3]), beam_size=1)
        assert result.text == "\n".join(e for _, e in memorised_pairs[:3])
    told = cache_warnings(caplog.records)
    assert len(told) == 1 and "cannot be reached" in told[0] and "secret" not in told[0], told
    assert (cache.status.state, cache.status.store, cache.status.reads) == ("degraded", "redis", False)
    assert cli.main(["cache", "check", "--cache", url]) == 1
    out = capsys.readouterr().out
    assert out.startswith("unavailable: the sentence cache at redis://:***@127.0.0.1:")
    assert "secret" not in out


def test_redis_dies_mid_run(
    memorised_ar_en: Path, memorised_pairs: list, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    article = "\n".join(a for a, _ in memorised_pairs[:6])
    with running_redis(tmp_path / "redis") as server:
        cache = SentenceCache(server.url, retry_seconds=0)
        translator = Translator(str(memorised_ar_en), cache=cache, max_batch_tokens=1)  # a batch a sentence
        batches: list[int] = []

        def progress(done: int, total: int) -> None:
            if not batches:
                server.kill()  # after the first batch was stored
            batches.append(done)

        result = translator.translate(article, beam_size=1, progress=progress)
    assert result.text == "\n".join(e for _, e in memorised_pairs[:6])
    assert batches == [1, 2, 3, 4, 5, 6]
    told = cache_warnings(caplog.records)
    assert len(told) == 1 and "cannot be reached" in told[0], told
    assert cache.status.degraded


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


RETRY = 30.0  # the retry period the README promises


@pytest.mark.parametrize("who_notices", ["a translation", "/health"])
def test_redis_that_comes_back_is_used_again_one_retry_period_later(
    memorised_ar_en: Path, memorised_pairs: list, tmp_path: Path, who_notices: str
) -> None:
    from tarjama.web.health import health
    from tarjama.web.service import TarjamaService

    clock, port = Clock(), free_port()
    (first, _), (second, _), (third, english) = memorised_pairs[:3]
    with running_redis(tmp_path / "before", port) as server:
        cache = SentenceCache(server.url, retry_seconds=RETRY, clock=clock)
        service = TarjamaService(mt_model=[str(memorised_ar_en)], cache=cache)
        service.translate(first, source="ar", target="en")
        server.kill()
        clock.now = 1.0
        service.translate(second, source="ar", target="en")  # reads and writes fail: both off
        assert health(service)[0] == 503
    with running_redis(tmp_path / "after", port):
        clock.now = RETRY - 1  # not yet due: the cache is left alone
        assert service.translate(third, source="ar", target="en").text == english
        assert health(service)[0] == 503
        clock.now = RETRY + 1.5  # one retry period after the failure, whatever was tried meanwhile
        if who_notices == "a translation":
            assert service.translate(third, source="ar", target="en").text == english
            assert (cache.status.reads, cache.status.writes, cache.status.reason) == (True, True, None)
        status, body = health(service)
        assert status == 200 and body["cache"] == {
            "state": "ok", "store": "redis", "reads": True, "writes": True, "reason": None
        }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://user:pw@host:6379/1", "redis://user:***@host:6379/1"),
        ("redis://:pw@host:6379/1", "redis://:***@host:6379/1"),
        ("redis://host:6379/1", "redis://host:6379/1"),
    ],
)
def test_passwords_are_never_shown(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_store_is_chosen_by_location(redis_url: str, tmp_path: Path) -> None:
    assert open_store(redis_url).name == "redis"
    assert open_store(tmp_path / "c.sqlite3").name == "sqlite"
