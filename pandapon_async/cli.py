"""The ``pandapon`` command: demo, fake-server, pay, orders get, call.

Exit codes (a script can act on them):

====  ===========================================================================
0     success
1     the platform refused something: orders failed or errored, an API or business error
2     usage error (bad arguments, unreadable input)
3     outcome unknown: a request may or may not have been acted on (run ``pay`` again
      with the same journal to reconcile)
4     authentication or configuration error (missing or refused credentials, bad base URL)
5     the platform could not be reached (nothing was sent)
130   interrupted (Ctrl-C / SIGTERM)
141   the output pipe was closed (e.g. ``| head``): the command stops quietly, as if
      killed by SIGPIPE (as git does); ``pay`` instead finishes the run, keeping its
      journal complete, and exits with the run's own code
====  ===========================================================================

Errors are one line on stderr; ``--debug`` adds the traceback and the library's debug log.
Progress goes to stderr, results to stdout. The access secret is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from typing import Any, NoReturn, TextIO
from urllib.parse import urlsplit

from . import __version__
from ._bulk_reports import BulkPayReport
from ._cli_observe import LOG_LEVELS, configure_log_level, print_chunk_timings, trace_chunks
from ._cli_progress import ProgressDisplay, resolve_mode
from ._client import DEFAULT_BASE_URL, PandaPonClient
from ._credentials import ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_USER_ID, Credentials
from ._dsn import is_postgres_dsn, redact_dsn
from .errors import (
    APIError,
    AuthenticationError,
    BusinessError,
    ConnectError,
    JournalUnavailableError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimiterUnavailableError,
    TransportError,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3
EXIT_CONFIG = 4
EXIT_UNREACHABLE = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

ENV_BASE_URL = "PANDAPON_BASE_URL"
ENV_REDIS_URL = "PANDAPON_REDIS_URL"
ENV_JOURNAL = "PANDAPON_JOURNAL"
SECRET_OPTION = "--access-secret"
PROG = "pandapon"

# Reasons the platform gives in payFailOrders, with an English gloss for the summary.
KNOWN_REASONS = {
    "账户额度不足": "insufficient account credit",
    "订单状态不允许支付": "order state does not allow payment",
    "订单不存在": "order not found",
}


class CLIError(Exception):
    """A failure to report as one line, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _Interrupted(Exception):
    """SIGTERM arrived; handled like Ctrl-C."""


# --------------------------------------------------------------------------- argument parsing


# Secrets to keep out of every message, usage errors included (argparse echoes arguments).
_SECRETS: list[str] = []


def _secrets_in_argv(argv: Sequence[str]) -> list[str]:
    """The values given to --access-secret (or an abbreviation of it) in ``argv``."""
    found: list[str] = []
    for index, token in enumerate(argv):
        name, sep, value = token.partition("=")
        if len(name) > len("--access-") and SECRET_OPTION.startswith(name):
            if sep:
                found.append(value)
            elif index + 1 < len(argv):
                found.append(argv[index + 1])
    return [secret for secret in found if secret]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, _redact(f"{self.prog}: error: {message} (see {self.prog} "
                                      "--help)\n", _SECRETS))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _rate(text: str) -> float | None:
    if text.lower() in ("none", "unlimited", "0"):
        return None
    return _positive_float(text)


def _common_options(*, for_subcommand: bool) -> _Parser:
    """Options accepted both before and after the subcommand.

    On subcommands every default is SUPPRESS, so a value given before the subcommand is not
    overwritten by the subcommand's default.
    """
    parent = _Parser(add_help=False)
    default: Any = argparse.SUPPRESS if for_subcommand else None
    parent.add_argument("--debug", action="store_true",
                        default=argparse.SUPPRESS if for_subcommand else False,
                        help="show tracebacks and the library's debug log")
    parent.add_argument("--log-level", choices=LOG_LEVELS, default=default,
                        help="the library's log at this level and above on stderr, with its "
                             "request fields (method, path, endpoint, attempt, request_id, "
                             "status, elapsed)")
    parent.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default=default,
                        help="progress display on stderr (default: auto = a bar on a "
                             "terminal, plain lines otherwise)")
    return parent


