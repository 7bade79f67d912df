"""Typed endpoint namespaces, one package or module per platform area.

Naming: where v1 and v2 take the same request, one method calls both, picked by the keyword
``version`` (1, the default, or 2; iterators take it too). Where the requests differ, the v2
method is a separate one named with ``_v2`` (``alibaba.orders.preview_v2``); an endpoint
documented only in v2 takes the plain name. Every declared endpoint is in :data:`ENDPOINTS`,
under a stable registry name (``alibaba.goods.search_keywords_v2``): :func:`method_for` says
which method sends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._endpoint import ENDPOINTS, Endpoint
from . import alibaba, taobao
from ._base import Resource, Version
from .alibaba import *  # noqa: F403
from .foundation import FoundationNamespace
from .logistics import LogisticsNamespace
from .taobao import *  # noqa: F403

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "FoundationNamespace",
    "LogisticsNamespace",
    "Version",
    "bind_namespaces",
    "method_for",
    *alibaba.__all__,
    *taobao.__all__,
]

# Where each registry name's owner lives: "alibaba.goods" -> the class of client.alibaba.goods.
_OWNERS: dict[str, type[Resource]] = {
    "alibaba.goods": alibaba.AlibabaGoods,
    "alibaba.orders": alibaba.AlibabaOrders,
    "alibaba.refunds": alibaba.AlibabaRefunds,
    "alibaba.cart": alibaba.AlibabaCart,
    "alibaba.marketing": alibaba.AlibabaMarketing,
    "taobao.goods": taobao.TaobaoGoods,
    "taobao.orders": taobao.TaobaoOrders,
    "taobao.refunds": taobao.TaobaoRefunds,
    "taobao.cart": taobao.TaobaoCart,
    "foundation": FoundationNamespace,
    "logistics": LogisticsNamespace,
}


def bind_namespaces(client: PandaPonClient) -> None:
    """Attach ``client.taobao``, ``client.alibaba``, ``client.foundation``, ``client.logistics``."""
    client.taobao = taobao.TaobaoNamespace(client)
    client.alibaba = alibaba.AlibabaNamespace(client)
    client.foundation = FoundationNamespace(client)
    client.logistics = LogisticsNamespace(client)


def method_for(endpoint_name: str) -> tuple[str, Version | None]:
    """The typed method (path from the client) that sends the endpoint named ``endpoint_name``,
    and the ``version`` to pass it (``None``: none needed).

    ``method_for("alibaba.goods.search_keywords_v2") == ("alibaba.goods.search_keywords", 2)``;
    ``method_for("alibaba.orders.preview_v2") == ("alibaba.orders.preview_v2", None)``.
    ``KeyError`` for a name no method sends.
    """
    owner_name, _, method = endpoint_name.rpartition(".")
    owner = _OWNERS[owner_name]
    if callable(getattr(owner, method, None)):
        return endpoint_name, None
    stem = method.removesuffix("_v2")
    if stem != method and callable(getattr(owner, stem, None)):
        return f"{owner_name}.{stem}", 2
    raise KeyError(endpoint_name)
