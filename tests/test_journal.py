"""The payment journal: durable intents and outcomes, WAL, batched commits."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

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
        await journal.claim(["1", "2"], owner="run")
        assert await journal.record_intent(["1", "2"], owner="run", batch="run:1") == ["1", "2"]
        # A separate connection (another process after a crash) sees the intent.
        assert read_rows(path) == {"1": ("sending", None, 1), "2": ("sending", None, 1)}
        await journal.record_outcomes(
            [JournalEntry("1", "success"), JournalEntry("2", "pay_fail", reason="余额不足")],
            owner="run",
        )
        assert read_rows(path) == {"1": ("success", None, 1), "2": ("pay_fail", "余额不足", 1)}


async def test_entries_survive_reopening_and_attempts_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        await journal.claim(["10", "11"], owner="a")
        await journal.record_intent(["10", "11"], owner="a", batch="a:1")
        await journal.record_outcomes([JournalEntry("10", "unknown", reason="no answer")],
                                      owner="a")
        await journal.claim(["10"], owner="a")
        await journal.record_intent(["10"], owner="a", batch="a:1:resubmit")

    async with SQLiteJournal(path, synchronous="NORMAL") as journal:
        loaded = await journal.load(["10", "11", "12"])
        assert set(loaded) == {"10", "11"}
        assert loaded["10"].state == "sending" and loaded["10"].attempts == 2
        assert loaded["10"].batch == "a:1:resubmit"
        assert loaded["11"].state == "sending" and not loaded["11"].settled
        await journal.record_outcomes([JournalEntry("10", "success")], owner="b")
        assert (await journal.load(["10"]))["10"].settled
        assert await journal.counts() == {"success": 1, "sending": 1}
        assert [entry.order_id for entry in await journal.entries()] == ["10", "11"]


async def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "pay.sqlite3"
    async with SQLiteJournal(path) as journal:
        await journal.claim(["1"], owner="b")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_concurrent_writes_are_group_committed(tmp_path: Path) -> None:
    async with SQLiteJournal(tmp_path / "pay.sqlite3") as journal:
        await asyncio.gather(*(
            journal.claim([str(n * 10 + k) for k in range(10)], owner=f"r{n}")
            for n in range(50)
        ))
        assert journal.commits < 50  # writes queued behind a commit share the next one
        assert (await journal.counts()) == {"claimed": 500}


async def test_load_handles_many_ids(tmp_path: Path) -> None:
    ids = [str(10**18 + n) for n in range(2_000)]
    async with SQLiteJournal(tmp_path / "pay.sqlite3") as journal:
        await journal.claim(ids, owner="big")
        assert len(await journal.record_intent(ids, owner="big", batch="big")) == 2_000
        await journal.record_outcomes([JournalEntry(oid, "success") for oid in ids[::2]],
                                      owner="big")
        loaded = await journal.load([*ids, "999"])
    assert len(loaded) == 2_000
    assert sum(entry.state == "success" for entry in loaded.values()) == 1_000


async def test_misuse_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteJournal(tmp_path / "x", synchronous="OFF")  # type: ignore[arg-type]
    journal = SQLiteJournal(tmp_path / "pay.sqlite3")
    with pytest.raises(RuntimeError, match="not open"):
        await journal.claim(["1"], owner="x")
    await journal.open()
    with pytest.raises(ValueError, match="state"):
        await journal.record_outcomes(
            [JournalEntry("1", "paid")], owner="x"  # type: ignore[arg-type]
        )
    with pytest.raises(ValueError, match="lease"):
        SQLiteJournal(tmp_path / "y", lease=0)
    await journal.aclose()
    await journal.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await journal.open()


async def test_memory_journal_follows_the_protocol() -> None:
    journal = MemoryJournal()
    assert isinstance(journal, Journal)
    assert isinstance(SQLiteJournal(":memory:"), Journal)
    await journal.open()
    await journal.claim(["1", "2"], owner="m")
    await journal.record_intent(["1", "2"], owner="m", batch="m:1")
    await journal.record_outcomes([JournalEntry("1", "success")], owner="m")
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
        await journal.claim(["1", "2"], owner="b")
        await journal.record_intent(["1", "2"], owner="b", batch="b:1")
        await journal.record_outcomes([JournalEntry("1", "success")], owner="b")
        await journal.record_intent(["2"], owner="b", batch="b:1:resubmit")
    assert read_rows(path) == {"1": ("success", None, 1), "2": ("sending", None, 2)}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite"])
async def journals(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Any:
    """Two handles on one journal (two processes sharing an SQLite file are two connections)
    and the clock leases are measured on."""
    if request.param == "memory":
        clock = Clock()
        shared = MemoryJournal(lease=10.0, clock=clock)
        yield shared, shared, clock
        return
    clock = Clock()
    first = SQLiteJournal(tmp_path / "shared.sqlite3", lease=10.0)
    second = SQLiteJournal(tmp_path / "shared.sqlite3", lease=10.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pandapon_async.journal._sqlite.time.time", clock)
        async with first, second:
            yield first, second, clock


async def test_an_id_claimed_by_a_live_run_is_held_and_an_expired_claim_is_taken_over(
    journals: Any,
) -> None:
    """Money rule 2 and 5: an id in flight in another live run is not sent again; a lapsed
    claim is taken over, and the entry before it says the id may have been sent."""
    first, second, clock = journals
    got = await first.claim(["1", "2"], owner="A")
    assert set(got.claimed) == {"1", "2"} and got.claimed["1"] is None
    assert await first.record_intent(["1"], owner="A", batch="A:1") == ["1"]
    other = await second.claim(["1", "2", "3"], owner="B")
    assert set(other.held) == {"1", "2"} and set(other.claimed) == {"3"}
    assert other.held["1"].owner == "A" and other.held["1"].state == "sending"
    # B may not record an intent for an id A holds: it must not send it.
    assert await second.record_intent(["1", "3"], owner="B", batch="B:1") == ["3"]
    clock.now += 5
    assert await first.renew("A") == 2
    clock.now += 8  # 13 s after the claim, 8 s after the renewal: still A's
    assert set((await second.claim(["1"], owner="B")).held) == {"1"}
    clock.now += 3  # A's lease lapsed (A died)
    taken = await second.claim(["1", "2"], owner="B")
    assert set(taken.claimed) == {"1", "2"}
    assert taken.claimed["1"] is not None and taken.claimed["1"].maybe_sent
    assert taken.claimed["2"] is not None and not taken.claimed["2"].maybe_sent
    # A wakes up: its claim is gone, so its intent is refused.
    assert await first.record_intent(["1", "2"], owner="A", batch="A:2") == []
    assert (await first.load(["2"]))["2"].owner == "B"


async def test_success_is_final_and_pay_fail_only_becomes_success(journals: Any) -> None:
    """Money rule 5: journal states are monotone; a loser's refusal never overwrites a
    winner's success."""
    first, second, _ = journals
    await first.claim(["1", "2", "3"], owner="A")
    await first.record_outcomes([JournalEntry("1", "success"),
                                 JournalEntry("2", "pay_fail", reason="no")], owner="A")
    await second.record_outcomes([JournalEntry("1", "pay_fail", reason="已支付"),
                                  JournalEntry("1", "errored", reason="x"),
                                  JournalEntry("2", "unknown", reason="y")], owner="B")
    loaded = await first.load(["1", "2"])
    assert loaded["1"].state == "success" and loaded["2"].state == "pay_fail"
    await second.record_outcomes([JournalEntry("2", "success")], owner="B")
    assert (await first.load(["2"]))["2"].state == "success"
    # Settled ids are never claimed again.
    assert set((await second.claim(["1", "2"], owner="B")).settled) == {"1", "2"}
    # An errored/unknown write from a run that does not hold a live claim is ignored...
    await second.record_outcomes([JournalEntry("3", "errored", reason="z")], owner="B")
    assert (await first.load(["3"]))["3"].state == "claimed"
    # ...and a release frees the claim without changing the state.
    await first.release(["3"], owner="A")
    entry = (await first.load(["3"]))["3"]
    assert entry.owner is None and entry.state == "claimed"


async def test_a_journal_from_version_0_1_gains_the_claim_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE pay_journal (order_id TEXT PRIMARY KEY, state TEXT NOT NULL, "
            "reason TEXT, batch TEXT, attempts INTEGER NOT NULL DEFAULT 0, "
            "updated_at REAL NOT NULL) WITHOUT ROWID"
        )
        connection.execute("INSERT INTO pay_journal VALUES ('7', 'sending', NULL, 'b', 1, 0)")
    async with SQLiteJournal(path) as journal:
        got = await journal.claim(["7"], owner="new")
        assert got.claimed["7"] is not None and got.claimed["7"].maybe_sent
