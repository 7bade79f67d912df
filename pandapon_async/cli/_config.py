"""The client a command talks through: credentials, base URL and rate limiter from options
and the environment."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from .._client import DEFAULT_BASE_URL, PandaPonClient
from .._credentials import ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_USER_ID, Credentials
from ._exit_codes import EXIT_CONFIG, EXIT_USAGE, CLIError

ENV_BASE_URL = "PANDAPON_BASE_URL"
ENV_REDIS_URL = "PANDAPON_REDIS_URL"
ENV_JOURNAL = "PANDAPON_JOURNAL"


def resolve_credentials(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> Credentials:
    """Options first, then ``PANDAPON_*``; every missing piece named in one message."""
    sources = (
        ("access_key", "--access-key", ENV_ACCESS_KEY),
        ("access_secret", "--access-secret", ENV_ACCESS_SECRET),
        ("user_id", "--user-id", ENV_USER_ID),
    )
    values: dict[str, str] = {}
    missing: list[str] = []
    for attr, option, env_name in sources:
        value = getattr(args, attr, None) or environ.get(env_name, "")
        if not value.strip():
            missing.append(f"{env_name} (or {option})")
        values[attr] = value.strip()
    if missing:
        raise CLIError(
            "missing credentials: set " + ", ".join(missing)
            + "; to try the command without an account, run `pandapon fake-server`",
            EXIT_CONFIG,
        )
    return Credentials(values["access_key"], values["access_secret"], values["user_id"])


def resolve_base_url(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    return (getattr(args, "base_url", None) or environ.get(ENV_BASE_URL, "").strip()
            or DEFAULT_BASE_URL)


def make_client(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    *,
    rate_limit: float | None = 10.0,
    rate_burst: int = 1,
    max_concurrency: int = 16,
    rate_limiter: Any = None,
) -> PandaPonClient:
    credentials = resolve_credentials(args, environ)
    base_url = resolve_base_url(args, environ)
    if args.max_retries < 0:
        raise CLIError(f"--max-retries must be >= 0, got {args.max_retries}", EXIT_USAGE)
    try:
        return PandaPonClient(
            credentials,
            base_url=base_url,
            rate_limit=rate_limit,
            rate_burst=rate_burst,
            max_concurrency=max_concurrency,
            max_retries=args.max_retries,
            timeout=args.timeout,
            rate_limiter=rate_limiter,
        )
    except ValueError as exc:
        raise CLIError(f"invalid configuration: {exc}", EXIT_CONFIG) from exc


def redis_limiter(args: argparse.Namespace, environ: Mapping[str, str]) -> Any:
    """A RedisRateLimiter for ``--redis`` / ``PANDAPON_REDIS_URL``, or ``None``."""
    url = args.redis or environ.get(ENV_REDIS_URL, "").strip()
    if not url:
        return None
    if args.rate is None:
        raise CLIError("--redis needs a rate: give --rate (the account's total, shared by "
                       "every process)", EXIT_USAGE)
    try:
        from ..limiters import RedisRateLimiter

        return RedisRateLimiter(url, rate=args.rate, burst=args.burst)
    except ImportError as exc:
        raise CLIError(str(exc), EXIT_CONFIG) from exc
    except ValueError as exc:
        raise CLIError(f"invalid --redis: {exc}", EXIT_CONFIG) from exc
