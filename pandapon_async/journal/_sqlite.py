"""The SQLite journal: one file, shared safely by the processes of one host."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from .._sqlite import SQLiteWorker, Synchronous, check_synchronous
from ._model import (
    DEFAULT_LEASE,
    STATES,
    ClaimResult,
    JournalContext,
    JournalEntry,
    check_lease,
    plan_claim,
    plan_intent,
    plan_outcomes,
    plan_release,
)

__all__ = ["SQLiteJournal"]

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pay_journal (
    order_id      TEXT PRIMARY KEY,
    state         TEXT NOT NULL,
    reason        TEXT,
    batch         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    REAL NOT NULL,
    owner         TEXT,
    lease_expires REAL
) WITHOUT ROWID;
"""
# Journals written by 0.1 have no claim columns: added on open.
_CLAIM_COLUMNS = (("owner", "TEXT"), ("lease_expires", "REAL"))
_COLUMNS = "order_id, state, reason, batch, attempts, updated_at, owner, lease_expires"
_SELECT_SQL = f"SELECT {_COLUMNS} FROM pay_journal"
# The rows an operation changes go in ONE statement, as one JSON array (SQLite's json_each):
# each SQLite call releases the GIL and must take it back, which can wait up to the 5 ms switch
# interval while the event loop's thread is busy, so row-by-row executemany cost 15-30 ms per
# commit under load.
_PUT_JSON_SQL = (
    f"INSERT OR REPLACE INTO pay_journal ({_COLUMNS}) SELECT "
    + ", ".join(f"json_extract(value, '$[{n}]')" for n in range(8))
    + " FROM json_each(?)"
)
_SELECT_JSON_SQL = f"{_SELECT_SQL} WHERE order_id IN (SELECT value FROM json_each(?))"
# Fallback for an SQLite built without JSON functions.
_PUT_ROW_SQL = f"INSERT OR REPLACE INTO pay_journal ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_LOAD_CHUNK = 500  # well under SQLite's bound-parameter limit

_Operation = Callable[[sqlite3.Connection, float], object]


