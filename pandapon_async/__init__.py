"""pandapon-async: an asyncio client for the PandaPon OpenAPI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import DEFAULT_BASE_URL, PandaPonClient
from ._credentials import Credentials
from ._retry import RetryPolicy
from ._signing import MD5Signer, Signer, compute_callback_signature, compute_signature
from ._throttle import GCRARateLimiter, RateLimiter
from ._transport import CallOptions, RequestEvent, ResponseEvent
from .bulk import (
    BulkActionReport,
    BulkError,
    BulkLookupReport,
    BulkPayReport,
    Outcome,
    Progress,
)
from .callbacks import CallbackMessage, CallbackParseError, CallbackReceiver, SQLiteInbox
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    ClientClosedError,
    ConnectError,
    JournalUnavailableError,
    NotFoundError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    SignatureVerificationError,
    TransportError,
    UnexpectedResponseError,
)
from .journal import Journal, MemoryJournal, SQLiteJournal

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._postgres_journal import PostgresJournal

# Optional backends, imported on first use so that `import pandapon_async` never imports
# their drivers (asyncpg, redis).
_LAZY = {"PostgresJournal": "._postgres_journal"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "AuthenticationError",
    "BulkActionReport",
    "BulkError",
    "BulkLookupReport",
    "BulkPayReport",
    "BusinessError",
    "CallOptions",
    "CallbackMessage",
    "CallbackParseError",
    "CallbackReceiver",
    "ClientClosedError",
    "ConnectError",
    "Credentials",
    "GCRARateLimiter",
    "Journal",
    "JournalUnavailableError",
    "MD5Signer",
    "MemoryJournal",
    "NotFoundError",
    "Outcome",
    "OutcomeUnknownError",
    "PandaPonClient",
    "PandaPonError",
    "PostgresJournal",
    "Progress",
    "RateLimitError",
    "RateLimiter",
    "RequestEvent",
    "ResponseDecodeError",
    "ResponseEvent",
    "RetryPolicy",
    "SQLiteInbox",
    "SQLiteJournal",
    "ServerError",
    "SignatureVerificationError",
    "Signer",
    "TransportError",
    "UnexpectedResponseError",
    "__version__",
    "compute_callback_signature",
    "compute_signature",
]
