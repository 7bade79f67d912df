"""Bulk lookups, cancellation and receipt confirmation against FakePandaPon."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pandapon_async import NotFoundError, PandaPonClient
from pandapon_async.bulk import BulkError, Progress
from pandapon_async.testing import FakePandaPon

DETAIL_PATH = "/alibaba/order/detail"
CANCEL_PATH = "/alibaba/order/cancel"
RECEIVE_PATH = "/alibaba/order/receivegoods"


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=11) as fake:
        yield fake


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(
        fake.credentials, base_url=fake.url, rate_limit=None, retry_backoff=0.001,
        retry_backoff_max=0.005, max_concurrency=16,
    ) as client:
        yield client


async def paid_and_shipped(fake: FakePandaPon, client: PandaPonClient, count: int) -> list[str]:
    ids = fake.create_alibaba_orders(count)
    report = await client.bulk.submit_to_pay(ids)
    assert report.ok
    for oid in ids:
        fake.ship_order(oid)
    return ids


async def test_get_orders_tells_found_not_found_and_failed_apart(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    ids = fake.create_alibaba_orders(30)
    missing = "9000000000000000007"
    fake.faults.script(DETAIL_PATH, "error", count=4, status=503)  # one id fails all retries
    seen: list[Progress] = []
    async with PandaPonClient(
        fake.credentials, base_url=fake.url, rate_limit=None, retry_backoff=0.001,
        max_retries=3,
    ) as strict:
        report = await strict.bulk.get_orders(
            [*ids, missing, ids[0]], concurrency=1, on_progress=seen.append
        )
    assert report.total == 31 and report.duplicates == [ids[0]]
    assert report.not_found == [missing]
    assert len(report.errored) == 1 and len(report.found) == 29
    assert set(report.found) | set(report.errored) == set(ids)
    detail = next(iter(report.found.values()))
    assert detail.base_info.status == "waitbuyerpay"
    assert set(report.statuses().values()) == {"waitbuyerpay"}
    assert seen[-1].done == seen[-1].total == 31
    exported = json.loads(report.to_json(include_details=True))
    assert exported["counts"] == {"total": 31, "found": 29, "not_found": 1, "errored": 1,
                                  "duplicates": 1}
    some_id = next(iter(report.found))
    assert exported["details"][some_id]["baseInfo"]["idOfStr"] == some_id
    with pytest.raises(BulkError, match="1 not found"):
        report.raise_for_failures()

    statuses_only = await client.bulk.get_orders(ids[:3], select=lambda d: d.status)
    assert statuses_only.found == dict.fromkeys(ids[:3], "waitbuyerpay")
    assert statuses_only.statuses() == statuses_only.found


async def test_get_orders_with_a_user_supplied_fetch(client: PandaPonClient) -> None:
    async def taobao_detail(order_id: str) -> dict[str, Any]:
        if order_id == "T-missing":
            raise NotFoundError("no such order", code=404)
        if order_id == "T-broken":
            raise RuntimeError("parser bug")
        return {"orderId": order_id, "status": 10}

    report = await client.bulk.get_orders(
        ["T-1", "T-2", "T-missing", "T-broken"], fetch=taobao_detail
    )
    assert report.found == {"T-1": {"orderId": "T-1", "status": 10},
                            "T-2": {"orderId": "T-2", "status": 10}}
    assert report.not_found == ["T-missing"]
    assert isinstance(report.errored["T-broken"], RuntimeError)
    with pytest.raises(ValueError, match="order id"):
        await client.bulk.get_orders(["12 3"])


async def test_bulk_cancel_reports_each_order(fake: FakePandaPon, client: PandaPonClient) -> None:
    ids = fake.create_alibaba_orders(6)
    paid = await client.bulk.submit_to_pay(ids[:1])
    assert paid.ok
    fake.faults.script(CANCEL_PATH, "processed_then_drop")  # cancelled, answer lost
    missing = "9000000000000000009"

    report = await client.bulk.cancel([*ids[1:], missing, ids[0]], reason="不想要了",
                                      concurrency=1)

    assert sorted(report.succeeded) == sorted(ids[1:])
    assert set(report.failed) == {ids[0], missing}
    assert "不允许取消" in report.failed[ids[0]]
    assert len(report.reconciled) == 1 and report.resubmitted == []
    assert all(fake.order_status(oid) == "cancel" for oid in ids[1:])
    assert fake.order_status(ids[0]) == "waitsellersend"
    assert report.to_dict()["counts"]["succeeded"] == 5
    with pytest.raises(ValueError, match="reason"):
        await client.bulk.cancel(ids, reason=" ")


async def test_cancel_with_an_unknown_outcome_and_no_effect_is_sent_once_more(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    ids = fake.create_alibaba_orders(2)
    fake.faults.script(CANCEL_PATH, "error", status=500)  # refused before acting
    report = await client.bulk.cancel(ids, reason="不想要了", concurrency=1)
    assert report.ok and len(report.resubmitted) == 1
    assert all(fake.order_status(oid) == "cancel" for oid in ids)


async def test_confirm_receipt_with_entry_ids_or_looked_up(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    ids = await paid_and_shipped(fake, client, 4)
    entries = {
        oid: [str(item["subItemID"]) for item in fake.order_detail(oid)["productItems"]]
        for oid in ids[:2]
    }
    given = await client.bulk.confirm_receipt(entries)
    assert given.ok and sorted(given.succeeded) == sorted(ids[:2])

    fake.faults.script(RECEIVE_PATH, "processed_then_drop")
    looked_up = await client.bulk.confirm_receipt(ids, concurrency=1)
    assert looked_up.ok and sorted(looked_up.succeeded) == sorted(ids)
    assert all(fake.order_status(oid) == "confirm_goods" for oid in ids)
    # The first two were already received: read, not sent again.
    receipts = [json.loads(r.body)["orderId"] for r in fake.requests if r.path == RECEIVE_PATH]
    assert sorted(str(oid) for oid in receipts) == sorted([*ids[:2], *ids[2:]])
    assert len(looked_up.reconciled) == 1


async def test_confirm_receipt_refusals_are_failed(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    unpaid = fake.create_alibaba_orders(1)[0]
    report = await client.bulk.confirm_receipt({unpaid: ["1"]})
    assert set(report.failed) == {unpaid} and not report.ok
    assert "不允许确认收货" in report.failed[unpaid]
    with pytest.raises(ValueError, match="entry ids"):
        await client.bulk.confirm_receipt({unpaid: []})


class CountingLimiter:
    """A RateLimiter that lets everything through and counts."""

    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1

    def pause(self, seconds: float) -> None:
        return None


async def test_bulk_work_goes_through_the_clients_limiter(fake: FakePandaPon) -> None:
    limiter = CountingLimiter()
    ids = fake.create_alibaba_orders(20)
    async with PandaPonClient(
        fake.credentials, base_url=fake.url, rate_limiter=limiter, max_concurrency=4
    ) as client:
        view = client.with_options(timeout=5.0)
        async with view.bulk.map(view.alibaba.orders.get_detail, ids) as outcomes:
            statuses = [outcome.unwrap().status async for outcome in outcomes]
        lookup = await client.bulk.get_orders(ids)
    assert statuses == ["waitbuyerpay"] * 20 and lookup.ok
    assert limiter.acquired == len(fake.requests) == 40
