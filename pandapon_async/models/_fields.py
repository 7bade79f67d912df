"""Field helpers and the model bases: wire names, wire kinds, request field rules, MISSING.

Python attribute names are snake_case; the wire name is their camelCase form unless a field
names its wire key explicitly (1688's ``subItemID``, the platform's ``orderPreviewResuslt``).
A response key that is absent decodes to :data:`MISSING`; a key that is ``null`` to ``None``.
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Callable
from typing import Any, Final, Literal, TypeAlias, Union, get_args, get_origin

import attrs

__all__ = [
    "MISSING",
    "Missing",
    "MissingType",
    "Model",
    "Request",
    "field",
    "is_missing",
    "json_text",
    "optional",
    "required",
    "to_camel",
    "wire_name",
]

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


_NO_ABSENT_KEYS: Final[frozenset[str]] = frozenset()


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
    # One shared empty frozenset (immutable), not a new 216-byte one per model.
    _absent_keys: frozenset[str] = attrs.field(
        default=_NO_ABSENT_KEYS, init=False, repr=False, eq=False
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



# --- type predicates shared by the converter and the request checks -----------------------

_NONE_TYPE: Final = type(None)


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_missing_arg(tp: Any) -> bool:
    return tp is MissingType or (get_origin(tp) is Literal and get_args(tp) == (MISSING,))


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum) and tp is not MissingType



def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Model) and attrs.has(tp)


def _is_request(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Request) and attrs.has(tp)

