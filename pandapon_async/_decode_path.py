"""Where a response's ``data`` stops matching its model: a readable field path (pure).

The converter decodes without cattrs' detailed validation (it is the hot path), so a failure
says what went wrong but not where. Only once decoding has failed, :func:`locate_failure`
walks the declared type and the data side by side, decoding each part with the same
converter, and returns the deepest part that fails on its own: ``data.payFailOrders[2]``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, get_args, get_origin

import attrs

from .models._base import MissingType, converter, wire_name
from .models.common import _ITEM_KEYS, Page

__all__ = ["describe_type", "locate_failure"]

# Deep enough for every documented answer; bounds the walk on hostile data.
_MAX_DEPTH = 32
_SEQUENCE_ORIGINS = (list, tuple, Sequence, typing.Sequence)
_MAPPING_ORIGINS = (dict, Mapping, typing.Mapping)


def describe_type(tp: Any) -> str:
    """A short name for a type: ``AlibabaOrder``, ``list[PayFailOrder]``, ``bool``."""
    args = get_args(tp)
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(describe_type(a) for a in args if a is not MissingType)
    if origin is not None and args and origin is not typing.Literal:
        return f"{describe_type(origin)}[{', '.join(describe_type(a) for a in args)}]"
    if tp is type(None):
        return "None"
    if isinstance(tp, type):
        return tp.__name__
    return str(tp).replace("typing.", "")


def _decodes(tp: Any, value: Any) -> BaseException | None:
    try:
        converter.structure(value, tp)
    except Exception as error:  # any failure of the converter is a "does not decode"
        return error
    return None


def _strip_optional(tp: Any) -> Any:
    """``X | None`` and ``X | Missing`` -> ``X`` (anything else unchanged)."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None) and a is not MissingType
                and get_origin(a) is not typing.Literal]
        if len(args) == 1:
            return args[0]
    return tp


def _bind(tp: Any, bindings: Mapping[Any, Any]) -> Any:
    """Substitute a generic model's type variables (``Page[Order]``: ``T`` -> ``Order``)."""
    if not bindings:
        return tp
    if isinstance(tp, TypeVar):
        return bindings.get(tp, Any)
    parameters = getattr(tp, "__parameters__", ())
    if parameters:
        try:
            return tp[tuple(bindings.get(p, Any) for p in parameters)]
        except TypeError:
            return Any
    return tp


def _fields(tp: Any) -> tuple[list[attrs.Attribute[Any]], Mapping[Any, Any]] | None:
    """The attrs fields of a model class (or generic alias of one) and its type bindings."""
    origin = get_origin(tp) or tp
    if not (isinstance(origin, type) and attrs.has(origin)):
        return None
    attrs.resolve_types(origin)
    bindings: dict[Any, Any] = {}
    args = get_args(tp)
    if args:
        bindings = dict(zip(getattr(origin, "__parameters__", ()), args, strict=False))
    return [a for a in attrs.fields(origin) if a.name != "extra"], bindings


def locate_failure(tp: Any, value: Any, path: str = "data") -> tuple[str, Any, str]:
    """``(field path, type expected there, what was wrong)`` for data that fails to decode.

    ``path`` is the root's name. When no part fails on its own (a required key is missing,
    say), the path is that of the smallest value that fails as a whole.
    """
    error = _decodes(tp, value)
    reason = "does not decode" if error is None else _reason(error)
    for _ in range(_MAX_DEPTH):
        inner = _strip_optional(tp)
        child = _failing_child(inner, value, path)
        if child is None:
            return path, inner, reason
        tp, value, path, error = child
        reason = _reason(error)
    return path, _strip_optional(tp), reason


def _failing_child(
    tp: Any, value: Any, path: str
) -> tuple[Any, Any, str, BaseException] | None:
    if get_origin(tp) is Page or tp is Page:
        # Pages are read leniently (models.common): the items sit under one of several keys.
        (item_type,) = get_args(tp) or (Any,)
        if isinstance(value, Mapping):
            for key in _ITEM_KEYS:
                if key in value and value[key] is not None:
                    items_type = list[item_type]  # type: ignore[valid-type]
                    error = _decodes(items_type, value[key])
                    if error is not None:
                        return items_type, value[key], f"{path}.{key}", error
                    break
        elif isinstance(value, list):
            return _failing_child(list[item_type], value, path)  # type: ignore[valid-type]
    described = _fields(tp)
    if described is not None:
        if not isinstance(value, Mapping):
            return None
        fields, bindings = described
        for attribute in fields:
            name = wire_name(attribute)
            if name in value:
                field_type = _bind(attribute.type, bindings)
                error = _decodes(field_type, value[name])
                if error is not None:
                    return field_type, value[name], f"{path}.{name}", error
        return None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in _SEQUENCE_ORIGINS and isinstance(value, list | tuple):
        item_type = args[0] if args else Any
        for index, item in enumerate(value):
            error = _decodes(item_type, item)
            if error is not None:
                return item_type, item, f"{path}[{index}]", error
        return None
    if origin in _MAPPING_ORIGINS and isinstance(value, Mapping) and len(args) == 2:
        for key, item in value.items():
            error = _decodes(args[1], item)
            if error is not None:
                return args[1], item, f"{path}[{key!r}]", error
    return None


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if len(text) > 200:
        text = text[:200] + "…"
    return f"{type(error).__name__}: {text}"
