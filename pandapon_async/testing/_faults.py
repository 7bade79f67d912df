"""Fault injection for the fake: seeded, deterministic, cheap when nothing is configured."""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable

import attrs

__all__ = ["FAULT_KINDS", "FaultDecision", "Faults"]

FAULT_KINDS = frozenset({"error", "rate_limit", "drop", "processed_then_drop", "timeout"})
# How long a "timeout" fault holds its answer when the script gives no delay: longer than
# any sensible client timeout in a test, short enough that nothing hangs for ever.
DEFAULT_TIMEOUT_HOLD = 30.0


@attrs.frozen(slots=True)
class FaultDecision:
    """What to do with one request. ``kind`` is one of :data:`FAULT_KINDS`."""

    kind: str
    status: int = 500
    retry_after: float = 1.0
    delay: float = 0.0
    from_limiter: bool = False


@attrs.frozen(slots=True)
class _ScriptedFault:
    kind: str
    status: int
    retry_after: float
    delay: float


def _check_rate(name: str, rate: float) -> float:
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate <= 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1, got {rate!r}")
    return float(rate)


class Faults:
    """Faults the fake injects, configured by tests (``fake.faults``).

    Random faults draw from one ``random.Random(seed)``, so the same configuration and the same
    sequence of requests give the same faults. ``path=None`` applies to every path; a path
    setting wins over the global one. Scripted faults come first, then the rate limit, then
    drops and errors; latency delays every request (faults included).
    """

    def __init__(self, seed: int = 0, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._random = random.Random(seed)
        self._monotonic = monotonic
        self._latency: dict[str | None, float] = {}
        self._error_rate: dict[str | None, tuple[float, int]] = {}
        self._drop_rate: dict[str | None, float] = {}
        self._ptd_rate: dict[str | None, float] = {}
        self._scripts: dict[str, deque[_ScriptedFault]] = {}
        self._rate_interval: float | None = None
        self._rate_tolerance = 0.0
        self._rate_retry_after = 1.0
        self._rate_tat = 0.0
        self.active = False

    def _refresh(self) -> None:
        self.active = bool(
            self._latency or self._error_rate or self._drop_rate or self._ptd_rate
            or self._scripts or self._rate_interval is not None
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

    def script(
        self,
        path: str,
        kind: str,
        count: int = 1,
        *,
        status: int = 500,
        retry_after: float = 1.0,
        delay: float = 0.0,
    ) -> None:
        """The next ``count`` calls to ``path`` fail with ``kind``.

        ``error``: HTTP ``status`` before processing; ``rate_limit``: 429 with ``retry_after``;
        ``drop``: connection closed before processing; ``processed_then_drop``: processed, then
        closed unanswered; ``timeout``: processed, then the answer is held for ``delay``
        seconds (30 s when 0) so the client times out first.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}, got {kind!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"count must be an integer >= 1, got {count!r}")
        if kind == "timeout" and not delay:
            delay = DEFAULT_TIMEOUT_HOLD
        queue = self._scripts.setdefault(path, deque())
        fault = _ScriptedFault(kind, int(status), float(retry_after), float(delay))
        queue.extend([fault] * count)
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
            return FaultDecision(fault.kind, fault.status, fault.retry_after, fault.delay)
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
        return None
