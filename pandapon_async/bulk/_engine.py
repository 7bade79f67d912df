"""The fan-out engine behind ``client.bulk``: bounded, lazy, cancellable, completion-ordered.

A fixed pool of ``concurrency`` worker tasks pulls items from the input one at a time, so the
input is never materialised. A semaphore with ``concurrency`` slots is taken before an item is
pulled and given back only when its outcome has been handed to the consumer: items held
(running or finished but not yet consumed) never exceed ``concurrency``, which bounds memory
whatever the input size and lets a slow consumer push back on the workers.

The workers are plain asyncio tasks owned by a private core object, not a task group inside an
async generator (a task group must not stay open across a ``yield``). The public stream closes
them in ``aclose()`` (called by ``async with``) and, as a safety net, cancels them when it is
garbage-collected without having been closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sized,
)
from types import TracebackType
from typing import Generic, NamedTuple, TypeVar

from ._progress import Progress, ProgressCallback, ProgressNotifier

__all__ = ["Outcome", "OutcomeStream", "check_concurrency"]

T = TypeVar("T")
R = TypeVar("R")


class Outcome(NamedTuple, Generic[T, R]):
    """What became of one item: its ``result`` or the ``error`` its function raised."""

    item: T
    result: R | None
    error: Exception | None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> R:
        """The result, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class _End:
    """Marks the end of the input."""


_END = _End()


def check_concurrency(concurrency: object) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
    return concurrency


