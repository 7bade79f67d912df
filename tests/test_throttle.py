"""The rate limiter's schedule, checked with an injected clock (no wall-clock sleeps)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from pandapon_async import GCRARateLimiter


class FakeClock:
    """A clock that only moves when a waiter sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def acquire_times(limiter: GCRARateLimiter, clock: FakeClock, n: int) -> list[float]:
    times: list[float] = []
    for _ in range(n):
        await limiter.acquire()
        times.append(clock.now)
    return times


async def test_steady_rate_with_no_start_up_burst() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(10, burst=1, clock=clock, sleep=clock.sleep)
    times = await acquire_times(limiter, clock, 5)
    assert [round(t - 1000.0, 6) for t in times] == [0.0, 0.1, 0.2, 0.3, 0.4]


async def test_burst_is_allowed_once_then_the_rate_holds() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(4, burst=3, clock=clock, sleep=clock.sleep)
    times = await acquire_times(limiter, clock, 6)
    assert [round(t - 1000.0, 6) for t in times] == [0.0, 0.0, 0.0, 0.25, 0.5, 0.75]


async def test_no_window_exceeds_the_burst_over_many_requests() -> None:
    clock = FakeClock()
    rate, burst = 50.0, 5
    limiter = GCRARateLimiter(rate, burst=burst, clock=clock, sleep=clock.sleep)
    times = await acquire_times(limiter, clock, 500)
    span = times[-1] - times[0]
    assert (len(times) - burst) / span == pytest.approx(rate, rel=1e-6)
    # Token-bucket conformance: any run of requests fits in burst + rate * its duration.
    for i in range(len(times)):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + rate * (times[j] - times[i]) + 1e-6


async def test_idle_time_does_not_bank_more_than_the_burst() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(10, burst=2, clock=clock, sleep=clock.sleep)
    await acquire_times(limiter, clock, 2)
    clock.now += 3600
    start = clock.now
    times = await acquire_times(limiter, clock, 4)
    assert [round(t - start, 6) for t in times] == [0.0, 0.0, 0.1, 0.2]


async def test_waiters_are_served_in_arrival_order() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(10, burst=1, clock=clock, sleep=clock.sleep)
    order: list[int] = []

    async def waiter(i: int) -> None:
        await limiter.acquire()
        order.append(i)

    tasks = []
    for i in range(8):
        tasks.append(asyncio.create_task(waiter(i)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert order == list(range(8))


async def test_cancelled_waiter_gives_its_slot_back() -> None:
    clock = FakeClock()
    gate = asyncio.Event()

    async def gated_sleep(seconds: float) -> None:
        await gate.wait()
        clock.now += seconds

    limiter = GCRARateLimiter(10, burst=1, clock=clock, sleep=gated_sleep)
    await limiter.acquire()  # t=0, next slot at 0.1
    blocked = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    blocked.cancel()
    with pytest.raises(asyncio.CancelledError):
        await blocked
    gate.set()
    await limiter.acquire()
    # The cancelled waiter consumed nothing: this one got the 0.1 slot, not 0.2.
    assert round(clock.now - 1000.0, 6) == 0.1


async def test_pause_holds_every_caller_back() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(100, burst=10, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    limiter.pause(2.5)
    await limiter.acquire()
    assert round(clock.now - 1000.0, 6) == 2.5


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0), (1, 1.5)])
def test_bad_settings_are_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError, match=r"rate|burst"):
        GCRARateLimiter(rate, burst)


async def test_late_wake_ups_do_not_drag_the_rate_down() -> None:
    clock = FakeClock()

    async def late_sleep(seconds: float) -> None:
        # The event loop wakes sleepers up to a millisecond late.
        clock.now += seconds + 0.001
        await asyncio.sleep(0)

    limiter = GCRARateLimiter(100, burst=1, clock=clock, sleep=late_sleep)
    times = await acquire_times(limiter, clock, 201)
    achieved = 200 / (times[-1] - times[0])
    assert achieved == pytest.approx(100, rel=0.02)
    # ... and lateness is never turned into a catch-up burst.
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.01 - 0.0015 - 1e-9
