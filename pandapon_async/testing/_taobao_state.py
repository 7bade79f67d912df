"""Taobao orders through their life in the fake: payment, shipment, price change, closing and
refund transitions, the callbacks each one pushes, and the views the endpoints report.

Functions over :class:`~._state.FakeState`, kept out of that module so the Taobao side can grow
without growing it. Like the state's own methods they are synchronous: a transition happens
entirely (state changed, callback scheduled) or, when it raises, not at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..callbacks import (
    ORDER_BUYER_REFUND,
    ORDER_CANCEL,
    ORDER_PAY_SUCCESS,
    ORDER_SHIPPED,
    TAOBAO_PRICE_MODIFY,
)
from ._orders import format_plain_time as _time
from ._validation import FakeAPIError

if TYPE_CHECKING:
    from ._orders import TaobaoOrder, TaobaoRefund
    from ._state import FakeState

__all__ = [
    "AWAITING_PAYMENT",
    "CLOSED",
    "PAID",
    "PAYMENT_PROOF_UPLOADED",
    "SHIPPED",
    "order_body",
    "order_event",
    "order_view",
    "refund_event",
]

PLATFORM = 0
# Taobao purchase-order status codes (platform.md, from the sister platform).
AWAITING_PAYMENT = 0
PAYMENT_PROOF_UPLOADED = 1
PAID = 10
SHIPPED = 11
CLOSED = 4
PAYABLE = frozenset({AWAITING_PAYMENT, PAYMENT_PROOF_UPLOADED})
# Sub-order refund status codes.
REFUND_APPLIED = 10
REFUND_AGREED = 20
REFUND_GOODS_RETURNED = 30
REFUNDED = 100
REFUND_REFUSED = -10
REFUND_CLOSED = -20
REFUND_OPEN = frozenset({REFUND_APPLIED, REFUND_AGREED, REFUND_GOODS_RETURNED})
# The sister platform's order-status names for callback bodies, as on the 1688 side.
_CALLBACK_STATUS = {
    AWAITING_PAYMENT: "WAITING_FOR_PAYMENT",
    PAYMENT_PROOF_UPLOADED: "WAITING_FOR_PAYMENT",
    PAID: "WAITING_FOR_SENT",
    SHIPPED: "WAITING_FOR_RECEIVE",
    CLOSED: "CANCEL",
}
DEFAULT_COMPANY = "圆通速递"
DEFAULT_COMPANY_CODE = "YTO"


def refunded_fen(state: FakeState, order: TaobaoOrder) -> int:
    return sum(_refund_fee(refund) for refund in state.taobao_refunds.values()
               if refund.purchase_order_id == order.purchase_order_id
               and refund.status == REFUNDED)


def _refund_fee(refund: TaobaoRefund) -> int:
    line = refund.line
    return int(line.get("price") or 0) * int(line.get("quantity") or 0)


def _latest_refund(state: FakeState, sub_id: str) -> TaobaoRefund | None:
    latest = None
    for refund in state.taobao_refunds.values():
        if refund.sub_purchase_order_id == sub_id:
            latest = refund
    return latest


def _order_refund_status(state: FakeState, order: TaobaoOrder) -> str | None:
    statuses = [refund.status for refund in state.taobao_refunds.values()
                if refund.purchase_order_id == order.purchase_order_id]
    return str(statuses[-1]) if statuses else None


# -- callback bodies -----------------------------------------------------------------------------


def order_body(state: FakeState, order: TaobaoOrder) -> dict[str, Any]:
    """The order status body (the sister platform's shape, as the 1688 side sends)."""
    return {
        "orderId": order.purchase_order_id,
        "orderNo": order.seller_order_number,
        "orderStatus": _CALLBACK_STATUS.get(order.status, str(order.status)),
        "payStatus": 2 if order.pay_time is not None else 1,
        "totalAmount": order.purchase_amount,
        "shippingFee": 0,
        "productAmount": order.purchase_amount,
        "refundAmount": refunded_fen(state, order),
        "refundStatus": _order_refund_status(state, order),
        "closeReason": order.close_reason,
        "tbCreateTime": _time(order.create_time),
        "payTime": _time(order.pay_time),
    }


def order_event(state: FakeState, base_type: str, order: TaobaoOrder) -> None:
    state.emit(base_type, order_body(state, order), PLATFORM)


def refund_event(state: FakeState, refund: TaobaoRefund) -> None:
    """A refund's status changed: the refund message, naming the refund and its sub-order."""
    order = state.taobao_order(refund.purchase_order_id)
    body = {"refundId": refund.refund_id, "subPurchaseOrderId": refund.sub_purchase_order_id,
            **order_body(state, order), "refundStatus": str(refund.status)}
    state.emit(ORDER_BUYER_REFUND, body, PLATFORM)


def _price_modify_body(order: TaobaoOrder) -> dict[str, Any]:
    """The documented ``TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`` body: ``salesOrderId`` and
    ``subOrders`` with snake_case keys, ids and ``product_amount`` (fen) as strings as in the
    documented example. ``purchaseOrderPriceDTO``'s fields are not documented: left out."""
    return {
        "salesOrderId": order.purchase_order_id,
        "subOrders": [
            {
                "purchase_order_outer_id": order.purchase_order_id,
                "purchase_order_line_outer_id": line["subPurchaseOrderId"],
                "close_time_without_payment": _time(order.create_time + 72 * 3600),
                "detail_error_code": None,
                "product_amount": str(_line_amount(line)),
                "logistic_company_name": order.logistics_company_name,
                "logistic_number": order.tracking_number,
                "quantity": int(line.get("quantity") or 0),
            }
            for line in order.lines
        ],
    }


def _line_amount(line: dict[str, Any]) -> int:
    amount = line.get("productAmount")
    if amount is not None:
        return int(amount)
    return int(line.get("price") or 0) * int(line.get("quantity") or 0)


# -- transitions ---------------------------------------------------------------------------------


def pay(state: FakeState, order_id: str) -> TaobaoOrder:
    order = state.taobao_order(order_id)
    if order.status not in PAYABLE:
        raise FakeAPIError(400, f"订单状态不允许支付 (order {order_id} has status {order.status}; "
                           "only unpaid orders (0 or 1) can be paid)")
    order.status = PAID
    order.pay_time = state.clock()
    state.paid_total_fen += order.purchase_amount
    key = order.purchase_order_id
    state.payment_counts[key] = state.payment_counts.get(key, 0) + 1
    order_event(state, ORDER_PAY_SUCCESS, order)
    return order


def ship(state: FakeState, order_id: str, *, company: str | None, company_code: str | None,
         tracking_number: str | None) -> TaobaoOrder:
    order = state.taobao_order(order_id)
    if order.status != PAID:
        raise FakeAPIError(400, f"order {order_id} has status {order.status}, not {PAID} (paid)")
    order.status = SHIPPED
    order.ship_time = state.clock()
    order.logistics_company_name = company or DEFAULT_COMPANY
    order.logistics_company_code = company_code or (
        DEFAULT_COMPANY_CODE if company is None else None)
    order.tracking_number = tracking_number or f"YT{state.rng.randrange(10**12, 10**13)}"
    order_event(state, ORDER_SHIPPED, order)
    return order


def change_price(state: FakeState, order_id: str, total_fen: int) -> TaobaoOrder:
    order = state.taobao_order(order_id)
    if order.status not in PAYABLE:
        raise FakeAPIError(400, f"order {order_id} has status {order.status}; price is fixed")
    amounts = [_line_amount(line) for line in order.lines]
    before = sum(amounts) or len(amounts)
    shares = [total_fen * (amount or 1) // before for amount in amounts]
    shares[-1] += total_fen - sum(shares)
    for line, share in zip(order.lines, shares, strict=True):
        line["productAmount"] = share
        line["price"] = share // max(int(line.get("quantity") or 1), 1)
    order.purchase_amount = total_fen
    state.emit(TAOBAO_PRICE_MODIFY, _price_modify_body(order), PLATFORM)
    return order


def close(state: FakeState, order_id: str, reason: str) -> TaobaoOrder:
    order = state.taobao_order(order_id)
    if order.status not in PAYABLE:
        raise FakeAPIError(400, f"订单状态不允许关闭 (order {order_id} has status {order.status}; "
                           "only unpaid orders can be closed)")
    order.status = CLOSED
    order.close_reason = reason
    order_event(state, ORDER_CANCEL, order)
    return order


_REFUND_MOVES: dict[int, frozenset[int]] = {
    REFUND_AGREED: frozenset({REFUND_APPLIED}),
    REFUNDED: REFUND_OPEN,
    REFUND_REFUSED: REFUND_OPEN,
    REFUND_CLOSED: REFUND_OPEN,
}


def move_refund(state: FakeState, refund_id: str, status: int, *,
                reason: str | None = None) -> TaobaoRefund:
    refund = state.taobao_refund(refund_id)
    if refund.status not in _REFUND_MOVES[status]:
        raise FakeAPIError(400, f"逆向单状态不允许 (refund {refund_id} has status "
                           f"{refund.status}; cannot move to {status})")
    refund.status = status
    if status == REFUND_REFUSED:
        refund.refuse_reason = reason
    refund_event(state, refund)
    return refund


# -- views ---------------------------------------------------------------------------------------


def order_view(state: FakeState, order: TaobaoOrder) -> dict[str, Any]:
    """A Taobao order as the fake's order detail and list answer it. The platform's pages for
    them are not public: this shape is the fake's own, built from the documented create answer
    (``purchaseOrderId``, ``status``, ``purchaseAmount``, ``subPurchaseOrderIds``) and the
    documented sub-order fields, so that a test of a path the user knows has data to read."""
    lines = []
    for line in order.lines:
        sub_id = line["subPurchaseOrderId"]
        refund = _latest_refund(state, sub_id)
        lines.append({
            "subPurchaseOrderId": sub_id, "itemId": line.get("itemId"),
            "skuId": line.get("skuId"), "title": line.get("title"),
            "quantity": int(line.get("quantity") or 0), "price": int(line.get("price") or 0),
            "productAmount": _line_amount(line),
            "refundId": refund.refund_id if refund else None,
            "refundStatus": refund.status if refund else 0,
            "logisticsCompanyName": order.logistics_company_name,
            "logisticsNo": order.tracking_number,
        })
    return {
        "purchaseOrderId": order.purchase_order_id,
        "sellerOrderNumber": order.seller_order_number,
        "status": order.status,
        "purchaseAmount": order.purchase_amount,
        "refundAmount": refunded_fen(state, order),
        "createTime": int(order.create_time * 1000),
        "payTime": None if order.pay_time is None else int(order.pay_time * 1000),
        "shipTime": None if order.ship_time is None else int(order.ship_time * 1000),
        "closeReason": order.close_reason,
        "receiver": dict(order.receiver),
        "warehouseName": order.warehouse_name,
        "warehouseAddress": order.warehouse_address,
        "subPurchaseOrders": lines,
    }


def reported_logistics(state: FakeState, sub_id: str, detail: dict[str, Any]) -> dict[str, Any]:
    """The logistics detail of a sub-order as shipped: no package before shipment; after it,
    the tracking number and company given when the order was shipped."""
    order, _line = state.taobao_sub_order(sub_id)
    if order.tracking_number is None:
        return {**detail, "pnmLogisticsDetails": []}
    packages = []
    for package in detail.get("pnmLogisticsDetails") or ():
        package = {**package, "mailNo": order.tracking_number}
        traces = package.get("logisticsTraces")
        if isinstance(traces, list):
            package["logisticsTraces"] = [{**trace, "time": _time(order.ship_time)}
                                          for trace in traces]
        partners = package.get("logisticsPartner")
        if isinstance(partners, list):
            package["logisticsPartner"] = [{**partner, "company": order.logistics_company_name}
                                           for partner in partners]
        packages.append(package)
    return {**detail, "pnmLogisticsDetails": packages}
