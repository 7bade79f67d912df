"""The journal contract: entry and claim types, the :class:`Journal` protocol, and the
``plan_*`` rules every journal applies to decide claims, intents and outcomes."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Literal, Protocol, Self, runtime_checkable

import attrs

__all__ = [
    "DEFAULT_LEASE",
    "FINAL_STATES",
    "SETTLED_STATES",
    "STATES",
    "ClaimResult",
    "Journal",
    "JournalContext",
    "JournalEntry",
    "JournalState",
    "check_lease",
    "merge_outcome",
    "plan_claim",
    "plan_intent",
    "plan_outcomes",
    "plan_release",
]

JournalState = Literal["claimed", "sending", "success", "pay_fail", "errored", "unknown"]
"""``claimed``: a run holds the id and has sent nothing yet (safe to send once the claim is
free). ``sending``: intent recorded, outcome not yet known (the request may have gone out).
``success``/``pay_fail``: the platform's answer, settled. ``errored``: not paid, safe to retry.
``unknown``: the outcome could not be established; the next run reads the order first."""

SETTLED_STATES: frozenset[str] = frozenset({"success", "pay_fail"})
"""States a run reports from the journal without sending."""
FINAL_STATES: frozenset[str] = frozenset({"success"})
"""States nothing overwrites."""
STATES: frozenset[str] = frozenset(
    {"claimed", "sending", "success", "pay_fail", "errored", "unknown"}
)
DEFAULT_LEASE = 30.0


def check_lease(lease: object) -> float:
    if isinstance(lease, bool) or not isinstance(lease, int | float) or not 0 < lease < 86_400:
        raise ValueError(f"lease must be a number of seconds above 0 (below a day), got {lease!r}")
    return float(lease)


@attrs.frozen
class JournalEntry:
    """The journal's latest word on one order id.

    ``attempts`` counts recorded intents (sends). ``owner`` is the run holding the id's claim
    and ``lease_expires`` when that claim lapses (seconds since the epoch, on the journal's
    clock: the database server's for a shared journal); both ``None`` when nobody holds it.
    """

    order_id: str
    state: JournalState
    reason: str | None = None
    batch: str | None = None
    attempts: int = 0
    updated_at: float = 0.0
    owner: str | None = None
    lease_expires: float | None = None

    @property
    def settled(self) -> bool:
        return self.state in SETTLED_STATES

    @property
    def maybe_sent(self) -> bool:
        """A request for it may have reached the platform without a known outcome: read the
        order before sending it again."""
        return self.state in ("sending", "unknown")

    def held_by_another(self, owner: str, now: float) -> bool:
        """Claimed by a different run whose lease has not expired at ``now``."""
        return (
            self.owner is not None
            and self.owner != owner
            and self.lease_expires is not None
            and self.lease_expires > now
        )


def merge_outcome(previous: str | None, new: str) -> bool:
    """Whether an outcome ``new`` may replace a recorded state ``previous`` (monotone states):
    nothing replaces ``success``; only ``success`` replaces ``pay_fail``."""
    if previous is None:
        return True
    if previous in FINAL_STATES:
        return False
    if previous == "pay_fail":
        return new == "success"
    return True


@attrs.frozen
class ClaimResult:
    """What :meth:`Journal.claim` did with each id asked for (each id in exactly one field).

    - ``claimed``: now held by the caller; the value is the entry *before* the claim (``None``
      for an id never recorded). A previous entry that :attr:`~JournalEntry.maybe_sent` means
      an earlier run may have sent it: read the order before sending.
    - ``settled``: a settled outcome is recorded (not claimed): report it, send nothing.
    - ``held``: claimed by another run whose lease is alive: do not send; ask again later.
    """

    claimed: Mapping[str, JournalEntry | None] = attrs.field(factory=dict)
    settled: Mapping[str, JournalEntry] = attrs.field(factory=dict)
    held: Mapping[str, JournalEntry] = attrs.field(factory=dict)


@runtime_checkable
class Journal(Protocol):
    """What ``submit_to_pay`` needs of a journal. Every method is atomic per call, and every
    write returns only once it is durable (the request is sent right after ``record_intent``).

    Time (lease expiry) is the journal's own clock: the database server's for a journal shared
    by several hosts. ``owner`` strings are unique per run (``submit_to_pay`` makes one).

    ``claim(ids, owner=o)``, for each id, atomically:
      a settled entry -> ``settled`` (unchanged); an entry held by another owner whose
      ``lease_expires`` is later than now -> ``held`` (unchanged); anything else (no entry, an
      unsettled entry with no owner, an expired claim, or o's own claim) -> ``claimed``: owner
      o, ``lease_expires = now + lease``, state unchanged (a new entry gets ``claimed``).
    ``renew(o)``: every claim o holds gets ``lease_expires = now + lease``; returns how many.
    ``record_intent(ids, owner=o, batch=b)``: for ids still held by o (not settled, o is the
      owner; its own lapsed claim nobody took over counts): state ``sending``, ``attempts + 1``,
      batch b. Returns those ids, in order; the caller sends ONLY them (the others were taken
      over by another run, or settled: ask ``claim`` again).
    ``record_outcomes(entries, owner=o)``: monotone (see :func:`merge_outcome`): nothing
      replaces ``success``, only ``success`` replaces ``pay_fail``. ``errored``/``unknown``
      are written only when no other live owner holds the id (if one does, its word wins);
      ``success``/``pay_fail`` are facts about the platform and are written whoever holds the
      claim. A written outcome releases the claim (owner and lease cleared); ``batch`` and
      ``attempts`` are kept.
    ``release(ids, owner=o)``: clear o's claims on ids without changing their state (a run
      that stops before sending them).
    ``load(ids)``: the entries of those ids that have one (claims included).
    """

    lease: float
    """Seconds a claim lasts without renewal. ``submit_to_pay`` renews every ``lease / 3``."""

    async def open(self) -> None:
        """Make the journal ready (create tables); called by every run, so idempotent."""
        ...

    async def load(self, order_ids: Sequence[str]) -> Mapping[str, JournalEntry]:
        ...

    async def claim(self, order_ids: Sequence[str], *, owner: str) -> ClaimResult:
        ...

    async def renew(self, owner: str) -> int:
        ...

    async def record_intent(
        self, order_ids: Sequence[str], *, owner: str, batch: str
    ) -> list[str]:
        ...

    async def record_outcomes(self, entries: Sequence[JournalEntry], *, owner: str) -> None:
        ...

    async def release(self, order_ids: Sequence[str], *, owner: str) -> None:
        ...


def plan_claim(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str, now: float,
    lease: float,
) -> ClaimResult:
    """:meth:`Journal.claim` on ``current`` (the entries of ``order_ids`` that exist, read
    inside the caller's transaction), which it updates in place. Shared by the journals so
    that they cannot differ in semantics."""
    claimed: dict[str, JournalEntry | None] = {}
    settled: dict[str, JournalEntry] = {}
    held: dict[str, JournalEntry] = {}
    for oid in order_ids:
        if oid in claimed or oid in settled or oid in held:
            continue
        entry = current.get(oid)
        if entry is not None and entry.settled:
            settled[oid] = entry
        elif entry is not None and entry.held_by_another(owner, now):
            held[oid] = entry
        else:
            claimed[oid] = entry
            base = entry if entry is not None else JournalEntry(oid, "claimed")
            current[oid] = attrs.evolve(
                base, owner=owner, lease_expires=now + lease, updated_at=now
            )
    return ClaimResult(claimed, settled, held)


def plan_intent(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str, batch: str,
    now: float,
) -> list[str]:
    """:meth:`Journal.record_intent` on ``current``; returns the ids recorded."""
    recorded: list[str] = []
    seen: set[str] = set()
    for oid in order_ids:
        if oid in seen:
            continue
        seen.add(oid)
        entry = current.get(oid)
        if entry is None or entry.settled or entry.owner != owner:
            continue
        current[oid] = attrs.evolve(
            entry, state="sending", reason=None, batch=batch, attempts=entry.attempts + 1,
            updated_at=now,
        )
        recorded.append(oid)
    return recorded


def plan_outcomes(
    current: dict[str, JournalEntry], entries: Sequence[JournalEntry], *, owner: str,
    now: float,
) -> None:
    """:meth:`Journal.record_outcomes` on ``current``."""
    for entry in entries:
        if entry.state not in STATES:
            raise ValueError(f"unknown journal state {entry.state!r}")
    for entry in entries:
        previous = current.get(entry.order_id)
        if previous is None:
            current[entry.order_id] = attrs.evolve(
                entry, owner=None, lease_expires=None, updated_at=now
            )
            continue
        if not merge_outcome(previous.state, entry.state):
            continue
        if entry.state not in SETTLED_STATES and previous.held_by_another(owner, now):
            continue
        current[entry.order_id] = attrs.evolve(
            previous, state=entry.state, reason=entry.reason,
            batch=entry.batch or previous.batch, owner=None, lease_expires=None,
            updated_at=now,
        )


def plan_release(
    current: dict[str, JournalEntry], order_ids: Sequence[str], *, owner: str
) -> None:
    """:meth:`Journal.release` on ``current``."""
    for oid in order_ids:
        entry = current.get(oid)
        if entry is not None and entry.owner == owner:
            current[oid] = attrs.evolve(entry, owner=None, lease_expires=None)


class JournalContext(abc.ABC):
    """``async with journal:`` opens the journal, and closes it on the way out."""

    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def aclose(self) -> None: ...

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
