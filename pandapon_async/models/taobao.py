"""Taobao models: goods, orders, after-sales (reverse orders) and the cart.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import attrs

from ._base import MISSING, Missing, Model, Request, field, json_text, optional, required
from ._limits import BATCH_CHECK_MAX_ITEMS as BATCH_CHECK_MAX_ITEMS  # the default, re-exported

__all__ = [
    "TaobaoBatchCheckRequest",
    "TaobaoBatchCheckResult",
    "TaobaoCartAddRequest",
    "TaobaoCartAddV2Request",
    "TaobaoCartCreateOrderRequest",
    "TaobaoCreateOrderRequest",
    "TaobaoImLinkRequest",
    "TaobaoItemIdRequest",
    "TaobaoItemSkus",
    "TaobaoLogisticsCompany",
    "TaobaoLogisticsDetail",
    "TaobaoLogisticsGoods",
    "TaobaoLogisticsPackage",
    "TaobaoLogisticsPartner",
    "TaobaoLogisticsReceiver",
    "TaobaoLogisticsRequest",
    "TaobaoLogisticsTrace",
    "TaobaoOrderLine",
    "TaobaoPayCertificateRequest",
    "TaobaoPriceRange",
    "TaobaoProduct",
    "TaobaoPurchaseOrderLine",
    "TaobaoReceiver",
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
    "TaobaoSearchItem",
    "TaobaoSearchRequest",
    "TaobaoSkuProperty",
    "TaobaoSourceProduct",
    "TaobaoSourceProductRequest",
    "TaobaoUpdateWarehouseRequest",
]

# Most items one ``batch_check`` takes by default; the platform publishes no limit (override:
# ``LIMITS.batch_check_max_items``).
SEARCH_MAX_PAGE_SIZE = 40
"""Most results per page of the Taobao search: documented (``pageSize`` 1..40, v2 page)."""


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


# --- goods ---------------------------------------------------------------------------------------


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


# --- order logistics -------------------------------------------------------------------------


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


# --- after-sales -------------------------------------------------------------------------------


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


# --- request building blocks ------------------------------------------------------------------


@attrs.define(kw_only=True)
class TaobaoItemSkus(Request):
    """An item and the SKUs to check (inside the ``params`` JSON text)."""

    item_id: str = required(wire="str")
    sku_ids: Sequence[str] = required(wire="str")


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


# --- per-endpoint requests --------------------------------------------------------------------


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
