"""``client.alibaba.cart``: the 1688 shopping cart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._endpoint import endpoint
from ...models.alibaba import (
    AlibabaAddress,
    AlibabaCartCreateOrderRequest,
    AlibabaCartEditQuantityRequest,
    AlibabaCartList,
    AlibabaCartPreviewOrderRequest,
)
from .._base import Resource

__all__ = ["AlibabaCart"]

CART_CREATE_ORDER = endpoint(
    "alibaba.cart.create_order", "POST", "/alibaba/cart/create/order",
    idempotent=False, request=AlibabaCartCreateOrderRequest, response=Any,
)
CART_PREVIEW_ORDER = endpoint(
    "alibaba.cart.preview_order", "POST", "/alibaba/cart/preview/order",
    idempotent=True, request=AlibabaCartPreviewOrderRequest, response=Any,
)
CART_EDIT_QUANTITY = endpoint(
    "alibaba.cart.edit_quantity", "POST", "/alibaba/cart/edit-quantity",
    idempotent=False, request=AlibabaCartEditQuantityRequest, response=bool,
)
CART_LIST = endpoint(
    "alibaba.cart.list_items", "GET", "/v2/alibaba/cart/list",
    idempotent=True, request=None, response=AlibabaCartList,
)


class AlibabaCart(Resource):
    """The 1688 shopping cart."""

    async def list_items(self) -> AlibabaCartList:
        """The cart, by shop (``GET /v2/alibaba/cart/list``; documented in v2 only)."""
        return await self._call(CART_LIST, None)

    async def edit_quantity(
        self,
        cart_id: str,
        quantity: int,
        *,
        product_no: str | None = None,
        container: str | None = None,
        update_time: Any = None,
    ) -> bool:
        """Set the quantity of a cart row (``POST /alibaba/cart/edit-quantity``). The documented
        ``updateTime`` is a serialized Java Calendar; it is sent as given when set."""
        return await self._call(CART_EDIT_QUANTITY, AlibabaCartEditQuantityRequest(
            quantity=quantity, id=cart_id, update_time=update_time, product_no=product_no,
            container=container,
        ))

    async def preview_order(
        self, cart_ids: Sequence[str], *, address: AlibabaAddress | None = None
    ) -> Any:
        """Preview an order of cart rows (``POST /alibaba/cart/preview/order``); raw ``data``
        returned (schema not public)."""
        return await self._call(CART_PREVIEW_ORDER, AlibabaCartPreviewOrderRequest(
            address_param=address, cart_ids=cart_ids,
        ))

    async def create_order(
        self,
        cart_ids: Sequence[str],
        *,
        flow: str,
        address: AlibabaAddress | None = None,
        message: str | None = None,
        shop_promotion_id: str | None = None,
        trade_type: str | None = None,
        user_id: str | None = None,
        staff_name: str | None = None,
    ) -> Any:
        """Create orders from cart rows (``POST /alibaba/cart/create/order``). Not idempotent;
        raw ``data`` returned (schema not public). ``flow`` is required (``"general"`` or
        ``"fenxiaonew"``), never defaulted."""
        return await self._call(CART_CREATE_ORDER, AlibabaCartCreateOrderRequest(
            flow=flow, message=message, shop_promotion_id=shop_promotion_id,
            trade_type=trade_type, address_param=address, cart_ids=cart_ids, user_id=user_id,
            staff_name=staff_name,
        ))
