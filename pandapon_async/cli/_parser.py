"""The argument parser: global options before or after the subcommand, one subparser per
command."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, NoReturn, TypeVar

from .. import __version__
from .._client import DEFAULT_BASE_URL
from .._credentials import ENV_ACCESS_KEY, ENV_ACCESS_SECRET, ENV_USER_ID
from ..bulk._common import DEFAULT_RESUBMIT_GRACE
from ._config import ENV_BASE_URL, ENV_JOURNAL, ENV_REDIS_URL
from ._exit_codes import EXIT_USAGE
from ._observe import LOG_LEVELS
from ._output import PROG, SECRETS, redact

_Number = TypeVar("_Number", int, float)

# A command: the parsed arguments and the environment in, the exit code out.
Handler = Callable[[argparse.Namespace, Mapping[str, str]], Coroutine[Any, Any, int]]

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, redact(f"{self.prog}: error: {message} (see {self.prog} "
                                     "--help)\n", SECRETS))


def _checked(
    convert: Callable[[str], _Number], accept: Callable[[_Number], bool], expected: str
) -> Callable[[str], _Number]:
    """An argparse type: ``convert`` the text, then ``accept`` the value, naming what was
    expected when either fails."""

    def parse(text: str) -> _Number:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _checked(int, lambda value: value >= 1, "a positive integer")
_positive_float = _checked(float, lambda value: value > 0 and value != float("inf"),
                           "a positive number")
_fraction = _checked(float, lambda value: 0 <= value <= 1, "a number in [0, 1]")
_grace = _checked(float, lambda value: 0 <= value <= 600, "seconds from 0 to 600")


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


def _add_pacing(
    parser: argparse.ArgumentParser,
    *,
    chunk_size: int | None,
    concurrency: int,
    rate: float,
    in_flight: str = "batch requests",
    rate_limit: str = "client rate limit",
) -> None:
    """``--chunk-size`` (batch commands), ``--concurrency`` and ``--rate``, with the command's
    defaults."""
    if chunk_size is not None:
        parser.add_argument("--chunk-size", type=_positive_int, default=chunk_size, metavar="N",
                            help=f"order ids per batch payment request (default {chunk_size})")
    parser.add_argument("--concurrency", type=_positive_int, default=concurrency, metavar="N",
                        help=f"{in_flight} in flight (default {concurrency})")
    parser.add_argument("--rate", type=_rate, default=rate, metavar="REQ_PER_S",
                        help=f"{rate_limit} in requests per second, or 'none' (default {rate:g})")


def build_parser(handlers: Mapping[str, Handler]) -> argparse.ArgumentParser:
    """The ``pandapon`` parser; ``handlers`` maps each command ("orders get" for the nested
    one) to the coroutine that runs it."""
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
    _add_pacing(demo, chunk_size=25, concurrency=8, rate=100.0)
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
    demo.set_defaults(handler=handlers["demo"])

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
    fake.set_defaults(handler=handlers["fake-server"])

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
    _add_pacing(pay, chunk_size=50, concurrency=4, rate=10.0)
    pay.add_argument("--burst", type=_positive_int, default=1, metavar="N",
                     help="requests allowed at once by the rate limiter (default 1)")
    pay.add_argument("--resubmit-grace", type=_grace, default=DEFAULT_RESUBMIT_GRACE,
                     metavar="SECONDS",
                     help="before resending an order whose payment may not have arrived and "
                          "that reads unpaid, read it again after this many seconds (a "
                          "stalled request may still land; 0: resend at once; default "
                          f"{DEFAULT_RESUBMIT_GRACE:g})")
    pay.add_argument("--report-json", metavar="FILE",
                     help="write the report as JSON to FILE ('-' for stdout)")
    pay.add_argument("--trace", action="store_true",
                     help="print a per-chunk timing summary at the end")
    pay.set_defaults(handler=handlers["pay"])

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
    _add_pacing(orders_get, chunk_size=None, concurrency=4, rate=10.0, in_flight="lookups",
                rate_limit="rate limit")
    orders_get.set_defaults(handler=handlers["orders get"])

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
    call.set_defaults(handler=handlers["call"])
    return parser
