"""The names other modules import from ``models._base``, re-exported from where they live now.

The converter is in :mod:`._converter` (scalar hooks) and :mod:`._wire` (model and request
hooks), field helpers and the model bases in :mod:`._fields`, money in :mod:`._money`, request
checks in :mod:`._checks`. Import from those in new code.
"""

from __future__ import annotations

from . import _checks, _converter, _fields, _money, _wire
from ._checks import *  # noqa: F403
from ._converter import *  # noqa: F403
from ._fields import *  # noqa: F403
from ._money import *  # noqa: F403
from ._wire import *  # noqa: F403

__all__ = [
    *_checks.__all__,
    *_converter.__all__,
    *_fields.__all__,
    *_money.__all__,
    *_wire.__all__,
]
