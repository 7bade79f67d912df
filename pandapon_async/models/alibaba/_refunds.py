"""1688 after-sales: refund detail, refund/return application, return shipment.

Amounts are integer fen (``applyPayment``)."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .._fields import Missing, Model, Request, field, optional, required

__all__ = [
    "AlibabaRefundCreateRequest",
    "AlibabaRefundCreated",
    "AlibabaRefundIdRequest",
    "AlibabaRefundInfo",
    "AlibabaRefundReturnRequest",
    "OrderEntryCount",
]


@attrs.define(kw_only=True, repr=False)
class AlibabaRefundInfo(Model):
    """Answer of ``POST /alibaba/refund/info`` (the public schema is cut after
    ``buyerUserId``; the rest is in ``extra``). Amounts are integer fen."""

    id: str | Missing | None = field(wire="int")
    create_by: str | Missing | None = field()
    create_by_id: str | Missing | None = field(wire="int")
    create_time: str | Missing | None = field()
    update_by: str | Missing | None = field()
    update_by_id: str | Missing | None = field(wire="int")
    update_time: str | Missing | None = field()
    remark: str | Missing | None = field()
    alipay_payment_id: str | Missing | None = field()
    apply_carriage: int | Missing | None = field()
    apply_expect: int | Missing | None = field()
    apply_payment: int | Missing | None = field()
    apply_reason: str | Missing | None = field()
    apply_reason_id: str | Missing | None = field(wire="int")
    apply_sub_reason: str | Missing | None = field()
    apply_sub_reason_id: str | Missing | None = field(wire="int")
    buyer_alipay_id: str | Missing | None = field()
    buyer_logistics_name: str | Missing | None = field()
    buyer_member_id: str | Missing | None = field()
    buyer_send_goods: bool | Missing | None = field()
    buyer_user_id: str | Missing | None = field(wire="int")


@attrs.define(kw_only=True, repr=False)
class AlibabaRefundCreated(Model):
    """Answer of ``POST /alibaba/refund/detail/create``: the new refund id (``TQ…``)."""

    refund_id: str | Missing | None = field()


@attrs.define(kw_only=True)
class OrderEntryCount(Request):
    """How many goods of one order entry a refund covers."""

    id: str = required(wire="int")
    count: int = required()


@attrs.define(kw_only=True)
class AlibabaRefundIdRequest(Request):
    refund_id: str = required()


@attrs.define(kw_only=True)
class AlibabaRefundCreateRequest(Request):
    order_id: str = required(wire="int")
    order_entry_ids: Sequence[str] | None = optional(wire="int")
    dispute_request: str = required()
    apply_payment: int = required()
    apply_carriage: int = required()
    apply_reason_id: str = required(wire="int")
    description: str = required()
    goods_status: str = required()
    vouchers: Sequence[str] | None = optional()
    order_entry_count_list: Sequence[OrderEntryCount] | None = optional()


@attrs.define(kw_only=True)
class AlibabaRefundReturnRequest(Request):
    refund_id: str = required()
    logistics_company_no: str = required()
    freight_bill: str = required()
    description: str | None = optional()
    vouchers: Sequence[str] | None = optional()
