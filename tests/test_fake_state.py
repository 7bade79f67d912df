"""Orders move through their life as on the platform; money is never taken twice."""

from __future__ import annotations

import pytest

from pandapon_async import (
    APIError,
    NotFoundError,
    OutcomeUnknownError,
    PandaPonClient,
    UnexpectedResponseError,
)
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


def test_taobao_controls_refuse_impossible_moves_and_change_nothing() -> None:
    fake = FakePandaPon()
    unpaid, paid = fake.taobao.create_orders(2, amount_fen=700)
    fake.taobao.pay(paid)
    with pytest.raises(ValueError, match=unpaid):
        fake.taobao.ship(unpaid)
    with pytest.raises(ValueError, match="订单状态不允许支付"):
        fake.taobao.pay(paid)
    with pytest.raises(ValueError, match="price is fixed"):
        fake.taobao.change_price(paid, 100)
    with pytest.raises(ValueError, match="only unpaid"):
        fake.taobao.close(paid)
    with pytest.raises(ValueError, match="order not found"):
        fake.taobao.pay("123")
    with pytest.raises(TypeError, match="total_fen"):
        fake.taobao.change_price(unpaid, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="company"):
        fake.taobao.ship(paid, company="")
    assert (fake.taobao.status(unpaid), fake.taobao.status(paid)) == (0, 10)
    assert fake.payment_counts == {paid: 1} and fake.paid_total_fen == 700
    fake.taobao.close(unpaid, "too late")
    assert fake.taobao.detail(unpaid)["closeReason"] == "too late"
    with pytest.raises(ValueError, match="only unpaid"):
        fake.taobao.pay(unpaid)


async def test_taobao_refund_transitions_are_what_the_refund_endpoints_report(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    [order_id] = fake_pandapon.taobao.create_orders(1, amount_fen=900)
    fake_pandapon.taobao.pay(order_id)
    [sub_id] = fake_pandapon.taobao.sub_order_ids(order_id)
    render = await pandapon_client.taobao.refunds.render(sub_id, refund_type=1, goods_status=1)
    assert render.refund_order_template and render.refund_order_template.refund_order
    refund_id = render.refund_order_template.refund_order.refund_id
    assert refund_id is not None
    fake_pandapon.taobao.refuse_refund(refund_id, "已发货")
    detail = await pandapon_client.taobao.refunds.get_detail(refund_id)
    assert detail.refund_order_aggregate and detail.refund_order_aggregate.refund_order
    refund_order = detail.refund_order_aggregate.refund_order
    assert (refund_order.refund_status, refund_order.seller_refuse_reason) == ("-10", "已发货")
    with pytest.raises(ValueError, match="cannot move"):
        fake_pandapon.taobao.complete_refund(refund_id)
    listed = await pandapon_client.taobao.refunds.query_list(refund_status=-10)
    assert [row["refundOrderAggregate"]["refundOrder"]["refundId"] for row in listed.items] == [
        refund_id]

    # A refused refund is finished: the sub-order may be refunded anew, then closed.
    again = await pandapon_client.taobao.refunds.render(sub_id, refund_type=1, goods_status=1)
    assert again.refund_order_template and again.refund_order_template.refund_order
    second = again.refund_order_template.refund_order.refund_id
    assert second is not None and second != refund_id
    fake_pandapon.taobao.close_refund(second)
    assert fake_pandapon.taobao.refund_status(second) == -20
    assert fake_pandapon.taobao.detail(order_id)["refundAmount"] == 0


async def test_unpublished_taobao_endpoints_are_served_only_on_the_path_asked(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Money rule 1: a second pay call is refused by the fake and the order is paid once."""
    first, second = fake_pandapon.taobao.create_orders(2, amount_fen=300)
    # Not served yet: the gateway's 404 is no platform envelope, so a write reads as an
    # unknown outcome (rule 0), never as "order not found".
    with pytest.raises(OutcomeUnknownError) as unserved:
        await pandapon_client.call("POST", "/open/order/pay", json={"purchaseOrderId": first})
    assert isinstance(unserved.value.cause, UnexpectedResponseError)
    assert unserved.value.cause.http_status == 404
    assert fake_pandapon.taobao.status(first) == 0

    fake_pandapon.taobao.serve_unpublished("pay", "/open/order/pay")
    fake_pandapon.taobao.serve_unpublished("list", "/my/orders")
    fake_pandapon.taobao.serve_unpublished("cancel", "/my/cancel")
    paid = await pandapon_client.call("POST", "/open/order/pay", json={"purchaseOrderId": first})
    assert (paid["purchaseOrderId"], paid["status"]) == (first, 10)
    with pytest.raises(APIError) as refused:
        await pandapon_client.call("POST", "/open/order/pay", json={"orderId": first})
    assert refused.value.code == 400 and "订单状态不允许支付" in str(refused.value)
    assert fake_pandapon.payment_count(first) == 1
    assert await pandapon_client.call("POST", "/my/cancel",
                                      json={"purchaseOrderId": second}) is True

    page = await pandapon_client.call("GET", "/my/orders",
                                      params={"pageNo": 1, "pageSize": 10, "status": 10})
    assert [row["purchaseOrderId"] for row in page["data"]] == [first]
    everything = await pandapon_client.call("GET", "/my/orders", params={"pageSize": 1})
    assert (everything["totalRecords"], len(everything["data"])) == (2, 1)
    with pytest.raises(UnexpectedResponseError):  # not asked for: the gateway's 404
        await pandapon_client.call("GET", "/open/order/detail", params={"orderId": first})

    with pytest.raises(ValueError, match="already serves"):
        fake_pandapon.taobao.serve_unpublished("detail", "/open/order/logistics/detail/get")
    with pytest.raises(ValueError, match="endpoint must be one of"):
        fake_pandapon.taobao.serve_unpublished("ship", "/x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="path"):
        fake_pandapon.taobao.serve_unpublished("detail", "open/order/detail")


async def test_1688_controls_and_their_0_1_aliases_report_the_shipment(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    first, second = fake_pandapon.alibaba.create_orders(2)
    fake_pandapon.alibaba.pay(first)
    with pytest.raises(ValueError, match="only waitbuyerpay"):
        fake_pandapon.alibaba.pay(first)
    assert fake_pandapon.ship_order(first, tracking_number="YT1") == "YT1"  # 0.1 name
    detail = await pandapon_client.alibaba.orders.get_detail(first)
    assert detail.native_logistics and detail.native_logistics.logistics_items
    assert detail.native_logistics.logistics_items[0].logistics_bill_no == "YT1"
    fake_pandapon.alibaba.confirm_receipt(first)
    assert fake_pandapon.order_status(first) == "confirm_goods"
    with pytest.raises(ValueError, match="confirm_goods"):
        fake_pandapon.alibaba.confirm_receipt(first)
    fake_pandapon.change_order_price(second, 555)
    assert fake_pandapon.alibaba.detail(second)["baseInfo"]["totalAmount"] == 5.55
    fake_pandapon.alibaba.close(second, "no")
    assert fake_pandapon.alibaba.status(second) == "cancel"
