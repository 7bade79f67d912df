"""Shared by the examples: the real platform when ``PANDAPON_*`` is set, the built-in fake
otherwise, so every example runs on a fresh clone with no account."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pandapon_async import PandaPonClient
from pandapon_async.testing import FakePandaPon


def using_real_account() -> bool:
    """True when credentials are in the environment (``PANDAPON_ACCESS_KEY`` and friends)."""
    return bool(os.environ.get("PANDAPON_ACCESS_KEY", "").strip())


@asynccontextmanager
async def platform(**client_options: object) -> AsyncIterator[
    tuple[PandaPonClient, FakePandaPon | None]
]:
    """``(client, None)`` for your account (``PandaPonClient()`` reads ``PANDAPON_*``, base
    URL included), or ``(client, fake)`` wired to a fresh ``FakePandaPon``."""
    if using_real_account():
        async with PandaPonClient(**client_options) as client:  # type: ignore[arg-type]
            yield client, None
        return
    async with FakePandaPon(seed=0) as fake, PandaPonClient(
        fake.credentials, base_url=fake.url, **client_options  # type: ignore[arg-type]
    ) as client:
        print(f"(no PANDAPON_ACCESS_KEY: using the built-in fake at {fake.url})")
        yield client, fake


def read_ids(path: str) -> list[str]:
    """Order ids, one a line (blank lines ignored)."""
    with open(path, encoding="utf-8") as lines:
        return [line.strip() for line in lines if line.strip()]
