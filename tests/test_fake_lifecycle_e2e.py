"""A user's pipeline against the fake, per platform: create -> pay -> ship -> confirm or refund,
every state change arriving as a signed callback at a CallbackReceiver, and the order state
read back through the typed API agreeing with what the callbacks said."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from pandapon_async import PandaPonClient
from pandapon_async.callbacks import (
    CallbackMessage,
    CallbackReceiver,
    MemoryInbox,
    MessagePlatform,
    OrderEventBody,
    TaobaoPriceModifyBody,
    strip_platform_prefix,
)
from pandapon_async.models import (
    AlibabaAddress,
    AlibabaCargo,
    TaobaoOrderLine,
    TaobaoReceiver,
    TaobaoRefundStatus,
)
from pandapon_async.testing import FakePandaPon

RECEIVER = TaobaoReceiver(zip="11111", country="中国", address="测试地址", city="杭州市",
                          phone="", mobile_phone="15068763421", district="余杭区",
                          name="a测试aa", state="浙江省")
ADDRESS = AlibabaAddress(full_name="测试", mobile="18720122943", phone="", city_text="杭州市",
                         province_text="浙江省", town_text="", address="仓前街道")
PAY_PATH = "/open/order/pay"  # the user's knowledge: the platform does not publish these paths
DETAIL_PATH = "/open/order/detail"


class Collector:
    """The user's callback handler: keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[CallbackMessage] = []

    async def __call__(self, message: CallbackMessage) -> None:
        self.messages.append(message)

    def types(self) -> Counter[str]:
        return Counter(message.message_type for message in self.messages)

    def bodies(self, base_type: str) -> list[OrderEventBody]:
        found = []
        for message in self.messages:
            if strip_platform_prefix(message.message_type) == base_type:
                assert isinstance(message.body, OrderEventBody)
                found.append(message.body)
        return found


@asynccontextmanager
async def pipeline(fake: FakePandaPon) -> AsyncIterator[tuple[PandaPonClient, CallbackReceiver,
                                                              Collector]]:
    """A client on the fake and a receiver (memory inbox, the fake's clock) it pushes to."""
    collector = Collector()
    receiver = CallbackReceiver(fake.credentials.access_secret, collector, inbox=MemoryInbox(),
                                clock=fake.clock, retry_backoff=0.001, drain_timeout=0.5)
    app = web.Application()
    receiver.add_routes(app, "/callbacks")
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.set_callback_url(f"http://127.0.0.1:{runner.addresses[0][1]}/callbacks")
    try:
        async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None,
                                  retry_backoff=0.001) as client:
            yield client, receiver, collector
    finally:
        await runner.cleanup()


async def delivered(fake: FakePandaPon, receiver: CallbackReceiver) -> None:
    await fake.advance_clock(0)  # every delivery due now attempted
    await receiver.wait_idle()


