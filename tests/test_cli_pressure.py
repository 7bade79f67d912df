"""The ``pandapon`` command as a subprocess, under the conditions real services meet: options
on either side of the subcommand, secrets on the command line, closed pipes, shared limits."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from pandapon_async.cli import EXIT_BROKEN_PIPE, EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE
from pandapon_async.limiters._redis import default_key
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
SECRET = "s3cr3t-never-printed-9d2e"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANDAPON_")}
    env.update(extra)
    return env


def fake_env(fake: FakePandaPon, **extra: str) -> dict[str, str]:
    credentials = fake.credentials
    return clean_env(PANDAPON_BASE_URL=fake.url, PANDAPON_ACCESS_KEY=credentials.access_key,
                     PANDAPON_ACCESS_SECRET=credentials.access_secret,
                     PANDAPON_USER_ID=credentials.user_id, **extra)


async def pandapon(*argv: str, env: dict[str, str], stdin: bytes | None = None,
                   close_stdout: bool = False) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pandapon_async", *argv, env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    if close_stdout:
        # The reader goes away before the command writes anything (`pandapon ... | true`).
        assert process.stdout is not None
        transport = process._transport  # type: ignore[attr-defined]
        transport.get_pipe_transport(1).close()
    out, err = await asyncio.wait_for(process.communicate(stdin), 120)
    assert process.returncode is not None
    return process.returncode, (out or b"").decode(), err.decode()


def write_ids(path: Path, ids: list[str]) -> Path:
    path.write_text("\n".join(ids) + "\n", encoding="utf-8")
    return path


async def test_connection_options_work_before_and_after_the_subcommand(
    fake_pandapon: FakePandaPon,
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    credentials = fake_pandapon.credentials
    options = ["--base-url", fake_pandapon.url, "--access-key", credentials.access_key,
               "--access-secret", credentials.access_secret, "--user-id", credentials.user_id]
    before = await pandapon(*options, "orders", "get", order_id, env=clean_env())
    after = await pandapon("orders", "get", order_id, *options, env=clean_env())
    for code, out, err in (before, after):
        assert code == EXIT_OK, err
        assert json.loads(out)["baseInfo"]["idOfStr"] == order_id
    # After the subcommand wins over before it.
    code, _, err = await pandapon("--timeout", "nope", "orders", "get", order_id,
                                  "--timeout", "5", *options, env=clean_env())
    assert code == EXIT_USAGE and "nope" in err


@pytest.mark.parametrize("argv", [
    ["--access-secret", SECRET, "pay", "--no-such-option"],
    [f"--access-secret={SECRET}", "pay", "--no-such-option"],
    ["pay", "--access-secret", SECRET, "--no-such-option"],
    ["--access-sec", SECRET, "bogus-command"],
    ["pay", "extra", "args", "--access-secret", SECRET, "--rate", "x"],
])
async def test_a_secret_is_never_printed_in_a_usage_error(argv: list[str]) -> None:
    """Rule 4: secrets never appear in CLI output, argparse's echo of arguments included."""
    code, out, err = await pandapon(*argv, env=clean_env(PANDAPON_ACCESS_SECRET=SECRET))
    assert code == EXIT_USAGE
    assert err and SECRET not in err and SECRET not in out


async def test_orders_get_into_a_closed_pipe_ends_quietly(fake_pandapon: FakePandaPon) -> None:
    ids = fake_pandapon.create_alibaba_orders(4)
    code, _, err = await pandapon("orders", "get", *ids, env=fake_env(fake_pandapon),
                                  close_stdout=True)
    assert code == EXIT_BROKEN_PIPE
    assert "BrokenPipe" not in err and "error" not in err and "Traceback" not in err


