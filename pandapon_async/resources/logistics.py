"""``client.logistics``: warehouse logistics and overseas freight.

The pages of these endpoints show ``timestamp`` and ``sign`` as query parameters with an
undocumented rule; this library signs them with the usual headers, like every other endpoint.
Their answers are not public: the methods return the raw ``data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .._endpoint import endpoint
from ..models.logistics import (
    BookFreightRequest,
    FreightLineItem,
    FreightReceiverAddress,
    ItemFreightRequest,
    LogisticInfo,
    OrderFreightRequest,
    RenderItem,
    TmallOrderInfo,
    UpdateLogisticInfoRequest,
)
from ._base import Resource, Version, versioned

__all__ = ["LogisticsNamespace"]

ORDER_FREIGHT = endpoint(
    "logistics.preview_order_freight", "POST", "/open/pp/logistics/orderRenderFreight",
    idempotent=True, request=OrderFreightRequest, response=Any,
)
UPDATE_LOGISTIC_INFO = endpoint(
    "logistics.update_logistic_info", "POST", "/open/pp/logistics/updateLogisticInfo",
    idempotent=False, request=UpdateLogisticInfoRequest, response=Any,
)
BOOK_FREIGHT = endpoint(
    "logistics.book_freight", "POST", "/open/pp/logistics/orderBookingFreight",
    idempotent=False, request=BookFreightRequest, response=Any,
)
ITEM_FREIGHT = endpoint(
    "logistics.estimate_item_freight", "POST", "/v2/open/pp/logistics/itemLogisticsPrice",
    idempotent=True, request=ItemFreightRequest, response=Any,
)
ORDER_FREIGHT_V2 = endpoint(
    "logistics.preview_order_freight_v2", "POST", "/v2/open/pp/logistics/orderRenderFreight",
    idempotent=True, request=OrderFreightRequest, response=Any,
)


class LogisticsNamespace(Resource):
    """``client.logistics``: overseas freight estimates, bookings, domestic tracking numbers."""

    async def preview_order_freight(
        self,
        receiver_address: FreightReceiverAddress,
        render_items: Sequence[RenderItem],
        *,
        version: Version = 1,
    ) -> Any:
        """Overseas freight of an order, per item and service
        (``POST /open/pp/logistics/orderRenderFreight``; ``version=2``:
        ``POST /v2/open/pp/logistics/orderRenderFreight``)."""
        return await self._call(versioned(ORDER_FREIGHT, ORDER_FREIGHT_V2, version),
                                OrderFreightRequest(
            receiver_address=receiver_address, render_items=render_items,
        ))

    async def estimate_item_freight(
        self,
        item_id: str,
        sku_id: str,
        *,
        currency: str,
        price: str | Decimal,
        quantity: int = 1,
        receiver_address: FreightReceiverAddress | None = None,
    ) -> Any:
        """Overseas freight estimate of one item
        (``POST /v2/open/pp/logistics/itemLogisticsPrice``; documented in v2 only).

        ``currency`` (e.g. ``"CNY"``) and ``price`` (the item's unit price in that currency,
        decimal text such as ``"12.50"``) are required by the documented field table; the
        documented example is cut short before them.
        """
        return await self._call(ITEM_FREIGHT, ItemFreightRequest(
            item_id=item_id, sku_id=sku_id, quantity=quantity,
            receiver_address=receiver_address, currency=currency, price=price,
        ))

    async def update_logistic_info(
        self,
        logistic_infos: Sequence[LogisticInfo],
        *,
        order_id: str | None = None,
        tmall_order_id: str | None = None,
    ) -> Any:
        """Report domestic tracking numbers (``POST /open/pp/logistics/updateLogisticInfo``).
        Not idempotent."""
        return await self._call(UPDATE_LOGISTIC_INFO, UpdateLogisticInfoRequest(
            order_id=order_id, tmall_order_id=tmall_order_id, logistic_infos=logistic_infos,
        ))

    async def book_freight(
        self,
        receiver_address: FreightReceiverAddress,
        line_items: Sequence[FreightLineItem],
        *,
        render_id: str | None = None,
        tmall_order_id: str | None = None,
        remark: str | None = None,
    ) -> Any:
        """Create an international logistics order
        (``POST /open/pp/logistics/orderBookingFreight``; ``render_id`` from the freight
        preview). Not idempotent."""
        return await self._call(BOOK_FREIGHT, BookFreightRequest(
            render_id=render_id,
            tmall_order_info=None if tmall_order_id is None else TmallOrderInfo(
                tmall_order_id=tmall_order_id),
            receiver_address=receiver_address, line_items=line_items, remark=remark,
        ))
