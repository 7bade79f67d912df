"""Checking a request before it is sent: ``ValueError`` naming the first bad field.

Each request class gets a plan (one check per field) built once and reused for every call.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Literal, get_args, get_origin

import attrs

from ._fields import (
    _BLANK_OK,
    _DIGITS,
    _MAX_ITEMS,
    _MIN_ITEMS,
    _NONE_TYPE,
    _RANGE,
    _REQUIRED,
    _UNIQUE,
    _WIRE_KIND,
    Request,
    _is_enum,
    _is_missing_arg,
    _is_request,
    _is_union,
)
from ._limits import LIMITS

__all__ = ["validate_request"]

_TYPE_NAMES: Final[dict[Any, str]] = {
    str: "a str",
    int: "an int",
    bool: "a bool",
    float: "a number",
    Decimal: "a Decimal",
}


def _describe(tp: Any) -> str:
    if tp in _TYPE_NAMES:
        return _TYPE_NAMES[tp]
    if _is_union(tp):
        return " or ".join(_describe(a) for a in get_args(tp) if a is not _NONE_TYPE)
    origin = get_origin(tp)
    if origin in (list, Sequence, typing.Sequence):
        (item,) = get_args(tp) or (Any,)
        return f"a list of {_describe(item).removeprefix('a ').removeprefix('an ')}"
    if origin in (dict, Mapping, typing.Mapping):
        return "a mapping"
    if isinstance(tp, type):
        return f"a {tp.__name__}"
    return str(tp)


def _check_value(tp: Any, value: Any, path: str) -> None:
    """Raise ``ValueError`` naming ``path`` when ``value`` does not fit ``tp``."""
    if tp is Any:
        return
    if _is_union(tp):
        candidates = [a for a in get_args(tp) if not _is_missing_arg(a)]
        if value is None and _NONE_TYPE in candidates:
            return
        for candidate in candidates:
            if candidate is not _NONE_TYPE and _fits_outer(candidate, value):
                _check_value(candidate, value, path)
                return
        raise ValueError(f"{path} must be {_describe(tp)}, got {type(value).__name__}")
    if not _fits_outer(tp, value):
        raise ValueError(f"{path} must be {_describe(tp)}, got {type(value).__name__}")
    origin = get_origin(tp)
    if origin in (list, Sequence, typing.Sequence):
        (item_type,) = get_args(tp) or (Any,)
        for index, item in enumerate(value):
            _check_value(item_type, item, f"{path}[{index}]")
    elif origin in (dict, Mapping, typing.Mapping):
        key_type, value_type = get_args(tp) or (Any, Any)
        for key, item in value.items():
            _check_value(key_type, key, f"{path} key")
            _check_value(value_type, item, f"{path}[{key!r}]")
    elif _is_request(tp):
        _validate(value, path + ".")


def _fits_outer(tp: Any, value: Any) -> bool:
    if tp is Any:
        return True
    origin = get_origin(tp)
    if origin in (list, Sequence, typing.Sequence):
        return isinstance(value, list | tuple)
    if origin in (dict, Mapping, typing.Mapping):
        return isinstance(value, Mapping)
    if origin is Literal:
        return value in get_args(tp)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if _is_enum(tp):
        return isinstance(value, tp) or value in tp._value2member_map_
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def _limit(bound: int | str | None) -> int | None:
    """A bound, or the current value of the named :data:`LIMITS` entry it refers to."""
    return getattr(LIMITS, bound) if isinstance(bound, str) else bound


def _check_metadata(attribute: attrs.Attribute[Any], value: Any, path: str) -> None:
    metadata = attribute.metadata
    if isinstance(value, list | tuple):
        min_items = metadata.get(_MIN_ITEMS)
        max_items = _limit(metadata.get(_MAX_ITEMS))
        if min_items is not None and len(value) < min_items:
            raise ValueError(
                f"{path} must not be empty" if min_items == 1
                else f"{path} needs at least {min_items} items, got {len(value)}"
            )
        if max_items is not None and len(value) > max_items:
            hint = (f" (pandapon_async.models.LIMITS.{metadata[_MAX_ITEMS]}: not a documented "
                    "limit)" if isinstance(metadata[_MAX_ITEMS], str) else "")
            raise ValueError(f"{path} takes at most {max_items} items, got {len(value)}{hint}")
        if metadata.get(_UNIQUE) and len(set(value)) != len(value):
            duplicates = sorted({v for v in value if value.count(v) > 1})
            raise ValueError(f"{path} has duplicate values: {duplicates[:5]}")
    value_range = metadata.get(_RANGE)
    if value_range is not None and isinstance(value, int):
        low, high = value_range[0], _limit(value_range[1])
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f">= {low}"
            hint = (f" (pandapon_async.models.LIMITS.{value_range[1]}: not a documented limit)"
                    if isinstance(value_range[1], str) else "")
            raise ValueError(f"{path} must be {bound}, got {value}{hint}")
    if metadata.get(_WIRE_KIND) == "int":
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if isinstance(item, str) and not (item.isascii() and item.isdigit()):
                raise ValueError(
                    f"{path} must be a string of digits (sent as a JSON number), got {item!r}"
                )
            if isinstance(item, str) and len(item) > 1 and item[0] == "0":
                # "0012" would go out as the number 12: another order. Refuse, never guess.
                raise ValueError(
                    f"{path} must not have leading zeros (sent as a JSON number), got {item!r}"
                )
    if metadata.get(_DIGITS):
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if not (isinstance(item, str) and item.isascii() and item.isdigit()):
                raise ValueError(f"{path} must be a non-empty string of digits, got {item!r}")


@attrs.frozen
class _FieldCheck:
    """How one request field is checked; built once per request class."""

    name: str
    required: bool
    not_blank: bool
    json_text: bool
    check: Callable[[Any, str], None]
    check_metadata: Callable[[Any, str], None] | None


_CHECKED_METADATA: Final = (_MIN_ITEMS, _MAX_ITEMS, _UNIQUE, _RANGE, _WIRE_KIND, _DIGITS)


_EXACT_CLASSES: Final = (str, int)


def _type_check(tp: Any) -> Callable[[Any, str], None]:
    # The commonest request field is a plain (optional) string: answer it without dispatch.
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)]
    if tp is str or (_is_union(tp) and plain == [str]):
        def check_str(value: Any, path: str) -> None:
            if value.__class__ is not str:
                _check_value(tp, value, path)

        return check_str
    # Lists of ids (``order_ids``): a list or tuple of exactly str (or int) items passes at
    # once; anything else takes the full check, which names the bad item.
    listed = get_origin(tp if not _is_union(tp) else plain[0] if len(plain) == 1 else None)
    if listed in (list, Sequence, typing.Sequence):
        (item_type,) = get_args(plain[0] if _is_union(tp) else tp) or (Any,)
        if item_type in _EXACT_CLASSES:
            def check_items(value: Any, path: str) -> None:
                if value.__class__ is list or value.__class__ is tuple:
                    for item in value:
                        if item.__class__ is not item_type:
                            break
                    else:
                        return
                _check_value(tp, value, path)

            return check_items

    def check(value: Any, path: str) -> None:
        _check_value(tp, value, path)

    return check


def _metadata_check(attribute: attrs.Attribute[Any]) -> Callable[[Any, str], None] | None:
    if not any(key in attribute.metadata for key in _CHECKED_METADATA):
        return None

    def check(value: Any, path: str) -> None:
        _check_metadata(attribute, value, path)

    return check


_PLANS: dict[type, tuple[_FieldCheck, ...]] = {}


def _plan(cls: type) -> tuple[_FieldCheck, ...]:
    plan = _PLANS.get(cls)
    if plan is None:
        hints = _resolved_hints(cls)
        plan = _PLANS[cls] = tuple(
            _FieldCheck(
                name=attribute.name,
                required=bool(attribute.metadata.get(_REQUIRED)),
                not_blank=bool(attribute.metadata.get(_REQUIRED))
                and not attribute.metadata.get(_BLANK_OK),
                json_text=attribute.metadata.get(_WIRE_KIND) == "json",
                check=_type_check(hints[attribute.name]),
                check_metadata=_metadata_check(attribute),
            )
            for attribute in attrs.fields(cls)
        )
    return plan


def _validate(obj: Any, prefix: str = "") -> None:
    for field_check in _plan(type(obj)):
        _check_field(field_check, getattr(obj, field_check.name), prefix + field_check.name)


def _check_field(field_check: _FieldCheck, value: Any, path: str) -> None:
    """The whole rule for one field: ``ValueError`` naming ``path`` when ``value`` breaks it."""
    if value is None:
        if field_check.required:
            raise ValueError(f"{path} is required")
        return
    if field_check.not_blank and value.__class__ is str and not value.strip():
        raise ValueError(f"{path} must not be empty or blank")
    if field_check.json_text and isinstance(value, str):
        return
    field_check.check(value, path)
    if field_check.check_metadata is not None:
        field_check.check_metadata(value, path)


# --- the per-class validator every call runs ---------------------------------------------------
#
# Each field of the commonest kinds (a string, an int, a list of string or int ids) gets a
# closure that accepts a valid value with a few constant tests; anything it does not accept
# at once, valid or not, goes through _check_field, which raises exactly the error the full
# rule raises. Fields are checked in declared order, so the first bad field is still the one
# named. Other kinds (nested requests, enums, JSON text, mappings) take _check_field directly.

_FieldValidator = Callable[[Any], None]


def _full_check(field_check: _FieldCheck) -> _FieldValidator:
    path = field_check.name

    def check(value: Any) -> None:
        _check_field(field_check, value, path)

    return check


def _id_text_ok(digits: bool, wire_int: bool) -> Callable[[str], bool] | None:
    """A test that a string passes the ``digits``/``wire="int"`` rules (None: no rule)."""
    if wire_int:
        # ASCII digits, and no leading zero (it would go out as another number).
        return lambda text: (text.isascii() and text.isdigit()
                             and (len(text) == 1 or text[0] != "0"))
    if digits:
        return lambda text: text.isascii() and text.isdigit()
    return None


def _field_validator(field_check: _FieldCheck, attribute: attrs.Attribute[Any], tp: Any
                     ) -> _FieldValidator:
    full = _full_check(field_check)
    if field_check.json_text:
        return full
    metadata = attribute.metadata
    rules = {key for key in _CHECKED_METADATA if key in metadata}
    wire_int = metadata.get(_WIRE_KIND) == "int"
    rules.discard(_WIRE_KIND)  # "str" sends str(value): nothing to check; "int": wire_int
    optional = not field_check.required
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)] \
        if _is_union(tp) else [tp]
    if len(plain) != 1:
        return full
    (kind,) = plain

    if kind is str and rules <= {_DIGITS}:
        text_ok = _id_text_ok(_DIGITS in rules, wire_int)
        not_blank = field_check.not_blank

        def check_str(value: Any) -> None:
            if value.__class__ is str:
                if (not not_blank or value.strip()) and (text_ok is None or text_ok(value)):
                    return
            elif value is None and optional:
                return
            full(value)

        return check_str

    if kind is int and rules <= {_RANGE}:
        value_range = metadata.get(_RANGE)

        def check_int(value: Any) -> None:
            if value.__class__ is int:
                if value_range is None:
                    return
                high = _limit(value_range[1])
                if value_range[0] <= value and (high is None or value <= high):
                    return
            elif value is None and optional:
                return
            full(value)

        return check_int

    if get_origin(kind) in (list, Sequence, typing.Sequence) and not rules & {_RANGE}:
        (item_type,) = get_args(kind) or (Any,)
        if item_type not in _EXACT_CLASSES:
            return full
        min_items: int = metadata.get(_MIN_ITEMS) or 0
        max_bound = metadata.get(_MAX_ITEMS)
        unique = bool(metadata.get(_UNIQUE))
        # Only string items carry the digits/wire="int" rules (an int item cannot be "digits").
        if item_type is int and _DIGITS in rules:
            return full
        item_ok = _id_text_ok(_DIGITS in rules, wire_int) if item_type is str else None

        def check_list(value: Any) -> None:
            if value.__class__ is list or value.__class__ is tuple:
                count = len(value)
                if (count >= min_items
                        and ((max_items := _limit(max_bound)) is None or count <= max_items)
                        and (not unique or len(set(value)) == count)):
                    for item in value:
                        if item.__class__ is not item_type or (
                                item_ok is not None and not item_ok(item)):
                            break
                    else:
                        return
            elif value is None and optional:
                return
            full(value)

        return check_list

    return full


@attrs.frozen
class _RequestValidator:
    """Every field's check, in declared order, then the class's cross-field rule."""

    fields: tuple[tuple[str, _FieldValidator], ...]
    check_fields: bool

    def __call__(self, obj: Any) -> None:
        for name, check in self.fields:
            check(getattr(obj, name))
        if self.check_fields:
            obj.check_fields()


_VALIDATORS: dict[type, _RequestValidator] = {}


def _validator(cls: type) -> _RequestValidator:
    hints = _resolved_hints(cls)
    return _RequestValidator(
        fields=tuple(
            (field_check.name, _field_validator(field_check, attribute, hints[attribute.name]))
            for field_check, attribute in zip(_plan(cls), attrs.fields(cls), strict=True)
        ),
        check_fields=getattr(cls, "check_fields", None) is not None,
    )


_HINTS_CACHE: dict[type, dict[str, Any]] = {}


def _resolved_hints(cls: type) -> dict[str, Any]:
    hints = _HINTS_CACHE.get(cls)
    if hints is None:
        attrs.resolve_types(cls)
        hints = {a.name: a.type for a in attrs.fields(cls)}
        _HINTS_CACHE[cls] = hints
    return hints


def validate_request(obj: Request) -> None:
    """Check a request before it is sent: ``ValueError`` naming the first bad field, then the
    rules that span fields or depend on the endpoint (``check_fields``: an address's parts)."""
    validator = _VALIDATORS.get(obj.__class__)
    if validator is None:
        if not _is_request(type(obj)):
            raise ValueError(f"expected a request model, got {type(obj).__name__}")
        validator = _VALIDATORS[obj.__class__] = _validator(obj.__class__)
    validator(obj)
