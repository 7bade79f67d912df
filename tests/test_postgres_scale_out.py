"""Three worker processes paying overlapping ids through one PostgreSQL journal, one killed."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sys
from pathlib import Path

from pandapon_async import PandaPonClient, PostgresJournal
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
WORKER = Path(__file__).with_name("bulk_pay_pg_worker.py")
LEASE = 2.0


async def test_three_workers_one_killed_pay_each_order_at_most_once_and_report_every_id(
    tmp_path: Path, postgres_dsn: str,
) -> None:
    """Money rules 0, 1, 2 and 5 across processes: three workers on one PostgreSQL journal,
    each given 400 of 600 ids (every id to two workers, in different orders), under 3% 5xx
    and 3% processed-then-dropped payments; one worker is SIGKILLed at a random moment. No
    order is paid twice; each surviving worker reports every id it was given in exactly one
    bucket; a final run settles every id, sending only what the journal does not hold as
    paid."""
    chance = random.Random()
    seed = chance.randrange(1_000_000)
    chance = random.Random(seed)
    async with FakePandaPon(seed=seed) as fake:
        ids = fake.create_alibaba_orders(600)
        fake.faults.set_error_rate(0.03, status=503)
        fake.faults.set_processed_then_drop_rate(0.03, path=PAY_PATH)
        fake.faults.set_latency(0.005, path=PAY_PATH)  # chunks are in flight when we kill
        credentials = fake.credentials
        env = {
            **os.environ,
            "PANDAPON_ACCESS_KEY": credentials.access_key,
            "PANDAPON_ACCESS_SECRET": credentials.access_secret,
            "PANDAPON_USER_ID": credentials.user_id,
        }
        given: list[list[str]] = []
        workers = []
        for number in range(3):
            mine = (ids[number * 200 :] + ids[: number * 200])[:400]
            chance.shuffle(mine)
            given.append(mine)
            ids_file = tmp_path / f"ids{number}.txt"
            ids_file.write_text("\n".join(mine) + "\n", encoding="utf-8")
            workers.append(await asyncio.create_subprocess_exec(
                sys.executable, str(WORKER), fake.url, postgres_dsn, str(ids_file), "10", "3",
                str(LEASE), env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            ))
        victim = chance.randrange(3)
        kill_at = chance.randrange(20, 300)  # payments settled in the journal
        async with PostgresJournal(postgres_dsn) as watcher:
            async with asyncio.timeout(120):
                while (await watcher.counts()).get("success", 0) < kill_at:
                    assert workers[victim].returncode is None, "the victim finished first"
                    await asyncio.sleep(0.005)
            workers[victim].send_signal(signal.SIGKILL)
            outputs = await asyncio.gather(*(worker.communicate() for worker in workers))
            assert workers[victim].returncode == -signal.SIGKILL
            for number, (worker, (out, err)) in enumerate(zip(workers, outputs, strict=True)):
                if number == victim:
                    continue
                assert worker.returncode == 0, (seed, err.decode()[-3000:])
                buckets = json.loads(out.decode().strip().splitlines()[-1])
                reported = [oid for name in ("success", "pay_fail", "errored", "unknown")
                            for oid in buckets[name]]
                assert sorted(reported) == sorted(given[number]), seed  # once each
                assert all(fake.payment_count(oid) == 1 for oid in buckets["success"]), seed
            journalled = {entry.order_id: entry for entry in await watcher.entries()}

        assert all(fake.payment_count(oid) <= 1 for oid in ids), ("paid twice", seed)
        paid_in_journal = {oid for oid, entry in journalled.items() if entry.state == "success"}
        assert all(fake.payment_count(oid) == 1 for oid in paid_in_journal), seed

        fake.faults.clear()
        fake.clear_requests()
        async with PandaPonClient(
            credentials, base_url=fake.url, rate_limit=None, retry_backoff=0.001
        ) as client:
            report = await client.bulk.submit_to_pay(
                ids, chunk_size=25, journal=postgres_dsn, resubmit_grace=0.05
            )
        assert report.ok, (seed, report.to_dict()["counts"])
        assert sorted(report.success_order_ids) == sorted(ids)
        assert all(fake.payment_count(oid) == 1 for oid in ids), ("paid twice", seed)
        assert paid_in_journal <= set(report.from_journal), seed
        final_sent = {str(oid) for request in fake.requests if request.path == PAY_PATH
                      for oid in json.loads(request.body)["orderIds"]}
        assert not final_sent & paid_in_journal, seed
        async with PostgresJournal(postgres_dsn) as journal:
            assert await journal.counts() == {"success": len(ids)}
