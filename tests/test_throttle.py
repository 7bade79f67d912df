"""The rate limiter's schedule, checked with an injected clock (no wall-clock sleeps)."""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest

from pandapon_async import (
    GCRARateLimiter,
    PandaPonClient,
    RateLimiter,
    RetryPolicy,
    UnlimitedRateLimiter,
)
from pandapon_async.testing import FakePandaPon

DETAIL = "/alibaba/order/detail"


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
    await limiter.pause(2.5)
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


# --------------------------------------------------------------------------- adaptive on 429


async def test_after_a_pause_waiters_are_released_at_the_steady_rate_not_all_at_once() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(10, burst=5, adaptive=False, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    await limiter.pause(1.0)
    start = clock.now
    times = [t - start for t in await acquire_times(limiter, clock, 4)]
    # The burst does not refill during a pause: one at its end, then one per interval.
    assert [round(t, 6) for t in times] == [1.0, 1.1, 1.2, 1.3]


async def test_a_429_cuts_the_rate_which_then_recovers_slowly_to_the_configured_rate() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(40, burst=1, clock=clock, sleep=clock.sleep)
    assert limiter.adaptive and limiter.current_rate == 40
    await limiter.acquire()
    await limiter.pause(0.5)
    assert limiter.current_rate == pytest.approx(38)  # multiplicative decrease
    clock.now += 0.5
    times = await acquire_times(limiter, clock, 3)
    assert times[1] - times[0] == pytest.approx(1 / 38, rel=0.01)
    clock.now += 5.0
    assert 38 < limiter.current_rate < 40  # additive, slow
    clock.now += 60.0
    assert limiter.current_rate == 40  # never above the configured rate


async def test_429s_right_after_a_pause_cut_harder_and_429s_during_it_count_once() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(40, burst=1, clock=clock, sleep=clock.sleep)
    await limiter.pause(0.5)
    await limiter.pause(0.5)  # answers to requests sent before the pause: no second cut
    assert limiter.current_rate == pytest.approx(38)
    clock.now += 0.6  # a 429 again just after the pause: still far above the platform
    await limiter.pause(0.5)
    assert limiter.current_rate == pytest.approx(38 * 0.8, rel=0.01)


async def test_adaptive_false_keeps_the_configured_rate() -> None:
    clock = FakeClock()
    limiter = GCRARateLimiter(40, burst=1, adaptive=False, clock=clock, sleep=clock.sleep)
    await limiter.pause(0.5)
    assert limiter.current_rate == 40


async def test_unlimited_limiter_engages_pacing_only_after_a_429() -> None:
    clock = FakeClock()
    limiter = UnlimitedRateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(30):  # no pacing at all: 30 requests at one instant
        await limiter.acquire()
    assert clock.now == 1000.0 and limiter.current_rate == math.inf
    await limiter.pause(0.5)
    engaged = limiter.current_rate
    assert engaged == pytest.approx(0.95 * 30)  # a little under what it was sending at
    times = await acquire_times(limiter, clock, 4)
    # Released one at a time after the pause, at the engaged rate.
    assert times[0] == pytest.approx(1000.5)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == pytest.approx([1 / engaged] * 3, rel=0.01)


async def test_unlimited_limiter_without_adaptation_only_pauses() -> None:
    clock = FakeClock()
    limiter = UnlimitedRateLimiter(adaptive=False, clock=clock, sleep=clock.sleep)
    await limiter.pause(0.5)
    times = await acquire_times(limiter, clock, 3)
    assert times == [1000.5] * 3 and limiter.current_rate == math.inf


@pytest.mark.parametrize("retry_after", [None, 0.0])
def test_retry_after_zero_or_absent_backs_off_with_jitter_never_now(
    retry_after: float | None,
) -> None:
    policy = RetryPolicy(backoff_base=0.2)
    assert policy.rate_limited_delay(1, retry_after, rand=lambda: 0.0) == pytest.approx(0.1)
    assert policy.rate_limited_delay(1, retry_after, rand=lambda: 1.0) == pytest.approx(0.2)
    assert policy.rate_limited_delay(3, retry_after, rand=lambda: 0.0) == pytest.approx(0.4)
    assert policy.rate_limited_delay(1, 2.5) == 2.5


async def test_retry_after_zero_is_not_retried_at_once(fake_pandapon: FakePandaPon) -> None:
    """Rule 1: a 429 is retried (the platform did not act), but after a jittered backoff."""
    fake_pandapon.faults.script(DETAIL, "rate_limit", retry_after=0.0)
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    async with PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url,
                              rate_limit=None, retry_backoff=0.2) as client:
        await client.alibaba.orders.get_detail(order_id)
    first, second = [r for r in fake_pandapon.requests if r.path == DETAIL]
    assert first.status == 429 and second.status == 200
    assert second.time - first.time >= 0.1


async def test_client_with_no_rate_limit_converges_on_the_platforms_rate(
    fake_pandapon: FakePandaPon,
) -> None:
    """Rule 1: idempotent reads throttled by the platform all succeed once the client adapts."""
    fake_pandapon.faults.set_rate_limit(20, burst=1, retry_after=0.2)
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    async with PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url,
                              rate_limit=None, max_concurrency=16) as client:
        await asyncio.gather(*(client.alibaba.orders.get_detail(order_id) for _ in range(40)))
        assert isinstance(client.rate_limiter, UnlimitedRateLimiter)
        assert math.isfinite(client.rate_limiter.current_rate)
    answered = [r for r in fake_pandapon.requests if r.path == DETAIL]
    assert sum(r.status == 200 for r in answered) == 40


def test_rate_limiters_satisfy_the_protocol() -> None:
    limiter: RateLimiter = GCRARateLimiter(1)
    unlimited: RateLimiter = UnlimitedRateLimiter()
    assert isinstance(limiter, RateLimiter) and isinstance(unlimited, RateLimiter)
