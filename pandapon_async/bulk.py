"""Bulk helpers: fan-out under the client's limits, reports, never paying an order twice.

``client.bulk`` is a :class:`BulkNamespace`:

- :meth:`~BulkNamespace.map` — the engine: any async function over any (async) iterable,
  lazily, at most ``concurrency`` items in flight, outcomes in completion order.
- :meth:`~BulkNamespace.submit_to_pay` — pay thousands of 1688 orders in chunks, reconcile
  unknown outcomes by reading order state, optionally journaled so a crashed run resumes.
- :meth:`~BulkNamespace.get_orders` — look up many orders (1688 detail, or your own fetch).
- :meth:`~BulkNamespace.cancel`, :meth:`~BulkNamespace.confirm_receipt` — settle many orders.

Every request the helpers make goes through the client, so the client's rate limiter,
concurrency cap and retry rules (non-idempotent calls are never blindly resent) apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from ._bulk_engine import (
    Outcome,
    OutcomeStream,
    Progress,
    ProgressCallback,
    ProgressNotifier,
    check_concurrency,
)
from ._bulk_reports import (
    BulkActionReport,
    BulkError,
    BulkLookupReport,
    BulkPayReport,
    order_status,
)
from ._dsn import is_postgres_dsn
from ._telemetry import bulk_chunk, bulk_run, bulk_stream
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    ClientClosedError,
    ConnectError,
    NotFoundError,
    PandaPonError,
    RateLimitError,
    ServerError,
)
from .journal import (
    DEFAULT_LEASE,
    ClaimResult,
    Journal,
    JournalEntry,
    SQLiteJournal,
)
from .models.alibaba import BATCH_PAY_MAX_ORDERS, PayFailOrder

if TYPE_CHECKING:
    from ._client import PandaPonClient
    from .resources.alibaba import AlibabaOrders

__all__ = [
    "CLOSED_STATUSES",
    "PAID_STATUSES",
    "RECEIVED_STATUSES",
    "UNPAID_STATUSES",
    "BulkActionReport",
    "BulkError",
    "BulkLookupReport",
    "BulkNamespace",
    "BulkPayReport",
    "Outcome",
    "OutcomeStream",
    "Progress",
    "ProgressCallback",
]

logger = logging.getLogger("pandapon_async.bulk")

T = TypeVar("T")
R = TypeVar("R")

PAID_STATUSES: frozenset[str] = frozenset(
    {"waitsellersend", "waitbuyerreceive", "confirm_goods", "success"}
)
"""1688 ``baseInfo.status`` values of an order that has been paid."""
UNPAID_STATUSES: frozenset[str] = frozenset({"waitbuyerpay"})
CLOSED_STATUSES: frozenset[str] = frozenset({"cancel", "terminated"})
RECEIVED_STATUSES: frozenset[str] = frozenset({"confirm_goods", "success"})

DEFAULT_CHUNK_SIZE = 50
DEFAULT_RESUBMIT_GRACE = 2.0
"""Seconds ``submit_to_pay`` waits before reading an order again, after reading it unpaid
following an unknown outcome, and only then resubmitting it."""
_NOT_FOUND_REASON = "订单不存在 (order not found)"


def _check_ids(
    order_ids: Iterable[str | int], *, digits: bool = True
) -> tuple[list[str], list[str]]:
    """Distinct ids in input order, and the ids seen more than once; ``ValueError`` naming
    every bad id before anything is sent."""
    if isinstance(order_ids, str | bytes) or not isinstance(order_ids, Iterable):
        raise ValueError("order_ids must be an iterable of order id strings, not a single value")
    distinct: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    bad: list[str] = []
    for raw in order_ids:
        # One rule for every call: order ids are text (``int`` is refused, as single calls
        # refuse it), so an id read as a float somewhere upstream cannot slip through rounded.
        if isinstance(raw, str) and raw and (
            (raw.isascii() and raw.isdigit()) if digits else not any(c.isspace() for c in raw)
        ):
            oid = raw
        else:
            if len(bad) < 10:
                bad.append(repr(raw))
            continue
        if oid in distinct:
            duplicates[oid] = None
        else:
            distinct[oid] = None
    if bad:
        what = "non-empty strings of digits" if digits else "non-empty strings without spaces"
        raise ValueError(f"order ids must be {what}; bad: {', '.join(bad)}")
    return list(distinct), list(duplicates)


def _check_chunk_size(chunk_size: object) -> int:
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not 1 <= chunk_size <= BATCH_PAY_MAX_ORDERS
    ):
        raise ValueError(
            f"chunk_size must be an integer from 1 to {BATCH_PAY_MAX_ORDERS} (the most one "
            f"batch payment takes), got {chunk_size!r}"
        )
    return chunk_size


def _chunks(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


async def _gather_settled(
    func: Callable[[str], Awaitable[R]], ids: Sequence[str]
) -> list[R | Exception]:
    """``func`` over ``ids`` concurrently (the client caps what really runs at once), each
    result or its exception; one failure does not cancel the rest."""
    async def one(oid: str) -> R | Exception:
        try:
            return await func(oid)
        except Exception as error:
            return error

    if len(ids) == 1:
        return [await one(ids[0])]
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(oid)) for oid in ids]
    return [task.result() for task in tasks]


@attrs.define
class _Unit:
    """One piece of bulk payment work: a chunk to pay, or ids to reconcile first."""

    kind: Literal["pay", "reconcile"]
    ids: list[str]
    batch: str
    sent: bool = False


class _NoJournal:
    """Claims and intents for a run without a journal: everything is this run's."""

    lease = DEFAULT_LEASE

    async def open(self) -> None:
        return None

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        return {}

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        return ClaimResult(claimed=dict.fromkeys(order_ids))

    async def renew(self, owner: str) -> int:
        return 0

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        return list(order_ids)

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        return None

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        return None


