"""Where a payment run keeps its claims: the journal it was given (or opens from a path or
DSN), or none; the run's owner id and the lease renewal."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Mapping, Sequence

from .._dsn import is_postgres_dsn
from ..journal import DEFAULT_LEASE, ClaimResult, Journal, JournalEntry, SQLiteJournal

__all__ = ["NoJournal", "renew_claims", "resolve_journal", "run_owner"]

logger = logging.getLogger("pandapon_async.bulk")


class NoJournal:
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


def run_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


async def renew_claims(journal: Journal, owner: str) -> None:
    """Keep this run's claims alive while it runs (a failed renewal is retried; claims that
    lapse meanwhile are lost to other runs, and this run then does not send them)."""
    while True:
        await asyncio.sleep(journal.lease / 3)
        try:
            await journal.renew(owner)
        except Exception:
            logger.exception("could not renew the journal claims of this run")


def resolve_journal(
    journal: Journal | str | os.PathLike[str] | None,
) -> tuple[Journal | None, bool]:
    if journal is None:
        return None, False
    if is_postgres_dsn(journal):
        from ..journal._postgres import PostgresJournal  # asyncpg only when asked for

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
