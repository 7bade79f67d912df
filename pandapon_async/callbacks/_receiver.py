"""The aiohttp callback receiver: verify, record durably, answer 200, hand over in the background.

The request path does only what must happen before the answer: read (bounded), verify the
signature, check the content type and the envelope, record the message in the inbox. The
user's handler runs from the inbox in a worker task, so a slow or failing handler never
delays the answer the platform wants within 1 s.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Final, Self

import attrs
from aiohttp import web

from .._observability import observe_delivery, receiver_telemetry
from ..errors import SignatureVerificationError
from ._fields import CallbackParseError
from ._inbox import CallbackInbox
from ._message import parse_envelope
from ._signature import verify_signature
from ._sqlite_inbox import SQLiteInbox
from ._worker import CallbackHandler, InboxWorker

logger = logging.getLogger("pandapon_async.callbacks")

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
_READ_CHUNK = 64 * 1024
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


class CallbackReceiver(InboxWorker):
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
        self._init_worker_state()


    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"CallbackReceiver(inbox={self._inbox!r}, {state})"

    @property
    def inbox(self) -> CallbackInbox:
        """The inbox messages are recorded in (list pending or failed ones, requeue them)."""
        return self._inbox

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


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in _JSON_CONTENT_TYPES or media_type.endswith("+json")
