"""Faults on demand, driven through the real client: each behaves as the client must expect."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import aiohttp
import pytest

from pandapon_async import (
    OutcomeUnknownError,
    PandaPonClient,
    RateLimitError,
    ServerError,
)
from pandapon_async._signing import compute_signature, make_nonce
from pandapon_async.testing import FAULT_KINDS, FakePandaPon
from pandapon_async.testing._faults import DEFAULT_BAD_DATA

PAY = "/alibaba/order/batch/submit/to/pay"
PAY_URL = "/alibaba/order/pay/url"
CART = "/v2/alibaba/cart/list"  # an idempotent read


async def pay(client: PandaPonClient, ids: list[str]) -> dict[str, object]:
    result: dict[str, object] = await client.call("POST", PAY, json={"orderIds": ids})
    return result


async def test_scripted_errors_fail_the_next_calls_then_clear(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    fake_pandapon.faults.script(CART, "error", count=2, status=503)
    # The cart list is idempotent: the client retries through both faults.
    await pandapon_client.call("GET", CART)
    outcomes = [(r.outcome, r.status) for r in fake_pandapon.requests]
    assert outcomes == [("fault:error", 503), ("fault:error", 503), ("ok", 200)]
    assert fake_pandapon.faults.pending_scripted(CART) == 0


async def test_a_server_error_on_a_payment_is_not_retried(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "error")
    with pytest.raises(OutcomeUnknownError):
        await pay(pandapon_client, [order_id])
    assert len(fake_pandapon.requests) == 1
    assert fake_pandapon.payment_count(order_id) == 0  # the error came before processing


async def test_error_rate_is_seeded_and_deterministic() -> None:
    async def outcomes(seed: int) -> list[str]:
        async with FakePandaPon(seed=seed) as fake, PandaPonClient(
            fake.credentials, base_url=fake.url, rate_limit=None, max_retries=0
        ) as client:
            fake.faults.set_error_rate(0.5, status=500)
            for _ in range(20):
                with contextlib.suppress(ServerError):
                    await client.call("GET", CART)
            return [r.outcome for r in fake.requests]

    first, again, other = await outcomes(7), await outcomes(7), await outcomes(8)
    assert first == again
    assert first != other
    assert 0 < first.count("fault:error") < 20


async def test_rate_limit_answers_429_with_retry_after(
    fake_pandapon: FakePandaPon,
) -> None:
    fake_pandapon.faults.set_rate_limit(1.0, burst=2, retry_after=0.5)
    async with PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url,
                              rate_limit=None, max_retries=0) as client:
        await client.call("GET", PAY_URL)
        await client.call("GET", PAY_URL)
        with pytest.raises(RateLimitError) as caught:
            await client.call("GET", PAY_URL)
    assert caught.value.retry_after == 0.5
    assert [r.outcome for r in fake_pandapon.requests] == ["ok", "ok", "rate_limited"]
    fake_pandapon.faults.set_rate_limit(None)


async def test_scripted_rate_limit_is_retried_even_for_payments(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "rate_limit", retry_after=0.001)
    result = await pay(pandapon_client, [order_id])
    assert result["successOrderIds"] == [order_id]
    assert [r.status for r in fake_pandapon.requests] == [429, 200]
    assert fake_pandapon.payment_count(order_id) == 1


async def test_drop_before_processing_changes_nothing(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "drop")
    with pytest.raises(OutcomeUnknownError):
        await pay(pandapon_client, [order_id])
    assert fake_pandapon.order_status(order_id) == "waitbuyerpay"
    assert fake_pandapon.payment_count(order_id) == 0
    assert (fake_pandapon.requests[-1].status, fake_pandapon.requests[-1].outcome) == (
        None, "fault:drop")


async def test_processed_then_drop_pays_but_never_answers(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.set_processed_then_drop_rate(1.0, path=PAY)
    with pytest.raises(OutcomeUnknownError):
        await pay(pandapon_client, [order_id])
    assert fake_pandapon.order_status(order_id) == "waitsellersend"
    assert fake_pandapon.payment_count(order_id) == 1
    fake_pandapon.faults.clear()
    # Paying again after reconciling is refused, and the order is still paid once.
    result = await pay(pandapon_client, [order_id])
    assert result["payFailOrders"] == [{"orderId": order_id, "errorReason": "订单状态不允许支付"}]
    assert fake_pandapon.payment_count(order_id) == 1


async def test_drop_rate_applies_only_to_its_path(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    fake_pandapon.faults.set_drop_rate(1.0, path=PAY)
    await pandapon_client.call("GET", PAY_URL)
    with pytest.raises(OutcomeUnknownError):
        await pay(pandapon_client, ["1"])
    fake_pandapon.faults.set_drop_rate(0.0, path=PAY)
    assert not fake_pandapon.faults.active


async def test_timeout_processes_then_holds_the_answer(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "timeout", delay=5.0)
    impatient = pandapon_client.with_options(timeout=0.2)
    with pytest.raises(OutcomeUnknownError, match="timeout"):
        await pay(impatient, [order_id])
    assert fake_pandapon.payment_count(order_id) == 1


async def test_latency_delays_answers_past_the_client_timeout(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    fake_pandapon.faults.set_latency(2.0, path=PAY_URL)
    with pytest.raises(OutcomeUnknownError):
        await pandapon_client.with_options(timeout=0.1, max_retries=0).call("GET", PAY_URL)
    fake_pandapon.faults.set_latency(0.0, path=PAY_URL)
    assert await pandapon_client.call("GET", PAY_URL) is not None


def test_fault_settings_are_checked(fake_pandapon_options: dict[str, object]) -> None:
    faults = FakePandaPon().faults
    with pytest.raises(ValueError, match="kind"):
        faults.script(PAY, "explode")
    with pytest.raises(ValueError, match="rate"):
        faults.set_error_rate(1.5)
    with pytest.raises(ValueError, match="qps"):
        faults.set_rate_limit(0)
    with pytest.raises(ValueError, match="count"):
        faults.script(PAY, "drop", count=0)


# -- the faults that leave a client without proof (rule 0), seen at the HTTP level -------------


def _signed(fake: FakePandaPon) -> dict[str, str]:
    creds = fake.credentials
    timestamp, nonce = str(int(time.time())), make_nonce()
    return {"access-key": creds.access_key, "timestamp": timestamp, "nonce-str": nonce,
            "user-id": creds.user_id,
            "signature": compute_signature(creds.access_key, timestamp, nonce,
                                           creds.access_secret)}


async def _raw_pay(fake: FakePandaPon, order_id: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as session, session.post(
        fake.url + PAY, json={"orderIds": [order_id]}, headers=_signed(fake)
    ) as response:
        return response.status, response.content_type, await response.read()


@pytest.mark.parametrize(
    ("kind", "params", "expected_status", "paid"),
    [
        ("html", {}, 502, 0),
        ("html", {"status": 404}, 404, 0),
        ("processed_then_html", {"status": 504}, 504, 1),
        ("processed_then_truncate", {}, 200, 1),
        ("processed_then_no_code", {}, 200, 1),
        ("processed_then_bad_data", {}, 200, 1),
        ("stall", {"delay": 0.01}, 200, 1),
    ],
)
async def test_each_unreadable_answer_kind_processes_or_not_as_documented(
    fake_pandapon: FakePandaPon, kind: str, params: dict[str, Any], expected_status: int,
    paid: int
) -> None:
    """Rule 0: the fake produces each answer that proves nothing, before or after processing."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, kind, **params)
    status, content_type, body = await _raw_pay(fake_pandapon, order_id)
    assert status == expected_status
    assert fake_pandapon.payment_count(order_id) == paid
    logged = fake_pandapon.requests[-1]
    assert (logged.outcome, logged.status) == (f"fault:{kind}", expected_status)
    if kind.endswith("html"):
        assert content_type == "text/html"
        assert b"<html>" in body
        return
    assert content_type == "application/json"
    if kind == "processed_then_truncate":
        with pytest.raises(ValueError):
            json.loads(body)
        assert body.startswith(b"{")
    elif kind == "processed_then_no_code":
        assert "code" not in json.loads(body)
        assert json.loads(body)["data"]["successOrderIds"] == [order_id]
    elif kind == "processed_then_bad_data":
        envelope = json.loads(body)
        assert (envelope["code"], envelope["data"]) == (200, DEFAULT_BAD_DATA)
    else:
        assert json.loads(body)["data"]["successOrderIds"] == [order_id]


