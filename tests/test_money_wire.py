"""Issue 10, the wire side: only a well-formed platform envelope proves what happened.

One regression test per item: 2 (a proxy's 404 is not "not found"), 3 (no silent resend below
the library), 4 (``client.call`` obeys the endpoint registry), 9 (typed decode errors with a
field path), and rule 0 in each unreadable form on a write and on a read.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest
from _local_server import local_server, ok
from aiohttp import web
from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandapon_async import (
    APIError,
    Credentials,
    NotFoundError,
    OutcomeUnknownError,
    PandaPonClient,
    PandaPonError,
    RequestEvent,
    ResponseDecodeError,
    UnexpectedResponseError,
)
from pandapon_async.testing import FakePandaPon

PAY = "/alibaba/order/batch/submit/to/pay"
PAY_URL = "/alibaba/order/pay/url"
DETAIL = "/alibaba/order/detail"
CREDS = Credentials("AK", "wire-secret", "77")


def quick_client(url: str, **options: Any) -> PandaPonClient:
    settings_: dict[str, Any] = {"rate_limit": None, "retry_backoff": 0.001,
                                 "retry_backoff_max": 0.01}
    settings_.update(options)
    return PandaPonClient(CREDS, base_url=url, **settings_)


# -- item 3: nothing below the library resends ---------------------------------------------------


def _keep_alive_dropper() -> tuple[list[str], Any]:
    """A handler that serves the first request on each connection and drops any later one,
    as a server closing an idle kept-alive connection does. Records each request's nonce."""
    nonces: list[str] = []
    served: list[object] = []  # transports that already answered once (kept referenced)

    async def handler(request: web.Request) -> web.StreamResponse:
        nonces.append(request.headers["nonce-str"])
        await request.read()
        transport = request.transport
        assert transport is not None
        if any(transport is seen for seen in served):
            transport.close()
            return web.Response(status=204)
        served.append(transport)
        return ok({"orderId": "1", "payUrl": "https://pay.example/1"})

    return nonces, handler


async def test_a_dropped_keep_alive_connection_is_never_resent_by_aiohttp() -> None:
    """Rules 1 and 3: aiohttp would resend a GET once, same nonce, unseen by hooks; the
    library owns every retry, so the server sees each attempt once and signed afresh."""
    nonces, handler = _keep_alive_dropper()
    attempts: list[RequestEvent] = []

    async def record(event: RequestEvent) -> None:
        attempts.append(event)

    async with local_server(handler) as url:
        async with quick_client(url, max_retries=0, request_hooks=[record]) as client:
            await client.call("GET", "/read")
            with pytest.raises(OutcomeUnknownError) as caught:
                await client.call("GET", "/read")  # reuses the kept-alive connection
        assert isinstance(caught.value.cause, aiohttp.ClientError)
        assert len(nonces) == 2  # aiohttp alone would have sent a third copy
        assert len(attempts) == 2

        nonces.clear()
        attempts.clear()
        async with quick_client(url, max_retries=2, request_hooks=[record]) as client:
            await client.call("GET", "/read")
            assert await client.call("GET", "/read") is not None  # retried by the library
    assert len(nonces) == 3
    assert [event.attempt for event in attempts] == [1, 1, 2]
    assert len(set(nonces)) == 3  # every attempt signed afresh
    assert [event.headers["nonce-str"] for event in attempts] == nonces


async def test_get_pay_url_dropped_on_a_kept_alive_connection_reaches_the_server_once() -> None:
    """Rule 1: ``get_pay_url`` can pay; after a drop it is an unknown outcome, never resent."""
    nonces, handler = _keep_alive_dropper()
    async with local_server(handler) as url, quick_client(url) as client:
        await client.alibaba.orders.get_pay_url("2059624776425880794")
        with pytest.raises(OutcomeUnknownError):
            await client.alibaba.orders.get_pay_url("2059624776425880794")
    assert len(nonces) == 2


