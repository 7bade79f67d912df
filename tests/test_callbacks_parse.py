"""verify_signature and parse_message: pure functions, no network."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest

from pandapon_async.callbacks import (
    CallbackParseError,
    MessagePlatform,
    OrderEventBody,
    SignatureVerificationError,
    TaobaoPriceModifyBody,
    TaobaoSubOrder,
    parse_message,
    verify_signature,
)

SECRET = "callback-secret-🐼"
PUSH_MS = 1_700_000_000_123


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(message_type: str, body: Any, *, platform: Any = 0, timestamp: Any = None) -> bytes:
    document = {
        "messageType": message_type,
        "messageBody": body,
        "messagePlatform": platform,
        "timestamp": str(PUSH_MS) if timestamp is None else timestamp,
    }
    return json.dumps(document, ensure_ascii=False).encode()


TAOBAO_BODY = {
    "salesOrderId": "88",
    "subOrders": [
        {
            "purchase_order_outer_id": "74",
            "purchase_order_line_outer_id": "50",
            "close_time_without_payment": "2002-07-21 12:14:43",
            "detail_error_code": "95",
            "product_amount": "69",
            "logistic_company_name": "连能格",
            "logistic_number": "10",
            "quantity": 6,
            "sku_id": "3452545926724",
        }
    ],
    "purchaseOrderPriceDTO": {"totalPrice": 690, "postFee": 0},
}


# ---------------------------------------------------------------------------- verify_signature


class TestVerifySignature:
    body = envelope("ORDER_PAY_SUCCESS", {"orderId": "1"})

    def test_accepts_lower_hex(self) -> None:
        verify_signature(self.body, sign(self.body), SECRET)

    def test_accepts_upper_hex_and_surrounding_whitespace(self) -> None:
        verify_signature(self.body, f"  {sign(self.body).upper()}\t\n", SECRET)

    def test_refuses_signature_of_another_body(self) -> None:
        tampered = self.body.replace(b'"1"', b'"2"')
        with pytest.raises(SignatureVerificationError):
            verify_signature(tampered, sign(self.body), SECRET)

    def test_refuses_signature_made_with_another_secret(self) -> None:
        with pytest.raises(SignatureVerificationError):
            verify_signature(self.body, sign(self.body, "other"), SECRET)

    @pytest.mark.parametrize("header", [None, "", "   "])
    def test_refuses_missing_or_empty_header(self, header: str | None) -> None:
        with pytest.raises(SignatureVerificationError, match="no Authorization"):
            verify_signature(self.body, header, SECRET)

    @pytest.mark.parametrize("header", ["not-hex", "é" * 64, "Bearer abc", "0" * 64])
    def test_refuses_garbage_without_crashing(self, header: str) -> None:
        with pytest.raises(SignatureVerificationError):
            verify_signature(self.body, header, SECRET)

    def test_error_never_reveals_secret_or_expected_signature(self) -> None:
        with pytest.raises(SignatureVerificationError) as caught:
            verify_signature(self.body, "0" * 64, SECRET)
        text = str(caught.value) + repr(caught.value)
        assert SECRET not in text
        assert sign(self.body) not in text.lower()


# ------------------------------------------------------------------------------ parse_message


def test_taobao_price_change_is_typed_with_snake_case_sub_orders() -> None:
    message = parse_message(envelope("TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", TAOBAO_BODY))

    assert message.message_type == "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"
    assert message.platform is MessagePlatform.TAOBAO
    assert message.timestamp == dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.UTC)
    assert isinstance(message.body, TaobaoPriceModifyBody)
    assert message.body.sales_order_id == "88"
    assert message.body.purchase_order_price == {"totalPrice": 690, "postFee": 0}
    assert message.body.sub_orders == [
        TaobaoSubOrder(
            purchase_order_outer_id="74",
            purchase_order_line_outer_id="50",
            close_time_without_payment="2002-07-21 12:14:43",
            detail_error_code="95",
            product_amount=69,
            logistic_company_name="连能格",
            logistic_number="10",
            quantity=6,
            extra={"sku_id": "3452545926724"},
        )
    ]
    assert message.is_typed


def test_message_body_as_json_text_equals_message_body_as_object() -> None:
    as_object = parse_message(envelope("TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", TAOBAO_BODY))
    as_text = parse_message(
        envelope(
            "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
            json.dumps(TAOBAO_BODY, ensure_ascii=False),
        )
    )
    assert as_text.body == as_object.body
    assert as_text.message_id == as_object.message_id
    assert isinstance(as_text.raw["messageBody"], str)  # raw keeps the wire form


@pytest.mark.parametrize(
    "message_type",
    [
        "ORDER_CREATE",
        "ORDER_CANCEL",
        "ORDER_PAY_SUCCESS",
        "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
        "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
    ],
)
def test_order_status_and_refund_messages_are_typed(message_type: str) -> None:
    body = {
        "orderId": 2059624776425880794,
        "orderNo": "PP20240101",
        "orderStatus": "WAITING_FOR_SENT",
        "payStatus": 2,
        "totalAmount": "1000",
        "shippingFee": 0,
        "productAmount": 1000,
        "refundAmount": None,
        "refundStatus": 10,
        "closeReason": None,
        "tbCreateTime": "2024-01-01 10:00:00",
        "payTime": 1704074400000,
        "newField": [1, 2],
    }
    message = parse_message(envelope(message_type, body, platform=1))

    assert message.platform is MessagePlatform.ALIBABA_1688
    assert message.body == OrderEventBody(
        order_id="2059624776425880794",
        order_no="PP20240101",
        order_status="WAITING_FOR_SENT",
        pay_status=2,
        total_amount=1000,
        shipping_fee=0,
        product_amount=1000,
        refund_amount=None,
        refund_status="10",
        close_reason=None,
        tb_create_time="2024-01-01 10:00:00",
        pay_time="1704074400000",
        extra={"newField": [1, 2]},
    )


def test_1688_price_change_body_is_a_buyer_view_order_detail() -> None:
    from pandapon_async.models.alibaba import AlibabaOrderDetail

    detail = {
        "baseInfo": {
            "id": 2059624776425880794,
            "idOfStr": "2059624776425880794",
            "status": "waitbuyerpay",
            "totalAmount": 6.15,
        },
        "productItems": [{"subItemID": 2059624776426880794, "quantity": 1, "price": 6.15}],
    }
    message = parse_message(
        envelope("1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", detail, platform=1)
    )

    assert isinstance(message.body, AlibabaOrderDetail)
    assert message.body.base_info.status == "waitbuyerpay"
    assert message.body.base_info.id_of_str == "2059624776425880794"
    assert message.body_raw == detail


def test_unknown_message_type_is_kept_raw() -> None:
    body = {"anything": {"nested": [1, 2]}, "id": "x"}
    message = parse_message(envelope("SOMETHING_NEW", json.dumps(body), platform=7))

    assert message.message_type == "SOMETHING_NEW"
    assert message.body == body
    assert message.platform == 7 and not isinstance(message.platform, MessagePlatform)
    assert message.raw["messagePlatform"] == 7
    assert not message.is_typed


def test_unknown_message_type_with_non_object_body_is_kept() -> None:
    message = parse_message(envelope("SOMETHING_NEW", "plain text"))
    assert message.body == "plain text"


@pytest.mark.parametrize(
    ("timestamp", "expected_ms"),
    [(str(PUSH_MS), PUSH_MS), (PUSH_MS, PUSH_MS), ("1700000000", 1_700_000_000_000)],
)
def test_timestamp_in_ms_string_ms_int_or_seconds(timestamp: Any, expected_ms: int) -> None:
    message = parse_message(envelope("ORDER_CREATE", {}, timestamp=timestamp))
    assert message.timestamp.tzinfo is not None
    assert message.timestamp.utcoffset() == dt.timedelta(0)
    assert round(message.timestamp.timestamp() * 1000) == expected_ms


def test_accepts_str_and_mapping_inputs() -> None:
    raw = envelope("ORDER_CREATE", {"orderId": "1"})
    from_bytes = parse_message(raw)
    assert parse_message(raw.decode()) == from_bytes
    assert parse_message(json.loads(raw)) == from_bytes


def test_missing_platform_is_none() -> None:
    document = {"messageType": "ORDER_CREATE", "messageBody": {}, "timestamp": str(PUSH_MS)}
    assert parse_message(document).platform is None


class TestMessageId:
    def test_same_message_same_id_whatever_the_key_order_or_body_form(self) -> None:
        body = {"orderId": "1", "orderStatus": "CANCEL"}
        reordered = {"orderStatus": "CANCEL", "orderId": "1"}
        ids = {
            parse_message(envelope("ORDER_CANCEL", body)).message_id,
            parse_message(envelope("ORDER_CANCEL", reordered)).message_id,
            parse_message(envelope("ORDER_CANCEL", json.dumps(body))).message_id,
            parse_message(envelope("ORDER_CANCEL", body, timestamp=PUSH_MS)).message_id,
        }
        assert len(ids) == 1

    def test_different_events_get_different_ids(self) -> None:
        body = {"orderId": "1"}
        base = parse_message(envelope("ORDER_CANCEL", body)).message_id
        assert parse_message(envelope("ORDER_CREATE", body)).message_id != base
        assert parse_message(envelope("ORDER_CANCEL", {"orderId": "2"})).message_id != base
        assert (
            parse_message(envelope("ORDER_CANCEL", body, timestamp=PUSH_MS + 1)).message_id != base
        )
        assert parse_message(envelope("ORDER_CANCEL", body, platform=1)).message_id != base


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"", "body"),
        (b"not json", "body"),
        (b"\xff\xfe\x00", "body"),
        (b"[1, 2]", "body"),
        (b"[" * 100_000, "body"),
        (json.dumps({"messageBody": {}, "timestamp": "1"}).encode(), "messageType"),
        (json.dumps({"messageType": "", "timestamp": "1"}).encode(), "messageType"),
        (json.dumps({"messageType": 5, "timestamp": "1"}).encode(), "messageType"),
        (json.dumps({"messageType": "ORDER_CREATE", "timestamp": "soon"}).encode(), "timestamp"),
        (json.dumps({"messageType": "ORDER_CREATE", "timestamp": -5}).encode(), "timestamp"),
        (json.dumps({"messageType": "ORDER_CREATE", "timestamp": "9" * 30}).encode(), "timestamp"),
        (
            json.dumps({"messageType": "X", "timestamp": "1", "messagePlatform": "web"}).encode(),
            "messagePlatform",
        ),
        (
            json.dumps({"messageType": "X", "timestamp": "1", "messageBody": "{broken"}).encode(),
            "messageBody",
        ),
    ],
)
def test_malformed_messages_raise_a_value_error_naming_the_field(raw: bytes, field: str) -> None:
    with pytest.raises(CallbackParseError) as caught:
        parse_message(raw)
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == field
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (envelope("ORDER_PAY_SUCCESS", ["not", "an", "object"]), "messageBody"),
        (envelope("1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", {"baseInfo": "x"}), "messageBody"),
        (envelope("ORDER_PAY_SUCCESS", {"totalAmount": "12.5"}), "messageBody.totalAmount"),
        (
            envelope("TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", {"subOrders": {"a": 1}}),
            "messageBody.subOrders",
        ),
        (
            envelope(
                "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", {"subOrders": [{"quantity": "x"}]}
            ),
            "messageBody.subOrders[0].quantity",
        ),
    ],
)
def test_body_that_cannot_be_typed_is_described_not_refused(raw: bytes, field: str) -> None:
    message = parse_message(raw)
    assert field in [error.field for error in message.body_errors]
    with pytest.raises(CallbackParseError) as caught:
        parse_message(raw, strict=True)
    assert caught.value.field == field


@pytest.mark.parametrize("timestamp", ["absent", None, ""])
def test_missing_or_null_timestamp_is_accepted(timestamp: Any) -> None:
    document = {"messageType": "ORDER_CANCEL", "messageBody": {"orderId": "7"}}
    if timestamp != "absent":
        document["timestamp"] = timestamp
    message = parse_message(json.dumps(document).encode())
    assert message.timestamp is None
    assert message.body.order_id == "7"
    # A redelivery (same fields, still no push time) is recognised as the same message.
    assert parse_message(json.dumps(document).encode()).message_id == message.message_id


def test_taobao_amount_sent_as_text_keeps_the_message_and_the_raw_value() -> None:
    """Rule 7: ``product_amount: "69.50"`` (yuan text where fen was expected) is not guessed
    into a number; the rest of the body is typed and the raw value is handed over."""
    body = {
        "salesOrderId": "S1",
        "subOrders": [
            {"purchase_order_outer_id": "P1", "product_amount": "69.50", "quantity": 2},
            {"purchase_order_outer_id": "P2", "product_amount": 1200, "quantity": "3"},
        ],
    }
    message = parse_message(envelope("TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", body))
    assert message.is_typed
    first, second = message.body.sub_orders
    assert (first.purchase_order_outer_id, first.product_amount, first.quantity) == ("P1", None, 2)
    assert (second.product_amount, second.quantity) == (1200, 3)
    [error] = message.body_errors
    assert (error.field, error.value) == ("messageBody.subOrders[0].product_amount", "69.50")
    assert "integer" in error.problem and str(error).startswith(error.field)


def test_body_of_the_wrong_shape_is_handed_over_as_decoded() -> None:
    message = parse_message(envelope("ORDER_PAY_SUCCESS", ["not", "an", "object"]))
    assert not message.is_typed
    assert message.body == ["not", "an", "object"]
    assert [error.field for error in message.body_errors] == ["messageBody"]
