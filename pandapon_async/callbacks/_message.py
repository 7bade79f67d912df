"""Callback messages: envelope parsing, typed bodies and message identity.

Pure functions, no I/O. The receiver (``_receiver``) and the inboxes build on them; users
reach them through :mod:`pandapon_async.callbacks`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ._bodies import OrderEventBody, TaobaoPriceModifyBody, structure_alibaba_order_detail
from ._fields import (
    BodyFieldError,
    CallbackParseError,
    FieldErrors,
    collect_error,
    decode_json_text,
    describe,
    to_int,
)
from ._message_types import ALIBABA_PRICE_MODIFY, ORDER_EVENT_TYPES, TAOBAO_PRICE_MODIFY

# Epoch values below this are taken as seconds, above as milliseconds: 1e11 ms is 1973,
# 1e11 s is the year 5138, so the two readings cannot be confused for real push times.
_MS_THRESHOLD = 100_000_000_000


class MessagePlatform(enum.IntEnum):
    """``messagePlatform`` of a callback message. Unknown values are kept as plain ints."""

    TAOBAO = 0
    ALIBABA_1688 = 1


@attrs.frozen(kw_only=True)
class CallbackEnvelope:
    """The outer fields of a callback, checked but with ``messageBody`` not yet typed.

    ``body`` is ``messageBody`` as decoded (JSON text already decoded). ``message_id`` is the
    identity used to recognise redeliveries (see :func:`compute_message_id`). ``timestamp``
    and ``timestamp_ms`` are ``None`` when the message carries no push time (the field is
    optional in the platform's documentation).
    """

    message_type: str
    platform: MessagePlatform | int | None
    timestamp: dt.datetime | None
    timestamp_ms: int | None
    body: Any
    raw: dict[str, Any]
    message_id: str


@attrs.frozen(kw_only=True)
class CallbackMessage:
    """One order-event message pushed by the platform.

    - ``message_type``: ``messageType`` as sent (e.g. ``ORDER_PAY_SUCCESS``).
    - ``platform``: :class:`MessagePlatform`, a plain int for values not known, or ``None``
      when the message carries none.
    - ``timestamp``: the push time as an aware UTC datetime, or ``None`` when the message
      carries none.
    - ``body``: typed for the documented types (:class:`TaobaoPriceModifyBody`,
      ``AlibabaOrderDetail`` for ``1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``,
      :class:`OrderEventBody` for the order status and refund types), otherwise
      ``messageBody`` as decoded (normally a dict).
    - ``body_errors``: what of ``messageBody`` could not be typed (:class:`BodyFieldError`,
      each with the value as sent); empty when everything was. Such a field is ``None`` in
      ``body``; a body that cannot be typed at all is left as decoded (``is_typed`` False).
    - ``body_raw``: ``messageBody`` as decoded, before typing.
    - ``raw``: the whole message as decoded (with ``messageBody`` exactly as sent).
    - ``message_id``: stable identity; a redelivery of the same message has the same id.
    """

    message_type: str
    platform: MessagePlatform | int | None
    timestamp: dt.datetime | None
    body: Any
    body_raw: Any = attrs.field(repr=False)
    raw: dict[str, Any] = attrs.field(repr=False)
    message_id: str
    body_errors: tuple[BodyFieldError, ...] = ()

    @property
    def is_typed(self) -> bool:
        """Whether ``body`` is a typed model (a known message type whose body has the
        documented shape; single fields may still be in ``body_errors``)."""
        return self.message_type in _TYPED_MESSAGE_TYPES and not any(
            error.field == "messageBody" for error in self.body_errors
        )


_TYPED_MESSAGE_TYPES = frozenset({TAOBAO_PRICE_MODIFY, ALIBABA_PRICE_MODIFY}) | ORDER_EVENT_TYPES


def _decode_document(body: bytes | bytearray | memoryview | str | Mapping[str, Any]) -> Any:
    if isinstance(body, Mapping):
        return body
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            text = bytes(body).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CallbackParseError("body", "is not UTF-8 text") from None
    elif isinstance(body, str):
        text = body
    else:
        raise TypeError(f"body must be bytes, str or a mapping, got {type(body).__name__}")
    if not text.strip():
        raise CallbackParseError("body", "is empty")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise CallbackParseError("body", "is not valid JSON") from None


def _parse_platform(raw: dict[str, Any]) -> MessagePlatform | int | None:
    value = raw.get("messagePlatform")
    if value is None or value == "":
        return None
    number = to_int(value, "messagePlatform")
    try:
        return MessagePlatform(number)
    except ValueError:
        return number


def _parse_timestamp(raw: dict[str, Any]) -> tuple[dt.datetime | None, int | None]:
    # Optional in the platform's documentation: refusing a message without one would lose it
    # after the platform's retries, so it is accepted (and identified without a push time).
    if raw.get("timestamp") is None or raw.get("timestamp") == "":
        return None, None
    number = to_int(raw["timestamp"], "timestamp")
    if number <= 0:
        raise CallbackParseError("timestamp", f"must be a positive epoch time, got {number}")
    millis = number if number >= _MS_THRESHOLD else number * 1000
    try:
        moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise CallbackParseError("timestamp", f"is out of range: {number}") from None
    return moment, millis


def compute_message_id(
    message_type: str, platform: int | None, timestamp_ms: int | None, body: Any
) -> str:
    """The identity of a message: SHA-256 (hex) of its type, platform, push time and body.

    The body is canonical JSON (sorted keys, no spaces, UTF-8), so the same ``messageBody``
    sent as an object or as JSON text, or with its keys in another order, gives the same id.
    The platform redelivers a message with the same fields, so a redelivery has the same id,
    while two distinct events (different push times) never share one. Without a push time
    (``timestamp_ms`` ``None``), two messages of one type with the same body are taken as
    one message delivered twice.
    """
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    platform_text = "" if platform is None else str(int(platform))
    time_text = "" if timestamp_ms is None else str(timestamp_ms)
    base = f"{message_type}\n{platform_text}\n{time_text}\n{canonical}"
    return hashlib.sha256(base.encode("utf-8")).hexdigest()


def parse_envelope(
    body: bytes | bytearray | memoryview | str | Mapping[str, Any],
) -> CallbackEnvelope:
    """Check the outer fields of a callback and decode ``messageBody`` (typing it is not done).

    Raises :class:`CallbackParseError` naming the field when the message is malformed.
    """
    document = _decode_document(body)
    if not isinstance(document, Mapping):
        raise CallbackParseError("body", f"expected a JSON object, got {type(document).__name__}")
    raw = dict(document)
    message_type = raw.get("messageType")
    if not isinstance(message_type, str) or not message_type.strip():
        raise CallbackParseError(
            "messageType", f"expected a non-empty string, got {describe(message_type)}"
        )
    platform = _parse_platform(raw)
    timestamp, timestamp_ms = _parse_timestamp(raw)
    message_body = raw.get("messageBody")
    if isinstance(message_body, str) and message_body.strip()[:1] in ("{", "["):
        message_body = decode_json_text(message_body, "messageBody")
    return CallbackEnvelope(
        message_type=message_type,
        platform=platform,
        timestamp=timestamp,
        timestamp_ms=timestamp_ms,
        body=message_body,
        raw=raw,
        message_id=compute_message_id(message_type, platform, timestamp_ms, message_body),
    )


def _type_body(message_type: str, body: Any, errors: FieldErrors) -> Any:
    if message_type not in _TYPED_MESSAGE_TYPES:
        return body
    try:
        if not isinstance(body, Mapping):
            raise CallbackParseError(
                "messageBody", f"expected an object for {message_type}, got {describe(body)}"
            )
        if message_type == ALIBABA_PRICE_MODIFY:
            return structure_alibaba_order_detail(body)
    except CallbackParseError as error:
        # The body as a whole does not have the documented shape: hand it over as decoded.
        collect_error(errors, error, body)
        return body
    if message_type == TAOBAO_PRICE_MODIFY:
        return TaobaoPriceModifyBody.from_wire(body, errors=errors)
    return OrderEventBody.from_wire(body, errors=errors)


def parse_message(
    body: bytes | bytearray | memoryview | str | Mapping[str, Any],
    *,
    strict: bool = False,
) -> CallbackMessage:
    """Parse one callback message: the raw request body (bytes or text) or a decoded mapping.

    ``messageBody`` may be an object or JSON text. Documented message types get a typed
    ``body``; unknown types are kept as decoded, never rejected. A body field that cannot be
    typed does not make the message unusable: it is ``None`` in ``body`` and described, with
    the value as sent, in ``body_errors`` (``strict=True`` raises instead). Raises
    :class:`CallbackParseError` (a ``ValueError``) naming the field when the envelope is
    malformed: not a JSON object, no ``messageType``, a non-numeric ``timestamp`` (a missing
    or null one is accepted: ``timestamp`` is then ``None``).
    """
    envelope = parse_envelope(body)
    return message_from_envelope(envelope, strict=strict)


def message_from_envelope(envelope: CallbackEnvelope, *, strict: bool = False) -> CallbackMessage:
    """Type the body of a checked envelope (see :func:`parse_message`)."""
    errors: FieldErrors = None if strict else []
    typed = _type_body(envelope.message_type, envelope.body, errors)
    return CallbackMessage(
        message_type=envelope.message_type,
        platform=envelope.platform,
        timestamp=envelope.timestamp,
        body=typed,
        body_raw=envelope.body,
        raw=envelope.raw,
        message_id=envelope.message_id,
        body_errors=tuple(errors or ()),
    )
