"""Input refused before sending, and answers decoded by one rule (issue 10, items 8, 10, 11).

Each test sends through the public API to FakePandaPon on 127.0.0.1 and asserts, from the
fake's request log, that nothing reached it when the input was bad.
"""

# ruff: noqa: RUF009 - field() builds attrs field specifiers, not shared defaults.

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import attrs
import pytest

from pandapon_async import PandaPonClient
from pandapon_async.models import (
    AlibabaKeywordSearchRequest,
    BatchPayResult,
    structure,
    unstructure,
)
from pandapon_async.models._base import Missing, Model, field
from pandapon_async.resources import ENDPOINTS
from pandapon_async.testing import FakePandaPon


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=3) as server:
        yield server

@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None) as api:
        yield api

@attrs.define(kw_only=True, repr=False)
class _Amounts(Model):
    sum_payment: int | Missing | None = field()
    paid: bool | Missing | None = field()
    total_amount: Decimal | Missing | None = field()

# --- booleans: one rule everywhere (item 8) ---------------------------------------------------

@pytest.mark.parametrize(("wire", "expected"), [
    (True, True), (False, False), ("true", True), ("false", False), ("TRUE", True),
    ("1", True), ("0", False), (1, True), (0, False),
])
def test_booleans_from_text_and_numbers_follow_one_rule(wire: Any, expected: bool) -> None:
    """Rule 0: a "false" read as True once made a failed cancel look done."""
    assert structure({"paid": wire}, _Amounts).paid is expected
    assert ENDPOINTS["POST /alibaba/order/cancel"].decode(wire) is expected

@pytest.mark.parametrize("wire", ["yes", "no", "", 2, -1, 0.5, [], {}])
def test_a_value_that_is_not_a_boolean_is_a_decode_error_naming_the_field(wire: Any) -> None:
    """Rule 0: an answer that does not decode proves nothing; it is never guessed."""
    with pytest.raises(ValueError, match=r"_Amounts\.paid"):
        structure({"paid": wire}, _Amounts)
    with pytest.raises(ValueError, match="/alibaba/order/cancel data"):
        ENDPOINTS["POST /alibaba/order/cancel"].decode(wire)

async def test_cancel_answered_false_as_text_reads_false(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 0: ``data: "false"`` is a refusal, not a success."""
    [order_id] = fake.create_alibaba_orders(1)
    decoded = ENDPOINTS["POST /alibaba/order/cancel"].decode("false")
    assert decoded is False
    assert await client.alibaba.orders.cancel(order_id, "no longer needed") is True

# --- money: integer fen never truncated, Decimals without exponent (item 10) -----------------

@pytest.mark.parametrize("wire", [12.99, True, False, "12.5", "twelve", 1e400, [12]])
def test_an_integer_fen_field_refuses_fractions_and_booleans_naming_the_field(wire: Any) -> None:
    """Rule 7: an amount is never silently changed (12.99 once became 12, true became 1)."""
    with pytest.raises(ValueError, match=r"_Amounts\.sumPayment"):
        structure({"sumPayment": wire}, _Amounts)

@pytest.mark.parametrize(("wire", "expected"), [(1299, 1299), (1299.0, 1299), ("1299", 1299)])
def test_an_integer_fen_field_takes_whole_numbers_in_any_json_form(
    wire: Any, expected: int
) -> None:
    """Rule 7: a whole number of fen is kept exactly."""
    assert structure({"sumPayment": wire}, _Amounts).sum_payment == expected

@pytest.mark.parametrize("amount", [Decimal("0.00001"), Decimal("1E+2"), Decimal("12.30")])
async def test_decimal_price_filters_go_out_without_exponent(
    fake: FakePandaPon, client: PandaPonClient, amount: Decimal
) -> None:
    """Rule 7: a yuan filter is sent as plain decimal text (``1e-05`` is another number
    format; the documented JSON type of ``priceStart`` is a string)."""
    await client.alibaba.goods.search_keywords("杯", price_start=amount, price_end=amount)
    sent = json.loads(fake.requests[-1].body)
    assert sent["priceStart"] == sent["priceEnd"] == format(amount, "f")
    assert "E" not in sent["priceStart"] and "e" not in sent["priceStart"]
    wire = unstructure(AlibabaKeywordSearchRequest(keyword="x", price_start=amount))
    assert wire["priceStart"] == format(amount, "f")

@pytest.mark.parametrize(("wire", "expected"), [("89.57", "89.57"), (6.15, 6.15)])
def test_yuan_amounts_re_encode_as_the_platform_sent_them(wire: Any, expected: Any) -> None:
    """Rule 7: ``"89.57"`` stays text, ``6.15`` stays a number, and both are Decimals."""
    decoded = structure({"totalAmount": wire}, _Amounts)
    assert decoded.total_amount == Decimal(str(wire))
    assert unstructure(decoded) == {"totalAmount": expected}

def test_required_empty_lists_survive_a_round_trip() -> None:
    """Rule 0: ``payFailOrders: []`` is an answer, and re-encoding keeps it."""
    documented = {"successOrderIds": [], "payFailOrders": []}
    assert unstructure(structure(documented, BatchPayResult)) == documented
    assert unstructure(structure({"successOrderIds": ["1"]}, BatchPayResult)) == {
        "successOrderIds": ["1"]}

# --- input refused before sending (item 11) ----------------------------------------------------

@pytest.mark.parametrize(("call", "field_name"), [
    (lambda c: c.alibaba.orders.get_detail(""), "order_id"),
    (lambda c: c.alibaba.orders.get_detail("  "), "order_id"),
    (lambda c: c.alibaba.orders.get_pay_url("12a"), "order_id"),
    (lambda c: c.alibaba.orders.get_pay_url("１２", version=2), "order_id"),
    (lambda c: c.alibaba.orders.batch_submit_to_pay(["2059624776425880794", "x1"]), "order_ids"),
    (lambda c: c.taobao.goods.get_product(""), "item_id"),
    (lambda c: c.taobao.goods.get_product("   "), "item_id"),
    (lambda c: c.taobao.orders.update_warehouse("10242852375735840x"), "order_id"),
    (lambda c: c.alibaba.orders.cancel("0012", "no longer needed"), "order_id"),
    (lambda c: c.alibaba.orders.confirm_receipt("2059624776425880794", ["007"]),
     "order_entry_ids"),
    (lambda c: c.alibaba.orders.cancel("2059624776425880794", ""), "cancel_reason"),
    (lambda c: c.alibaba.orders.cancel("2059624776425880794", " \t"), "cancel_reason"),
])
async def test_bad_ids_and_empty_reasons_are_refused_before_sending(
    fake: FakePandaPon, client: PandaPonClient, call: Any, field_name: str
) -> None:
    """Rule 1: "0012" would cancel order 12; nothing ambiguous is sent."""
    with pytest.raises(ValueError, match=field_name):
        await call(client)
    assert fake.requests == []

async def test_call_refuses_nan_and_infinity_in_the_json_body(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: invalid JSON is never put on the wire."""
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="json"):
            await client.call("POST", "/alibaba/order/detail", json={"orderId": "1", "x": bad})
    assert fake.requests == []

