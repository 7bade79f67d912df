"""The one place that does I/O: sign, send, decode, retry, throttle, over one pooled session."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import aiohttp
import attrs

from . import _json
from ._concurrency import ConcurrencyCap
from ._credentials import Credentials
from ._envelope import decode_response
from ._observability import ANSWERS, ClientTelemetry, call_fields
from ._retry import RetryPolicy, is_retryable
from ._signing import HEADER_SIGNATURE, Signer, sign_attempt
from .errors import (
    ClientClosedError,
    ConnectError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    WrongEventLoopError,
)
from .limiters import RateLimiter, UnlimitedRateLimiter, report_rate_limited

__all__ = [
    "CallOptions",
    "RequestEvent",
    "RequestHook",
    "ResponseEvent",
    "ResponseHook",
    "Transport",
]

logger = logging.getLogger("pandapon_async")

_JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
_ACCEPT_HEADERS = {"Accept": "application/json"}
_CLOSE_MESSAGE = "pandapon client closed"
_get_running_loop = asyncio.get_running_loop
_current_task = asyncio.current_task


@attrs.frozen
class CallOptions:
    """Per-call settings: the timeout and the retry policy (see ``client.with_options``)."""

    timeout: aiohttp.ClientTimeout
    retry: RetryPolicy


@attrs.frozen
class RequestEvent:
    """Given to request hooks before each attempt is sent. Holds no secret and no signature."""

    method: str
    path: str
    attempt: int
    idempotent: bool
    headers: Mapping[str, str]
    body: bytes | None


@attrs.frozen
class ResponseEvent:
    """Given to response hooks after each attempt, successful or not."""

    method: str
    path: str
    attempt: int
    status: int | None
    request_id: str | None
    elapsed: float
    error: BaseException | None


RequestHook = Callable[[RequestEvent], Awaitable[None]]
ResponseHook = Callable[[ResponseEvent], Awaitable[None]]


def encode_json(payload: Any) -> bytes:
    """Compact UTF-8 JSON, as the platform expects; Python ints stay exact (19-digit ids)."""
    return _json.dumps(payload)


def forbid_silent_resends(session: aiohttp.ClientSession) -> None:
    """Stop aiohttp from resending a request on its own (rules 1 and 3).

    aiohttp resends GET/PUT/DELETE once, with the same headers (same nonce, so the platform
    refuses the copy as a replay) and unseen by hooks, when a kept-alive connection drops
    (``ServerDisconnectedError``/``ClientOSError``); ``get_pay_url`` is a GET that can pay.
    aiohttp has no public switch for it (aio-libs/aiohttp#10790); its own test client turns
    it off through this attribute. ``tests/test_money_wire.py`` proves it stays off.
    """
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False


class Transport:
    """Owns the aiohttp session, the limiter, the concurrency cap and the retry loop."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        base_url: str,
        signer: Signer,
        rate_limiter: RateLimiter,
        max_concurrency: int,
        session: aiohttp.ClientSession | None,
        request_hooks: Sequence[RequestHook] = (),
        response_hooks: Sequence[ResponseHook] = (),
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        telemetry: ClientTelemetry | None = None,
    ) -> None:
        self._credentials = credentials
        self._base_url = base_url
        self._signer = signer
        # A plain Signer (the default MD5Signer) is asked directly on every attempt; one that
        # sees the request (RequestSigner) goes through sign_attempt. Decided once.
        self._signs_requests = getattr(signer, "sign_request", None) is not None
        self._limiter = rate_limiter
        # The unlimited limiter can pass a caller without a coroutine (no 429 yet); any other
        # limiter, a subclass with its own acquire() included, is always awaited.
        self._acquire_now: Callable[[], bool] | None = (
            rate_limiter._acquire_now
            if isinstance(rate_limiter, UnlimitedRateLimiter)
            and type(rate_limiter).acquire is UnlimitedRateLimiter.acquire
            else None
        )
        self._concurrency = ConcurrencyCap(max_concurrency)
        self._max_concurrency = max_concurrency
        self._session = session
        self._owns_session = session is None
        if session is not None:
            forbid_silent_resends(session)
        self._request_hooks = tuple(request_hooks)
        self._response_hooks = tuple(response_hooks)
        self._sleep = sleep
        self._telemetry = telemetry  # [telemetry hook] None: instrumentation off
        self._inflight: set[asyncio.Task[Any]] = set()
        self._drained: asyncio.Event | None = None
        self._closed = False
        # The event loop the client first ran in (shared by every with_options view).
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def max_concurrency(self) -> int:
        return self._max_concurrency

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._limiter

    def check_loop(self) -> None:
        """A client belongs to the event loop it first ran in: its session, locks and
        semaphore are bound to that loop. Say so before anything is sent in another one."""
        loop = _get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise WrongEventLoopError(
                "this PandaPonClient was first used in another event loop, and a client "
                "belongs to the event loop it first ran in (its connection pool and limits "
                "are bound to it); nothing was sent. Create one client per event loop, "
                "e.g. inside the coroutine you pass to asyncio.run()"
            )

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._max_concurrency, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector)
            forbid_silent_resends(self._session)
        return self._session

    async def open(self) -> None:
        if self._closed:
            raise ClientClosedError("this PandaPonClient is closed; create a new one")
        self._ensure_session()

    async def aclose(self) -> None:
        """Cancel calls in flight (they raise), wait for them to unwind, close the session."""
        if self._closed:
            return
        self._closed = True
        current = asyncio.current_task()
        pending = [task for task in self._inflight if task is not current]
        if pending:
            self._drained = asyncio.Event()
            for task in pending:
                task.cancel(_CLOSE_MESSAGE)
            await self._drained.wait()
        if self._owns_session and self._session is not None:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        endpoint: str,
        body: bytes | None,
        params: Mapping[str, Any] | None,
        idempotent: bool,
        options: CallOptions,
        check_business: bool = True,
    ) -> tuple[Any, str | None]:
        """Send one logical call (with its retries); return the envelope's
        ``(data, request_id)``.

        ``endpoint`` is ``"METHOD /path"`` for messages; ``body`` the encoded JSON body, if
        any. Called directly by ``Endpoint.call`` and ``client.call`` (no forwarding layer:
        every resume of a task walks each coroutine frame of its chain).

        Rule 0: on a call that is not idempotent, any final failure after the request may
        have reached the platform without an envelope proving otherwise (server error,
        :class:`UnexpectedResponseError`, timeout, dropped connection) is raised as
        :class:`OutcomeUnknownError` caused by the specific error.
        """
        loop = _get_running_loop()
        if self._loop is not loop:
            self.check_loop()
        if self._closed:
            raise ClientClosedError(f"{endpoint}: this PandaPonClient is closed")
        task = _current_task(loop)
        assert task is not None
        query = None if params is None else {k: _query_value(v) for k, v in params.items()
                                              if v is not None}
        sent = False
        # [telemetry hook] a call's spans and metrics; None when instrumentation is off
        call = None if self._telemetry is None else self._telemetry.call_started(
            method, path, idempotent)
        inflight = self._inflight
        inflight.add(task)
        try:
            retry = options.retry
            attempt = 0
            while True:
                attempt += 1
                try:
                    sent = False
                    # A free slot is taken without a coroutine; a caller cancelled while
                    # waiting holds nothing.
                    concurrency = self._concurrency
                    if not concurrency.take_now():
                        await concurrency.take()
                    try:
                        if call is not None:  # [telemetry hook]
                            call.attempt_started(attempt)
                        acquire_now = self._acquire_now
                        if acquire_now is None or not acquire_now():
                            await self._limiter.acquire()
                        if call is not None:  # [telemetry hook]
                            call.limiter_passed()
                        sent = True
                        return await self._attempt(
                            method, path, endpoint, body, query, idempotent, attempt,
                            options.timeout, check_business,
                        )
                    finally:
                        concurrency.give_back()
                except PandaPonError as error:
                    if attempt > retry.max_retries or not is_retryable(error, idempotent):
                        if not idempotent:
                            unknown = _unknown_outcome(endpoint, error)
                            if unknown is not None:
                                raise unknown from error
                        raise
                    retry_after = (error.retry_after if isinstance(
                        error, RateLimitError | UnexpectedResponseError) else None)
                    if isinstance(error, RateLimitError):
                        delay = retry.rate_limited_delay(attempt, retry_after)
                    else:
                        delay = retry.delay(attempt, retry_after)
                    logger.info(
                        "%s attempt %d failed (%s); retrying in %.3fs",
                        endpoint, attempt, type(error).__name__, delay,
                        extra=call_fields(method, path, attempt, getattr(error, "request_id", None),
                                          getattr(error, "http_status", None)),
                    )
                    if call is not None:  # [telemetry hook]
                        call.retry_scheduled(error, delay)
                    if isinstance(error, RateLimitError):
                        # Hold every caller of this client back, not just this one.
                        await report_rate_limited(self._limiter, delay)
                    else:
                        await self._sleep(delay)
        except asyncio.CancelledError:
            if self._closed and task.uncancel() == 0:
                if sent and not idempotent:
                    raise OutcomeUnknownError(
                        f"{endpoint}: the client was closed while the request was in flight; "
                        "the platform may have acted on it",
                        endpoint=endpoint,
                        reason="the client was closed while the request was in flight",
                    ) from None
                raise ClientClosedError(
                    f"{endpoint}: the client was closed before the call completed"
                ) from None
            raise
        finally:
            if call is not None:  # [telemetry hook]
                call.finished()
            inflight.discard(task)
            if self._drained is not None and not inflight:
                self._drained.set()

    async def _attempt(
        self,
        method: str,
        path: str,
        endpoint: str,
        body: bytes | None,
        query: Mapping[str, str] | None,
        idempotent: bool,
        attempt: int,
        client_timeout: aiohttp.ClientTimeout,
        check_business: bool,
    ) -> tuple[Any, str | None]:
        session = self._ensure_session()
        # Signed afresh for every attempt (rule 3). A plain Signer (the default MD5Signer) is
        # asked directly: no SignedAttempt to build per attempt.
        if not self._signs_requests:
            headers = self._signer.sign(self._credentials)
        else:
            signed = sign_attempt(self._signer, self._credentials, method, path)
            headers = signed.headers
            if signed.query:  # an endpoint group authenticated in the query string
                query = {**(query or {}), **signed.query}
        headers.update(_JSON_HEADERS if body is not None else _ACCEPT_HEADERS)
        if self._request_hooks:
            event = RequestEvent(
                method, path, attempt, idempotent,
                {k: v for k, v in headers.items() if k != HEADER_SIGNATURE}, body,
            )
            for hook in self._request_hooks:
                await hook(event)
        started = time.perf_counter()
        status: int | None = None
        request_id: str | None = None
        error: BaseException | None = None
        try:
            try:
                # No redirects: following one would resend the signed request (same nonce)
                # below the library, possibly to another host; a 3xx is no envelope (rule 0).
                async with session.request(
                    method, self._base_url + path, data=body, params=query, headers=headers,
                    timeout=client_timeout, allow_redirects=False,
                ) as response:
                    status = response.status
                    raw = await response.read()
                    response_headers = response.headers
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
                raise ConnectError(
                    f"{endpoint}: could not connect ({type(exc).__name__}: {exc}); "
                    "the request was not sent",
                    endpoint=endpoint,
                ) from exc
            except TimeoutError as exc:
                raise OutcomeUnknownError(
                    f"{endpoint}: no answer within the timeout; the platform may have acted on it",
                    endpoint=endpoint,
                    reason="no answer within the timeout",
                    cause=exc,
                ) from exc
            except aiohttp.ClientError as exc:
                # A dropped connection (also a kept-alive one dropped as the request went
                # out), a body cut short, a malformed HTTP answer: the request may have been
                # written, so the platform may have acted on it.
                raise OutcomeUnknownError(
                    f"{endpoint}: the connection failed after the request was sent "
                    f"({type(exc).__name__}: {exc}); the platform may have acted on it",
                    endpoint=endpoint,
                    reason=f"the connection failed after the request was sent "
                           f"({type(exc).__name__})",
                    cause=exc,
                ) from exc
            data, request_id = decode_response(
                status, raw, response_headers, endpoint=endpoint, check_business=check_business
            )
            if (sink := ANSWERS.get()) is not None:  # [telemetry hook] raw response, spans
                sink.answered(method, path, attempt, status, response_headers, request_id, started)
            return data, request_id
        except PandaPonError as exc:
            error = exc
            request_id = getattr(exc, "request_id", None)
            raise
        finally:
            elapsed = time.perf_counter() - started
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s attempt=%d status=%s request_id=%s elapsed=%.4fs%s",
                    endpoint, attempt, status, request_id, elapsed,
                    f" error={type(error).__name__}" if error else "",
                    extra=call_fields(method, path, attempt, request_id, status, elapsed),
                )
            if self._response_hooks:
                response_event = ResponseEvent(
                    method, path, attempt, status, request_id, elapsed, error
                )
                for response_hook in self._response_hooks:
                    await response_hook(response_event)


def _unknown_outcome(endpoint: str, error: PandaPonError) -> OutcomeUnknownError | None:
    """What a final ``error`` on a call that is not idempotent means (rule 0): the outcome is
    unknown unless an envelope proved the platform did not act, or the request was not sent."""
    if isinstance(error, ServerError):
        reason = f"the platform answered with a server error (HTTP {error.http_status}, " \
                 f"code={error.code!r})"
    elif isinstance(error, UnexpectedResponseError):
        reason = (f"the answer was not a PandaPon envelope (HTTP {error.http_status}, "
                  f"{error.content_type or 'no content type'})")
    else:
        return None
    return OutcomeUnknownError(
        f"{endpoint}: {reason} after the request was sent; the platform may have acted on it "
        f"({error})",
        endpoint=endpoint,
        reason=reason,
        cause=error,
    )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

