"""What every namespace shares: the client handle, the call helper and page iteration."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .._endpoint import Endpoint
from ..models._base import MISSING, Request
from ..models.common import Page

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["Resource", "Version", "check_version", "iterate_pages", "paged", "versioned"]

T = TypeVar("T")
ResponseT = TypeVar("ResponseT")

Version = Literal[1, 2]
"""Which documented endpoint a method with a ``version=`` keyword calls (1, the default, or 2)."""


class Resource:
    """A group of typed methods bound to one client (or one ``with_options`` view)."""

    def __init__(self, client: PandaPonClient) -> None:
        self._client = client

    def _call(self, endpoint: Endpoint[ResponseT], request: Request | None
              ) -> Coroutine[Any, Any, ResponseT]:
        # The endpoint's coroutine itself, for the public method to await: a forwarding
        # coroutine here would be one more frame on every resume of the task. Warnings from
        # it (stacklevel 3) point at the caller of the public method.
        return endpoint.call(self._client, request)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def check_version(version: Version) -> Version:
    """``version`` itself, or ``ValueError`` (nothing sent) when it is not 1 or 2."""
    if isinstance(version, bool) or version not in (1, 2):
        raise ValueError(f"version must be 1 or 2, got {version!r}")
    return version


def versioned(v1: Endpoint[ResponseT], v2: Endpoint[ResponseT], version: Version
              ) -> Endpoint[ResponseT]:
    """The endpoint ``version=`` picks, where v1 and v2 take the same request."""
    return v1 if check_version(version) == 1 else v2


def check_page_args(page_size: int, first_page: int, max_page_size: int | None) -> None:
    """``max_page_size``: a documented bound, or the current ``LIMITS`` value (``None``: none)."""
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise ValueError(f"page_size must be an int, got {type(page_size).__name__}")
    if page_size < 1 or (max_page_size is not None and page_size > max_page_size):
        raise ValueError(f"page_size must be between 1 and {max_page_size}, got {page_size}")
    if isinstance(first_page, bool) or not isinstance(first_page, int) or first_page < 1:
        raise ValueError(f"first_page must be an int >= 1, got {first_page!r}")


async def iterate_pages(
    fetch: Callable[[int], Awaitable[Page[T]]],
    *,
    first_page: int,
    page_size: int,
    max_pages: int | None = None,
) -> AsyncIterator[T]:
    """Yield every item, page after page, until a short or empty page or the last page.

    A page is fetched only when the consumer asks for its first item, so breaking out of the
    loop stops the requests; wrap the iterator in ``contextlib.aclosing`` to close it at once.
    """
    page_no = first_page
    fetched = 0
    while True:
        page = await fetch(page_no)
        fetched += 1
        for item in page.items:
            yield item
        if len(page.items) < page_size:
            return
        total_pages = page.total_pages
        if total_pages is not MISSING and total_pages is not None and page_no >= total_pages:
            return
        if max_pages is not None and fetched >= max_pages:
            return
        page_no += 1


def paged(
    fetch: Callable[[int], Awaitable[Page[T]]],
    *,
    page_size: int,
    first_page: int,
    max_pages: int | None,
    max_page_size: int | None,
) -> AsyncIterator[T]:
    """Check the paging arguments now (nothing sent on bad ones), then iterate lazily."""
    check_page_args(page_size, first_page, max_page_size)
    return iterate_pages(fetch, first_page=first_page, page_size=page_size, max_pages=max_pages)
