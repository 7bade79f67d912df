"""``client.taobao``: Taobao goods, orders, after-sales (reverse orders) and cart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from .._endpoint import endpoint
from ..models._limits import LIMITS
from ..models.common import Page
from ..models.taobao import (
    SEARCH_MAX_PAGE_SIZE,
    TaobaoBatchCheckRequest,
    TaobaoBatchCheckResult,
    TaobaoCartAddRequest,
    TaobaoCartAddV2Request,
    TaobaoCartCreateOrderRequest,
    TaobaoCreateOrderRequest,
    TaobaoImLinkRequest,
    TaobaoItemIdRequest,
    TaobaoItemSkus,
    TaobaoLogisticsDetail,
    TaobaoLogisticsRequest,
    TaobaoOrderLine,
    TaobaoPayCertificateRequest,
    TaobaoPriceRange,
    TaobaoProduct,
    TaobaoReceiver,
    TaobaoRefundCancelResult,
    TaobaoRefundDetail,
    TaobaoRefundIdRequest,
    TaobaoRefundListRequest,
    TaobaoRefundMessageRequest,
    TaobaoRefundRender,
    TaobaoRefundRenderRequest,
    TaobaoRefundStatus,
    TaobaoReturnLogisticsRequest,
    TaobaoSearchItem,
    TaobaoSearchRequest,
    TaobaoSkuProperty,
    TaobaoSourceProduct,
    TaobaoSourceProductRequest,
    TaobaoUpdateWarehouseRequest,
)
from ._base import Resource, check_page_args, iterate_pages

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["TaobaoCart", "TaobaoGoods", "TaobaoNamespace", "TaobaoOrders", "TaobaoRefunds"]


# --- goods --------------------------------------------------------------------------------------

BATCH_CHECK = endpoint(
    "taobao.goods.batch_check", "POST", "/open/product/batch/check",
    idempotent=True, request=TaobaoBatchCheckRequest, response=TaobaoBatchCheckResult,
)
PRODUCT_GET = endpoint(
    "taobao.goods.get_product", "GET", "/open/product/get",
    idempotent=True, request=TaobaoItemIdRequest, response=TaobaoProduct,
)
SOURCE_PRODUCT = endpoint(
    "taobao.goods.get_source_product", "POST", "/open/product/source/get",
    idempotent=True, request=TaobaoSourceProductRequest, response=TaobaoSourceProduct,
)
PRODUCT_GET_V2 = endpoint(
    "taobao.goods.get_product_v2", "GET", "/v2/taobao/product/get",
    idempotent=True, request=TaobaoItemIdRequest, response=TaobaoProduct,
)
SEARCH = endpoint(
    "taobao.goods.search", "POST", "/v2/taobao/product/item/search",
    idempotent=True, request=TaobaoSearchRequest, response=Page[TaobaoSearchItem],
)

# --- orders -------------------------------------------------------------------------------------

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

# --- after-sales --------------------------------------------------------------------------------

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

# --- cart ---------------------------------------------------------------------------------------

CART_CREATE_ORDER = endpoint(
    "taobao.cart.create_order", "POST", "/open/cart/create/order",
    idempotent=False, request=TaobaoCartCreateOrderRequest, response=Any,
)
CART_ADD = endpoint(
    "taobao.cart.add", "POST", "/open/cart/add",
    idempotent=False, request=TaobaoCartAddRequest, response=Any,
)
CART_ADD_V2 = endpoint(
    "taobao.cart.add_v2", "POST", "/v2/taobao/cart/add",
    idempotent=False, request=TaobaoCartAddV2Request, response=Any,
)


class TaobaoGoods(Resource):
    """Taobao goods: product detail, distribution check, search."""

    async def get_product(self, item_id: str) -> TaobaoProduct:
        """A Taobao product (``GET /open/product/get``); ``price`` in fen."""
        return await self._call(PRODUCT_GET, TaobaoItemIdRequest(item_id=item_id))

    async def get_product_v2(self, item_id: str) -> TaobaoProduct:
        """A Taobao product through v2 (``GET /v2/taobao/product/get``; ``item_id`` is the
        encrypted form, e.g. ``WUnUC1cILiBjt-Jv3lDdlQ``)."""
        return await self._call(PRODUCT_GET_V2, TaobaoItemIdRequest(item_id=item_id))

    async def get_source_product(
        self, item_id: str, *, language: str | None = None
    ) -> TaobaoSourceProduct:
        """Taobao source goods (``POST /open/product/source/get``; documented on the Vietnamese
        site only)."""
        return await self._call(
            SOURCE_PRODUCT, TaobaoSourceProductRequest(item_id=item_id, language=language)
        )

    async def batch_check(self, items: Sequence[TaobaoItemSkus]) -> TaobaoBatchCheckResult:
        """Which items (and SKUs) are distribution products (``POST /open/product/batch/check``;
        sent as the ``params`` JSON text). At most 50 items."""
        return await self._call(BATCH_CHECK, TaobaoBatchCheckRequest(params=items))

    async def search(
        self,
        keyword: str | None = None,
        *,
        page_no: int = 1,
        page_size: int = 20,
        sort: str | None = None,
    ) -> Page[TaobaoSearchItem]:
        """Taobao search, one page (``POST /v2/taobao/product/item/search``; ``page_size``
        1..40, ``sort`` e.g. ``"tk_rate_desc"``)."""
        return await self._call(SEARCH, TaobaoSearchRequest(
            keyword=keyword, page_size=page_size, page_no=page_no, sort=sort,
        ))

    def iter_search(
        self,
        keyword: str | None = None,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        sort: str | None = None,
    ) -> AsyncIterator[TaobaoSearchItem]:
        """Every result of a Taobao search, page after page."""
        check_page_args(page_size, first_page, SEARCH_MAX_PAGE_SIZE)

        async def fetch(page_no: int) -> Page[TaobaoSearchItem]:
            return await self.search(keyword, page_no=page_no, page_size=page_size, sort=sort)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)


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

    async def get_logistics_detail(self, sub_purchase_order_id: str) -> TaobaoLogisticsDetail:
        """Parcels and traces of a purchase sub-order (``GET /open/order/logistics/detail/get``)."""
        return await self._call(
            LOGISTICS_DETAIL, TaobaoLogisticsRequest(sub_purchase_order_id=sub_purchase_order_id)
        )

    async def get_logistics_detail_v2(
        self, sub_purchase_order_id: str
    ) -> TaobaoLogisticsDetail:
        """:meth:`get_logistics_detail` through v2
        (``GET /v2/taobao/order/logistics/detail/get``)."""
        return await self._call(
            LOGISTICS_DETAIL_V2,
            TaobaoLogisticsRequest(sub_purchase_order_id=sub_purchase_order_id),
        )


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
        refund_id: str | None = None,
        purchase_order_id: str | None = None,
        sales_order_id: str | None = None,
        refund_status: TaobaoRefundStatus | int | None = None,
        refund_start_time: int | None = None,
        refund_end_time: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every reverse order matching the filters, page after page."""
        check_page_args(page_size, first_page, LIMITS.taobao_refund_page_size_max)

        async def fetch(page_no: int) -> Page[dict[str, Any]]:
            return await self.query_list(
                page_size=page_size, page_no=page_no, refund_id=refund_id,
                purchase_order_id=purchase_order_id, sales_order_id=sales_order_id,
                refund_status=refund_status, refund_start_time=refund_start_time,
                refund_end_time=refund_end_time,
            )

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)

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

    async def cancel(self, refund_id: str) -> TaobaoRefundCancelResult:
        """Cancel a reverse order (``GET /open/order/refund/cancel/{refundId}``). In development
        on the platform. Not idempotent, although it is a GET."""
        return await self._call(REFUND_CANCEL, TaobaoRefundIdRequest(refund_id=refund_id))

    async def cancel_v2(self, refund_id: str) -> TaobaoRefundCancelResult:
        """:meth:`cancel` through v2 (``GET /v2/taobao/order/refund/cancel/{refundId}``)."""
        return await self._call(REFUND_CANCEL_V2, TaobaoRefundIdRequest(refund_id=refund_id))

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
        (``POST /v2/taobao/order/refund/render``)."""
        return await self._call(REFUND_RENDER, TaobaoRefundRenderRequest(
            sub_order_id=sub_order_id, refund_type=refund_type, goods_status=goods_status,
        ))

    async def get_detail(self, refund_id: str) -> TaobaoRefundDetail:
        """One reverse order (``GET /v2/taobao/order/refund/query``)."""
        return await self._call(REFUND_DETAIL, TaobaoRefundIdRequest(refund_id=refund_id))


class TaobaoCart(Resource):
    """The Taobao shopping cart."""

    async def add(
        self,
        *,
        item_id: str,
        mp_id: str,
        mp_sku_id: str,
        quantity: int,
        sku_id: str | None = None,
        price: int | None = None,
        promotion_price: int | None = None,
        properties: Sequence[TaobaoSkuProperty] | None = None,
        item_title: str | None = None,
        item_pic: str | None = None,
        shop_id: str | None = None,
        shop_name: str | None = None,
        sku_quantity: int | None = None,
        user_id: str | None = None,
        user_nick: str | None = None,
        platform: int | None = None,
    ) -> Any:
        """Add a product to the cart (``POST /open/cart/add``). Prices in fen; ``properties``
        sent as JSON text. Not idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(CART_ADD, TaobaoCartAddRequest(
            user_id=user_id, platform=platform, item_id=item_id, sku_id=sku_id,
            item_title=item_title, item_pic=item_pic, mp_id=mp_id, mp_sku_id=mp_sku_id,
            price=price, promotion_price=promotion_price, properties=properties,
            quantity=quantity, shop_id=shop_id, shop_name=shop_name, sku_quantity=sku_quantity,
            user_nick=user_nick,
        ))

    async def add_v2(
        self,
        *,
        item_map_id: str,
        mp_id: str,
        mp_sku_id: str,
        quantity: int,
        sku_id: str | None = None,
        price: int | None = None,
        promotion_price: int | None = None,
        price_ranges: Sequence[TaobaoPriceRange] | None = None,
        quote_type: int | None = None,
        properties: Sequence[TaobaoSkuProperty] | None = None,
        item_title: str | None = None,
        item_pic: str | None = None,
        shop_id: str | None = None,
        ali_shop_id: str | None = None,
        shop_name: str | None = None,
        sku_quantity: int | None = None,
        user_id: str | None = None,
        user_nick: str | None = None,
        platform: int | None = None,
    ) -> Any:
        """:meth:`add` through v2 (``POST /v2/taobao/cart/add``; the product is named by
        ``item_map_id``)."""
        return await self._call(CART_ADD_V2, TaobaoCartAddV2Request(
            user_id=user_id, platform=platform, item_map_id=item_map_id, sku_id=sku_id,
            item_title=item_title, item_pic=item_pic, mp_id=mp_id, mp_sku_id=mp_sku_id,
            price=price, promotion_price=promotion_price, price_ranges=price_ranges,
            quote_type=quote_type, properties=properties, quantity=quantity, shop_id=shop_id,
            ali_shop_id=ali_shop_id, shop_name=shop_name, sku_quantity=sku_quantity,
            user_nick=user_nick,
        ))

    async def create_order(
        self,
        cart_ids: Sequence[str],
        order_address: TaobaoReceiver,
        *,
        user_id: str | None = None,
    ) -> Any:
        """Order cart rows (``POST /open/cart/create/order``; ids go as numbers). Not
        idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(CART_CREATE_ORDER, TaobaoCartCreateOrderRequest(
            ids=cart_ids, order_address=order_address, user_id=user_id,
        ))


class TaobaoNamespace:
    """``client.taobao``: ``goods``, ``orders``, ``refunds``, ``cart``."""

    def __init__(self, client: PandaPonClient) -> None:
        self.goods = TaobaoGoods(client)
        self.orders = TaobaoOrders(client)
        self.refunds = TaobaoRefunds(client)
        self.cart = TaobaoCart(client)
