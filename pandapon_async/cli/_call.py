"""``pandapon call``: one signed request to any path."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ._config import make_client
from ._exit_codes import EXIT_OK, EXIT_USAGE, CLIError
from ._output import dump_json, out


async def run_call(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    if not args.path.startswith("/"):
        raise CLIError(f"PATH must start with '/', got {args.path!r}", EXIT_USAGE)
    body = _parse_json_body(args.body) if args.body is not None else None
    params = _parse_query(args.query) or None
    async with make_client(args, environ, rate_limit=None) as client:
        data = await client.call(args.method, args.path, json=body, params=params,
                                 idempotent=True if args.idempotent else None)
    dump_json(data, out())
    return EXIT_OK


def _parse_json_body(text: str) -> Any:
    source = "--json"
    if text == "-":
        text, source = sys.stdin.read(), "stdin"
    elif text.startswith("@"):
        path = text[1:]
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise CLIError(f"cannot read {path}: {exc.strerror or exc}", EXIT_USAGE) from exc
        source = path
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CLIError(f"{source} is not valid JSON: {exc}", EXIT_USAGE) from exc


def _parse_query(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CLIError(f"--query expects KEY=VALUE, got {pair!r}", EXIT_USAGE)
        params[key] = value
    return params