async def test_a_payment_run_into_a_closed_pipe_keeps_its_journal_consistent(
    fake_pandapon: FakePandaPon, tmp_path: Path,
) -> None:
    """Rules 2 and 5: the run finishes and records every outcome although its output pipe
    closed; a second run pays nothing again."""
    ids = fake_pandapon.create_alibaba_orders(30)
    ids_file = write_ids(tmp_path / "ids.txt", ids)
    journal = tmp_path / "journal.sqlite3"
    env = fake_env(fake_pandapon)
    code, _, err = await pandapon("pay", str(ids_file), "--journal", str(journal), "--rate",
                                  "none", "--chunk-size", "5", env=env, close_stdout=True)
    assert code == EXIT_OK, err
    assert "BrokenPipe" not in err and "Traceback" not in err
    code, out, err = await pandapon("pay", str(ids_file), "--journal", str(journal),
                                    "--rate", "none", env=env)
    assert code == EXIT_OK, err
    assert "30 settled by an earlier run" in out
    assert all(fake_pandapon.payment_count(order_id) == 1 for order_id in ids)


async def test_a_malformed_id_prints_no_progress_line_before_the_error(
    fake_pandapon: FakePandaPon, tmp_path: Path,
) -> None:
    ids_file = write_ids(tmp_path / "ids.txt", ["12345", "not-an-id"])
    code, _, err = await pandapon("pay", str(ids_file), "--progress", "lines",
                                  env=fake_env(fake_pandapon))
    assert code == EXIT_USAGE
    assert "paying" not in err
    assert "not-an-id" in err
    assert not [r for r in fake_pandapon.requests if r.path == PAY_PATH]


async def test_one_id_is_one_order_id_and_one_reason_reads_one_way(
    fake_pandapon: FakePandaPon, tmp_path: Path,
) -> None:
    missing = "9" * 19
    ids_file = write_ids(tmp_path / "ids.txt", [missing])
    code, out, err = await pandapon("pay", str(ids_file), "--progress", "lines",
                                    env=fake_env(fake_pandapon))
    assert code == 1  # the order was not paid
    assert "1 order id read" in out
    assert "订单不存在 (order not found)" in out and "does not exist" not in out
    assert "not ok 1" in err and "failed 1" not in err


async def test_pay_shares_its_rate_limit_through_redis(
    fake_pandapon: FakePandaPon, tmp_path: Path, redis_url: str,
) -> None:
    """Rule 1: the shared limiter throttles the payment requests; every order paid once."""
    import redis.asyncio as aioredis

    ids = fake_pandapon.create_alibaba_orders(20)
    ids_file = write_ids(tmp_path / "ids.txt", ids)
    journal = tmp_path / "journal.sqlite3"
    key = default_key(fake_pandapon.credentials.access_key)
    store = aioredis.Redis.from_url(redis_url)
    try:
        await store.delete(key)
        code, out, err = await pandapon(
            "pay", str(ids_file), "--chunk-size", "2", "--rate", "50",
            env=fake_env(fake_pandapon, PANDAPON_REDIS_URL=redis_url,
                         PANDAPON_JOURNAL=str(journal)))
        assert code == EXIT_OK, err
        assert "paid      20" in out
        assert await store.exists(key)  # the budget lives in Redis, under the account's key
    finally:
        await store.delete(key)
        await store.aclose()
    assert journal.exists()  # PANDAPON_JOURNAL was used
    assert all(fake_pandapon.payment_count(order_id) == 1 for order_id in ids)


async def test_pay_with_an_unreachable_redis_sends_nothing(
    fake_pandapon: FakePandaPon, tmp_path: Path,
) -> None:
    """Rule 1: no request goes out unthrottled when the shared limiter cannot count."""
    ids_file = write_ids(tmp_path / "ids.txt", fake_pandapon.create_alibaba_orders(3))
    code, out, err = await pandapon(
        "pay", str(ids_file), "--redis", "redis://:hunter2@127.0.0.1:1/0", "--max-retries",
        "0", "--journal", str(tmp_path / "j.sqlite3"), env=fake_env(fake_pandapon))
    assert code != EXIT_OK
    assert "hunter2" not in out + err
    assert not [r for r in fake_pandapon.requests if r.path == PAY_PATH]
    assert "Redis" in out + err
    assert code in (EXIT_UNREACHABLE, 1)
