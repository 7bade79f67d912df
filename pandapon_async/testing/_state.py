"""The fake's in-memory platform: orders through their life, carts, addresses, refunds."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from . import _taobao_state
from ._alibaba_views import buyer_view, order_event_body
from ._catalog import AlibabaOffer, AlibabaSku, Catalog, TaobaoItem
from ._orders import (
    BUYER_SUFFIX,
    AlibabaOrder,
    AlibabaOrderItem,
    AlibabaRefund,
    TaobaoOrder,
    TaobaoRefund,
)
from ._validation import FakeAPIError

__all__ = ["FakeState"]

PAY_FAIL_STATE = "订单状态不允许支付"
PAY_FAIL_UNKNOWN = "订单不存在"
PAY_FAIL_CREDIT = "账户额度不足"
PAYABLE = "waitbuyerpay"
PAID_STATES = frozenset({"waitsellersend", "waitbuyerreceive", "confirm_goods", "success"})

Emit = Callable[[str, dict[str, Any], int], None]
_Record = TypeVar("_Record")
# Refund states after which a sub-order may be refunded anew: refunded, refused, closed.
_REFUND_FINISHED: frozenset[int] = frozenset({100, -10, -20})


def _look_up(table: Mapping[str, _Record], key: object, not_found: str) -> _Record:
    """``table[key]`` (the key as text, trimmed), or the platform's 404 naming what is missing."""
    found = table.get(str(key).strip())
    if found is None:
        raise FakeAPIError(404, f"{not_found}: {key}")
    return found


