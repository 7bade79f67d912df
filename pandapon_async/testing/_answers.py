"""How the fake answers on the wire: envelopes with request ids, gateway pages, dropped
connections."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

__all__ = ["DEVELOP_ID", "FAULT_MESSAGES", "JSON_HEADERS", "JSON_OK", "EnvelopeWriter",
           "drop_connection", "encode", "html_page"]

DEVELOP_ID = "1014533973088404335"
JSON_HEADERS = {"Content-Type": "application/json"}
JSON_OK = 200
_HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}
_HTML_REASONS = {
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}
FAULT_MESSAGES = {
    429: "请求过于频繁 (too many requests)",
    500: "系统繁忙 (internal server error)",
    502: "Bad Gateway",
    503: "服务不可用 (service unavailable)",
    504: "Gateway Timeout",
}

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(payload: Mapping[str, Any]) -> bytes:
    return _ENCODER.encode(payload).encode()


class EnvelopeWriter:
    """The platform's envelopes, each with a fresh ``requestId`` derived from the seed."""

    def __init__(self, seed: int) -> None:
        self._request_counter = 0
        self._request_prefix = f"{seed & 0xFFFFFFFF:08x}"

    def next_request_id(self) -> str:
        self._request_counter += 1
        return f"{self._request_prefix}{self._request_counter:024x}"

    def envelope(self, code: int, msg: str, data: Any = None) -> bytes:
        return encode({"requestId": self.next_request_id(), "code": code,
                       "developId": DEVELOP_ID if code == 200 else None, "msg": msg,
                       "data": data})


def html_page(status: int) -> web.Response:
    # What nginx or a cloud load balancer answers in front of the platform.
    title = f"{status} {_HTML_REASONS.get(status, 'Error')}"
    page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n")
    return web.Response(body=page.encode(), status=status, headers=_HTML_HEADERS)


def drop_connection(request: web.BaseRequest) -> web.StreamResponse:
    # Close the connection without a response. aiohttp then fails to write the dummy
    # response below with a ConnectionError, which it treats as the client having gone:
    # no traceback is logged and the connection is not reused.
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)
