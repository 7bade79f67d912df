"""Taobao order endpoints the platform documents by name only (pay, order detail, order list,
cancel: ``found: false`` in the spec). The fake serves them only when a test asks, on the
path the test gives, so that no test passes against the fake for a path that may not exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _taobao_state as taobao
from .._state import FakeState
from .._validation import bad_request
from ._common import Handler, paged

__all__ = ["UNPUBLISHED_TAOBAO_ENDPOINTS"]


def _order_id(args: Mapping[str, Any]) -> str:
    for name in ("purchaseOrderId", "orderId"):
        value = args.get(name)
        if value not in (None, ""):
            return str(value).strip()
    raise bad_request("purchaseOrderId", "is required")


def h_pay(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    order = taobao.pay(state, _order_id(args))
    return taobao.order_view(state, order)


def h_detail(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return taobao.order_view(state, state.taobao_order(_order_id(args)))


def h_list(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    orders = list(state.taobao_orders.values())
    if args.get("status") not in (None, ""):
        try:
            wanted = int(args["status"])
        except (TypeError, ValueError):
            raise bad_request("status", "must be an integer status code") from None
        orders = [order for order in orders if order.status == wanted]
    return paged(args, [taobao.order_view(state, order) for order in orders],
                 page_key="pageNo", max_size=100)


def h_cancel(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    reason = args.get("cancelReason") or args.get("reason") or "buyer cancelled"
    taobao.close(state, _order_id(args), str(reason))
    return True


# name -> (method from the platform's navigation, handler)
UNPUBLISHED_TAOBAO_ENDPOINTS: dict[str, tuple[str, Handler]] = {
    "pay": ("POST", h_pay),
    "detail": ("GET", h_detail),
    "list": ("GET", h_list),
    "cancel": ("POST", h_cancel),
}