async def test_taobao_order_created_paid_shipped_and_refunded() -> None:
    """Money rule 1: the pay call is sent once and the fake counts exactly one payment."""
    async with FakePandaPon(seed=3) as fake, pipeline(fake) as (client, receiver, collector):
        fake.taobao.serve_unpublished("pay", PAY_PATH)
        fake.taobao.serve_unpublished("detail", DETAIL_PATH)
        item = fake.state.catalog.taobao_items[0]
        created = await client.taobao.orders.create(
            [TaobaoOrderLine(item_id=str(item.item_id), order_line_no="1", quantity=2,
                             price=item.skus[0].price_fen, sku_id=item.skus[0].sku_id)],
            RECEIVER, purchase_amount=2 * item.skus[0].price_fen)
        order_id = created["purchaseOrderId"]
        [sub_id] = created["subPurchaseOrderIds"]

        before = await client.taobao.orders.get_logistics_detail(sub_id)
        assert before.pnm_logistics_details == []  # nothing shipped yet
        await client.call("POST", PAY_PATH, json={"purchaseOrderId": order_id})
        assert fake.payment_count(order_id) == 1
        tracking = fake.taobao.ship(order_id, company="中通快递", tracking_number="ZT7730012")
        assert tracking == "ZT7730012"

        render = await client.taobao.refunds.render(sub_id, refund_type=2, goods_status=2)
        template = render.refund_order_template
        assert template and template.refund_order and template.refund_order.refund_id
        refund_id = template.refund_order.refund_id
        fake.taobao.agree_refund(refund_id)
        await client.taobao.refunds.submit_return_logistics(
            refund_id, logistics_company_code="SF", logistics_no="SF1234",
            buyer_phone="15068763421", return_goods_desc="退货")
        fake.taobao.complete_refund(refund_id)
        await delivered(fake, receiver)

        logistics = await client.taobao.orders.get_logistics_detail(sub_id)
        logistics_v2 = await client.taobao.orders.get_logistics_detail(sub_id, version=2)
        refund = await client.taobao.refunds.get_detail(refund_id)
        detail = await client.call("GET", DETAIL_PATH, params={"purchaseOrderId": order_id})

    assert collector.types() == {
        "TAOBAO_ORDER_CREATE": 1, "TAOBAO_ORDER_PAY_SUCCESS": 1,
        "TAOBAO_ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS": 1,
        "TAOBAO_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND": 4,
    }
    assert {m.platform for m in collector.messages} == {MessagePlatform.TAOBAO}
    assert all(m.body.order_id == order_id for m in collector.messages)
    [created_event] = collector.bodies("ORDER_CREATE")
    [paid] = collector.bodies("ORDER_PAY_SUCCESS")
    [shipped] = collector.bodies("ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS")
    assert (created_event.order_status, paid.order_status, shipped.order_status) == (
        "WAITING_FOR_PAYMENT", "WAITING_FOR_SENT", "WAITING_FOR_RECEIVE")
    assert paid.pay_status == 2 and paid.total_amount == 2 * item.skus[0].price_fen
    refunds = collector.bodies("ORDER_BUYER_VIEW_ORDER_BUYER_REFUND")
    assert {r.refund_id for r in refunds} == {refund_id}
    assert sorted(int(r.refund_status or 0) for r in refunds) == [
        TaobaoRefundStatus.APPLIED, TaobaoRefundStatus.SELLER_AGREED,
        TaobaoRefundStatus.GOODS_RETURNED, TaobaoRefundStatus.REFUNDED]

    # What the typed API reads agrees with what the callbacks said.
    [package] = logistics.pnm_logistics_details
    assert package.mail_no == tracking
    assert logistics_v2.pnm_logistics_details[0].mail_no == tracking
    assert logistics_v2.pnm_logistics_details[0].logistics_partner[0].company == "中通快递"
    aggregate = refund.refund_order_aggregate
    assert aggregate and aggregate.refund_order
    assert aggregate.refund_order.refund_status == str(TaobaoRefundStatus.REFUNDED.value)
    assert detail["status"] == 11  # the fake's code for shipped (fake.taobao docs)
    assert detail["refundAmount"] == max(r.refund_amount or 0 for r in refunds)
    assert detail["subPurchaseOrders"][0]["logisticsNo"] == tracking


async def test_taobao_price_change_pushes_the_documented_message() -> None:
    async with FakePandaPon(seed=4) as fake, pipeline(fake) as (client, receiver, collector):
        item = fake.state.catalog.taobao_items[1]
        created = await client.taobao.orders.create(
            [TaobaoOrderLine(item_id=str(item.item_id), order_line_no=str(n), quantity=n,
                             price=500, sku_id=item.skus[0].sku_id) for n in (1, 3)],
            RECEIVER)
        order_id = created["purchaseOrderId"]
        fake.taobao.change_price(order_id, 1700)
        await delivered(fake, receiver)

    [message] = [m for m in collector.messages
                 if m.message_type == "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"]
    assert message.platform is MessagePlatform.TAOBAO
    body = message.body
    assert isinstance(body, TaobaoPriceModifyBody)
    assert body.sales_order_id == order_id
    assert [s.purchase_order_line_outer_id for s in body.sub_orders] == created[
        "subPurchaseOrderIds"]
    assert {s.purchase_order_outer_id for s in body.sub_orders} == {order_id}
    assert [s.quantity for s in body.sub_orders] == [1, 3]
    assert sum(s.product_amount or 0 for s in body.sub_orders) == 1700
    # The documented example sends ids and amounts as strings.
    assert all(isinstance(s["product_amount"], str) for s in message.body_raw["subOrders"])


