"""Property-based proof of bulk payment's money rules against FakePandaPon: random fault
schedules over every fault kind, random duplicates, chunk sizes and concurrency, with and
without a journal, a rerun on the journal, and a process killed with SIGKILL and resumed.

Invariants (DESIGN.md money rules 0, 1, 2, 5): no order is paid twice; every distinct id is
in exactly one bucket; a paid order is never ``errored`` or ``pay_fail``; an order reported
``success`` is paid; a rerun on the journal settles every payable order as paid, once.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandapon_async import PandaPonClient
from pandapon_async.bulk import BulkPayReport
from pandapon_async.journal import MemoryJournal, SQLiteJournal
from pandapon_async.testing import FakePandaPon
from pandapon_async.testing._faults import FAULT_KINDS

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
DETAIL_PATH = "/alibaba/order/detail"
MISSING = "9000000000000000001"
WORKER = Path(__file__).with_name("bulk_pay_worker.py")
CLIENT_TIMEOUT = 0.1
STALL = 0.05  # shorter than nothing: a stall may finish before or after the client's timeout
HOLD = 0.25  # a `timeout` fault holds its answer longer than the client waits


def fault_options(kind: str, status: int) -> dict[str, Any]:
    if kind == "stall":
        return {"delay": random.Random(status).choice([STALL, 2 * CLIENT_TIMEOUT])}
    if kind == "timeout":
        return {"delay": HOLD}
    if kind == "rate_limit":
        return {"retry_after": 0.001}
    if kind == "error":
        # A platform envelope with a 5xx code. (An injected envelope with code 404 would be
        # the platform itself saying an existing order does not exist: the one answer the
        # library must believe, so it is not a fault a real platform produces.)
        return {"status": status if status >= 500 else 500}
    if kind in ("html", "processed_then_html"):
        return {"status": status}
    return {}


faults = st.lists(
    st.tuples(
        st.sampled_from([PAY_PATH, DETAIL_PATH]),
        st.sampled_from(sorted(FAULT_KINDS)),
        st.integers(1, 3),
        st.sampled_from([200, 404, 500, 502, 503]),
    ),
    max_size=6,
)


def make_client(fake: FakePandaPon) -> PandaPonClient:
    return PandaPonClient(
        fake.credentials, base_url=fake.url, rate_limit=None, max_concurrency=8,
        max_retries=1, retry_backoff=0.001, retry_backoff_max=0.002, retry_after_cap=0.005,
        timeout=CLIENT_TIMEOUT,
    )


def check_invariants(
    report: BulkPayReport, fake: FakePandaPon, distinct: set[str], paid_before: set[str]
) -> None:
    counts = fake.payment_counts
    assert all(n <= 1 for n in counts.values()), f"an order was paid twice: {counts}"
    success = set(report.success_order_ids)
    pay_fail = {fail.order_id for fail in report.pay_fail_orders}
    errored, unknown = set(report.errored), set(report.unknown)
    assert len(success) == len(report.success_order_ids)
    assert len(pay_fail) == len(report.pay_fail_orders)
    assert len(unknown) == len(report.unknown)
    assert len(success) + len(pay_fail) + len(errored) + len(unknown) == len(distinct)
    assert success | pay_fail | errored | unknown == distinct
    paid_now = {oid for oid, n in counts.items() if n} - paid_before
    details = (report.to_dict(), [(r.path, r.outcome, r.status) for r in fake.requests])
    # Paid by this run (or an earlier one on the same journal): never errored or pay_fail.
    # Paid before any run: never pay_fail (refusals are read back); `errored` stays possible
    # (a request refused before processing did nothing, and resending it is safe).
    assert not paid_now & (errored | pay_fail), details
    assert not paid_before & pay_fail, details
    assert success <= paid_now | paid_before, details


async def pay_under_faults(
    n_ids: int, duplicates: list[int], paid_before_n: int, cancel_n: int, with_missing: bool,
    schedule: list[tuple[str, str, int, int]], chunk_size: int, concurrency: int,
    journal_kind: str, grace: float, tmp: Path,
) -> None:
    async with FakePandaPon(seed=n_ids * 31 + chunk_size) as fake:
        ids = fake.create_alibaba_orders(n_ids)
        async with make_client(fake) as client:
            paid_before = set(ids[:paid_before_n])
            if paid_before:
                await client.alibaba.orders.batch_submit_to_pay(sorted(paid_before))
            for oid in ids[paid_before_n : paid_before_n + cancel_n]:
                fake.cancel_order(oid)
            given_ids = [*ids, *(ids[i % n_ids] for i in duplicates)]
            if with_missing:
                given_ids.append(MISSING)
            for path, kind, count, status in schedule:
                fake.faults.script(path, kind, count, **fault_options(kind, status))
            journal: Any = None
            if journal_kind == "memory":
                journal = MemoryJournal()
            elif journal_kind == "sqlite":
                journal = SQLiteJournal(tmp / "j.sqlite3", synchronous="NORMAL")
                await journal.open()
            try:
                report = await client.bulk.submit_to_pay(
                    given_ids, chunk_size=chunk_size, concurrency=concurrency,
                    journal=journal, resubmit_grace=grace,
                )
                if any(kind == "stall" for _, kind, _, _ in schedule):
                    # Let stalled requests reach the fake's state before looking at it.
                    await asyncio.sleep(2 * CLIENT_TIMEOUT + 0.02)
                distinct = set(given_ids)
                check_invariants(report, fake, distinct, paid_before)
                if journal is None:
                    return
                # Rerun on the journal without faults: everything payable ends paid, once.
                fake.faults.clear()
                again = await client.bulk.submit_to_pay(
                    given_ids, chunk_size=chunk_size, concurrency=concurrency,
                    journal=journal, resubmit_grace=grace,
                )
                check_invariants(again, fake, distinct, paid_before)
                payable = set(ids) - set(ids[paid_before_n : paid_before_n + cancel_n])
                assert set(again.success_order_ids) == payable, again.to_dict()
                assert all(fake.payment_count(oid) == 1 for oid in payable - paid_before)
            finally:
                if journal_kind == "sqlite":
                    await journal.aclose()


@settings(
    max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    n_ids=st.integers(1, 8),
    duplicates=st.lists(st.integers(0, 7), max_size=4),
    paid_before_n=st.integers(0, 2),
    cancel_n=st.integers(0, 2),
    with_missing=st.booleans(),
    schedule=faults,
    chunk_size=st.integers(1, 5),
    concurrency=st.integers(1, 4),
    journal_kind=st.sampled_from(["none", "memory", "sqlite"]),
    grace=st.sampled_from([0.0, 0.02]),
)
def test_bulk_payment_keeps_the_money_rules_under_any_fault_schedule(
    tmp_path_factory: Any, n_ids: int, duplicates: list[int], paid_before_n: int,
    cancel_n: int, with_missing: bool, schedule: list[tuple[str, str, int, int]],
    chunk_size: int, concurrency: int, journal_kind: str, grace: float,
) -> None:
    """Money rules 0, 1, 2 and 5, over random fault schedules of every fault kind."""
    paid_before_n = min(paid_before_n, n_ids)
    cancel_n = min(cancel_n, n_ids - paid_before_n)
    asyncio.run(pay_under_faults(
        n_ids, duplicates, paid_before_n, cancel_n, with_missing, schedule, chunk_size,
        concurrency, journal_kind, grace, tmp_path_factory.mktemp("pay"),
    ))


async def kill_and_resume(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    async with FakePandaPon(seed=seed) as fake:
        ids = fake.create_alibaba_orders(120)
        fake.faults.set_latency(0.01, path=PAY_PATH)
        for kind in ("processed_then_drop", "processed_then_truncate", "processed_then_html",
                     "html", "error", "stall"):
            fake.faults.set_fault_rate(kind, 0.03, path=PAY_PATH,
                                       **({"delay": STALL} if kind == "stall" else {}))
        fake.faults.set_fault_rate("error", 0.03, path=DETAIL_PATH)
        ids_file = tmp_path / "ids.txt"
        given_ids = [*ids, *rng.sample(ids, 10)]
        ids_file.write_text("\n".join(given_ids) + "\n", encoding="utf-8")
        journal_path = tmp_path / "pay.sqlite3"
        credentials = fake.credentials
        env = {
            **os.environ,
            "PANDAPON_ACCESS_KEY": credentials.access_key,
            "PANDAPON_ACCESS_SECRET": credentials.access_secret,
            "PANDAPON_USER_ID": credentials.user_id,
        }
        worker = await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), fake.url, str(journal_path), str(ids_file),
            str(rng.randint(3, 10)), str(rng.randint(1, 4)), "0.5",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        # Kill at a random point of the run: after a random number of payment requests.
        target = rng.randint(1, 12)
        async with asyncio.timeout(60):
            while True:
                if fake.reached(PAY_PATH) >= target or worker.returncode is not None:
                    break
                await asyncio.sleep(0.001)
        if worker.returncode is None:
            worker.send_signal(signal.SIGKILL)
        await worker.wait()
        await asyncio.sleep(STALL + 0.02)  # stalled requests reach the fake's state
        assert all(n <= 1 for n in fake.payment_counts.values()), "paid twice before resume"

        async with PandaPonClient(
            credentials, base_url=fake.url, rate_limit=None, retry_backoff=0.001,
            timeout=CLIENT_TIMEOUT,
        ) as client, SQLiteJournal(journal_path, lease=0.5) as journal:
            report = await client.bulk.submit_to_pay(
                given_ids, chunk_size=7, concurrency=3, journal=journal, resubmit_grace=0.02
            )
            await asyncio.sleep(STALL + 0.02)
            check_invariants(report, fake, set(ids), set())
            fake.faults.clear()
            final = await client.bulk.submit_to_pay(given_ids, journal=journal)
        check_invariants(final, fake, set(ids), set())
        assert final.ok and sorted(final.success_order_ids) == sorted(ids)
        assert all(fake.payment_count(oid) == 1 for oid in ids)


async def test_a_process_killed_at_random_moments_under_faults_resumes_safely(
    tmp_path: Path,
) -> None:
    """Money rule 2: a run killed with SIGKILL at a random moment, under faults, resumed
    on its SQLite journal: no order paid twice, every id settled once, all paid at the end."""
    for seed in range(4):
        (tmp_path / str(seed)).mkdir()
        await kill_and_resume(seed, tmp_path / str(seed))
