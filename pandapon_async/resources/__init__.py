"""Typed endpoint namespaces, one module per platform area."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["bind_namespaces"]


def bind_namespaces(client: PandaPonClient) -> None:
    """Attach ``client.taobao``, ``client.alibaba``, ``client.foundation``, ``client.logistics``."""
