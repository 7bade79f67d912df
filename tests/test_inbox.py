"""The CallbackInbox contract, run over every store: memory, SQLite and PostgreSQL (real).

Two inbox objects on one store stand for two receiver replicas: a message is recorded once
however many receive it, and a claim hands it to one of them until its lease ends.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from _services import postgres_dsn

from pandapon_async.callbacks import (
    CallbackInbox,
    CallbackReceiver,
    InboxStatus,
    MemoryInbox,
    PostgresInbox,
    SQLiteInbox,
)

STORES = ["memory", "sqlite", "postgres"]
T0 = 1_000_000.0


@pytest.fixture(params=STORES)
async def open_replica(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Callable[[], CallbackInbox]]:
    """Opens another inbox object on this test's store (one per replica)."""
    opened: list[CallbackInbox] = []
    if request.param == "postgres":
        # An async fixture cannot ask for another one by name: enter postgres_dsn by hand.
        databases = postgres_dsn.__wrapped__()  # type: ignore[attr-defined]
        dsn = await databases.__anext__()
    shared = MemoryInbox()

    def open_one() -> CallbackInbox:
        inbox: CallbackInbox
        if request.param == "memory":
            inbox = shared
        elif request.param == "sqlite":
            inbox = SQLiteInbox(tmp_path / "inbox.sqlite3")
        else:
            inbox = PostgresInbox(dsn)
        opened.append(inbox)
        return inbox

    yield open_one
    for inbox in opened:
        await inbox.close()
    if request.param == "postgres":
        await databases.aclose()


async def record(
    inbox: CallbackInbox, message_id: str, now: float = T0, timestamp_ms: int | None = 1
) -> bool:
    return await inbox.record(
        message_id=message_id,
        message_type="ORDER_CREATE",
        platform=1,
        timestamp_ms=timestamp_ms,
        body=b'{"messageType": "ORDER_CREATE"}',
        now=now,
    )


async def test_a_message_is_recorded_once_whichever_replica_receives_it(
    open_replica: Callable[[], CallbackInbox],
) -> None:
    first, second = open_replica(), open_replica()
    assert await record(first, "m") is True
    assert await record(second, "m") is False
    assert await record(first, "m") is False
    [entry] = await second.entries()
    assert (entry.message_id, entry.deliveries, entry.status) == ("m", 3, InboxStatus.PENDING)


async def test_a_message_without_timestamp_is_stored(
    open_replica: Callable[[], CallbackInbox],
) -> None:
    inbox = open_replica()
    await record(inbox, "no-time", timestamp_ms=None)
    entry = await inbox.get("no-time")
    assert entry is not None and entry.timestamp is None


async def test_concurrent_claims_hand_each_message_to_one_replica(
    open_replica: Callable[[], CallbackInbox],
) -> None:
    replicas = [open_replica() for _ in range(3)]
    for number in range(60):
        await record(replicas[number % 3], f"m{number:02}")

    async def claim_all(inbox: CallbackInbox, owner: str) -> list[str]:
        taken: list[str] = []
        while batch := await inbox.claim(owner=owner, now=T0 + 1, lease=30.0, limit=7):
            taken += [entry.message_id for entry in batch]
            await asyncio.sleep(0)
        return taken

    results = await asyncio.gather(
        *(claim_all(inbox, f"replica-{n}") for n, inbox in enumerate(replicas))
    )
    claimed = [message_id for taken in results for message_id in taken]
    assert sorted(claimed) == [f"m{number:02}" for number in range(60)]  # each exactly once
    entries = await replicas[0].entries()
    assert {entry.attempts for entry in entries} == {1}
    assert all(entry.claimed_by is not None for entry in entries)


