"""1688 buyer-view order detail (``/alibaba/order/detail``, list and callbacks).

1688 passes its decimal yuan through here (``totalAmount: 6.15``): those fields are
:class:`~decimal.Decimal`."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import attrs

from .._fields import Missing, Model, field

__all__ = [
    "AlibabaContact",
    "AlibabaLogisticsItem",
    "AlibabaNativeLogistics",
    "AlibabaOrderBaseInfo",
    "AlibabaOrderDetail",
    "AlibabaOrderProductItem",
    "AlibabaOrderReceiverInfo",
    "AlibabaOrderStatus",
    "AlibabaSkuInfo",
    "AlibabaTradeTerm",
]


class AlibabaOrderStatus(enum.StrEnum):
    """1688 ``baseInfo.status``. Values the enum does not know stay plain strings."""

    WAIT_BUYER_PAY = "waitbuyerpay"
    WAIT_SELLER_SEND = "waitsellersend"
    WAIT_BUYER_RECEIVE = "waitbuyerreceive"
    CONFIRM_GOODS = "confirm_goods"
    SUCCESS = "success"
    CANCEL = "cancel"
    TERMINATED = "terminated"


@attrs.define(kw_only=True, repr=False)
class AlibabaContact(Model):
    """Buyer or seller contact of a 1688 order."""

    name: str | Missing | None = field()
    phone: str | Missing | None = field()
    mobile: str | Missing | None = field()
    email: str | Missing | None = field()
    company_name: str | Missing | None = field()
    im_in_platform: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderReceiverInfo(Model):
    to_full_name: str | Missing | None = field()
    to_division_code: str | Missing | None = field()
    to_mobile: str | Missing | None = field()
    to_phone: str | Missing | None = field()
    to_post: str | Missing | None = field()
    to_town_code: str | Missing | None = field()
    to_area: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderBaseInfo(Model):
    """``baseInfo`` of a 1688 order. Amounts are decimal yuan; times are 1688's text form
    (``20170913231727000-0700``, see :func:`pandapon_async.models.parse_alibaba_time`)."""

    id: str | Missing | None = field(wire="int")
    id_of_str: str = field(default="")
    status: AlibabaOrderStatus | str = field(default="")
    refund_status: str | Missing | None = field()
    trade_type: str | Missing | None = field()
    business_type: str | Missing | None = field()
    buyer_id: str | Missing | None = field("buyerID")
    seller_id: str | Missing | None = field("sellerID")
    buyer_login_id: str | Missing | None = field()
    seller_login_id: str | Missing | None = field()
    buyer_user_id: str | Missing | None = field(wire="int")
    seller_user_id: str | Missing | None = field(wire="int")
    alipay_trade_id: str | Missing | None = field()
    create_time: str | Missing | None = field()
    modify_time: str | Missing | None = field()
    pay_time: str | Missing | None = field()
    all_delivered_time: str | Missing | None = field()
    receiving_time: str | Missing | None = field()
    complete_time: str | Missing | None = field()
    total_amount: Decimal | Missing | None = field()
    sum_product_payment: Decimal | Missing | None = field()
    shipping_fee: Decimal | Missing | None = field()
    discount: Decimal | Missing | None = field()
    refund: Decimal | Missing | None = field()
    refund_payment: Decimal | Missing | None = field()
    close_reason: str | Missing | None = field()
    remark: str | Missing | None = field()
    buyer_contact: AlibabaContact | Missing | None = field()
    seller_contact: AlibabaContact | Missing | None = field()
    receiver_info: AlibabaOrderReceiverInfo | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaSkuInfo(Model):
    name: str | Missing | None = field()
    value: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderProductItem(Model):
    """One line of a 1688 order. ``sub_item_id`` is the order entry id confirm-receipt takes."""

    sub_item_id: str = field("subItemID", wire="int", default="")
    product_id: str | Missing | None = field("productID", wire="int")
    sku_id: str | Missing | None = field("skuID", wire="int")
    spec_id: str | Missing | None = field()
    name: str | Missing | None = field()
    quantity: Decimal | Missing | None = field()
    price: Decimal | Missing | None = field()
    item_amount: Decimal | Missing | None = field()
    entry_discount: Decimal | Missing | None = field()
    status: str | Missing | None = field()
    status_str: str | Missing | None = field()
    refund_status: str | Missing | None = field()
    refund_id: str | Missing | None = field()
    logistics_status: int | Missing | None = field()
    unit: str | Missing | None = field()
    product_cargo_number: str | Missing | None = field()
    product_img_url: list[str] | Missing | None = field()
    product_snapshot_url: str | Missing | None = field()
    sku_infos: list[AlibabaSkuInfo] | Missing | None = field()
    gmt_create: str | Missing | None = field()
    gmt_modified: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaLogisticsItem(Model):
    id: str | Missing | None = field(wire="int")
    logistics_id: str | Missing | None = field()
    logistics_bill_no: str | Missing | None = field()
    logistics_company_id: str | Missing | None = field(wire="int")
    logistics_company_name: str | Missing | None = field()
    logistics_company_no: str | Missing | None = field()
    status: str | Missing | None = field()
    sub_item_ids: str | Missing | None = field()
    delivered_time: str | Missing | None = field()
    gmt_create: str | Missing | None = field()
    gmt_modified: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaNativeLogistics(Model):
    """``nativeLogistics``: the receiving address and the domestic shipments."""

    contact_person: str | Missing | None = field()
    mobile: str | Missing | None = field()
    telephone: str | Missing | None = field()
    province: str | Missing | None = field()
    city: str | Missing | None = field()
    area: str | Missing | None = field()
    town: str | Missing | None = field()
    address: str | Missing | None = field()
    zip: str | Missing | None = field()
    area_code: str | Missing | None = field()
    town_code: str | Missing | None = field()
    logistics_items: list[AlibabaLogisticsItem] | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaTradeTerm(Model):
    pay_status: str | Missing | None = field()
    pay_time: str | Missing | None = field()
    pay_way: str | Missing | None = field()
    pay_way_desc: str | Missing | None = field()
    phase: str | Missing | None = field(wire="int")
    phas_amount: Decimal | Missing | None = field()
    phase_condition: str | Missing | None = field()
    phase_date: str | Missing | None = field()
    card_pay: bool | Missing | None = field()
    express_pay: bool | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderDetail(Model):
    """1688 buyer-view order detail (``POST /alibaba/order/detail``; also the body of the
    ``1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`` callback).

    ``base_info`` and ``product_items`` are always present on the model (empty when the platform
    leaves them out); the rarer parts keep 1688's raw JSON objects.
    """

    base_info: AlibabaOrderBaseInfo = attrs.field(factory=AlibabaOrderBaseInfo)
    product_items: list[AlibabaOrderProductItem] = attrs.field(factory=list)
    native_logistics: AlibabaNativeLogistics | Missing | None = field()
    trade_terms: list[AlibabaTradeTerm] | Missing | None = field()
    guarantees_terms: dict[str, Any] | Missing | None = field()
    order_rate_info: dict[str, Any] | Missing | None = field()
    order_biz_info: dict[str, Any] | Missing | None = field()
    order_invoice_info: dict[str, Any] | Missing | None = field()
    ext_attributes: list[dict[str, Any]] | Missing | None = field()
    customs: dict[str, Any] | Missing | None = field()
    overseas_extra_address: dict[str, Any] | Missing | None = field()

    @property
    def order_id(self) -> str:
        """The order id as a string (``idOfStr``, or ``id`` when only that was sent)."""
        base = self.base_info
        if base.id_of_str:
            return base.id_of_str
        return base.id if isinstance(base.id, str) else ""

    @property
    def status(self) -> str:
        """Shortcut for ``base_info.status``."""
        return str(self.base_info.status)
