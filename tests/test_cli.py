"""The ``pandapon`` command, run in-process against FakePandaPon on 127.0.0.1.

``main()`` runs its own event loop (``asyncio.run``), so the async tests run it in a worker
thread while the fake serves on the test's loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pandapon_async import cli
from pandapon_async.cli import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    main,
)
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
DETAIL_PATH = "/alibaba/order/detail"
SECRET = "s3cr3t-never-printed-7f1c"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("PANDAPON_"):
            monkeypatch.delenv(name)
    yield


def use_fake(monkeypatch: pytest.MonkeyPatch, fake: FakePandaPon) -> None:
    credentials = fake.credentials
    monkeypatch.setenv("PANDAPON_BASE_URL", fake.url)
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", credentials.access_key)
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", credentials.access_secret)
    monkeypatch.setenv("PANDAPON_USER_ID", credentials.user_id)


async def run(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("pandapon: error:")]


def write_ids(path: Path, ids: list[str]) -> Path:
    path.write_text("# order ids\n" + "\n".join(ids) + "\n\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- call


async def test_call_prints_the_envelope_data_as_json(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    code = await run("call", "post", DETAIL_PATH,
                     "--json", json.dumps({"webSite": "1688", "orderId": order_id}))

    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert json.loads(out)["baseInfo"]["idOfStr"] == order_id
    [request] = [r for r in fake_pandapon.requests if r.path == DETAIL_PATH]
    assert request.method == "POST"
    assert json.loads(request.body) == {"webSite": "1688", "orderId": order_id}


async def test_call_reads_the_body_from_a_file_and_sends_query_parameters(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"webSite": "1688", "orderId": order_id}), encoding="utf-8")

    code = await run("call", "POST", DETAIL_PATH, "--json", f"@{body}", "--query", "trace=1")

    assert code == EXIT_OK, capsys.readouterr().err
    [request] = [r for r in fake_pandapon.requests if r.path == DETAIL_PATH]
    assert request.query == {"trace": "1"}


async def test_options_override_the_environment(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = fake_pandapon.credentials
    monkeypatch.setenv("PANDAPON_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("PANDAPON_ACCESS_KEY", "someone-else")
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", credentials.access_secret)
    monkeypatch.setenv("PANDAPON_USER_ID", credentials.user_id)
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    code = await run("call", "POST", DETAIL_PATH, "--base-url", fake_pandapon.url,
                     "--access-key", credentials.access_key,
                     "--json", json.dumps({"webSite": "1688", "orderId": order_id}))

    assert code == EXIT_OK, capsys.readouterr().err


# --------------------------------------------------------------------------- errors, exit codes


def test_missing_credentials_is_one_line_and_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["call", "GET", "/anything"])

    out, err = capsys.readouterr()
    assert code == EXIT_CONFIG
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "PANDAPON_ACCESS_KEY" in err and "PANDAPON_ACCESS_SECRET" in err
    assert "Traceback" not in err


def test_bad_base_url_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["call", "GET", "/x", "--base-url", "ftp://example", "--access-key", "k",
                 "--access-secret", SECRET, "--user-id", "1"])

    err = capsys.readouterr().err
    assert code == EXIT_CONFIG
    assert len(err.splitlines()) == 1 and "base_url" in err
    assert SECRET not in err


def test_unreachable_platform_exits_5(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", SECRET)

    code = main(["call", "GET", "/x", "--base-url", f"http://127.0.0.1:{port}",
                 "--access-key", "k", "--user-id", "1", "--max-retries", "0"])

    err = capsys.readouterr().err
    assert code == EXIT_UNREACHABLE
    assert len(error_lines(err)) == 1 and len(err.splitlines()) == 1
    assert SECRET not in err


@pytest.mark.parametrize("argv", [
    ["no-such-command"],
    ["call", "FETCH", "/x"],
    ["call", "GET", "no-slash", "--access-key", "k", "--access-secret", "s", "--user-id", "1"],
    ["call", "POST", "/x", "--json", "{not json", "--access-key", "k", "--access-secret", "s",
     "--user-id", "1"],
    ["pay", "--chunk-size", "0"],
    [],
])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


async def test_refused_credentials_exit_4_and_never_print_the_secret(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    monkeypatch.setenv("PANDAPON_ACCESS_SECRET", SECRET)  # not the fake's: signatures fail

    code_env = await run("call", "POST", DETAIL_PATH, "--json", "{}")
    out_env, err_env = capsys.readouterr()
    code_option = await run("--debug", "call", "POST", DETAIL_PATH, "--json", "{}",
                            "--access-secret", SECRET + "-option")
    out_debug, err_debug = capsys.readouterr()

    assert code_env == code_option == EXIT_CONFIG
    assert len(err_env.splitlines()) == 1 and "authentication failed" in err_env
    assert "Traceback" in err_debug  # --debug adds the traceback and the debug log
    assert SECRET not in out_env + err_env + out_debug + err_debug


async def test_api_errors_are_one_line_and_exit_1(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(monkeypatch, fake_pandapon)

    code = await run("call", "POST", "/alibaba/order/detail", "--json", "{}")  # 400 envelope

    err = capsys.readouterr().err
    assert code == EXIT_FAILED
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_ctrl_c_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def interrupted(args: Any, environ: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_call", interrupted)

    assert main(["call", "GET", "/x"]) == EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == "pandapon: interrupted"


# --------------------------------------------------------------------------- orders get


async def test_orders_get_prints_details_and_reports_missing_orders(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    first, second = fake_pandapon.create_alibaba_orders(2)
    missing = "1" * 19

    code_one = await run("orders", "get", first)
    out_one, _ = capsys.readouterr()
    code_many = await run("orders", "get", second, missing, first)
    out_many, err_many = capsys.readouterr()

    assert code_one == EXIT_OK
    assert json.loads(out_one)["baseInfo"]["idOfStr"] == first
    assert code_many == EXIT_FAILED
    # One entry per id, in the order given, the missing one with its error.
    entries = json.loads(out_many)
    assert len(entries) == 3
    assert entries[0]["baseInfo"]["idOfStr"] == second
    assert entries[1] == {"orderId": missing,
                          "error": {"type": "NotFoundError", "message": "order not found"}}
    assert entries[2]["baseInfo"]["idOfStr"] == first
    assert err_many.strip() == f"pandapon: order {missing}: not found"


# --------------------------------------------------------------------------- pay


async def test_pay_from_a_file_with_a_journal_and_a_json_report_then_resume(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    ids = fake_pandapon.create_alibaba_orders(30)
    journal = tmp_path / "journal.sqlite3"
    report_path = tmp_path / "report.json"

    code = await run("pay", str(write_ids(tmp_path / "first.txt", ids[:20])),
                     "--journal", str(journal), "--chunk-size", "7", "--rate", "none",
                     "--report-json", str(report_path), "--progress", "lines")
    out, err = capsys.readouterr()
    resumed = await run("pay", str(write_ids(tmp_path / "all.txt", ids)),
                        "--journal", str(journal), "--chunk-size", "7", "--rate", "none",
                        "--report-json", str(report_path), "--progress", "none")
    resumed_out, resumed_err = capsys.readouterr()

    assert code == EXIT_OK, err
    assert "paid      20" in out
    assert "paying: 20/20 100%" in err  # plain progress lines when stderr is not a terminal
    assert resumed == EXIT_OK, resumed_err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["counts"]["succeeded"] == 30
    assert sorted(report["from_journal"]) == sorted(ids[:20])
    assert "20 settled by an earlier run" in resumed_out
    assert all(fake_pandapon.payment_count(order_id) == 1 for order_id in ids)


async def test_pay_reads_ids_from_stdin_and_reports_failures_with_exit_1(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    ids = fake_pandapon.create_alibaba_orders(10, amount_fen=1000)
    fake_pandapon.credit_limit_fen = 6 * 1000
    monkeypatch.setattr(sys, "stdin", _Stdin("\n".join(ids)))

    code = await run("pay", "--rate", "none", "--chunk-size", "5", "--report-json", "-",
                     "--progress", "none")

    out, err = capsys.readouterr()
    assert code == EXIT_FAILED
    report = json.loads(out)  # stdout holds only the JSON report; the summary went to stderr
    assert report["counts"]["succeeded"] == 6 and report["counts"]["pay_failed"] == 4
    assert "账户额度不足 (insufficient account credit)" in err
    assert "no --journal" in err


async def test_pay_exits_3_when_outcomes_stay_unknown(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_fake(monkeypatch, fake_pandapon)
    ids = fake_pandapon.create_alibaba_orders(4)
    fake_pandapon.faults.script(PAY_PATH, "processed_then_drop", 1)
    fake_pandapon.faults.set_drop_rate(1.0, path=DETAIL_PATH)  # state cannot be read back

    code = await run("pay", str(write_ids(tmp_path / "ids.txt", ids)), "--rate", "none",
                     "--max-retries", "0", "--journal", str(tmp_path / "j.sqlite3"),
                     "--progress", "none", "--report-json", str(tmp_path / "report.json"))

    out, err = capsys.readouterr()
    assert code == EXIT_UNKNOWN, err
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["unknown"]) == sorted(ids)
    assert "run again with the same journal" in out
    assert all(fake_pandapon.payment_count(order_id) == 1 for order_id in ids)


@pytest.mark.parametrize(("grace", "reads"), [("0", 1), ("0.01", 2)])
async def test_pay_resubmit_grace_sets_when_an_unpaid_order_is_read_again(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], grace: str, reads: int,
) -> None:
    """Rule 2: a payment whose answer was lost is reconciled by reading the order before it
    is resent; --resubmit-grace reads an order that reads unpaid once more after that many
    seconds (0: resend at once)."""
    use_fake(monkeypatch, fake_pandapon)
    (order_id,) = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(PAY_PATH, "drop", 1)  # dropped before it was processed

    code = await run("pay", str(write_ids(tmp_path / "ids.txt", [order_id])), "--rate", "none",
                     "--resubmit-grace", grace, "--progress", "none")

    assert code == EXIT_OK, capsys.readouterr().err
    assert len([r for r in fake_pandapon.requests if r.path == DETAIL_PATH]) == reads
    assert len([r for r in fake_pandapon.requests if r.path == PAY_PATH]) == 2
    assert fake_pandapon.payment_count(order_id) == 1


@pytest.mark.parametrize("grace", ["-1", "601", "soon"])
async def test_pay_refuses_a_resubmit_grace_out_of_range(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], grace: str,
) -> None:
    use_fake(monkeypatch, fake_pandapon)

    code = await run("pay", str(write_ids(tmp_path / "ids.txt", ["12345"])),
                     "--resubmit-grace", grace)

    assert code == EXIT_USAGE
    assert "--resubmit-grace: expected seconds from 0 to 600" in capsys.readouterr().err
    assert not fake_pandapon.requests


async def test_pay_rejects_a_malformed_id_before_sending_anything(
    fake_pandapon: FakePandaPon, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_fake(monkeypatch, fake_pandapon)

    code = await run("pay", str(write_ids(tmp_path / "ids.txt", ["12345", "12a45"])))

    assert code == EXIT_USAGE
    assert "12a45" in capsys.readouterr().err
    assert not [r for r in fake_pandapon.requests if r.path == PAY_PATH]


# --------------------------------------------------------------------------- demo, entry points


def test_demo_pays_every_order_at_most_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"

    code = main(["demo", "--orders", "300", "--rate", "none", "--progress", "none",
                 "--report-json", str(report_path)])

    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert "FAILED" not in out
    assert "[ok] no order paid twice" in out
    assert "账户额度不足 (insufficient account credit)" in out
    counts = json.loads(report_path.read_text(encoding="utf-8"))["counts"]
    assert counts["succeeded"] > 0 and counts["pay_failed"] > 0
    assert counts["total"] == 300 + 1  # the orders and one id that does not exist


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run([sys.executable, "-m", "pandapon_async", "--version"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("pandapon ")


def test_fake_server_prints_credentials_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    ids_file = tmp_path / "ids.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "pandapon_async", "fake-server", "--port", "0",
         "--create-orders", "3", "--ids-file", str(ids_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not any(line.startswith("created") for line in lines):
            line = process.stdout.readline()
            assert line, f"server ended early: {lines} {process.stderr.read()}"  # type: ignore[union-attr]
            lines.append(line)
        exports = dict(line.split(" ", 1)[1].strip().split("=", 1)
                       for line in lines if line.startswith("export "))
        assert exports["PANDAPON_BASE_URL"].startswith("http://127.0.0.1:")
        assert set(exports) >= {"PANDAPON_ACCESS_KEY", "PANDAPON_ACCESS_SECRET",
                                "PANDAPON_USER_ID"}
        assert len(ids_file.read_text(encoding="utf-8").split()) == 3
        process.terminate()
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == EXIT_OK, err
    assert "stopped" in out
    assert "Traceback" not in err


class _Stdin:
    def __init__(self, text: str) -> None:
        self._text = text

    def read(self) -> str:
        return self._text
