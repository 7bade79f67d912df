"""Decoding the platform's response envelope into data or a typed error (pure, no I/O)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ._booleans import says_false
from ._retry import parse_retry_after
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    NotFoundError,
    RateLimitError,
    ServerError,
)

__all__ = ["AUTH_CODES", "SUCCESS_CODE", "decode_response"]

SUCCESS_CODE = 200
# The platform's error-code table is not public: these are the codes that mean "who you are
# was refused" wherever the platform or its sister platform has been seen to use them.
AUTH_CODES = frozenset({401, 403})
RATE_LIMIT_CODE = 429
NOT_FOUND_CODE = 404
BODY_QUOTE_LIMIT = 200


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _as_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _quote(body: bytes) -> str:
    return repr(body[:BODY_QUOTE_LIMIT]) + ("…" if len(body) > BODY_QUOTE_LIMIT else "")


def decode_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    endpoint: str,
    check_business: bool = True,
) -> tuple[Any, str | None]:
    """Return the envelope's ``(data, requestId)`` or raise the error the response stands for.

    ``endpoint`` is ``"METHOD /path"`` and goes into every message.
    """
    retry_after = parse_retry_after(headers.get("Retry-After")) if status == 429 else None
    try:
        envelope = json.loads(body) if body else None
    except ValueError:
        envelope = None
        parsed = False
    else:
        parsed = isinstance(envelope, dict) and "code" in envelope

    if not parsed:
        detail = f"HTTP {status}, body is not a PandaPon envelope: {_quote(body)}"
        _raise_classified(status, None, f"{endpoint}: {detail}", retry_after,
                          {"http_status": status, "endpoint": endpoint, "body": body})
        raise APIError(f"{endpoint}: {detail}", http_status=status, endpoint=endpoint, body=body)

    assert isinstance(envelope, dict)
    raw_code = envelope.get("code")
    code = _as_int(raw_code)
    msg = envelope.get("msg")
    msg = None if msg is None else str(msg)
    request_id = _as_id(envelope.get("requestId"))
    if 200 <= status < 300 and code == SUCCESS_CODE:
        data = envelope.get("data")
        if check_business and isinstance(data, dict) and says_false(data.get("success")):
            error_code = _as_id(data.get("errorCode"))
            error_message = data.get("errorMsg") or data.get("errorInfo") or data.get("message")
            error_message = None if error_message is None else str(error_message)
            raise BusinessError(
                f"{endpoint}: business failure errorCode={error_code!r} "
                f"message={error_message!r} (request_id={request_id})",
                error_code=error_code,
                error_message=error_message,
                request_id=request_id,
                endpoint=endpoint,
                data=data,
            )
        return data, request_id

    message = f"{endpoint}: code={raw_code!r} msg={msg!r} (HTTP {status}, request_id={request_id})"
    fields: dict[str, Any] = {
        "code": raw_code,
        "msg": msg,
        "request_id": request_id,
        "http_status": status,
        "endpoint": endpoint,
        "body": envelope,
    }
    _raise_classified(status, code, message, retry_after, fields)
    raise APIError(message, **fields)


def _raise_classified(
    status: int,
    code: int | None,
    message: str,
    retry_after: float | None,
    fields: dict[str, Any],
) -> None:
    """Raise the specific subclass that HTTP status or envelope code calls for, if any."""
    if status == 429 or code == RATE_LIMIT_CODE:
        if retry_after is not None:
            message += f"; retry after {retry_after:g}s"
        raise RateLimitError(message, retry_after=retry_after, **fields)
    if status in AUTH_CODES or code in AUTH_CODES:
        raise AuthenticationError(message, **fields)
    if status == 404 or code == NOT_FOUND_CODE:
        raise NotFoundError(message, **fields)
    if status >= 500 or (code is not None and 500 <= code < 600):
        raise ServerError(message, **fields)
