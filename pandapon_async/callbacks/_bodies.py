"""Typed bodies of the documented callback message types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._fields import (
    CallbackParseError,
    FieldErrors,
    collect_error,
    decode_json_text,
    describe,
    extra_fields,
    opt_int,
    opt_mapping,
    opt_str,
)


@attrs.frozen(kw_only=True)
class TaobaoSubOrder:
    """One sub-order of a Taobao price-change message (the wire uses snake_case keys here).

    Identifiers and times are kept as the strings the platform sends; ``product_amount`` is
    integer fen. Every other key of the sub-order is kept, as sent, in ``extra``.
    """

    purchase_order_outer_id: str | None = None
    purchase_order_line_outer_id: str | None = None
    close_time_without_payment: str | None = None
    detail_error_code: str | None = None
    product_amount: int | None = None
    logistic_company_name: str | None = None
    logistic_number: str | None = None
    quantity: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    _STR_FIELDS = (
        "purchase_order_outer_id",
        "purchase_order_line_outer_id",
        "close_time_without_payment",
        "detail_error_code",
        "logistic_company_name",
        "logistic_number",
    )
    _INT_FIELDS = ("product_amount", "quantity")

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str, errors: FieldErrors = None
    ) -> TaobaoSubOrder:
        """Type one sub-order; with ``errors`` a list, a field that cannot be typed is ``None``
        and described there instead of raising."""
        values: dict[str, Any] = {
            key: opt_str(data, key, path, errors) for key in cls._STR_FIELDS
        }
        values.update({key: opt_int(data, key, path, errors) for key in cls._INT_FIELDS})
        known = frozenset(cls._STR_FIELDS + cls._INT_FIELDS)
        return cls(**values, extra=extra_fields(data, known))


@attrs.frozen(kw_only=True)
class TaobaoPriceModifyBody:
    """Body of ``TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``: a Taobao order's price changed.

    ``purchase_order_price`` is the ``purchaseOrderPriceDTO`` object as sent (its fields are
    not documented); unknown top-level keys are in ``extra``.
    """

    sales_order_id: str | None = None
    sub_orders: list[TaobaoSubOrder] = attrs.field(factory=list)
    purchase_order_price: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str = "messageBody", errors: FieldErrors = None
    ) -> TaobaoPriceModifyBody:
        """Type the body; with ``errors`` a list, what cannot be typed is left out (``None``,
        or a sub-order skipped) and described there instead of raising."""
        raw_sub_orders = data.get("subOrders")
        try:
            if isinstance(raw_sub_orders, str):
                raw_sub_orders = decode_json_text(raw_sub_orders, f"{path}.subOrders")
            if raw_sub_orders is None:
                raw_sub_orders = []
            if not isinstance(raw_sub_orders, list):
                raise CallbackParseError(
                    f"{path}.subOrders", f"expected a list, got {describe(raw_sub_orders)}"
                )
        except CallbackParseError as error:
            collect_error(errors, error, data.get("subOrders"))
            raw_sub_orders = []
        sub_orders = []
        for index, item in enumerate(raw_sub_orders):
            item_path = f"{path}.subOrders[{index}]"
            if not isinstance(item, Mapping):
                collect_error(
                    errors,
                    CallbackParseError(item_path, f"expected an object, got {describe(item)}"),
                    item,
                )
                continue
            sub_orders.append(TaobaoSubOrder.from_wire(item, item_path, errors))
        return cls(
            sales_order_id=opt_str(data, "salesOrderId", path, errors),
            sub_orders=sub_orders,
            purchase_order_price=opt_mapping(data, "purchaseOrderPriceDTO", path, errors),
            extra=extra_fields(
                data, frozenset({"salesOrderId", "subOrders", "purchaseOrderPriceDTO"})
            ),
        )


@attrs.frozen(kw_only=True)
class OrderEventBody:
    """Body of the order status and refund messages (``ORDER_CREATE``, ``ORDER_CANCEL``,
    ``ORDER_PAY_SUCCESS``, ``ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS``,
    ``ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS``, ``ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY``,
    ``ORDER_BUYER_VIEW_ORDER_BUYER_REFUND``, each also with a ``TAOBAO_`` or ``1688_`` prefix:
    see :data:`ORDER_EVENT_TYPES`). ``refund_id`` is set on refund messages.

    These types and this body come from PandaPon's sister platform; PandaPon's own are not
    public. Amounts are integer fen; ``order_status`` (e.g. ``WAITING_FOR_PAYMENT``,
    ``WAITING_FOR_SENT``, ``CANCEL``) and ``refund_status`` are kept as sent; times are kept as
    the strings sent. Unknown keys are in ``extra``.
    """

    order_id: str | None = None
    order_no: str | None = None
    order_status: str | None = None
    pay_status: int | None = None
    total_amount: int | None = None
    shipping_fee: int | None = None
    product_amount: int | None = None
    refund_amount: int | None = None
    refund_status: str | None = None
    close_reason: str | None = None
    tb_create_time: str | None = None
    pay_time: str | None = None
    refund_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    _STR_FIELDS = (
        ("refund_id", "refundId"),
        ("order_id", "orderId"),
        ("order_no", "orderNo"),
        ("order_status", "orderStatus"),
        ("refund_status", "refundStatus"),
        ("close_reason", "closeReason"),
        ("tb_create_time", "tbCreateTime"),
        ("pay_time", "payTime"),
    )
    _INT_FIELDS = (
        ("pay_status", "payStatus"),
        ("total_amount", "totalAmount"),
        ("shipping_fee", "shippingFee"),
        ("product_amount", "productAmount"),
        ("refund_amount", "refundAmount"),
    )

    @classmethod
    def from_wire(
        cls, data: Mapping[str, Any], path: str = "messageBody", errors: FieldErrors = None
    ) -> OrderEventBody:
        """Type the body; with ``errors`` a list, a field that cannot be typed is ``None`` and
        described there instead of raising."""
        values: dict[str, Any] = {
            name: opt_str(data, wire, path, errors) for name, wire in cls._STR_FIELDS
        }
        values.update(
            {name: opt_int(data, wire, path, errors) for name, wire in cls._INT_FIELDS}
        )
        known = frozenset(wire for _, wire in cls._STR_FIELDS + cls._INT_FIELDS)
        return cls(**values, extra=extra_fields(data, known))


def structure_alibaba_order_detail(data: Mapping[str, Any]) -> Any:
    # Imported here so that verifying and receiving never depend on the model package
    # importing cleanly; only typing a 1688 body does.
    from ..models import structure
    from ..models.alibaba import AlibabaOrderDetail

    try:
        return structure(dict(data), AlibabaOrderDetail)
    except Exception as error:
        detail = str(error)[:200] or type(error).__name__
        raise CallbackParseError(
            "messageBody", f"not a 1688 buyer-view order detail: {detail}"
        ) from error
