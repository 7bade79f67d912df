"""``pandapon orders get``: order details as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from ..errors import AuthenticationError, ConnectError
from ._config import make_client
from ._exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CLIError
from ._output import PROG, dump_json, err, out


async def run_orders_get(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..models import unstructure

    async with make_client(args, environ, rate_limit=args.rate,
                           max_concurrency=max(16, args.concurrency)) as client:
        try:
            report = await client.bulk.get_orders(args.order_ids, concurrency=args.concurrency,
                                                  web_site=args.web_site)
        except ValueError as exc:  # a malformed order id; nothing was sent
            raise CLIError(f"invalid input: {exc}", EXIT_USAGE) from exc
    for error in report.errored.values():
        if isinstance(error, AuthenticationError | ConnectError):
            raise error  # the same for every id: one line says it
    # One entry per distinct id, in the order given: the order's details, or its error.
    entries: list[Any] = []
    for order_id in dict.fromkeys(args.order_ids):
        if order_id in report.found:
            entries.append(unstructure(report.found[order_id]))
        elif order_id in report.errored:
            error = report.errored[order_id]
            entries.append({"orderId": order_id, "error": {
                "type": type(error).__name__, "message": str(error)}})
        else:
            entries.append({"orderId": order_id, "error": {
                "type": "NotFoundError", "message": "order not found"}})
    if len(args.order_ids) == 1:
        if args.order_ids[0] in report.found:
            dump_json(entries[0], out())
    else:
        dump_json(entries, out())
    for order_id in report.not_found:
        err().write(f"{PROG}: order {order_id}: not found\n")
    for order_id, error in report.errored.items():
        err().write(f"{PROG}: order {order_id}: {error}\n")
    return EXIT_OK if report.ok else EXIT_FAILED
