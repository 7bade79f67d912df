"""Order-event callbacks: verify, parse and receive the messages the platform pushes.

- :func:`verify_signature` checks the ``Authorization`` header (HMAC-SHA256 of the raw body).
- :func:`parse_message` turns a message into a :class:`CallbackMessage` with a typed body.
- :class:`CallbackReceiver` serves them on aiohttp: it records each message durably in a
  :class:`CallbackInbox` (:class:`SQLiteInbox` by default; :class:`PostgresInbox` for
  several replicas, extra ``[postgres]``) before answering 200, and hands it to your async
  handler once, in the background, with retries.

See the documentation guide "Callbacks receiver" (docs/guides/callbacks.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import SignatureVerificationError
from ._bodies import OrderEventBody, TaobaoPriceModifyBody, TaobaoSubOrder
from ._fields import BodyFieldError, CallbackParseError
from ._inbox import CallbackInbox, InboxEntry, InboxStatus
from ._memory_inbox import MemoryInbox
from ._message import (
    CallbackEnvelope,
    CallbackMessage,
    MessagePlatform,
    compute_message_id,
    parse_envelope,
    parse_message,
)
from ._message_types import (
    ALIBABA_ORDER_BUYER_REFUND,
    ALIBABA_ORDER_CANCEL,
    ALIBABA_ORDER_CREATE,
    ALIBABA_ORDER_PAY_SUCCESS,
    ALIBABA_ORDER_RECEIVED,
    ALIBABA_ORDER_SHIPPED,
    ALIBABA_PREFIX,
    ALIBABA_PRICE_MODIFY,
    ORDER_BUYER_REFUND,
    ORDER_CANCEL,
    ORDER_CREATE,
    ORDER_EVENT_TYPES,
    ORDER_PAY_SUCCESS,
    ORDER_PRICE_MODIFY,
    ORDER_RECEIVED,
    ORDER_SHIPPED,
    ORDER_STATUS_TYPES,
    REFUND_TYPES,
    TAOBAO_ORDER_BUYER_REFUND,
    TAOBAO_ORDER_CANCEL,
    TAOBAO_ORDER_CREATE,
    TAOBAO_ORDER_PAY_SUCCESS,
    TAOBAO_ORDER_RECEIVED,
    TAOBAO_ORDER_SHIPPED,
    TAOBAO_PREFIX,
    TAOBAO_PRICE_MODIFY,
    strip_platform_prefix,
    with_platform_prefix,
)
from ._receiver import (
    DEFAULT_CALLBACK_PATH,
    DEFAULT_INBOX_PATH,
    DEFAULT_LEASE,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TIMESTAMP_TOLERANCE,
    CallbackReceiver,
    ReceiveResult,
)
from ._signature import verify_signature
from ._sqlite_inbox import SQLiteInbox
from ._worker import CallbackHandler

if TYPE_CHECKING:
    from ._postgres_inbox import PostgresInbox


def __getattr__(name: str) -> Any:
    # PostgresInbox lives beside its optional dependency (asyncpg); importing this module
    # never imports it.
    if name == "PostgresInbox":
        from ._postgres_inbox import PostgresInbox

        return PostgresInbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ALIBABA_ORDER_BUYER_REFUND",
    "ALIBABA_ORDER_CANCEL",
    "ALIBABA_ORDER_CREATE",
    "ALIBABA_ORDER_PAY_SUCCESS",
    "ALIBABA_ORDER_RECEIVED",
    "ALIBABA_ORDER_SHIPPED",
    "ALIBABA_PREFIX",
    "ALIBABA_PRICE_MODIFY",
    "DEFAULT_CALLBACK_PATH",
    "DEFAULT_INBOX_PATH",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TIMESTAMP_TOLERANCE",
    "ORDER_BUYER_REFUND",
    "ORDER_CANCEL",
    "ORDER_CREATE",
    "ORDER_EVENT_TYPES",
    "ORDER_PAY_SUCCESS",
    "ORDER_PRICE_MODIFY",
    "ORDER_RECEIVED",
    "ORDER_SHIPPED",
    "ORDER_STATUS_TYPES",
    "REFUND_TYPES",
    "TAOBAO_ORDER_BUYER_REFUND",
    "TAOBAO_ORDER_CANCEL",
    "TAOBAO_ORDER_CREATE",
    "TAOBAO_ORDER_PAY_SUCCESS",
    "TAOBAO_ORDER_RECEIVED",
    "TAOBAO_ORDER_SHIPPED",
    "TAOBAO_PREFIX",
    "TAOBAO_PRICE_MODIFY",
    "BodyFieldError",
    "CallbackEnvelope",
    "CallbackHandler",
    "CallbackInbox",
    "CallbackMessage",
    "CallbackParseError",
    "CallbackReceiver",
    "InboxEntry",
    "InboxStatus",
    "MemoryInbox",
    "MessagePlatform",
    "OrderEventBody",
    "PostgresInbox",
    "ReceiveResult",
    "SQLiteInbox",
    "SignatureVerificationError",
    "TaobaoPriceModifyBody",
    "TaobaoSubOrder",
    "compute_message_id",
    "parse_envelope",
    "parse_message",
    "strip_platform_prefix",
    "verify_signature",
    "with_platform_prefix",
]
