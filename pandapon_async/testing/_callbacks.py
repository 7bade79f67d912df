"""Signed callback pushes with the platform's retry schedule, run in tracked background tasks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from .._signing import compute_callback_signature
from ..callbacks import ORDER_STATUS_TYPES, REFUND_TYPES, with_platform_prefix
from ._clock import Deadline, FakeClock
from ._records import CallbackDelivery

__all__ = ["CALLBACK_TYPE_SPELLINGS", "CallbackDispatcher"]

PLATFORM_RETRY_DELAYS = (1800.0,) * 5
CALLBACK_TYPE_SPELLINGS = ("prefixed", "unprefixed")
_PREFIXABLE = ORDER_STATUS_TYPES | REFUND_TYPES


class CallbackDispatcher:
    """Builds, signs and delivers callback messages; a 200 answer is a delivery."""

    def __init__(
        self,
        *,
        access_secret: str,
        clock: FakeClock,
        retry_delays: Sequence[float],
        timeout: float,
        body_as_text: bool,
        type_spelling: str = "prefixed",
    ) -> None:
        if type_spelling not in CALLBACK_TYPE_SPELLINGS:
            raise ValueError(f"callback_message_types must be one of {CALLBACK_TYPE_SPELLINGS}, "
                             f"got {type_spelling!r}")
        self._secret = access_secret
        self._clock = clock
        self._prefixed = type_spelling == "prefixed"
        # Retry tasks waiting for their next attempt, and a flag raised whenever a task starts
        # waiting or ends: what settle() needs to tell "idle until later" from "busy now".
        self._waiting: dict[asyncio.Task[None], Deadline] = {}
        self._progress = asyncio.Event()
        self._retry_delays = tuple(float(delay) for delay in retry_delays)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._body_as_text = body_as_text
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.url: str | None = None
        self.deliveries: list[CallbackDelivery] = []

    def encode(self, message_type: str, body: Any, platform: int) -> bytes:
        message_body = (json.dumps(body, ensure_ascii=False, separators=(",", ":"))
                        if self._body_as_text and not isinstance(body, str) else body)
        message = {
            "messageType": message_type,
            "messageBody": message_body,
            "messagePlatform": platform,
            "timestamp": str(int(self._clock() * 1000)),
        }
        return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()

    def message_type(self, base_type: str, platform: int) -> str:
        """The ``messageType`` the fake sends for a status or refund event: prefixed with the
        platform (``TAOBAO_``, ``1688_``) unless the fake was told to send it unprefixed."""
        if self._prefixed and base_type in _PREFIXABLE:
            return with_platform_prefix(base_type, platform)
        return base_type

    def schedule_event(self, base_type: str, body: Any, platform: int) -> None:
        """A state change's message, spelled as configured, delivered in the background."""
        self.schedule(self.message_type(base_type, platform), body, platform)

    def schedule(self, message_type: str, body: Any, platform: int) -> None:
        """Deliver in the background (state changes call this); no-op without a URL."""
        if self.url is None:
            return
        raw = self.encode(message_type, body, platform)
        self._track(self._deliver_with_retries(self.url, message_type, raw, first_attempt=1))

    async def push(self, message_type: str, body: Any, platform: int) -> CallbackDelivery:
        """Deliver now; on failure, the retries continue in the background."""
        if self.url is None:
            raise RuntimeError("no callback URL: call fake.set_callback_url(url) first")
        url = self.url
        raw = self.encode(message_type, body, platform)
        delivery = await self._attempt(url, message_type, raw, 1)
        if not delivery.delivered and self._retry_delays:
            self._track(self._deliver_with_retries(url, message_type, raw, first_attempt=2))
        return delivery

    def _track(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._progress.set()

    async def _deliver_with_retries(
        self, url: str, message_type: str, raw: bytes, *, first_attempt: int
    ) -> None:
        attempt = first_attempt
        while True:
            if attempt > 1:
                await self._wait_retry(self._retry_delays[attempt - 2])
            delivery = await self._attempt(url, message_type, raw, attempt)
            if delivery.delivered or attempt > len(self._retry_delays):
                return
            attempt += 1

    async def _wait_retry(self, delay: float) -> None:
        task = asyncio.current_task()
        assert task is not None
        deadline = self._clock.deadline(delay)
        self._waiting[task] = deadline
        self._progress.set()
        try:
            await deadline.wait()
        finally:
            del self._waiting[task]

    async def settle(self) -> None:
        """Wait until every delivery due now has been attempted: each task has finished or is
        waiting for a retry that is not yet due (by real time plus the clock's advances)."""
        while True:
            self._progress.clear()
            busy = [task for task in self._tasks if not task.done() and not (
                task in self._waiting and self._waiting[task].remaining() > 0)]
            if not busy:
                return
            await self._progress.wait()

    async def _attempt(self, url: str, message_type: str, raw: bytes, attempt: int
                       ) -> CallbackDelivery:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {
            "Content-Type": "application/json",
            "Authorization": compute_callback_signature(raw, self._secret),
        }
        status: int | None = None
        error: str | None = None
        try:
            async with self._session.post(url, data=raw, headers=headers,
                                          timeout=self._timeout) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        delivery = CallbackDelivery(time.monotonic(), url, message_type, attempt, status, raw,
                                    error)
        self.deliveries.append(delivery)
        return delivery

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
