"""Fault injection for the fake: seeded, deterministic, cheap when nothing is configured."""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

__all__ = [
    "AFTER_PROCESSING_KINDS",
    "BEFORE_PROCESSING_KINDS",
    "DEFAULT_BAD_DATA",
    "FAULT_KINDS",
    "FaultDecision",
    "Faults",
]

# Answered (or dropped) before the request is processed: nothing changed on the platform.
BEFORE_PROCESSING_KINDS = frozenset({"error", "rate_limit", "drop", "html"})
# Processed first (state changes), then answered with something that proves nothing.
AFTER_PROCESSING_KINDS = frozenset({
    "processed_then_drop", "timeout", "processed_then_truncate", "processed_then_no_code",
    "processed_then_html", "processed_then_bad_data",
})
FAULT_KINDS = BEFORE_PROCESSING_KINDS | AFTER_PROCESSING_KINDS | {"stall"}
"""Every fault kind, for :meth:`Faults.script` and :meth:`Faults.set_fault_rate`:

- ``error``: a platform envelope with HTTP ``status`` (500) before processing.
- ``rate_limit``: a 429 envelope with ``Retry-After: retry_after`` before processing.
- ``drop``: the connection is closed, unanswered, before processing.
- ``html``: a proxy's HTML page with HTTP ``status`` (502), before processing.
- ``stall``: the request waits ``delay`` seconds (1 s), then is processed and answered
  normally; a client that timed out meanwhile has an unknown outcome that still happens.
- ``processed_then_drop``: processed, then the connection is closed unanswered.
- ``timeout``: processed, then the answer is held ``delay`` seconds (30 s) so the client
  times out first.
- ``processed_then_truncate``: processed, then the first half of the JSON envelope, with
  the HTTP status of the full answer (200 when it succeeded).
- ``processed_then_no_code``: processed, then JSON with HTTP 200 but no ``code``.
- ``processed_then_html``: processed, then a proxy's HTML page with HTTP ``status`` (502).
- ``processed_then_bad_data``: processed, then a well-formed envelope whose ``data`` is
  ``data`` (a string by default) instead of the documented shape.
"""
# How long a "timeout" fault holds its answer when the script gives no delay: longer than
# any sensible client timeout in a test, short enough that nothing hangs for ever.
DEFAULT_TIMEOUT_HOLD = 30.0
# How long a "stall" fault holds a request before processing it when no delay is given.
DEFAULT_STALL = 1.0
# The ``data`` of a "processed_then_bad_data" answer by default: a string where every
# documented answer is an object, a list, a number or a boolean.
DEFAULT_BAD_DATA = "<not the documented shape>"
_HTML_STATUS = 502
_DEFAULT_STATUS = {"html": _HTML_STATUS, "processed_then_html": _HTML_STATUS}


@attrs.frozen(slots=True)
class FaultDecision:
    """What to do with one request. ``kind`` is one of :data:`FAULT_KINDS`."""

    kind: str
    status: int = 500
    retry_after: float = 1.0
    delay: float = 0.0
    from_limiter: bool = False
    data: Any = DEFAULT_BAD_DATA


def _decision(
    kind: str, status: int | None, retry_after: float, delay: float, data: Any
) -> FaultDecision:
    """A checked decision with the kind's defaults filled in."""
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}, got {kind!r}")
    if status is None:
        status = _DEFAULT_STATUS.get(kind, 500)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status (100-599), got {status!r}")
    if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
        raise ValueError(f"delay must be a number >= 0, got {delay!r}")
    if kind == "timeout" and not delay:
        delay = DEFAULT_TIMEOUT_HOLD
    elif kind == "stall" and not delay:
        delay = DEFAULT_STALL
    return FaultDecision(kind, status, float(retry_after), float(delay), data=data)


def _check_rate(name: str, rate: float) -> float:
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1, got {rate!r}")
    return float(rate)


