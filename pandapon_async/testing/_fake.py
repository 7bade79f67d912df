"""FakePandaPon: a stateful fake of the PandaPon platform on 127.0.0.1, with faults."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .._credentials import Credentials
from .._signing import (
    HEADER_ACCESS_KEY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_USER_ID,
    compute_signature,
)
from ._callbacks import PLATFORM_RETRY_DELAYS, CallbackDispatcher
from ._clock import FakeClock
from ._controls import AlibabaControls, TaobaoControls
from ._faults import AFTER_PROCESSING_KINDS, FaultDecision, Faults
from ._records import CallbackDelivery, LoggedRequest
from ._routes import Handler, Route, build_routes, run_route
from ._state import FakeState
from ._validation import FakeAPIError, check_query_signature, is_logistics_path

__all__ = ["DEFAULT_FAKE_CREDENTIALS", "FakePandaPon"]

logger = logging.getLogger("pandapon_async.testing")

DEFAULT_FAKE_CREDENTIALS = Credentials(
    access_key="fake-access-key", access_secret="fake-access-secret", user_id="2100007340000"
)
DEVELOP_ID = "1014533973088404335"
_JSON_HEADERS = {"Content-Type": "application/json"}
_REQUIRED_HEADERS = (HEADER_ACCESS_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_USER_ID,
                     HEADER_SIGNATURE)
_DROP_STATUS: None = None
_MS_DIGITS = 13
_JSON_OK = 200
_HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}
_HTML_REASONS = {
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}
_FAULT_MESSAGES = {
    429: "请求过于频繁 (too many requests)",
    500: "系统繁忙 (internal server error)",
    502: "Bad Gateway",
    503: "服务不可用 (service unavailable)",
    504: "Gateway Timeout",
}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _encode(payload: Mapping[str, Any]) -> bytes:
    return _ENCODER.encode(payload).encode()


class FakePandaPon:
    """A fake of the PandaPon platform for tests, demos and benchmarks.

    ``async with FakePandaPon(seed=0) as fake`` serves on ``fake.url`` (127.0.0.1, a free
    port) and accepts ``fake.credentials``. It checks signatures like the platform, keeps
    order state, serves every documented endpoint, injects faults on demand
    (``fake.faults``), logs every request (``fake.requests``) and pushes signed callbacks.
    Everything random comes from ``seed``.

    Tests move orders as the platform's other side would with ``fake.alibaba`` and
    ``fake.taobao`` (pay, ship, change the price, close, refund transitions); every order and
    refund transition pushes its message. Status and refund message types are sent with the
    platform prefix (``TAOBAO_ORDER_PAY_SUCCESS``, ``1688_ORDER_PAY_SUCCESS``) unless
    ``callback_message_types="unprefixed"``. ``await fake.advance_clock(seconds)`` moves the
    fake's time (retry schedule, timestamps) without sleeping.
    Where the documentation is silent, options choose:

    * ``serve_inferred_paths``: also serve the v1 paths inferred from their v2 twins
      (``found: false`` in the spec), which may not exist in production; off by default, and
      each such request is noted in the request log (``LoggedRequest.note``).
    * ``error_http_status``: the HTTP status of error envelopes (auth, not found, bad request,
      refused); ``None`` (default) uses the envelope's ``code``, e.g. ``200`` answers every
      error envelope with HTTP 200. Injected faults keep their own statuses.
    * ``require_logistics_query_signature``: the warehouse-logistics endpoints demand the
      documented ``timestamp`` and ``sign`` query parameters, checked with the library's guess
      (``QuerySignatureSigner``: the header timestamp and signature, repeated).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        credentials: Credentials | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        credit_limit_fen: int | None = None,
        clock: Callable[[], float] = time.time,
        callback_retry_delays: Sequence[float] = PLATFORM_RETRY_DELAYS,
        callback_timeout: float = 1.0,
        timestamp_tolerance: float = 600,
        callback_body_as_text: bool = False,
        callback_message_types: str = "prefixed",
        log_requests: bool = True,
        shutdown_timeout: float = 0.25,
        serve_inferred_paths: bool = False,
        error_http_status: int | None = None,
        require_logistics_query_signature: bool = False,
    ) -> None:
        self._credentials = credentials or DEFAULT_FAKE_CREDENTIALS
        self._secrets = {self._credentials.access_key: self._credentials.access_secret}
        self._host = host
        self._port = port
        self._clock = FakeClock(clock)
        self._tolerance = float(timestamp_tolerance)
        self._shutdown_timeout = shutdown_timeout
        self.seed = seed
        self.faults = Faults(seed)
        self._callbacks = CallbackDispatcher(
            access_secret=self._credentials.access_secret,
            clock=self._clock,
            retry_delays=callback_retry_delays,
            timeout=callback_timeout,
            body_as_text=callback_body_as_text,
            type_spelling=callback_message_types,
        )
        self._state = FakeState(seed, self._clock, self._callbacks.schedule_event)
        self._state.credit_limit_fen = credit_limit_fen
        self._exact, self._prefixed = build_routes()
        self._alibaba = AlibabaControls(self._state)
        self._taobao = TaobaoControls(self._state, self._serve_unpublished)
        self._nonces: set[tuple[str, str]] = set()
        # Arrival order; expiries are nearly sorted (timestamps drift by seconds), so pruning
        # from the left may keep a nonce a little longer than needed, never shorter.
        self._nonce_expiry: deque[tuple[float, tuple[str, str]]] = deque()
        self._request_counter = 0
        self._request_prefix = f"{seed & 0xFFFFFFFF:08x}"
        self._log_requests = log_requests
        # Fidelity options (see the class docstring): what the documentation leaves open.
        self._serve_inferred = serve_inferred_paths
        self._error_http_status = error_http_status
        self._logistics_query_auth = require_logistics_query_signature
        self.requests: list[LoggedRequest] = []
        self._reached: Counter[str] = Counter()
        self._runner: web.ServerRunner | None = None
        self._stopping = asyncio.Event()
        self._url: str | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and serve (``async with`` does this)."""
        if self._runner is not None:
            raise RuntimeError("this FakePandaPon is already started")
        self._stopping = asyncio.Event()
        server = web.Server(self._handle, access_log=None, handler_cancellation=False)
        runner = web.ServerRunner(server, shutdown_timeout=self._shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Stop serving, cancel held answers and pending callback deliveries."""
        runner, self._runner = self._runner, None
        self._stopping.set()
        await self._callbacks.aclose()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._url is None:
            raise RuntimeError("FakePandaPon is not started; use 'async with FakePandaPon()'")
        return self._url

    @property
    def credentials(self) -> Credentials:
        """The credentials the fake accepts."""
        return self._credentials

    def app(self) -> web.Application:
        """An ``aiohttp.web.Application`` serving this fake, to mount or run yourself."""
        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", self._handle)
        return application

    # -- state for tests -------------------------------------------------------------------------

    @property
    def credit_limit_fen(self) -> int | None:
        """Total the account may pay, in fen; payments beyond it fail with "账户额度不足".
        ``None`` (the default) is unlimited. Counted against :attr:`paid_total_fen`."""
        return self._state.credit_limit_fen

    @credit_limit_fen.setter
    def credit_limit_fen(self, value: int | None) -> None:
        self._state.credit_limit_fen = value

    @property
    def paid_total_fen(self) -> int:
        """What the fake has charged so far, in fen."""
        return self._state.paid_total_fen

    @property
    def state(self) -> FakeState:
        """The fake's whole in-memory platform (orders, carts, refunds, catalog)."""
        return self._state

    @property
    def alibaba(self) -> AlibabaControls:
        """Test controls for 1688 orders and refunds: ``fake.alibaba.ship(order_id)``, ...
        (see :class:`~pandapon_async.testing.AlibabaControls`)."""
        return self._alibaba

    @property
    def taobao(self) -> TaobaoControls:
        """Test controls for Taobao orders and refunds: ``fake.taobao.pay(order_id)``, ...
        (see :class:`~pandapon_async.testing.TaobaoControls`)."""
        return self._taobao

    @property
    def clock(self) -> FakeClock:
        """The fake's clock (callable like ``time.time``): order times, callback timestamps
        and the callback retry schedule follow it. Pass it to a ``CallbackReceiver(clock=...)``
        so the receiver's timestamp check agrees with the fake after :meth:`advance_clock`."""
        return self._clock

    async def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock forward by ``seconds`` without sleeping.

        First every callback delivery due now is attempted (at the time it was pushed), then
        the clock moves, then every delivery that became due is attempted; the call returns
        when those attempts are done (``advance_clock(0)`` just delivers what is due). Retries
        falling within ``seconds`` (the platform waits 30 minutes between them) are attempted
        at once, and times the fake reports from then on are later by ``seconds``. Request
        signatures are still checked against the un-advanced clock, since the client's clock
        does not move with the fake's."""
        seconds = FakeClock.check_seconds(seconds)
        await self._callbacks.settle()
        self._clock.advance(seconds)
        await self._callbacks.settle()

    def create_alibaba_orders(self, count: int, *, amount_fen: int = 1000) -> list[str]:
        """Create ``count`` unpaid 1688 orders of ``amount_fen`` each; their 19-digit ids.
        (Same as ``fake.alibaba.create_orders``.)"""
        return self._alibaba.create_orders(count, amount_fen=amount_fen)

    def payment_count(self, order_id: str) -> int:
        """How many times the fake actually paid this order (more than 1 is a double payment)."""
        return self._state.payment_counts.get(str(order_id), 0)

    @property
    def payment_counts(self) -> Mapping[str, int]:
        """Order id -> times paid, for every order paid at least once."""
        return dict(self._state.payment_counts)

    def pay_attempt_count(self, order_id: str) -> int:
        """How many times this order was submitted to batch payment, refused or not."""
        return self._state.pay_attempts.get(str(order_id), 0)

    # The 1688 helpers of 0.1, kept as aliases of ``fake.alibaba``.

    def order_status(self, order_id: str) -> str:
        """A 1688 order's ``baseInfo.status`` (alias of ``fake.alibaba.status``)."""
        return self._alibaba.status(order_id)

    def order_detail(self, order_id: str) -> dict[str, Any]:
        """A 1688 order as ``/alibaba/order/detail`` answers it (alias of
        ``fake.alibaba.detail``)."""
        return self._alibaba.detail(order_id)

    def ship_order(self, order_id: str, *, company: str | None = None,
                   tracking_number: str | None = None) -> str:
        """The seller ships a paid 1688 order (alias of ``fake.alibaba.ship``)."""
        return self._alibaba.ship(order_id, company=company, tracking_number=tracking_number)

    def cancel_order(self, order_id: str, reason: str = "buyer cancelled") -> None:
        """Cancel an unpaid 1688 order (alias of ``fake.alibaba.close``)."""
        self._alibaba.close(order_id, reason)

    def change_order_price(self, order_id: str, total_fen: int) -> None:
        """The seller changes an unpaid order's price (alias of
        ``fake.alibaba.change_price``)."""
        self._alibaba.change_price(order_id, total_fen)

    def _serve_unpublished(self, method: str, path: str, handler: Handler) -> None:
        existing = self._exact.get(path, {}).get(method)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"{method} {path} is an endpoint the fake already serves")
        route = Route(method, path, "query" if method == "GET" else "body", (), handler, False,
                      asked_for=True)
        self._exact.setdefault(path, {})[method] = route

    def clear_requests(self) -> None:
        """Forget the request log and the :meth:`reached` counts."""
        self.requests.clear()
        self._reached.clear()

    def reached(self, path: str) -> int:
        """How many requests to ``path`` reached the fake, counted on arrival before any fault
        (a dropped, stalled or refused request counts; one aiohttp never sent does not).
        Counted even when ``log_requests=False``."""
        return self._reached.get(path, 0)

    @property
    def reached_counts(self) -> Mapping[str, int]:
        """Path -> requests that reached the fake (see :meth:`reached`)."""
        return dict(self._reached)

    # -- callbacks -----------------------------------------------------------------------------

    def set_callback_url(self, url: str | None) -> None:
        """Where the fake POSTs signed callback messages; ``None`` stops pushing."""
        self._callbacks.url = url

    async def push_callback(
        self, message_type: str, body: Any, *, platform: int
    ) -> CallbackDelivery:
        """Push one message now; returns the first attempt. Failed deliveries are retried in the
        background on the configured schedule."""
        return await self._callbacks.push(message_type, body, platform)

    @property
    def callback_deliveries(self) -> list[CallbackDelivery]:
        """Every delivery attempt so far, in order."""
        return self._callbacks.deliveries

    async def wait_callbacks_idle(self) -> None:
        """Wait until no callback delivery (or scheduled retry) is pending."""
        await self._callbacks.wait_idle()

    # -- the request path ------------------------------------------------------------------------

    def _next_request_id(self) -> str:
        self._request_counter += 1
        return f"{self._request_prefix}{self._request_counter:024x}"

    def _envelope(self, code: int, msg: str, data: Any = None) -> bytes:
        return _encode({"requestId": self._next_request_id(), "code": code,
                        "developId": DEVELOP_ID if code == 200 else None, "msg": msg,
                        "data": data})

    def _authenticate(self, headers: Mapping[str, str]) -> str | None:
        """``None`` if the request is signed correctly, else why not."""
        values = []
        for name in _REQUIRED_HEADERS:
            value = headers.get(name)
            if not value:
                return f"缺少请求头 (missing header) {name}"
            values.append(value)
        access_key, timestamp, nonce, _user_id, signature = values
        secret = self._secrets.get(access_key)
        if secret is None:
            return f"无效的access-key (unknown access key) {access_key!r}"
        if not timestamp.isdigit():
            return f"timestamp: 时间戳格式错误 (not an epoch number) {timestamp!r}"
        sent = int(timestamp) / 1000.0 if len(timestamp) >= _MS_DIGITS else float(timestamp)
        now = self._clock.base()
        if abs(now - sent) > self._tolerance:
            return (f"timestamp: 请求已过期 (outside {self._tolerance:g}s of the server clock, "
                    f"off by {now - sent:.0f}s)")
        expected = compute_signature(access_key, timestamp, nonce, secret)
        if not hmac.compare_digest(signature.upper(), expected):
            return "signature: 签名错误 (signature mismatch)"
        expiry = self._nonce_expiry
        while expiry and expiry[0][0] < now:
            self._nonces.discard(expiry.popleft()[1])
        key = (access_key, nonce)
        if key in self._nonces:
            return f"nonce-str: 重复请求 (nonce reused within {self._tolerance:g}s)"
        self._nonces.add(key)
        expiry.append((sent + self._tolerance, key))
        return None

    def _route(self, method: str, path: str) -> tuple[Route | None, str | None, str | None]:
        """``(route, path_parameter, error)``."""
        by_method = self._exact.get(path)
        param = None
        if by_method is None:
            for prefix, routes in self._prefixed:
                if path.startswith(prefix) and len(path) > len(prefix) and "/" not in path[
                        len(prefix):]:
                    by_method, param = routes, path[len(prefix):]
                    break
        if by_method is None:
            return None, None, "not_found"
        route = by_method.get(method)
        if route is None:
            return None, None, "method"
        return route, param, None

    async def _hold(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        arrived = time.monotonic()
        method = request.method
        path = request.path
        self._reached[path] += 1
        body = await request.read() if request.can_read_body else b""
        status: int | None = 200
        outcome = "ok"
        note: str | None = None
        code: int | None = 200
        msg: str | None = "成功"
        decision: FaultDecision | None = None
        try:
            faults = self.faults
            if faults.active:
                latency = faults.latency_for(path)
                if latency:
                    await self._hold(latency)
                decision = faults.decide(path)
                if decision is not None and decision.kind == "stall":
                    # Held before processing, then processed and answered as usual: the
                    # handler runs on even when the client gave up meanwhile. A fake that
                    # stops meanwhile drops it unprocessed, so nothing changes after stop().
                    await self._hold(decision.delay)
                    if self._stopping.is_set():
                        outcome, status, code, msg = "fault:stall", None, None, None
                        return self._drop(request)
                elif decision is not None and decision.kind not in AFTER_PROCESSING_KINDS:
                    outcome = f"fault:{decision.kind}"
                    if decision.kind == "drop":
                        status = code = msg = None
                        return self._drop(request)
                    if decision.kind == "html":
                        status, code, msg = decision.status, None, None
                        return self._html(decision.status)
                    status = code = decision.status
                    msg = _FAULT_MESSAGES.get(decision.status, "fault injected by FakePandaPon")
                    headers = _JSON_HEADERS
                    if decision.kind == "rate_limit":
                        status = code = 429
                        msg = _FAULT_MESSAGES[429]
                        headers = {**_JSON_HEADERS,
                                   "Retry-After": f"{decision.retry_after:g}"}
                        if decision.from_limiter:
                            outcome = "rate_limited"
                    return web.Response(body=self._envelope(status, msg), status=status,
                                        headers=headers)

            failure = self._authenticate(request.headers)
            if failure is None and self._logistics_query_auth and is_logistics_path(path):
                failure = check_query_signature(request.query, request.headers, self._secrets,
                                                self._clock(), self._tolerance)
            if failure is not None:
                status, code, msg, outcome = self._http_status(401), 401, failure, "auth_failed"
                return web.Response(body=self._envelope(401, failure), status=status,
                                    headers=_JSON_HEADERS)

            route, param, problem = self._route(method, path)
            if route is not None and route.asked_for:
                note = (f"{method} {path} is served because the test asked for it: the "
                        "platform's path for this endpoint is not public")
            elif route is not None and not route.found:
                if self._serve_inferred:
                    note = (f"{method} {path} is inferred from its v2 twin, not documented: "
                            "it may not exist in production")
                else:
                    route, problem = None, "inferred"
            if route is None:
                # No endpoint there: the gateway's framework answers in its own JSON, not
                # the platform's envelope (no ``code``), so "no such path" never reads as
                # "no such order".
                code = None
                if problem == "method":
                    status, error = 405, "Method Not Allowed"
                    msg = f"Request method '{method}' not supported for {path}"
                    outcome = "error"
                else:
                    status, error = 404, "Not Found"
                    msg = f"No endpoint {method} {path}"
                    if problem == "inferred":
                        msg += ("; an inferred v1 path, served with "
                                "FakePandaPon(serve_inferred_paths=True)")
                    outcome = "not_found"
                return web.Response(body=_encode({
                    "timestamp": int(self._clock() * 1000), "status": status, "error": error,
                    "message": msg, "path": path}), status=status, headers=_JSON_HEADERS)

            try:
                args = self._arguments(route, request, body)
                data = run_route(route, self._state, args, param)
            except FakeAPIError as error:
                status, code, msg, outcome = error.status, error.code, error.msg, error.outcome
                if self._error_http_status is not None:
                    status = self._error_http_status
                if code == 404:
                    outcome = "not_found"
                payload = self._envelope(error.code, error.msg)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
                code = 400
                status = self._http_status(code)
                msg = f"参数错误 (invalid parameter): {type(error).__name__}: {error}"[:300]
                outcome = "error"
                payload = self._envelope(400, msg)
            else:
                payload = self._envelope(200, "成功", data)

            if decision is not None:
                outcome = f"fault:{decision.kind}"
                kind = decision.kind
                if kind == "processed_then_drop":
                    status = None
                    return self._drop(request)
                if kind == "processed_then_truncate":
                    payload = payload[: len(payload) // 2]
                elif kind == "processed_then_no_code":
                    status = _JSON_OK
                    payload = _encode({"requestId": self._next_request_id(), "msg": msg,
                                       "data": json.loads(payload).get("data")})
                elif kind == "processed_then_html":
                    status = decision.status
                    return self._html(decision.status)
                elif kind == "processed_then_bad_data":
                    payload = _encode({**json.loads(payload), "data": decision.data})
                elif kind == "timeout":
                    await self._hold(decision.delay)
            assert status is not None
            return web.Response(body=payload, status=status, headers=_JSON_HEADERS)
        finally:
            if self._log_requests:
                self.requests.append(LoggedRequest(
                    arrived, method, path, dict(request.query) if request.query_string else {},
                    dict(request.headers), body, status, outcome, code, msg, note))

    def _http_status(self, code: int) -> int:
        """The HTTP status of an error envelope: its code, or the configured one."""
        return code if self._error_http_status is None else self._error_http_status

    def _arguments(self, route: Route, request: web.BaseRequest, body: bytes) -> dict[str, Any]:
        if route.method == "GET" or not body.strip():
            args: dict[str, Any] = {}
        else:
            try:
                parsed = json.loads(body)
            except ValueError:
                raise FakeAPIError(400, "请求体不是合法的JSON (request body is not valid JSON)"
                                   ) from None
            if not isinstance(parsed, dict):
                raise FakeAPIError(400, "请求体必须是JSON对象 (request body must be a JSON "
                                   "object)")
            args = parsed
        if request.query_string:
            for name, value in request.query.items():
                args.setdefault(name, value)
        return args

    @staticmethod
    def _html(status: int) -> web.Response:
        # What nginx or a cloud load balancer answers in front of the platform.
        title = f"{status} {_HTML_REASONS.get(status, 'Error')}"
        page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
                f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
                "</body>\r\n</html>\r\n")
        return web.Response(body=page.encode(), status=status, headers=_HTML_HEADERS)

    @staticmethod
    def _drop(request: web.BaseRequest) -> web.StreamResponse:
        # Close the connection without a response. aiohttp then fails to write the dummy
        # response below with a ConnectionError, which it treats as the client having gone:
        # no traceback is logged and the connection is not reused.
        transport = request.transport
        if transport is not None:
            transport.close()
        return web.Response(status=204)
