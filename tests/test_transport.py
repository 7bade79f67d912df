"""Transport behaviour end to end against a local aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
import pytest
from _local_server import closed_port, local_server, ok, wait_for
from aiohttp import web

from pandapon_async import (
    ClientClosedError,
    ConnectError,
    Credentials,
    OutcomeUnknownError,
    PandaPonClient,
    RateLimitError,
    RequestEvent,
    ResponseEvent,
    ServerError,
    compute_signature,
)

SECRET = "s3cr3t-never-shown"
CREDS = Credentials("AK", SECRET, "77")


def make_client(url: str, **kwargs: Any) -> PandaPonClient:
    options: dict[str, Any] = {"rate_limit": None, "retry_backoff": 0.001, "max_retries": 3}
    options.update(kwargs)
    return PandaPonClient(CREDS, base_url=url, **options)


async def test_headers_are_signed_and_body_is_exact_json() -> None:
    seen: list[tuple[dict[str, str], bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((dict(request.headers), await request.read()))
        return ok({"fine": True})

    async with local_server(handler) as url, make_client(url) as client:
        data = await client.call("POST", "/alibaba/order/receivegoods",
                                 json={"orderId": 2059624776425880794, "orderEntryIds": [1]})
    assert data == {"fine": True}
    headers, body = seen[0]
    assert json.loads(body) == {"orderId": 2059624776425880794, "orderEntryIds": [1]}
    assert b"2059624776425880794" in body
    assert headers["access-key"] == "AK" and headers["user-id"] == "77"
    assert headers["Content-Type"] == "application/json"
    assert headers["signature"] == compute_signature(
        "AK", headers["timestamp"], headers["nonce-str"], SECRET
    )
    assert len(headers["timestamp"]) == 10


async def test_get_params_go_in_the_query() -> None:
    queries: list[dict[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        queries.append(dict(request.query))
        return ok([])

    async with local_server(handler) as url, make_client(url) as client:
        await client.call("GET", "/open/product/get", params={"itemId": 672991141190,
                                                             "flag": True, "skip": None})
    assert queries == [{"itemId": "672991141190", "flag": "true"}]


async def test_every_attempt_is_signed_afresh_and_idempotent_calls_retry_5xx() -> None:
    attempts: list[dict[str, str]] = []

    async def handler(request: web.Request) -> web.Response:
        attempts.append(dict(request.headers))
        if len(attempts) < 3:
            return web.json_response({"code": 500, "msg": "busy"}, status=503)
        return ok("done")

    async with local_server(handler) as url, make_client(url) as client:
        assert await client.call("GET", "/x") == "done"
    assert len(attempts) == 3
    assert len({a["nonce-str"] for a in attempts}) == 3
    assert len({a["signature"] for a in attempts}) == 3


async def test_idempotent_retries_are_bounded_by_max_retries() -> None:
    count = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal count
        count += 1
        return web.json_response({"code": 500, "msg": "down"}, status=500)

    async with local_server(handler) as url, make_client(url, max_retries=2) as client:
        with pytest.raises(ServerError):
            await client.call("GET", "/x")
    assert count == 3


async def test_non_idempotent_post_that_times_out_is_sent_exactly_once() -> None:
    received = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        await release.wait()
        return ok()

    async with local_server(handler) as url:
        async with make_client(url, timeout=0.2) as client:
            with pytest.raises(OutcomeUnknownError, match="may have acted"):
                await client.call("POST", "/alibaba/order/batch/submit/to/pay",
                                  json={"orderIds": ["1"]})
        release.set()
    assert received == 1


async def test_non_idempotent_post_dropped_after_sending_is_not_resent() -> None:
    received = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        await request.read()
        assert request.transport is not None
        request.transport.close()
        return ok()

    async with local_server(handler) as url, make_client(url) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.call("POST", "/pay", json={"orderIds": ["1"]})
    assert received == 1


async def test_idempotent_call_retries_after_a_timeout() -> None:
    received = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        if received == 1:
            await release.wait()
        return ok("second")

    async with local_server(handler) as url:
        async with make_client(url, timeout=0.2) as client:
            assert await client.call("POST", "/detail", json={}, idempotent=True) == "second"
        release.set()
    assert received == 2


async def test_connect_errors_are_retried_even_for_payments() -> None:
    events: list[ResponseEvent] = []

    async def record(event: ResponseEvent) -> None:
        events.append(event)

    url = f"http://127.0.0.1:{closed_port()}"
    async with make_client(url, max_retries=2, response_hooks=[record]) as client:
        with pytest.raises(ConnectError, match="not sent"):
            await client.call("POST", "/alibaba/order/batch/submit/to/pay", json={})
    assert len(events) == 3
    assert all(isinstance(e.error, ConnectError) and e.status is None for e in events)


async def test_429_is_retried_for_payments_and_pauses_the_limiter() -> None:
    class RecordingLimiter:
        def __init__(self) -> None:
            self.pauses: list[float] = []

        async def acquire(self) -> None:
            return None

        def pause(self, seconds: float) -> None:
            self.pauses.append(seconds)

    limiter = RecordingLimiter()
    count = 0

    async def handler(request: web.Request) -> web.Response:
        nonlocal count
        count += 1
        if count == 1:
            return web.json_response({"code": 429, "msg": "too many"}, status=429,
                                     headers={"Retry-After": "3"})
        return ok({"successOrderIds": ["1"], "payFailOrders": []})

    async with local_server(handler) as url, make_client(url, rate_limiter=limiter) as client:
        data = await client.call("POST", "/pay", json={"orderIds": ["1"]})
    assert data["successOrderIds"] == ["1"]
    assert count == 2
    assert limiter.pauses == [3.0]


async def test_retry_after_is_capped() -> None:
    class RecordingLimiter:
        def __init__(self) -> None:
            self.pauses: list[float] = []

        async def acquire(self) -> None:
            return None

        def pause(self, seconds: float) -> None:
            self.pauses.append(seconds)

    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"code": 429, "msg": "x"}, status=429,
                                 headers={"Retry-After": "3600"})

    limiter = RecordingLimiter()
    async with local_server(handler) as url, make_client(
        url, rate_limiter=limiter, max_retries=1, retry_after_cap=5
    ) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.call("GET", "/x")
    assert caught.value.retry_after == 3600
    assert limiter.pauses == [5]


async def test_concurrency_cap_is_never_exceeded() -> None:
    active = 0
    peak = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await release.wait()
        active -= 1
        return ok()

    async with local_server(handler) as url, make_client(url, max_concurrency=3) as client:
        calls = [asyncio.create_task(client.call("GET", f"/x{i}")) for i in range(12)]
        await wait_for(lambda: active == 3)
        for _ in range(20):
            await asyncio.sleep(0)
        assert active == 3
        release.set()
        await asyncio.gather(*calls)
    assert peak == 3


async def test_closing_cancels_calls_in_flight_cleanly() -> None:
    started = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal started
        started += 1
        await release.wait()
        return ok()

    async with local_server(handler) as url:
        client = make_client(url, max_concurrency=2)
        await client.__aenter__()
        pay = asyncio.create_task(client.call("POST", "/pay", json={}))
        await wait_for(lambda: started == 1)
        reads = [asyncio.create_task(client.call("GET", f"/r{i}")) for i in range(4)]
        await wait_for(lambda: started == 2)
        await client.aclose()
        pay_result, *read_results = await asyncio.gather(pay, *reads, return_exceptions=True)
        release.set()
    # The payment was on the wire: the platform may have acted on it.
    assert isinstance(pay_result, OutcomeUnknownError)
    # One read was in flight (reads are safe: closed), three never left the queue.
    assert all(isinstance(r, ClientClosedError) for r in read_results)
    assert client.closed
    session = client._transport._session  # the session the client made must be closed too
    assert session is not None and session.closed
    with pytest.raises(ClientClosedError):
        await client.call("GET", "/x")
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == []


async def test_caller_cancellation_propagates_and_is_never_retried() -> None:
    received = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal received
        received += 1
        await release.wait()
        return ok()

    async with local_server(handler) as url, make_client(url) as client:
        call = asyncio.create_task(client.call("GET", "/x"))
        await wait_for(lambda: received == 1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        release.set()
        assert await client.call("GET", "/y") is None
    assert received == 2


async def test_a_session_passed_in_is_used_and_left_open() -> None:
    async def handler(request: web.Request) -> web.Response:
        return ok(request.headers.get("X-From-Session"))

    async with (
        local_server(handler) as url,
        aiohttp.ClientSession(headers={"X-From-Session": "yes"}) as session,
    ):
        async with make_client(url, session=session) as client:
            assert await client.call("GET", "/x") == "yes"
        assert not session.closed


async def test_with_options_overrides_timeout_and_retries_per_call() -> None:
    count = 0
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.Response:
        nonlocal count
        count += 1
        await release.wait()
        return ok()

    async with local_server(handler) as url:
        async with make_client(url, timeout=30) as client:
            quick = client.with_options(timeout=0.1, max_retries=0)
            with pytest.raises(OutcomeUnknownError):
                await quick.call("GET", "/slow")
            assert client.options.timeout.total == 30
            assert quick.options.retry.max_retries == 0
            await quick.aclose()
            assert not client.closed
        release.set()
    assert count == 1


async def test_hooks_and_logs_never_carry_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    requests: list[RequestEvent] = []
    responses: list[ResponseEvent] = []

    async def on_request(event: RequestEvent) -> None:
        requests.append(event)

    async def on_response(event: ResponseEvent) -> None:
        responses.append(event)

    async def handler(request: web.Request) -> web.Response:
        return ok(1, request_id="REQ-42")

    caplog.set_level(logging.DEBUG, logger="pandapon_async")
    async with local_server(handler) as url, make_client(
        url, request_hooks=[on_request], response_hooks=[on_response]
    ) as client:
        await client.call("POST", "/path", json={"a": 1})
    assert requests[0].method == "POST" and requests[0].path == "/path"
    assert requests[0].body == b'{"a":1}'
    assert "signature" not in requests[0].headers
    assert responses[0].status == 200 and responses[0].request_id == "REQ-42"
    assert responses[0].error is None and responses[0].elapsed >= 0
    assert "POST /path" in caplog.text and "REQ-42" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET not in repr(requests) + repr(responses)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "not a url"}, "base_url"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit": -5}, "rate_limit"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_concurrency": 2.5}, "max_concurrency"),
        ({"rate_burst": 0}, "rate_burst"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"timestamp_unit": "ns"}, "timestamp_unit"),
    ],
)
def test_bad_configuration_is_refused_naming_the_argument(
    kwargs: dict[str, Any], name: str
) -> None:
    with pytest.raises(ValueError, match=name):
        PandaPonClient(CREDS, **kwargs)


async def test_bad_call_arguments_are_refused() -> None:
    async with PandaPonClient(CREDS, base_url="http://127.0.0.1:1") as client:
        with pytest.raises(ValueError, match="method"):
            await client.call("FETCH", "/x")
        with pytest.raises(ValueError, match="path"):
            await client.call("GET", "x")
