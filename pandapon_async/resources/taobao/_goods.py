"""``client.taobao.goods``: Taobao product detail, distribution check, search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from ..._endpoint import endpoint
from ...models.common import Page
from ...models.taobao import (
    SEARCH_MAX_PAGE_SIZE,
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
from .._base import Resource, Version, paged, versioned

__all__ = ["TaobaoGoods"]

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


class TaobaoGoods(Resource):
    """Taobao goods: product detail, distribution check, search."""

    async def get_product(self, item_id: str, *, version: Version = 1) -> TaobaoProduct:
        """A Taobao product (``GET /open/product/get``; ``price`` in fen).

        ``version=2``: ``GET /v2/taobao/product/get``, where ``item_id`` is the encrypted form,
        e.g. ``WUnUC1cILiBjt-Jv3lDdlQ``.
        """
        return await self._call(versioned(PRODUCT_GET, PRODUCT_GET_V2, version),
                                TaobaoItemIdRequest(item_id=item_id))

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
        """Taobao search, one page (``POST /v2/taobao/product/item/search``, documented in v2
        only; ``page_size`` 1..40, ``sort`` e.g. ``"tk_rate_desc"``)."""
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
        return paged(
            lambda page_no: self.search(keyword, page_no=page_no, page_size=page_size, sort=sort),
            page_size=page_size, first_page=first_page, max_pages=max_pages,
            max_page_size=SEARCH_MAX_PAGE_SIZE,
        )
