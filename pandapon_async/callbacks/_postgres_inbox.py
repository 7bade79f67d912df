"""A callback inbox in PostgreSQL, shared by several receiver replicas (asyncpg, extra
``[postgres]``).

Each delivery, whichever replica receives it, is recorded once (the message id is the primary
key); the replicas' workers claim due messages with ``FOR UPDATE SKIP LOCKED`` and a lease, so
each message is handled by one replica at a time, and by another one only after a lease ran
out (its replica died mid-handler).

asyncpg is imported when an inbox is constructed, never by ``import pandapon_async``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, Self

from .._postgres_pool import check_pool_options, create_pool
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

if TYPE_CHECKING:
    import asyncpg

__all__ = ["DEFAULT_INBOX_TABLE", "PostgresInbox"]

DEFAULT_INBOX_TABLE: Final = "pandapon_callback_inbox"
# Bumped when the table changes; written in the table's comment. Upgrades are additive
# (ADD COLUMN IF NOT EXISTS) and run under the same advisory lock as the creation.
SCHEMA_VERSION: Final = 1
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,50}(\.[A-Za-z_][A-Za-z0-9_]{0,50})?$")
_PENDING = InboxStatus.PENDING.value
_DONE = InboxStatus.DONE.value
_FAILED = InboxStatus.FAILED.value


def _missing_asyncpg() -> ImportError:
    return ImportError(
        "PostgresInbox needs 'asyncpg': pip install \"pandapon-async[postgres]\""
    )


def _schema_sql(table: str) -> list[str]:
    index = table.replace(".", "_") + "_due"
    return [
        f"""CREATE TABLE IF NOT EXISTS {table} (
    message_id      text PRIMARY KEY,
    message_type    text NOT NULL,
    platform        integer,
    timestamp_ms    bigint,
    body            bytea NOT NULL,
    status          text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    deliveries      integer NOT NULL DEFAULT 1,
    last_error      text,
    received_at     double precision NOT NULL,
    updated_at      double precision NOT NULL,
    next_attempt_at double precision,
    claimed_by      text,
    claimed_until   double precision
)""",
        f"CREATE INDEX IF NOT EXISTS {index} ON {table} (status, next_attempt_at)",
        f"COMMENT ON TABLE {table} IS "
        f"'pandapon_async callback inbox, schema version {SCHEMA_VERSION}'",
    ]


class PostgresInbox(InboxBase):
    """A :class:`~pandapon_async.callbacks.CallbackInbox` in a PostgreSQL table, for several
    :class:`~pandapon_async.callbacks.CallbackReceiver` replicas behind one load balancer.

    - A message is recorded once however many replicas receive its deliveries (the others
      count a delivery); :meth:`record` returns after the row is committed, so a 200 answer
      always means the message is stored.
    - Replicas claim due messages with ``SELECT ... FOR UPDATE SKIP LOCKED`` and a lease the
      owner renews while its handler runs: each message is handled by one replica; one whose
      replica died mid-handler is claimed by another after the lease (the receiver's
      ``lease``).
    - The table (``table``, default ``pandapon_callback_inbox``, optionally
      ``schema.table``) is created on first use under an advisory lock; with
      ``create_table=False`` it must exist (see :meth:`schema_sql` for its DDL).

    When PostgreSQL cannot be reached, :meth:`record` raises and the receiver answers 503, so
    the platform delivers the message again later (every 30 min, 5 times); the worker and its
    outcome writes back off and retry. ``connect_timeout`` and ``command_timeout`` (seconds)
    bound how long one call waits. The connection pool (up to ``max_connections``) opens on
    first use; :meth:`close` closes it. Also an async context manager.
    """

    def __init__(
        self,
        dsn: str,
        *,
        table: str = DEFAULT_INBOX_TABLE,
        create_table: bool = True,
        max_connections: int = 4,
        connect_timeout: float = 5.0,
        command_timeout: float = 10.0,
    ) -> None:
        if not isinstance(dsn, str) or not dsn:
            raise ValueError("dsn must be a non-empty PostgreSQL connection string")
        if not isinstance(table, str) or not _IDENTIFIER.match(table):
            raise ValueError(f"table must be a plain SQL name (or schema.name), got {table!r}")
        max_connections, connect_timeout, command_timeout = check_pool_options(
            max_connections, connect_timeout, command_timeout)
        try:
            import asyncpg  # noqa: F401  (checked here so a missing extra fails at construction)
        except ImportError:
            raise _missing_asyncpg() from None
        self._dsn = dsn
        self.table = table
        self._create_table = create_table
        self._max_connections = max_connections
        self._connect_timeout = connect_timeout
        self._command_timeout = command_timeout
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self._columns = ", ".join(f"t.{column.strip()}" for column in COLUMNS.split(","))

    def __repr__(self) -> str:
        # The DSN may carry a password: show only the table.
        return f"PostgresInbox(table={self.table!r})"

    @classmethod
    def schema_sql(cls, table: str = DEFAULT_INBOX_TABLE) -> str:
        """The DDL this inbox runs on first use, for a migration tool of your own."""
        if not _IDENTIFIER.match(table):
            raise ValueError(f"table must be a plain SQL name (or schema.name), got {table!r}")
        return ";\n".join(_schema_sql(table)) + ";\n"

    async def __aenter__(self) -> Self:
        await self._get_pool()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is not None:
            return self._pool
        async with self._opening:
            if self._pool is None:
                pool = await create_pool(
                    self._dsn, max_connections=self._max_connections,
                    connect_timeout=self._connect_timeout, command_timeout=self._command_timeout,
                )
                try:
                    if self._create_table:
                        await self._ensure_table(pool)
                except BaseException:
                    await pool.close()
                    raise
                self._pool = pool
        return self._pool

    async def _ensure_table(self, pool: asyncpg.Pool) -> None:
        async with pool.acquire() as connection, connection.transaction():
            # Replicas starting together would race on CREATE TABLE IF NOT EXISTS (it is not
            # atomic against itself); one transaction-scoped advisory lock serialises them.
            await connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", self.table)
            for statement in _schema_sql(self.table):
                await connection.execute(statement)

    async def close(self) -> None:
        """Close the connection pool (a later call opens a new one)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _fetch(self, sql: str, *arguments: Any) -> list[Any]:
        pool = await self._get_pool()
        rows: list[Any] = await pool.fetch(sql, *arguments)
        return rows

    async def _execute_count(self, sql: str, *arguments: Any) -> int:
        pool = await self._get_pool()
        status: str = await pool.execute(sql, *arguments)
        return int(status.rsplit(" ", 1)[-1])  # "UPDATE 3" -> 3

    async def _insert(self, message: NewMessage, now: float) -> bool:
        pool = await self._get_pool()
        inserted = await pool.fetchval(
            f"INSERT INTO {self.table} (message_id, message_type, platform, timestamp_ms, body, "
            "status, attempts, deliveries, received_at, updated_at, next_attempt_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, 0, 1, $7, $7, $7) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING true",
            *message.values(),
            _PENDING,
            now,
        )
        if inserted:
            return True
        await pool.execute(
            f"UPDATE {self.table} SET deliveries = deliveries + 1 WHERE message_id = $1",
            message.message_id,
        )
        return False

    async def claim(self, *, owner: str, now: float, lease: float, limit: int) -> list[InboxEntry]:
        check_claim_arguments(owner, lease, limit)
        if limit == 0:
            return []
        rows = await self._fetch(
            f"WITH due AS (SELECT message_id FROM {self.table} WHERE status = $5 "
            "AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) "
            "AND claimed_by IS DISTINCT FROM $1 "
            "ORDER BY next_attempt_at, received_at LIMIT $4 FOR UPDATE SKIP LOCKED) "
            f"UPDATE {self.table} AS t SET claimed_by = $1, claimed_until = $3, "
            "attempts = t.attempts + 1, updated_at = $2 FROM due "
            f"WHERE t.message_id = due.message_id RETURNING {self._columns}",
            owner,
            now,
            now + lease,
            limit,
            _PENDING,
        )
        return claimed_entries(rows)

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        count = await self._execute_count(
            f"UPDATE {self.table} SET claimed_until = $1 "
            "WHERE message_id = $2 AND claimed_by = $3 AND status = $4",
            now + lease,
            message_id,
            owner,
            _PENDING,
        )
        return count == 1

    async def mark_done(self, message_id: str, *, owner: str, now: float) -> bool:
        count = await self._execute_count(
            f"UPDATE {self.table} SET status = $1, updated_at = $2, next_attempt_at = NULL, "
            "claimed_by = NULL, claimed_until = NULL WHERE message_id = $3 AND status <> $1",
            _DONE,
            now,
            message_id,
        )
        return count == 1

    async def mark_retry(
        self, message_id: str, *, owner: str, error: str, next_attempt_at: float, now: float
    ) -> bool:
        count = await self._execute_count(
            f"UPDATE {self.table} SET last_error = $1, updated_at = $2, next_attempt_at = $3, "
            "claimed_by = NULL, claimed_until = NULL "
            "WHERE message_id = $4 AND claimed_by = $5 AND status = $6",
            error,
            now,
            next_attempt_at,
            message_id,
            owner,
            _PENDING,
        )
        return count == 1

    async def mark_failed(self, message_id: str, *, owner: str, error: str, now: float) -> bool:
        count = await self._execute_count(
            f"UPDATE {self.table} SET status = $1, last_error = $2, updated_at = $3, "
            "next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL "
            "WHERE message_id = $4 AND claimed_by = $5 AND status = $6",
            _FAILED,
            error,
            now,
            message_id,
            owner,
            _PENDING,
        )
        return count == 1

    async def release(self, message_ids: Iterable[str], *, owner: str, now: float) -> int:
        ids = list(message_ids)
        if not ids:
            return 0
        return await self._execute_count(
            f"UPDATE {self.table} SET next_attempt_at = $1, updated_at = $1, "
            "claimed_by = NULL, claimed_until = NULL "
            "WHERE message_id = ANY($2::text[]) AND claimed_by = $3 AND status = $4",
            now,
            ids,
            owner,
            _PENDING,
        )

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM {self.table} WHERE status = $1 AND next_attempt_at <= $2 "
            "AND (claimed_until IS NULL OR claimed_until <= $2) "
            "ORDER BY next_attempt_at, received_at LIMIT $3",
            _PENDING,
            now,
            limit,
        )
        return [entry_from_row(row) for row in rows]

    async def next_due_at(self, *, after: float) -> float | None:
        pool = await self._get_pool()
        value: float | None = await pool.fetchval(
            f"SELECT MIN({DUE_AT_SQL}) FROM {self.table} WHERE status = $1 AND {DUE_AT_SQL} > $2",
            _PENDING,
            after,
        )
        return value

    async def get(self, message_id: str) -> InboxEntry | None:
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM {self.table} WHERE message_id = $1", message_id
        )
        return entry_from_row(rows[0]) if rows else None

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        where = "" if status is None else "WHERE status = $2 "
        arguments: list[Any] = [limit]
        if status is not None:
            arguments.append(InboxStatus(status).value)
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM {self.table} {where}"
            "ORDER BY received_at, message_id LIMIT $1",
            *arguments,
        )
        return [entry_from_row(row) for row in rows]

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        moment = time.time() if now is None else now
        sql = (
            f"UPDATE {self.table} SET status = $1, attempts = 0, updated_at = $2, "
            "next_attempt_at = $2, claimed_by = NULL, claimed_until = NULL WHERE status = $3"
        )
        if message_ids is None:
            return await self._execute_count(sql, _PENDING, moment, _FAILED)
        return await self._execute_count(
            sql + " AND message_id = ANY($4::text[])", _PENDING, moment, _FAILED, list(message_ids)
        )

    async def purge(
        self, *, older_than: float, statuses: Sequence[InboxStatus] = (InboxStatus.DONE,)
    ) -> int:
        values = [InboxStatus(status).value for status in statuses]
        if not values:
            return 0
        return await self._execute_count(
            f"DELETE FROM {self.table} WHERE status = ANY($1::text[]) AND updated_at < $2",
            values,
            older_than,
        )
