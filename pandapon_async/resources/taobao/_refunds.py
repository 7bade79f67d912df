"""``client.taobao.refunds``: Taobao after-sales (reverse orders)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypedDict, Unpack

from ..._endpoint import endpoint
from ...models._limits import LIMITS
from ...models.common import Page
from ...models.taobao import (
    TaobaoRefundCancelResult,
    TaobaoRefundDetail,
    TaobaoRefundIdRequest,
    TaobaoRefundListRequest,
    TaobaoRefundMessageRequest,
    TaobaoRefundRender,
    TaobaoRefundRenderRequest,
    TaobaoRefundStatus,
    TaobaoReturnLogisticsRequest,
)
from .._base import Resource, Version, paged, versioned

__all__ = ["TaobaoRefundFilters", "TaobaoRefunds"]

REFUND_QUERY_LIST = endpoint(
    "taobao.refunds.query_list", "POST", "/open/order/refund/queryList",
    idempotent=True, request=TaobaoRefundListRequest, response=Page[dict[str, Any]],
    status="in_development",
)
REFUND_SUBMIT_LOGISTICS = endpoint(
    "taobao.refunds.submit_return_logistics", "POST",
    "/open/order/refund/render/submit/logistics",
    idempotent=False, request=TaobaoReturnLogisticsRequest, response=TaobaoRefundDetail,
    status="in_development",
)
REFUND_CANCEL = endpoint(
    "taobao.refunds.cancel", "GET", "/open/order/refund/cancel/{refundId}",
    idempotent=False, request=TaobaoRefundIdRequest, response=TaobaoRefundCancelResult,
    status="in_development",
)
REFUND_SUBMIT_MESSAGE = endpoint(
    "taobao.refunds.submit_message", "POST", "/open/order/refund/submit/message",
    idempotent=False, request=TaobaoRefundMessageRequest, response=Any,
    status="in_development",
)
REFUND_RENDER = endpoint(
    "taobao.refunds.render", "POST", "/v2/taobao/order/refund/render",
    idempotent=True, request=TaobaoRefundRenderRequest, response=TaobaoRefundRender,
)
REFUND_CANCEL_V2 = endpoint(
    "taobao.refunds.cancel_v2", "GET", "/v2/taobao/order/refund/cancel/{refundId}",
    idempotent=False, request=TaobaoRefundIdRequest, response=TaobaoRefundCancelResult,
)
REFUND_DETAIL = endpoint(
    "taobao.refunds.get_detail", "GET", "/v2/taobao/order/refund/query",
    idempotent=True, request=TaobaoRefundIdRequest, response=TaobaoRefundDetail,
)


class TaobaoRefundFilters(TypedDict, total=False):
    """The filters of :meth:`TaobaoRefunds.iter_list`: those of ``query_list`` (times are epoch
    ms)."""

    refund_id: str | None
    purchase_order_id: str | None
    sales_order_id: str | None
    refund_status: TaobaoRefundStatus | int | None
    refund_start_time: int | None
    refund_end_time: int | None


class TaobaoRefunds(Resource):
    """Taobao after-sales (reverse orders). The v1 endpoints are marked *in development*."""

    async def query_list(
        self,
        *,
        page_size: int = 20,
        page_no: int = 1,
        refund_id: str | None = None,
        purchase_order_id: str | None = None,
        sales_order_id: str | None = None,
        refund_status: TaobaoRefundStatus | int | None = None,
        refund_start_time: int | None = None,
        refund_end_time: int | None = None,
    ) -> Page[dict[str, Any]]:
        """One page of reverse orders (``POST /open/order/refund/queryList``; times are epoch
        ms). In development on the platform; the page's item schema is not public, so items are
        the raw JSON objects."""
        return await self._call(REFUND_QUERY_LIST, TaobaoRefundListRequest(
            refund_id=refund_id, purchase_order_id=purchase_order_id,
            sales_order_id=sales_order_id, refund_status=refund_status,
            refund_start_time=refund_start_time, refund_end_time=refund_end_time,
            page_no=page_no, page_size=page_size,
        ))

    def iter_list(
        self,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        **filters: Unpack[TaobaoRefundFilters],
    ) -> AsyncIterator[dict[str, Any]]:
        """Every reverse order matching the filters, page after page (``filters``: as
        :meth:`query_list`)."""
        return paged(
            lambda page_no: self.query_list(page_size=page_size, page_no=page_no, **filters),
            page_size=page_size, first_page=first_page, max_pages=max_pages,
            max_page_size=LIMITS.taobao_refund_page_size_max,
        )

    async def submit_return_logistics(
        self,
        refund_id: str,
        *,
        logistics_company_code: str,
        logistics_no: str,
        buyer_phone: str,
        return_goods_desc: str,
    ) -> TaobaoRefundDetail:
        """Send the return parcel's waybill and a description of the return
        (``POST /open/order/refund/render/submit/logistics``). In development on the platform.
        Not idempotent."""
        return await self._call(REFUND_SUBMIT_LOGISTICS, TaobaoReturnLogisticsRequest(
            buyer_phone=buyer_phone, logistics_company_code=logistics_company_code,
            logistics_no=logistics_no, refund_id=refund_id, return_goods_desc=return_goods_desc,
        ))

    async def cancel(self, refund_id: str, *, version: Version = 1) -> TaobaoRefundCancelResult:
        """Cancel a reverse order (``GET /open/order/refund/cancel/{refundId}``, in development
        on the platform; ``version=2``: ``GET /v2/taobao/order/refund/cancel/{refundId}``).
        Not idempotent, although it is a GET."""
        return await self._call(versioned(REFUND_CANCEL, REFUND_CANCEL_V2, version),
                                TaobaoRefundIdRequest(refund_id=refund_id))

    async def submit_message(
        self, refund_id: str, message: str, *, images: str | None = None
    ) -> Any:
        """Leave a message on a reverse order (``POST /open/order/refund/submit/message``). In
        development on the platform. Not idempotent; raw ``data`` returned."""
        return await self._call(REFUND_SUBMIT_MESSAGE, TaobaoRefundMessageRequest(
            refund_id=refund_id, refund_message=message, refund_images=images,
        ))

    async def render(
        self, sub_order_id: str, *, refund_type: int, goods_status: int
    ) -> TaobaoRefundRender:
        """What a reverse order on a sub-order may ask for: reasons, maximum fee
        (``POST /v2/taobao/order/refund/render``; documented in v2 only)."""
        return await self._call(REFUND_RENDER, TaobaoRefundRenderRequest(
            sub_order_id=sub_order_id, refund_type=refund_type, goods_status=goods_status,
        ))

    async def get_detail(self, refund_id: str) -> TaobaoRefundDetail:
        """One reverse order (``GET /v2/taobao/order/refund/query``; documented in v2 only)."""
        return await self._call(REFUND_DETAIL, TaobaoRefundIdRequest(refund_id=refund_id))
