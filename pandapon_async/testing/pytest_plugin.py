"""pytest plugin (entry point ``pytest11``): fixtures ``fake_pandapon`` and ``pandapon_client``.

``fake_pandapon`` is a started :class:`~pandapon_async.testing.FakePandaPon` (seed 0);
``pandapon_client`` is a :class:`~pandapon_async.PandaPonClient` wired to it (no client-side
rate limit, tiny retry backoff), closed after the test. Override the ``fake_pandapon_options``
fixture to pass other constructor keywords, and ``pandapon_client_options`` for the client.

The async fixtures need pytest-asyncio; without it, using them fails with a clear message
(loading this plugin never fails, so installing pandapon-async cannot break a test suite).
An ``async def`` test that asks for one of these fixtures by name is marked
``@pytest.mark.asyncio`` by the plugin, so it runs in pytest-asyncio's default (strict) mode
with no configuration.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Generator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .._client import PandaPonClient
    from ._fake import FakePandaPon

__all__ = [
    "fake_pandapon",
    "fake_pandapon_options",
    "pandapon_client",
    "pandapon_client_options",
]


@pytest.fixture
def fake_pandapon_options() -> dict[str, Any]:
    """Keywords for the ``fake_pandapon`` fixture's ``FakePandaPon(...)``; override to change."""
    return {"seed": 0}


@pytest.fixture
def pandapon_client_options() -> dict[str, Any]:
    """Keywords for the ``pandapon_client`` fixture's ``PandaPonClient(...)``."""
    return {"rate_limit": None, "retry_backoff": 0.001, "retry_backoff_max": 0.01}


def _async_fixture_decorator() -> Callable[[Callable[..., Any]], Any]:
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - depends on the user's environment

        def needs_pytest_asyncio(function: Callable[..., Any]) -> Any:
            @pytest.fixture(name=function.__name__)
            def missing() -> None:
                pytest.fail(f"the {function.__name__} fixture needs pytest-asyncio installed")

            return missing

        return needs_pytest_asyncio
    return pytest_asyncio.fixture


_async_fixture = _async_fixture_decorator()

_OUR_FIXTURES = frozenset({"fake_pandapon", "pandapon_client"})
_ASYNC_MARKERS = frozenset({"asyncio", "anyio", "trio"})


@pytest.hookimpl(hookwrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> Generator[None, Any, None]:
    """Mark ``async def`` tests that use these fixtures as asyncio tests, before the item is
    built: a new project's first test then runs without ``asyncio_mode = "auto"``."""
    if (
        inspect.iscoroutinefunction(obj)
        and isinstance(collector, pytest.Module | pytest.Class)
        and collector.funcnamefilter(name)
    ):
        try:
            wanted = set(inspect.signature(obj).parameters)
        except (TypeError, ValueError):  # pragma: no cover - exotic callables
            wanted = set()
        marks = getattr(obj, "pytestmark", [])
        if wanted & _OUR_FIXTURES and not any(m.name in _ASYNC_MARKERS for m in marks):
            try:
                import pytest_asyncio  # noqa: F401
            except ImportError:  # pragma: no cover - the fixtures then fail with a message
                pass
            else:
                pytest.mark.asyncio(obj)
    yield


@_async_fixture
async def fake_pandapon(fake_pandapon_options: dict[str, Any]) -> AsyncIterator[FakePandaPon]:
    """A started FakePandaPon on 127.0.0.1 (stopped after the test)."""
    from ._fake import FakePandaPon

    async with FakePandaPon(**fake_pandapon_options) as fake:
        yield fake


@_async_fixture
async def pandapon_client(
    fake_pandapon: FakePandaPon, pandapon_client_options: dict[str, Any]
) -> AsyncIterator[PandaPonClient]:
    """A PandaPonClient wired to ``fake_pandapon`` (closed after the test)."""
    from .._client import PandaPonClient

    async with PandaPonClient(
        fake_pandapon.credentials, base_url=fake_pandapon.url, **pandapon_client_options
    ) as client:
        yield client
