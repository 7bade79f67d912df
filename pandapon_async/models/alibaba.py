"""1688 (Alibaba) models: orders, payment, goods, after-sales and the shopping cart.

Amount conventions differ by structure, as on the platform: PandaPon's own amounts are integer
fen (``sumPayment``, ``applyPayment``), while the 1688 buyer-view order detail passes 1688's
decimal yuan through (``totalAmount: 6.15``); those fields are :class:`~decimal.Decimal` here.
"""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from ._base import Missing, Model, Request, field, optional, required
from ._limits import BATCH_PAY_MAX_ORDERS as BATCH_PAY_MAX_ORDERS  # the default, re-exported

__all__ = [
    "AlibabaAddress",
    "AlibabaBatchCreateOrderRequest",
    "AlibabaCancelOrderRequest",
    "AlibabaCargo",
    "AlibabaCargoV2",
    "AlibabaCartCreateOrderRequest",
    "AlibabaCartEditQuantityRequest",
    "AlibabaCartItem",
    "AlibabaCartList",
    "AlibabaCartPreviewOrderRequest",
    "AlibabaCartShop",
    "AlibabaConfirmReceiptRequest",
    "AlibabaContact",
    "AlibabaCreateOrderRequest",
    "AlibabaImageSearchRequest",
    "AlibabaKeywordSearchRequest",
    "AlibabaLogisticsItem",
    "AlibabaNativeLogistics",
    "AlibabaOpenUidDecryptRequest",
    "AlibabaOrderBaseInfo",
    "AlibabaOrderDetail",
    "AlibabaOrderDetailRequest",
    "AlibabaOrderIdRequest",
    "AlibabaOrderListRequest",
    "AlibabaOrderPreview",
    "AlibabaOrderPreviewItem",
    "AlibabaOrderPreviewRequest",
    "AlibabaOrderPreviewV2Request",
    "AlibabaOrderProductItem",
    "AlibabaOrderReceiverInfo",
    "AlibabaOrderStatus",
    "AlibabaPayUrl",
    "AlibabaPreviewBatchRequest",
    "AlibabaProduct",
    "AlibabaProductAttribute",
    "AlibabaProductDetailRequest",
    "AlibabaProductImage",
    "AlibabaProductListItem",
    "AlibabaProductSku",
    "AlibabaProductSkuAttribute",
    "AlibabaRefundCreateRequest",
    "AlibabaRefundCreated",
    "AlibabaRefundIdRequest",
    "AlibabaRefundInfo",
    "AlibabaRefundReturnRequest",
    "AlibabaRelatedProductsRequest",
    "AlibabaSellerOfferSearchRequest",
    "AlibabaSkuInfo",
    "AlibabaTradeTerm",
    "BatchPayRequest",
    "BatchPayResult",
    "ConfirmReceiptResult",
    "OrderEntryCount",
    "PayFailOrder",
]

# Most order ids one ``batch_submit_to_pay`` takes by default; the platform publishes no limit
# (override: ``LIMITS.batch_pay_max_orders``). ``client.bulk.submit_to_pay`` chunks for you.


class AlibabaOrderStatus(enum.StrEnum):
    """1688 ``baseInfo.status``. Values the enum does not know stay plain strings."""

    WAIT_BUYER_PAY = "waitbuyerpay"
    WAIT_SELLER_SEND = "waitsellersend"
    WAIT_BUYER_RECEIVE = "waitbuyerreceive"
    CONFIRM_GOODS = "confirm_goods"
    SUCCESS = "success"
    CANCEL = "cancel"
    TERMINATED = "terminated"


# --- 1688 buyer-view order detail ------------------------------------------------------------


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


# --- payment, confirm, cancel -----------------------------------------------------------------


@attrs.define(kw_only=True, repr=False)
class PayFailOrder(Model):
    """An order the platform did not pay, with its reason (e.g. ``账户额度不足``)."""

    order_id: str = field(default="")
    error_reason: str = field(default="")


@attrs.define(kw_only=True, repr=False)
class BatchPayResult(Model):
    """Answer of ``POST /alibaba/order/batch/submit/to/pay``."""

    success_order_ids: list[str] = attrs.field(factory=list)
    pay_fail_orders: list[PayFailOrder] = attrs.field(factory=list)


