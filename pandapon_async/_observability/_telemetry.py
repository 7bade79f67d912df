"""Instrumentation switch and hooks; OpenTelemetry itself lives in ``_otel`` (imported lazily).

The transport, the bulk helpers and the callback receiver hold a telemetry object, or
``None`` when instrumentation is off: off costs one ``is None`` test per hook and allocates
nothing. Instrumentation is on when OpenTelemetry is asked for (``telemetry=True``, or a
``tracer_provider``/``meter_provider`` given), or, by default, when the application has
already imported the OpenTelemetry API (it set up tracing or metrics, so it wants them from
its libraries too); ``telemetry=False`` turns it off. Nothing here imports ``opentelemetry``.

Hook points in other modules are marked ``# [telemetry hook]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sized
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

import attrs

from ..errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    ClientClosedError,
    ConnectError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)

if TYPE_CHECKING:
    from .._client import PandaPonClient

__all__ = [
    "CallTelemetry",
    "ChunkTiming",
    "ClientTelemetry",
    "ReceiverTelemetry",
    "bulk_chunk",
    "bulk_run",
    "bulk_stream",
    "client_telemetry",
    "observe_delivery",
    "outcome_of",
    "receiver_telemetry",
    "record_chunk_timings",
]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")

_OTEL_MODULES = ("opentelemetry.trace", "opentelemetry.metrics")
_MISSING = (
    'OpenTelemetry instrumentation needs opentelemetry-api: pip install "pandapon-async[otel]"'
)


def outcome_of(error: BaseException | None) -> str:
    """The outcome class of a call or attempt, as telemetry and logs name it."""
    if error is None:
        return "ok"
    # Most specific first: NotFoundError and the others are APIErrors.
    for kind, name in _OUTCOMES:
        if isinstance(error, kind):
            return name
    return "error"


_OUTCOMES: tuple[tuple[type[BaseException], str], ...] = (
    (BusinessError, "business_error"),
    (RateLimitError, "rate_limited"),
    (AuthenticationError, "auth_error"),
    (NotFoundError, "not_found"),
    (ServerError, "server_error"),
    (APIError, "api_error"),
    (ConnectError, "not_sent"),
    (OutcomeUnknownError, "unknown_outcome"),
    (ClientClosedError, "client_closed"),
    (asyncio.CancelledError, "cancelled"),
)


class CallTelemetry(Protocol):
    """One logical call (with its retries), as the transport reports it."""

    def attempt_started(self, attempt: int) -> None: ...

    def limiter_passed(self) -> None: ...

    def retry_scheduled(self, error: BaseException, delay: float) -> None: ...

    def finished(self) -> None: ...


class ClientTelemetry(Protocol):
    """What a client's transport and bulk helpers call when instrumentation is on."""

    def call_started(self, method: str, path: str, idempotent: bool) -> CallTelemetry: ...

    def bulk_run(
        self, operation: str, orders: int | None, options: dict[str, Any]
    ) -> contextlib.AbstractContextManager[Callable[[object], None]]: ...

    def bulk_chunk(
        self, kind: str, batch: str, orders: int
    ) -> contextlib.AbstractContextManager[None]: ...

    def traced_stream(self, operation: str, stream: S) -> S: ...


class ReceiverTelemetry(Protocol):
    """What the callback receiver calls when instrumentation is on."""

    def delivery(self, status: int, reason: str, duplicate: bool) -> None: ...

    def handled(self, message_type: str, outcome: str) -> None: ...

    async def refresh_backlog(self, inbox: Any) -> None: ...


def _wanted(telemetry: bool | None, *providers: object) -> bool:
    if telemetry is not None:
        if not isinstance(telemetry, bool):
            raise TypeError(f"telemetry must be True, False or None, got {telemetry!r}")
        return telemetry
    if any(provider is not None for provider in providers):
        return True
    return any(name in sys.modules for name in _OTEL_MODULES)


def _load_otel(required: bool) -> Any:
    try:
        otel = importlib.import_module("pandapon_async._observability._otel")
    except ImportError:
        if required:
            raise ImportError(_MISSING) from None
        return None
    return otel


def client_telemetry(
    telemetry: bool | None, tracer_provider: Any, meter_provider: Any, base_url: str
) -> ClientTelemetry | None:
    """The client's instrumentation, or ``None`` when it is off (see the module docstring)."""
    if not _wanted(telemetry, tracer_provider, meter_provider):
        return None
    required = telemetry is True or tracer_provider is not None or meter_provider is not None
    otel = _load_otel(required)
    if otel is None:
        return None
    return otel.OtelClientTelemetry(  # type: ignore[no-any-return]
        tracer_provider=tracer_provider, meter_provider=meter_provider, base_url=base_url
    )


