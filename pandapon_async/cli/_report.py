"""The progress display and the human summary of a payment report."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ..bulk import BulkPayReport
from ..errors import APIError, BusinessError, RateLimiterUnavailableError
from ._output import err
from ._progress import ProgressDisplay, resolve_mode

# Reasons the platform gives in payFailOrders, with an English gloss for the summary.
KNOWN_REASONS = {
    "账户额度不足": "insufficient account credit",
    "订单状态不允许支付": "order state does not allow payment",
    "订单不存在": "order not found",
}


def _gloss(reason: str) -> str:
    english = KNOWN_REASONS.get(reason)
    return f"{reason} ({english})" if english else reason


def progress_display(args: argparse.Namespace, label: str) -> ProgressDisplay:
    stream = err()
    return ProgressDisplay(stream, resolve_mode(getattr(args, "progress", None) or "auto",
                                                stream), label=label)


def progress_callback(display: ProgressDisplay) -> Callable[[Any], None]:
    def on_progress(progress: Any) -> None:
        display.update(progress.done, progress.total, progress.succeeded, progress.failed,
                       progress.rate)

    return on_progress


def describe_error(error: BaseException) -> str:
    """One short phrase for an exception kept in a report."""
    if isinstance(error, BusinessError):
        return f"BusinessError {error.error_code or ''}: {error.error_message or error}".strip()
    if isinstance(error, APIError):
        parts = [type(error).__name__]
        if error.http_status is not None:
            parts.append(f"HTTP {error.http_status}")
        if error.code is not None and error.code != error.http_status:
            parts.append(f"code {error.code}")
        if error.msg:
            parts.append(error.msg)
        return " ".join(str(part) for part in parts)
    if isinstance(error, RateLimiterUnavailableError):
        return (f"{type(error).__name__}: the shared rate limiter (Redis) could not be "
                "reached, so nothing was sent")
    return type(error).__name__


def _group(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def print_report_summary(report: BulkPayReport, stream: TextIO) -> None:
    """Human summary of a report: every bucket with its count, reasons grouped."""
    succeeded = report.success_order_ids
    failed = report.pay_fail_orders
    errored = report.errored
    unknown = report.unknown
    width = len(f"{max(len(succeeded), len(failed), len(errored), len(unknown), 1):,}")
    stream.write(f"  paid      {len(succeeded):>{width},}\n")
    stream.write(f"  failed    {len(failed):>{width},}"
                 + ("   (the platform refused to pay them)\n" if failed else "\n"))
    for reason, count in _group(str(fail.error_reason) for fail in failed):
        stream.write(f"    {count:>{width},}  {_gloss(reason)}\n")
    stream.write(f"  errored   {len(errored):>{width},}"
                 + ("   (not paid; safe to retry)\n" if errored else "\n"))
    for description, count in _group(describe_error(e) for e in errored.values()):
        stream.write(f"    {count:>{width},}  {description}\n")
    stream.write(f"  unknown   {len(unknown):>{width},}"
                 + ("   (run again with the same journal to reconcile)\n" if unknown else "\n"))
    for reason, count in _group(report.unknown_reasons.get(oid, "no reason given")
                                for oid in unknown):
        stream.write(f"    {count:>{width},}  {reason}\n")
    notes = [
        (report.duplicates, ("id given more than once, paid at most once"
                             if len(report.duplicates) == 1
                             else "ids given more than once, paid at most once")),
        (report.from_journal, "settled by an earlier run (from the journal), not sent again"),
        (report.reconciled, "had no definite answer at first; reading the order settled "
                            "them (found paid, closed or missing), so they were not sent again"),
        (report.resubmitted, "had no definite answer at first and were read back unpaid, so "
                             "they were sent a second time (their final outcome is above)"),
    ]
    for ids, text in notes:
        if ids:
            stream.write(f"  {len(ids):,} {text}\n")
    stream.flush()


def count(n: int, noun: str) -> str:
    """``1 order id``, ``2 order ids``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
