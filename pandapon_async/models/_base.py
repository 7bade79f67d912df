"""The one cattrs converter and the building blocks every model uses.

Wire rules (see the README, "Model conventions"):

* Python attribute names are snake_case; the wire name is their camelCase form unless a field
  names its wire key explicitly (1688's ``subItemID``, the platform's ``orderPreviewResuslt``).
* Identifiers are ``str`` in models. A field declared ``wire="int"`` is sent as a JSON number
  (Python ints are exact, so 19-digit ids lose nothing) after checking the string is all digits;
  ``wire="str"`` sends ``str(value)``; ``wire="json"`` sends the value as JSON text inside the
  JSON body (``orderLineList``, ``receiver``, ``properties``, ``sort``, ``params``).
* Response models keep every key they do not declare in ``extra`` and never fail on one.
  A key that is absent decodes to :data:`MISSING`; a key that is ``null`` decodes to ``None``.
* Enum-typed fields are lenient: a value the enum does not know stays the raw value.

Hooks are generated once per class (cattrs caches them) and reused for every call.
"""

from __future__ import annotations

import enum
import json
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, TypeAlias, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .._booleans import parse_bool
from ._limits import LIMITS

__all__ = [
    "MISSING",
    "Missing",
    "MissingType",
    "Model",
    "Request",
    "converter",
    "decimal_text",
    "fen_to_yuan",
    "field",
    "is_missing",
    "json_text",
    "optional",
    "required",
    "structure",
    "structure_bool",
    "to_camel",
    "unstructure",
    "wire_name",
    "yuan_to_fen",
]

T = TypeVar("T")
WireKind = Literal["int", "str", "json"]

_WIRE_NAME: Final = "pandapon_wire_name"
_WIRE_KIND: Final = "pandapon_wire_kind"
_REQUIRED: Final = "pandapon_required"
_MIN_ITEMS: Final = "pandapon_min_items"
_MAX_ITEMS: Final = "pandapon_max_items"
_RANGE: Final = "pandapon_range"
_UNIQUE: Final = "pandapon_unique"
_DIGITS: Final = "pandapon_digits"
_BLANK_OK: Final = "pandapon_blank_ok"
_ALIASES: Final = "pandapon_aliases"


class MissingType(enum.Enum):
    """Type of :data:`MISSING`: the platform did not send this key at all (unlike ``null``)."""

    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = MissingType.MISSING
"""A response key that was absent. Falsy; compare with ``is MISSING``."""

Missing: TypeAlias = Literal[MissingType.MISSING]


def is_missing(value: object) -> bool:
    """True when a response field was absent from the platform's answer."""
    return value is MISSING


_CAMEL_RE = re.compile(r"_([a-z0-9])")


def to_camel(name: str) -> str:
    """``sub_item_id`` -> ``subItemId`` (the platform's default spelling)."""
    return _CAMEL_RE.sub(lambda m: m.group(1).upper(), name)


def field(
    name: str | None = None,
    *,
    wire: WireKind | None = None,
    default: Any = MISSING,
    factory: Callable[[], Any] | None = None,
    min_items: int | None = None,
    max_items: int | str | None = None,
    value_range: tuple[int, int | str | None] | None = None,
    unique: bool = False,
    repr: bool = True,
    is_required: bool = False,
    digits: bool = False,
    blank_ok: bool = False,
    aliases: tuple[str, ...] = (),
) -> Any:
    """An attrs field with its wire name and wire type.

    ``aliases``: other wire spellings of a response key (v1 ``logisticCompanyCode``, v2
    ``logisticsCompanyCode``); the first present is read, and re-encoding writes back the
    spelling that was received.

    Responses default to :data:`MISSING`; requests use :func:`request`'s ``None`` default (a
    ``None`` request field is not sent).
    """
    metadata: dict[str, Any] = {}
    if name is not None:
        metadata[_WIRE_NAME] = name
    if wire is not None:
        metadata[_WIRE_KIND] = wire
    if min_items is not None:
        metadata[_MIN_ITEMS] = min_items
    if max_items is not None:
        metadata[_MAX_ITEMS] = max_items
    if value_range is not None:
        metadata[_RANGE] = value_range
    if unique:
        metadata[_UNIQUE] = True
    if digits:
        metadata[_DIGITS] = True
    if blank_ok:
        metadata[_BLANK_OK] = True
    if aliases:
        metadata[_ALIASES] = aliases
    if is_required:
        metadata[_REQUIRED] = True
    if factory is not None:
        return attrs.field(factory=factory, metadata=metadata, repr=repr)
    return attrs.field(default=default, metadata=metadata, repr=repr)


