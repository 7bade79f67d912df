"""``BulkLookupReport.found`` keeps details compactly and decodes them on access (issue 17)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pandapon_async import PandaPonClient
from pandapon_async.bulk import BulkLookupReport
from pandapon_async.models import AlibabaOrderDetail, structure, unstructure
from pandapon_async.testing import FakePandaPon


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=17) as fake:
        yield fake


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None) as client:
        yield client


async def test_found_details_equal_what_get_detail_decodes_on_every_access(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 7 (amounts never silently changed): a kept detail is the model the platform's
    answer decoded to, equal field for field (decimal yuan included) and re-encoding to the
    same JSON, however often it is read."""
    ids = fake.create_alibaba_orders(6)
    report = await client.bulk.get_orders(ids)
    assert report.ok and list(report.found) == ids
    for oid in ids:
        direct = await client.alibaba.orders.get_detail(oid)
        kept = report.found[oid]
        assert isinstance(kept, AlibabaOrderDetail)
        assert kept == direct and report.found[oid] == direct
        assert unstructure(kept) == unstructure(direct)
    assert report.statuses() == {oid: "waitbuyerpay" for oid in ids}
    details = report.to_dict(include_details=True)["details"]
    assert details == {oid: unstructure(report.found[oid]) for oid in ids}


async def test_a_read_detail_is_a_copy_and_found_is_read_only(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    ids = fake.create_alibaba_orders(2)
    report = await client.bulk.get_orders(ids)
    first = report.found[ids[0]]
    assert first is not report.found[ids[0]]
    first.extra["note"] = "mine"
    assert report.found[ids[0]].extra == {}
    with pytest.raises(TypeError):
        report.found[ids[1]] = first  # type: ignore[index]
    assert ids[0] in report.found and "1" not in report.found and len(report.found) == 2


async def test_unknown_keys_and_absent_keys_survive_being_kept(client: PandaPonClient) -> None:
    """Rule 7 (amounts never silently changed): keys the model does not declare (a wide
    integer, a yuan string) stay in ``extra`` exactly, and keys the platform left out stay out,
    after the detail is kept and read back."""
    async with FakePandaPon(seed=3) as other:
        oid = other.create_alibaba_orders(1)[0]
        async with PandaPonClient(other.credentials, base_url=other.url) as reader:
            wire = unstructure(await reader.alibaba.orders.get_detail(oid))
    wire = copy.deepcopy(wire)
    wire["brandNewKey"] = {"nested": [1, "2", None], "price": "12.30"}
    wire["baseInfo"]["futureField"] = 19_000_000_000_000_000_123
    del wire["productItems"]
    variants = {"a": wire, "b": {**wire, "brandNewKey": [True, 1.5]}}

    async def fetch(order_id: str) -> Any:
        return structure(copy.deepcopy(variants[order_id]), AlibabaOrderDetail)

    report = await client.bulk.get_orders(["a", "b"], fetch=fetch)
    for order_id, sent in variants.items():
        kept = report.found[order_id]
        assert kept == structure(copy.deepcopy(sent), AlibabaOrderDetail)
        assert unstructure(kept) == unstructure(structure(copy.deepcopy(sent),
                                                          AlibabaOrderDetail))
        assert kept.extra["brandNewKey"] == sent["brandNewKey"]
    assert "productItems" not in unstructure(report.found["a"])


async def test_what_select_or_a_custom_fetch_returns_is_kept_as_it_is(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    ids = fake.create_alibaba_orders(2)
    raw = await client.bulk.get_orders(ids, select=lambda d: b"bytes:" + d.order_id.encode())
    assert raw.found == {oid: b"bytes:" + oid.encode() for oid in ids}
    plain = {"orderId": "T-1", "baseInfo": {"status": "Success"}}

    async def fetch(order_id: str) -> dict[str, Any]:
        return plain

    dicts = await client.bulk.get_orders(["T-1"], fetch=fetch)
    assert dicts.found["T-1"] is plain
    assert dicts.statuses() == {"T-1": "success"}


def test_a_report_built_from_a_dict_keeps_its_details() -> None:
    report = BulkLookupReport(found={"1": "waitbuyerpay", "2": {"baseInfo": {"status": "X"}}},
                              not_found=["3"])
    assert report.found == {"1": "waitbuyerpay", "2": {"baseInfo": {"status": "X"}}}
    assert report.statuses() == {"1": "waitbuyerpay", "2": "x"}
    assert report.counts["found"] == 2 and report.total == 3 and not report.ok
    assert report.to_dict()["found"] == ["1", "2"]
