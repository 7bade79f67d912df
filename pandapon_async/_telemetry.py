"""Moved to ``_observability``; this path is kept for ``_client``/``_transport`` and ``bulk``."""
from ._observability import ClientTelemetry, bulk_chunk, bulk_run, bulk_stream, client_telemetry

__all__ = ["ClientTelemetry", "bulk_chunk", "bulk_run", "bulk_stream", "client_telemetry"]
