"""pandapon-async: an asyncio client for the PandaPon OpenAPI."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._client import DEFAULT_BASE_URL, PandaPonClient
from ._credentials import Credentials
from ._observability import (
    ChunkTiming,
    RawResponse,
    configure_logging,
    configure_logging_from_env,
    record_chunk_timings,
    with_raw_response,
)
from ._retry import RetryPolicy
from ._signing import (
    GroupSigner,
    MD5Signer,
    QuerySignatureSigner,
    RequestSigner,
    SignedAttempt,
    Signer,
    compute_callback_signature,
    compute_signature,
    logistics_query_signer,
)
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
    RateLimiterUnavailableError,
    ResponseDecodeError,
    ServerError,
    SignatureVerificationError,
    TransportError,
    UnexpectedResponseError,
    WrongEventLoopError,
)
from .journal import Journal, MemoryJournal, SQLiteJournal
from .limiters import GCRARateLimiter, RateLimiter, UnlimitedRateLimiter

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .callbacks._postgres_inbox import PostgresInbox
    from .journal._postgres import PostgresJournal
    from .limiters._redis import RedisRateLimiter

# Backends with optional dependencies: imported on first access, so that
# ``import pandapon_async`` never imports asyncpg or redis.
_LAZY_EXPORTS = {
    "PostgresInbox": ".callbacks._postgres_inbox",
    "PostgresJournal": ".journal._postgres",
    "RedisRateLimiter": ".limiters._redis",
}


def __getattr__(name: str) -> Any:
    module = _LAZY_EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


configure_logging_from_env()  # PANDAPON_LOG=debug|info|warning|error: logging without code

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
    "ChunkTiming",
    "ClientClosedError",
    "ConnectError",
    "Credentials",
    "GCRARateLimiter",
    "GroupSigner",
    "Journal",
    "JournalUnavailableError",
    "MD5Signer",
    "MemoryJournal",
    "NotFoundError",
    "Outcome",
    "OutcomeUnknownError",
    "PandaPonClient",
    "PandaPonError",
    "PostgresInbox",
    "PostgresJournal",
    "Progress",
    "QuerySignatureSigner",
    "RateLimitError",
    "RateLimiter",
    "RateLimiterUnavailableError",
    "RawResponse",
    "RedisRateLimiter",
    "RequestEvent",
    "RequestSigner",
    "ResponseDecodeError",
    "ResponseEvent",
    "RetryPolicy",
    "SQLiteInbox",
    "SQLiteJournal",
    "ServerError",
    "SignatureVerificationError",
    "SignedAttempt",
    "Signer",
    "TransportError",
    "UnexpectedResponseError",
    "UnlimitedRateLimiter",
    "WrongEventLoopError",
    "__version__",
    "compute_callback_signature",
    "compute_signature",
    "configure_logging",
    "logistics_query_signer",
    "record_chunk_timings",
    "with_raw_response",
]
