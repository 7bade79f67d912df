"""``client.taobao``: Taobao goods, orders, after-sales (reverse orders) and cart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._cart import TaobaoCart, TaobaoCartLineOptions, TaobaoCartLineV2Options
from ._goods import TaobaoGoods
from ._orders import TaobaoOrders
from ._refunds import TaobaoRefundFilters, TaobaoRefunds

if TYPE_CHECKING:
    from ..._client import PandaPonClient

__all__ = [
    "TaobaoCart",
    "TaobaoCartLineOptions",
    "TaobaoCartLineV2Options",
    "TaobaoGoods",
    "TaobaoNamespace",
    "TaobaoOrders",
    "TaobaoRefundFilters",
    "TaobaoRefunds",
]


class TaobaoNamespace:
    """``client.taobao``: ``goods``, ``orders``, ``refunds``, ``cart``."""

    def __init__(self, client: PandaPonClient) -> None:
        self.goods = TaobaoGoods(client)
        self.orders = TaobaoOrders(client)
        self.refunds = TaobaoRefunds(client)
        self.cart = TaobaoCart(client)
