"""A durable record of bulk payment intents and outcomes, so a crashed run resumes safely.

``client.bulk.submit_to_pay(ids, journal=...)`` writes, for each chunk, the *intent* (state
``sending``) and waits until it is committed before the chunk is sent; it writes the *outcome*
once it is known. Run it again with the same journal after a crash and it:

- reports ids already settled (``success``, ``pay_fail``) from the journal without sending;
- reads the state of every id left ``sending`` or ``unknown`` before resubmitting any;
- sends the rest (never recorded, or ``errored``: not paid, safe to retry).

:class:`SQLiteJournal` is the default store; anything that implements :class:`Journal`
(Redis, Postgres, …) plugs in. One run at a time per journal.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Literal, Protocol, Self, TypeVar, runtime_checkable

import attrs

from ._sqlite import SQLiteWorker, Synchronous, check_synchronous

__all__ = [
    "SETTLED_STATES",
    "Journal",
    "JournalEntry",
    "JournalState",
    "MemoryJournal",
    "SQLiteJournal",
]

JournalState = Literal["sending", "success", "pay_fail", "errored", "unknown"]
"""``sending``: intent recorded, outcome not yet known (the request may have gone out).
``success``/``pay_fail``: the platform's answer, final. ``errored``: not paid, safe to retry.
``unknown``: the outcome could not be established; the next run reads the order first."""

SETTLED_STATES: frozenset[str] = frozenset({"success", "pay_fail"})
_STATES = frozenset({"sending", "success", "pay_fail", "errored", "unknown"})

_T = TypeVar("_T")


@attrs.frozen
class JournalEntry:
    """The journal's latest word on one order id. ``attempts`` counts recorded sends."""

    order_id: str
    state: JournalState
    reason: str | None = None
    batch: str | None = None
    attempts: int = 0
    updated_at: float = 0.0

    @property
    def settled(self) -> bool:
        return self.state in SETTLED_STATES


@runtime_checkable
class Journal(Protocol):
    """What ``submit_to_pay`` needs of a journal.

    ``record_intent`` must return only once the intent is durable: the chunk is sent right
    after. Writes for one chunk arrive in one call, so an implementation can batch them.
    """

    async def open(self) -> None:
        """Make the journal ready; called by every run, so it must be idempotent."""
        ...

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        """Entries of those ids that have one."""
        ...

    async def record_intent(self, order_ids: Sequence[str], *, batch: str) -> None:
        """Mark the ids ``sending`` (and count an attempt) before they are sent."""
        ...

    async def record_outcomes(self, entries: Sequence[JournalEntry]) -> None:
        """Store the outcome of ids once established."""
        ...


class MemoryJournal:
    """A :class:`Journal` kept in a dict: for tests, and as the protocol's reference."""

    def __init__(self) -> None:
        self.entries: dict[str, JournalEntry] = {}

    async def open(self) -> None:
        return None

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        return {oid: self.entries[oid] for oid in order_ids if oid in self.entries}

    async def record_intent(self, order_ids: Sequence[str], *, batch: str) -> None:
        now = time.time()
        for oid in order_ids:
            previous = self.entries.get(oid)
            attempts = previous.attempts + 1 if previous is not None else 1
            self.entries[oid] = JournalEntry(oid, "sending", None, batch, attempts, now)

    async def record_outcomes(self, entries: Sequence[JournalEntry]) -> None:
        now = time.time()
        for entry in entries:
            previous = self.entries.get(entry.order_id)
            self.entries[entry.order_id] = attrs.evolve(
                entry,
                batch=entry.batch or (previous.batch if previous else None),
                attempts=previous.attempts if previous else entry.attempts,
                updated_at=now,
            )


_SCHEMA = """
CREATE TABLE IF NOT EXISTS pay_journal (
    order_id   TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    reason     TEXT,
    batch      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL
) WITHOUT ROWID;
"""
# Intents and outcomes are the same upsert: a row (order_id, state, reason, batch); a `sending`
# row counts an attempt, a row without a batch keeps the one recorded.
_UPSERT = """
ON CONFLICT (order_id) DO UPDATE SET
    state = excluded.state, reason = excluded.reason,
    batch = COALESCE(excluded.batch, pay_journal.batch),
    attempts = pay_journal.attempts + (excluded.state = 'sending'),
    updated_at = excluded.updated_at
"""
# Everything queued while the previous commit ran goes in ONE statement, its rows as one JSON
# array (SQLite's json_each), committed on its own. Each SQLite call releases the GIL and must
# take it back, which can wait up to the 5 ms switch interval while the event loop's thread is
# busy: row-by-row executemany inside BEGIN/COMMIT cost 15-30 ms per commit under load.
_WRITE_JSON_SQL = (
    "INSERT INTO pay_journal (order_id, state, reason, batch, attempts, updated_at) "
    "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), json_extract(value, '$[3]'), "
    "json_extract(value, '$[1]') = 'sending', ? "
    "FROM json_each(?) WHERE true" + _UPSERT
)
# Fallback for an SQLite built without JSON functions.
_WRITE_ROW_SQL = (
    "INSERT INTO pay_journal (order_id, state, reason, batch, attempts, updated_at) "
    "VALUES (?, ?, ?, ?, ? = 'sending', ?)" + _UPSERT
)
_SELECT_SQL = "SELECT order_id, state, reason, batch, attempts, updated_at FROM pay_journal"
_LOAD_CHUNK = 500  # well under SQLite's bound-parameter limit

