"""OpenTelemetry instrumentation against the fake, read back with the SDK's in-memory exporters."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from pandapon_async import (
    NotFoundError,
    OutcomeUnknownError,
    PandaPonClient,
    UnexpectedResponseError,
    compute_callback_signature,
    with_raw_response,
)
from pandapon_async._observability import outcome_of
from pandapon_async.errors import (
    AuthenticationError,
    BusinessError,
    ClientClosedError,
    ConnectError,
    RateLimitError,
    ServerError,
)
from pandapon_async.testing import FakePandaPon

DETAIL_PATH = "/alibaba/order/detail"
PAY_PATH = "/alibaba/order/batch/submit/to/pay"
CALLBACK_SECRET = "callback-secret-3d9a"


def callback_body(order_id: str) -> bytes:
    return json.dumps({
        "messageType": "ORDER_PAY_SUCCESS",
        "messageBody": json.dumps({"orderId": order_id, "orderStatus": "WAITING_FOR_SENT",
                                   "payStatus": 2}),
        "messagePlatform": 1,
        "timestamp": str(int(time.time() * 1000)),
    }).encode()


def sign(body: bytes) -> str:
    return compute_callback_signature(body, CALLBACK_SECRET)


@attrs.define
class Otel:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    tracer_provider: TracerProvider
    meter_provider: MeterProvider

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def points(self, name: str) -> list[Any]:
        data = self.metrics.get_metrics_data()
        found = []
        for resource_metrics in data.resource_metrics if data else []:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found


@pytest.fixture
def otel() -> Iterator[Otel]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    yield Otel(exporter, reader, tracer_provider, meter_provider)
    tracer_provider.shutdown()
    meter_provider.shutdown()


@pytest.fixture
async def client(fake_pandapon: FakePandaPon, otel: Otel) -> AsyncIterator[PandaPonClient]:
    async with PandaPonClient(
        fake_pandapon.credentials, base_url=fake_pandapon.url, rate_limit=None,
        retry_backoff=0.0, tracer_provider=otel.tracer_provider,
        meter_provider=otel.meter_provider,
    ) as instrumented:
        yield instrumented


def by_kind(spans: list[ReadableSpan], kind: SpanKind) -> list[ReadableSpan]:
    return [span for span in spans if span.kind == kind]


def children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [span for span in spans
            if span.parent is not None and span.parent.span_id == parent.context.span_id]


async def test_a_call_is_a_span_with_one_client_span_per_attempt(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    raw = await with_raw_response(client.alibaba.orders.get_detail(order_id))

    spans = otel.finished()
    [call] = by_kind(spans, SpanKind.INTERNAL)
    [attempt] = by_kind(spans, SpanKind.CLIENT)
    assert attempt.parent is not None and attempt.parent.span_id == call.context.span_id
    for span in (call, attempt):
        assert span.name == f"POST {DETAIL_PATH}"
        attributes = span.attributes or {}
        assert attributes["http.request.method"] == "POST"
        assert attributes["url.template"] == DETAIL_PATH
        assert attributes["server.address"] == "127.0.0.1"
        assert attributes["http.response.status_code"] == 200
        assert attributes["pandapon.endpoint"] == "alibaba.orders.get_detail"
        assert attributes["pandapon.request_id"] == raw.request_id
        assert attributes["pandapon.idempotent"] is True
        assert attributes["pandapon.outcome"] == "ok"
        assert "error.type" not in attributes
    assert (attempt.attributes or {})["pandapon.attempt"] == 1
    assert (call.attributes or {})["pandapon.attempts"] == 1
    [duration] = otel.points("http.client.request.duration")
    assert duration.count == 1
    assert duration.attributes["url.template"] == DETAIL_PATH
    assert duration.attributes["http.response.status_code"] == 200


async def test_retries_are_events_with_a_reason_and_a_span_per_attempt(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    """Rule 3: each attempt is signed and sent afresh, so each is its own CLIENT span; the
    retries of an idempotent read after server errors are visible and counted by reason."""
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=2, status=503)

    await client.alibaba.orders.get_detail(order_id)

    spans = otel.finished()
    [call] = by_kind(spans, SpanKind.INTERNAL)
    attempts = sorted(children(spans, call), key=lambda span: span.start_time or 0)
    assert [(span.attributes or {})["pandapon.attempt"] for span in attempts] == [1, 2, 3]
    for failed in attempts[:2]:
        attributes = failed.attributes or {}
        assert attributes["http.response.status_code"] == 503
        assert attributes["error.type"] == "pandapon_async.errors.ServerError"
        assert attributes["pandapon.outcome"] == "server_error"
        assert failed.status.status_code == StatusCode.ERROR
    assert (attempts[1].attributes or {})["http.request.resend_count"] == 1
    assert (attempts[2].attributes or {})["pandapon.outcome"] == "ok"
    retries = [event for event in call.events if event.name == "pandapon.retry"]
    assert [(event.attributes or {})["pandapon.retry.reason"] for event in retries] == [
        "server_error", "server_error"]
    assert (call.attributes or {})["pandapon.attempts"] == 3
    assert call.status.status_code == StatusCode.UNSET
    [retried] = otel.points("pandapon.client.retries")
    assert retried.value == 2
    assert retried.attributes["pandapon.retry.reason"] == "server_error"
    assert sum(point.count for point in otel.points("http.client.request.duration")) == 3


async def test_a_trace_the_sampler_drops_still_records_every_metric(
    fake_pandapon: FakePandaPon, otel: Otel
) -> None:
    """A call nobody records (a sampler that drops the trace, or the API without an SDK)
    starts no span at all, and its metrics are what a recorded call gives: one request
    duration per attempt, the retries by reason (rule 3: each attempt sent afresh), the
    limiter waits."""
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    exporter = InMemorySpanExporter()
    dropping = TracerProvider(sampler=ALWAYS_OFF)
    dropping.add_span_processor(SimpleSpanProcessor(exporter))
    [order_id] = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=2, status=503)
    async with PandaPonClient(
        fake_pandapon.credentials, base_url=fake_pandapon.url, rate_limit=None,
        retry_backoff=0.0, tracer_provider=dropping, meter_provider=otel.meter_provider,
    ) as client:
        raw = await with_raw_response(client.alibaba.orders.get_detail(order_id))
        with pytest.raises(NotFoundError):
            await client.alibaba.orders.get_detail("2059624776425880794")
    dropping.shutdown()

    assert raw.attempts == 3 and raw.http_status == 200
    assert exporter.get_finished_spans() == ()
    durations = otel.points("http.client.request.duration")
    by_status = {point.attributes.get("http.response.status_code"): point.count
                 for point in durations}
    assert by_status == {503: 2, 200: 1, 404: 1}
    [retried] = otel.points("pandapon.client.retries")
    assert retried.value == 2
    assert retried.attributes["pandapon.retry.reason"] == "server_error"
    [waits] = otel.points("pandapon.client.limiter.wait")
    assert waits.count == 4


async def test_an_unanswered_payment_is_one_attempt_with_an_unknown_outcome(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    """Rule 1: a payment that may have reached the platform is not resent, and its span says
    the outcome is unknown rather than failed."""
    ids = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(PAY_PATH, "processed_then_drop")

    with pytest.raises(OutcomeUnknownError):
        await client.alibaba.orders.batch_submit_to_pay(ids)

    spans = otel.finished()
    [call] = by_kind(spans, SpanKind.INTERNAL)
    [attempt] = by_kind(spans, SpanKind.CLIENT)
    for span in (call, attempt):
        attributes = span.attributes or {}
        assert attributes["pandapon.outcome"] == "unknown_outcome"
        assert attributes["error.type"] == "pandapon_async.errors.OutcomeUnknownError"
        assert attributes["pandapon.idempotent"] is False
        assert "http.response.status_code" not in attributes
        assert span.status.status_code == StatusCode.ERROR
    assert otel.points("pandapon.client.retries") == []


async def test_a_refusal_carries_the_platform_request_id(
    client: PandaPonClient, otel: Otel
) -> None:
    with pytest.raises(NotFoundError) as raised:
        await client.alibaba.orders.get_detail("2059624776425880794")

    [call] = by_kind(otel.finished(), SpanKind.INTERNAL)
    attributes = call.attributes or {}
    assert attributes["pandapon.outcome"] == "not_found"
    assert attributes["pandapon.request_id"] == raised.value.request_id
    assert raised.value.request_id


async def test_a_429_is_a_rate_limited_retry_and_the_limiter_wait_is_measured(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    """Rule 1: a 429 provably did not reach the order, so even a payment is retried; the
    retry is counted under its reason and the attempts' limiter waits are recorded."""
    ids = fake_pandapon.create_alibaba_orders(1)
    fake_pandapon.faults.script(PAY_PATH, "rate_limit", retry_after=0.001)

    result = await client.alibaba.orders.batch_submit_to_pay(ids)

    assert result.success_order_ids == ids
    [retried] = otel.points("pandapon.client.retries")
    assert retried.attributes["pandapon.retry.reason"] == "rate_limited"
    assert retried.attributes["pandapon.endpoint"] == "alibaba.orders.batch_submit_to_pay"
    [waits] = otel.points("pandapon.client.limiter.wait")
    assert waits.count == 2
    [call] = by_kind(otel.finished(), SpanKind.INTERNAL)
    [event] = [event for event in call.events if event.name == "pandapon.retry"]
    assert (event.attributes or {})["pandapon.retry.delay"] == pytest.approx(0.001)


