"""A callback receiver replica in its own process, for the shared-inbox tests.

    python inbox_worker.py INBOX MODE MESSAGES_FILE

INBOX is a SQLite path or a ``postgresql://`` DSN; MESSAGES_FILE holds one signed callback
body per line (JSON). The replica receives every message (as if the load balancer had sent it
every delivery), then:

- ``serve``: handles what it claims, prints ``handled <message id>`` per handler call, and
  exits once nothing is left for it (it starts handling when a line arrives on stdin, so
  that two replicas start together);
- ``hang``: its handler prints ``started <message id>`` and never returns (the parent kills
  the process: a replica dying mid-handler).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import sys
from pathlib import Path

from pandapon_async.callbacks import CallbackInbox, CallbackMessage, CallbackReceiver, SQLiteInbox

SECRET = "inbox-worker-secret"
LEASE = 30.0


def sign(body: bytes) -> str:
    return hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def open_inbox(spec: str) -> CallbackInbox:
    if spec.startswith("postgresql://"):
        from pandapon_async.callbacks import PostgresInbox

        return PostgresInbox(spec)
    return SQLiteInbox(spec)


async def main(spec: str, mode: str, bodies: list[bytes]) -> None:
    async def handler(message: CallbackMessage) -> None:
        if mode == "hang":
            print("started", message.message_id, flush=True)
            await asyncio.Event().wait()
        print("handled", message.message_id, flush=True)
        await asyncio.sleep(0)  # let the other replica interleave

    inbox = open_inbox(spec)
    receiver = CallbackReceiver(
        SECRET,
        handler,
        inbox=inbox,
        lease=LEASE,
        max_concurrency=8,
        timestamp_tolerance=None,
        drain_timeout=0,
    )
    for body in bodies:
        result = await receiver.receive(
            body, authorization=sign(body), content_type="application/json"
        )
        assert result.status == 200, result
    print("received", len(bodies), flush=True)
    if mode == "serve":
        # Start handling together with the other replica: the parent says when.
        await asyncio.to_thread(sys.stdin.readline)
    async with receiver:
        await receiver.wait_idle()
    await inbox.close()


if __name__ == "__main__":
    spec, mode, messages_file = sys.argv[1:4]
    lines = Path(messages_file).read_text().splitlines()
    asyncio.run(main(spec, mode, [line.encode() for line in lines if line]))
