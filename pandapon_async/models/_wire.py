"""How models and requests map to the wire: per-class hook factories of the converter.

Wire rules (see the README, "Model conventions"):

* A field declared ``wire="int"`` is sent as a JSON number (Python ints are exact, so 19-digit
  ids lose nothing) after checking the string is all digits; ``wire="str"`` sends
  ``str(value)``; ``wire="json"`` sends the value as JSON text inside the JSON body
  (``orderLineList``, ``receiver``, ``properties``, ``sort``, ``params``).
* Response models keep every key they do not declare in ``extra`` and never fail on one.
  A key that is absent decodes to :data:`MISSING`; a key that is ``null`` decodes to ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, TypeVar, get_args

import attrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._converter import converter
from ._decoders import absent_keys_fn, eager_structure_fn, failing_field
from ._fields import (
    _ALIASES,
    _MODEL_BOOKKEEPING,
    _NONE_TYPE,
    _WIRE_KIND,
    MISSING,
    MissingType,
    Model,
    Request,
    _is_missing_arg,
    _is_model,
    _is_request,
    _is_union,
    wire_name,
)
from ._money import _unstructure_decimal, decimal_text

__all__ = ["structure", "unstructure"]

T = TypeVar("T")


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



_STRICT_SCALARS: Final = (int, bool, Decimal)


def _is_strict_scalar(tp: Any) -> bool:
    """int, bool and Decimal fields: their rules refuse values (a fraction of a fen, ``"maybe"``
    as a boolean), so a failed decode is traced back to them to name the field."""
    plain = [a for a in get_args(tp) if a is not _NONE_TYPE and not _is_missing_arg(a)] \
        if _is_union(tp) else [tp]
    return len(plain) == 1 and plain[0] in _STRICT_SCALARS


def _model_structure_factory(cls: type[Model]) -> Callable[[Any, Any], Model]:
    generated = eager_structure_fn(cls)
    if generated is not None:
        return generated
    # A model the generated function cannot fill slot by slot (a validator, a converter, a
    # post-init hook): cattrs' function, through ``__init__``.
    return _cattrs_model_structure_fn(cls)


def _cattrs_model_structure_fn(cls: type[Model]) -> Callable[[Any, Any], Model]:
    """The model rules on top of cattrs' own structure function (the reference the generated
    functions are tested against)."""
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
    aliases = tuple(aliased)
    strict_fields = tuple(strict)
    class_name = cls.__name__
    absent_keys = absent_keys_fn(
        frozenset(defaulted), [(name, (alias,)) for name, alias in aliased])

    def structure(data: Any, _: Any) -> Model:
        if data is None:
            # A top-level ``data: null`` where an object is documented: an empty model.
            return cls()
        if data.__class__ is not dict and not isinstance(data, Mapping):
            raise ValueError(f"{class_name}: expected a JSON object, got {type(data).__name__}")
        received: Mapping[str, Any] = data
        for name, alias in aliases:
            if name not in data and alias in data:
                # Read the other spelling; it stays in ``extra`` as sent, so re-encoding
                # writes it back under the name it came with.
                received = {**received, name: data[alias]}
        try:
            obj = base(received, cls)
        except (ValueError, TypeError) as error:
            named = failing_field(class_name, strict_fields, received)
            if named is None:
                raise
            raise named from error
        if not known_keys.issuperset(data):
            obj.extra = {k: v for k, v in data.items() if k not in known_keys}
        obj._absent_keys = absent_keys(data)
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
    overrides = _unstructure_overrides(
        cls, omit_name=EXTRA_FIELDS if has_extra else None, response=False
    )
    base = make_dict_unstructure_fn(cls, converter, **overrides)
    # Keys go out in declared order (cattrs puts always-sent fields first): JSON text fields
    # such as ``orderLineList`` then read exactly like the documented examples.
    fields = [a for a in attrs.fields(cls) if a.name != EXTRA_FIELDS]
    declared = [a.name for a in fields]
    order = tuple(wire_name(a) for a in fields)
    sent_always = [a.name for a in fields
                   if not overrides[a.name].omit_if_default or a.default is attrs.NOTHING]
    if declared == sent_always + [name for name in declared if name not in sent_always]:
        ordered: Callable[[Request], dict[str, Any]] = base  # cattrs' order is the declared one
    else:
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

