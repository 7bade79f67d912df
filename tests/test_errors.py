"""Envelope decoding and the error hierarchy, through client.call with aioresponses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aioresponses import aioresponses

from pandapon_async import (
    APIError,
    AuthenticationError,
    BusinessError,
    Credentials,
    NotFoundError,
    OutcomeUnknownError,
    PandaPonClient,
    PandaPonError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from pandapon_async._envelope import decode_response
from pandapon_async._retry import parse_retry_after

BASE = "http://127.0.0.1:9"
SECRET = "do-not-leak-this-secret"


@pytest.fixture
async def client() -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(
        Credentials("AK", SECRET, "1"), base_url=BASE, rate_limit=None, max_retries=0
    ) as c:
        yield c


def envelope(
    code: Any = 200, data: Any = None, msg: str = "成功", rid: Any = "rid-1"
) -> dict[str, Any]:
    return {"requestId": rid, "code": code, "developId": "1", "msg": msg, "data": data}


@pytest.mark.parametrize(
    "data",
    [{"a": 1}, [1, 2], True, "https://pay.example/x", None, {"orderId": 2059624776425880794}],
)
async def test_success_returns_data_of_any_shape(client: PandaPonClient, data: Any) -> None:
    with aioresponses() as m:
        m.post(f"{BASE}/p", payload=envelope(data=data))
        assert await client.call("POST", "/p", json={}) == data


async def test_string_code_200_is_success(client: PandaPonClient) -> None:
    with aioresponses() as m:
        m.get(f"{BASE}/p", payload=envelope(code="200", data=5, rid=None))
        assert await client.call("GET", "/p") == 5


@pytest.mark.parametrize(
    ("status", "code", "error_type"),
    [
        (200, 400, APIError),
        (200, 0, APIError),
        (401, 401, AuthenticationError),
        (403, 403, AuthenticationError),
        (200, 401, AuthenticationError),
        (200, 404, NotFoundError),
        (404, 404, NotFoundError),
        (429, 429, RateLimitError),
        (500, 500, ServerError),
        (502, 502, ServerError),
        (200, 500, ServerError),
    ],
)
async def test_error_classes(
    client: PandaPonClient, status: int, code: int, error_type: type[APIError]
) -> None:
    with aioresponses() as m:
        m.get(f"{BASE}/orders", status=status, payload=envelope(code=code, msg="失败", rid="R9"))
        with pytest.raises(error_type) as caught:
            await client.call("GET", "/orders")
    error = caught.value
    assert type(error) is error_type
    assert error.code == code and error.msg == "失败"
    assert error.request_id == "R9" and error.http_status == status
    assert "GET /orders" in str(error) and "R9" in str(error)
    assert SECRET not in str(error)


async def test_retry_after_seconds_is_parsed(client: PandaPonClient) -> None:
    with aioresponses() as m:
        m.post(f"{BASE}/p", status=429, headers={"Retry-After": "7"},
               payload=envelope(code=429, msg="slow down"))
        with pytest.raises(RateLimitError) as caught:
            await client.call("POST", "/p")
    assert caught.value.retry_after == 7.0
    assert caught.value.http_status == 429


async def test_a_429_page_without_an_envelope_keeps_its_retry_after(
    client: PandaPonClient,
) -> None:
    """Rule 0: a gateway's 429 page is no envelope; on a read it is an unexpected response
    that still tells how long to wait."""
    with aioresponses() as m:
        m.get(f"{BASE}/p", status=429, headers={"Retry-After": "7"}, body="slow down")
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.call("GET", "/p")
    assert (caught.value.retry_after, caught.value.http_status) == (7.0, 429)


def test_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(header, now=lambda: now.timestamp()) == 30.0
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-3") == 0.0


async def test_non_json_body_quotes_the_first_200_bytes(client: PandaPonClient) -> None:
    body = "<html>" + "x" * 500
    with aioresponses() as m:
        m.get(f"{BASE}/p", status=200, body=body, content_type="text/html")
        with pytest.raises(UnexpectedResponseError) as caught:
            await client.call("GET", "/p")
    text = str(caught.value)
    assert "GET /p" in text and "<html>" in text
    assert "x" * 194 in text and "x" * 200 not in text
    assert caught.value.body_excerpt.startswith("<html>xxx")
    assert len(caught.value.body_excerpt) <= 201
    assert (caught.value.method, caught.value.path) == ("GET", "/p")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b'{"code": 200, "data": {"a"'),  # truncated
        (200, b'{"requestId": "r", "data": {"successOrderIds": []}}'),  # no code
        (200, b'{"code": "ok", "data": 1}'),  # a code that is not a number
        (200, b"[1, 2]"),
        (200, b""),
        (502, b"Bad Gateway"),
        (404, b"<html><body>404 Not Found</body></html>"),
        (404, b'{"timestamp": 1, "status": 404, "error": "Not Found", "path": "/x"}'),
        (401, b"<html>Unauthorized</html>"),
    ],
)
def test_anything_but_an_envelope_is_an_unexpected_response(status: int, body: bytes) -> None:
    """Rule 0: only a JSON object with a numeric code is the platform speaking; a proxy's 404
    is never NotFoundError, a proxy's 401 never AuthenticationError."""
    with pytest.raises(UnexpectedResponseError) as caught:
        decode_response(status, body, {"Content-Type": "text/html"}, endpoint="POST /x")
    error = caught.value
    assert not isinstance(error, APIError)
    assert (error.http_status, error.content_type, error.endpoint) == (
        status, "text/html", "POST /x")


async def test_business_failure_inside_successful_envelope(client: PandaPonClient) -> None:
    data = {"success": False, "errorCode": "E_STOCK", "errorInfo": "库存不足"}
    with aioresponses() as m:
        m.post(f"{BASE}/alibaba/order/receivegoods", payload=envelope(data=data, rid="R2"))
        with pytest.raises(BusinessError) as caught:
            await client.call("POST", "/alibaba/order/receivegoods", json={})
    error = caught.value
    assert error.error_code == "E_STOCK" and error.error_message == "库存不足"
    assert error.request_id == "R2" and "POST /alibaba/order/receivegoods" in str(error)
    assert not isinstance(error, APIError)


async def test_non_idempotent_5xx_is_an_unknown_outcome(client: PandaPonClient) -> None:
    with aioresponses() as m:
        m.post(f"{BASE}/pay", status=500, payload=envelope(code=500, msg="系统异常"))
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.call("POST", "/pay", json={"orderIds": ["1"]})
    assert isinstance(caught.value.__cause__, ServerError)
    assert isinstance(caught.value, PandaPonError)
