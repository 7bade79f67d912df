"""Run the fake standalone until cancelled (``pandapon fake-server``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .._credentials import Credentials
from ._fake import FakePandaPon

__all__ = ["serve"]


async def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    seed: int = 0,
    credentials: Credentials | None = None,
    print_fn: Callable[[str], Any] = print,
    ready: Callable[[FakePandaPon], Any] | None = None,
    **options: Any,
) -> None:
    """Serve a :class:`FakePandaPon` on ``host:port`` until cancelled (Ctrl-C).

    Prints the URL and the fake's test credentials as environment variables, so that
    ``PandaPonClient.from_env()`` in another shell talks to it. ``ready`` (if given) is
    called with the started fake. ``options`` go to :class:`FakePandaPon`.
    """
    async with FakePandaPon(seed=seed, credentials=credentials, host=host, port=port,
                            **options) as fake:
        creds = fake.credentials
        # These are the fake's own test credentials, not a real secret: printing them is
        # the point (a client in another shell needs them).
        print_fn(f"FakePandaPon serving on {fake.url} (seed {seed}); Ctrl-C to stop")
        print_fn(f"export PANDAPON_BASE_URL={fake.url}")
        print_fn(f"export PANDAPON_ACCESS_KEY={creds.access_key}")
        print_fn(f"export PANDAPON_ACCESS_SECRET={creds.access_secret}")
        print_fn(f"export PANDAPON_USER_ID={creds.user_id}")
        if ready is not None:
            ready(fake)
        await asyncio.Event().wait()
