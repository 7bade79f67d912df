"""The in-memory journal: the reference implementation of the protocol."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import attrs

from ._model import (
    DEFAULT_LEASE,
    ClaimResult,
    JournalEntry,
    check_lease,
    plan_claim,
    plan_intent,
    plan_outcomes,
    plan_release,
)

__all__ = ["MemoryJournal"]


class MemoryJournal:
    """A :class:`Journal` kept in a dict, the reference implementation of the protocol: for
    tests, and several runs in one process sharing it. ``clock`` (seconds, like
    ``time.time``) can be injected to test lease expiry."""

    def __init__(
        self, *, lease: float = DEFAULT_LEASE, clock: Callable[[], float] = time.time
    ) -> None:
        self.lease = check_lease(lease)
        self.clock = clock
        self.entries: dict[str, JournalEntry] = {}

    async def open(self) -> None:
        return None

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        return {oid: self.entries[oid] for oid in order_ids if oid in self.entries}

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        return plan_claim(
            self.entries, order_ids, owner=owner, now=self.clock(), lease=self.lease
        )

    async def renew(self, owner: str) -> int:
        expires = self.clock() + self.lease
        renewed = 0
        for oid, entry in self.entries.items():
            if entry.owner == owner:
                self.entries[oid] = attrs.evolve(entry, lease_expires=expires)
                renewed += 1
        return renewed

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        return plan_intent(self.entries, order_ids, owner=owner, batch=batch, now=self.clock())

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        plan_outcomes(self.entries, entries, owner=owner, now=self.clock())

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        plan_release(self.entries, order_ids, owner=owner)

    def __repr__(self) -> str:
        return f"MemoryJournal(lease={self.lease!r}, entries={len(self.entries)})"
