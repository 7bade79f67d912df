"""A stand-in for ``aiohttp.ClientSession`` that answers every request at once, for the
benchmarks that time only the client's own work (no sockets, no server)."""

from __future__ import annotations

import asyncio
from typing import Any


class _Response:
    __slots__ = ("_body", "_yields", "headers", "status")

    def __init__(self, body: bytes, yields: int) -> None:
        self._body = body
        self._yields = yields
        self.status = 200
        self.headers = {"Content-Type": "application/json"}

    async def read(self) -> bytes:
        return self._body

    async def __aenter__(self) -> _Response:
        # A real request gives the loop back a few times (connection, headers, body): each
        # time, the task resumes through every coroutine frame between it and the caller.
        for _ in range(self._yields):
            await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class StubSession:
    """Just enough of ``aiohttp.ClientSession`` for the transport: ``body`` for every request,
    after handing the event loop back ``yields`` times."""

    closed = False

    def __init__(self, body: bytes, yields: int = 0) -> None:
        self._body = body
        self._yields = yields

    def request(self, *args: Any, **kwargs: Any) -> _Response:
        return _Response(self._body, self._yields)

    def post(self, *args: Any, **kwargs: Any) -> _Response:
        return _Response(self._body, self._yields)

    async def close(self) -> None:
        return None
