"""1688 goods: product detail, search results and the search requests."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._fields import Missing, Model, Request, field, optional, required

__all__ = [
    "AlibabaImageSearchRequest",
    "AlibabaKeywordSearchRequest",
    "AlibabaOpenUidDecryptRequest",
    "AlibabaProduct",
    "AlibabaProductAttribute",
    "AlibabaProductDetailRequest",
    "AlibabaProductImage",
    "AlibabaProductListItem",
    "AlibabaProductSku",
    "AlibabaProductSkuAttribute",
    "AlibabaRelatedProductsRequest",
    "AlibabaSellerOfferSearchRequest",
]


@attrs.define(kw_only=True, repr=False)
class AlibabaProductImage(Model):
    images: list[str] | Missing | None = field()
    white_image: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaProductAttribute(Model):
    attribute_id: str | Missing | None = field(wire="int")
    attribute_name: str | Missing | None = field()
    value: str | Missing | None = field()
    attribute_name_trans: str | Missing | None = field()
    value_trans: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaProductSkuAttribute(Model):
    attribute_id: str | Missing | None = field(wire="int")
    attribute_name: str | Missing | None = field()
    attribute_name_trans: str | Missing | None = field()
    value: str | Missing | None = field()
    value_trans: str | Missing | None = field()
    sku_image_url: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaProductSku(Model):
    """A 1688 SKU; prices are 1688's decimal yuan."""

    sku_id: str | Missing | None = field(wire="int")
    spec_id: str | Missing | None = field()
    price: Decimal | Missing | None = field()
    consign_price: Decimal | Missing | None = field()
    promotion_price: Decimal | Missing | None = field()
    amount_on_sale: int | Missing | None = field()
    cargo_number: str | Missing | None = field()
    sku_attributes: list[AlibabaProductSkuAttribute] | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaProduct(Model):
    """Answer of ``POST /alibaba/product/detail/get``."""

    offer_id: str | Missing | None = field(wire="int")
    category_id: str | Missing | None = field(wire="int")
    category_name: str | Missing | None = field()
    subject: str | Missing | None = field()
    subject_trans: str | Missing | None = field()
    description: str | Missing | None = field()
    main_video: str | Missing | None = field()
    detail_video: str | Missing | None = field()
    product_image: AlibabaProductImage | Missing | None = field()
    product_attribute: list[AlibabaProductAttribute] | Missing | None = field()
    product_sku_infos: list[AlibabaProductSku] | Missing | None = field()
    product_sale_info: dict[str, Any] | Missing | None = field()
    product_shipping_info: dict[str, Any] | Missing | None = field()
    seller_open_id: str | Missing | None = field()
    min_order_quantity: int | Missing | None = field()
    batch_number: int | Missing | None = field()
    status: str | Missing | None = field()
    tag_info_list: list[dict[str, Any]] | Missing | None = field()
    trace_info: str | Missing | None = field()
    company_name: str | Missing | None = field()
    seller_data_info: dict[str, Any] | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaProductListItem(Model):
    """One result of a 1688 search. Only ``imageUrl`` and ``subject`` are shown in the public
    pages; every other key is kept in ``extra``."""

    image_url: str | Missing | None = field()
    subject: str | Missing | None = field()
    subject_trans: str | Missing | None = field()
    offer_id: str | Missing | None = field(wire="int")


@attrs.define(kw_only=True)
class AlibabaProductDetailRequest(Request):
    offer_id: str = required(wire="int")
    country: str | None = optional()
    out_member_id: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaKeywordSearchRequest(Request):
    keyword: str = required(blank_ok=True)  # not required by the docs: "" browses
    begin_page: int | None = optional(value_range=(1, None))
    page_size: int | None = optional(value_range=(1, "alibaba_page_size_max"))
    country: str | None = optional()
    filter: str | None = optional()
    sort: Mapping[str, str] | str | None = optional(wire="json")
    out_member_id: str | None = optional()
    price_start: str | Decimal | None = optional(wire="str")
    price_end: str | Decimal | None = optional(wire="str")
    category_id: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaImageSearchRequest(Request):
    image_base64: str = required()
    begin_page: int | None = optional(value_range=(1, None))
    page_size: int | None = optional(value_range=(1, "alibaba_page_size_max"))
    country: str | None = optional()
    region: str | None = optional()
    filter: str | None = optional()
    sort: Mapping[str, str] | str | None = optional(wire="json")
    price_start: str | Decimal | None = optional(wire="str")
    price_end: str | Decimal | None = optional(wire="str")
    category_id: str | None = optional(wire="int")
    image_address: str | None = optional()
    out_member_id: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaSellerOfferSearchRequest(Request):
    keyword: str | None = optional()
    begin_page: int | None = optional(value_range=(1, None))
    page_size: int | None = optional(value_range=(1, "alibaba_page_size_max"))
    filter: str | None = optional()
    sort: Mapping[str, str] | str | None = optional(wire="json")
    out_member_id: str | None = optional()
    price_start: str | Decimal | None = optional(wire="str")
    price_end: str | Decimal | None = optional(wire="str")
    category_id: str | None = optional(wire="int")
    country: str | None = optional()
    seller_open_id: str = required()


@attrs.define(kw_only=True)
class AlibabaOpenUidDecryptRequest(Request):
    """``POST /alibaba/product/openuid/decrypt`` (unverified: no documented page)."""

    offer_id: str = required()
    open_uid: str = required()


@attrs.define(kw_only=True)
class AlibabaRelatedProductsRequest(Request):
    offer_id: str = required()
    page_no: int | None = optional(value_range=(1, None))
    page_size: int | None = optional(value_range=(1, "alibaba_page_size_max"))
    language: str | None = optional()
