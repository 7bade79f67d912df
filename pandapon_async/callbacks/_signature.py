"""The callback signature: HMAC-SHA256 of the raw body in the ``Authorization`` header."""

from __future__ import annotations

import hmac

from .._signing import compute_callback_signature
from ..errors import SignatureVerificationError


def verify_signature(body: bytes, authorization: str | None, access_secret: str) -> None:
    """Check the ``Authorization`` header of a callback against the raw request body.

    The platform signs ``hex(hmac_sha256(key=access_secret, msg=raw body))``. Either hex case
    is accepted and surrounding whitespace ignored; the comparison is constant-time. Raises
    :class:`~pandapon_async.errors.SignatureVerificationError` when the header is missing,
    empty or does not match. The message never contains the secret or the expected value.
    """
    if authorization is None or not authorization.strip():
        raise SignatureVerificationError("callback has no Authorization signature")
    if not access_secret:
        raise ValueError("access_secret must not be empty")
    expected = compute_callback_signature(bytes(body), access_secret).encode("ascii")
    given = authorization.strip().lower().encode("utf-8", errors="replace")
    if not hmac.compare_digest(given, expected):
        raise SignatureVerificationError("callback signature does not match the body")
