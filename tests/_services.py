"""Real PostgreSQL and Redis for the tests of the backends that share state across processes.

Each test gets its own database (PostgreSQL) or key prefix (Redis), dropped afterwards. Where a
service is not reachable the test is skipped with a reason that says how to point the tests at
one; under CI (``CI=true``) that skip is a failure, so these tests cannot silently stop running.

Environment: ``PANDAPON_TEST_POSTGRES_DSN`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``)
and ``PANDAPON_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import pytest_asyncio

POSTGRES_DSN_ENV = "PANDAPON_TEST_POSTGRES_DSN"
REDIS_URL_ENV = "PANDAPON_TEST_REDIS_URL"
DEFAULT_POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _unavailable(service: str, env: str, error: BaseException) -> None:
    message = (
        f"{service} is not reachable ({type(error).__name__}: {error}); "
        f"start it, or set {env} to point the tests at one"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"under CI a skipped {service} test is a failure: {message}")
    pytest.skip(message)


def admin_postgres_dsn() -> str:
    return os.environ.get(POSTGRES_DSN_ENV, DEFAULT_POSTGRES_DSN)


def _with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


@pytest_asyncio.fixture
async def postgres_dsn() -> AsyncIterator[str]:
    """The DSN of a fresh, empty database of this test's own, dropped afterwards."""
    try:
        import asyncpg
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        _unavailable("PostgreSQL (asyncpg)", POSTGRES_DSN_ENV, exc)
        raise
    admin = admin_postgres_dsn()
    try:
        conn = await asyncpg.connect(admin, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        _unavailable("PostgreSQL", POSTGRES_DSN_ENV, exc)
        raise
    name = "pandapon_test_" + uuid.uuid4().hex[:16]
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield _with_database(admin, name)
    finally:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest_asyncio.fixture
async def redis_url() -> AsyncIterator[str]:
    """The Redis URL; pair it with :func:`redis_key_prefix` so tests never share keys."""
    try:
        import redis.asyncio as aioredis
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        _unavailable("Redis (redis-py)", REDIS_URL_ENV, exc)
        raise
    url = os.environ.get(REDIS_URL_ENV, DEFAULT_REDIS_URL)
    client = aioredis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        await client.ping()
    except (OSError, aioredis.RedisError) as exc:
        _unavailable("Redis", REDIS_URL_ENV, exc)
        raise
    finally:
        await client.aclose()
    yield url


@pytest_asyncio.fixture
async def redis_key_prefix(redis_url: str) -> AsyncIterator[str]:
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    import redis.asyncio as aioredis

    prefix = "pandapon-test:" + uuid.uuid4().hex[:16]
    yield prefix
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
