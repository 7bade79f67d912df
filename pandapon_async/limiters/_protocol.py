"""The pluggable :class:`RateLimiter` protocol and how the client reports a 429 to one."""

from __future__ import annotations

import inspect
from typing import Protocol, runtime_checkable


@runtime_checkable
class RateLimiter(Protocol):
    """What the client needs of a rate limiter.

    ``acquire`` returns when one request may be sent; a caller cancelled while waiting must
    not consume a slot. ``pause`` is the client's report of a 429: hold every caller back for
    ``seconds`` (the ``Retry-After``, or a jittered backoff when the platform gave none) and,
    for an adaptive limiter, slow down. It is a coroutine so that a limiter shared by several
    processes (Redis, a database) can do I/O there; a plain method returning ``None`` is still
    accepted (see :func:`report_rate_limited`).
    """

    async def acquire(self) -> None: ...

    async def pause(self, seconds: float) -> None: ...


async def report_rate_limited(limiter: RateLimiter, seconds: float) -> None:
    """Tell ``limiter`` about a 429; works with ``pause`` written as a coroutine or not."""
    result: object = limiter.pause(seconds)
    if inspect.isawaitable(result):
        await result
