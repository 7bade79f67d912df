"""Stub one endpoint with aioresponses, answering a proper PandaPon envelope."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["make_envelope", "mock_endpoint"]

_SUCCESS_MSG = "成功"


def make_envelope(
    data: Any = None,
    *,
    code: int = 200,
    msg: str | None = None,
    request_id: str = "0123456789abcdef0123456789abcdef",
) -> dict[str, Any]:
    """The platform's envelope ``{requestId, code, developId, msg, data}``."""
    return {
        "requestId": request_id,
        "code": code,
        "developId": "1014533973088404335" if code == 200 else None,
        "msg": msg if msg is not None else (_SUCCESS_MSG if code == 200 else "error"),
        "data": data,
    }


def mock_endpoint(
    mocked: Any,
    method: str,
    path: str,
    *,
    data: Any = None,
    code: int = 200,
    msg: str | None = None,
    status: int | None = None,
    headers: dict[str, str] | None = None,
    base_url: str = "https://api.pandapon.com",
    repeat: bool = False,
) -> None:
    """Make ``mocked`` (an ``aioresponses()`` instance) answer ``METHOD base_url+path`` with
    an envelope carrying ``data`` (or error ``code``/``msg``).

    Any query string matches. ``status`` defaults to 200 for ``code == 200`` and to ``code``
    otherwise, which is how the fake and the platform's gateway answer errors.
    """
    from ._aioresponses_compat import ensure_aioresponses_compatible

    ensure_aioresponses_compatible()
    http_status = status if status is not None else (200 if code == 200 else code)
    url = re.compile(re.escape(base_url.rstrip("/") + path) + r"(\?.*)?$")
    mocked.add(
        url,
        method=method.upper(),
        status=http_status,
        payload=make_envelope(data, code=code, msg=msg),
        headers=headers,
        repeat=repeat,
    )
