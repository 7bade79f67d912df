"""CLI observability: ``--log-level`` and the per-chunk timing summary of ``pay --trace``."""

from __future__ import annotations

import contextlib
import logging
import statistics
from collections.abc import Callable, Sequence
from typing import TextIO

from .._observability import LOGGER_NAME, ChunkTiming, configure_logging, record_chunk_timings

__all__ = ["LOG_LEVELS", "configure_log_level", "print_chunk_timings", "trace_chunks"]

LOG_LEVELS = ("debug", "info", "warning", "error")
# Up to this many chunks the summary lists them all; beyond, only the slowest.
_LIST_ALL = 20
_SLOWEST = 10


def configure_log_level(level: str | None, stream: TextIO) -> Callable[[], None]:
    """Send the library's log at ``level`` and above to ``stream`` with its structured fields
    (``key=value``); returns the undo. ``None``: nothing."""
    if level is None:
        return lambda: None
    library_logger = logging.getLogger(LOGGER_NAME)
    previous_level = library_logger.level
    handler = configure_logging(level, stream)

    def undo() -> None:
        library_logger.removeHandler(handler)
        library_logger.setLevel(previous_level)

    return undo


def trace_chunks(enabled: bool) -> contextlib.AbstractContextManager[list[ChunkTiming]]:
    """Collect the chunk timings of the block when ``enabled`` (``pay --trace``)."""
    return record_chunk_timings() if enabled else contextlib.nullcontext([])


def _quantile(sorted_values: Sequence[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def print_chunk_timings(timings: Sequence[ChunkTiming], stream: TextIO) -> None:
    """The per-chunk timing summary printed at the end of ``pandapon pay --trace``."""
    if not timings:
        stream.write("chunk timings: no chunk was sent\n")
        return
    by_kind: dict[str, int] = {}
    for timing in timings:
        by_kind[timing.kind] = by_kind.get(timing.kind, 0) + 1
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(by_kind.items()))
    orders = sum(timing.orders for timing in timings)
    span = max(timing.started + timing.elapsed for timing in timings)
    durations = sorted(timing.elapsed for timing in timings)
    stream.write(f"chunk timings: {len(timings)} chunks ({kinds}), {orders:,} order ids, "
                 f"{span:.3f} s from the first chunk's start to the last one's end\n")
    stream.write(f"  per chunk: mean {statistics.fmean(durations):.3f} s, "
                 f"p50 {_quantile(durations, 0.5):.3f} s, p95 {_quantile(durations, 0.95):.3f} s, "
                 f"max {durations[-1]:.3f} s\n")
    if len(timings) <= _LIST_ALL:
        shown = sorted(timings, key=lambda timing: timing.started)
        stream.write("  chunks in start order:\n")
    else:
        shown = sorted(timings, key=lambda timing: timing.elapsed, reverse=True)[:_SLOWEST]
        stream.write(f"  the {_SLOWEST} slowest chunks:\n")
    stream.write(f"    {'batch':<20} {'kind':<10} {'orders':>6} {'start s':>8} {'took s':>8}\n")
    for timing in shown:
        line = (f"    {timing.batch:<20} {timing.kind:<10} {timing.orders:>6} "
                f"{timing.started:>8.3f} {timing.elapsed:>8.3f}")
        if timing.error is not None:
            line += f"  error: {timing.error}"
        stream.write(line + "\n")
