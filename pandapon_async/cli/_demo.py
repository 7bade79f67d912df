"""``pandapon demo``: pay a few thousand orders against the built-in fake and check the result."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from .._client import PandaPonClient
from ._exit_codes import EXIT_FAILED, EXIT_OK, CLIError
from ._output import out as stdout
from ._output import write_json_file
from ._pay import submit_to_pay
from ._report import print_report_summary, progress_display


async def run_demo(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pandapon-demo-") as scratch:
        journal_path = args.journal or os.path.join(scratch, "journal.sqlite3")
        return await _demo_against_fake(args, journal_path)


async def _demo_against_fake(args: argparse.Namespace, journal_path: str) -> int:
    import time

    from ..testing import FakePandaPon

    out = stdout()
    amount_fen = 1000
    count = args.orders
    async with FakePandaPon(seed=args.seed) as fake:
        order_ids = fake.create_alibaba_orders(count, amount_fen=amount_fen)
        # Some orders that cannot be paid, so the report shows grouped failure reasons:
        # a credit limit that runs out near the end, a few orders cancelled by the seller,
        # a few ids that do not exist, and a few duplicates that must be paid only once.
        short_of_credit = max(1, count // 20)
        cancelled = order_ids[: max(1, count // 300)]
        for order_id in cancelled:
            fake.cancel_order(order_id)
        fake.credit_limit_fen = (count - len(cancelled) - short_of_credit) * amount_fen
        nonexistent = [str(9_000_000_000_000_000_000 + n) for n in range(max(1, count // 1000))]
        duplicates = order_ids[-max(1, count // 500):]
        submitted = [*order_ids, *nonexistent, *duplicates]
        pay_path = "/alibaba/order/batch/submit/to/pay"
        if args.error_rate:
            fake.faults.set_error_rate(args.error_rate, status=500, path=pay_path)
        if args.drop_rate:
            fake.faults.set_processed_then_drop_rate(args.drop_rate, path=pay_path)

        rate = "none" if args.rate is None else f"{args.rate:g} requests/s"
        out.write(
            f"PandaPon demo: a fake platform at {fake.url}, in this process.\n"
            f"  {count:,} unpaid 1688 orders of {amount_fen / 100:.2f} CNY, credit for "
            f"{count - len(cancelled) - short_of_credit:,} of them,\n"
            f"  {len(cancelled)} cancelled by the seller, {len(nonexistent)} ids that do not "
            f"exist, {len(duplicates)} duplicates: {len(submitted):,} ids to pay.\n"
            f"  Faults on the payment endpoint: {args.error_rate:.0%} answered HTTP 500,\n"
            f"  {args.drop_rate:.0%} processed and then the connection dropped. Either way the "
            f"client cannot\n  tell whether those orders were paid: it must find out before "
            f"paying again.\n"
            f"  Chunks of {args.chunk_size}, {args.concurrency} in flight, rate limit {rate}.\n"
            f"  Journal: {journal_path}\n\n"
        )
        out.flush()
        client = PandaPonClient(
            fake.credentials,
            base_url=fake.url,
            rate_limit=args.rate,
            max_concurrency=max(16, args.concurrency * 2),
            retry_backoff=0.01,
            retry_backoff_max=0.1,
            timeout=10.0,
        )
        display = progress_display(args, "paying")
        started = time.monotonic()
        async with client:
            report = await submit_to_pay(client, submitted, args.chunk_size,
                                          args.concurrency, journal_path, display)
        elapsed = time.monotonic() - started

        counts = dict(fake.payment_counts)
        requests = list(fake.requests)
        pay_requests = [r for r in requests if r.path == pay_path]
        faulted = [r for r in pay_requests if r.outcome.startswith("fault")]
        lookups = [r for r in requests if r.path == "/alibaba/order/detail"]

        out.write(f"\nReport ({elapsed:.1f} s, {len(pay_requests)} payment requests of which "
                  f"{len(faulted)} hit a fault, {len(lookups)} order lookups to reconcile):\n")
        print_report_summary(report, out)
        if args.report_json is not None:
            write_json_file(report.to_dict(), args.report_json)

        paid_twice = sorted(order_id for order_id, n in counts.items() if n > 1)
        paid_by_fake = {order_id for order_id, n in counts.items() if n >= 1}
        reported_paid = set(report.success_order_ids)
        distinct = set(submitted)
        bucketed = (len(reported_paid) + len(report.pay_fail_orders) + len(report.errored)
                    + len(report.unknown))
        checks = [
            ("no order paid twice (the fake's own payment counts)", not paid_twice),
            ("every order reported paid was paid exactly once by the fake",
             all(counts.get(order_id, 0) == 1 for order_id in reported_paid)),
            ("every order the fake paid is reported paid or unknown",
             paid_by_fake <= reported_paid | set(report.unknown)),
            (f"every distinct id ({len(distinct):,}) is in exactly one bucket",
             bucketed == len(distinct)),
        ]
        out.write("\nChecked against the fake:\n")
        for text, passed in checks:
            out.write(f"  [{'ok' if passed else 'FAILED'}] {text}\n")
        if paid_twice:
            out.write(f"  paid twice: {', '.join(paid_twice[:10])}\n")
        out.flush()
        if not all(passed for _, passed in checks):
            raise CLIError("the demo found an inconsistency (see above)", EXIT_FAILED)
    out.write("\nNext: `pandapon fake-server` to try `pandapon pay` and `pandapon call` "
              "against it (see the README).\n")
    return EXIT_OK