async def test_get_pay_url_processed_then_dropped_is_unknown_not_a_replay_refusal(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 1 (issue 10 item 3): the copy aiohttp used to resend was refused as a reused
    nonce, so the caller saw AuthenticationError for a request that had been processed."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY_URL, "processed_then_drop")
    with pytest.raises(OutcomeUnknownError):
        await pandapon_client.alibaba.orders.get_pay_url(order_id)
    assert fake_pandapon.reached(PAY_URL) == 1


# -- item 4: client.call consults the endpoint registry ------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged_path"),
    [
        (PAY_URL, PAY_URL),
        (PAY_URL + "/", PAY_URL + "/"),
        ("/open/order/refund/cancel/R123", "/open/order/refund/cancel/R123"),
    ],
)
async def test_call_never_resends_a_path_the_registry_declares_not_idempotent(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient, path: str, logged_path: str
) -> None:
    """Rule 1, whichever entry point sends it: four 503s used to mean four sends."""
    fake_pandapon.faults.script(logged_path, "error", count=4, status=503)
    with pytest.raises(OutcomeUnknownError):
        await pandapon_client.call("GET", path, params={"orderId": "1"}, idempotent=True)
    assert fake_pandapon.reached(logged_path) == 1


async def test_call_keeps_the_callers_setting_for_paths_the_registry_does_not_know(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 1: unknown paths follow the caller (GET defaults to idempotent, POST does not);
    a declared idempotent POST read is retried by default."""
    fake_pandapon.faults.script("/not/declared", "error", count=2, status=503)
    with pytest.raises(UnexpectedResponseError):  # the gateway's 404 once the 503s are over
        await pandapon_client.call("GET", "/not/declared")
    assert fake_pandapon.reached("/not/declared") == 3

    fake_pandapon.faults.script("/not/declared/post", "error", status=503)
    with pytest.raises(OutcomeUnknownError):
        await pandapon_client.call("POST", "/not/declared/post", json={})
    assert fake_pandapon.reached("/not/declared/post") == 1

    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(DETAIL, "error", status=503)
    detail = await pandapon_client.call("POST", DETAIL, json={"orderId": order_id,
                                                               "webSite": "1688"})
    assert detail["baseInfo"]["status"] == "waitbuyerpay"
    assert fake_pandapon.reached(DETAIL) == 2


# -- item 2 (the error half): only the platform says "not found" ---------------------------------


async def test_a_proxy_404_page_is_never_not_found(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0: a gateway's HTML 404 while reading an order back must not settle it as
    missing; only the platform's envelope does."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(DETAIL, "html", status=404)
    with pytest.raises(UnexpectedResponseError) as caught:
        await pandapon_client.alibaba.orders.get_detail(order_id)
    error = caught.value
    assert not isinstance(error, NotFoundError | APIError)
    assert (error.http_status, error.content_type) == (404, "text/html")
    assert "404 Not Found" in error.body_excerpt
    assert (error.method, error.path) == ("POST", DETAIL)
    assert fake_pandapon.reached(DETAIL) == 1  # a 404 page is not worth another try

    with pytest.raises(NotFoundError) as missing:
        await pandapon_client.alibaba.orders.get_detail("2059624776425880794")
    assert missing.value.code == 404 and missing.value.request_id


async def test_a_typo_in_a_raw_path_is_not_order_not_found(
    pandapon_client: PandaPonClient,
) -> None:
    """Rule 0: a wrong path answers the gateway's own 404, not the platform's envelope."""
    with pytest.raises(UnexpectedResponseError) as read:
        await pandapon_client.call("GET", "/alibaba/order/detial")
    assert read.value.http_status == 404
    with pytest.raises(OutcomeUnknownError) as write:
        await pandapon_client.call("POST", "/alibaba/order/detial", json={"orderId": "1"})
    assert isinstance(write.value.cause, UnexpectedResponseError)
    assert not isinstance(write.value.cause, NotFoundError)


# -- rule 0 in every unreadable form: unknown on a write, the specific error on a read ----------

UNREADABLE: list[tuple[str, dict[str, Any], type[BaseException], bool]] = [
    # kind, script parameters, the specific error, processed?
    ("html", {"status": 502}, UnexpectedResponseError, False),
    ("html", {"status": 403}, UnexpectedResponseError, False),
    ("processed_then_truncate", {}, UnexpectedResponseError, True),
    ("processed_then_no_code", {}, UnexpectedResponseError, True),
    ("processed_then_html", {"status": 504}, UnexpectedResponseError, True),
    ("processed_then_html", {"status": 200}, UnexpectedResponseError, True),
    ("processed_then_bad_data", {"data": {"payFailOrders": [{}, "x"]}}, ResponseDecodeError,
     True),
    ("processed_then_drop", {}, aiohttp.ClientError, True),
]


@pytest.mark.parametrize(("kind", "params", "specific", "processed"), UNREADABLE)
async def test_an_unreadable_answer_to_a_payment_is_an_unknown_outcome(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient, kind: str,
    params: dict[str, Any], specific: type[BaseException], processed: bool
) -> None:
    """Rule 0 (issue 10 item 1): a payment answered by anything but a decodable envelope is
    unknown (never ``errored``), sent once, with the specific error as its cause."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, kind, **params)
    with pytest.raises(OutcomeUnknownError) as caught:
        await pandapon_client.alibaba.orders.batch_submit_to_pay([order_id])
    error = caught.value
    assert isinstance(error.cause, specific)
    assert error.__cause__ is error.cause
    assert error.reason and error.endpoint == f"POST {PAY}"
    assert fake_pandapon.reached(PAY) == 1
    assert fake_pandapon.payment_count(order_id) == (1 if processed else 0)


@pytest.mark.parametrize(("kind", "params", "specific", "processed"), UNREADABLE[:-1])
async def test_an_unreadable_answer_to_a_read_is_its_specific_error(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient, kind: str, params: dict[str, Any],
    specific: type[BaseException], processed: bool
) -> None:
    """Rule 0: on a read nothing is at stake, so the caller gets the specific typed error,
    never a builtin and never ``NotFoundError``/``AuthenticationError`` from a proxy page."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    if kind == "processed_then_bad_data":
        params = {"data": {"productItems": [{}, "x"]}}
    fake_pandapon.faults.script(DETAIL, kind, **params)
    with pytest.raises(PandaPonError) as caught:
        await pandapon_client.with_options(max_retries=0).alibaba.orders.get_detail(order_id)
    assert type(caught.value) is specific
    assert fake_pandapon.reached(DETAIL) == 1


async def test_a_read_retries_through_unreadable_answers_signed_afresh(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rules 0 and 3: an idempotent read is retried after a truncated body or a gateway page,
    each attempt with a new nonce."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(DETAIL, "processed_then_truncate")
    fake_pandapon.faults.script(DETAIL, "html", status=503)
    detail = await pandapon_client.alibaba.orders.get_detail(order_id)
    assert detail.base_info.status == "waitbuyerpay"
    assert fake_pandapon.reached(DETAIL) == 3
    nonces = {request.headers["nonce-str"] for request in fake_pandapon.requests}
    assert len(nonces) == 3


async def test_a_body_cut_short_on_the_wire_is_an_unknown_outcome_for_a_write() -> None:
    """Rule 0: the connection dies in the middle of the answer (Content-Length not met)."""
    received = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal received
        received += 1
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 500
        await response.prepare(request)
        await response.write(b'{"requestId": "r", "code": 200, "data": {"succ')
        assert request.transport is not None
        request.transport.close()
        return response

    async with local_server(handler) as url, quick_client(url) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.alibaba.orders.batch_submit_to_pay(["2059624776425880794"])
    assert isinstance(caught.value.cause, aiohttp.ClientError)
    assert received == 1


async def test_a_stalled_payment_timed_out_is_unknown_and_still_happens(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0: a timeout means unknown; the stalled request is processed afterwards."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "stall", delay=0.5)
    with pytest.raises(OutcomeUnknownError) as caught:
        await pandapon_client.with_options(timeout=0.1).alibaba.orders.batch_submit_to_pay(
            [order_id])
    assert isinstance(caught.value.cause, TimeoutError)
    for _ in range(300):  # wait for the fake's own progress, no timing asserted
        if fake_pandapon.payment_count(order_id):
            break
        await asyncio.sleep(0.01)
    assert fake_pandapon.payment_count(order_id) == 1
    assert fake_pandapon.reached(PAY) == 1


# -- item 9: decode errors are typed, with endpoint, request id and field path ------------------


async def test_a_read_whose_data_does_not_decode_names_endpoint_request_and_field(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0 on reads: never a bare ValueError/TypeError from decoding."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(DETAIL, "processed_then_bad_data",
                                data={"baseInfo": {}, "productItems": [{}, {}, 42]})
    with pytest.raises(ResponseDecodeError) as caught:
        await pandapon_client.alibaba.orders.get_detail(order_id)
    error = caught.value
    assert not isinstance(error, ValueError | TypeError | KeyError)
    assert error.endpoint == f"POST {DETAIL}"
    assert error.field_path == "data.productItems[2]"
    assert error.expected == "AlibabaOrderProductItem"
    assert error.request_id and error.request_id in str(error)
    assert "data.productItems[2]" in str(error)
    assert fake_pandapon.reached(DETAIL) == 1  # decoding again would not help


async def test_a_payment_whose_data_does_not_decode_is_unknown_caused_by_the_decode_error(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0 (issue 10 item 9): the platform paid; its answer cannot say so."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "processed_then_bad_data", data={"successOrderIds": 7})
    with pytest.raises(OutcomeUnknownError) as caught:
        await pandapon_client.alibaba.orders.batch_submit_to_pay([order_id])
    cause = caught.value.cause
    assert isinstance(cause, ResponseDecodeError)
    assert cause.field_path == "data.successOrderIds"
    assert caught.value.request_id == cause.request_id is not None
    assert fake_pandapon.payment_count(order_id) == 1


BASE = "http://127.0.0.1:9"
ENVELOPE = {"requestId": "RID-9", "code": 200, "developId": "1", "msg": "成功"}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["successOrderIds", "payFailOrders", "orderId",
                                       "errorReason", "baseInfo", "productItems", "status",
                                       "payUrl", "success", "data", "records", "x"]),
                      children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=json_values)
def test_random_response_shapes_never_raise_a_builtin(data: Any) -> None:
    """Rule 0 (issue 10 item 9): over six endpoints, any ``data`` either decodes or raises
    ResponseDecodeError (a read) / OutcomeUnknownError caused by it (a write)."""

    async def one_round() -> None:
        with aioresponses() as mocked:
            for path in (PAY, DETAIL, "/alibaba/order/cancel", "/alibaba/order/receivegoods",
                         "/v2/alibaba/order/page"):
                mocked.post(f"{BASE}{path}", payload={**ENVELOPE, "data": data}, repeat=True)
            mocked.get(re.compile(re.escape(f"{BASE}{PAY_URL}") + r"\?.*"),
                       payload={**ENVELOPE, "data": data}, repeat=True)
            async with quick_client(BASE, max_retries=0) as client:
                orders = client.alibaba.orders
                calls: list[tuple[bool, Any]] = [
                    (True, orders.batch_submit_to_pay(["2059624776425880794"])),
                    (False, orders.get_detail("2059624776425880794")),
                    (True, orders.cancel("2059624776425880794", "buyer changed mind")),
                    (True, orders.confirm_receipt("2059624776425880794", ["1"])),
                    (False, orders.page()),
                    (True, orders.get_pay_url("2059624776425880794")),
                ]
                for write, call in calls:
                    try:
                        await call
                    except OutcomeUnknownError as error:
                        assert write and isinstance(error.cause, ResponseDecodeError)
                        assert error.cause.request_id == "RID-9"
                    except ResponseDecodeError as error:
                        assert not write and error.request_id == "RID-9"
                        assert error.field_path.startswith("data")
                    except PandaPonError as error:
                        # A 1688 "success": false inside the envelope is a business answer.
                        assert type(error).__name__ == "BusinessError"

    asyncio.run(one_round())


async def test_a_redirect_is_not_followed_below_the_library() -> None:
    """Rules 0 and 1: following a 302 would resend the signed request (same nonce) to another
    URL; the 3xx is no envelope, so a payment answered with it is an unknown outcome."""
    seen: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(request.path)
        if request.path == "/elsewhere":
            return ok()
        raise web.HTTPFound("/elsewhere")

    async with local_server(handler) as url, quick_client(url) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.alibaba.orders.batch_submit_to_pay(["2059624776425880794"])
        assert isinstance(caught.value.cause, UnexpectedResponseError)
        assert caught.value.cause.http_status == 302
        with pytest.raises(UnexpectedResponseError):
            await client.with_options(max_retries=0).call("GET", "/read")
    assert seen == [PAY, "/read"]


async def test_a_session_passed_in_does_not_resend_either() -> None:
    """Rule 1: the silent resend is off on a caller's own aiohttp session too."""
    nonces, handler = _keep_alive_dropper()
    async with local_server(handler) as url, aiohttp.ClientSession() as session:
        async with quick_client(url, max_retries=0, session=session) as client:
            await client.call("GET", "/read")
            with pytest.raises(OutcomeUnknownError):
                await client.call("GET", "/read")
        assert not session.closed
    assert len(nonces) == 2
