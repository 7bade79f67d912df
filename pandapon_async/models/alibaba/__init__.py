"""1688 (Alibaba) models: orders, payment, goods, after-sales and the shopping cart.

Amount conventions differ by structure, as on the platform: PandaPon's own amounts are integer
fen (``sumPayment``, ``applyPayment``), while the 1688 buyer-view order detail passes 1688's
decimal yuan through (``totalAmount: 6.15``); those fields are :class:`~decimal.Decimal` here.
One private module per resource; this façade exports them all.
"""

from __future__ import annotations

# Most order ids one ``batch_submit_to_pay`` takes by default; the platform publishes no limit
# (override: ``LIMITS.batch_pay_max_orders``). ``client.bulk.submit_to_pay`` chunks for you.
from .._limits import BATCH_PAY_MAX_ORDERS as BATCH_PAY_MAX_ORDERS  # the default, re-exported
from . import _cart, _goods, _order_detail, _orders, _refunds
from ._cart import *  # noqa: F403
from ._goods import *  # noqa: F403
from ._order_detail import *  # noqa: F403
from ._orders import *  # noqa: F403
from ._orders import (  # module attributes, not part of ``models``' exports
    CREATE_ADDRESS_FIELDS as CREATE_ADDRESS_FIELDS,
)
from ._orders import (
    PREVIEW_BATCH_ADDRESS_FIELDS as PREVIEW_BATCH_ADDRESS_FIELDS,
)
from ._orders import (
    check_address as check_address,
)
from ._refunds import *  # noqa: F403

__all__ = [
    *_cart.__all__,
    *_goods.__all__,
    *_order_detail.__all__,
    *_orders.__all__,
    *_refunds.__all__,
]