def required(
    name: str | None = None,
    *,
    wire: WireKind | None = None,
    min_items: int | None = None,
    max_items: int | str | None = None,
    value_range: tuple[int, int | str | None] | None = None,
    unique: bool = False,
    digits: bool = False,
    blank_ok: bool = False,
) -> Any:
    """A request field that must be given: checked before sending (``ValueError`` naming it).

    A required string must not be empty or blank (unless ``blank_ok``). ``digits=True``: an
    identifier sent as a string that must be ASCII digits (``"12a"`` is refused, nothing sent).
    """
    return field(name, wire=wire, default=None, min_items=min_items, max_items=max_items,
                 value_range=value_range, unique=unique, is_required=True, digits=digits,
                 blank_ok=blank_ok)


def optional(
    name: str | None = None,
    *,
    wire: WireKind | None = None,
    min_items: int | None = None,
    max_items: int | str | None = None,
    value_range: tuple[int, int | str | None] | None = None,
    digits: bool = False,
) -> Any:
    """A request field that may be left out (``None`` is not sent)."""
    return field(name, wire=wire, default=None, min_items=min_items, max_items=max_items,
                 value_range=value_range, digits=digits)


def json_text(name: str | None = None, *, required_: bool = False) -> Any:
    """A request field sent as JSON text inside the JSON body (a ``str`` is sent as is)."""
    if required_:
        return required(name, wire="json")
    return optional(name, wire="json")


def wire_name(attribute: attrs.Attribute[Any]) -> str:
    name = attribute.metadata.get(_WIRE_NAME)
    return name if name is not None else to_camel(attribute.name)


_MODEL_BOOKKEEPING: Final = frozenset({"extra", "_absent_keys"})


@attrs.define(kw_only=True)
class Model:
    """Base of every response model (subclasses use ``attrs.define(kw_only=True, repr=False)``
    so that this repr, which leaves out what the platform did not send, applies).

    ``extra`` holds the keys the model does not declare, exactly as the platform sent them, so
    nothing the platform adds is lost and nothing unknown fails decoding.
    """

    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
    # Wire keys of defaulted fields (lists, ``""``) the platform did not send: re-encoding
    # leaves them out again, while an empty list it did send comes back.
    _absent_keys: frozenset[str] = attrs.field(
        factory=frozenset, init=False, repr=False, eq=False
    )

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{a.name}={getattr(self, a.name)!r}"
            for a in attrs.fields(type(self))
            if a.name not in _MODEL_BOOKKEEPING and getattr(self, a.name) is not MISSING
        )
        return f"{type(self).__name__}({shown})"


@attrs.define(kw_only=True)
class Request:
    """Base of every request model: snake_case fields; ``None`` means "not sent"."""


# --- money ----------------------------------------------------------------------------------

