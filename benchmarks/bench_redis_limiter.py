"""RedisRateLimiter: N processes sharing one budget, and the cost of one acquire.

Needs Redis (``PANDAPON_BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/0``) and the
``redis`` extra. Two measurements:

- aggregate: 1, 2 and 4 worker processes, each a ``PandaPonClient`` with a
  ``RedisRateLimiter`` on one key (burst 1) and many more workers than the rate needs, call
  the minimal local server (``_local_server.py``, its own process) for ``--seconds`` each
  (8 s by default); from the server-side arrival times: the achieved aggregate rate
  ``(n - 1) / (last - first)`` against the configured one, and the smallest token bucket
  the arrivals fit (``burst seen``, as in ``bench_limiter.py``). Target: within 3% of the
  configured rate, ``burst seen`` below 2 (the burst, plus under one request of jitter);
- acquire cost: one process, a limiter whose rate never binds, ``--acquires`` acquires in a
  row: wall time per acquire (one script round trip to Redis on loopback), and the same for
  the in-process ``GCRARateLimiter``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _local_server import ServerProcess

from pandapon_async import Credentials, GCRARateLimiter, PandaPonClient, RedisRateLimiter

REDIS_URL = os.environ.get("PANDAPON_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CREDENTIALS = Credentials("bench-access-key", "bench-access-secret", "10001")
RATE_TOLERANCE = 0.03


def observed_burst(arrivals: list[float], rate: float) -> float:
    best = 0.0
    lowest = float("inf")
    for index, arrival in enumerate(arrivals):
        lowest = min(lowest, index - rate * arrival)
        best = max(best, index + 1 - rate * arrival - lowest)
    return best


async def worker_main(url: str, key: str, rate: float, seconds: float) -> None:
    """One worker process: call as fast as the shared limiter allows until the deadline."""
    limiter = RedisRateLimiter(REDIS_URL, rate=rate, burst=1, key=key)
    tasks = max(8, int(rate * 0.05) * 4)
    async with limiter, PandaPonClient(CREDENTIALS, base_url=url, rate_limiter=limiter,
                                       max_concurrency=tasks) as client:
        await client.call("POST", "/warmup", json={})
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds

        async def one() -> None:
            while loop.time() < deadline:
                await client.call("POST", "/bench", json={"n": 1})

        await asyncio.gather(*(one() for _ in range(tasks)))


async def fetch_arrivals(url: str) -> list[float]:
    async with aiohttp.ClientSession() as session, session.get(url + "/__arrivals") as response:
        arrivals: list[float] = json.loads(await response.read())
    return sorted(arrivals)


def run_aggregate(url: str, processes: int, rate: float, seconds: float) -> dict[str, Any]:
    key = f"pandapon-bench:{uuid.uuid4().hex[:12]}"
    command = [sys.executable, os.path.abspath(__file__), "--worker", url, key, str(rate),
               str(seconds)]
    workers = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for _ in range(processes)]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        time.sleep(1.5 / rate + 0.2)  # let the warm-up calls' schedule drain
        asyncio.run(fetch_arrivals(url))  # clear the warm-up arrivals
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            worker.wait(timeout=seconds + 60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    arrivals = asyncio.run(fetch_arrivals(url))
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    return {"processes": processes, "rate": rate, "requests": len(arrivals),
            "achieved": achieved, "error": achieved / rate - 1,
            "burst": observed_burst(arrivals, rate)}


async def acquire_cost(acquires: int) -> list[tuple[str, float]]:
    results = []
    async with RedisRateLimiter(REDIS_URL, rate=1e9, key=f"pandapon-bench:{uuid.uuid4().hex}",
                                adaptive=False) as limiter:
        await limiter.acquire()
        started = time.perf_counter()
        for _ in range(acquires):
            await limiter.acquire()
        results.append(("RedisRateLimiter (loopback)",
                        (time.perf_counter() - started) / acquires * 1e6))
        await limiter.reset()
    local = GCRARateLimiter(1e9)
    started = time.perf_counter()
    for _ in range(acquires):
        await local.acquire()
    results.append(("GCRARateLimiter (in process)",
                    (time.perf_counter() - started) / acquires * 1e6))
    return results


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, key, rate, seconds = sys.argv[2:6]
        asyncio.run(worker_main(url, key, float(rate), float(seconds)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rates", default="50,200")
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--acquires", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="3 s per case, 1000 acquires")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    acquires = 1000 if args.quick else args.acquires
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # any reason Redis cannot be used
        print(f"bench_redis_limiter: skipped, Redis at {REDIS_URL} is not usable "
              f"({type(exc).__name__}: {exc}); set PANDAPON_BENCH_REDIS_URL")
        return 0
    rates = [float(r) for r in args.rates.split(",")]
    counts = [int(p) for p in args.processes.split(",")]
    print(f"bench_redis_limiter: Redis at {REDIS_URL}; {len(rates) * len(counts)} cases x "
          f"{seconds:g} s; server-side arrival times")
    rows = []
    with ServerProcess(kind="asyncio", record_arrivals=True) as server:
        for rate in rates:
            for processes in counts:
                rows.append(run_aggregate(server.url, processes, rate, seconds))
                print(f"  {processes} process(es) at {rate:g}/s: {rows[-1]['requests']:,} "
                      "requests", flush=True)
    costs = asyncio.run(acquire_cost(acquires))
    header = (f"{'processes':>9} {'rate':>5} {'requests':>8} {'achieved':>9} {'error':>7} "
              f"{'burst seen':>10}  target")
    print()
    print(header)
    print("-" * len(header))
    ok = True
    for row in rows:
        misses = []
        if abs(row["error"]) > RATE_TOLERANCE:
            misses.append("rate off by more than 3%")
        if row["burst"] >= 2:
            misses.append("burst above 1")
        ok = ok and not misses
        print(f"{row['processes']:>9} {row['rate']:>5g} {row['requests']:>8,} "
              f"{row['achieved']:>9.2f} {row['error']:>+7.2%} {row['burst']:>10.2f}  "
              f"{'ok' if not misses else 'MISS: ' + '; '.join(misses)}")
    print()
    for name, micros in costs:
        print(f"{name:<30} {micros:8.1f} us per acquire ({acquires:,} acquires)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
