"""The API changes of the first-ten-minutes issue: a client from the environment (base URL
included), one keyword for cancelling, one rule for ids."""

from __future__ import annotations

import warnings

import pytest

from pandapon_async import DEFAULT_BASE_URL, Credentials, PandaPonClient
from pandapon_async.testing import FakePandaPon


@pytest.fixture
def account_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", "env-key")
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", "env-secret")
    monkeypatch.setenv("PANDAPON_USER_ID", "env-user")
    monkeypatch.delenv("PANDAPON_BASE_URL", raising=False)


async def test_client_with_no_arguments_reads_credentials_and_base_url(
    account_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANDAPON_BASE_URL", "https://staging.example.test/")
    async with PandaPonClient() as client:
        assert client.credentials == Credentials("env-key", "env-secret", "env-user")
        assert client.base_url == "https://staging.example.test"


async def test_client_with_no_base_url_anywhere_goes_to_production(account_env: None) -> None:
    async with PandaPonClient() as client:
        assert client.base_url == DEFAULT_BASE_URL


async def test_explicit_credentials_still_honour_the_environment_base_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's case: credentials given, fake's exports pasted: no request to production."""
    monkeypatch.setenv("PANDAPON_BASE_URL", "http://127.0.0.1:8080")
    async with PandaPonClient(Credentials("k", "s", "u")) as client:
        assert client.base_url == "http://127.0.0.1:8080"
    async with PandaPonClient(Credentials("k", "s", "u"), base_url="http://127.0.0.1:9") as c:
        assert c.base_url == "http://127.0.0.1:9"


async def test_client_with_no_arguments_and_no_environment_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("PANDAPON_ACCESS_KEY", "PANDAPON_ACCESS_SECRET", "PANDAPON_USER_ID"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="PANDAPON_ACCESS_KEY"):
        PandaPonClient()


async def test_cancel_takes_reason_like_bulk_cancel(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 1 (no blind resend) is untouched: one cancel request per call, keyword renamed."""
    first, second = fake_pandapon.alibaba.create_orders(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert await pandapon_client.alibaba.orders.cancel(first, reason="不想要了") is True
    report = await pandapon_client.bulk.cancel([second], reason="不想要了")
    assert report.succeeded == [second]
    assert fake_pandapon.alibaba.status(first) == fake_pandapon.alibaba.status(second) == "cancel"


async def test_cancel_reason_keyword_still_works_with_a_deprecation_warning(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    (order_id,) = fake_pandapon.alibaba.create_orders(1)
    with pytest.warns(DeprecationWarning, match="reason="):
        await pandapon_client.alibaba.orders.cancel(order_id, cancel_reason="不想要了")
    assert fake_pandapon.alibaba.status(order_id) == "cancel"


async def test_cancel_refuses_both_keywords_or_none_before_sending(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    (order_id,) = fake_pandapon.alibaba.create_orders(1)
    sent_before = len(fake_pandapon.requests)
    with pytest.raises(TypeError, match="reason"):
        await pandapon_client.alibaba.orders.cancel(order_id, "a", cancel_reason="b")
    with pytest.raises(TypeError, match="reason"):
        await pandapon_client.alibaba.orders.cancel(order_id)
    assert len(fake_pandapon.requests) == sent_before
    assert fake_pandapon.alibaba.status(order_id) == "waitbuyerpay"


async def test_bulk_refuses_int_ids_like_single_calls_before_sending(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0 (never pay twice) starts with exact ids: an int id is refused, nothing is sent."""
    (order_id,) = fake_pandapon.alibaba.create_orders(1)
    with pytest.raises(ValueError, match=order_id):
        await pandapon_client.bulk.submit_to_pay([int(order_id)])
    with pytest.raises(ValueError, match="order_id"):
        await pandapon_client.alibaba.orders.get_detail(int(order_id))  # type: ignore[arg-type]
    assert fake_pandapon.requests == []
    assert fake_pandapon.payment_count(order_id) == 0
