"""Regression tests of issue 10 (money safety) on the bulk and journal side, end to end
against FakePandaPon through the public API."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from _fast_client import fast_client

from pandapon_async import AuthenticationError, Credentials, PandaPonClient
from pandapon_async.bulk import Progress
from pandapon_async.journal import SQLiteJournal
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
DETAIL_PATH = "/alibaba/order/detail"
CANCEL_PATH = "/alibaba/order/cancel"
WORKER = Path(__file__).with_name("bulk_pay_worker.py")

UNREADABLE_AFTER_PROCESSING = [
    "processed_then_truncate", "processed_then_no_code", "processed_then_html",
    "processed_then_bad_data", "processed_then_drop",
]


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=11) as fake:
        yield fake


def make_client(fake: FakePandaPon, **options: Any) -> PandaPonClient:
    return fast_client(fake, **{"max_concurrency": 16, **options})


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with make_client(fake) as client:
        yield client


@pytest.mark.parametrize("kind", UNREADABLE_AFTER_PROCESSING)
async def test_item1_processed_payment_with_an_unreadable_answer_is_read_back_as_success(
    fake: FakePandaPon, client: PandaPonClient, kind: str, tmp_path: Path
) -> None:
    """Money rules 0 and 2: an answer that proves nothing is an unknown outcome, settled by
    reading order state; a rerun on the journal sends nothing."""
    ids = fake.create_alibaba_orders(20)
    fake.faults.script(PAY_PATH, kind)
    journal = tmp_path / "j.sqlite3"
    report = await client.bulk.submit_to_pay(ids, chunk_size=20, journal=journal)
    assert sorted(report.success_order_ids) == sorted(ids) and report.ok
    assert sorted(report.reconciled) == sorted(ids) and not report.resubmitted
    again = await client.bulk.submit_to_pay(ids, journal=journal)
    assert sorted(again.from_journal) == sorted(ids)
    assert fake.reached(PAY_PATH) == 1
    assert all(fake.payment_count(oid) == 1 for oid in ids)


@pytest.mark.parametrize("kind", ["processed_then_truncate", "processed_then_no_code",
                                  "processed_then_html"])
async def test_item1_cancel_really_done_is_reported_succeeded(
    fake: FakePandaPon, client: PandaPonClient, kind: str
) -> None:
    """Money rule 0: a cancellation answered unreadably is read back: really cancelled ->
    succeeded, never failed."""
    ids = fake.create_alibaba_orders(3)
    fake.faults.script(CANCEL_PATH, kind, count=3)
    report = await client.bulk.cancel(ids, reason="buyer changed mind")
    assert sorted(report.succeeded) == sorted(ids), report.to_dict()
    assert sorted(report.reconciled) == sorted(ids)
    assert fake.reached(CANCEL_PATH) == 3


async def test_item2_a_proxy_404_while_reading_back_leaves_the_id_unknown(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Money rule 0: only a platform envelope saying "no such order" settles an order as
    missing; a proxy's HTML 404 leaves it unknown with the reason."""
    ids = fake.create_alibaba_orders(10)
    fake.faults.script(PAY_PATH, "processed_then_drop")
    fake.faults.script(DETAIL_PATH, "html", count=100, status=404)
    report = await client.bulk.submit_to_pay(ids, chunk_size=10)
    assert sorted(report.unknown) == sorted(ids)
    assert not report.pay_fail_orders
    assert all("reading the order failed" in report.unknown_reasons[oid] for oid in ids)
    assert all(fake.payment_count(oid) == 1 for oid in ids)


