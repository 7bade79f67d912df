"""Every endpoint the fake serves answers a valid request with the documented data shape, and
bad input with an error envelope naming the field."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from pandapon_async import APIError, NotFoundError, PandaPonClient, UnexpectedResponseError
from pandapon_async._signing import MD5Signer
from pandapon_async.testing import FakePandaPon
from pandapon_async.testing._routes import _OPTIONAL, load_spec

SPEC = load_spec()


@pytest.fixture
def fake_pandapon_options() -> dict[str, Any]:
    # Every path the fake knows, the inferred v1 paths included (they are served on request).
    return {"serve_inferred_paths": True}

ADDRESS_1688 = {"fullName": "测试", "mobile": "18720122943", "phone": "", "postCode": "311121",
                "provinceText": "浙江省", "cityText": "杭州市", "areaText": "余杭区",
                "townText": "", "address": "仓前街道欧美金融城2幢1103"}
RECEIVER = {"country": "US", "state": "California", "city": "VALLEY VLG", "zip": "91607",
            "address": "5818 WHITSETT AVE 401", "name": "Ofir", "phone": "5083326888"}


def _taobao_order(fake: FakePandaPon) -> tuple[str, str]:
    item = fake.state.catalog.taobao_items[0]
    order = fake.state.create_taobao_order(
        [{"itemId": str(item.item_id), "skuId": item.skus[0].sku_id, "quantity": 2,
          "price": 100}], {"name": "a", "city": "杭州市"})
    return order.purchase_order_id, order.lines[0]["subPurchaseOrderId"]


def sample(fake: FakePandaPon, method: str, path: str) -> tuple[str, Any, Any]:
    """``(path, params, json)`` of a valid request, creating whatever state it needs."""
    state = fake.state
    catalog = state.catalog
    item = catalog.taobao_items[0]
    offer = catalog.alibaba_offers[0]
    other = catalog.alibaba_offers[1]
    cargo = [{"offerId": offer.offer_id, "specId": offer.skus[0].spec_id, "quantity": 2}]
    unpaid = fake.create_alibaba_orders(1)[0]
    paid = fake.create_alibaba_orders(1)[0]
    state.batch_pay([paid])
    shipped = fake.create_alibaba_orders(1)[0]
    state.batch_pay([shipped])
    fake.ship_order(shipped)
    cart_id = next(iter(state.alibaba_cart))
    base = path.removeprefix("/v2").replace("/taobao/", "/open/", 1) if path.startswith(
        "/v2/taobao/") else path.removeprefix("/v2")
    if base.startswith("/open/order/refund/cancel/"):
        _, sub_id = _taobao_order(fake)
        refund = state.create_taobao_refund(sub_id, 1, 1)
        return path.replace("{refundId}", refund.refund_id), None, None
    if base in ("/open/order/refund/query", "/open/order/refund/submit/message",
                "/open/order/refund/render/submit/logistics"):
        _, sub_id = _taobao_order(fake)
        refund_id = state.create_taobao_refund(sub_id, 1, 1).refund_id
        if base == "/open/order/refund/query":
            return path, {"refundId": refund_id}, None
        if base == "/open/order/refund/submit/message":
            return path, None, {"refundId": refund_id, "refundMessage": "hi"}
        return path, None, {"buyerPhone": "15068763422", "logisticsCompanyCode": "SF",
                            "logisticsNo": "SF00111test", "refundId": refund_id,
                            "returnGoodsDesc": None}
    if base in ("/alibaba/refund/info", "/alibaba/refund/goods/return"):
        alibaba_refund = state.create_alibaba_refund(paid, {
            "applyPayment": 100, "applyCarriage": 0, "applyReasonId": 1,
            "description": "d", "disputeRequest": "refund", "goodsStatus": "refundWaitSellerSend"})
        if base == "/alibaba/refund/info":
            return path, None, {"refundId": alibaba_refund.refund_id}
        return path, None, {"refundId": alibaba_refund.refund_id, "logisticsCompanyNo": "SF",
                            "freightBill": "SF123"}
    render_id = None
    if base == "/open/pp/logistics/orderBookingFreight":
        render_id = state.freight_renders.setdefault("FF2024080200007", {})
    taobao_order, taobao_sub = _taobao_order(fake)
    taobao_cart = state.add_taobao_cart_item({"itemId": item.item_id, "quantity": 1}, item)
    render_items = [{"itemId": "2048020617114736", "skuId": "413185732720", "quantity": 1,
                     "freightInfo": {"serviceId": "1", "companyName": "",
                                     "serviceCategory": ""}}]
    bodies: dict[str, Any] = {
        "/open/product/batch/check": {"params": json.dumps(
            [{"itemId": str(item.item_id), "skuIds": [item.skus[0].sku_id]},
             {"itemId": "1", "skuIds": []}])},
        "/open/product/source/get": {"itemId": str(item.item_id), "language": "vi"},
        "/open/order": {
            "orderLineList": json.dumps([{"itemId": str(item.item_id), "orderLineNo": "1",
                                          "quantity": "2", "price": "1", "currency": "CNY",
                                          "skuId": item.skus[0].sku_id}]),
            "receiver": json.dumps({"name": "a", "city": "杭州市"}),
            "purchaseAmount": 2, "orderSource": "lazada", "sellerOrderNumber": "1"},
        "/open/order/upload/payCertificate": {"base64": "", "orderId": taobao_order},
        "/open/order/updateWarehouse": {"warehouseAddress": "广西省", "warehouseName": "一号仓库",
                                        "orderId": taobao_order},
        "/open/order/page/link/get": {"sourceType": "item", "bizId": "234576234"},
        "/open/order/refund/queryList": {"pageNo": 1, "pageSize": 10},
        "/open/order/refund/render": {"subOrderId": taobao_sub, "refundType": 1,
                                      "goodsStatus": 1},
        "/open/cart/create/order": {"ids": [taobao_cart], "orderAddress": {"name": "a"}},
        "/open/cart/add": {"itemId": item.item_id, "skuId": item.skus[0].sku_id,
                           "mpId": item.mp_id, "mpSkuId": item.skus[0].mp_sku_id,
                           "quantity": 1, "itemMapId": item.item_map_id},
        "/open/product/item/search": {"keyword": "T恤", "pageSize": 5, "pageNo": 1},
        "/alibaba/product/detail/get": {"offerId": offer.offer_id, "country": "en"},
        "/alibaba/product/keywords/query": {"keyword": "背心", "beginPage": 1, "pageSize": 5},
        "/alibaba/product/image/query": {"imageAddress": "https://cbu01.alicdn.com/x.jpg",
                                         "imageBase64": "/9j/4AAQ"},
        "/alibaba/product/query/selleroffer": {"sellerOpenId": offer.seller_open_id},
        "/alibaba/product/productRelatedRecommendQuery": {"offerId": str(offer.offer_id),
                                                          "pageNo": 1, "pageSize": 5},
        "/alibaba/order/batch/submit/to/pay": {"orderIds": [unpaid]},
        "/alibaba/order/create/previewbatch": {
            "addressParam": ADDRESS_1688,
            "cargoParamList": [*cargo, {"offerId": other.offer_id,
                                        "specId": other.skus[0].spec_id, "quantity": 1,
                                        "sellerOpenId": other.seller_open_id}]},
        "/alibaba/order/batch/create": {"flow": "general", "addressParam": ADDRESS_1688,
                                        "cargoParamList": cargo},
        "/alibaba/order/create/preview": {"addressParam": ADDRESS_1688,
                                          "cargoParamList": cargo},
        "/alibaba/order/create": {"flow": "general", "addressParam": ADDRESS_1688,
                                  "cargoParamList": cargo},
        "/alibaba/order/cancel": {"webSite": "1688", "orderId": int(unpaid),
                                  "cancelReason": "不想要了"},
        "/alibaba/order/receivegoods": {
            "orderId": int(shipped),
            "orderEntryIds": [int(i.sub_item_id) for i in state.alibaba_orders[shipped].items]},
        "/alibaba/order/detail": {"webSite": "1688", "orderId": paid},
        "/alibaba/order/page": {"pageNo": 1, "pageSize": 10},
        "/alibaba/refund/detail/create": {
            "orderId": int(paid), "disputeRequest": "refund", "applyPayment": 100,
            "applyCarriage": 0, "applyReasonId": 1, "description": "broken",
            "goodsStatus": "refundWaitSellerSend"},
        "/alibaba/cart/create/order": {"flow": "general", "cartIds": [cart_id],
                                       "addressParam": ADDRESS_1688},
        "/alibaba/cart/preview/order": {"cartIds": [cart_id]},
        "/alibaba/cart/edit-quantity": {"id": cart_id, "quantity": 3},
        "/open/address/addOrUpdate": {"name": "n", "province": "p", "city": "c",
                                      "district": "d", "address": "a", "phone": "1"},
        "/open/pp/logistics/orderRenderFreight": {"receiverAddress": RECEIVER,
                                                  "renderItems": render_items},
        "/open/pp/logistics/updateLogisticInfo": {"orderId": "21", "logisticInfos": []},
        "/open/pp/logistics/orderBookingFreight": {
            "renderId": "FF2024080200007" if render_id is not None else None,
            "receiverAddress": RECEIVER, "lineItems": render_items},
        "/open/pp/logistics/itemLogisticsPrice": {"itemId": "2048232789087639",
                                                  "skuId": "4970432383383", "quantity": 1,
                                                  "receiverAddress": RECEIVER,
                                                  "currency": "CNY", "price": "12.50"},
    }
    if path == "/v2/alibaba/order/create/preview":
        return path, None, {"addressParam": ADDRESS_1688, "cargoParamList": [
            {"offerMapId": offer.offer_map_id, "specId": offer.skus[0].spec_id,
             "quantity": 1}]}
    if path == "/v2/taobao/cart/add":
        return path, None, {"itemMapId": item.item_map_id, "mpId": item.mp_id,
                            "mpSkuId": item.skus[0].mp_sku_id, "quantity": 1}
    queries: dict[str, Any] = {
        "/open/product/get": {"itemId": str(item.item_id)},
        "/open/order/logistics/detail/get": {"subPurchaseOrderId": taobao_sub},
        "/alibaba/order/pay/url": {"orderId": unpaid},
        "/alibaba/cart/list": None,
    }
    if path == "/v2/taobao/product/get":
        return path, {"itemId": item.item_map_id}, None
    if method == "GET":
        return path, queries[base], None
    return path, None, bodies[base]


def documented_keys(entry: dict[str, Any]) -> set[str]:
    return {f["name"] for f in entry["response_data_fields"]
            if f["name"][0].isalpha() and f["name"] != "data" and not f["name"].endswith("...")}


@pytest.mark.parametrize("entry", SPEC, ids=[f"{e['method']} {e['path']}" for e in SPEC])
async def test_every_endpoint_answers_with_its_documented_shape(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient, entry: dict[str, Any]
) -> None:
    path, params, body = sample(fake_pandapon, entry["method"], entry["path"])
    data = await pandapon_client.call(entry["method"], path, params=params, json=body)
    assert fake_pandapon.requests[-1].outcome == "ok"
    keys = documented_keys(entry)
    if keys and entry["path"] != "/alibaba/order/cancel":
        assert isinstance(data, dict)
        assert keys <= set(data)
    example = entry["example_response"]
    if isinstance(example, dict) and example.get("code") == 200:
        documented = example.get("data")
        # Same JSON kind as the documented example, and every documented key is there.
        assert type(data) is type(documented) or documented is None
        if isinstance(documented, dict):
            assert {k for k in documented if k != "..."} <= set(data)


def test_the_packaged_spec_covers_every_found_endpoint() -> None:
    found = [e for e in SPEC if e["found"]]
    assert len(found) == 58
    assert {e["api_version"] for e in found} == {"v1", "v2"}


REQUIRED = [(e, f["name"]) for e in SPEC if e["method"] == "POST"
            for f in e["request_fields"]
            if f["required"] and f["name"] not in _OPTIONAL.get(e["path"], ())]


@pytest.mark.parametrize(("entry", "field"), REQUIRED,
                         ids=[f"{e['path']}:{name}" for e, name in REQUIRED])
async def test_a_missing_required_field_is_named(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient, entry: dict[str, Any],
    field: str,
) -> None:
    path, params, body = sample(fake_pandapon, entry["method"], entry["path"])
    body = {k: v for k, v in body.items() if k != field}
    with pytest.raises(APIError) as caught:
        await pandapon_client.call("POST", path, params=params, json=body)
    assert (caught.value.http_status, caught.value.code) == (400, 400)
    assert field in str(caught.value.msg)


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/alibaba/order/batch/submit/to/pay", {"orderIds": "2059624776425880794"},
         "orderIds"),
        ("/alibaba/order/batch/submit/to/pay", {"orderIds": [{"id": 1}]}, "orderIds[0]"),
        ("/alibaba/order/cancel", {"webSite": "1688", "orderId": "abc", "cancelReason": "x"},
         "orderId"),
        ("/alibaba/order/receivegoods", {"orderId": 1, "orderEntryIds": [True]},
         "orderEntryIds[0]"),
        ("/alibaba/order/create", {"flow": "general", "addressParam": ADDRESS_1688,
                                   "cargoParamList": [{"offerId": 1, "specId": "s"}]},
         "cargoParamList[0].quantity"),
        ("/open/product/batch/check", {"params": "not json"}, "params"),
        ("/alibaba/order/detail", {"webSite": ["1688"], "orderId": "1"}, "webSite"),
    ],
)
async def test_wrong_types_are_named(
    pandapon_client: PandaPonClient, path: str, body: dict[str, Any], named: str
) -> None:
    with pytest.raises(APIError) as caught:
        await pandapon_client.call("POST", path, json=body)
    assert caught.value.code == 400
    assert named in str(caught.value.msg)


@pytest.mark.parametrize(("raw", "problem"), [(b"{not json", "not valid JSON"),
                                              (b"[1, 2]", "JSON object"),
                                              (b"\xff\xfe", "not valid JSON")])
async def test_malformed_bodies_get_an_error_envelope(
    fake_pandapon: FakePandaPon, raw: bytes, problem: str
) -> None:
    headers = MD5Signer().sign(fake_pandapon.credentials)
    headers["Content-Type"] = "application/json"
    async with aiohttp.ClientSession() as session, session.post(
        fake_pandapon.url + "/alibaba/order/detail", data=raw, headers=headers
    ) as response:
        body = await response.json()
    assert (response.status, body["code"]) == (400, 400)
    assert problem in body["msg"]


async def test_unknown_paths_and_methods(pandapon_client: PandaPonClient) -> None:
    # The gateway's own 404/405 JSON is not the platform's envelope: never "not found".
    with pytest.raises(UnexpectedResponseError) as caught:
        await pandapon_client.call("GET", "/alibaba/order/teleport")
    assert caught.value.http_status == 404
    assert not isinstance(caught.value, NotFoundError)
    with pytest.raises(UnexpectedResponseError) as wrong_method:
        await pandapon_client.call("GET", "/alibaba/order/detail")
    assert wrong_method.value.http_status == 405
