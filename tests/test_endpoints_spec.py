"""The typed API against the platform's documentation (tests/data/endpoints.json).

Every documented endpoint with a known path has exactly one typed method, no path is invented,
every documented example response decodes without losing a known field, and every documented
example request is exactly what the typed method sends.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aioresponses import CallbackResult, aioresponses

from pandapon_async import Credentials, PandaPonClient
from pandapon_async.models import (
    AlibabaAddress,
    AlibabaCargo,
    DomesticLogisticInfo,
    FreightInfo,
    FreightLineItem,
    FreightReceiverAddress,
    LogisticInfo,
    OrderEntryCount,
    RenderItem,
    TaobaoItemSkus,
    TaobaoOrderLine,
    TaobaoReceiver,
    TaobaoRefundIdRequest,
    TaobaoSkuProperty,
    unstructure,
)
from pandapon_async.resources import ENDPOINTS, method_for

SPEC: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "endpoints.json").read_text("utf-8")
)
BASE_URL = "http://127.0.0.1:9"
ENTRIES = {i: entry for i, entry in enumerate(SPEC)}


def _is_callback(entry: dict[str, Any]) -> bool:
    return entry["section"] == "callback"


FOUND = [e for e in SPEC if e["found"] and not _is_callback(e)]


def _key(entry: dict[str, Any]) -> str:
    return f"{entry['method']} {entry['path']}"


# --- registry ---------------------------------------------------------------------------------


# Typed though no documented page shows them: a working public client calls them (the spec's
# notes name the client). Marked "unverified" in the registry, docstring and coverage table.
UNVERIFIED = {"POST /alibaba/product/openuid/decrypt"}


def test_every_found_endpoint_has_exactly_one_typed_method() -> None:
    documented = {_key(e) for e in FOUND}
    verified = {key for key, e in ENDPOINTS.items() if e.status != "unverified"}
    assert documented == verified, (
        f"missing: {sorted(documented - verified)}, "
        f"not documented: {sorted(verified - documented)}"
    )
    assert len(verified) == len(FOUND) == 58


def test_unverified_endpoints_come_from_a_public_client_and_say_so() -> None:
    unverified = {key for key, e in ENDPOINTS.items() if e.status == "unverified"}
    assert unverified == UNVERIFIED
    by_key = {_key(e): e for e in SPEC if e["path"]}
    for key in unverified:
        entry = by_key[key]
        assert not entry["found"] and "public" in entry["notes"]
        assert "Unverified" in (_method_of(ENDPOINTS[key].name).__doc__ or "")


def test_no_path_of_an_endpoint_known_by_name_only_is_invented() -> None:
    unknown_paths = {e["path"] for e in SPEC if not e["found"] and e["path"]}
    typed = {endpoint.path for endpoint in ENDPOINTS.values() if endpoint.status != "unverified"}
    assert unknown_paths.isdisjoint(typed)


@pytest.mark.parametrize("entry", FOUND, ids=_key)
def test_declared_status_and_idempotency_follow_the_documentation(entry: dict[str, Any]) -> None:
    endpoint = ENDPOINTS[_key(entry)]
    expected_status = entry["status"] if entry["status"] != "unknown" else "stable"
    assert endpoint.status == expected_status
    if entry["params_in"] == "path" or "{" in entry["path"]:
        assert endpoint.params_in == "path"
    elif entry["method"] == "GET":
        assert endpoint.params_in in ("query", "none")
    else:
        assert endpoint.params_in == "body"
    money_moving = re.search(r"pay|cancel|create|submit|receive|add|edit|update|upload|booking",
                             entry["path"], re.IGNORECASE)
    if money_moving and "preview" not in entry["path"].lower():
        assert not endpoint.idempotent, endpoint.name


def test_typed_method_names_resolve_on_a_client() -> None:
    client = PandaPonClient(Credentials("AK", "SK", "1"), base_url=BASE_URL)
    for endpoint in ENDPOINTS.values():
        method, version = method_for(endpoint.name)
        target: Any = client
        for part in method.split("."):
            target = getattr(target, part)
        assert callable(target), endpoint.name
        if version is not None:
            assert "version" in inspect.signature(target).parameters, endpoint.name


# --- example responses -------------------------------------------------------------------------

# Schema placeholders that contradict their own schema; the notes give the real example.
RESPONSE_OVERRIDES: dict[str, Any] = {
    # "data: boolean|null"; the page's placeholder shows {}; the v2 page shows data true.
    "POST /alibaba/order/cancel": True,
}
# Responses documented on an entry known by name only, for the v2 endpoint that serves them.
RESPONSES_FROM_V1_PAGES = {65: "GET /v2/alibaba/cart/list"}


def _drop_empty_lists(value: Any) -> Any:
    """An absent list and an empty one are the same to list fields with a default."""
    if isinstance(value, dict):
        return {k: _drop_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_drop_empty_lists(v) for v in value]
    return value


def _example_responses() -> Iterator[tuple[str, Any]]:
    for index, entry in ENTRIES.items():
        example = entry["example_response"]
        if not isinstance(example, dict) or _is_callback(entry):
            continue
        key = RESPONSES_FROM_V1_PAGES.get(index) or (_key(entry) if entry["found"] else None)
        if key is None:
            continue
        yield key, RESPONSE_OVERRIDES.get(key, example.get("data"))


@pytest.mark.parametrize(("key", "data"), list(_example_responses()), ids=lambda v: str(v)[:60])
def test_documented_example_response_decodes_without_loss(key: str, data: Any) -> None:
    endpoint = ENDPOINTS[key]
    decoded = endpoint.decode(data)
    if endpoint.response in (bool, str):
        assert decoded == data
    elif endpoint.response is None or endpoint.response is Any:
        assert decoded in (None, data)
    else:
        assert _drop_empty_lists(unstructure(decoded)) == _drop_empty_lists(data)


def test_example_responses_cover_every_documented_answer() -> None:
    covered = {key for key, _ in _example_responses()}
    documented = {_key(e) for e in FOUND if isinstance(e["example_response"], dict)}
    assert documented <= covered
    assert len(covered) >= 16


# --- example requests --------------------------------------------------------------------------


@contextmanager
def captured() -> Iterator[list[dict[str, Any]]]:
    """Answer every request with a success envelope and record what was sent."""
    sent: list[dict[str, Any]] = []

    def record(url: Any, **kwargs: Any) -> CallbackResult:
        body = kwargs.get("data")
        sent.append({
            "method": kwargs.get("method"), "path": url.path, "query": dict(url.query),
            "json": None if body is None else json.loads(body),
        })
        return CallbackResult(payload={"requestId": "r", "code": 200, "developId": "1",
                                       "msg": "成功", "data": None})

    with aioresponses() as mocked:
        pattern = re.compile(r"^http://127\.0\.0\.1:9/.*$")
        mocked.get(pattern, callback=record, repeat=True)
        mocked.post(pattern, callback=record, repeat=True)
        yield sent


def _receiver_from_example(text: str) -> TaobaoReceiver:
    return TaobaoReceiver(**json.loads(text))


def _freight_address(data: dict[str, Any]) -> FreightReceiverAddress:
    return FreightReceiverAddress(
        country=data["country"], state=data["state"], city=data["city"], zip=data["zip"],
        address=data["address"], name=data["name"], phone=data["phone"],
        mobile_phone=data["mobilePhone"], email=data["email"],
    )


def _freight_info(data: dict[str, Any]) -> FreightInfo:
    return FreightInfo(service_id=data["serviceId"], company_name=data["companyName"],
                       service_category=data["serviceCategory"])


Call = Callable[[PandaPonClient, dict[str, Any]], Awaitable[Any]]

# entry index -> how a user makes that documented call with the typed API
EXAMPLE_CALLS: dict[int, Call] = {
    1: lambda c, ex: c.taobao.goods.search(
        ex["keyword"], page_size=ex["pageSize"], page_no=ex["pageNo"], sort=ex["sort"]),
    2: lambda c, ex: c.taobao.goods.batch_check(
        [TaobaoItemSkus(item_id="672991141190", sku_ids=["3452545926724"])]),
    5: lambda c, ex: c.taobao.orders.create(
        [TaobaoOrderLine(item_id="600126245031041190", order_line_no="1", quantity=200, price=1,
                         currency="CNY", sku_id="5016042822039"),
         TaobaoOrderLine(item_id="600129202197070073", order_line_no="1", quantity=200, price=1,
                         currency="CNY", sku_id="4860968496626")],
        _receiver_from_example(ex["receiver"]),
        purchase_amount=400, order_source="lazada", seller_order_number="1"),
    7: lambda c, ex: c.taobao.orders.upload_pay_certificate("1022505290408395575", ""),
    9: lambda c, ex: c.taobao.orders.update_warehouse(
        "1024285237573584051", warehouse_name="一号仓库", warehouse_address="广西省"),
    11: lambda c, ex: c.taobao.orders.get_im_link("234576234"),
    14: lambda c, ex: c.taobao.refunds.query_list(
        refund_id="111", purchase_order_id="111", sales_order_id="11111", refund_status=1,
        refund_start_time=121312131313, refund_end_time=3323232, page_no=1, page_size=1),
    15: lambda c, ex: c.taobao.refunds.render("string", refund_type=0, goods_status=0),
    17: lambda c, ex: c.taobao.refunds.submit_return_logistics(
        "110000303674", logistics_company_code="SF", logistics_no="SF00111test",
        buyer_phone="15068763422", return_goods_desc="test"),
    19: lambda c, ex: c.taobao.refunds.submit_message("string", "string", images="string"),
    27: lambda c, ex: c.taobao.cart.create_order(
        ["75", "76"], TaobaoReceiver(**ex["orderAddress"]), user_id="2100007340000"),
    31: lambda c, ex: c.taobao.cart.add(
        user_id="2100007340000", platform=1, item_id="2048175493257375", sku_id="85",
        item_title=ex["itemTitle"], item_pic=ex["itemPic"], mp_id="26", mp_sku_id="65",
        price=689, promotion_price=576,
        properties=[
            TaobaoSkuProperty(value_id="28324", value_name="黄色", prop_id="1627207",
                              prop_name="颜色分类"),
            TaobaoSkuProperty(value_id="3273546", value_name="52cm", prop_id="122216343",
                              prop_name="参考身高"),
        ],
        quantity=71, shop_id="42", shop_name="英皇保罗旗舰店", sku_quantity=94,
        user_nick="介安琪"),
    33: lambda c, ex: c.alibaba.goods.get_detail("0", country="string", out_member_id="string"),
    35: lambda c, ex: c.alibaba.goods.search_keywords(
        "男鞋", begin_page=1, page_size=20, country="en", filter="shipInToday,ksCiphertext",
        sort={"price": "desc"}, out_member_id="", price_start="633.69", price_end="647.60",
        category_id=""),
    36: lambda c, ex: c.alibaba.goods.search_image(
        image_base64=ex["imageBase64"], begin_page=1, page_size=20, country="en", region="",
        filter="shipInToday,ksCiphertext", sort={"price": "asc"}, price_start="239.99",
        price_end="882.05", category_id="72", image_address=ex["imageAddress"],
        out_member_id="21000070000"),
    37: lambda c, ex: c.alibaba.goods.search_seller_offers(
        "BBBwAN4GQ60zRPzBkv7BYPJRQ", keyword="背心", begin_page=1, page_size=20,
        filter="shipInToday,ksCiphertext", sort={"price": "desc"}, out_member_id="",
        price_start="10", price_end="200", category_id="6", country="en"),
    40: lambda c, ex: c.alibaba.goods.get_related(
        "f6vE-dfY1NV37oG_fz9WSA", page_no=1, page_size=10, language="en"),
    41: lambda c, ex: c.alibaba.orders.batch_submit_to_pay(ex["orderIds"]),
    42: lambda c, ex: c.alibaba.orders.preview_batch(
        AlibabaAddress(address="仓前街道欧美金融城2幢1103", mobile="18720122943", full_name="测试",
                       post_code="311121", area_text="余杭区", city_text="杭州市",
                       province_text="浙江省"),
        [AlibabaCargo(offer_id="1", spec_id="cd2b8c31408766f9fb089e74e2a6ac15", quantity=1,
                      seller_open_id="s")]),
    50: lambda c, ex: c.alibaba.orders.confirm_receipt("0", ["0"]),
    51: lambda c, ex: c.alibaba.refunds.get_info("string"),
    54: lambda c, ex: c.alibaba.refunds.create(
        "0", order_entry_ids=["0"], dispute_request="string", apply_payment=0,
        apply_carriage=0, apply_reason_id="0", description="string", goods_status="string",
        vouchers=["string"], order_entry_counts=[OrderEntryCount(id="0", count=0)]),
    60: lambda c, ex: c.alibaba.cart.create_order(
        ["0"], flow="string", message="string", shop_promotion_id="string",
        trade_type="string", user_id="string", staff_name="string",
        address=AlibabaAddress(**{k: "string" for k in (
            "full_name", "mobile", "phone", "post_code", "city_text", "province_text",
            "area_text", "town_text", "address", "district_code")})),
    62: lambda c, ex: c.alibaba.cart.preview_order(
        ["0"], address=AlibabaAddress(**{k: "string" for k in (
            "full_name", "mobile", "phone", "post_code", "city_text", "province_text",
            "area_text", "town_text", "address", "district_code")})),
    64: lambda c, ex: c.alibaba.cart.edit_quantity(
        "0", 0, product_no="string", container="string", update_time=ex["updateTime"]),
    70: lambda c, ex: c.foundation.add_or_update_address(
        id="0", name="string", province="string", city="string", district="string",
        address="string", phone="string"),
    71: lambda c, ex: c.logistics.estimate_item_freight(
        "2048232789087639", "4970432383383", quantity=1,
        receiver_address=_freight_address(ex["receiverAddress"]), currency="CNY", price="12.50"),
    72: lambda c, ex: c.logistics.preview_order_freight(
        _freight_address(ex["receiverAddress"]),
        [RenderItem(item_id=i["itemId"], sku_id=i["skuId"], quantity=i["quantity"],
                    freight_info=_freight_info(i["freightInfo"]))
         for i in ex["renderItems"]]),
    73: lambda c, ex: c.logistics.update_logistic_info(
        [LogisticInfo(
            line_item=FreightLineItem(
                item_id=info["lineItem"]["itemId"], sku_id=info["lineItem"]["skuId"],
                quantity=info["lineItem"]["quantity"], title=info["lineItem"]["title"],
                image_url=info["lineItem"]["imageUrl"]),
            logistic_number=info["logisticNumer"],
            domestic_logistic_info=[
                DomesticLogisticInfo(logistic_number=d["logisticNumer"],
                                     logistic_company_name=d["logisticCompanyName"],
                                     rts_time=d["rtsTime"])
                for d in info["domesticLogisticInfo"]])
         for info in ex["logisticInfos"]],
        order_id="21", tmall_order_id="12345667"),
    74: lambda c, ex: c.logistics.book_freight(
        _freight_address(ex["receiverAddress"]),
        [FreightLineItem(item_id=i["itemId"], sku_id=i["skuId"], quantity=i["quantity"],
                         title=i["title"], image_url=i["imageUrl"],
                         freight_info=_freight_info(i["freightInfo"]))
         for i in ex["lineItems"]],
        render_id="FF2024080200007", tmall_order_id="123123444"),
    75: lambda c, ex: c.taobao.goods.get_source_product("42971808988", language="vi"),
    76: lambda c, ex: c.alibaba.orders.get_detail("2019601741959504495"),
}
# Examples documented on a page known by name only, for the v2 endpoint that has them.
V2_PATHS = {1: "/v2/taobao/product/item/search", 15: "/v2/taobao/order/refund/render",
            40: "/v2/alibaba/product/productRelatedRecommendQuery",
            71: "/v2/open/pp/logistics/itemLogisticsPrice"}


# Examples the notes call truncated without marking them, and the required fields cut off.
CUT_AFTER_EXAMPLE: dict[int, set[str]] = {71: {"currency", "price"}}


def _without_truncation(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_truncation(v) for k, v in value.items() if k != "..."}
    if isinstance(value, list):
        return [_without_truncation(v) for v in value]
    return value


def _is_truncated(value: Any) -> bool:
    return "truncated" in json.dumps(value)


def _documented_requests() -> list[int]:
    return [
        i for i, e in ENTRIES.items()
        if isinstance(e["example_request"], dict) and not _is_callback(e)
        and (e["found"] or i in V2_PATHS)
    ]


def test_every_documented_example_request_has_a_typed_call() -> None:
    assert sorted(EXAMPLE_CALLS) == _documented_requests()


@pytest.mark.parametrize("index", _documented_requests(), ids=lambda i: ENTRIES[i]["name"][:40])
async def test_typed_method_sends_the_documented_example_request(index: int) -> None:
    entry = ENTRIES[index]
    example = entry["example_request"]
    with captured() as sent:
        async with PandaPonClient(Credentials("AK", "SK", "1"), base_url=BASE_URL,
                                  rate_limit=None, max_retries=0) as client:
            with pytest.warns(DeprecationWarning) if entry["status"] == "deprecated" \
                    else _no_warning():
                await EXAMPLE_CALLS[index](client, example)
    assert len(sent) == 1
    request = sent[0]
    assert request["path"] == V2_PATHS.get(index, entry["path"])
    if _is_truncated(example):
        # The example is cut short in the documentation: what it shows is sent as shown.
        shown = _without_truncation(example)
        assert shown["addressParam"] == request["json"]["addressParam"]
        assert shown["cargoParamList"][0].items() <= request["json"]["cargoParamList"][0].items()
    elif index in CUT_AFTER_EXAMPLE:
        # Cut short in the documentation (its notes say where); the field table requires more.
        assert example.items() <= request["json"].items()
        assert set(request["json"]) - set(example) == CUT_AFTER_EXAMPLE[index]
    else:
        assert request["json"] == example


@contextmanager
def _no_warning() -> Iterator[None]:
    yield


async def test_get_endpoints_send_parameters_in_the_query_string() -> None:
    with captured() as sent:
        async with PandaPonClient(Credentials("AK", "SK", "1"), base_url=BASE_URL,
                                  rate_limit=None) as client:
            await client.taobao.orders.get_logistics_detail("200048859480", version=2)
            await client.taobao.goods.get_product("672991141190")
            await client.alibaba.orders.get_pay_url("2059624776425880794")
            await client.taobao.refunds.get_detail("110000235001")
    assert [(r["path"], r["query"], r["json"]) for r in sent] == [
        ("/v2/taobao/order/logistics/detail/get", {"subPurchaseOrderId": "200048859480"}, None),
        ("/open/product/get", {"itemId": "672991141190"}, None),
        ("/alibaba/order/pay/url", {"orderId": "2059624776425880794"}, None),
        ("/v2/taobao/order/refund/query", {"refundId": "110000235001"}, None),
    ]


async def test_path_parameters_are_quoted_into_the_path() -> None:
    with captured() as sent:
        async with PandaPonClient(Credentials("AK", "SK", "1"), base_url=BASE_URL,
                                  rate_limit=None) as client:
            await client.taobao.refunds.cancel("110000235001")
    assert sent[0]["path"] == "/open/order/refund/cancel/110000235001"
    assert sent[0]["query"] == {} and sent[0]["json"] is None
    # "/" and "?" cannot escape the path segment.
    prepared = ENDPOINTS["GET /v2/taobao/order/refund/cancel/{refundId}"].prepare(
        TaobaoRefundIdRequest(refund_id="a/b?c")
    )
    assert prepared.path == "/v2/taobao/order/refund/cancel/a%2Fb%3Fc"


def _method_of(endpoint_name: str) -> Any:
    client = PandaPonClient(Credentials("AK", "SK", "1"), base_url=BASE_URL)
    target: Any = client
    for part in method_for(endpoint_name)[0].split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS.values() if e.status != "stable"],
                         ids=lambda e: e.name)
def test_flagged_endpoints_say_so_in_their_docstring(endpoint: Any) -> None:
    doc = " ".join((_method_of(endpoint.name).__doc__ or "").split()).lower()
    words = {"deprecated": "deprecat", "unverified": "unverified"}
    assert words.get(endpoint.status, "in development") in doc


def test_coverage_table_in_the_docs_is_generated_from_the_registry() -> None:
    script = Path(__file__).parent.parent / "scripts" / "gen_coverage.py"
    namespace: dict[str, Any] = {"__name__": "gen_coverage", "__file__": str(script)}
    exec(compile(script.read_text("utf-8"), str(script), "exec"), namespace)
    table = namespace["build_table"](SPEC, ENDPOINTS)
    assert table.count("\n| ") == len(SPEC)  # one row per entry, after the header
    assert "`client.alibaba.orders.batch_submit_to_pay()`" in table
    assert "`client.call()` only (path not public)" in table
    page = (Path(__file__).parent.parent / "docs" / "coverage.md").read_text("utf-8")
    assert f"<!-- coverage:start -->\n{table}\n<!-- coverage:end -->" in page
