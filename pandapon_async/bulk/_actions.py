"""The settling actions (cancel, confirm receipt): send once, reconcile an unknown outcome
by reading the order."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    PandaPonError,
    RateLimitError,
    ServerError,
)
from ._common import (
    CLOSED_STATUSES,
    NOT_FOUND_REASON,
    RECEIVED_STATUSES,
    UNPAID_STATUSES,
    alibaba_orders,
    check_ids,
    default_concurrency,
    error_text,
    is_missing,
    proves_not_processed,
)
from ._engine import OutcomeStream, check_concurrency
from ._progress import Progress, ProgressCallback, ProgressNotifier
from ._reports import BulkActionReport, order_status

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = [
    "CANCEL",
    "CONFIRM",
    "ActionKind",
    "ActionRun",
    "ActionSend",
    "confirm_items",
    "run_action",
]

logger = logging.getLogger("pandapon_async.bulk")

ActionSend = Callable[[str, Any], Awaitable[Any]]
"""Sends one action for one order id with its payload (entry ids, or ``None``)."""


@attrs.frozen
class ActionKind:
    """What a settling action (cancel, confirm receipt) looks like in order state."""

    name: str
    done_statuses: frozenset[str]
    pending_statuses: frozenset[str]


CANCEL = ActionKind("cancel", CLOSED_STATUSES, UNPAID_STATUSES)
CONFIRM = ActionKind("confirm_receipt", RECEIVED_STATUSES, frozenset({"waitbuyerreceive"}))


class ActionRun:
    """One bulk cancel or confirm-receipt: send once; an unknown outcome is reconciled by
    reading the order (done -> succeeded, still pending -> sent once more, else failed)."""

    def __init__(self, client: PandaPonClient, kind: ActionKind, send: ActionSend) -> None:
        self.orders = alibaba_orders(client)
        self.kind = kind
        self.send = send
        self.report = BulkActionReport(kind.name)
        self.settled: set[str] = set()
        self.stop_error: AuthenticationError | None = None

    def settle(self, oid: str, bucket: str, detail: Any = None) -> None:
        if oid in self.settled:
            raise AssertionError(f"order {oid} settled twice")
        self.settled.add(oid)
        if bucket == "succeeded":
            self.report.succeeded.append(oid)
        elif bucket == "failed":
            self.report.failed[oid] = detail
        elif bucket == "errored":
            self.report.errored[oid] = detail
        else:
            self.report.unknown.append(oid)
            self.report.unknown_reasons[oid] = detail

    async def process(self, item: tuple[str, Any]) -> None:
        oid, payload = item
        await self.attempt(oid, payload, resubmit=True)

    def settle_not_done(self, oid: str, error: Exception, *, resubmit: bool) -> None:
        """This request provably did nothing; on a resubmission the first attempt's outcome
        is still unknown (it may yet be processed), so the id is not `errored`."""
        if resubmit:
            self.settle(oid, "errored", error)
        else:
            self.settle(oid, "unknown", "first attempt's outcome unknown; the resubmission "
                        f"was refused before processing ({error_text(error)})")

    def stop(self, error: AuthenticationError) -> None:
        if self.stop_error is None:
            self.stop_error = error
            logger.error(
                "bulk %s stopped: the platform refused the credentials (%s); ids not sent "
                "yet are reported errored", self.kind.name, error_text(error),
            )

    async def attempt(self, oid: str, payload: Any, *, resubmit: bool) -> None:
        if self.stop_error is not None:
            if resubmit:
                self.settle(oid, "errored", self.stop_error)
            else:
                self.settle(oid, "unknown", "the run stopped (authentication refused: "
                            f"{self.stop_error}) before resubmission")
            return
        try:
            answer = await self.send(oid, payload)
        except AuthenticationError as error:
            self.stop(error)
            self.settle_not_done(oid, error, resubmit=resubmit)
            return
        except BusinessError as error:
            self.settle(oid, "failed", error.error_message or error.error_code or str(error))
            return
        except Exception as error:
            if not proves_not_processed(error):
                # Sent, and no envelope proves what happened: read the order.
                await self.reconcile(oid, payload, error_text(error), resubmit=resubmit)
            elif is_missing(error):
                self.settle(oid, "failed", NOT_FOUND_REASON)
            elif isinstance(error, RateLimitError | ServerError) or not isinstance(
                error, APIError
            ):
                # Refused before processing, or never sent: not done, safe to retry.
                self.settle_not_done(oid, error, resubmit=resubmit)
            else:
                # The platform answered about this order and said no (e.g. a state that does
                # not allow it): a refusal, not a transient failure.
                self.settle(oid, "failed", error.msg or str(error))
            return
        if answer is False:
            self.settle(oid, "failed", "the platform answered false")
        else:
            self.settle(oid, "succeeded")

    async def reconcile(self, oid: str, payload: Any, why: str, *, resubmit: bool) -> None:
        try:
            detail = await self.orders.get_detail(oid)
        except Exception as error:
            if isinstance(error, AuthenticationError):
                self.stop(error)
            if is_missing(error):
                self.settle(oid, "failed", NOT_FOUND_REASON)
            else:
                self.settle(
                    oid, "unknown", f"{why}; reading the order failed ({error_text(error)})"
                )
            return
        status = order_status(detail)
        if status in self.kind.done_statuses:
            self.report.reconciled.append(oid)
            self.settle(oid, "succeeded")
        elif status in self.kind.pending_statuses and resubmit:
            self.report.resubmitted.append(oid)
            await self.attempt(oid, payload, resubmit=False)
        elif status in self.kind.pending_statuses:
            self.settle(oid, "unknown", f"{why}; still {status} after a resubmission")
        elif status is None:
            self.settle(oid, "unknown", f"{why}; the order detail has no status")
        else:
            self.report.reconciled.append(oid)
            self.settle(oid, "failed", f"order is {status}")

    def progress(self, started: float, total: int) -> Progress:
        report = self.report
        return Progress(
            done=len(self.settled), total=total, succeeded=len(report.succeeded),
            failed=len(report.failed) + len(report.errored) + len(report.unknown),
            elapsed=time.monotonic() - started,
        )


def confirm_items(
    orders: Mapping[str, Sequence[str | int]] | Iterable[str],
) -> tuple[list[tuple[str, Any]], list[str]]:
    """``confirm_receipt``'s input as (order id, entry ids or ``None``) pairs, and the ids given
    more than once; ``ValueError`` naming a bad entry id before anything is read or sent."""
    items: list[tuple[str, Any]]
    if isinstance(orders, Mapping):
        ids, duplicates = check_ids(orders.keys())
        items = []
        for oid in ids:
            entries = orders[oid] if oid in orders else orders[int(oid)]  # type: ignore[index]
            if isinstance(entries, str | bytes) or not isinstance(entries, Sequence):
                raise ValueError(f"order {oid}: entry ids must be a sequence")
            if not entries:
                raise ValueError(f"order {oid}: no order entry ids")
            entry_ids = [str(entry) for entry in entries]
            # Checked here, before any order is read or sent (sent as JSON numbers).
            bad = [e for e in entry_ids
                   if not (e.isascii() and e.isdigit()) or (len(e) > 1 and e[0] == "0")]
            if bad:
                raise ValueError(f"order {oid}: order_entry_ids must be strings of digits "
                                 f"without leading zeros; bad: {bad[:5]}")
            items.append((oid, entry_ids))
    else:
        ids, duplicates = check_ids(orders)
        items = [(oid, None) for oid in ids]
    return items, duplicates


async def run_action(
    client: PandaPonClient,
    kind: ActionKind,
    send: ActionSend,
    items: list[tuple[str, Any]],
    duplicates: list[str],
    concurrency: int | None,
    on_progress: ProgressCallback | None,
) -> BulkActionReport:
    """A bulk cancel or confirm_receipt over ``items`` (order id, payload). A ``None``
    payload of confirm_receipt means "read the order first": its entry ids come from the
    detail."""
    concurrency = check_concurrency(
        default_concurrency(client) if concurrency is None else concurrency
    )
    run = ActionRun(client, kind, send)
    run.report.duplicates = duplicates
    notify = ProgressNotifier(on_progress)
    started = time.monotonic()
    orders_api = alibaba_orders(client)

    async def process(item: tuple[str, Any]) -> None:
        oid, payload = item
        if kind is CONFIRM and payload is None:
            if run.stop_error is not None:
                run.settle(oid, "errored", run.stop_error)
                return
            try:
                detail = await orders_api.get_detail(oid)
            except PandaPonError as error:
                if isinstance(error, AuthenticationError):
                    run.stop(error)
                if is_missing(error):
                    run.settle(oid, "failed", NOT_FOUND_REASON)
                else:
                    run.settle(oid, "errored", error)
                return
            if order_status(detail) in kind.done_statuses:
                run.settle(oid, "succeeded")
                return
            entry_ids = [
                str(product.sub_item_id)
                for product in (getattr(detail, "product_items", None) or [])
                if getattr(product, "sub_item_id", None) is not None
            ]
            if not entry_ids:
                run.settle(oid, "failed", "the order detail lists no order entries")
                return
            payload = entry_ids
        await run.attempt(oid, payload, resubmit=True)

    async with OutcomeStream(process, items, concurrency=concurrency) as outcomes:
        async for outcome in outcomes:
            if outcome.error is not None and outcome.item[0] not in run.settled:
                # Not a PandaPonError from the platform: a bug or an unreadable detail.
                run.settle(outcome.item[0], "errored", outcome.error)
            if notify.callback is not None:
                await notify(run.progress(started, len(items)))
    run.report.elapsed = time.monotonic() - started
    if run.report.total != len(items):
        raise AssertionError("bulk action lost track of ids")
    return run.report
