"""Test controls: move the fake's orders and refunds as the platform's other side would (the
seller ships, changes a price, agrees to a refund...), one API per platform:
``fake.alibaba`` and ``fake.taobao``.

What every control guarantees:

- It changes the fake's state exactly as the platform would and nothing else: the endpoints
  (order detail, logistics detail, refund query...) report the new state from then on.
- It pushes the message the platform pushes for that transition, through the same delivery
  schedule, retries and log (``fake.callback_deliveries``) as every callback; nothing is
  pushed before ``fake.set_callback_url(...)``.
- A move the current state does not allow (shipping an unpaid order, refunding twice...)
  raises ``ValueError`` naming the order or refund and its state; nothing changes and nothing
  is pushed. An unknown id raises ``ValueError`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from . import _alibaba_state as alibaba
from . import _taobao_state as taobao
from ._alibaba_views import buyer_view
from ._routes import UNPUBLISHED_TAOBAO_ENDPOINTS, Handler
from ._state import FakeState
from ._validation import FakeAPIError

__all__ = ["AlibabaControls", "TaobaoControls", "UnpublishedTaobaoEndpoint"]

UnpublishedTaobaoEndpoint = Literal["pay", "detail", "list", "cancel"]
_Result = TypeVar("_Result")


def _call(method: Callable[..., _Result], *args: Any, **kwargs: Any) -> _Result:
    try:
        return method(*args, **kwargs)
    except FakeAPIError as error:
        raise ValueError(error.msg) from None


def _identifier(value: object, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(f"{field} must be a string or an int, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{field} must not be empty")
    return text


def _fen(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int (fen), got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{field} must be >= 0, got {value}")
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"count must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"count must be >= 0, got {value}")
    return value


def _optional_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string or None")
    return value


class AlibabaControls:
    """``fake.alibaba``: the 1688 side. Order statuses are 1688's ``baseInfo.status``
    (``waitbuyerpay`` -> ``waitsellersend`` -> ``waitbuyerreceive`` -> ``confirm_goods``, or
    ``cancel``); refund states are 1688's (``waitselleragree``, ``waitbuyersend``,
    ``waitsellerreceive``, ``waitbuyermodify``, ``refundsuccess``, ``refundclose``)."""

    def __init__(self, state: FakeState) -> None:
        self._state = state

    def create_orders(self, count: int, *, amount_fen: int = 1000) -> list[str]:
        """Create ``count`` unpaid orders of ``amount_fen`` each (pushes ``ORDER_CREATE`` for
        each); their 19-digit ids."""
        return self._state.create_alibaba_orders(_count(count), _fen(amount_fen, "amount_fen"))

    def pay(self, order_id: str | int) -> None:
        """The order is paid (``waitbuyerpay`` -> ``waitsellersend``; pushes
        ``ORDER_PAY_SUCCESS``), as if paid outside the API: the credit limit is not applied,
        the payment is counted in ``fake.payment_counts`` and ``fake.paid_total_fen``."""
        order = _call(self._state.alibaba_order, _identifier(order_id, "order_id"))
        if order.status != "waitbuyerpay":
            raise ValueError(f"order {order.order_id} is {order.status}; only waitbuyerpay "
                             "orders can be paid")
        self._state._pay(order)

    def ship(self, order_id: str | int, *, company: str | None = None,
             tracking_number: str | None = None) -> str:
        """The seller ships a paid order (``waitsellersend`` -> ``waitbuyerreceive``; pushes
        ``ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS``). The order detail's
        ``nativeLogistics.logisticsItems`` then reports ``company`` (default 顺丰速运) and
        ``tracking_number`` (default: a made-up one). Returns the tracking number."""
        order = _call(self._state.ship_alibaba_order, _identifier(order_id, "order_id"),
                      _optional_text(company, "company"),
                      _optional_text(tracking_number, "tracking_number"))
        assert order.logistics_bill_no is not None
        return order.logistics_bill_no

    def confirm_receipt(self, order_id: str | int) -> None:
        """The buyer confirms receipt of every item of a shipped order (``waitbuyerreceive`` ->
        ``confirm_goods``; pushes ``ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS``), as
        ``/alibaba/order/receivegoods`` would."""
        order = _call(self._state.alibaba_order, _identifier(order_id, "order_id"))
        result = self._state.receive_alibaba_goods(
            order.order_id, [item.sub_item_id for item in order.items])
        if not result["success"]:
            raise ValueError(f"order {order.order_id}: {result['errorInfo']}")

    def change_price(self, order_id: str | int, total_fen: int) -> None:
        """The seller changes an unpaid order's total (pushes
        ``1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`` with the buyer-view order detail)."""
        _call(self._state.change_alibaba_price, _identifier(order_id, "order_id"),
              _fen(total_fen, "total_fen"))

    def close(self, order_id: str | int, reason: str = "buyer cancelled") -> None:
        """Close an unpaid order (``waitbuyerpay`` -> ``cancel``; pushes ``ORDER_CANCEL``)."""
        _call(self._state.cancel_alibaba_order, _identifier(order_id, "order_id"), reason)

    def status(self, order_id: str | int) -> str:
        """The order's ``baseInfo.status``."""
        return _call(self._state.alibaba_order, _identifier(order_id, "order_id")).status

    def detail(self, order_id: str | int) -> dict[str, Any]:
        """The order as ``/alibaba/order/detail`` answers it (buyer view)."""
        order = _call(self._state.alibaba_order, _identifier(order_id, "order_id"))
        return buyer_view(order)

    def refund_status(self, refund_id: str) -> str:
        """The refund's status as ``/alibaba/refund/info`` reports it."""
        return _call(self._state.alibaba_refund, _identifier(refund_id, "refund_id")).status

    def agree_refund(self, refund_id: str) -> None:
        """The seller agrees and asks for the goods back (``waitselleragree`` ->
        ``waitbuyersend``; the buyer then returns them through
        ``/alibaba/refund/goods/return``). Pushes the refund message."""
        self._move(refund_id, alibaba.WAIT_BUYER_SEND)

    def refuse_refund(self, refund_id: str) -> None:
        """The seller refuses (-> ``waitbuyermodify``). Pushes the refund message."""
        self._move(refund_id, alibaba.WAIT_BUYER_MODIFY)

    def complete_refund(self, refund_id: str) -> None:
        """The money goes back to the buyer (-> ``refundsuccess``). Pushes the refund message."""
        self._move(refund_id, alibaba.REFUND_SUCCESS)

    def close_refund(self, refund_id: str) -> None:
        """The refund is closed without money (-> ``refundclose``). Pushes the refund message."""
        self._move(refund_id, alibaba.REFUND_CLOSE)

    def _move(self, refund_id: str, status: str) -> None:
        _call(alibaba.move_refund, self._state, _identifier(refund_id, "refund_id"), status)


