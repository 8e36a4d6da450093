"""The rate limiter over its stores: a sliding window per bucket, shared by every way into the server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.web.limits import (
    MEMORY_STORAGE,
    ApiAccess,
    ApiError,
    Gate,
    RateLimiter,
    RateStore,
    open_rate_store,
)

STORES: list[Callable[[], RateStore]] = [lambda: open_rate_store(MEMORY_STORAGE)]


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("store", STORES)
def test_the_window_slides_and_limits_again(store: Callable[[], RateStore]) -> None:
    clock = Clock()
    limiter = RateLimiter(store(), window=60, clock=clock)
    for _ in range(3):  # each window allows exactly the limit: a window that never slides fails here
        assert [limiter.retry_after("a", 2) for _ in range(3)] == [0.0, 0.0, pytest.approx(60.0)]
        clock.now += 60.001


@pytest.mark.parametrize("store", STORES)
def test_requests_leave_the_window_one_by_one(store: Callable[[], RateStore]) -> None:
    clock = Clock()
    limiter = RateLimiter(store(), window=60, clock=clock)
    assert limiter.retry_after("a", 2) == 0.0
    clock.now += 20
    assert limiter.retry_after("a", 2) == 0.0
    clock.now += 40.5  # the first request has left, the second has not
    assert [limiter.retry_after("a", 2) for _ in range(2)] == [0.0, pytest.approx(19.5)]


@pytest.mark.parametrize("store", STORES)
def test_a_request_leaves_the_window_exactly_one_window_later(store: Callable[[], RateStore]) -> None:
    clock = Clock()
    limiter = RateLimiter(store(), window=60, clock=clock)
    start = clock.now
    assert limiter.retry_after("a", 1) == 0.0
    clock.now = start + 59.999
    assert limiter.retry_after("a", 1) == pytest.approx(0.001)
    clock.now = start + 60  # "at or before now - window" is forgotten, and this request counts
    assert [limiter.retry_after("a", 1) for _ in range(2)] == [0.0, pytest.approx(60.0)]


def test_one_gate_counts_every_way_in() -> None:
    gate = Gate(ApiAccess(req_limit=2, keys={"k": 1}), RateLimiter(open_rate_store(MEMORY_STORAGE)))
    gate.admit(None, "1.2.3.4")  # e.g. /translate
    gate.admit(None, "1.2.3.4")  # e.g. a page event
    with pytest.raises(ApiError) as refused:
        gate.admit(None, "1.2.3.4")
    assert refused.value.status == 429 and int(refused.value.headers["Retry-After"]) > 0
    gate.admit("k", "1.2.3.4")  # a key has its own bucket
    with pytest.raises(ApiError):
        gate.admit("k", "5.6.7.8")


def test_unknown_limits_storage_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="memory://"):
        open_rate_store("memcached://localhost:11211")


@pytest.mark.parametrize(
    ("refused_at", "announced"),
    [
        (59.6, {"1"}),  # a wait of 0.4 s is announced as one second, never as 0
        (40.5, {"20"}),  # 19.5 s rounded up: a client that waits 19 s would be refused again
        (0.001, {"60"}),  # 59.999 s
        (30.0, {"30", "31"}),  # a whole number of seconds: that many, or one more
    ],
)
def test_retry_after_is_the_wait_rounded_up(refused_at: float, announced: set[str]) -> None:
    clock = Clock()
    start = clock.now
    gate = Gate(ApiAccess(req_limit=1), RateLimiter(open_rate_store(MEMORY_STORAGE), window=60, clock=clock))
    gate.admit(None, "1.2.3.4")
    clock.now = start + refused_at
    with pytest.raises(ApiError) as refused:
        gate.admit(None, "1.2.3.4")
    header = refused.value.headers["Retry-After"]
    assert header in announced
    clock.now += int(header)  # a client that waits as told is let in
    gate.admit(None, "1.2.3.4")
