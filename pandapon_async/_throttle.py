"""Client-wide throttling: a GCRA rate limiter and the pluggable :class:`RateLimiter` protocol."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

__all__ = ["GCRARateLimiter", "RateLimiter"]


@runtime_checkable
class RateLimiter(Protocol):
    """What the client needs of a rate limiter.

    ``acquire`` returns when one request may be sent; a caller cancelled while waiting must
    not consume a slot. ``pause`` holds every caller back for ``seconds`` (the client calls it
    when the platform answers 429 with ``Retry-After``). An implementation shared by several
    processes (Redis, a database) only has to provide these two methods.
    """

    async def acquire(self) -> None: ...

    def pause(self, seconds: float) -> None: ...


class GCRARateLimiter:
    """Generic cell rate algorithm: ``rate`` requests per second, at most ``burst`` at once.

    A new limiter allows ``burst`` requests straight away and never more: there is no
    start-up burst beyond it. Waiters are served in arrival order (FIFO), and a waiter
    cancelled before its turn gives its slot back. ``clock`` and ``sleep`` are injectable so
    schedules can be tested without wall-clock time.
    """

    __slots__ = (
        "_clock",
        "_interval",
        "_late_allowance",
        "_lock",
        "_paused_until",
        "_sleep",
        "_tat",
        "_tolerance",
    )

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a positive integer, got {burst!r}")
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._late_allowance = min(self._interval / 4, 0.0015)
        self._clock = clock
        self._sleep = sleep
        self._tat = -float("inf")
        self._paused_until = -float("inf")
        self._lock = asyncio.Lock()

    @property
    def rate(self) -> float:
        return 1.0 / self._interval

    @property
    def burst(self) -> int:
        return round(self._tolerance / self._interval) + 1

    async def acquire(self) -> None:
        # The lock queues waiters FIFO; only the head sleeps, and it consumes its slot only
        # after the sleep, so cancellation while waiting leaves the schedule untouched.
        async with self._lock:
            waited = False
            while True:
                now = self._clock()
                ready_at = max(self._paused_until, self._tat - self._tolerance)
                if ready_at <= now:
                    break
                waited = True
                await self._sleep(ready_at - now)
            if waited:
                # The event loop wakes a sleeper late (epoll rounds timeouts up to a whole
                # millisecond): keep that lateness, up to a small allowance, out of the
                # schedule so it does not add up into a lower rate. Lateness beyond the
                # allowance (a stalled loop) is dropped, so it never becomes a catch-up burst.
                now -= min(now - ready_at, self._late_allowance)
            self._tat = max(self._tat, now) + self._interval

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def __repr__(self) -> str:
        return f"GCRARateLimiter(rate={self.rate:g}, burst={self.burst})"


class UnlimitedRateLimiter:
    """Used when ``rate_limit=None``: no pacing, but 429 pauses are still honoured."""

    __slots__ = ("_clock", "_paused_until", "_sleep")

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._paused_until = -float("inf")

    async def acquire(self) -> None:
        while (wait := self._paused_until - self._clock()) > 0:
            await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
