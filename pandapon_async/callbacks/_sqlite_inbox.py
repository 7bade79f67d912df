"""The default, durable callback inbox: one SQLite file."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self, TypeVar

from .._sqlite import SQLiteWorker, Synchronous
from ._inbox import (
    COLUMNS,
    DUE_AT_SQL,
    InboxBase,
    InboxEntry,
    InboxStatus,
    NewMessage,
    check_claim_arguments,
    claimed_entries,
    entry_from_row,
)

_T = TypeVar("_T")

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


class SQLiteInbox(InboxBase):
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

    async def _insert(self, message: NewMessage, now: float) -> bool:
        def operation(connection: sqlite3.Connection) -> bool:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO callback_inbox (message_id, message_type, platform, "
                "timestamp_ms, body, status, attempts, deliveries, received_at, updated_at, "
                "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)",
                (*message.values(), InboxStatus.PENDING.value, now, now, now),
            )
            if cursor.rowcount == 1:
                return True
            connection.execute(
                "UPDATE callback_inbox SET deliveries = deliveries + 1 WHERE message_id = ?",
                (message.message_id,),
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
            return claimed_entries(rows)

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
