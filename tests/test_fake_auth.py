"""The fake refuses what the platform refuses: bad signatures, stale timestamps, replays."""

from __future__ import annotations

import time
from collections.abc import Callable

import aiohttp
import pytest

from pandapon_async import AuthenticationError, Credentials, PandaPonClient
from pandapon_async._signing import compute_signature, make_nonce
from pandapon_async.testing import FakePandaPon

PATH = "/alibaba/order/pay/url"


def signed_headers(
    creds: Credentials,
    *,
    secret: str | None = None,
    timestamp: str | None = None,
    nonce: str | None = None,
    access_key: str | None = None,
) -> dict[str, str]:
    key = access_key or creds.access_key
    ts = timestamp or str(int(time.time()))
    nonce = nonce or make_nonce()
    return {
        "access-key": key,
        "timestamp": ts,
        "nonce-str": nonce,
        "user-id": creds.user_id,
        "signature": compute_signature(key, ts, nonce, secret or creds.access_secret),
    }


async def get(fake: FakePandaPon, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(
        fake.url + PATH, headers=headers
    ) as response:
        return response.status, await response.json()


async def test_a_correctly_signed_request_is_served(fake_pandapon: FakePandaPon) -> None:
    status, body = await get(fake_pandapon, signed_headers(fake_pandapon.credentials))
    assert (status, body["code"]) == (200, 200)


async def test_a_millisecond_timestamp_is_accepted(fake_pandapon: FakePandaPon) -> None:
    headers = signed_headers(fake_pandapon.credentials,
                             timestamp=str(int(time.time() * 1000)))
    status, _ = await get(fake_pandapon, headers)
    assert status == 200


@pytest.mark.parametrize(
    ("make_headers", "named"),
    [
        (lambda c: signed_headers(c, secret="wrong-secret"), "signature"),
        (lambda c: signed_headers(c, timestamp=str(int(time.time()) - 601)), "timestamp"),
        (lambda c: signed_headers(c, timestamp=str(int(time.time() * 1000) + 700_000)),
         "timestamp"),
        (lambda c: signed_headers(c, timestamp="yesterday"), "timestamp"),
        (lambda c: signed_headers(c, access_key="someone-else"), "access key"),
        (lambda c: {k: v for k, v in signed_headers(c).items() if k != "nonce-str"},
         "nonce-str"),
        (lambda c: {k: v for k, v in signed_headers(c).items() if k != "user-id"}, "user-id"),
        (lambda c: {k: v for k, v in signed_headers(c).items() if k != "signature"},
         "signature"),
    ],
    ids=["wrong-secret", "stale", "future-ms", "not-a-number", "unknown-key",
         "no-nonce", "no-user-id", "no-signature"],
)
async def test_wrongly_signed_requests_are_refused_with_401(
    fake_pandapon: FakePandaPon,
    make_headers: Callable[[Credentials], dict[str, str]],
    named: str,
) -> None:
    status, body = await get(fake_pandapon, make_headers(fake_pandapon.credentials))
    assert (status, body["code"]) == (401, 401)
    assert named in str(body["msg"])
    assert fake_pandapon.requests[-1].outcome == "auth_failed"


async def test_a_nonce_reused_within_the_window_is_refused(fake_pandapon: FakePandaPon) -> None:
    headers = signed_headers(fake_pandapon.credentials)
    first, _ = await get(fake_pandapon, headers)
    second, body = await get(fake_pandapon, headers)
    assert (first, second) == (200, 401)
    assert "nonce" in str(body["msg"])


async def test_a_forged_request_does_not_burn_the_nonce(fake_pandapon: FakePandaPon) -> None:
    nonce = make_nonce()
    forged = signed_headers(fake_pandapon.credentials, secret="wrong", nonce=nonce)
    genuine = signed_headers(fake_pandapon.credentials, nonce=nonce)
    assert (await get(fake_pandapon, forged))[0] == 401
    assert (await get(fake_pandapon, genuine))[0] == 200


async def test_nonces_are_forgotten_once_their_timestamp_has_expired() -> None:
    now = [1_700_000_000.0]
    async with FakePandaPon(clock=lambda: now[0], timestamp_tolerance=600) as fake:
        for _ in range(5):
            headers = signed_headers(fake.credentials, timestamp=str(int(now[0])))
            assert (await get(fake, headers))[0] == 200
        now[0] += 1201
        headers = signed_headers(fake.credentials, timestamp=str(int(now[0])))
        assert (await get(fake, headers))[0] == 200
        # Only the nonce still inside its window is remembered.
        assert len(fake._nonces) == 1


async def test_the_client_maps_refusal_to_authentication_error(
    fake_pandapon: FakePandaPon,
) -> None:
    wrong = Credentials(fake_pandapon.credentials.access_key, "not-the-secret", "1")
    async with PandaPonClient(wrong, base_url=fake_pandapon.url, rate_limit=None,
                              retry_backoff=0.001) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.call("GET", PATH)
    assert caught.value.code == 401
    assert "not-the-secret" not in str(caught.value)


async def test_custom_credentials_and_millisecond_clients(fake_pandapon: FakePandaPon) -> None:
    creds = Credentials("my-key", "my-secret", "42")
    async with FakePandaPon(credentials=creds) as fake, PandaPonClient(
        creds, base_url=fake.url, rate_limit=None, timestamp_unit="ms"
    ) as client:
        assert fake.credentials == creds
        assert await client.call("GET", PATH) is not None
        assert len(fake.requests[-1].headers["timestamp"]) == 13
