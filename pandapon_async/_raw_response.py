"""Moved to ``_observability``; this path is kept for ``_transport``."""
from ._observability import ANSWERS

__all__ = ["ANSWERS"]
