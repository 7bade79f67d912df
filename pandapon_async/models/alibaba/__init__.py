"""1688 (Alibaba) models: orders, payment, goods, after-sales and the shopping cart.

Amount conventions differ by structure, as on the platform: PandaPon's own amounts are integer
fen (``sumPayment``, ``applyPayment``), while the 1688 buyer-view order detail passes 1688's
decimal yuan through (``totalAmount: 6.15``); those fields are :class:`~decimal.Decimal` here.
One private module per resource; this façade exports them all.
"""

from __future__ import annotations

# Most order ids one ``batch_submit_to_pay`` takes by default; the platform publishes no limit
# (override: ``LIMITS.batch_pay_max_orders``). ``client.bulk.submit_to_pay`` chunks for you.
from .._limits import BATCH_PAY_MAX_ORDERS as BATCH_PAY_MAX_ORDERS  # the default, re-exported
from ._cart import (
    AlibabaCartCreateOrderRequest,
    AlibabaCartEditQuantityRequest,
    AlibabaCartItem,
    AlibabaCartList,
    AlibabaCartPreviewOrderRequest,
    AlibabaCartShop,
)
from ._goods import (
    AlibabaImageSearchRequest,
    AlibabaKeywordSearchRequest,
    AlibabaOpenUidDecryptRequest,
    AlibabaProduct,
    AlibabaProductAttribute,
    AlibabaProductDetailRequest,
    AlibabaProductImage,
    AlibabaProductListItem,
    AlibabaProductSku,
    AlibabaProductSkuAttribute,
    AlibabaRelatedProductsRequest,
    AlibabaSellerOfferSearchRequest,
)
from ._order_detail import (
    AlibabaContact,
    AlibabaLogisticsItem,
    AlibabaNativeLogistics,
    AlibabaOrderBaseInfo,
    AlibabaOrderDetail,
    AlibabaOrderProductItem,
    AlibabaOrderReceiverInfo,
    AlibabaOrderStatus,
    AlibabaSkuInfo,
    AlibabaTradeTerm,
)
from ._orders import (
    CREATE_ADDRESS_FIELDS as CREATE_ADDRESS_FIELDS,
)
from ._orders import (
    PREVIEW_BATCH_ADDRESS_FIELDS as PREVIEW_BATCH_ADDRESS_FIELDS,
)
from ._orders import (
    AlibabaAddress,
    AlibabaBatchCreateOrderRequest,
    AlibabaCancelOrderRequest,
    AlibabaCargo,
    AlibabaCargoV2,
    AlibabaConfirmReceiptRequest,
    AlibabaCreateOrderRequest,
    AlibabaOrderDetailRequest,
    AlibabaOrderIdRequest,
    AlibabaOrderListRequest,
    AlibabaOrderPreview,
    AlibabaOrderPreviewItem,
    AlibabaOrderPreviewRequest,
    AlibabaOrderPreviewV2Request,
    AlibabaPayUrl,
    AlibabaPreviewBatchRequest,
    BatchPayRequest,
    BatchPayResult,
    ConfirmReceiptResult,
    PayFailOrder,
)
from ._orders import (
    check_address as check_address,
)
from ._refunds import (
    AlibabaRefundCreated,
    AlibabaRefundCreateRequest,
    AlibabaRefundIdRequest,
    AlibabaRefundInfo,
    AlibabaRefundReturnRequest,
    OrderEntryCount,
)

__all__ = [
    "AlibabaAddress",
    "AlibabaBatchCreateOrderRequest",
    "AlibabaCancelOrderRequest",
    "AlibabaCargo",
    "AlibabaCargoV2",
    "AlibabaCartCreateOrderRequest",
    "AlibabaCartEditQuantityRequest",
    "AlibabaCartItem",
    "AlibabaCartList",
    "AlibabaCartPreviewOrderRequest",
    "AlibabaCartShop",
    "AlibabaConfirmReceiptRequest",
    "AlibabaContact",
    "AlibabaCreateOrderRequest",
    "AlibabaImageSearchRequest",
    "AlibabaKeywordSearchRequest",
    "AlibabaLogisticsItem",
    "AlibabaNativeLogistics",
    "AlibabaOpenUidDecryptRequest",
    "AlibabaOrderBaseInfo",
    "AlibabaOrderDetail",
    "AlibabaOrderDetailRequest",
    "AlibabaOrderIdRequest",
    "AlibabaOrderListRequest",
    "AlibabaOrderPreview",
    "AlibabaOrderPreviewItem",
    "AlibabaOrderPreviewRequest",
    "AlibabaOrderPreviewV2Request",
    "AlibabaOrderProductItem",
    "AlibabaOrderReceiverInfo",
    "AlibabaOrderStatus",
    "AlibabaPayUrl",
    "AlibabaPreviewBatchRequest",
    "AlibabaProduct",
    "AlibabaProductAttribute",
    "AlibabaProductDetailRequest",
    "AlibabaProductImage",
    "AlibabaProductListItem",
    "AlibabaProductSku",
    "AlibabaProductSkuAttribute",
    "AlibabaRefundCreateRequest",
    "AlibabaRefundCreated",
    "AlibabaRefundIdRequest",
    "AlibabaRefundInfo",
    "AlibabaRefundReturnRequest",
    "AlibabaRelatedProductsRequest",
    "AlibabaSellerOfferSearchRequest",
    "AlibabaSkuInfo",
    "AlibabaTradeTerm",
    "BatchPayRequest",
    "BatchPayResult",
    "ConfirmReceiptResult",
    "OrderEntryCount",
    "PayFailOrder",
]
