"""The converter's wire rules, through the public models API."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from pandapon_async.models import (
    MISSING,
    AlibabaConfirmReceiptRequest,
    AlibabaKeywordSearchRequest,
    AlibabaOrderDetail,
    AlibabaOrderPreview,
    AlibabaOrderStatus,
    BatchPayRequest,
    BatchPayResult,
    Envelope,
    Page,
    TaobaoCreateOrderRequest,
    TaobaoLogisticsTrace,
    TaobaoOrderLine,
    TaobaoReceiver,
    TaobaoRefundStatus,
    fen_to_yuan,
    is_missing,
    parse_alibaba_time,
    structure,
    unstructure,
    validate_request,
    yuan_to_fen,
)
from pandapon_async.models.alibaba import BATCH_PAY_MAX_ORDERS

ORDER_ID = "2059624776425880794"  # 19 digits: beyond 2**53


def test_camel_case_wire_names_map_to_snake_case_attributes() -> None:
    result = structure({"successOrderIds": ["1"], "payFailOrders": [
        {"orderId": "2", "errorReason": "账户额度不足"}]}, BatchPayResult)
    assert result.success_order_ids == ["1"]
    assert result.pay_fail_orders[0].order_id == "2"
    assert result.pay_fail_orders[0].error_reason == "账户额度不足"


def test_ids_are_str_in_models_whatever_the_wire_type() -> None:
    detail = structure({"baseInfo": {"id": int(ORDER_ID), "idOfStr": ORDER_ID},
                        "productItems": [{"subItemID": 2059624776425880795}]},
                       AlibabaOrderDetail)
    assert detail.base_info.id == ORDER_ID
    assert detail.product_items[0].sub_item_id == "2059624776425880795"
    assert detail.order_id == ORDER_ID
    # and go back on the wire as the number they came as, with no loss
    assert unstructure(detail)["baseInfo"]["id"] == 2059624776425880794


def test_ids_declared_integer_are_sent_as_exact_json_numbers() -> None:
    request = AlibabaConfirmReceiptRequest(order_id=ORDER_ID,
                                           order_entry_ids=["2059624776425880795"])
    body = json.dumps(unstructure(request))
    assert body == '{"orderId": 2059624776425880794, "orderEntryIds": [2059624776425880795]}'


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (AlibabaConfirmReceiptRequest(order_id="20596x", order_entry_ids=["1"]),
         "order_id must be a string of digits"),
        (AlibabaConfirmReceiptRequest(order_id=ORDER_ID, order_entry_ids=[" 1"]),
         "order_entry_ids must be a string of digits"),
        (AlibabaConfirmReceiptRequest(order_id=int(ORDER_ID), order_entry_ids=["1"]),
         "order_id must be a str, got int"),
        (AlibabaConfirmReceiptRequest(order_id=ORDER_ID, order_entry_ids=[]),
         "order_entry_ids must not be empty"),
        (AlibabaConfirmReceiptRequest(order_id=None, order_entry_ids=["1"]),
         "order_id is required"),
        (BatchPayRequest(order_ids=ORDER_ID), "order_ids must be a list of str, got str"),
        (BatchPayRequest(order_ids=[]), "order_ids must not be empty"),
        (BatchPayRequest(order_ids=[str(i) for i in range(BATCH_PAY_MAX_ORDERS + 1)]),
         f"order_ids takes at most {BATCH_PAY_MAX_ORDERS} items"),
        (BatchPayRequest(order_ids=["1", "1"]), "order_ids has duplicate values"),
        (TaobaoCreateOrderRequest(order_line_list=[TaobaoOrderLine(
            item_id="1", order_line_no="1", quantity="2", price=1)], receiver=TaobaoReceiver()),
         "order_line_list[0].quantity must be an int, got str"),
        (AlibabaKeywordSearchRequest(keyword="x", page_size=0),
         "page_size must be between 1 and 100"),
    ],
)
def test_bad_requests_raise_value_error_naming_the_field(request_: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_request(request_)  # type: ignore[arg-type]


def test_json_text_fields_are_encoded_from_typed_values() -> None:
    request = TaobaoCreateOrderRequest(
        order_line_list=[TaobaoOrderLine(item_id="600126245031041190", order_line_no="1",
                                         quantity=200, price=100, sku_id="5016042822039")],
        receiver=TaobaoReceiver(name="张三", mobile_phone="15068763421", country="中国"),
    )
    wire = unstructure(request)
    assert wire["orderLineList"] == (
        '[{"itemId":"600126245031041190","orderLineNo":"1","quantity":"200","price":"100",'
        '"currency":"CNY","skuId":"5016042822039"}]'
    )
    assert wire["receiver"] == '{"country":"中国","mobile_phone":"15068763421","name":"张三"}'
    sort = unstructure(AlibabaKeywordSearchRequest(keyword="鞋", sort={"price": "desc"}))["sort"]
    assert sort == '{"price":"desc"}'
    # text the caller already encoded is sent as is
    raw = unstructure(AlibabaKeywordSearchRequest(keyword="鞋", sort='{"price":"asc"}'))
    assert raw["sort"] == '{"price":"asc"}'


def test_none_request_fields_are_not_sent() -> None:
    assert unstructure(AlibabaKeywordSearchRequest(keyword="鞋")) == {"keyword": "鞋"}


def test_money_helpers_convert_fen_and_yuan_exactly() -> None:
    assert fen_to_yuan(1234) == Decimal("12.34")
    assert fen_to_yuan(5) == Decimal("0.05")
    assert yuan_to_fen("12.34") == 1234
    assert yuan_to_fen(Decimal("0.1")) == 10
    with pytest.raises(ValueError, match="whole number of fen"):
        yuan_to_fen("0.001")
    with pytest.raises(ValueError, match="fen must be an int"):
        fen_to_yuan(12.5)  # type: ignore[arg-type]


def test_1688_amounts_are_exact_decimals() -> None:
    detail = structure({"baseInfo": {"totalAmount": 6.15, "shippingFee": "0.10"}},
                       AlibabaOrderDetail)
    assert detail.base_info.total_amount == Decimal("6.15")
    assert detail.base_info.shipping_fee == Decimal("0.10")


def test_misspelled_platform_fields_have_clean_names() -> None:
    preview = structure({"orderPreviewResuslt": [{"sumPayment": 6400}]}, AlibabaOrderPreview)
    assert preview.order_preview_result[0].sum_payment == 6400
    assert "orderPreviewResuslt" in unstructure(preview)
    trace = structure({"standerdDesc": "快件已发往"}, TaobaoLogisticsTrace)
    assert trace.standard_desc == "快件已发往"


def test_unknown_fields_never_fail_and_stay_reachable() -> None:
    data = {"baseInfo": {"status": "success", "newFlag": True}, "brandNewPart": {"x": [1]}}
    detail = structure(data, AlibabaOrderDetail)
    assert detail.extra == {"brandNewPart": {"x": [1]}}
    assert detail.base_info.extra == {"newFlag": True}
    assert unstructure(detail) == data


def test_unknown_enum_values_are_kept_as_the_raw_value() -> None:
    known = structure({"baseInfo": {"status": "waitbuyerpay"}}, AlibabaOrderDetail)
    assert known.base_info.status is AlibabaOrderStatus.WAIT_BUYER_PAY
    assert known.base_info.status == "waitbuyerpay"
    unknown = structure({"baseInfo": {"status": "some_new_state"}}, AlibabaOrderDetail)
    assert unknown.base_info.status == "some_new_state"
    assert structure(20, TaobaoRefundStatus | int) is TaobaoRefundStatus.SELLER_AGREED  # type: ignore[arg-type]
    assert structure(77, TaobaoRefundStatus | int) == 77  # type: ignore[arg-type]


def test_null_and_missing_are_told_apart() -> None:
    detail = structure({"baseInfo": {"payTime": None}}, AlibabaOrderDetail)
    assert detail.base_info.pay_time is None
    assert detail.base_info.create_time is MISSING
    assert is_missing(detail.base_info.create_time) and not detail.base_info.create_time
    assert unstructure(detail) == {"baseInfo": {"payTime": None}}


def test_envelope_ids_drift_between_strings_numbers_and_null() -> None:
    as_numbers = structure({"requestId": 12, "code": 200, "developId": 1014533973088404335,
                            "msg": "成功", "data": True}, Envelope)
    assert as_numbers.request_id == "12" and as_numbers.develop_id == "1014533973088404335"
    as_null = structure({"requestId": None, "code": "200", "developId": None}, Envelope)
    assert as_null.request_id is None and as_null.code == 200 and as_null.data is MISSING


def test_pages_are_read_in_the_documented_and_in_common_shapes() -> None:
    documented = structure({"totalRecords": 3, "totalPage": 2, "pageSize": 2, "currentPage": 1,
                            "data": [{"subject": "a"}, {"subject": "b"}]},
                           Page[AlibabaOrderDetail])
    assert (documented.total_records, documented.total_pages, len(documented.items)) == (3, 2, 2)
    other = structure({"records": [{}], "total": 1, "pages": 1, "extraKey": 1},
                      Page[AlibabaOrderDetail])
    assert other.total_pages == 1 and len(other.items) == 1 and other.extra == {"extraKey": 1}
    bare = structure([{}, {}], Page[AlibabaOrderDetail])
    assert len(bare.items) == 2 and bare.total_pages is MISSING


def test_alibaba_times_parse_to_aware_datetimes() -> None:
    moment = parse_alibaba_time("20170913231727000-0700")
    assert moment.isoformat() == "2017-09-13T23:17:27-07:00"
    with pytest.raises(ValueError, match="not a 1688 time"):
        parse_alibaba_time("yesterday")


def test_repr_leaves_out_what_the_platform_did_not_send() -> None:
    detail = structure({"baseInfo": {"idOfStr": ORDER_ID}}, AlibabaOrderDetail)
    assert "MISSING" not in repr(detail)
    assert ORDER_ID in repr(detail)
