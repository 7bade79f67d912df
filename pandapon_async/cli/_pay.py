"""``pandapon pay``: bulk payment of 1688 orders, resumable with a journal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence

from .._client import PandaPonClient
from ..bulk import BulkPayReport
from ..bulk._common import DEFAULT_RESUBMIT_GRACE
from ._config import ENV_JOURNAL, make_client, redis_limiter
from ._exit_codes import EXIT_USAGE, CLIError, report_exit_code
from ._observe import print_chunk_timings, trace_chunks
from ._output import PROG, err, out, silence_stdout, write_json_file
from ._progress import ProgressDisplay
from ._report import count, print_report_summary, progress_callback, progress_display


def read_ids(source: str) -> list[str]:
    try:
        if source == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(source, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
    except OSError as exc:
        raise CLIError(f"cannot read {source}: {exc.strerror or exc}", EXIT_USAGE) from exc
    ids = [line.strip() for line in lines]
    return [order_id for order_id in ids if order_id and not order_id.startswith("#")]


async def run_pay(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    order_ids = read_ids(args.ids_file)
    if not order_ids:
        raise CLIError("no order ids given (one per line, in FILE or on stdin)", EXIT_USAGE)
    if args.journal is None and environ.get(ENV_JOURNAL, "").strip():
        args.journal = environ[ENV_JOURNAL].strip()
    if args.journal is None:
        err().write(f"{PROG}: warning: no --journal: an interrupted run cannot be resumed "
                     "safely\n")
    limiter = redis_limiter(args, environ)
    client = make_client(args, environ, rate_limit=args.rate, rate_burst=args.burst,
                         max_concurrency=max(16, args.concurrency), rate_limiter=limiter)
    display = progress_display(args, "paying")
    try:
        with trace_chunks(args.trace) as chunk_timings:  # [telemetry hook] pay --trace
            async with client:
                report = await submit_to_pay(client, order_ids, args.chunk_size,
                                              args.concurrency, args.journal, display,
                                              args.resubmit_grace)
    finally:
        if limiter is not None:
            await limiter.aclose()
    exit_code = report_exit_code(report)
    # The run is over and its journal complete: a closed output pipe only loses the summary,
    # so it does not change the exit code, which says what happened to the orders.
    try:
        summary_stream = err() if args.report_json == "-" else out()
        summary_stream.write(f"{count(len(order_ids), 'order id')} read\n")
        print_report_summary(report, summary_stream)
        if args.trace:  # [telemetry hook]
            print_chunk_timings(chunk_timings, summary_stream)
        if args.report_json is not None:
            write_json_file(report.to_dict(), args.report_json)
    except BrokenPipeError:
        silence_stdout()
    return exit_code


async def submit_to_pay(
    client: PandaPonClient,
    order_ids: Sequence[str],
    chunk_size: int,
    concurrency: int,
    journal: str | None,
    display: ProgressDisplay,
    resubmit_grace: float = DEFAULT_RESUBMIT_GRACE,
) -> BulkPayReport:
    try:
        return await client.bulk.submit_to_pay(
            order_ids,
            chunk_size=chunk_size,
            concurrency=concurrency,
            journal=journal,
            on_progress=progress_callback(display),
            resubmit_grace=resubmit_grace,
        )
    except ValueError as exc:  # a malformed order id, named in the message; nothing was sent
        display.discard()
        raise CLIError(f"invalid input: {exc}", EXIT_USAGE) from exc
    finally:
        display.finish()
