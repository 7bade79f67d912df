"""``client.alibaba.refunds``: 1688 refund detail, refund/return application, return shipment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._endpoint import endpoint
from ...models.alibaba import (
    AlibabaRefundCreated,
    AlibabaRefundCreateRequest,
    AlibabaRefundIdRequest,
    AlibabaRefundInfo,
    AlibabaRefundReturnRequest,
    OrderEntryCount,
)
from .._base import Resource, Version, versioned

__all__ = ["AlibabaRefunds"]

REFUND_INFO = endpoint(
    "alibaba.refunds.get_info", "POST", "/alibaba/refund/info",
    idempotent=True, request=AlibabaRefundIdRequest, response=AlibabaRefundInfo,
)
REFUND_CREATE = endpoint(
    "alibaba.refunds.create", "POST", "/alibaba/refund/detail/create",
    idempotent=False, request=AlibabaRefundCreateRequest, response=AlibabaRefundCreated,
)
REFUND_RETURN = endpoint(
    "alibaba.refunds.submit_return", "POST", "/alibaba/refund/goods/return",
    idempotent=False, request=AlibabaRefundReturnRequest, response=Any,
)
REFUND_CREATE_V2 = endpoint(
    "alibaba.refunds.create_v2", "POST", "/v2/alibaba/refund/detail/create",
    idempotent=False, request=AlibabaRefundCreateRequest, response=AlibabaRefundCreated,
)


class AlibabaRefunds(Resource):
    """1688 after-sales: refund detail, refund/return application, return shipment."""

    async def get_info(self, refund_id: str) -> AlibabaRefundInfo:
        """Detail of an after-sales order (``POST /alibaba/refund/info``)."""
        return await self._call(REFUND_INFO, AlibabaRefundIdRequest(refund_id=refund_id))

    async def create(
        self,
        order_id: str,
        *,
        dispute_request: str,
        apply_payment: int,
        apply_carriage: int,
        apply_reason_id: str,
        description: str,
        goods_status: str,
        order_entry_ids: Sequence[str] | None = None,
        vouchers: Sequence[str] | None = None,
        order_entry_counts: Sequence[OrderEntryCount] | None = None,
        version: Version = 1,
    ) -> AlibabaRefundCreated:
        """Apply for a refund or return (``POST /alibaba/refund/detail/create``; ``version=2``:
        ``POST /v2/alibaba/refund/detail/create``). Amounts are integer fen; ids go as numbers.
        Not idempotent."""
        return await self._call(versioned(REFUND_CREATE, REFUND_CREATE_V2, version),
                                AlibabaRefundCreateRequest(
            order_id=order_id, order_entry_ids=order_entry_ids, dispute_request=dispute_request,
            apply_payment=apply_payment, apply_carriage=apply_carriage,
            apply_reason_id=apply_reason_id, description=description, goods_status=goods_status,
            vouchers=vouchers, order_entry_count_list=order_entry_counts,
        ))

    async def submit_return(
        self,
        refund_id: str,
        *,
        logistics_company_no: str,
        freight_bill: str,
        description: str | None = None,
        vouchers: Sequence[str] | None = None,
    ) -> Any:
        """Send the return shipment's waybill (``POST /alibaba/refund/goods/return``; refund ids
        start with ``TQ``). Not idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(REFUND_RETURN, AlibabaRefundReturnRequest(
            refund_id=refund_id, logistics_company_no=logistics_company_no,
            freight_bill=freight_bill, description=description, vouchers=vouchers,
        ))