async def test_1688_order_created_paid_shipped_and_received() -> None:
    """Money rule 1: the batch payment is sent once and the fake counts one payment."""
    async with FakePandaPon(seed=5) as fake, pipeline(fake) as (client, receiver, collector):
        offer = fake.state.catalog.alibaba_offers[0]
        created = await client.alibaba.orders.create(
            ADDRESS, [AlibabaCargo(offer_id=str(offer.offer_id), spec_id=offer.skus[0].spec_id,
                                   quantity=2, seller_open_id=offer.seller_open_id)],
            flow="general")
        order_id = created["result"]["orderId"]
        paid = await client.alibaba.orders.batch_submit_to_pay([order_id])
        assert paid.success_order_ids == [order_id]
        tracking = fake.alibaba.ship(order_id, company="中通快递", tracking_number="ZT42")
        shipped = await client.alibaba.orders.get_detail(order_id)
        entries = [str(item.sub_item_id) for item in shipped.product_items]
        await client.alibaba.orders.confirm_receipt(order_id, entries)
        await delivered(fake, receiver)
        received = await client.alibaba.orders.get_detail(order_id)

    assert collector.types() == {
        "1688_ORDER_CREATE": 1, "1688_ORDER_PAY_SUCCESS": 1,
        "1688_ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS": 1,
        "1688_ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS": 1,
    }
    assert fake.payment_count(order_id) == 1
    assert {m.platform for m in collector.messages} == {MessagePlatform.ALIBABA_1688}
    [receipt] = collector.bodies("ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS")
    assert receipt.order_id == order_id and receipt.order_status == "CONFIRM_GOODS"
    assert received.base_info.status == "confirm_goods"
    native = shipped.native_logistics
    assert native and native.logistics_items
    [parcel] = native.logistics_items
    assert (parcel.logistics_bill_no, parcel.logistics_company_name) == (tracking, "中通快递")
    [pay_event] = collector.bodies("ORDER_PAY_SUCCESS")
    assert pay_event.total_amount is not None
    assert received.base_info.total_amount is not None
    assert pay_event.total_amount == round(received.base_info.total_amount * 100)


async def test_1688_refund_moves_through_its_states() -> None:
    """Money rule 1: the refund is created once; the fake reports each state it moves to."""
    async with FakePandaPon(seed=6) as fake, pipeline(fake) as (client, receiver, collector):
        [order_id] = fake.alibaba.create_orders(1, amount_fen=1000)
        fake.alibaba.pay(order_id)
        created = await client.alibaba.refunds.create(
            order_id, dispute_request="returnRefund", apply_payment=1000, apply_carriage=0,
            apply_reason_id="1", description="broken", goods_status="refundWaitSellerSend")
        refund_id = created.refund_id
        assert refund_id
        fake.alibaba.agree_refund(refund_id)
        await client.alibaba.refunds.submit_return(refund_id, logistics_company_no="SF",
                                                   freight_bill="SF99")
        fake.alibaba.complete_refund(refund_id)
        await delivered(fake, receiver)
        info = await client.alibaba.refunds.get_info(refund_id)
        detail = await client.alibaba.orders.get_detail(order_id)

    refunds = collector.bodies("ORDER_BUYER_VIEW_ORDER_BUYER_REFUND")
    assert {r.refund_id for r in refunds} == {refund_id}
    assert sorted(r.refund_status or "" for r in refunds) == sorted(
        ["waitselleragree", "waitbuyersend", "waitsellerreceive", "refundsuccess"])
    assert info.extra["status"] == "refundsuccess"  # beyond the cut public schema
    assert detail.base_info.refund_status == "refundsuccess"
    assert fake.alibaba.refund_status(refund_id) == "refundsuccess"


async def test_a_receiver_on_the_fakes_clock_follows_it_forward() -> None:
    """Hours later by the fake's clock, its messages are still within the receiver's timestamp
    tolerance, because both read the same clock."""
    async with FakePandaPon(seed=7) as fake, pipeline(fake) as (_client, receiver, collector):
        [order_id] = fake.taobao.create_orders(1)
        await fake.advance_clock(8 * 3600)  # beyond the receiver's 6 h tolerance of wall time
        fake.taobao.pay(order_id)
        await delivered(fake, receiver)
    assert [d.status for d in fake.callback_deliveries] == [200, 200]
    [paid] = collector.bodies("ORDER_PAY_SUCCESS")
    assert paid.pay_time is not None and paid.tb_create_time is not None
    assert paid.pay_time > paid.tb_create_time  # "YYYY-MM-DD HH:MM:SS" sorts as time