_FEN_PER_YUAN: Final = Decimal(100)


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen (the platform's money unit) to yuan.

    ``fen_to_yuan(1234) == Decimal('12.34')``.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"fen must be an int, got {type(fen).__name__}")
    return (Decimal(fen) / _FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_to_fen(yuan: Decimal | str | int) -> int:
    """Yuan (``Decimal``, decimal string or int) to integer fen; refuses fractions of a fen."""
    if isinstance(yuan, bool) or not isinstance(yuan, Decimal | str | int):
        raise ValueError(f"yuan must be a Decimal, str or int, got {type(yuan).__name__}")
    try:
        value = Decimal(yuan) * _FEN_PER_YUAN
    except InvalidOperation:
        raise ValueError(f"yuan is not a decimal number: {yuan!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"yuan {yuan!r} is not a whole number of fen")
    return int(value)


# --- the converter --------------------------------------------------------------------------

converter: Final = cattrs.Converter(detailed_validation=False, forbid_extra_keys=False)

_NONE_TYPE: Final = type(None)


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_missing_arg(tp: Any) -> bool:
    return tp is MissingType or (get_origin(tp) is Literal and get_args(tp) == (MISSING,))


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum) and tp is not MissingType


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


class _TextDecimal(Decimal):
    """A :class:`~decimal.Decimal` the platform sent as a JSON string: it re-encodes as one.

    Rule 7: yuan amounts re-encode as the platform sent them (``"89.57"`` stays text, ``6.15``
    stays a number). Arithmetic gives plain Decimals; equality and hashing are Decimal's.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Decimal('{self}')"


def _structure_decimal(value: Any, _: Any) -> Decimal:
    # str() first: the float 6.15 becomes Decimal('6.15'), not its binary expansion.
    cls = value.__class__
    try:
        if cls is int:
            return Decimal(value)
        if cls is float or cls is str:
            amount = Decimal(str(value)) if cls is float else _TextDecimal(value)
            if amount.is_finite():  # "NaN" or Infinity is no amount
                return amount
        elif isinstance(value, Decimal) and value.is_finite():
            return value
    except InvalidOperation:
        pass
    raise ValueError(f"not a decimal amount: {value!r}")


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain decimal text, never with an exponent (``0.00001``, not ``1E-5``)."""
    if not value.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    text = format(value, "f")
    return text


def _unstructure_decimal(value: Decimal) -> Any:
    if isinstance(value, _TextDecimal):
        return decimal_text(value)
    return float(value)


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


def _to_wire_int(value: Any) -> Any:
    # The same rule as the request check: ASCII digits only ("١٢٣" or "²" are not numbers here).
    if isinstance(value, str):
        return int(value) if value.isascii() and value.isdigit() else value
    if isinstance(value, list | tuple):
        return [_to_wire_int(v) for v in value]
    return value


def _to_wire_str(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_to_wire_str(v) for v in value]
    if value is None or value is MISSING or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _to_json_text(value: Any) -> Any:
    if value is None or value is MISSING or isinstance(value, str):
        return value
    return json.dumps(converter.unstructure(value), ensure_ascii=False, separators=(",", ":"))


_WIRE_HOOKS: Final[dict[str, Callable[[Any], Any]]] = {
    "int": _to_wire_int,
    "str": _to_wire_str,
    "json": _to_json_text,
}


def _unstructure_hook_for(attribute: attrs.Attribute[Any]) -> Callable[[Any], Any] | None:
    kind = attribute.metadata.get(_WIRE_KIND)
    if kind is None:
        return None
    wire_hook = _WIRE_HOOKS[kind]
    if kind == "json":
        return wire_hook

    def unstructure_field(value: Any) -> Any:
        if isinstance(value, Decimal):
            # Filters such as priceStart go out as plain text: "0.00001", never "1e-05".
            return decimal_text(value) if kind == "str" else _unstructure_decimal(value)
        return wire_hook(converter.unstructure(value))

    return unstructure_field


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model) and attrs.has(tp)


def _is_request(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Request) and attrs.has(tp)


_STRICT_SCALARS: Final = (int, bool, Decimal)


def _is_strict_scalar(tp: Any) -> bool:
    """int, bool and Decimal fields: their rules refuse values (a fraction of a fen, ``"maybe"``
    as a boolean), so a failed decode is traced back to them to name the field."""
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)] \
        if _is_union(tp) else [tp]
    return len(plain) == 1 and plain[0] in _STRICT_SCALARS


