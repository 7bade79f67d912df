"""The GCRA limiter: a configured rate and burst, adapting to the platform's 429s."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

from ._adaptive import AdaptiveLimiter, AdaptiveRate


class GCRARateLimiter(AdaptiveLimiter):
    """Generic cell rate algorithm: ``rate`` requests per second, at most ``burst`` at once.

    A new limiter allows ``burst`` requests straight away and never more: there is no
    start-up burst beyond it. Waiters are served in arrival order (FIFO), and a waiter
    cancelled before its turn gives its slot back. After a pause (a 429) waiters are released
    one at a time at the steady rate, never all at once.

    ``adaptive`` (default) makes a 429 cut the rate and lets it climb back slowly towards
    ``rate`` (see :class:`AdaptiveRate`); :attr:`current_rate` is the rate in force.
    ``clock`` and ``sleep`` are injectable so schedules can be tested without wall-clock time.
    """

    __slots__ = (
        "_adaptive",
        "_burst",
        "_clock",
        "_control",
        "_interval",
        "_late_allowance",
        "_lock",
        "_paused_until",
        "_sleep",
        "_tat",
    )

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        adaptive: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not (
                0 < rate < math.inf):
            raise ValueError(f"rate must be a positive number, got {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a positive integer, got {burst!r}")
        self._control = AdaptiveRate(float(rate))
        self._adaptive = bool(adaptive)
        self._burst = burst
        self._interval = 1.0 / rate
        self._late_allowance = min(self._interval / 4, 0.0015)
        self._clock = clock
        self._sleep = sleep
        self._tat = -math.inf
        self._paused_until = -math.inf
        self._lock = asyncio.Lock()

    @property
    def rate(self) -> float:
        """The configured rate (the most the limiter ever allows)."""
        return self._control.ceiling

    @property
    def burst(self) -> int:
        return self._burst

    async def acquire(self) -> None:
        # The lock queues waiters FIFO; only the head sleeps, and it consumes its slot only
        # after the sleep, so cancellation while waiting leaves the schedule untouched.
        async with self._lock:
            waited = False
            while True:
                now = self._clock()
                interval = self._interval
                if self._adaptive and self._control.engaged:
                    interval = 1.0 / self._control.rate(now)
                ready_at = max(self._paused_until, self._tat - (self._burst - 1) * interval)
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
            self._tat = max(self._tat, now) + interval

    async def pause(self, seconds: float) -> None:
        """A 429: hold every caller back ``seconds``, then release them at the steady rate
        (slower, if adaptive)."""
        now = self._clock()
        resume_at = now + max(seconds, 0.0)
        self._paused_until = max(self._paused_until, resume_at)
        if self._adaptive:
            self._control.throttled(now, self._paused_until)
        # No burst right after a pause: the first waiter goes when it ends, the next one an
        # interval later, as if the bucket had been empty.
        interval = 1.0 / self._control.rate(self._paused_until) if self._adaptive else (
            self._interval)
        self._tat = max(self._tat, self._paused_until + (self._burst - 1) * interval)

    def __repr__(self) -> str:
        return (f"GCRARateLimiter(rate={self.rate:g}, burst={self.burst}, "
                f"adaptive={self._adaptive})")
