"""``client.taobao.cart``: the Taobao shopping cart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from ..._endpoint import endpoint
from ...models.taobao import (
    TaobaoCartAddRequest,
    TaobaoCartAddV2Request,
    TaobaoCartCreateOrderRequest,
    TaobaoPriceRange,
    TaobaoReceiver,
    TaobaoSkuProperty,
)
from .._base import Resource

__all__ = ["TaobaoCart", "TaobaoCartLineOptions", "TaobaoCartLineV2Options"]

CART_CREATE_ORDER = endpoint(
    "taobao.cart.create_order", "POST", "/open/cart/create/order",
    idempotent=False, request=TaobaoCartCreateOrderRequest, response=Any,
)
CART_ADD = endpoint(
    "taobao.cart.add", "POST", "/open/cart/add",
    idempotent=False, request=TaobaoCartAddRequest, response=Any,
)
CART_ADD_V2 = endpoint(
    "taobao.cart.add_v2", "POST", "/v2/taobao/cart/add",
    idempotent=False, request=TaobaoCartAddV2Request, response=Any,
)


class TaobaoCartLineOptions(TypedDict, total=False):
    """The optional keywords of :meth:`TaobaoCart.add` (all sent as given; prices in fen)."""

    sku_id: str | None
    price: int | None
    promotion_price: int | None
    properties: Sequence[TaobaoSkuProperty] | None
    item_title: str | None
    item_pic: str | None
    shop_id: str | None
    shop_name: str | None
    sku_quantity: int | None
    user_id: str | None
    user_nick: str | None
    platform: int | None


class TaobaoCartLineV2Options(TaobaoCartLineOptions, total=False):
    """The optional keywords of :meth:`TaobaoCart.add_v2`: those of ``add`` and three more."""

    price_ranges: Sequence[TaobaoPriceRange] | None
    quote_type: int | None
    ali_shop_id: str | None


class TaobaoCart(Resource):
    """The Taobao shopping cart.

    ``add`` and ``add_v2`` stay separate methods: v2 names the product by ``item_map_id`` (v1 by
    ``item_id``) and takes price ranges, a quote type and a 1688 shop id that v1 does not.
    """

    async def add(
        self,
        *,
        item_id: str,
        mp_id: str,
        mp_sku_id: str,
        quantity: int,
        **options: Unpack[TaobaoCartLineOptions],
    ) -> Any:
        """Add a product to the cart (``POST /open/cart/add``). ``options``: see
        :class:`TaobaoCartLineOptions` (prices in fen; ``properties`` sent as JSON text).
        Not idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(CART_ADD, TaobaoCartAddRequest(
            item_id=item_id, mp_id=mp_id, mp_sku_id=mp_sku_id, quantity=quantity, **options,
        ))

    async def add_v2(
        self,
        *,
        item_map_id: str,
        mp_id: str,
        mp_sku_id: str,
        quantity: int,
        **options: Unpack[TaobaoCartLineV2Options],
    ) -> Any:
        """:meth:`add` through v2 (``POST /v2/taobao/cart/add``; the product is named by
        ``item_map_id``; ``options``: see :class:`TaobaoCartLineV2Options`)."""
        return await self._call(CART_ADD_V2, TaobaoCartAddV2Request(
            item_map_id=item_map_id, mp_id=mp_id, mp_sku_id=mp_sku_id, quantity=quantity,
            **options,
        ))

    async def create_order(
        self,
        cart_ids: Sequence[str],
        order_address: TaobaoReceiver,
        *,
        user_id: str | None = None,
    ) -> Any:
        """Order cart rows (``POST /open/cart/create/order``; ids go as numbers). Not
        idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(CART_CREATE_ORDER, TaobaoCartCreateOrderRequest(
            ids=cart_ids, order_address=order_address, user_id=user_id,
        ))
