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

from collections.abc import Sequence

from ._call import run_call as _cmd_call
from ._demo import run_demo as _cmd_demo
from ._exit_codes import (
    EXIT_BROKEN_PIPE,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNKNOWN,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
)
from ._fake_server import run_fake_server as _cmd_fake_server
from ._main import run_command
from ._orders import run_orders_get as _cmd_orders_get
from ._pay import run_pay as _cmd_pay

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pandapon`` command; returns the exit code (the console script exits with it)."""
    # The commands are looked up here, at each call, so that a test can replace one.
    return run_command(argv, {
        "call": _cmd_call,
        "demo": _cmd_demo,
        "fake-server": _cmd_fake_server,
        "orders get": _cmd_orders_get,
        "pay": _cmd_pay,
    })
