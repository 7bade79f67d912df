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
    "JournalUnavailableError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PandaPonError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "ResponseDecodeError",
    "ServerError",
    "SignatureVerificationError",
    "TransportError",
    "UnexpectedResponseError",
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
    """The platform said, in its own envelope, that the thing asked for does not exist
    (envelope code 404). A 404 page from a proxy or gateway is an
    :class:`UnexpectedResponseError`, never this."""


class RateLimitError(APIError):
    """The platform throttled the call (HTTP 429). ``retry_after`` is in seconds, if given."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """The platform failed on its side: an envelope with HTTP 5xx or a code of 500 or more."""


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


def _split_endpoint(endpoint: str | None) -> tuple[str | None, str | None]:
    if endpoint is None or " " not in endpoint:
        return None, endpoint
    method, path = endpoint.split(" ", 1)
    return method, path


class TransportError(PandaPonError):
    """The call did not get a usable answer from the platform.

    ``endpoint`` is ``"METHOD /path"``; ``method`` and ``path`` are its two halves.
    """

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.method, self.path = _split_endpoint(endpoint)


class UnexpectedResponseError(TransportError):
    """An HTTP answer that is not a PandaPon envelope, so it proves nothing about the call.

    A proxy's or gateway's page (HTML or anything else, any status: a 404 here is *not*
    :class:`NotFoundError`), a truncated body, JSON without ``code``. ``http_status`` and
    ``content_type`` are the response's, ``body_excerpt`` the start of its body (text, at
    most 200 bytes), ``retry_after`` the ``Retry-After`` of a 429 page, ``request_id`` a
    ``requestId`` if the body had one. On a call that is not idempotent the library raises
    :class:`OutcomeUnknownError` caused by this instead: the platform may have acted.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        http_status: int | None = None,
        content_type: str | None = None,
        body_excerpt: str = "",
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.http_status = http_status
        self.content_type = content_type
        self.body_excerpt = body_excerpt
        self.request_id = request_id
        self.retry_after = retry_after


class ConnectError(TransportError):
    """The request never reached the platform (DNS, refused connection, connect timeout).

    Safe to retry, even for payments: the platform cannot have acted on it.
    """


class OutcomeUnknownError(TransportError):
    """The request may have reached the platform, and no platform envelope says what it did.

    A timeout or a dropped connection after the request may have been written, a server error,
    or, on a call that is not idempotent, any answer that is not a well-formed envelope
    decoding into its model (:class:`UnexpectedResponseError`, :class:`ResponseDecodeError`).
    The platform may have acted on it. Never resend a non-idempotent request on this error
    without first reading the state it would change.

    ``reason`` says in a few words what was seen; ``cause`` is the specific error (also
    ``__cause__``) or ``None``; ``request_id`` is the platform's, when an envelope carried one.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        reason: str | None = None,
        cause: BaseException | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.reason = reason if reason is not None else message
        self.cause = cause
        self.request_id = request_id if request_id is not None else getattr(
            cause, "request_id", None)


class ResponseDecodeError(PandaPonError):
    """A well-formed envelope whose ``data`` does not decode into the endpoint's model.

    ``endpoint`` is ``"METHOD /path"``, ``request_id`` the platform's, ``field_path`` where
    decoding failed (``data.payFailOrders[2].orderId``; ``data`` when the whole value has the
    wrong shape), ``expected`` the type name expected there and ``reason`` what was wrong. On
    a call that is not idempotent the library raises :class:`OutcomeUnknownError` caused by
    this instead: the platform acted, but the answer cannot say how.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        request_id: str | None = None,
        field_path: str = "data",
        expected: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.request_id = request_id
        self.field_path = field_path
        self.expected = expected
        self.reason = reason


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


class JournalUnavailableError(PandaPonError):
    """The payment journal cannot be reached or used (a shared database that is down, refuses
    the login, or holds a journal written by a newer version). Bulk payment fails closed on
    it: an id is never sent without a claim and an intent recorded in the journal."""
