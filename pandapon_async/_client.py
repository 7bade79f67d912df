"""PandaPonClient: owns configuration, the transport, the namespaces and the bulk helpers."""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import aiohttp
import attrs

from . import _json
from ._credentials import Credentials
from ._endpoint import registered_endpoint
from ._observability import client_telemetry
from ._retry import RetryPolicy
from ._signing import TIMESTAMP_UNITS, MD5Signer, Signer, TimestampUnit
from ._transport import CallOptions, RequestHook, ResponseHook, Transport, encode_json
from .limiters import GCRARateLimiter, RateLimiter, UnlimitedRateLimiter

if TYPE_CHECKING:
    from .bulk import BulkNamespace
    from .resources import (
        AlibabaNamespace,
        FoundationNamespace,
        LogisticsNamespace,
        TaobaoNamespace,
    )

__all__ = ["DEFAULT_BASE_URL", "PandaPonClient"]

DEFAULT_BASE_URL = "https://api.pandapon.com"
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_RATE_BURST = 1
DEFAULT_MAX_CONCURRENCY = 16
DEFAULT_MAX_RETRIES = 3
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
ENV_BASE_URL = "PANDAPON_BASE_URL"
_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})
_UNSET: Any = object()


def _check_base_url(base_url: str) -> str:
    if not isinstance(base_url, str):
        raise ValueError(f"base_url must be a string, got {type(base_url).__name__}")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {base_url!r}")
    return base_url.rstrip("/")


