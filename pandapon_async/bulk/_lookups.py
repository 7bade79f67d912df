"""Lookups: ``client.bulk.get_orders``, many order details read under the client's limits."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from ._common import alibaba_orders, check_ids, default_concurrency
from ._engine import OutcomeStream, check_concurrency
from ._progress import Progress, ProgressCallback, ProgressNotifier
from ._reports import BulkLookupReport

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = ["lookup_orders"]


async def lookup_orders(
    client: PandaPonClient,
    order_ids: Iterable[str],
    *,
    concurrency: int | None,
    on_progress: ProgressCallback | None,
    fetch: Callable[[str], Awaitable[Any]] | None,
    web_site: str,
    select: Callable[[Any], Any] | None,
) -> BulkLookupReport:
    """What :meth:`BulkNamespace.get_orders` documents."""
    ids, duplicates = check_ids(order_ids, digits=fetch is None)
    concurrency = check_concurrency(
        default_concurrency(client) if concurrency is None else concurrency
    )
    if fetch is None:
        get_detail = alibaba_orders(client).get_detail

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
                report.found._add(  # the report's own store, filled only here
                    outcome.item, outcome.result if select is None else select(outcome.result)
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