@attrs.define(kw_only=True, repr=False)
class ConfirmReceiptResult(Model):
    """Answer of ``POST /alibaba/order/receivegoods`` (``success: false`` raises instead)."""

    success: bool | Missing | None = field()
    error_info: str | Missing | None = field()
    error_code: str | Missing | None = field()


@attrs.define(kw_only=True, repr=False)
class AlibabaPayUrl(Model):
    """Answer of ``GET /alibaba/order/pay/url``."""

    order_id: str | Missing | None = field()
    protocol_pay_success: bool | Missing | None = field()
    pay_url: str | Missing | None = field()
    cant_pay_order_list: list[str] | Missing | None = field(wire="int")


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderPreviewItem(Model):
    """One seller's preview. Amounts (``sum_payment`` …) are integer fen."""

    status: bool | Missing | None = field()
    sum_payment: int | Missing | None = field()
    sum_carriage: int | Missing | None = field()
    sum_payment_no_carriage: int | Missing | None = field()
    sum_total_payment: int | Missing | None = field()
    discount_fee: int | Missing | None = field()
    trade_mode_name_list: list[str] | Missing | None = field()
    message: str | Missing | None = field()
    result_code: str | Missing | None = field()
    flow_flag: str | Missing | None = field()
    order_item_to_list: list[dict[str, Any]] | Missing | None = field("orderItemTOList")


@attrs.define(kw_only=True, repr=False)
class AlibabaOrderPreview(Model):
    """Answer of ``POST /alibaba/order/create/preview``. The platform spells the list
    ``orderPreviewResuslt``; here it is ``order_preview_result``."""

    order_preview_result: list[AlibabaOrderPreviewItem] = field(
        "orderPreviewResuslt", factory=list
    )
    success: bool | Missing | None = field()
    error_code: str | Missing | None = field()
    error_msg: str | Missing | None = field()
    post_fee_by_desc_offer_list: list[str] | Missing | None = field(wire="int")
    consign_offer_list: list[str] | Missing | None = field(wire="int")
    unsupported_cross_border_pay_offer_list: list[str] | Missing | None = field()


# --- goods ---------------------------------------------------------------------------------------


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


# --- after-sales -------------------------------------------------------------------------------


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


# --- cart ---------------------------------------------------------------------------------------


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


# --- request building blocks ------------------------------------------------------------------


@attrs.define(kw_only=True)
class AlibabaAddress(Request):
    """Receiving address (``addressParam``). ``district_code`` is used by the v2 and cart
    endpoints."""

    full_name: str | None = optional()
    mobile: str | None = optional()
    phone: str | None = optional()
    post_code: str | None = optional()
    city_text: str | None = optional()
    province_text: str | None = optional()
    area_text: str | None = optional()
    town_text: str | None = optional()
    address: str | None = optional()
    district_code: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaCargo(Request):
    """One line of a 1688 order: ``offer_id`` (sent as a number), ``spec_id``, ``quantity``;
    ``seller_open_id`` for the different-merchants (batch) endpoints."""

    offer_id: str = required(wire="int")
    spec_id: str = required()
    quantity: int = required()
    seller_open_id: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaCargoV2(Request):
    """One line of a v2 preview: the product is named by ``offer_map_id``."""

    seller_open_id: str | None = optional()
    offer_map_id: str | None = optional()
    spec_id: str = required()
    quantity: int = required()
    product_no: str | None = optional()
    container: str | None = optional()


@attrs.define(kw_only=True)
class OrderEntryCount(Request):
    """How many goods of one order entry a refund covers."""

    id: str = required(wire="int")
    count: int = required()


# --- per-endpoint requests --------------------------------------------------------------------


@attrs.define(kw_only=True)
class BatchPayRequest(Request):
    order_ids: Sequence[str] = required(
        min_items=1, max_items="batch_pay_max_orders", unique=True, digits=True
    )


@attrs.define(kw_only=True)
class AlibabaOrderDetailRequest(Request):
    web_site: str = required()
    order_id: str = required(digits=True)


