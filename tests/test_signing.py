"""Signing: signature vectors (computed independently here), headers, credentials."""

from __future__ import annotations

import hashlib
import os
import re
import threading

import pytest

from pandapon_async import Credentials, MD5Signer, PandaPonClient, compute_signature
from pandapon_async._signing import make_nonce


def md5_upper(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest().upper()


@pytest.mark.parametrize(
    ("key", "timestamp", "nonce", "secret"),
    [
        ("AK123", "1700000000", "abcdefghijklmnopqrstuvwxyz012345", "SECRET"),
        ("key-ü", "1700000000123", "0" * 32, "秘密"),
        ("k", 1700000000, "n", "s"),
    ],
)
def test_signature_is_upper_hex_md5_of_plain_concatenation(
    key: str, timestamp: str | int, nonce: str, secret: str
) -> None:
    expected = md5_upper(f"{key}{timestamp}{nonce}{secret}")
    assert compute_signature(key, timestamp, nonce, secret) == expected


def test_known_vector() -> None:
    # md5("ak" "1700000000" "nonce" "sk") computed once with an independent tool (hashlib).
    assert compute_signature("ak", "1700000000", "nonce", "sk") == md5_upper("ak1700000000noncesk")


def test_signer_builds_five_headers_with_fresh_timestamp_and_nonce() -> None:
    creds = Credentials("AK", "SK", "42")
    now = iter([1_700_000_000.9, 1_700_000_001.2])
    signer = MD5Signer(clock=lambda: next(now))
    first, second = signer.sign(creds), signer.sign(creds)
    assert set(first) == {"access-key", "timestamp", "nonce-str", "user-id", "signature"}
    assert first["access-key"] == "AK" and first["user-id"] == "42"
    assert first["timestamp"] == "1700000000"
    assert second["timestamp"] == "1700000001"
    assert first["nonce-str"] != second["nonce-str"]
    for headers in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9]{32}", headers["nonce-str"])
        assert headers["signature"] == md5_upper(
            "AK" + headers["timestamp"] + headers["nonce-str"] + "SK"
        )
        assert "SK" not in headers.values()


def test_millisecond_timestamps() -> None:
    signer = MD5Signer("ms", clock=lambda: 1_700_000_000.123)
    assert signer.sign(Credentials("a", "b", "c"))["timestamp"] == "1700000000123"


def test_nonces_are_32_alphanumerics_and_unique() -> None:
    nonces = {make_nonce() for _ in range(1000)}
    assert len(nonces) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9]{32}", n) for n in nonces)


def test_nonces_stay_unique_across_reads_and_threads() -> None:
    # Rule 3 (each attempt signed afresh): a nonce sent twice is refused as a replay.
    # Nonces are read from the kernel in batches; more than one batch here, from 8 threads.
    seen: list[list[str]] = []

    def draw() -> None:
        seen.append([make_nonce() for _ in range(300)])

    threads = [threading.Thread(target=draw) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    nonces = [nonce for batch in seen for nonce in batch]
    assert len(nonces) == 2400
    assert len(set(nonces)) == 2400


def test_a_forked_worker_never_reuses_its_parents_nonces() -> None:
    # Rule 3: pipelines fork workers; a child must not send the nonces its parent already
    # read from the kernel (both would sign with them, and the second would be a replay).
    make_nonce()  # the parent now holds nonces read but not yet sent
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next nonces, to the parent, then leave at once
        os.close(read_end)
        os.write(write_end, "".join(make_nonce() for _ in range(10)).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        text = pipe.read().decode()
    os.waitpid(pid, 0)
    child = {text[start:start + 32] for start in range(0, len(text), 32)}
    parent = {make_nonce() for _ in range(200)}
    assert len(child) == 10
    assert not child & parent


def test_unknown_timestamp_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="timestamp_unit"):
        MD5Signer("us")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timestamp_unit"):
        PandaPonClient(Credentials("a", "b", "c"), timestamp_unit="minutes")  # type: ignore[arg-type]


def test_credentials_hide_the_secret() -> None:
    creds = Credentials("AK", "TOP-SECRET", "7")
    assert "TOP-SECRET" not in repr(creds)
    assert "TOP-SECRET" not in str(creds)
    assert "TOP-SECRET" not in repr(PandaPonClient(creds))


@pytest.mark.parametrize(
    ("key", "secret", "user", "field"),
    [("", "s", "u", "access_key"), ("k", " ", "u", "access_secret"), ("k", "s", "", "user_id")],
)
def test_empty_credentials_are_refused_naming_the_field(
    key: str, secret: str, user: str, field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        Credentials(key, secret, user)


def test_credentials_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", "AK")
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", "SK")
    monkeypatch.setenv("PANDAPON_USER_ID", "99")
    assert Credentials.from_env() == Credentials("AK", "SK", "99")
    monkeypatch.delenv("PANDAPON_ACCESS_SECRET")
    with pytest.raises(ValueError, match="PANDAPON_ACCESS_SECRET"):
        Credentials.from_env()


def test_client_from_env_reads_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", "AK")
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", "SK")
    monkeypatch.setenv("PANDAPON_USER_ID", "99")
    monkeypatch.setenv("PANDAPON_BASE_URL", "http://127.0.0.1:9/")
    client = PandaPonClient.from_env()
    assert client.base_url == "http://127.0.0.1:9"
    assert client.credentials.user_id == "99"


class UpperNonceSigner:
    """A user-supplied signer: proves the strategy can be swapped without forking."""

    def __init__(self) -> None:
        self.calls = 0

    def sign(self, credentials: Credentials) -> dict[str, str]:
        self.calls += 1
        return {"access-key": credentials.access_key, "x-custom": str(self.calls)}


async def test_custom_signer_is_used_for_every_attempt() -> None:
    from aioresponses import aioresponses

    signer = UpperNonceSigner()
    async with PandaPonClient(
        Credentials("AK", "SK", "1"), base_url="http://127.0.0.1:1", signer=signer,
        rate_limit=None, retry_backoff=0,
    ) as client:
        with aioresponses() as mocked:
            url = "http://127.0.0.1:1/x"
            mocked.get(url, status=503, payload={"code": 503, "msg": "busy"})
            mocked.get(url, payload={"code": 200, "msg": "成功", "data": 1})
            assert await client.call("GET", "/x") == 1
            sent = [call.kwargs["headers"]["x-custom"] for call in mocked.requests[("GET",
                    __import__("yarl").URL(url))]]
    assert sent == ["1", "2"]
