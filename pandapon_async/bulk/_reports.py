"""The reports the bulk helpers return: buckets, counts, ``ok``, ``raise_for_failures()``, JSON."""

from __future__ import annotations

import abc
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import attrs

from .._found_details import FoundDetails
from ..errors import PandaPonError

__all__ = [
    "BulkActionReport",
    "BulkError",
    "BulkLookupReport",
    "BulkPayReport",
    "describe_error",
]


def describe_error(error: BaseException) -> dict[str, Any]:
    """A JSON-able account of an exception kept in a report (no secrets: messages never hold
    one, see errors.py)."""
    described: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    for name in ("code", "http_status", "request_id", "error_code", "error_message", "endpoint"):
        value = getattr(error, name, None)
        if value is not None:
            described[name] = value
    return described


def _found_details(details: Any) -> FoundDetails:
    return details if isinstance(details, FoundDetails) else FoundDetails(details)


def _sample(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", … ({len(ids) - limit} more)" if len(ids) > limit else "")


class BulkError(PandaPonError):
    """Raised by a report's ``raise_for_failures()``; ``.report`` is the whole report."""

    def __init__(self, message: str, report: BulkPayReport | BulkLookupReport | BulkActionReport):
        super().__init__(message)
        self.report = report


class _Report(abc.ABC):
    """What the three reports share: counts, ``ok``, ``raise_for_failures()``, JSON, repr.

    A subclass names its buckets (``_BUCKETS``: every distinct id is in exactly one; the first
    is the success bucket, the others are failures, described by ``_FAILURE_WORDS``) and its
    counts (``_COUNTS``: count name and attribute, in the order ``counts`` lists them).
    """

    __slots__ = ()
    _OPERATION: ClassVar[str]
    _BUCKETS: ClassVar[tuple[str, ...]]
    _COUNTS: ClassVar[tuple[tuple[str, str], ...]]
    _FAILURE_WORDS: ClassVar[tuple[str, ...]]
    elapsed: float

    @property
    def total(self) -> int:
        """Distinct ids in the input (each is in exactly one bucket)."""
        return sum(len(getattr(self, bucket)) for bucket in self._BUCKETS)

    @property
    def ok(self) -> bool:
        """Every id succeeded: every failure bucket is empty."""
        return not any(getattr(self, bucket) for bucket in self._BUCKETS[1:])

    @property
    def counts(self) -> dict[str, int]:
        counts = {"total": self.total}
        counts.update((name, len(getattr(self, attribute))) for name, attribute in self._COUNTS)
        return counts

    def _operation(self) -> str:
        return self._OPERATION

    @abc.abstractmethod
    def _headline(self) -> str:
        """How many of the ids succeeded, for the message of :class:`BulkError`."""

    def _failed_ids(self, bucket: str) -> list[str]:
        return list(getattr(self, bucket))

    def raise_for_failures(self) -> None:
        """Raise :class:`BulkError` summarising the failures, unless every id succeeded."""
        if self.ok:
            return
        parts = []
        for bucket, what in zip(self._BUCKETS[1:], self._FAILURE_WORDS, strict=True):
            ids = self._failed_ids(bucket)
            if ids:
                parts.append(f"{len(ids)} {what} ({_sample(ids)})")
        raise BulkError(f"{self._headline()}; " + "; ".join(parts), self)  # type: ignore[arg-type]

    def _plain(self, name: str, value: Any) -> Any:
        """A field's JSON-able form: exceptions described, containers copied."""
        if name == "errored":
            return {oid: describe_error(error) for oid, error in value.items()}
        return dict(value) if isinstance(value, dict) else list(value)

    def _entries(self) -> Iterator[tuple[str, Any]]:
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            if field.name not in ("operation", "elapsed"):
                yield field.name, self._plain(field.name, getattr(self, field.name))

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "operation": self._operation(),
            "ok": self.ok,
            "counts": self.counts,
            "elapsed_seconds": round(self.elapsed, 3),
        }
        result.update(self._entries())
        return result

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_counts_repr(self.counts)}, ok={self.ok})"


@attrs.define(eq=False, repr=False)
class BulkPayReport(_Report):
    """What ``client.bulk.submit_to_pay`` established, one bucket per distinct input id.

    - ``success_order_ids``: paid (by this run, an earlier run, or found paid on reading).
    - ``pay_fail_orders``: the platform refused to pay them (``PayFailOrder`` with
      ``order_id`` and ``error_reason``), or they were found cancelled/terminated/missing.
    - ``errored``: order id -> the exception; provably not paid, safe to retry.
    - ``unknown``: the outcome could not be established; run again with the same journal (it
      reads their state before any resubmission). ``unknown_reasons`` says why for each.

    Also: ``duplicates`` (ids given more than once, paid at most once), ``from_journal``
    (settled by an earlier run, not sent again), ``reconciled`` (outcome established by reading
    the order after an unknown outcome), ``resubmitted`` (sent a second time after reading
    them unpaid), ``already_paid`` (refused by the platform, then read paid: paid before this
    run, or by another; they are in ``success_order_ids``), ``waited`` (held by another live
    run sharing the journal, whose outcome this run waited for).
    """

    success_order_ids: list[str] = attrs.field(factory=list)
    pay_fail_orders: list[Any] = attrs.field(factory=list)
    errored: dict[str, Exception] = attrs.field(factory=dict)
    unknown: list[str] = attrs.field(factory=list)
    unknown_reasons: dict[str, str] = attrs.field(factory=dict)
    duplicates: list[str] = attrs.field(factory=list)
    from_journal: list[str] = attrs.field(factory=list)
    reconciled: list[str] = attrs.field(factory=list)
    resubmitted: list[str] = attrs.field(factory=list)
    already_paid: list[str] = attrs.field(factory=list)
    waited: list[str] = attrs.field(factory=list)
    elapsed: float = 0.0

    _OPERATION = "submit_to_pay"
    _BUCKETS = ("success_order_ids", "pay_fail_orders", "errored", "unknown")
    _COUNTS = (
        ("succeeded", "success_order_ids"), ("pay_failed", "pay_fail_orders"),
        ("errored", "errored"), ("unknown", "unknown"), ("duplicates", "duplicates"),
        ("from_journal", "from_journal"), ("reconciled", "reconciled"),
        ("resubmitted", "resubmitted"), ("already_paid", "already_paid"), ("waited", "waited"),
    )

    _FAILURE_WORDS = ("refused", "errored, safe to retry", "unknown, run again with the journal")

    def _headline(self) -> str:
        return f"bulk payment: {len(self.success_order_ids)} of {self.total} paid"

    def _failed_ids(self, bucket: str) -> list[str]:
        if bucket == "pay_fail_orders":
            return [fail.order_id for fail in self.pay_fail_orders]
        return super()._failed_ids(bucket)

    def _plain(self, name: str, value: Any) -> Any:
        if name == "pay_fail_orders":
            return [{"order_id": fail.order_id, "error_reason": fail.error_reason}
                    for fail in value]
        return super()._plain(name, value)


