"""Structure functions for response models, generated once per class as plain Python code.

cattrs' generated functions call one hook per field and build each model through a keyword
``__init__``; for a 1688 order detail (13 models, about 90 fields) that was 27 µs, a third of
the client's CPU per call. The functions here read each key once, inline the commonest rules
(a string stays a string, an int stays an int), hand every other field to the converter's own
hook for its type (so the rules stay in one place: :mod:`._converter`), and fill the slots of
a new instance directly.

Per model class:

* ``eager`` (:func:`eager_structure_fn`): the whole tree at once. What ``structure()``, the
  callbacks and the fake use, and what the converter returns for a model.
* ``check`` (``_decoder_checks.check_fn``): walks a tree and raises exactly where ``eager``
  would, building nothing: only fields whose rule can refuse a value (numbers, booleans,
  decimals, nested objects and lists, enums and other types with a hook of their own) are
  looked at.
* ``lazy`` (:func:`lazy_structure_fn`): the model with its own fields decoded and its nested
  models (an object, a list of them) kept as the JSON they came as, each checked whole as it
  is deferred, then decoded on first read by a data descriptor that stores the model in the
  slot (``trusted``: the same without the checks, for a part checked already). Typed
  endpoint calls decode their answer this way: a part that cannot decode still fails the
  call, at once (rule 0: a write whose answer cannot be read is an unknown outcome), and what
  the caller never reads is never built (a 1688 order detail: 31 µs eager with cattrs, 4.7 µs
  deferred). Equality, ``repr``, pickling, copying, ``attrs.evolve``/``asdict`` and
  re-encoding read fields through the descriptor, so they see the decoded models.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, get_args, get_origin

import attrs

from ._converter import _structure_int, _structure_str, converter
from ._decoder_checks import part_check
from ._field_plans import (
    ABSENT,
    FieldPlan,
    cached,
    compile_generated,
    field_plans,
    is_generated_model,
)
from ._fields import (
    _NO_ABSENT_KEYS,
    MISSING,
    Model,
)
from ._money import _structure_decimal
from .common import Page, page_structure_fn

__all__ = ["absent_keys_fn", "eager_structure_fn", "failing_field", "lazy_structure_hook"]

StructureFn = Callable[[Any, Any], Any]
Mode = Literal["eager", "lazy", "trusted"]

# Distinct sets of absent keys shared per model class; beyond this, each model keeps its own.
_SHARED_ABSENT_SETS: Final = 256


class _Pending:
    """A nested part already checked (it decodes), kept as JSON until first read."""

    __slots__ = ("decode", "raw")

    def __init__(self, raw: Any, decode: Callable[[Any], Any]) -> None:
        self.raw = raw
        self.decode = decode


class _LazyField:
    """Replaces the slot descriptor of a nested-model field: decodes a pending part on first
    read and keeps the model in the slot (a data descriptor, so it wins over the slot)."""

    __slots__ = ("_delete", "_get", "_set", "name")

    def __init__(self, name: str, slot: Any) -> None:
        self.name = name
        self._get: Callable[[Any, Any], Any] = slot.__get__
        self._set: Callable[[Any, Any], None] = slot.__set__
        self._delete = slot.__delete__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = self._get(obj, owner)
        if value.__class__ is _Pending:
            value = value.decode(value.raw)
            self._set(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self._set(obj, value)

    def __delete__(self, obj: Any) -> None:
        self._delete(obj)

    def __repr__(self) -> str:
        return f"<lazily decoded field {self.name!r}>"


def _slot_setter(cls: type, name: str, *, lazy: bool) -> Callable[[Any, Any], None]:
    """The raw slot setter of ``name``; with ``lazy``, install the lazy descriptor first."""
    for klass in cls.__mro__:
        found = klass.__dict__.get(name)
        if isinstance(found, _LazyField):
            return found._set
        if isinstance(found, types.MemberDescriptorType):
            if lazy:
                setattr(klass, name, _LazyField(name, found))
            setter: Callable[[Any, Any], None] = found.__set__
            return setter
    raise TypeError(f"{cls.__name__}.{name} is not a slot")


# -- eager and lazy structure functions --------------------------------------------------------


def _value_lines(plan: FieldPlan, index: int, namespace: dict[str, Any],
                 mode: Mode) -> list[str]:
    """Lines that leave field ``index``'s decoded value in ``v`` (``v`` holds the JSON value
    of a present key). Each inlined rule is the converter's hook for that type, written out."""
    hook = f"_h{index}"
    namespace[hook] = converter.get_structure_hook(plan.field_type)
    namespace[f"_t{index}"] = plan.field_type
    call = f"{hook}(v, _t{index})"
    # A union with None keeps null as None; a plain type hands null to its rule.
    null_stays = " and v is not None" if plan.nullable else ""
    if plan.kind == "str":
        return [f"    if v.__class__ is not str{null_stays}: v = _str(v, None)"]
    if plan.kind == "int":
        return [f"    if v.__class__ is not int{null_stays}: v = _int(v, None)"]
    if plan.kind == "bool":
        return [f"    if v is not True and v is not False{null_stays}: v = {call}"]
    if plan.kind == "decimal":
        return [f"    if True{null_stays}: v = _dec(v, None)"]
    if plan.kind == "list":
        # A list of ids: copied as it is when every item is a str (the common answer), with
        # no comprehension (a function call of its own in Python 3.11) unless one is not.
        return ["    if v.__class__ is list:",
                "        for x in v:",
                "            if x.__class__ is not str:",
                "                v = [x if x.__class__ is str else _str(x, None) for x in v]",
                "                break",
                "        else:",
                "            v = v[:]",
                f"    else: v = {call}"]
    if plan.kind in ("model", "model_list"):
        item = f"_m{index}"
        namespace[item] = converter.get_structure_hook(plan.target)
        shape = "dict" if plan.kind == "model" else "list"
        if mode == "eager":
            lines = ["    if False: pass"]
        else:
            namespace[f"_lazy{index}"] = _lazy_part(plan)
            # "lazy" checks the part it defers (an answer just received); "trusted" decodes
            # a part whose whole tree was checked when it was deferred.
            namespace[f"_c{index}"] = part_check(plan)
            check = f"_c{index}(v); " if mode == "lazy" else ""
            lines = [f"    if v.__class__ is {shape} and v: {check}v = _Pending(v, _lazy{index})"]
        if plan.kind == "model":
            lines.append(f"    elif v.__class__ is dict: v = {item}(v, None)")
        else:
            lines.append("    elif v.__class__ is list: "
                         f"v = [{item}(x, None) for x in v] if v else []")
        lines.append(f"    else: v = {call}")
        return lines
    return [f"    v = {call}"]


