"""Rate limiter accuracy: achieved rate against the configured one, and the largest burst.

A ``PandaPonClient`` with ``rate_limit=R, rate_burst=B`` and many more workers than the rate
needs (so the limiter, and nothing else, sets the pace) calls a minimal local server for a
fixed duration (10 s by default). The server, in its own process, records the arrival time
of every request; everything below is computed from those server-side times:

- ``achieved``: the steady rate after the initial burst, ``(n - B) / (last - first)``. A GCRA
  limiter lets the first ``B`` requests through at once and then one every ``1/R`` seconds,
  so a perfect limiter scores exactly R. ``n / duration`` is shown too;
- ``burst``: the smallest bucket that the observed arrivals fit, that is the largest
  ``count(window) - R * length(window)`` over all windows ``[t_i, t_j]``. A perfect limiter
  scores exactly B; network jitter adds a fraction. (Counting arrivals in a window of
  ``B/R`` seconds would be the wrong test: a correct limiter with burst B admits up to
  ``2B - 1`` requests in such a window — B at once, then B - 1 more at the steady rate.)

Targets: achieved within 2% of R, and burst never above B (with less than one request of
jitter, i.e. below B + 1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _local_server import ServerProcess, pin_to_cpu

from pandapon_async import Credentials, PandaPonClient

CREDENTIALS = Credentials("bench-access-key", "bench-access-secret", "10001")
RATE_TOLERANCE = 0.02
DEFAULT_CASES = "50:1,50:10,200:1,200:10"


def observed_burst(arrivals: list[float], rate: float) -> float:
    """Smallest token-bucket size (refilled at ``rate``) that admits every arrival:
    ``max over i <= j of (j - i + 1) - rate * (t_j - t_i)``, in one pass."""
    best = 0.0
    lowest_start = float("inf")  # min over i <= j of (i - rate * t_i)
    for index, arrival in enumerate(arrivals):
        lowest_start = min(lowest_start, index - rate * arrival)
        best = max(best, index + 1 - rate * arrival - lowest_start)
    return best


async def fetch_arrivals(url: str) -> list[float]:
    async with aiohttp.ClientSession() as session, session.get(url + "/__arrivals") as response:
        arrivals: list[float] = json.loads(await response.read())
    return sorted(arrivals)


async def run_case(url: str, rate: float, burst: int, seconds: float) -> dict[str, Any]:
    await fetch_arrivals(url)  # clear anything recorded before
    # Enough workers that the limiter always has a waiter: the pace is the limiter's alone.
    workers = max(8, int(rate * 0.05) * 4 + burst)
    client = PandaPonClient(CREDENTIALS, base_url=url, rate_limit=rate, rate_burst=burst,
                            max_concurrency=workers)
    loop = asyncio.get_running_loop()
    async with client:
        # Open the pooled connections first, then let the limiter's schedule fill up again,
        # so the measured run starts from an idle limiter like a fresh client would.
        await asyncio.gather(*(client.call("POST", "/warmup", json={})
                               for _ in range(min(workers, burst * 2))))
        await asyncio.sleep(burst / rate + 0.2)
        await fetch_arrivals(url)
        deadline = loop.time() + seconds

        async def worker() -> None:
            while loop.time() < deadline:
                await client.call("POST", "/bench", json={"n": 1})

        started = loop.time()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = loop.time() - started
    arrivals = await fetch_arrivals(url)
    count = len(arrivals)
    span = arrivals[-1] - arrivals[0] if count > 1 else 0.0
    achieved = (count - burst) / span if span > 0 else float("nan")
    return {
        "rate": rate,
        "burst": burst,
        "seconds": elapsed,
        "requests": count,
        "achieved": achieved,
        "naive": count / elapsed,
        "error": achieved / rate - 1,
        "observed_burst": observed_burst(arrivals, rate),
    }


def verdict(row: dict[str, Any]) -> str:
    problems = []
    if abs(row["error"]) > RATE_TOLERANCE:
        problems.append("rate off by more than 2%")
    if row["observed_burst"] >= row["burst"] + 1:
        problems.append("burst above configured")
    return "ok" if not problems else "MISS: " + "; ".join(problems)


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (f"{'rate':>6} {'burst':>5} {'requests':>8} {'achieved':>9} {'error':>7} "
              f"{'n/duration':>10} {'burst seen':>10}  target")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['rate']:>6g} {row['burst']:>5} {row['requests']:>8,} "
              f"{row['achieved']:>9.2f} {row['error']:>+7.2%} {row['naive']:>10.2f} "
              f"{row['observed_burst']:>10.2f}  {verdict(row)}")


async def amain(url: str, cases: list[tuple[float, int]], seconds: float) -> list[dict[str, Any]]:
    rows = []
    for rate, burst in cases:
        rows.append(await run_case(url, rate, burst, seconds))
        print(f"  rate {rate:g}/s burst {burst}: {rows[-1]['requests']:,} requests", flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help=f"comma-separated RATE:BURST pairs (default {DEFAULT_CASES})")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each case")
    args = parser.parse_args()
    cases = [(float(rate), int(burst)) for rate, burst in
             (case.split(":") for case in args.cases.split(","))]
    pinned = pin_to_cpu(0)
    print(f"bench_limiter: {len(cases)} cases x {args.seconds:g} s; server-side arrival "
          f"times; client {'on CPU 0, server on CPU 1' if pinned else 'and server unpinned'}")
    with ServerProcess(kind="asyncio", cpu=1 if pinned else None,
                       record_arrivals=True) as server:
        rows = asyncio.run(amain(server.url, cases, args.seconds))
    print()
    print_table(rows)
    return 0 if all(verdict(row) == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
