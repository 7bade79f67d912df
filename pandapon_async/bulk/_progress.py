"""Progress snapshots for ``on_progress``, and the notifier that keeps a failing callback
from stopping a run."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Progress", "ProgressCallback", "ProgressNotifier", "call_progress"]

logger = logging.getLogger("pandapon_async.bulk")


@attrs.frozen
class Progress:
    """A snapshot given to ``on_progress``: ``total`` is ``None`` when the input has no length."""

    done: int
    total: int | None
    succeeded: int
    failed: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Items (or order ids, for the bulk helpers) finished per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def remaining(self) -> int | None:
        return None if self.total is None else max(self.total - self.done, 0)


ProgressCallback = Callable[[Progress], Any]
"""Called with a :class:`Progress`; may be a plain function or an ``async`` function."""


async def call_progress(callback: ProgressCallback | None, progress: Progress) -> None:
    """Call ``callback`` (sync or async) with ``progress``; its exceptions propagate."""
    if callback is None:
        return
    result = callback(progress)
    if inspect.isawaitable(result):
        await result


class ProgressNotifier:
    """Calls a user's progress callback so that it cannot stop the run: an ``Exception`` it
    raises is logged (the first one with its traceback, the later ones only counted in
    ``failures``) and the run goes on. ``CancelledError``/``KeyboardInterrupt`` propagate."""

    __slots__ = ("callback", "failures")

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.failures = 0

    async def __call__(self, progress: Progress) -> None:
        if self.callback is None:
            return
        try:
            await call_progress(self.callback, progress)
        except Exception:
            self.failures += 1
            if self.failures == 1:
                logger.exception(
                    "on_progress raised; the run goes on (later failures are not logged)"
                )
