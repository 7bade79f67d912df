"""Running a command: logging switches, SIGTERM as Ctrl-C, and one line per error."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from .._credentials import ENV_ACCESS_SECRET
from .._dsn import is_postgres_dsn, redact_dsn
from ..errors import PandaPonError
from ._config import ENV_JOURNAL, ENV_REDIS_URL
from ._exit_codes import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CLIError,
    Interrupted,
    classify,
    first_leaf,
)
from ._observe import configure_log_level
from ._output import PROG, SECRETS, err, redact, secrets_in_argv, silence_stdout
from ._parser import Handler, build_parser


def configure_debug_log(debug: bool) -> Callable[[], None]:
    """Send the library's debug log to stderr under ``--debug``; returns the undo."""
    if not debug:
        return lambda: None
    handler = logging.StreamHandler(err())
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    library_logger = logging.getLogger("pandapon_async")
    previous_level = library_logger.level
    library_logger.addHandler(handler)
    library_logger.setLevel(logging.DEBUG)

    def undo() -> None:
        library_logger.removeHandler(handler)
        library_logger.setLevel(previous_level)

    return undo


async def run_handler(
    handler: Handler,
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
    if args.command != "fake-server":
        try:
            loop.add_signal_handler(signal.SIGTERM, on_sigterm)
            installed = True
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        return await handler(args, environ)
    except asyncio.CancelledError:
        if terminated:
            raise Interrupted() from None
        raise
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGTERM)


def run_command(argv: Sequence[str] | None, handlers: Mapping[str, Handler]) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the command's handler and turn what
    ended it into an exit code and at most one line on stderr."""
    parser = build_parser(handlers)
    argv = list(sys.argv[1:] if argv is None else argv)
    SECRETS[:] = [*secrets_in_argv(argv), os.environ.get(ENV_ACCESS_SECRET, "")]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(err())
        return EXIT_USAGE
    debug: bool = bool(getattr(args, "debug", False))
    undo_logging = configure_debug_log(debug)
    undo_log_level = configure_log_level(getattr(args, "log_level", None), err())
    environ = dict(os.environ)
    secrets = [getattr(args, "access_secret", None) or "", *SECRETS]
    for url in (getattr(args, "journal", None), getattr(args, "redis", None),
                environ.get(ENV_JOURNAL), environ.get(ENV_REDIS_URL)):
        # A DSN's password (PostgreSQL journal, Redis) is a secret too.
        password = urlsplit(url).password if url and "://" in url else None
        if password:
            secrets.append(password)
    SECRETS[:] = secrets
    try:
        return asyncio.run(run_handler(args.handler, args, environ))
    except (KeyboardInterrupt, Interrupted):
        hint = ""
        if args.command == "pay":
            shown = (redact_dsn(args.journal) if is_postgres_dsn(args.journal)
                     else args.journal)
            hint = (f"; run the same command with --journal {shown} to resume"
                    if args.journal else "; without --journal, check the orders' state "
                    "before paying again")
        err().write(redact(f"{PROG}: interrupted{hint}\n", secrets))
        return EXIT_INTERRUPTED
    except Exception as raised:
        error = first_leaf(raised)
        if isinstance(error, BrokenPipeError):
            # The reader went away (`| head`): stop quietly, as git, gh and httpie do.
            silence_stdout()
            return EXIT_BROKEN_PIPE
        exit_code, message = classify(error)
        if debug:
            traceback.print_exception(error, file=err())
        err().write(f"{PROG}: error: {redact(message, secrets)}\n")
        if not debug and exit_code == EXIT_FAILED and not isinstance(
            error, PandaPonError | CLIError
        ):
            err().write(f"{PROG}: (run with --debug for the traceback)\n")
        return exit_code
    finally:
        undo_log_level()
        undo_logging()
