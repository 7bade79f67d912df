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

Inside: ``_engine`` (the fan-out behind ``map``), ``_progress``, ``_reports``, ``_common``
(input checks, order-state sets), ``_pay`` (the payment run and its reconciliation),
``_claims`` (the journal a run uses), ``_actions`` (cancel, confirm receipt), ``_lookups``
(get_orders) and ``_namespace`` (the entry points).
"""

from __future__ import annotations

from ._common import CLOSED_STATUSES, PAID_STATUSES, RECEIVED_STATUSES, UNPAID_STATUSES
from ._engine import Outcome, OutcomeStream
from ._namespace import BulkNamespace
from ._progress import Progress, ProgressCallback
from ._reports import BulkActionReport, BulkError, BulkLookupReport, BulkPayReport

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
