"""The PostgreSQL payment journal against a real PostgreSQL (a fresh database per test).

The contract tests shared with the SQLite and memory journals run here on two PostgresJournal
handles (two processes on two hosts are two pools) with an injected lease clock.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from test_journal import (
    Clock,
    test_an_id_claimed_by_a_live_run_is_held_and_an_expired_claim_is_taken_over,
    test_success_is_final_and_pay_fail_only_becomes_success,
)

import pandapon_async
from pandapon_async import JournalUnavailableError, PandaPonClient, PostgresJournal
from pandapon_async.journal import Journal, JournalEntry
from pandapon_async.journal._postgres import SCHEMA_VERSION
from pandapon_async.testing import FakePandaPon

__all__ = [
    "test_an_id_claimed_by_a_live_run_is_held_and_an_expired_claim_is_taken_over",
    "test_success_is_final_and_pay_fail_only_becomes_success",
]


@pytest.fixture
async def journals(postgres_dsn: str) -> AsyncIterator[Any]:
    """Two handles on one PostgreSQL journal and the clock their leases are measured on
    (the fixture the contract tests imported from test_journal expect)."""
    clock = Clock()
    first = PostgresJournal(postgres_dsn, lease=10.0, clock=clock)
    second = PostgresJournal(postgres_dsn, lease=10.0, clock=clock)
    async with first, second:
        yield first, second, clock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_journal_follows_the_protocol_and_is_exported_lazily(
    postgres_dsn: str,
) -> None:
    """Money rule 2: intent is durable (visible to another connection) before the request
    goes out, and the outcome after."""
    assert "PostgresJournal" in pandapon_async.__all__
    async with PostgresJournal(postgres_dsn) as journal:
        assert isinstance(journal, Journal)
        assert set((await journal.claim(["1", "2"], owner="r")).claimed) == {"1", "2"}
        assert await journal.record_intent(["2", "1", "2"], owner="r", batch="r:1") == ["2", "1"]
        other = await asyncpg.connect(postgres_dsn)
        try:
            rows = await other.fetch("SELECT order_id, state, attempts, owner "
                                     "FROM pandapon_pay_journal ORDER BY order_id")
            assert [tuple(row) for row in rows] == [("1", "sending", 1, "r"),
                                                    ("2", "sending", 1, "r")]
            await journal.record_outcomes(
                [JournalEntry("1", "success"), JournalEntry("2", "pay_fail", reason="余额不足")],
                owner="r",
            )
            rows = await other.fetch("SELECT order_id, state, reason, owner, batch "
                                     "FROM pandapon_pay_journal ORDER BY order_id")
            assert [tuple(row) for row in rows] == [("1", "success", None, None, "r:1"),
                                                    ("2", "pay_fail", "余额不足", None, "r:1")]
            version = await other.fetchval("SELECT version FROM pandapon_schema_version "
                                           "WHERE component = 'pandapon_pay_journal'")
            assert version == SCHEMA_VERSION
        finally:
            await other.close()
        assert await journal.counts() == {"success": 1, "pay_fail": 1}
        assert [e.order_id for e in await journal.entries()] == ["1", "2"]
        assert "***" not in repr(journal) and "PostgresJournal(" in repr(journal)


async def test_the_database_refuses_to_take_an_order_out_of_success(postgres_dsn: str) -> None:
    """Money rule 5: success is final even for a statement that bypasses the library (the
    trigger), and pay_fail only becomes success."""
    async with PostgresJournal(postgres_dsn) as journal:
        await journal.record_outcomes([JournalEntry("1", "success"),
                                       JournalEntry("2", "pay_fail", reason="no")], owner="r")
    connection = await asyncpg.connect(postgres_dsn)
    try:
        with pytest.raises(asyncpg.CheckViolationError, match="final"):
            await connection.execute(
                "UPDATE pandapon_pay_journal SET state = 'errored' WHERE order_id = '1'")
        with pytest.raises(asyncpg.CheckViolationError, match="only becomes success"):
            await connection.execute(
                "UPDATE pandapon_pay_journal SET state = 'sending' WHERE order_id = '2'")
        with pytest.raises(asyncpg.CheckViolationError):
            await connection.execute("INSERT INTO pandapon_pay_journal (order_id, state, "
                                     "updated_at) VALUES ('3', 'paid', 0)")
    finally:
        await connection.close()


async def test_concurrent_claims_of_overlapping_ids_give_each_id_to_one_owner(
    postgres_dsn: str,
) -> None:
    """Money rule 1 and 2: of many runs claiming overlapping ids at the same moment, exactly
    one gets each id (row locks taken in key order: no deadlock, no double claim)."""
    ids = [str(100 + n) for n in range(200)]
    journals = [PostgresJournal(postgres_dsn, max_connections=2) for _ in range(4)]
    for journal in journals:
        await journal.open()
    try:
        results = await asyncio.gather(*(
            journal.claim(ids[k * 30 : k * 30 + 110][::-1 if k % 2 else 1], owner=f"w{k}")
            for k, journal in enumerate(journals)
            for _ in range(2)
        ))
        owners: dict[str, set[str]] = {}
        for number, result in enumerate(results):
            for oid in result.claimed:
                owners.setdefault(oid, set()).add(f"w{number // 2}")
        assert all(len(holders) == 1 for holders in owners.values())
        loaded = await journals[0].load(ids)
        assert {oid: {entry.owner} for oid, entry in loaded.items()} == owners
        # Each id's intent is recorded for its holder only.
        recorded = await asyncio.gather(*(
            journal.record_intent(ids, owner=f"w{k}", batch=f"w{k}:1")
            for k, journal in enumerate(journals)
        ))
        assert sorted(oid for part in recorded for oid in part) == sorted(owners)
    finally:
        for journal in journals:
            await journal.aclose()


async def test_several_outcomes_for_one_id_in_one_call_apply_in_order(
    postgres_dsn: str,
) -> None:
    """Money rule 5: the monotone rule holds within one call too."""
    async with PostgresJournal(postgres_dsn) as journal:
        await journal.claim(["1", "2"], owner="r")
        await journal.record_outcomes([JournalEntry("1", "unknown", reason="a"),
                                       JournalEntry("1", "success"),
                                       JournalEntry("1", "pay_fail", reason="b"),
                                       JournalEntry("2", "pay_fail", reason="c"),
                                       JournalEntry("2", "errored", reason="d")], owner="r")
        loaded = await journal.load(["1", "2"])
    assert (loaded["1"].state, loaded["2"].state, loaded["2"].reason) == (
        "success", "pay_fail", "c")


async def test_an_unreachable_journal_fails_closed_and_says_why() -> None:
    """Money rule 2: no journal, nothing sent; the error names the database (not its
    password) and the cause."""
    dsn = f"postgresql://payer:s3cret@127.0.0.1:{free_port()}/pay"
    async with FakePandaPon() as fake:
        ids = fake.create_alibaba_orders(3)
        async with PandaPonClient(fake.credentials, base_url=fake.url,
                                  rate_limit=None) as client:
            with pytest.raises(JournalUnavailableError) as raised:
                await client.bulk.submit_to_pay(ids, journal=dsn)
        assert fake.reached("/alibaba/order/batch/submit/to/pay") == 0
    message = str(raised.value)
    assert "s3cret" not in message and "payer:***@127.0.0.1" in message
    assert "connecting" in message and "nothing is sent" in message
    with pytest.raises(JournalUnavailableError, match=r"does not exist"):
        async with PostgresJournal(
            "postgres://postgres@127.0.0.1:5432/pandapon_nope_" + str(free_port())
        ):
            pass


async def test_a_journal_lost_mid_run_stops_sending_and_reports_every_id(
    postgres_dsn: str,
) -> None:
    """Money rule 2 and 6: when PostgreSQL goes away mid-run, no chunk is sent without a
    recorded intent; ids already sent are unknown (read on the next run), the others
    errored; every id is in exactly one bucket."""
    async with FakePandaPon() as fake:
        ids = fake.create_alibaba_orders(40)
        async with PostgresJournal(postgres_dsn, lease=5.0, connect_timeout=2.0) as journal:
            terminated = asyncio.Event()

            async def cut_after_first_chunk(progress: Any) -> None:
                if terminated.is_set():
                    return
                terminated.set()
                admin = await asyncpg.connect(postgres_dsn.rsplit("/", 1)[0] + "/postgres")
                try:
                    # Kill every other session on the database, and refuse new ones.
                    database = postgres_dsn.rsplit("/", 1)[1]
                    await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
                    await admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = $1 AND pid <> pg_backend_pid()", database)
                finally:
                    await admin.close()

            async with PandaPonClient(fake.credentials, base_url=fake.url,
                                      rate_limit=None) as client:
                report = await client.bulk.submit_to_pay(
                    ids, chunk_size=10, concurrency=1, journal=journal,
                    on_progress=cut_after_first_chunk,
                )
        sent = {oid for request in fake.requests
                if request.path == "/alibaba/order/batch/submit/to/pay"
                for oid in json.loads(request.body)["orderIds"]}
        assert report.total == len(ids)
        # What was sent (the first chunk, perhaps one more started before the cut) is paid
        # and reported so; nothing else was sent.
        assert 10 <= len(report.success_order_ids) < len(ids)
        assert {str(oid) for oid in sent} == set(report.success_order_ids)
        assert set(report.errored) == set(ids) - set(report.success_order_ids)
        assert all("unavailable" in str(error) for error in report.errored.values()), {
            repr(error) for error in report.errored.values()}
        admin = await asyncpg.connect(postgres_dsn.rsplit("/", 1)[0] + "/postgres")
        try:
            database = postgres_dsn.rsplit("/", 1)[1]
            await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        finally:
            await admin.close()


async def test_a_newer_schema_is_refused_before_anything_is_sent(postgres_dsn: str) -> None:
    """Money rule 2: a journal this version cannot read correctly is not written."""
    async with PostgresJournal(postgres_dsn):
        pass
    connection = await asyncpg.connect(postgres_dsn)
    try:
        await connection.execute("UPDATE pandapon_schema_version SET version = $1 "
                                 "WHERE component = 'pandapon_pay_journal'", SCHEMA_VERSION + 1)
    finally:
        await connection.close()
    with pytest.raises(JournalUnavailableError, match="newer"):
        async with PostgresJournal(postgres_dsn):
            pass


async def test_bad_arguments_are_refused() -> None:
    """Money rule 2: a journal that is misconfigured or not open refuses to work (a
    ValueError naming the field, a RuntimeError), so nothing can be sent through it."""
    with pytest.raises(ValueError, match="dsn"):
        PostgresJournal("/tmp/pay.sqlite3")
    with pytest.raises(ValueError, match="table"):
        PostgresJournal("postgresql://x/y", table="pay; DROP")
    with pytest.raises(ValueError, match="lease"):
        PostgresJournal("postgresql://x/y", lease=0)
    with pytest.raises(ValueError, match="max_connections"):
        PostgresJournal("postgresql://x/y", max_connections=0)
    journal = PostgresJournal("postgresql://x/y")
    with pytest.raises(RuntimeError, match="not open"):
        await journal.claim(["1"], owner="x")
    await journal.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await journal.open()


async def test_a_role_without_create_uses_an_existing_journal(postgres_dsn: str) -> None:
    """Money rule 2: workers may run with a role that can only read and write the journal
    (the table made once by a privileged run); claims and outcomes work as usual."""
    async with PostgresJournal(postgres_dsn):
        pass
    role = "pandapon_worker_" + postgres_dsn.rsplit("_", 1)[1][:12]
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN")
        await admin.execute(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role}")
        await admin.execute(f"GRANT SELECT, INSERT, UPDATE ON pandapon_pay_journal, "
                            f"pandapon_schema_version TO {role}")
        parts = urlsplit(postgres_dsn)
        limited = urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}"))
        async with PostgresJournal(limited) as journal:
            await journal.claim(["1"], owner="w")
            assert await journal.record_intent(["1"], owner="w", batch="w:1") == ["1"]
            await journal.record_outcomes([JournalEntry("1", "success")], owner="w")
            assert (await journal.load(["1"]))["1"].state == "success"
    finally:
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()
