"""Instrumentation cost: the client's own CPU per call, with OpenTelemetry off and on.

The network is taken out: the client gets a stub ``aiohttp`` session that answers every
request at once with a fixed envelope, so what is timed is only the client's work per call
(signing, the limiter, the retry loop, envelope checks, and the instrumentation hooks), in one
process, with the modes alternating round by round. Modes:

- ``off``: ``telemetry=False``: each hook is one ``is None`` test, nothing allocated;
- ``on (API only)``: instrumentation on with the OpenTelemetry API's default no-op providers
  (the API installed, no SDK configured);
- ``on (SDK)``: an SDK tracer provider batching spans to an exporter that drops them, and an
  SDK meter provider aggregating every instrument: the full cost of building the spans and
  recording the metrics, not of shipping them;
- ``on (sampled out)``: the SDK with a sampler that drops every trace (``ALWAYS_OFF``) and the
  same meter provider: no span is recorded (so none is started), every metric is.

Against a real platform a call takes tens to hundreds of milliseconds and the client's rate
limit (10 requests/s by default) binds long before its CPU does; the figure matters for
high-volume pipelines and for the local benchmarks. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _stub_session import StubSession

from pandapon_async import Credentials, PandaPonClient

PATH = "/alibaba/order/detail"
PAYLOAD = {"webSite": "1688", "orderId": "2059624776425880794"}
BODY = json.dumps({"requestId": "4a1f", "code": 200, "msg": "success",
                   "data": {"success": True, "orderId": "2059624776425880794"}}).encode()
CREDENTIALS = Credentials("bench-access-key", "bench-access-secret", "10001")


def sdk_providers() -> tuple[Any, Any]:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class DropSpans(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer_provider = TracerProvider()
    # A queue as large as a round, so that no span is dropped before the exporter sees it.
    tracer_provider.add_span_processor(BatchSpanProcessor(DropSpans(), max_queue_size=65536))
    return tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()])


async def per_call(client: PandaPonClient, calls: int) -> float:
    """Microseconds of wall time per call (the loop does nothing else; one core)."""
    call = client.call
    started = time.perf_counter()
    for _ in range(calls):
        await call("POST", PATH, json=PAYLOAD, idempotent=True)
    return (time.perf_counter() - started) / calls * 1e6


async def measure(calls: int, rounds: int) -> dict[str, list[float]]:
    from opentelemetry.metrics import NoOpMeterProvider
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
    from opentelemetry.trace import NoOpTracerProvider

    tracer_provider, meter_provider = sdk_providers()
    common: dict[str, Any] = {"base_url": "http://127.0.0.1:1", "rate_limit": None}
    clients = {
        "off": PandaPonClient(CREDENTIALS, session=StubSession(BODY),  # type: ignore[arg-type]
                              telemetry=False, **common),
        "on (API only)": PandaPonClient(CREDENTIALS, session=StubSession(BODY),  # type: ignore[arg-type]
                                        tracer_provider=NoOpTracerProvider(),
                                        meter_provider=NoOpMeterProvider(), **common),
        "on (SDK)": PandaPonClient(CREDENTIALS, session=StubSession(BODY),  # type: ignore[arg-type]
                                   tracer_provider=tracer_provider,
                                   meter_provider=meter_provider, **common),
        "on (sampled out)": PandaPonClient(
            CREDENTIALS, session=StubSession(BODY),  # type: ignore[arg-type]
            tracer_provider=TracerProvider(sampler=ALWAYS_OFF), meter_provider=meter_provider,
            **common),
    }
    results: dict[str, list[float]] = {name: [] for name in clients}
    for client in clients.values():  # warm up caches
        await per_call(client, min(calls, 2000))
    for _ in range(rounds):
        for name, client in clients.items():
            gc.collect()
            results[name].append(await per_call(client, calls))
    tracer_provider.shutdown()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=10000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds per mode")
    args = parser.parse_args()
    results = asyncio.run(measure(args.calls, args.rounds))
    off = statistics.median(results["off"])
    print(f"bench_telemetry: Python {sys.version.split()[0]}; {args.rounds} rounds x "
          f"{args.calls:,} calls per mode, stub session (no network)\n")
    header = f"{'mode':<17} {'us/call':>8} {'min..max':>15} {'over off':>9}"
    print(header)
    print("-" * len(header))
    for name, values in results.items():
        median = statistics.median(values)
        spread = f"{min(values):.1f}..{max(values):.1f}"
        print(f"{name:<17} {median:>8.1f} {spread:>15} {median - off:>+8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
