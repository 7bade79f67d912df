"""The fan-out engine (``client.bulk.map``): laziness, bounds, isolation, cancellation.

These tests need no network: the functions mapped are plain coroutines.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator

import pytest

from pandapon_async import Credentials, PandaPonClient
from pandapon_async.bulk import Outcome, OutcomeStream, Progress


@pytest.fixture
async def client() -> AsyncIterator[PandaPonClient]:
    # Never opened to the network here: bulk.map only needs its settings.
    async with PandaPonClient(
        Credentials("key", "secret", "user"), base_url="http://127.0.0.1:9", max_concurrency=8
    ) as client:
        yield client


def other_tasks() -> set[asyncio.Task[object]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def test_every_item_has_an_outcome_and_failures_do_not_stop_the_others(
    client: PandaPonClient,
) -> None:
    async def work(n: int) -> int:
        await asyncio.sleep(0)
        if n % 7 == 0:
            raise ValueError(f"bad {n}")
        return n * 2

    async with client.bulk.map(work, range(100), concurrency=5) as outcomes:
        seen = [outcome async for outcome in outcomes]

    assert sorted(o.item for o in seen) == list(range(100))
    for outcome in seen:
        if outcome.item % 7 == 0:
            assert not outcome.ok
            assert isinstance(outcome.error, ValueError)
            with pytest.raises(ValueError):
                outcome.unwrap()
        else:
            assert outcome.ok and outcome.result == outcome.item * 2
            assert outcome.unwrap() == outcome.item * 2
    item, result, error = seen[0]  # an Outcome unpacks like a tuple
    assert (item, result, error) == (seen[0].item, seen[0].result, seen[0].error)


async def test_outcomes_come_in_completion_order(client: PandaPonClient) -> None:
    second_done = asyncio.Event()

    async def work(n: int) -> int:
        if n == 0:
            await second_done.wait()
        else:
            second_done.set()
        return n

    async with client.bulk.map(work, [0, 1], concurrency=2) as outcomes:
        order = [outcome.item async for outcome in outcomes]
    assert order == [1, 0]


async def test_default_concurrency_is_the_clients_max_concurrency(
    client: PandaPonClient,
) -> None:
    in_flight = peak = 0

    async def work(n: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1

    stream = client.bulk.map(work, range(200))
    assert stream.concurrency == 8
    async with stream as outcomes:
        async for _ in outcomes:
            pass
    assert peak == 8


async def test_a_million_ids_from_a_generator_never_exceed_the_concurrency() -> None:
    count = 1_000_000
    concurrency = 64
    pulled = consumed = 0
    in_flight = peak_in_flight = peak_held = 0

    def ids() -> Iterator[str]:
        nonlocal pulled, peak_held
        for n in range(count):
            pulled += 1
            # Items read from the input but not yet handed to the consumer.
            peak_held = max(peak_held, pulled - consumed)
            yield str(n)

    async def work(order_id: str) -> str:
        nonlocal in_flight, peak_in_flight
        in_flight += 1
        peak_in_flight = max(peak_in_flight, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1
        return order_id

    stream = OutcomeStream(work, ids(), concurrency=concurrency)
    async with stream as outcomes:
        async for outcome in outcomes:
            consumed += 1
            assert outcome.ok
    assert consumed == count
    assert peak_in_flight == concurrency
    assert peak_held <= concurrency
    assert stream.total is None and stream.done == count


async def test_async_iterable_input_is_read_lazily(client: PandaPonClient) -> None:
    pulled = 0

    async def ids() -> AsyncIterator[int]:
        nonlocal pulled
        for n in range(50):
            pulled += 1
            await asyncio.sleep(0)
            yield n

    async def work(n: int) -> int:
        await asyncio.sleep(0)
        return n

    results = []
    async with client.bulk.map(work, ids(), concurrency=4) as outcomes:
        async for outcome in outcomes:
            results.append(outcome.result)
            assert pulled - len(results) <= 4
    assert sorted(results) == list(range(50))


async def test_an_error_from_the_input_is_raised_after_the_started_items(
    client: PandaPonClient,
) -> None:
    def ids() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("input file vanished")

    async def work(n: int) -> int:
        await asyncio.sleep(0)
        return n

    got = []
    with pytest.raises(OSError, match="vanished"):
        async with client.bulk.map(work, ids(), concurrency=4) as outcomes:
            async for outcome in outcomes:
                got.append(outcome.item)
    assert sorted(got) == [1, 2]
    assert not other_tasks()


class Interrupt(BaseException):
    """Stands for KeyboardInterrupt/SystemExit: not an item's failure."""