async def test_item5_an_order_refused_because_already_paid_is_success(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Money rule 5: a refusal is read back before it is filed: paid -> success."""
    ids = fake.create_alibaba_orders(4)
    await client.alibaba.orders.batch_submit_to_pay(ids[:2])
    report = await client.bulk.submit_to_pay(ids)
    assert sorted(report.success_order_ids) == sorted(ids) and not report.pay_fail_orders
    assert sorted(report.already_paid) == sorted(ids[:2])
    assert all(fake.payment_count(oid) == 1 for oid in ids)


async def test_item6_two_processes_on_one_sqlite_journal_pay_each_order_once(
    fake: FakePandaPon, tmp_path: Path
) -> None:
    """Money rules 2 and 5: two runs sharing one SQLite file (two connections, as two
    processes) never send an id the other holds, and a loser's refusal never overwrites
    the winner's success."""
    ids = fake.create_alibaba_orders(200)
    fake.faults.set_latency(0.02, path=PAY_PATH)
    path = tmp_path / "shared.sqlite3"
    async with make_client(fake) as one, make_client(fake) as two, SQLiteJournal(
        path, synchronous="NORMAL"
    ) as j1, SQLiteJournal(path, synchronous="NORMAL") as j2:
        first, second = await asyncio.gather(
            one.bulk.submit_to_pay(ids, chunk_size=10, concurrency=4, journal=j1),
            two.bulk.submit_to_pay([*ids[100:], *ids[:100]], chunk_size=10, concurrency=4,
                                   journal=j2),
        )
        assert await j1.counts() == {"success": 200}
    for report in (first, second):
        assert sorted(report.success_order_ids) == sorted(ids), report.to_dict()["counts"]
    assert all(fake.payment_count(oid) == 1 for oid in ids)
    sent: dict[str, int] = {}
    for request in fake.requests:
        if request.path == PAY_PATH:
            for oid in json.loads(request.body)["orderIds"]:
                sent[str(oid)] = sent.get(str(oid), 0) + 1
    assert set(sent.values()) == {1}, "an id was sent by both runs"


async def test_item7_a_raising_on_progress_is_logged_once_and_the_run_goes_on(
    fake: FakePandaPon, client: PandaPonClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Money rule 6: user code cannot make the library lose an outcome."""
    ids = fake.create_alibaba_orders(40)
    calls: list[Progress] = []

    def broken(progress: Progress) -> None:
        calls.append(progress)
        raise RuntimeError("progress bar crashed")

    with caplog.at_level(logging.ERROR, logger="pandapon_async.bulk"):
        report = await client.bulk.submit_to_pay(ids, chunk_size=5, on_progress=broken)
        actions = await client.bulk.cancel(ids[:2], reason="x", on_progress=broken)
    assert sorted(report.success_order_ids) == sorted(ids) and len(calls) >= 8
    assert actions.total == 2
    logged = [r for r in caplog.records if "on_progress raised" in r.getMessage()]
    assert len(logged) == 2  # once per run


async def test_item12_the_first_authentication_refusal_stops_the_run(
    fake: FakePandaPon,
) -> None:
    """Money rule 1: a wrong secret does not send every chunk; unsent ids are errored with
    the refusal, and at most the chunks in flight were sent."""
    ids = fake.create_alibaba_orders(200)
    wrong = Credentials(fake.credentials.access_key, "not-the-secret", "u")
    async with PandaPonClient(wrong, base_url=fake.url, rate_limit=None) as client:
        report = await client.bulk.submit_to_pay(ids, chunk_size=10, concurrency=2)
    assert set(report.errored) == set(ids)
    assert all(isinstance(e, AuthenticationError) for e in report.errored.values())
    assert fake.reached(PAY_PATH) <= 2
    assert not fake.payment_counts


async def test_item13_a_stalled_payment_is_read_again_after_the_grace_not_resent(
    fake: FakePandaPon,
) -> None:
    """Money rule 2: before resubmitting after an unknown outcome, wait the grace and read
    again; the stalled payment is found paid and not sent twice."""
    ids = fake.create_alibaba_orders(5)
    fake.faults.script(PAY_PATH, "stall", delay=0.5)
    async with make_client(fake, timeout=0.2, max_retries=0) as client:
        report = await client.bulk.submit_to_pay(ids, resubmit_grace=1.0)
    assert sorted(report.success_order_ids) == sorted(ids)
    assert not report.resubmitted and fake.reached(PAY_PATH) == 1
    with pytest.raises(ValueError, match="resubmit_grace"):
        await client.bulk.submit_to_pay(ids, resubmit_grace=-1)


async def test_item1_confirm_receipt_really_done_is_reported_succeeded(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Money rule 0: a receipt confirmation answered with a truncated body is read back:
    received -> succeeded, sent once."""
    ids = fake.create_alibaba_orders(3)
    await client.alibaba.orders.batch_submit_to_pay(ids)
    for oid in ids:
        fake.ship_order(oid)
    fake.faults.script("/alibaba/order/receivegoods", "processed_then_truncate", count=3)
    report = await client.bulk.confirm_receipt(ids)
    assert sorted(report.succeeded) == sorted(ids), report.to_dict()
    assert sorted(report.reconciled) == sorted(ids)
    assert fake.reached("/alibaba/order/receivegoods") == 3


async def test_item6_two_real_processes_sharing_a_journal_file_send_each_id_once(
    fake: FakePandaPon, tmp_path: Path
) -> None:
    """Money rules 2 and 5: two OS processes paying overlapping ids through one SQLite
    journal file: each id is sent by one of them only, paid once, and the journal ends
    `success` for all."""
    ids = fake.create_alibaba_orders(120)
    # Slow payments keep both runs in flight together over the 60 ids they share.
    fake.faults.set_latency(0.05, path=PAY_PATH)
    journal_path = tmp_path / "shared.sqlite3"
    files = []
    for name, part in (("a", ids[:90]), ("b", list(reversed(ids[30:])))):
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(part) + "\n", encoding="utf-8")
        files.append(path)
    credentials = fake.credentials
    env = {
        **os.environ,
        "PANDAPON_ACCESS_KEY": credentials.access_key,
        "PANDAPON_ACCESS_SECRET": credentials.access_secret,
        "PANDAPON_USER_ID": credentials.user_id,
    }
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), fake.url, str(journal_path), str(path), "5", "3",
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for path in files
    ]
    outputs = await asyncio.gather(*(worker.communicate() for worker in workers))
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()
    counts = [json.loads(out) for out, _ in outputs]
    # Each of the 60 shared ids was paid by one run and reported from the journal by the other.
    assert counts[0]["from_journal"] + counts[1]["from_journal"] == 60
    assert counts[0]["succeeded"] == 90 and counts[1]["succeeded"] == 90
    assert counts[0]["total"] == counts[1]["total"] == 90
    assert all(fake.payment_count(oid) == 1 for oid in ids)
    sent: dict[str, int] = {}
    for request in fake.requests:
        if request.path == PAY_PATH:
            for oid in json.loads(request.body)["orderIds"]:
                sent[str(oid)] = sent.get(str(oid), 0) + 1
    assert sorted(sent) == sorted(ids) and set(sent.values()) == {1}
    async with SQLiteJournal(journal_path) as journal:
        assert await journal.counts() == {"success": 120}
