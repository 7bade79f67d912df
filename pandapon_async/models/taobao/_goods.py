"""Taobao goods: product detail, source goods, distribution check, search.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from .._fields import Missing, Model, Request, field, optional, required

__all__ = [
    "TaobaoBatchCheckRequest",
    "TaobaoBatchCheckResult",
    "TaobaoItemIdRequest",
    "TaobaoItemSkus",
    "TaobaoProduct",
    "TaobaoSearchItem",
    "TaobaoSearchRequest",
    "TaobaoSourceProduct",
    "TaobaoSourceProductRequest",
]


SEARCH_MAX_PAGE_SIZE = 40
"""Most results per page of the Taobao search: documented (``pageSize`` 1..40, v2 page)."""


@attrs.define(kw_only=True, repr=False)
class TaobaoProduct(Model):
    """Answer of ``GET /open/product/get`` (and its v2). ``price`` is fen."""

    item_id: str | Missing | None = field(wire="int")
    mp_id: str | Missing | None = field()
    title: str | Missing | None = field()
    description: str | Missing | None = field()
    category_id: str | Missing | None = field()
    category_name: str | Missing | None = field()
    category_path: str | Missing | None = field()
    item_type: str | Missing | None = field()
    status: str | Missing | None = field()
    price: int | Missing | None = field()
    promotion_price: int | Missing | None = field()
    begin_amount: int | Missing | None = field()
    quantity: int | Missing | None = field()
    product_unit: str | Missing | None = field()
    pic_urls: list[str] | Missing | None = field()
    shop_id: str | Missing | None = field(wire="int")
    shop_name: str | Missing | None = field()
    user_nick: str | Missing | None = field()
    sku_list: list[Any] | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoSourceProduct(Model):
    """Answer of ``POST /open/product/source/get`` (schema cut after ``itemId``)."""

    item_id: str | Missing | None = field(wire="int")
    description: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoBatchCheckResult(Model):
    """Answer of ``POST /open/product/batch/check``: which items are distribution products."""

    mp_products: list[dict[str, Any]] = attrs.field(factory=list)
    no_mp_product_item_ids: list[str] = attrs.field(factory=list)
    no_mp_reason_list: list[dict[str, Any]] = attrs.field(factory=list)


@attrs.define(kw_only=True, repr=False)
class TaobaoSearchItem(Model):
    """One result of the Taobao search. Its schema is not public: every key is in ``extra``."""


@attrs.define(kw_only=True)
class TaobaoItemSkus(Request):
    """An item and the SKUs to check (inside the ``params`` JSON text)."""

    item_id: str = required(wire="str")
    sku_ids: Sequence[str] = required(wire="str")


@attrs.define(kw_only=True)
class TaobaoBatchCheckRequest(Request):
    params: Sequence[TaobaoItemSkus] | str = required(
        wire="json", min_items=1, max_items="batch_check_max_items"
    )


@attrs.define(kw_only=True)
class TaobaoItemIdRequest(Request):
    # Not digits only: PandaPon hands out obfuscated Taobao item ids ("-ZM9TBrK...").
    item_id: str = required()


@attrs.define(kw_only=True)
class TaobaoSourceProductRequest(Request):
    language: str | None = optional()
    # Not digits only: PandaPon hands out obfuscated Taobao item ids ("-ZM9TBrK...").
    item_id: str = required()


@attrs.define(kw_only=True)
class TaobaoSearchRequest(Request):
    keyword: str | None = optional()
    page_size: int | None = optional(value_range=(1, SEARCH_MAX_PAGE_SIZE))
    page_no: int | None = optional(value_range=(1, None))
    sort: str | None = optional()
