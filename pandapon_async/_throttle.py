"""Client-wide throttling: the pluggable :class:`RateLimiter` protocol, a GCRA limiter that
adapts to the platform's 429s, and the limiter used when no rate is configured.

The platform publishes no rate limit, so a configured rate may be above what it allows. On a
429 the limiters here cut their rate (multiplicative decrease) and then climb back slowly
(additive increase) towards the configured rate, as TCP and aiobotocore's adaptive retry
mode do: the client converges on what the platform allows instead of fighting it.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

__all__ = ["AdaptiveRate", "GCRARateLimiter", "RateLimiter", "UnlimitedRateLimiter",
           "report_rate_limited"]

# Multiplicative decrease on a 429: gentle when the platform has been quiet for a while (a
# probe just above its rate), harsher when 429s come back right after the previous pause
# (still well above its rate), so a client configured far too high converges in a few steps.
DECREASE = 0.95
QUICK_DECREASE = 0.8
QUICK_WINDOW = 1.0
# Seconds to climb back, additively, from the decreased rate to the rate that met the 429
# (and on at that slope up to the configured rate). Slow after a gentle cut: the 429 came
# near the platform's limit, and every 429 costs a pause of every caller. Faster after a
# harsh cut, which may have undershot.
RECOVERY_TIME = 20.0
QUICK_RECOVERY_TIME = 3.0
# A client that was not pacing (``rate_limit=None``) only knows roughly how fast it was
# sending when the first 429 came (often a burst of concurrent calls): it starts a little
# under that and probes upwards by this share of the rate per second until the next 429.
ENGAGE_PROBE = 0.05
MIN_RATE = 0.1


@runtime_checkable
class RateLimiter(Protocol):
    """What the client needs of a rate limiter.

    ``acquire`` returns when one request may be sent; a caller cancelled while waiting must
    not consume a slot. ``pause`` is the client's report of a 429: hold every caller back for
    ``seconds`` (the ``Retry-After``, or a jittered backoff when the platform gave none) and,
    for an adaptive limiter, slow down. It is a coroutine so that a limiter shared by several
    processes (Redis, a database) can do I/O there; a plain method returning ``None`` is still
    accepted (see :func:`report_rate_limited`).
    """

    async def acquire(self) -> None: ...

    async def pause(self, seconds: float) -> None: ...


async def report_rate_limited(limiter: RateLimiter, seconds: float) -> None:
    """Tell ``limiter`` about a 429; works with ``pause`` written as a coroutine or not."""
    result: object = limiter.pause(seconds)
    if inspect.isawaitable(result):
        await result


class AdaptiveRate:
    """The AIMD rate controller (pure: every method takes the time).

    ``ceiling`` is the configured rate (``math.inf`` when none is). Until the first 429 the
    rate is the ceiling. A 429 cuts the rate by :data:`DECREASE` (by :data:`QUICK_DECREASE`
    when it comes within :data:`QUICK_WINDOW` seconds of the end of the previous pause); the
    rate then grows linearly, back to the rate that met the 429 in :data:`RECOVERY_TIME`
    seconds (:data:`QUICK_RECOVERY_TIME` after a harsh cut) and on at that slope up to the
    ceiling. 429s answering requests sent before the
    decrease took effect (before the pause ended) do not cut again. ``base`` lets a limiter
    that was not pacing (no ceiling) say at what rate it was actually sending.
    """

    __slots__ = ("_ceiling", "_quick_until", "_quiet_until", "_rate_at", "_since", "_slope")

    def __init__(self, ceiling: float = math.inf) -> None:
        self._ceiling = ceiling
        self._rate_at = ceiling
        self._since = -math.inf
        self._slope = 0.0
        self._quiet_until = -math.inf
        self._quick_until = -math.inf

    @property
    def ceiling(self) -> float:
        return self._ceiling

    @property
    def engaged(self) -> bool:
        """Whether a 429 has ever cut the rate."""
        return self._since > -math.inf

    def rate(self, now: float) -> float:
        if now <= self._since:
            return self._rate_at
        return min(self._ceiling, self._rate_at + self._slope * (now - self._since))

    def throttled(self, now: float, resume_at: float, base: float | None = None) -> bool:
        """Record a 429 seen at ``now``; sending resumes at ``resume_at``. True if cut."""
        if now < self._quiet_until:
            return False
        current = self.rate(now)
        engaging = not self.engaged and base is not None
        if base is not None and (engaging or base < current):
            current = base
        if not math.isfinite(current):
            return False
        quick = now < self._quick_until
        self._rate_at = max(MIN_RATE, current * (QUICK_DECREASE if quick else DECREASE))
        if engaging:
            self._slope = self._rate_at * ENGAGE_PROBE
        else:
            self._slope = (current - self._rate_at) / (QUICK_RECOVERY_TIME if quick
                                                       else RECOVERY_TIME)
        self._since = resume_at
        self._quiet_until = resume_at
        self._quick_until = resume_at + QUICK_WINDOW
        return True


class _SendRate:
    """Requests sent per second over about the last second, in O(1) per request."""

    __slots__ = ("_count", "_previous", "_start")

    def __init__(self) -> None:
        self._start = -math.inf
        self._count = 0
        self._previous = 0

    def record(self, now: float) -> None:
        if now - self._start >= 1.0:
            self._previous = self._count if now - self._start < 2.0 else 0
            self._start = now
            self._count = 0
        self._count += 1

    def per_second(self, now: float) -> float:
        elapsed = now - self._start
        if elapsed >= 2.0:
            return 0.0
        if elapsed >= 1.0:
            return self._count * (2.0 - elapsed)
        return self._count + self._previous * (1.0 - elapsed)


class GCRARateLimiter:
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

    @property
    def adaptive(self) -> bool:
        return self._adaptive

    @property
    def current_rate(self) -> float:
        """The rate in force now: ``rate``, or less after 429s while it recovers."""
        return self._control.rate(self._clock())

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


class UnlimitedRateLimiter:
    """Used when ``rate_limit=None``: no pacing until the platform answers 429.

    A 429 pauses every caller; with ``adaptive`` (default) it also engages a limiter at a
    little under the rate the client was sending at, released at that steady rate after the
    pause and adapted like :class:`GCRARateLimiter`'s from then on (with no ceiling), so a
    client with no configured rate still converges on what the platform allows.
    """

    __slots__ = ("_adaptive", "_clock", "_control", "_lock", "_paused_until", "_sent",
                 "_sleep", "_tat")

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
        self._sent = _SendRate()
        self._tat = -math.inf
        self._lock = asyncio.Lock()

    @property
    def rate(self) -> float:
        return math.inf

    @property
    def adaptive(self) -> bool:
        return self._adaptive

    @property
    def current_rate(self) -> float:
        """``math.inf`` until a 429 engages pacing; then the rate in force."""
        return self._control.rate(self._clock())

    async def acquire(self) -> None:
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
        now = self._clock()
        self._paused_until = max(self._paused_until, now + max(seconds, 0.0))
        if self._adaptive:
            engaged = self._control.engaged
            self._control.throttled(now, self._paused_until,
                                    None if engaged else max(self._sent.per_second(now), 1.0))
            self._tat = max(self._tat, self._paused_until)

    def __repr__(self) -> str:
        return f"UnlimitedRateLimiter(adaptive={self._adaptive})"
