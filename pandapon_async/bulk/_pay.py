"""The payment run: claim, record intent, send, settle each id in one bucket; reconcile
unknown outcomes and refusals by reading the order (never a blind resend)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ..errors import AuthenticationError
from ..journal import Journal, JournalEntry
from ..models.alibaba import PayFailOrder
from ._claims import NoJournal, run_owner
from ._common import (
    CLOSED_STATUSES,
    NOT_FOUND_REASON,
    PAID_STATUSES,
    UNPAID_STATUSES,
    alibaba_orders,
    error_text,
    gather_settled,
    is_missing,
    proves_not_processed,
)
from ._progress import Progress
from ._reports import BulkPayReport, order_status

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["PayRun", "PayUnit", "check_grace"]

logger = logging.getLogger("pandapon_async.bulk")


@attrs.define
class PayUnit:
    """One piece of bulk payment work: a chunk to pay, or ids to reconcile first."""

    kind: Literal["pay", "reconcile"]
    ids: list[str]
    batch: str
    sent: bool = False


class PayRun:
    """State of one ``submit_to_pay`` call. Runs on one event loop, so the shared buckets
    need no lock; ``settle`` enforces the one-bucket-per-id invariant."""

    def __init__(
        self, client: PandaPonClient, journal: Journal | None, *, resubmit_grace: float
    ) -> None:
        self.orders = alibaba_orders(client)
        self.journal = journal
        self.store: Journal = journal if journal is not None else NoJournal()
        self.report = BulkPayReport()
        self.settled: dict[str, str] = {}
        self.owner = run_owner()
        self.run_id = self.owner.rsplit(":", 1)[1]
        self.resubmit_grace = resubmit_grace
        self.poll = min(1.0, self.store.lease / 4)
        # Ids a request may have been sent for (by this run, or by a run that held them):
        # if this run's bookkeeping fails, they are `unknown`, never `errored`.
        self.maybe_sent: set[str] = set()
        self.claimed: set[str] = set()
        self.waited: set[str] = set()
        self.stop_error: AuthenticationError | None = None

    def settle(self, oid: str, bucket: str, detail: Any = None) -> JournalEntry | None:
        """Put ``oid`` in its bucket; returns what the journal should record."""
        if oid in self.settled:
            raise AssertionError(f"order {oid} settled twice ({self.settled[oid]}, {bucket})")
        self.settled[oid] = bucket
        report = self.report
        if bucket == "success":
            report.success_order_ids.append(oid)
            return JournalEntry(oid, "success")
        if bucket == "pay_fail":
            report.pay_fail_orders.append(PayFailOrder(order_id=oid, error_reason=detail))
            return JournalEntry(oid, "pay_fail", reason=detail)
        if bucket == "errored":
            report.errored[oid] = detail
            return JournalEntry(oid, "errored", reason=error_text(detail))
        if bucket == "unknown":
            report.unknown.append(oid)
            report.unknown_reasons[oid] = detail
            return JournalEntry(oid, "unknown", reason=detail)
        if bucket == "journal_success":
            report.success_order_ids.append(oid)
            report.from_journal.append(oid)
            return None
        if bucket == "journal_pay_fail":
            report.pay_fail_orders.append(PayFailOrder(order_id=oid, error_reason=detail or ""))
            report.from_journal.append(oid)
            return None
        raise AssertionError(f"unknown bucket {bucket!r}")

    def stop(self, error: AuthenticationError) -> None:
        if self.stop_error is None:
            self.stop_error = error
            logger.error(
                "bulk payment stopped: the platform refused the credentials (%s); ids not "
                "sent yet are reported errored", error_text(error),
            )

    async def record(self, entries: list[JournalEntry | None]) -> None:
        if self.journal is None:
            return
        real = [entry for entry in entries if entry is not None]
        if not real:
            return
        try:
            await self.journal.record_outcomes(real, owner=self.owner)
        except Exception:
            # The report still has these outcomes; the journal keeps them `sending` (claim
            # released when its lease lapses), and the next run reads their state before
            # doing anything: safe, only slower.
            logger.exception("could not record %d outcomes in the journal", len(real))
        else:
            self.claimed.difference_update(entry.order_id for entry in real)

    async def process(self, unit: PayUnit) -> None:
        """Claim the unit's ids, then read or send what this run holds; wait for ids another
        live run holds (their outcome, or their lease to lapse) and start again with them."""
        pending = unit.ids
        while pending:
            if self.stop_error is not None:
                for oid in pending:
                    if oid not in self.settled:
                        if oid in self.maybe_sent:
                            self.settle(oid, "unknown", "the run stopped (authentication "
                                        f"refused: {self.stop_error}) while another run "
                                        "held this order")
                        else:
                            self.settle(oid, "errored", self.stop_error)
                return
            claim = await self.store.claim(pending, owner=self.owner)
            if self.journal is not None:
                self.claimed.update(claim.claimed)
            for oid, entry in claim.settled.items():
                self.settle(oid, f"journal_{entry.state}", entry.reason)
            self.maybe_sent.update(claim.held)
            to_read = [oid for oid, prev in claim.claimed.items()
                       if prev is not None and prev.maybe_sent]
            to_send = [oid for oid, prev in claim.claimed.items()
                       if prev is None or not prev.maybe_sent]
            self.maybe_sent.update(to_read)
            entries: list[JournalEntry | None] = []
            lost: list[str] = []
            if to_read:
                lost += await self.reconcile(
                    unit, to_read, "in flight or unknown when an earlier run stopped",
                    entries, resubmit=True,
                )
            if to_send:
                lost += await self.send(unit, to_send, entries, resubmit=True)
            await self.record(entries)
            pending = [*claim.held, *lost]
            if pending:
                for oid in claim.held:
                    if oid not in self.waited:
                        self.waited.add(oid)
                        self.report.waited.append(oid)
                await asyncio.sleep(self.poll)

    async def send(
        self, unit: PayUnit, ids: list[str], entries: list[JournalEntry | None], *,
        resubmit: bool,
    ) -> list[str]:
        """Record the intent, then pay the ids still held; returns the ids whose claim was
        lost meanwhile (another run took them over): they are not sent."""
        if self.stop_error is not None:
            entries.extend(self.settle(oid, "errored", self.stop_error) for oid in ids
                           if oid not in self.maybe_sent)
            entries.extend(self.settle(oid, "unknown", "the run stopped (authentication "
                                       f"refused: {self.stop_error}) before resubmission")
                           for oid in ids if oid in self.maybe_sent)
            return []
        batch = unit.batch if resubmit else f"{unit.batch}:resubmit"
        recorded = await self.store.record_intent(ids, owner=self.owner, batch=batch)
        held = set(recorded)
        lost = [oid for oid in ids if oid not in held]
        if recorded:
            unit.sent = True
            self.maybe_sent.update(recorded)
            if not resubmit:
                self.report.resubmitted.extend(recorded)
            lost += await self.pay(unit, recorded, entries, resubmit=resubmit)
        return lost

    async def pay(
        self, unit: PayUnit, ids: list[str], entries: list[JournalEntry | None], *, resubmit: bool
    ) -> list[str]:
        """Send ``ids`` (intent already recorded) and settle or reconcile each of them."""
        try:
            result = await self.orders.batch_submit_to_pay(ids)
        except Exception as error:
            if isinstance(error, AuthenticationError):
                self.stop(error)
            if proves_not_processed(error):
                if resubmit:
                    # An envelope saying it failed, or never sent: not paid.
                    entries.extend(self.settle(oid, "errored", error) for oid in ids)
                else:
                    # This resend did nothing, but the first attempt's outcome is unknown
                    # (it may yet be processed, e.g. stalled on its way): not `errored`.
                    entries.extend(self.settle(oid, "unknown", (
                        "first attempt's outcome unknown; the resubmission was refused "
                        f"before processing ({error_text(error)})"
                    )) for oid in ids)
                return []
            # Sent, and no envelope proves what happened: the platform may have paid.
            return await self.reconcile(unit, ids, error_text(error), entries,
                                        resubmit=resubmit)
        wanted = set(ids)
        paid = {oid for oid in result.success_order_ids if oid in wanted}
        refused: dict[str, str] = {}
        for fail in result.pay_fail_orders:
            if fail.order_id in wanted and fail.order_id not in paid:
                refused.setdefault(fail.order_id, fail.error_reason or "")
        missing = [oid for oid in ids if oid not in paid and oid not in refused]
        for oid in ids:
            if oid in paid:
                entries.append(self.settle(oid, "success"))
        lost: list[str] = []
        if refused:
            # "State does not allow payment" may mean it is paid already (by an earlier run,
            # a concurrent one, or our own unanswered first attempt): read before filing.
            await self.read_refused(refused, entries, resubmitted=not resubmit)
        if missing:
            lost += await self.reconcile(unit, missing, "left out of both lists of the answer",
                                         entries, resubmit=resubmit)
        return lost

    async def read_refused(
        self, refused: Mapping[str, str], entries: list[JournalEntry | None], *,
        resubmitted: bool,
    ) -> None:
        ids = list(refused)
        details = await gather_settled(self.orders.get_detail, ids)
        for oid, detail in zip(ids, details, strict=True):
            reason = refused[oid]
            if isinstance(detail, Exception):
                if isinstance(detail, AuthenticationError):
                    self.stop(detail)
                if is_missing(detail):
                    entries.append(self.settle(oid, "pay_fail", reason))
                else:
                    entries.append(self.settle(oid, "unknown", (
                        f"payment refused ({reason}); reading the order failed "
                        f"({error_text(detail)})"
                    )))
                continue
            if order_status(detail) in PAID_STATUSES:
                self.report.reconciled.append(oid)
                if not resubmitted:
                    self.report.already_paid.append(oid)
                entries.append(self.settle(oid, "success"))
            else:
                entries.append(self.settle(oid, "pay_fail", reason))

    async def reconcile(
        self,
        unit: PayUnit,
        ids: list[str],
        why: str,
        entries: list[JournalEntry | None],
        *,
        resubmit: bool,
    ) -> list[str]:
        """Establish the outcome of ``ids`` by reading each order. Unpaid ones, when
        ``resubmit``, are read once more after ``resubmit_grace`` seconds (a request that
        stalled on its way may still be processed) and only then sent once more."""
        again = await self.read_state(ids, why, entries, resubmit=resubmit)
        if again and self.resubmit_grace > 0:
            await asyncio.sleep(self.resubmit_grace)
            again = await self.read_state(again, why, entries, resubmit=True)
        if again:
            return await self.send(unit, again, entries, resubmit=False)
        return []

    async def read_state(
        self, ids: list[str], why: str, entries: list[JournalEntry | None], *, resubmit: bool
    ) -> list[str]:
        """Settle what the order state proves; returns the unpaid ids to send again."""
        details = await gather_settled(self.orders.get_detail, ids)
        again: list[str] = []
        for oid, detail in zip(ids, details, strict=True):
            if isinstance(detail, Exception):
                if isinstance(detail, AuthenticationError):
                    self.stop(detail)
                if is_missing(detail):
                    self.report.reconciled.append(oid)
                    entries.append(self.settle(oid, "pay_fail", NOT_FOUND_REASON))
                else:
                    entries.append(self.settle(
                        oid, "unknown",
                        f"{why}; reading the order failed ({error_text(detail)})",
                    ))
                continue
            status = order_status(detail)
            if status in PAID_STATUSES:
                self.report.reconciled.append(oid)
                entries.append(self.settle(oid, "success"))
            elif status in CLOSED_STATUSES:
                self.report.reconciled.append(oid)
                entries.append(self.settle(oid, "pay_fail", f"order is {status}"))
            elif status in UNPAID_STATUSES and resubmit:
                again.append(oid)
            elif status in UNPAID_STATUSES:
                entries.append(self.settle(
                    oid, "unknown", f"{why}; still unpaid after a resubmission without a "
                    "definite answer",
                ))
            else:
                entries.append(self.settle(
                    oid, "unknown", f"{why}; order status {status!r} does not say"
                ))
        return again

    def settle_escaped(self, unit: PayUnit, error: Exception) -> None:
        """A unit's work raised (journal failure, or a bug): settle what it left open."""
        logger.error("bulk payment unit %s failed: %s", unit.batch, error_text(error))
        for oid in unit.ids:
            if oid in self.settled:
                continue
            if oid in self.maybe_sent:
                self.settle(
                    oid, "unknown", f"processing failed after sending ({error_text(error)})"
                )
            else:
                self.settle(oid, "errored", error)

    def progress(self, started: float) -> Progress:
        report = self.report
        return Progress(
            done=len(self.settled),
            total=None,
            succeeded=len(report.success_order_ids),
            failed=len(report.pay_fail_orders) + len(report.errored) + len(report.unknown),
            elapsed=time.monotonic() - started,
        )


def check_grace(grace: object) -> float:
    if isinstance(grace, bool) or not isinstance(grace, int | float) or not 0 <= grace <= 600:
        raise ValueError(f"resubmit_grace must be seconds from 0 to 600, got {grace!r}")
    return float(grace)