class SQLiteJournal(JournalContext):
    """A :class:`Journal` in one SQLite file (stdlib ``sqlite3``), safe against process
    crashes and shared safely by several processes on one host.

    All SQLite work runs on one dedicated thread that owns the connection, never on the event
    loop. The database is in WAL mode, so readers (``pandapon`` tools, a monitoring script)
    can look while a run writes. Every operation reads the rows it decides on and writes its
    changes inside one ``BEGIN IMMEDIATE`` transaction, so two processes claiming the same id
    cannot both get it. Operations from concurrent chunks are *group-committed*: while one
    transaction commits, the next ones queue and go together in the following one, so a
    100,000-id run costs a few hundred commits rather than one per chunk.

    ``lease`` (seconds) is how long a claim lasts without renewal: a run killed mid-way keeps
    its ids from other runs for at most that long (a run resumed right after a crash waits
    for the dead run's claims to lapse, then reads the state of what it may have sent).

    ``synchronous="FULL"`` (the default) fsyncs the WAL at every commit: an intent that
    ``record_intent`` acknowledged survives a power cut or an OS crash, and the chunk is only
    sent after that acknowledgement. ``"NORMAL"`` survives a crash of the process (what the
    kill test exercises) but an OS crash may lose the last commits; the platform refuses to
    pay an order twice, and a refusal is read back before it is filed, so such a loss costs a
    read, not a double payment. Choose it for speed on disks where fsync is slow.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lease: float = DEFAULT_LEASE,
        synchronous: Synchronous = "FULL",
        busy_timeout: float = 30.0,
    ) -> None:
        self.synchronous = check_synchronous(synchronous)
        self.lease = check_lease(lease)
        self._worker = SQLiteWorker(
            path,
            schema=_SCHEMA,
            synchronous=synchronous,
            busy_timeout=busy_timeout,
            thread_name="pandapon-journal",
            autocommit=True,
            on_connect=self._prepare,
        )
        self.path = self._worker.path
        self._pending: list[tuple[_Operation, asyncio.Future[object]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._closed = False
        self._has_json = True
        self.commits = 0

    def _prepare(self, connection: sqlite3.Connection) -> None:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(pay_journal)")}
        for name, kind in _CLAIM_COLUMNS:
            if name not in columns:
                try:
                    connection.execute(f"ALTER TABLE pay_journal ADD COLUMN {name} {kind}")
                except sqlite3.OperationalError as error:
                    # Another process added it between our look and our ALTER.
                    if "duplicate column" not in str(error):
                        raise
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
        return await self._run(lambda connection: self._select(connection, ids))

    def _select(
        self, connection: sqlite3.Connection, ids: Sequence[str]
    ) -> dict[str, JournalEntry]:
        found: dict[str, JournalEntry] = {}
        if self._has_json:
            for row in connection.execute(_SELECT_JSON_SQL, (json.dumps(list(ids)),)):
                found[row[0]] = _entry(row)
            return found
        for start in range(0, len(ids), _LOAD_CHUNK):
            part = ids[start : start + _LOAD_CHUNK]
            marks = ",".join("?" * len(part))
            for row in connection.execute(f"{_SELECT_SQL} WHERE order_id IN ({marks})", part):
                found[row[0]] = _entry(row)
        return found

    def _put(
        self, connection: sqlite3.Connection, before: Mapping[str, JournalEntry | None],
        after: Mapping[str, JournalEntry],
    ) -> None:
        rows = [
            (e.order_id, e.state, e.reason, e.batch, e.attempts, e.updated_at, e.owner,
             e.lease_expires)
            for oid, e in after.items() if before.get(oid) != e
        ]
        if not rows:
            return
        if self._has_json:
            connection.execute(_PUT_JSON_SQL, (json.dumps(rows, ensure_ascii=False),))
        else:
            connection.executemany(_PUT_ROW_SQL, rows)

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

    def _plan(
        self, ids: Sequence[str], plan: Callable[[dict[str, JournalEntry], float], _T]
    ) -> _Operation:
        """An operation that reads ``ids``' rows, applies ``plan`` and writes what changed."""

        def operation(connection: sqlite3.Connection, now: float) -> _T:
            before: dict[str, JournalEntry] = self._select(connection, ids)
            current = dict(before)
            result = plan(current, now)
            self._put(connection, before, current)
            return result

        return operation

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        ids, lease = list(order_ids), self.lease
        result = await self._submit(self._plan(ids, lambda current, now: plan_claim(
            current, ids, owner=owner, now=now, lease=lease
        )))
        assert isinstance(result, ClaimResult)
        return result

    async def renew(self, owner: str) -> int:
        lease = self.lease

        def operation(connection: sqlite3.Connection, now: float) -> int:
            cursor = connection.execute(
                "UPDATE pay_journal SET lease_expires = ? WHERE owner = ?", (now + lease, owner)
            )
            return cursor.rowcount

        renewed = await self._submit(operation)
        assert isinstance(renewed, int)
        return renewed

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        ids = list(order_ids)
        recorded = await self._submit(self._plan(ids, lambda current, now: plan_intent(
            current, ids, owner=owner, batch=batch, now=now
        )))
        assert isinstance(recorded, list)
        return recorded

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        for entry in entries:
            if entry.state not in STATES:
                raise ValueError(f"unknown journal state {entry.state!r}")
        items = list(entries)
        await self._submit(self._plan(
            [entry.order_id for entry in items],
            lambda current, now: plan_outcomes(current, items, owner=owner, now=now),
        ))

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        ids = list(order_ids)
        await self._submit(self._plan(
            ids, lambda current, now: plan_release(current, ids, owner=owner)
        ))

    async def _submit(self, operation: _Operation) -> object:
        if self._closed or not self._worker.started:
            raise RuntimeError("SQLiteJournal is not open")
        done: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._pending.append((operation, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a caller cancelled while waiting does not abort the commit it joined.
        return await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                results = await self._run(functools.partial(self._commit, batch=batch))
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
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)

    @staticmethod
    def _commit(
        connection: sqlite3.Connection,
        *,
        batch: list[tuple[_Operation, asyncio.Future[object]]],
    ) -> list[object]:
        # IMMEDIATE takes the write lock before reading: another process's claim cannot slip
        # between our read of a row and our write of it.
        connection.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()
            results = [operation(connection, now) for operation, _ in batch]
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return results

    def __repr__(self) -> str:
        return (
            f"SQLiteJournal({self.path!r}, lease={self.lease!r}, "
            f"synchronous={self.synchronous!r})"
        )


def _entry(
    row: tuple[str, str, str | None, str | None, int, float, str | None, float | None],
) -> JournalEntry:
    state = row[1]
    if state not in STATES:
        raise ValueError(f"journal has an unknown state {state!r} for order {row[0]}")
    return JournalEntry(
        row[0], state, row[2], row[3], row[4], row[5], row[6], row[7]  # type: ignore[arg-type]
    )
