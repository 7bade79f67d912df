"""Endpoint declarations: one frozen record per platform endpoint, and the registry of them.

Every typed method is a thin wrapper that builds a request model and hands it to its
:class:`Endpoint`, which checks it, encodes it to the wire (JSON body, query string or path),
sends it with the endpoint's idempotency, and decodes ``data`` into the declared response type.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar
from urllib.parse import quote

import attrs

from . import _json
from ._decode_path import describe_type, locate_failure
from .errors import OutcomeUnknownError, ResponseDecodeError
from .models._base import Request, converter, structure_bool
from .models._checks import request_encoder
from .models._decoders import lazy_structure_hook

if TYPE_CHECKING:
    from ._client import PandaPonClient

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "PreparedRequest",
    "endpoint",
    "registered_endpoint",
]

ResponseT = TypeVar("ResponseT")
ParamsIn = Literal["body", "query", "path", "none"]
# "unverified": called by a working public client, but on no documented page.
Status = Literal["stable", "deprecated", "in_development", "unverified"]

_PATH_PARAM = re.compile(r"\{(\w+)\}")
# Structure hooks by response type, looked up once instead of dispatched on every call.
_STRUCTURE_HOOKS: dict[Any, Any] = {}
# Per request class: its check and then its unstructure hook, in one generated function.
_ENCODERS: dict[type, Any] = {}


@attrs.frozen
class PreparedRequest:
    """What goes on the wire for one call (before signing)."""

    method: str
    path: str
    json: Any = None
    params: Mapping[str, Any] | None = None


@attrs.frozen
class Endpoint(Generic[ResponseT]):
    """One platform endpoint as this library calls it.

    ``name`` is the typed method (``"alibaba.orders.get_detail"``); ``request`` the attrs request
    class (``None``: no parameters); ``response`` the type ``data`` decodes into (``None``: the
    answer carries nothing, ``Any``: its schema is not public, the raw ``data`` is returned).
    """

    name: str
    method: Literal["GET", "POST"]
    path: str
    idempotent: bool
    params_in: ParamsIn
    request: type[Request] | None
    response: Any
    status: Status = "stable"
    api_version: Literal["v1", "v2"] = "v1"
    summary: str = ""
    # Derived once at declaration so that no call re-parses the path.
    key: str = attrs.field(
        init=False, default=attrs.Factory(lambda self: f"{self.method} {self.path}",
                                          takes_self=True)
    )
    """``"METHOD /path"``, as in ``endpoints.json`` and error messages."""
    path_params: tuple[str, ...] = attrs.field(
        init=False,
        default=attrs.Factory(lambda self: tuple(_PATH_PARAM.findall(self.path)),
                              takes_self=True),
    )

    def prepare(self, request: Request | None) -> PreparedRequest:
        """Check ``request`` and encode it; ``ValueError`` naming the field, nothing sent."""
        path, json, params = self._wire(request)
        return PreparedRequest(self.method, path, json=json, params=params)

    def _wire(self, request: Request | None
              ) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
        """What :meth:`prepare` returns, as ``(path, json, params)``: what every call uses,
        without building a :class:`PreparedRequest`."""
        request_type = self.request
        if request_type is None:
            if request is not None:
                raise ValueError(f"{self.key} takes no parameters")
            return self.path, None, None
        if not isinstance(request, request_type):
            raise ValueError(
                f"{self.key} expects a {request_type.__name__}, got {type(request).__name__}"
            )
        cls = request.__class__
        encode = _ENCODERS.get(cls)
        if encode is None:
            encode = _ENCODERS[cls] = request_encoder(cls, converter.get_unstructure_hook(cls))
        # ValueError naming the first bad field, nothing sent.
        wire: dict[str, Any] = encode(request)
        path = self.path
        for name in self.path_params:
            value = wire.pop(name, None)
            if value is None or value == "":
                raise ValueError(f"{name} is required (it is part of the path)")
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        if self.params_in == "body":
            return path, wire, None
        return path, None, wire or None

    def decode(self, data: Any) -> ResponseT:
        """Decode the envelope's ``data`` into the declared response type."""
        if self.response is None:
            return None  # type: ignore[return-value]
        if self.response is Any:
            return data  # type: ignore[no-any-return]
        if self.response is bool:
            # ``null`` answers (documented as ``boolean|null``) read as False; otherwise the
            # models' one boolean rule: "false"/"0"/0 are False, anything unknown an error.
            return False if data is None else structure_bool(data, f"{self.key} data")  # type: ignore[return-value]
        hook = _STRUCTURE_HOOKS.get(self.response)
        if hook is None:
            hook = _STRUCTURE_HOOKS[self.response] = lazy_structure_hook(self.response)
        return hook(data, self.response)  # type: ignore[no-any-return]

    async def call(
        self, client: PandaPonClient, request: Request | None, *, stacklevel: int = 3
    ) -> ResponseT:
        """Check, send and decode one call of this endpoint."""
        if self.status == "deprecated":
            warnings.warn(
                f"{self.key} ({self.name}) is marked 'to be deprecated' by the platform",
                DeprecationWarning,
                stacklevel=stacklevel,
            )
        path, json, params = self._wire(request)
        # Straight to the transport: no forwarding coroutine between (each one is walked on
        # every resume of the calling task).
        data, request_id = await client._transport.request(
            self.method,
            path,
            f"{self.method} {path}" if self.path_params else self.key,
            None if json is None else _json.dumps(json),
            params,
            self.idempotent,
            client._options,
        )
        try:
            return self.decode(data)
        except Exception as error:  # whatever the converter raised: the data is not the model
            decode_error = self.decode_error(data, error, request_id)
        if self.idempotent:
            raise decode_error
        # Rule 0: the platform processed the write, but its answer cannot say how.
        raise OutcomeUnknownError(
            f"{self.key}: the answer does not decode, so what the platform did is unknown "
            f"({decode_error})",
            endpoint=self.key,
            reason=f"the answer's data does not decode at {decode_error.field_path}",
            cause=decode_error,
        ) from decode_error

    def decode_error(
        self, data: Any, error: BaseException, request_id: str | None = None
    ) -> ResponseDecodeError:
        """The typed error for ``data`` that failed to decode with ``error``, naming where."""
        field_path, expected, reason = locate_failure(self.response, data)
        expected_name = describe_type(expected)
        decode_error = ResponseDecodeError(
            f"{self.key}: data does not decode into {describe_type(self.response)}: at "
            f"{field_path} expected {expected_name}, {reason} (request_id={request_id})",
            endpoint=self.key,
            request_id=request_id,
            field_path=field_path,
            expected=expected_name,
            reason=reason,
        )
        decode_error.__cause__ = error
        return decode_error


