"""The settling actions (cancel, confirm receipt): send once, reconcile an unknown outcome
by reading the order."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import attrs

from ..errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    RateLimitError,
    ServerError,
)
from ._common import (
    CLOSED_STATUSES,
    NOT_FOUND_REASON,
    RECEIVED_STATUSES,
    UNPAID_STATUSES,
    alibaba_orders,
    error_text,
    is_missing,
    proves_not_processed,
)
from ._progress import Progress
from ._reports import (
    BulkActionReport,
    order_status,
)

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["CANCEL", "CONFIRM", "ActionKind", "ActionRun", "ActionSend"]

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
