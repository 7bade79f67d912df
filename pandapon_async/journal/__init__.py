"""A durable record of bulk payment claims, intents and outcomes: resumable, shareable runs.

``client.bulk.submit_to_pay(ids, journal=...)`` uses a journal for three things:

1. **Claims.** Before a chunk is sent, its ids are *claimed* by the run (an ``owner`` string
   unique to the run) for ``journal.lease`` seconds, renewed while the run lives. An id
   claimed by another live run is not sent: this run waits for that run's outcome. A claim
   whose lease expired (its run died or hung) is taken over, and if the dead run may have
   sent the id (state ``sending`` or ``unknown``), its order state is read first: never a
   blind resend.
2. **Intent.** The state ``sending`` is written, and committed, before the request goes out.
3. **Outcomes.** Once known; writes are *monotone*: ``success`` is final and is never
   overwritten; ``pay_fail`` can only become ``success`` (a later read found the order paid).

Run it again with the same journal after a crash and it reports settled ids from the journal
without sending, reads the state of every id left ``sending``/``unknown`` before any
resubmission, and sends the rest (never recorded, ``claimed`` but not sent, or ``errored``).

:class:`MemoryJournal` (one process; tests) and :class:`SQLiteJournal` (one host, any number of
processes sharing the file) implement :class:`Journal`; a PostgreSQL journal with the same
semantics serves several hosts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._memory import MemoryJournal
from ._model import (
    DEFAULT_LEASE,
    FINAL_STATES,
    SETTLED_STATES,
    STATES,
    ClaimResult,
    Journal,
    JournalEntry,
    JournalState,
    check_lease,
    merge_outcome,
    plan_claim,
    plan_intent,
    plan_outcomes,
    plan_release,
)
from ._sqlite import SQLiteJournal

if TYPE_CHECKING:
    from ._postgres import PostgresJournal as PostgresJournal

__all__ = [
    "DEFAULT_LEASE",
    "FINAL_STATES",
    "SETTLED_STATES",
    "STATES",
    "ClaimResult",
    "Journal",
    "JournalEntry",
    "JournalState",
    "MemoryJournal",
    "SQLiteJournal",
    "check_lease",
    "merge_outcome",
    "plan_claim",
    "plan_intent",
    "plan_outcomes",
    "plan_release",
]


def __getattr__(name: str) -> Any:
    # PostgresJournal needs asyncpg: imported on first access, never by ``import``.
    if name == "PostgresJournal":
        from ._postgres import PostgresJournal

        return PostgresJournal
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
