"""pandapon-async: an asyncio client for the PandaPon OpenAPI."""

from __future__ import annotations

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
