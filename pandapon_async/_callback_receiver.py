"""The aiohttp callback receiver: verify, record durably, answer 200, hand over in the background.

The request path does only what must happen before the answer: read (bounded), verify the
signature, check the content type and the envelope, record the message in the inbox. The
user's handler runs from the inbox in a worker task, so a slow or failing handler never
delays the answer the platform wants within 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Final, Self

import attrs
from aiohttp import web

from ._callback_message import (
    CallbackMessage,
    CallbackParseError,
    message_from_envelope,
    parse_envelope,
    verify_signature,
)
from ._inbox import CallbackInbox, InboxEntry, SQLiteInbox
from ._telemetry import observe_delivery, receiver_telemetry
from .errors import SignatureVerificationError

__all__ = [
    "DEFAULT_CALLBACK_PATH",
    "DEFAULT_INBOX_PATH",
    "DEFAULT_LEASE",
    "CallbackHandler",
    "CallbackReceiver",
    "ReceiveResult",
]

logger = logging.getLogger("pandapon_async.callbacks")

CallbackHandler = Callable[[CallbackMessage], Awaitable[object]]

DEFAULT_CALLBACK_PATH: Final = "/pandapon/callback"
DEFAULT_INBOX_PATH: Final = "pandapon-callbacks.sqlite3"
DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
# How long a claim on a message lasts without renewal: a receiver that dies mid-handler
# leaves the message to another receiver (or its own restart) after this long.
DEFAULT_LEASE: Final = 60.0
# The platform redelivers an unanswered message every 30 min up to 5 times, with (we assume)
# its original push time: a redelivery may legitimately be 2.5 h old. 6 h leaves room for
# clock skew and a slow first attempt while still refusing stale replays.
DEFAULT_TIMESTAMP_TOLERANCE: Final = 6 * 3600.0
# The worker also looks at the inbox this often, to notice changes made behind its back
# (a message requeued through the inbox object, by another tool, on the same file).
_POLL_INTERVAL = 30.0
_READ_CHUNK = 64 * 1024
_MAX_ERROR_TEXT = 2000
_JSON_CONTENT_TYPES = frozenset({"application/json", "text/json"})


@attrs.frozen
class ReceiveResult:
    """What the receiver answers to one delivery: HTTP ``status`` and a short ``reason``.

    ``message_id`` is set when the message was accepted; ``duplicate`` when it had already
    been recorded (a redelivery; it is not handled again).
    """

    status: int
    reason: str
    message_id: str | None = None
    duplicate: bool = False

    def to_response(self) -> web.Response:
        payload: dict[str, object] = {"ok": self.status == 200, "message": self.reason}
        if self.message_id is not None:
            payload["messageId"] = self.message_id
        return web.json_response(payload, status=self.status)


def _check_number(name: str, value: float | None, *, minimum: float, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ValueError(f"{name} must be a number >= {minimum}, got {value!r}")


def _error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 3] + "..."


class CallbackReceiver:
    """Receives the platform's order-event callbacks on an aiohttp application.

    Per delivery, in order: a body over ``max_body_bytes`` gets **413**; a missing or wrong
    ``Authorization`` signature **401**; a content type other than JSON **415**; a body that is
    not a callback message **400**; a ``timestamp`` more than ``timestamp_tolerance`` seconds
    from the ``clock`` **400** (a message without one is accepted); a failure to record the
    message **503** (the platform will deliver it again). Otherwise the message is recorded in
    the inbox and the answer is **200**, at once; a message already recorded also gets 200 and
    is not handled again.

    The worker hands each recorded message to ``handler`` (an async callable taking a
    :class:`CallbackMessage`) once. It first *claims* the message in the inbox for ``lease``
    seconds (renewed while the handler runs; the claim counts the attempt), so receivers
    sharing one inbox never handle a message twice at once. A handler that raises is retried
    up to ``max_attempts`` calls in all, waiting ``retry_backoff`` seconds doubling up to
    ``retry_backoff_max``; then the message is marked ``failed`` in the inbox, with its attempt
    count and last error, and kept. A body field that cannot be typed does not stop the
    message: the handler gets it with ``message.body_errors``. With
    ``requeue_failed_on_start`` (the default) failed messages get a fresh budget when the
    receiver starts, so a restart after a fix handles them.

    When the inbox cannot record an outcome, the write is retried (``inbox_retry_backoff``
    seconds doubling up to ``inbox_retry_backoff_max``), never the handler; a worker that
    cannot claim backs off the same way. A handler that was running when its process died
    runs again once the lease has run out: handling is exactly once while receivers live,
    at least once across crashes. ``owner`` names this receiver in claims (default: host,
    process id and a random suffix).

    ``inbox`` is a :class:`~pandapon_async.callbacks.CallbackInbox` (e.g. a
    :class:`~pandapon_async.callbacks.PostgresInbox` shared by replicas), or a path for a
    :class:`~pandapon_async.callbacks.SQLiteInbox`; by default
    ``pandapon-callbacks.sqlite3`` in the working directory. The receiver closes an inbox it
    created from a path, and leaves one passed in open.

    Mount it with :meth:`add_routes` (the app's startup and cleanup then start and stop the
    worker), run it alone with :meth:`make_app`, or drive :meth:`receive` from another
    framework between :meth:`start` and :meth:`close` (or ``async with receiver:``).
    """

    def __init__(
        self,
        access_secret: str,
        handler: CallbackHandler,
        *,
        inbox: CallbackInbox | str | os.PathLike[str] | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        timestamp_tolerance: float | None = DEFAULT_TIMESTAMP_TOLERANCE,
        require_json_content_type: bool = True,
        max_attempts: int = 5,
        retry_backoff: float = 1.0,
        retry_backoff_max: float = 300.0,
        handler_timeout: float | None = None,
        max_concurrency: int = 4,
        requeue_failed_on_start: bool = True,
        drain_timeout: float = 5.0,
        lease: float = DEFAULT_LEASE,
        inbox_retry_backoff: float = 0.05,
        inbox_retry_backoff_max: float = 5.0,
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
        telemetry: bool | None = None,
        meter_provider: object = None,
    ) -> None:
        if not isinstance(access_secret, str) or not access_secret:
            raise ValueError("access_secret must be a non-empty string")
        if not callable(handler):
            raise TypeError("handler must be an async callable taking a CallbackMessage")
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
            raise ValueError(f"max_body_bytes must be a positive integer, got {max_body_bytes!r}")
        _check_number("max_body_bytes", max_body_bytes, minimum=1, allow_none=False)
        _check_number("timestamp_tolerance", timestamp_tolerance, minimum=0, allow_none=True)
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f"max_attempts must be an integer >= 1, got {max_attempts!r}")
        _check_number("retry_backoff", retry_backoff, minimum=0, allow_none=False)
        _check_number("retry_backoff_max", retry_backoff_max, minimum=0, allow_none=False)
        _check_number("handler_timeout", handler_timeout, minimum=0, allow_none=True)
        if (
            isinstance(max_concurrency, bool)
            or not isinstance(max_concurrency, int)
            or max_concurrency < 1
        ):
            raise ValueError(f"max_concurrency must be an integer >= 1, got {max_concurrency!r}")
        _check_number("drain_timeout", drain_timeout, minimum=0, allow_none=False)
        _check_number("lease", lease, minimum=0.001, allow_none=False)
        _check_number("inbox_retry_backoff", inbox_retry_backoff, minimum=0.001, allow_none=False)
        _check_number(
            "inbox_retry_backoff_max", inbox_retry_backoff_max, minimum=0.001, allow_none=False
        )
        if owner is not None and (not isinstance(owner, str) or not owner):
            raise ValueError(f"owner must be a non-empty string, got {owner!r}")

        self._secret = access_secret
        self._handler = handler
        if inbox is None:
            inbox = DEFAULT_INBOX_PATH
        if isinstance(inbox, str | os.PathLike):
            self._inbox: CallbackInbox = SQLiteInbox(inbox)
            self._owns_inbox = True
        else:
            self._inbox = inbox
            self._owns_inbox = False
        self.max_body_bytes = max_body_bytes
        self.timestamp_tolerance = timestamp_tolerance
        self.require_json_content_type = require_json_content_type
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self.retry_backoff_max = retry_backoff_max
        self.handler_timeout = handler_timeout
        self.max_concurrency = max_concurrency
        self.requeue_failed_on_start = requeue_failed_on_start
        self.drain_timeout = drain_timeout
        self.lease = lease
        self.inbox_retry_backoff = inbox_retry_backoff
        self.inbox_retry_backoff_max = inbox_retry_backoff_max
        #: Names this receiver in the inbox's claims: unique per receiver object.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._clock = clock
        self._telemetry = receiver_telemetry(telemetry, meter_provider)  # [telemetry hook]

        self._worker: asyncio.Task[None] | None = None
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._in_handler: set[str] = set()  # in flight, handler not yet returned
        self._claiming = False
        self._dispatches = 0
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._stopping = False
        self._closed = False

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"CallbackReceiver(inbox={self._inbox!r}, {state})"

    @property
    def inbox(self) -> CallbackInbox:
        """The inbox messages are recorded in (list pending or failed ones, requeue them)."""
        return self._inbox

    @property
    def running(self) -> bool:
        """Whether the worker is handing messages to the handler."""
        return self._worker is not None and not self._worker.done()

    # ---------------------------------------------------------------------------------------
    # Mounting

    def add_routes(self, app: web.Application, path: str = DEFAULT_CALLBACK_PATH) -> None:
        """Route ``POST path`` to this receiver and start/stop its worker with ``app``."""
        app.router.add_post(path, self.handle_request)
        app.cleanup_ctx.append(self._lifespan)

    def make_app(self, path: str = DEFAULT_CALLBACK_PATH) -> web.Application:
        """A standalone application serving only this receiver (run it with ``web.run_app``)."""
        app = web.Application()
        self.add_routes(app, path)
        return app

    async def _lifespan(self, app: web.Application) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ---------------------------------------------------------------------------------------
    # Request path

    async def handle_request(self, request: web.Request) -> web.StreamResponse:
        """The aiohttp handler: one delivery in, one short JSON answer out."""
        declared = request.content_length
        if declared is not None and declared > self.max_body_bytes:
            return self._refuse(413, "body too large", request)
        body = bytearray()
        try:
            while chunk := await request.content.read(_READ_CHUNK):
                body += chunk
                if len(body) > self.max_body_bytes:
                    return self._refuse(413, "body too large", request)
        except Exception as error:  # broken chunked encoding, short body, ...
            return self._refuse(400, f"could not read the body ({type(error).__name__})", request)
        result = await self.receive(
            bytes(body),
            authorization=request.headers.get("Authorization"),
            content_type=request.content_type if "Content-Type" in request.headers else None,
        )
        if result.status != 200:
            logger.warning(
                "callback refused with %d: %s (from %s)",
                result.status,
                result.reason,
                request.remote,
            )
        return result.to_response()

    def _refuse(self, status: int, reason: str, request: web.Request) -> web.Response:
        logger.warning("callback refused with %d: %s (from %s)", status, reason, request.remote)
        if self._telemetry is not None:  # [telemetry hook] refused before receive()
            self._telemetry.delivery(status, reason, False)
        return ReceiveResult(status, reason).to_response()

    @observe_delivery  # [telemetry hook]
    async def receive(
        self, body: bytes, *, authorization: str | None, content_type: str | None
    ) -> ReceiveResult:
        """Check and record one delivery; framework-independent core of :meth:`handle_request`.

        ``content_type`` is the media type without parameters (``None`` if absent). Never
        raises for bad input: the result says what to answer.
        """
        if self._closed:
            return ReceiveResult(503, "receiver is shutting down; deliver it again")
        if len(body) > self.max_body_bytes:
            return ReceiveResult(413, "body too large")
        try:
            verify_signature(body, authorization, self._secret)
        except SignatureVerificationError as error:
            return ReceiveResult(401, str(error))
        if self.require_json_content_type and not _is_json(content_type):
            return ReceiveResult(415, "content type must be application/json")
        try:
            envelope = parse_envelope(body)
        except CallbackParseError as error:
            return ReceiveResult(400, str(error))
        except Exception:
            logger.exception("unexpected error parsing a callback message")
            return ReceiveResult(400, "invalid callback message")
        if self.timestamp_tolerance is not None and envelope.timestamp is not None:
            skew = envelope.timestamp.timestamp() - self._clock()
            if abs(skew) > self.timestamp_tolerance:
                return ReceiveResult(
                    400, f"timestamp is {abs(skew):.0f} s from now, beyond the tolerance"
                )
        platform = None if envelope.platform is None else int(envelope.platform)
        try:
            created = await self._inbox.record(
                message_id=envelope.message_id,
                message_type=envelope.message_type,
                platform=platform,
                timestamp_ms=envelope.timestamp_ms,
                body=body,
                now=self._clock(),
            )
        except Exception:
            # Not recorded, so not acknowledged: the platform's redelivery gets another chance.
            logger.exception("could not record callback %s", envelope.message_id)
            return ReceiveResult(503, "could not record the message; deliver it again")
        if created:
            self._wake.set()
            return ReceiveResult(200, "recorded", envelope.message_id)
        return ReceiveResult(200, "already recorded", envelope.message_id, duplicate=True)

    # ---------------------------------------------------------------------------------------
    # Worker

    async def start(self) -> None:
        """Start the worker (and requeue failed messages if so configured). Idempotent."""
        if self.running:
            return
        self._stopping = False
        self._closed = False
        if self.requeue_failed_on_start:
            requeued = await self._inbox.requeue_failed(now=self._clock())
            if requeued:
                logger.info("requeued %d failed callback messages", requeued)
        self._wake.set()
        self._worker = asyncio.create_task(self._work(), name="pandapon-callback-worker")

    async def close(self) -> None:
        """Stop the worker: let running handlers finish for up to ``drain_timeout`` seconds,
        cancel the rest (their messages stay pending for the next start), close an inbox the
        receiver created."""
        self._stopping = True
        self._closed = True
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        running = list(self._in_flight.values())
        if running:
            _, late = await asyncio.wait(running, timeout=self.drain_timeout)
            interrupted = list(self._in_handler)
            unrecorded = [
                message_id for message_id, task in self._in_flight.items()
                if task in late and message_id not in self._in_handler
            ]
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
            if unrecorded:
                logger.error(
                    "closing before the outcome of callbacks %s could be recorded; their "
                    "handlers ran and will run again once the claim's lease ends",
                    ", ".join(unrecorded),
                )
            if interrupted:
                # Give the claims back so the next start (or another replica) retries them
                # at once; if this fails too, the lease running out does the same later.
                try:
                    await self._inbox.release(interrupted, owner=self.owner, now=self._clock())
                except Exception:
                    logger.exception("could not release the claims of interrupted handlers")
        if self._owns_inbox:
            await self._inbox.close()

    async def requeue_failed(self, message_ids: Iterable[str] | None = None) -> int:
        """Give failed messages (all, or those listed) a fresh attempt budget now.

        Returns how many were requeued. Prefer this to the inbox's own ``requeue_failed``
        while the receiver runs: it also wakes the worker at once.
        """
        count = await self._inbox.requeue_failed(message_ids, now=self._clock())
        self._wake.set()
        return count

    async def wait_idle(self) -> None:
        """Wait until no handler is running and no pending message is due.

        Meant for tests and orderly shutdowns; messages waiting for a later retry do not
        count. The receiver must be started, or due messages never drain.
        """
        while True:
            self._progress.clear()
            if not self._busy():
                dispatches = self._dispatches
                due = await self._inbox.due(self._clock(), 1)
                unchanged = not self._busy() and dispatches == self._dispatches
                if unchanged and not due:
                    return
                if not unchanged:
                    continue  # the worker claimed meanwhile: look again
            await self._progress.wait()

    def _busy(self) -> bool:
        return bool(self._in_flight) or self._claiming

    async def _work(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            timeout: float | None
            try:
                now = self._clock()
                if self._telemetry is not None:  # [telemetry hook] inbox backlog gauge
                    await self._telemetry.refresh_backlog(self._inbox)
                slots_left = await self._dispatch_due(now)
                if slots_left:
                    next_due = await self._inbox.next_due_at(after=now)
                    timeout = _POLL_INTERVAL
                    if next_due is not None:
                        timeout = min(timeout, max(0.0, next_due - self._clock()))
                else:
                    timeout = None  # every slot busy: a finishing handler wakes the worker
                failures = 0
            except Exception:
                # Never spin on a broken inbox: wait longer after each failure in a row.
                timeout = self._backoff(failures)
                failures += 1
                logger.exception("callback inbox unavailable; trying again in %.3g s", timeout)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _backoff(self, failures: int) -> float:
        return float(min(self.inbox_retry_backoff_max, self.inbox_retry_backoff * 2.0**failures))

    async def _dispatch_due(self, now: float) -> bool:
        """Claim due messages and start their handlers; ``True`` when slots are left (every
        due message was claimed)."""
        free = self.max_concurrency - len(self._in_flight)
        if free <= 0:
            return False
        self._claiming = True
        try:
            claimed = await self._inbox.claim(
                owner=self.owner, now=now, lease=self.lease, limit=free
            )
        finally:
            self._claiming = False
            self._dispatches += 1
            self._progress.set()
        for entry in claimed:
            task = asyncio.create_task(
                self._handle(entry), name=f"pandapon-callback-{entry.message_id[:12]}"
            )
            self._in_flight[entry.message_id] = task
            task.add_done_callback(functools.partial(self._finished, entry.message_id))
        return len(claimed) < free

    def _finished(self, message_id: str, task: asyncio.Task[None]) -> None:
        # A retry due at once may already have been claimed again by a newer task.
        if self._in_flight.get(message_id) is task:
            del self._in_flight[message_id]
            self._in_handler.discard(message_id)
        self._wake.set()
        self._progress.set()
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "unexpected error handling callback %s", message_id, exc_info=task.exception()
            )

    async def _handle(self, entry: InboxEntry) -> None:
        renewer = asyncio.create_task(
            self._keep_claim(entry.message_id), name=f"pandapon-lease-{entry.message_id[:12]}"
        )
        try:
            await self._handle_claimed(entry)
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _keep_claim(self, message_id: str) -> None:
        """Renew the claim while the handler runs and while its outcome is being written, so
        that no other receiver takes the message over from a live one."""
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                held = await self._inbox.renew(
                    message_id, owner=self.owner, now=self._clock(), lease=self.lease
                )
            except Exception as error:
                logger.warning("could not renew the claim on callback %s: %s", message_id, error)
                continue
            if not held:
                logger.warning(
                    "lost the claim on callback %s (its lease ran out; another receiver may "
                    "have taken it over)",
                    message_id,
                )
                return

    async def _handle_claimed(self, entry: InboxEntry) -> None:
        attempts = entry.attempts  # counted by the claim, in the inbox
        if attempts > self.max_attempts:
            # Earlier claims ended without an outcome: their receivers stopped or died while
            # the handler ran (a handler that crashes its process would otherwise loop).
            text = (
                f"no outcome recorded after {attempts - 1} attempts (the receivers handling "
                "it stopped before the handler finished)"
            )
            logger.error("callback %s: %s; marked failed", entry.message_id, text)
            await self._write_outcome(entry, "failed", text, next_attempt_at=None)
            return
        try:
            message = message_from_envelope(parse_envelope(entry.body))
        except CallbackParseError as error:
            # The envelope was checked on receipt, so this is a record this version cannot
            # read: retrying would fail the same way. Keep it, visible, for a requeue.
            logger.error("callback %s cannot be parsed: %s", entry.message_id, error)
            if self._telemetry is not None:  # [telemetry hook]
                self._telemetry.handled(entry.message_type, "untyped")
            await self._write_outcome(entry, "failed", _error_text(error), next_attempt_at=None)
            return
        if message.body_errors:
            logger.warning(
                "callback %s (%s): some body fields could not be typed, handed over as None "
                "(raw values in message.body_errors): %s",
                entry.message_id,
                entry.message_type,
                "; ".join(str(error) for error in message.body_errors),
            )
        self._in_handler.add(entry.message_id)
        try:
            async with asyncio.timeout(self.handler_timeout):
                await self._handler(message)
        except asyncio.CancelledError:
            raise  # shutting down: close() gives the claim back
        except Exception as error:
            self._in_handler.discard(entry.message_id)
            await self._handler_failed(entry, attempts, error)
            return
        # From here on the handler has run: whatever happens to the writes below, it is not
        # invoked again by this receiver.
        self._in_handler.discard(entry.message_id)
        if self._telemetry is not None:  # [telemetry hook]
            self._telemetry.handled(entry.message_type, "done")
        await self._write_outcome(entry, "done", None, next_attempt_at=None)

    async def _handler_failed(self, entry: InboxEntry, attempts: int, error: Exception) -> None:
        text = _error_text(error)
        if self._telemetry is not None:  # [telemetry hook]
            self._telemetry.handled(entry.message_type,
                                    "failed" if attempts >= self.max_attempts else "retry")
        if attempts >= self.max_attempts:
            logger.error(
                "callback handler failed on %s (%s) %d times; marked failed",
                entry.message_id,
                entry.message_type,
                attempts,
                exc_info=error,
            )
            await self._write_outcome(entry, "failed", text, next_attempt_at=None)
            return
        delay = min(self.retry_backoff_max, self.retry_backoff * 2 ** (attempts - 1))
        logger.warning(
            "callback handler failed on %s (%s), attempt %d of %d; retrying in %.3g s",
            entry.message_id,
            entry.message_type,
            attempts,
            self.max_attempts,
            delay,
            exc_info=error,
        )
        await self._write_outcome(entry, "retry", text, next_attempt_at=delay)

    async def _write_outcome(
        self, entry: InboxEntry, outcome: str, error: str | None, *, next_attempt_at: float | None
    ) -> None:
        """Record the outcome of a handler call, retrying the write (never the handler) with
        backoff until it succeeds or the receiver is closed.

        ``next_attempt_at`` is, for a retry, the delay from the moment the write succeeds.
        """
        message_id = entry.message_id
        failures = 0
        while True:
            now = self._clock()
            try:
                if outcome == "done":
                    written = await self._inbox.mark_done(message_id, owner=self.owner, now=now)
                elif outcome == "retry":
                    assert error is not None and next_attempt_at is not None
                    written = await self._inbox.mark_retry(
                        message_id,
                        owner=self.owner,
                        error=error,
                        next_attempt_at=now + next_attempt_at,
                        now=now,
                    )
                else:
                    assert error is not None
                    written = await self._inbox.mark_failed(
                        message_id, owner=self.owner, error=error, now=now
                    )
            except Exception as write_error:
                delay = self._backoff(failures)
                failures += 1
                logger.warning(
                    "could not record %s for callback %s (try %d): %s; trying again in %.3g s "
                    "(the handler is not run again)",
                    outcome,
                    message_id,
                    failures,
                    _error_text(write_error),
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if not written:
                logger.warning(
                    "callback %s: %s not recorded, the message is no longer ours (its lease ran "
                    "out and another receiver took it over, or it is already done)",
                    message_id,
                    outcome,
                )
            return


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in _JSON_CONTENT_TYPES or media_type.endswith("+json")
