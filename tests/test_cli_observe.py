"""``pandapon pay --trace`` and ``--log-level``."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pandapon_async.cli import EXIT_OK, main
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"


@pytest.fixture(autouse=True)
def fake_environment(
    monkeypatch: pytest.MonkeyPatch, fake_pandapon: FakePandaPon
) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("PANDAPON_"):
            monkeypatch.delenv(name)
    credentials = fake_pandapon.credentials
    monkeypatch.setenv("PANDAPON_BASE_URL", fake_pandapon.url)
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", credentials.access_key)
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", credentials.access_secret)
    monkeypatch.setenv("PANDAPON_USER_ID", credentials.user_id)
    yield


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_pay_trace_prints_a_timing_line_per_chunk(
    fake_pandapon: FakePandaPon, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule 1: tracing only observes; every order is still paid exactly once."""
    ids = fake_pandapon.create_alibaba_orders(7)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(ids), encoding="utf-8")

    code = await run("pay", str(ids_file), "--chunk-size", "3", "--trace", "--progress", "none",
                     "--journal", str(tmp_path / "journal.sqlite3"))

    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    summary = out[out.index("chunk timings:"):]
    assert summary.startswith("chunk timings: 3 chunks (3 pay), 7 order ids")
    assert re.search(r"per chunk: mean [\d.]+ s, p50 [\d.]+ s, p95 [\d.]+ s, max [\d.]+ s",
                     summary)
    rows = re.findall(r"^\s+(\w+:\d+)\s+pay\s+(\d+)\s+[\d.]+\s+[\d.]+$", summary, re.M)
    assert sorted(int(orders) for _, orders in rows) == [1, 3, 3]
    assert fake_pandapon.payment_counts == dict.fromkeys(ids, 1)


async def test_pay_without_trace_prints_no_timings(
    fake_pandapon: FakePandaPon, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rule 2: the summary is printed only on request; the report is unchanged."""
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(fake_pandapon.create_alibaba_orders(2)), encoding="utf-8")

    assert await run("pay", str(ids_file), "--progress", "none") == EXIT_OK
    assert "chunk timings" not in capsys.readouterr().out


@pytest.mark.parametrize("where", ["before", "after"])
async def test_log_level_shows_the_library_log_with_its_fields(
    fake_pandapon: FakePandaPon, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    """Rule 4: the log shown names the call and its attempt, never the secret."""
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(fake_pandapon.create_alibaba_orders(2)), encoding="utf-8")
    fake_pandapon.faults.script(PAY_PATH, "rate_limit", retry_after=0.001)
    options = ["--log-level", "info"]
    argv = [*options, "pay", str(ids_file), "--progress", "none"] if where == "before" else [
        "pay", str(ids_file), "--progress", "none", *options]

    assert await run(*argv) == EXIT_OK

    err = capsys.readouterr().err
    [retry] = [line for line in err.splitlines() if "retrying" in line]
    assert " INFO " in retry
    assert "endpoint=alibaba.orders.batch_submit_to_pay" in retry
    assert "attempt=1" in retry and "status=429" in retry
    assert "DEBUG" not in err
    assert fake_pandapon.credentials.access_secret not in err
