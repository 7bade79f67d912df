"""Checking a request before it is sent: ``ValueError`` naming the first bad field.

Each request class gets a plan (one check per field) built once and reused for every call.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Literal, get_args, get_origin

import attrs

from ._field_plans import compile_generated
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

__all__ = ["RequestCheck", "request_check", "request_encoder", "validate_request"]

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


# --- the per-class check every call runs -------------------------------------------------------
#
# One function per request class, generated once: for each field of the commonest kinds (a
# string, an int, a list of string or int ids) a few constant tests inline that accept a valid
# value; anything they do not accept at once, valid or not, goes to _check_field, which raises
# exactly the error the full rule raises. Fields are checked in declared order, so the first
# bad field is still the one named. Other kinds (nested requests, enums, JSON text, mappings)
# take _check_field directly. Bounds named after a LIMITS entry are read at each call.

RequestCheck = Callable[[Any], None]


def _full_check(field_check: _FieldCheck) -> RequestCheck:
    path = field_check.name

    def check(value: Any) -> None:
        _check_field(field_check, value, path)

    return check


def _text_test(value: str, digits: bool, wire_int: bool, not_blank: bool) -> str:
    """A Python expression true when the string ``value`` passes the field's quick rules."""
    tests = []
    if not_blank:
        tests.append(f"{value}.strip()")
    if digits or wire_int:
        tests.append(f"{value}.isascii() and {value}.isdigit()")
    if wire_int:  # no leading zero: it would go out as another number
        tests.append(f"(len({value}) == 1 or {value}[0] != '0')")
    return " and ".join(tests)


def _bound(bound: int | str | None, namespace: dict[str, Any], name: str) -> str | None:
    """The expression for a bound: a constant, or the LIMITS entry read at each call."""
    if bound is None:
        return None
    if isinstance(bound, str):
        if not bound.isidentifier():
            raise ValueError(f"LIMITS entry {bound!r} is not a name")
        return f"_LIMITS.{bound}"
    namespace[name] = bound
    return name


def _field_lines(index: int, field_check: _FieldCheck, attribute: attrs.Attribute[Any],
                 tp: Any, namespace: dict[str, Any]) -> list[str]:
    full = f"_full{index}"
    namespace[full] = _full_check(field_check)
    whole = [f"    {full}(obj.{attribute.name})"]
    if field_check.json_text:
        return whole
    metadata = attribute.metadata
    rules = {key for key in _CHECKED_METADATA if key in metadata}
    wire_int = metadata.get(_WIRE_KIND) == "int"
    rules.discard(_WIRE_KIND)  # "str" sends str(value): nothing to check; "int": wire_int
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)] \
        if _is_union(tp) else [tp]
    if len(plain) != 1:
        return whole
    (kind,) = plain
    # What is not the expected class: None passes an optional field, the rest goes to the
    # full rule (which says "is required", or names the wrong type).
    otherwise = (f"    elif v is not None: {full}(v)" if not field_check.required
                 else f"    else: {full}(v)")
    head = f"    v = obj.{attribute.name}"

    if kind is str and rules <= {_DIGITS}:
        test = _text_test("v", _DIGITS in rules, wire_int, field_check.not_blank)
        return [head, "    if v.__class__ is str:",
                f"        if not ({test}): {full}(v)" if test else "        pass",
                otherwise]

    if kind is int and rules <= {_RANGE}:
        value_range = metadata.get(_RANGE)
        lines = [head, "    if v.__class__ is int:"]
        if value_range is None:
            lines.append("        pass")
        else:
            low = _bound(value_range[0], namespace, f"_low{index}")
            high = _bound(value_range[1], namespace, f"_high{index}")
            test = " and ".join(t for t in (
                f"{low} <= v" if low is not None else None,
                f"((h := {high}) is None or v <= h)" if high is not None else None,
            ) if t is not None)
            lines.append(f"        if not ({test}): {full}(v)" if test else "        pass")
        return [*lines, otherwise]

    if get_origin(kind) in (list, Sequence, typing.Sequence) and not rules & {_RANGE}:
        (item_type,) = get_args(kind) or (Any,)
        if item_type not in _EXACT_CLASSES:
            return whole
        # Only string items carry the digits/wire="int" rules (an int item cannot be "digits").
        if item_type is int and _DIGITS in rules:
            return whole
        namespace[f"_item{index}"] = item_type
        item_test = (_text_test("x", _DIGITS in rules, wire_int, False)
                     if item_type is str else "")
        min_items: int = metadata.get(_MIN_ITEMS) or 0
        high = _bound(metadata.get(_MAX_ITEMS), namespace, f"_high{index}")
        count_tests = [t for t in (
            f"n >= {min_items}" if min_items else None,
            f"((h := {high}) is None or n <= h)" if high is not None else None,
            # after the item tests: every item is then a str or int, so hashable
            "len(set(v)) == n" if metadata.get(_UNIQUE) else None,
        ) if t is not None]
        bad_item = f"x.__class__ is not _item{index}" + (
            f" or not ({item_test})" if item_test else "")
        lines = [head, "    if v.__class__ is list or v.__class__ is tuple:",
                 "        for x in v:",
                 f"            if {bad_item}:",
                 f"                {full}(v)",
                 "                break"]
        if count_tests:
            lines += ["        else:",
                      "            n = len(v)",
                      f"            if not ({' and '.join(count_tests)}): {full}(v)"]
        return [*lines, otherwise]

    return whole


def _generate(cls: type, encode: Callable[[Any], Any] | None) -> Any:
    hints = _resolved_hints(cls)
    namespace: dict[str, Any] = {"_LIMITS": LIMITS, "_encode": encode}
    name = f"{'check' if encode is None else 'encode'}_{cls.__name__}"
    lines = [f"def {name}(obj):"]
    for index, (field_check, attribute) in enumerate(
            zip(_plan(cls), attrs.fields(cls), strict=True)):
        lines += _field_lines(index, field_check, attribute, hints[attribute.name], namespace)
    if getattr(cls, "check_fields", None) is not None:
        lines.append("    obj.check_fields()")
    lines.append("    return None" if encode is None else "    return _encode(obj)")
    return compile_generated(name, lines, namespace)


_CHECKS: dict[type, RequestCheck] = {}


def request_check(cls: type) -> RequestCheck:
    """The check of request class ``cls``, generated on first use."""
    check = _CHECKS.get(cls)
    if check is None:
        if not _is_request(cls):
            raise ValueError(f"expected a request model, got {cls.__name__}")
        check = _CHECKS[cls] = _generate(cls, None)
    return check


def request_encoder(cls: type, encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``request_check(cls)`` and then ``encode`` (the class's unstructure function), in one
    generated function: what every typed call runs on its request."""
    if not _is_request(cls):
        raise ValueError(f"expected a request model, got {cls.__name__}")
    encoder: Callable[[Any], Any] = _generate(cls, encode)
    return encoder


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
    check = _CHECKS.get(obj.__class__)
    if check is None:
        check = request_check(obj.__class__)
    check(obj)
