"""``client.alibaba.orders``: 1688 preview, create, pay, cancel, detail, list, confirm receipt."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, TypedDict, Unpack

from ..._endpoint import endpoint
from ...models._limits import LIMITS
from ...models.alibaba import (
    AlibabaAddress,
    AlibabaBatchCreateOrderRequest,
    AlibabaCancelOrderRequest,
    AlibabaCargo,
    AlibabaCargoV2,
    AlibabaConfirmReceiptRequest,
    AlibabaCreateOrderRequest,
    AlibabaOrderDetail,
    AlibabaOrderDetailRequest,
    AlibabaOrderIdRequest,
    AlibabaOrderListRequest,
    AlibabaOrderPreview,
    AlibabaOrderPreviewRequest,
    AlibabaOrderPreviewV2Request,
    AlibabaPayUrl,
    AlibabaPreviewBatchRequest,
    BatchPayRequest,
    BatchPayResult,
    ConfirmReceiptResult,
)
from ...models.common import Page
from .._base import Resource, Version, paged, versioned

__all__ = ["AlibabaOrderOptions", "AlibabaOrders"]

BATCH_SUBMIT_TO_PAY = endpoint(
    "alibaba.orders.batch_submit_to_pay", "POST", "/alibaba/order/batch/submit/to/pay",
    idempotent=False, request=BatchPayRequest, response=BatchPayResult,
)
PREVIEW_BATCH = endpoint(
    "alibaba.orders.preview_batch", "POST", "/alibaba/order/create/previewbatch",
    idempotent=True, request=AlibabaPreviewBatchRequest, response=Any,
)
BATCH_CREATE = endpoint(
    "alibaba.orders.batch_create", "POST", "/alibaba/order/batch/create",
    idempotent=False, request=AlibabaBatchCreateOrderRequest, response=Any,
)
PREVIEW = endpoint(
    "alibaba.orders.preview", "POST", "/alibaba/order/create/preview",
    idempotent=True, request=AlibabaOrderPreviewRequest, response=AlibabaOrderPreview,
)
CREATE = endpoint(
    "alibaba.orders.create", "POST", "/alibaba/order/create",
    idempotent=False, request=AlibabaCreateOrderRequest, response=Any,
)
CANCEL = endpoint(
    "alibaba.orders.cancel", "POST", "/alibaba/order/cancel",
    idempotent=False, request=AlibabaCancelOrderRequest, response=bool,
)
PAY_URL = endpoint(
    "alibaba.orders.get_pay_url", "GET", "/alibaba/order/pay/url",
    idempotent=False, request=AlibabaOrderIdRequest, response=AlibabaPayUrl,
)
CONFIRM_RECEIPT = endpoint(
    "alibaba.orders.confirm_receipt", "POST", "/alibaba/order/receivegoods",
    idempotent=False, request=AlibabaConfirmReceiptRequest, response=ConfirmReceiptResult,
)
ORDER_DETAIL = endpoint(
    "alibaba.orders.get_detail", "POST", "/alibaba/order/detail",
    idempotent=True, request=AlibabaOrderDetailRequest, response=AlibabaOrderDetail,
)
ORDER_PAGE = endpoint(
    "alibaba.orders.page", "POST", "/v2/alibaba/order/page",
    idempotent=True, request=AlibabaOrderListRequest, response=Page[AlibabaOrderDetail],
)
PREVIEW_V2 = endpoint(
    "alibaba.orders.preview_v2", "POST", "/v2/alibaba/order/create/preview",
    idempotent=True, request=AlibabaOrderPreviewV2Request, response=AlibabaOrderPreview,
)
PAY_URL_V2 = endpoint(
    "alibaba.orders.get_pay_url_v2", "GET", "/v2/alibaba/order/pay/url",
    idempotent=False, request=AlibabaOrderIdRequest, response=AlibabaPayUrl,
)
CANCEL_V2 = endpoint(
    "alibaba.orders.cancel_v2", "POST", "/v2/alibaba/order/cancel",
    idempotent=False, request=AlibabaCancelOrderRequest, response=bool,
)
BATCH_CREATE_V2 = endpoint(
    "alibaba.orders.batch_create_v2", "POST", "/v2/alibaba/order/batch/create",
    idempotent=False, request=AlibabaBatchCreateOrderRequest, response=Any,
)


class AlibabaOrderOptions(TypedDict, total=False):
    """The optional keywords of ``create``, ``batch_create`` and ``batch_create_v2``, sent as
    given: ``message`` (to the seller), ``shop_promotion_id``, ``trade_type``."""

    message: str | None
    shop_promotion_id: str | None
    trade_type: str | None


class AlibabaOrders(Resource):
    """1688 orders: preview, create, pay, cancel, detail, list, confirm receipt.

    ``cancel`` and ``get_pay_url`` take ``version=2`` for their v2 endpoints (same request).
    ``preview_v2`` and ``batch_create_v2`` stay separate methods: their requests differ from
    v1's (see their docstrings).
    """

    async def batch_submit_to_pay(self, order_ids: Sequence[str]) -> BatchPayResult:
        """Pay up to 100 unpaid 1688 orders from the account's credit
        (``POST /alibaba/order/batch/submit/to/pay``). Not idempotent: never resent after it may
        have reached the platform. Per-order failures come back in ``pay_fail_orders``.
        Empty, over-long or duplicated ``order_ids`` raise ``ValueError`` before sending;
        use ``client.bulk.submit_to_pay`` for more orders.
        """
        return await self._call(BATCH_SUBMIT_TO_PAY, BatchPayRequest(order_ids=order_ids))

    async def get_detail(self, order_id: str, *, web_site: str = "1688") -> AlibabaOrderDetail:
        """The 1688 buyer-view detail of one order (``POST /alibaba/order/detail``; documented
        on the Vietnamese site). A missing order raises ``NotFoundError``."""
        return await self._call(
            ORDER_DETAIL, AlibabaOrderDetailRequest(web_site=web_site, order_id=order_id)
        )

    async def cancel(
        self,
        order_id: str,
        reason: str | None = None,
        *,
        remark: str | None = None,
        web_site: str = "1688",
        version: Version = 1,
        cancel_reason: str | None = None,
    ) -> bool:
        """Cancel an unpaid order (``POST /alibaba/order/cancel``; ``version=2``:
        ``POST /v2/alibaba/order/cancel``; ``order_id`` goes as a number). Not idempotent.

        ``reason`` is free text, sent as ``cancelReason`` (the platform publishes no list of
        values; its example sends ``"不想要了"``); it must not be blank. ``cancel_reason=`` is
        the old name of ``reason``: still accepted, with a ``DeprecationWarning``."""
        cancel_reason = _renamed_reason(reason, cancel_reason)
        return await self._call(versioned(CANCEL, CANCEL_V2, version), AlibabaCancelOrderRequest(
            web_site=web_site, order_id=order_id, cancel_reason=cancel_reason, remark=remark,
        ))

    async def confirm_receipt(
        self, order_id: str, order_entry_ids: Sequence[str]
    ) -> ConfirmReceiptResult:
        """Confirm receipt of goods (``POST /alibaba/order/receivegoods``). Ids are sent as JSON
        integers; ``order_entry_ids`` are ``product_items[i].sub_item_id``. Not idempotent.
        A ``success: false`` answer raises ``BusinessError``."""
        return await self._call(CONFIRM_RECEIPT, AlibabaConfirmReceiptRequest(
            order_id=order_id, order_entry_ids=order_entry_ids,
        ))

    async def get_pay_url(self, order_id: str, *, version: Version = 1) -> AlibabaPayUrl:
        """Payment link, or password-free (protocol) payment where enabled
        (``GET /alibaba/order/pay/url``; ``version=2``: ``GET /v2/alibaba/order/pay/url``).
        Treated as not idempotent: ``protocol_pay_success`` shows it can pay, so it is never
        resent after it may have reached the platform."""
        return await self._call(versioned(PAY_URL, PAY_URL_V2, version),
                                AlibabaOrderIdRequest(order_id=order_id))

    async def preview(
        self, address: AlibabaAddress, cargo: Sequence[AlibabaCargo]
    ) -> AlibabaOrderPreview:
        """Prices and freight before creating a one-seller order
        (``POST /alibaba/order/create/preview``); amounts in fen."""
        return await self._call(PREVIEW, AlibabaOrderPreviewRequest(
            address_param=address, cargo_param_list=cargo,
        ))

    async def preview_v2(
        self, address: AlibabaAddress, cargo: Sequence[AlibabaCargoV2]
    ) -> AlibabaOrderPreview:
        """Preview through the v2 endpoint (``POST /v2/alibaba/order/create/preview``).

        A separate method, not ``preview(version=2)``: v2 names products by ``offer_map_id``
        (:class:`AlibabaCargoV2`) where v1 takes ``offer_id`` (:class:`AlibabaCargo`).
        """
        return await self._call(PREVIEW_V2, AlibabaOrderPreviewV2Request(
            address_param=address, cargo_param_list=cargo,
        ))

    async def preview_batch(
        self, address: AlibabaAddress, cargo: Sequence[AlibabaCargo]
    ) -> Any:
        """Preview orders across different sellers (``POST /alibaba/order/create/previewbatch``;
        each cargo line must name its ``seller_open_id``, and ``address`` its full name, mobile,
        city, province and street: ``ValueError`` otherwise, nothing sent). The answer's schema
        is not public: the raw ``data`` is returned."""
        return await self._call(PREVIEW_BATCH, AlibabaPreviewBatchRequest(
            address_param=address, cargo_param_list=cargo,
        ))

    async def create(
        self,
        address: AlibabaAddress,
        cargo: Sequence[AlibabaCargo],
        *,
        flow: str,
        **options: Unpack[AlibabaOrderOptions],
    ) -> Any:
        """Create a one-seller order (``POST /alibaba/order/create``). Not idempotent. The
        answer's schema is not public: the raw ``data`` is returned.

        ``flow`` is required (a business choice, never defaulted): the documented values are
        ``"general"`` (an ordinary order) and ``"fenxiaonew"`` (a dropshipping order).
        ``address`` must carry full name, mobile, phone, city, province, town and street
        (``phone`` and ``town_text`` may be ``""``); ``ValueError`` names a missing part.
        """
        return await self._call(CREATE, AlibabaCreateOrderRequest(
            flow=flow, address_param=address, cargo_param_list=cargo, **options,
        ))

    async def batch_create(
        self,
        address: AlibabaAddress,
        cargo: Sequence[AlibabaCargo],
        *,
        flow: str | None = None,
        **options: Unpack[AlibabaOrderOptions],
    ) -> Any:
        """Create orders across different sellers (``POST /alibaba/order/batch/create``). Not
        idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(BATCH_CREATE, AlibabaBatchCreateOrderRequest(
            flow=flow, address_param=address, cargo_param_list=cargo, **options,
        ))

    async def batch_create_v2(
        self,
        address: AlibabaAddress,
        cargo: Sequence[AlibabaCargo],
        *,
        flow: str,
        **options: Unpack[AlibabaOrderOptions],
    ) -> Any:
        """:meth:`batch_create` through the v2 endpoint (``POST /v2/alibaba/order/batch/create``).

        A separate method, not ``batch_create(version=2)``: ``flow`` is required there
        (``"general"`` or ``"fenxiaonew"``, never defaulted) where v1 may leave it out.
        """
        return await self._call(BATCH_CREATE_V2, AlibabaBatchCreateOrderRequest(
            flow=flow, address_param=address, cargo_param_list=cargo, **options,
        ))

    async def page(
        self,
        *,
        page_no: int = 1,
        page_size: int = 20,
        filters: Mapping[str, Any] | None = None,
    ) -> Page[AlibabaOrderDetail]:
        """One page of the order list (``POST /v2/alibaba/order/page``; documented in v2 only).

        The request fields of this endpoint are not public: ``pageNo``/``pageSize`` follow the
        other v2 paged endpoints, and ``filters`` (wire names, e.g. ``{"orderStatus": ...}``) are
        sent as given.
        """
        return await self._call(ORDER_PAGE, AlibabaOrderListRequest(
            page_no=page_no, page_size=page_size, extra_fields=filters,
        ))

    def iter_list(
        self,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[AlibabaOrderDetail]:
        """Every order of the list, page after page (``async for order in ...``)."""
        return paged(
            lambda page_no: self.page(page_no=page_no, page_size=page_size, filters=filters),
            page_size=page_size, first_page=first_page, max_pages=max_pages,
            max_page_size=LIMITS.order_page_size_max,
        )


def _renamed_reason(reason: str | None, cancel_reason: str | None) -> str:
    """``reason`` (the name ``bulk.cancel`` uses too), or the deprecated ``cancel_reason``."""
    if cancel_reason is not None:
        if reason is not None:
            raise TypeError("pass reason, not both reason and cancel_reason")
        warnings.warn("cancel(cancel_reason=...) is deprecated: use reason=...",
                      DeprecationWarning, stacklevel=3)
        return cancel_reason
    if reason is None:
        raise TypeError("cancel() missing required argument: 'reason'")
    return reason