def _check_positive(name: str, value: float | None, *, integer: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if integer and not isinstance(value, int):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _make_timeout(
    timeout: float | aiohttp.ClientTimeout, connect_timeout: float | None
) -> aiohttp.ClientTimeout:
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    _check_positive("timeout", timeout)
    _check_positive("connect_timeout", connect_timeout)
    return aiohttp.ClientTimeout(total=timeout, connect=connect_timeout)


class PandaPonClient:
    """Asyncio client for the PandaPon OpenAPI.

    Use it as an async context manager (or call :meth:`aclose`). One pooled aiohttp session
    serves every call for the client's life; a ``session`` passed in is used and left open.
    Every call goes through one client-wide rate limiter and concurrency cap, and is signed
    afresh on each attempt. See the README's configuration table for every option.
    """

    taobao: TaobaoNamespace
    alibaba: AlibabaNamespace
    foundation: FoundationNamespace
    logistics: LogisticsNamespace
    bulk: BulkNamespace

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        base_url: str | None = None,
        rate_limit: float | None = DEFAULT_RATE_LIMIT,
        rate_burst: int = DEFAULT_RATE_BURST,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float | aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        timestamp_unit: TimestampUnit = "s",
        signer: Signer | None = None,
        rate_limiter: RateLimiter | None = None,
        session: aiohttp.ClientSession | None = None,
        request_hooks: Sequence[RequestHook] = (),
        response_hooks: Sequence[ResponseHook] = (),
        retry_backoff: float = 0.25,
        retry_backoff_max: float = 10.0,
        retry_after_cap: float = 60.0,
        telemetry: bool | None = None,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        adaptive_rate_limit: bool = True,
    ) -> None:
        # No arguments means "from the environment", base URL included, so that a client
        # configured for staging never reaches production by omission.
        if credentials is None:
            credentials = Credentials.from_env()
        if base_url is None:
            base_url = os.environ.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL
        if not isinstance(credentials, Credentials):
            raise ValueError(
                f"credentials must be a Credentials instance, got {type(credentials).__name__}"
            )
        self._base_url = _check_base_url(base_url)
        _check_positive("rate_limit", rate_limit)
        _check_positive("rate_burst", rate_burst, integer=True)
        _check_positive("max_concurrency", max_concurrency, integer=True)
        if timestamp_unit not in TIMESTAMP_UNITS:
            raise ValueError(f"timestamp_unit must be 's' or 'ms', got {timestamp_unit!r}")
        if signer is not None and not isinstance(signer, Signer):
            raise ValueError("signer must have a sign(credentials) -> dict[str, str] method")
        if rate_limiter is not None and not isinstance(rate_limiter, RateLimiter):
            raise ValueError("rate_limiter must have acquire() and pause(seconds) methods")
        if not isinstance(adaptive_rate_limit, bool):
            raise ValueError(
                f"adaptive_rate_limit must be True or False, got {adaptive_rate_limit!r}")
        for name, value in (("retry_backoff", retry_backoff),
                            ("retry_backoff_max", retry_backoff_max),
                            ("retry_after_cap", retry_after_cap)):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        retry = RetryPolicy(
            max_retries=max_retries,
            backoff_base=retry_backoff,
            backoff_max=retry_backoff_max,
            retry_after_cap=retry_after_cap,
        )
        self._is_view = False
        self._closing: asyncio.Future[None] | None = None
        self._credentials = credentials
        self._options = CallOptions(_make_timeout(timeout, connect_timeout), retry)
        if rate_limiter is None:
            rate_limiter = (
                UnlimitedRateLimiter(adaptive=adaptive_rate_limit)
                if rate_limit is None
                else GCRARateLimiter(rate_limit, rate_burst, adaptive=adaptive_rate_limit)
            )
        # [telemetry hook] OpenTelemetry spans and metrics (None: off; see _telemetry)
        self._telemetry = client_telemetry(telemetry, tracer_provider, meter_provider,
                                           self._base_url)
        use_access_key = getattr(rate_limiter, "use_access_key", None)
        if callable(use_access_key):
            # A shared limiter (RedisRateLimiter) keys its budget by account unless told.
            use_access_key(credentials.access_key)
        self._transport = Transport(
            credentials=credentials,
            base_url=self._base_url,
            signer=signer if signer is not None else MD5Signer(timestamp_unit),
            rate_limiter=rate_limiter,
            max_concurrency=max_concurrency,
            session=session,
            request_hooks=request_hooks,
            response_hooks=response_hooks,
            telemetry=self._telemetry,
        )
        self._bind_namespaces()

    def _bind_namespaces(self) -> None:
        """Attach the per-area namespaces; called again for every ``with_options`` view."""
        from .bulk import BulkNamespace
        from .resources import bind_namespaces

        bind_namespaces(self)
        self.bulk = BulkNamespace(self)

    @classmethod
    def from_env(cls, **kwargs: Any) -> Self:
        """Credentials from ``PANDAPON_*`` and the base URL from ``PANDAPON_BASE_URL``, if set."""
        base_url = os.environ.get(ENV_BASE_URL, "").strip()
        if base_url and "base_url" not in kwargs:
            kwargs["base_url"] = base_url
        return cls(Credentials.from_env(), **kwargs)

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def closed(self) -> bool:
        return self._transport.closed

    @property
    def max_concurrency(self) -> int:
        """Requests in flight at once, client-wide (the cap every call shares)."""
        return self._transport.max_concurrency

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._transport.rate_limiter

    @property
    def options(self) -> CallOptions:
        return self._options

    def with_options(
        self,
        *,
        timeout: float | aiohttp.ClientTimeout = _UNSET,
        connect_timeout: float | None = _UNSET,
        max_retries: int = _UNSET,
    ) -> Self:
        """A view of this client with other per-call settings; it shares session and limits.

        Closing the original closes the view too; closing the view does nothing.
        """
        options = self._options
        if timeout is not _UNSET or connect_timeout is not _UNSET:
            current = options.timeout
            options = attrs.evolve(
                options,
                timeout=_make_timeout(
                    (current.total or DEFAULT_TIMEOUT) if timeout is _UNSET else timeout,
                    current.connect if connect_timeout is _UNSET else connect_timeout,
                ),
            )
        if max_retries is not _UNSET:
            options = attrs.evolve(options, retry=attrs.evolve(options.retry,
                                                               max_retries=max_retries))
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._options = options
        view._is_view = True
        view._bind_namespaces()
        return view

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Signed call to any path; returns the envelope's ``data``.

        A call that is not idempotent is retried only when it provably never reached the
        platform. For a method and path the endpoint registry declares (``resources``), the
        registry decides: a declared non-idempotent endpoint (``GET /alibaba/order/pay/url``
        can pay) is never resent, whatever ``idempotent`` says; ``idempotent=False`` is always
        honoured. For other paths ``idempotent`` defaults to ``True`` for GET and ``False``
        otherwise.
        """
        method = method.upper() if isinstance(method, str) else method
        if method not in _METHODS:
            raise ValueError(f"method must be one of {sorted(_METHODS)}, got {method!r}")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"path must be a string starting with '/', got {path!r}")
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping of names to values, "
                            f"got {type(params).__name__}")
        # Checked and encoded in one pass (the check used to encode it a first time).
        body = None if json is None else _json.dumps_checked(json)
        declared = registered_endpoint(method, path)
        if declared is not None:
            # Rule 1, whichever entry point sends it: the registry's "not idempotent" wins.
            idempotent = declared.idempotent and idempotent is not False
        elif idempotent is None:
            idempotent = method == "GET"
        data, _ = await self._transport.request(
            method, path, f"{method} {path}", body, params, idempotent, self._options
        )
        return data

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool,
        check_business: bool = True,
    ) -> Any:
        """A signed call without argument checks, returning ``data`` (typed resources go
        through ``Endpoint.call``; ``check_business=False`` returns a 1688 ``success: false``
        instead of raising)."""
        data, _ = await self._transport.request(
            method, path, f"{method} {path}", None if json is None else encode_json(json),
            params, idempotent, self._options, check_business,
        )
        return data

    def _check_loop(self) -> None:
        """A client belongs to the event loop it first ran in (``WrongEventLoopError``)."""
        self._transport.check_loop()

    async def __aenter__(self) -> Self:
        self._check_loop()
        await self._transport.open()
        return self

    def __enter__(self) -> None:
        raise TypeError(
            "PandaPonClient is an async context manager: use `async with "
            "PandaPonClient(...) as client:` (or call `await client.aclose()`), not `with`"
        )

    def __exit__(self, *exc_info: object) -> None:  # pragma: no cover - __enter__ raises
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel calls in flight (they raise ``ClientClosedError`` or, for a request that may
        have been sent and is not idempotent, ``OutcomeUnknownError``) and close the session."""
        if getattr(self, "_is_view", False):
            return
        # Closing runs in a task of its own and is shielded: if the caller is cancelled (a
        # cancel scope expiring around `async with client`, a service shutting down), the
        # close still completes, and a second aclose() waits for that same close.
        closing = self._closing
        if closing is None:
            closing = self._closing = asyncio.ensure_future(self._transport.aclose())
        await asyncio.shield(closing)

    def __del__(self, _warn: Any = warnings.warn) -> None:
        transport = self.__dict__.get("_transport")
        if self.__dict__.get("_is_view", True) or transport is None:
            return
        session = transport._session
        if transport._owns_session and session is not None and not session.closed and (
                self.__dict__.get("_closing") is None):
            _warn(
                "PandaPonClient was not closed: use `async with PandaPonClient(...) as "
                "client:` or call `await client.aclose()` when done",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        return f"PandaPonClient(base_url={self._base_url!r}, credentials={self._credentials!r})"