def _lazy_part(plan: FieldPlan) -> Callable[[Any], Any]:
    """How a pending part of ``plan`` decodes (it was checked: it cannot fail)."""
    item = lazy_structure_fn(plan.target, trusted=True)
    if plan.kind == "model":
        return lambda raw: item(raw, None)
    return lambda raw: [item(entry, None) for entry in raw]


def _default_expression(plan: FieldPlan, index: int, namespace: dict[str, Any]) -> str:
    if isinstance(plan.default, attrs.Factory):  # type: ignore[arg-type]
        namespace[f"_d{index}"] = plan.default.factory
        return f"_d{index}()"
    namespace[f"_d{index}"] = plan.default
    return f"_d{index}"


def _structure_source(cls: type[Model], plans: list[FieldPlan], namespace: dict[str, Any],
                      mode: Mode) -> tuple[str, list[str]]:
    name = f"{'structure' if mode == 'eager' else mode}_{cls.__name__}"
    lines = [f"def {name}(o, _=None):",
             "  try:",
             "    if o.__class__ is not dict:",
             "        return _not_a_dict(o)",
             "    get = o.get",
             "    self = _new(_cls)"]
    for index, plan in enumerate(plans):
        nested = plan.kind in ("model", "model_list")
        if nested:
            # The slot itself: the lazy descriptor (if any) is bypassed on the way in.
            namespace[f"_set{index}"] = _slot_setter(cls, plan.attribute, lazy=mode != "eager")
            store = f"    _set{index}(self, v)"
        else:
            _slot_setter(cls, plan.attribute, lazy=False)  # a slot, or no generated function
            store = f"    self.{plan.attribute} = v"
        if plan.kind == "default":  # not an __init__ argument: never read from the data
            lines.append(f"    v = {_default_expression(plan, index, namespace)}")
            lines.append(store)
            continue
        value = _value_lines(plan, index, namespace, mode)
        if plan.default is attrs.NOTHING:
            lines.append(f"    v = o[{plan.key!r}]")
            lines += value
        elif plan.default is MISSING:
            absent = "MISSING"
            for spelling in (plan.key, *plan.aliases):
                lines.append(f"    v = get({spelling!r}, {absent})" if spelling == plan.key else
                             f"    if v is MISSING: v = get({spelling!r}, MISSING)")
            lines.append("    if v is not MISSING:")
            lines += ["    " + line for line in value]
        else:
            lines.append(f"    v = get({plan.key!r}, _ABSENT)")
            for alias in plan.aliases:
                lines.append(f"    if v is _ABSENT: v = get({alias!r}, _ABSENT)")
            lines.append(f"    if v is _ABSENT: v = {_default_expression(plan, index, namespace)}")
            lines.append("    else:")
            lines += ["    " + line for line in value]
        lines.append(store)
    alias_check = " and _aliased_isdisjoint(o)" if namespace["_aliased"] else ""
    lines += [
        "    if _known_issuperset(o): self.extra = {}",
        "    else: self.extra = {k: x for k, x in o.items() if k not in _known}",
        f"    if _defaulted_issubset(o){alias_check}: self._absent_keys = _NO_ABSENT_KEYS",
        "    else: self._absent_keys = _absent_keys(o)",
        "    return self",
        "  except (ValueError, TypeError) as error:",
        "    named = _named_failure(o)",
        "    if named is None: raise",
        "    raise named from error",
    ]
    return name, lines


