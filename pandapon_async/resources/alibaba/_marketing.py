"""``client.alibaba.marketing``: the 1688 marketing lists (no public path yet)."""

from __future__ import annotations

from .._base import Resource

__all__ = ["AlibabaMarketing"]


class AlibabaMarketing(Resource):
    """1688 marketing lists (global strict selection, 1688 strict selection, hot-selling list).

    Their paths are not public, so this library declares no method for them: call them with
    ``client.call(method, path, json=...)`` once you know the path.
    """
