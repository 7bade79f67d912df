"""The callback inbox: durable record of received messages and of their handling.

A message is recorded (``pending``) before the receiver answers 200. A receiver's worker
claims pending messages whose time has come (one claimant per message, for a lease it
renews), hands them to the user's handler and marks them ``done``, schedules a retry
(``pending`` with a later ``next_attempt_at``), or, once the attempts are spent, ``failed``.
Failed messages stay until requeued or purged. Several receivers may share one inbox.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, Self, TypeVar, overload, runtime_checkable

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


@overload
def _utc(epoch: float) -> dt.datetime: ...
@overload
def _utc(epoch: float | None) -> dt.datetime | None: ...
def _utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


@attrs.frozen(kw_only=True)
class InboxEntry:
    """One recorded message and the state of its handling.

    ``body`` is the raw request body as received (the signed bytes); :meth:`message` parses it.
    ``attempts`` counts the handler calls started (a claim is one call), ``deliveries`` how
    many times the platform delivered the message (to any replica). ``timestamp`` is ``None``
    for a message sent without a push time. ``claimed_by`` and ``claimed_until`` name the
    receiver handling the message now and when its lease ends. Times are aware UTC datetimes.
    """

    message_id: str
    message_type: str
    platform: int | None
    timestamp: dt.datetime | None
    body: bytes = attrs.field(repr=False)
    status: InboxStatus
    attempts: int
    deliveries: int
    last_error: str | None
    received_at: dt.datetime
    updated_at: dt.datetime
    next_attempt_at: dt.datetime | None
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = None

    def message(self) -> CallbackMessage:
        """The message, parsed from the recorded body."""
        return parse_message(self.body)


@runtime_checkable
class CallbackInbox(Protocol):
    """Storage of received callback messages, shareable by several receivers.

    Times are epoch seconds (``time.time()``, or the receiver's ``clock``). Subclass it to
    inherit :meth:`list_pending` and :meth:`list_failed`.

    Implementations must make :meth:`record` durable before it returns: the receiver answers
    200 right after it, and the platform will not send the message again.

    Handling goes through claims: :meth:`claim` atomically hands a due message to one
    ``owner`` (a receiver) for ``lease`` seconds and counts the attempt; the owner renews the
    lease while its handler runs and settles the message with :meth:`mark_done`,
    :meth:`mark_retry` or :meth:`mark_failed`. A claim whose lease ran out (its receiver
    died) is claimed again by another receiver. Several receivers, in one process or many,
    may share one inbox as long as the implementation makes :meth:`claim` atomic.
    """

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int | None,
        body: bytes,
        now: float,
    ) -> bool:
        """Record a received message as pending; ``False`` (and no change but the delivery
        count) when a message with this id is already recorded, whatever its status."""
        ...

    async def claim(self, *, owner: str, now: float, lease: float, limit: int) -> list[InboxEntry]:
        """Claim up to ``limit`` due messages for ``owner`` until ``now + lease``, oldest first.

        Due: pending, ``next_attempt_at`` reached, and not claimed, or claimed by another
        owner whose lease ended. Each claim adds one to ``attempts``. A message is handed to
        one claimant only, however many receivers claim at once.
        """
        ...

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        """Extend ``owner``'s claim to ``now + lease``; ``False`` if it no longer holds it."""
        ...

    async def mark_done(self, message_id: str, *, owner: str, now: float) -> bool:
        """The handler returned: the message is done (final; whoever holds the claim now).
        ``False`` if it was already done or is not recorded."""
        ...

    async def mark_retry(
        self, message_id: str, *, owner: str, error: str, next_attempt_at: float, now: float
    ) -> bool:
        """Release ``owner``'s claim and make the message due again at ``next_attempt_at``.
        ``False`` (and no change) if ``owner`` no longer holds the claim."""
        ...

    async def mark_failed(self, message_id: str, *, owner: str, error: str, now: float) -> bool:
        """Attempts spent: the message is failed, kept until requeued. ``False`` (and no
        change) if ``owner`` no longer holds the claim."""
        ...

    async def release(self, message_ids: Iterable[str], *, owner: str, now: float) -> int:
        """Give back ``owner``'s claims without an outcome (a receiver stopping): due at
        ``now`` again. Returns how many were released."""
        ...

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        """Up to ``limit`` messages a claim at ``now`` could take, oldest first (read only)."""
        ...

    async def next_due_at(self, *, after: float) -> float | None:
        """The earliest time later than ``after`` at which a pending message becomes due
        (its ``next_attempt_at``, or the end of its claim's lease), or ``None``."""
        ...

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
        """Messages waiting for their first or next attempt (or being handled now)."""
        return await self.entries(InboxStatus.PENDING, limit=limit)

    async def list_failed(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Messages the handler kept failing on (see ``last_error``); requeue them to retry."""
        return await self.entries(InboxStatus.FAILED, limit=limit)


# --------------------------------------------------------------------------------------------
# Shared by the SQL inboxes (SQLite here, PostgreSQL in _postgres_inbox)

# What makes a pending message claimable, and when it becomes so. Placeholders: :now.
DUE_AT_SQL = (
    "CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at "
    "THEN claimed_until ELSE next_attempt_at END"
)

COLUMNS = (
    "message_id, message_type, platform, timestamp_ms, body, status, attempts, deliveries, "
    "last_error, received_at, updated_at, next_attempt_at, claimed_by, claimed_until"
)


def entry_from_row(row: Sequence[Any]) -> InboxEntry:
    """An :class:`InboxEntry` from a row of :data:`COLUMNS`, in that order."""
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
        claimed_by,
        claimed_until,
    ) = row
    return InboxEntry(
        message_id=message_id,
        message_type=message_type,
        platform=platform,
        timestamp=None if timestamp_ms is None else _utc(timestamp_ms / 1000),
        body=bytes(body),
        status=InboxStatus(status),
        attempts=attempts,
        deliveries=deliveries,
        last_error=last_error,
        received_at=dt.datetime.fromtimestamp(received_at, tz=dt.UTC),
        updated_at=dt.datetime.fromtimestamp(updated_at, tz=dt.UTC),
        next_attempt_at=_utc(next_attempt_at),
        claimed_by=claimed_by,
        claimed_until=_utc(claimed_until),
    )


def check_claim_arguments(owner: str, lease: float, limit: int) -> None:
    if not isinstance(owner, str) or not owner:
        raise ValueError("owner must be a non-empty string")
    if isinstance(lease, bool) or not isinstance(lease, int | float) or lease <= 0:
        raise ValueError(f"lease must be a number > 0, got {lease!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be an integer >= 0, got {limit!r}")


# --------------------------------------------------------------------------------------------
# SQLite

_OPEN_RETRY_DELAY = 0.02
# Version 2 added claims (claimed_by, claimed_until) and made timestamp_ms optional.
_SCHEMA_VERSION = 2
_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS {table} (
    message_id      TEXT PRIMARY KEY,
    message_type    TEXT NOT NULL,
    platform        INTEGER,
    timestamp_ms    INTEGER,
    body            BLOB NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    deliveries      INTEGER NOT NULL DEFAULT 1,
    last_error      TEXT,
    received_at     REAL NOT NULL,
    updated_at      REAL NOT NULL,
    next_attempt_at REAL,
    claimed_by      TEXT,
    claimed_until   REAL
);
"""
_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS callback_inbox_due ON callback_inbox (status, next_attempt_at);"
)
_SCHEMA = _TABLE_SQL.format(table="callback_inbox") + _INDEX_SQL

_V1_COLUMNS = (
    "message_id, message_type, platform, timestamp_ms, body, status, attempts, deliveries, "
    "last_error, received_at, updated_at, next_attempt_at"
)


def _migrate_sqlite(connection: sqlite3.Connection) -> None:
    """Bring a file written by an older version to the current schema, once, in place.

    Version 1 files (0.1) lack the claim columns and require a timestamp; SQLite cannot relax
    NOT NULL in place, so the table is rebuilt in one transaction (other processes wait on the
    write lock, then see the new table).
    """
    if connection.execute("PRAGMA user_version").fetchone()[0] >= _SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(callback_inbox)")}
        if "claimed_by" not in columns:
            connection.execute("DROP INDEX IF EXISTS callback_inbox_due")
            connection.execute("ALTER TABLE callback_inbox RENAME TO callback_inbox_v1")
            connection.execute(_TABLE_SQL.format(table="callback_inbox"))
            connection.execute(
                f"INSERT INTO callback_inbox ({_V1_COLUMNS}) "
                f"SELECT {_V1_COLUMNS} FROM callback_inbox_v1"
            )
            connection.execute("DROP TABLE callback_inbox_v1")
            connection.execute(_INDEX_SQL)
        connection.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


class SQLiteInbox(CallbackInbox):
    """The default, durable inbox: one SQLite file (stdlib ``sqlite3``, WAL mode).

    Every database call runs on one dedicated thread that owns the connection, so the event
    loop never blocks on disk and sqlite3's same-thread check holds. ``synchronous="FULL"``
    (the default) makes a recorded message survive a power loss, not only a crash of the
    process. Several receivers, in one process or in several processes on one host, may share
    one file: a claim is one SQLite write transaction, so each message goes to one of them.
    (Not on a network file system: SQLite's locking needs a local disk.) A file written by
    version 0.1 is migrated in place on first use.

    ``busy_timeout`` is how long a write waits for another process's lock before failing; the
    receiver retries a failed bookkeeping write with backoff, never the handler.

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
            on_connect=_migrate_sqlite,
        )
        self.path = self._worker.path
        self._busy_timeout = busy_timeout

    def __repr__(self) -> str:
        return f"SQLiteInbox({self.path!r})"

    async def __aenter__(self) -> Self:
        await self._run(lambda connection: None)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        attempt = 0
        while True:
            try:
                return await self._worker.run(operation)
            except sqlite3.OperationalError as error:
                # Processes opening a new file at once race on switching it to WAL mode, which
                # SQLite reports at once as "locked" (no busy wait): opening is retried for
                # up to about busy_timeout. Once open, a locked write is the caller's to retry.
                attempt += 1
                if self._worker.connected or "locked" not in str(error):
                    raise
                if attempt * _OPEN_RETRY_DELAY >= max(self._busy_timeout, _OPEN_RETRY_DELAY):
                    raise
                await asyncio.sleep(_OPEN_RETRY_DELAY)

    async def close(self) -> None:
        """Close the database connection and stop the inbox thread."""
        await self._worker.close()

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int | None,
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

    async def claim(self, *, owner: str, now: float, lease: float, limit: int) -> list[InboxEntry]:
        check_claim_arguments(owner, lease, limit)

        def operation(connection: sqlite3.Connection) -> list[InboxEntry]:
            # One statement, so one write transaction from its start: two processes claiming
            # at once are serialised by SQLite's write lock and never take the same row.
            rows = connection.execute(
                "UPDATE callback_inbox SET claimed_by = ?, claimed_until = ?, "
                "attempts = attempts + 1, updated_at = ? WHERE message_id IN ("
                "SELECT message_id FROM callback_inbox WHERE status = ? "
                "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                "AND (claimed_by IS NULL OR claimed_by != ?) "
                "ORDER BY next_attempt_at, received_at LIMIT ?) "
                f"RETURNING {COLUMNS}",
                (owner, now + lease, now, InboxStatus.PENDING.value, now, now, owner, limit),
            ).fetchall()
            entries = [entry_from_row(row) for row in rows]
            entries.sort(key=lambda entry: (entry.next_attempt_at, entry.received_at))
            return entries

        return await self._run(operation)

    async def _update(self, sql: str, parameters: tuple[Any, ...]) -> int:
        return await self._run(lambda connection: connection.execute(sql, parameters).rowcount)

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        return (
            await self._update(
                "UPDATE callback_inbox SET claimed_until = ? "
                "WHERE message_id = ? AND claimed_by = ? AND status = ?",
                (now + lease, message_id, owner, InboxStatus.PENDING.value),
            )
            == 1
        )

    async def mark_done(self, message_id: str, *, owner: str, now: float) -> bool:
        return (
            await self._update(
                "UPDATE callback_inbox SET status = ?, updated_at = ?, next_attempt_at = NULL, "
                "claimed_by = NULL, claimed_until = NULL WHERE message_id = ? AND status != ?",
                (InboxStatus.DONE.value, now, message_id, InboxStatus.DONE.value),
            )
            == 1
        )

    async def mark_retry(
        self, message_id: str, *, owner: str, error: str, next_attempt_at: float, now: float
    ) -> bool:
        return (
            await self._update(
                "UPDATE callback_inbox SET last_error = ?, updated_at = ?, next_attempt_at = ?, "
                "claimed_by = NULL, claimed_until = NULL "
                "WHERE message_id = ? AND claimed_by = ? AND status = ?",
                (error, now, next_attempt_at, message_id, owner, InboxStatus.PENDING.value),
            )
            == 1
        )

    async def mark_failed(self, message_id: str, *, owner: str, error: str, now: float) -> bool:
        return (
            await self._update(
                "UPDATE callback_inbox SET status = ?, last_error = ?, updated_at = ?, "
                "next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL "
                "WHERE message_id = ? AND claimed_by = ? AND status = ?",
                (
                    InboxStatus.FAILED.value,
                    error,
                    now,
                    message_id,
                    owner,
                    InboxStatus.PENDING.value,
                ),
            )
            == 1
        )

    async def release(self, message_ids: Iterable[str], *, owner: str, now: float) -> int:
        ids = list(message_ids)

        def operation(connection: sqlite3.Connection) -> int:
            return sum(
                connection.execute(
                    "UPDATE callback_inbox SET next_attempt_at = ?, updated_at = ?, "
                    "claimed_by = NULL, claimed_until = NULL "
                    "WHERE message_id = ? AND claimed_by = ? AND status = ?",
                    (now, now, one, owner, InboxStatus.PENDING.value),
                ).rowcount
                for one in ids
            )

        return await self._run(operation)

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        def operation(connection: sqlite3.Connection) -> list[InboxEntry]:
            rows = connection.execute(
                f"SELECT {COLUMNS} FROM callback_inbox WHERE status = ? "
                "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                "ORDER BY next_attempt_at, received_at LIMIT ?",
                (InboxStatus.PENDING.value, now, now, limit),
            ).fetchall()
            return [entry_from_row(row) for row in rows]

        return await self._run(operation)

    async def next_due_at(self, *, after: float) -> float | None:
        def operation(connection: sqlite3.Connection) -> float | None:
            row = connection.execute(
                f"SELECT MIN({DUE_AT_SQL}) FROM callback_inbox "
                f"WHERE status = ? AND {DUE_AT_SQL} > ?",
                (InboxStatus.PENDING.value, after),
            ).fetchone()
            value: float | None = row[0]
            return value

        return await self._run(operation)

    async def get(self, message_id: str) -> InboxEntry | None:
        def operation(connection: sqlite3.Connection) -> InboxEntry | None:
            row = connection.execute(
                f"SELECT {COLUMNS} FROM callback_inbox WHERE message_id = ?", (message_id,)
            ).fetchone()
            return None if row is None else entry_from_row(row)

        return await self._run(operation)

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        def operation(connection: sqlite3.Connection) -> list[InboxEntry]:
            where = "" if status is None else "WHERE status = ? "
            parameters: tuple[Any, ...] = () if status is None else (InboxStatus(status).value,)
            rows = connection.execute(
                f"SELECT {COLUMNS} FROM callback_inbox {where}"
                "ORDER BY received_at, message_id LIMIT ?",
                (*parameters, -1 if limit is None else limit),
            ).fetchall()
            return [entry_from_row(row) for row in rows]

        return await self._run(operation)

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        moment = time.time() if now is None else now
        ids = None if message_ids is None else list(message_ids)

        def operation(connection: sqlite3.Connection) -> int:
            sql = (
                "UPDATE callback_inbox SET status = ?, attempts = 0, updated_at = ?, "
                "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE status = ?"
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
    durable implementation of :class:`CallbackInbox`). Receivers of one process may share it
    (claims work as in the durable inboxes).
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
        timestamp_ms: int | None,
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
            timestamp=None if timestamp_ms is None else _utc(timestamp_ms / 1000),
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
                claimed_until=_utc(now + lease),
                attempts=entry.attempts + 1,
                updated_at=_utc(now),
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
            entry, updated_at=_utc(now), claimed_by=None, claimed_until=None, **changes
        )
        return True

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        entry = self._held(message_id, owner)
        if entry is None:
            return False
        self._entries[message_id] = attrs.evolve(entry, claimed_until=_utc(now + lease))
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
            entry, now, last_error=error, next_attempt_at=_utc(next_attempt_at)
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
                count += self._settle(entry, now, next_attempt_at=_utc(now))
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
