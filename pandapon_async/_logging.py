"""Moved to ``_observability``; this path is kept for ``_transport``."""
from ._observability import call_fields

__all__ = ["call_fields"]
