"""The client's own work per call, without the network: the steadiest view of the hot path.

``bench_overhead.py`` measures against a real local server, where a shared machine moves
single rounds by tens of percent. Here every session (the client's and the hand-written
baseline's) is a stub that answers at once after handing the event loop back a few times, as
a real request does (connection, headers, body), so what differs between the modes is only
the code each runs per call. 32 concurrent workers, modes alternating round by round, CPU
time per call (one core: the loop does nothing else). Modes, as in ``bench_overhead.py``:

- ``raw small`` / ``raw aiohttp``: a hand-written client: ``json.dumps``, sign (timestamp,
  nonce, MD5), post, ``json.loads``, check ``code``; the small batch-pay answer / the 1688
  order detail;
- ``typed batch pay`` / ``typed get_detail``: the typed methods on the same answers;
- ``client.call``: the raw-path call on the order detail.

``over base`` is the mode's µs per call minus its baseline's, the median of round-by-round
differences. Not a test: nothing is asserted, and there is no target (the targets of issue 17
are on ``bench_overhead.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _local_server import ENVELOPE, ORDER_ID, SMALL_ENVELOPE
from _stub_session import StubSession
from bench_overhead import CREDENTIALS, PAYLOAD, SMALL_PAYLOAD, signed_headers

from pandapon_async import PandaPonClient

BASE_URL = "http://127.0.0.1:1"
Operation = Callable[[], Awaitable[Any]]


def raw_client(session: StubSession, payload: dict[str, Any]) -> Operation:
    async def raw() -> Any:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        async with session.post(BASE_URL, data=body, headers=signed_headers()) as response:
            raw_body = await response.read()
        envelope = json.loads(raw_body)
        if envelope["code"] != 200:
            raise RuntimeError(envelope)
        return envelope["data"]

    return raw


async def cpu_per_call(operation: Operation, calls: int, workers: int) -> float:
    per_worker = max(1, calls // workers)

    async def worker() -> None:
        for _ in range(per_worker):
            await operation()

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return (time.process_time() - started) / (per_worker * workers) * 1e6


async def measure(calls: int, rounds: int, workers: int, yields: int
                  ) -> tuple[dict[str, list[float]], dict[str, str]]:
    small, detail = StubSession(SMALL_ENVELOPE, yields), StubSession(ENVELOPE, yields)
    common: dict[str, Any] = {"base_url": BASE_URL, "rate_limit": None,
                              "max_concurrency": workers}
    small_client = PandaPonClient(CREDENTIALS, session=small, **common)  # type: ignore[arg-type]
    detail_client = PandaPonClient(CREDENTIALS, session=detail, **common)  # type: ignore[arg-type]

    async def typed_small() -> Any:
        return await small_client.alibaba.orders.batch_submit_to_pay([ORDER_ID])

    async def typed_detail() -> Any:
        return await detail_client.alibaba.orders.get_detail(ORDER_ID)

    async def call_detail() -> Any:
        return await detail_client.call("POST", "/alibaba/order/detail", json=PAYLOAD)

    operations: dict[str, Operation] = {
        "raw small": raw_client(small, SMALL_PAYLOAD),
        "typed batch pay": typed_small,
        "raw aiohttp": raw_client(detail, PAYLOAD),
        "client.call": call_detail,
        "typed get_detail": typed_detail,
    }
    baselines = {"typed batch pay": "raw small", "client.call": "raw aiohttp",
                 "typed get_detail": "raw aiohttp"}
    results: dict[str, list[float]] = {name: [] for name in operations}
    try:
        for operation in operations.values():  # warm up caches
            await cpu_per_call(operation, min(calls, 2000), workers)
        for _ in range(rounds):
            for name, operation in operations.items():
                gc.collect()
                results[name].append(await cpu_per_call(operation, calls, workers))
    finally:
        await small_client.aclose()
        await detail_client.aclose()
    return results, baselines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20000, help="calls per round and mode")
    parser.add_argument("--rounds", type=int, default=9, help="rounds per mode")
    parser.add_argument("--workers", type=int, default=32, help="concurrent callers")
    parser.add_argument("--yields", type=int, default=3,
                        help="times each stub request hands the event loop back")
    args = parser.parse_args()
    results, baselines = asyncio.run(measure(args.calls, args.rounds, args.workers, args.yields))
    print(f"bench_client_work: Python {sys.version.split()[0]}; {args.rounds} rounds x "
          f"{args.calls:,} calls per mode, {args.workers} workers, stub session "
          f"({args.yields} yields per request, no network)\n")
    header = f"{'mode':<17} {'us/call':>8} {'min..max':>13} {'over base':>10}"
    print(header)
    print("-" * len(header))
    for name, values in results.items():
        over = ""
        if name in baselines:
            differences = [mine - base for mine, base in zip(values, results[baselines[name]],
                                                             strict=True)]
            over = f"{statistics.median(differences):+.2f}"
        spread = f"{min(values):.1f}..{max(values):.1f}"
        print(f"{name:<17} {statistics.median(values):>8.2f} {spread:>13} {over:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
