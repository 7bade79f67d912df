"""A client's life: closing under cancellation, one event loop, warnings that name the fix."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings

import anyio
import pytest

from pandapon_async import Credentials, PandaPonClient, WrongEventLoopError
from pandapon_async.testing import FakePandaPon

DETAIL = "/alibaba/order/detail"


def resource_warnings(records: list[warnings.WarningMessage]) -> list[str]:
    return [str(r.message) for r in records if issubclass(r.category, ResourceWarning)]


async def test_a_cancelled_aclose_still_closes_and_a_second_aclose_completes(
    fake_pandapon: FakePandaPon,
) -> None:
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    client = PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url)
    await client.__aenter__()
    await client.alibaba.orders.get_detail(order_id)
    fake_pandapon.faults.set_latency(5.0)  # one call still in flight when closing starts
    in_flight = asyncio.create_task(client.alibaba.orders.get_detail(order_id))
    await asyncio.sleep(0.05)
    with anyio.move_on_after(0):  # a cancel scope expiring around the close
        await client.aclose()
    assert client.closed
    await client.aclose()  # waits for the same close; returns once it is done
    with pytest.raises(Exception):  # noqa: B017 - ClientClosedError, from the close
        await in_flight
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        del client
        gc.collect()
    assert resource_warnings(records) == []  # the session was closed


def test_a_client_used_in_a_second_event_loop_says_so_before_sending() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    clients = [PandaPonClient(Credentials("ak", "secret", "1"),
                              base_url=f"http://127.0.0.1:{port}")]

    async def first_use() -> None:
        await clients[0].__aenter__()

    async def second_use() -> None:
        await clients[0].call("GET", DETAIL)

    try:
        asyncio.run(first_use())
        with pytest.raises(WrongEventLoopError, match="event loop it first ran in"):
            asyncio.run(second_use())
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing was sent: no connection was even opened
    finally:
        listener.close()
        with warnings.catch_warnings():  # its loop is gone: it cannot be closed any more
            warnings.simplefilter("ignore")
            clients.clear()
            gc.collect()


async def test_a_client_never_closed_warns_with_the_fix(fake_pandapon: FakePandaPon) -> None:
    client = PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url)
    await client.__aenter__()
    session = client._transport._session
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        del client
        gc.collect()
    messages = resource_warnings(records)
    assert any("PandaPonClient was not closed" in m and "async with" in m for m in messages)
    assert session is not None
    await session.close()


async def test_a_view_or_a_closed_client_does_not_warn(fake_pandapon: FakePandaPon) -> None:
    async with PandaPonClient(fake_pandapon.credentials, base_url=fake_pandapon.url) as client:
        view = client.with_options(max_retries=0)
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            del view
            gc.collect()
        assert resource_warnings(records) == []


def test_with_instead_of_async_with_says_to_use_async_with() -> None:
    client = PandaPonClient(Credentials("ak", "secret", "1"))
    with pytest.raises(TypeError, match="use `async with"), client:
        pass