class Faults:
    """Faults the fake injects, configured by tests (``fake.faults``).

    Random faults draw from one ``random.Random(seed)``, so the same configuration and the same
    sequence of requests give the same faults. ``path=None`` applies to every path; a path
    setting wins over the global one. Scripted faults come first, then the rate limit, then
    drops, errors, processed-then-drops and the kinds set with :meth:`set_fault_rate`;
    latency delays every request (faults included).
    """

    def __init__(self, seed: int = 0, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._random = random.Random(seed)
        self._monotonic = monotonic
        self._latency: dict[str | None, float] = {}
        self._error_rate: dict[str | None, tuple[float, int]] = {}
        self._drop_rate: dict[str | None, float] = {}
        self._ptd_rate: dict[str | None, float] = {}
        # Kind -> path -> (rate, decision), for the kinds set through set_fault_rate.
        self._kind_rates: dict[str, dict[str | None, tuple[float, FaultDecision]]] = {}
        self._scripts: dict[str, deque[FaultDecision]] = {}
        self._rate_interval: float | None = None
        self._rate_tolerance = 0.0
        self._rate_retry_after = 1.0
        self._rate_tat = 0.0
        self.active = False

    def _refresh(self) -> None:
        self.active = bool(
            self._latency or self._error_rate or self._drop_rate or self._ptd_rate
            or self._kind_rates or self._scripts or self._rate_interval is not None
        )

    def set_latency(self, seconds: float, *, path: str | None = None) -> None:
        """Delay every answer (to ``path``, or to all paths) by ``seconds``; 0 removes it."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, got {seconds!r}")
        if seconds:
            self._latency[path] = float(seconds)
        else:
            self._latency.pop(path, None)
        self._refresh()

    def set_rate_limit(
        self, qps: float | None, *, burst: int = 1, retry_after: float = 1.0
    ) -> None:
        """Answer 429 (with ``Retry-After: retry_after``) to requests beyond ``qps`` per second.

        A GCRA like the platform's gateway would use: ``burst`` requests may arrive at once,
        after that one every ``1/qps`` seconds. ``None`` removes the limit.
        """
        if qps is None:
            self._rate_interval = None
        else:
            if isinstance(qps, bool) or not isinstance(qps, int | float) or qps <= 0:
                raise ValueError(f"qps must be a positive number or None, got {qps!r}")
            if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
                raise ValueError(f"burst must be an integer >= 1, got {burst!r}")
            self._rate_interval = 1.0 / qps
            self._rate_tolerance = (burst - 1) / qps
            self._rate_retry_after = float(retry_after)
            self._rate_tat = 0.0
        self._refresh()

    def set_error_rate(self, rate: float, *, status: int = 500, path: str | None = None) -> None:
        """Answer a fraction ``rate`` of requests with HTTP ``status`` before processing them."""
        rate = _check_rate("rate", rate)
        if rate:
            self._error_rate[path] = (rate, int(status))
        else:
            self._error_rate.pop(path, None)
        self._refresh()

    def set_drop_rate(self, rate: float, *, path: str | None = None) -> None:
        """Close the connection, unanswered and unprocessed, on a fraction ``rate`` of requests."""
        rate = _check_rate("rate", rate)
        if rate:
            self._drop_rate[path] = rate
        else:
            self._drop_rate.pop(path, None)
        self._refresh()

    def set_processed_then_drop_rate(self, rate: float, *, path: str | None = None) -> None:
        """Process a fraction ``rate`` of requests (state changes), then close the connection
        without answering: the ambiguous case a client must reconcile."""
        rate = _check_rate("rate", rate)
        if rate:
            self._ptd_rate[path] = rate
        else:
            self._ptd_rate.pop(path, None)
        self._refresh()

    def set_html_rate(
        self, rate: float, *, status: int = _HTML_STATUS, path: str | None = None
    ) -> None:
        """Answer a fraction ``rate`` of requests with a proxy's HTML page and HTTP ``status``,
        before processing them (no platform envelope: the client cannot tell what happened)."""
        self.set_fault_rate("html", rate, status=status, path=path)

    def set_stall_rate(
        self, rate: float, *, delay: float = DEFAULT_STALL, path: str | None = None
    ) -> None:
        """Hold a fraction ``rate`` of requests ``delay`` seconds, then process and answer them:
        a client timing out first sees an unknown outcome that still happens afterwards."""
        self.set_fault_rate("stall", rate, delay=delay, path=path)

    def set_fault_rate(
        self,
        kind: str,
        rate: float,
        *,
        path: str | None = None,
        status: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        data: Any = DEFAULT_BAD_DATA,
    ) -> None:
        """Inject any kind of :data:`FAULT_KINDS` (but ``rate_limit``: see
        :meth:`set_rate_limit`) on a fraction ``rate`` of requests; 0 removes it.

        The parameters are those of :meth:`script`. ``error``, ``drop`` and
        ``processed_then_drop`` are the same settings as their own ``set_*_rate`` methods.
        Kinds are drawn one after another, each from the seeded generator, in the order
        their settings were first made.
        """
        rate = _check_rate("rate", rate)
        if kind == "rate_limit":
            raise ValueError("kind 'rate_limit' is set with set_rate_limit(qps, ...)")
        decision = _decision(kind, status, retry_after, delay, data)
        if kind == "error":
            self.set_error_rate(rate, status=decision.status, path=path)
            return
        if kind == "drop":
            self.set_drop_rate(rate, path=path)
            return
        if kind == "processed_then_drop":
            self.set_processed_then_drop_rate(rate, path=path)
            return
        by_path = self._kind_rates.setdefault(kind, {})
        if rate:
            by_path[path] = (rate, decision)
        else:
            by_path.pop(path, None)
            if not by_path:
                del self._kind_rates[kind]
        self._refresh()

    def script(
        self,
        path: str,
        kind: str,
        count: int = 1,
        *,
        status: int | None = None,
        retry_after: float = 1.0,
        delay: float = 0.0,
        data: Any = DEFAULT_BAD_DATA,
    ) -> None:
        """The next ``count`` calls to ``path`` fail with ``kind`` (see :data:`FAULT_KINDS`).

        ``status`` is the HTTP status of ``error`` (500), ``html`` and ``processed_then_html``
        (502); ``retry_after`` that of ``rate_limit``; ``delay`` how long ``timeout`` holds
        its answer (30 s when 0) and ``stall`` holds the request (1 s when 0); ``data`` what
        ``processed_then_bad_data`` puts in the envelope.
        """
        decision = _decision(kind, status, retry_after, delay, data)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        queue = self._scripts.setdefault(path, deque())
        queue.extend([decision] * count)
        self._refresh()

    def pending_scripted(self, path: str) -> int:
        """How many scripted faults for ``path`` have not fired yet."""
        return len(self._scripts.get(path, ()))

    def clear(self) -> None:
        """Remove every fault: latency, rate limit, rates and scripts."""
        self._latency.clear()
        self._error_rate.clear()
        self._drop_rate.clear()
        self._ptd_rate.clear()
        self._kind_rates.clear()
        self._scripts.clear()
        self._rate_interval = None
        self._refresh()

    # -- used by the server ------------------------------------------------------------------

    def latency_for(self, path: str) -> float:
        if not self._latency:
            return 0.0
        return self._latency.get(path, self._latency.get(None, 0.0))

    def decide(self, path: str) -> FaultDecision | None:
        """The fault for this request, if any (consumes scripted faults and rate budget)."""
        queue = self._scripts.get(path)
        if queue:
            fault = queue.popleft()
            if not queue:
                del self._scripts[path]
                self._refresh()
            return fault
        if self._rate_interval is not None:
            now = self._monotonic()
            tat = max(self._rate_tat, now)
            if tat - now > self._rate_tolerance:
                return FaultDecision("rate_limit", 429, self._rate_retry_after, from_limiter=True)
            self._rate_tat = tat + self._rate_interval
        if self._drop_rate:
            rate = self._drop_rate.get(path, self._drop_rate.get(None))
            if rate is not None and self._random.random() < rate:
                return FaultDecision("drop")
        if self._error_rate:
            setting = self._error_rate.get(path, self._error_rate.get(None))
            if setting is not None and self._random.random() < setting[0]:
                return FaultDecision("error", setting[1])
        if self._ptd_rate:
            rate = self._ptd_rate.get(path, self._ptd_rate.get(None))
            if rate is not None and self._random.random() < rate:
                return FaultDecision("processed_then_drop")
        for by_path in self._kind_rates.values():
            kind_setting = by_path.get(path, by_path.get(None))
            if kind_setting is not None and self._random.random() < kind_setting[0]:
                return kind_setting[1]
        return None