class _Slots:
    """A counting semaphore with O(1) release (asyncio.Semaphore's release scans every waiter,
    which dominates at a million items). A released slot is handed straight to the oldest
    waiter."""

    __slots__ = ("free", "waiters")

    def __init__(self, count: int) -> None:
        self.free = count
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        if self.free > 0 and not self.waiters:
            self.free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed a slot, then cancelled: pass it on
            raise

    def release(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.free += 1


class _Core(Generic[T, R]):
    """The state the worker tasks share; kept apart from the stream so that a stream dropped
    without ``aclose()`` can be garbage-collected (and cancel the workers) while they run."""

    def __init__(
        self,
        func: Callable[[T], Awaitable[R]],
        items: Iterable[T] | AsyncIterable[T],
        concurrency: int,
    ) -> None:
        self.func = func
        self.items = items
        self.concurrency = concurrency
        self.sync_items: Iterator[T] | None = None
        self.async_items: AsyncIterator[T] | None = None
        self.pull_lock = asyncio.Lock()
        self.slots = _Slots(concurrency)
        self.ready: deque[Outcome[T, R]] = deque()
        self.wakeup = asyncio.Event()
        self.workers: set[asyncio.Task[None]] = set()
        self.live = 0
        self.exhausted = False
        self.input_error: Exception | None = None
        self.fatal: BaseException | None = None
        self.closing = False

    def start(self) -> None:
        if isinstance(self.items, AsyncIterable):
            self.async_items = aiter(self.items)
        else:
            self.sync_items = iter(self.items)
        self.live = self.concurrency
        for _ in range(self.concurrency):
            task = asyncio.create_task(self.work())
            self.workers.add(task)
            task.add_done_callback(self.worker_done)

    async def pull(self) -> T | _End:
        if self.exhausted:
            return _END
        if self.sync_items is not None:
            try:
                return next(self.sync_items)
            except StopIteration:
                self.exhausted = True
            except Exception as error:
                self.exhausted = True
                self.input_error = error
            return _END
        assert self.async_items is not None
        async with self.pull_lock:
            if self.exhausted:
                return _END
            try:
                return await anext(self.async_items)
            except StopAsyncIteration:
                self.exhausted = True
            except Exception as error:
                self.exhausted = True
                self.input_error = error
            return _END

    async def work(self) -> None:
        slots, ready, func, wakeup = self.slots, self.ready, self.func, self.wakeup
        while True:
            await slots.acquire()
            item = await self.pull()
            if isinstance(item, _End):
                slots.release()
                return
            # Only Exception is an item's failure; CancelledError, KeyboardInterrupt and
            # SystemExit end the worker and, through worker_done, the whole stream.
            try:
                result = await func(item)
            except Exception as error:
                ready.append(Outcome(item, None, error))
            else:
                ready.append(Outcome(item, result, None))
            wakeup.set()

    def worker_done(self, task: asyncio.Task[None]) -> None:
        self.workers.discard(task)
        self.live -= 1
        if task.cancelled():
            if not self.closing and self.fatal is None:
                self.fatal = asyncio.CancelledError("a bulk worker was cancelled from outside")
        else:
            error = task.exception()  # also marks it retrieved
            if error is not None and self.fatal is None:
                self.fatal = error
        self.wakeup.set()

    def cancel_workers(self) -> list[asyncio.Task[None]]:
        self.closing = True
        tasks = list(self.workers)
        for task in tasks:
            task.cancel()
        return tasks


class OutcomeStream(Generic[T, R]):
    """Async iterator of :class:`Outcome` in completion order; see ``client.bulk.map``.

    Use it as ``async with client.bulk.map(...) as outcomes: async for o in outcomes: ...``
    so that leaving the block early (``break``, an exception, cancellation) cancels the work
    in flight and waits for it to unwind. ``await stream.aclose()`` does the same by hand.
    """

    def __init__(
        self,
        func: Callable[[T], Awaitable[R]],
        items: Iterable[T] | AsyncIterable[T],
        *,
        concurrency: int,
        on_progress: ProgressCallback | None = None,
        total: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not callable(func):
            raise ValueError(f"func must be an async callable, got {func!r}")
        if not isinstance(items, Iterable | AsyncIterable):
            raise ValueError(f"items must be an iterable or async iterable, got {items!r}")
        check_concurrency(concurrency)
        if total is None and isinstance(items, Sized):
            total = len(items)
        self._core: _Core[T, R] = _Core(func, items, concurrency)
        self._on_progress = ProgressNotifier(on_progress)
        self._clock = clock
        self._started_at = 0.0
        self._state = "new"
        self.total = total
        self.done = 0
        self.succeeded = 0
        self.failed = 0

    @property
    def concurrency(self) -> int:
        return self._core.concurrency

    def progress(self) -> Progress:
        elapsed = self._clock() - self._started_at if self._state != "new" else 0.0
        return Progress(self.done, self.total, self.succeeded, self.failed, elapsed)

    def _start(self) -> None:
        self._state = "running"
        self._started_at = self._clock()
        self._core.start()

    async def __aenter__(self) -> OutcomeStream[T, R]:
        if self._state == "new":
            self._start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> OutcomeStream[T, R]:
        return self

    async def __anext__(self) -> Outcome[T, R]:
        if self._state == "new":
            self._start()
        elif self._state == "closed":
            raise StopAsyncIteration
        core = self._core
        while True:
            if core.ready:
                outcome = core.ready.popleft()
                core.slots.release()
                self.done += 1
                if outcome.error is None:
                    self.succeeded += 1
                else:
                    self.failed += 1
                if self._on_progress.callback is not None:
                    await self._on_progress(self.progress())
                return outcome
            if core.fatal is not None:
                fatal = core.fatal
                await self.aclose()
                raise fatal
            if core.live == 0:
                self._state = "closed"
                if core.input_error is not None:
                    error, core.input_error = core.input_error, None
                    raise error
                raise StopAsyncIteration
            core.wakeup.clear()
            await core.wakeup.wait()

    async def aclose(self) -> None:
        """Cancel the items in flight, wait until they have unwound, drop unread outcomes."""
        if self._state == "closed" and not self._core.workers:
            return
        self._state = "closed"
        tasks = self._core.cancel_workers()
        if tasks:
            await asyncio.wait(tasks)
        self._core.ready.clear()

    def __del__(self) -> None:
        # Safety net for a stream abandoned without aclose(): do not leave workers running.
        core = getattr(self, "_core", None)
        if core is not None and core.workers:
            with contextlib.suppress(RuntimeError):  # the event loop is already closed
                core.cancel_workers()

    def __repr__(self) -> str:
        return (
            f"OutcomeStream(concurrency={self.concurrency}, state={self._state!r}, "
            f"done={self.done}, total={self.total})"
        )
