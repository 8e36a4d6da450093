"""Rate limits shared by every server replica through one Redis (``--limits-storage redis://...``, after
LibreTranslate's ``--req-limit-storage``). No Gradio or FastAPI here.

Each bucket (a client address or an API key) is a sorted set of its requests' times within the window, updated
by one Lua script so that replicas never race, on the Redis server's clock so that the replicas' clocks do
not matter. Redis out of reach lets requests through (a limit store is not a reason to refuse every request),
logs a warning once per outage and shows in :attr:`RedisRateLimits.working`.
"""

from __future__ import annotations

import logging
import uuid

import redis

from tarjama.inference.cache_redis import redact
from tarjama.inference.settings import CACHE_CONNECT_SECONDS, CACHE_IO_SECONDS

logger = logging.getLogger(__name__)
PREFIX = "tarjama:limit:"

# KEYS[1] the bucket; ARGV: window (s), limit, a unique member. Returns seconds to wait, "0" when counted.
_HIT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - t)
end
redis.call('ZADD', KEYS[1], t, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
return '0'
"""


class RedisRateLimits:
    """At most ``limit`` requests per bucket in any ``window`` seconds, counted in the Redis at ``url``."""

    def __init__(self, url: str) -> None:
        self.location = redact(url)
        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=CACHE_CONNECT_SECONDS, socket_timeout=CACHE_IO_SECONDS
        )
        self._script = self._client.register_script(_HIT)
        self.working = True

    def hit(self, bucket: str, now: float, window: float, limit: int) -> float:
        """:class:`web.limits.RateStore`'s call; ``now`` is not used: the Redis server's clock counts, so that
        the replicas' clocks do not matter."""
        return self.count(bucket, limit, window)

    def count(self, bucket: str, limit: int, window: float) -> float:
        """0 and count the request when ``bucket`` is within ``limit``; else seconds until it would be.
        ``limit`` 0 means no limit; Redis out of reach lets the request through."""
        if limit <= 0:
            return 0.0
        try:
            wait = float(self._script(keys=[PREFIX + bucket], args=[window, limit, uuid.uuid4().hex]))
        except redis.RedisError as exc:
            if self.working:
                logger.warning(
                    "the rate-limit store at %s cannot be reached (%s); requests are not limited until it is",
                    self.location,
                    exc,
                )
            self.working = False
            return 0.0
        self.working = True
        return wait

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