@attrs.define(kw_only=True)
class AlibabaCancelOrderRequest(Request):
    web_site: str = required()
    order_id: str = required(wire="int")
    cancel_reason: str = required()
    remark: str | None = optional()


@attrs.define(kw_only=True)
class AlibabaConfirmReceiptRequest(Request):
    order_id: str = required(wire="int")
    order_entry_ids: Sequence[str] = required(wire="int", min_items=1, unique=True)


@attrs.define(kw_only=True)
class AlibabaOrderIdRequest(Request):
    order_id: str = required(digits=True)


@attrs.define(kw_only=True)
class AlibabaOrderPreviewRequest(Request):
    address_param: AlibabaAddress = required()
    cargo_param_list: Sequence[AlibabaCargo] = required(min_items=1)


@attrs.define(kw_only=True)
class AlibabaOrderPreviewV2Request(Request):
    address_param: AlibabaAddress = required()
    cargo_param_list: Sequence[AlibabaCargoV2] = required(min_items=1)


CREATE_ADDRESS_FIELDS: tuple[str, ...] = (
    "full_name", "mobile", "phone", "city_text", "province_text", "town_text", "address",
)
"""Address parts ``/alibaba/order/create`` marks required (its field table)."""
PREVIEW_BATCH_ADDRESS_FIELDS: tuple[str, ...] = (
    "full_name", "mobile", "city_text", "province_text", "address",
)
"""Address parts ``/alibaba/order/create/previewbatch`` marks required. Its field table also
marks ``phone``, but its own documented example leaves ``phone`` out: the example wins."""
_MAY_BE_EMPTY: frozenset[str] = frozenset({"phone", "town_text"})


def check_address(address: AlibabaAddress, names: Sequence[str], path: str) -> None:
    """``ValueError`` naming the first required address part that is missing.

    ``phone`` and ``town_text`` must be given but may be ``""`` (many buyers have no landline,
    many addresses no town level); the other parts must not be empty or blank.
    """
    for name in names:
        value = getattr(address, name)
        where = f"address_param.{name}"
        if value is None:
            raise ValueError(f"{where} is required by {path}")
        if name not in _MAY_BE_EMPTY and not value.strip():
            raise ValueError(f"{where} must not be empty or blank ({path})")


@attrs.define(kw_only=True)
class AlibabaCreateOrderRequest(Request):
    flow: str = required()
    message: str | None = optional()
    shop_promotion_id: str | None = optional()
    trade_type: str | None = optional()
    address_param: AlibabaAddress = required()
    cargo_param_list: Sequence[AlibabaCargo] = required(min_items=1)

    def check_fields(self) -> None:
        check_address(self.address_param, CREATE_ADDRESS_FIELDS, "/alibaba/order/create")


@attrs.define(kw_only=True)
class AlibabaPreviewBatchRequest(Request):
    """``POST /alibaba/order/create/previewbatch``: every cargo line names its seller."""

    address_param: AlibabaAddress = required()
    cargo_param_list: Sequence[AlibabaCargo] = required(min_items=1)

    def check_fields(self) -> None:
        path = "/alibaba/order/create/previewbatch"
        check_address(self.address_param, PREVIEW_BATCH_ADDRESS_FIELDS, path)
        for index, cargo in enumerate(self.cargo_param_list):
            if cargo.seller_open_id is None or not cargo.seller_open_id.strip():
                raise ValueError(f"cargo_param_list[{index}].seller_open_id is required by {path}")


@attrs.define(kw_only=True)
class AlibabaBatchCreateOrderRequest(Request):
    flow: str | None = optional()
    message: str | None = optional()
    shop_promotion_id: str | None = optional()
    trade_type: str | None = optional()
    address_param: AlibabaAddress = required()
    cargo_param_list: Sequence[AlibabaCargo] = required(min_items=1)


@attrs.define(kw_only=True)
class AlibabaOrderListRequest(Request):
    """``POST /v2/alibaba/order/page``. Its fields are not public: ``pageNo``/``pageSize`` follow
    the other v2 paged endpoints; ``extra_fields`` (filters) are sent as given, wire names."""

    page_no: int = required(value_range=(1, None))
    page_size: int = required(value_range=(1, "order_page_size_max"))
    extra_fields: Mapping[str, Any] | None = optional()


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
