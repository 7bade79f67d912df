"""Plumbing shared by the fake's route handlers: the handler type, paging, JSON-text fields,
required ids and cart rows."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from .._state import FakeState
from .._validation import FakeAPIError, bad_request

Handler = Callable[[FakeState, dict[str, Any], str | None], Any]
DISTRIBUTOR_ID = "1014533973088404335"


def paged(args: Mapping[str, Any], items: list[Any], *, page_key: str = "beginPage",
          default_size: int = 20, max_size: int | None = None) -> dict[str, Any]:
    # ``max_size`` only where a page documents one (Taobao search: 40): the platform publishes
    # no other page-size limit, so the fake invents none.
    page = int(args.get(page_key) or args.get("pageNo") or 1)
    size = int(args.get("pageSize") or default_size)
    if page < 1:
        raise bad_request(page_key, "must be >= 1")
    if size < 1 or (max_size is not None and size > max_size):
        raise bad_request("pageSize", f"must be between 1 and {max_size}")
    start = (page - 1) * size
    return {
        "totalRecords": len(items),
        "totalPage": max(1, math.ceil(len(items) / size)),
        "pageSize": size,
        "currentPage": page,
        "data": items[start:start + size],
    }


def json_text(args: Mapping[str, Any], name: str, kind: type) -> Any:
    """Fields that carry JSON text inside the JSON body (orderLineList, receiver, params…)."""
    raw = args.get(name)
    if isinstance(raw, kind):
        return raw
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if not isinstance(value, kind):
        expected = "array" if kind is list else "object"
        raise bad_request(name, f"must be JSON text of an {expected}")
    return value


def order_id_arg(args: Mapping[str, Any], name: str = "orderId") -> str:
    value = args.get(name)
    if value is None or value == "":
        raise bad_request(name, "is required")
    return str(value).strip()


def cart_rows(cart: Mapping[int, dict[str, Any]], args: Mapping[str, Any], field: str
               ) -> list[tuple[int, dict[str, Any]]]:
    """The cart rows named by the id list ``field``, in the order given."""
    ids = [int(i) for i in args.get(field) or ()]
    if not ids:
        raise bad_request(field, "must not be empty")
    rows = []
    for cart_id in ids:
        row = cart.get(cart_id)
        if row is None:
            raise FakeAPIError(400, f"{field}: 购物车记录不存在 (no cart row {cart_id})")
        rows.append((cart_id, row))
    return rows
