"""Observability: the library's log, the raw answer behind a call, and the instrumentation
hooks (OpenTelemetry itself, in ``_otel``, is imported only when instrumentation is on)."""

from __future__ import annotations

from ._logging import LOGGER_NAME, call_fields, configure_logging, configure_logging_from_env
from ._raw_response import ANSWERS, RawResponse, with_raw_response
from ._telemetry import (
    ChunkTiming,
    ClientTelemetry,
    ReceiverTelemetry,
    bulk_chunk,
    bulk_run,
    bulk_stream,
    client_telemetry,
    observe_delivery,
    outcome_of,
    receiver_telemetry,
    record_chunk_timings,
)

__all__ = [
    "ANSWERS",
    "LOGGER_NAME",
    "ChunkTiming",
    "ClientTelemetry",
    "RawResponse",
    "ReceiverTelemetry",
    "bulk_chunk",
    "bulk_run",
    "bulk_stream",
    "call_fields",
    "client_telemetry",
    "configure_logging",
    "configure_logging_from_env",
    "observe_delivery",
    "outcome_of",
    "receiver_telemetry",
    "record_chunk_timings",
    "with_raw_response",
]
