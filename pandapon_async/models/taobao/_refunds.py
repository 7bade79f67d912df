"""Taobao after-sales (reverse orders): status codes, detail, render, the refund requests.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

import enum
from typing import Any

import attrs

from .._fields import MISSING, Missing, Model, Request, field, optional, required

__all__ = [
    "TaobaoLogisticsCompany",
    "TaobaoPurchaseOrderLine",
    "TaobaoRefundAggregate",
    "TaobaoRefundCancelResult",
    "TaobaoRefundDetail",
    "TaobaoRefundIdRequest",
    "TaobaoRefundListRequest",
    "TaobaoRefundLogistics",
    "TaobaoRefundMessageRequest",
    "TaobaoRefundOrder",
    "TaobaoRefundReason",
    "TaobaoRefundReceiverAddress",
    "TaobaoRefundRender",
    "TaobaoRefundRenderRequest",
    "TaobaoRefundStatus",
    "TaobaoRefundTemplate",
    "TaobaoReturnLogisticsRequest",
]


class TaobaoRefundStatus(enum.IntEnum):
    """Reverse-order (refund) status codes, from the sister platform (unverified for PandaPon).

    Read through :attr:`TaobaoRefundOrder.refund_status_code` (the wire value is text, ``"20"``,
    and stays text in ``refund_status``); pass as ``refunds.query_list(refund_status=...)``.
    """

    NONE = 0
    APPLIED = 10
    SELLER_AGREED = 20
    GOODS_RETURNED = 30
    REFUNDED = 100
    REFUSED = -10
    CLOSED = -20


@attrs.define(kw_only=True, repr=False)
class TaobaoLogisticsCompany(Model):
    """A logistics company. v1 answers spell the code ``logisticCompanyCode``, the v2 refund
    query ``logisticsCompanyCode``: both are read into ``logistics_company_code``."""

    logistics_company_code: str | Missing | None = field(
        "logisticCompanyCode", aliases=("logisticsCompanyCode",)
    )
    logistics_company_name: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundReceiverAddress(Model):
    detail_address: str | Missing | None = field()
    phone: str | Missing | None = field()
    receiver: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundLogistics(Model):
    buyer_phone: str | Missing | None = field()
    logistics_company: TaobaoLogisticsCompany | Missing | None = field()
    logistics_no: str | Missing | None = field()
    receiver_address: TaobaoRefundReceiverAddress | Missing | None = field()
    return_goods_desc: str | Missing | None = field()
    seller_agree_return_describe: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoPurchaseOrderLine(Model):
    """The purchase line a reverse order is about; amounts in fen, ``create_time`` epoch ms."""

    create_time: int | Missing | None = field()
    currency: str | Missing | None = field()
    item_image_url: str | Missing | None = field()
    item_title: str | Missing | None = field()
    post_fee: int | Missing | None = field()
    price: int | Missing | None = field()
    product_fee: int | Missing | None = field()
    properties: Any = field()
    purchase_order_id: str | Missing | None = field()
    purchase_order_line_id: str | Missing | None = field()
    quantity: int | Missing | None = field()
    sales_market: str | Missing | None = field()
    sales_order_id: str | Missing | None = field()
    supplier_id: str | Missing | None = field()
    supplier_nick: str | Missing | None = field()
    total_price: int | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundOrder(Model):
    """A reverse (refund) order. ``refund_status`` is sent as text (``"20"``)."""

    refund_id: str | Missing | None = field()
    refund_status: str | Missing | None = field()
    refund_type: int | Missing | None = field()
    refund_fee: int | Missing | None = field()
    refund_desc: str | Missing | None = field()
    goods_status: int | Missing | None = field()
    pay_order_id: str | Missing | None = field()
    reason_id: str | Missing | None = field(wire="int")
    reason_desc: str | Missing | None = field()
    can_edit_fee: bool | Missing | None = field()
    fee_tips: str | Missing | None = field()
    remaining_time: str | Missing | None = field()
    seller_refuse_reason: str | Missing | None = field()
    seller_refuse_reason_describe: str | Missing | None = field()
    timeout_date: str | Missing | None = field()
    timeout_type: str | Missing | None = field()

    @property
    def refund_status_code(self) -> TaobaoRefundStatus | int | str | None:
        """``refund_status`` as a :class:`TaobaoRefundStatus` where it is one of its codes, an
        ``int`` for an unknown code, else as sent (``None`` if absent or null)."""
        raw = self.refund_status
        if raw is None or raw is MISSING:
            return None
        try:
            code = int(raw)
        except ValueError:
            return raw
        try:
            return TaobaoRefundStatus(code)
        except ValueError:
            return code


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundAggregate(Model):
    logistics: TaobaoRefundLogistics | Missing | None = field()
    purchase_order_line: TaobaoPurchaseOrderLine | Missing | None = field()
    refund_order: TaobaoRefundOrder | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundDetail(Model):
    """A reverse order with its context (``GET /v2/taobao/order/refund/query``; also the answer
    of the return-logistics submission)."""

    currency: str | Missing | None = field()
    distributor_id: str | Missing | None = field()
    logistics_company_list: list[TaobaoLogisticsCompany] | Missing | None = field()
    refund_order_aggregate: TaobaoRefundAggregate | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundCancelResult(TaobaoRefundDetail):
    """Answer of ``GET /open/order/refund/cancel/{refundId}``."""

    cancel_success: bool | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundReason(Model):
    reason_id: str | Missing | None = field(wire="int")
    reason_desc: str | Missing | None = field()
    tips: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundTemplate(Model):
    refund_reasons: list[TaobaoRefundReason] = attrs.field(factory=list)
    goods_status_list: list[str] = attrs.field(factory=list)
    refund_order: TaobaoRefundOrder | Missing | None = field()
    max_refund_fee: dict[str, Any] | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class TaobaoRefundRender(Model):
    """Answer of ``POST /v2/taobao/order/refund/render``: what a reverse order may ask for."""

    refund_order_template: TaobaoRefundTemplate | Missing | None = field()
    distributor_id: str | Missing | None = field()
    currency: str | Missing | None = field()
    sale_flag: bool | Missing | None = field()


@attrs.define(kw_only=True)
class TaobaoRefundListRequest(Request):
    refund_id: str | None = optional()
    purchase_order_id: str | None = optional()
    sales_order_id: str | None = optional()
    refund_status: int | None = optional()
    refund_start_time: int | None = optional()
    refund_end_time: int | None = optional()
    page_no: int | None = optional(value_range=(1, None))
    page_size: int = required(value_range=(1, "taobao_refund_page_size_max"))


@attrs.define(kw_only=True)
class TaobaoReturnLogisticsRequest(Request):
    buyer_phone: str = required()
    logistics_company_code: str = required()
    logistics_no: str = required()
    refund_id: str = required()
    return_goods_desc: str = required()


@attrs.define(kw_only=True)
class TaobaoRefundIdRequest(Request):
    refund_id: str = required()


@attrs.define(kw_only=True)
class TaobaoRefundMessageRequest(Request):
    refund_id: str = required()
    refund_message: str = required()
    refund_images: str | None = optional()


@attrs.define(kw_only=True)
class TaobaoRefundRenderRequest(Request):
    sub_order_id: str = required()
    refund_type: int = required()
    goods_status: int = required()
