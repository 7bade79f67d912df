"""The callback worker: claims due messages from the inbox, hands them to the user's handler,
and records each outcome, retrying the write (never the handler) until it is stored.

:class:`InboxWorker` is the background half of
:class:`~pandapon_async.callbacks.CallbackReceiver`; the receiver's constructor checks and
sets the settings declared here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable

from .._observability import ReceiverTelemetry
from ._fields import CallbackParseError
from ._inbox import CallbackInbox, InboxEntry
from ._message import CallbackMessage, message_from_envelope, parse_envelope

logger = logging.getLogger("pandapon_async.callbacks")

CallbackHandler = Callable[[CallbackMessage], Awaitable[object]]

# The worker also looks at the inbox this often, to notice changes made behind its back
# (a message requeued through the inbox object, by another tool, on the same file).
_POLL_INTERVAL = 30.0
_MAX_ERROR_TEXT = 2000


def _error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 3] + "..."


class InboxWorker:
    """Claims due messages, runs the handler on them, records the outcomes (see
    :class:`~pandapon_async.callbacks.CallbackReceiver` for the rules)."""

    _inbox: CallbackInbox
    _owns_inbox: bool
    _handler: CallbackHandler
    _clock: Callable[[], float]
    _telemetry: ReceiverTelemetry | None
    owner: str
    lease: float
    max_attempts: int
    retry_backoff: float
    retry_backoff_max: float
    handler_timeout: float | None
    max_concurrency: int
    requeue_failed_on_start: bool
    drain_timeout: float
    inbox_retry_backoff: float
    inbox_retry_backoff_max: float

    def _init_worker_state(self) -> None:
        self._worker: asyncio.Task[None] | None = None
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._in_handler: set[str] = set()  # in flight, handler not yet returned
        self._claiming = False
        self._dispatches = 0
        self._wake = asyncio.Event()
        self._progress = asyncio.Event()
        self._stopping = False
        self._closed = False

    @property
    def running(self) -> bool:
        """Whether the worker is handing messages to the handler."""
        return self._worker is not None and not self._worker.done()

    async def start(self) -> None:
        """Start the worker (and requeue failed messages if so configured). Idempotent."""
        if self.running:
            return
        self._stopping = False
        self._closed = False
        if self.requeue_failed_on_start:
            requeued = await self._inbox.requeue_failed(now=self._clock())
            if requeued:
                logger.info("requeued %d failed callback messages", requeued)
        self._wake.set()
        self._worker = asyncio.create_task(self._work(), name="pandapon-callback-worker")

    async def close(self) -> None:
        """Stop the worker: let running handlers finish for up to ``drain_timeout`` seconds,
        cancel the rest (their messages stay pending for the next start), close an inbox the
        receiver created."""
        self._stopping = True
        self._closed = True
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        running = list(self._in_flight.values())
        if running:
            _, late = await asyncio.wait(running, timeout=self.drain_timeout)
            interrupted = list(self._in_handler)
            unrecorded = [
                message_id for message_id, task in self._in_flight.items()
                if task in late and message_id not in self._in_handler
            ]
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
            if unrecorded:
                logger.error(
                    "closing before the outcome of callbacks %s could be recorded; their "
                    "handlers ran and will run again once the claim's lease ends",
                    ", ".join(unrecorded),
                )
            if interrupted:
                # Give the claims back so the next start (or another replica) retries them
                # at once; if this fails too, the lease running out does the same later.
                try:
                    await self._inbox.release(interrupted, owner=self.owner, now=self._clock())
                except Exception:
                    logger.exception("could not release the claims of interrupted handlers")
        if self._owns_inbox:
            await self._inbox.close()

    async def requeue_failed(self, message_ids: Iterable[str] | None = None) -> int:
        """Give failed messages (all, or those listed) a fresh attempt budget now.

        Returns how many were requeued. Prefer this to the inbox's own ``requeue_failed``
        while the receiver runs: it also wakes the worker at once.
        """
        count = await self._inbox.requeue_failed(message_ids, now=self._clock())
        self._wake.set()
        return count

    async def wait_idle(self) -> None:
        """Wait until no handler is running and no pending message is due.

        Meant for tests and orderly shutdowns; messages waiting for a later retry do not
        count. The receiver must be started, or due messages never drain.
        """
        while True:
            self._progress.clear()
            if not self._busy():
                dispatches = self._dispatches
                due = await self._inbox.due(self._clock(), 1)
                unchanged = not self._busy() and dispatches == self._dispatches
                if unchanged and not due:
                    return
                if not unchanged:
                    continue  # the worker claimed meanwhile: look again
            await self._progress.wait()

    def _busy(self) -> bool:
        return bool(self._in_flight) or self._claiming

    async def _work(self) -> None:
        failures = 0
        while not self._stopping:
            self._wake.clear()
            timeout: float | None
            try:
                now = self._clock()
                if self._telemetry is not None:  # [telemetry hook] inbox backlog gauge
                    await self._telemetry.refresh_backlog(self._inbox)
                slots_left = await self._dispatch_due(now)
                if slots_left:
                    next_due = await self._inbox.next_due_at(after=now)
                    timeout = _POLL_INTERVAL
                    if next_due is not None:
                        timeout = min(timeout, max(0.0, next_due - self._clock()))
                else:
                    timeout = None  # every slot busy: a finishing handler wakes the worker
                failures = 0
            except Exception:
                # Never spin on a broken inbox: wait longer after each failure in a row.
                timeout = self._backoff(failures)
                failures += 1
                logger.exception("callback inbox unavailable; trying again in %.3g s", timeout)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    def _backoff(self, failures: int) -> float:
        return float(min(self.inbox_retry_backoff_max, self.inbox_retry_backoff * 2.0**failures))

    async def _dispatch_due(self, now: float) -> bool:
        """Claim due messages and start their handlers; ``True`` when slots are left (every
        due message was claimed)."""
        free = self.max_concurrency - len(self._in_flight)
        if free <= 0:
            return False
        self._claiming = True
        try:
            claimed = await self._inbox.claim(
                owner=self.owner, now=now, lease=self.lease, limit=free
            )
        finally:
            self._claiming = False
            self._dispatches += 1
            self._progress.set()
        for entry in claimed:
            task = asyncio.create_task(
                self._handle(entry), name=f"pandapon-callback-{entry.message_id[:12]}"
            )
            self._in_flight[entry.message_id] = task
            task.add_done_callback(functools.partial(self._finished, entry.message_id))
        return len(claimed) < free

    def _finished(self, message_id: str, task: asyncio.Task[None]) -> None:
        # A retry due at once may already have been claimed again by a newer task.
        if self._in_flight.get(message_id) is task:
            del self._in_flight[message_id]
            self._in_handler.discard(message_id)
        self._wake.set()
        self._progress.set()
        if not task.cancelled() and task.exception() is not None:
            logger.error(
                "unexpected error handling callback %s", message_id, exc_info=task.exception()
            )

    async def _handle(self, entry: InboxEntry) -> None:
        renewer = asyncio.create_task(
            self._keep_claim(entry.message_id), name=f"pandapon-lease-{entry.message_id[:12]}"
        )
        try:
            await self._handle_claimed(entry)
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _keep_claim(self, message_id: str) -> None:
        """Renew the claim while the handler runs and while its outcome is being written, so
        that no other receiver takes the message over from a live one."""
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                held = await self._inbox.renew(
                    message_id, owner=self.owner, now=self._clock(), lease=self.lease
                )
            except Exception as error:
                logger.warning("could not renew the claim on callback %s: %s", message_id, error)
                continue
            if not held:
                logger.warning(
                    "lost the claim on callback %s (its lease ran out; another receiver may "
                    "have taken it over)",
                    message_id,
                )
                return

    async def _handle_claimed(self, entry: InboxEntry) -> None:
        attempts = entry.attempts  # counted by the claim, in the inbox
        if attempts > self.max_attempts:
            # Earlier claims ended without an outcome: their receivers stopped or died while
            # the handler ran (a handler that crashes its process would otherwise loop).
            text = (
                f"no outcome recorded after {attempts - 1} attempts (the receivers handling "
                "it stopped before the handler finished)"
            )
            logger.error("callback %s: %s; marked failed", entry.message_id, text)
            await self._write_outcome(entry, "failed", text, next_attempt_at=None)
            return
        try:
            message = message_from_envelope(parse_envelope(entry.body))
        except CallbackParseError as error:
            # The envelope was checked on receipt, so this is a record this version cannot
            # read: retrying would fail the same way. Keep it, visible, for a requeue.
            logger.error("callback %s cannot be parsed: %s", entry.message_id, error)
            if self._telemetry is not None:  # [telemetry hook]
                self._telemetry.handled(entry.message_type, "untyped")
            await self._write_outcome(entry, "failed", _error_text(error), next_attempt_at=None)
            return
        if message.body_errors:
            logger.warning(
                "callback %s (%s): some body fields could not be typed, handed over as None "
                "(raw values in message.body_errors): %s",
                entry.message_id,
                entry.message_type,
                "; ".join(str(error) for error in message.body_errors),
            )
        self._in_handler.add(entry.message_id)
        try:
            async with asyncio.timeout(self.handler_timeout):
                await self._handler(message)
        except asyncio.CancelledError:
            raise  # shutting down: close() gives the claim back
        except Exception as error:
            self._in_handler.discard(entry.message_id)
            await self._handler_failed(entry, attempts, error)
            return
        # From here on the handler has run: whatever happens to the writes below, it is not
        # invoked again by this receiver.
        self._in_handler.discard(entry.message_id)
        if self._telemetry is not None:  # [telemetry hook]
            self._telemetry.handled(entry.message_type, "done")
        await self._write_outcome(entry, "done", None, next_attempt_at=None)

    async def _handler_failed(self, entry: InboxEntry, attempts: int, error: Exception) -> None:
        text = _error_text(error)
        if self._telemetry is not None:  # [telemetry hook]
            self._telemetry.handled(entry.message_type,
                                    "failed" if attempts >= self.max_attempts else "retry")
        if attempts >= self.max_attempts:
            logger.error(
                "callback handler failed on %s (%s) %d times; marked failed",
                entry.message_id,
                entry.message_type,
                attempts,
                exc_info=error,
            )
            await self._write_outcome(entry, "failed", text, next_attempt_at=None)
            return
        delay = min(self.retry_backoff_max, self.retry_backoff * 2 ** (attempts - 1))
        logger.warning(
            "callback handler failed on %s (%s), attempt %d of %d; retrying in %.3g s",
            entry.message_id,
            entry.message_type,
            attempts,
            self.max_attempts,
            delay,
            exc_info=error,
        )
        await self._write_outcome(entry, "retry", text, next_attempt_at=delay)

    async def _write_outcome(
        self, entry: InboxEntry, outcome: str, error: str | None, *, next_attempt_at: float | None
    ) -> None:
        """Record the outcome of a handler call, retrying the write (never the handler) with
        backoff until it succeeds or the receiver is closed.

        ``next_attempt_at`` is, for a retry, the delay from the moment the write succeeds.
        """
        message_id = entry.message_id
        failures = 0
        while True:
            now = self._clock()
            try:
                if outcome == "done":
                    written = await self._inbox.mark_done(message_id, owner=self.owner, now=now)
                elif outcome == "retry":
                    assert error is not None and next_attempt_at is not None
                    written = await self._inbox.mark_retry(
                        message_id,
                        owner=self.owner,
                        error=error,
                        next_attempt_at=now + next_attempt_at,
                        now=now,
                    )
                else:
                    assert error is not None
                    written = await self._inbox.mark_failed(
                        message_id, owner=self.owner, error=error, now=now
                    )
            except Exception as write_error:
                delay = self._backoff(failures)
                failures += 1
                logger.warning(
                    "could not record %s for callback %s (try %d): %s; trying again in %.3g s "
                    "(the handler is not run again)",
                    outcome,
                    message_id,
                    failures,
                    _error_text(write_error),
                    delay,
                )
                await asyncio.sleep(delay)
                continue
            if not written:
                logger.warning(
                    "callback %s: %s not recorded, the message is no longer ours (its lease ran "
                    "out and another receiver took it over, or it is already done)",
                    message_id,
                    outcome,
                )
            return
