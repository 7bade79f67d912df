"""A process sharing one RedisRateLimiter: reads one order ``COUNT`` times, as fast as the
shared limiter lets it.

Usage: ``python redis_limiter_worker.py BASE_URL REDIS_URL KEY RATE BURST COUNT ORDER_ID``.
Credentials come from ``PANDAPON_ACCESS_KEY``/``PANDAPON_ACCESS_SECRET``/``PANDAPON_USER_ID``.
Prints ``ready`` once connected, then waits for a line on stdin before it starts, so that
every worker starts together; prints the number of failed calls at the end.
"""

from __future__ import annotations

import asyncio
import sys

from pandapon_async import Credentials, PandaPonClient, PandaPonError, RedisRateLimiter


async def main(argv: list[str]) -> int:
    base_url, redis_url, key, rate, burst, count, order_id = argv
    limiter = RedisRateLimiter(redis_url, rate=float(rate), burst=int(burst), key=key)
    failures = 0
    async with limiter, PandaPonClient(
        Credentials.from_env(), base_url=base_url, rate_limiter=limiter, max_concurrency=8,
        retry_backoff=0.01,
    ) as client:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        remaining = int(count)

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0:
                remaining -= 1
                try:
                    await client.alibaba.orders.get_detail(order_id)
                except PandaPonError as exc:
                    failures += 1
                    print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)

        await asyncio.gather(*(worker() for _ in range(8)))
    print(failures, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
