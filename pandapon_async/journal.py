"""A durable record of bulk payment claims, intents and outcomes: resumable, shareable runs.

``client.bulk.submit_to_pay(ids, journal=...)`` uses a journal for three things:

1. **Claims.** Before a chunk is sent, its ids are *claimed* by the run (an ``owner`` string
   unique to the run) for ``journal.lease`` seconds, renewed while the run lives. An id
   claimed by another live run is not sent: this run waits for that run's outcome. A claim
   whose lease expired (its run died or hung) is taken over, and if the dead run may have
   sent the id (state ``sending`` or ``unknown``), its order state is read first: never a
   blind resend.
2. **Intent.** The state ``sending`` is written, and committed, before the request goes out.
3. **Outcomes.** Once known; writes are *monotone*: ``success`` is final and is never
   overwritten; ``pay_fail`` can only become ``success`` (a later read found the order paid).

Run it again with the same journal after a crash and it reports settled ids from the journal
without sending, reads the state of every id left ``sending``/``unknown`` before any
resubmission, and sends the rest (never recorded, ``claimed`` but not sent, or ``errored``).

:class:`MemoryJournal` (one process; tests) and :class:`SQLiteJournal` (one host, any number of
processes sharing the file) implement :class:`Journal`; a PostgreSQL journal with the same
semantics serves several hosts.
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
    "DEFAULT_LEASE",
    "FINAL_STATES",
    "SETTLED_STATES",
    "STATES",
    "ClaimResult",
    "Journal",
    "JournalEntry",
    "JournalState",
    "MemoryJournal",
    "SQLiteJournal",
    "check_lease",
    "merge_outcome",
    "plan_claim",
    "plan_intent",
    "plan_outcomes",
    "plan_release",
]

JournalState = Literal["claimed", "sending", "success", "pay_fail", "errored", "unknown"]
"""``claimed``: a run holds the id and has sent nothing yet (safe to send once the claim is
free). ``sending``: intent recorded, outcome not yet known (the request may have gone out).
``success``/``pay_fail``: the platform's answer, settled. ``errored``: not paid, safe to retry.
``unknown``: the outcome could not be established; the next run reads the order first."""

SETTLED_STATES: frozenset[str] = frozenset({"success", "pay_fail"})
"""States a run reports from the journal without sending."""
FINAL_STATES: frozenset[str] = frozenset({"success"})
"""States nothing overwrites."""
STATES: frozenset[str] = frozenset(
    {"claimed", "sending", "success", "pay_fail", "errored", "unknown"}
)
DEFAULT_LEASE = 30.0

_T = TypeVar("_T")


def check_lease(lease: object) -> float:
    if isinstance(lease, bool) or not isinstance(lease, int | float) or not 0 < lease < 86_400:
        raise ValueError(f"lease must be a number of seconds above 0 (below a day), got {lease!r}")
    return float(lease)


@attrs.frozen
class JournalEntry:
    """The journal's latest word on one order id.

    ``attempts`` counts recorded intents (sends). ``owner`` is the run holding the id's claim
    and ``lease_expires`` when that claim lapses (seconds since the epoch, on the journal's
    clock: the database server's for a shared journal); both ``None`` when nobody holds it.
    """

    order_id: str
    state: JournalState
    reason: str | None = None
    batch: str | None = None
    attempts: int = 0
    updated_at: float = 0.0
    owner: str | None = None
    lease_expires: float | None = None

    @property
    def settled(self) -> bool:
        return self.state in SETTLED_STATES

    @property
    def maybe_sent(self) -> bool:
        """A request for it may have reached the platform without a known outcome: read the
        order before sending it again."""
        return self.state in ("sending", "unknown")

    def held_by_another(self, owner: str, now: float) -> bool:
        """Claimed by a different run whose lease has not expired at ``now``."""
        return (
            self.owner is not None
            and self.owner != owner
            and self.lease_expires is not None
            and self.lease_expires > now
        )


def merge_outcome(previous: str | None, new: str) -> bool:
    """Whether an outcome ``new`` may replace a recorded state ``previous`` (monotone states):
    nothing replaces ``success``; only ``success`` replaces ``pay_fail``."""
    if previous is None:
        return True
    if previous in FINAL_STATES:
        return False
    if previous == "pay_fail":
        return new == "success"
    return True


@attrs.frozen
class ClaimResult:
    """What :meth:`Journal.claim` did with each id asked for (each id in exactly one field).

    - ``claimed``: now held by the caller; the value is the entry *before* the claim (``None``
      for an id never recorded). A previous entry that :attr:`~JournalEntry.maybe_sent` means
      an earlier run may have sent it: read the order before sending.
    - ``settled``: a settled outcome is recorded (not claimed): report it, send nothing.
    - ``held``: claimed by another run whose lease is alive: do not send; ask again later.
    """

    claimed: Mapping[str, JournalEntry | None] = attrs.field(factory=dict)
    settled: Mapping[str, JournalEntry] = attrs.field(factory=dict)
    held: Mapping[str, JournalEntry] = attrs.field(factory=dict)


@runtime_checkable
class Journal(Protocol):
    """What ``submit_to_pay`` needs of a journal. Every method is atomic per call, and every
    write returns only once it is durable (the request is sent right after ``record_intent``).

    Time (lease expiry) is the journal's own clock: the database server's for a journal shared
    by several hosts. ``owner`` strings are unique per run (``submit_to_pay`` makes one).

    ``claim(ids, owner=o)``, for each id, atomically:
      a settled entry -> ``settled`` (unchanged); an entry held by another owner whose
      ``lease_expires`` is later than now -> ``held`` (unchanged); anything else (no entry, an
      unsettled entry with no owner, an expired claim, or o's own claim) -> ``claimed``: owner
      o, ``lease_expires = now + lease``, state unchanged (a new entry gets ``claimed``).
    ``renew(o)``: every claim o holds gets ``lease_expires = now + lease``; returns how many.
    ``record_intent(ids, owner=o, batch=b)``: for ids still held by o (not settled, o is the
      owner; its own lapsed claim nobody took over counts): state ``sending``, ``attempts + 1``,
      batch b. Returns those ids, in order; the caller sends ONLY them (the others were taken
      over by another run, or settled: ask ``claim`` again).
    ``record_outcomes(entries, owner=o)``: monotone (see :func:`merge_outcome`): nothing
      replaces ``success``, only ``success`` replaces ``pay_fail``. ``errored``/``unknown``
      are written only when no other live owner holds the id (if one does, its word wins);
      ``success``/``pay_fail`` are facts about the platform and are written whoever holds the
      claim. A written outcome releases the claim (owner and lease cleared); ``batch`` and
      ``attempts`` are kept.
    ``release(ids, owner=o)``: clear o's claims on ids without changing their state (a run
      that stops before sending them).
    ``load(ids)``: the entries of those ids that have one (claims included).
    """

    lease: float
    """Seconds a claim lasts without renewal. ``submit_to_pay`` renews every ``lease / 3``."""

    async def open(self) -> None:
        """Make the journal ready (create tables); called by every run, so idempotent."""
        ...

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        ...

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        ...

    async def renew(self, owner: str) -> int:
        ...

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        ...

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        ...

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        ...


def plan_claim(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str, now: float,
    lease: float,
) -> ClaimResult:
    """:meth:`Journal.claim` on ``current`` (the entries of ``order_ids`` that exist, read
    inside the caller's transaction), which it updates in place. Shared by the journals so
    that they cannot differ in semantics."""
    claimed: dict[str, JournalEntry | None] = {}
    settled: dict[str, JournalEntry] = {}
    held: dict[str, JournalEntry] = {}
    for oid in order_ids:
        if oid in claimed or oid in settled or oid in held:
            continue
        entry = current.get(oid)
        if entry is not None and entry.settled:
            settled[oid] = entry
        elif entry is not None and entry.held_by_another(owner, now):
            held[oid] = entry
        else:
            claimed[oid] = entry
            base = entry if entry is not None else JournalEntry(oid, "claimed")
            current[oid] = attrs.evolve(
                base, owner=owner, lease_expires=now + lease, updated_at=now
            )
    return ClaimResult(claimed, settled, held)


def plan_intent(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str, batch: str,
    now: float,
) -> list[str]:
    """:meth:`Journal.record_intent` on ``current``; returns the ids recorded."""
    recorded: list[str] = []
    seen: set[str] = set()
    for oid in order_ids:
        if oid in seen:
            continue
        seen.add(oid)
        entry = current.get(oid)
        if entry is None or entry.settled or entry.owner != owner:
            continue
        current[oid] = attrs.evolve(
            entry, state="sending", reason=None, batch=batch, attempts=entry.attempts + 1,
            updated_at=now,
        )
        recorded.append(oid)
    return recorded


def plan_outcomes(
    current: dict[str, JournalEntry], entries: Sequence[JournalEntry], *, owner: str,
    now: float,
) -> None:
    """:meth:`Journal.record_outcomes` on ``current``."""
    for entry in entries:
        if entry.state not in STATES:
            raise ValueError(f"unknown journal state {entry.state!r}")
    for entry in entries:
        previous = current.get(entry.order_id)
        if previous is None:
            current[entry.order_id] = attrs.evolve(
                entry, owner=None, lease_expires=None, updated_at=now
            )
            continue
        if not merge_outcome(previous.state, entry.state):
            continue
        if entry.state not in SETTLED_STATES and previous.held_by_another(owner, now):
            continue
        current[entry.order_id] = attrs.evolve(
            previous, state=entry.state, reason=entry.reason,
            batch=entry.batch or previous.batch, owner=None, lease_expires=None,
            updated_at=now,
        )


def plan_release(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str
) -> None:
    """:meth:`Journal.release` on ``current``."""
    for oid in order_ids:
        entry = current.get(oid)
        if entry is not None and entry.owner == owner:
            current[oid] = attrs.evolve(entry, owner=None, lease_expires=None)


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


class SQLiteJournal:
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
