"""with_raw_response: the request id, status, headers and timing of a successful call."""

from __future__ import annotations

import pytest

from pandapon_async import NotFoundError, PandaPonClient, RawResponse, with_raw_response
from pandapon_async.models.alibaba import AlibabaOrderDetail
from pandapon_async.testing import FakePandaPon

DETAIL_PATH = "/alibaba/order/detail"


@pytest.fixture
def pandapon_client_options() -> dict[str, object]:
    return {"rate_limit": None, "retry_backoff": 0.0}


async def test_a_typed_call_gives_its_model_with_the_answer_that_carried_it(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    raw = await with_raw_response(pandapon_client.alibaba.orders.get_detail(order_id))

    assert isinstance(raw, RawResponse)
    assert isinstance(raw.data, AlibabaOrderDetail)
    assert raw.data.base_info.id_of_str == order_id
    assert raw.http_status == 200
    assert raw.request_id and raw.request_id.strip("0")
    assert raw.headers["Content-Type"].startswith("application/json")
    assert raw.elapsed > 0
    assert (raw.attempts, raw.method, raw.path) == (1, "POST", DETAIL_PATH)
    assert raw.data == await pandapon_client.alibaba.orders.get_detail(order_id)


async def test_the_answer_kept_is_the_attempt_that_succeeded(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 3: a retried read is a new attempt; the raw view reports the one that answered."""
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=1, status=502)

    raw = await with_raw_response(
        pandapon_client.call("POST", DETAIL_PATH, json={"webSite": "1688", "orderId": order_id},
                             idempotent=True)
    )

    assert raw.attempts == 2
    assert raw.http_status == 200
    assert raw.data["baseInfo"]["idOfStr"] == order_id
    answered = [request for request in fake_pandapon.requests if request.status == 200]
    assert len(answered) == 1


async def test_errors_propagate_unchanged_and_no_request_is_a_runtime_error(
    pandapon_client: PandaPonClient,
) -> None:
    with pytest.raises(NotFoundError) as raised:
        await with_raw_response(pandapon_client.alibaba.orders.get_detail("2059624776425880794"))
    assert raised.value.request_id

    async def nothing() -> int:
        return 1

    with pytest.raises(RuntimeError, match="sent no request"):
        await with_raw_response(nothing())


async def test_only_response_headers_are_kept(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 4: the raw view holds the answer's headers, never the signed request's."""
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    raw = await with_raw_response(pandapon_client.alibaba.orders.get_detail(order_id))

    names = {name.lower() for name in raw.headers}
    assert not names & {"signature", "access-key", "nonce-str", "timestamp", "user-id"}
    assert "headers" not in repr(raw)
