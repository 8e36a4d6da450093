"""Rate limits shared through a real Redis: replicas and processes count into the same buckets."""

from __future__ import annotations

import logging
import multiprocessing
import time
from pathlib import Path

import httpx
import pytest

from tarjama.web.limits_redis import RedisRateLimits
from tests.appserver import free_port, running_app


def test_replicas_share_a_bucket(redis_url: str) -> None:
    replicas = [RedisRateLimits(redis_url), RedisRateLimits(redis_url)]
    waits = [replicas[i % 2].count("ip:10.0.0.1", 3, 60) for i in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0 < waits[3] <= 60
    assert replicas[1].count("ip:10.0.0.2", 3, 60) == 0.0  # another client, its own bucket


@pytest.mark.parametrize(("limit", "allowed"), [(0, 5), (1, 1), (4, 4), (9, 5)])
def test_limits(redis_url: str, limit: int, allowed: int) -> None:
    limits = RedisRateLimits(redis_url)
    assert sum(limits.count("key:k", limit, 60) == 0 for _ in range(5)) == allowed


def test_the_window_slides(redis_url: str) -> None:
    limits = RedisRateLimits(redis_url)
    assert limits.count("key:s", 2, 2.0) == 0.0  # A
    time.sleep(1.0)
    assert limits.count("key:s", 2, 2.0) == 0.0  # B, a second after A
    wait = limits.count("key:s", 2, 2.0)
    assert 0 < wait <= 1.0  # until A leaves the window
    time.sleep(wait + 0.05)
    assert limits.count("key:s", 2, 2.0) == 0.0  # A's place
    assert limits.count("key:s", 2, 2.0) > 0  # B is still in the window


def _hits(url: str, count: int, allowed: multiprocessing.Queue) -> None:
    limits = RedisRateLimits(url)
    allowed.put(sum(limits.count("ip:shared", 6, 60) == 0 for _ in range(count)))


def test_two_processes_hold_one_limit(redis_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    allowed: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_hits, args=(redis_url, 5, allowed)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert allowed.get(timeout=5) + allowed.get(timeout=5) == 6


def test_redis_down_lets_requests_through_and_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    limits = RedisRateLimits(f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    assert [limits.count("ip:x", 1, 60) for _ in range(3)] == [0.0, 0.0, 0.0]
    told = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(told) == 1 and "cannot be reached" in told[0] and "hunter2" not in told[0]
    assert limits.working is False


def _detect_statuses(bases: list[str], rounds: int) -> list[int]:
    return [
        httpx.post(f"{base}/detect", json={"q": "hello there"}, timeout=30).status_code
        for _ in range(rounds)
        for base in bases
    ]


@pytest.mark.parametrize(
    ("shared", "expected"),
    [
        (True, [200, 200, 200, 429, 429, 429]),  # one count for both replicas: the 4th request is over
        (False, [200] * 6),  # each replica counts alone: 3 each, all within the limit
    ],
    ids=["redis", "memory"],
)
def test_two_servers_hold_one_limit(
    redis_url: str, tmp_path: Path, shared: bool, expected: list[int]
) -> None:
    storage = redis_url if shared else "memory://"
    args = ["--req-limit", "3", "--limits-storage", storage]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with running_app(args, tmp_path / "a") as first, running_app(args, tmp_path / "b") as second:
        assert _detect_statuses([first, second], 3) == expected
