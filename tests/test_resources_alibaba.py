"""``client.alibaba`` end to end against FakePandaPon on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from pandapon_async import BusinessError, NotFoundError, PandaPonClient
from pandapon_async.models import (
    AlibabaAddress,
    AlibabaCargo,
    AlibabaCargoV2,
    AlibabaCartList,
    AlibabaOrderStatus,
)
from pandapon_async.testing import FakePandaPon

ADDRESS = AlibabaAddress(full_name="测试", mobile="18720122943", phone="", post_code="311121",
                         city_text="杭州市", province_text="浙江省", area_text="余杭区",
                         town_text="", address="仓前街道欧美金融城2幢1103")


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=0) as server:
        yield server


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None,
                              retry_backoff=0.001) as api:
        yield api


def _sent(fake: FakePandaPon, path: str) -> list[object]:
    return [json.loads(r.body) if r.body else r.query for r in fake.requests if r.path == path]


async def test_pay_then_detail_then_confirm_receipt(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    order_ids = fake.create_alibaba_orders(2, amount_fen=1000)
    unpaid = await client.alibaba.orders.get_detail(order_ids[0])
    assert unpaid.base_info.status is AlibabaOrderStatus.WAIT_BUYER_PAY
    assert unpaid.order_id == order_ids[0]

    result = await client.alibaba.orders.batch_submit_to_pay([*order_ids, "1"])
    assert sorted(result.success_order_ids) == sorted(order_ids)
    assert [(f.order_id, f.error_reason) for f in result.pay_fail_orders] == [("1", "订单不存在")]
    assert all(fake.payment_count(order_id) == 1 for order_id in order_ids)

    fake.ship_order(order_ids[0])
    shipped = await client.alibaba.orders.get_detail(order_ids[0])
    assert shipped.status == "waitbuyerreceive"
    entries = [item.sub_item_id for item in shipped.product_items]
    confirmed = await client.alibaba.orders.confirm_receipt(order_ids[0], entries)
    assert confirmed.success is True
    assert fake.order_status(order_ids[0]) in ("confirm_goods", "success")
    sent = _sent(fake, "/alibaba/order/receivegoods")[0]
    assert sent == {"orderId": int(order_ids[0]), "orderEntryIds": [int(e) for e in entries]}


async def test_paying_twice_is_reported_not_repeated(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    (order_id,) = fake.create_alibaba_orders(1)
    await client.alibaba.orders.batch_submit_to_pay([order_id])
    again = await client.alibaba.orders.batch_submit_to_pay([order_id])
    assert again.success_order_ids == []
    assert again.pay_fail_orders[0].error_reason == "订单状态不允许支付"
    assert fake.payment_count(order_id) == 1


async def test_bad_batch_is_refused_before_sending(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    for bad in ([], ["1", "1"], ["x"] * 2, [str(n) for n in range(101)]):
        with pytest.raises(ValueError, match="order_ids"):
            await client.alibaba.orders.batch_submit_to_pay(bad)
    with pytest.raises(ValueError, match="order_id must be a string of digits"):
        await client.alibaba.orders.cancel("12ab", "no")
    assert fake.requests == []


async def test_missing_order_raises_not_found(client: PandaPonClient) -> None:
    with pytest.raises(NotFoundError):
        await client.alibaba.orders.get_detail("2000000000000000000")


async def test_confirm_receipt_of_an_unshipped_order_raises_business_error(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    (order_id,) = fake.create_alibaba_orders(1)
    detail = await client.alibaba.orders.get_detail(order_id)
    with pytest.raises(BusinessError):
        await client.alibaba.orders.confirm_receipt(
            order_id, [item.sub_item_id for item in detail.product_items])


async def test_cancel_and_cancel_v2_cancel_unpaid_orders(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    first, second = fake.create_alibaba_orders(2)
    assert await client.alibaba.orders.cancel(first, "不想要了", remark="test") is True
    assert await client.alibaba.orders.cancel(second, "不想要了", version=2) is True
    assert fake.order_status(first) == fake.order_status(second) == "cancel"
    assert _sent(fake, "/alibaba/order/cancel")[0] == {
        "webSite": "1688", "orderId": int(first), "cancelReason": "不想要了", "remark": "test"}


async def test_pay_url_for_unpaid_and_paid_orders(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    unpaid, paid = fake.create_alibaba_orders(2)
    await client.alibaba.orders.batch_submit_to_pay([paid])
    link = await client.alibaba.orders.get_pay_url(unpaid)
    assert link.order_id == unpaid and link.pay_url
    refused = await client.alibaba.orders.get_pay_url(paid, version=2)
    assert refused.cant_pay_order_list == [paid]


async def test_iter_list_follows_every_page_and_stops_when_the_consumer_stops(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    created = fake.create_alibaba_orders(5)
    seen = [order.order_id async for order in client.alibaba.orders.iter_list(page_size=2)]
    assert sorted(seen) == sorted(created)
    assert len(_sent(fake, "/v2/alibaba/order/page")) == 3

    fake.clear_requests()
    async with aclosing(client.alibaba.orders.iter_list(page_size=2)) as orders:
        async for _order in orders:
            break
    assert len(_sent(fake, "/v2/alibaba/order/page")) == 1


async def test_preview_create_and_batch_create(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    offer = fake.state.catalog.alibaba_offers[0]
    other = next(o for o in fake.state.catalog.alibaba_offers
                 if o.seller_open_id != offer.seller_open_id)
    cargo = [AlibabaCargo(offer_id=str(offer.offer_id), spec_id=offer.skus[0].spec_id,
                          quantity=2)]
    preview = await client.alibaba.orders.preview(ADDRESS, cargo)
    assert preview.order_preview_result[0].sum_payment_no_carriage == 2 * offer.skus[0].price_fen

    v2 = await client.alibaba.orders.preview_v2(ADDRESS, [AlibabaCargoV2(
        offer_map_id=offer.offer_map_id, spec_id=offer.skus[0].spec_id, quantity=1)])
    assert v2.order_preview_result[0].status is True

    created = await client.alibaba.orders.create(ADDRESS, cargo, flow="general")
    assert created["success"] is True

    two_sellers = [
        AlibabaCargo(offer_id=str(o.offer_id), spec_id=o.skus[0].spec_id, quantity=1,
                     seller_open_id=o.seller_open_id)
        for o in (offer, other)
    ]
    assert len((await client.alibaba.orders.preview_batch(ADDRESS, two_sellers))
               ["orderPreviewResuslt"]) == 2
    batch = await client.alibaba.orders.batch_create(ADDRESS, two_sellers, flow="general")
    batch_v2 = await client.alibaba.orders.batch_create_v2(ADDRESS, two_sellers, flow="general")
    assert len(batch["result"]) == len(batch_v2["result"]) == 2


async def test_goods_detail_and_searches(fake: FakePandaPon, client: PandaPonClient) -> None:
    offer = fake.state.catalog.alibaba_offers[0]
    product = await client.alibaba.goods.get_detail(str(offer.offer_id))
    assert product.offer_id == str(offer.offer_id)
    assert product.product_sku_infos and product.product_sku_infos[0].spec_id

    page = await client.alibaba.goods.search_keywords("", page_size=5)
    assert page.total_records == len(fake.state.catalog.alibaba_offers)
    everything = [item async for item in client.alibaba.goods.iter_search_keywords(
        "", page_size=5, version=2)]
    assert len(everything) == page.total_records

    by_image = await client.alibaba.goods.search_image(
        image_base64=b"\xff\xd8\xff\xe0", image_address="https://x/y.jpg")
    assert by_image.items
    assert (await client.alibaba.goods.search_image(image_base64="/9j/4AAQ", version=2)).items
    with pytest.raises(ValueError, match="image_base64"):
        await client.alibaba.goods.search_image(image_base64="")

    shop = await client.alibaba.goods.search_seller_offers(offer.seller_open_id)
    assert shop.items
    shop_v2 = [o async for o in client.alibaba.goods.iter_search_seller_offers(
        offer.seller_open_id, page_size=1, version=2, max_pages=2)]
    assert 1 <= len(shop_v2) <= 2

    related = [o async for o in client.alibaba.goods.iter_related(
        offer.offer_map_id, page_size=4)]
    assert len(related) == len(fake.state.catalog.alibaba_offers) - 1
    assert (await client.alibaba.goods.get_related(offer.offer_map_id)).items


async def test_refund_create_info_and_return(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    (order_id,) = fake.create_alibaba_orders(1)
    await client.alibaba.orders.batch_submit_to_pay([order_id])
    fake.ship_order(order_id)
    detail = await client.alibaba.orders.get_detail(order_id)
    entries = [item.sub_item_id for item in detail.product_items]
    created = await client.alibaba.refunds.create(
        order_id, order_entry_ids=entries, dispute_request="refundWithGoods",
        apply_payment=1000, apply_carriage=0, apply_reason_id="20006",
        description="质量问题", goods_status="received")
    assert created.refund_id and created.refund_id.startswith("TQ")
    info = await client.alibaba.refunds.get_info(created.refund_id)
    assert info.apply_payment == 1000
    await client.alibaba.refunds.submit_return(
        created.refund_id, logistics_company_no="SF", freight_bill="SF1234567890")
    assert (await client.alibaba.refunds.get_info(created.refund_id)).extra["freightBill"] == \
        "SF1234567890"


async def test_refund_create_v2(fake: FakePandaPon, client: PandaPonClient) -> None:
    (order_id,) = fake.create_alibaba_orders(1)
    await client.alibaba.orders.batch_submit_to_pay([order_id])
    detail = await client.alibaba.orders.get_detail(order_id)
    created = await client.alibaba.refunds.create(
        order_id, version=2, order_entry_ids=[detail.product_items[0].sub_item_id],
        dispute_request="refund", apply_payment=500, apply_carriage=0,
        apply_reason_id="20006", description="不想要了", goods_status="notReceived")
    assert created.refund_id


async def test_cart_list_edit_preview_and_order(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    offer = fake.state.catalog.alibaba_offers[0]
    cart_id = str(fake.state.add_alibaba_cart_item(offer.skus[0].spec_id, 1))
    def row_ids(cart: AlibabaCartList) -> list[str]:
        return [str(item.id) for shop in cart.enable_list for item in shop.cart_item_infos]

    assert cart_id in row_ids(await client.alibaba.cart.list_items())
    assert await client.alibaba.cart.edit_quantity(cart_id, 3) is True
    rows = {str(item.id): item for shop in (await client.alibaba.cart.list_items()).enable_list
            for item in shop.cart_item_infos}
    assert rows[cart_id].quantity == 3
    preview = await client.alibaba.cart.preview_order([cart_id], address=ADDRESS)
    assert preview["orderPreviewResuslt"]
    created = await client.alibaba.cart.create_order([cart_id], flow="general", address=ADDRESS)
    assert created["success"] is True
    assert cart_id not in row_ids(await client.alibaba.cart.list_items())
