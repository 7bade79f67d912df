"""OpenTelemetry instrumentation of the client, the bulk helpers and the callback receiver.

Imported only when instrumentation is on (see ``_telemetry``); depends on
``opentelemetry-api`` alone. Spans follow the HTTP client semantic conventions; the spans of
one call are in ``_otel_calls``. No attribute holds a secret, a signature, a request header,
a query string or a request body.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.trace import Span, SpanKind, StatusCode

from .. import __version__
from ..bulk import Outcome, OutcomeStream
from ..callbacks._inbox import InboxStatus
from ._otel_calls import CallShape, CallSpans, call_shape, error_type

__all__ = ["SCOPE", "OtelClientTelemetry", "OtelReceiverTelemetry"]

SCOPE: Final = "pandapon_async"
_VERSION: Final = __version__
# The buckets the semantic conventions advise for http.client.request.duration.
_DURATION_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
                            5.0, 7.5, 10.0)
_WAIT_BUCKETS: Final = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                        30.0, 60.0)

S = TypeVar("S")

# Report buckets by operation kind, read by attribute name (a report without one skips it).
_REPORT_BUCKETS: Final = (
    ("success", "success_order_ids"), ("pay_fail", "pay_fail_orders"),
    ("succeeded", "succeeded"), ("failed", "failed"), ("found", "found"),
    ("not_found", "not_found"), ("errored", "errored"), ("unknown", "unknown"),
)
_REPORT_EXTRAS: Final = ("duplicates", "from_journal", "reconciled", "resubmitted")


# Call shapes kept per client: every declared path many times over; a client that calls
# paths with ids in them (``/taobao/refund/cancel/123``) starts the set again when full.
_SHAPES_KEPT: Final = 1024


class OtelClientTelemetry:
    """One client's tracer, meter and instruments."""

    def __init__(self, *, tracer_provider: Any, meter_provider: Any, base_url: str) -> None:
        self.tracer = trace.get_tracer(SCOPE, _VERSION, tracer_provider)
        # Span names and attribute sets by (method, path, idempotent), built once each.
        self._shapes: dict[tuple[str, str, bool], CallShape] = {}
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

    def call_started(self, method: str, path: str, idempotent: bool) -> CallSpans:
        key = (method, path, idempotent)
        shape = self._shapes.get(key)
        if shape is None:
            if len(self._shapes) >= _SHAPES_KEPT:  # paths with ids in them: start again
                self._shapes.clear()
            shape = self._shapes[key] = call_shape(self, method, path, idempotent)
        return CallSpans(self, shape)

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
        if isinstance(value, list | Mapping):
            counts[bucket] = len(value)
    for attribute in _REPORT_EXTRAS:
        value = getattr(report, attribute, None)
        if isinstance(value, list):
            counts[attribute] = len(value)
    return counts


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
