"""Retry decisions (pure): what may be retried, and how long to wait first.

Rule 1 of the design protects money: a request that is not idempotent is retried only when
it provably never reached the server (connection not made, or 429 before processing).
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

import attrs

from .errors import (
    ConnectError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)

__all__ = ["RetryPolicy", "is_retryable", "parse_retry_after"]


@attrs.frozen
class RetryPolicy:
    """Exponential backoff with full jitter; Retry-After honoured up to ``retry_after_cap``."""

    max_retries: int = 3
    backoff_base: float = 0.25
    backoff_max: float = 10.0
    retry_after_cap: float = 60.0

    def __attrs_post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ValueError(f"max_retries must be an integer, got {self.max_retries!r}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries!r}")

    def delay(
        self,
        retry_number: int,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before retry number ``retry_number`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_cap)
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (retry_number - 1))
        return ceiling * rand()

    def rate_limited_delay(
        self,
        retry_number: int,
        retry_after: float | None,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to hold back after a 429 before retry number ``retry_number`` (1-based).

        A positive ``Retry-After`` is honoured (up to ``retry_after_cap``). ``Retry-After: 0``
        or none at all means "back off with jitter", never "retry now": half the exponential
        backoff plus a random half, so callers throttled together do not come back together.
        """
        if retry_after is not None and retry_after > 0:
            return min(retry_after, self.retry_after_cap)
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (retry_number - 1))
        return ceiling * (0.5 + 0.5 * rand())


def is_retryable(error: PandaPonError, idempotent: bool) -> bool:
    """Whether a failed attempt may be sent again.

    ``ConnectError`` and ``RateLimitError`` mean the platform did not act: always retryable.
    ``ServerError`` and ``OutcomeUnknownError`` mean it may have acted: retryable only for
    idempotent requests. ``UnexpectedResponseError`` (no envelope: the platform may have
    acted too) likewise, when another try may get through: a 2xx (a body cut short), 408,
    429 or 5xx; a redirect or another 4xx page (a gateway's 404 for a wrong path) is final.
    Everything else (bad request, authentication, business failure) is final.
    """
    if isinstance(error, ConnectError | RateLimitError):
        return True
    if isinstance(error, ServerError | OutcomeUnknownError):
        return idempotent
    if isinstance(error, UnexpectedResponseError):
        status = error.http_status
        return idempotent and (
            status is None or 200 <= status < 300 or status in (408, 429) or status >= 500
        )
    return False


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date; ``None`` if absent."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.fromtimestamp(now(), UTC)).total_seconds(), 0.0)
