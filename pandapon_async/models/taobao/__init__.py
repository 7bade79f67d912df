"""Taobao models: goods, orders, after-sales (reverse orders) and the cart.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
One private module per resource; this façade exports them all.
"""

from __future__ import annotations

# Most items one ``batch_check`` takes by default; the platform publishes no limit (override:
# ``LIMITS.batch_check_max_items``).
from .._limits import BATCH_CHECK_MAX_ITEMS as BATCH_CHECK_MAX_ITEMS  # the default, re-exported
from ._cart import (
    TaobaoCartAddRequest,
    TaobaoCartAddV2Request,
    TaobaoCartCreateOrderRequest,
    TaobaoPriceRange,
    TaobaoSkuProperty,
)
from ._goods import (
    SEARCH_MAX_PAGE_SIZE as SEARCH_MAX_PAGE_SIZE,
)
from ._goods import (
    TaobaoBatchCheckRequest,
    TaobaoBatchCheckResult,
    TaobaoItemIdRequest,
    TaobaoItemSkus,
    TaobaoProduct,
    TaobaoSearchItem,
    TaobaoSearchRequest,
    TaobaoSourceProduct,
    TaobaoSourceProductRequest,
)
from ._orders import (
    TaobaoCreateOrderRequest,
    TaobaoImLinkRequest,
    TaobaoLogisticsDetail,
    TaobaoLogisticsGoods,
    TaobaoLogisticsPackage,
    TaobaoLogisticsPartner,
    TaobaoLogisticsReceiver,
    TaobaoLogisticsRequest,
    TaobaoLogisticsTrace,
    TaobaoOrderLine,
    TaobaoPayCertificateRequest,
    TaobaoReceiver,
    TaobaoUpdateWarehouseRequest,
)
from ._refunds import (
    TaobaoLogisticsCompany,
    TaobaoPurchaseOrderLine,
    TaobaoRefundAggregate,
    TaobaoRefundCancelResult,
    TaobaoRefundDetail,
    TaobaoRefundIdRequest,
    TaobaoRefundListRequest,
    TaobaoRefundLogistics,
    TaobaoRefundMessageRequest,
    TaobaoRefundOrder,
    TaobaoRefundReason,
    TaobaoRefundReceiverAddress,
    TaobaoRefundRender,
    TaobaoRefundRenderRequest,
    TaobaoRefundStatus,
    TaobaoRefundTemplate,
    TaobaoReturnLogisticsRequest,
)

__all__ = [
    "TaobaoBatchCheckRequest",
    "TaobaoBatchCheckResult",
    "TaobaoCartAddRequest",
    "TaobaoCartAddV2Request",
    "TaobaoCartCreateOrderRequest",
    "TaobaoCreateOrderRequest",
    "TaobaoImLinkRequest",
    "TaobaoItemIdRequest",
    "TaobaoItemSkus",
    "TaobaoLogisticsCompany",
    "TaobaoLogisticsDetail",
    "TaobaoLogisticsGoods",
    "TaobaoLogisticsPackage",
    "TaobaoLogisticsPartner",
    "TaobaoLogisticsReceiver",
    "TaobaoLogisticsRequest",
    "TaobaoLogisticsTrace",
    "TaobaoOrderLine",
    "TaobaoPayCertificateRequest",
    "TaobaoPriceRange",
    "TaobaoProduct",
    "TaobaoPurchaseOrderLine",
    "TaobaoReceiver",
    "TaobaoRefundAggregate",
    "TaobaoRefundCancelResult",
    "TaobaoRefundDetail",
    "TaobaoRefundIdRequest",
    "TaobaoRefundListRequest",
    "TaobaoRefundLogistics",
    "TaobaoRefundMessageRequest",
    "TaobaoRefundOrder",
    "TaobaoRefundReason",
    "TaobaoRefundReceiverAddress",
    "TaobaoRefundRender",
    "TaobaoRefundRenderRequest",
    "TaobaoRefundStatus",
    "TaobaoRefundTemplate",
    "TaobaoReturnLogisticsRequest",
    "TaobaoSearchItem",
    "TaobaoSearchRequest",
    "TaobaoSkuProperty",
    "TaobaoSourceProduct",
    "TaobaoSourceProductRequest",
    "TaobaoUpdateWarehouseRequest",
]