def _client_options(*, for_subcommand: bool) -> _Parser:
    """Connection options, accepted before and after the subcommand (after wins); on
    subcommands every default is SUPPRESS so a value given before is kept."""
    parent = _Parser(add_help=False, argument_default=argparse.SUPPRESS if for_subcommand
                     else None)
    group = parent.add_argument_group("connection (options override the environment)")
    group.add_argument("--base-url", metavar="URL",
                       help=f"API base URL (env {ENV_BASE_URL}; default {DEFAULT_BASE_URL})")
    group.add_argument("--access-key", metavar="KEY", help=f"access key (env {ENV_ACCESS_KEY})")
    group.add_argument("--access-secret", metavar="SECRET",
                       help=f"access secret (env {ENV_ACCESS_SECRET}; prefer the environment: "
                            "a command line is visible to other users of the machine)")
    group.add_argument("--user-id", metavar="ID", help=f"user id (env {ENV_USER_ID})")
    group.add_argument("--timeout", type=_positive_float,
                       default=argparse.SUPPRESS if for_subcommand else 30.0, metavar="SECONDS",
                       help="total timeout of one request (default 30)")
    group.add_argument("--max-retries", type=int,
                       default=argparse.SUPPRESS if for_subcommand else 3, metavar="N",
                       help="retries of a failed attempt, within the money rules (default 3)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Command-line client for the PandaPon OpenAPI, with a built-in fake.",
        parents=[_common_options(for_subcommand=False), _client_options(for_subcommand=False)],
        epilog="exit codes: 0 ok, 1 failures, 2 usage, 3 outcome unknown, 4 auth/config, "
               "5 unreachable, 130 interrupted. Start with: pandapon demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _common_options(for_subcommand=True)
    connection = _client_options(for_subcommand=True)

    demo = commands.add_parser(
        "demo", parents=[common],
        help="pay a few thousand orders against the built-in fake (no credentials needed)",
        description="Start the built-in fake platform in this process, create unpaid 1688 "
                    "orders, turn on some faults, pay every order in bulk with a live "
                    "progress bar, print the report and check the fake's payment counts: "
                    "no order is ever paid twice. Needs no credentials and no network.",
    )
    demo.add_argument("--orders", type=_positive_int, default=3000, metavar="N",
                      help="number of orders to create and pay (default 3000)")
    demo.add_argument("--chunk-size", type=_positive_int, default=25, metavar="N",
                      help="order ids per batch payment request (default 25)")
    demo.add_argument("--concurrency", type=_positive_int, default=8, metavar="N",
                      help="batch requests in flight (default 8)")
    demo.add_argument("--rate", type=_rate, default=100.0, metavar="REQ_PER_S",
                      help="client rate limit in requests per second, or 'none' (default 100)")
    demo.add_argument("--error-rate", type=_fraction, default=0.03, metavar="P",
                      help="share of payment requests the fake answers with HTTP 500 "
                           "(default 0.03)")
    demo.add_argument("--drop-rate", type=_fraction, default=0.02, metavar="P",
                      help="share of payment requests the fake processes and then drops the "
                           "connection without answering (default 0.02)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the fake's faults")
    demo.add_argument("--journal", metavar="PATH",
                      help="SQLite journal file (default: a temporary file)")
    demo.add_argument("--report-json", metavar="FILE",
                      help="also write the report as JSON to FILE ('-' for stdout)")
    demo.set_defaults(handler=_cmd_demo)

    fake = commands.add_parser(
        "fake-server", parents=[common],
        help="run the fake platform on a local port until Ctrl-C",
        description="Serve the fake PandaPon platform (signature checks, order state, "
                    "payments) so that this command, your code or your tests can talk to it. "
                    "Prints its URL and the test credentials it accepts.",
    )
    fake.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    fake.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 = any free)")
    fake.add_argument("--seed", type=int, default=0, help="seed of ids and faults")
    fake.add_argument("--create-orders", type=int, default=0, metavar="N",
                      help="create N unpaid 1688 orders at start")
    fake.add_argument("--ids-file", metavar="FILE",
                      help="write the created order ids to FILE, one per line")
    fake.add_argument("--credit-limit-fen", type=int, default=None, metavar="FEN",
                      help="payments beyond this total fail with 账户额度不足")
    fake.set_defaults(handler=_cmd_fake_server)

    pay = commands.add_parser(
        "pay", parents=[common, connection],
        help="pay 1688 orders in bulk (ids from a file or stdin), resumable with --journal",
        description="Submit 1688 orders for payment in chunks, reconciling unknown outcomes by "
                    "reading order state, never paying an order twice. With --journal the "
                    "intent and outcome of every chunk is recorded: run the same command "
                    "again after a crash or Ctrl-C and it resumes without paying twice.",
    )
    pay.add_argument("ids_file", nargs="?", default="-", metavar="FILE",
                     help="file of order ids, one per line ('-' or absent: stdin); blank "
                          "lines and lines starting with # are ignored")
    pay.add_argument("--journal", metavar="PATH_OR_DSN",
                     help=f"journal: a SQLite file, or a postgresql:// DSN shared by workers "
                          f"on several hosts (env {ENV_JOURNAL}); strongly recommended "
                          "(resume after interruption)")
    pay.add_argument("--redis", metavar="URL",
                     help=f"share the rate limit through Redis (redis://...) with every "
                          f"process of this account (env {ENV_REDIS_URL}); --rate and "
                          "--burst are then the account's total")
    pay.add_argument("--chunk-size", type=_positive_int, default=50, metavar="N",
                     help="order ids per batch payment request (default 50)")
    pay.add_argument("--concurrency", type=_positive_int, default=4, metavar="N",
                     help="batch requests in flight (default 4)")
    pay.add_argument("--rate", type=_rate, default=10.0, metavar="REQ_PER_S",
                     help="client rate limit in requests per second, or 'none' (default 10)")
    pay.add_argument("--burst", type=_positive_int, default=1, metavar="N",
                     help="requests allowed at once by the rate limiter (default 1)")
    pay.add_argument("--report-json", metavar="FILE",
                     help="write the report as JSON to FILE ('-' for stdout)")
    pay.add_argument("--trace", action="store_true",
                     help="print a per-chunk timing summary at the end")
    pay.set_defaults(handler=_cmd_pay)

    orders = commands.add_parser(
        "orders", parents=[common], help="1688 order lookups",
        description="1688 order lookups.",
    )
    orders_commands = orders.add_subparsers(dest="orders_command", metavar="ACTION",
                                            parser_class=_Parser, required=True)
    orders_get = orders_commands.add_parser(
        "get", parents=[common, connection], help="print the details of orders as JSON",
        description="Print each order's details as JSON: one object for one id, an array "
                    "(in the order given) for several. A missing order is reported on "
                    "stderr and sets exit code 1.",
    )
    orders_get.add_argument("order_ids", nargs="+", metavar="ORDER_ID")
    orders_get.add_argument("--web-site", default="1688", help="webSite parameter (default 1688)")
    orders_get.add_argument("--concurrency", type=_positive_int, default=4, metavar="N",
                            help="lookups in flight (default 4)")
    orders_get.add_argument("--rate", type=_rate, default=10.0, metavar="REQ_PER_S",
                            help="rate limit in requests per second, or 'none' (default 10)")
    orders_get.set_defaults(handler=_cmd_orders_get)

    call = commands.add_parser(
        "call", parents=[common, connection],
        help="make any signed call and print the envelope's data as JSON",
        description="Sign and send one request to any path; print the envelope's data as "
                    "JSON. A request that is not idempotent (the default for everything but "
                    "GET) is retried only when it provably never reached the platform.",
    )
    call.add_argument("method", type=str.upper,
                      choices=("GET", "POST", "PUT", "DELETE", "PATCH"), metavar="METHOD")
    call.add_argument("path", metavar="PATH", help="path starting with '/', e.g. "
                                                   "/alibaba/order/detail")
    call.add_argument("--json", dest="body", metavar="BODY",
                      help="JSON request body: text, @FILE, or - for stdin")
    call.add_argument("--query", action="append", default=[], metavar="KEY=VALUE",
                      help="query parameter (repeatable)")
    call.add_argument("--idempotent", action="store_true",
                      help="the call only reads: allow retries after timeouts and 5xx")
    call.set_defaults(handler=_cmd_call)
    return parser


