"""The adaptive rate shared by the limiters: the platform publishes no rate limit, so a
configured rate may be above what it allows. On a 429 the limiters cut their rate
(multiplicative decrease) and then climb back slowly (additive increase) towards the
configured rate, as TCP and aiobotocore's adaptive retry mode do: the client converges on
what the platform allows instead of fighting it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

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


class AdaptiveLimiter:
    """What the in-process limiters report of their :class:`AdaptiveRate`."""

    __slots__ = ()
    _adaptive: bool
    _clock: Callable[[], float]
    _control: AdaptiveRate

    @property
    def adaptive(self) -> bool:
        return self._adaptive

    @property
    def current_rate(self) -> float:
        """The rate in force now: ``rate`` (``math.inf`` for no configured rate until a 429
        engages pacing), or less after 429s while it recovers."""
        return self._control.rate(self._clock())


class SendRate:
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
