"""OpenTelemetry instrumentation of the client, the bulk helpers and the callback receiver.

Imported only when instrumentation is on (see ``_telemetry``); depends on
``opentelemetry-api`` alone. Spans follow the HTTP client semantic conventions: a span per
logical call (``INTERNAL``) with a ``CLIENT`` child per attempt, both named
``{method} {url.template}``; retries are events on the call span, limiter waits events on
the attempt span. No attribute holds a secret, a signature, a request header, a query string
or a request body.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import Span, SpanKind, StatusCode

from . import __version__
from ._endpoint import find_endpoint
from ._raw_response import ANSWERS
from ._telemetry import outcome_of
from .bulk import Outcome, OutcomeStream
from .callbacks._inbox import InboxStatus

__all__ = ["SCOPE", "OtelClientTelemetry", "OtelReceiverTelemetry"]

SCOPE: Final = "pandapon_async"
_VERSION: Final = __version__
# The buckets the semantic conventions advise for http.client.request.duration.
_DURATION_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
                            5.0, 7.5, 10.0)
_WAIT_BUCKETS: Final = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                        30.0, 60.0)
# A limiter wait shorter than this is not worth an event (it is still in the histogram).
_WAIT_EVENT_THRESHOLD: Final = 0.0005

S = TypeVar("S")

# Report buckets by operation kind, read by attribute name (a report without one skips it).
_REPORT_BUCKETS: Final = (
    ("success", "success_order_ids"), ("pay_fail", "pay_fail_orders"),
    ("succeeded", "succeeded"), ("failed", "failed"), ("found", "found"),
    ("not_found", "not_found"), ("errored", "errored"), ("unknown", "unknown"),
)
_REPORT_EXTRAS: Final = ("duplicates", "from_journal", "reconciled", "resubmitted")


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


class OtelClientTelemetry:
    """One client's tracer, meter and instruments."""

    def __init__(self, *, tracer_provider: Any, meter_provider: Any, base_url: str) -> None:
        self.tracer = trace.get_tracer(SCOPE, _VERSION, tracer_provider)
        meter = metrics.get_meter(SCOPE, _VERSION, meter_provider)
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.server_address = parts.hostname or ""
        self.server_port = parts.port or (443 if parts.scheme == "https" else 80)
        self.request_duration = meter.create_histogram(
            "http.client.request.duration", unit="s",
            description="Duration of HTTP client requests (one per attempt).",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self.limiter_wait = meter.create_histogram(
            "pandapon.client.limiter.wait", unit="s",
            description="Time an attempt waited for the client's rate limiter.",
            explicit_bucket_boundaries_advisory=_WAIT_BUCKETS,
        )
        self.retries = meter.create_counter(
            "pandapon.client.retries", unit="{retry}",
            description="Attempts sent again, by reason (the outcome of the failed attempt).",
        )
        self.bulk_orders = meter.create_counter(
            "pandapon.bulk.orders", unit="{order}",
            description="Order ids settled by bulk helpers, by operation and report bucket.",
        )

    def call_started(self, method: str, path: str, idempotent: bool) -> _Call:
        return _Call(self, method, path, idempotent)

    @contextlib.contextmanager
    def bulk_run(
        self, operation: str, orders: int | None, options: dict[str, Any]
    ) -> Iterator[Callable[[object], None]]:
        attributes: dict[str, Any] = {"pandapon.bulk.operation": operation}
        if orders is not None:
            attributes["pandapon.bulk.input"] = orders
        for name, value in options.items():
            attributes[f"pandapon.bulk.{name}"] = value
        with self.tracer.start_as_current_span(
            f"pandapon.bulk.{operation}", kind=SpanKind.INTERNAL, attributes=attributes
        ) as span:

            def finish(report: object) -> None:
                for bucket, count in _report_counts(report).items():
                    span.set_attribute(f"pandapon.bulk.{bucket}", count)
                    if bucket not in _REPORT_EXTRAS and count:
                        self.bulk_orders.add(count, {"pandapon.bulk.operation": operation,
                                                     "pandapon.bulk.bucket": bucket})
                elapsed = getattr(report, "elapsed", None)
                if isinstance(elapsed, float):
                    span.set_attribute("pandapon.bulk.elapsed", elapsed)

            yield finish

    def traced_stream(self, operation: str, stream: S) -> S:
        if not isinstance(stream, OutcomeStream):
            return stream
        traced: _TracedOutcomeStream = object.__new__(_TracedOutcomeStream)
        # Same state, another class (as client.with_options builds its views): the stream
        # has not started, so no worker refers to the object left behind.
        traced.__dict__.update(stream.__dict__)
        traced._operation = operation
        traced._tracer = self.tracer
        traced._span = None
        return traced  # type: ignore[return-value]

    @contextlib.contextmanager
    def bulk_chunk(self, kind: str, batch: str, orders: int) -> Iterator[None]:
        with self.tracer.start_as_current_span(
            "pandapon.bulk.chunk", kind=SpanKind.INTERNAL,
            attributes={"pandapon.bulk.chunk.kind": kind, "pandapon.bulk.chunk.batch": batch,
                        "pandapon.bulk.chunk.orders": orders},
        ):
            yield


def _report_counts(report: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for bucket, attribute in _REPORT_BUCKETS:
        value = getattr(report, attribute, None)
        if isinstance(value, list | dict):
            counts[bucket] = len(value)
    for attribute in _REPORT_EXTRAS:
        value = getattr(report, attribute, None)
        if isinstance(value, list):
            counts[attribute] = len(value)
    return counts


class _Call:
    """Spans and measurements of one logical call; also the answer sink of its context."""

    __slots__ = (
        "_attempt", "_attempt_attributes", "_attempt_span", "_call_span", "_context",
        "_limiter_attributes", "_metric_attributes", "_name", "_ok", "_outer", "_sent_at",
        "_started", "_telemetry", "_token",
    )

    def __init__(
        self, telemetry: OtelClientTelemetry, method: str, path: str, idempotent: bool
    ) -> None:
        self._telemetry = telemetry
        declared = find_endpoint(method, path)
        attributes: dict[str, Any] = {
            "http.request.method": method,
            "server.address": telemetry.server_address,
            "server.port": telemetry.server_port,
            "pandapon.idempotent": idempotent,
        }
        if declared is not None:
            attributes["url.template"] = declared.path
            attributes["pandapon.endpoint"] = declared.name
            self._name = f"{method} {declared.path}"
        else:
            self._name = method  # no template: the conventions say the method alone
        self._metric_attributes = {
            key: value for key, value in attributes.items() if key != "pandapon.idempotent"
        }
        # The limiter is client-wide: which endpoint waited is all that tells waits apart
        # (and every attribute more costs the SDK time on each of these frequent records).
        self._limiter_attributes = (
            {"pandapon.endpoint": declared.name} if declared is not None
            else {"http.request.method": method}
        )
        self._attempt_attributes = dict(attributes)
        # The path without the query: ids in a path are not secret, a query may be a body.
        self._attempt_attributes["url.full"] = telemetry.base_url + path
        self._call_span = telemetry.tracer.start_span(
            self._name, kind=SpanKind.INTERNAL, attributes=attributes
        )
        self._context = trace.set_span_in_context(self._call_span)
        self._attempt_span: Span | None = None
        self._attempt = 0
        self._ok = False
        self._started = self._sent_at = time.perf_counter()
        self._outer = ANSWERS.get()
        self._token = ANSWERS.set(self)

    def attempt_started(self, attempt: int) -> None:
        self._attempt = attempt
        attributes = dict(self._attempt_attributes)
        attributes["pandapon.attempt"] = attempt
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        self._attempt_span = self._telemetry.tracer.start_span(
            self._name, context=self._context, kind=SpanKind.CLIENT, attributes=attributes
        )
        self._started = time.perf_counter()

    def limiter_passed(self) -> None:
        self._sent_at = time.perf_counter()
        waited = self._sent_at - self._started
        self._telemetry.limiter_wait.record(waited, self._limiter_attributes)
        if waited >= _WAIT_EVENT_THRESHOLD and self._attempt_span is not None:
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
        self._ok = True
        span = self._attempt_span
        if span is not None:
            self._attempt_span = None
            span.set_attribute("http.response.status_code", status)
            span.set_attribute("pandapon.outcome", "ok")
            if request_id:
                span.set_attribute("pandapon.request_id", request_id)
            span.end()
        self._call_span.set_attribute("http.response.status_code", status)
        if request_id:
            self._call_span.set_attribute("pandapon.request_id", request_id)
        self._record_duration(status, None)
        if self._outer is not None:
            self._outer.answered(method, path, attempt, status, headers, request_id, started)

    def retry_scheduled(self, error: BaseException, delay: float) -> None:
        self._end_attempt(error)
        reason = outcome_of(error)
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
        span.set_attribute("pandapon.attempts", self._attempt)
        if self._ok:
            span.set_attribute("pandapon.outcome", "ok")
            span.end()
            return
        # Not answered: an exception is propagating through the transport's finally.
        error = sys.exc_info()[1]
        if self._attempt_span is not None:
            self._end_attempt(error)
        outcome = outcome_of(error)
        span.set_attribute("pandapon.outcome", outcome)
        if error is not None:
            span.set_attribute("error.type", error_type(error))
            status = _http_status(error)
            if status is not None:
                span.set_attribute("http.response.status_code", status)
            request_id = _request_id(error)
            if request_id:
                span.set_attribute("pandapon.request_id", request_id)
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, outcome)
        span.end()

    def _end_attempt(self, error: BaseException | None) -> None:
        span = self._attempt_span
        if span is None:
            return
        self._attempt_span = None
        # The error a retry decision saw, not a wrapper the transport raised around it.
        cause = error.__cause__ if error is not None else None
        seen = cause if cause is not None and _http_status(cause) is not None else error
        outcome = outcome_of(seen)
        span.set_attribute("pandapon.outcome", outcome)
        status = _http_status(seen)
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        request_id = _request_id(seen)
        if request_id:
            span.set_attribute("pandapon.request_id", request_id)
        if seen is not None:
            span.set_attribute("error.type", error_type(seen))
            span.record_exception(seen)
            span.set_status(StatusCode.ERROR, outcome)
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


class _TracedOutcomeStream(OutcomeStream[Any, Any]):
    """``client.bulk.map``'s stream with a run span: started with the workers (which inherit
    it as their context, so every call they make is its child), ended with the stream."""

    _operation: str
    _tracer: trace.Tracer
    _span: Span | None

    def _start(self) -> None:
        attributes: dict[str, Any] = {"pandapon.bulk.operation": self._operation,
                                      "pandapon.bulk.concurrency": self.concurrency}
        if self.total is not None:
            attributes["pandapon.bulk.input"] = self.total
        self._span = self._tracer.start_span(f"pandapon.bulk.{self._operation}",
                                             kind=SpanKind.INTERNAL, attributes=attributes)
        token = otel_context.attach(trace.set_span_in_context(self._span))
        try:
            super()._start()
        finally:
            otel_context.detach(token)

    async def __anext__(self) -> Outcome[Any, Any]:
        try:
            return await super().__anext__()
        except StopAsyncIteration:
            self._end(None)
            raise
        except BaseException as error:
            self._end(error)
            raise

    async def aclose(self) -> None:
        try:
            await super().aclose()
        finally:
            self._end(self._core.fatal)  # None unless a worker failed the whole stream

    def _end(self, error: BaseException | None) -> None:
        span, self._span = self._span, None
        if span is None:
            return
        span.set_attribute("pandapon.bulk.done", self.done)
        span.set_attribute("pandapon.bulk.succeeded", self.succeeded)
        span.set_attribute("pandapon.bulk.failed", self.failed)
        if error is not None:
            span.set_attribute("error.type", error_type(error))
            span.record_exception(error)
            span.set_status(StatusCode.ERROR, type(error).__name__)
        span.end()


class OtelReceiverTelemetry:
    """Counters of a callback receiver and the gauge of its inbox backlog."""

    backlog_interval: float = 5.0
    """Seconds between two counts of the inbox backlog by the receiver's worker."""

    def __init__(self, *, meter_provider: Any) -> None:
        meter = metrics.get_meter(SCOPE, _VERSION, meter_provider)
        self.deliveries = meter.create_counter(
            "pandapon.callback.deliveries", unit="{delivery}",
            description="Callback deliveries received, by outcome and HTTP status answered.",
        )
        self.handler_results = meter.create_counter(
            "pandapon.callback.handler.results", unit="{call}",
            description="Results of calls of the callback handler, by outcome.",
        )
        self._backlog: int | None = None
        self._counted_at = -float("inf")
        meter.create_observable_gauge(
            "pandapon.callback.inbox.backlog", callbacks=[self._observe_backlog],
            unit="{message}", description="Callback messages recorded and not yet handled.",
        )

    def delivery(self, status: int, reason: str, duplicate: bool) -> None:
        outcome = ("duplicate" if duplicate else "recorded") if status == 200 else "refused"
        self.deliveries.add(1, {"pandapon.callback.outcome": outcome,
                                "http.response.status_code": status})

    def handled(self, message_type: str, outcome: str) -> None:
        self.handler_results.add(1, {"pandapon.callback.outcome": outcome,
                                     "pandapon.callback.message_type": message_type})

    async def refresh_backlog(self, inbox: Any) -> None:
        now = time.monotonic()
        if now - self._counted_at < self.backlog_interval:
            return
        self._counted_at = now
        try:
            self._backlog = len(await inbox.entries(InboxStatus.PENDING))
        except Exception:  # the worker reports an unavailable inbox itself
            self._counted_at = -float("inf")

    def _observe_backlog(self, options: CallbackOptions) -> Iterable[Observation]:
        if self._backlog is None:
            return []
        return [Observation(self._backlog)]