def receiver_telemetry(telemetry: bool | None, meter_provider: Any) -> ReceiverTelemetry | None:
    """The callback receiver's metrics, or ``None`` when instrumentation is off."""
    if not _wanted(telemetry, meter_provider):
        return None
    otel = _load_otel(telemetry is True or meter_provider is not None)
    if otel is None:
        return None
    return otel.OtelReceiverTelemetry(meter_provider=meter_provider)  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------
# Bulk runs and chunks


@attrs.frozen
class ChunkTiming:
    """One chunk of a bulk payment: ``kind`` is ``pay`` or ``reconcile``; ``started`` is
    seconds since the first chunk started; ``error`` the exception text if its work raised."""

    batch: str
    kind: str
    orders: int
    started: float
    elapsed: float
    error: str | None = None


class _ChunkLog:
    __slots__ = ("origin", "timings")

    def __init__(self) -> None:
        self.timings: list[ChunkTiming] = []
        self.origin: float | None = None


_CHUNK_TIMINGS: ContextVar[_ChunkLog | None] = ContextVar("pandapon_chunk_timings", default=None)


@contextlib.contextmanager
def record_chunk_timings() -> Iterator[list[ChunkTiming]]:
    """Collect a :class:`ChunkTiming` for every bulk-payment chunk run inside the block
    (in this task and the tasks it starts), in the order they finish. Used by
    ``pandapon pay --trace``; works without OpenTelemetry."""
    log = _ChunkLog()
    token = _CHUNK_TIMINGS.set(log)
    try:
        yield log.timings
    finally:
        _CHUNK_TIMINGS.reset(token)


_NO_SCOPE = contextlib.nullcontext()


@contextlib.contextmanager
def _timed_chunk(
    log: _ChunkLog, telemetry: ClientTelemetry | None, kind: str, batch: str, orders: int
) -> Iterator[None]:
    started = time.perf_counter()
    if log.origin is None:
        log.origin = started
    error: str | None = None
    try:
        with telemetry.bulk_chunk(kind, batch, orders) if telemetry is not None else _NO_SCOPE:
            yield
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        log.timings.append(ChunkTiming(batch, kind, orders, started - log.origin,
                                       time.perf_counter() - started, error))


def bulk_chunk(
    client: PandaPonClient, kind: str, batch: str, orders: int
) -> contextlib.AbstractContextManager[Any]:
    """Scope of one bulk-payment chunk: a span (under the run's) when instrumentation is on,
    a :class:`ChunkTiming` when :func:`record_chunk_timings` is active; else nothing."""
    telemetry: ClientTelemetry | None = getattr(client, "_telemetry", None)
    log = _CHUNK_TIMINGS.get()
    if log is not None:
        return _timed_chunk(log, telemetry, kind, batch, orders)
    if telemetry is not None:
        return telemetry.bulk_chunk(kind, batch, orders)
    return _NO_SCOPE


def bulk_run(
    operation: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Decorate a ``BulkNamespace`` method: a span for the whole run (the parent of every
    call it makes) with the report's counts at the end, and the bulk outcome counter."""

    def decorate(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(method)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            telemetry: ClientTelemetry | None = getattr(
                getattr(args[0], "_client", None), "_telemetry", None
            )
            if telemetry is None:
                return await method(*args, **kwargs)
            orders = len(args[1]) if len(args) > 1 and isinstance(args[1], Sized) else None
            options = {k: v for k, v in kwargs.items()
                       if k in ("chunk_size", "concurrency") and v is not None}
            with telemetry.bulk_run(operation, orders, options) as finish:
                report = await method(*args, **kwargs)
                finish(report)
                return report

        return run

    return decorate


def bulk_stream(operation: str) -> Callable[[Callable[P, S]], Callable[P, S]]:
    """Decorate ``BulkNamespace.map``: the stream it returns gets a span from its start to its
    end (the parent of every call its workers make), with its counts at the end."""

    def decorate(method: Callable[P, S]) -> Callable[P, S]:
        @functools.wraps(method)
        def run(*args: P.args, **kwargs: P.kwargs) -> S:
            stream = method(*args, **kwargs)
            telemetry: ClientTelemetry | None = getattr(
                getattr(args[0], "_client", None), "_telemetry", None
            )
            return stream if telemetry is None else telemetry.traced_stream(operation, stream)

        return run

    return decorate


def observe_delivery(
    receive: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    """Decorate ``CallbackReceiver.receive``: count each delivery by the answer it got."""

    @functools.wraps(receive)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        result = await receive(*args, **kwargs)
        telemetry: ReceiverTelemetry | None = getattr(args[0], "_telemetry", None)
        if telemetry is not None:
            telemetry.delivery(getattr(result, "status", 0), getattr(result, "reason", ""),
                               bool(getattr(result, "duplicate", False)))
        return result

    return run
