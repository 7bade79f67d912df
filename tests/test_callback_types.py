"""Callback message types: the status and refund types are read in both spellings, with and
without the platform prefix (PandaPon's documented types carry one; the sister platform's
status types do not)."""

from __future__ import annotations

import json

import pytest

from pandapon_async.callbacks import (
    ALIBABA_ORDER_BUYER_REFUND,
    ORDER_BUYER_REFUND,
    ORDER_EVENT_TYPES,
    ORDER_PRICE_MODIFY,
    ORDER_STATUS_TYPES,
    REFUND_TYPES,
    TAOBAO_ORDER_PAY_SUCCESS,
    TAOBAO_PRICE_MODIFY,
    OrderEventBody,
    TaobaoPriceModifyBody,
    parse_message,
    strip_platform_prefix,
    with_platform_prefix,
)

BODY = {"orderId": "200001", "orderStatus": "WAITING_FOR_SENT", "payStatus": 2,
        "totalAmount": "1000", "refundId": "110000300001", "refundStatus": "10"}


def message(message_type: str, body: object = BODY, platform: int = 0) -> bytes:
    return json.dumps({"messageType": message_type, "messageBody": json.dumps(body),
                       "messagePlatform": platform, "timestamp": "1779263269913"}).encode()


@pytest.mark.parametrize("base", sorted(ORDER_STATUS_TYPES | REFUND_TYPES))
@pytest.mark.parametrize("prefix", ["", "TAOBAO_", "1688_"])
def test_every_status_and_refund_type_is_typed_in_both_spellings(base: str, prefix: str) -> None:
    parsed = parse_message(message(prefix + base))
    assert parsed.is_typed and parsed.message_type == prefix + base
    assert isinstance(parsed.body, OrderEventBody)
    assert (parsed.body.order_id, parsed.body.total_amount) == ("200001", 1000)
    assert parsed.body.refund_id == "110000300001"
    assert strip_platform_prefix(parsed.message_type) == base
    assert prefix + base in ORDER_EVENT_TYPES


def test_the_prefixed_constants_spell_the_platform_names() -> None:
    assert TAOBAO_ORDER_PAY_SUCCESS == "TAOBAO_ORDER_PAY_SUCCESS"
    assert ALIBABA_ORDER_BUYER_REFUND == "1688_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND"
    assert with_platform_prefix(ORDER_BUYER_REFUND, 1) == ALIBABA_ORDER_BUYER_REFUND
    with pytest.raises(ValueError, match="platform"):
        with_platform_prefix(ORDER_BUYER_REFUND, 2)
    assert strip_platform_prefix("SOMETHING_ELSE") == "SOMETHING_ELSE"


def test_price_change_types_keep_their_own_bodies() -> None:
    documented = parse_message(message(TAOBAO_PRICE_MODIFY, {"salesOrderId": "88",
                                                             "subOrders": []}))
    assert isinstance(documented.body, TaobaoPriceModifyBody)
    assert documented.body.sales_order_id == "88"
    sister = parse_message(message(ORDER_PRICE_MODIFY, platform=1))
    assert isinstance(sister.body, OrderEventBody)


def test_a_prefixed_type_with_a_malformed_body_is_typed_leniently_or_refused_when_strict() -> None:
    lenient = parse_message(message("1688_ORDER_PAY_SUCCESS", {"totalAmount": "ten"}))
    assert [error.field for error in lenient.body_errors] == ["messageBody.totalAmount"]
    with pytest.raises(ValueError, match=r"messageBody\.totalAmount"):
        parse_message(message("1688_ORDER_PAY_SUCCESS", {"totalAmount": "ten"}), strict=True)
