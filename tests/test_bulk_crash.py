"""A paying process killed with SIGKILL mid-run, then run again on the same journal."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from pandapon_async import PandaPonClient
from pandapon_async.journal import SQLiteJournal
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
WORKER = Path(__file__).with_name("bulk_pay_worker.py")


async def test_a_killed_run_resumes_without_paying_twice_or_losing_an_outcome(
    tmp_path: Path,
) -> None:
    async with FakePandaPon(seed=3) as fake:
        ids = fake.create_alibaba_orders(300)
        # Each payment takes a while on the platform, so chunks are in flight when we kill.
        fake.faults.set_latency(0.02, path=PAY_PATH)
        ids_file = tmp_path / "ids.txt"
        ids_file.write_text("\n".join(ids) + "\n", encoding="utf-8")
        journal_path = tmp_path / "pay.sqlite3"
        credentials = fake.credentials
        env = {
            **os.environ,
            "PANDAPON_ACCESS_KEY": credentials.access_key,
            "PANDAPON_ACCESS_SECRET": credentials.access_secret,
            "PANDAPON_USER_ID": credentials.user_id,
        }
        worker = await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), fake.url, str(journal_path), str(ids_file), "10", "3", "1",
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        async with SQLiteJournal(journal_path, synchronous="NORMAL") as watcher:
            async with asyncio.timeout(60):
                while True:
                    counts = await watcher.counts()
                    if counts.get("success", 0) >= 60 and counts.get("sending", 0) > 0:
                        break
                    assert worker.returncode is None, (await worker.stderr.read()).decode()  # type: ignore[union-attr]
                    await asyncio.sleep(0.002)
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            assert worker.returncode == -signal.SIGKILL
            at_kill = {entry.order_id: entry for entry in await watcher.entries()}

        settled_before = {oid for oid, e in at_kill.items() if e.state == "success"}
        in_flight = {oid for oid, e in at_kill.items() if e.state == "sending"}
        assert in_flight, "the kill should land while chunks are in flight"
        assert len(settled_before) < len(ids), "the kill should land before the end"

        fake.faults.clear()
        # The log is appended as answers complete; requests are told apart by arrival time.
        rerun_started = time.monotonic()
        # The dead run's claims lapse after its 1 s lease; in-flight ids are then read.
        async with PandaPonClient(
            credentials, base_url=fake.url, rate_limit=None, retry_backoff=0.001
        ) as client, SQLiteJournal(journal_path, lease=1.0) as journal:
            report = await client.bulk.submit_to_pay(
                ids, chunk_size=10, journal=journal, resubmit_grace=0.05
            )

        assert report.ok, report.to_dict()["counts"]
        assert sorted(report.success_order_ids) == sorted(ids)
        assert all(fake.payment_count(oid) == 1 for oid in ids), "an order was paid twice"
        # Outcomes recorded before the kill are reported from the journal, not re-sent.
        assert settled_before <= set(report.from_journal)
        rerun_sent = {
            str(oid)
            for request in fake.requests
            if request.path == PAY_PATH and request.time >= rerun_started
            for oid in json.loads(request.body)["orderIds"]
        }
        assert not rerun_sent & settled_before
        # What was in flight was read first: paid ones settled without sending, unpaid ones
        # sent once more. (The dead process's last requests may still be in the platform's
        # hands when read: such an order reads unpaid, is resent, is refused as already paid,
        # is read again and reported paid; it is in both lists and paid once.)
        assert in_flight <= set(report.reconciled) | set(report.resubmitted)
        assert not (set(report.reconciled) - set(report.resubmitted)) & rerun_sent
        # Sent fresh: ids never journaled, or only claimed (the claim precedes the intent,
        # and nothing is sent before the intent is committed).
        claimed_only = {oid for oid, e in at_kill.items() if e.state == "claimed"}
        assert rerun_sent <= set(report.resubmitted) | (set(ids) - set(at_kill)) | claimed_only

        async with SQLiteJournal(journal_path) as journal:
            assert await journal.counts() == {"success": len(ids)}