# --------------------------------------------------------------------------- configuration


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


# --------------------------------------------------------------------------- output helpers


def _out() -> TextIO:
    return sys.stdout


def _err() -> TextIO:
    return sys.stderr


def _dump_json(value: Any, stream: TextIO) -> None:
    json.dump(value, stream, ensure_ascii=False, indent=2, default=str)
    stream.write("\n")
    stream.flush()


def _write_json_file(value: Any, target: str) -> None:
    if target == "-":
        _dump_json(value, _out())
        return
    try:
        with open(target, "w", encoding="utf-8") as handle:
            _dump_json(value, handle)
    except OSError as exc:
        raise CLIError(f"cannot write {target}: {exc.strerror or exc}", EXIT_USAGE) from exc


def _write_lines(target: str, lines: Sequence[str]) -> None:
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.writelines(f"{line}\n" for line in lines)
    except OSError as exc:
        raise CLIError(f"cannot write {target}: {exc.strerror or exc}", EXIT_USAGE) from exc


def _gloss(reason: str) -> str:
    english = KNOWN_REASONS.get(reason)
    return f"{reason} ({english})" if english else reason


def _progress_display(args: argparse.Namespace, label: str) -> ProgressDisplay:
    stream = _err()
    return ProgressDisplay(stream, resolve_mode(getattr(args, "progress", None) or "auto",
                                                stream), label=label)


