"""CallbackReceiver on 127.0.0.1, driven by a plain aiohttp client posting signed bodies."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from pandapon_async.callbacks import (
    CallbackInbox,
    CallbackMessage,
    CallbackReceiver,
    InboxStatus,
    MemoryInbox,
    OrderEventBody,
    SQLiteInbox,
)

SECRET = "receiver-secret"
PATH = "/pandapon/callback"


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def message_bytes(
    order_id: str = "2059624776425880794",
    *,
    message_type: str = "ORDER_PAY_SUCCESS",
    timestamp_ms: int | None = None,
    body: Any = None,
) -> bytes:
    document = {
        "messageType": message_type,
        "messageBody": json.dumps(
            {"orderId": order_id, "orderStatus": "WAITING_FOR_SENT", "payStatus": 2}
            if body is None
            else body
        ),
        "messagePlatform": 1,
        "timestamp": str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms),
    }
    return json.dumps(document).encode()


class Handler:
    """Records what it is given; can fail its first calls or wait on a gate."""

    def __init__(self, *, fail_first: int = 0, gate: asyncio.Event | None = None) -> None:
        self.fail_first = fail_first
        self.gate = gate
        self.calls = 0
        self.started = asyncio.Event()
        self.handled: list[CallbackMessage] = []
        self.changed = asyncio.Event()

    async def __call__(self, message: CallbackMessage) -> None:
        self.calls += 1
        self.started.set()
        self.changed.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            if self.calls <= self.fail_first:
                raise RuntimeError(f"handler failure #{self.calls}")
            self.handled.append(message)
        finally:
            self.changed.set()

    async def wait_calls(self, count: int) -> None:
        while self.calls < count:
            self.changed.clear()
            await self.changed.wait()


@asynccontextmanager
async def serve(
    receiver: CallbackReceiver, app: web.Application | None = None
) -> AsyncIterator[str]:
    if app is None:
        app = receiver.make_app(PATH)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}{PATH}"
    finally:
        await runner.cleanup()


async def post(
    url: str,
    body: bytes,
    *,
    authorization: str | None = "sign",
    content_type: str | None = "application/json",
) -> tuple[int, dict[str, Any]]:
    headers = {}
    if authorization == "sign":
        headers["Authorization"] = sign(body)
    elif authorization is not None:
        headers["Authorization"] = authorization
    if content_type is not None:
        headers["Content-Type"] = content_type
    async with (
        aiohttp.ClientSession(skip_auto_headers=("Content-Type",)) as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        payload: dict[str, Any] = await response.json(content_type=None)
        return response.status, payload


def make_receiver(
    handler: Callable[[CallbackMessage], Any], inbox: CallbackInbox | Path, **options: Any
) -> CallbackReceiver:
    options.setdefault("retry_backoff", 0.001)
    options.setdefault("drain_timeout", 0.5)
    return CallbackReceiver(SECRET, handler, inbox=inbox, **options)


# ---------------------------------------------------------------------------------- accepting


async def test_good_message_is_answered_200_and_handled_once(tmp_path: Path) -> None:
    handler = Handler()
    receiver = make_receiver(handler, tmp_path / "inbox.sqlite3")
    body = message_bytes()
    async with serve(receiver) as url:
        status, payload = await post(url, body)
        await receiver.wait_idle()
        entry = await receiver.inbox.get(payload["messageId"])

    assert (status, payload["ok"]) == (200, True)
    assert handler.calls == 1
    [message] = handler.handled
    assert message.message_type == "ORDER_PAY_SUCCESS"
    assert isinstance(message.body, OrderEventBody)
    assert message.body.order_id == "2059624776425880794"
    assert entry is not None
    assert (entry.status, entry.attempts, entry.deliveries) == (InboxStatus.DONE, 1, 1)
    assert entry.body == body  # the signed bytes, exactly as received


async def test_redelivered_message_gets_200_and_is_not_handled_again(tmp_path: Path) -> None:
    handler = Handler()
    receiver = make_receiver(handler, tmp_path / "inbox.sqlite3")
    body = message_bytes()
    async with serve(receiver) as url:
        first = await post(url, body)
        await receiver.wait_idle()
        second = await post(url, body)
        await receiver.wait_idle()
        entry = await receiver.inbox.get(first[1]["messageId"])

    assert first[0] == second[0] == 200
    assert second[1]["messageId"] == first[1]["messageId"]
    assert handler.calls == 1
    assert entry is not None and entry.deliveries == 2


async def test_charset_and_json_suffix_content_types_are_accepted() -> None:
    handler = Handler()
    receiver = make_receiver(handler, MemoryInbox())
    async with serve(receiver) as url:
        ok_charset = await post(
            url, message_bytes("1"), content_type="application/json; charset=UTF-8"
        )
        ok_suffix = await post(url, message_bytes("2"), content_type="application/vnd.x+json")
        await receiver.wait_idle()
    assert ok_charset[0] == ok_suffix[0] == 200
    assert handler.calls == 2


async def test_slow_handler_does_not_delay_the_answer() -> None:
    gate = asyncio.Event()
    handler = Handler(gate=gate)
    receiver = make_receiver(handler, MemoryInbox())
    async with serve(receiver) as url:
        first = await post(url, message_bytes("1"))
        await handler.started.wait()
        second = await post(url, message_bytes("2"))  # answered while the handler is blocked
        assert not gate.is_set() and handler.handled == []
        gate.set()
        await receiver.wait_idle()
    assert first[0] == second[0] == 200
    assert sorted(m.body.order_id for m in handler.handled) == ["1", "2"]


async def test_mounts_on_the_users_application_beside_other_routes(tmp_path: Path) -> None:
    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    handler = Handler()
    receiver = make_receiver(handler, tmp_path / "inbox.sqlite3")
    app = web.Application()
    app.router.add_get("/health", health)
    receiver.add_routes(app, PATH)
    async with serve(receiver, app) as url:
        assert receiver.running
        status, _ = await post(url, message_bytes())
        await receiver.wait_idle()
        async with (
            aiohttp.ClientSession() as session,
            session.get(url.replace(PATH, "/health")) as response,
        ):
            assert await response.text() == "ok"
    assert status == 200 and handler.calls == 1
    assert not receiver.running


# ---------------------------------------------------------------------------------- refusing


@pytest.mark.parametrize(
    ("authorization", "expected_reason"),
    [(None, "no Authorization"), ("", "no Authorization"), ("0" * 64, "does not match")],
)
async def test_missing_or_wrong_signature_is_refused_with_401(
    authorization: str | None, expected_reason: str
) -> None:
    handler = Handler()
    inbox = MemoryInbox()
    receiver = make_receiver(handler, inbox)
    async with serve(receiver) as url:
        status, payload = await post(url, message_bytes(), authorization=authorization)
    assert status == 401
    assert expected_reason in payload["message"]
    assert SECRET not in json.dumps(payload)
    assert await inbox.entries() == [] and handler.calls == 0


async def test_tampered_body_is_refused_with_401() -> None:
    handler = Handler()
    inbox = MemoryInbox()
    receiver = make_receiver(handler, inbox)
    body = message_bytes("1")
    async with serve(receiver) as url:
        status, _ = await post(url, body.replace(b'\\"1\\"', b'\\"2\\"'), authorization=sign(body))
    assert status == 401
    assert await inbox.entries() == [] and handler.calls == 0


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_non_json_content_type_is_refused_with_415(content_type: str | None) -> None:
    receiver = make_receiver(Handler(), MemoryInbox())
    async with serve(receiver) as url:
        status, payload = await post(url, message_bytes(), content_type=content_type)
    assert status == 415
    assert "application/json" in payload["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json at all", "body"),
        (b'{"messageBody": {}, "timestamp": "1"}', "messageType"),
        (b'{"messageType": "ORDER_CREATE", "timestamp": "later"}', "timestamp"),
    ],
)
async def test_malformed_message_is_refused_with_400_naming_the_field(
    body: bytes, field: str
) -> None:
    receiver = make_receiver(Handler(), MemoryInbox(), timestamp_tolerance=None)
    async with serve(receiver) as url:
        status, payload = await post(url, body)
    assert status == 400
    assert field in payload["message"]


async def test_timestamp_beyond_tolerance_is_refused_with_400() -> None:
    now = 1_700_000_000.0
    receiver = make_receiver(Handler(), MemoryInbox(), timestamp_tolerance=600, clock=lambda: now)
    async with serve(receiver) as url:
        stale = await post(url, message_bytes("1", timestamp_ms=int((now - 601) * 1000)))
        future = await post(url, message_bytes("2", timestamp_ms=int((now + 601) * 1000)))
        fresh = await post(url, message_bytes("3", timestamp_ms=int((now - 599) * 1000)))
    assert stale[0] == future[0] == 400
    assert "timestamp" in stale[1]["message"]
    assert fresh[0] == 200


async def test_default_tolerance_accepts_a_redelivery_hours_after_the_push() -> None:
    handler = Handler()
    receiver = make_receiver(handler, MemoryInbox())
    two_and_a_half_hours_ago = int((time.time() - 2.5 * 3600) * 1000)
    async with serve(receiver) as url:
        status, _ = await post(url, message_bytes(timestamp_ms=two_and_a_half_hours_ago))
        await receiver.wait_idle()
    assert status == 200 and handler.calls == 1


async def test_oversize_body_is_refused_with_413_declared_or_streamed() -> None:
    receiver = make_receiver(Handler(), MemoryInbox(), max_body_bytes=300)
    big = message_bytes(body={"orderId": "1", "padding": "x" * 400})

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 100):
            yield big[start : start + 100]

    async with serve(receiver) as url:
        declared = await post(url, big)
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                url,
                data=chunks(),
                headers={"Authorization": sign(big), "Content-Type": "application/json"},
            ) as response,
        ):
            streamed = response.status
        assert (await post(url, message_bytes("1")))[0] == 200  # the receiver is still fine
    assert declared[0] == 413 and streamed == 413


async def test_garbage_never_breaks_the_receiver() -> None:
    handler = Handler()
    receiver = make_receiver(handler, MemoryInbox(), timestamp_tolerance=None)
    garbage = [b"", b"\x00\xff\xfe", b"[" * 50_000, b"null", b'{"messageType": []}', b"{}" * 100]
    async with serve(receiver) as url:
        statuses = [(await post(url, body))[0] for body in garbage]
        statuses.append((await post(url, b"{}", authorization="\u00e9" * 64))[0])
        good = await post(url, message_bytes())
        await receiver.wait_idle()
    assert all(400 <= status < 500 for status in statuses)
    assert good[0] == 200 and handler.calls == 1


async def test_inbox_failure_answers_503_so_the_platform_delivers_again() -> None:
    class BrokenInbox(MemoryInbox):
        async def record(self, **fields: Any) -> bool:
            raise OSError("disk full")

    handler = Handler()
    receiver = make_receiver(handler, BrokenInbox())
    async with serve(receiver) as url:
        status, payload = await post(url, message_bytes())
    assert status == 503
    assert payload["ok"] is False
    assert handler.calls == 0


# ---------------------------------------------------------------------------------- failures


async def test_failing_handler_is_retried_then_succeeds() -> None:
    handler = Handler(fail_first=2)
    receiver = make_receiver(handler, MemoryInbox(), max_attempts=5)
    async with serve(receiver) as url:
        _, payload = await post(url, message_bytes())
        await handler.wait_calls(3)
        await receiver.wait_idle()
        entry = await receiver.inbox.get(payload["messageId"])
    assert handler.calls == 3 and len(handler.handled) == 1
    assert entry is not None
    assert (entry.status, entry.attempts) == (InboxStatus.DONE, 3)
    assert entry.last_error == "RuntimeError: handler failure #2"


async def test_handler_that_keeps_failing_leaves_the_message_failed_and_visible() -> None:
    handler = Handler(fail_first=100)
    inbox = MemoryInbox()
    receiver = make_receiver(handler, inbox, max_attempts=3)
    async with serve(receiver) as url:
        _, payload = await post(url, message_bytes())
        await handler.wait_calls(3)
        await receiver.wait_idle()
        [failed] = await inbox.list_failed()
        assert await inbox.list_pending() == []
        assert handler.calls == 3  # no attempt beyond the budget

        handler.fail_first = 0
        assert await receiver.requeue_failed() == 1
        await receiver.wait_idle()
        assert len(handler.handled) == 1
        assert (await inbox.get(payload["messageId"])).status is InboxStatus.DONE  # type: ignore[union-attr]
    assert failed.message_id == payload["messageId"]
    assert (failed.status, failed.attempts) == (InboxStatus.FAILED, 3)
    assert failed.last_error == "RuntimeError: handler failure #3"
    assert failed.message().message_id == failed.message_id


async def test_restart_handles_failed_and_pending_messages(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    gate = asyncio.Event()
    failing = Handler(fail_first=100)
    first = make_receiver(failing, path, max_attempts=2)
    async with serve(first) as url:
        _, failed_payload = await post(url, message_bytes("1"))
        await failing.wait_calls(2)
        await first.wait_idle()
        # A second message whose handler is still running when the receiver stops.
        failing.gate = gate
        _, pending_payload = await post(url, message_bytes("2"))
        await failing.wait_calls(3)
        first.drain_timeout = 0
    assert not gate.is_set()

    async with SQLiteInbox(path) as inbox:
        states = {entry.message_id: entry.status for entry in await inbox.entries()}
    assert states == {
        failed_payload["messageId"]: InboxStatus.FAILED,
        pending_payload["messageId"]: InboxStatus.PENDING,
    }

    working = Handler()
    second = make_receiver(working, path)
    async with serve(second):
        await second.wait_idle()
        entries = await second.inbox.entries()
    assert sorted(m.body.order_id for m in working.handled) == ["1", "2"]
    assert all(entry.status is InboxStatus.DONE for entry in entries)


async def test_body_field_that_cannot_be_typed_is_handed_over_with_its_raw_value() -> None:
    """Rule 6 and 7: a body field that fails typing never makes the message undeliverable;
    the amount is not guessed (``None``) and its raw value reaches the handler."""
    handler = Handler()
    inbox = MemoryInbox()
    receiver = make_receiver(handler, inbox)
    body = message_bytes(body={"orderId": "1", "totalAmount": "12.50", "payStatus": 2})
    async with serve(receiver) as url:
        status, payload = await post(url, body)
        await receiver.wait_idle()
    assert status == 200
    [message] = handler.handled
    assert message.is_typed
    assert (message.body.order_id, message.body.pay_status) == ("1", 2)
    assert message.body.total_amount is None
    [error] = message.body_errors
    assert (error.field, error.value) == ("messageBody.totalAmount", "12.50")
    entry = await inbox.get(payload["messageId"])
    assert entry is not None and entry.status is InboxStatus.DONE


async def test_message_without_timestamp_is_accepted_and_handled() -> None:
    """The platform documents ``timestamp`` as optional: refusing it would lose the message."""
    handler = Handler()
    receiver = make_receiver(handler, MemoryInbox())
    for timestamp in (None, "missing"):
        document = json.loads(message_bytes(str(timestamp)))
        if timestamp is None:
            document["timestamp"] = None
        else:
            del document["timestamp"]
        body = json.dumps(document).encode()
        async with serve(receiver) as url:
            status, _ = await post(url, body)
            again, payload = await post(url, body)
            await receiver.wait_idle()
        assert (status, again) == (200, 200)
        entry = await receiver.inbox.get(payload["messageId"])
        assert entry is not None and entry.timestamp is None and entry.deliveries == 2
    assert [m.timestamp for m in handler.handled] == [None, None]
    assert [m.body.order_id for m in handler.handled] == ["None", "missing"]


async def test_handler_timeout_counts_as_a_failure() -> None:
    handler = Handler(gate=asyncio.Event())
    inbox = MemoryInbox()
    receiver = make_receiver(handler, inbox, max_attempts=1, handler_timeout=0.01)
    async with serve(receiver) as url:
        await post(url, message_bytes())
        await handler.wait_calls(1)
        await receiver.wait_idle()
    [failed] = await inbox.list_failed()
    assert failed.last_error is not None and failed.last_error.startswith("TimeoutError")


# ------------------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    "options",
    [
        {"max_body_bytes": 0},
        {"max_attempts": 0},
        {"timestamp_tolerance": -1},
        {"max_concurrency": 0},
        {"retry_backoff": -1},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CallbackReceiver(SECRET, Handler(), inbox=MemoryInbox(), **options)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="access_secret"):
        CallbackReceiver("", Handler(), inbox=MemoryInbox())


def test_repr_never_shows_the_secret() -> None:
    receiver = CallbackReceiver(SECRET, Handler(), inbox=MemoryInbox())
    assert SECRET not in repr(receiver)


async def test_unknown_message_type_reaches_the_handler_raw() -> None:
    handler = Handler()
    receiver = make_receiver(handler, MemoryInbox())
    body = message_bytes(message_type="SOMETHING_NEW", body={"whatever": [1, 2]})
    async with serve(receiver) as url:
        status, _ = await post(url, body)
        await receiver.wait_idle()
    [message] = handler.handled
    assert status == 200
    assert (message.message_type, message.body) == ("SOMETHING_NEW", {"whatever": [1, 2]})


async def test_receive_after_close_answers_503() -> None:
    receiver = make_receiver(Handler(), MemoryInbox())
    async with receiver:
        pass
    body = message_bytes()
    result = await receiver.receive(body, authorization=sign(body), content_type="application/json")
    assert result.status == 503


# ------------------------------------------------------------------------------- SQLiteInbox


async def record(inbox: CallbackInbox, message_id: str, now: float = 1000.0) -> bool:
    return await inbox.record(
        message_id=message_id,
        message_type="ORDER_CREATE",
        platform=1,
        timestamp_ms=1_700_000_000_000,
        body=b"{}",
        now=now,
    )


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_inbox_records_once_and_tracks_state(tmp_path: Path, kind: str) -> None:
    inbox: SQLiteInbox | MemoryInbox = (
        SQLiteInbox(tmp_path / "inbox.sqlite3") if kind == "sqlite" else MemoryInbox()
    )
    try:
        assert await record(inbox, "a") is True
        assert await record(inbox, "a") is False
        assert await record(inbox, "b", now=1001.0) is True
        assert [e.message_id for e in await inbox.due(1000.5, 10)] == ["a"]
        assert await inbox.next_due_at(after=1000.5) == 1001.0

        [a] = await inbox.claim(owner="r1", now=1001.5, lease=10.0, limit=1)
        assert (a.message_id, a.attempts, a.claimed_by) == ("a", 1, "r1")
        assert await inbox.mark_retry(
            "a", owner="r1", error="boom", next_attempt_at=2000.0, now=1002.0
        )
        [b] = await inbox.claim(owner="r1", now=1002.0, lease=10.0, limit=5)
        assert b.message_id == "b"
        assert await inbox.mark_failed("b", owner="r1", error="bad", now=1002.0)
        [a] = await inbox.claim(owner="r1", now=2000.0, lease=10.0, limit=5)
        assert await inbox.mark_done("a", owner="r1", now=1003.0)
        assert not await inbox.mark_done("a", owner="r1", now=1003.0)  # done is final
        a, b = await inbox.entries()
        assert (a.status, a.attempts, a.deliveries, a.last_error, a.claimed_by) == (
            InboxStatus.DONE,
            2,
            2,
            "boom",
            None,
        )
        assert (b.status, b.attempts, b.last_error) == (InboxStatus.FAILED, 1, "bad")
        assert [e.message_id for e in await inbox.list_failed()] == ["b"]

        assert await inbox.requeue_failed(["nope"], now=1004.0) == 0
        assert await inbox.requeue_failed(["b"], now=1004.0) == 1
        b = await inbox.get("b")  # type: ignore[assignment]
        assert (b.status, b.attempts) == (InboxStatus.PENDING, 0)
        assert [e.message_id for e in await inbox.list_pending()] == ["b"]

        assert await inbox.purge(older_than=1003.5) == 1  # only "a", done
        assert [e.message_id for e in await inbox.entries()] == ["b"]
        assert await inbox.get("a") is None
    finally:
        await inbox.close()


async def test_sqlite_inbox_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite3"
    async with SQLiteInbox(path) as inbox:
        await record(inbox, "kept")
    async with SQLiteInbox(path) as reopened:
        [entry] = await reopened.entries()
    assert (entry.message_id, entry.status, entry.body) == ("kept", InboxStatus.PENDING, b"{}")
