"""The fake's request path: faults, authentication, routing, the handler, the request log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from typing import Any

from aiohttp import web

from ._answers import (
    FAULT_MESSAGES,
    JSON_HEADERS,
    JSON_OK,
    EnvelopeWriter,
    drop_connection,
    encode,
    html_page,
)
from ._auth import HeaderAuthenticator
from ._clock import FakeClock
from ._faults import AFTER_PROCESSING_KINDS, FaultDecision, Faults
from ._records import LoggedRequest
from ._routes import Handler, Route, build_routes, run_route
from ._state import FakeState
from ._validation import FakeAPIError, check_query_signature, is_logistics_path

__all__ = ["RequestDispatcher"]


class RequestDispatcher:
    """Answers one HTTP request as the platform would, after any injected fault; logs it
    in ``requests`` and counts its arrival in ``reached``."""

    def __init__(
        self,
        *,
        state: FakeState,
        faults: Faults,
        auth: HeaderAuthenticator,
        clock: FakeClock,
        writer: EnvelopeWriter,
        log_requests: bool,
        serve_inferred_paths: bool,
        error_http_status: int | None,
        require_logistics_query_signature: bool,
    ) -> None:
        self._state = state
        self.faults = faults
        self._auth = auth
        self._clock = clock
        self._writer = writer
        self._exact, self._prefixed = build_routes()
        self._log_requests = log_requests
        # Fidelity options (see FakePandaPon's docstring): what the documentation leaves open.
        self._serve_inferred = serve_inferred_paths
        self._error_http_status = error_http_status
        self._logistics_query_auth = require_logistics_query_signature
        self.requests: list[LoggedRequest] = []
        self.reached: Counter[str] = Counter()
        # Set by FakePandaPon.stop(): held answers end early and stalled requests are dropped.
        self.stopping = asyncio.Event()

    def serve_unpublished(self, method: str, path: str, handler: Handler) -> None:
        existing = self._exact.get(path, {}).get(method)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"{method} {path} is an endpoint the fake already serves")
        route = Route(method, path, "query" if method == "GET" else "body", (), handler, False,
                      asked_for=True)
        self._exact.setdefault(path, {})[method] = route

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

    async def hold(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), seconds)

    async def handle(self, request: web.BaseRequest) -> web.StreamResponse:
        arrived = time.monotonic()
        method = request.method
        path = request.path
        self.reached[path] += 1
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
                    await self.hold(latency)
                decision = faults.decide(path)
                if decision is not None and decision.kind == "stall":
                    # Held before processing, then processed and answered as usual: the
                    # handler runs on even when the client gave up meanwhile. A fake that
                    # stops meanwhile drops it unprocessed, so nothing changes after stop().
                    await self.hold(decision.delay)
                    if self.stopping.is_set():
                        outcome, status, code, msg = "fault:stall", None, None, None
                        return drop_connection(request)
                elif decision is not None and decision.kind not in AFTER_PROCESSING_KINDS:
                    outcome = f"fault:{decision.kind}"
                    if decision.kind == "drop":
                        status = code = msg = None
                        return drop_connection(request)
                    if decision.kind == "html":
                        status, code, msg = decision.status, None, None
                        return html_page(decision.status)
                    status = code = decision.status
                    msg = FAULT_MESSAGES.get(decision.status, "fault injected by FakePandaPon")
                    headers = JSON_HEADERS
                    if decision.kind == "rate_limit":
                        status = code = 429
                        msg = FAULT_MESSAGES[429]
                        headers = {**JSON_HEADERS,
                                   "Retry-After": f"{decision.retry_after:g}"}
                        if decision.from_limiter:
                            outcome = "rate_limited"
                    return web.Response(body=self._writer.envelope(status, msg), status=status,
                                        headers=headers)

            failure = self._auth.authenticate(request.headers)
            if failure is None and self._logistics_query_auth and is_logistics_path(path):
                failure = check_query_signature(request.query, request.headers, self._auth.secrets,
                                                self._clock(), self._auth.tolerance)
            if failure is not None:
                status, code, msg, outcome = self._http_status(401), 401, failure, "auth_failed"
                return web.Response(body=self._writer.envelope(401, failure), status=status,
                                    headers=JSON_HEADERS)

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
                return web.Response(body=encode({
                    "timestamp": int(self._clock() * 1000), "status": status, "error": error,
                    "message": msg, "path": path}), status=status, headers=JSON_HEADERS)

            try:
                args = self._arguments(route, request, body)
                data = run_route(route, self._state, args, param)
            except FakeAPIError as error:
                status, code, msg, outcome = error.status, error.code, error.msg, error.outcome
                if self._error_http_status is not None:
                    status = self._error_http_status
                if code == 404:
                    outcome = "not_found"
                payload = self._writer.envelope(error.code, error.msg)
            except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
                code = 400
                status = self._http_status(code)
                msg = f"参数错误 (invalid parameter): {type(error).__name__}: {error}"[:300]
                outcome = "error"
                payload = self._writer.envelope(400, msg)
            else:
                payload = self._writer.envelope(200, "成功", data)

            if decision is not None:
                outcome = f"fault:{decision.kind}"
                kind = decision.kind
                if kind == "processed_then_drop":
                    status = None
                    return drop_connection(request)
                if kind == "processed_then_truncate":
                    payload = payload[: len(payload) // 2]
                elif kind == "processed_then_no_code":
                    status = JSON_OK
                    payload = encode({"requestId": self._writer.next_request_id(), "msg": msg,
                                       "data": json.loads(payload).get("data")})
                elif kind == "processed_then_html":
                    status = decision.status
                    return html_page(decision.status)
                elif kind == "processed_then_bad_data":
                    payload = encode({**json.loads(payload), "data": decision.data})
                elif kind == "timeout":
                    await self.hold(decision.delay)
            assert status is not None
            return web.Response(body=payload, status=status, headers=JSON_HEADERS)
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
