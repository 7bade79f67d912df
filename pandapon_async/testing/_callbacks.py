"""Signed callback pushes with the platform's retry schedule, run in tracked background tasks."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp

from .._signing import compute_callback_signature
from ._records import CallbackDelivery

__all__ = ["CallbackDispatcher"]

PLATFORM_RETRY_DELAYS = (1800.0,) * 5


class CallbackDispatcher:
    """Builds, signs and delivers callback messages; a 200 answer is a delivery."""

    def __init__(
        self,
        *,
        access_secret: str,
        clock: Callable[[], float],
        retry_delays: Sequence[float],
        timeout: float,
        body_as_text: bool,
    ) -> None:
        self._secret = access_secret
        self._clock = clock
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
        task.add_done_callback(self._tasks.discard)

    async def _deliver_with_retries(
        self, url: str, message_type: str, raw: bytes, *, first_attempt: int
    ) -> None:
        attempt = first_attempt
        while True:
            if attempt > 1:
                await asyncio.sleep(self._retry_delays[attempt - 2])
            delivery = await self._attempt(url, message_type, raw, attempt)
            if delivery.delivered or attempt > len(self._retry_delays):
                return
            attempt += 1

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
