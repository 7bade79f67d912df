"""``client.alibaba``: 1688 goods, orders and payment, after-sales, cart and marketing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._cart import AlibabaCart
from ._goods import AlibabaGoods, AlibabaSearchFilters
from ._marketing import AlibabaMarketing
from ._orders import AlibabaOrderOptions, AlibabaOrders
from ._refunds import AlibabaRefunds

if TYPE_CHECKING:
    from ..._client import PandaPonClient

__all__ = [
    "AlibabaCart",
    "AlibabaGoods",
    "AlibabaMarketing",
    "AlibabaNamespace",
    "AlibabaOrderOptions",
    "AlibabaOrders",
    "AlibabaRefunds",
    "AlibabaSearchFilters",
]


class AlibabaNamespace:
    """``client.alibaba``: ``goods``, ``orders``, ``refunds``, ``cart``, ``marketing``."""

    def __init__(self, client: PandaPonClient) -> None:
        self.goods = AlibabaGoods(client)
        self.orders = AlibabaOrders(client)
        self.refunds = AlibabaRefunds(client)
        self.cart = AlibabaCart(client)
        self.marketing = AlibabaMarketing(client)