async def test_bad_data_carries_the_scripted_shape(fake_pandapon: FakePandaPon) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "processed_then_bad_data", data={"successOrderIds": 7})
    _, _, body = await _raw_pay(fake_pandapon, order_id)
    assert json.loads(body)["data"] == {"successOrderIds": 7}


async def test_a_stalled_request_is_processed_after_the_client_gave_up(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0: a stall outlives the client's timeout, and the payment still happens later."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.set_stall_rate(1.0, delay=0.5, path=PAY)
    with pytest.raises(OutcomeUnknownError):
        await pay(pandapon_client.with_options(timeout=0.1), [order_id])
    assert fake_pandapon.payment_count(order_id) == 0  # still stalled
    fake_pandapon.faults.clear()
    for _ in range(200):  # the fake's own clock: poll its state, never a fixed sleep
        if fake_pandapon.payment_count(order_id):
            break
        await asyncio.sleep(0.01)
    assert fake_pandapon.payment_count(order_id) == 1
    assert fake_pandapon.reached(PAY) == 1


async def test_reached_counts_every_arrival_before_any_fault(
    fake_pandapon: FakePandaPon,
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "drop")
    fake_pandapon.faults.script(PAY, "html")
    for _ in range(3):
        with contextlib.suppress(aiohttp.ClientError):
            await _raw_pay(fake_pandapon, order_id)
    assert fake_pandapon.reached(PAY) == 3
    assert fake_pandapon.reached_counts == {PAY: 3}
    assert fake_pandapon.reached(PAY_URL) == 0
    fake_pandapon.clear_requests()
    assert fake_pandapon.reached(PAY) == 0


async def test_fault_rates_for_the_new_kinds_are_seeded() -> None:
    async def outcomes(seed: int) -> list[str]:
        async with FakePandaPon(seed=seed) as fake:
            fake.faults.set_fault_rate("processed_then_truncate", 0.3, path=PAY)
            fake.faults.set_html_rate(0.3, status=503)
            order_ids = fake.create_alibaba_orders(20)
            for order_id in order_ids:
                await _raw_pay(fake, order_id)
            return [r.outcome for r in fake.requests]

    first, again = await outcomes(3), await outcomes(3)
    assert first == again
    assert {"fault:html", "fault:processed_then_truncate", "ok"} == set(first)


def test_new_fault_settings_are_checked() -> None:
    faults = FakePandaPon().faults
    with pytest.raises(ValueError, match="status"):
        faults.script(PAY, "html", status=1000)
    with pytest.raises(ValueError, match="delay"):
        faults.set_stall_rate(0.5, delay=-1)
    with pytest.raises(ValueError, match="set_rate_limit"):
        faults.set_fault_rate("rate_limit", 0.5)
    with pytest.raises(ValueError, match="kind"):
        faults.set_fault_rate("explode", 0.5)
    faults.set_fault_rate("processed_then_no_code", 0.5, path=PAY)
    faults.set_fault_rate("processed_then_no_code", 0.0, path=PAY)
    assert not faults.active
    assert "stall" in FAULT_KINDS and "processed_then_bad_data" in FAULT_KINDS
