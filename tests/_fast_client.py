"""A client for tests against the fake: unthrottled, with retries that wait milliseconds."""

from __future__ import annotations

from typing import Any

from pandapon_async import PandaPonClient
from pandapon_async.testing import FakePandaPon


def fast_client(fake: FakePandaPon, **options: Any) -> PandaPonClient:
    """``options`` override the defaults (``max_concurrency=32``, no rate limit, ms backoff)."""
    settings: dict[str, Any] = {
        "rate_limit": None, "max_concurrency": 32, "retry_backoff": 0.001,
        "retry_backoff_max": 0.005, "retry_after_cap": 0.01,
    }
    settings.update(options)
    return PandaPonClient(fake.credentials, base_url=fake.url, **settings)
