"""Adaptive rate limiting: a client configured above the platform's rate, or with none at all.

FakePandaPon enforces 20 requests/s, burst 1, answering 429 with ``Retry-After: 0.5`` (the
platform publishes no limit, so this is what a client meets). 16 workers read one order
``--calls`` times in all (600 by default, about 30 s at the platform's rate), with the client at
``rate_limit=None`` and at twice the platform's rate, adaptive (the default) and not.
Everything is counted from the fake's request log:

- ``failed``: calls that raised (every call is an idempotent read: target 0);
- ``useful``: successful calls per second over the run, and as a share of the platform's
  rate (target >= 85%);
- ``429s``: share of all requests the fake answered 429 (target under 10%);
- ``steady``: the useful rate after the first 5 s (convergence excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any

from pandapon_async import PandaPonClient, PandaPonError
from pandapon_async.testing import FakePandaPon

PLATFORM_RATE = 20.0
DETAIL = "/alibaba/order/detail"


async def run_case(rate_limit: float | None, adaptive: bool, calls: int,
                   retry_after: float) -> dict[str, Any]:
    async with FakePandaPon(seed=0) as fake:
        fake.faults.set_rate_limit(PLATFORM_RATE, burst=1, retry_after=retry_after)
        order_id = fake.create_alibaba_orders(1)[0]
        fake.clear_requests()
        failures = 0
        remaining = calls
        async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=rate_limit,
                                  adaptive_rate_limit=adaptive, max_concurrency=16) as client:

            async def worker() -> None:
                nonlocal failures, remaining
                while remaining > 0:
                    remaining -= 1
                    try:
                        await client.alibaba.orders.get_detail(order_id)
                    except PandaPonError:
                        failures += 1

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(16)))
            elapsed = time.monotonic() - started
            final_rate = client.rate_limiter.current_rate  # type: ignore[attr-defined]
        requests = [r for r in fake.requests if r.path == DETAIL]
    ok = [r.time for r in requests if r.status == 200]
    throttled = sum(r.status == 429 for r in requests)
    first = min(r.time for r in requests)
    steady = [t for t in ok if t - first >= 5.0]
    steady_rate = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
    return {
        "client": "None" if rate_limit is None else f"{rate_limit:g}/s",
        "adaptive": adaptive,
        "calls": calls,
        "failed": failures,
        "requests": len(requests),
        "useful": len(ok) / elapsed,
        "share": len(ok) / elapsed / PLATFORM_RATE,
        "throttled": throttled / len(requests),
        "steady": steady_rate / PLATFORM_RATE,
        "final_rate": final_rate,
        "seconds": elapsed,
    }


def verdict(row: dict[str, Any]) -> str:
    problems = []
    if row["failed"]:
        problems.append("calls failed")
    if row["share"] < 0.85:
        problems.append("useful < 85%")
    if row["throttled"] >= 0.10:
        problems.append("429s >= 10%")
    return "ok" if not problems else "MISS: " + "; ".join(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--retry-after", type=float, default=0.5)
    parser.add_argument("--quick", action="store_true", help="200 calls per case")
    parser.add_argument("--adaptive-only", action="store_true",
                        help="skip the slow comparison runs with adaptation off")
    args = parser.parse_args()
    calls = 200 if args.quick else args.calls
    cases = [(None, True), (2 * PLATFORM_RATE, True)]
    if not args.adaptive_only:
        cases += [(None, False), (2 * PLATFORM_RATE, False)]
    print(f"bench_adaptive: fake at {PLATFORM_RATE:g} req/s burst 1, Retry-After "
          f"{args.retry_after:g} s; {calls} reads per case, 16 workers")
    rows = []
    for rate_limit, adaptive in cases:
        rows.append(asyncio.run(run_case(rate_limit, adaptive, calls, args.retry_after)))
        print(f"  client {rows[-1]['client']} adaptive={adaptive}: {rows[-1]['seconds']:.1f} s",
              flush=True)
    header = (f"{'client':>7} {'adaptive':>8} {'calls':>5} {'failed':>6} {'requests':>8} "
              f"{'useful/s':>8} {'of 20/s':>7} {'steady':>6} {'429s':>6} {'final rate':>10}"
              "  target")
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        target = verdict(row) if row["adaptive"] else "(adaptation off: for comparison)"
        print(f"{row['client']:>7} {row['adaptive']!s:>8} {row['calls']:>5} "
              f"{row['failed']:>6} {row['requests']:>8} {row['useful']:>8.2f} "
              f"{row['share']:>7.1%} {row['steady']:>6.1%} {row['throttled']:>6.1%} "
              f"{row['final_rate']:>10.2f}  {target}")
    return 0 if all(verdict(row) == "ok" for row in rows if row["adaptive"]) else 1


if __name__ == "__main__":
    sys.exit(main())
