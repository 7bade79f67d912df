"""What the generated decoders know of each field of a model, and how they are compiled.

Shared by the structure functions (:mod:`._decoders`) and the checks (:mod:`._decoder_checks`).
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, get_args

import attrs

from ._converter import converter
from ._fields import (
    _ALIASES,
    _MODEL_BOOKKEEPING,
    _NONE_TYPE,
    Model,
    _is_missing_arg,
    _is_model,
    _is_union,
    wire_name,
)

__all__ = ["ABSENT", "FieldPlan", "cached", "compile_generated", "field_plans",
           "is_generated_model"]

ABSENT: Final = object()  # a key not in the data, for fields whose default is not MISSING
_counter = itertools.count()


@attrs.frozen
class FieldPlan:
    attribute: str
    key: str
    aliases: tuple[str, ...]
    field_type: Any
    kind: str  # "str", "int", "bool", "decimal", "model", "model_list", "list", "hook"
    nullable: bool  # a union with None: null stays None (a plain type hands None to its hook)
    default: Any  # MISSING, attrs.NOTHING, a Factory or a constant
    target: Any = None  # the model class of "model"/"model_list"


def _targets(tp: Any) -> tuple[list[Any], bool, bool]:
    """``(types other than None/Missing, None allowed, is a union with Missing)``."""
    if not _is_union(tp):
        return [tp], False, False
    args = get_args(tp)
    missing = any(_is_missing_arg(a) for a in args)
    rest = [a for a in args if not _is_missing_arg(a)]
    return [a for a in rest if a is not _NONE_TYPE], _NONE_TYPE in rest, missing


def is_generated_model(tp: Any) -> bool:
    hook = converter.get_structure_hook(tp) if _is_model(tp) else None
    return hook is not None and getattr(hook, "_pandapon_model", None) is tp


def _plan_field(attribute: attrs.Attribute[Any]) -> FieldPlan:
    tp = attribute.type
    targets, nullable, with_missing = _targets(tp)
    kind = "hook" if attribute.init else "default"
    target = None
    # Only shapes whose converter hook is known are inlined; everything else (enums, dicts,
    # Any, Page, unions of several types) calls the converter's hook for the field's type.
    if kind == "hook" and len(targets) == 1 and (with_missing or not _is_union(tp)):
        (only,) = targets
        if only is str:
            kind = "str"
        elif only is int:
            kind = "int"
        elif only is bool:
            kind = "bool"
        elif only is Decimal:
            kind = "decimal"
        elif is_generated_model(only):
            kind, target = "model", only
        elif getattr(only, "__origin__", None) is list:
            (item,) = get_args(only) or (Any,)
            if is_generated_model(item):
                kind, target = "model_list", item
            elif item is str:
                kind = "list"
    return FieldPlan(
        attribute=attribute.name,
        key=wire_name(attribute),
        aliases=tuple(attribute.metadata.get(_ALIASES, ())),
        field_type=tp,
        kind=kind,
        nullable=nullable,
        default=attribute.default,
        target=target,
    )


def field_plans(cls: type[Model]) -> list[FieldPlan]:
    attrs.resolve_types(cls)
    return [_plan_field(a) for a in attrs.fields(cls) if a.name not in _MODEL_BOOKKEEPING]


def compile_generated(name: str, lines: list[str], namespace: dict[str, Any]) -> Any:
    source = "\n".join(lines) + "\n"
    filename = f"<pandapon generated {name} {next(_counter)}>"
    # Registered so that tracebacks and profilers show the generated lines.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def cached(cache: dict[Any, Any], key: Any, build: Callable[[], Any]) -> Any:
    found = cache.get(key)
    if found is None:
        # A placeholder while building: a model that (indirectly) contains itself finds it.
        cache[key] = lambda *args: cache[key](*args)
        try:
            found = cache[key] = build()
        except BaseException:
            del cache[key]
            raise
    return found