async def test_an_expired_lease_lets_another_replica_take_the_message_over(
    open_replica: Callable[[], CallbackInbox],
) -> None:
    dead, alive = open_replica(), open_replica()
    await record(dead, "m")
    [entry] = await dead.claim(owner="dead", now=T0, lease=30.0, limit=5)
    assert entry.attempts == 1
    assert await alive.claim(owner="alive", now=T0 + 29.0, lease=30.0, limit=5) == []
    assert await alive.due(T0 + 29.0, 5) == []
    assert await alive.next_due_at(after=T0 + 29.0) == T0 + 30.0

    [taken] = await alive.claim(owner="alive", now=T0 + 30.5, lease=30.0, limit=5)
    assert (taken.message_id, taken.attempts, taken.claimed_by) == ("m", 2, "alive")
    # The first owner came back: its claim is gone, so it cannot reschedule or fail it ...
    assert not await dead.renew("m", owner="dead", now=T0 + 31.0, lease=30.0)
    assert not await dead.mark_retry(
        "m", owner="dead", error="late", next_attempt_at=T0 + 40.0, now=T0 + 31.0
    )
    assert not await dead.mark_failed("m", owner="dead", error="late", now=T0 + 31.0)
    # ... but a handler that completed is recorded as done, by whoever, and done is final.
    assert await alive.renew("m", owner="alive", now=T0 + 32.0, lease=30.0)
    assert await dead.mark_done("m", owner="dead", now=T0 + 33.0)
    assert not await alive.mark_done("m", owner="alive", now=T0 + 34.0)
    final = await alive.get("m")
    assert final is not None
    assert (final.status, final.attempts, final.claimed_by) == (InboxStatus.DONE, 2, None)


async def test_release_gives_a_claim_back_at_once(
    open_replica: Callable[[], CallbackInbox],
) -> None:
    first, second = open_replica(), open_replica()
    await record(first, "m")
    await first.claim(owner="first", now=T0, lease=30.0, limit=1)
    assert await second.release(["m"], owner="second", now=T0 + 1) == 0  # not its claim
    assert await first.release(["m"], owner="first", now=T0 + 1) == 1
    [entry] = await second.claim(owner="second", now=T0 + 1, lease=30.0, limit=1)
    assert (entry.message_id, entry.attempts) == ("m", 2)


async def test_retry_failed_requeue_and_purge(open_replica: Callable[[], CallbackInbox]) -> None:
    inbox = open_replica()
    await record(inbox, "a")
    await record(inbox, "b", now=T0 + 1)
    claimed = await inbox.claim(owner="r", now=T0 + 2, lease=30.0, limit=2)
    assert [entry.message_id for entry in claimed] == ["a", "b"]
    assert await inbox.mark_retry(
        "a", owner="r", error="boom", next_attempt_at=T0 + 60, now=T0 + 3
    )
    assert await inbox.mark_failed("b", owner="r", error="bad", now=T0 + 3)
    assert await inbox.claim(owner="r", now=T0 + 59, lease=30.0, limit=5) == []
    assert await inbox.next_due_at(after=T0 + 3) == T0 + 60
    [failed] = await inbox.list_failed()
    assert (failed.message_id, failed.attempts, failed.last_error) == ("b", 1, "bad")
    assert await inbox.requeue_failed(now=T0 + 4) == 1
    assert {entry.message_id for entry in await inbox.due(T0 + 4, 5)} == {"b"}
    again = await inbox.claim(owner="r", now=T0 + 60, lease=30.0, limit=5)
    assert [(entry.message_id, entry.attempts) for entry in again] == [("b", 1), ("a", 2)]
    assert await inbox.mark_done("a", owner="r", now=T0 + 61)
    assert await inbox.purge(older_than=T0 + 62) == 1
    assert [entry.message_id for entry in await inbox.entries()] == ["b"]


@pytest.mark.parametrize("arguments", [{"owner": ""}, {"lease": 0}, {"limit": -1}])
async def test_bad_claim_arguments_are_refused(
    open_replica: Callable[[], CallbackInbox], arguments: dict[str, object]
) -> None:
    values: dict[str, object] = {"owner": "r", "now": T0, "lease": 1.0, "limit": 1} | arguments
    with pytest.raises(ValueError, match=next(iter(arguments))):
        await open_replica().claim(**values)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- SQLite only


