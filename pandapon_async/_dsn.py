"""PostgreSQL URLs: recognising one and showing it without its password (no asyncpg here, so
the CLI and bulk payment can tell a URL from a path without importing the driver)."""

from __future__ import annotations

import re
from typing import TypeGuard
from urllib.parse import urlsplit, urlunsplit

__all__ = ["is_postgres_dsn", "redact_dsn"]


def is_postgres_dsn(value: object) -> TypeGuard[str]:
    """Whether ``value`` is a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(value, str) and value.lower().startswith(("postgresql://", "postgres://"))


def redact_dsn(dsn: str) -> str:
    """``dsn`` with its password (in the user part or a ``password=`` parameter) replaced by
    ``***``, for messages, reprs and logs (money rule 4: no secrets in output)."""
    try:
        parts = urlsplit(dsn)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            user = userinfo.split(":", 1)[0]
            netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
        query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "postgresql://(unparsable URL)"
