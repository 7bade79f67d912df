"""``pandapon pay`` with a PostgreSQL journal (``--journal postgresql://...`` or
``PANDAPON_JOURNAL``), against FakePandaPon and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from test_cli import PAY_PATH, run, use_fake, write_ids
from test_postgres_journal import free_port

from pandapon_async.cli import EXIT_OK, EXIT_UNREACHABLE
from pandapon_async.testing import FakePandaPon


async def test_the_same_command_on_two_hosts_pays_each_order_once(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    postgres_dsn: str,
) -> None:
    """Money rules 1 and 2: two `pandapon pay` runs at once over overlapping ids, one given
    the journal with --journal and one through PANDAPON_JOURNAL, pay each order once and
    each reports every id it was given."""
    use_fake(monkeypatch, fake_pandapon)
    fake_pandapon.faults.set_latency(0.005, path=PAY_PATH)
    ids = fake_pandapon.create_alibaba_orders(120)
    first, second = ids[:80], ids[40:][::-1]
    common = ("--chunk-size", "5", "--concurrency", "2", "--rate", "none", "--progress", "none")
    monkeypatch.setenv("PANDAPON_JOURNAL", postgres_dsn)
    codes = await asyncio.gather(
        run("pay", str(write_ids(tmp_path / "a.txt", first)), "--journal", postgres_dsn,
            "--report-json", str(tmp_path / "a.json"), *common),
        run("pay", str(write_ids(tmp_path / "b.txt", second)),
            "--report-json", str(tmp_path / "b.json"), *common),
    )
    assert codes == [EXIT_OK, EXIT_OK]
    for name, given in (("a.json", first), ("b.json", second)):
        report = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        assert sorted(report["success_order_ids"]) == sorted(given)
    assert all(fake_pandapon.payment_count(oid) == 1 for oid in ids)
    sent = [oid for request in fake_pandapon.requests if request.path == PAY_PATH
            for oid in json.loads(request.body)["orderIds"]]
    assert len(sent) == len(set(sent)) == len(ids)  # every order sent once, by one run


async def test_an_unreachable_postgres_journal_exits_5_having_sent_nothing(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Money rules 2 and 4: fail closed (nothing sent without the journal), say why, and
    never print the database password."""
    use_fake(monkeypatch, fake_pandapon)
    ids = fake_pandapon.create_alibaba_orders(5)
    monkeypatch.setenv("PANDAPON_JOURNAL",
                       f"postgresql://payer:pg-secret-91@127.0.0.1:{free_port()}/pay")

    code = await run("pay", str(write_ids(tmp_path / "ids.txt", ids)), "--rate", "none",
                     "--progress", "none")

    out, err = capsys.readouterr()
    assert code == EXIT_UNREACHABLE
    assert "pg-secret-91" not in out + err
    assert "PostgreSQL journal postgresql://payer:***@127.0.0.1" in err
    assert "no --journal" not in err
    assert fake_pandapon.reached(PAY_PATH) == 0
