"""Typed endpoint namespaces, one module per platform area.

Naming: a method without suffix calls the v1 endpoint; where the v2 documentation describes an
endpoint v1 also has, the v2 one is the same name with ``_v2``; an endpoint documented only in
v2 takes the plain name. Every declared endpoint is in :data:`ENDPOINTS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._endpoint import ENDPOINTS, Endpoint
from .alibaba import (
    AlibabaCart,
    AlibabaGoods,
    AlibabaMarketing,
    AlibabaNamespace,
    AlibabaOrders,
    AlibabaRefunds,
)
from .foundation import FoundationNamespace
from .logistics import LogisticsNamespace
from .taobao import TaobaoCart, TaobaoGoods, TaobaoNamespace, TaobaoOrders, TaobaoRefunds

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = [
    "ENDPOINTS",
    "AlibabaCart",
    "AlibabaGoods",
    "AlibabaMarketing",
    "AlibabaNamespace",
    "AlibabaOrders",
    "AlibabaRefunds",
    "Endpoint",
    "FoundationNamespace",
    "LogisticsNamespace",
    "TaobaoCart",
    "TaobaoGoods",
    "TaobaoNamespace",
    "TaobaoOrders",
    "TaobaoRefunds",
    "bind_namespaces",
]


def bind_namespaces(client: PandaPonClient) -> None:
    """Attach ``client.taobao``, ``client.alibaba``, ``client.foundation``, ``client.logistics``."""
    client.taobao = TaobaoNamespace(client)
    client.alibaba = AlibabaNamespace(client)
    client.foundation = FoundationNamespace(client)
    client.logistics = LogisticsNamespace(client)
