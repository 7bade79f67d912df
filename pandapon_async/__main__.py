"""``python -m pandapon_async``: the ``pandapon`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
