"""1688 refund transitions in the fake (seller agrees, refuses, refunds, closes) and the refund
message each one pushes. Kept beside :mod:`._state` so that module does not grow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..callbacks import ORDER_BUYER_REFUND
from ._alibaba_views import order_event_body
from ._validation import FakeAPIError

if TYPE_CHECKING:
    from ._orders import AlibabaRefund
    from ._state import FakeState

__all__ = ["move_refund", "refund_event"]

PLATFORM = 1
# 1688's refund states (its open platform's names, as the fake's refund info reports them).
WAIT_SELLER_AGREE = "waitselleragree"
WAIT_BUYER_MODIFY = "waitbuyermodify"
WAIT_BUYER_SEND = "waitbuyersend"
WAIT_SELLER_RECEIVE = "waitsellerreceive"
REFUND_SUCCESS = "refundsuccess"
REFUND_CLOSE = "refundclose"
_OPEN = frozenset({WAIT_SELLER_AGREE, WAIT_BUYER_MODIFY, WAIT_BUYER_SEND, WAIT_SELLER_RECEIVE})
_MOVES: dict[str, frozenset[str]] = {
    WAIT_BUYER_SEND: frozenset({WAIT_SELLER_AGREE}),
    WAIT_BUYER_MODIFY: frozenset({WAIT_SELLER_AGREE, WAIT_SELLER_RECEIVE}),
    REFUND_SUCCESS: _OPEN,
    REFUND_CLOSE: _OPEN,
}


def refund_event(state: FakeState, refund: AlibabaRefund) -> None:
    """The refund message: the order's status body, naming the refund and its status."""
    order = state.alibaba_order(refund.order_id)
    body = {"refundId": refund.refund_id, **order_event_body(order),
            "refundStatus": refund.status}
    state.emit(ORDER_BUYER_REFUND, body, PLATFORM)


def move_refund(state: FakeState, refund_id: str, status: str) -> AlibabaRefund:
    refund = state.alibaba_refund(refund_id)
    if refund.status not in _MOVES[status]:
        raise FakeAPIError(400, f"售后单状态不允许 (refund {refund_id} is {refund.status}; "
                           f"cannot move to {status})")
    refund.status = status
    order = state.alibaba_order(refund.order_id)
    order.refund_status = status
    for item in order.items:
        if item.sub_item_id in refund.entry_ids:
            item.refund_status = status
    refund_event(state, refund)
    return refund
