"""The answer behind a successful call: request id, HTTP status, headers, timing.

Errors already carry the platform's request id; a successful call returns only its typed
data. :func:`with_raw_response` runs one call and keeps what the transport saw of the answer
that succeeded, without hooks and without changing any method's return type::

    raw = await with_raw_response(client.alibaba.orders.get_detail(order_id))
    raw.data.base_info.status, raw.request_id, raw.http_status, raw.headers, raw.elapsed

The transport reports each answer that decoded as a success to the :class:`AnswerSink` of
the current context (:data:`ANSWERS`), a context variable: one lookup per answer when
nobody listens.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Awaitable, Mapping
from contextvars import ContextVar
from typing import Generic, TypeVar

import attrs

__all__ = ["ANSWERS", "Answer", "AnswerSink", "RawResponse", "with_raw_response"]

T = TypeVar("T")


@attrs.frozen
class Answer:
    """One attempt that ended in a successful envelope, as the transport saw it;
    ``started`` is when that attempt was sent (``time.perf_counter``)."""

    method: str
    path: str
    attempt: int
    status: int
    headers: Mapping[str, str]
    request_id: str | None
    started: float


class AnswerSink(abc.ABC):
    """Told by the transport about every attempt that ended in a successful envelope
    (:meth:`answered`); a sink handles it, as one :class:`Answer`, in :meth:`take`."""

    __slots__ = ()

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
        self.take(Answer(method, path, attempt, status, headers, request_id, started))

    @abc.abstractmethod
    def take(self, answer: Answer) -> None: ...


ANSWERS: ContextVar[AnswerSink | None] = ContextVar("pandapon_answers", default=None)


@attrs.frozen
class RawResponse(Generic[T]):
    """A successful call and the answer that settled it.

    ``data`` is what the call returns (the typed model, or the envelope's ``data`` for
    ``client.call``); ``request_id`` the platform's ``requestId``; ``http_status`` and
    ``headers`` those of the answer; ``elapsed`` the seconds from sending that attempt to
    reading its body (``time.perf_counter``); ``attempts`` how many attempts the call took;
    ``method`` and ``path`` what was sent. Response headers only: no request header (and so
    no signature) is kept.
    """

    data: T
    request_id: str | None
    http_status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    elapsed: float
    attempts: int
    method: str
    path: str


class _Capture(AnswerSink):
    __slots__ = ("answer", "elapsed")

    def __init__(self) -> None:
        self.answer: Answer | None = None

    def take(self, answer: Answer) -> None:
        self.elapsed = time.perf_counter() - answer.started
        self.answer = answer


async def with_raw_response(call: Awaitable[T]) -> RawResponse[T]:
    """Await one API call and return its data with the answer that carried it.

    ``call`` is the un-awaited call: a typed method (``client.taobao.orders.get(...)``) or
    ``client.call(...)``. When it makes several requests, the answer kept is the last one
    that succeeded. Errors propagate unchanged (they carry the request id already).
    ``RuntimeError`` if the awaitable made no request through a client.
    """
    capture = _Capture()
    token = ANSWERS.set(capture)
    try:
        data = await call
    finally:
        ANSWERS.reset(token)
    answer = capture.answer
    if answer is None:
        raise RuntimeError("with_raw_response: the awaitable sent no request through a client")
    return RawResponse(
        data=data,
        request_id=answer.request_id,
        http_status=answer.status,
        headers=answer.headers,
        elapsed=capture.elapsed,
        attempts=answer.attempt,
        method=answer.method,
        path=answer.path,
    )
