"""The one rule for booleans the platform sends, shared by the models and the envelope check.

``true``/``false`` and ``1``/``0``, as JSON booleans, numbers or text (any case, surrounding
spaces ignored); anything else is not a boolean. A ``data: "false"`` once read as True made a
refused cancel look done.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["parse_bool", "says_false"]

_TRUE_TEXT: Final = frozenset({"true", "1"})
_FALSE_TEXT: Final = frozenset({"false", "0"})


def parse_bool(value: Any) -> bool:
    """``value`` as a boolean under the one rule; ``ValueError`` when it is not one."""
    if value is True or value is False:
        return bool(value)
    if value.__class__ is int and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_TEXT:
            return True
        if text in _FALSE_TEXT:
            return False
    raise ValueError(f"not a boolean: {value!r}")


def says_false(value: Any) -> bool:
    """True when ``value`` is a boolean false under the rule (``False``, ``"false"``, ``0``)."""
    try:
        return not parse_bool(value)
    except ValueError:
        return False
