"""``client.taobao``, ``client.foundation`` and ``client.logistics`` end to end against
FakePandaPon on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from pandapon_async import NotFoundError, PandaPonClient
from pandapon_async.models import (
    DomesticLogisticInfo,
    FreightInfo,
    FreightLineItem,
    FreightReceiverAddress,
    LogisticInfo,
    RenderItem,
    TaobaoItemSkus,
    TaobaoOrderLine,
    TaobaoReceiver,
    TaobaoSkuProperty,
)
from pandapon_async.testing import FakePandaPon

RECEIVER = TaobaoReceiver(zip="11111", country="中国", address="测试地址", city="杭州市",
                          phone="", mobile_phone="15068763421", district="余杭区",
                          name="a测试aa", state="浙江省")
OVERSEAS = FreightReceiverAddress(country="US", state="California", city="VALLEY VLG",
                                  zip="91607", address="5818 WHITSETT AVE 401",
                                  name="Ofir Birinbaum", phone="5083326888")


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=0) as server:
        yield server


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None,
                              retry_backoff=0.001) as api:
        yield api


def _bodies(fake: FakePandaPon, path: str) -> list[Any]:
    return [json.loads(r.body) for r in fake.requests if r.path == path and r.body]


async def _order(fake: FakePandaPon, client: PandaPonClient) -> dict[str, Any]:
    item = fake.state.catalog.taobao_items[0]
    created: dict[str, Any] = await client.taobao.orders.create(
        [TaobaoOrderLine(item_id=str(item.item_id), order_line_no="1", quantity=2,
                         price=item.skus[0].price_fen, sku_id=item.skus[0].sku_id)],
        RECEIVER, purchase_amount=400, order_source="lazada", seller_order_number="S-1")
    return created


# --- taobao goods --------------------------------------------------------------------------------


async def test_product_detail_source_and_batch_check(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    item = fake.state.catalog.taobao_items[0]
    product = await client.taobao.goods.get_product(str(item.item_id))
    assert product.item_id == str(item.item_id) and product.mp_id == item.mp_id
    assert (await client.taobao.goods.get_product(item.item_map_id, version=2)).title == item.title
    source = await client.taobao.goods.get_source_product(str(item.item_id), language="vi")
    assert source.item_id == str(item.item_id)
    with pytest.raises(NotFoundError):
        await client.taobao.goods.get_product("1")

    checked = await client.taobao.goods.batch_check([
        TaobaoItemSkus(item_id=str(item.item_id), sku_ids=[item.skus[0].sku_id]),
        TaobaoItemSkus(item_id="1", sku_ids=[]),
    ])
    assert checked.no_mp_product_item_ids == ["1"]
    assert checked.mp_products[0]["mpId"] == item.mp_id
    with pytest.raises(ValueError, match="params must not be empty"):
        await client.taobao.goods.batch_check([])


async def test_search_pages_until_the_end(fake: FakePandaPon, client: PandaPonClient) -> None:
    first = await client.taobao.goods.search(None, page_size=5)
    total = first.total_records
    assert isinstance(total, int) and len(first.items) == min(5, total)
    assert first.items[0].extra["title"]
    every = [item async for item in client.taobao.goods.iter_search(page_size=5)]
    assert len(every) == total
    with pytest.raises(ValueError, match="page_size must be between 1 and 40"):
        client.taobao.goods.iter_search(page_size=41)


# --- taobao orders -------------------------------------------------------------------------------


async def test_create_order_sends_json_text_and_returns_the_order(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    created = await _order(fake, client)
    sent = _bodies(fake, "/open/order")[0]
    assert json.loads(sent["receiver"])["mobile_phone"] == "15068763421"
    assert json.loads(sent["orderLineList"])[0]["quantity"] == "2"
    order_id = created["purchaseOrderId"]

    with pytest.warns(DeprecationWarning, match="deprecated"):
        assert await client.taobao.orders.upload_pay_certificate(order_id, "aGVsbG8=") is True
    await client.taobao.orders.update_warehouse(order_id, warehouse_name="一号仓库",
                                                warehouse_address="广西省")
    assert _bodies(fake, "/open/order/updateWarehouse")[0]["warehouseName"] == "一号仓库"

    sub_id = created["subPurchaseOrderIds"][0]
    logistics = await client.taobao.orders.get_logistics_detail(sub_id)
    assert isinstance(logistics.pnm_logistics_details, list)
    logistics_v2 = await client.taobao.orders.get_logistics_detail(sub_id, version=2)
    assert logistics_v2.purchase_order_outer_id is not None

    link = await client.taobao.orders.get_im_link("672991141190")
    assert link.startswith("https://distributor.taobao.global/")


# --- taobao after-sales --------------------------------------------------------------------------


async def test_reverse_order_lifecycle(fake: FakePandaPon, client: PandaPonClient) -> None:
    created = await _order(fake, client)
    sub_id = created["subPurchaseOrderIds"][0]
    render = await client.taobao.refunds.render(sub_id, refund_type=2, goods_status=2)
    assert render.sale_flag is True
    assert render.refund_order_template and render.refund_order_template.refund_reasons
    refund_order = render.refund_order_template.refund_order
    assert refund_order and isinstance(refund_order.refund_id, str)
    refund_id = refund_order.refund_id
    # Rendering is idempotent (retried on faults): a second render shows the same refund.
    again = await client.taobao.refunds.render(sub_id, refund_type=2, goods_status=2)
    assert again.refund_order_template and again.refund_order_template.refund_order
    assert again.refund_order_template.refund_order.refund_id == refund_id

    detail = await client.taobao.refunds.get_detail(refund_id)
    assert detail.refund_order_aggregate and detail.refund_order_aggregate.refund_order
    listed = [r async for r in client.taobao.refunds.iter_list(page_size=1)]
    assert [r["refundOrderAggregate"]["refundOrder"]["refundId"] for r in listed] == [refund_id]

    await client.taobao.refunds.submit_message(refund_id, "请尽快处理")
    returned = await client.taobao.refunds.submit_return_logistics(
        refund_id, logistics_company_code="SF", logistics_no="SF00111test",
        buyer_phone="15068763422", return_goods_desc="尺码不合适")
    assert returned.logistics_company_list
    assert returned.logistics_company_list[0].logistics_company_code == "SF"

    cancelled = await client.taobao.refunds.cancel(refund_id)
    assert cancelled.cancel_success is True
    assert (await client.taobao.refunds.cancel(refund_id, version=2)).cancel_success is False
    assert [r.path for r in fake.requests if "/cancel/" in r.path] == [
        f"/open/order/refund/cancel/{refund_id}", f"/v2/taobao/order/refund/cancel/{refund_id}"]


# --- taobao cart ---------------------------------------------------------------------------------


async def test_cart_add_then_order(fake: FakePandaPon, client: PandaPonClient) -> None:
    item = fake.state.catalog.taobao_items[1]
    sku = item.skus[0]
    added = await client.taobao.cart.add(
        item_id=str(item.item_id), mp_id=item.mp_id, mp_sku_id=sku.mp_sku_id, quantity=2,
        sku_id=sku.sku_id, price=sku.price_fen,
        properties=[TaobaoSkuProperty(value_id="28324", value_name="黄色", prop_id="1627207",
                                      prop_name="颜色分类")])
    added_v2 = await client.taobao.cart.add_v2(
        item_map_id=item.item_map_id, mp_id=item.mp_id, mp_sku_id=sku.mp_sku_id, quantity=1)
    sent = _bodies(fake, "/open/cart/add")[0]
    assert sent["itemId"] == item.item_id
    assert json.loads(sent["properties"])[0]["propId"] == 1627207
    order = await client.taobao.cart.create_order(
        [str(added["id"]), str(added_v2["id"])], RECEIVER)
    assert order["purchaseOrderId"]


# --- foundation ----------------------------------------------------------------------------------


async def test_add_then_update_address(fake: FakePandaPon, client: PandaPonClient) -> None:
    before = set(fake.state.addresses)
    assert await client.foundation.add_or_update_address(
        name="张三", province="浙江省", city="杭州市", district="余杭区", address="测试地址",
        phone="15068763421") is None
    (address_id,) = set(fake.state.addresses) - before
    await client.foundation.add_or_update_address(
        id=str(address_id), name="李四", province="浙江省", city="杭州市", address="新地址",
        phone="15068763421", version=2)
    assert fake.state.addresses[address_id]["name"] == "李四"
    with pytest.raises(ValueError, match="id must be a string of digits"):
        await client.foundation.add_or_update_address(
            id="abc", name="x", province="x", city="x", address="x", phone="x")


# --- logistics -----------------------------------------------------------------------------------


async def test_freight_preview_booking_and_tracking(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    item = fake.state.catalog.taobao_items[0]
    line = dict(item_id=str(item.item_id), sku_id=item.skus[0].sku_id, quantity=1)
    freight = FreightInfo(service_id="1", company_name="", service_category="")
    estimate = await client.logistics.estimate_item_freight(
        line["item_id"], line["sku_id"], quantity=2, receiver_address=OVERSEAS,
        currency="CNY", price="12.50")
    assert estimate[0]["serviceId"] == "1"

    preview = await client.logistics.preview_order_freight(
        OVERSEAS, [RenderItem(**line, freight_info=freight)])
    preview_v2 = await client.logistics.preview_order_freight(
        OVERSEAS, [RenderItem(**line, freight_info=freight)], version=2)
    assert preview["renderId"] != preview_v2["renderId"]

    booking = await client.logistics.book_freight(
        OVERSEAS, [FreightLineItem(**line, title="商品", image_url="url", freight_info=freight)],
        render_id=preview["renderId"], tmall_order_id="123123444")
    assert booking["renderId"] == preview["renderId"]
    assert _bodies(fake, "/open/pp/logistics/orderBookingFreight")[0]["tmallOrderInfo"] == {
        "tmallOrderId": "123123444"}

    assert await client.logistics.update_logistic_info(
        [LogisticInfo(line_item=FreightLineItem(**line), logistic_number="FARJP2408000013YQ",
                      domestic_logistic_info=[DomesticLogisticInfo(
                          logistic_number="SF1234521212678", logistic_company_name="顺丰",
                          rts_time="1754342534")])],
        order_id="21", tmall_order_id="12345667") is True
    sent = _bodies(fake, "/open/pp/logistics/updateLogisticInfo")[0]
    assert sent["logisticInfos"][0]["logisticNumer"] == "FARJP2408000013YQ"
