"""The names other modules import from ``models._base``, re-exported from where they live now.

The converter is in :mod:`._converter` (scalar hooks) and :mod:`._wire` (model and request
hooks), field helpers and the model bases in :mod:`._fields`, money in :mod:`._money`, request
checks in :mod:`._checks`. Import from those in new code.
"""

from __future__ import annotations

from ._checks import validate_request
from ._converter import converter, structure_bool
from ._fields import (
    MISSING,
    Missing,
    MissingType,
    Model,
    Request,
    field,
    is_missing,
    json_text,
    optional,
    required,
    to_camel,
    wire_name,
)
from ._money import decimal_text, fen_to_yuan, yuan_to_fen
from ._wire import structure, unstructure

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
    "validate_request",
    "wire_name",
    "yuan_to_fen",
]
