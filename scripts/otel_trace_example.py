"""Print the trace of one bulk payment against the fake, as the README shows it.

Five orders in chunks of two; the fake answers the first payment request with a 429 (retried:
it provably did not reach the platform) and drops the answer of another after paying (the
outcome is unknown: the chunk is reconciled by reading the orders). Spans come from the
OpenTelemetry SDK's in-memory exporter. Needs ``pip install "pandapon-async[otel]"
opentelemetry-sdk``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pandapon_async import PandaPonClient
from pandapon_async.testing import FakePandaPon

PAY_PATH = "/alibaba/order/batch/submit/to/pay"
SHOWN = ("pandapon.endpoint", "pandapon.attempt", "http.response.status_code",
         "pandapon.request_id", "pandapon.outcome", "error.type")


def attributes_text(span: ReadableSpan) -> str:
    attributes: dict[str, Any] = dict(span.attributes or {})
    if span.name.startswith("pandapon.bulk."):
        keep = {k: v for k, v in attributes.items()
                if k.startswith("pandapon.bulk.") and k != "pandapon.bulk.operation"}
    else:
        keep = {k: attributes[k] for k in SHOWN if k in attributes}
        if span.kind.name == "INTERNAL":  # the call span: its endpoint is in its name
            keep.pop("pandapon.endpoint", None)
    keep = {k.removeprefix("pandapon.bulk.").removeprefix("pandapon."): v
            for k, v in keep.items()}
    if "error.type" in keep:
        keep["error.type"] = str(keep["error.type"]).rsplit(".", 1)[-1]
    if "request_id" in keep:
        keep["request_id"] = "…" + str(keep["request_id"])[-4:]
    return " ".join(f"{k}={round(v, 3) if isinstance(v, float) else v}"
                    for k, v in keep.items())


def render(spans: list[ReadableSpan]) -> str:
    by_parent: dict[int | None, list[ReadableSpan]] = {}
    for span in spans:
        by_parent.setdefault(span.parent.span_id if span.parent else None, []).append(span)
    origin = min(span.start_time or 0 for span in spans)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for span in sorted(by_parent.get(parent, []), key=lambda s: s.start_time or 0):
            start = ((span.start_time or 0) - origin) / 1e6
            took = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
            kind = "client" if span.kind.name == "CLIENT" else ""
            lines.append(f"{start:7.1f} ms {took:6.1f} ms  {'  ' * depth}{span.name} {kind}"
                         .rstrip() + f"  {attributes_text(span)}".rstrip())
            for event in span.events:
                if event.name == "exception":  # its type is in error.type already
                    continue
                event_attributes = {k.removeprefix("pandapon."): v
                                    for k, v in (event.attributes or {}).items()
                                    if k != "error.type"}
                text = " ".join(f"{k}={round(v, 4) if isinstance(v, float) else v}"
                                for k, v in event_attributes.items())
                lines.append(f"{'':20}{'  ' * depth}  · {event.name} {text}")
            walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


async def main() -> None:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with FakePandaPon() as fake:
        ids = fake.create_alibaba_orders(5)
        fake.faults.script(PAY_PATH, "rate_limit", retry_after=0.05)
        async with PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=50,
                                  tracer_provider=tracer_provider) as client:
            fake.faults.script(PAY_PATH, "processed_then_drop")
            report = await client.bulk.submit_to_pay(ids, chunk_size=2, concurrency=1)
    assert report.ok, report
    print(render(list(exporter.get_finished_spans())))


if __name__ == "__main__":
    asyncio.run(main())
