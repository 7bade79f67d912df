"""Output helpers: the streams, JSON writing, a closed pipe, and secrets kept out of messages."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ._exit_codes import EXIT_USAGE, CLIError

SECRET_OPTION = "--access-secret"
PROG = "pandapon"


# Secrets to keep out of every message, usage errors included (argparse echoes arguments).
SECRETS: list[str] = []


def secrets_in_argv(argv: Sequence[str]) -> list[str]:
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


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def silence_stdout() -> None:
    """After EPIPE on stdout: point it at /dev/null, so that the interpreter's final flush
    does not print "Exception ignored ... BrokenPipeError" (Python's documented remedy)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def out() -> TextIO:
    return sys.stdout


def err() -> TextIO:
    return sys.stderr


def dump_json(value: Any, stream: TextIO) -> None:
    json.dump(value, stream, ensure_ascii=False, indent=2, default=str)
    stream.write("\n")
    stream.flush()


def write_json_file(value: Any, target: str) -> None:
    if target == "-":
        dump_json(value, out())
        return
    try:
        with open(target, "w", encoding="utf-8") as handle:
            dump_json(value, handle)
    except OSError as exc:
        raise CLIError(f"cannot write {target}: {exc.strerror or exc}", EXIT_USAGE) from exc


def write_lines(target: str, lines: Sequence[str]) -> None:
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.writelines(f"{line}\n" for line in lines)
    except OSError as exc:
        raise CLIError(f"cannot write {target}: {exc.strerror or exc}", EXIT_USAGE) from exc
