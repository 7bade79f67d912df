"""Read orders one at a time and in bulk; cancel the unpaid ones (with the fake).

    python examples/order_lookups.py                       # against the built-in fake
    PANDAPON_ACCESS_KEY=... python examples/order_lookups.py ID [ID ...]   # your orders:
                                                           # reads them, changes nothing
"""

from __future__ import annotations

import asyncio
import sys

from _platform import platform

from pandapon_async import NotFoundError


async def main(argv: list[str]) -> int:
    async with platform() as (client, fake):
        if fake is None:
            order_ids = argv[1:]
            if not order_ids:
                print("with PANDAPON_* set, pass the order ids to read", file=sys.stderr)
                return 2
        else:
            order_ids = fake.alibaba.create_orders(5, amount_fen=2500)
            fake.alibaba.pay(order_ids[0])
            fake.alibaba.pay(order_ids[1])
            fake.alibaba.ship(order_ids[1])
            order_ids.append("2000000000000000001")       # no such order

        # One order: ids are always strings of digits (an int is refused, ValueError).
        try:
            detail = await client.alibaba.orders.get_detail(order_ids[0])
            print(f"{order_ids[0]}: {detail.base_info.status}, "
                  f"{detail.base_info.total_amount} yuan")
        except NotFoundError:
            print(f"{order_ids[0]}: not found")

        # Many orders: every id lands in exactly one bucket of the report.
        lookup = await client.bulk.get_orders(order_ids, concurrency=4)
        for order_id, status in lookup.statuses().items():
            print(f"{order_id}: {status}")
        print(f"not found: {lookup.not_found}; errored: {list(lookup.errored)}")

        if fake is not None:
            unpaid = [oid for oid, status in lookup.statuses().items()
                      if status == "waitbuyerpay"]
            # The same keyword for one order and for many: reason= (free text).
            await client.alibaba.orders.cancel(unpaid[0], reason="不想要了")
            cancelled = await client.bulk.cancel(unpaid[1:], reason="不想要了")
            print(f"cancelled 1 + {len(cancelled.succeeded)} unpaid orders")
            assert fake.alibaba.status(unpaid[0]) == "cancel"
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv)))
