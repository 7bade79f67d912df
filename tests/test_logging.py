"""The library's log: structured request fields as ``extra``, PANDAPON_LOG, no secrets."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
import textwrap
from collections.abc import Iterator

import attrs
import pytest

from pandapon_async import (
    AuthenticationError,
    OutcomeUnknownError,
    PandaPonClient,
    configure_logging,
)
from pandapon_async._observability._logging import LOG_FIELDS, configure_logging_from_env
from pandapon_async.testing import FakePandaPon

DETAIL_PATH = "/alibaba/order/detail"
PAY_PATH = "/alibaba/order/batch/submit/to/pay"
# Attributes every LogRecord has; what is left of a record's __dict__ is what `extra` added.
_STANDARD = set(vars(logging.LogRecord("n", logging.INFO, "p", 1, "m", None, None))) | {
    "message", "asctime"}


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    library = logging.getLogger("pandapon_async")
    collect = Collect()
    previous = library.level
    library.addHandler(collect)
    library.setLevel(logging.DEBUG)
    yield collect.records
    library.removeHandler(collect)
    library.setLevel(previous)


@pytest.fixture
def pandapon_client_options() -> dict[str, object]:
    return {"rate_limit": None, "retry_backoff": 0.0, "telemetry": False}


async def test_attempt_records_carry_the_request_fields_as_extra(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient,
    records: list[logging.LogRecord],
) -> None:
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=1, status=500)

    await pandapon_client.alibaba.orders.get_detail(order_id)

    about_calls = [record for record in records if hasattr(record, "endpoint")]
    failed, retry, answered = about_calls
    assert retry.levelno == logging.INFO and "retrying" in retry.getMessage()
    assert (retry.attempt, retry.status) == (1, 500)  # type: ignore[attr-defined]
    assert retry.request_id == failed.request_id  # type: ignore[attr-defined]
    assert failed.levelno == answered.levelno == logging.DEBUG
    fields = {name: getattr(answered, name) for name in LOG_FIELDS}
    assert fields["method"] == "POST"
    assert fields["path"] == DETAIL_PATH
    assert fields["endpoint"] == "alibaba.orders.get_detail"
    assert fields["attempt"] == 2
    assert fields["status"] == 200
    assert fields["request_id"] and fields["request_id"].strip("0")
    assert fields["elapsed"] > 0
    assert set(vars(answered)) - _STANDARD == set(LOG_FIELDS)


async def test_no_secret_or_signature_in_any_record(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient,
    records: list[logging.LogRecord],
) -> None:
    """Rule 4: no log record, formatted or as attributes, holds the access secret, a
    signature that was sent, or a request body."""
    ids = fake_pandapon.create_alibaba_orders(3)
    marker = "MARKER-cancel-reason-77aa"
    fake_pandapon.faults.script(PAY_PATH, "processed_then_drop")
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=1, status=503)
    await pandapon_client.bulk.submit_to_pay(ids[:2])
    await pandapon_client.bulk.cancel([ids[2]], reason=marker)
    with pytest.raises(OutcomeUnknownError):
        fake_pandapon.faults.script(PAY_PATH, "processed_then_drop")
        await pandapon_client.alibaba.orders.batch_submit_to_pay([ids[2]])
    wrong = attrs.evolve(fake_pandapon.credentials, access_secret="wrong-secret-0c2e")
    async with PandaPonClient(wrong, base_url=fake_pandapon.url, rate_limit=None) as refused:
        with pytest.raises(AuthenticationError):
            await refused.alibaba.orders.get_detail(ids[0])

    signatures = {request.headers["signature"] for request in fake_pandapon.requests
                  if "signature" in request.headers}
    assert len(signatures) >= 5
    assert len(records) >= 7
    formatter = logging.Formatter("%(message)s")
    dump = "\n".join(
        formatter.format(record) + " " + " ".join(f"{k}={v}" for k, v in vars(record).items())
        for record in records
    )
    for secret in (fake_pandapon.credentials.access_secret, "wrong-secret-0c2e", marker,
                   *signatures):
        assert secret not in dump


def test_configure_logging_prints_the_fields_as_key_value() -> None:
    stream = io.StringIO()
    handler = configure_logging("info", stream)
    library = logging.getLogger("pandapon_async")
    try:
        logging.getLogger("pandapon_async.bulk").debug("not shown")
        library.info("answered", extra={"endpoint": "alibaba.orders.get_detail",
                                        "status": 200, "request_id": "r-1"})
    finally:
        library.removeHandler(handler)
        library.setLevel(logging.NOTSET)
    [line] = stream.getvalue().splitlines()
    assert line.endswith("pandapon_async INFO answered endpoint=alibaba.orders.get_detail "
                         "request_id=r-1 status=200")


def test_an_unknown_pandapon_log_value_warns_and_changes_nothing() -> None:
    with pytest.warns(RuntimeWarning, match="PANDAPON_LOG"):
        assert configure_logging_from_env({"PANDAPON_LOG": "loud"}) is None
    assert configure_logging_from_env({}) is None
    with pytest.raises(ValueError, match="level"):
        configure_logging("loud")


async def test_pandapon_log_turns_logging_on_without_code(fake_pandapon: FakePandaPon) -> None:
    """Rule 4: the stderr log PANDAPON_LOG switches on names the call and its request id,
    never the secret."""
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    credentials = fake_pandapon.credentials
    script = textwrap.dedent(f"""
        import asyncio
        from pandapon_async import Credentials, PandaPonClient

        async def main():
            credentials = Credentials({credentials.access_key!r}, {credentials.access_secret!r},
                                      {credentials.user_id!r})
            async with PandaPonClient(credentials, base_url={fake_pandapon.url!r}) as client:
                await client.alibaba.orders.get_detail({order_id!r})

        asyncio.run(main())
    """)
    environment = {**os.environ, "PANDAPON_LOG": "debug"}
    # The fake runs on this test's event loop: run the child without blocking it.
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, raw_stderr = await child.communicate()
    stderr = raw_stderr.decode()
    assert child.returncode == 0, stderr
    [line] = [line for line in stderr.splitlines() if "attempt=1" in line]
    assert " DEBUG " in line
    assert "endpoint=alibaba.orders.get_detail" in line
    assert "request_id=" in line and "status=200" in line
    assert credentials.access_secret not in stderr
