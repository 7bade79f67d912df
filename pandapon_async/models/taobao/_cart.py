"""The Taobao shopping cart requests.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .._fields import Request, json_text, optional, required
from ._orders import TaobaoReceiver

__all__ = [
    "TaobaoCartAddRequest",
    "TaobaoCartAddV2Request",
    "TaobaoCartCreateOrderRequest",
    "TaobaoPriceRange",
    "TaobaoSkuProperty",
]


@attrs.define(kw_only=True)
class TaobaoSkuProperty(Request):
    """One SKU property (inside the cart ``properties`` JSON text)."""

    value_id: str = required(wire="int")
    value_name: str | None = optional()
    prop_id: str = required(wire="int")
    prop_name: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoPriceRange(Request):
    start_quantity: int = required()
    price: int = required()


@attrs.define(kw_only=True)
class TaobaoCartCreateOrderRequest(Request):
    ids: Sequence[str] = required(wire="int", min_items=1)
    order_address: TaobaoReceiver = required()
    user_id: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoCartAddRequest(Request):
    user_id: str | None = optional()
    platform: int | None = optional()
    item_id: str = required(wire="int")
    sku_id: str | None = optional()
    item_title: str | None = optional()
    item_pic: str | None = optional()
    mp_id: str = required()
    mp_sku_id: str = required()
    price: int | None = optional()
    promotion_price: int | None = optional()
    properties: Sequence[TaobaoSkuProperty] | str | None = json_text()
    quantity: int = required(value_range=(1, 10_000_000))
    shop_id: str | None = optional(wire="int")
    shop_name: str | None = optional()
    sku_quantity: int | str | None = optional(wire="str")
    user_nick: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoCartAddV2Request(Request):
    user_id: str | None = optional()
    platform: int | None = optional()
    item_map_id: str = required()
    sku_id: str | None = optional()
    item_title: str | None = optional()
    item_pic: str | None = optional()
    mp_id: str = required()
    mp_sku_id: str = required()
    price: int | None = optional()
    promotion_price: int | None = optional()
    price_ranges: Sequence[TaobaoPriceRange] | None = optional()
    quote_type: int | None = optional()
    properties: Sequence[TaobaoSkuProperty] | str | None = json_text()
    quantity: int = required(value_range=(1, 10_000_000))
    shop_id: str | None = optional(wire="int")
    ali_shop_id: str | None = optional()
    shop_name: str | None = optional()
    sku_quantity: int | str | None = optional(wire="str")
    user_nick: str | None = optional()
