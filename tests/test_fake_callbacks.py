"""Callbacks: signed like the platform, pushed on state changes, retried on failure."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from pandapon_async import PandaPonClient
from pandapon_async.testing import FakePandaPon


class Receiver:
    """A callback endpoint on 127.0.0.1 that fails its first ``failures`` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[bytes, str]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.read(), request.headers["Authorization"]))
        if self.failures:
            self.failures -= 1
            return web.Response(status=503)
        return web.Response(text="ok")


@asynccontextmanager
async def receiver_at(receiver: Receiver) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/callback", receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/callback"
    finally:
        await runner.cleanup()


def expected_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def test_push_is_signed_with_hmac_of_the_raw_body() -> None:
    receiver = Receiver()
    async with FakePandaPon(clock=lambda: 1_700_000_000.5) as fake, receiver_at(
        receiver
    ) as url:
        fake.set_callback_url(url)
        delivery = await fake.push_callback("ORDER_PAY_SUCCESS", {"orderId": "1"}, platform=1)
    assert delivery.delivered and delivery.attempt == 1
    body, authorization = receiver.received[0]
    assert authorization == expected_signature(body, fake.credentials.access_secret)
    assert json.loads(body) == {"messageType": "ORDER_PAY_SUCCESS",
                                "messageBody": {"orderId": "1"}, "messagePlatform": 1,
                                "timestamp": "1700000000500"}


async def test_failed_deliveries_are_retried_on_the_schedule() -> None:
    receiver = Receiver(failures=2)
    async with FakePandaPon(callback_retry_delays=(0.01, 0.01, 0.01)) as fake, receiver_at(
        receiver
    ) as url:
        fake.set_callback_url(url)
        first = await fake.push_callback("ORDER_CANCEL", {"orderId": "1"}, platform=1)
        await fake.wait_callbacks_idle()
    assert first.status == 503
    assert [(d.attempt, d.status) for d in fake.callback_deliveries] == [
        (1, 503), (2, 503), (3, 200)]
    assert len({body for body, _ in receiver.received}) == 1  # the same message each time


async def test_retries_stop_after_the_last_scheduled_attempt() -> None:
    receiver = Receiver(failures=10)
    async with FakePandaPon(callback_retry_delays=(0.0, 0.0)) as fake, receiver_at(
        receiver
    ) as url:
        fake.set_callback_url(url)
        await fake.push_callback("ORDER_CANCEL", {}, platform=1)
        await fake.wait_callbacks_idle()
    assert [d.attempt for d in fake.callback_deliveries] == [1, 2, 3]


async def test_an_unreachable_receiver_is_recorded_not_raised() -> None:
    async with FakePandaPon(callback_retry_delays=()) as fake:
        fake.set_callback_url("http://127.0.0.1:9/nothing-listens-here")
        delivery = await fake.push_callback("ORDER_CANCEL", {}, platform=1)
    assert delivery.status is None and delivery.error


async def test_state_changes_push_callbacks(fake_pandapon: FakePandaPon,
                                            pandapon_client: PandaPonClient) -> None:
    receiver = Receiver()
    async with receiver_at(receiver) as url:
        fake_pandapon.set_callback_url(url)
        paid, cancelled, repriced = fake_pandapon.create_alibaba_orders(3, amount_fen=1000)
        await pandapon_client.call("POST", "/alibaba/order/batch/submit/to/pay",
                                   json={"orderIds": [paid]})
        fake_pandapon.cancel_order(cancelled, "changed my mind")
        fake_pandapon.change_order_price(repriced, 800)
        await pandapon_client.call("POST", "/alibaba/refund/detail/create", json={
            "orderId": paid, "disputeRequest": "refund", "applyPayment": 100,
            "applyCarriage": 0, "applyReasonId": 1, "description": "d", "goodsStatus": "x"})
        await fake_pandapon.wait_callbacks_idle()
    messages = {json.loads(body)["messageType"]: json.loads(body)
                for body, _ in receiver.received}
    assert set(messages) == {"1688_ORDER_CREATE", "1688_ORDER_PAY_SUCCESS", "1688_ORDER_CANCEL",
                             "1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
                             "1688_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND"}
    assert messages["1688_ORDER_PAY_SUCCESS"]["messageBody"]["orderStatus"] == (
        "WAITING_FOR_SENT")
    assert messages["1688_ORDER_CANCEL"]["messageBody"]["closeReason"] == "changed my mind"
    refund = messages["1688_ORDER_BUYER_VIEW_ORDER_BUYER_REFUND"]["messageBody"]
    assert (refund["orderId"], refund["refundStatus"]) == (paid, "waitselleragree")
    assert refund["refundId"].startswith("TQ")
    price = messages["1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"]["messageBody"]
    assert (price["baseInfo"]["idOfStr"], price["baseInfo"]["totalAmount"]) == (repriced, 8.0)
    assert all(m["messagePlatform"] == 1 for m in messages.values())
    for body, authorization in receiver.received:
        assert authorization == expected_signature(body,
                                                   fake_pandapon.credentials.access_secret)


async def test_message_body_as_json_text() -> None:
    receiver = Receiver()
    async with FakePandaPon(callback_body_as_text=True) as fake, receiver_at(receiver) as url:
        fake.set_callback_url(url)
        await fake.push_callback("TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
                                 {"salesOrderId": "88"}, platform=0)
    message = json.loads(receiver.received[0][0])
    assert json.loads(message["messageBody"]) == {"salesOrderId": "88"}


