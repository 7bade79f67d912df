"""RedisRateLimiter: one rate budget (and one 429 pause, and one adapted rate) shared by every
process that uses the same Redis key. Needs the ``redis`` extra (redis-py's asyncio client).

The GCRA state lives in one Redis hash and is only ever changed by two Lua scripts, each run
atomically by the server and each reading the server's clock (``TIME``), so neither the
clocks of the client machines nor the order in which processes reach Redis can break the
budget. Times are kept as integer microseconds (exact in Lua's doubles).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import RateLimiterUnavailableError
from ._adaptive import (
    DECREASE,
    MIN_RATE,
    QUICK_DECREASE,
    QUICK_RECOVERY_TIME,
    QUICK_WINDOW,
    RECOVERY_TIME,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisRateLimiter", "default_key"]

KEY_PREFIX = "pandapon:ratelimit:"
# The state expires after an hour without use: long enough to outlive any pause and the
# adaptive recovery, short enough not to leave litter behind.
STATE_TTL_MS = 3_600_000

# Shared by both scripts: the adapted rate now, from the stored decrease (rate_at at `since`,
# growing by `slope` per second), capped by the configured rate.
_CURRENT_RATE = """
local function current_rate(v, ceiling, now)
  if not v[3] then return ceiling end
  local since = tonumber(v[4])
  if now <= since then return tonumber(v[3]) end
  return math.min(ceiling, tonumber(v[3]) + tonumber(v[5]) * (now - since) / 1e6)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ceiling = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
"""

# ARGV: ceiling (req/s), burst, late allowance (us). Returns {granted, wait_us, rate}.
ACQUIRE_SCRIPT = _CURRENT_RATE + """
local v = redis.call('HMGET', KEYS[1], 'tat', 'paused', 'rate_at', 'since', 'slope')
local rate = current_rate(v, ceiling, now)
local interval = 1e6 / rate
local tat = tonumber(v[1]) or 0
local ready = math.max(tonumber(v[2]) or 0, tat - (burst - 1) * interval)
if ready > now then
  return {0, string.format('%.0f', ready - now), tostring(rate)}
end
-- A caller that arrives a little after its slot (a late wake-up, the round trip) keeps the
-- schedule, so lateness does not add up into a lower rate; an idle budget starts afresh.
local base = now
if tat >= now - tonumber(ARGV[3]) then base = tat end
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', base + interval))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, '0', tostring(rate)}
"""

# ARGV: ceiling, burst, (unused), ttl ms, pause (us), adaptive (0/1), decrease, quick
# decrease, quick window (us), recovery time (s), minimum rate, quick recovery time (s).
# Returns {cut, rate}.
PAUSE_SCRIPT = _CURRENT_RATE + """
local v = redis.call('HMGET', KEYS[1], 'tat', 'paused', 'rate_at', 'since', 'slope', 'quiet',
                     'quick')
local paused = math.max(tonumber(v[2]) or 0, now + tonumber(ARGV[5]))
local rate = current_rate(v, ceiling, now)
local cut = 0
if ARGV[6] == '1' and now >= (tonumber(v[6]) or 0) then
  local factor = tonumber(ARGV[7])
  local recovery = tonumber(ARGV[10])
  if now < (tonumber(v[7]) or 0) then
    factor = tonumber(ARGV[8])
    recovery = tonumber(ARGV[12])
  end
  local lowered = math.max(tonumber(ARGV[11]), rate * factor)
  local slope = (rate - lowered) / recovery
  redis.call('HSET', KEYS[1], 'rate_at', tostring(lowered), 'since',
             string.format('%.0f', paused), 'slope', tostring(slope),
             'quiet', string.format('%.0f', paused),
             'quick', string.format('%.0f', paused + tonumber(ARGV[9])))
  rate = lowered
  cut = 1
end
-- Released one at a time at the steady rate once the pause ends: no burst after it.
local tat = math.max(tonumber(v[1]) or 0, paused + (burst - 1) * 1e6 / rate)
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'paused',
           string.format('%.0f', paused))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {cut, tostring(rate)}
