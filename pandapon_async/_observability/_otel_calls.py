"""OpenTelemetry spans and measurements of one logical call (imported with ``_otel``).

A span per logical call (``INTERNAL``) with a ``CLIENT`` child per attempt, both named
``{method} {url.template}``; retries are events on the call span, limiter waits events on
the attempt span. No attribute holds a secret, a signature, a request header, a query string
or a request body.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, StatusCode

from .._endpoint import registered_endpoint
from ._raw_response import ANSWERS, Answer, AnswerSink
from ._telemetry import outcome_of

if TYPE_CHECKING:
    from ._otel import OtelClientTelemetry

__all__ = ["CallShape", "CallSpans", "call_shape", "error_type"]

# A limiter wait shorter than this is not worth an event (it is still in the histogram).
_WAIT_EVENT_THRESHOLD: Final = 0.0005


def error_type(error: BaseException) -> str:
    """``error.type`` as the semantic conventions want it: the exception's qualified name."""
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"


def _http_status(error: BaseException | None) -> int | None:
    while error is not None:
        status = getattr(error, "http_status", None)
        if isinstance(status, int):
            return status
        error = error.__cause__
    return None


def _request_id(error: BaseException | None) -> str | None:
    while error is not None:
        request_id = getattr(error, "request_id", None)
        if request_id:
            return str(request_id)
        error = error.__cause__
    return None


def _record_outcome(span: Span, error: BaseException | None) -> int | None:
    """Mark ``span`` with the outcome of ``error`` (``None``: not an error) and, for an
    error, its type, HTTP status and request id; returns the HTTP status."""
    outcome = outcome_of(error)
    span.set_attribute("pandapon.outcome", outcome)
    if error is None:
        return None
    status = _http_status(error)
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    request_id = _request_id(error)
    if request_id:
        span.set_attribute("pandapon.request_id", request_id)
    span.set_attribute("error.type", error_type(error))
    span.record_exception(error)
    span.set_status(StatusCode.ERROR, outcome)
    return status


@attrs.frozen
class CallShape:
    """What every call of one method and path shares: its span name and attribute sets,
    built once and never changed (a span or a record that adds to one copies it first)."""

    name: str
    attributes: Mapping[str, Any]
    metric_attributes: Mapping[str, Any]
    limiter_attributes: Mapping[str, Any]
    attempt_attributes: Mapping[str, Any]


def call_shape(telemetry: OtelClientTelemetry, method: str, path: str, idempotent: bool
               ) -> CallShape:
    declared = registered_endpoint(method, path)
    attributes: dict[str, Any] = {
        "http.request.method": method,
        "server.address": telemetry.server_address,
        "server.port": telemetry.server_port,
        "pandapon.idempotent": idempotent,
    }
    if declared is not None:
        attributes["url.template"] = declared.path
        attributes["pandapon.endpoint"] = declared.name
        name = f"{method} {declared.path}"
    else:
        name = method  # no template: the conventions say the method alone
    # The path without the query: ids in a path are not secret, a query may be a body.
    attempt_attributes = {**attributes, "url.full": telemetry.base_url + path}
    return CallShape(
        name=name,
        attributes=attributes,
        metric_attributes={key: value for key, value in attributes.items()
                           if key != "pandapon.idempotent"},
        # The limiter is client-wide: which endpoint waited is all that tells waits apart
        # (and every attribute more costs the SDK time on each of these frequent records).
        limiter_attributes=({"pandapon.endpoint": declared.name} if declared is not None
                            else {"http.request.method": method}),
        attempt_attributes=attempt_attributes,
    )


