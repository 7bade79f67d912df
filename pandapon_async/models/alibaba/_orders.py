"""1688 order requests and answers: preview, create, pay, cancel, confirm receipt, list.

PandaPon's own amounts are integer fen (``sumPayment``)."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._fields import Missing, Model, Request, field, optional, required

__all__ = [
    "AlibabaAddress",
    "AlibabaBatchCreateOrderRequest",
    "AlibabaCancelOrderRequest",
    "AlibabaCargo",
    "AlibabaCargoV2",
    "AlibabaConfirmReceiptRequest",
    "AlibabaCreateOrderRequest",
    "AlibabaOrderDetailRequest",
    "AlibabaOrderIdRequest",
    "AlibabaOrderListRequest",
    "AlibabaOrderPreview",
    "AlibabaOrderPreviewItem",
    "AlibabaOrderPreviewRequest",
    "AlibabaOrderPreviewV2Request",
    "AlibabaPayUrl",
    "AlibabaPreviewBatchRequest",
    "BatchPayRequest",
    "BatchPayResult",
    "ConfirmReceiptResult",
    "PayFailOrder",
]


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
