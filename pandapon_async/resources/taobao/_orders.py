"""``client.taobao.orders``: Taobao order creation, payment voucher, warehouse, IM, logistics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._endpoint import endpoint
from ...models.taobao import (
    TaobaoCreateOrderRequest,
    TaobaoImLinkRequest,
    TaobaoLogisticsDetail,
    TaobaoLogisticsRequest,
    TaobaoOrderLine,
    TaobaoPayCertificateRequest,
    TaobaoReceiver,
    TaobaoUpdateWarehouseRequest,
)
from .._base import Resource, Version, versioned

__all__ = ["TaobaoOrders"]

CREATE_ORDER = endpoint(
    "taobao.orders.create", "POST", "/open/order",
    idempotent=False, request=TaobaoCreateOrderRequest, response=Any,
)
UPLOAD_PAY_CERTIFICATE = endpoint(
    "taobao.orders.upload_pay_certificate", "POST", "/open/order/upload/payCertificate",
    idempotent=False, request=TaobaoPayCertificateRequest, response=bool, status="deprecated",
)
UPDATE_WAREHOUSE = endpoint(
    "taobao.orders.update_warehouse", "POST", "/open/order/updateWarehouse",
    idempotent=False, request=TaobaoUpdateWarehouseRequest, response=Any,
)
IM_LINK = endpoint(
    "taobao.orders.get_im_link", "POST", "/open/order/page/link/get",
    idempotent=True, request=TaobaoImLinkRequest, response=str,
)
LOGISTICS_DETAIL = endpoint(
    "taobao.orders.get_logistics_detail", "GET", "/open/order/logistics/detail/get",
    idempotent=True, request=TaobaoLogisticsRequest, response=TaobaoLogisticsDetail,
)
LOGISTICS_DETAIL_V2 = endpoint(
    "taobao.orders.get_logistics_detail_v2", "GET", "/v2/taobao/order/logistics/detail/get",
    idempotent=True, request=TaobaoLogisticsRequest, response=TaobaoLogisticsDetail,
)


class TaobaoOrders(Resource):
    """Taobao orders: create, payment voucher, warehouse, IM link, logistics."""

    async def create(
        self,
        order_lines: Sequence[TaobaoOrderLine],
        receiver: TaobaoReceiver,
        *,
        purchase_amount: int | None = None,
        order_source: str | None = None,
        seller_order_number: str | None = None,
    ) -> Any:
        """Create a Taobao order (``POST /open/order``). ``order_lines`` and ``receiver`` are sent
        as JSON text, as the platform wants; ``purchase_amount`` is the budget in fen.
        Not idempotent. The answer's schema is not public: the raw ``data`` is returned."""
        return await self._call(CREATE_ORDER, TaobaoCreateOrderRequest(
            order_line_list=order_lines, order_source=order_source,
            purchase_amount=purchase_amount, receiver=receiver,
            seller_order_number=seller_order_number,
        ))

    async def upload_pay_certificate(self, order_id: str, base64: str) -> bool:
        """Upload a payment voucher (``POST /open/order/upload/payCertificate``).

        Deprecated: marked *to be deprecated* by the platform; calling it emits
        ``DeprecationWarning``. Not idempotent.
        """
        return await self._call(
            UPLOAD_PAY_CERTIFICATE, TaobaoPayCertificateRequest(base64=base64, order_id=order_id)
        )

    async def update_warehouse(
        self,
        order_id: str,
        *,
        warehouse_name: str | None = None,
        warehouse_address: str | None = None,
    ) -> Any:
        """Change an order's pre-warehouse (``POST /open/order/updateWarehouse``). Not
        idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(UPDATE_WAREHOUSE, TaobaoUpdateWarehouseRequest(
            warehouse_address=warehouse_address, warehouse_name=warehouse_name,
            order_id=order_id,
        ))

    async def get_im_link(self, biz_id: str, *, source_type: str = "item") -> str:
        """A chat link with the seller (``POST /open/order/page/link/get``). The page's schema
        and example disagree; this sends the example's ``{sourceType, bizId}``."""
        return await self._call(IM_LINK, TaobaoImLinkRequest(source_type=source_type,
                                                             biz_id=biz_id))

    async def get_logistics_detail(
        self, sub_purchase_order_id: str, *, version: Version = 1
    ) -> TaobaoLogisticsDetail:
        """Parcels and traces of a purchase sub-order (``GET /open/order/logistics/detail/get``;
        ``version=2``: ``GET /v2/taobao/order/logistics/detail/get``)."""
        return await self._call(
            versioned(LOGISTICS_DETAIL, LOGISTICS_DETAIL_V2, version),
            TaobaoLogisticsRequest(sub_purchase_order_id=sub_purchase_order_id),
        )
