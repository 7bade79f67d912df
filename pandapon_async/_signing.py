"""Request and callback signing: pure functions and the pluggable :class:`Signer` strategy."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

from ._credentials import Credentials

__all__ = [
    "MD5Signer",
    "Signer",
    "TimestampUnit",
    "compute_callback_signature",
    "compute_signature",
    "make_nonce",
    "make_timestamp",
]

TimestampUnit = Literal["s", "ms"]
TIMESTAMP_UNITS: tuple[str, ...] = ("s", "ms")
NONCE_LENGTH = 32

HEADER_ACCESS_KEY = "access-key"
HEADER_TIMESTAMP = "timestamp"
HEADER_NONCE = "nonce-str"
HEADER_USER_ID = "user-id"
HEADER_SIGNATURE = "signature"


def compute_signature(access_key: str, timestamp: str | int, nonce: str, access_secret: str) -> str:
    """``UPPER(HEX(MD5(access_key + timestamp + nonce + access_secret)))``, UTF-8, no separators."""
    base = f"{access_key}{timestamp}{nonce}{access_secret}".encode()
    return hashlib.md5(base, usedforsecurity=False).hexdigest().upper()


def compute_callback_signature(body: bytes, access_secret: str) -> str:
    """Lower-case ``HEX(HMAC-SHA256(key=access_secret, msg=raw body))`` of a callback message."""
    return hmac.new(access_secret.encode(), body, hashlib.sha256).hexdigest()


def make_nonce() -> str:
    """A fresh random 32-character nonce of letters and digits."""
    return secrets.token_hex(NONCE_LENGTH // 2)


def make_timestamp(unit: TimestampUnit = "s", clock: Callable[[], float] = time.time) -> str:
    """The current UTC epoch time as a decimal string in seconds or milliseconds."""
    now = clock()
    return str(int(now * 1000)) if unit == "ms" else str(int(now))


@runtime_checkable
class Signer(Protocol):
    """Builds the system headers of one attempt. Called afresh for every attempt."""

    def sign(self, credentials: Credentials) -> dict[str, str]: ...


class MD5Signer:
    """The platform's rule: the five headers, MD5 signature, fresh timestamp and nonce."""

    __slots__ = ("_clock", "_nonce", "timestamp_unit")

    def __init__(
        self,
        timestamp_unit: TimestampUnit = "s",
        *,
        clock: Callable[[], float] = time.time,
        nonce_factory: Callable[[], str] = make_nonce,
    ) -> None:
        if timestamp_unit not in TIMESTAMP_UNITS:
            raise ValueError(f"timestamp_unit must be 's' or 'ms', got {timestamp_unit!r}")
        self.timestamp_unit: TimestampUnit = timestamp_unit
        self._clock = clock
        self._nonce = nonce_factory

    def sign(self, credentials: Credentials) -> dict[str, str]:
        timestamp = make_timestamp(self.timestamp_unit, self._clock)
        nonce = self._nonce()
        return {
            HEADER_ACCESS_KEY: credentials.access_key,
            HEADER_TIMESTAMP: timestamp,
            HEADER_NONCE: nonce,
            HEADER_USER_ID: credentials.user_id,
            HEADER_SIGNATURE: compute_signature(
                credentials.access_key, timestamp, nonce, credentials.access_secret
            ),
        }

    def __repr__(self) -> str:
        return f"MD5Signer(timestamp_unit={self.timestamp_unit!r})"
