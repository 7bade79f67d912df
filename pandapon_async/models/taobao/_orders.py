"""Taobao orders: creation, payment voucher, warehouse, IM link and logistics detail.

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
    "TaobaoCreateOrderRequest",
    "TaobaoImLinkRequest",
    "TaobaoLogisticsDetail",
    "TaobaoLogisticsGoods",
    "TaobaoLogisticsPackage",
    "TaobaoLogisticsPartner",
    "TaobaoLogisticsReceiver",
    "TaobaoLogisticsRequest",
    "TaobaoLogisticsTrace",
    "TaobaoOrderLine",
    "TaobaoPayCertificateRequest",
    "TaobaoReceiver",
    "TaobaoUpdateWarehouseRequest",
]


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsTrace(Model):
    status_desc: str | Missing | None = field()
    province: str | Missing | None = field()
    city: str | Missing | None = field()
    district: str | Missing | None = field()
    action: str | Missing | None = field()
    facility_name: str | Missing | None = field()
    time: str | Missing | None = field()
    standard_desc: str | Missing | None = field("standerdDesc")
    status: str | Missing | None = field()
    next_city: str | Missing | None = field()
    next_node_name: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsPartner(Model):
    company_image_url: str | Missing | None = field()
    company: str | Missing | None = field()
    company_contact: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsReceiver(Model):
    zip_code: str | Missing | None = field()
    address: str | Missing | None = field()
    province: str | Missing | None = field()
    city: str | Missing | None = field()
    district: str | Missing | None = field()
    phone: str | Missing | None = field()
    name: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsGoods(Model):
    title: str | Missing | None = field()
    property: str | Missing | None = field()
    image_url: str | Missing | None = field()
    quantity: Any = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsPackage(Model):
    mail_no: str | Missing | None = field()
    logistics_traces: list[TaobaoLogisticsTrace] = attrs.field(factory=list)
    logistics_partner: list[TaobaoLogisticsPartner] = attrs.field(factory=list)
    receiver: TaobaoLogisticsReceiver | Missing | None = field()
    logistics_goods: list[TaobaoLogisticsGoods] = attrs.field(factory=list)


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsDetail(Model):
    """Answer of ``GET /open/order/logistics/detail/get`` (and v2)."""

    purchase_order_outer_id: str | Missing | None = field()
    pnm_logistics_details: list[TaobaoLogisticsPackage] = attrs.field(factory=list)


@attrs.define(kw_only=True)
class TaobaoOrderLine(Request):
    """One line of a Taobao order (inside the ``orderLineList`` JSON text). ``price`` is fen;
    the documented example sends every value as a string, and so does this class."""

    item_id: str = required(wire="str")
    order_line_no: str = required(wire="str")
    quantity: int = required(wire="str")
    price: int = required(wire="str")
    currency: str = field(default="CNY")
    sku_id: str | None = optional(wire="str")


@attrs.define(kw_only=True)
class TaobaoReceiver(Request):
    """A receiving address (``receiver`` JSON text of create-order, ``orderAddress`` of the
    cart). The platform names these keys in snake_case (``mobile_phone``)."""

    zip: str | None = optional()
    country: str | None = optional()
    address: str | None = optional()
    city: str | None = optional()
    phone: str | None = optional()
    mobile_phone: str | None = optional("mobile_phone")
    district: str | None = optional()
    name: str | None = optional()
    state: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoCreateOrderRequest(Request):
    order_line_list: Sequence[TaobaoOrderLine] | str = required(wire="json", min_items=1)
    order_source: str | None = optional()
    purchase_amount: int | None = optional()
    receiver: TaobaoReceiver | str = required(wire="json")
    seller_order_number: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoPayCertificateRequest(Request):
    # The documented example sends "" (its image elided); the platform judges the voucher.
    base64: str = required(blank_ok=True)
    order_id: str = required(digits=True)


@attrs.define(kw_only=True)
class TaobaoUpdateWarehouseRequest(Request):
    warehouse_address: str | None = optional()
    warehouse_name: str | None = optional()
    order_id: str = required(digits=True)


@attrs.define(kw_only=True)
class TaobaoImLinkRequest(Request):
    source_type: str = required()
    biz_id: str = required()


@attrs.define(kw_only=True)
class TaobaoLogisticsRequest(Request):
    sub_purchase_order_id: str = required()