def failing_field(
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


def absent_keys_fn(
    defaulted: frozenset[str], aliases: list[tuple[str, tuple[str, ...]]]
) -> Callable[[Mapping[str, Any]], frozenset[str]]:
    """What a model keeps in ``_absent_keys`` for ``data``: the wire keys of defaulted fields
    (lists, ``""``) the platform did not send, and the keys it sent under another spelling,
    so that re-encoding leaves them out again."""
    absent_sets: dict[frozenset[str], frozenset[str]] = {}

    def absent_keys(data: Mapping[str, Any]) -> frozenset[str]:
        absent: frozenset[str] = _NO_ABSENT_KEYS
        if not defaulted.issubset(data):
            absent = defaulted.difference(data)
            # Answers of one kind leave out the same keys: share one frozenset between them
            # (a few hundred bytes per model kept, e.g. by bulk.get_orders).
            shared = absent_sets.get(absent)
            if shared is None and len(absent_sets) < _SHARED_ABSENT_SETS:
                shared = absent_sets[absent] = absent
            absent = absent if shared is None else shared
        spelled_otherwise = [key for key, spellings in aliases if key not in data
                             and any(alias in data for alias in spellings)]
        if spelled_otherwise:
            absent = absent.union(spelled_otherwise)
        return absent

    return absent_keys


def _build_structure(cls: type[Model], mode: Mode) -> StructureFn:
    plans = field_plans(cls)
    known = frozenset(p.key for p in plans)
    defaulted = frozenset(p.key for p in plans if p.default is not MISSING)
    aliased = frozenset(alias for p in plans for alias in p.aliases)
    class_name = cls.__name__
    strict = [(p.key, p.field_type) for p in plans if p.kind in ("int", "bool", "decimal")]

    absent_keys = absent_keys_fn(defaulted, [(p.key, p.aliases) for p in plans if p.aliases])

    def named_failure(data: Any) -> ValueError | None:
        return failing_field(class_name, strict, data) if isinstance(data, Mapping) else None

    namespace: dict[str, Any] = {
        "_cls": cls, "_new": object.__new__, "MISSING": MISSING, "_ABSENT": ABSENT,
        "_Pending": _Pending, "_str": _structure_str, "_int": _structure_int,
        "_dec": _structure_decimal, "_known": known, "_known_issuperset": known.issuperset,
        "_defaulted_issubset": defaulted.issubset, "_aliased": aliased,
        "_aliased_isdisjoint": aliased.isdisjoint, "_absent_keys": absent_keys,
        "_NO_ABSENT_KEYS": _NO_ABSENT_KEYS, "_named_failure": named_failure,
    }
    name, lines = _structure_source(cls, plans, namespace, mode)
    generated: StructureFn = compile_generated(name, lines, namespace)
    empty: Callable[[], Model] = cls

    def not_a_dict(data: Any) -> Any:
        if data is None:
            # A top-level ``data: null`` where an object is documented: an empty model.
            return empty()
        if not isinstance(data, Mapping):
            raise ValueError(f"{class_name}: expected a JSON object, got {type(data).__name__}")
        return generated(dict(data), None)

    namespace["_not_a_dict"] = not_a_dict
    generated._pandapon_model = cls  # type: ignore[attr-defined]
    return generated


def _can_generate(cls: type[Model]) -> bool:
    """Instances are filled slot by slot, bypassing ``__init__``: only for plain attrs models
    (slotted, no validator, converter, post-init hook or ``Factory(takes_self=True)``)."""
    if "__slots__" not in cls.__dict__ or cls.__new__ is not object.__new__:
        return False
    if getattr(cls, "__attrs_post_init__", None) is not None:
        return False
    for attribute in attrs.fields(cls):
        if attribute.validator is not None or attribute.converter is not None:
            return False
        if isinstance(attribute.default, attrs.Factory) and attribute.default.takes_self:  # type: ignore[arg-type]
            return False
    return True


def eager_structure_fn(cls: type[Model]) -> StructureFn | None:
    """The generated structure function of ``cls`` (``None``: ``cls`` is not one it can fill)."""
    if not _can_generate(cls):
        return None
    return _build_structure(cls, "eager")


_LAZY: dict[tuple[type, bool], StructureFn] = {}


def lazy_structure_fn(cls: type[Model], *, trusted: bool = False) -> StructureFn:
    """``cls`` with its nested models kept as JSON until read (see the module doc). Unless
    ``trusted`` (a part already checked whole), each deferred part is checked first."""
    mode: Mode = "trusted" if trusted else "lazy"
    return cached(_LAZY, (cls, trusted),  # type: ignore[no-any-return]
                   lambda: _build_structure(cls, mode))


def lazy_structure_hook(tp: Any) -> StructureFn:
    """How a typed endpoint decodes ``data`` of type ``tp``: a generated model with nested
    models is built with them pending (each checked whole as it is deferred); any other type
    decodes eagerly."""
    if is_generated_model(tp) and any(p.kind in ("model", "model_list") for p in field_plans(tp)):
        return lazy_structure_fn(tp)
    if get_origin(tp) is Page:
        # A page of models: each item deferred the same way (an order list of details).
        (item_type,) = get_args(tp) or (Any,)
        if is_generated_model(item_type):
            return page_structure_fn(item_type, lazy_structure_hook(item_type))
    hook: StructureFn = converter.get_structure_hook(tp)
    return hook