class CallSpans(AnswerSink):
    """Spans and measurements of one logical call; also the answer sink of its context."""

    __slots__ = (
        "_attempt", "_attempt_attributes", "_attempt_span", "_call_span", "_context",
        "_limiter_attributes", "_metric_attributes", "_name", "_ok", "_outer", "_recording",
        "_sent_at", "_started", "_telemetry", "_token",
    )

    def __init__(self, telemetry: OtelClientTelemetry, shape: CallShape) -> None:
        self._telemetry = telemetry
        self._name = shape.name
        self._metric_attributes = shape.metric_attributes
        self._limiter_attributes = shape.limiter_attributes
        self._attempt_attributes = shape.attempt_attributes
        self._call_span = telemetry.tracer.start_span(
            self._name, kind=SpanKind.INTERNAL, attributes=shape.attributes
        )
        # A call nobody records (the OpenTelemetry API without an SDK, or a trace the sampler
        # dropped) starts no attempt spans, which would not be recorded either: its own
        # non-recording span stands in for them. Its metrics are recorded all the same.
        self._recording = self._call_span.is_recording()
        self._context = (trace.set_span_in_context(self._call_span) if self._recording
                         else None)
        self._attempt_span: Span | None = None
        self._attempt = 0
        self._ok = False
        self._started = self._sent_at = time.perf_counter()
        self._outer = ANSWERS.get()
        self._token = ANSWERS.set(self)

    def attempt_started(self, attempt: int) -> None:
        self._attempt = attempt
        if self._recording:
            attributes = dict(self._attempt_attributes)
            attributes["pandapon.attempt"] = attempt
            if attempt > 1:
                attributes["http.request.resend_count"] = attempt - 1
            self._attempt_span = self._telemetry.tracer.start_span(
                self._name, context=self._context, kind=SpanKind.CLIENT, attributes=attributes
            )
        else:
            self._attempt_span = self._call_span
        self._started = time.perf_counter()

    def limiter_passed(self) -> None:
        self._sent_at = time.perf_counter()
        waited = self._sent_at - self._started
        self._telemetry.limiter_wait.record(waited, self._limiter_attributes)
        if waited >= _WAIT_EVENT_THRESHOLD and self._recording and (
                self._attempt_span is not None):
            self._attempt_span.add_event(
                "pandapon.limiter.wait", {"pandapon.limiter.wait.duration": waited}
            )

    def answered(
        self,
        method: str,
        path: str,
        attempt: int,
        status: int,
        headers: Mapping[str, str],
        request_id: str | None,
        started: float,
    ) -> None:
        # The answer's status and request id are all this sink needs: an Answer is built
        # only for an outer sink (with_raw_response around the call).
        self._answered(status, request_id)
        if self._outer is not None:
            self._outer.answered(method, path, attempt, status, headers, request_id, started)

    def take(self, answer: Answer) -> None:
        self._answered(answer.status, answer.request_id)
        if self._outer is not None:
            self._outer.take(answer)

    def _answered(self, status: int, request_id: str | None) -> None:
        self._ok = True
        span = self._attempt_span
        self._attempt_span = None
        if self._recording:
            if span is not None:
                span.set_attribute("http.response.status_code", status)
                span.set_attribute("pandapon.outcome", "ok")
                if request_id:
                    span.set_attribute("pandapon.request_id", request_id)
                span.end()
            self._call_span.set_attribute("http.response.status_code", status)
            if request_id:
                self._call_span.set_attribute("pandapon.request_id", request_id)
        self._record_duration(status, None)

    def retry_scheduled(self, error: BaseException, delay: float) -> None:
        self._end_attempt(error)
        reason = outcome_of(error)
        if self._recording:
            self._call_span.add_event("pandapon.retry", {
                "pandapon.attempt": self._attempt,
                "pandapon.retry.reason": reason,
                "pandapon.retry.delay": delay,
                "error.type": error_type(error),
            })
        attributes = dict(self._metric_attributes)
        attributes["pandapon.retry.reason"] = reason
        self._telemetry.retries.add(1, attributes)

    def finished(self) -> None:
        ANSWERS.reset(self._token)
        span = self._call_span
        if self._ok:
            if self._recording:
                span.set_attribute("pandapon.attempts", self._attempt)
                span.set_attribute("pandapon.outcome", "ok")
            span.end()
            return
        span.set_attribute("pandapon.attempts", self._attempt)
        # Not answered: an exception is propagating through the transport's finally.
        error = sys.exc_info()[1]
        if self._attempt_span is not None:
            self._end_attempt(error)
        _record_outcome(span, error)
        span.end()

    def _end_attempt(self, error: BaseException | None) -> None:
        span = self._attempt_span
        if span is None:
            return
        self._attempt_span = None
        # The error a retry decision saw, not a wrapper the transport raised around it.
        cause = error.__cause__ if error is not None else None
        seen = cause if cause is not None and _http_status(cause) is not None else error
        status = _record_outcome(span, seen)
        span.end()
        if self._sent_at >= self._started:  # the attempt got past the limiter: it was sent
            self._record_duration(status, seen)

    def _record_duration(self, status: int | None, error: BaseException | None) -> None:
        attributes = dict(self._metric_attributes)
        if status is not None:
            attributes["http.response.status_code"] = status
        if error is not None:
            attributes["error.type"] = error_type(error)
        self._telemetry.request_duration.record(time.perf_counter() - self._sent_at, attributes)
