"""Taobao models: goods, orders, after-sales (reverse orders) and the cart.

PandaPon's Taobao amounts (``price``, ``purchaseAmount``, ``refundFee``) are integer fen.
One private module per resource; this façade exports them all.
"""

from __future__ import annotations

# Most items one ``batch_check`` takes by default; the platform publishes no limit (override:
# ``LIMITS.batch_check_max_items``).
from .._limits import BATCH_CHECK_MAX_ITEMS as BATCH_CHECK_MAX_ITEMS  # the default, re-exported
from . import _cart, _goods, _orders, _refunds
from ._cart import *  # noqa: F403
from ._goods import *  # noqa: F403
from ._goods import SEARCH_MAX_PAGE_SIZE as SEARCH_MAX_PAGE_SIZE
from ._orders import *  # noqa: F403
from ._refunds import *  # noqa: F403

__all__ = [
    *_cart.__all__,
    *_goods.__all__,
    *_orders.__all__,
    *_refunds.__all__,
]