ENDPOINTS: Final[dict[str, Endpoint[Any]]] = {}
"""Every declared endpoint, keyed by ``"METHOD /path"``."""
# Endpoints with a path parameter, matched by pattern; rebuilt when ENDPOINTS grows.
_TEMPLATED: list[tuple[str, re.Pattern[str], Endpoint[Any]]] = []
_TEMPLATED_FROM = [0]


def registered_endpoint(method: str, path: str) -> Endpoint[Any] | None:
    """The declared endpoint a raw ``method`` + ``path`` reaches, if any.

    ``path`` may carry a query string, doubled or trailing slashes, or concrete values for
    path parameters (``/taobao/refund/cancel/123``): matching errs on the side of finding
    the endpoint, since what it declares (not idempotent) protects money.
    """
    found = ENDPOINTS.get(f"{method} {path}")
    if found is not None:
        return found
    path = re.sub(r"/{2,}", "/", path.split("?", 1)[0].split("#", 1)[0])
    if len(path) > 1:
        path = path.rstrip("/")
    found = ENDPOINTS.get(f"{method} {path}")
    if found is not None:
        return found
    if _TEMPLATED_FROM[0] != len(ENDPOINTS):
        _TEMPLATED[:] = [
            (declared.method, re.compile(
                "".join(r"[^/]+" if part.startswith("{") else re.escape(part)
                        for part in re.split(r"(\{\w+\})", declared.path)) + r"\Z"),
             declared)
            for declared in ENDPOINTS.values() if declared.path_params
        ]
        _TEMPLATED_FROM[0] = len(ENDPOINTS)
    for declared_method, pattern, declared in _TEMPLATED:
        if declared_method == method and pattern.match(path):
            return declared
    return None


def endpoint(
    name: str,
    method: Literal["GET", "POST"],
    path: str,
    *,
    idempotent: bool,
    request: type[Request] | None,
    response: Any,
    params_in: ParamsIn | None = None,
    status: Status = "stable",
    summary: str = "",
) -> Endpoint[Any]:
    """Declare an endpoint once and add it to :data:`ENDPOINTS`."""
    if params_in is None:
        if request is None:
            params_in = "none"
        elif _PATH_PARAM.search(path):
            params_in = "path"
        else:
            params_in = "query" if method == "GET" else "body"
    declared: Endpoint[Any] = Endpoint(
        name=name,
        method=method,
        path=path,
        idempotent=idempotent,
        params_in=params_in,
        request=request,
        response=response,
        status=status,
        api_version="v2" if path.startswith("/v2/") else "v1",
        summary=summary,
    )
    if declared.key in ENDPOINTS:
        raise RuntimeError(f"endpoint {declared.key} declared twice")
    ENDPOINTS[declared.key] = declared
    return declared
