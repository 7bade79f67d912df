"""Callback message types: the names the platform sends in ``messageType``, with and without
their platform prefix."""

from __future__ import annotations

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
