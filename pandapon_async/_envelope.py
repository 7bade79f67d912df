"""Decoding the platform's response envelope into data or a typed error (pure, no I/O).

Rule 0 of the design: only a well-formed platform envelope (a JSON object with an integer
``code``) proves what happened. Anything else, whatever its HTTP status, is an
:class:`UnexpectedResponseError`; the transport turns it into an unknown outcome for calls
that are not idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _json
from ._booleans import says_false
from ._retry import parse_retry_after
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)

__all__ = ["AUTH_CODES", "SUCCESS_CODE", "decode_response", "unexpected_response"]

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


def _says_false(value: Any) -> bool:
    # Most data has no ``success`` key: answer None at once (says_false raises and catches
    # inside for it).
    return value is not None and says_false(value)


def _quote(body: bytes) -> str:
    return repr(body[:BODY_QUOTE_LIMIT]) + ("…" if len(body) > BODY_QUOTE_LIMIT else "")


def _excerpt(body: bytes) -> str:
    text = body[:BODY_QUOTE_LIMIT].decode("utf-8", "replace")
    return text + ("…" if len(body) > BODY_QUOTE_LIMIT else "")


def unexpected_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    endpoint: str,
    envelope: Any = None,
) -> UnexpectedResponseError:
    """The error for an HTTP answer that is not a platform envelope (``envelope`` is the
    parsed JSON, if the body was JSON at all)."""
    content_type = headers.get("Content-Type")
    if content_type is not None:
        content_type = content_type.split(";", 1)[0].strip().lower() or None
    retry_after = parse_retry_after(headers.get("Retry-After")) if status == 429 else None
    if not body:
        what = "an empty body"
    elif isinstance(envelope, dict):
        what = "JSON without a numeric 'code'"
    else:
        what = "not a PandaPon envelope"
    request_id = _as_id(envelope.get("requestId")) if isinstance(envelope, dict) else None
    return UnexpectedResponseError(
        f"{endpoint}: HTTP {status} ({content_type or 'no content type'}), {what}: "
        f"{_quote(body)}",
        endpoint=endpoint,
        http_status=status,
        content_type=content_type,
        body_excerpt=_excerpt(body),
        request_id=request_id,
        retry_after=retry_after,
    )


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
    try:
        envelope = _json.loads(body) if body else None
    except (ValueError, RecursionError):
        envelope = None
    # The common answer first: HTTP 200, an envelope with the int code 200, and data that is
    # not a 1688 failure. It returns exactly what the full path below returns for it; any
    # other answer (a business failure included) goes through the full path.
    if status == 200 and envelope.__class__ is dict:
        code = envelope.get("code")
        if code.__class__ is int and code == SUCCESS_CODE:
            data = envelope.get("data")
            if not (check_business and isinstance(data, dict)) or not _says_false(
                    data.get("success")):
                request_id = envelope.get("requestId")
                return data, (request_id if request_id.__class__ is str and request_id
                              else _as_id(request_id))
    # Only a JSON object with an integer ``code`` is the platform's envelope: a proxy's page,
    # a truncated body or a gateway's own JSON error proves nothing, whatever the status.
    raw_code = envelope.get("code") if isinstance(envelope, dict) else None
    code = _as_int(raw_code)
    if code is None:
        raise unexpected_response(status, body, headers, endpoint=endpoint, envelope=envelope)

    assert isinstance(envelope, dict)
    retry_after = parse_retry_after(headers.get("Retry-After")) if status == 429 else None
    msg = envelope.get("msg")
    msg = None if msg is None else str(msg)
    request_id = _as_id(envelope.get("requestId"))
    if 200 <= status < 300 and code == SUCCESS_CODE:
        data = envelope.get("data")
        if check_business and isinstance(data, dict) and _says_false(data.get("success")):
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
    if code == NOT_FOUND_CODE:
        # The platform's own word only: an HTTP 404 around some other code is not "missing".
        raise NotFoundError(message, **fields)
    if status >= 500 or (code is not None and 500 <= code < 600):
        raise ServerError(message, **fields)
