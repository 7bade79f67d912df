"""Journals for many workers: 100,000 order ids paid through a PostgreSQL journal by 1 and by
4 worker processes, against 1 worker on an SQLite journal.

The FakePandaPon runs in its own process with no rate limit, and the clients run with none,
so the journal and the workers set the pace. Each worker is a fresh process paying with
``submit_to_pay`` (chunks of 50, 16 chunks in flight); its peak RSS is its own
(``ru_maxrss``). Scenarios, each on fresh orders:

- ``sqlite 1w``: one worker, ``SQLiteJournal`` (``synchronous=FULL``) in a temporary directory;
- ``postgres 1w``: one worker, ``PostgresJournal`` on a fresh database;
- ``postgres 4w split``: four workers, each given a quarter of the ids (sharded input);
- ``postgres 4w overlap``: four workers, each given ALL the ids, in four different orders
  (every id claimed by one worker; the others find it held or settled): the cost of
  cooperating on the same ids, and the proof that each order is paid once.

Throughput is ids given in the scenario over its wall time (first worker start to last
worker end). The fake reports the most times any order was paid (must be 1).

PostgreSQL: ``PANDAPON_BENCH_POSTGRES_DSN`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``, which must be allowed to create a
database); without a server the PostgreSQL rows are skipped with a note.
Usage: ``python benchmarks/bench_journal.py [--ids 100000] [--concurrency 16]
[--chunk-size 50] [--no-overlap]``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench_bulk import start_fake_server

DSN_ENV = "PANDAPON_BENCH_POSTGRES_DSN"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def worker(conn: Connection, settings: dict[str, Any]) -> None:
    """Child process: one worker's ``submit_to_pay``; sends back its measurements."""
    from pandapon_async import Credentials, PandaPonClient, PostgresJournal
    from pandapon_async.journal import SQLiteJournal

    async def main() -> dict[str, Any]:
        journal: Any
        if settings["journal"].startswith("postgresql://"):
            journal = PostgresJournal(settings["journal"])
        else:
            journal = SQLiteJournal(settings["journal"])
        async with journal, PandaPonClient(
            Credentials(*settings["credentials"]), base_url=settings["url"], rate_limit=None,
            max_concurrency=settings["concurrency"], retry_backoff=0.01,
            retry_backoff_max=0.1, timeout=60.0,
        ) as client:
            started = time.time()
            report = await client.bulk.submit_to_pay(
                settings["ids"], chunk_size=settings["chunk_size"],
                concurrency=settings["concurrency"], journal=journal,
            )
            ended = time.time()
        return {
            "started": started, "ended": ended, "counts": report.counts,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    conn.send(asyncio.run(main()))


def run_workers(ctx: Any, settings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pipes = [ctx.Pipe() for _ in settings]
    processes = [ctx.Process(target=worker, args=(child, one))
                 for (_, child), one in zip(pipes, settings, strict=True)]
    for process in processes:
        process.start()
    results = [parent.recv() for parent, _ in pipes]
    for process in processes:
        process.join()
    return results


async def postgres_database(admin: str, action: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin, timeout=5)
    try:
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
        else:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ids", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--no-overlap", action="store_true",
                        help="skip the 4 workers on overlapping ids")
    args = parser.parse_args()
    admin = os.environ.get(DSN_ENV, DEFAULT_DSN)

    ctx = mp.get_context("spawn")
    server, url, credentials, command = start_fake_server(ctx)

    base = {"url": url, "credentials": credentials, "concurrency": args.concurrency,
            "chunk_size": args.chunk_size}
    rows: list[tuple[str, int, list[dict[str, Any]]]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        ids = command("create", args.ids)
        rows.append(("sqlite 1w", len(ids), run_workers(ctx, [
            {**base, "ids": ids, "journal": os.path.join(scratch, "pay.sqlite3")}])))

    database = "pandapon_bench_" + uuid.uuid4().hex[:12]
    try:
        asyncio.run(postgres_database(admin, "create", database))
    except Exception as error:  # any failure means: no PostgreSQL rows
        notes.append(f"PostgreSQL rows skipped: {type(error).__name__}: {error} "
                     f"(set {DSN_ENV})")
    else:
        dsn = with_database(admin, database)
        try:
            ids = command("create", args.ids)
            rows.append(("postgres 1w", len(ids), run_workers(ctx, [
                {**base, "ids": ids, "journal": dsn}])))
            ids = command("create", args.ids)
            quarter = -(-len(ids) // 4)
            rows.append(("postgres 4w split", len(ids), run_workers(ctx, [
                {**base, "ids": ids[k * quarter : (k + 1) * quarter], "journal": dsn}
                for k in range(4)])))
            if not args.no_overlap:
                ids = command("create", args.ids)
                rows.append(("postgres 4w overlap", len(ids), run_workers(ctx, [
                    {**base, "ids": (ids[k * quarter :] + ids[: k * quarter])[:: 1 - 2 * (k % 2)],
                     "journal": dsn}
                    for k in range(4)])))
        finally:
            asyncio.run(postgres_database(admin, "drop", database))
    orders_paid, most_payments = command("counts")
    command("stop")
    server.join(timeout=5)

    print(f"bench_journal: {args.ids:,} ids per scenario, chunks of {args.chunk_size}, "
          f"concurrency {args.concurrency} per worker, no rate limit, Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, fake in its own process")
    header = (f"{'scenario':<21}{'workers':>8}{'wall s':>8}{'ids/s':>9}"
              f"{'peak RSS MB/worker':>20}  buckets (summed over workers)")
    print(header)
    print("-" * len(header))
    for label, total, results in rows:
        wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
        summed: dict[str, int] = {}
        for result in results:
            for key, value in result["counts"].items():
                summed[key] = summed.get(key, 0) + value
        rss = "/".join(f"{r['peak_rss_mb']:.0f}" for r in results)
        buckets = (f"paid {summed['succeeded']:,} (from journal {summed['from_journal']:,}, "
                   f"waited {summed['waited']:,}) fail {summed['pay_failed']} errored "
                   f"{summed['errored']} unknown {summed['unknown']}")
        print(f"{label:<21}{len(results):>8}{wall:>8.1f}{total / wall:>9,.0f}{rss:>20}  "
              f"{buckets}")
    for note in notes:
        print(note)
    print(f"fake: {orders_paid:,} orders paid, most payments of one order: {most_payments}")
    if most_payments > 1:
        print("DOUBLE PAYMENT", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
