"""Moved to :mod:`pandapon_async.limiters`; this path is kept for ``_client``/``_transport``."""
from .limiters import GCRARateLimiter, RateLimiter, UnlimitedRateLimiter, report_rate_limited

__all__ = ["GCRARateLimiter", "RateLimiter", "UnlimitedRateLimiter", "report_rate_limited"]