def _failing_field(
    class_name: str, checks: Sequence[tuple[str, Any]], data: Mapping[str, Any]
) -> ValueError | None:
    """Which strict field of ``data`` does not decode: only run after a decode failed, so the
    common path pays nothing for naming the field."""
    for name, tp in checks:
        if name not in data:
            continue
        try:
            converter.structure(data[name], tp)
        except (ValueError, TypeError) as error:
            return ValueError(f"{class_name}.{name}: {error}")
    return None


def _model_structure_factory(cls: type[Model]) -> Callable[[Any, Any], Model]:
    attrs.resolve_types(cls)
    overrides: dict[str, Any] = {"extra": override(omit=True)}
    known: set[str] = set()
    defaulted: set[str] = set()
    aliased: list[tuple[str, str]] = []
    strict: list[tuple[str, Any]] = []
    for attribute in attrs.fields(cls):
        if attribute.name in _MODEL_BOOKKEEPING:
            continue
        name = wire_name(attribute)
        known.add(name)
        if attribute.default is not MISSING:
            defaulted.add(name)
        for alias in attribute.metadata.get(_ALIASES, ()):
            aliased.append((name, alias))
        if _is_strict_scalar(attribute.type):
            strict.append((name, attribute.type))
        overrides[attribute.name] = override(rename=name)
    base = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=False, _cattrs_detailed_validation=False,
        **overrides,
    )
    known_keys = frozenset(known)
    defaulted_keys = frozenset(defaulted)
    aliases = tuple(aliased)
    strict_fields = tuple(strict)
    class_name = cls.__name__

    def structure(data: Any, _: Any) -> Model:
        if data is None:
            # A top-level ``data: null`` where an object is documented: an empty model.
            return cls()
        if data.__class__ is not dict and not isinstance(data, Mapping):
            raise ValueError(f"{class_name}: expected a JSON object, got {type(data).__name__}")
        received: Mapping[str, Any] = data
        spelled_otherwise: list[str] = []
        for name, alias in aliases:
            if name not in data and alias in data:
                # Read the other spelling; it stays in ``extra`` as sent, so re-encoding
                # writes it back under the name it came with.
                received = {**received, name: data[alias]}
                spelled_otherwise.append(name)
        try:
            obj = base(received, cls)
        except (ValueError, TypeError) as error:
            named = _failing_field(class_name, strict_fields, received)
            if named is None:
                raise
            raise named from error
        if not known_keys.issuperset(data):
            obj.extra = {k: v for k, v in data.items() if k not in known_keys}
        if defaulted_keys and not defaulted_keys.issubset(data):
            obj._absent_keys = defaulted_keys.difference(data)
        if spelled_otherwise:
            obj._absent_keys = obj._absent_keys.union(spelled_otherwise)
        return obj

    return structure


_FACTORY_TYPE: Final[type] = type(attrs.Factory(list))


def _unstructure_overrides(
    cls: type[Any], *, omit_name: str | None, response: bool
) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for attribute in attrs.fields(cls):
        if attribute.name == omit_name or attribute.name == "_absent_keys":
            overrides[attribute.name] = override(omit=True)
            continue
        # Absent (MISSING), unset (None) and empty-collection defaults are left out; a real
        # default value (``currency="CNY"``) is sent.
        default = attribute.default
        # A response re-encodes what the platform sent: only absent (MISSING) keys are left
        # out; an empty list or an empty string was sent and comes back (``payFailOrders: []``).
        omit = default is MISSING if response else (
            default is None or default is MISSING or isinstance(default, _FACTORY_TYPE)
        )
        overrides[attribute.name] = override(
            rename=wire_name(attribute),
            omit_if_default=omit,
            unstruct_hook=_unstructure_hook_for(attribute),
        )
    return overrides


def _model_unstructure_factory(cls: type[Model]) -> Callable[[Model], dict[str, Any]]:
    attrs.resolve_types(cls)
    overrides = _unstructure_overrides(cls, omit_name="extra", response=True)
    base = make_dict_unstructure_fn(cls, converter, **overrides)

    def unstructure(obj: Model) -> dict[str, Any]:
        data = base(obj)
        if obj._absent_keys:
            for key in obj._absent_keys:
                data.pop(key, None)
        if obj.extra:
            return {**obj.extra, **data}
        return data

    return unstructure


