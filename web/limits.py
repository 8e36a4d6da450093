"""API keys and rate limits, shared by every way into the server: the LibreTranslate routes, Gradio's API
and the page's own events. No Gradio or FastAPI here.

A :class:`RateLimiter` keeps its sliding windows in a :class:`RateStore`; the in-memory store serves one
process, and a store shared by several processes (e.g. Redis) only has to implement :meth:`RateStore.hit`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tarjama.inference.errors import InvalidInputError
from tarjama.inference.settings import DEFAULT_REQ_LIMIT, MEMORY_STORAGE

Clock = Callable[[], float]


class ApiError(Exception):
    """An HTTP error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class RateStore(Protocol):
    """Where the request times of each bucket are kept."""

    def hit(self, bucket: str, now: float, window: float, limit: int) -> float:
        """Forget ``bucket``'s requests at or before ``now - window``; then, when fewer than ``limit``
        remain, record one at ``now`` and return 0, else return the seconds until the oldest one leaves."""
        ...


class MemoryRateStore:
    """A :class:`RateStore` in this process's memory (a sliding log per bucket; thread-safe)."""

    def __init__(self) -> None:
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, bucket: str, now: float, window: float, limit: int) -> float:
        """See :meth:`RateStore.hit`."""
        with self._lock:
            seen = self._seen[bucket]
            while seen and seen[0] <= now - window:
                seen.popleft()
            if len(seen) >= limit:
                return max(0.0, seen[0] + window - now)
            seen.append(now)
            return 0.0


def open_rate_store(url: str) -> RateStore:
    """The store named by ``--limits-storage``: ``memory://`` (this process) or ``redis://...`` (shared by
    every replica that names the same Redis)."""
    if url == MEMORY_STORAGE:
        return MemoryRateStore()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from tarjama.web.limits_redis import RedisRateLimits  # redis-py only where it is asked for

        return RedisRateLimits(url)
    raise InvalidInputError(f"unknown limits storage {url!r}; use {MEMORY_STORAGE} or redis://HOST:PORT/DB")


class RateLimiter:
    """At most ``limit`` requests per bucket in any ``window`` seconds (a sliding window)."""

    def __init__(
        self, store: RateStore | None = None, *, window: float = 60.0, clock: Clock = time.monotonic
    ) -> None:
        self.store = store or MemoryRateStore()
        self.window = window
        self.clock = clock

    def retry_after(self, client: str, limit: int) -> float:
        """0 and count the request when ``client`` is within ``limit``; else seconds until it would be."""
        if limit <= 0:
            return 0.0
        return self.store.hit(client, self.clock(), self.window, limit)


@dataclass(frozen=True)
class ApiAccess:
    """Who may call the API and how often; the default lets everyone in without a limit.

    ``req_limit`` is requests per minute per client address (0 = no limit). ``keys`` maps API keys to
    their own per-minute limit (0 = none); an unknown key is refused, and with ``require_key`` so is a
    request without one.
    """

    req_limit: int = DEFAULT_REQ_LIMIT
    keys: Mapping[str, int] = field(default_factory=dict)
    require_key: bool = False

    def limit_for(self, api_key: str | None, client: str) -> tuple[str, int]:
        """``(bucket, per-minute limit)`` for a request; raises ``ApiError`` 403/400 for key problems."""
        if api_key:
            if api_key not in self.keys:
                raise ApiError(403, "Invalid API key")
            return f"key:{api_key}", self.keys[api_key]
        if self.require_key:
            raise ApiError(400, "Please contact the server operator to get an API key")
        return f"ip:{client}", self.req_limit


class Gate:
    """One :class:`ApiAccess` and one :class:`RateLimiter` for every way in."""

    def __init__(self, access: ApiAccess | None = None, limiter: RateLimiter | None = None) -> None:
        self.access = access or ApiAccess()
        self.limiter = limiter or RateLimiter()

    def check_key(self, api_key: str | None, client: str) -> tuple[str, int]:
        """The request's bucket and limit; raises :class:`ApiError` for a bad or missing key."""
        return self.access.limit_for(api_key, client)

    def admit(self, api_key: str | None, client: str) -> None:
        """Count one request; raises :class:`ApiError` 403/400 for key problems and 429 over the limit."""
        bucket, limit = self.check_key(api_key, client)
        wait = self.limiter.retry_after(bucket, limit)
        if wait > 0:
            raise ApiError(
                429,
                f"Slowdown: too many requests; the limit is {limit} per minute",
                headers={"Retry-After": str(int(wait) + 1)},
            )


def load_api_keys(path: str | Path, default_limit: int = DEFAULT_REQ_LIMIT) -> dict[str, int]:
    """API keys from a text file: one ``KEY [REQUESTS_PER_MINUTE]`` a line; ``#`` starts a comment."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read the API keys file {file}: {exc}") from None
    keys: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) > 2 or (len(fields) == 2 and not fields[1].isdigit()):
            raise InvalidInputError(f"{file} line {number}: expected 'KEY [REQUESTS_PER_MINUTE]'")
        keys[fields[0]] = int(fields[1]) if len(fields) == 2 else default_limit
    if not keys:
        raise InvalidInputError(f"the API keys file {file} holds no key")
    return keys


__all__ = [
    "MEMORY_STORAGE",
    "ApiAccess",
    "ApiError",
    "Gate",
    "MemoryRateStore",
    "RateLimiter",
    "RateStore",
    "load_api_keys",
    "open_rate_store",
]
