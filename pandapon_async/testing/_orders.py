"""The fake's order and refund records (1688 and Taobao), and the time and money formats
their views use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import attrs

from ._catalog import AlibabaOffer, AlibabaSku

__all__ = [
    "BUYER_SUFFIX",
    "AlibabaOrder",
    "AlibabaOrderItem",
    "AlibabaRefund",
    "TaobaoOrder",
    "TaobaoRefund",
    "fen_to_yuan",
    "format_1688_time",
    "format_plain_time",
]

# 1688 order ids end with the buyer's member suffix (the documented ids all end in 880794).
BUYER_SUFFIX = "880794"
_CHINA = timezone(timedelta(hours=8))


def fen_to_yuan(fen: int) -> float:
    return round(fen / 100.0, 2)


@lru_cache(maxsize=4096)
def format_1688_time(epoch: float | None) -> str | None:
    """1688's time format, e.g. ``20170913231727000+0800``."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, _CHINA)
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}+0800"


def format_plain_time(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, _CHINA).strftime("%Y-%m-%d %H:%M:%S")


@attrs.define
class AlibabaOrderItem:
    sub_item_id: str
    offer: AlibabaOffer
    sku: AlibabaSku
    quantity: int
    price_fen: int
    received: bool = False
    refund_status: str | None = None


@attrs.define
class AlibabaOrder:
    order_id: str
    status: str
    seller_open_id: str
    company_name: str
    items: list[AlibabaOrderItem]
    shipping_fee_fen: int
    create_time: float
    address: dict[str, Any]
    flow: str = "general"
    message: str | None = None
    pay_time: float | None = None
    ship_time: float | None = None
    receive_time: float | None = None
    close_reason: str | None = None
    refund_status: str | None = None
    refund_fen: int = 0
    logistics_bill_no: str | None = None
    logistics_company_name: str = "顺丰速运"

    @property
    def product_fen(self) -> int:
        return sum(item.price_fen * item.quantity for item in self.items)

    @property
    def total_fen(self) -> int:
        return self.product_fen + self.shipping_fee_fen


@attrs.define
class AlibabaRefund:
    refund_id: str
    order_id: str
    entry_ids: list[str]
    apply_payment: int
    apply_carriage: int
    apply_reason_id: int
    description: str
    dispute_request: str
    goods_status: str
    create_time: float
    status: str = "waitselleragree"
    freight_bill: str | None = None
    logistics_company_no: str | None = None


@attrs.define
class TaobaoOrder:
    purchase_order_id: str
    status: int
    lines: list[dict[str, Any]]
    receiver: dict[str, Any]
    purchase_amount: int
    create_time: float
    seller_order_number: str | None = None
    order_source: str | None = None
    warehouse_name: str | None = None
    warehouse_address: str | None = None
    pay_time: float | None = None
    ship_time: float | None = None
    close_reason: str | None = None
    logistics_company_name: str | None = None
    logistics_company_code: str | None = None
    tracking_number: str | None = None


@attrs.define
class TaobaoRefund:
    refund_id: str
    purchase_order_id: str
    sub_purchase_order_id: str
    line: dict[str, Any]
    refund_type: int
    goods_status: int
    create_time: float
    status: int = 10
    logistics_no: str | None = None
    logistics_company_code: str | None = None
    buyer_phone: str | None = None
    messages: list[str] = attrs.Factory(list)
    refuse_reason: str | None = None