async def test_an_undeclared_path_is_named_by_its_method_alone(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    [order_id] = fake_pandapon.create_alibaba_orders(1)

    await client.call("POST", DETAIL_PATH, json={"webSite": "1688", "orderId": order_id})
    with pytest.raises(UnexpectedResponseError):
        await client.call("GET", "/no/such/path")

    declared, undeclared = sorted(by_kind(otel.finished(), SpanKind.INTERNAL),
                                  key=lambda span: span.start_time or 0)
    assert (declared.attributes or {})["pandapon.endpoint"] == "alibaba.orders.get_detail"
    assert undeclared.name == "GET"
    assert "url.template" not in (undeclared.attributes or {})


async def test_a_bulk_payment_is_a_run_span_with_chunk_spans_and_counts(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    """Rule 2: every id of a bulk payment ends in one bucket; the run span and the outcome
    counter report those buckets, and every payment call sits under its chunk."""
    ids = fake_pandapon.create_alibaba_orders(5)

    report = await client.bulk.submit_to_pay([*ids, ids[0]], chunk_size=2, concurrency=2)

    assert report.ok
    spans = otel.finished()
    [run] = [span for span in spans if span.name == "pandapon.bulk.submit_to_pay"]
    run_attributes = run.attributes or {}
    assert run_attributes["pandapon.bulk.success"] == 5
    assert run_attributes["pandapon.bulk.pay_fail"] == 0
    assert run_attributes["pandapon.bulk.unknown"] == 0
    assert run_attributes["pandapon.bulk.duplicates"] == 1
    assert run_attributes["pandapon.bulk.chunk_size"] == 2
    chunks = children(spans, run)
    assert sorted((chunk.attributes or {})["pandapon.bulk.chunk.orders"] for chunk in chunks) == [
        1, 2, 2]
    for chunk in chunks:
        [pay] = children(spans, chunk)
        assert pay.name == f"POST {PAY_PATH}"
    [paid] = otel.points("pandapon.bulk.orders")
    assert paid.value == 5
    assert paid.attributes == {"pandapon.bulk.operation": "submit_to_pay",
                               "pandapon.bulk.bucket": "success"}


async def test_bulk_lookups_and_map_have_run_spans_over_their_calls(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    ids = fake_pandapon.create_alibaba_orders(3)

    report = await client.bulk.get_orders([*ids, "2059624776425880794"])
    async with client.bulk.map(client.alibaba.orders.get_detail, ids) as outcomes:
        done = [outcome async for outcome in outcomes]

    assert len(report.found) == 3 and len(done) == 3
    spans = otel.finished()
    [lookup] = [span for span in spans if span.name == "pandapon.bulk.get_orders"]
    assert (lookup.attributes or {})["pandapon.bulk.found"] == 3
    assert (lookup.attributes or {})["pandapon.bulk.not_found"] == 1
    assert len(children(spans, lookup)) == 4
    [mapped] = [span for span in spans if span.name == "pandapon.bulk.map"]
    assert (mapped.attributes or {})["pandapon.bulk.succeeded"] == 3
    assert len(children(spans, mapped)) == 3
    buckets = {point.attributes["pandapon.bulk.bucket"]: point.value
               for point in otel.points("pandapon.bulk.orders")}
    assert buckets == {"found": 3, "not_found": 1}


async def test_no_secret_signature_header_or_body_in_any_attribute_or_metric(
    fake_pandapon: FakePandaPon, client: PandaPonClient, otel: Otel
) -> None:
    """Rule 4: secrets never appear in telemetry: not the access secret, not a signature
    that was sent, not a request header, not the request body."""
    ids = fake_pandapon.create_alibaba_orders(3)
    marker = "MARKER-cancel-reason-5b1e"
    fake_pandapon.faults.script(DETAIL_PATH, "error", count=1, status=500)
    fake_pandapon.faults.script(PAY_PATH, "processed_then_drop")
    await client.bulk.submit_to_pay(ids[:2])
    await client.bulk.cancel([ids[2]], reason=marker)
    wrong = attrs.evolve(fake_pandapon.credentials, access_secret="wrong-secret-9f3c")
    async with PandaPonClient(wrong, base_url=fake_pandapon.url, rate_limit=None,
                              tracer_provider=otel.tracer_provider,
                              meter_provider=otel.meter_provider) as refused:
        with pytest.raises(AuthenticationError):
            await refused.alibaba.orders.get_detail(ids[0])

    signatures = {request.headers["signature"] for request in fake_pandapon.requests
                  if "signature" in request.headers}
    forbidden = {fake_pandapon.credentials.access_secret, "wrong-secret-9f3c", marker,
                 *signatures}
    assert len(signatures) >= 5
    texts: list[str] = []
    for span in otel.finished():
        texts.append(span.name)
        texts.extend(f"{key}={value}" for key, value in (span.attributes or {}).items())
        for event in span.events:
            texts.extend(f"{key}={value}" for key, value in (event.attributes or {}).items())
    data = otel.metrics.get_metrics_data()
    assert data is not None
    texts.append(data.to_json())
    dump = "\n".join(texts)
    for secret in forbidden:
        assert secret not in dump
    keys = {text.split("=", 1)[0] for text in texts}
    assert not any("header" in key or "signature" in key or "body" in key for key in keys)


def test_outcome_classes_name_every_error_kind() -> None:
    assert outcome_of(None) == "ok"
    assert outcome_of(BusinessError("x")) == "business_error"
    assert outcome_of(RateLimitError("x")) == "rate_limited"
    assert outcome_of(AuthenticationError("x")) == "auth_error"
    assert outcome_of(NotFoundError("x")) == "not_found"
    assert outcome_of(ServerError("x")) == "server_error"
    assert outcome_of(ConnectError("x")) == "not_sent"
    assert outcome_of(OutcomeUnknownError("x")) == "unknown_outcome"
    assert outcome_of(ClientClosedError("x")) == "client_closed"
    assert outcome_of(ValueError("x")) == "error"


def test_off_unless_asked_and_nothing_of_opentelemetry_is_imported() -> None:
    script = (
        "import sys\n"
        "from pandapon_async import Credentials, PandaPonClient\n"
        "client = PandaPonClient(Credentials('k', 's', '1'))\n"
        "print(client._telemetry is None, client._transport._telemetry is None,\n"
        "      sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split("\n")[0] == "True True []"


def test_switch_explicit_off_and_missing_dependency(
    monkeypatch: pytest.MonkeyPatch, otel: Otel
) -> None:
    from pandapon_async import Credentials

    credentials = Credentials("k", "s", "1")
    # The API is imported in this process, so by default instrumentation is on...
    assert PandaPonClient(credentials)._telemetry is not None
    # ...unless turned off, whatever providers are given.
    off = PandaPonClient(credentials, telemetry=False, tracer_provider=otel.tracer_provider)
    assert off._telemetry is None
    # As if not installed:
    monkeypatch.setitem(sys.modules, "pandapon_async._observability._otel", None)
    assert PandaPonClient(credentials)._telemetry is None
    with pytest.raises(ImportError, match=r"pandapon-async\[otel\]"):
        PandaPonClient(credentials, telemetry=True)
    with pytest.raises(TypeError, match="telemetry"):
        PandaPonClient(credentials, telemetry="yes")  # type: ignore[arg-type]


async def test_the_callback_receiver_counts_deliveries_handler_results_and_backlog(
    otel: Otel,
) -> None:
    import asyncio

    from pandapon_async.callbacks import CallbackMessage, CallbackReceiver, MemoryInbox

    gate = asyncio.Event()
    three_calls = asyncio.Event()
    calls: list[str] = []

    async def handler(message: CallbackMessage) -> None:
        calls.append(message.message_type)
        if len(calls) == 3:
            three_calls.set()
        if len(calls) == 1:
            raise RuntimeError("first call fails")
        await gate.wait()

    receiver = CallbackReceiver(CALLBACK_SECRET, handler, inbox=MemoryInbox(), retry_backoff=0.0,
                                meter_provider=otel.meter_provider)
    first, second = callback_body("2059624776425880794"), callback_body("2059624776425880795")
    for body in (first, second, first):
        result = await receiver.receive(body, authorization=sign(body),
                                        content_type="application/json")
        assert result.status == 200
    refused = await receiver.receive(first, authorization="0" * 64,
                                     content_type="application/json")
    assert refused.status == 401

    async with receiver:
        await three_calls.wait()  # the failure, its retry and the second message
        backlog = {point.value for point in otel.points("pandapon.callback.inbox.backlog")}
        assert backlog == {2}
        gate.set()
        await receiver.wait_idle()

    deliveries = {(point.attributes["pandapon.callback.outcome"],
                   point.attributes["http.response.status_code"]): point.value
                  for point in otel.points("pandapon.callback.deliveries")}
    assert deliveries == {("recorded", 200): 2, ("duplicate", 200): 1, ("refused", 401): 1}
    results = {point.attributes["pandapon.callback.outcome"]: point.value
               for point in otel.points("pandapon.callback.handler.results")}
    assert results == {"retry": 1, "done": 2}