class TaobaoControls:
    """``fake.taobao``: the Taobao side. Order statuses are the fake's integer codes (0
    awaiting payment -> 10 paid -> 11 shipped, or 4 closed; no documented answer carries a
    Taobao order status, so the library types none); refund states those of
    :class:`~pandapon_async.models.taobao.TaobaoRefundStatus` (10 applied -> 20 seller agreed
    -> 30 goods returned -> 100 refunded, or -10 refused, -20 closed)."""

    def __init__(self, state: FakeState,
                 register: Callable[[str, str, Handler], None]) -> None:
        self._state = state
        self._register = register

    def create_orders(self, count: int, *, amount_fen: int = 1000) -> list[str]:
        """Create ``count`` unpaid orders of one line worth ``amount_fen`` each (pushes
        ``ORDER_CREATE`` for each); their purchase order ids. Orders created through
        ``client.taobao.orders.create`` behave the same."""
        count = _count(count)
        amount_fen = _fen(amount_fen, "amount_fen")
        items = self._state.catalog.taobao_items
        ids = []
        for index in range(count):
            item = items[index % len(items)]
            line = {"itemId": str(item.item_id), "skuId": item.skus[0].sku_id, "quantity": 1,
                    "price": amount_fen, "title": item.title}
            order = self._state.create_taobao_order(
                [line], {"name": "测试", "mobile_phone": "15068763421", "state": "浙江省",
                         "city": "杭州市", "district": "余杭区", "address": "仓前街道"},
                purchase_amount=amount_fen)
            ids.append(order.purchase_order_id)
        return ids

    def pay(self, order_id: str | int) -> None:
        """The order is paid (0 or 1 -> 10; pushes ``ORDER_PAY_SUCCESS``), counted in
        ``fake.payment_counts`` and ``fake.paid_total_fen``."""
        _call(taobao.pay, self._state, _identifier(order_id, "order_id"))

    def ship(self, order_id: str | int, *, company: str | None = None,
             company_code: str | None = None, tracking_number: str | None = None) -> str:
        """The seller ships a paid order (10 -> 11; pushes
        ``ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS``). The logistics detail endpoints (v1 and v2) of
        every sub-order then report ``tracking_number`` as ``mailNo`` (default: a made-up
        one) and, where they list a logistics partner, ``company`` (default 圆通速递); before
        shipment they report no package. Returns the tracking number."""
        order = _call(taobao.ship, self._state, _identifier(order_id, "order_id"),
                      company=_optional_text(company, "company"),
                      company_code=_optional_text(company_code, "company_code"),
                      tracking_number=_optional_text(tracking_number, "tracking_number"))
        assert order.tracking_number is not None
        return order.tracking_number

    def change_price(self, order_id: str | int, total_fen: int) -> None:
        """The seller changes an unpaid order's total, spread over its sub-orders in proportion
        (pushes ``TAOBAO_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY`` with ``salesOrderId`` and
        ``subOrders``, as documented)."""
        _call(taobao.change_price, self._state, _identifier(order_id, "order_id"),
              _fen(total_fen, "total_fen"))

    def close(self, order_id: str | int, reason: str = "buyer cancelled") -> None:
        """Close an unpaid order (0 or 1 -> 4; pushes ``ORDER_CANCEL``)."""
        _call(taobao.close, self._state, _identifier(order_id, "order_id"), reason)

    def status(self, order_id: str | int) -> int:
        """The order's status code."""
        return _call(self._state.taobao_order, _identifier(order_id, "order_id")).status

    def sub_order_ids(self, order_id: str | int) -> list[str]:
        """The order's sub-purchase-order ids (what the logistics and refund endpoints take)."""
        order = _call(self._state.taobao_order, _identifier(order_id, "order_id"))
        return [line["subPurchaseOrderId"] for line in order.lines]

    def detail(self, order_id: str | int) -> dict[str, Any]:
        """The order as the fake's order detail answers it (see :meth:`serve_unpublished`)."""
        order = _call(self._state.taobao_order, _identifier(order_id, "order_id"))
        return taobao.order_view(self._state, order)

    def refund_status(self, refund_id: str) -> int:
        """The refund's status code, as the refund query endpoints report it."""
        return _call(self._state.taobao_refund, _identifier(refund_id, "refund_id")).status

    def agree_refund(self, refund_id: str) -> None:
        """The seller agrees (10 -> 20). Pushes the refund message."""
        self._move(refund_id, taobao.REFUND_AGREED)

    def refuse_refund(self, refund_id: str, reason: str = "seller refused") -> None:
        """The seller refuses (10, 20 or 30 -> -10); the refund query reports ``reason`` as
        ``sellerRefuseReason``. Pushes the refund message."""
        self._move(refund_id, taobao.REFUND_REFUSED, reason=reason)

    def complete_refund(self, refund_id: str) -> None:
        """The money goes back (10, 20 or 30 -> 100); the order's refunded amount grows by the
        sub-order's amount. Pushes the refund message."""
        self._move(refund_id, taobao.REFUNDED)

    def close_refund(self, refund_id: str) -> None:
        """The refund is closed without money (10, 20 or 30 -> -20). Pushes the refund
        message."""
        self._move(refund_id, taobao.REFUND_CLOSED)

    def _move(self, refund_id: str, status: int, *, reason: str | None = None) -> None:
        _call(taobao.move_refund, self._state, _identifier(refund_id, "refund_id"), status,
              reason=reason)

    def serve_unpublished(self, endpoint: UnpublishedTaobaoEndpoint, path: str, *,
                          method: str | None = None) -> None:
        """Serve a Taobao endpoint the platform documents by name only, on ``path``.

        ``endpoint`` is ``"pay"`` (pay for the order, POST), ``"detail"`` (the order by id,
        GET), ``"list"`` (orders by page, GET) or ``"cancel"`` (cancel the order, POST); the
        method defaults to the one the platform's navigation shows. Their paths and shapes
        are not public, so the fake serves none of them unless asked: pass the path you know.
        They take the order id as ``purchaseOrderId`` (or ``orderId``); the list takes
        ``pageNo``, ``pageSize`` and an optional ``status``. Their answers use the fake's own
        order shape (:meth:`detail`), which the platform's may not match. Paying through it
        is a payment like :meth:`pay` (counted, pushes ``ORDER_PAY_SUCCESS``); paying an order
        that is not unpaid answers 400 "订单状态不允许支付".
        """
        if endpoint not in UNPUBLISHED_TAOBAO_ENDPOINTS:
            raise ValueError(f"endpoint must be one of {sorted(UNPUBLISHED_TAOBAO_ENDPOINTS)}, "
                             f"got {endpoint!r}")
        if not isinstance(path, str) or not path.startswith("/") or "{" in path:
            raise ValueError(f"path must be a literal path starting with '/', got {path!r}")
        default_method, handler = UNPUBLISHED_TAOBAO_ENDPOINTS[endpoint]
        chosen = (method or default_method).upper()
        if chosen not in ("GET", "POST"):
            raise ValueError(f"method must be 'GET' or 'POST', got {method!r}")
        self._register(chosen, path, handler)
