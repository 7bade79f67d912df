"""A paying process for the crash test: ``submit_to_pay`` with a journal, killed mid-run.

Usage: ``python bulk_pay_worker.py BASE_URL JOURNAL IDS_FILE [CHUNK_SIZE [CONCURRENCY [LEASE]]]``.
Credentials come from ``PANDAPON_ACCESS_KEY``/``PANDAPON_ACCESS_SECRET``/``PANDAPON_USER_ID``
(the fake's test credentials). Prints the report's counts as JSON when it gets that far.
"""

from __future__ import annotations

import asyncio
import json
import sys

from pandapon_async import Credentials, PandaPonClient
from pandapon_async.journal import SQLiteJournal


async def main(argv: list[str], order_ids: list[str]) -> int:
    base_url, journal_path = argv[:2]
    chunk_size = int(argv[3]) if len(argv) > 3 else 10
    concurrency = int(argv[4]) if len(argv) > 4 else 2
    # A short lease lets the run resumed after the kill take over the dead run's claims soon.
    lease = float(argv[5]) if len(argv) > 5 else 30.0
    async with SQLiteJournal(journal_path, lease=lease) as journal, PandaPonClient(
        Credentials.from_env(), base_url=base_url, rate_limit=None, retry_backoff=0.001
    ) as client:
        report = await client.bulk.submit_to_pay(
            order_ids, chunk_size=chunk_size, concurrency=concurrency, journal=journal,
            resubmit_grace=0.05,
        )
    print(json.dumps(report.counts))
    return 0


if __name__ == "__main__":
    with open(sys.argv[3], encoding="utf-8") as handle:
        ids = [line.strip() for line in handle if line.strip()]
    sys.exit(asyncio.run(main(sys.argv[1:], ids)))
