"""The fake's foundation routes: the account's addresses."""

from __future__ import annotations

from typing import Any

from .._state import FakeState


def h_address(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    state.add_address(args)
    return None
