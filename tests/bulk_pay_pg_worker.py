"""A paying worker for the PostgreSQL scale-out test: ``submit_to_pay`` through a shared
:class:`PostgresJournal`, one of several such processes (one of them killed mid-run).

Usage: ``python bulk_pay_pg_worker.py BASE_URL DSN IDS_FILE CHUNK_SIZE CONCURRENCY LEASE``.
Credentials come from ``PANDAPON_ACCESS_KEY``/``PANDAPON_ACCESS_SECRET``/``PANDAPON_USER_ID``.
Prints the report's buckets (order ids per bucket) as one JSON line when it gets that far.
"""

from __future__ import annotations

import asyncio
import json
import sys

from pandapon_async import Credentials, PandaPonClient, PostgresJournal


async def main(argv: list[str], order_ids: list[str]) -> int:
    base_url, dsn = argv[:2]
    chunk_size, concurrency, lease = int(argv[3]), int(argv[4]), float(argv[5])
    async with PostgresJournal(dsn, lease=lease) as journal, PandaPonClient(
        Credentials.from_env(), base_url=base_url, rate_limit=None, retry_backoff=0.001
    ) as client:
        report = await client.bulk.submit_to_pay(
            order_ids, chunk_size=chunk_size, concurrency=concurrency, journal=journal,
            resubmit_grace=0.05,
        )
    print(json.dumps({
        "success": report.success_order_ids,
        "pay_fail": [fail.order_id for fail in report.pay_fail_orders],
        "errored": sorted(report.errored),
        "unknown": report.unknown,
        "waited": report.waited,
        "reconciled": report.reconciled,
    }))
    return 0


if __name__ == "__main__":
    with open(sys.argv[3], encoding="utf-8") as handle:
        ids = [line.strip() for line in handle if line.strip()]
    sys.exit(asyncio.run(main(sys.argv[1:], ids)))