class FakeState:
    """Every piece of platform state, changed only by synchronous methods (no awaits), so a
    request either happens entirely or not at all."""

    def __init__(self, seed: int, clock: Callable[[], float], emit: Emit) -> None:
        self.rng = random.Random(seed)
        self.clock = clock
        self.emit = emit
        self.catalog = Catalog(random.Random(seed))
        self.alibaba_orders: dict[str, AlibabaOrder] = {}
        self.alibaba_refunds: dict[str, AlibabaRefund] = {}
        self.taobao_orders: dict[str, TaobaoOrder] = {}
        self.taobao_sub_orders: dict[str, tuple[TaobaoOrder, dict[str, Any]]] = {}
        self.taobao_refunds: dict[str, TaobaoRefund] = {}
        self.taobao_cart: dict[int, dict[str, Any]] = {}
        self.alibaba_cart: dict[int, dict[str, Any]] = {}
        self.addresses: dict[int, dict[str, Any]] = {}
        self.freight_renders: dict[str, dict[str, Any]] = {}
        self.payment_counts: dict[str, int] = {}
        self.pay_attempts: dict[str, int] = {}
        self.credit_limit_fen: int | None = None
        self.paid_total_fen = 0
        self._issued: set[str] = set()
        self._next_cart_id = 75
        self._next_address_id = 1
        self._next_taobao_id = 200_000_000_000 + self.rng.randrange(1_000_000, 9_000_000) * 1000
        self._next_refund = 110_000_300_000 + self.rng.randrange(0, 1000)
        self._seed_defaults()

    # -- ids ---------------------------------------------------------------------------------

    def new_alibaba_order_id(self) -> str:
        while True:
            order_id = f"{self.rng.randrange(2_050_000_000_000, 2_070_000_000_000)}{BUYER_SUFFIX}"
            if order_id not in self._issued:
                self._issued.add(order_id)
                return order_id

    def _new_sub_item_id(self) -> str:
        while True:
            sub_id = str(self.rng.randrange(2_050_000_000_000_000_000, 2_069_999_999_999_999_999))
            if sub_id not in self._issued:
                self._issued.add(sub_id)
                return sub_id

    def _new_taobao_id(self) -> str:
        self._next_taobao_id += self.rng.randrange(1, 50)
        return str(self._next_taobao_id)

    def _seed_defaults(self) -> None:
        self.add_address({"name": "测试", "province": "浙江省", "city": "杭州市",
                          "district": "余杭区", "address": "仓前街道欧美金融城2幢1103",
                          "phone": "18720122943"})
        for offer in self.catalog.alibaba_offers[:3]:
            self.add_alibaba_cart_item(offer.skus[0].spec_id, 2)

    # -- 1688 orders ---------------------------------------------------------------------------

    def create_alibaba_order(
        self,
        lines: list[tuple[AlibabaOffer, AlibabaSku, int]],
        *,
        address: Mapping[str, Any] | None = None,
        flow: str = "general",
        message: str | None = None,
        shipping_fee_fen: int | None = None,
        unit_price_fen: int | None = None,
    ) -> AlibabaOrder:
        offer = lines[0][0]
        items = [
            AlibabaOrderItem(self._new_sub_item_id(), line_offer, sku, quantity,
                             sku.price_fen if unit_price_fen is None else unit_price_fen)
            for line_offer, sku, quantity in lines
        ]
        fee = shipping_fee_fen if shipping_fee_fen is not None else 600 if len(items) else 0
        order = AlibabaOrder(
            order_id=self.new_alibaba_order_id(),
            status=PAYABLE,
            seller_open_id=offer.seller_open_id,
            company_name=offer.company_name,
            items=items,
            shipping_fee_fen=fee,
            create_time=self.clock(),
            address=dict(address or self._default_1688_address()),
            flow=flow,
            message=message,
        )
        self.alibaba_orders[order.order_id] = order
        self.emit("ORDER_CREATE", order_event_body(order), 1)
        return order

    def create_alibaba_orders(self, count: int, amount_fen: int) -> list[str]:
        ids = []
        offers = self.catalog.alibaba_offers
        for index in range(count):
            offer = offers[index % len(offers)]
            order = self.create_alibaba_order(
                [(offer, offer.skus[0], 1)], shipping_fee_fen=0, unit_price_fen=amount_fen
            )
            ids.append(order.order_id)
        return ids

    def _default_1688_address(self) -> dict[str, Any]:
        return {"fullName": "测试", "mobile": "18720122943", "phone": "", "postCode": "311121",
                "provinceText": "浙江省", "cityText": "杭州市", "areaText": "余杭区",
                "townText": "", "address": "仓前街道欧美金融城2幢1103"}

    def alibaba_order(self, order_id: object) -> AlibabaOrder:
        return _look_up(self.alibaba_orders, order_id, "订单不存在 (order not found)")

    def batch_pay(self, order_ids: list[str]) -> dict[str, Any]:
        success: list[str] = []
        failed: list[dict[str, str]] = []
        for order_id in order_ids:
            self.pay_attempts[order_id] = self.pay_attempts.get(order_id, 0) + 1
            order = self.alibaba_orders.get(order_id)
            if order is None:
                failed.append({"orderId": order_id, "errorReason": PAY_FAIL_UNKNOWN})
            elif order.status != PAYABLE:
                failed.append({"orderId": order_id, "errorReason": PAY_FAIL_STATE})
            elif (self.credit_limit_fen is not None
                  and self.paid_total_fen + order.total_fen > self.credit_limit_fen):
                failed.append({"orderId": order_id, "errorReason": PAY_FAIL_CREDIT})
            else:
                self._pay(order)
                success.append(order_id)
        return {"successOrderIds": success, "payFailOrders": failed}

    def _pay(self, order: AlibabaOrder) -> None:
        order.status = "waitsellersend"
        order.pay_time = self.clock()
        self.paid_total_fen += order.total_fen
        self.payment_counts[order.order_id] = self.payment_counts.get(order.order_id, 0) + 1
        self.emit("ORDER_PAY_SUCCESS", order_event_body(order), 1)

    def cancel_alibaba_order(self, order_id: str, reason: str) -> AlibabaOrder:
        order = self.alibaba_order(order_id)
        if order.status != PAYABLE:
            raise FakeAPIError(
                400, f"订单状态不允许取消 (order {order_id} is {order.status}; only unpaid "
                "orders can be cancelled)")
        order.status = "cancel"
        order.close_reason = reason
        self.emit("ORDER_CANCEL", order_event_body(order), 1)
        return order

    def ship_alibaba_order(self, order_id: str, company: str | None = None,
                           tracking_number: str | None = None) -> AlibabaOrder:
        order = self.alibaba_order(order_id)
        if order.status != "waitsellersend":
            raise FakeAPIError(400, f"order {order_id} is {order.status}, not waitsellersend")
        order.status = "waitbuyerreceive"
        order.ship_time = self.clock()
        order.logistics_bill_no = tracking_number or f"SF{self.rng.randrange(10**12, 10**13)}"
        if company is not None:
            order.logistics_company_name = company
        self.emit("ORDER_BUYER_VIEW_ANNOUNCE_SENDGOODS", order_event_body(order), 1)
        return order

    def receive_alibaba_goods(self, order_id: str, entry_ids: list[str]) -> dict[str, Any]:
        order = self.alibaba_order(order_id)
        if order.status != "waitbuyerreceive":
            return {"success": False, "errorCode": "ORDER_STATUS_NOT_ALLOWED",
                    "errorInfo": f"订单状态不允许确认收货 (order is {order.status})"}
        by_id = {item.sub_item_id: item for item in order.items}
        unknown = [entry for entry in entry_ids if entry not in by_id]
        if unknown or not entry_ids:
            return {"success": False, "errorCode": "ORDER_ENTRY_NOT_FOUND",
                    "errorInfo": f"子订单不存在 (unknown order entry ids {unknown})"}
        for entry in entry_ids:
            by_id[entry].received = True
        if all(item.received for item in order.items):
            order.status = "confirm_goods"
            order.receive_time = self.clock()
            self.emit("ORDER_BUYER_VIEW_ORDER_COMFIRM_RECEIVEGOODS", order_event_body(order), 1)
        return {"success": True, "errorInfo": "", "errorCode": ""}

    def change_alibaba_price(self, order_id: str, total_fen: int) -> AlibabaOrder:
        order = self.alibaba_order(order_id)
        if order.status != PAYABLE:
            raise FakeAPIError(400, f"order {order_id} is {order.status}; price is fixed")
        product_fen = max(total_fen - order.shipping_fee_fen, 0)
        quantity = sum(item.quantity for item in order.items) or 1
        for item in order.items:
            item.price_fen = product_fen // quantity
        order.shipping_fee_fen = total_fen - sum(i.price_fen * i.quantity for i in order.items)
        self.emit("1688_ORDER_BUYER_VIEW_ORDER_PRICE_MODIFY", buyer_view(order), 1)
        return order

    def create_alibaba_refund(self, order_id: str, payload: Mapping[str, Any]) -> AlibabaRefund:
        order = self.alibaba_order(order_id)
        if order.status not in PAID_STATES:
            raise FakeAPIError(400, f"订单状态不允许退款 (order {order_id} is {order.status})")
        entries = [str(e) for e in payload.get("orderEntryIds") or ()] or [
            item.sub_item_id for item in order.items]
        by_id = {item.sub_item_id: item for item in order.items}
        for entry in entries:
            if entry not in by_id:
                raise FakeAPIError(400, f"orderEntryIds: unknown order entry {entry}")
        apply_payment = int(payload["applyPayment"])
        if apply_payment > order.total_fen:
            raise FakeAPIError(400, "applyPayment: more than the order's total")
        refund_id = f"TQ{self.rng.randrange(10**17, 10**18)}"
        refund = AlibabaRefund(
            refund_id=refund_id, order_id=order.order_id, entry_ids=entries,
            apply_payment=apply_payment, apply_carriage=int(payload["applyCarriage"]),
            apply_reason_id=int(payload["applyReasonId"]),
            description=str(payload["description"]),
            dispute_request=str(payload["disputeRequest"]),
            goods_status=str(payload["goodsStatus"]), create_time=self.clock(),
        )
        self.alibaba_refunds[refund_id] = refund
        order.refund_status = "waitselleragree"
        order.refund_fen += apply_payment
        for entry in entries:
            by_id[entry].refund_status = "waitselleragree"
        self.emit("ORDER_BUYER_VIEW_ORDER_BUYER_REFUND",
                  {"refundId": refund_id, **order_event_body(order)}, 1)
        return refund

    def alibaba_refund(self, refund_id: object) -> AlibabaRefund:
        return _look_up(self.alibaba_refunds, refund_id, "售后单不存在 (refund not found)")

    # -- carts and addresses -------------------------------------------------------------------

    def add_alibaba_cart_item(self, spec_id: str, quantity: int) -> int:
        found = self.catalog.alibaba_spec(spec_id)
        if found is None:
            raise ValueError(f"unknown 1688 spec id {spec_id!r}")
        offer, sku = found
        cart_id = self._next_cart_id
        self._next_cart_id += 1
        self.alibaba_cart[cart_id] = {"offer": offer, "sku": sku, "quantity": quantity,
                                      "productNo": None, "container": None}
        return cart_id

    def add_taobao_cart_item(self, payload: Mapping[str, Any], item: TaobaoItem | None) -> int:
        cart_id = self._next_cart_id
        self._next_cart_id += 1
        row = dict(payload)
        row["item"] = item
        self.taobao_cart[cart_id] = row
        return cart_id

    def add_address(self, payload: Mapping[str, Any]) -> int:
        address_id = payload.get("id")
        if address_id not in (None, "", 0, "0"):
            key = int(address_id)
            if key not in self.addresses:
                raise FakeAPIError(404, f"地址不存在 (address not found): {address_id}")
            self.addresses[key].update(
                {k: v for k, v in payload.items() if k != "id" and v is not None})
            return key
        key = self._next_address_id
        self._next_address_id += 1
        self.addresses[key] = {"id": key, **{k: v for k, v in payload.items() if k != "id"}}
        return key

    # -- Taobao orders and refunds -----------------------------------------------------------

    def create_taobao_order(
        self,
        lines: list[dict[str, Any]],
        receiver: Mapping[str, Any],
        *,
        purchase_amount: int | None = None,
        seller_order_number: str | None = None,
        order_source: str | None = None,
    ) -> TaobaoOrder:
        order_id = self._new_taobao_id()
        stored = []
        for line in lines:
            sub_id = self._new_taobao_id()
            stored.append({**line, "subPurchaseOrderId": sub_id})
        amount = purchase_amount if purchase_amount is not None else sum(
            int(line.get("price") or 0) * int(line.get("quantity") or 0) for line in lines)
        order = TaobaoOrder(order_id, 0, stored, dict(receiver), amount, self.clock(),
                            seller_order_number, order_source)
        self.taobao_orders[order_id] = order
        for line in stored:
            self.taobao_sub_orders[line["subPurchaseOrderId"]] = (order, line)
        _taobao_state.order_event(self, "ORDER_CREATE", order)
        return order

    def taobao_order(self, order_id: object) -> TaobaoOrder:
        return _look_up(self.taobao_orders, order_id, "订单不存在 (order not found)")

    def taobao_sub_order(self, sub_id: object) -> tuple[TaobaoOrder, dict[str, Any]]:
        return _look_up(self.taobao_sub_orders, sub_id, "子订单不存在 (sub-order not found)")

    def create_taobao_refund(self, sub_id: str, refund_type: int, goods_status: int
                             ) -> TaobaoRefund:
        """The sub-order's open refund, or a new one: rendering is a read, so rendering the
        same sub-order again (a retry) must not open a second refund."""
        order, line = self.taobao_sub_order(sub_id)
        for existing in self.taobao_refunds.values():
            if existing.sub_purchase_order_id == sub_id and existing.status not in (
                _REFUND_FINISHED
            ):
                return existing
        self._next_refund += self.rng.randrange(1, 20)
        refund = TaobaoRefund(str(self._next_refund), order.purchase_order_id, sub_id, line,
                              refund_type, goods_status, self.clock())
        self.taobao_refunds[refund.refund_id] = refund
        _taobao_state.refund_event(self, refund)
        return refund

    def taobao_refund(self, refund_id: object) -> TaobaoRefund:
        return _look_up(self.taobao_refunds, refund_id, "逆向单不存在 (refund not found)")

    def now_utc(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)