async def test_base_exceptions_and_cancellation_from_func_are_not_swallowed(
    client: PandaPonClient,
) -> None:
    async def work(n: int) -> int:
        await asyncio.sleep(0)
        if n == 3:
            raise Interrupt
        return n

    with pytest.raises(Interrupt):
        async with client.bulk.map(work, range(10), concurrency=2) as outcomes:
            async for _ in outcomes:
                pass
    assert not other_tasks()

    async def cancelled(n: int) -> int:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        async with client.bulk.map(cancelled, range(3), concurrency=2) as outcomes:
            async for _ in outcomes:
                pass
    assert not other_tasks()


async def test_cancelling_the_consumer_cancels_the_work_and_leaves_no_tasks(
    client: PandaPonClient,
) -> None:
    started = 0
    cleaned_up = 0
    never = asyncio.Event()
    all_started = asyncio.Event()

    async def work(n: int) -> None:
        nonlocal started, cleaned_up
        started += 1
        if started == 4:
            all_started.set()
        try:
            await never.wait()
        finally:
            cleaned_up += 1

    async def consume() -> None:
        async with client.bulk.map(work, range(1000), concurrency=4) as outcomes:
            async for _ in outcomes:
                pass

    consumer = asyncio.create_task(consume())
    await all_started.wait()
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert started == 4 and cleaned_up == 4
    assert not other_tasks()


async def test_breaking_out_early_cancels_the_rest(client: PandaPonClient) -> None:
    started = cancelled = 0

    async def work(n: int) -> int:
        nonlocal started, cancelled
        started += 1
        try:
            if n > 0:
                await asyncio.Event().wait()
            return n
        except asyncio.CancelledError:
            cancelled += 1
            raise

    async with client.bulk.map(work, range(100), concurrency=3) as outcomes:
        async for outcome in outcomes:
            assert outcome.item == 0
            break
    # Every item started after item 0 was cancelled, none left running.
    assert started >= 3 and cancelled == started - 1
    assert not other_tasks()


async def test_aclose_by_hand_and_abandoned_streams_stop_their_workers(
    client: PandaPonClient,
) -> None:
    async def forever(n: int) -> None:
        await asyncio.Event().wait()

    stream = client.bulk.map(forever, range(10), concurrency=3)
    assert not other_tasks()  # nothing starts before iteration
    await stream.__aenter__()
    await asyncio.sleep(0)
    assert len(other_tasks()) == 3
    await stream.aclose()
    assert not other_tasks()
    await stream.aclose()  # idempotent
    assert [o async for o in stream] == []

    abandoned = client.bulk.map(forever, range(10), concurrency=3)
    await abandoned.__aenter__()
    workers = other_tasks()
    del abandoned
    gc.collect()
    await asyncio.wait(workers)
    assert all(task.cancelled() for task in workers)


async def test_progress_reports_counts_and_total(client: PandaPonClient) -> None:
    seen: list[Progress] = []

    async def work(n: int) -> int:
        if n % 2:
            raise ValueError
        return n

    async with client.bulk.map(work, list(range(10)), on_progress=seen.append) as outcomes:
        async for _ in outcomes:
            pass
    assert [p.done for p in seen] == list(range(1, 11))
    assert seen[-1].total == 10 and seen[-1].remaining == 0
    assert (seen[-1].succeeded, seen[-1].failed) == (5, 5)
    assert seen[-1].rate >= 0

    async_seen: list[Progress] = []

    async def record(progress: Progress) -> None:
        async_seen.append(progress)

    async with client.bulk.map(work, iter(range(4)), on_progress=record) as outcomes:
        async for _ in outcomes:
            pass
    assert [p.total for p in async_seen] == [None] * 4


async def test_bad_arguments_are_refused(client: PandaPonClient) -> None:
    async def work(n: int) -> int:
        return n

    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="concurrency"):
            client.bulk.map(work, [1], concurrency=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="iterable"):
        client.bulk.map(work, 5)  # type: ignore[arg-type]


async def test_outcome_is_a_named_tuple() -> None:
    outcome: Outcome[int, int] = Outcome(1, 2, None)
    assert outcome.ok and tuple(outcome) == (1, 2, None)