async def test_call_with_params_that_are_not_a_mapping_is_a_type_error(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: a malformed call is refused before anything is sent."""
    with pytest.raises(TypeError, match="params"):
        await client.call("GET", "/alibaba/order/pay/url", params=[("orderId", "1")])  # type: ignore[arg-type]
    assert fake.requests == []

@pytest.mark.parametrize("entries", [["a"], ["0012"], [True], ["1", ""]])
async def test_bulk_confirm_receipt_checks_entry_ids_before_reading_or_sending(
    fake: FakePandaPon, client: PandaPonClient, entries: list[Any]
) -> None:
    """Rule 1: a bad entry id is the caller's mistake, found before any request."""
    [order_id] = fake.create_alibaba_orders(1)
    with pytest.raises(ValueError, match="order_entry_ids"):
        await client.bulk.confirm_receipt({order_id: entries})
    assert fake.requests == []


def test_a_bad_amount_deep_in_an_answer_names_its_model_and_field() -> None:
    """Rule 7: the error says where the amount was, so nobody guesses a fix."""
    from pandapon_async.models import AlibabaOrderDetail

    with pytest.raises(ValueError, match=r"AlibabaOrderBaseInfo\.totalAmount"):
        structure({"baseInfo": {"totalAmount": True}}, AlibabaOrderDetail)
    with pytest.raises(ValueError, match=r"AlibabaOrderProductItem\.quantity"):
        structure({"productItems": [{"quantity": "NaN"}]}, AlibabaOrderDetail)
    with pytest.raises(ValueError, match=r"_Amounts\.totalAmount"):
        structure({"totalAmount": "Infinity"}, _Amounts)


@pytest.mark.parametrize("flag", [False, "false", "FALSE", 0, "0"])
async def test_a_1688_failure_flag_as_text_is_a_business_error(flag: Any) -> None:
    """Rule 0: ``success: "false"`` inside a 200 envelope is a refusal, never a success."""
    from aioresponses import aioresponses

    from pandapon_async import BusinessError, Credentials

    async with PandaPonClient(Credentials("AK", "SK", "1"), base_url="http://127.0.0.1:9",
                              rate_limit=None, max_retries=0) as client:
        with aioresponses() as mocked:
            mocked.post("http://127.0.0.1:9/alibaba/order/receivegoods", payload={
                "requestId": "r", "code": 200, "msg": "成功",
                "data": {"success": flag, "errorCode": "E1", "errorMsg": "not shipped"}})
            with pytest.raises(BusinessError, match="E1"):
                await client.alibaba.orders.confirm_receipt("2059624776425880794", ["1"])


@pytest.mark.parametrize("amount", [12.99, True, "1299"])
async def test_an_integer_fen_amount_in_a_request_is_refused_not_truncated(
    fake: FakePandaPon, client: PandaPonClient, amount: Any
) -> None:
    """Rule 7: ``apply_payment=12.99`` is not silently sent as 12 fen."""
    with pytest.raises(ValueError, match="apply_payment"):
        await client.alibaba.refunds.create(
            "2059624776425880794", dispute_request="refund", apply_payment=amount,
            apply_carriage=0, apply_reason_id="20006", description="d", goods_status="s")
    assert fake.requests == []