def test_sqlite_file_of_version_0_1_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE callback_inbox (
                message_id TEXT PRIMARY KEY, message_type TEXT NOT NULL, platform INTEGER,
                timestamp_ms INTEGER NOT NULL, body BLOB NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, deliveries INTEGER NOT NULL DEFAULT 1,
                last_error TEXT, received_at REAL NOT NULL, updated_at REAL NOT NULL,
                next_attempt_at REAL);
            INSERT INTO callback_inbox VALUES
                ('old', 'ORDER_CREATE', 1, 1700000000000, X'7B7D', 'pending', 2, 1, 'boom',
                 1000.0, 1000.0, 1000.0);
            """
        )
    connection.close()

    async def use() -> None:
        async with SQLiteInbox(path) as inbox:
            [entry] = await inbox.claim(owner="r", now=T0, lease=30.0, limit=5)
            assert (entry.message_id, entry.attempts, entry.last_error) == ("old", 3, "boom")
            await record(inbox, "new", timestamp_ms=None)
        async with SQLiteInbox(path) as reopened:  # migrated once; reopening changes nothing
            assert [e.message_id for e in await reopened.entries()] == ["old", "new"]

    asyncio.run(use())


async def test_sqlite_replicas_opening_a_new_file_at_once_all_record(tmp_path: Path) -> None:
    """Opening a new file races on switching it to WAL mode (SQLite says "locked" at once);
    no delivery may fail for it: a failed record would be a 503 for a genuine message."""
    for round_number in range(60):
        path = tmp_path / f"new-{round_number}.sqlite3"
        replicas = [SQLiteInbox(path) for _ in range(2)]
        try:
            results = await asyncio.gather(
                *(record(inbox, f"m{n}") for n in range(16) for inbox in replicas)
            )
        finally:
            for inbox in replicas:
                await inbox.close()
        assert sorted(results) == [False] * 16 + [True] * 16


# ------------------------------------------------------------------------- PostgreSQL only


async def test_postgres_table_is_created_on_first_use_by_replicas_starting_together(
    postgres_dsn: str,
) -> None:
    replicas = [PostgresInbox(postgres_dsn) for _ in range(4)]
    try:
        results = await asyncio.gather(*(record(inbox, "m") for inbox in replicas))
        assert sorted(results) == [False, False, False, True]
    finally:
        for inbox in replicas:
            await inbox.close()


async def test_postgres_inbox_in_a_table_of_ones_choosing_and_its_ddl(postgres_dsn: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(postgres_dsn)
    try:
        await connection.execute("CREATE SCHEMA ops")
        await connection.execute(PostgresInbox.schema_sql("ops.callbacks"))
    finally:
        await connection.close()
    async with PostgresInbox(postgres_dsn, table="ops.callbacks", create_table=False) as inbox:
        assert await record(inbox, "m") is True
        assert [entry.message_id for entry in await inbox.entries()] == ["m"]
    with pytest.raises(ValueError, match="table"):
        PostgresInbox(postgres_dsn, table="x; DROP TABLE y")


async def test_unreachable_postgres_is_a_503_never_a_200() -> None:
    """Rule 6: a message the inbox could not record is not acknowledged, so the platform
    delivers it again instead of it being lost."""
    inbox = PostgresInbox(
        "postgresql://postgres:hunter2@127.0.0.1:1/postgres", connect_timeout=2.0
    )
    assert "hunter2" not in repr(inbox)

    async def handler(message: object) -> None:
        raise AssertionError("never handled")

    receiver = CallbackReceiver("secret", handler, inbox=inbox, timestamp_tolerance=None)
    body = b'{"messageType": "ORDER_CREATE", "messageBody": {"orderId": "1"}}'
    from pandapon_async import compute_callback_signature

    result = await receiver.receive(
        body,
        authorization=compute_callback_signature(body, "secret"),
        content_type="application/json",
    )
    assert result.status == 503
    await inbox.close()


def test_missing_asyncpg_fails_at_construction_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    with pytest.raises(ImportError, match=r"pandapon-async\[postgres\]"):
        PostgresInbox("postgresql://127.0.0.1/x")


def test_importing_the_package_does_not_import_asyncpg() -> None:
    import subprocess

    code = "import sys, pandapon_async, pandapon_async.callbacks; print('asyncpg' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"
