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
import logging
import os
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
    call_progress,
    check_concurrency,
)
from ._bulk_reports import (
    BulkActionReport,
    BulkError,
    BulkLookupReport,
    BulkPayReport,
    order_status,
)
from ._telemetry import bulk_chunk, bulk_run, bulk_stream
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    NotFoundError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimitError,
)
from .journal import SETTLED_STATES, Journal, JournalEntry, SQLiteJournal
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
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            oid = str(raw)
        elif isinstance(raw, str) and raw and (
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


class _PayRun:
    """State of one ``submit_to_pay`` call. Runs on one event loop, so the shared buckets
    need no lock; ``_settle`` enforces the one-bucket-per-id invariant."""

    def __init__(self, client: PandaPonClient, journal: Journal | None) -> None:
        self.orders = _alibaba_orders(client)
        self.journal = journal
        self.report = BulkPayReport()
        self.settled: dict[str, str] = {}
        self.run_id = uuid.uuid4().hex[:12]

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

    async def record(self, entries: list[JournalEntry | None]) -> None:
        if self.journal is None:
            return
        real = [entry for entry in entries if entry is not None]
        if not real:
            return
        try:
            await self.journal.record_outcomes(real)
        except Exception:
            # The report still has these outcomes; the journal keeps them as `sending`, and
            # the next run reads their state before doing anything: safe, only slower.
            logger.exception("could not record %d outcomes in the journal", len(real))

    async def intent(self, ids: list[str], batch: str) -> None:
        if self.journal is not None:
            await self.journal.record_intent(ids, batch=batch)

    async def process(self, unit: _Unit) -> None:
        entries: list[JournalEntry | None] = []
        if unit.kind == "reconcile":
            await self.reconcile(
                unit, unit.ids, "in flight or unknown when an earlier run stopped",
                entries, resubmit=True,
            )
        else:
            await self.intent(unit.ids, unit.batch)
            unit.sent = True
            await self.pay(unit, unit.ids, entries, resubmit=True)
        await self.record(entries)

    async def pay(
        self, unit: _Unit, ids: list[str], entries: list[JournalEntry | None], *, resubmit: bool
    ) -> None:
        """Send ``ids`` (intent already recorded) and settle or reconcile each of them."""
        try:
            result = await self.orders.batch_submit_to_pay(ids)
        except OutcomeUnknownError as error:
            await self.reconcile(unit, ids, _error_text(error), entries, resubmit=resubmit)
            return
        except PandaPonError as error:
            # Answered with a failure, or never sent (ConnectError, client closed): not paid.
            entries.extend(self.settle(oid, "errored", error) for oid in ids)
            return
        except Exception as error:
            # Sent and answered, but the answer could not be read: the platform may have paid.
            await self.reconcile(
                unit, ids, f"unreadable answer ({_error_text(error)})", entries,
                resubmit=resubmit,
            )
            return
        wanted = set(ids)
        paid = {oid for oid in result.success_order_ids if oid in wanted}
        refused: dict[str, str] = {}
        for fail in result.pay_fail_orders:
            if fail.order_id in wanted and fail.order_id not in paid:
                refused.setdefault(fail.order_id, fail.error_reason or "")
        missing = [oid for oid in ids if oid not in paid and oid not in refused]
        if len(paid) + len(refused) + len(missing) != len(ids):
            raise AssertionError("batch answer split does not cover the chunk")
        for oid in ids:
            if oid in paid:
                entries.append(self.settle(oid, "success"))
        if resubmit:
            for oid, reason in refused.items():
                entries.append(self.settle(oid, "pay_fail", reason))
        elif refused:
            # A refusal of a resubmission may mean our first, unanswered attempt paid it
            # ("state does not allow payment"): read before calling it a failure.
            await self.reconcile(unit, list(refused), "refused on resubmission", entries,
                                 resubmit=False, refused=refused)
        if missing:
            await self.reconcile(unit, missing, "left out of both lists of the answer",
                                 entries, resubmit=resubmit)

    async def reconcile(
        self,
        unit: _Unit,
        ids: list[str],
        why: str,
        entries: list[JournalEntry | None],
        *,
        resubmit: bool,
        refused: Mapping[str, str] | None = None,
    ) -> None:
        """Establish the outcome of ``ids`` by reading each order; unpaid ones are sent once
        more when ``resubmit`` (after recording that intent)."""
        details = await _gather_settled(self.orders.get_detail, ids)
        again: list[str] = []
        for oid, detail in zip(ids, details, strict=True):
            if refused is not None and oid in refused:
                status = None if isinstance(detail, Exception) else order_status(detail)
                if status in PAID_STATUSES:
                    self.report.reconciled.append(oid)
                    entries.append(self.settle(oid, "success"))
                else:
                    entries.append(self.settle(oid, "pay_fail", refused[oid]))
                continue
            if isinstance(detail, NotFoundError):
                self.report.reconciled.append(oid)
                entries.append(self.settle(oid, "pay_fail", _NOT_FOUND_REASON))
                continue
            if isinstance(detail, Exception):
                entries.append(self.settle(
                    oid, "unknown", f"{why}; reading the order failed ({_error_text(detail)})"
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
        if again:
            batch = f"{unit.batch}:resubmit"
            await self.intent(again, batch)
            unit.sent = True
            self.report.resubmitted.extend(again)
            await self.pay(unit, again, entries, resubmit=False)

    def progress(self, started: float) -> Progress:
        report = self.report
        return Progress(
            done=len(self.settled),
            total=None,
            succeeded=len(report.success_order_ids),
            failed=len(report.pay_fail_orders) + len(report.errored) + len(report.unknown),
            elapsed=time.monotonic() - started,
        )


def _alibaba_orders(client: PandaPonClient) -> AlibabaOrders:
    return client.alibaba.orders


def _default_concurrency(client: PandaPonClient) -> int:
    return client.max_concurrency


def _resolve_journal(
    journal: Journal | str | os.PathLike[str] | None,
) -> tuple[Journal | None, bool]:
    if journal is None:
        return None, False
    if isinstance(journal, str | os.PathLike):
        return SQLiteJournal(journal), True
    if not isinstance(journal, Journal):
        raise ValueError(
            "journal must be a Journal (e.g. SQLiteJournal), a path, or None; "
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

    async def attempt(self, oid: str, payload: Any, *, resubmit: bool) -> None:
        try:
            answer = await self.send(oid, payload)
        except OutcomeUnknownError as error:
            await self.reconcile(oid, payload, _error_text(error), resubmit=resubmit)
            return
        except BusinessError as error:
            self.settle(oid, "failed", error.error_message or error.error_code or str(error))
            return
        except NotFoundError:
            self.settle(oid, "failed", _NOT_FOUND_REASON)
            return
        except (AuthenticationError, RateLimitError) as error:
            self.settle(oid, "errored", error)
            return
        except APIError as error:
            # The platform answered about this order and said no (e.g. a state that does not
            # allow it): a refusal, not a transient failure.
            self.settle(oid, "failed", error.msg or str(error))
            return
        except PandaPonError as error:
            self.settle(oid, "errored", error)
            return
        except Exception as error:
            await self.reconcile(oid, payload, f"unreadable answer ({_error_text(error)})",
                                 resubmit=resubmit)
            return
        if answer is False:
            self.settle(oid, "failed", "the platform answered false")
        else:
            self.settle(oid, "succeeded")

    async def reconcile(self, oid: str, payload: Any, why: str, *, resubmit: bool) -> None:
        try:
            detail = await self.orders.get_detail(oid)
        except NotFoundError:
            self.settle(oid, "failed", _NOT_FOUND_REASON)
            return
        except Exception as error:
            self.settle(oid, "unknown", f"{why}; reading the order failed ({_error_text(error)})")
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
    ) -> BulkPayReport:
        """Pay 1688 orders in chunks of ``chunk_size`` (``concurrency`` chunks in flight).

        Ids must be non-empty digit strings (or positive ints); a bad id raises
        ``ValueError`` naming it before anything is sent. Duplicates are paid at most once
        and listed in ``report.duplicates``. Each distinct id ends in exactly one bucket of
        the :class:`BulkPayReport`. A chunk whose outcome is unknown, and any id the answer
        leaves out, is reconciled by reading the order: paid -> success; unpaid -> sent once
        more; cancelled/terminated/missing -> pay_fail; otherwise -> unknown.

        ``journal`` (a :class:`~pandapon_async.journal.Journal`, or a path for an
        :class:`~pandapon_async.journal.SQLiteJournal` opened and closed here) records each
        chunk's intent before sending and its outcome after; running again with the same
        journal reports settled ids from it and reads the state of in-flight ones before
        any resubmission. ``on_progress`` receives a :class:`Progress` counted in order ids.
        """
        ids, duplicates = _check_ids(order_ids)
        chunk_size = _check_chunk_size(chunk_size)
        concurrency = check_concurrency(
            _default_concurrency(self._client) if concurrency is None else concurrency
        )
        store, owned = _resolve_journal(journal)
        started = time.monotonic()
        run = _PayRun(self._client, store)
        run.report.duplicates = duplicates
        try:
            prior: Mapping[str, JournalEntry] = {}
            if store is not None:
                await store.open()
                prior = await store.load(ids)
            to_pay: list[str] = []
            to_reconcile: list[str] = []
            for oid in ids:
                entry = prior.get(oid)
                if entry is None or entry.state == "errored":
                    to_pay.append(oid)
                elif entry.state in SETTLED_STATES:
                    run.settle(oid, f"journal_{entry.state}", entry.reason)
                else:
                    to_reconcile.append(oid)

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
            if on_progress is not None and run.settled:
                await call_progress(on_progress, attrs.evolve(run.progress(started), total=total))
            async with OutcomeStream(process, units(), concurrency=concurrency) as outcomes:
                async for outcome in outcomes:
                    if outcome.error is not None:
                        self._settle_escaped(run, outcome.item, outcome.error)
                    if on_progress is not None:
                        await call_progress(
                            on_progress, attrs.evolve(run.progress(started), total=total)
                        )
        finally:
            if owned and store is not None:
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
            if unit.sent:
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
                if on_progress is not None:
                    await call_progress(on_progress, Progress(
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
        started = time.monotonic()
        orders_api = _alibaba_orders(self._client)

        async def process(item: tuple[str, Any]) -> None:
            oid, payload = item
            if kind is _CONFIRM and payload is None:
                try:
                    detail = await orders_api.get_detail(oid)
                except NotFoundError:
                    run.settle(oid, "failed", _NOT_FOUND_REASON)
                    return
                except PandaPonError as error:
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
                if on_progress is not None:
                    await call_progress(on_progress, run.progress(started, len(items)))
        run.report.elapsed = time.monotonic() - started
        if run.report.total != len(items):
            raise AssertionError("bulk action lost track of ids")
        return run.report
