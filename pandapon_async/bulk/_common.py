"""What every bulk helper shares: order-state sets, input checks, chunking, and which
failures prove that nothing was done."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from ..errors import APIError, BusinessError, ClientClosedError, ConnectError, NotFoundError
from ..models.alibaba import BATCH_PAY_MAX_ORDERS

if TYPE_CHECKING:
    from .._client import PandaPonClient
    from ..resources.alibaba import AlibabaOrders

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_RESUBMIT_GRACE",
    "NOT_FOUND_REASON",
    "PAID_STATUSES",
    "RECEIVED_STATUSES",
    "UNPAID_STATUSES",
    "alibaba_orders",
    "check_chunk_size",
    "check_ids",
    "default_concurrency",
    "error_text",
    "gather_settled",
    "is_missing",
    "proves_not_processed",
    "split_chunks",
]

T = TypeVar("T")
R = TypeVar("R")

PAID_STATUSES: frozenset[str] = frozenset(
    {"waitsellersend", "waitbuyerreceive", "confirm_goods", "success"}
)
"""1688 ``baseInfo.status`` values of an order that has been paid."""
UNPAID_STATUSES: frozenset[str] = frozenset({"waitbuyerpay"})
CLOSED_STATUSES: frozenset[str] = frozenset({"cancel", "terminated"})
RECEIVED_STATUSES: frozenset[str] = frozenset({"confirm_goods", "success"})

DEFAULT_CHUNK_SIZE = 50
DEFAULT_RESUBMIT_GRACE = 2.0
"""Seconds ``submit_to_pay`` waits before reading an order again, after reading it unpaid
following an unknown outcome, and only then resubmitting it."""
NOT_FOUND_REASON = "订单不存在 (order not found)"


def check_ids(
    order_ids: Iterable[str], *, digits: bool = True
) -> tuple[list[str], list[str]]:
    """Distinct ids in input order, and the ids seen more than once; ``ValueError`` naming
    every bad id before anything is sent."""
    if isinstance(order_ids, str | bytes) or not isinstance(order_ids, Iterable):
        raise ValueError("order_ids must be an iterable of order id strings, not a single value")
    distinct: dict[str, None] = {}
    duplicates: dict[str, None] = {}
    bad: list[str] = []
    for raw in order_ids:
        # One rule for every call: order ids are text (``int`` is refused, as single calls
        # refuse it), so an id read as a float somewhere upstream cannot slip through rounded.
        if isinstance(raw, str) and raw and (
            (raw.isascii() and raw.isdigit()) if digits else not any(c.isspace() for c in raw)
        ):
            oid = raw
        else:
            if len(bad) < 10:
                bad.append(repr(raw))
            continue
        if oid in distinct:
            duplicates[oid] = None
        else:
            distinct[oid] = None
    if bad:
        what = "non-empty strings of digits" if digits else "non-empty strings without spaces"
        raise ValueError(f"order ids must be {what}; bad: {', '.join(bad)}")
    return list(distinct), list(duplicates)


def check_chunk_size(chunk_size: object) -> int:
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not 1 <= chunk_size <= BATCH_PAY_MAX_ORDERS
    ):
        raise ValueError(
            f"chunk_size must be an integer from 1 to {BATCH_PAY_MAX_ORDERS} (the most one "
            f"batch payment takes), got {chunk_size!r}"
        )
    return chunk_size


def split_chunks(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


async def gather_settled(
    func: Callable[[str], Awaitable[R]], ids: Sequence[str]
) -> list[R | Exception]:
    """``func`` over ``ids`` concurrently (the client caps what really runs at once), each
    result or its exception; one failure does not cancel the rest."""
    async def one(oid: str) -> R | Exception:
        try:
            return await func(oid)
        except Exception as error:
            return error

    if len(ids) == 1:
        return [await one(ids[0])]
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(oid)) for oid in ids]
    return [task.result() for task in tasks]


def proves_not_processed(error: Exception) -> bool:
    """Whether a failed write provably did nothing: an envelope from the platform saying it
    failed, a request never sent, or a closed client. Anything else (an unknown outcome, an
    answer that is not an envelope, an answer that does not decode, a bug) may hide a
    processed request."""
    if isinstance(error, APIError):
        return error.code is not None
    return isinstance(error, BusinessError | ConnectError | ClientClosedError)


def is_missing(error: Exception) -> bool:
    """Only a platform envelope saying the order does not exist settles it as missing: a
    proxy's 404 page is not one."""
    return isinstance(error, NotFoundError) and error.code is not None


def alibaba_orders(client: PandaPonClient) -> AlibabaOrders:
    return client.alibaba.orders


def default_concurrency(client: PandaPonClient) -> int:
    return client.max_concurrency
