"""The callback inbox: durable record of received messages and of their handling.

A message is recorded (``pending``) before the receiver answers 200. A receiver's worker
claims pending messages whose time has come (one claimant per message, for a lease it
renews), hands them to the user's handler and marks them ``done``, schedules a retry
(``pending`` with a later ``next_attempt_at``), or, once the attempts are spent, ``failed``.
Failed messages stay until requeued or purged. Several receivers may share one inbox.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypedDict, Unpack, overload, runtime_checkable

import attrs

from ._message import CallbackMessage, parse_message


class InboxStatus(enum.StrEnum):
    """Where a recorded message is in its handling."""

    PENDING = "pending"  # waiting for its first or next attempt
    DONE = "done"  # the handler returned without raising
    FAILED = "failed"  # attempts spent (or the body cannot be typed); kept until requeued


@overload
def to_utc(epoch: float) -> dt.datetime: ...
@overload
def to_utc(epoch: float | None) -> dt.datetime | None: ...
def to_utc(epoch: float | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


@attrs.frozen(kw_only=True)
class InboxEntry:
    """One recorded message and the state of its handling.

    ``body`` is the raw request body as received (the signed bytes); :meth:`message` parses it.
    ``attempts`` counts the handler calls started (a claim is one call), ``deliveries`` how
    many times the platform delivered the message (to any replica). ``timestamp`` is ``None``
    for a message sent without a push time. ``claimed_by`` and ``claimed_until`` name the
    receiver handling the message now and when its lease ends. Times are aware UTC datetimes.
    """

    message_id: str
    message_type: str
    platform: int | None
    timestamp: dt.datetime | None
    body: bytes = attrs.field(repr=False)
    status: InboxStatus
    attempts: int
    deliveries: int
    last_error: str | None
    received_at: dt.datetime
    updated_at: dt.datetime
    next_attempt_at: dt.datetime | None
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = None

    def message(self) -> CallbackMessage:
        """The message, parsed from the recorded body."""
        return parse_message(self.body)


@runtime_checkable
class CallbackInbox(Protocol):
    """Storage of received callback messages, shareable by several receivers.

    Times are epoch seconds (``time.time()``, or the receiver's ``clock``). Subclass it to
    inherit :meth:`list_pending` and :meth:`list_failed`.

    Implementations must make :meth:`record` durable before it returns: the receiver answers
    200 right after it, and the platform will not send the message again.

    Handling goes through claims: :meth:`claim` atomically hands a due message to one
    ``owner`` (a receiver) for ``lease`` seconds and counts the attempt; the owner renews the
    lease while its handler runs and settles the message with :meth:`mark_done`,
    :meth:`mark_retry` or :meth:`mark_failed`. A claim whose lease ran out (its receiver
    died) is claimed again by another receiver. Several receivers, in one process or many,
    may share one inbox as long as the implementation makes :meth:`claim` atomic.
    """

    async def record(
        self,
        *,
        message_id: str,
        message_type: str,
        platform: int | None,
        timestamp_ms: int | None,
        body: bytes,
        now: float,
    ) -> bool:
        """Record a received message as pending; ``False`` (and no change but the delivery
        count) when a message with this id is already recorded, whatever its status."""
        ...

    async def claim(self, *, owner: str, now: float, lease: float, limit: int) -> list[InboxEntry]:
        """Claim up to ``limit`` due messages for ``owner`` until ``now + lease``, oldest first.

        Due: pending, ``next_attempt_at`` reached, and not claimed, or claimed by another
        owner whose lease ended. Each claim adds one to ``attempts``. A message is handed to
        one claimant only, however many receivers claim at once.
        """
        ...

    async def renew(self, message_id: str, *, owner: str, now: float, lease: float) -> bool:
        """Extend ``owner``'s claim to ``now + lease``; ``False`` if it no longer holds it."""
        ...

    async def mark_done(self, message_id: str, *, owner: str, now: float) -> bool:
        """The handler returned: the message is done (final; whoever holds the claim now).
        ``False`` if it was already done or is not recorded."""
        ...

    async def mark_retry(
        self, message_id: str, *, owner: str, error: str, next_attempt_at: float, now: float
    ) -> bool:
        """Release ``owner``'s claim and make the message due again at ``next_attempt_at``.
        ``False`` (and no change) if ``owner`` no longer holds the claim."""
        ...

    async def mark_failed(self, message_id: str, *, owner: str, error: str, now: float) -> bool:
        """Attempts spent: the message is failed, kept until requeued. ``False`` (and no
        change) if ``owner`` no longer holds the claim."""
        ...

    async def release(self, message_ids: Iterable[str], *, owner: str, now: float) -> int:
        """Give back ``owner``'s claims without an outcome (a receiver stopping): due at
        ``now`` again. Returns how many were released."""
        ...

    async def due(self, now: float, limit: int) -> list[InboxEntry]:
        """Up to ``limit`` messages a claim at ``now`` could take, oldest first (read only)."""
        ...

    async def next_due_at(self, *, after: float) -> float | None:
        """The earliest time later than ``after`` at which a pending message becomes due
        (its ``next_attempt_at``, or the end of its claim's lease), or ``None``."""
        ...

    async def get(self, message_id: str) -> InboxEntry | None: ...

    async def entries(
        self, status: InboxStatus | None = None, *, limit: int | None = None
    ) -> list[InboxEntry]:
        """Recorded messages (of one status, or all), oldest first."""
        ...

    async def requeue_failed(
        self, message_ids: Iterable[str] | None = None, *, now: float | None = None
    ) -> int:
        """Make failed messages (all, or those listed) pending again with a fresh attempt
        budget, due now. Returns how many were requeued."""
        ...

    async def purge(
        self, *, older_than: float, statuses: Sequence[InboxStatus] = (InboxStatus.DONE,)
    ) -> int:
        """Delete messages of ``statuses`` last updated before ``older_than``. Returns the count."""
        ...

    async def close(self) -> None: ...

    async def list_pending(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Messages waiting for their first or next attempt (or being handled now)."""
        return await self.entries(InboxStatus.PENDING, limit=limit)

    async def list_failed(self, *, limit: int | None = None) -> list[InboxEntry]:
        """Messages the handler kept failing on (see ``last_error``); requeue them to retry."""
        return await self.entries(InboxStatus.FAILED, limit=limit)


class Delivery(TypedDict):
    """The keywords of :meth:`CallbackInbox.record` that describe the message."""

    message_id: str
    message_type: str
    platform: int | None
    timestamp_ms: int | None
    body: bytes


@attrs.frozen(kw_only=True)
class NewMessage:
    """A delivery to record, as :meth:`CallbackInbox.record` receives it (the fields of
    :class:`Delivery`; ``body`` copied to ``bytes``)."""

    message_id: str
    message_type: str
    platform: int | None
    timestamp_ms: int | None
    body: bytes = attrs.field(converter=bytes)

    def values(self) -> tuple[str, str, int | None, int | None, bytes]:
        """The leading columns of an inbox row, in :data:`COLUMNS` order."""
        return (self.message_id, self.message_type, self.platform, self.timestamp_ms, self.body)


class InboxBase(CallbackInbox):
    """Base of the bundled inboxes: :meth:`record` hands the delivery, as one
    :class:`NewMessage`, to :meth:`_insert`."""

    async def record(self, *, now: float, **delivery: Unpack[Delivery]) -> bool:
        return await self._insert(NewMessage(**delivery), now)

    @abc.abstractmethod
    async def _insert(self, message: NewMessage, now: float) -> bool:
        """Store ``message`` as pending at ``now``; if its id is recorded already, count a
        delivery instead and return ``False``."""


def check_claim_arguments(owner: str, lease: float, limit: int) -> None:
    if not isinstance(owner, str) or not owner:
        raise ValueError("owner must be a non-empty string")
    if isinstance(lease, bool) or not isinstance(lease, int | float) or lease <= 0:
        raise ValueError(f"lease must be a number > 0, got {lease!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be an integer >= 0, got {limit!r}")



# --------------------------------------------------------------------------------------------
# Shared by the SQL inboxes (_sqlite_inbox, _postgres_inbox)

# What makes a pending message claimable, and when it becomes so. Placeholders: :now.
DUE_AT_SQL = (
    "CASE WHEN claimed_until IS NOT NULL AND claimed_until > next_attempt_at "
    "THEN claimed_until ELSE next_attempt_at END"
)

COLUMNS = (
    "message_id, message_type, platform, timestamp_ms, body, status, attempts, deliveries, "
    "last_error, received_at, updated_at, next_attempt_at, claimed_by, claimed_until"
)


def entry_from_row(row: Sequence[Any]) -> InboxEntry:
    """An :class:`InboxEntry` from a row of :data:`COLUMNS`, in that order."""
    (
        message_id,
        message_type,
        platform,
        timestamp_ms,
        body,
        status,
        attempts,
        deliveries,
        last_error,
        received_at,
        updated_at,
        next_attempt_at,
        claimed_by,
        claimed_until,
    ) = row
    return InboxEntry(
        message_id=message_id,
        message_type=message_type,
        platform=platform,
        timestamp=None if timestamp_ms is None else to_utc(timestamp_ms / 1000),
        body=bytes(body),
        status=InboxStatus(status),
        attempts=attempts,
        deliveries=deliveries,
        last_error=last_error,
        received_at=dt.datetime.fromtimestamp(received_at, tz=dt.UTC),
        updated_at=dt.datetime.fromtimestamp(updated_at, tz=dt.UTC),
        next_attempt_at=to_utc(next_attempt_at),
        claimed_by=claimed_by,
        claimed_until=to_utc(claimed_until),
    )



def claimed_entries(rows: Iterable[Sequence[Any]]) -> list[InboxEntry]:
    """The entries of claimed rows, in claim order (due first, then oldest first)."""
    entries = [entry_from_row(row) for row in rows]
    entries.sort(key=lambda entry: (entry.next_attempt_at, entry.received_at))
    return entries
