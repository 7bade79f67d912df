"""Bulk helpers: fan-out under the client's limits, reports, never paying an order twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import PandaPonClient

__all__ = ["BulkNamespace"]


class BulkNamespace:
    def __init__(self, client: PandaPonClient) -> None:
        self._client = client
