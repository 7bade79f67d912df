"""``client.bulk``: the entry points; the work lives in the sibling modules."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .._observability import bulk_chunk, bulk_run, bulk_stream
from ..journal import Journal, JournalEntry
from ._actions import CANCEL, CONFIRM, confirm_items, run_action
from ._claims import renew_claims, resolve_journal
from ._common import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_RESUBMIT_GRACE,
    alibaba_orders,
    check_chunk_size,
    check_ids,
    default_concurrency,
    split_chunks,
)
from ._engine import OutcomeStream, check_concurrency
from ._lookups import lookup_orders
from ._pay import PayRun, PayUnit, check_grace
from ._progress import ProgressCallback, ProgressNotifier
from ._reports import BulkActionReport, BulkLookupReport, BulkPayReport

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["BulkNamespace"]

logger = logging.getLogger("pandapon_async.bulk")

T = TypeVar("T")
R = TypeVar("R")


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
            concurrency = default_concurrency(self._client)
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
        ids, duplicates = check_ids(order_ids)
        chunk_size = check_chunk_size(chunk_size)
        concurrency = check_concurrency(
            default_concurrency(self._client) if concurrency is None else concurrency
        )
        resubmit_grace = check_grace(resubmit_grace)
        store, owned = resolve_journal(journal)
        notify = ProgressNotifier(on_progress)
        started = time.monotonic()
        run = PayRun(self._client, store, resubmit_grace=resubmit_grace)
        run.report.duplicates = duplicates
        renewer: asyncio.Task[None] | None = None
        try:
            prior: Mapping[str, JournalEntry] = {}
            if store is not None:
                await store.open()
                prior = await store.load(ids)
                renewer = asyncio.create_task(renew_claims(store, run.owner))
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

            def units() -> Iterator[PayUnit]:
                number = 0
                for kind, part in (("reconcile", to_reconcile), ("pay", to_pay)):
                    for chunk in split_chunks(part, chunk_size):
                        number += 1
                        yield PayUnit(kind, chunk, f"{run.run_id}:{number}")  # type: ignore[arg-type]

            async def process(unit: PayUnit) -> PayUnit:
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
                        run.settle_escaped(outcome.item, outcome.error)
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

        The report keeps every detail found, compactly: ``report.found`` is a read-only
        mapping that stores each model compressed (about 250 bytes for a 1688 detail) and
        decodes it on access, so ``report.found[oid]`` is an equal model each time, not the
        same object. ``select`` (a function of one detail) keeps only what you need, e.g.
        ``select=lambda d: d.status``, as it is. (To process details as they arrive without
        keeping them, use :meth:`map`.)
        """
        return await lookup_orders(
            self._client, order_ids, concurrency=concurrency, on_progress=on_progress,
            fetch=fetch, web_site=web_site, select=select,
        )

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
        cancel = alibaba_orders(self._client).cancel

        async def send(oid: str, payload: Any) -> Any:
            return await cancel(oid, reason, remark=remark)

        ids, duplicates = check_ids(order_ids)
        items = [(oid, None) for oid in ids]
        return await run_action(
            self._client, CANCEL, send, items, duplicates, concurrency, on_progress
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
        orders_api = alibaba_orders(self._client)
        items, duplicates = confirm_items(orders)

        async def send(oid: str, entry_ids: Any) -> Any:
            return await orders_api.confirm_receipt(oid, entry_ids)

        return await run_action(
            self._client, CONFIRM, send, items, duplicates, concurrency, on_progress
        )
