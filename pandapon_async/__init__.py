"""pandapon-async: an asyncio client for the PandaPon OpenAPI."""

from __future__ import annotations

from ._client import DEFAULT_BASE_URL, PandaPonClient
from ._credentials import Credentials
from ._logging import configure_logging, configure_logging_from_env
from ._raw_response import RawResponse, with_raw_response
from ._retry import RetryPolicy
from ._signing import MD5Signer, Signer, compute_callback_signature, compute_signature
from ._telemetry import ChunkTiming, record_chunk_timings
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
    NotFoundError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimitError,
    ServerError,
    SignatureVerificationError,
    TransportError,
)
from .journal import Journal, MemoryJournal, SQLiteJournal

__version__ = "0.1.0"

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
    "Journal",
    "MD5Signer",
    "MemoryJournal",
    "NotFoundError",
    "Outcome",
    "OutcomeUnknownError",
    "PandaPonClient",
    "PandaPonError",
    "Progress",
    "RateLimitError",
    "RateLimiter",
    "RawResponse",
    "RequestEvent",
    "ResponseEvent",
    "RetryPolicy",
    "SQLiteInbox",
    "SQLiteJournal",
    "ServerError",
    "SignatureVerificationError",
    "Signer",
    "TransportError",
    "__version__",
    "compute_callback_signature",
    "compute_signature",
    "configure_logging",
    "record_chunk_timings",
    "with_raw_response",
]
