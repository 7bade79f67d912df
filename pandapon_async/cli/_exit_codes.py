"""Exit codes, the error that carries one, and the classification of what ended a command."""

from __future__ import annotations

from ..bulk import BulkPayReport
from ..errors import (
    AuthenticationError,
    ConnectError,
    JournalUnavailableError,
    OutcomeUnknownError,
    PandaPonError,
    RateLimiterUnavailableError,
    TransportError,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3
EXIT_CONFIG = 4
EXIT_UNREACHABLE = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class CLIError(Exception):
    """A failure to report as one line, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Interrupted(Exception):
    """SIGTERM arrived; handled like Ctrl-C."""


def first_leaf(error: BaseException) -> BaseException:
    """The first real exception inside (nested) exception groups from task groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def classify(error: BaseException) -> tuple[int, str]:
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


def report_exit_code(report: BulkPayReport) -> int:
    if report.unknown:
        return EXIT_UNKNOWN
    if any(isinstance(error, AuthenticationError) for error in report.errored.values()):
        return EXIT_CONFIG
    if report.pay_fail_orders or report.errored:
        return EXIT_FAILED
    return EXIT_OK
