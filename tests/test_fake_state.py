"""Orders move through their life as on the platform; money is never taken twice."""

from __future__ import annotations

import pytest

from pandapon_async import APIError, NotFoundError, PandaPonClient
from pandapon_async.testing import FakePandaPon

PAY = "/alibaba/order/batch/submit/to/pay"
ADDRESS = {"fullName": "测试", "mobile": "18720122943", "phone": "", "cityText": "杭州市",
           "provinceText": "浙江省", "address": "仓前街道", "townText": ""}


async def detail(client: PandaPonClient, order_id: str | int) -> dict[str, object]:
    data: dict[str, object] = await client.call(
        "POST", "/alibaba/order/detail", json={"webSite": "1688", "orderId": order_id})
    return data


async def test_a_1688_order_from_creation_to_receipt(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    offer = fake_pandapon.state.catalog.alibaba_offers[0]
    created = await pandapon_client.call("POST", "/alibaba/order/create", json={
        "flow": "general", "addressParam": ADDRESS,
        "cargoParamList": [{"offerId": offer.offer_id, "specId": offer.skus[0].spec_id,
                            "quantity": 2}]})
    order_id = created["result"]["orderId"]
    assert len(order_id) == 19 and order_id.isdigit()
    view = await detail(pandapon_client, order_id)
    base = view["baseInfo"]
    assert isinstance(base, dict)
    assert (base["status"], base["idOfStr"], base["id"]) == ("waitbuyerpay", order_id,
                                                             int(order_id))
    assert base["totalAmount"] == created["result"]["totalSuccessAmount"] / 100

    paid = await pandapon_client.call("POST", PAY, json={"orderIds": [order_id]})
    assert paid == {"successOrderIds": [order_id], "payFailOrders": []}
    assert fake_pandapon.order_status(order_id) == "waitsellersend"

    items = fake_pandapon.order_detail(order_id)["productItems"]
    entry_ids = [item["subItemID"] for item in items]
    early = await pandapon_client._request(
        "POST", "/alibaba/order/receivegoods", json={"orderId": int(order_id),
                                                      "orderEntryIds": entry_ids},
        idempotent=False, check_business=False)
    assert early["success"] is False

    fake_pandapon.ship_order(order_id)
    assert fake_pandapon.order_status(order_id) == "waitbuyerreceive"
    received = await pandapon_client.call("POST", "/alibaba/order/receivegoods", json={
        "orderId": int(order_id), "orderEntryIds": entry_ids})
    assert received == {"success": True, "errorInfo": "", "errorCode": ""}
    assert (await detail(pandapon_client, int(order_id)))["baseInfo"]["status"] == (  # type: ignore[index]
        "confirm_goods")


async def test_cancel_before_payment_only(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    unpaid, paid = fake_pandapon.create_alibaba_orders(2)
    await pandapon_client.call("POST", PAY, json={"orderIds": [paid]})
    assert await pandapon_client.call("POST", "/alibaba/order/cancel", json={
        "webSite": "1688", "orderId": unpaid, "cancelReason": "不想要了"}) is True
    assert fake_pandapon.order_status(unpaid) == "cancel"
    with pytest.raises(APIError) as caught:
        await pandapon_client.call("POST", "/v2/alibaba/order/cancel", json={
            "webSite": "1688", "orderId": int(paid), "cancelReason": "x"})
    assert caught.value.code == 400
    assert fake_pandapon.order_status(paid) == "waitsellersend"
    refused = await pandapon_client.call("POST", PAY, json={"orderIds": [unpaid]})
    assert refused["payFailOrders"][0]["errorReason"] == "订单状态不允许支付"


async def test_credit_limit_fails_payments_beyond_it(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    ids = fake_pandapon.create_alibaba_orders(5, amount_fen=1000)
    fake_pandapon.credit_limit_fen = 3000
    result = await pandapon_client.call("POST", PAY, json={"orderIds": ids})
    assert result["successOrderIds"] == ids[:3]
    assert result["payFailOrders"] == [{"orderId": i, "errorReason": "账户额度不足"}
                                       for i in ids[3:]]
    assert fake_pandapon.paid_total_fen == 3000


async def test_double_payment_is_refused_and_counted(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    ids = fake_pandapon.create_alibaba_orders(2)
    await pandapon_client.call("POST", PAY, json={"orderIds": ids})
    again = await pandapon_client.call("POST", PAY, json={"orderIds": [*ids, ids[0], "123"]})
    assert again["successOrderIds"] == []
    assert [f["errorReason"] for f in again["payFailOrders"]] == [
        "订单状态不允许支付", "订单状态不允许支付", "订单状态不允许支付", "订单不存在"]
    assert fake_pandapon.payment_counts == {ids[0]: 1, ids[1]: 1}
    assert fake_pandapon.pay_attempt_count(ids[0]) == 3


async def test_missing_order_detail_is_not_found(pandapon_client: PandaPonClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await detail(pandapon_client, "2059624776425880794")
    assert caught.value.code == 404


async def test_refund_after_payment(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1, amount_fen=1000)[0]
    refund_body = {"orderId": int(order_id), "disputeRequest": "refund", "applyPayment": 500,
                   "applyCarriage": 0, "applyReasonId": 1, "description": "broken",
                   "goodsStatus": "refundWaitSellerSend"}
    with pytest.raises(APIError):
        await pandapon_client.call("POST", "/alibaba/refund/detail/create", json=refund_body)
    await pandapon_client.call("POST", PAY, json={"orderIds": [order_id]})
    created = await pandapon_client.call("POST", "/alibaba/refund/detail/create",
                                         json=refund_body)
    assert created["refundId"].startswith("TQ")
    info = await pandapon_client.call("POST", "/alibaba/refund/info",
                                      json={"refundId": created["refundId"]})
    assert (info["applyPayment"], info["orderId"]) == (500, order_id)
    assert fake_pandapon.order_detail(order_id)["baseInfo"]["refundStatus"] == (
        "waitselleragree")


async def test_taobao_cart_to_order_and_address_book(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    item = fake_pandapon.state.catalog.taobao_items[0]
    added = await pandapon_client.call("POST", "/open/cart/add", json={
        "itemId": item.item_id, "mpId": item.mp_id, "mpSkuId": item.skus[0].mp_sku_id,
        "skuId": item.skus[0].sku_id, "quantity": 2, "price": 100})
    order = await pandapon_client.call("POST", "/open/cart/create/order", json={
        "ids": [added["id"]], "orderAddress": {"name": "a"}})
    assert order["purchaseAmount"] == 200
    assert fake_pandapon.state.taobao_cart == {}
    assert await pandapon_client.call("POST", "/open/order/upload/payCertificate", json={
        "base64": "", "orderId": order["purchaseOrderId"]}) is True

    await pandapon_client.call("POST", "/open/address/addOrUpdate", json={"name": "新地址"})
    new_id = max(fake_pandapon.state.addresses)
    await pandapon_client.call("POST", "/v2/open/address/addOrUpdate",
                               json={"id": new_id, "city": "深圳市"})
    assert fake_pandapon.state.addresses[new_id]["city"] == "深圳市"


async def test_the_catalog_is_deterministic_per_seed() -> None:
    first, again, other = FakePandaPon(seed=3), FakePandaPon(seed=3), FakePandaPon(seed=4)
    assert first.create_alibaba_orders(3) == again.create_alibaba_orders(3)
    assert first.state.catalog.alibaba_offers == again.state.catalog.alibaba_offers
    assert first.state.catalog.alibaba_offers != other.state.catalog.alibaba_offers
    assert first.state.catalog.taobao_items[0].item_id == 672991141190


async def test_the_request_log_records_what_arrived(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    await pandapon_client.call("POST", PAY, json={"orderIds": [order_id]})
    await pandapon_client.call("GET", "/alibaba/order/pay/url", params={"orderId": order_id})
    posted, fetched = fake_pandapon.requests
    assert (posted.method, posted.path, posted.status, posted.outcome) == (
        "POST", PAY, 200, "ok")
    assert b'"orderIds"' in posted.body
    assert posted.headers["access-key"] == fake_pandapon.credentials.access_key
    assert fake_pandapon.credentials.access_secret not in repr(fake_pandapon.requests)
    assert fetched.query == {"orderId": order_id}
    assert posted.time <= fetched.time
    fake_pandapon.clear_requests()
    assert fake_pandapon.requests == []


def test_state_helpers_refuse_impossible_moves() -> None:
    fake = FakePandaPon()
    order_id = fake.create_alibaba_orders(1)[0]
    with pytest.raises(ValueError, match="waitsellersend"):
        fake.ship_order(order_id)
    fake.cancel_order(order_id)
    with pytest.raises(ValueError):
        fake.cancel_order(order_id)
