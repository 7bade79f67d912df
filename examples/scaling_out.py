"""Several workers, one account: a shared Redis rate limit and a shared PostgreSQL journal.

    PANDAPON_REDIS_URL=redis://127.0.0.1:6379/0 \\
    PANDAPON_JOURNAL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python examples/scaling_out.py

Three workers (tasks here; processes or hosts in production: the code is the same) pay the
same 60 orders at once against the built-in fake; each order is paid exactly once. Without
both variables, or when a service does not answer, it says so and exits 0.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys

from pandapon_async import (
    JournalUnavailableError,
    PandaPonClient,
    PostgresJournal,
    RateLimiterUnavailableError,
    RedisRateLimiter,
)
from pandapon_async.testing import FakePandaPon


async def worker(name: str, fake: FakePandaPon, ids: list[str], redis_url: str, dsn: str,
                 key: str) -> None:
    """One worker: its own client, the account's shared budget, the shared journal."""
    limiter = RedisRateLimiter(redis_url, rate=200, burst=5, key=key)
    async with limiter, PostgresJournal(dsn, lease=10.0) as journal, PandaPonClient(
        fake.credentials, base_url=fake.url, rate_limiter=limiter
    ) as client:
        report = await client.bulk.submit_to_pay(ids, chunk_size=10, journal=journal)
    print(f"{name}: paid {len(report.success_order_ids)} "
          f"(waited for other workers on {len(report.waited)})")


async def main() -> int:
    redis_url = os.environ.get("PANDAPON_REDIS_URL", "")
    dsn = os.environ.get("PANDAPON_JOURNAL", "")
    if not redis_url or not dsn.startswith(("postgresql://", "postgres://")):
        print("skipped: set PANDAPON_REDIS_URL and PANDAPON_JOURNAL=postgresql://... "
              "to run this example")
        return 0
    # A fresh seed: order ids differ from any earlier run recorded in the same journal.
    async with FakePandaPon(seed=secrets.randbits(32)) as fake:
        ids = fake.alibaba.create_orders(60)
        key = f"pandapon-example:{secrets.token_hex(8)}"  # this run's own rate budget
        try:
            await asyncio.gather(*(
                worker(f"worker {n}", fake, ids, redis_url, dsn, key) for n in range(3)
            ))
        except (JournalUnavailableError, RateLimiterUnavailableError, OSError) as exc:
            print(f"skipped: a service is not reachable ({type(exc).__name__}: {exc})")
            return 0
        paid_twice = [oid for oid in ids if fake.payment_count(oid) != 1]
        print(f"{len(ids)} orders, each paid once: {not paid_twice}")
        return 1 if paid_twice else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
