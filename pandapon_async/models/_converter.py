"""The one cattrs converter and its scalar, enum, union and list hooks.

* Identifiers are ``str`` in models; ids drift between JSON strings and numbers on the wire.
* Integer fields refuse fractions and booleans; decimal amounts keep how they were sent.
* Enum-typed fields are lenient: a value the enum does not know stays the raw value.

Hooks are generated once per type (cattrs caches them) and reused for every call. The model
and request hooks are registered by :mod:`._wire`.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final, Union, get_args, get_origin

import cattrs

from .._booleans import parse_bool
from ._fields import _NONE_TYPE, _is_enum, _is_missing_arg, _is_union
from ._money import _structure_decimal, _unstructure_decimal

__all__ = ["converter", "structure_bool"]

converter: Final = cattrs.Converter(detailed_validation=False, forbid_extra_keys=False)


def _structure_str(value: Any, _: Any) -> str:
    # Ids drift between JSON strings and numbers; a null in a plain-str field reads as "".
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return str(value)


def _structure_bool(value: Any, _: Any) -> bool:
    # One rule everywhere (``_booleans.parse_bool``): never a guess.
    return parse_bool(value)


def structure_bool(value: Any, field_path: str) -> bool:
    """The one boolean rule for a value outside a model (a bare ``data``), errors naming it."""
    try:
        return _structure_bool(value, bool)
    except ValueError as error:
        raise ValueError(f"{field_path}: {error}") from None


def _structure_int(value: Any, _: Any) -> int:
    # Integer fields carry fen and counts: a fraction or a boolean is refused, never truncated.
    if value.__class__ is int:
        return value
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"not a whole number: {value!r}")
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        raise ValueError(f"not a whole number: {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?[0-9]+", text):
            return int(text)
        raise ValueError(f"not an integer: {value!r}")
    raise ValueError(f"not an integer: {value!r}")



def _structure_any(value: Any, _: Any) -> Any:
    return value


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(Decimal, _structure_decimal)
converter.register_structure_hook(typing.Any, _structure_any)
converter.register_unstructure_hook(Decimal, _unstructure_decimal)
converter.register_unstructure_hook_func(
    lambda tp: isinstance(tp, type) and issubclass(tp, enum.Enum), lambda member: member.value
)


def _lenient_enum_hook(enum_type: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    members = enum_type._value2member_map_

    def structure(value: Any, _: Any) -> Any:
        member = members.get(value)
        if member is not None:
            return member
        if enum_type.__members__ and isinstance(value, str) and issubclass(enum_type, int):
            try:
                member = members.get(int(value))
            except ValueError:
                member = None
            if member is not None:
                return member
        return value

    return structure


def _union_hook_factory(tp: Any) -> Callable[[Any, Any], Any]:
    """``X | Missing | None`` and ``SomeEnum | str``: strip MISSING, handle None, be lenient."""
    args = [a for a in get_args(tp) if not _is_missing_arg(a)]
    nullable = _NONE_TYPE in args
    args = [a for a in args if a is not _NONE_TYPE]
    enums = [a for a in args if _is_enum(a)]
    inner: Callable[[Any, Any], Any]
    if enums:
        inner = _lenient_enum_hook(enums[0])
    elif args == [str]:
        # The commonest field by far: a (nullable) string, fused into one call.
        def str_or_null(value: Any, _: Any) -> Any:
            if value.__class__ is str:
                return value
            if value is None and nullable:
                return None
            return _structure_str(value, _)

        return str_or_null
    elif len(args) == 1:
        target = args[0]
        target_hook = converter.get_structure_hook(target)
        if nullable:
            def target_or_null(value: Any, _: Any) -> Any:
                return None if value is None else target_hook(value, target)

            return target_or_null

        def target_only(value: Any, _: Any) -> Any:
            return target_hook(value, target)

        return target_only
    else:
        rest: Any = Union.__getitem__(tuple(args))
        rest_hook = converter.get_structure_hook(rest)

        def inner(value: Any, _: Any) -> Any:
            return rest_hook(value, rest)

    if not nullable:
        return inner

    def structure(value: Any, type_: Any) -> Any:
        return None if value is None else inner(value, type_)

    return structure


def _wants_union_hook(tp: Any) -> bool:
    return _is_union(tp) and any(_is_missing_arg(a) or _is_enum(a) for a in get_args(tp))


converter.register_structure_hook_factory(_wants_union_hook, _union_hook_factory)
converter.register_structure_hook_factory(_is_enum, _lenient_enum_hook)


def _is_list(tp: Any) -> bool:
    return get_origin(tp) in (list, Sequence, typing.Sequence)


def _list_hook_factory(tp: Any) -> Callable[[Any, Any], Any]:
    (item_type,) = get_args(tp) or (Any,)
    item_hook = converter.get_structure_hook(item_type)

    def structure(value: Any, _: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a JSON array, got {type(value).__name__}")
        return [item_hook(item, item_type) for item in value]

    return structure


converter.register_structure_hook_factory(_is_list, _list_hook_factory)

