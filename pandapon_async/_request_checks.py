"""Checks of raw ``client.call`` arguments, made before anything is sent."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["check_json_body"]


def check_json_body(body: Any) -> None:
    """``ValueError`` naming ``json`` when the body is not valid JSON on the wire.

    ``NaN`` and ``Infinity`` are not JSON (RFC 8259), though Python's encoder writes them by
    default; a value JSON cannot hold raises ``TypeError`` naming ``json``.
    """
    try:
        json.dumps(body, allow_nan=False)
    except ValueError as error:
        raise ValueError(f"json: {error} (NaN and Infinity are not JSON)") from None
    except TypeError as error:
        raise TypeError(f"json: {error}") from None
