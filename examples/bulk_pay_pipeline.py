"""Pay many 1688 orders with a journal, read them back, confirm receipt; safe to run again.

    python examples/bulk_pay_pipeline.py                 # against the built-in fake
    PANDAPON_ACCESS_KEY=... python examples/bulk_pay_pipeline.py ids.txt   # your account:
                                                         # pays the orders listed in ids.txt
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile

from _platform import platform, read_ids

from pandapon_async.bulk import Progress
from pandapon_async.journal import SQLiteJournal


def show(progress: Progress) -> None:
    print(f"\r{progress.done}/{progress.total or 0} paid={progress.succeeded} "
          f"failed={progress.failed}", end="", file=sys.stderr)


async def main(argv: list[str]) -> int:
    async with platform(max_concurrency=8) as (client, fake):
        if fake is None:
            if len(argv) != 2:
                print("with PANDAPON_* set, pass a file of the order ids to pay", file=sys.stderr)
                return 2
            order_ids = read_ids(argv[1])
            journal_path = "payments.sqlite3"
        else:
            order_ids = fake.alibaba.create_orders(120, amount_fen=1000)
            fake.credit_limit_fen = 100_000          # the last 20 are refused: "账户额度不足"
            journal_path = os.path.join(tempfile.mkdtemp(), "payments.sqlite3")

        # The journal makes a second run (after a crash, a deploy, Ctrl-C) pay nothing twice.
        async with SQLiteJournal(journal_path) as journal:
            report = await client.bulk.submit_to_pay(
                order_ids, chunk_size=50, concurrency=4, journal=journal, on_progress=show
            )
        print(f"\npaid {len(report.success_order_ids)}, refused {len(report.pay_fail_orders)}, "
              f"errored {len(report.errored)}, unknown {len(report.unknown)}")
        for fail in report.pay_fail_orders[:3]:
            print(f"  refused {fail.order_id}: {fail.error_reason}")

        if fake is not None:
            for order_id in report.success_order_ids:
                fake.alibaba.ship(order_id)           # the seller ships

        lookup = await client.bulk.get_orders(report.success_order_ids, concurrency=8)
        shipped = [oid for oid, status in lookup.statuses().items()
                   if status == "waitbuyerreceive"]
        received = await client.bulk.confirm_receipt(shipped)   # entry ids are looked up
        print(f"confirmed receipt of {len(received.succeeded)} orders")

        again = await client.bulk.submit_to_pay(order_ids, journal=journal_path)
        print(f"second run: {len(again.from_journal)} ids answered from the journal")
        if fake is not None:
            assert all(fake.payment_count(oid) <= 1 for oid in order_ids), "paid twice"
            return 0
        return 2 if report.unknown else (0 if report.ok else 1)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv)))
