"""The client's concurrency cap: at most N requests in flight, first come first served.

An ``asyncio.Semaphore`` costs a coroutine on every ``acquire`` even when a slot is free; the
cap sits on the path of every attempt, so a free slot is taken without one (:meth:`take_now`)
and only a caller that must wait awaits (:meth:`take`).
"""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["ConcurrencyCap"]


class ConcurrencyCap:
    """``max_concurrency`` slots. A slot given back goes to the longest waiter; a waiter
    cancelled while waiting holds nothing (a slot handed to it just before passes on)."""

    __slots__ = ("_free", "_waiters")

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take_now(self) -> bool:
        """Take a free slot if one is free and nobody waits for it; ``False`` otherwise."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        """Wait for a slot (call after :meth:`take_now` said ``False``)."""
        if self.take_now():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give_back()  # handed a slot, then cancelled before using it
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def give_back(self) -> None:
        """Return a slot: to the longest waiter still waiting, else to the free count."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1
