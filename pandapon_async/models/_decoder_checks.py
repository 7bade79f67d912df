"""Checks of an answer that build nothing: they raise exactly where decoding would.

A typed call checks each nested model it defers (:mod:`._decoders`), so that an answer that
cannot be read fails the call, not a later read (rule 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._converter import _structure_int, converter
from ._field_plans import ABSENT, FieldPlan, cached, compile_generated, field_plans
from ._fields import MISSING, Model

__all__ = ["check_fn", "part_check"]

_CHECKS: dict[type, Callable[[Any], None]] = {}


def _check_lines(plan: FieldPlan, index: int, namespace: dict[str, Any]) -> list[str]:
    """Lines that raise when the value ``v`` of a present key would not decode (no line: it
    always decodes)."""
    hook = f"_h{index}"
    namespace[hook] = converter.get_structure_hook(plan.field_type)
    namespace[f"_t{index}"] = plan.field_type
    call = f"{hook}(v, _t{index})"
    null_ok = " and v is not None" if plan.nullable else ""
    if plan.kind in ("str", "default"):
        return []  # any JSON value reads as text
    if plan.kind == "int":
        return [f"    if v.__class__ is not int{null_ok}: _int(v, None)"]
    if plan.kind == "bool":
        return [f"    if v is not True and v is not False{null_ok}: {call}"]
    if plan.kind == "decimal":
        # A finite float or an int always makes a Decimal; anything else asks the rule.
        return ["    if v.__class__ is not int and (v.__class__ is not float or v - v != 0.0)"
                f"{null_ok}: {call}"]
    if plan.kind == "list":
        return [f"    if v is not None and not isinstance(v, (list, tuple)): {call}"]
    if plan.kind == "model":
        namespace[f"_c{index}"] = check_fn(plan.target)
        return [f"    if v is not None: _c{index}(v)"]
    if plan.kind == "model_list":
        namespace[f"_c{index}"] = check_fn(plan.target)
        # null reads as an empty list (or None); a list's items are checked one by one.
        return ["    if v is not None:",
                f"        if not isinstance(v, (list, tuple)): {call}",
                "        for x in v:",
                f"            if x is not None: _c{index}(x)"]
    return [f"    {call}"]


def check_fn(cls: type[Model]) -> Callable[[Any], None]:
    """Raises (``ValueError``/``TypeError``) exactly when ``cls``'s structure function would
    raise on ``data``; builds nothing."""
    return cached(_CHECKS, cls, lambda: _build_check(cls))  # type: ignore[no-any-return]


def _build_check(cls: type[Model]) -> Callable[[Any], None]:
    plans = field_plans(cls)
    class_name = cls.__name__
    namespace: dict[str, Any] = {"MISSING": MISSING, "_ABSENT": ABSENT, "_int": _structure_int}
    name = f"check_{cls.__name__}"
    lines = [f"def {name}(o):",
             "    if o.__class__ is not dict:",
             "        if o is None: return",
             "        o = _as_mapping(o)",
             "    get = o.get"]
    for index, plan in enumerate(plans):
        check = _check_lines(plan, index, namespace)
        if not check:
            continue
        if plan.default is attrs.NOTHING:
            lines.append(f"    v = o[{plan.key!r}]")
        else:
            lines.append(f"    v = get({plan.key!r}, _ABSENT)")
            for alias in plan.aliases:
                lines.append(f"    if v is _ABSENT: v = get({alias!r}, _ABSENT)")
            lines.append("    if v is not _ABSENT:")
            check = ["    " + line for line in check]
        lines += check
    lines.append("    return")

    def as_mapping(data: Any) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise ValueError(f"{class_name}: expected a JSON object, got {type(data).__name__}")
        return data

    namespace["_as_mapping"] = as_mapping
    return compile_generated(name, lines, namespace)  # type: ignore[no-any-return]


def part_check(plan: FieldPlan) -> Callable[[Any], None]:
    """The check of a nested object (``model``) or of a list of them (``model_list``)."""
    check = check_fn(plan.target)
    if plan.kind == "model":
        return check

    def check_items(items: list[Any]) -> None:
        for item in items:
            if item is not None:
                check(item)

    return check_items