_Row = tuple[str, str, str | None, str | None]


class SQLiteJournal:
    """A :class:`Journal` in one SQLite file (stdlib ``sqlite3``), safe against process crashes.

    All SQLite work runs on one dedicated thread that owns the connection, never on the event
    loop. The database is in WAL mode, so readers (``pandapon`` tools, a monitoring script)
    can look while a run writes. Writes from concurrent chunks are *group-committed*: while
    one transaction commits, the next ones queue and go together in the following one, so a
    100,000-id run costs a few hundred commits rather than one per chunk.

    ``synchronous="FULL"`` (the default) fsyncs the WAL at every commit: an intent that
    ``record_intent`` acknowledged survives a power cut or an OS crash, and the chunk is only
    sent after that acknowledgement. ``"NORMAL"`` survives a crash of the process (what the
    kill test exercises) but an OS crash may lose the last commits; the platform refuses to
    pay an order twice, so such a loss shows up as a ``pay_fail`` ("state does not allow
    payment") on the next run rather than a double payment. Choose it for speed on disks
    where fsync is slow.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = 30.0,
    ) -> None:
        self.synchronous = check_synchronous(synchronous)
        self._worker = SQLiteWorker(
            path,
            schema=_SCHEMA,
            synchronous=synchronous,
            busy_timeout=busy_timeout,
            thread_name="pandapon-journal",
            autocommit=True,
            on_connect=self._check_json_support,
        )
        self.path = self._worker.path
        self._pending: list[tuple[list[_Row], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self._has_json = True
        self.commits = 0

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _check_json_support(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("SELECT count(*) FROM json_each('[]')")
        except sqlite3.OperationalError:
            self._has_json = False

    async def _run(self, func: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._closed or not self._worker.started:
            raise RuntimeError("SQLiteJournal is not open")
        return await self._worker.run(func)

    async def open(self) -> None:
        if self._closed:
            raise RuntimeError("SQLiteJournal is closed")
        await self._worker.run(lambda connection: None)

    async def aclose(self) -> None:
        """Wait for queued writes, then close the connection and its thread."""
        if self._closed:
            return
        self._closed = True
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        await self._worker.close()

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        ids = list(order_ids)

        def select(connection: sqlite3.Connection) -> dict[str, JournalEntry]:
            found: dict[str, JournalEntry] = {}
            for start in range(0, len(ids), _LOAD_CHUNK):
                part = ids[start : start + _LOAD_CHUNK]
                marks = ",".join("?" * len(part))
                rows = connection.execute(f"{_SELECT_SQL} WHERE order_id IN ({marks})", part)
                for row in rows:
                    found[row[0]] = _entry(row)
            return found

        return await self._run(select)

    async def entries(self) -> list[JournalEntry]:
        """Every entry, ordered by order id (for inspection and tools)."""
        return await self._run(
            lambda connection: [
                _entry(row) for row in connection.execute(f"{_SELECT_SQL} ORDER BY order_id")
            ]
        )

    async def counts(self) -> dict[str, int]:
        """How many ids are in each state."""
        return await self._run(
            lambda connection: dict(
                connection.execute("SELECT state, COUNT(*) FROM pay_journal GROUP BY state")
            )
        )

    async def record_intent(self, order_ids: Sequence[str], *, batch: str) -> None:
        await self._write([(oid, "sending", None, batch) for oid in order_ids])

    async def record_outcomes(self, entries: Sequence[JournalEntry]) -> None:
        rows: list[_Row] = []
        for entry in entries:
            if entry.state not in _STATES:
                raise ValueError(f"unknown journal state {entry.state!r}")
            rows.append((entry.order_id, entry.state, entry.reason, entry.batch))
        await self._write(rows)

    async def _write(self, rows: list[_Row]) -> None:
        if self._closed or not self._worker.started:
            raise RuntimeError("SQLiteJournal is not open")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((rows, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a caller cancelled while waiting does not abort the commit it joined.
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                rows = [row for queued, _ in batch for row in queued]
                await self._run(functools.partial(self._commit, rows=rows))
            except BaseException as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(
                            error if isinstance(error, Exception)
                            else RuntimeError("journal write interrupted")
                        )
                if not isinstance(error, Exception):
                    raise
            else:
                self.commits += 1
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    def _commit(self, connection: sqlite3.Connection, *, rows: list[_Row]) -> None:
        now = time.time()
        if self._has_json:
            # Autocommit mode: the one statement is its own transaction.
            connection.execute(_WRITE_JSON_SQL, (now, json.dumps(rows, ensure_ascii=False)))
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                _WRITE_ROW_SQL, [(*row, row[1], now) for row in rows]
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def __repr__(self) -> str:
        return f"SQLiteJournal({self.path!r}, synchronous={self.synchronous!r})"


def _entry(row: tuple[str, str, str | None, str | None, int, float]) -> JournalEntry:
    state = row[1]
    if state not in _STATES:
        raise ValueError(f"journal has an unknown state {state!r} for order {row[0]}")
    return JournalEntry(row[0], state, row[2], row[3], row[4], row[5])  # type: ignore[arg-type]
