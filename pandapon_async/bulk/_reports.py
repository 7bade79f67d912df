"""The reports the bulk helpers return: buckets, counts, ``ok``, ``raise_for_failures()``, JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

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


def _sample(ids: list[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", … ({len(ids) - limit} more)" if len(ids) > limit else "")


class BulkError(PandaPonError):
    """Raised by a report's ``raise_for_failures()``; ``.report`` is the whole report."""

    def __init__(self, message: str, report: BulkPayReport | BulkLookupReport | BulkActionReport):
        super().__init__(message)
        self.report = report


@attrs.define(eq=False)
class BulkPayReport:
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

    @property
    def total(self) -> int:
        """Distinct ids in the input (each is in exactly one bucket)."""
        return (
            len(self.success_order_ids) + len(self.pay_fail_orders) + len(self.errored)
            + len(self.unknown)
        )

    @property
    def ok(self) -> bool:
        """Every id paid."""
        return not (self.pay_fail_orders or self.errored or self.unknown)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "succeeded": len(self.success_order_ids),
            "pay_failed": len(self.pay_fail_orders),
            "errored": len(self.errored),
            "unknown": len(self.unknown),
            "duplicates": len(self.duplicates),
            "from_journal": len(self.from_journal),
            "reconciled": len(self.reconciled),
            "resubmitted": len(self.resubmitted),
            "already_paid": len(self.already_paid),
            "waited": len(self.waited),
        }

    def raise_for_failures(self) -> None:
        """Raise :class:`BulkError` summarising the failures, unless every id was paid."""
        if self.ok:
            return
        parts = []
        if self.pay_fail_orders:
            parts.append(f"{len(self.pay_fail_orders)} refused "
                         f"({_sample([f.order_id for f in self.pay_fail_orders])})")
        if self.errored:
            parts.append(f"{len(self.errored)} errored, safe to retry "
                         f"({_sample(list(self.errored))})")
        if self.unknown:
            parts.append(f"{len(self.unknown)} unknown, run again with the journal "
                         f"({_sample(self.unknown)})")
        raise BulkError(
            f"bulk payment: {len(self.success_order_ids)} of {self.total} paid; "
            + "; ".join(parts),
            self,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": "submit_to_pay",
            "ok": self.ok,
            "counts": self.counts,
            "elapsed_seconds": round(self.elapsed, 3),
            "success_order_ids": list(self.success_order_ids),
            "pay_fail_orders": [
                {"order_id": fail.order_id, "error_reason": fail.error_reason}
                for fail in self.pay_fail_orders
            ],
            "errored": {oid: describe_error(error) for oid, error in self.errored.items()},
            "unknown": list(self.unknown),
            "unknown_reasons": dict(self.unknown_reasons),
            "duplicates": list(self.duplicates),
            "from_journal": list(self.from_journal),
            "reconciled": list(self.reconciled),
            "resubmitted": list(self.resubmitted),
            "already_paid": list(self.already_paid),
            "waited": list(self.waited),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def __repr__(self) -> str:
        return f"BulkPayReport({_counts_repr(self.counts)}, ok={self.ok})"


@attrs.define(eq=False)
class BulkLookupReport:
    """What ``client.bulk.get_orders`` found: ``found`` (id -> detail), ``not_found`` (the
    platform says the order does not exist), ``errored`` (id -> exception: the lookup failed,
    nothing is known). ``ok`` means every id was found."""

    found: dict[str, Any] = attrs.field(factory=dict)
    not_found: list[str] = attrs.field(factory=list)
    errored: dict[str, Exception] = attrs.field(factory=dict)
    duplicates: list[str] = attrs.field(factory=list)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return len(self.found) + len(self.not_found) + len(self.errored)

    @property
    def ok(self) -> bool:
        return not (self.not_found or self.errored)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "found": len(self.found),
            "not_found": len(self.not_found),
            "errored": len(self.errored),
            "duplicates": len(self.duplicates),
        }

    def statuses(self) -> dict[str, str | None]:
        """Order id -> ``baseInfo.status`` of each found 1688 order (``None`` if absent; the
        value itself when ``get_orders(select=...)`` kept a string)."""
        return {
            oid: detail if isinstance(detail, str) else order_status(detail)
            for oid, detail in self.found.items()
        }

    def raise_for_failures(self) -> None:
        if self.ok:
            return
        parts = []
        if self.not_found:
            parts.append(f"{len(self.not_found)} not found ({_sample(self.not_found)})")
        if self.errored:
            parts.append(f"{len(self.errored)} failed ({_sample(list(self.errored))})")
        raise BulkError(
            f"bulk lookup: {len(self.found)} of {self.total} found; " + "; ".join(parts), self
        )

    def to_dict(self, *, include_details: bool = False) -> dict[str, Any]:
        """JSON-able summary; ``include_details`` adds each detail (unstructured to JSON)."""
        result: dict[str, Any] = {
            "operation": "get_orders",
            "ok": self.ok,
            "counts": self.counts,
            "elapsed_seconds": round(self.elapsed, 3),
            "found": list(self.found),
            "statuses": self.statuses(),
            "not_found": list(self.not_found),
            "errored": {oid: describe_error(error) for oid, error in self.errored.items()},
            "duplicates": list(self.duplicates),
        }
        if include_details:
            result["details"] = {oid: _unstructure(d) for oid, d in self.found.items()}
        return result

    def to_json(self, *, include_details: bool = False, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(include_details=include_details), ensure_ascii=False,
                          **kwargs)

    def __repr__(self) -> str:
        return f"BulkLookupReport({_counts_repr(self.counts)}, ok={self.ok})"


@attrs.define(eq=False)
class BulkActionReport:
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

    @property
    def total(self) -> int:
        return len(self.succeeded) + len(self.failed) + len(self.errored) + len(self.unknown)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.errored or self.unknown)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "succeeded": len(self.succeeded),
            "failed": len(self.failed),
            "errored": len(self.errored),
            "unknown": len(self.unknown),
            "duplicates": len(self.duplicates),
            "reconciled": len(self.reconciled),
            "resubmitted": len(self.resubmitted),
        }

    def raise_for_failures(self) -> None:
        if self.ok:
            return
        parts = []
        if self.failed:
            parts.append(f"{len(self.failed)} refused ({_sample(list(self.failed))})")
        if self.errored:
            parts.append(f"{len(self.errored)} errored, safe to retry "
                         f"({_sample(list(self.errored))})")
        if self.unknown:
            parts.append(f"{len(self.unknown)} unknown ({_sample(self.unknown)})")
        raise BulkError(
            f"bulk {self.operation}: {len(self.succeeded)} of {self.total} done; "
            + "; ".join(parts),
            self,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "ok": self.ok,
            "counts": self.counts,
            "elapsed_seconds": round(self.elapsed, 3),
            "succeeded": list(self.succeeded),
            "failed": dict(self.failed),
            "errored": {oid: describe_error(error) for oid, error in self.errored.items()},
            "unknown": list(self.unknown),
            "unknown_reasons": dict(self.unknown_reasons),
            "duplicates": list(self.duplicates),
            "reconciled": list(self.reconciled),
            "resubmitted": list(self.resubmitted),
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

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
