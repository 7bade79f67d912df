"""The payment journal: durable intents and outcomes, WAL, batched commits."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from pandapon_async.journal import (
    SETTLED_STATES,
    Journal,
    JournalEntry,
    MemoryJournal,
    SQLiteJournal,
)


def read_rows(path: Path) -> dict[str, tuple[str, str | None, int]]:
    """What another process would see in the file right now."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT order_id, state, reason, attempts FROM pay_journal")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}


async def test_intent_is_committed_before_record_intent_returns(tmp_path: Path) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        await journal.record_intent(["1", "2"], batch="run:1")
        # A separate connection (another process after a crash) sees the intent.
        assert read_rows(path) == {"1": ("sending", None, 1), "2": ("sending", None, 1)}
        await journal.record_outcomes(
            [JournalEntry("1", "success"), JournalEntry("2", "pay_fail", reason="余额不足")]
        )
        assert read_rows(path) == {"1": ("success", None, 1), "2": ("pay_fail", "余额不足", 1)}


async def test_entries_survive_reopening_and_attempts_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        await journal.record_intent(["10", "11"], batch="a:1")
        await journal.record_outcomes([JournalEntry("10", "unknown", reason="no answer")])
        await journal.record_intent(["10"], batch="a:1:resubmit")

    async with SQLiteJournal(path, synchronous="NORMAL") as journal:
        loaded = await journal.load(["10", "11", "12"])
        assert set(loaded) == {"10", "11"}
        assert loaded["10"].state == "sending" and loaded["10"].attempts == 2
        assert loaded["10"].batch == "a:1:resubmit"
        assert loaded["11"].state == "sending" and not loaded["11"].settled
        await journal.record_outcomes([JournalEntry("10", "success")])
        assert (await journal.load(["10"]))["10"].settled
        assert await journal.counts() == {"success": 1, "sending": 1}
        assert [entry.order_id for entry in await journal.entries()] == ["10", "11"]


async def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        await journal.record_intent(["1"], batch="b")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_concurrent_writes_are_group_committed(tmp_path: Path) -> None:
    async with SQLiteJournal(tmp_path / "pay.sqlite3") as journal:
        await asyncio.gather(*(
            journal.record_intent([str(n * 10 + k) for k in range(10)], batch=f"r:{n}")
            for n in range(50)
        ))
        assert journal.commits < 50  # writes queued behind a commit share the next one
        assert (await journal.counts()) == {"sending": 500}


async def test_load_handles_many_ids(tmp_path: Path) -> None:
    ids = [str(10**18 + n) for n in range(2_000)]
    async with SQLiteJournal(tmp_path / "pay.sqlite3") as journal:
        await journal.record_intent(ids, batch="big")
        await journal.record_outcomes([JournalEntry(oid, "success") for oid in ids[::2]])
        loaded = await journal.load([*ids, "999"])
    assert len(loaded) == 2_000
    assert sum(entry.state == "success" for entry in loaded.values()) == 1_000


async def test_misuse_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteJournal(tmp_path / "x", synchronous="OFF")  # type: ignore[arg-type]
    journal = SQLiteJournal(tmp_path / "pay.sqlite3")
    with pytest.raises(RuntimeError, match="not open"):
        await journal.record_intent(["1"], batch="x")
    await journal.open()
    with pytest.raises(ValueError, match="state"):
        await journal.record_outcomes([JournalEntry("1", "paid")])  # type: ignore[arg-type]
    await journal.aclose()
    await journal.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await journal.open()


async def test_memory_journal_follows_the_protocol() -> None:
    journal = MemoryJournal()
    assert isinstance(journal, Journal)
    assert isinstance(SQLiteJournal(":memory:"), Journal)
    await journal.open()
    await journal.record_intent(["1", "2"], batch="m:1")
    await journal.record_outcomes([JournalEntry("1", "success")])
    loaded = await journal.load(["1", "2", "3"])
    assert loaded["1"].state == "success" and loaded["1"].attempts == 1
    assert loaded["1"].batch == "m:1"
    assert loaded["2"].state == "sending"
    assert {"success", "pay_fail"} == SETTLED_STATES


async def test_without_sqlite_json_functions_rows_are_written_one_by_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        journal._has_json = False  # as on an SQLite built without JSON1
        await journal.record_intent(["1", "2"], batch="b:1")
        await journal.record_outcomes([JournalEntry("1", "success")])
        await journal.record_intent(["2"], batch="b:1:resubmit")
    assert read_rows(path) == {"1": ("success", None, 1), "2": ("sending", None, 2)}
