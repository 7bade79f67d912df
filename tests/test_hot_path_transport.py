"""Typed calls go from ``Endpoint.call`` straight to the transport: the money rules still hold.

Against a local aiohttp server on 127.0.0.1. Each test names the rule it protects.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest
from _local_server import local_server, ok, wait_for
from aiohttp import web

from pandapon_async import (
    ClientClosedError,
    Credentials,
    OutcomeUnknownError,
    PandaPonClient,
    WrongEventLoopError,
)
from pandapon_async._concurrency import ConcurrencyCap

CREDS = Credentials("AK", "s3cr3t-never-shown", "77")
ORDER = "2059624776425880794"
PAY_PATH = "/alibaba/order/batch/submit/to/pay"
PAID = {"successOrderIds": [ORDER], "payFailOrders": []}


def make_client(url: str, **kwargs: Any) -> PandaPonClient:
    options: dict[str, Any] = {"rate_limit": None, "retry_backoff": 0.001, "max_retries": 3}
    options.update(kwargs)
    return PandaPonClient(CREDS, base_url=url, **options)


async def test_a_typed_payment_answered_with_a_server_error_is_sent_once() -> None:
    """Rule 1 (and rule 0): a payment that may have reached the platform is never resent;
    its outcome is unknown."""
    received: list[dict[str, Any]] = []

    async def handler(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"code": 500, "msg": "busy", "requestId": "r"}, status=500)

    async with local_server(handler) as url, make_client(url) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.alibaba.orders.batch_submit_to_pay([ORDER])
    assert received == [{"orderIds": [ORDER]}]


async def test_typed_retries_are_signed_afresh() -> None:
    """Rule 3: an idempotent typed call retried after a 503 carries a new nonce and
    signature on every attempt."""
    seen: list[tuple[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((request.headers["nonce-str"], request.headers["signature"]))
        if len(seen) < 3:
            return web.json_response({"code": 503, "msg": "busy"}, status=503)
        return ok({"orderId": ORDER})

    async with local_server(handler) as url, make_client(url) as client:
        await client.alibaba.orders.get_detail(ORDER)
    assert len(seen) == 3
    assert len({nonce for nonce, _ in seen}) == 3
    assert len({signature for _, signature in seen}) == 3


async def test_closing_cancels_typed_calls_in_flight_and_forgets_them() -> None:
    """aclose(): a typed payment on the wire raises OutcomeUnknownError, a read in flight or
    waiting for the concurrency cap raises ClientClosedError, and nothing stays in flight."""
    started = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal started
        started += 1
        await release.wait()
        return ok(PAID)

    async with local_server(handler) as url:
        client = make_client(url, max_concurrency=2)
        await client.__aenter__()
        pay = asyncio.create_task(client.alibaba.orders.batch_submit_to_pay([ORDER]))
        await wait_for(lambda: started == 1)
        reads = [asyncio.create_task(client.alibaba.orders.get_detail(ORDER)) for _ in range(3)]
        await wait_for(lambda: started == 2)
        await client.aclose()
        pay_result, *read_results = await asyncio.gather(pay, *reads, return_exceptions=True)
        release.set()
    assert isinstance(pay_result, OutcomeUnknownError)
    assert all(isinstance(result, ClientClosedError) for result in read_results)
    assert client._transport._inflight == set()
    with pytest.raises(ClientClosedError):
        await client.alibaba.orders.batch_submit_to_pay([ORDER])


async def test_the_concurrency_cap_is_given_back_on_every_way_out() -> None:
    """The cap (and the in-flight set that aclose() relies on) after a success, a failure,
    a cancellation in flight and a cancellation while waiting for the cap."""
    release = asyncio.Event()
    received = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        body = await request.read()
        if b"fail" in body:
            return web.json_response({"code": 4001, "msg": "no"})
        if b"hold" in body:
            await release.wait()
        return ok(json.loads(body))

    async with local_server(handler) as url, make_client(url, max_concurrency=1) as client:
        assert await client.call("POST", "/x", json={"a": 1}) == {"a": 1}
        with pytest.raises(Exception, match="code=4001"):
            await client.call("POST", "/x", json={"fail": 1}, idempotent=True)
        holding = asyncio.create_task(client.call("POST", "/x", json={"hold": 1}))
        await wait_for(lambda: received == 3)
        waiting = asyncio.create_task(client.alibaba.orders.get_detail(ORDER))
        for _ in range(5):
            await asyncio.sleep(0)
        waiting.cancel()  # cancelled while waiting for the cap: holds nothing
        holding.cancel()  # cancelled in flight: gives the cap back
        for task in (waiting, holding):
            with pytest.raises(asyncio.CancelledError):
                await task
        release.set()
        assert await client.call("POST", "/x", json={"b": 2}) == {"b": 2}
        assert client._transport._inflight == set()
    assert received == 4


async def test_a_deprecated_typed_method_warns_at_its_caller() -> None:
    async def handler(request: web.Request) -> web.Response:
        return ok(True)

    async with local_server(handler) as url, make_client(url) as client:
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            await client.taobao.orders.upload_pay_certificate("123", "aGVsbG8=")
    deprecations = [r for r in records if issubclass(r.category, DeprecationWarning)]
    assert [r.filename for r in deprecations] == [__file__]


def test_a_typed_call_in_a_second_event_loop_says_so_before_sending() -> None:
    received = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        return ok(PAID)

    async def scenario() -> None:
        async with local_server(handler) as url:
            client = make_client(url)
            await client.alibaba.orders.batch_submit_to_pay([ORDER])

            def other_loop() -> None:
                async def pay() -> None:
                    await client.alibaba.orders.batch_submit_to_pay([ORDER])

                with pytest.raises(WrongEventLoopError, match="event loop it first ran in"):
                    asyncio.run(pay())

            await asyncio.to_thread(other_loop)
            await client.aclose()

    asyncio.run(scenario())
    assert received == 1


async def test_the_cap_serves_waiters_in_order_and_passes_on_a_slot_its_waiter_cannot_use(
) -> None:
    """The cap behind max_concurrency: first come first served; a waiter handed a slot and
    cancelled before it ran passes the slot on (none leaks, none is doubled)."""
    cap = ConcurrencyCap(1)
    assert cap.take_now()
    assert not cap.take_now()
    order: list[str] = []

    async def wait(name: str) -> None:
        await cap.take()
        order.append(name)

    first, second, third = (asyncio.create_task(wait(name)) for name in ("a", "b", "c"))
    for _ in range(3):
        await asyncio.sleep(0)
    cap.give_back()  # handed to "a", which is cancelled before it runs
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await wait_for(lambda: order == ["b"])
    cap.give_back()
    await third
    assert order == ["b", "c"]
    assert not second.cancelled()
    cap.give_back()
    assert cap.take_now()
    assert not cap.take_now()


async def test_a_limiter_that_overrides_acquire_is_asked_for_every_call() -> None:
    """The unlimited limiter lets calls through without a coroutine until a 429; a subclass
    with its own ``acquire`` (one that logs or counts) is still awaited for every call."""
    from pandapon_async.limiters import UnlimitedRateLimiter

    class CountingLimiter(UnlimitedRateLimiter):
        acquired = 0

        async def acquire(self) -> None:
            CountingLimiter.acquired += 1
            await super().acquire()

    async def handler(request: web.Request) -> web.Response:
        return ok(PAID)

    async with local_server(handler) as url, make_client(
            url, rate_limiter=CountingLimiter()) as client:
        for _ in range(3):
            await client.alibaba.orders.batch_submit_to_pay([ORDER])
    assert CountingLimiter.acquired == 3
