"""``client.alibaba.goods``: 1688 product detail and searches (keyword, image, shop, related)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from ..._endpoint import endpoint
from ...models._limits import LIMITS
from ...models.alibaba import (
    AlibabaImageSearchRequest,
    AlibabaKeywordSearchRequest,
    AlibabaOpenUidDecryptRequest,
    AlibabaProduct,
    AlibabaProductDetailRequest,
    AlibabaProductListItem,
    AlibabaRelatedProductsRequest,
    AlibabaSellerOfferSearchRequest,
)
from ...models.common import Page
from .._base import Resource, Version, check_version, paged, versioned

__all__ = ["AlibabaGoods", "AlibabaSearchFilters"]

Sort = Mapping[str, str] | str
ProductPage = Page[AlibabaProductListItem]

PRODUCT_DETAIL = endpoint(
    "alibaba.goods.get_detail", "POST", "/alibaba/product/detail/get",
    idempotent=True, request=AlibabaProductDetailRequest, response=AlibabaProduct,
)
KEYWORD_SEARCH = endpoint(
    "alibaba.goods.search_keywords", "POST", "/alibaba/product/keywords/query",
    idempotent=True, request=AlibabaKeywordSearchRequest, response=ProductPage,
)
IMAGE_SEARCH = endpoint(
    "alibaba.goods.search_image", "POST", "/alibaba/product/image/query",
    idempotent=True, request=AlibabaImageSearchRequest, response=ProductPage,
)
SELLER_OFFER_SEARCH = endpoint(
    "alibaba.goods.search_seller_offers", "POST", "/alibaba/product/query/selleroffer",
    idempotent=True, request=AlibabaSellerOfferSearchRequest, response=ProductPage,
)
KEYWORD_SEARCH_V2 = endpoint(
    "alibaba.goods.search_keywords_v2", "POST", "/v2/alibaba/product/keywords/query",
    idempotent=True, request=AlibabaKeywordSearchRequest, response=ProductPage,
)
IMAGE_SEARCH_V2 = endpoint(
    "alibaba.goods.search_image_v2", "POST", "/v2/alibaba/product/image/query",
    idempotent=True, request=AlibabaImageSearchRequest, response=ProductPage,
)
SELLER_OFFER_SEARCH_V2 = endpoint(
    "alibaba.goods.search_seller_offers_v2", "POST", "/v2/alibaba/product/query/selleroffer",
    idempotent=True, request=AlibabaSellerOfferSearchRequest, response=ProductPage,
)
OPEN_UID_DECRYPT = endpoint(
    "alibaba.goods.decrypt_open_uid", "POST", "/alibaba/product/openuid/decrypt",
    idempotent=True, request=AlibabaOpenUidDecryptRequest, response=Any, status="unverified",
)
RELATED_PRODUCTS = endpoint(
    "alibaba.goods.get_related", "POST", "/v2/alibaba/product/productRelatedRecommendQuery",
    idempotent=True, request=AlibabaRelatedProductsRequest, response=ProductPage,
)


class AlibabaSearchFilters(TypedDict, total=False):
    """The filters the three 1688 searches share (keyword, image, shop), all optional.

    ``sort`` is a mapping such as ``{"price": "desc"}`` (sent as JSON text); ``price_start`` and
    ``price_end`` are decimal yuan; ``filter`` and ``category_id`` are sent as given;
    ``out_member_id`` names your own buyer to the platform.
    """

    filter: str | None
    sort: Sort | None
    out_member_id: str | None
    price_start: str | Decimal | None
    price_end: str | Decimal | None
    category_id: str | None


class AlibabaGoods(Resource):
    """1688 goods: product detail and searches (keyword, image, shop, related).

    The three searches exist in v1 and v2 with the same request: ``version=2`` picks the v2
    endpoint (``/v2/...``), the default ``version=1`` the v1 one; their iterators take the same
    keyword.
    """

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
        version: Version = 1,
        **filters: Unpack[AlibabaSearchFilters],
    ) -> ProductPage:
        """Keyword search, one page (``POST /alibaba/product/keywords/query``; ``version=2``:
        ``POST /v2/alibaba/product/keywords/query``). ``filters``: see
        :class:`AlibabaSearchFilters`.
        """
        return await self._call(versioned(KEYWORD_SEARCH, KEYWORD_SEARCH_V2, version),
                                AlibabaKeywordSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, country=country,
            **filters,
        ))

    def iter_search_keywords(
        self,
        keyword: str,
        *,
        page_size: int = 20, first_page: int = 1, max_pages: int | None = None,
        version: Version = 1,
        **filters: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every result of a keyword search, page after page (``filters``: as
        :meth:`search_keywords`)."""
        check_version(version)
        return self._pages(self.search_keywords, "begin_page", page_size, first_page, max_pages,
                           keyword=keyword, version=version, **filters)

    async def search_image(
        self,
        *,
        image_base64: bytes | str,
        image_address: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        region: str | None = None,
        version: Version = 1,
        **filters: Unpack[AlibabaSearchFilters],
    ) -> ProductPage:
        """Image search, one page (``POST /alibaba/product/image/query``; ``version=2``:
        ``POST /v2/alibaba/product/image/query``).

        ``image_base64`` is required, as documented: the image's bytes (encoded for you) or
        its base64 text. ``image_address`` (the image's URL) is sent beside it when given; no
        source shows the platform searching by address alone, so it cannot replace the image.
        ``filters``: see :class:`AlibabaSearchFilters`.
        """
        if isinstance(image_base64, bytes | bytearray | memoryview):
            if not image_base64:
                raise ValueError("image_base64 must not be empty")
            image_base64 = base64.b64encode(image_base64).decode("ascii")
        return await self._call(versioned(IMAGE_SEARCH, IMAGE_SEARCH_V2, version),
                                AlibabaImageSearchRequest(
            image_base64=image_base64, begin_page=begin_page, page_size=page_size,
            country=country, region=region, image_address=image_address, **filters,
        ))

    def iter_search_image(
        self,
        *,
        page_size: int = 20, first_page: int = 1, max_pages: int | None = None,
        version: Version = 1,
        **options: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every result of an image search (``options``: as :meth:`search_image`)."""
        check_version(version)
        return self._pages(self.search_image, "begin_page", page_size, first_page, max_pages,
                           version=version, **options)

    async def search_seller_offers(
        self,
        seller_open_id: str,
        *,
        keyword: str | None = None,
        begin_page: int = 1,
        page_size: int = 20,
        country: str | None = "en",
        version: Version = 1,
        **filters: Unpack[AlibabaSearchFilters],
    ) -> ProductPage:
        """Search one shop's goods, one page (``POST /alibaba/product/query/selleroffer``;
        ``version=2``: ``POST /v2/alibaba/product/query/selleroffer``). ``filters``: see
        :class:`AlibabaSearchFilters`."""
        return await self._call(versioned(SELLER_OFFER_SEARCH, SELLER_OFFER_SEARCH_V2, version),
                                AlibabaSellerOfferSearchRequest(
            keyword=keyword, begin_page=begin_page, page_size=page_size, country=country,
            seller_open_id=seller_open_id, **filters,
        ))

    def iter_search_seller_offers(
        self,
        seller_open_id: str,
        *,
        page_size: int = 20, first_page: int = 1, max_pages: int | None = None,
        version: Version = 1,
        **filters: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every good of a shop search (``filters``: as :meth:`search_seller_offers`)."""
        check_version(version)
        return self._pages(self.search_seller_offers, "begin_page", page_size, first_page,
                           max_pages, seller_open_id=seller_open_id, version=version, **filters)

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
    ) -> ProductPage:
        """Related products, one page (``POST /v2/alibaba/product/productRelatedRecommendQuery``;
        ``offer_id`` may be the encrypted form, sent as a string). Documented in v2 only."""
        return await self._call(RELATED_PRODUCTS, AlibabaRelatedProductsRequest(
            offer_id=offer_id, page_no=page_no, page_size=page_size, language=language,
        ))

    def iter_related(
        self,
        offer_id: str,
        *,
        page_size: int = 10, first_page: int = 1, max_pages: int | None = None,
        language: str | None = "en",
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every related product, page after page."""
        return self._pages(self.get_related, "page_no", page_size, first_page, max_pages,
                           offer_id=offer_id, language=language)

    def _pages(
        self, search: Callable[..., Awaitable[ProductPage]], page_keyword: str, page_size: int,
        first_page: int, max_pages: int | None, /, **arguments: Any,
    ) -> AsyncIterator[AlibabaProductListItem]:
        """Every item of ``search``, its page number passed as ``page_keyword``."""
        return paged(
            lambda page_no: search(**{page_keyword: page_no}, page_size=page_size, **arguments),
            page_size=page_size, first_page=first_page, max_pages=max_pages,
            max_page_size=LIMITS.alibaba_page_size_max,
        )
