"""A callback receiver: verifies, records (SQLite inbox) and handles the platform's pushes.

    python examples/callback_receiver.py        # the fake pushes a few events, then it exits
    PANDAPON_ACCESS_KEY=... python examples/callback_receiver.py   # serves until Ctrl-C on
        PANDAPON_CALLBACK_PORT (default 8090), path /pandapon/callback, behind your TLS proxy

Port 8090, not 8080: 8080 is where ``pandapon fake-server`` listens by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile

from _platform import platform
from aiohttp import web

from pandapon_async.callbacks import (
    CallbackMessage,
    CallbackReceiver,
    OrderEventBody,
    SQLiteInbox,
    strip_platform_prefix,
)

PATH = "/pandapon/callback"


async def main() -> int:
    seen: list[str] = []
    done = asyncio.Event()

    async def on_message(message: CallbackMessage) -> None:
        """Called once per message after the platform got its 200; raise to be called again."""
        body = message.body
        if isinstance(body, OrderEventBody):
            print(f"{strip_platform_prefix(message.message_type)}: order {body.order_id}")
        else:
            print(f"{message.message_type}: {body!r}")
        seen.append(message.message_type)
        if len(seen) >= 3:
            done.set()

    async with platform() as (client, fake):
        real = fake is None
        inbox_path = ("pandapon-callbacks.sqlite3" if real
                      else os.path.join(tempfile.mkdtemp(), "callbacks.sqlite3"))
        receiver = CallbackReceiver(
            client.credentials.access_secret, on_message, inbox=SQLiteInbox(inbox_path),
            clock=None if real else fake.clock,
        )
        runner = web.AppRunner(receiver.make_app(PATH))
        await runner.setup()
        port = int(os.environ.get("PANDAPON_CALLBACK_PORT", "8090")) if real else 0
        site = web.TCPSite(runner, "0.0.0.0" if real else "127.0.0.1", port)
        await site.start()
        try:
            if real:
                print(f"listening on port {port}, path {PATH}; Ctrl-C to stop")
                await asyncio.Event().wait()
            host, bound_port = runner.addresses[0][:2]
            fake.set_callback_url(f"http://{host}:{bound_port}{PATH}")
            (order_id,) = fake.alibaba.create_orders(1)     # pushes ORDER_CREATE
            fake.alibaba.pay(order_id)                       # ORDER_PAY_SUCCESS
            fake.alibaba.ship(order_id)                      # ..._ANNOUNCE_SENDGOODS
            await asyncio.wait_for(done.wait(), timeout=30)
        finally:
            await runner.cleanup()
    print(f"handled {len(seen)} messages")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends a real receiver
        sys.exit(asyncio.run(main()))
