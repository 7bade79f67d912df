"""``client.alibaba``: 1688 goods, orders and payment, after-sales, cart and marketing."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._endpoint import endpoint
from ..models._limits import LIMITS
from ..models.alibaba import (
    AlibabaAddress,
    AlibabaBatchCreateOrderRequest,
    AlibabaCancelOrderRequest,
    AlibabaCargo,
    AlibabaCargoV2,
    AlibabaCartCreateOrderRequest,
    AlibabaCartEditQuantityRequest,
    AlibabaCartList,
    AlibabaCartPreviewOrderRequest,
    AlibabaConfirmReceiptRequest,
    AlibabaCreateOrderRequest,
    AlibabaImageSearchRequest,
    AlibabaKeywordSearchRequest,
    AlibabaOpenUidDecryptRequest,
    AlibabaOrderDetail,
    AlibabaOrderDetailRequest,
    AlibabaOrderIdRequest,
    AlibabaOrderListRequest,
    AlibabaOrderPreview,
    AlibabaOrderPreviewRequest,
    AlibabaOrderPreviewV2Request,
    AlibabaPayUrl,
    AlibabaPreviewBatchRequest,
    AlibabaProduct,
    AlibabaProductDetailRequest,
    AlibabaProductListItem,
    AlibabaRefundCreated,
    AlibabaRefundCreateRequest,
    AlibabaRefundIdRequest,
    AlibabaRefundInfo,
    AlibabaRefundReturnRequest,
    AlibabaRelatedProductsRequest,
    AlibabaSellerOfferSearchRequest,
    BatchPayRequest,
    BatchPayResult,
    ConfirmReceiptResult,
    OrderEntryCount,
)
from ..models.common import Page
from ._base import Resource, check_page_args, iterate_pages

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = [
    "AlibabaCart",
    "AlibabaGoods",
    "AlibabaMarketing",
    "AlibabaNamespace",
    "AlibabaOrders",
    "AlibabaRefunds",
]

Sort = Mapping[str, str] | str

# --- goods --------------------------------------------------------------------------------------

PRODUCT_DETAIL = endpoint(
    "alibaba.goods.get_detail", "POST", "/alibaba/product/detail/get",
    idempotent=True, request=AlibabaProductDetailRequest, response=AlibabaProduct,
)
KEYWORD_SEARCH = endpoint(
    "alibaba.goods.search_keywords", "POST", "/alibaba/product/keywords/query",
    idempotent=True, request=AlibabaKeywordSearchRequest, response=Page[AlibabaProductListItem],
)
IMAGE_SEARCH = endpoint(
    "alibaba.goods.search_image", "POST", "/alibaba/product/image/query",
    idempotent=True, request=AlibabaImageSearchRequest, response=Page[AlibabaProductListItem],
)
SELLER_OFFER_SEARCH = endpoint(
    "alibaba.goods.search_seller_offers", "POST", "/alibaba/product/query/selleroffer",
    idempotent=True, request=AlibabaSellerOfferSearchRequest,
    response=Page[AlibabaProductListItem],
)
KEYWORD_SEARCH_V2 = endpoint(
    "alibaba.goods.search_keywords_v2", "POST", "/v2/alibaba/product/keywords/query",
    idempotent=True, request=AlibabaKeywordSearchRequest, response=Page[AlibabaProductListItem],
)
IMAGE_SEARCH_V2 = endpoint(
    "alibaba.goods.search_image_v2", "POST", "/v2/alibaba/product/image/query",
    idempotent=True, request=AlibabaImageSearchRequest, response=Page[AlibabaProductListItem],
)
SELLER_OFFER_SEARCH_V2 = endpoint(
    "alibaba.goods.search_seller_offers_v2", "POST", "/v2/alibaba/product/query/selleroffer",
    idempotent=True, request=AlibabaSellerOfferSearchRequest,
    response=Page[AlibabaProductListItem],
)
OPEN_UID_DECRYPT = endpoint(
    "alibaba.goods.decrypt_open_uid", "POST", "/alibaba/product/openuid/decrypt",
    idempotent=True, request=AlibabaOpenUidDecryptRequest, response=Any, status="unverified",
)
RELATED_PRODUCTS = endpoint(
    "alibaba.goods.get_related", "POST", "/v2/alibaba/product/productRelatedRecommendQuery",
    idempotent=True, request=AlibabaRelatedProductsRequest,
    response=Page[AlibabaProductListItem],
)

# --- orders -------------------------------------------------------------------------------------

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

# --- after-sales --------------------------------------------------------------------------------

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

# --- cart ---------------------------------------------------------------------------------------

CART_CREATE_ORDER = endpoint(
    "alibaba.cart.create_order", "POST", "/alibaba/cart/create/order",
    idempotent=False, request=AlibabaCartCreateOrderRequest, response=Any,
)
CART_PREVIEW_ORDER = endpoint(
    "alibaba.cart.preview_order", "POST", "/alibaba/cart/preview/order",
    idempotent=True, request=AlibabaCartPreviewOrderRequest, response=Any,
)
CART_EDIT_QUANTITY = endpoint(
    "alibaba.cart.edit_quantity", "POST", "/alibaba/cart/edit-quantity",
    idempotent=False, request=AlibabaCartEditQuantityRequest, response=bool,
)
CART_LIST = endpoint(
    "alibaba.cart.list_items", "GET", "/v2/alibaba/cart/list",
    idempotent=True, request=None, response=AlibabaCartList,
)


class AlibabaGoods(Resource):
    """1688 goods: product detail and searches (keyword, image, shop, related)."""

    async def get_detail(
        self, offer_id: str, *, country: str | None = "en", out_member_id: str | None = None
    ) -> AlibabaProduct:
        """Product detail (``POST /alibaba/product/detail/get``); ``offer_id`` goes as a number."""
        request = AlibabaProductDetailRequest(
            offer_id=offer_id, country=country, out_member_id=out_member_id
        )
        return await self._call(PRODUCT_DETAIL, request)

    async def search_keywords(
        self,
        keyword: str,
        *,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        filter: str | None = None,
        sort: Sort | None = None,
        out_member_id: str | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
    ) -> Page[AlibabaProductListItem]:
        """Keyword search, one page (``POST /alibaba/product/keywords/query``).

        ``sort`` is a mapping such as ``{"price": "desc"}`` (sent as JSON text); price filters
        are decimal yuan.
        """
        return await self._call(KEYWORD_SEARCH, AlibabaKeywordSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, country=country,
            filter=filter, sort=sort, out_member_id=out_member_id, price_start=price_start,
            price_end=price_end, category_id=category_id,
        ))

    async def search_keywords_v2(
        self,
        keyword: str,
        *,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        filter: str | None = None,
        sort: Sort | None = None,
        out_member_id: str | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
    ) -> Page[AlibabaProductListItem]:
        """Keyword search through the v2 endpoint (``POST /v2/alibaba/product/keywords/query``)."""
        return await self._call(KEYWORD_SEARCH_V2, AlibabaKeywordSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, country=country,
            filter=filter, sort=sort, out_member_id=out_member_id, price_start=price_start,
            price_end=price_end, category_id=category_id,
        ))

    def iter_search_keywords(
        self,
        keyword: str,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        v2: bool = False,
        **filters: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every result of a keyword search, page after page (``filters``: as
        :meth:`search_keywords`)."""
        check_page_args(page_size, first_page, LIMITS.alibaba_page_size_max)
        search = self.search_keywords_v2 if v2 else self.search_keywords

        async def fetch(page_no: int) -> Page[AlibabaProductListItem]:
            return await search(keyword, begin_page=page_no, page_size=page_size, **filters)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)

    async def search_image(
        self,
        *,
        image_base64: bytes | str,
        image_address: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        region: str | None = None,
        filter: str | None = None,
        sort: Sort | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
        out_member_id: str | None = None,
    ) -> Page[AlibabaProductListItem]:
        """Image search, one page (``POST /alibaba/product/image/query``).

        ``image_base64`` is required, as documented: the image's bytes (encoded for you) or
        its base64 text. ``image_address`` (the image's URL) is sent beside it when given; no
        source shows the platform searching by address alone, so it cannot replace the image.
        """
        return await self._call(IMAGE_SEARCH, _image_request(
            image_base64=image_base64, image_address=image_address, begin_page=begin_page,
            page_size=page_size, country=country, region=region, filter=filter, sort=sort,
            price_start=price_start, price_end=price_end, category_id=category_id,
            out_member_id=out_member_id,
        ))

    async def search_image_v2(
        self,
        *,
        image_base64: bytes | str,
        image_address: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        region: str | None = None,
        filter: str | None = None,
        sort: Sort | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
        out_member_id: str | None = None,
    ) -> Page[AlibabaProductListItem]:
        """Image search through the v2 endpoint (``POST /v2/alibaba/product/image/query``);
        ``image_base64`` (bytes or base64 text) is required."""
        return await self._call(IMAGE_SEARCH_V2, _image_request(
            image_base64=image_base64, image_address=image_address, begin_page=begin_page,
            page_size=page_size, country=country, region=region, filter=filter, sort=sort,
            price_start=price_start, price_end=price_end, category_id=category_id,
            out_member_id=out_member_id,
        ))

    def iter_search_image(
        self,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        v2: bool = False,
        **options: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every result of an image search (``options``: as :meth:`search_image`)."""
        check_page_args(page_size, first_page, LIMITS.alibaba_page_size_max)
        search = self.search_image_v2 if v2 else self.search_image

        async def fetch(page_no: int) -> Page[AlibabaProductListItem]:
            return await search(begin_page=page_no, page_size=page_size, **options)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)

    async def search_seller_offers(
        self,
        seller_open_id: str,
        *,
        keyword: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        filter: str | None = None,
        sort: Sort | None = None,
        out_member_id: str | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
        country: str | None = "en",
    ) -> Page[AlibabaProductListItem]:
        """Search one shop's goods, one page (``POST /alibaba/product/query/selleroffer``)."""
        return await self._call(SELLER_OFFER_SEARCH, AlibabaSellerOfferSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, filter=filter,
            sort=sort, out_member_id=out_member_id, price_start=price_start,
            price_end=price_end, category_id=category_id, country=country,
            seller_open_id=seller_open_id,
        ))

    async def search_seller_offers_v2(
        self,
        seller_open_id: str,
        *,
        keyword: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        filter: str | None = None,
        sort: Sort | None = None,
        out_member_id: str | None = None,
        price_start: str | Decimal | None = None,
        price_end: str | Decimal | None = None,
        category_id: str | None = None,
        country: str | None = "en",
    ) -> Page[AlibabaProductListItem]:
        """Shop search through the v2 endpoint (``POST /v2/alibaba/product/query/selleroffer``)."""
        return await self._call(SELLER_OFFER_SEARCH_V2, AlibabaSellerOfferSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, filter=filter,
            sort=sort, out_member_id=out_member_id, price_start=price_start,
            price_end=price_end, category_id=category_id, country=country,
            seller_open_id=seller_open_id,
        ))

    def iter_search_seller_offers(
        self,
        seller_open_id: str,
        *,
        page_size: int = 20,
        first_page: int = 1,
        max_pages: int | None = None,
        v2: bool = False,
        **filters: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every good of a shop search (``filters``: as :meth:`search_seller_offers`)."""
        check_page_args(page_size, first_page, LIMITS.alibaba_page_size_max)
        search = self.search_seller_offers_v2 if v2 else self.search_seller_offers

        async def fetch(page_no: int) -> Page[AlibabaProductListItem]:
            return await search(seller_open_id, begin_page=page_no, page_size=page_size,
                                **filters)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)

    async def decrypt_open_uid(self, offer_id: str, open_uid: str) -> Any:
        """Decrypt a seller's ``openUid`` into its Wangwang (chat) link or nickname
        (``POST /alibaba/product/openuid/decrypt``).

        Unverified: no documented page shows this path. A working public client calls it with
        ``{offerId, openUid}``, and the sister platform documents the same body (its answer
        schema is not public: the raw ``data`` is returned). It may answer 404 in production.
        ``FakePandaPon`` does not serve it (there is no documented answer to imitate): stub it
        in tests, e.g. with aioresponses.
        """
        return await self._call(OPEN_UID_DECRYPT, AlibabaOpenUidDecryptRequest(
            offer_id=offer_id, open_uid=open_uid,
        ))

    async def get_related(
        self,
        offer_id: str,
        *,
        page_no: int = 1,
        page_size: int = 10,
        language: str | None = "en",
    ) -> Page[AlibabaProductListItem]:
        """Related products, one page (``POST /v2/alibaba/product/productRelatedRecommendQuery``;
        ``offer_id`` may be the encrypted form, sent as a string)."""
        return await self._call(RELATED_PRODUCTS, AlibabaRelatedProductsRequest(
            offer_id=offer_id, page_no=page_no, page_size=page_size, language=language,
        ))

    def iter_related(
        self,
        offer_id: str,
        *,
        page_size: int = 10,
        first_page: int = 1,
        max_pages: int | None = None,
        language: str | None = "en",
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every related product, page after page."""
        check_page_args(page_size, first_page, LIMITS.alibaba_page_size_max)

        async def fetch(page_no: int) -> Page[AlibabaProductListItem]:
            return await self.get_related(offer_id, page_no=page_no, page_size=page_size,
                                          language=language)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)


