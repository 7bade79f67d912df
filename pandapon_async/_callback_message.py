"""Callback messages: signature check, envelope parsing, typed bodies and message identity.

Pure functions, no I/O. The receiver (``_callback_receiver``) and the inbox (``_inbox``) build
on them; users reach them through :mod:`pandapon_async.callbacks`.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import attrs

from ._signing import compute_callback_signature
from .errors import SignatureVerificationError

__all__ = [
    "ALIBABA_ORDER_BUYER_REFUND",
    "ALIBABA_ORDER_CANCEL",
    "ALIBABA_ORDER_CREATE",
    "ALIBABA_ORDER_PAY_SUCCESS",
    "ALIBABA_ORDER_RECEIVED",
    "ALIBABA_ORDER_SHIPPED",
    "ALIBABA_PREFIX",
    "ALIBABA_PRICE_MODIFY",
    "ORDER_BUYER_REFUND",
    "ORDER_CANCEL",
    "ORDER_CREATE",
    "ORDER_EVENT_TYPES",
    "ORDER_PAY_SUCCESS",
    "ORDER_PRICE_MODIFY",
    "ORDER_RECEIVED",
    "ORDER_SHIPPED",
    "ORDER_STATUS_TYPES",
    "REFUND_TYPES",
    "TAOBAO_ORDER_BUYER_REFUND",
    "TAOBAO_ORDER_CANCEL",
    "TAOBAO_ORDER_CREATE",
    "TAOBAO_ORDER_PAY_SUCCESS",
    "TAOBAO_ORDER_RECEIVED",
    "TAOBAO_ORDER_SHIPPED",
    "TAOBAO_PREFIX",
    "TAOBAO_PRICE_MODIFY",
    "BodyFieldError",
    "CallbackEnvelope",
    "CallbackMessage",
    "CallbackParseError",
    "MessagePlatform",
    "OrderEventBody",
    "TaobaoPriceModifyBody",
    "TaobaoSubOrder",
    "compute_message_id",
    "message_from_envelope",
    "parse_envelope",
    "parse_message",
    "strip_platform_prefix",
    "verify_signature",
    "with_platform_prefix",
]

TAOBAO_PRICE_MODIFY = "TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"
ALIBABA_PRICE_MODIFY = "1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"
ORDER_CREATE = "ORDER_CREATE"
ORDER_CANCEL = "ORDER_CANCEL"
ORDER_PAY_SUCCESS = "ORDER_PAY_SUCCESS"
ORDER_PRICE_MODIFY = "ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY"
ORDER_BUYER_REFUND = "ORDER_BUYER_VIEW_ORDER_BUYER_REFUND"
# Shipment and confirmed receipt: the sister platform names no type for them; these are 1688's
# own message topics, which PandaPon's documented price-modify type reuses behind a prefix.
ORDER_SHIPPED = "ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS"
ORDER_RECEIVED = "ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS"
# PandaPon's two documented types carry a platform prefix, so its status and refund types very
# likely do too; both spellings are accepted and typed (README, "the doubts").
TAOBAO_PREFIX = "TAOBAO_"
ALIBABA_PREFIX = "1688_"
TAOBAO_ORDER_CREATE = TAOBAO_PREFIX + ORDER_CREATE
TAOBAO_ORDER_CANCEL = TAOBAO_PREFIX + ORDER_CANCEL
TAOBAO_ORDER_PAY_SUCCESS = TAOBAO_PREFIX + ORDER_PAY_SUCCESS
TAOBAO_ORDER_SHIPPED = TAOBAO_PREFIX + ORDER_SHIPPED
TAOBAO_ORDER_RECEIVED = TAOBAO_PREFIX + ORDER_RECEIVED
TAOBAO_ORDER_BUYER_REFUND = TAOBAO_PREFIX + ORDER_BUYER_REFUND
ALIBABA_ORDER_CREATE = ALIBABA_PREFIX + ORDER_CREATE
ALIBABA_ORDER_CANCEL = ALIBABA_PREFIX + ORDER_CANCEL
ALIBABA_ORDER_PAY_SUCCESS = ALIBABA_PREFIX + ORDER_PAY_SUCCESS
ALIBABA_ORDER_SHIPPED = ALIBABA_PREFIX + ORDER_SHIPPED
ALIBABA_ORDER_RECEIVED = ALIBABA_PREFIX + ORDER_RECEIVED
ALIBABA_ORDER_BUYER_REFUND = ALIBABA_PREFIX + ORDER_BUYER_REFUND
ORDER_STATUS_TYPES: frozenset[str] = frozenset(
    {ORDER_CREATE, ORDER_CANCEL, ORDER_PAY_SUCCESS, ORDER_SHIPPED, ORDER_RECEIVED}
)
"""The unprefixed order status types (the price change has its own, documented, types)."""
REFUND_TYPES: frozenset[str] = frozenset({ORDER_BUYER_REFUND})
"""The unprefixed refund type."""
ORDER_EVENT_TYPES: frozenset[str] = frozenset(
    {ORDER_PRICE_MODIFY}
    | {prefix + name for prefix in ("", TAOBAO_PREFIX, ALIBABA_PREFIX)
       for name in ORDER_STATUS_TYPES | REFUND_TYPES}
)
"""Every type whose body is an :class:`OrderEventBody`: the status and refund types in both
spellings (``ORDER_PAY_SUCCESS``, ``TAOBAO_ORDER_PAY_SUCCESS``, ``1688_ORDER_PAY_SUCCESS``, ...)
and the sister platform's unprefixed ``ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``."""


