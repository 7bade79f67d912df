"""The fake's warehouse-logistics routes: freight quotes, rendering and booking."""

from __future__ import annotations

from typing import Any

from .._state import FakeState
from .._validation import FakeAPIError, bad_request


def _freight_items(items: list[Any], field: str) -> tuple[list[dict[str, Any]], int]:
    rendered = []
    total = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad_request(f"{field}[{index}]", "must be an object")
        quantity = int(item.get("quantity") or 1)
        freight = 1500 + 800 * quantity
        total += freight
        info = item.get("freightInfo") or {}
        rendered.append({"itemId": item.get("itemId"), "skuId": item.get("skuId"),
                         "quantity": quantity, "freight": freight, "currency": "CNY",
                         "serviceId": info.get("serviceId") if isinstance(info, dict) else None})
    return rendered, total


# -- handlers ----------------------------------------------------------------------------------


def h_freight_render(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    items, total = _freight_items(args.get("renderItems") or [], "renderItems")
    if not items:
        raise bad_request("renderItems", "must not be empty")
    render_id = f"FF{state.now_utc():%Y%m%d}{len(state.freight_renders) + 1:05d}"
    state.freight_renders[render_id] = {"items": items, "total": total}
    return {"renderId": render_id, "currency": "CNY", "totalFreight": total,
            "renderItems": items}


def h_freight_booking(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    render_id = args.get("renderId")
    if render_id and render_id not in state.freight_renders:
        raise FakeAPIError(400, f"renderId: 运费预览不存在 (unknown render id {render_id})")
    _items, total = _freight_items(args.get("lineItems") or [], "lineItems")
    return {"bookingOrderId": f"FB{state.rng.randrange(10**11, 10**12)}",
            "renderId": render_id, "totalFreight": total, "currency": "CNY",
            "status": "CREATED"}


def h_update_logistic_info(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return True


def h_item_freight(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    quantity = int(args.get("quantity") or 1)
    return [
        {"serviceId": "1", "companyName": "云途物流", "serviceCategory": "STANDARD",
         "freight": 1500 + 800 * quantity, "currency": "CNY", "minDays": 7, "maxDays": 15},
        {"serviceId": "2", "companyName": "燕文物流", "serviceCategory": "ECONOMY",
         "freight": 1000 + 500 * quantity, "currency": "CNY", "minDays": 12, "maxDays": 25},
    ]
