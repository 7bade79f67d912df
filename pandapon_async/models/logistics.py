"""Warehouse logistics (overseas freight) and foundation (address) request models.

The answers of these endpoints are not public: their methods return the raw ``data``.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from ._fields import Request, optional, required

__all__ = [
    "AddressRequest",
    "BookFreightRequest",
    "DomesticLogisticInfo",
    "FreightInfo",
    "FreightLineItem",
    "FreightReceiverAddress",
    "ItemFreightRequest",
    "LogisticInfo",
    "OrderFreightRequest",
    "RenderItem",
    "TmallOrderInfo",
    "UpdateLogisticInfoRequest",
]


@attrs.define(kw_only=True)
class FreightReceiverAddress(Request):
    """Overseas receiver (``receiverAddress``)."""

    name: str | None = optional()
    email: str | None = optional()
    phone: str | None = optional()
    mobile_phone: str | None = optional()
    address: str | None = optional()
    tax_id: str | None = optional()
    country: str | None = optional()
    city: str | None = optional()
    zip: str | None = optional()
    state: str | None = optional()


@attrs.define(kw_only=True)
class FreightInfo(Request):
    """The chosen freight service. The schema lists ``currency``/``price``; the documented
    examples send ``serviceId``/``companyName``/``serviceCategory``: all are accepted."""

    service_id: str | None = optional()
    company_name: str | None = optional()
    service_category: str | None = optional()
    currency: str | None = optional()
    price: str | None = optional(wire="str")


@attrs.define(kw_only=True)
class RenderItem(Request):
    item_id: str = required(wire="str")
    sku_id: str = required(wire="str")
    quantity: int = required(value_range=(1, 10_000_000))
    freight_info: FreightInfo | None = optional()


@attrs.define(kw_only=True)
class FreightLineItem(Request):
    item_id: str | None = optional(wire="str")
    sku_id: str | None = optional(wire="str")
    quantity: int | None = optional(value_range=(1, 10_000_000))
    title: str | None = optional()
    image_url: str | None = optional()
    freight_info: FreightInfo | None = optional()


@attrs.define(kw_only=True)
class DomesticLogisticInfo(Request):
    """A domestic (China) shipment. The platform spells the number ``logisticNumer``."""

    logistic_number: str | None = optional("logisticNumer")
    logistic_company_name: str | None = optional()
    rts_time: str | None = optional(wire="str")


@attrs.define(kw_only=True)
class LogisticInfo(Request):
    line_item: FreightLineItem | None = optional()
    logistic_number: str | None = optional("logisticNumer")
    domestic_logistic_info: Sequence[DomesticLogisticInfo] | None = optional()


@attrs.define(kw_only=True)
class TmallOrderInfo(Request):
    tmall_order_id: str | None = optional()


@attrs.define(kw_only=True)
class OrderFreightRequest(Request):
    receiver_address: FreightReceiverAddress = required()
    render_items: Sequence[RenderItem] = required(min_items=1)


@attrs.define(kw_only=True)
class UpdateLogisticInfoRequest(Request):
    order_id: str | None = optional()
    tmall_order_id: str | None = optional()
    logistic_infos: Sequence[LogisticInfo] = required(min_items=1)


@attrs.define(kw_only=True)
class BookFreightRequest(Request):
    render_id: str | None = optional()
    tmall_order_info: TmallOrderInfo | None = optional()
    receiver_address: FreightReceiverAddress = required()
    line_items: Sequence[FreightLineItem] = required(min_items=1)
    remark: str | None = optional()


@attrs.define(kw_only=True)
class ItemFreightRequest(Request):
    """``POST /v2/open/pp/logistics/itemLogisticsPrice``. ``currency`` and ``price`` are
    required by the field table; the documented example, cut short after ``email``, does not
    show them, so it does not contradict the table."""

    item_id: str = required(wire="str")
    sku_id: str = required(wire="str")
    quantity: int = required(value_range=(1, 10_000_000))
    receiver_address: FreightReceiverAddress | None = optional()
    currency: str = required()
    price: str | Decimal = required(wire="str")


@attrs.define(kw_only=True)
class AddressRequest(Request):
    """``POST /open/address/addOrUpdate``: ``id`` set updates that address, unset adds one."""

    id: str | None = optional(wire="int")
    name: str = required()
    province: str = required()
    city: str = required()
    district: str | None = optional()
    address: str = required()
    phone: str = required()