def _image_request(
    *,
    image_base64: bytes | str,
    image_address: str | None,
    begin_page: int,
    page_size: int,
    country: str | None,
    region: str | None,
    filter: str | None,
    sort: Sort | None,
    price_start: str | Decimal | None,
    price_end: str | Decimal | None,
    category_id: str | None,
    out_member_id: str | None,
) -> AlibabaImageSearchRequest:
    if isinstance(image_base64, bytes | bytearray | memoryview):
        if not image_base64:
            raise ValueError("image_base64 must not be empty")
        image_base64 = base64.b64encode(image_base64).decode("ascii")
    return AlibabaImageSearchRequest(
        image_base64=image_base64, begin_page=begin_page, page_size=page_size, country=country,
        region=region, filter=filter, sort=sort, price_start=price_start, price_end=price_end,
        category_id=category_id, image_address=image_address, out_member_id=out_member_id,
    )


class AlibabaOrders(Resource):
    """1688 orders: preview, create, pay, cancel, detail, list, confirm receipt."""

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
        cancel_reason: str,
        *,
        remark: str | None = None,
        web_site: str = "1688",
    ) -> bool:
        """Cancel an unpaid order (``POST /alibaba/order/cancel``; ``order_id`` goes as a number).
        Not idempotent."""
        return await self._call(CANCEL, AlibabaCancelOrderRequest(
            web_site=web_site, order_id=order_id, cancel_reason=cancel_reason, remark=remark,
        ))

    async def cancel_v2(
        self,
        order_id: str,
        cancel_reason: str,
        *,
        remark: str | None = None,
        web_site: str = "1688",
    ) -> bool:
        """Cancel an unpaid order through the v2 endpoint (``POST /v2/alibaba/order/cancel``)."""
        return await self._call(CANCEL_V2, AlibabaCancelOrderRequest(
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

    async def get_pay_url(self, order_id: str) -> AlibabaPayUrl:
        """Payment link, or password-free (protocol) payment where enabled
        (``GET /alibaba/order/pay/url``). Treated as not idempotent: ``protocol_pay_success``
        shows it can pay, so it is never resent after it may have reached the platform."""
        return await self._call(PAY_URL, AlibabaOrderIdRequest(order_id=order_id))

    async def get_pay_url_v2(self, order_id: str) -> AlibabaPayUrl:
        """:meth:`get_pay_url` through the v2 endpoint (``GET /v2/alibaba/order/pay/url``)."""
        return await self._call(PAY_URL_V2, AlibabaOrderIdRequest(order_id=order_id))

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
        """Preview through the v2 endpoint (``POST /v2/alibaba/order/create/preview``; products
        named by ``offer_map_id``)."""
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
        message: str | None = None,
        shop_promotion_id: str | None = None,
        trade_type: str | None = None,
    ) -> Any:
        """Create a one-seller order (``POST /alibaba/order/create``). Not idempotent. The
        answer's schema is not public: the raw ``data`` is returned.

        ``flow`` is required (a business choice, never defaulted): the documented values are
        ``"general"`` (an ordinary order) and ``"fenxiaonew"`` (a dropshipping order).
        ``address`` must carry full name, mobile, phone, city, province, town and street
        (``phone`` and ``town_text`` may be ``""``); ``ValueError`` names a missing part.
        """
        return await self._call(CREATE, AlibabaCreateOrderRequest(
            flow=flow, message=message, shop_promotion_id=shop_promotion_id,
            trade_type=trade_type, address_param=address, cargo_param_list=cargo,
        ))

    async def batch_create(
        self,
        address: AlibabaAddress,
        cargo: Sequence[AlibabaCargo],
        *,
        flow: str | None = None,
        message: str | None = None,
        shop_promotion_id: str | None = None,
        trade_type: str | None = None,
    ) -> Any:
        """Create orders across different sellers (``POST /alibaba/order/batch/create``). Not
        idempotent; raw ``data`` returned (schema not public)."""
        return await self._call(BATCH_CREATE, AlibabaBatchCreateOrderRequest(
            flow=flow, message=message, shop_promotion_id=shop_promotion_id,
            trade_type=trade_type, address_param=address, cargo_param_list=cargo,
        ))

    async def batch_create_v2(
        self,
        address: AlibabaAddress,
        cargo: Sequence[AlibabaCargo],
        *,
        flow: str,
        message: str | None = None,
        shop_promotion_id: str | None = None,
        trade_type: str | None = None,
    ) -> Any:
        """:meth:`batch_create` through the v2 endpoint (``POST /v2/alibaba/order/batch/create``;
        ``flow`` is required there: ``"general"`` or ``"fenxiaonew"``, never defaulted)."""
        return await self._call(BATCH_CREATE_V2, AlibabaBatchCreateOrderRequest(
            flow=flow, message=message, shop_promotion_id=shop_promotion_id,
            trade_type=trade_type, address_param=address, cargo_param_list=cargo,
        ))

    async def page(
        self,
        *,
        page_no: int = 1,
        page_size: int = 20,
        filters: Mapping[str, Any] | None = None,
    ) -> Page[AlibabaOrderDetail]:
        """One page of the order list (``POST /v2/alibaba/order/page``).

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
        check_page_args(page_size, first_page, LIMITS.order_page_size_max)

        async def fetch(page_no: int) -> Page[AlibabaOrderDetail]:
            return await self.page(page_no=page_no, page_size=page_size, filters=filters)

        return iterate_pages(fetch, first_page=first_page, page_size=page_size,
                             max_pages=max_pages)


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
    ) -> AlibabaRefundCreated:
        """Apply for a refund or return (``POST /alibaba/refund/detail/create``). Amounts are
        integer fen; ids go as numbers. Not idempotent."""
        return await self._call(REFUND_CREATE, _refund_request(
            order_id, dispute_request, apply_payment, apply_carriage, apply_reason_id,
            description, goods_status, order_entry_ids, vouchers, order_entry_counts,
        ))

    async def create_v2(
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
    ) -> AlibabaRefundCreated:
        """:meth:`create` through the v2 endpoint (``POST /v2/alibaba/refund/detail/create``)."""
        return await self._call(REFUND_CREATE_V2, _refund_request(
            order_id, dispute_request, apply_payment, apply_carriage, apply_reason_id,
            description, goods_status, order_entry_ids, vouchers, order_entry_counts,
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


def _refund_request(
    order_id: str,
    dispute_request: str,
    apply_payment: int,
    apply_carriage: int,
    apply_reason_id: str,
    description: str,
    goods_status: str,
    order_entry_ids: Sequence[str] | None,
    vouchers: Sequence[str] | None,
    order_entry_counts: Sequence[OrderEntryCount] | None,
) -> AlibabaRefundCreateRequest:
    return AlibabaRefundCreateRequest(
        order_id=order_id, order_entry_ids=order_entry_ids, dispute_request=dispute_request,
        apply_payment=apply_payment, apply_carriage=apply_carriage,
        apply_reason_id=apply_reason_id, description=description, goods_status=goods_status,
        vouchers=vouchers, order_entry_count_list=order_entry_counts,
    )


class AlibabaCart(Resource):
    """The 1688 shopping cart."""

    async def list_items(self) -> AlibabaCartList:
        """The cart, by shop (``GET /v2/alibaba/cart/list``)."""
        return await self._call(CART_LIST, None)

    async def edit_quantity(
        self,
        cart_id: str,
        quantity: int,
        *,
        product_no: str | None = None,
        container: str | None = None,
        update_time: Any = None,
    ) -> bool:
        """Set the quantity of a cart row (``POST /alibaba/cart/edit-quantity``). The documented
        ``updateTime`` is a serialized Java Calendar; it is sent as given when set."""
        return await self._call(CART_EDIT_QUANTITY, AlibabaCartEditQuantityRequest(
            quantity=quantity, id=cart_id, update_time=update_time, product_no=product_no,
            container=container,
        ))

    async def preview_order(
        self, cart_ids: Sequence[str], *, address: AlibabaAddress | None = None
    ) -> Any:
        """Preview an order of cart rows (``POST /alibaba/cart/preview/order``); raw ``data``
        returned (schema not public)."""
        return await self._call(CART_PREVIEW_ORDER, AlibabaCartPreviewOrderRequest(
            address_param=address, cart_ids=cart_ids,
        ))

    async def create_order(
        self,
        cart_ids: Sequence[str],
        *,
        flow: str,
        address: AlibabaAddress | None = None,
        message: str | None = None,
        shop_promotion_id: str | None = None,
        trade_type: str | None = None,
        user_id: str | None = None,
        staff_name: str | None = None,
    ) -> Any:
        """Create orders from cart rows (``POST /alibaba/cart/create/order``). Not idempotent;
        raw ``data`` returned (schema not public). ``flow`` is required (``"general"`` or
        ``"fenxiaonew"``), never defaulted."""
        return await self._call(CART_CREATE_ORDER, AlibabaCartCreateOrderRequest(
            flow=flow, message=message, shop_promotion_id=shop_promotion_id,
            trade_type=trade_type, address_param=address, cart_ids=cart_ids, user_id=user_id,
            staff_name=staff_name,
        ))


class AlibabaMarketing(Resource):
    """1688 marketing lists (global strict selection, 1688 strict selection, hot-selling list).

    Their paths are not public, so this library declares no method for them: call them with
    ``client.call(method, path, json=...)`` once you know the path.
    """


class AlibabaNamespace:
    """``client.alibaba``: ``goods``, ``orders``, ``refunds``, ``cart``, ``marketing``."""

    def __init__(self, client: PandaPonClient) -> None:
        self.goods = AlibabaGoods(client)
        self.orders = AlibabaOrders(client)
        self.refunds = AlibabaRefunds(client)
        self.cart = AlibabaCart(client)
        self.marketing = AlibabaMarketing(client)
