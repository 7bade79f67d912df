"""A callback inbox kept in memory, for tests and experiments."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ._inbox import InboxBase, InboxEntry, InboxStatus, NewMessage, check_claim_arguments, to_utc


class MemoryInbox(InboxBase):
    """An inbox kept in memory. **Not durable**: everything is lost with the process.

    Meant for tests and experiments; a service should use :class:`SQLiteInbox` (or its own
    durable implementation of :class:`CallbackInbox`). Receivers of one process may share it
    (claims work as in the durable inboxes).
    """

    def __init__(self) -> None:
        self._entries: dict[str, InboxEntry] = {}

    def __repr__(self) -> str:
        return f"MemoryInbox({len(self._entries)} messages)"

    async def close(self) -> None:
        return None

    async def _insert(self, message: NewMessage, now: float) -> bool:
        existing = self._entries.get(message.message_id)
        if existing is not None:
            self._entries[message.message_id] = attrs.evolve(
                existing, deliveries=existing.deliveries + 1
            )
            return False
        moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
        timestamp_ms = message.timestamp_ms
        self._entries[message.message_id] = InboxEntry(
            message_id=message.message_id,
            message_type=message.message_type,
            platform=message.platform,
            timestamp=None if timestamp_ms is None else to_utc(timestamp_ms / 1000),
            body=message.body,
            status=InboxStatus.PENDING,
            attempts=0,
            deliveries=1,
            last_error=None,
            received_at=moment,
            updated_at=moment,
            next_attempt_at=moment,
        )
        return True

    @staticmethod
    def _due_at(entry: InboxEntry) -> float:
        assert entry.next_attempt_at is not None
        due = entry.next_attempt_at.timestamp()
        if entry.claimed_until is not None:
            due = max(due, entry.claimed_until.timestamp())
        return due

    def _pending(self) -> list[InboxEntry]:
        return [
            entry
            for entry in self._entries.values()
            if entry.status is InboxStatus.PENDING and entry.next_attempt_at is not None
        ]

    def _ready(self, now: float) -> list[InboxEntry]:
        ready = [entry for entry in self._pending() if self._due_at(entry) <= now]
        ready.sort(key=lambda entry: (entry.next_attempt_at, entry.received_at))
        return ready

    async def claim(self, *, owner: str, now: float, lease: float, limit: int) -> list[InboxEntry]:
        check_claim_arguments(owner, lease, limit)
        claimed: list[InboxEntry] = []
        for entry in self._ready(now):
            if len(claimed) >= limit:
                break
            if entry.claimed_by == owner:
                continue
            updated = attrs.evolve(
                entry,
                claimed_by=owner,
                claimed_until=to_utc(now + lease),
                attempts=entry.attempts + 1,
                updated_at=to_utc(now),
            )
            self._entries[entry.message_id] = updated
            claimed.append(updated)
        return claimed

    def _held(self, message_id: str, owner: str) -> InboxEntry | None:
        entry = self._entries.get(message_id)
        if entry is None or entry.status is not InboxStatus.PENDING or entry.claimed_by != owner:
            return None
        return entry

    def _settle(self, entry: InboxEntry, now: float, **changes: Any) -> bool:
        self._entries[entry.message_id] = attrs.evolve(
            entry, updated_at=to_utc(now), claimed_by=None, claimed_until=None, **changes
        )
        return True

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        entry = self._held(message_id, owner)
        if entry is None:
            return False
        self._entries[message_id] = attrs.evolve(entry, claimed_until=to_utc(now + lease))
        return True

    async def mark_done(self, message_id: str, *, owner: str, now: float) -> bool:
        entry = self._entries.get(message_id)
        if entry is None or entry.status is InboxStatus.DONE:
            return False
        return self._settle(entry, now, status=InboxStatus.DONE, next_attempt_at=None)

    async def mark_retry(
        self, message_id: str, *, owner: str, error: str, next_attempt_at: float, now: float
    ) -> bool:
        entry = self._held(message_id, owner)
        if entry is None:
            return False
        return self._settle(
            entry, now, last_error=error, next_attempt_at=to_utc(next_attempt_at)
        )

    async def mark_failed(self, message_id: str, *, owner: str, error: str, now: float) -> bool:
        entry = self._held(message_id, owner)
        if entry is None:
            return False
        return self._settle(
            entry, now, status=InboxStatus.FAILED, last_error=error, next_attempt_at=None
        )

    async def release(self, message_ids: Iterable[str], *, owner: str, now: float) -> int:
        count = 0
        for message_id in message_ids:
            entry = self._held(message_id, owner)
            if entry is not None:
                count += self._settle(entry, now, next_attempt_at=to_utc(now))
        return count

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        return self._ready(now)[:limit]

    async def next_due_at(self, *, after: float) -> float | None:
        times = [due for due in map(self._due_at, self._pending()) if due > after]
        return min(times) if times else None

    async def get(self, message_id: str) -> InboxEntry | None:
        return self._entries.get(message_id)

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        entries = [
            entry
            for entry in self._entries.values()
            if status is None or entry.status is InboxStatus(status)
        ]
        entries.sort(key=lambda entry: (entry.received_at, entry.message_id))
        return entries if limit is None else entries[:limit]

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        moment = time.time() if now is None else now
        wanted = None if message_ids is None else set(message_ids)
        count = 0
        for entry in list(self._entries.values()):
            if entry.status is InboxStatus.FAILED and (
                wanted is None or entry.message_id in wanted
            ):
                self._settle(
                    entry,
                    moment,
                    status=InboxStatus.PENDING,
                    attempts=0,
                    next_attempt_at=to_utc(moment),
                )
                count += 1
        return count

    async def purge(
        self, *, older_than: float, statuses: Sequence[InboxStatus] = (InboxStatus.DONE,)
    ) -> int:
        wanted = {InboxStatus(status) for status in statuses}
        cutoff = dt.datetime.fromtimestamp(older_than, tz=dt.UTC)
        doomed = [
            entry.message_id
            for entry in self._entries.values()
            if entry.status in wanted and entry.updated_at < cutoff
        ]
        for message_id in doomed:
            del self._entries[message_id]
        return len(doomed)
