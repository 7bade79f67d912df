"""Callback inbox throughput: messages/s recorded and handled, per store and receiver count.

For each case, N signed callback messages are first *recorded* through
``CallbackReceiver.receive`` (signature check, parsing, the durable insert; 32 deliveries in
flight, spread round-robin over the receivers as a load balancer would), then *handled*: the
receivers are started and their workers claim, call a trivial handler and record ``done``
until every message is done. Both phases are timed separately.

Cases: ``memory`` (1 receiver), ``sqlite`` (1 and 2 receivers on one file,
``synchronous=FULL``), ``postgres`` (1 and 2 receivers on one table). Two receivers are two
``CallbackReceiver`` objects with their own inbox objects (their own SQLite connection and
thread, or their own PostgreSQL pool) in this one process: on a 2-core machine that shows
the cost of sharing, not extra cores. PostgreSQL: a fresh database on
``PANDAPON_BENCH_POSTGRES_DSN`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``),
dropped afterwards; skipped when it cannot be reached.

No target: these figures are for sizing (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pandapon_async.callbacks import (
    CallbackInbox,
    CallbackMessage,
    CallbackReceiver,
    MemoryInbox,
    SQLiteInbox,
)

SECRET = "bench-callback-secret"
DEFAULT_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def make_bodies(count: int) -> list[tuple[bytes, str]]:
    bodies = []
    for number in range(count):
        body = json.dumps(
            {
                "messageType": "ORDER_PAY_SUCCESS",
                "messageBody": json.dumps(
                    {
                        "orderId": str(2059624776425880794 + number),
                        "orderStatus": "WAITING_FOR_SENT",
                        "payStatus": 2,
                        "totalAmount": 1290,
                    }
                ),
                "messagePlatform": 1,
                "timestamp": 1_700_000_000_000 + number,
            }
        ).encode()
        bodies.append((body, hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()))
    return bodies


async def run_case(
    open_inbox: Callable[[], CallbackInbox], receivers_count: int, bodies: list[tuple[bytes, str]]
) -> tuple[float, float]:
    handled = 0
    all_handled = asyncio.Event()

    async def handler(message: CallbackMessage) -> None:
        nonlocal handled
        handled += 1
        if handled == len(bodies):
            all_handled.set()

    inboxes = [open_inbox() for _ in range(receivers_count)]
    receivers = [
        CallbackReceiver(
            SECRET, handler, inbox=inbox, timestamp_tolerance=None, max_concurrency=16
        )
        for inbox in inboxes
    ]
    gate = asyncio.Semaphore(32)

    async def deliver(index: int) -> None:
        body, signature = bodies[index]
        async with gate:
            result = await receivers[index % receivers_count].receive(
                body, authorization=signature, content_type="application/json"
            )
        if result.status != 200:
            raise RuntimeError(f"delivery refused: {result}")

    try:
        started = time.perf_counter()
        await asyncio.gather(*(deliver(index) for index in range(len(bodies))))
        recorded_in = time.perf_counter() - started

        started = time.perf_counter()
        for receiver in receivers:
            await receiver.start()
        await all_handled.wait()
        for receiver in receivers:
            await receiver.wait_idle()
        handled_in = time.perf_counter() - started
    finally:
        for receiver in receivers:
            await receiver.close()
        for inbox in inboxes:
            await inbox.close()
    if handled != len(bodies):
        raise RuntimeError(f"handled {handled} of {len(bodies)}")
    return len(bodies) / recorded_in, len(bodies) / handled_in


async def postgres_database(admin_dsn: str) -> tuple[str, Callable[[], object]] | None:
    try:
        import asyncpg
    except ImportError:
        return None
    try:
        connection = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        print(f"postgres: skipped ({type(error).__name__}: {error})", file=sys.stderr)
        return None
    name = "pandapon_bench_" + uuid.uuid4().hex[:12]
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    parts = urlsplit(admin_dsn)
    dsn = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))

    async def drop() -> None:
        admin = await asyncpg.connect(admin_dsn, timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    return dsn, drop


async def median_of(
    rounds: int,
    open_for_round: Callable[[int], Callable[[], CallbackInbox]],
    receivers_count: int,
    bodies: list[tuple[bytes, str]],
) -> tuple[float, float]:
    """Median figures over ``rounds`` runs, each on a fresh, empty store."""
    results = [
        await run_case(open_for_round(number), receivers_count, bodies) for number in range(rounds)
    ]
    return (
        statistics.median(recorded for recorded, _ in results),
        statistics.median(handled for _, handled in results),
    )


async def main(messages: int, rounds: int, admin_dsn: str) -> int:
    bodies = make_bodies(messages)
    rows: list[tuple[str, int, float, float]] = []

    def memory(number: int) -> Callable[[], CallbackInbox]:
        shared = MemoryInbox()
        return lambda: shared

    rows.append(("memory", 1, *await median_of(rounds, memory, 1, bodies)))
    with tempfile.TemporaryDirectory() as directory:
        for count in (1, 2):

            def sqlite(number: int, count: int = count) -> Callable[[], CallbackInbox]:
                path = Path(directory) / f"inbox-{count}-{number}.sqlite3"
                return lambda: SQLiteInbox(path)

            rows.append(("sqlite", count, *await median_of(rounds, sqlite, count, bodies)))
    database = await postgres_database(admin_dsn)
    if database is not None:
        from pandapon_async.callbacks import PostgresInbox

        dsn, drop = database
        try:
            for count in (1, 2):

                def postgres(number: int, count: int = count) -> Callable[[], CallbackInbox]:
                    table = f"inbox_{count}_{number}"
                    return lambda: PostgresInbox(dsn, table=table)

                rows.append(("postgres", count, *await median_of(rounds, postgres, count, bodies)))
        finally:
            await drop()  # type: ignore[misc]

    print(
        f"callback inbox, {messages} messages, median of {rounds} rounds "
        "(recorded: 32 deliveries in flight)"
    )
    print(f"{'store':<10}{'receivers':>10}{'recorded/s':>13}{'handled/s':>12}")
    for store, count, recorded, handled in rows:
        print(f"{store:<10}{count:>10}{recorded:>13,.0f}{handled:>12,.0f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000, help="messages per case")
    parser.add_argument("--rounds", type=int, default=3, help="runs per case (median shown)")
    parser.add_argument(
        "--postgres-dsn",
        default=os.environ.get("PANDAPON_BENCH_POSTGRES_DSN", DEFAULT_ADMIN_DSN),
        help="an admin DSN; a fresh database is created on it and dropped afterwards",
    )
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.messages, options.rounds, options.postgres_dsn)))
