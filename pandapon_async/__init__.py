"""pandapon-async: an asyncio client for the PandaPon OpenAPI."""

from __future__ import annotations

from ._client import DEFAULT_BASE_URL, PandaPonClient
from ._credentials import Credentials
from ._retry import RetryPolicy
from ._signing import MD5Signer, Signer, compute_callback_signature, compute_signature
from ._throttle import GCRARateLimiter, RateLimiter
from ._transport import CallOptions, RequestEvent, ResponseEvent
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

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "AuthenticationError",
    "BusinessError",
    "CallOptions",
    "ClientClosedError",
    "ConnectError",
    "Credentials",
    "GCRARateLimiter",
    "MD5Signer",
    "NotFoundError",
    "OutcomeUnknownError",
    "PandaPonClient",
    "PandaPonError",
    "RateLimitError",
    "RateLimiter",
    "RequestEvent",
    "ResponseEvent",
    "RetryPolicy",
    "ServerError",
    "SignatureVerificationError",
    "Signer",
    "TransportError",
    "__version__",
    "compute_callback_signature",
    "compute_signature",
]
