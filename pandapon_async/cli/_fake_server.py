"""``pandapon fake-server``: the fake platform on a local port until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Mapping

from ._exit_codes import EXIT_CONFIG, EXIT_OK, EXIT_USAGE, CLIError
from ._output import out as stdout
from ._output import write_lines


async def run_fake_server(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from ..testing import FakePandaPon, serve

    if args.create_orders < 0:
        raise CLIError("--create-orders must be >= 0", EXIT_USAGE)
    out = stdout()

    def print_line(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    def ready(fake: FakePandaPon) -> None:
        if not args.create_orders:
            return
        ids = fake.create_alibaba_orders(args.create_orders)
        if args.ids_file:
            write_lines(args.ids_file, ids)
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
