"""Every endpoint the fake serves: its validation (from the packaged spec) and its handler."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import attrs

from .._state import FakeState
from .._validation import FieldCheck, compile_fields, validate
from ._alibaba_goods import (
    h_alibaba_detail,
    h_alibaba_image,
    h_alibaba_keywords,
    h_alibaba_related,
    h_alibaba_seller,
)
from ._alibaba_orders import (
    h_alibaba_batch_create,
    h_alibaba_batch_pay,
    h_alibaba_cancel,
    h_alibaba_cart_list,
    h_alibaba_cart_order,
    h_alibaba_cart_preview,
    h_alibaba_cart_quantity,
    h_alibaba_create,
    h_alibaba_order_detail,
    h_alibaba_order_page,
    h_alibaba_pay_url,
    h_alibaba_preview,
    h_alibaba_receive,
    h_alibaba_refund_create,
    h_alibaba_refund_info,
    h_alibaba_refund_return,
)
from ._common import Handler
from ._foundation import h_address
from ._logistics import h_freight_booking, h_freight_render, h_item_freight, h_update_logistic_info
from ._taobao import (
    h_taobao_batch_check,
    h_taobao_cart_add,
    h_taobao_cart_order,
    h_taobao_im_link,
    h_taobao_logistics,
    h_taobao_order_create,
    h_taobao_pay_certificate,
    h_taobao_product,
    h_taobao_product_v2,
    h_taobao_refund_cancel,
    h_taobao_refund_list,
    h_taobao_refund_logistics,
    h_taobao_refund_message,
    h_taobao_refund_query,
    h_taobao_refund_query_v2,
    h_taobao_refund_render,
    h_taobao_search,
    h_taobao_source,
    h_taobao_update_warehouse,
)
from ._unpublished_taobao import UNPUBLISHED_TAOBAO_ENDPOINTS

__all__ = [
    "UNPUBLISHED_TAOBAO_ENDPOINTS",
    "Handler",
    "Route",
    "build_routes",
    "load_spec",
    "run_route",
]

# Requiredness the published schema gets wrong, per the notes in spec/endpoints.json.
_OPTIONAL: dict[str, frozenset[str]] = {
    # The warehouse-logistics pages show timestamp/sign as query parameters with an
    # undocumented rule: not body fields; FakePandaPon(require_logistics_query_signature=True)
    # demands them in the query string.
    "/open/pp/logistics/orderRenderFreight": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/updateLogisticInfo": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/orderBookingFreight": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/itemLogisticsPrice": frozenset({"timestamp", "sign"}),
    "/v2/open/pp/logistics/orderRenderFreight": frozenset({"timestamp", "sign"}),
    "/v2/open/pp/logistics/itemLogisticsPrice": frozenset({"timestamp", "sign"}),
    # Schema lists loginName/password/pageName/pageParamMap; the example sends sourceType/bizId.
    "/open/order/page/link/get": frozenset({"loginName", "password", "pageName",
                                            "pageParamMap"}),
    # Either imageBase64 or imageAddress (checked by the handler).
    "/alibaba/product/image/query": frozenset({"imageBase64"}),
    "/v2/alibaba/product/image/query": frozenset({"imageBase64"}),
}


@attrs.frozen
class Route:
    method: str
    path: str
    params_in: str
    checks: tuple[FieldCheck, ...]
    handler: Handler
    found: bool
    # A path known by name only that a test asked the fake to serve (``serve_unpublished``).
    asked_for: bool = False


@cache
def load_spec() -> tuple[dict[str, Any], ...]:
    """The endpoints copied from spec/endpoints.json into this package."""
    package = __name__.rpartition(".")[0]  # pandapon_async.testing
    text = resources.files(package).joinpath("_spec_examples.json").read_text("utf-8")
    return tuple(json.loads(text)["endpoints"])


_HANDLERS: dict[tuple[str, str], Handler] = {
    ("POST", "/open/product/batch/check"): h_taobao_batch_check,
    ("GET", "/open/product/get"): h_taobao_product,
    ("POST", "/open/product/source/get"): h_taobao_source,
    ("POST", "/open/order"): h_taobao_order_create,
    ("POST", "/open/order/upload/payCertificate"): h_taobao_pay_certificate,
    ("POST", "/open/order/updateWarehouse"): h_taobao_update_warehouse,
    ("POST", "/open/order/page/link/get"): h_taobao_im_link,
    ("GET", "/open/order/logistics/detail/get"): h_taobao_logistics,
    ("POST", "/open/order/refund/queryList"): h_taobao_refund_list,
    ("POST", "/open/order/refund/render"): h_taobao_refund_render,
    ("POST", "/open/order/refund/render/submit/logistics"): h_taobao_refund_logistics,
    ("GET", "/open/order/refund/cancel/{refundId}"): h_taobao_refund_cancel,
    ("GET", "/open/order/refund/query"): h_taobao_refund_query,
    ("POST", "/open/order/refund/submit/message"): h_taobao_refund_message,
    ("POST", "/open/cart/create/order"): h_taobao_cart_order,
    ("POST", "/open/cart/add"): h_taobao_cart_add,
    ("POST", "/alibaba/product/detail/get"): h_alibaba_detail,
    ("POST", "/alibaba/product/keywords/query"): h_alibaba_keywords,
    ("POST", "/alibaba/product/image/query"): h_alibaba_image,
    ("POST", "/alibaba/product/query/selleroffer"): h_alibaba_seller,
    ("POST", "/alibaba/product/productRelatedRecommendQuery"): h_alibaba_related,
    ("POST", "/alibaba/order/batch/submit/to/pay"): h_alibaba_batch_pay,
    ("POST", "/alibaba/order/create/previewbatch"): h_alibaba_preview,
    ("POST", "/alibaba/order/batch/create"): h_alibaba_batch_create,
    ("POST", "/alibaba/order/create/preview"): h_alibaba_preview,
    ("POST", "/alibaba/order/create"): h_alibaba_create,
    ("POST", "/alibaba/order/cancel"): h_alibaba_cancel,
    ("GET", "/alibaba/order/pay/url"): h_alibaba_pay_url,
    ("POST", "/alibaba/order/receivegoods"): h_alibaba_receive,
    ("POST", "/alibaba/order/detail"): h_alibaba_order_detail,
    ("POST", "/alibaba/refund/info"): h_alibaba_refund_info,
    ("POST", "/alibaba/refund/detail/create"): h_alibaba_refund_create,
    ("POST", "/alibaba/refund/goods/return"): h_alibaba_refund_return,
    ("POST", "/alibaba/cart/create/order"): h_alibaba_cart_order,
    ("POST", "/alibaba/cart/preview/order"): h_alibaba_cart_preview,
    ("POST", "/alibaba/cart/edit-quantity"): h_alibaba_cart_quantity,
    ("GET", "/alibaba/cart/list"): h_alibaba_cart_list,
    ("POST", "/open/address/addOrUpdate"): h_address,
    ("POST", "/open/pp/logistics/orderRenderFreight"): h_freight_render,
    ("POST", "/open/pp/logistics/updateLogisticInfo"): h_update_logistic_info,
    ("POST", "/open/pp/logistics/orderBookingFreight"): h_freight_booking,
    ("POST", "/open/pp/logistics/itemLogisticsPrice"): h_item_freight,
    ("GET", "/v2/taobao/product/get"): h_taobao_product_v2,
    ("POST", "/v2/taobao/product/item/search"): h_taobao_search,
    ("POST", "/v2/taobao/order/refund/render"): h_taobao_refund_render,
    ("GET", "/v2/taobao/order/refund/cancel/{refundId}"): h_taobao_refund_cancel,
    ("GET", "/v2/taobao/order/refund/query"): h_taobao_refund_query_v2,
    ("POST", "/v2/taobao/cart/add"): h_taobao_cart_add,
    ("POST", "/v2/alibaba/product/keywords/query"): h_alibaba_keywords,
    ("POST", "/v2/alibaba/product/image/query"): h_alibaba_image,
    ("POST", "/v2/alibaba/product/query/selleroffer"): h_alibaba_seller,
    ("POST", "/v2/alibaba/product/productRelatedRecommendQuery"): h_alibaba_related,
    ("POST", "/v2/alibaba/order/page"): h_alibaba_order_page,
    ("POST", "/v2/alibaba/order/create/preview"): h_alibaba_preview,
    ("GET", "/v2/alibaba/order/pay/url"): h_alibaba_pay_url,
    ("POST", "/v2/alibaba/order/cancel"): h_alibaba_cancel,
    ("GET", "/v2/taobao/order/logistics/detail/get"): h_taobao_logistics,
    ("POST", "/v2/alibaba/refund/detail/create"): h_alibaba_refund_create,
    ("GET", "/v2/alibaba/cart/list"): h_alibaba_cart_list,
    ("POST", "/v2/open/address/addOrUpdate"): h_address,
    ("POST", "/v2/open/pp/logistics/itemLogisticsPrice"): h_item_freight,
    ("POST", "/v2/open/pp/logistics/orderRenderFreight"): h_freight_render,
    ("POST", "/v2/alibaba/order/batch/create"): h_alibaba_batch_create,
}


def build_routes() -> tuple[dict[str, dict[str, Route]], list[tuple[str, dict[str, Route]]]]:
    """``(exact, prefixed)``: path -> method -> route, and ``(prefix, routes)`` for paths that
    end in a ``{parameter}``. Built once per fake; the request path only does dict lookups."""
    exact: dict[str, dict[str, Route]] = {}
    prefixed: dict[str, dict[str, Route]] = {}
    for entry in load_spec():
        key = (entry["method"], entry["path"])
        handler = _HANDLERS[key]
        path: str = entry["path"]
        checks = compile_fields(entry["request_fields"],
                                optional=_OPTIONAL.get(path, frozenset()))
        if path.endswith("}"):
            checks = ()  # the one parameter is in the path; its handler checks it
        route = Route(entry["method"], path, entry["params_in"], checks, handler,
                      bool(entry["found"]))
        if path.endswith("}"):
            prefixed.setdefault(path[: path.rindex("{")], {})[entry["method"]] = route
        else:
            exact.setdefault(path, {})[entry["method"]] = route
    return exact, sorted(prefixed.items(), key=lambda kv: -len(kv[0]))


def run_route(route: Route, state: FakeState, args: dict[str, Any], param: str | None) -> Any:
    if route.checks:
        validate(args, route.checks)
    return route.handler(state, args, param)

