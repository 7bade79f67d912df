"""The 1688 shopping cart: its list and the cart requests."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .._fields import Missing, Model, Request, field, optional, required
from ._orders import AlibabaAddress

__all__ = [
    "AlibabaCartCreateOrderRequest",
    "AlibabaCartEditQuantityRequest",
    "AlibabaCartItem",
    "AlibabaCartList",
    "AlibabaCartPreviewOrderRequest",
    "AlibabaCartShop",
]


@attrs.define(kw_only=True, repr=False)
class AlibabaCartItem(Model):
    id: str | Missing | None = field(wire="int")
    offer_map_id: str | Missing | None = field()
    spec_id: str | Missing | None = field()
    sku_id: str | Missing | None = field()
    item_title: str | Missing | None = field()
    item_pic: str | Missing | None = field()
    price: int | Missing | None = field()
    quantity: int | Missing | None = field()
    amount_on_sale: int | Missing | None = field()
    properties: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaCartShop(Model):
    seller_open_id: str | Missing | None = field()
    seller_nick_name: str | Missing | None = field()
    cart_item_infos: list[AlibabaCartItem] = attrs.field(factory=list)


@attrs.define(kw_only=True, repr=False)
class AlibabaCartList(Model):
    """Answer of ``GET /v2/alibaba/cart/list``: usable and unusable items, by shop."""

    enable_list: list[AlibabaCartShop] = attrs.field(factory=list)
    disable_list: list[AlibabaCartShop] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class AlibabaCartCreateOrderRequest(Request):
    flow: str = required()
    message: str | None = optional()
    shop_promotion_id: str | None = optional()
    trade_type: str | None = optional()
    address_param: AlibabaAddress | None = optional()
    cart_ids: Sequence[str] = required(wire="int", min_items=1)
    user_id: str | None = optional()
    staff_name: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaCartPreviewOrderRequest(Request):
    address_param: AlibabaAddress | None = optional()
    cart_ids: Sequence[str] = required(wire="int", min_items=1)


@attrs.define(kw_only=True)
class AlibabaCartEditQuantityRequest(Request):
    quantity: int = required(value_range=(0, 10_000_000))
    id: str = required(wire="int")
    update_time: Any = optional()
    product_no: str | None = optional()
    container: str | None = optional()
