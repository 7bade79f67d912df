"""One SQLite connection owned by one dedicated thread: durable stores off the event loop."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

__all__ = ["SQLiteWorker", "Synchronous", "check_synchronous"]

_T = TypeVar("_T")
_OPEN_RETRY_DELAY = 0.02
Synchronous = Literal["FULL", "NORMAL"]


def check_synchronous(synchronous: object) -> Synchronous:
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"synchronous must be 'FULL' or 'NORMAL', got {synchronous!r}")
    return synchronous


class SQLiteWorker:
    """Runs operations on a connection that only its own thread ever touches.

    sqlite3's same-thread check holds and the event loop never waits on disk. The file is
    opened in WAL mode with the given ``synchronous`` level and ``schema`` on first use.
    ``autocommit`` connections leave transactions to the operations (``BEGIN``/``COMMIT``);
    otherwise each operation runs in one transaction, committed on return, rolled back on error.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        schema: str,
        synchronous: Synchronous,
        busy_timeout: float,
        thread_name: str,
        autocommit: bool = False,
        on_connect: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._schema = schema
        self._synchronous = check_synchronous(synchronous)
        self._busy_timeout = busy_timeout
        self._thread_name = thread_name
        self._autocommit = autocommit
        self._on_connect = on_connect
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    @property
    def connected(self) -> bool:
        """Whether the file is open (WAL mode set, schema and ``on_connect`` applied)."""
        return self._connection is not None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None if self._autocommit else "DEFERRED",
            )
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(f"PRAGMA synchronous={self._synchronous}")
                connection.executescript(self._schema)
                connection.commit()
                if self._on_connect is not None:
                    self._on_connect(connection)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    async def run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``operation(connection)`` on the worker thread (started on first use)."""
        attempt = 0
        while True:
            try:
                return await self._run_once(operation)
            except sqlite3.OperationalError as error:
                # Processes opening a new file at once race on switching it to WAL mode, which
                # SQLite reports at once as "locked" (no busy wait): opening is retried for
                # up to about busy_timeout. Once open, a locked write is the caller's to retry.
                attempt += 1
                if self.connected or "locked" not in str(error):
                    raise
                if attempt * _OPEN_RETRY_DELAY >= max(self._busy_timeout, _OPEN_RETRY_DELAY):
                    raise
                await asyncio.sleep(_OPEN_RETRY_DELAY)

    async def _run_once(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._thread_name)

        def call() -> _T:
            connection = self._connect()
            if self._autocommit:
                return operation(connection)
            with connection:
                return operation(connection)

        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def close(self) -> None:
        """Close the connection on its thread, then stop the thread; a later ``run`` reopens."""
        executor, self._executor = self._executor, None
        if executor is None:
            return

        def close_connection() -> None:
            connection, self._connection = self._connection, None
            if connection is not None:
                connection.close()

        try:
            await asyncio.get_running_loop().run_in_executor(executor, close_connection)
        finally:
            # The queue is empty now: the join only waits for the idle thread to exit.
            executor.shutdown(wait=True)