def _progress_callback(display: ProgressDisplay) -> Callable[[Any], None]:
    def on_progress(progress: Any) -> None:
        display.update(progress.done, progress.total, progress.succeeded, progress.failed,
                       progress.rate)

    return on_progress


def _describe_error(error: BaseException) -> str:
    """One short phrase for an exception kept in a report."""
    if isinstance(error, BusinessError):
        return f"BusinessError {error.error_code or ''}: {error.error_message or error}".strip()
    if isinstance(error, APIError):
        parts = [type(error).__name__]
        if error.http_status is not None:
            parts.append(f"HTTP {error.http_status}")
        if error.code is not None and error.code != error.http_status:
            parts.append(f"code {error.code}")
        if error.msg:
            parts.append(error.msg)
        return " ".join(str(part) for part in parts)
    if isinstance(error, RateLimiterUnavailableError):
        return (f"{type(error).__name__}: the shared rate limiter (Redis) could not be "
                "reached, so nothing was sent")
    return type(error).__name__


def _group(values: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def print_report_summary(report: BulkPayReport, stream: TextIO) -> None:
    """Human summary of a report: every bucket with its count, reasons grouped."""
    succeeded = report.success_order_ids
    failed = report.pay_fail_orders
    errored = report.errored
    unknown = report.unknown
    width = len(f"{max(len(succeeded), len(failed), len(errored), len(unknown), 1):,}")
    stream.write(f"  paid      {len(succeeded):>{width},}\n")
    stream.write(f"  failed    {len(failed):>{width},}"
                 + ("   (the platform refused to pay them)\n" if failed else "\n"))
    for reason, count in _group(str(fail.error_reason) for fail in failed):
        stream.write(f"    {count:>{width},}  {_gloss(reason)}\n")
    stream.write(f"  errored   {len(errored):>{width},}"
                 + ("   (not paid; safe to retry)\n" if errored else "\n"))
    for description, count in _group(_describe_error(e) for e in errored.values()):
        stream.write(f"    {count:>{width},}  {description}\n")
    stream.write(f"  unknown   {len(unknown):>{width},}"
                 + ("   (run again with the same journal to reconcile)\n" if unknown else "\n"))
    for reason, count in _group(report.unknown_reasons.get(oid, "no reason given")
                                for oid in unknown):
        stream.write(f"    {count:>{width},}  {reason}\n")
    notes = [
        (report.duplicates, ("id given more than once, paid at most once"
                             if len(report.duplicates) == 1
                             else "ids given more than once, paid at most once")),
        (report.from_journal, "settled by an earlier run (from the journal), not sent again"),
        (report.reconciled, "had no definite answer at first; reading the order settled "
                            "them (found paid, closed or missing), so they were not sent again"),
        (report.resubmitted, "had no definite answer at first and were read back unpaid, so "
                             "they were sent a second time (their final outcome is above)"),
    ]
    for ids, text in notes:
        if ids:
            stream.write(f"  {len(ids):,} {text}\n")
    stream.flush()


def _count(n: int, noun: str) -> str:
    """``1 order id``, ``2 order ids``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _report_exit_code(report: BulkPayReport) -> int:
    if report.unknown:
        return EXIT_UNKNOWN
    if any(isinstance(error, AuthenticationError) for error in report.errored.values()):
        return EXIT_CONFIG
    if report.pay_fail_orders or report.errored:
        return EXIT_FAILED
    return EXIT_OK


# --------------------------------------------------------------------------- commands


async def _cmd_call(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    if not args.path.startswith("/"):
        raise CLIError(f"PATH must start with '/', got {args.path!r}", EXIT_USAGE)
    body = _parse_json_body(args.body) if args.body is not None else None
    params = _parse_query(args.query) or None
    async with make_client(args, environ, rate_limit=None) as client:
        data = await client.call(args.method, args.path, json=body, params=params,
                                 idempotent=True if args.idempotent else None)
    _dump_json(data, _out())
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


async def _cmd_orders_get(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from .models import unstructure

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
            _dump_json(entries[0], _out())
    else:
        _dump_json(entries, _out())
    for order_id in report.not_found:
        _err().write(f"{PROG}: order {order_id}: not found\n")
    for order_id, error in report.errored.items():
        _err().write(f"{PROG}: order {order_id}: {error}\n")
    return EXIT_OK if report.ok else EXIT_FAILED


def _read_ids(source: str) -> list[str]:
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


def _redis_limiter(args: argparse.Namespace, environ: Mapping[str, str]) -> Any:
    """A RedisRateLimiter for ``--redis`` / ``PANDAPON_REDIS_URL``, or ``None``."""
    url = args.redis or environ.get(ENV_REDIS_URL, "").strip()
    if not url:
        return None
    if args.rate is None:
        raise CLIError("--redis needs a rate: give --rate (the account's total, shared by "
                       "every process)", EXIT_USAGE)
    try:
        from ._redis_limiter import RedisRateLimiter

        return RedisRateLimiter(url, rate=args.rate, burst=args.burst)
    except ImportError as exc:
        raise CLIError(str(exc), EXIT_CONFIG) from exc
    except ValueError as exc:
        raise CLIError(f"invalid --redis: {exc}", EXIT_CONFIG) from exc


async def _cmd_pay(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    order_ids = _read_ids(args.ids_file)
    if not order_ids:
        raise CLIError("no order ids given (one per line, in FILE or on stdin)", EXIT_USAGE)
    if args.journal is None and environ.get(ENV_JOURNAL, "").strip():
        args.journal = environ[ENV_JOURNAL].strip()
    if args.journal is None:
        _err().write(f"{PROG}: warning: no --journal: an interrupted run cannot be resumed "
                     "safely\n")
    limiter = _redis_limiter(args, environ)
    client = make_client(args, environ, rate_limit=args.rate, rate_burst=args.burst,
                         max_concurrency=max(16, args.concurrency), rate_limiter=limiter)
    display = _progress_display(args, "paying")
    try:
        with trace_chunks(args.trace) as chunk_timings:  # [telemetry hook] pay --trace
            async with client:
                report = await _submit_to_pay(client, order_ids, args.chunk_size,
                                              args.concurrency, args.journal, display)
    finally:
        if limiter is not None:
            await limiter.aclose()
    exit_code = _report_exit_code(report)
    # The run is over and its journal complete: a closed output pipe only loses the summary,
    # so it does not change the exit code, which says what happened to the orders.
    try:
        summary_stream = _err() if args.report_json == "-" else _out()
        summary_stream.write(f"{_count(len(order_ids), 'order id')} read\n")
        print_report_summary(report, summary_stream)
        if args.trace:  # [telemetry hook]
            print_chunk_timings(chunk_timings, summary_stream)
        if args.report_json is not None:
            _write_json_file(report.to_dict(), args.report_json)
    except BrokenPipeError:
        _silence_stdout()
    return exit_code


async def _submit_to_pay(
    client: PandaPonClient,
    order_ids: Sequence[str],
    chunk_size: int,
    concurrency: int,
    journal: str | None,
    display: ProgressDisplay,
) -> BulkPayReport:
    try:
        return await client.bulk.submit_to_pay(
            order_ids,
            chunk_size=chunk_size,
            concurrency=concurrency,
            journal=journal,
            on_progress=_progress_callback(display),
        )
    except ValueError as exc:  # a malformed order id, named in the message; nothing was sent
        display.discard()
        raise CLIError(f"invalid input: {exc}", EXIT_USAGE) from exc
    finally:
        display.finish()


async def _cmd_demo(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pandapon-demo-") as scratch:
        journal_path = args.journal or os.path.join(scratch, "journal.sqlite3")
        return await _run_demo(args, journal_path)


async def _run_demo(args: argparse.Namespace, journal_path: str) -> int:
    import time

    from .testing import FakePandaPon

    out = _out()
    amount_fen = 1000
    count = args.orders
    async with FakePandaPon(seed=args.seed) as fake:
        order_ids = fake.create_alibaba_orders(count, amount_fen=amount_fen)
        # Some orders that cannot be paid, so the report shows grouped failure reasons:
        # a credit limit that runs out near the end, a few orders cancelled by the seller,
        # a few ids that do not exist, and a few duplicates that must be paid only once.
        short_of_credit = max(1, count // 20)
        cancelled = order_ids[: max(1, count // 300)]
        for order_id in cancelled:
            fake.cancel_order(order_id)
        fake.credit_limit_fen = (count - len(cancelled) - short_of_credit) * amount_fen
        nonexistent = [str(9_000_000_000_000_000_000 + n) for n in range(max(1, count // 1000))]
        duplicates = order_ids[-max(1, count // 500):]
        submitted = [*order_ids, *nonexistent, *duplicates]
        pay_path = "/alibaba/order/batch/submit/to/pay"
        if args.error_rate:
            fake.faults.set_error_rate(args.error_rate, status=500, path=pay_path)
        if args.drop_rate:
            fake.faults.set_processed_then_drop_rate(args.drop_rate, path=pay_path)

        rate = "none" if args.rate is None else f"{args.rate:g} requests/s"
        out.write(
            f"PandaPon demo: a fake platform at {fake.url}, in this process.\n"
            f"  {count:,} unpaid 1688 orders of {amount_fen / 100:.2f} CNY, credit for "
            f"{count - len(cancelled) - short_of_credit:,} of them,\n"
            f"  {len(cancelled)} cancelled by the seller, {len(nonexistent)} ids that do not "
            f"exist, {len(duplicates)} duplicates: {len(submitted):,} ids to pay.\n"
            f"  Faults on the payment endpoint: {args.error_rate:.0%} answered HTTP 500,\n"
            f"  {args.drop_rate:.0%} processed and then the connection dropped. Either way the "
            f"client cannot\n  tell whether those orders were paid: it must find out before "
            f"paying again.\n"
            f"  Chunks of {args.chunk_size}, {args.concurrency} in flight, rate limit {rate}.\n"
            f"  Journal: {journal_path}\n\n"
        )
        out.flush()
        client = PandaPonClient(
            fake.credentials,
            base_url=fake.url,
            rate_limit=args.rate,
            max_concurrency=max(16, args.concurrency * 2),
            retry_backoff=0.01,
            retry_backoff_max=0.1,
            timeout=10.0,
        )
        display = _progress_display(args, "paying")
        started = time.monotonic()
        async with client:
            report = await _submit_to_pay(client, submitted, args.chunk_size,
                                          args.concurrency, journal_path, display)
        elapsed = time.monotonic() - started

        counts = dict(fake.payment_counts)
        requests = list(fake.requests)
        pay_requests = [r for r in requests if r.path == pay_path]
        faulted = [r for r in pay_requests if r.outcome.startswith("fault")]
        lookups = [r for r in requests if r.path == "/alibaba/order/detail"]

        out.write(f"\nReport ({elapsed:.1f} s, {len(pay_requests)} payment requests of which "
                  f"{len(faulted)} hit a fault, {len(lookups)} order lookups to reconcile):\n")
        print_report_summary(report, out)
        if args.report_json is not None:
            _write_json_file(report.to_dict(), args.report_json)

        paid_twice = sorted(order_id for order_id, n in counts.items() if n > 1)
        paid_by_fake = {order_id for order_id, n in counts.items() if n >= 1}
        reported_paid = set(report.success_order_ids)
        distinct = set(submitted)
        bucketed = (len(reported_paid) + len(report.pay_fail_orders) + len(report.errored)
                    + len(report.unknown))
        checks = [
            ("no order paid twice (the fake's own payment counts)", not paid_twice),
            ("every order reported paid was paid exactly once by the fake",
             all(counts.get(order_id, 0) == 1 for order_id in reported_paid)),
            ("every order the fake paid is reported paid or unknown",
             paid_by_fake <= reported_paid | set(report.unknown)),
            (f"every distinct id ({len(distinct):,}) is in exactly one bucket",
             bucketed == len(distinct)),
        ]
        out.write("\nChecked against the fake:\n")
        for text, passed in checks:
            out.write(f"  [{'ok' if passed else 'FAILED'}] {text}\n")
        if paid_twice:
            out.write(f"  paid twice: {', '.join(paid_twice[:10])}\n")
        out.flush()
        if not all(passed for _, passed in checks):
            raise CLIError("the demo found an inconsistency (see above)", EXIT_FAILED)
    out.write("\nNext: `pandapon fake-server` to try `pandapon pay` and `pandapon call` "
              "against it (see the README).\n")
    return EXIT_OK


async def _cmd_fake_server(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from .testing import FakePandaPon, serve

    if args.create_orders < 0:
        raise CLIError("--create-orders must be >= 0", EXIT_USAGE)
    out = _out()

    def print_line(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    def ready(fake: FakePandaPon) -> None:
        if not args.create_orders:
            return
        ids = fake.create_alibaba_orders(args.create_orders)
        if args.ids_file:
            _write_lines(args.ids_file, ids)
            print_line(f"created {len(ids):,} unpaid 1688 orders; ids in {args.ids_file}")
        else:
            print_line(f"created {len(ids):,} unpaid 1688 orders, e.g. {ids[0]}")

    # Ctrl-C and SIGTERM both end the server the same clean way: cancel serve(), which
    # closes the listening socket and open connections on its way out.
    server = asyncio.ensure_future(serve(args.host, args.port, seed=args.seed,
                                         print_fn=print_line, ready=ready,
                                         credit_limit_fen=args.credit_limit_fen))
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, server.cancel)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or no signal support: Ctrl-C still interrupts
    try:
        await server
    except asyncio.CancelledError:
        if not server.cancelled():
            raise
        print_line("fake server stopped")
    except OSError as exc:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
                       EXIT_CONFIG) from exc
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
    return EXIT_OK


# --------------------------------------------------------------------------- entry point


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _silence_stdout() -> None:
    """After EPIPE on stdout: point it at /dev/null, so that the interpreter's final flush
    does not print "Exception ignored ... BrokenPipeError" (Python's documented remedy)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _first_leaf(error: BaseException) -> BaseException:
    """The first real exception inside (nested) exception groups from task groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _classify(error: BaseException) -> tuple[int, str]:
    """Exit code and one-line message for an error that ended the command."""
    if isinstance(error, CLIError):
        return error.exit_code, str(error)
    if isinstance(error, AuthenticationError):
        return EXIT_CONFIG, f"authentication failed: {error}"
    if isinstance(error, OutcomeUnknownError):
        return EXIT_UNKNOWN, f"outcome unknown: {error}"
    if isinstance(error, RateLimiterUnavailableError):
        return EXIT_UNREACHABLE, str(error)
    if isinstance(error, ConnectError):
        return EXIT_UNREACHABLE, f"could not reach the platform: {error}"
    if isinstance(error, JournalUnavailableError):
        return EXIT_UNREACHABLE, str(error)
    if isinstance(error, TransportError):
        return EXIT_UNREACHABLE, str(error)
    if isinstance(error, PandaPonError):
        return EXIT_FAILED, str(error)
    return EXIT_FAILED, f"unexpected error: {type(error).__name__}: {error}"


def _configure_logging(debug: bool) -> Callable[[], None]:
    """Send the library's debug log to stderr under ``--debug``; returns the undo."""
    if not debug:
        return lambda: None
    handler = logging.StreamHandler(_err())
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    library_logger = logging.getLogger("pandapon_async")
    previous_level = library_logger.level
    library_logger.addHandler(handler)
    library_logger.setLevel(logging.DEBUG)

    def undo() -> None:
        library_logger.removeHandler(handler)
        library_logger.setLevel(previous_level)

    return undo


async def _run_handler(
    handler: Callable[[argparse.Namespace, Mapping[str, str]], Coroutine[Any, Any, int]],
    args: argparse.Namespace,
    environ: Mapping[str, str],
) -> int:
    """Run the command; SIGTERM cancels it like Ctrl-C (except ``fake-server``, which stops
    cleanly on its own)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    terminated = False

    def on_sigterm() -> None:
        nonlocal terminated
        terminated = True
        task.cancel()

    installed = False
    if handler is not _cmd_fake_server:
        try:
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
            installed = True
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        return await handler(args, environ)
    except asyncio.CancelledError:
        if terminated:
            raise _Interrupted() from None
        raise
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pandapon`` command; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    _SECRETS[:] = [*_secrets_in_argv(argv), os.environ.get(ENV_ACCESS_SECRET, "")]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(_err())
        return EXIT_USAGE
    debug: bool = bool(getattr(args, "debug", False))
    undo_logging = _configure_logging(debug)
    undo_log_level = configure_log_level(getattr(args, "log_level", None), _err())
    environ = dict(os.environ)
    secrets = [getattr(args, "access_secret", None) or "", *_SECRETS]
    for url in (getattr(args, "journal", None), getattr(args, "redis", None),
                environ.get(ENV_JOURNAL), environ.get(ENV_REDIS_URL)):
        # A DSN's password (PostgreSQL journal, Redis) is a secret too.
        password = urlsplit(url).password if url and "://" in url else None
        if password:
            secrets.append(password)
    _SECRETS[:] = secrets
    try:
        return asyncio.run(_run_handler(args.handler, args, environ))
    except (KeyboardInterrupt, _Interrupted):
        hint = ""
        if args.command == "pay":
            shown = (redact_dsn(args.journal) if is_postgres_dsn(args.journal)
                     else args.journal)
            hint = (f"; run the same command with --journal {shown} to resume"
                    if args.journal else "; without --journal, check the orders' state "
                    "before paying again")
        _err().write(_redact(f"{PROG}: interrupted{hint}\n", secrets))
        return EXIT_INTERRUPTED
    except Exception as raised:
        error = _first_leaf(raised)
        if isinstance(error, BrokenPipeError):
            # The reader went away (`| head`): stop quietly, as git, gh and httpie do.
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        exit_code, message = _classify(error)
        if debug:
            traceback.print_exception(error, file=_err())
        _err().write(f"{PROG}: error: {_redact(message, secrets)}\n")
        if not debug and exit_code == EXIT_FAILED and not isinstance(
            error, PandaPonError | CLIError
        ):
            _err().write(f"{PROG}: (run with --debug for the traceback)\n")
        return exit_code
    finally:
        undo_log_level()
        undo_logging()