"""


def default_key(access_key: str) -> str:
    """The Redis key of an account's shared budget: a hash of its access key (the key itself
    is never written to Redis)."""
    digest = hashlib.sha256(b"pandapon-rate-limit\0" + access_key.encode()).hexdigest()
    return KEY_PREFIX + digest[:32]


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, "***@" + host, parts.path, parts.query, parts.fragment))


class RedisRateLimiter:
    """A rate limit shared through Redis by every process using the same ``key``.

    ``rate`` requests per second and at most ``burst`` at once, across all of them: a GCRA
    whose state is updated atomically by a server-side script using the Redis server's clock.
    A 429 seen by any process pauses every process sharing the key, and (``adaptive``, the
    default) cuts the shared rate, which then recovers slowly towards ``rate`` as
    :class:`~pandapon_async.GCRARateLimiter`'s does.

    ``key`` defaults to one derived from the access key of the :class:`PandaPonClient` the
    limiter is given to (a hash: the access key is not written to Redis), so every process
    of one account shares one budget.

    If Redis cannot be reached (connection refused, no answer within ``timeout`` seconds),
    ``acquire`` raises :class:`~pandapon_async.errors.RateLimiterUnavailableError` and the
    request is not sent: this limiter never lets a request through unthrottled. (That error
    is a ``ConnectError``, so the client retries it with backoff, like a refused connection.)

    Cancellation: a waiter cancelled while it sleeps consumes nothing; one cancelled while its
    script call is in flight may use up one slot (never adds one). Waiters of one process are
    served in arrival order; across processes, whoever asks first after a slot opens gets it.

    Close it with ``await limiter.aclose()`` (or ``async with``) when done.
    """

    def __init__(
        self,
        url: str,
        *,
        rate: float,
        burst: int = 1,
        key: str | None = None,
        adaptive: bool = True,
        timeout: float = 2.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        try:
            import redis.asyncio  # noqa: F401
        except ImportError:
            raise ImportError(
                "RedisRateLimiter needs 'redis': pip install \"pandapon-async[redis]\""
            ) from None
        if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"url must be a redis://, rediss:// or unix:// URL, got "
                             f"{_redact_url(url) if isinstance(url, str) else url!r}")
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not (
                0 < rate < math.inf):
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a positive integer, got {burst!r}")
        if key is not None and (not isinstance(key, str) or not key):
            raise ValueError(f"key must be a non-empty string, got {key!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ValueError(f"timeout must be a positive number, got {timeout!r}")
        self._url = url
        self._rate = float(rate)
        self._burst = burst
        self._key = key
        self._adaptive = bool(adaptive)
        self._timeout = float(timeout)
        self._sleep = sleep
        # A caller this late after its slot still keeps the schedule (the round trip to
        # Redis and a late wake-up would otherwise add up into a lower rate); any later and
        # the budget starts afresh, so lateness never becomes a catch-up burst of more than
        # half a request.
        self._late_allowance_us = round(min(1e6 / rate / 2, 5000.0))
        self._redis: Redis | None = None
        self._acquire: Any = None
        self._pause: Any = None
        self._lock: asyncio.Lock | None = None
        self._last_rate = float(rate)

    @property
    def rate(self) -> float:
        """The configured rate (the most the processes sharing the key send together)."""
        return self._rate

    @property
    def burst(self) -> int:
        return self._burst

    @property
    def adaptive(self) -> bool:
        return self._adaptive

    @property
    def key(self) -> str | None:
        """The Redis key of the shared budget (``None`` until a client has set the default)."""
        return self._key

    @property
    def current_rate(self) -> float:
        """The shared rate in force, as of this process's last call to Redis."""
        return self._last_rate

    def use_access_key(self, access_key: str) -> None:
        """Called by :class:`PandaPonClient`: derive the default ``key`` from its access key
        (does nothing when a key was given)."""
        if self._key is None:
            self._key = default_key(access_key)

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as aioredis

            self._redis = aioredis.Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout,
                retry_on_timeout=False,
            )
            self._acquire = self._redis.register_script(ACQUIRE_SCRIPT)
            self._pause = self._redis.register_script(PAUSE_SCRIPT)
        return self._redis

    async def _run(self, script_name: str, *args: float | str) -> list[Any]:
        import redis.exceptions

        if self._key is None:
            raise ValueError("RedisRateLimiter has no key: pass key=..., or give the limiter "
                             "to a PandaPonClient (it derives the key from its access key)")
        self._client()
        script = self._acquire if script_name == "acquire" else self._pause
        try:
            result: list[Any] = await script(
                keys=[self._key],
                args=[repr(self._rate), self._burst, self._late_allowance_us, STATE_TTL_MS,
                      *args],
            )
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                OSError) as exc:
            raise RateLimiterUnavailableError(
                f"the shared rate limiter's Redis at {_redact_url(self._url)} could not be "
                f"reached ({type(exc).__name__}: {exc}); the request was not sent, since "
                "sending it unthrottled could exceed the account's rate"
            ) from exc
        return result

    async def acquire(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        # One waiter per process asks Redis at a time (FIFO within the process); the slot is
        # taken by the script only when it is due, so sleeping consumes nothing.
        async with self._lock:
            while True:
                granted, wait_us, rate = await self._run("acquire")
                self._last_rate = float(rate)
                if int(granted):
                    return
                await self._sleep(int(wait_us) / 1e6)

    async def pause(self, seconds: float) -> None:
        """A 429: pause every process sharing the key for ``seconds`` and (adaptive) cut the
        shared rate."""
        _, rate = await self._run(
            "pause", round(max(seconds, 0.0) * 1e6), 1 if self._adaptive else 0,
            repr(DECREASE), repr(QUICK_DECREASE), round(QUICK_WINDOW * 1e6),
            repr(RECOVERY_TIME), repr(MIN_RATE), repr(QUICK_RECOVERY_TIME),
        )
        self._last_rate = float(rate)

    async def reset(self) -> None:
        """Forget the shared state (budget, pause and adapted rate) of this key."""
        self._client()
        if self._key is not None:
            assert self._redis is not None
            await self._redis.delete(self._key)

    async def aclose(self) -> None:
        redis_client, self._redis = self._redis, None
        if redis_client is not None:
            await redis_client.aclose()

    async def __aenter__(self) -> RedisRateLimiter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (f"RedisRateLimiter({_redact_url(self._url)!r}, rate={self._rate:g}, "
                f"burst={self._burst}, key={self._key!r})")
