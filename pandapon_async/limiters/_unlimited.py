"""The limiter used when no rate is configured: no pacing until a 429 engages it."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

from ._adaptive import AdaptiveLimiter, AdaptiveRate, SendRate


class UnlimitedRateLimiter(AdaptiveLimiter):
    """Used when ``rate_limit=None``: no pacing until the platform answers 429.

    A 429 pauses every caller; with ``adaptive`` (default) it also engages a limiter at a
    little under the rate the client was sending at, released at that steady rate after the
    pause and adapted like :class:`GCRARateLimiter`'s from then on (with no ceiling), so a
    client with no configured rate still converges on what the platform allows.
    """

    __slots__ = ("_adaptive", "_clock", "_control", "_lock", "_paused_until", "_quiet",
                 "_record_sent", "_sent", "_sleep", "_tat")

    def __init__(
        self,
        *,
        adaptive: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._adaptive = bool(adaptive)
        self._clock = clock
        self._sleep = sleep
        self._paused_until = -math.inf
        self._control = AdaptiveRate()
        self._sent = SendRate()
        self._record_sent = self._sent.record
        self._tat = -math.inf
        self._lock = asyncio.Lock()
        # No pause yet (so no pacing): every acquire passes at once, only counted for the rate
        # a first 429 engages at. Cleared for good by the first pause.
        self._quiet = True

    @property
    def rate(self) -> float:
        return math.inf

    def _acquire_now(self) -> bool:
        """What :meth:`acquire` does when it need not wait (True), without a coroutine: the
        transport's fast path. False: call :meth:`acquire`."""
        if self._quiet:
            self._record_sent(self._clock())
            return True
        return False

    async def acquire(self) -> None:
        if self._acquire_now():
            return
        if not self._control.engaged:
            while (wait := self._paused_until - self._clock()) > 0:
                await self._sleep(wait)
            if not self._control.engaged:
                self._sent.record(self._clock())
                return
        # Pacing engaged by a 429: a GCRA with burst 1 at the adapted rate, FIFO.
        async with self._lock:
            while True:
                now = self._clock()
                ready_at = max(self._paused_until, self._tat)
                if ready_at <= now:
                    break
                await self._sleep(ready_at - now)
            self._tat = max(self._tat, now) + 1.0 / self._control.rate(now)

    async def pause(self, seconds: float) -> None:
        self._quiet = False
        now = self._clock()
        self._paused_until = max(self._paused_until, now + max(seconds, 0.0))
        if self._adaptive:
            engaged = self._control.engaged
            self._control.throttled(now, self._paused_until,
                                    None if engaged else max(self._sent.per_second(now), 1.0))
            self._tat = max(self._tat, self._paused_until)

    def __repr__(self) -> str:
        return f"UnlimitedRateLimiter(adaptive={self._adaptive})"