EXTRA_FIELDS: Final = "extra_fields"


def _request_unstructure_factory(cls: type[Request]) -> Callable[[Request], dict[str, Any]]:
    attrs.resolve_types(cls)
    has_extra = any(a.name == EXTRA_FIELDS for a in attrs.fields(cls))
    base = make_dict_unstructure_fn(
        cls, converter,
        **_unstructure_overrides(
            cls, omit_name=EXTRA_FIELDS if has_extra else None, response=False
        ),
    )
    # Keys go out in declared order (cattrs puts always-sent fields first): JSON text fields
    # such as ``orderLineList`` then read exactly like the documented examples.
    order = tuple(wire_name(a) for a in attrs.fields(cls) if a.name != EXTRA_FIELDS)

    def ordered(obj: Request) -> dict[str, Any]:
        data = base(obj)
        return {key: data[key] for key in order if key in data}

    if not has_extra:
        return ordered

    def unstructure(obj: Request) -> dict[str, Any]:
        # Fields the platform has not documented, sent as given (wire names), never overriding
        # a declared field.
        data = ordered(obj)
        extra = getattr(obj, EXTRA_FIELDS)
        if extra:
            return {**extra, **data}
        return data

    return unstructure


def _request_structure_factory(cls: type[Request]) -> Callable[[Any, Any], Request]:
    attrs.resolve_types(cls)
    overrides: dict[str, Any] = {a.name: override(rename=wire_name(a)) for a in attrs.fields(cls)}
    return make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=False, _cattrs_detailed_validation=False,
        **overrides,
    )


converter.register_structure_hook_factory(_is_model, _model_structure_factory)
converter.register_unstructure_hook_factory(_is_model, _model_unstructure_factory)
converter.register_structure_hook_factory(_is_request, _request_structure_factory)
converter.register_unstructure_hook_factory(_is_request, _request_unstructure_factory)
converter.register_unstructure_hook(MissingType, lambda _: None)


def structure(data: Any, cls: type[T]) -> T:
    """Decode JSON-shaped ``data`` (camelCase keys) into ``cls`` with the library's converter."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Encode a model back to its JSON-shaped wire form (camelCase keys, ``extra`` included)."""
    return converter.unstructure(obj)


# --- checking requests before they are sent -----------------------------------------------

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


def _type_check(tp: Any) -> Callable[[Any, str], None]:
    # The commonest request field is a plain (optional) string: answer it without dispatch.
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)]
    if tp is str or (_is_union(tp) and plain == [str]):
        def check_str(value: Any, path: str) -> None:
            if value.__class__ is not str:
                _check_value(tp, value, path)

        return check_str

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
        value = getattr(obj, field_check.name)
        path = prefix + field_check.name
        if value is None:
            if field_check.required:
                raise ValueError(f"{path} is required")
            continue
        if field_check.not_blank and value.__class__ is str and not value.strip():
            raise ValueError(f"{path} must not be empty or blank")
        if field_check.json_text and isinstance(value, str):
            continue
        field_check.check(value, path)
        if field_check.check_metadata is not None:
            field_check.check_metadata(value, path)


_HINTS_CACHE: dict[type, dict[str, Any]] = {}


def _resolved_hints(cls: type) -> dict[str, Any]:
    hints = _HINTS_CACHE.get(cls)
    if hints is None:
        attrs.resolve_types(cls)
        hints = {a.name: a.type for a in attrs.fields(cls)}
        _HINTS_CACHE[cls] = hints
    return hints


def validate_request(obj: Request) -> None:
    """Check a request before it is sent: ``ValueError`` naming the first bad field."""
    if not _is_request(type(obj)):
        raise ValueError(f"expected a request model, got {type(obj).__name__}")
    _validate(obj)
    # Rules that span fields or depend on the endpoint (an address's required parts).
    check_fields = getattr(obj, "check_fields", None)
    if check_fields is not None:
        check_fields()
