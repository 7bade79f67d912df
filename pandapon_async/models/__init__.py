"""Typed models of the PandaPon OpenAPI and the one converter that maps them to the wire.

See the README, "Model conventions": ids are ``str``; PandaPon money is integer fen
(:func:`fen_to_yuan`); 1688's own order structure keeps decimal yuan as ``Decimal``; unknown
keys are kept in ``extra``; an absent key is :data:`MISSING`, a ``null`` one is ``None``.
"""

from __future__ import annotations

from ._checks import validate_request
from ._converter import converter
from ._fields import MISSING, Missing, MissingType, Model, Request, is_missing
from ._limits import LIMITS, Limits
from ._money import fen_to_yuan, yuan_to_fen
from ._time import parse_alibaba_time
from ._wire import structure, unstructure
from .alibaba import *  # noqa: F403
from .alibaba import __all__ as _alibaba_all
from .common import Envelope, Page
from .logistics import *  # noqa: F403
from .logistics import __all__ as _logistics_all
from .taobao import *  # noqa: F403
from .taobao import __all__ as _taobao_all

__all__ = [
    "LIMITS",
    "MISSING",
    "Envelope",
    "Limits",
    "Missing",
    "MissingType",
    "Model",
    "Page",
    "Request",
    "converter",
    "fen_to_yuan",
    "is_missing",
    "parse_alibaba_time",
    "structure",
    "unstructure",
    "validate_request",
    "yuan_to_fen",
    *_alibaba_all,
    *_logistics_all,
    *_taobao_all,
]
