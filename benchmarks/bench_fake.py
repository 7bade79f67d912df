"""How many simple signed requests per second FakePandaPon serves on one CPU core.

The fake runs in a subprocess pinned to one core (``os.sched_setaffinity``); the load comes
from this process, pinned to another core, over keep-alive connections with many requests in
flight. Every request carries its own nonce and signature (the fake refuses a reused nonce).

    python benchmarks/bench_fake.py [--seconds 5] [--concurrency 64] [--driver raw|aiohttp]

``raw`` (default) writes requests signed before the clock starts over plain asyncio streams,
so that on a 2-core machine the load generator is not what is measured; ``aiohttp`` uses
aiohttp's client session (signing each request as it goes), which tops out first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import time
from typing import Any

import aiohttp

from pandapon_async._signing import compute_signature, make_nonce

Endpoint = tuple[str, str, str, bytes]  # name, method, path (with query), body
Result = tuple[int, int, float]  # answered as expected, other answers, seconds


def _run_fake(port_queue: Any, core: int | None, seed: int, log_requests: bool) -> None:
    if core is not None:
        os.sched_setaffinity(0, {core})
    from pandapon_async.testing import FakePandaPon

    async def serve() -> None:
        fake = FakePandaPon(seed=seed, log_requests=log_requests)
        await fake.start()
        order_id = fake.create_alibaba_orders(1, amount_fen=1000)[0]
        creds = fake.credentials
        port_queue.put((fake.url, creds.access_key, creds.access_secret, creds.user_id,
                        order_id))
        await asyncio.Event().wait()

    asyncio.run(serve())


def _headers(key: str, secret: str, user: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = make_nonce()
    return {
        "access-key": key, "timestamp": timestamp, "nonce-str": nonce, "user-id": user,
        "signature": compute_signature(key, timestamp, nonce, secret),
    }


def _expected(status: int, payload: bytes, expect_status: int) -> bool:
    return status == expect_status and f'"code":{expect_status}'.encode() in payload


async def _drive_aiohttp(url: str, creds: tuple[str, str, str], endpoint: Endpoint,
                         expect: int, seconds: float, concurrency: int) -> Result:
    _, method, path, body = endpoint
    done = errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        stop_at = started + seconds

        async def worker() -> None:
            nonlocal done, errors
            while time.perf_counter() < stop_at:
                headers = _headers(*creds)
                if body:
                    headers["Content-Type"] = "application/json"
                async with session.request(method, url + path, data=body or None,
                                           headers=headers) as response:
                    raw = await response.read()
                if _expected(response.status, raw, expect):
                    done += 1
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done, errors, time.perf_counter() - started


def _presigned(url: str, creds: tuple[str, str, str], endpoint: Endpoint, count: int
               ) -> list[bytes]:
    _, method, path, body = endpoint
    host = url.removeprefix("http://")
    requests = []
    for _ in range(count):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in _headers(*creds).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        requests.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return requests


async def _drive_raw(url: str, creds: tuple[str, str, str], endpoint: Endpoint,
                     expect: int, seconds: float, concurrency: int) -> Result:
    host, port = url.removeprefix("http://").split(":")
    requests = _presigned(url, creds, endpoint, int(seconds * 20_000))
    done = errors = 0
    connections = [await asyncio.open_connection(host, int(port)) for _ in range(concurrency)]
    expect_line = f"HTTP/1.1 {expect}".encode()
    expect_code = f'"code":{expect}'.encode()
    started = time.perf_counter()
    stop_at = started + seconds

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal done, errors
        while requests and time.perf_counter() < stop_at:
            writer.write(requests.pop())
            head = await reader.readuntil(b"\r\n\r\n")
            start = head.lower().index(b"content-length:") + 15
            payload = await reader.readexactly(int(head[start:head.index(b"\r\n", start)]))
            if head.startswith(expect_line) and expect_code in payload:
                done += 1
            else:
                errors += 1

    await asyncio.gather(*(worker(r, w) for r, w in connections))
    elapsed = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    return done, errors, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--driver", choices=("raw", "aiohttp"), default="raw")
    parser.add_argument("--no-request-log", action="store_true",
                        help="run the fake with log_requests=False")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    cores = sorted(os.sched_getaffinity(0))
    fake_core = cores[0]
    load_core = cores[1] if len(cores) > 1 else None
    context = multiprocessing.get_context("spawn")
    queue: Any = context.Queue()
    process = context.Process(target=_run_fake, daemon=True,
                              args=(queue, fake_core, args.seed, not args.no_request_log))
    process.start()
    try:
        url, key, secret, user, order_id = queue.get(timeout=60)
        if load_core is not None:
            os.sched_setaffinity(0, {load_core})
        creds = (key, secret, user)
        detail = json.dumps({"webSite": "1688", "orderId": order_id}).encode()
        rows: list[tuple[Endpoint, int]] = [
            (("pay url GET (small)", "GET", f"/alibaba/order/pay/url?orderId={order_id}",
              b""), 200),
            (("unknown path (404)", "GET", "/no/such/path", b""), 404),
            (("order detail POST", "POST", "/alibaba/order/detail", detail), 200),
        ]
        drive = _drive_raw if args.driver == "raw" else _drive_aiohttp
        print(f"FakePandaPon on core {fake_core} (request log "
              f"{'off' if args.no_request_log else 'on'}), load ({args.driver}) on core "
              f"{load_core}, {args.concurrency} keep-alive connections, {args.seconds:g} s/row")
        print(f"{'endpoint':<22} {'requests':>9} {'unexpected':>10} {'req/s':>8}")
        for endpoint, expect in rows:
            done, errors, elapsed = asyncio.run(
                drive(url, creds, endpoint, expect, args.seconds, args.concurrency))
            print(f"{endpoint[0]:<22} {done:>9} {errors:>10} {done / elapsed:>8.0f}")
    finally:
        process.kill()
        process.join()


if __name__ == "__main__":
    main()
