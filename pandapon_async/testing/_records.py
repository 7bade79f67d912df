"""What the fake remembers for assertions: requests it received, callbacks it delivered."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

__all__ = ["CallbackDelivery", "LoggedRequest"]


@attrs.frozen(slots=True)
class LoggedRequest:
    """One request as the fake received it, and what the fake did with it.

    ``time`` is ``time.monotonic()`` at arrival. ``status`` is the HTTP status sent, ``None``
    when the connection was dropped without an answer. ``outcome`` is one of ``"ok"``,
    ``"error"`` (bad request or a refused state change), ``"not_found"``, ``"auth_failed"``,
    ``"rate_limited"`` or ``"fault:<kind>"`` for any kind of
    :data:`~pandapon_async.testing._faults.FAULT_KINDS` that fired (``error``,
    ``rate_limit``, ``drop``, ``html``, ``stall``, ``processed_then_drop``, ``timeout``,
    ``processed_then_truncate``, ``processed_then_no_code``, ``processed_then_html``,
    ``processed_then_bad_data``). For the faults that process the request first, ``code``
    and ``msg`` are those of the processing, ``status`` what was actually sent; ``html``
    pages carry no ``code``. ``headers`` are kept as sent (the signature too: it is a test
    tool); the secret is never sent, so never logged.
    """

    time: float
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    status: int | None
    outcome: str
    code: int | None = None
    msg: str | None = None
    note: str | None = None
    """Why this request deserves a second look (e.g. it hit a path inferred, not documented)."""


@attrs.frozen(slots=True)
class CallbackDelivery:
    """One delivery attempt of a callback message.

    ``status`` is the receiver's HTTP status, ``None`` when it could not be reached or did not
    answer within the callback timeout. ``attempt`` counts from 1 (the first push).
    """

    time: float
    url: str
    message_type: str
    attempt: int
    status: int | None
    body: bytes
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status == 200