async def test_stop_cancels_pending_retries() -> None:
    receiver = Receiver(failures=1)
    async with receiver_at(receiver) as url:
        async with FakePandaPon() as fake:  # the platform's 30-minute schedule
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_CANCEL", {}, platform=1)
        assert len(fake.callback_deliveries) == 1


async def test_push_without_url_is_an_error(fake_pandapon: FakePandaPon) -> None:
    with pytest.raises(RuntimeError, match="set_callback_url"):
        await fake_pandapon.push_callback("ORDER_CANCEL", {}, platform=1)


async def test_advancing_the_clock_runs_the_30_minute_retries_without_sleeping() -> None:
    receiver = Receiver(failures=2)
    async with FakePandaPon() as fake, receiver_at(receiver) as url:  # the platform's schedule
        fake.set_callback_url(url)
        [order_id] = fake.alibaba.create_orders(1)
        await fake.advance_clock(0)
        assert [(d.attempt, d.status) for d in fake.callback_deliveries] == [(1, 503)]
        await fake.advance_clock(1799)
        assert len(fake.callback_deliveries) == 1  # not due yet
        await fake.advance_clock(1)
        assert [(d.attempt, d.status) for d in fake.callback_deliveries] == [(1, 503),
                                                                            (2, 503)]
        await fake.advance_clock(1800)
        assert [(d.attempt, d.status) for d in fake.callback_deliveries][-1] == (3, 200)
        await fake.wait_callbacks_idle()  # nothing left: returns at once
    bodies = {body for body, _ in receiver.received}
    assert len(bodies) == 1  # a redelivery is the same message, original timestamp included
    assert json.loads(bodies.pop())["messageBody"]["orderId"] == order_id


async def test_advancing_the_clock_moves_the_times_the_fake_reports() -> None:
    receiver = Receiver()
    async with FakePandaPon(clock=lambda: 1_700_000_000.0) as fake, receiver_at(
        receiver
    ) as url:
        fake.set_callback_url(url)
        await fake.advance_clock(3600)
        assert fake.clock() == 1_700_003_600.0 and fake.clock.advanced == 3600
        [order_id] = fake.alibaba.create_orders(1)
        await fake.advance_clock(0)
    message = json.loads(receiver.received[0][0])
    assert message["timestamp"] == "1700003600000"
    assert message["messageBody"]["tbCreateTime"] == "2023-11-15 07:13:20"  # UTC+8
    assert fake.alibaba.detail(order_id)["baseInfo"]["createTime"] == "20231115071320000+0800"
    with pytest.raises(ValueError, match="seconds"):
        await fake.advance_clock(-1)
    with pytest.raises(TypeError, match="seconds"):
        await fake.advance_clock("1")  # type: ignore[arg-type]


async def test_requests_still_authenticate_after_the_clock_moved(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    await fake_pandapon.advance_clock(7200)  # beyond the 600 s signature window
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    detail = await pandapon_client.alibaba.orders.get_detail(order_id)
    assert detail.base_info.id_of_str == order_id


async def test_status_and_refund_types_are_prefixed_by_default_or_unprefixed_on_request(
) -> None:
    receivers = Receiver(), Receiver()
    for receiver, spelling in zip(receivers, ("prefixed", "unprefixed"), strict=True):
        async with FakePandaPon(callback_message_types=spelling) as fake, receiver_at(
            receiver
        ) as url:
            fake.set_callback_url(url)
            [taobao_order] = fake.taobao.create_orders(1)
            fake.taobao.change_price(taobao_order, 800)
            fake.taobao.pay(taobao_order)
            [alibaba_order] = fake.alibaba.create_orders(1)
            fake.alibaba.pay(alibaba_order)
            await fake.advance_clock(0)
    prefixed, unprefixed = ({json.loads(body)["messageType"] for body, _ in r.received}
                            for r in receivers)
    assert prefixed == {"TAOBAO_ORDER_CREATE", "TAOBAO_ORDER_PAY_SUCCESS",
                        "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", "1688_ORDER_CREATE",
                        "1688_ORDER_PAY_SUCCESS"}
    # The documented price-change type keeps its documented spelling either way.
    assert unprefixed == {"ORDER_CREATE", "ORDER_PAY_SUCCESS",
                          "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"}
    with pytest.raises(ValueError, match="callback_message_types"):
        FakePandaPon(callback_message_types="lowercase")


async def test_every_transition_pushes_its_message(fake_pandapon: FakePandaPon) -> None:
    receiver = Receiver()
    async with receiver_at(receiver) as url:
        fake_pandapon.set_callback_url(url)
        taobao = fake_pandapon.taobao
        closed, shipped = taobao.create_orders(2)
        taobao.close(closed, "changed my mind")
        taobao.pay(shipped)
        taobao.ship(shipped, tracking_number="YT9")
        await fake_pandapon.advance_clock(0)
    sent = [json.loads(body) for body, _ in receiver.received]
    by_order: dict[str, list[tuple[str, str]]] = {}
    for message in sent:
        assert message["messagePlatform"] == 0
        body = message["messageBody"]
        by_order.setdefault(body["orderId"], []).append((message["messageType"],
                                                         body["orderStatus"]))
    assert sorted(by_order[closed]) == [("TAOBAO_ORDER_CANCEL", "CANCEL"),
                                        ("TAOBAO_ORDER_CREATE", "WAITING_FOR_PAYMENT")]
    assert sorted(by_order[shipped]) == [
        ("TAOBAO_ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS", "WAITING_FOR_RECEIVE"),
        ("TAOBAO_ORDER_CREATE", "WAITING_FOR_PAYMENT"),
        ("TAOBAO_ORDER_PAY_SUCCESS", "WAITING_FOR_SENT")]