@attrs.define(eq=False, repr=False)
class BulkLookupReport(_Report):
    """What ``client.bulk.get_orders`` found: ``found`` (id -> detail), ``not_found`` (the
    platform says the order does not exist), ``errored`` (id -> exception: the lookup failed,
    nothing is known). ``ok`` means every id was found.

    ``found`` is a read-only mapping that keeps each model compactly (compressed JSON) and
    decodes it on access: ``found[oid]`` returns an equal model each time, not the same object.
    """

    found: FoundDetails = attrs.field(factory=FoundDetails, converter=_found_details)
    not_found: list[str] = attrs.field(factory=list)
    errored: dict[str, Exception] = attrs.field(factory=dict)
    duplicates: list[str] = attrs.field(factory=list)
    elapsed: float = 0.0

    _OPERATION = "get_orders"
    _BUCKETS = ("found", "not_found", "errored")
    _COUNTS = (
        ("found", "found"), ("not_found", "not_found"), ("errored", "errored"),
        ("duplicates", "duplicates"),
    )

    def statuses(self) -> dict[str, str | None]:
        """Order id -> ``baseInfo.status`` of each found 1688 order (``None`` if absent; the
        value itself when ``get_orders(select=...)`` kept a string)."""
        return self.found.statuses()

    _FAILURE_WORDS = ("not found", "failed")

    def _headline(self) -> str:
        return f"bulk lookup: {len(self.found)} of {self.total} found"

    def _entries(self) -> Iterator[tuple[str, Any]]:
        for name, value in super()._entries():
            if name == "found":
                yield name, list(self.found)
                yield "statuses", self.statuses()
            else:
                yield name, value

    def to_dict(self, *, include_details: bool = False) -> dict[str, Any]:
        """JSON-able summary; ``include_details`` adds each detail (unstructured to JSON)."""
        result = super().to_dict()
        if include_details:
            result["details"] = {oid: _unstructure(d) for oid, d in self.found.items()}
        return result

    def to_json(self, *, include_details: bool = False, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(include_details=include_details), ensure_ascii=False,
                          **kwargs)


@attrs.define(eq=False, repr=False)
class BulkActionReport(_Report):
    """What a bulk ``cancel`` or ``confirm_receipt`` established, one bucket per distinct id.

    ``succeeded`` (done, or found already done), ``failed`` (id -> the platform's reason for
    refusing, or the state that rules it out), ``errored`` (id -> exception; not done, safe to
    retry), ``unknown`` (could not be established; ``unknown_reasons`` says why).
    """

    operation: str
    succeeded: list[str] = attrs.field(factory=list)
    failed: dict[str, str] = attrs.field(factory=dict)
    errored: dict[str, Exception] = attrs.field(factory=dict)
    unknown: list[str] = attrs.field(factory=list)
    unknown_reasons: dict[str, str] = attrs.field(factory=dict)
    duplicates: list[str] = attrs.field(factory=list)
    reconciled: list[str] = attrs.field(factory=list)
    resubmitted: list[str] = attrs.field(factory=list)
    elapsed: float = 0.0

    _BUCKETS = ("succeeded", "failed", "errored", "unknown")
    _COUNTS = (
        ("succeeded", "succeeded"), ("failed", "failed"), ("errored", "errored"),
        ("unknown", "unknown"), ("duplicates", "duplicates"), ("reconciled", "reconciled"),
        ("resubmitted", "resubmitted"),
    )

    def _operation(self) -> str:
        return self.operation

    _FAILURE_WORDS = ("refused", "errored, safe to retry", "unknown")

    def _headline(self) -> str:
        return f"bulk {self.operation}: {len(self.succeeded)} of {self.total} done"

    def __repr__(self) -> str:
        return f"BulkActionReport({self.operation!r}, {_counts_repr(self.counts)}, ok={self.ok})"


def _counts_repr(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name}={value}" for name, value in counts.items())


def order_status(detail: Any) -> str | None:
    """``baseInfo.status`` of a 1688 order detail, lower-cased, or ``None``."""
    status = getattr(getattr(detail, "base_info", None), "status", None)
    if status is None and isinstance(detail, Mapping):
        base = detail.get("baseInfo")
        status = base.get("status") if isinstance(base, Mapping) else None
    return str(status).strip().lower() if status is not None else None


def _unstructure(detail: Any) -> Any:
    if attrs.has(type(detail)):
        from ..models import unstructure

        return unstructure(detail)
    return detail