def _proves_not_processed(error: Exception) -> bool:
    """Whether a failed write provably did nothing: an envelope from the platform saying it
    failed, a request never sent, or a closed client. Anything else (an unknown outcome, an
    answer that is not an envelope, an answer that does not decode, a bug) may hide a
    processed request."""
    if isinstance(error, APIError):
        return error.code is not None
    return isinstance(error, BusinessError | ConnectError | ClientClosedError)


def _is_missing(error: Exception) -> bool:
    """Only a platform envelope saying the order does not exist settles it as missing: a
    proxy's 404 page is not one."""
    return isinstance(error, NotFoundError) and error.code is not None


def _run_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class _PayRun:
    """State of one ``submit_to_pay`` call. Runs on one event loop, so the shared buckets
    need no lock; ``settle`` enforces the one-bucket-per-id invariant."""

    def __init__(
        self, client: PandaPonClient, journal: Journal | None, *, resubmit_grace: float
    ) -> None:
        self.orders = _alibaba_orders(client)
        self.journal = journal
        self.store: Journal = journal if journal is not None else _NoJournal()
        self.report = BulkPayReport()
        self.settled: dict[str, str] = {}
        self.owner = _run_owner()
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
            return JournalEntry(oid, "errored", reason=_error_text(detail))
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
                "sent yet are reported errored", _error_text(error),
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

    async def process(self, unit: _Unit) -> None:
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
        self, unit: _Unit, ids: list[str], entries: list[JournalEntry | None], *,
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
        self, unit: _Unit, ids: list[str], entries: list[JournalEntry | None], *, resubmit: bool
    ) -> list[str]:
        """Send ``ids`` (intent already recorded) and settle or reconcile each of them."""
        try:
            result = await self.orders.batch_submit_to_pay(ids)
        except Exception as error:
            if isinstance(error, AuthenticationError):
                self.stop(error)
            if _proves_not_processed(error):
                if resubmit:
                    # An envelope saying it failed, or never sent: not paid.
                    entries.extend(self.settle(oid, "errored", error) for oid in ids)
                else:
                    # This resend did nothing, but the first attempt's outcome is unknown
                    # (it may yet be processed, e.g. stalled on its way): not `errored`.
                    entries.extend(self.settle(oid, "unknown", (
                        "first attempt's outcome unknown; the resubmission was refused "
                        f"before processing ({_error_text(error)})"
                    )) for oid in ids)
                return []
            # Sent, and no envelope proves what happened: the platform may have paid.
            return await self.reconcile(unit, ids, _error_text(error), entries,
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
        details = await _gather_settled(self.orders.get_detail, ids)
        for oid, detail in zip(ids, details, strict=True):
            reason = refused[oid]
            if isinstance(detail, Exception):
                if isinstance(detail, AuthenticationError):
                    self.stop(detail)
                if _is_missing(detail):
                    entries.append(self.settle(oid, "pay_fail", reason))
                else:
                    entries.append(self.settle(oid, "unknown", (
                        f"payment refused ({reason}); reading the order failed "
                        f"({_error_text(detail)})"
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
        unit: _Unit,
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
        details = await _gather_settled(self.orders.get_detail, ids)
        again: list[str] = []
        for oid, detail in zip(ids, details, strict=True):
            if isinstance(detail, Exception):
                if isinstance(detail, AuthenticationError):
                    self.stop(detail)
                if _is_missing(detail):
                    self.report.reconciled.append(oid)
                    entries.append(self.settle(oid, "pay_fail", _NOT_FOUND_REASON))
                else:
                    entries.append(self.settle(
                        oid, "unknown",
                        f"{why}; reading the order failed ({_error_text(detail)})",
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

    def progress(self, started: float) -> Progress:
        report = self.report
        return Progress(
            done=len(self.settled),
            total=None,
            succeeded=len(report.success_order_ids),
            failed=len(report.pay_fail_orders) + len(report.errored) + len(report.unknown),
            elapsed=time.monotonic() - started,
        )


async def _renew_claims(journal: Journal, owner: str) -> None:
    """Keep this run's claims alive while it runs (a failed renewal is retried; claims that
    lapse meanwhile are lost to other runs, and this run then does not send them)."""
    while True:
        await asyncio.sleep(journal.lease / 3)
        try:
            await journal.renew(owner)
        except Exception:
            logger.exception("could not renew the journal claims of this run")


def _check_grace(grace: object) -> float:
    if isinstance(grace, bool) or not isinstance(grace, int | float) or not 0 <= grace <= 600:
        raise ValueError(f"resubmit_grace must be seconds from 0 to 600, got {grace!r}")
    return float(grace)


def _alibaba_orders(client: PandaPonClient) -> AlibabaOrders:
    return client.alibaba.orders


def _default_concurrency(client: PandaPonClient) -> int:
    return client.max_concurrency


def _resolve_journal(
    journal: Journal | str | os.PathLike[str] | None,
) -> tuple[Journal | None, bool]:
    if journal is None:
        return None, False
    if is_postgres_dsn(journal):
        from ._postgres_journal import PostgresJournal  # asyncpg only when asked for

        return PostgresJournal(journal), True
    if isinstance(journal, str | os.PathLike):
        return SQLiteJournal(journal), True
    if not isinstance(journal, Journal):
        raise ValueError(
            "journal must be a Journal (e.g. SQLiteJournal), a path, a postgresql:// URL, "
            "or None; "
            f"got {type(journal).__name__}"
        )
    return journal, False


_ActionSend = Callable[[str, Any], Awaitable[Any]]


@attrs.frozen
class _ActionKind:
    """What a settling action (cancel, confirm receipt) looks like in order state."""

    name: str
    done_statuses: frozenset[str]
    pending_statuses: frozenset[str]


_CANCEL = _ActionKind("cancel", CLOSED_STATUSES, UNPAID_STATUSES)
_CONFIRM = _ActionKind("confirm_receipt", RECEIVED_STATUSES, frozenset({"waitbuyerreceive"}))


class _ActionRun:
    """One bulk cancel or confirm-receipt: send once; an unknown outcome is reconciled by
    reading the order (done -> succeeded, still pending -> sent once more, else failed)."""

    def __init__(self, client: PandaPonClient, kind: _ActionKind, send: _ActionSend) -> None:
        self.orders = _alibaba_orders(client)
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
                        f"was refused before processing ({_error_text(error)})")

    def stop(self, error: AuthenticationError) -> None:
        if self.stop_error is None:
            self.stop_error = error
            logger.error(
                "bulk %s stopped: the platform refused the credentials (%s); ids not sent "
                "yet are reported errored", self.kind.name, _error_text(error),
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
            if not _proves_not_processed(error):
                # Sent, and no envelope proves what happened: read the order.
                await self.reconcile(oid, payload, _error_text(error), resubmit=resubmit)
            elif _is_missing(error):
                self.settle(oid, "failed", _NOT_FOUND_REASON)
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
            if _is_missing(error):
                self.settle(oid, "failed", _NOT_FOUND_REASON)
            else:
                self.settle(
                    oid, "unknown", f"{why}; reading the order failed ({_error_text(error)})"
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


class BulkNamespace:
    """``client.bulk``: fan-out helpers that share the client's rate limit and concurrency cap."""

    def __init__(self, client: PandaPonClient) -> None:
        self._client = client

    @bulk_stream("map")  # [telemetry hook]
    def map(
        self,
        func: Callable[[T], Awaitable[R]],
        items: Iterable[T] | AsyncIterable[T],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
        total: int | None = None,
    ) -> OutcomeStream[T, R]:
        """Run ``func`` over ``items``; iterate the :class:`Outcome` of each as it completes.

        ``items`` may be any iterable or async iterable and is read lazily: at most
        ``concurrency`` items (default: the client's ``max_concurrency``) are held at once,
        running or finished but not yet consumed. An item whose ``func`` raises an
        ``Exception`` yields an outcome with ``.error``; the others carry on.
        ``CancelledError``, ``KeyboardInterrupt`` and ``SystemExit`` are never swallowed.
        An exception raised by the input itself is raised to the consumer after the items
        already started have been yielded. ``on_progress(Progress)`` (sync or async) is
        called after each outcome; ``total`` defaults to ``len(items)`` when it has one.

        Use ``async with client.bulk.map(...) as outcomes: async for outcome in outcomes:``
        so that leaving early cancels the work in flight and waits for it to unwind.
        """
        if concurrency is None:
            concurrency = _default_concurrency(self._client)
        return OutcomeStream(
            func, items, concurrency=concurrency, on_progress=on_progress, total=total
        )

    @bulk_run("submit_to_pay")  # [telemetry hook]
    async def submit_to_pay(
        self,
        order_ids: Iterable[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int | None = None,
        journal: Journal | str | os.PathLike[str] | None = None,
        on_progress: ProgressCallback | None = None,
        resubmit_grace: float = DEFAULT_RESUBMIT_GRACE,
    ) -> BulkPayReport:
        """Pay 1688 orders in chunks of ``chunk_size`` (``concurrency`` chunks in flight).

        Ids must be non-empty digit strings (or positive ints); a bad id raises
        ``ValueError`` naming it before anything is sent. Duplicates are paid at most once
        and listed in ``report.duplicates``. Each distinct id ends in exactly one bucket of
        the :class:`BulkPayReport`.

        Only a platform envelope proves what happened to a payment. A chunk whose outcome is
        unknown (no answer, or an answer that is not a readable envelope), and any id the
        answer leaves out, is reconciled by reading the order: paid -> success; cancelled,
        terminated, or missing (a platform envelope saying so) -> pay_fail; unpaid -> read
        again after ``resubmit_grace`` seconds (a request stalled on its way may still be
        processed), then sent once more if still unpaid; a failed read -> unknown, with the
        reason. An id the platform refuses is read too: found paid, it is ``success`` (and
        listed in ``report.already_paid``), never ``pay_fail``. The first authentication
        refusal stops the run: ids not sent yet are ``errored`` with that error.

        ``journal`` (a :class:`~pandapon_async.journal.Journal`, or a path for an
        :class:`~pandapon_async.journal.SQLiteJournal` opened and closed here) claims each
        chunk's ids for this run before sending (an id another live run holds is not sent:
        this run waits for that run's outcome, listed in ``report.waited``), records the
        intent before sending and the outcome after; running again with the same journal
        reports settled ids from it and reads the state of in-flight ones before any
        resubmission. ``on_progress`` receives a :class:`Progress` counted in order ids; an
        exception it raises is logged once and the run goes on.
        """
        ids, duplicates = _check_ids(order_ids)
        chunk_size = _check_chunk_size(chunk_size)
        concurrency = check_concurrency(
            _default_concurrency(self._client) if concurrency is None else concurrency
        )
        resubmit_grace = _check_grace(resubmit_grace)
        store, owned = _resolve_journal(journal)
        notify = ProgressNotifier(on_progress)
        started = time.monotonic()
        run = _PayRun(self._client, store, resubmit_grace=resubmit_grace)
        run.report.duplicates = duplicates
        renewer: asyncio.Task[None] | None = None
        try:
            prior: Mapping[str, JournalEntry] = {}
            if store is not None:
                await store.open()
                prior = await store.load(ids)
                renewer = asyncio.create_task(_renew_claims(store, run.owner))
            to_pay: list[str] = []
            to_reconcile: list[str] = []
            for oid in ids:
                entry = prior.get(oid)
                if entry is not None and entry.settled:
                    # Settled states only move to success: safe to report without a claim.
                    run.settle(oid, f"journal_{entry.state}", entry.reason)
                elif entry is not None and entry.maybe_sent:
                    to_reconcile.append(oid)
                else:
                    to_pay.append(oid)

            def units() -> Iterator[_Unit]:
                number = 0
                for kind, part in (("reconcile", to_reconcile), ("pay", to_pay)):
                    for chunk in _chunks(part, chunk_size):
                        number += 1
                        yield _Unit(kind, chunk, f"{run.run_id}:{number}")  # type: ignore[arg-type]

            async def process(unit: _Unit) -> _Unit:
                # [telemetry hook] the chunk's span, and its timing for `pandapon pay --trace`
                with bulk_chunk(self._client, unit.kind, unit.batch, len(unit.ids)):
                    await run.process(unit)
                return unit

            total = len(ids)
            if run.settled:
                await notify(attrs.evolve(run.progress(started), total=total))
            async with OutcomeStream(process, units(), concurrency=concurrency) as outcomes:
                async for outcome in outcomes:
                    if outcome.error is not None:
                        self._settle_escaped(run, outcome.item, outcome.error)
                    await notify(attrs.evolve(run.progress(started), total=total))
        finally:
            if renewer is not None:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
            if store is not None:
                try:
                    if run.claimed:
                        await store.release(sorted(run.claimed), owner=run.owner)
                except Exception:
                    # The claims lapse after the lease; another run then reads their state.
                    logger.exception("could not release %d journal claims", len(run.claimed))
                finally:
                    if owned:
                        await store.aclose()  # type: ignore[attr-defined]
        report = run.report
        report.elapsed = time.monotonic() - started
        if report.total != len(ids) or len(run.settled) != len(ids):
            raise AssertionError(
                f"bulk payment lost track of ids: {report.total} in buckets, {len(ids)} given"
            )
        return report

    @staticmethod
    def _settle_escaped(run: _PayRun, unit: _Unit, error: Exception) -> None:
        """A unit's work raised (journal failure, or a bug): settle what it left open."""
        logger.error("bulk payment unit %s failed: %s", unit.batch, _error_text(error))
        for oid in unit.ids:
            if oid in run.settled:
                continue
            if oid in run.maybe_sent:
                run.settle(
                    oid, "unknown", f"processing failed after sending ({_error_text(error)})"
                )
            else:
                run.settle(oid, "errored", error)

    @bulk_run("get_orders")  # [telemetry hook]
    async def get_orders(
        self,
        order_ids: Iterable[str],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
        fetch: Callable[[str], Awaitable[Any]] | None = None,
        web_site: str = "1688",
        select: Callable[[Any], Any] | None = None,
    ) -> BulkLookupReport:
        """Look up many orders; each id is ``found`` (id -> detail), ``not_found`` or
        ``errored`` in the :class:`BulkLookupReport`.

        By default each id is read with ``client.alibaba.orders.get_detail`` (1688; the
        detail's ``base_info.status`` is what payment reconciliation reads). The Taobao
        order-detail path is not public: pass ``fetch``, an async function of one order id
        (for instance one that calls ``client.call`` on the path your account documents);
        a ``NotFoundError`` it raises counts as not found.

        The report keeps every detail found. For very many ids, pass ``select`` (a function
        of one detail) to keep only what you need, e.g. ``select=lambda d: d.status``: a 1688
        detail takes about 10 KB in memory, its status a few bytes. (To process details as
        they arrive without keeping them, use :meth:`map`.)
        """
        ids, duplicates = _check_ids(order_ids, digits=fetch is None)
        concurrency = check_concurrency(
            _default_concurrency(self._client) if concurrency is None else concurrency
        )
        if fetch is None:
            get_detail = _alibaba_orders(self._client).get_detail

            async def fetch_detail(oid: str) -> Any:
                return await get_detail(oid, web_site=web_site)

            fetch = fetch_detail
        elif not callable(fetch):
            raise ValueError("fetch must be an async function of one order id")
        report = BulkLookupReport(duplicates=duplicates)
        notify = ProgressNotifier(on_progress)
        started = time.monotonic()
        async with OutcomeStream(fetch, ids, concurrency=concurrency) as outcomes:
            async for outcome in outcomes:
                if outcome.error is None:
                    report.found[outcome.item] = (
                        outcome.result if select is None else select(outcome.result)
                    )
                elif isinstance(outcome.error, NotFoundError):
                    report.not_found.append(outcome.item)
                else:
                    report.errored[outcome.item] = outcome.error
                if notify.callback is not None:
                    await notify(Progress(
                        report.total, len(ids), len(report.found),
                        len(report.not_found) + len(report.errored), time.monotonic() - started,
                    ))
        report.elapsed = time.monotonic() - started
        assert report.total == len(ids)
        return report

    @bulk_run("cancel")  # [telemetry hook]
    async def cancel(
        self,
        order_ids: Iterable[str],
        *,
        reason: str,
        remark: str | None = None,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkActionReport:
        """Cancel many unpaid 1688 orders with ``reason`` (``client.alibaba.orders.cancel``).

        Not idempotent: an unknown outcome is reconciled by reading the order (cancelled or
        terminated -> succeeded; still ``waitbuyerpay`` -> sent once more; any other state
        -> failed with that state). A refusal (``BusinessError``, ``false``, not found) is
        ``failed``; a call that provably did not act is ``errored``.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("reason must be a non-empty string")
        cancel = _alibaba_orders(self._client).cancel

        async def send(oid: str, payload: Any) -> Any:
            return await cancel(oid, reason, remark=remark)

        ids, duplicates = _check_ids(order_ids)
        return await self._run_action(
            _CANCEL, send, [(oid, None) for oid in ids], duplicates, concurrency, on_progress
        )

    @bulk_run("confirm_receipt")  # [telemetry hook]
    async def confirm_receipt(
        self,
        orders: Mapping[str, Sequence[str | int]] | Iterable[str],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkActionReport:
        """Confirm receipt of many 1688 orders.

        ``orders`` maps each order id to its order entry ids (``sub_item_id`` of the
        detail's product items), or is an iterable of order ids whose entries are read with
        ``get_detail`` first (an order already ``confirm_goods``/``success`` is reported
        succeeded without sending). Reporting and reconciliation as for :meth:`cancel`:
        done -> succeeded, still ``waitbuyerreceive`` -> sent once more, else failed.
        """
        orders_api = _alibaba_orders(self._client)
        items: list[tuple[str, Any]]
        if isinstance(orders, Mapping):
            ids, duplicates = _check_ids(orders.keys())
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
            ids, duplicates = _check_ids(orders)
            items = [(oid, None) for oid in ids]

        async def send(oid: str, entry_ids: Any) -> Any:
            return await orders_api.confirm_receipt(oid, entry_ids)

        return await self._run_action(
            _CONFIRM, send, items, duplicates, concurrency, on_progress
        )

    async def _run_action(
        self,
        kind: _ActionKind,
        send: _ActionSend,
        items: list[tuple[str, Any]],
        duplicates: list[str],
        concurrency: int | None,
        on_progress: ProgressCallback | None,
    ) -> BulkActionReport:
        """Shared by cancel and confirm_receipt. A ``None`` payload of confirm_receipt means
        "read the order first": its entry ids come from the detail."""
        concurrency = check_concurrency(
            _default_concurrency(self._client) if concurrency is None else concurrency
        )
        run = _ActionRun(self._client, kind, send)
        run.report.duplicates = duplicates
        notify = ProgressNotifier(on_progress)
        started = time.monotonic()
        orders_api = _alibaba_orders(self._client)

        async def process(item: tuple[str, Any]) -> None:
            oid, payload = item
            if kind is _CONFIRM and payload is None:
                if run.stop_error is not None:
                    run.settle(oid, "errored", run.stop_error)
                    return
                try:
                    detail = await orders_api.get_detail(oid)
                except PandaPonError as error:
                    if isinstance(error, AuthenticationError):
                        run.stop(error)
                    if _is_missing(error):
                        run.settle(oid, "failed", _NOT_FOUND_REASON)
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
