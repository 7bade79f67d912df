"""Make aioresponses work with aiohttp 3.14+, whose ClientResponse needs ``stream_writer``.

aioresponses 0.7.9 (the newest release) builds ``ClientResponse`` without that argument
(pnuckowski/aioresponses#289). Until a release fixes it, the response class it builds is
swapped for a subclass that supplies a stand-in writer. Idempotent; a no-op on older aiohttp.
"""

from __future__ import annotations

import inspect
from typing import Any

from aiohttp import ClientResponse

__all__ = ["ensure_aioresponses_compatible"]


class _NoOutputWriter:
    output_size = 0


class _CompatClientResponse(ClientResponse):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NoOutputWriter())
        super().__init__(*args, **kwargs)


def ensure_aioresponses_compatible() -> None:
    """Patch ``aioresponses.core`` once, if this aiohttp needs it."""
    import aioresponses.core as core

    if "stream_writer" not in inspect.signature(ClientResponse.__init__).parameters:
        return
    if getattr(core, "ClientResponse", None) is ClientResponse:
        setattr(core, "ClientResponse", _CompatClientResponse)  # noqa: B010
