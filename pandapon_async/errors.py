"""The exception hierarchy of pandapon-async.

Every exception the library raises on purpose derives from :class:`PandaPonError`.
Messages name the endpoint (``METHOD /path``) and, where the platform sent one, the request
id. No exception ever carries the access secret or a signature.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "APIError",
    "AuthenticationError",
    "BusinessError",
    "ClientClosedError",
    "ConnectError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PandaPonError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "ServerError",
    "SignatureVerificationError",
    "TransportError",
    "WrongEventLoopError",
]


class PandaPonError(Exception):
    """Base class of every error raised by pandapon-async."""


class APIError(PandaPonError):
    """The platform answered, and the answer is a failure.

    ``code`` is the envelope's ``code`` (``None`` when the body was not an envelope),
    ``msg`` its message, ``request_id`` the platform's ``requestId`` and ``http_status``
    the HTTP status of the response. ``endpoint`` is ``"METHOD /path"``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        msg: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        endpoint: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.msg = msg
        self.request_id = request_id
        self.http_status = http_status
        self.endpoint = endpoint
        self.body = body


class AuthenticationError(APIError):
    """Credentials or signature refused (HTTP 401/403 or an authentication code)."""


class NotFoundError(APIError):
    """The thing asked for does not exist (HTTP 404 or envelope code 404)."""


class RateLimitError(APIError):
    """The platform throttled the call (HTTP 429). ``retry_after`` is in seconds, if given."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """The platform failed on its side (HTTP 5xx or an envelope code of 500 or more)."""


class BusinessError(PandaPonError):
    """A 1688 pass-through result failed inside a successful envelope (``success == false``)."""

    def __init__(
        self,
        message: str,
        *,
        error_code: str | None = None,
        error_message: str | None = None,
        request_id: str | None = None,
        endpoint: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.error_message = error_message
        self.request_id = request_id
        self.endpoint = endpoint
        self.data = data


class TransportError(PandaPonError):
    """The call did not get a usable answer from the platform."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint


class ConnectError(TransportError):
    """The request never reached the platform (DNS, refused connection, connect timeout).

    Safe to retry, even for payments: the platform cannot have acted on it.
    """


class OutcomeUnknownError(TransportError):
    """The request was sent but no answer was established (timeout, dropped connection, 5xx).

    The platform may have acted on it. Never resend a non-idempotent request on this error
    without first reading the state it would change.
    """


class ClientClosedError(PandaPonError, RuntimeError):
    """The client is closed, or was closed while this call was waiting to be sent."""


class SignatureVerificationError(PandaPonError):
    """A callback message's ``Authorization`` signature is missing or does not match."""


class WrongEventLoopError(PandaPonError, RuntimeError):
    """A client was used in an event loop other than the one it first ran in (nothing was
    sent): a client's connection pool and limits belong to one loop; create one per loop."""


class RateLimiterUnavailableError(ConnectError):
    """The shared rate limiter (e.g. its Redis server) could not be reached, so the request
    was not sent: a limiter that cannot count never lets a request through unthrottled."""
