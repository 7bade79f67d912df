"""End to end: FakePandaPon pushes real signed callbacks to a CallbackReceiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from pandapon_async import Credentials
from pandapon_async.callbacks import (
    CallbackMessage,
    CallbackReceiver,
    InboxStatus,
    MessagePlatform,
    OrderEventBody,
    TaobaoPriceModifyBody,
)
from pandapon_async.models.alibaba import AlibabaOrderDetail
from pandapon_async.testing import FakePandaPon

PATH = "/pandapon/callback"
PAID = {"orderId": "2059624776425880794", "orderStatus": "WAITING_FOR_SENT", "payStatus": 2}
TINY_RETRIES = (0.001,) * 5


class Handler:
    """Records messages; can fail every call or wait on a gate before returning."""

    def __init__(self, *, failing: bool = False, gate: asyncio.Event | None = None) -> None:
        self.failing = failing
        self.gate = gate
        self.calls = 0
        self.handled: list[CallbackMessage] = []
        self.changed = asyncio.Event()

    async def __call__(self, message: CallbackMessage) -> None:
        self.calls += 1
        self.changed.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.failing:
            raise RuntimeError("downstream unavailable")
        self.handled.append(message)

    async def wait_calls(self, count: int) -> None:
        while self.calls < count:
            self.changed.clear()
            await self.changed.wait()


@asynccontextmanager
async def serve(
    receiver: CallbackReceiver, middlewares: tuple[Middleware, ...] = ()
) -> AsyncIterator[str]:
    app = web.Application(middlewares=middlewares)
    receiver.add_routes(app, PATH)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}{PATH}"
    finally:
        await runner.cleanup()


def receiver_for(
    fake: FakePandaPon, handler: Handler, inbox: Path, **options: Any
) -> CallbackReceiver:
    options.setdefault("retry_backoff", 0.001)
    options.setdefault("drain_timeout", 0.5)
    return CallbackReceiver(fake.credentials.access_secret, handler, inbox=inbox, **options)


async def test_signed_callbacks_reach_the_handler_once(tmp_path: Path) -> None:
    handler = Handler()
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES) as fake:
        receiver = receiver_for(fake, handler, tmp_path / "inbox.sqlite3")
        async with serve(receiver) as url:
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_PAY_SUCCESS", PAID, platform=1)
            await fake.push_callback(
                "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY",
                {"salesOrderId": "88", "subOrders": [{"quantity": 2, "product_amount": 690}]},
                platform=0,
            )
            await fake.wait_callbacks_idle()
            await receiver.wait_idle()
            entries = await receiver.inbox.entries()

        deliveries = list(fake.callback_deliveries)
    assert [d.status for d in deliveries] == [200, 200]
    assert handler.calls == 2
    paid, taobao = sorted(handler.handled, key=lambda m: m.message_type)
    assert paid.platform is MessagePlatform.ALIBABA_1688
    assert isinstance(paid.body, OrderEventBody)
    assert paid.body.order_id == "2059624776425880794" and paid.body.pay_status == 2
    assert isinstance(taobao.body, TaobaoPriceModifyBody)
    assert taobao.body.sub_orders[0].product_amount == 690
    assert {e.status for e in entries} == {InboxStatus.DONE}


async def test_order_state_changes_in_the_fake_arrive_as_typed_messages(tmp_path: Path) -> None:
    handler = Handler()
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES) as fake:
        receiver = receiver_for(fake, handler, tmp_path / "inbox.sqlite3")
        async with serve(receiver) as url:
            fake.set_callback_url(url)
            [order_id] = fake.create_alibaba_orders(1, amount_fen=1000)
            fake.cancel_order(order_id)
            await fake.wait_callbacks_idle()
            await receiver.wait_idle()

    [message] = [m for m in handler.handled if m.message_type != "1688_ORDER_CREATE"]
    assert message.message_type == "1688_ORDER_CANCEL"
    assert isinstance(message.body, OrderEventBody)
    assert message.body.order_id == order_id
    assert message.body.order_status == "CANCEL"


async def test_1688_price_change_arrives_as_a_buyer_view_order_detail(tmp_path: Path) -> None:
    handler = Handler()
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES) as fake:
        receiver = receiver_for(fake, handler, tmp_path / "inbox.sqlite3")
        async with serve(receiver) as url:
            fake.set_callback_url(url)
            [order_id] = fake.create_alibaba_orders(1, amount_fen=1000)
            fake.change_order_price(order_id, 800)
            await fake.wait_callbacks_idle()
            await receiver.wait_idle()

    [message] = [m for m in handler.handled if m.message_type != "1688_ORDER_CREATE"]
    assert message.message_type == "1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"
    assert isinstance(message.body, AlibabaOrderDetail)
    assert message.body.base_info.id_of_str == order_id
    assert message.body.base_info.status == "waitbuyerpay"


async def test_callbacks_signed_with_another_secret_are_refused(tmp_path: Path) -> None:
    handler = Handler()
    async with FakePandaPon(
        callback_retry_delays=TINY_RETRIES,
        credentials=Credentials("ak", "the-platforms-secret", "1"),
    ) as fake:
        receiver = CallbackReceiver("our-secret", handler, inbox=tmp_path / "inbox.sqlite3")
        async with serve(receiver) as url:
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_PAY_SUCCESS", PAID, platform=1)
            await fake.wait_callbacks_idle()
            entries = await receiver.inbox.entries()
        statuses = [d.status for d in fake.callback_deliveries]
    assert statuses == [401] * (1 + len(TINY_RETRIES))  # the first push and every retry
    assert handler.calls == 0 and entries == []


async def test_redelivery_after_a_lost_answer_is_not_handled_twice(tmp_path: Path) -> None:
    """The receiver records the message but its 200 never reaches the platform (too slow),
    so the platform delivers it again: the second delivery gets 200 and no second handling."""
    release_first_answer = asyncio.Event()
    held = 0

    @web.middleware
    async def hold_first_answer(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        nonlocal held
        response = await handler(request)
        held += 1
        if held == 1:
            await release_first_answer.wait()
        return response

    handler = Handler()
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES, callback_timeout=0.2) as fake:
        receiver = receiver_for(fake, handler, tmp_path / "inbox.sqlite3")
        async with serve(receiver, (hold_first_answer,)) as url:
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_PAY_SUCCESS", PAID, platform=1)
            await fake.wait_callbacks_idle()
            release_first_answer.set()
            await receiver.wait_idle()
            [entry] = await receiver.inbox.entries()
        deliveries = list(fake.callback_deliveries)

    assert [(d.attempt, d.status) for d in deliveries] == [(1, None), (2, 200)]
    assert deliveries[0].body == deliveries[1].body  # the platform resends the same message
    assert handler.calls == 1
    assert (entry.deliveries, entry.status) == (2, InboxStatus.DONE)


async def test_failing_handler_keeps_the_message_and_a_restart_handles_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "inbox.sqlite3"
    failing = Handler(failing=True)
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES) as fake:
        first = receiver_for(fake, failing, path, max_attempts=3)
        async with serve(first) as url:
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_PAY_SUCCESS", PAID, platform=1)
            await failing.wait_calls(3)
            await first.wait_idle()
            [failed] = await first.inbox.list_failed()
        assert [d.status for d in fake.callback_deliveries] == [200]  # the platform is done

        working = Handler()
        second = receiver_for(fake, working, path)
        async with serve(second):
            await second.wait_idle()
            [entry] = await second.inbox.entries()

    assert failing.calls == 3 and failing.handled == []
    assert (failed.attempts, failed.last_error) == (3, "RuntimeError: downstream unavailable")
    [message] = working.handled
    assert message.message_id == failed.message_id
    assert entry.status is InboxStatus.DONE


async def test_slow_handler_does_not_delay_the_answer(tmp_path: Path) -> None:
    gate = asyncio.Event()
    handler = Handler(gate=gate)
    async with FakePandaPon(callback_retry_delays=TINY_RETRIES) as fake:
        receiver = receiver_for(fake, handler, tmp_path / "inbox.sqlite3")
        async with serve(receiver) as url:
            fake.set_callback_url(url)
            await fake.push_callback("ORDER_PAY_SUCCESS", PAID, platform=1)
            await handler.wait_calls(1)
            await fake.push_callback("ORDER_CANCEL", {"orderId": "2"}, platform=1)
            # Both answers arrived while the handler is still blocked on the gate.
            assert [d.status for d in fake.callback_deliveries] == [200, 200]
            assert not gate.is_set() and handler.handled == []
            gate.set()
            await receiver.wait_idle()
            await fake.wait_callbacks_idle()
        attempts = [d.attempt for d in fake.callback_deliveries]
    assert attempts == [1, 1]  # no redelivery was needed
    assert len(handler.handled) == 2
