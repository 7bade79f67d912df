"""The fake's clock: a base clock plus the time a test moved it forward, and waits on it."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

__all__ = ["Deadline", "FakeClock"]


class FakeClock:
    """The fake's time: ``base()`` plus every :meth:`advance` so far, in epoch seconds.

    Callable like ``time.time``, so it can be handed to anything that takes a clock (a
    ``CallbackReceiver(clock=...)``, for instance) to share the fake's notion of now.
    """

    def __init__(self, base: Callable[[], float] = time.time) -> None:
        self._base = base
        self._advanced = 0.0
        self._wakeups: set[asyncio.Event] = set()

    def __call__(self) -> float:
        return self._base() + self._advanced

    def base(self) -> float:
        """The base clock's time, without the advances."""
        return self._base()

    @property
    def advanced(self) -> float:
        """Seconds this clock was moved forward in total."""
        return self._advanced

    @staticmethod
    def check_seconds(seconds: object) -> float:
        """``seconds`` as a float, or ``TypeError``/``ValueError`` naming it."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"seconds must be a number, got {type(seconds).__name__}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        return float(seconds)

    def advance(self, seconds: float) -> None:
        """Move the clock forward; waits on it (:class:`Deadline`) that fall due return."""
        self._advanced += self.check_seconds(seconds)
        for event in self._wakeups:
            event.set()

    def deadline(self, delay: float) -> Deadline:
        """A point ``delay`` seconds from now, reached by real time and advances together."""
        return Deadline(self, delay)


class Deadline:
    """Due once the real time elapsed plus the clock's advances since it was made reach its
    delay: with the platform's 30-minute retry schedule, ``advance(1800)`` makes it due at
    once, and without advances it behaves like ``asyncio.sleep(delay)``."""

    def __init__(self, clock: FakeClock, delay: float) -> None:
        self._clock = clock
        self._delay = float(delay)
        self._loop = asyncio.get_running_loop()
        self._started = self._loop.time()
        self._advanced_at_start = clock.advanced

    def remaining(self) -> float:
        elapsed = self._loop.time() - self._started
        return self._delay - elapsed - (self._clock.advanced - self._advanced_at_start)

    async def wait(self) -> None:
        while (remaining := self.remaining()) > 0:
            event = asyncio.Event()
            self._clock._wakeups.add(event)
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                pass
            finally:
                self._clock._wakeups.discard(event)
