"""The connection-pool options and setup the PostgreSQL backends share (the journal, the
callback inbox). asyncpg is imported when a pool is created, never by this module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["check_pool_options", "create_pool"]


def check_pool_options(
    max_connections: object, connect_timeout: object, command_timeout: object,
    *, most_connections: int | None = None,
) -> tuple[int, float, float]:
    """``(max_connections, connect_timeout, command_timeout)`` checked (``ValueError`` naming
    the field): an integer from 1 (to ``most_connections`` if given) and two numbers of
    seconds above 0."""
    if (
        isinstance(max_connections, bool)
        or not isinstance(max_connections, int)
        or max_connections < 1
        or (most_connections is not None and max_connections > most_connections)
    ):
        bound = "an integer >= 1" if most_connections is None else (
            f"an integer from 1 to {most_connections}")
        raise ValueError(f"max_connections must be {bound}, got {max_connections!r}")
    timeouts = []
    for name, value in (("connect_timeout", connect_timeout),
                        ("command_timeout", command_timeout)):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"{name} must be a number of seconds above 0, got {value!r}")
        timeouts.append(float(value))
    return max_connections, timeouts[0], timeouts[1]


async def create_pool(
    dsn: str, *, max_connections: int, connect_timeout: float, command_timeout: float,
    server_settings: Mapping[str, str] | None = None,
) -> Any:
    """An asyncpg pool of 1 to ``max_connections`` connections (``asyncpg.Pool``)."""
    import asyncpg

    extra = {} if server_settings is None else {"server_settings": dict(server_settings)}
    return await asyncpg.create_pool(
        dsn, min_size=1, max_size=max_connections, timeout=connect_timeout,
        command_timeout=command_timeout, **extra,
    )
