"""RedisRateLimiter against a real Redis: one budget, one 429 pause and one adapted rate for
every process sharing a key, measured at FakePandaPon's request log (no wall-clock sleeps)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

import pandapon_async
from pandapon_async import (
    PandaPonClient,
    RateLimiter,
    RateLimiterUnavailableError,
    RedisRateLimiter,
)
from pandapon_async.errors import ConnectError
from pandapon_async.testing import FakePandaPon

WORKER = Path(__file__).with_name("redis_limiter_worker.py")
DETAIL = "/alibaba/order/detail"


def observed_burst(arrivals: list[float], rate: float) -> float:
    """Smallest token bucket refilled at ``rate`` that admits every arrival."""
    best = 0.0
    lowest = float("inf")
    for index, arrival in enumerate(arrivals):
        lowest = min(lowest, index - rate * arrival)
        best = max(best, index + 1 - rate * arrival - lowest)
    return best


async def run_workers(fake: FakePandaPon, redis_url: str, key: str, *, processes: int,
                      rate: float, burst: int, count: int, order_id: str) -> None:
    credentials = fake.credentials
    env = {**os.environ, "PANDAPON_ACCESS_KEY": credentials.access_key,
           "PANDAPON_ACCESS_SECRET": credentials.access_secret,
           "PANDAPON_USER_ID": credentials.user_id}
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), fake.url, redis_url, key, str(rate), str(burst),
            str(count), order_id, env=env, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert (await asyncio.wait_for(worker.stdout.readline(), 60)).strip() == b"ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(b"go\n")
        await worker.stdin.drain()
    for worker in workers:
        out, err = await asyncio.wait_for(worker.communicate(), 120)
        assert worker.returncode == 0, err.decode()
        assert out.strip() == b"0", err.decode()  # no call failed


async def test_processes_sharing_a_key_keep_the_aggregate_rate_and_burst(
    fake_pandapon: FakePandaPon, redis_url: str, redis_key_prefix: str,
) -> None:
    """Three real processes, one budget: the fake sees the configured rate, never more."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.clear_requests()
    rate, burst = 50.0, 1
    await run_workers(fake_pandapon, redis_url, redis_key_prefix + ":limit", processes=3,
                      rate=rate, burst=burst, count=70, order_id=order_id)
    arrivals = sorted(r.time for r in fake_pandapon.requests if r.path == DETAIL)
    assert len(arrivals) == 210
    achieved = (len(arrivals) - burst) / (arrivals[-1] - arrivals[0])
    assert achieved == pytest.approx(rate, rel=0.03)
    assert observed_burst(arrivals, rate) < burst + 1


async def test_a_429_in_one_process_pauses_every_process_sharing_the_key(
    fake_pandapon: FakePandaPon, redis_url: str, redis_key_prefix: str,
) -> None:
    """Rule 1: the throttled read is retried (the platform did not act), after the pause."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.clear_requests()
    fake_pandapon.faults.script(DETAIL, "rate_limit", retry_after=1.0)
    await run_workers(fake_pandapon, redis_url, redis_key_prefix + ":limit", processes=3,
                      rate=40.0, burst=1, count=20, order_id=order_id)
    requests = sorted(fake_pandapon.requests, key=lambda r: r.time)
    throttled = [i for i, r in enumerate(requests) if r.status == 429]
    assert len(throttled) == 1 and len(requests) == 61
    after = requests[throttled[0] + 1:]
    assert len(after) >= 30  # most calls, from every process, came after the 429
    # No process sent anything during the pause that one process's 429 started.
    assert after[0].time - requests[throttled[0]].time >= 1.0 - 0.05


async def test_the_adapted_rate_is_shared(redis_url: str, redis_key_prefix: str) -> None:
    key = redis_key_prefix + ":limit"
    async with RedisRateLimiter(redis_url, rate=40, key=key) as one, RedisRateLimiter(
            redis_url, rate=40, key=key) as two:
        await one.acquire()
        await one.pause(0.01)
        assert one.current_rate == pytest.approx(38)
        await two.acquire()
        assert two.current_rate == pytest.approx(38, rel=0.01)


async def test_unreachable_redis_fails_the_call_and_sends_nothing(
    fake_pandapon: FakePandaPon,
) -> None:
    """Rule 1: nothing is sent unthrottled when the shared limiter cannot count."""
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", rate=10, key="k", timeout=0.5)
    async with limiter, PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url,
                                       rate_limiter=limiter, max_retries=1,
                                       retry_backoff=0.001) as client:
        with pytest.raises(RateLimiterUnavailableError, match="not sent") as caught:
            await client.call("GET", DETAIL)
    assert isinstance(caught.value, ConnectError)
    assert "127.0.0.1:1" in str(caught.value)
    assert fake_pandapon.requests == []


def test_default_key_is_derived_from_the_access_key_without_revealing_it() -> None:
    limiter = RedisRateLimiter("redis://:pw@127.0.0.1:6379/0", rate=5)
    assert limiter.key is None
    client = PandaPonClient(pandapon_async.Credentials("AK-visible", "secret", "1"),
                            rate_limiter=limiter)
    assert limiter.key is not None and "AK-visible" not in limiter.key
    other = RedisRateLimiter("redis://127.0.0.1:6379/0", rate=5)
    other.use_access_key("AK-visible")
    assert other.key == limiter.key
    assert "pw" not in repr(limiter)
    checked: RateLimiter = limiter
    assert isinstance(checked, RateLimiter) and client.rate_limiter is limiter


def test_import_pandapon_async_does_not_import_redis() -> None:
    import subprocess

    code = ("import sys, pandapon_async; assert 'redis' not in sys.modules; "
            "pandapon_async.RedisRateLimiter; assert 'redis' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"rate": 0}, "rate"), ({"rate": 1, "burst": 0}, "burst"), ({"rate": 1, "key": ""}, "key"),
])
def test_bad_settings_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        RedisRateLimiter("redis://127.0.0.1:6379/0", **kwargs)  # type: ignore[arg-type]


async def test_a_waiter_cancelled_while_it_sleeps_consumes_nothing(
    redis_url: str, redis_key_prefix: str,
) -> None:
    import redis.asyncio as aioredis

    key = redis_key_prefix + ":limit"
    asked: list[float] = []
    sleeping = asyncio.Event()
    forever = asyncio.Event()

    async def blocked_sleep(seconds: float) -> None:
        asked.append(seconds)
        sleeping.set()
        await forever.wait()

    store = aioredis.Redis.from_url(redis_url)
    async with RedisRateLimiter(redis_url, rate=1, key=key, sleep=blocked_sleep) as limiter:
        await limiter.acquire()  # takes the one slot; the next is a second away
        before = await store.hget(key, "tat")
        waiter = asyncio.create_task(limiter.acquire())
        await sleeping.wait()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert await store.hget(key, "tat") == before  # the schedule is untouched
        assert 0 < asked[0] <= 1.0
    await store.aclose()
