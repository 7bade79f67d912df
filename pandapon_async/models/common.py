"""Models shared by every area: the response envelope and the page of a paged list."""
# ruff: noqa: RUF009 - field()/required()/optional() build attrs field specifiers (each
# call makes a new field), they are not shared default values.

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar, get_args, get_origin

import attrs

from ._converter import converter
from ._fields import MISSING, Missing, Model, field

__all__ = ["Envelope", "Page", "page_structure_fn"]

T = TypeVar("T")


@attrs.define(kw_only=True, repr=False)
class Envelope(Model):
    """The platform's response envelope ``{requestId, code, developId, msg, data}``.

    ``request_id`` and ``develop_id`` arrive as strings, numbers or ``null``; they are kept as
    ``str`` (or ``None``). The client returns only ``data``: this model is for raw bodies
    (logs, callbacks, fakes).
    """

    request_id: str | Missing | None = field()
    code: int | Missing | None = field()
    develop_id: str | Missing | None = field()
    msg: str | Missing | None = field()
    data: Any = field()


@attrs.define(kw_only=True)
class Page(Model, Generic[T]):
    """One page of a paged list.

    The 1688 v2 shape is ``{totalRecords, totalPage, pageSize, currentPage, data: [...]}``;
    lists whose page shape is not public are read leniently: the items are the first list under
    ``data``, ``records``, ``list``, ``items``, ``rows`` or ``resultList`` (or the body itself
    when it is a bare list), and the counters are read from their usual spellings.
    Keys not used are kept in ``extra``.
    """

    items: list[T] = attrs.field(factory=list)
    total_records: int | Missing | None = MISSING
    total_pages: int | Missing | None = MISSING
    page_size: int | Missing | None = MISSING
    current_page: int | Missing | None = MISSING


_ITEM_KEYS = ("data", "records", "list", "items", "rows", "resultList", "result")
_COUNTER_KEYS: dict[str, tuple[str, ...]] = {
    "total_records": ("totalRecords", "total", "totalCount"),
    "total_pages": ("totalPage", "pages", "totalPages"),
    "page_size": ("pageSize", "size"),
    "current_page": ("currentPage", "current", "pageNo", "pageNum"),
}


def _as_count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _page_structure_factory(tp: Any) -> Callable[[Any, Any], Page[Any]]:
    (item_type,) = get_args(tp) or (Any,)
    return page_structure_fn(item_type, converter.get_structure_hook(item_type))


def page_structure_fn(
    item_type: Any, item_hook: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Page[Any]]:
    """How a page of ``item_type`` decodes, each item through ``item_hook`` (a typed call
    passes the deferred-decoding one: see ``models._decoders``)."""

    def structure(data: Any, _: Any) -> Page[Any]:
        if data is None:
            return Page()
        if isinstance(data, list):
            return Page(items=[item_hook(item, item_type) for item in data])
        if not isinstance(data, Mapping):
            raise ValueError(f"Page: expected a JSON object or array, got {type(data).__name__}")
        used: set[str] = set()
        items: list[Any] = []
        for key in _ITEM_KEYS:
            value = data.get(key)
            if isinstance(value, list):
                items = [item_hook(item, item_type) for item in value]
                used.add(key)
                break
        counters: dict[str, Any] = {}
        for name, keys in _COUNTER_KEYS.items():
            for key in keys:
                if key in data:
                    counters[name] = _as_count(data[key])
                    used.add(key)
                    break
        extra = {k: v for k, v in data.items() if k not in used}
        return Page(items=items, extra=extra, **counters)

    return structure


def _page_unstructure(page: Page[Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(page.extra)
    for name, keys in _COUNTER_KEYS.items():
        value = getattr(page, name)
        if value is not MISSING:
            data[keys[0]] = value
    data["data"] = [converter.unstructure(item) for item in page.items]
    return data


def _is_page(tp: Any) -> bool:
    return tp is Page or get_origin(tp) is Page


converter.register_structure_hook_factory(_is_page, _page_structure_factory)
converter.register_unstructure_hook_func(
    lambda tp: isinstance(tp, type) and issubclass(tp, Page), _page_unstructure
)