def strip_platform_prefix(message_type: str) -> str:
    """``messageType`` without its platform prefix: ``TAOBAO_ORDER_PAY_SUCCESS`` and
    ``1688_ORDER_PAY_SUCCESS`` both give ``ORDER_PAY_SUCCESS``; a type without a prefix is
    returned unchanged. Lets a handler match one name whichever spelling the platform sends."""
    for prefix in (TAOBAO_PREFIX, ALIBABA_PREFIX):
        if message_type.startswith(prefix):
            return message_type[len(prefix):]
    return message_type


def with_platform_prefix(message_type: str, platform: int) -> str:
    """The prefixed spelling of an unprefixed type for ``platform`` (0 Taobao, 1 1688)."""
    if platform == 0:
        return TAOBAO_PREFIX + message_type
    if platform == 1:
        return ALIBABA_PREFIX + message_type
    raise ValueError(f"platform: expected 0 (Taobao) or 1 (1688), got {platform!r}")

# Epoch values below this are taken as seconds, above as milliseconds: 1e11 ms is 1973,
# 1e11 s is the year 5138, so the two readings cannot be confused for real push times.
_MS_THRESHOLD = 100_000_000_000


class CallbackParseError(ValueError):
    """A callback message is malformed. ``field`` names the offending field (a dotted path)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"invalid callback message: {field}: {problem}")
        self.field = field
        self.problem = problem


@attrs.frozen(kw_only=True)
class BodyFieldError:
    """A part of ``messageBody`` that could not be typed; the message is delivered anyway.

    ``field`` is the dotted path (``messageBody.subOrders[0].product_amount``), ``value`` the
    value exactly as sent (kept: nothing is lost), ``problem`` what was expected. The typed
    body has ``None`` (or leaves out the item) where the value could not be typed.
    """

    field: str
    value: Any
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


# Where a body is typed leniently, errors are collected here instead of raised.
_Errors = list[BodyFieldError] | None


def _collect(errors: _Errors, error: CallbackParseError, value: Any) -> None:
    if errors is None:
        raise error
    errors.append(BodyFieldError(field=error.field, value=value, problem=error.problem))


class MessagePlatform(enum.IntEnum):
    """``messagePlatform`` of a callback message. Unknown values are kept as plain ints."""

    TAOBAO = 0
    ALIBABA_1688 = 1


# --------------------------------------------------------------------------------------------
# Signature


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


# --------------------------------------------------------------------------------------------
# Field coercion: lenient about the platform's string/number drift, strict about shape.


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _opt_str(
    data: Mapping[str, Any], key: str, path: str, errors: _Errors = None
) -> str | None:
    try:
        return _strict_opt_str(data, key, path)
    except CallbackParseError as error:
        _collect(errors, error, data.get(key))
        return None


def _strict_opt_str(data: Mapping[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise CallbackParseError(f"{path}.{key}", f"expected a string, got {_describe(value)}")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise CallbackParseError(f"{path}.{key}", f"expected a string, got {_describe(value)}")


def _to_int(value: object, field: str) -> int:
    if isinstance(value, bool):
        raise CallbackParseError(field, f"expected an integer, got {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and text.isascii():
            return int(text)
    raise CallbackParseError(field, f"expected an integer, got {_describe(value)}")


def _opt_int(
    data: Mapping[str, Any], key: str, path: str, errors: _Errors = None
) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return _to_int(value, f"{path}.{key}")
    except CallbackParseError as error:
        _collect(errors, error, value)
        return None


def _opt_mapping(
    data: Mapping[str, Any], key: str, path: str, errors: _Errors = None
) -> dict[str, Any] | None:
    try:
        return _strict_opt_mapping(data, key, path)
    except CallbackParseError as error:
        _collect(errors, error, data.get(key))
        return None


def _strict_opt_mapping(data: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = _decode_json_text(value, f"{path}.{key}")
    if not isinstance(value, Mapping):
        raise CallbackParseError(f"{path}.{key}", f"expected an object, got {_describe(value)}")
    return dict(value)


def _extra(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in known}


def _decode_json_text(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise CallbackParseError(field, "is text but not valid JSON") from None


# --------------------------------------------------------------------------------------------
# Typed bodies


@attrs.frozen(kw_only=True)
class TaobaoSubOrder:
    """One sub-order of a Taobao price-change message (the wire uses snake_case keys here).

    Identifiers and times are kept as the strings the platform sends; ``product_amount`` is
    integer fen. Every other key of the sub-order is kept, as sent, in ``extra``.
    """

    purchase_order_outer_id: str | None = None
    purchase_order_line_outer_id: str | None = None
    close_time_without_payment: str | None = None
    detail_error_code: str | None = None
    product_amount: int | None = None
    logistic_company_name: str | None = None
    logistic_number: str | None = None
    quantity: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    _STR_FIELDS = (
        "purchase_order_outer_id",
        "purchase_order_line_outer_id",
        "close_time_without_payment",
        "detail_error_code",
        "logistic_company_name",
        "logistic_number",
    )
    _INT_FIELDS = ("product_amount", "quantity")

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str, errors: _Errors = None
    ) -> TaobaoSubOrder:
        """Type one sub-order; with ``errors`` a list, a field that cannot be typed is ``None``
        and described there instead of raising."""
        values: dict[str, Any] = {
            key: _opt_str(data, key, path, errors) for key in cls._STR_FIELDS
        }
        values.update({key: _opt_int(data, key, path, errors) for key in cls._INT_FIELDS})
        known = frozenset(cls._STR_FIELDS + cls._INT_FIELDS)
        return cls(**values, extra=_extra(data, known))


@attrs.frozen(kw_only=True)
class TaobaoPriceModifyBody:
    """Body of ``TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``: a Taobao order's price changed.

    ``purchase_order_price`` is the ``purchaseOrderPriceDTO`` object as sent (its fields are
    not documented); unknown top-level keys are in ``extra``.
    """

    sales_order_id: str | None = None
    sub_orders: list[TaobaoSubOrder] = attrs.field(factory=list)
    purchase_order_price: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str = "messageBody", errors: _Errors = None
    ) -> TaobaoPriceModifyBody:
        """Type the body; with ``errors`` a list, what cannot be typed is left out (``None``,
        or a sub-order skipped) and described there instead of raising."""
        raw_sub_orders = data.get("subOrders")
        try:
            if isinstance(raw_sub_orders, str):
                raw_sub_orders = _decode_json_text(raw_sub_orders, f"{path}.subOrders")
            if raw_sub_orders is None:
                raw_sub_orders = []
            if not isinstance(raw_sub_orders, list):
                raise CallbackParseError(
                    f"{path}.subOrders", f"expected a list, got {_describe(raw_sub_orders)}"
                )
        except CallbackParseError as error:
            _collect(errors, error, data.get("subOrders"))
            raw_sub_orders = []
        sub_orders = []
        for index, item in enumerate(raw_sub_orders):
            item_path = f"{path}.subOrders[{index}]"
            if not isinstance(item, Mapping):
                _collect(
                    errors,
                    CallbackParseError(item_path, f"expected an object, got {_describe(item)}"),
                    item,
                )
                continue
            sub_orders.append(TaobaoSubOrder.from_wire(item, item_path, errors))
        return cls(
            sales_order_id=_opt_str(data, "salesOrderId", path, errors),
            sub_orders=sub_orders,
            purchase_order_price=_opt_mapping(data, "purchaseOrderPriceDTO", path, errors),
            extra=_extra(data, frozenset({"salesOrderId", "subOrders", "purchaseOrderPriceDTO"})),
        )


@attrs.frozen(kw_only=True)
class OrderEventBody:
    """Body of the order status and refund messages (``ORDER_CREATE``, ``ORDER_CANCEL``,
    ``ORDER_PAY_SUCCESS``, ``ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS``,
    ``ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS``, ``ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``,
    ``ORDER_BUYER_VIEW_ORDER_BUYER_REFUND``, each also with a ``TAOBAO_`` or ``1688_`` prefix:
    see :data:`ORDER_EVENT_TYPES`). ``refund_id`` is set on refund messages.

    These types and this body come from PandaPon's sister platform; PandaPon's own are not
    public. Amounts are integer fen; ``order_status`` (e.g. ``WAITING_FOR_PAYMENT``,
    ``WAITING_FOR_SENT``, ``CANCEL``) and ``refund_status`` are kept as sent; times are kept as
    the strings sent. Unknown keys are in ``extra``.
    """

    order_id: str | None = None
    order_no: str | None = None
    order_status: str | None = None
    pay_status: int | None = None
    total_amount: int | None = None
    shipping_fee: int | None = None
    product_amount: int | None = None
    refund_amount: int | None = None
    refund_status: str | None = None
    close_reason: str | None = None
    tb_create_time: str | None = None
    pay_time: str | None = None
    refund_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    _STR_FIELDS = (
        ("refund_id", "refundId"),
        ("order_id", "orderId"),
        ("order_no", "orderNo"),
        ("order_status", "orderStatus"),
        ("refund_status", "refundStatus"),
        ("close_reason", "closeReason"),
        ("tb_create_time", "tbCreateTime"),
        ("pay_time", "payTime"),
    )
    _INT_FIELDS = (
        ("pay_status", "payStatus"),
        ("total_amount", "totalAmount"),
        ("shipping_fee", "shippingFee"),
        ("product_amount", "productAmount"),
        ("refund_amount", "refundAmount"),
    )

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str = "messageBody", errors: _Errors = None
    ) -> OrderEventBody:
        """Type the body; with ``errors`` a list, a field that cannot be typed is ``None`` and
        described there instead of raising."""
        values: dict[str, Any] = {
            name: _opt_str(data, wire, path, errors) for name, wire in cls._STR_FIELDS
        }
        values.update(
            {name: _opt_int(data, wire, path, errors) for name, wire in cls._INT_FIELDS}
        )
        known = frozenset(wire for _, wire in cls._STR_FIELDS + cls._INT_FIELDS)
        return cls(**values, extra=_extra(data, known))


def _structure_alibaba_order_detail(data: Mapping[str, Any]) -> Any:
    # Imported here so that verifying and receiving never depend on the model package
    # importing cleanly; only typing a 1688 body does.
    from .models import structure
    from .models.alibaba import AlibabaOrderDetail

    try:
        return structure(dict(data), AlibabaOrderDetail)
    except Exception as error:
        detail = str(error)[:200] or type(error).__name__
        raise CallbackParseError(
            "messageBody", f"not a 1688 buyer-view order detail: {detail}"
        ) from error


# --------------------------------------------------------------------------------------------
# Envelope and message


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
    number = _to_int(value, "messagePlatform")
    try:
        return MessagePlatform(number)
    except ValueError:
        return number


def _parse_timestamp(raw: dict[str, Any]) -> tuple[dt.datetime | None, int | None]:
    # Optional in the platform's documentation: refusing a message without one would lose it
    # after the platform's retries, so it is accepted (and identified without a push time).
    if raw.get("timestamp") is None or raw.get("timestamp") == "":
        return None, None
    number = _to_int(raw["timestamp"], "timestamp")
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
            "messageType", f"expected a non-empty string, got {_describe(message_type)}"
        )
    platform = _parse_platform(raw)
    timestamp, timestamp_ms = _parse_timestamp(raw)
    message_body = raw.get("messageBody")
    if isinstance(message_body, str) and message_body.strip()[:1] in ("{", "["):
        message_body = _decode_json_text(message_body, "messageBody")
    return CallbackEnvelope(
        message_type=message_type,
        platform=platform,
        timestamp=timestamp,
        timestamp_ms=timestamp_ms,
        body=message_body,
        raw=raw,
        message_id=compute_message_id(message_type, platform, timestamp_ms, message_body),
    )


def _type_body(message_type: str, body: Any, errors: _Errors) -> Any:
    if message_type not in _TYPED_MESSAGE_TYPES:
        return body
    try:
        if not isinstance(body, Mapping):
            raise CallbackParseError(
                "messageBody", f"expected an object for {message_type}, got {_describe(body)}"
            )
        if message_type == ALIBABA_PRICE_MODIFY:
            return _structure_alibaba_order_detail(body)
    except CallbackParseError as error:
        # The body as a whole does not have the documented shape: hand it over as decoded.
        _collect(errors, error, body)
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
    errors: _Errors = None if strict else []
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
