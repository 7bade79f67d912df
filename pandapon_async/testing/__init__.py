"""Test helpers: the FakePandaPon server, the pytest plugin and aioresponses helpers."""

from __future__ import annotations

from ._clock import FakeClock
from ._controls import AlibabaControls, TaobaoControls
from ._fake import DEFAULT_FAKE_CREDENTIALS, FakePandaPon
from ._faults import FAULT_KINDS, Faults
from ._mock import make_envelope, mock_endpoint
from ._records import CallbackDelivery, LoggedRequest
from ._serve import serve

__all__ = [
    "DEFAULT_FAKE_CREDENTIALS",
    "FAULT_KINDS",
    "AlibabaControls",
    "CallbackDelivery",
    "FakeClock",
    "FakePandaPon",
    "Faults",
    "LoggedRequest",
    "TaobaoControls",
    "make_envelope",
    "mock_endpoint",
    "serve",
]
