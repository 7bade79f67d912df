"""The callback inbox: durable record of received messages and of their handling.

A message is recorded (``pending``) before the receiver answers 200. The receiver's worker
hands pending messages whose time has come to the user's handler and marks them ``done``,
schedules a retry (``pending`` with a later ``next_attempt_at``), or, once the attempts are
spent, ``failed``. Failed messages stay until requeued or purged.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, Self, TypeVar, runtime_checkable

import attrs

from ._callback_message import CallbackMessage, parse_message
from ._sqlite import SQLiteWorker, Synchronous

__all__ = [
    "CallbackInbox",
    "InboxEntry",
    "InboxStatus",
    "MemoryInbox",
    "SQLiteInbox",
]

_T = TypeVar("_T")


class InboxStatus(enum.StrEnum):
    """Where a recorded message is in its handling."""

    PENDING = "pending"  # waiting for its first or next attempt
    DONE = "done"  # the handler returned without raising
    FAILED = "failed"  # attempts spent (or the body cannot be typed); kept until requeued


def _utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


@attrs.frozen(kw_only=True)
class InboxEntry:
    """One recorded message and the state of its handling.

    ``body`` is the raw request body as received (the signed bytes); :meth:`message` parses it.
    ``attempts`` counts handler calls that ended in an error or in success, ``deliveries`` how
    many times the platform delivered the message. Times are aware UTC datetimes.
    """

    message_id: str
    message_type: str
    platform: int | None
    timestamp: dt.datetime
    body: bytes = attrs.field(repr=False)
    status: InboxStatus
    attempts: int
    deliveries: int
    last_error: str | None
    received_at: dt.datetime
    updated_at: dt.datetime
    next_attempt_at: dt.datetime | None

    def message(self) -> CallbackMessage:
        """The message, parsed from the recorded body."""
        return parse_message(self.body)


@runtime_checkable
class CallbackInbox(Protocol):
    """Storage of received callback messages. Times are epoch seconds (``time.time()``).

    Subclass it to inherit :meth:`list_pending` and :meth:`list_failed`.

    Implementations must make :meth:`record` durable before it returns: the receiver answers
    200 right after it, and the platform will not send the message again.
    """

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int,
        body: bytes,
        now: float,
    ) -> bool:
        """Record a received message as pending; ``False`` (and no change but the delivery
        count) when a message with this id is already recorded, whatever its status."""
        ...

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        """Up to ``limit`` pending messages whose next attempt is due, oldest first."""
        ...

    async def next_due_at(self, *, after: float) -> float | None:
        """The earliest ``next_attempt_at`` later than ``after`` of a pending message, or
        ``None``."""
        ...

    async def mark_done(self, message_id: str, *, attempts: int, now: float) -> None: ...

    async def mark_retry(
        self, message_id: str, *, attempts: int, error: str, next_attempt_at: float, now: float
    ) -> None: ...

    async def mark_failed(
        self, message_id: str, *, attempts: int, error: str, now: float
    ) -> None: ...

    async def get(self, message_id: str) -> InboxEntry | None: ...

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        """Recorded messages (of one status, or all), oldest first."""
        ...

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        """Make failed messages (all, or those listed) pending again with a fresh attempt
        budget, due now. Returns how many were requeued."""
        ...

    async def purge(
        self, *, older_than: float, statuses: Sequence[InboxStatus] = (InboxStatus.DONE,)
    ) -> int:
        """Delete messages of ``statuses`` last updated before ``older_than``. Returns the count."""
        ...

    async def close(self) -> None: ...

    async def list_pending(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Messages waiting for their first or next attempt."""
        return await self.entries(InboxStatus.PENDING, limit=limit)

    async def list_failed(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Messages the handler kept failing on (see ``last_error``); requeue them to retry."""
        return await self.entries(InboxStatus.FAILED, limit=limit)


# --------------------------------------------------------------------------------------------
# SQLite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS callback_inbox (
    message_id      TEXT PRIMARY KEY,
    message_type    TEXT NOT NULL,
    platform        INTEGER,
    timestamp_ms    INTEGER NOT NULL,
    body            BLOB NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    deliveries      INTEGER NOT NULL DEFAULT 1,
    last_error      TEXT,
    received_at     REAL NOT NULL,
    updated_at      REAL NOT NULL,
    next_attempt_at REAL
);
CREATE INDEX IF NOT EXISTS callback_inbox_due ON callback_inbox (status, next_attempt_at);
"""

_COLUMNS = (
    "message_id, message_type, platform, timestamp_ms, body, status, attempts, deliveries, "
    "last_error, received_at, updated_at, next_attempt_at"
)


def _entry_from_row(row: Sequence[Any]) -> InboxEntry:
    (
        message_id,
        message_type,
        platform,
        timestamp_ms,
        body,
        status,
        attempts,
        deliveries,
        last_error,
        received_at,
        updated_at,
        next_attempt_at,
    ) = row
    return InboxEntry(
        message_id=message_id,
        message_type=message_type,
        platform=platform,
        timestamp=dt.datetime.fromtimestamp(timestamp_ms / 1000, tz=dt.UTC),
        body=bytes(body),
        status=InboxStatus(status),
        attempts=attempts,
        deliveries=deliveries,
        last_error=last_error,
        received_at=dt.datetime.fromtimestamp(received_at, tz=dt.UTC),
        updated_at=dt.datetime.fromtimestamp(updated_at, tz=dt.UTC),
        next_attempt_at=_utc(next_attempt_at),
    )


class SQLiteInbox(CallbackInbox):
    """The default, durable inbox: one SQLite file (stdlib ``sqlite3``, WAL mode).

    Every database call runs on one dedicated thread that owns the connection, so the event
    loop never blocks on disk and sqlite3's same-thread check holds. ``synchronous="FULL"``
    (the default) makes a recorded message survive a power loss, not only a crash of the
    process. Safe to share between receivers of one process one after the other (a restart);
    two processes consuming one file at the same time are not supported.

    The file is opened on first use; :meth:`close` releases it (a later call reopens it).
    Also an async context manager.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = 5.0,
    ) -> None:
        self._worker = SQLiteWorker(
            path,
            schema=_SCHEMA,
            synchronous=synchronous,
            busy_timeout=busy_timeout,
            thread_name="pandapon-inbox",
        )
        self.path = self._worker.path

    def __repr__(self) -> str:
        return f"SQLiteInbox({self.path!r})"

    async def __aenter__(self) -> Self:
        await self._run(lambda connection: None)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        return await self._worker.run(operation)

    async def close(self) -> None:
        """Close the database connection and stop the inbox thread."""
        await self._worker.close()

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int,
        body: bytes,
        now: float,
    ) -> bool:
        def operation(connection: sqlite3.Connection) -> bool:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO callback_inbox (message_id, message_type, platform, "
                "timestamp_ms, body, status, attempts, deliveries, received_at, updated_at, "
                "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)",
                (
                    message_id,
                    message_type,
                    platform,
                    timestamp_ms,
                    bytes(body),
                    InboxStatus.PENDING.value,
                    now,
                    now,
                    now,
                ),
            )
            if cursor.rowcount == 1:
                return True
            connection.execute(
                "UPDATE callback_inbox SET deliveries = deliveries + 1 WHERE message_id = ?",
                (message_id,),
            )
            return False

        return await self._run(operation)

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        def operation(connection: sqlite3.Connection) -> list[InboxEntry]:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM callback_inbox WHERE status = ? "
                "AND next_attempt_at <= ? ORDER BY next_attempt_at, received_at LIMIT ?",
                (InboxStatus.PENDING.value, now, limit),
            ).fetchall()
            return [_entry_from_row(row) for row in rows]

        return await self._run(operation)

    async def next_due_at(self, *, after: float) -> float | None:
        def operation(connection: sqlite3.Connection) -> float | None:
            row = connection.execute(
                "SELECT MIN(next_attempt_at) FROM callback_inbox "
                "WHERE status = ? AND next_attempt_at > ?",
                (InboxStatus.PENDING.value, after),
            ).fetchone()
            value: float | None = row[0]
            return value

        return await self._run(operation)

    async def _update(self, sql: str, parameters: tuple[Any, ...]) -> None:
        await self._run(lambda connection: connection.execute(sql, parameters))

    async def mark_done(self, message_id: str, *, attempts: int, now: float) -> None:
        await self._update(
            "UPDATE callback_inbox SET status = ?, attempts = ?, updated_at = ?, "
            "next_attempt_at = NULL WHERE message_id = ?",
            (InboxStatus.DONE.value, attempts, now, message_id),
        )

    async def mark_retry(
        self, message_id: str, *, attempts: int, error: str, next_attempt_at: float, now: float
    ) -> None:
        await self._update(
            "UPDATE callback_inbox SET status = ?, attempts = ?, last_error = ?, updated_at = ?, "
            "next_attempt_at = ? WHERE message_id = ?",
            (InboxStatus.PENDING.value, attempts, error, now, next_attempt_at, message_id),
        )

    async def mark_failed(self, message_id: str, *, attempts: int, error: str, now: float) -> None:
        await self._update(
            "UPDATE callback_inbox SET status = ?, attempts = ?, last_error = ?, updated_at = ?, "
            "next_attempt_at = NULL WHERE message_id = ?",
            (InboxStatus.FAILED.value, attempts, error, now, message_id),
        )

    async def get(self, message_id: str) -> InboxEntry | None:
        def operation(connection: sqlite3.Connection) -> InboxEntry | None:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM callback_inbox WHERE message_id = ?", (message_id,)
            ).fetchone()
            return None if row is None else _entry_from_row(row)

        return await self._run(operation)

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        def operation(connection: sqlite3.Connection) -> list[InboxEntry]:
            where = "" if status is None else "WHERE status = ? "
            parameters: tuple[Any, ...] = () if status is None else (InboxStatus(status).value,)
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM callback_inbox {where}"
                "ORDER BY received_at, message_id LIMIT ?",
                (*parameters, -1 if limit is None else limit),
            ).fetchall()
            return [_entry_from_row(row) for row in rows]

        return await self._run(operation)

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        moment = time.time() if now is None else now
        ids = None if message_ids is None else list(message_ids)

        def operation(connection: sqlite3.Connection) -> int:
            sql = (
                "UPDATE callback_inbox SET status = ?, attempts = 0, updated_at = ?, "
                "next_attempt_at = ? WHERE status = ?"
            )
            parameters = (InboxStatus.PENDING.value, moment, moment, InboxStatus.FAILED.value)
            if ids is None:
                return connection.execute(sql, parameters).rowcount
            return sum(
                connection.execute(sql + " AND message_id = ?", (*parameters, one)).rowcount
                for one in ids
            )

        return await self._run(operation)

    async def purge(
        self, *, older_than: float, statuses: Sequence[InboxStatus] = (InboxStatus.DONE,)
    ) -> int:
        values = [InboxStatus(status).value for status in statuses]

        def operation(connection: sqlite3.Connection) -> int:
            if not values:
                return 0
            marks = ", ".join("?" for _ in values)
            return connection.execute(
                f"DELETE FROM callback_inbox WHERE status IN ({marks}) AND updated_at < ?",
                (*values, older_than),
            ).rowcount

        return await self._run(operation)


# --------------------------------------------------------------------------------------------
# Memory


class MemoryInbox(CallbackInbox):
    """An inbox kept in memory. **Not durable**: everything is lost with the process.

    Meant for tests and experiments; a service should use :class:`SQLiteInbox` (or its own
    durable implementation of :class:`CallbackInbox`).
    """

    def __init__(self) -> None:
        self._entries: dict[str, InboxEntry] = {}

    def __repr__(self) -> str:
        return f"MemoryInbox({len(self._entries)} messages)"

    async def close(self) -> None:
        return None

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int,
        body: bytes,
        now: float,
    ) -> bool:
        existing = self._entries.get(message_id)
        if existing is not None:
            self._entries[message_id] = attrs.evolve(existing, deliveries=existing.deliveries + 1)
            return False
        moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
        self._entries[message_id] = InboxEntry(
            message_id=message_id,
            message_type=message_type,
            platform=platform,
            timestamp=dt.datetime.fromtimestamp(timestamp_ms / 1000, tz=dt.UTC),
            body=bytes(body),
            status=InboxStatus.PENDING,
            attempts=0,
            deliveries=1,
            last_error=None,
            received_at=moment,
            updated_at=moment,
            next_attempt_at=moment,
        )
        return True

    def _pending(self) -> list[InboxEntry]:
        return [entry for entry in self._entries.values() if entry.status is InboxStatus.PENDING]

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
        ready = [
            entry
            for entry in self._pending()
            if entry.next_attempt_at is not None and entry.next_attempt_at <= moment
        ]
        ready.sort(key=lambda entry: (entry.next_attempt_at or moment, entry.received_at))
        return ready[:limit]

    async def next_due_at(self, *, after: float) -> float | None:
        times = [
            entry.next_attempt_at.timestamp()
            for entry in self._pending()
            if entry.next_attempt_at is not None and entry.next_attempt_at.timestamp() > after
        ]
        return min(times) if times else None

    def _evolve(self, message_id: str, now: float, **changes: Any) -> None:
        entry = self._entries.get(message_id)
        if entry is not None:
            moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
            self._entries[message_id] = attrs.evolve(entry, updated_at=moment, **changes)

    async def mark_done(self, message_id: str, *, attempts: int, now: float) -> None:
        self._evolve(
            message_id, now, status=InboxStatus.DONE, attempts=attempts, next_attempt_at=None
        )

    async def mark_retry(
        self, message_id: str, *, attempts: int, error: str, next_attempt_at: float, now: float
    ) -> None:
        self._evolve(
            message_id,
            now,
            status=InboxStatus.PENDING,
            attempts=attempts,
            last_error=error,
            next_attempt_at=_utc(next_attempt_at),
        )

    async def mark_failed(self, message_id: str, *, attempts: int, error: str, now: float) -> None:
        self._evolve(
            message_id,
            now,
            status=InboxStatus.FAILED,
            attempts=attempts,
            last_error=error,
            next_attempt_at=None,
        )

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
                self._evolve(
                    entry.message_id,
                    moment,
                    status=InboxStatus.PENDING,
                    attempts=0,
                    next_attempt_at=_utc(moment),
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
