"""The fake's check of the platform's signed headers, with nonce replay protection."""

from __future__ import annotations

import hmac
from collections import deque
from collections.abc import Mapping

from .._signing import (
    HEADER_ACCESS_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_USER_ID,
    compute_signature,
)
from ._clock import FakeClock

__all__ = ["HeaderAuthenticator"]

_REQUIRED_HEADERS = (HEADER_ACCESS_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_USER_ID,
                     HEADER_SIGNATURE)
_MS_DIGITS = 13


class HeaderAuthenticator:
    """Checks access key, timestamp window, signature and nonce reuse like the platform."""

    def __init__(self, secrets: Mapping[str, str], clock: FakeClock, tolerance: float) -> None:
        self.secrets = secrets
        self.tolerance = tolerance
        self._clock = clock
        self.nonces: set[tuple[str, str]] = set()
        # Arrival order; expiries are nearly sorted (timestamps drift by seconds), so pruning
        # from the left may keep a nonce a little longer than needed, never shorter.
        self._nonce_expiry: deque[tuple[float, tuple[str, str]]] = deque()

    def authenticate(self, headers: Mapping[str, str]) -> str | None:
        """``None`` if the request is signed correctly, else why not."""
        values = []
        for name in _REQUIRED_HEADERS:
            value = headers.get(name)
            if not value:
                return f"缺少请求头 (missing header) {name}"
            values.append(value)
        access_key, timestamp, nonce, _user_id, signature = values
        secret = self.secrets.get(access_key)
        if secret is None:
            return f"无效的access-key (unknown access key) {access_key!r}"
        if not timestamp.isdigit():
            return f"timestamp: 时间戳格式错误 (not an epoch number) {timestamp!r}"
        sent = int(timestamp) / 1000.0 if len(timestamp) >= _MS_DIGITS else float(timestamp)
        now = self._clock.base()
        if abs(now - sent) > self.tolerance:
            return (f"timestamp: 请求已过期 (outside {self.tolerance:g}s of the server clock, "
                    f"off by {now - sent:.0f}s)")
        expected = compute_signature(access_key, timestamp, nonce, secret)
        if not hmac.compare_digest(signature.upper(), expected):
            return "signature: 签名错误 (signature mismatch)"
        expiry = self._nonce_expiry
        while expiry and expiry[0][0] < now:
            self.nonces.discard(expiry.popleft()[1])
        key = (access_key, nonce)
        if key in self.nonces:
            return f"nonce-str: 重复请求 (nonce reused within {self.tolerance:g}s)"
        self.nonces.add(key)
        expiry.append((sent + self.tolerance, key))
        return None
