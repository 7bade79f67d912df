"""A payment journal in PostgreSQL, shared by bulk payment runs on several hosts.

:class:`PostgresJournal` implements :class:`~pandapon_async.journal.Journal` with the same
semantics as :class:`~pandapon_async.journal.SQLiteJournal` (the shared ``plan_*`` functions of
:mod:`pandapon_async.journal` decide claims; outcome writes are monotone in SQL itself), so
several workers may run ``client.bulk.submit_to_pay(ids, journal="postgresql://...")`` over the
same or overlapping ids at once and each order is sent by at most one live worker:

- **Claims** are taken in one transaction that inserts the missing rows (``INSERT ... ON
  CONFLICT DO NOTHING``) and locks every row asked for (``SELECT ... ORDER BY order_id FOR
  UPDATE``: always in key order, so two claimers queue rather than deadlock), then writes the
  claim. Lease times are the database server's clock (``clock_timestamp()``), so the hosts'
  clocks do not matter.
- **Outcomes** are one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE`` whose condition is the
  monotone rule (nothing replaces ``success``; only ``success`` replaces ``pay_fail``;
  ``errored``/``unknown`` never overwrite another live owner's claim), and a trigger refuses any
  update that would take a row out of ``success`` or ``pay_fail`` whatever code issues it.
- **Expired claims** are taken over by the next claimer, which gets the dead run's entry back:
  an entry left ``sending``/``unknown`` is reported as maybe sent, and bulk payment reads the
  order's state before sending it again.

Fail closed: if the database cannot be reached (down, refused login, no such database, a
dropped connection mid-run) the call raises
:class:`~pandapon_async.errors.JournalUnavailableError` saying why, and bulk payment sends
nothing that it has not claimed and recorded an intent for.

The table layout and its migrations are in ``_postgres_sql``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

try:
    import asyncpg
except ImportError as _missing:  # pragma: no cover - the [postgres] extra installs it
    raise ImportError(
        "PostgresJournal needs asyncpg: pip install 'pandapon-async[postgres]'"
    ) from _missing

from .._dsn import is_postgres_dsn, redact_dsn
from .._postgres_pool import check_pool_options, create_pool
from ..errors import JournalUnavailableError
from ._model import (
    DEFAULT_LEASE,
    STATES,
    ClaimResult,
    JournalContext,
    JournalEntry,
    check_lease,
    plan_claim,
)
from ._postgres_sql import (
    DEFAULT_TABLE,
    IDENTIFIER,
    SCHEMA_VERSION,
    VERSION_TABLE,
    Statements,
    schema_steps,
)

__all__ = ["SCHEMA_VERSION", "PostgresJournal"]

_RETRIES = 5  # deadlocks and serialization failures are retried (the transaction did nothing)
_T = TypeVar("_T")

# Errors that mean "the database is not there for us", as opposed to a bug in a statement.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InvalidAuthorizationSpecificationError,
    asyncpg.exceptions.InvalidCatalogNameError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientPrivilegeError,
    asyncpg.exceptions.InternalClientError,  # e.g. a connection terminated mid-statement
)
_RETRYABLE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
)


class PostgresJournal(JournalContext):
    """A :class:`~pandapon_async.journal.Journal` in PostgreSQL (asyncpg; install
    ``pandapon-async[postgres]``), shared by any number of processes on any number of hosts.

    ``dsn`` is a ``postgresql://`` (or ``postgres://``) URL; ``lease`` (seconds) how long a
    claim lasts without renewal, so how long a killed worker keeps its ids from the others
    before they are taken over and read. ``table`` names the journal table (several journals
    in one database; lower-case letters, digits and ``_``). ``max_connections`` bounds the pool
    (each operation holds a connection for one short transaction). ``connect_timeout`` and
    ``command_timeout`` (seconds) bound how long a call waits for an unreachable or stuck
    server before it raises :class:`~pandapon_async.errors.JournalUnavailableError`.

    ``clock`` replaces the database server's clock for lease times (seconds since the epoch,
    like ``time.time``); it is meant for tests of lease expiry, and every process sharing the
    journal must then use the same clock.

    Use it as an async context manager, or call :meth:`open` and :meth:`aclose`; a
    ``submit_to_pay`` given the DSN as ``journal=`` opens and closes its own. See the module
    documentation for the schema version row and the migration story.
    """

    def __init__(
        self,
        dsn: str,
        *,
        lease: float = DEFAULT_LEASE,
        table: str = DEFAULT_TABLE,
        max_connections: int = 4,
        connect_timeout: float = 10.0,
        command_timeout: float = 30.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not is_postgres_dsn(dsn):
            raise ValueError(
                "dsn must be a postgresql:// or postgres:// URL, got "
                f"{redact_dsn(dsn) if isinstance(dsn, str) else type(dsn).__name__!r}"
            )
        if not isinstance(table, str) or not IDENTIFIER.fullmatch(table):
            raise ValueError(
                "table must be a lower-case SQL name (letters, digits, _; at most 48), "
                f"got {table!r}"
            )
        max_connections, connect_timeout, command_timeout = check_pool_options(
            max_connections, connect_timeout, command_timeout, most_connections=100)
        self.lease = check_lease(lease)
        self.table = table
        self.max_connections = max_connections
        self.connect_timeout = connect_timeout
        self.command_timeout = command_timeout
        self.clock = clock
        self._dsn = dsn
        self._where = redact_dsn(dsn)
        self._sql = Statements(table)
        self._pool: Any = None
        self._opening = asyncio.Lock()
        self._closed = False

    @property
    def dsn(self) -> str:
        """The DSN without its password."""
        return self._where

    def _unavailable(self, doing: str, error: BaseException) -> JournalUnavailableError:
        detail = str(error).replace(self._dsn, self._where) or type(error).__name__
        return JournalUnavailableError(
            f"PostgreSQL journal {self._where} unavailable while {doing} "
            f"({type(error).__name__}: {detail}); nothing is sent for an order the journal "
            "has not claimed and recorded"
        )

    async def open(self) -> None:
        """Connect the pool and create or migrate the table; idempotent (every run calls it).
        Raises :class:`~pandapon_async.errors.JournalUnavailableError` if the database cannot
        be used."""
        if self._closed:
            raise RuntimeError("PostgresJournal is closed")
        async with self._opening:
            if self._pool is not None:
                return
            try:
                pool = await create_pool(
                    self._dsn, max_connections=self.max_connections,
                    connect_timeout=self.connect_timeout, command_timeout=self.command_timeout,
                    # Every statement is a key lookup, prepared once per connection. A generic
                    # plan made while the table was small (a sequential scan) would be kept
                    # as it grows to millions of rows until autovacuum analyses it: plan each
                    # execution for the table as it is (microseconds for these statements).
                    server_settings={"plan_cache_mode": "force_custom_plan"},
                )
            except (*_UNAVAILABLE, asyncpg.PostgresError) as error:
                raise self._unavailable("connecting", error) from None
            try:
                async with pool.acquire(timeout=self.connect_timeout) as connection:
                    await self._migrate(connection)
            except BaseException as error:
                await pool.close()
                if isinstance(error, _UNAVAILABLE):
                    raise self._unavailable("creating its table", error) from None
                raise
            self._pool = pool

    async def _migrate(self, connection: Any) -> None:
        steps = schema_steps(self.table)
        async with connection.transaction():
            # One opener at a time per table: concurrent CREATEs would collide.
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtext('pandapon_schema:' || $1))", self.table
            )
            # Created only when missing: a role without CREATE can use a journal that exists.
            if await connection.fetchval(
                "SELECT to_regclass('pandapon_schema_version') IS NULL"
            ):
                await connection.execute(VERSION_TABLE)
            version = await connection.fetchval(
                "SELECT version FROM pandapon_schema_version WHERE component = $1", self.table
            )
            current = 0 if version is None else int(version)
            if current > SCHEMA_VERSION:
                raise JournalUnavailableError(
                    f"PostgreSQL journal {self._where} table {self.table} has schema version "
                    f"{current}, newer than this pandapon-async knows ({SCHEMA_VERSION}): "
                    "upgrade pandapon-async on every worker sharing it; nothing was sent"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                await connection.execute(steps[number])
            if current < SCHEMA_VERSION:
                await connection.execute(
                    "INSERT INTO pandapon_schema_version (component, version) VALUES ($1, $2) "
                    "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, "
                    "updated_at = now()",
                    self.table, SCHEMA_VERSION,
                )

    async def aclose(self) -> None:
        """Close the pool (after the calls in progress)."""
        if self._closed:
            return
        self._closed = True
        async with self._opening:
            pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _with_connection(
        self, doing: str, work: Callable[[Any], Awaitable[_T]], *, transaction: bool = True
    ) -> _T:
        if self._pool is None:
            raise RuntimeError(
                "PostgresJournal is closed" if self._closed else "PostgresJournal is not open"
            )
        for attempt in range(_RETRIES):
            try:
                connection = await self._pool.acquire(timeout=self.connect_timeout)
            except (*_UNAVAILABLE, asyncpg.PostgresError) as error:
                # Any refusal while connecting (including "database is not accepting
                # connections") means the journal is not there for us.
                raise self._unavailable(doing, error) from None
            try:
                if not transaction:
                    return await work(connection)
                async with connection.transaction():
                    return await work(connection)
            except _RETRYABLE:
                # The transaction was rolled back: nothing happened; do it again.
                if attempt == _RETRIES - 1:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))
            except _UNAVAILABLE as error:
                raise self._unavailable(doing, error) from None
            finally:
                await self._release(connection)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _release(self, connection: Any) -> None:
        # A connection the server terminated fails its release too; that second failure must
        # not replace the JournalUnavailableError that says why nothing more is sent.
        with contextlib.suppress(*_UNAVAILABLE):
            await self._pool.release(connection)  # the pool replaces a broken connection

    def _now(self) -> float | None:
        return None if self.clock is None else self.clock()

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        ids = list(dict.fromkeys(order_ids))
        rows = await self._with_connection(
            "loading entries",
            lambda connection: connection.fetch(self._sql.select, ids),
            transaction=False,
        )
        return {row[0]: _entry(row) for row in rows}

    async def entries(self) -> list[JournalEntry]:
        """Every entry, ordered by order id (for inspection and tools)."""
        rows = await self._with_connection(
            "listing entries", lambda connection: connection.fetch(self._sql.select_all),
            transaction=False,
        )
        return [_entry(row) for row in rows]

    async def counts(self) -> dict[str, int]:
        """How many ids are in each state."""
        rows = await self._with_connection(
            "counting entries", lambda connection: connection.fetch(self._sql.counts),
            transaction=False,
        )
        return {row[0]: int(row[1]) for row in rows}

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        ids = list(order_ids)
        keys = sorted(set(ids))
        lease = self.lease

        async def work(connection: Any) -> ClaimResult:
            now = float(await connection.fetchval(self._sql.now, self._now()))
            fresh = {row[0] for row in await connection.fetch(
                self._sql.insert_missing, keys, now
            )}
            before: dict[str, JournalEntry] = {
                row[0]: _entry(row) for row in await connection.fetch(self._sql.lock, keys)
                if row[0] not in fresh
            }
            current = dict(before)
            result = plan_claim(current, ids, owner=owner, now=now, lease=lease)
            await self._write(connection, [
                entry for oid, entry in current.items() if before.get(oid) != entry
            ])
            return result

        return await self._with_connection("claiming orders", work)

    async def _write(self, connection: Any, entries: list[JournalEntry]) -> None:
        if not entries:
            return
        entries.sort(key=lambda entry: entry.order_id)
        await connection.execute(
            self._sql.write_rows,
            [e.order_id for e in entries], [e.state for e in entries],
            [e.reason for e in entries], [e.batch for e in entries],
            [e.attempts for e in entries], [e.updated_at for e in entries],
            [e.owner for e in entries], [e.lease_expires for e in entries],
        )

    async def renew(self, owner: str) -> int:
        status = await self._with_connection(
            "renewing claims",
            lambda connection: connection.execute(
                self._sql.renew, owner, self.lease, self._now()
            ),
        )
        return int(str(status).rsplit(" ", 1)[-1])

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        ids = list(dict.fromkeys(order_ids))
        rows = await self._with_connection(
            "recording intents",
            lambda connection: connection.fetch(
                self._sql.intent, ids, owner, batch, self._now()
            ),
        )
        recorded = {row[0] for row in rows}
        return [oid for oid in ids if oid in recorded]

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        for entry in entries:
            if entry.state not in STATES:
                raise ValueError(f"unknown journal state {entry.state!r}")
        # One upsert may not touch a row twice: the n-th outcome given for an id goes in the
        # n-th statement, so several outcomes for one id apply in order, as in plan_outcomes.
        rounds: list[list[JournalEntry]] = []
        seen: dict[str, int] = {}
        for entry in entries:
            number = seen.get(entry.order_id, 0)
            seen[entry.order_id] = number + 1
            if number == len(rounds):
                rounds.append([])
            rounds[number].append(entry)
        if not rounds:
            return

        async def work(connection: Any) -> None:
            now = self._now()
            for part in rounds:
                part.sort(key=lambda entry: entry.order_id)
                await connection.execute(
                    self._sql.outcomes,
                    [e.order_id for e in part], [e.state for e in part],
                    [e.reason for e in part], [e.batch for e in part],
                    [e.attempts for e in part], owner, now,
                )

        await self._with_connection("recording outcomes", work)

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        ids = sorted(set(order_ids))
        await self._with_connection(
            "releasing claims",
            lambda connection: connection.execute(self._sql.release, ids, owner),
        )

    def __repr__(self) -> str:
        return f"PostgresJournal({self._where!r}, lease={self.lease!r}, table={self.table!r})"


def _entry(row: Any) -> JournalEntry:
    state = row[1]
    if state not in STATES:
        raise ValueError(f"journal has an unknown state {state!r} for order {row[0]}")
    return JournalEntry(
        row[0], state, row[2], row[3], int(row[4]), float(row[5]), row[6],
        None if row[7] is None else float(row[7]),
    )
