"""Limits the platform does not publish, as named defaults a caller can change.

The documentation gives no maximum for these; each default is this library's guess at a safe
size, not a platform rule, so a call the platform would accept can be let through by raising
(or removing, with ``None``) the limit::

    from pandapon_async.models import LIMITS
    LIMITS.batch_pay_max_orders = 200     # your measurement says the platform takes 200
    LIMITS.alibaba_page_size_max = None   # no client-side check at all

Limits the documentation states (Taobao search ``pageSize`` 1..40) are not here: they are
fixed. The values are read when a request is checked, so a change applies to the next call.
"""

from __future__ import annotations

from typing import Final

import attrs

__all__ = ["LIMITS", "Limits"]

BATCH_PAY_MAX_ORDERS: Final = 100
"""Default of :attr:`Limits.batch_pay_max_orders`: bounds what one request puts at stake."""
BATCH_CHECK_MAX_ITEMS: Final = 50
"""Default of :attr:`Limits.batch_check_max_items`."""


@attrs.define
class Limits:
    """Client-side limits without a documented source (``None``: not checked)."""

    batch_pay_max_orders: int | None = BATCH_PAY_MAX_ORDERS
    """Order ids in one ``batch_submit_to_pay``. ``client.bulk.submit_to_pay`` chunks for you."""
    batch_check_max_items: int | None = BATCH_CHECK_MAX_ITEMS
    """Items in one Taobao ``batch_check``."""
    alibaba_page_size_max: int | None = 100
    """``pageSize`` of the 1688 searches, related products and their iterators."""
    order_page_size_max: int | None = 100
    """``pageSize`` of the v2 1688 order list (``POST /v2/alibaba/order/page``)."""
    taobao_refund_page_size_max: int | None = 100
    """``pageSize`` of the Taobao reverse-order list."""

    @staticmethod
    def names() -> tuple[str, ...]:
        return tuple(a.name for a in attrs.fields(Limits))


LIMITS: Final = Limits()
"""The process-wide limits every request check reads."""
