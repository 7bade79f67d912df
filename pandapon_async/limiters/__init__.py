"""Rate limiters: the pluggable :class:`RateLimiter` protocol, the GCRA limiter that adapts to
the platform's 429s, the limiter used when no rate is configured, and the limiter shared
through Redis (imported on first access, so that importing this package never imports redis).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._gcra import GCRARateLimiter
from ._protocol import RateLimiter, report_rate_limited
from ._unlimited import UnlimitedRateLimiter

if TYPE_CHECKING:
    from ._redis import RedisRateLimiter

__all__ = [
    "GCRARateLimiter",
    "RateLimiter",
    "RedisRateLimiter",
    "UnlimitedRateLimiter",
    "report_rate_limited",
]


def __getattr__(name: str) -> Any:
    if name != "RedisRateLimiter":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = importlib.import_module("._redis", __name__).RedisRateLimiter
    globals()[name] = value
    return value
