"""The pytest plugin's fixtures, the aioresponses helper and the standalone server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aioresponses import aioresponses

from pandapon_async import (
    BusinessError,
    Credentials,
    OutcomeUnknownError,
    PandaPonClient,
    ServerError,
)
from pandapon_async.testing import FakePandaPon, mock_endpoint, serve

pytest_plugins = ["pytester"]


async def test_fixtures_give_a_started_fake_and_a_wired_client(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    assert fake_pandapon.url.startswith("http://127.0.0.1:")
    assert pandapon_client.base_url == fake_pandapon.url
    assert pandapon_client.credentials == fake_pandapon.credentials
    ids = fake_pandapon.create_alibaba_orders(2)
    result = await pandapon_client.call("POST", "/alibaba/order/batch/submit/to/pay",
                                        json={"orderIds": ids})
    assert result["successOrderIds"] == ids


class TestOverriddenOptions:
    @pytest.fixture
    def fake_pandapon_options(self) -> dict[str, Any]:
        return {"seed": 11, "credit_limit_fen": 0}

    async def test_fixture_options_can_be_overridden(self, fake_pandapon: FakePandaPon) -> None:
        assert (fake_pandapon.seed, fake_pandapon.credit_limit_fen) == (11, 0)


def test_plugin_is_loaded_through_its_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        async def test_uses_fixtures(fake_pandapon, pandapon_client):
            data = await pandapon_client.call("GET", "/v2/alibaba/cart/list")
            assert data["enableList"]
            assert fake_pandapon.requests[-1].outcome == "ok"
    """)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
        "-o", "asyncio_default_fixture_loop_scope=function")
    result.assert_outcomes(passed=1)


async def test_mock_endpoint_answers_an_envelope() -> None:
    creds = Credentials("k", "s", "1")
    with aioresponses() as mocked:
        mock_endpoint(mocked, "POST", "/alibaba/order/batch/submit/to/pay",
                      data={"successOrderIds": ["1"], "payFailOrders": []})
        mock_endpoint(mocked, "GET", "/alibaba/order/pay/url", code=500, msg="boom",
                      base_url="http://127.0.0.1:1")
        mock_endpoint(mocked, "POST", "/alibaba/order/receivegoods",
                      data={"success": False, "errorCode": "E", "errorInfo": "no"})
        async with PandaPonClient(creds, rate_limit=None, max_retries=0) as client:
            data = await client.call("POST", "/alibaba/order/batch/submit/to/pay",
                                     json={"orderIds": ["1"]})
            assert data == {"successOrderIds": ["1"], "payFailOrders": []}
            with pytest.raises(BusinessError):
                await client.call("POST", "/alibaba/order/receivegoods", json={})
        async with PandaPonClient(creds, base_url="http://127.0.0.1:1", rate_limit=None,
                                  max_retries=0) as client:
            # A declared non-idempotent GET: a server error leaves its outcome unknown.
            with pytest.raises(OutcomeUnknownError) as caught:
                await client.call("GET", "/alibaba/order/pay/url", params={"orderId": "1"})
            assert isinstance(caught.value.cause, ServerError)


async def test_serve_prints_url_and_credentials_and_stops_on_cancel() -> None:
    lines: list[str] = []
    started: asyncio.Future[FakePandaPon] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve("127.0.0.1", 0, seed=5, print_fn=lines.append,
                                     ready=started.set_result))
    fake = await started
    async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None) as client:
        assert await client.call("GET", "/v2/alibaba/cart/list")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    text = "\n".join(lines)
    assert fake.url in text
    assert f"PANDAPON_ACCESS_KEY={fake.credentials.access_key}" in text
    assert f"PANDAPON_BASE_URL={fake.url}" in text
