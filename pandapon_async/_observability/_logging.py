"""The library's logging: structured fields on every record, switched on by ``PANDAPON_LOG``.

Loggers are ``pandapon_async`` and its children (``.bulk``, ``.callbacks``). Records about
a request carry these attributes (passed as ``extra``, so JSON formatters pick them up):
``method``, ``path``, ``endpoint`` (the typed method's registry name, e.g.
``alibaba.orders.get_detail``, or ``None`` for a path no method declares), ``attempt``,
``request_id``, ``status`` (HTTP status, ``None`` without an answer), ``elapsed`` (seconds).
No record holds the access secret, a signature, a request header or a request body.

``PANDAPON_LOG=debug|info|warning|error`` (read when ``pandapon_async`` is imported) adds one
stderr handler to the ``pandapon_async`` logger at that level, printing the fields as
``key=value``; without it the library only emits records to whatever logging the
application configured (none by default).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any, Final, TextIO

from .._endpoint import registered_endpoint

__all__ = [
    "ENV_LOG",
    "LOGGER_NAME",
    "LOG_FIELDS",
    "StructuredFormatter",
    "call_fields",
    "configure_logging",
    "configure_logging_from_env",
]

ENV_LOG: Final = "PANDAPON_LOG"
LOGGER_NAME: Final = "pandapon_async"
LOG_FIELDS: Final = ("method", "path", "endpoint", "attempt", "request_id", "status", "elapsed")
LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
                 "error": logging.ERROR}

_installed: logging.Handler | None = None


def call_fields(
    method: str,
    path: str,
    attempt: int,
    request_id: str | None = None,
    status: int | None = None,
    elapsed: float | None = None,
) -> dict[str, Any]:
    """The ``extra`` of a record about one request attempt (built only when it is logged)."""
    declared = registered_endpoint(method, path)
    return {
        "method": method,
        "path": path,
        "endpoint": None if declared is None else declared.name,
        "attempt": attempt,
        "request_id": request_id,
        "status": status,
        "elapsed": None if elapsed is None else round(elapsed, 6),
    }


class StructuredFormatter(logging.Formatter):
    """``time logger LEVEL message key=value ...``: the standard line plus the record's
    request fields (those present and not already in the message)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(name)s %(levelname)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        message = record.getMessage()
        # Fields the message already spells out as key=value are not repeated.
        fields = [f"{name}={getattr(record, name)}" for name in LOG_FIELDS
                  if getattr(record, name, None) is not None and f"{name}=" not in message]
        if not fields:
            return line
        head, newline, rest = line.partition("\n")  # keep a traceback below the fields
        return f"{head} {' '.join(fields)}{newline}{rest}"


def configure_logging(level: str | int, stream: TextIO | None = None) -> logging.Handler:
    """Send the library's records at ``level`` and above to ``stream`` (default stderr).

    Replaces a handler installed by an earlier call (or by ``PANDAPON_LOG``); returns the
    handler, so that ``logging.getLogger("pandapon_async").removeHandler(h)`` undoes it.
    """
    global _installed
    if isinstance(level, str):
        if level.lower() not in LEVELS:
            raise ValueError(f"level must be one of {sorted(LEVELS)}, got {level!r}")
        level = LEVELS[level.lower()]
    library_logger = logging.getLogger(LOGGER_NAME)
    if _installed is not None:
        library_logger.removeHandler(_installed)
    handler = logging.StreamHandler(sys.stderr if stream is None else stream)
    handler.setFormatter(StructuredFormatter())
    library_logger.addHandler(handler)
    library_logger.setLevel(level)
    _installed = handler
    return handler


def configure_logging_from_env(environ: Mapping[str, str] = os.environ) -> logging.Handler | None:
    """Apply ``PANDAPON_LOG`` if it is set; an unknown value warns and changes nothing."""
    value = environ.get(ENV_LOG, "").strip().lower()
    if not value or value in ("0", "off", "none"):
        return None
    if value not in LEVELS:
        warnings.warn(
            f"{ENV_LOG}={value!r} ignored: use one of {', '.join(LEVELS)}",
            RuntimeWarning, stacklevel=2,
        )
        return None
    return configure_logging(value)
