"""FakePandaPon: a stateful fake of the PandaPon platform on 127.0.0.1, with faults.

The class here is the public face (lifecycle, state and test controls, callbacks, request
log); the request path lives in ``_dispatch``, the header check in ``_auth`` and the wire
answers in ``_answers``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .._credentials import Credentials
from ._answers import EnvelopeWriter
from ._auth import HeaderAuthenticator
from ._callbacks import PLATFORM_RETRY_DELAYS, CallbackDispatcher
from ._clock import FakeClock
from ._controls import AlibabaControls, TaobaoControls
from ._dispatch import RequestDispatcher
from ._faults import Faults
from ._records import CallbackDelivery, LoggedRequest
from ._state import FakeState

__all__ = ["DEFAULT_FAKE_CREDENTIALS", "FakePandaPon"]

logger = logging.getLogger("pandapon_async.testing")

DEFAULT_FAKE_CREDENTIALS = Credentials(
    access_key="fake-access-key", access_secret="fake-access-secret", user_id="2100007340000"
)


class FakePandaPon:
    """A fake of the PandaPon platform for tests, demos and benchmarks.

    ``async with FakePandaPon(seed=0) as fake`` serves on ``fake.url`` (127.0.0.1, a free
    port) and accepts ``fake.credentials``. It checks signatures like the platform, keeps
    order state, serves every documented endpoint, injects faults on demand
    (``fake.faults``), logs every request (``fake.requests``) and pushes signed callbacks.
    Everything random comes from ``seed``.

    Tests move orders as the platform's other side would with ``fake.alibaba`` and
    ``fake.taobao`` (pay, ship, change the price, close, refund transitions); every order and
    refund transition pushes its message. Status and refund message types are sent with the
    platform prefix (``TAOBAO_ORDER_PAY_SUCCESS``, ``1688_ORDER_PAY_SUCCESS``) unless
    ``callback_message_types="unprefixed"``. ``await fake.advance_clock(seconds)`` moves the
    fake's time (retry schedule, timestamps) without sleeping.
    Where the documentation is silent, options choose:

    * ``serve_inferred_paths``: also serve the v1 paths inferred from their v2 twins
      (``found: false`` in the spec), which may not exist in production; off by default, and
      each such request is noted in the request log (``LoggedRequest.note``).
    * ``error_http_status``: the HTTP status of error envelopes (auth, not found, bad request,
      refused); ``None`` (default) uses the envelope's ``code``, e.g. ``200`` answers every
      error envelope with HTTP 200. Injected faults keep their own statuses.
    * ``require_logistics_query_signature``: the warehouse-logistics endpoints demand the
      documented ``timestamp`` and ``sign`` query parameters, checked with the library's guess
      (``QuerySignatureSigner``: the header timestamp and signature, repeated).
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        credentials: Credentials | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        credit_limit_fen: int | None = None,
        clock: Callable[[], float] = time.time,
        callback_retry_delays: Sequence[float] = PLATFORM_RETRY_DELAYS,
        callback_timeout: float = 1.0,
        timestamp_tolerance: float = 600,
        callback_body_as_text: bool = False,
        callback_message_types: str = "prefixed",
        log_requests: bool = True,
        shutdown_timeout: float = 0.25,
        serve_inferred_paths: bool = False,
        error_http_status: int | None = None,
        require_logistics_query_signature: bool = False,
    ) -> None:
        self._credentials = credentials or DEFAULT_FAKE_CREDENTIALS
        self._host = host
        self._port = port
        self._clock = FakeClock(clock)
        self._shutdown_timeout = shutdown_timeout
        self.seed = seed
        self.faults = Faults(seed)
        self._callbacks = CallbackDispatcher(
            access_secret=self._credentials.access_secret,
            clock=self._clock,
            retry_delays=callback_retry_delays,
            timeout=callback_timeout,
            body_as_text=callback_body_as_text,
            type_spelling=callback_message_types,
        )
        self._state = FakeState(seed, self._clock, self._callbacks.schedule_event)
        self._state.credit_limit_fen = credit_limit_fen
        self._auth = HeaderAuthenticator(
            {self._credentials.access_key: self._credentials.access_secret}, self._clock,
            float(timestamp_tolerance))
        self._dispatcher = RequestDispatcher(
            state=self._state,
            faults=self.faults,
            auth=self._auth,
            clock=self._clock,
            writer=EnvelopeWriter(seed),
            log_requests=log_requests,
            serve_inferred_paths=serve_inferred_paths,
            error_http_status=error_http_status,
            require_logistics_query_signature=require_logistics_query_signature,
        )
        self._alibaba = AlibabaControls(self._state)
        self._taobao = TaobaoControls(self._state, self._dispatcher.serve_unpublished)
        # The nonces seen within the timestamp window (the same set the dispatcher checks).
        self._nonces = self._auth.nonces
        self.requests: list[LoggedRequest] = self._dispatcher.requests
        self._runner: web.ServerRunner | None = None
        self._url: str | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and serve (``async with`` does this)."""
        if self._runner is not None:
            raise RuntimeError("this FakePandaPon is already started")
        self._dispatcher.stopping = asyncio.Event()
        server = web.Server(self._dispatcher.handle, access_log=None, handler_cancellation=False)
        runner = web.ServerRunner(server, shutdown_timeout=self._shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Stop serving, cancel held answers and pending callback deliveries."""
        runner, self._runner = self._runner, None
        self._dispatcher.stopping.set()
        await self._callbacks.aclose()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._url is None:
            raise RuntimeError("FakePandaPon is not started; use 'async with FakePandaPon()'")
        return self._url

    @property
    def credentials(self) -> Credentials:
        """The credentials the fake accepts."""
        return self._credentials

    def app(self) -> web.Application:
        """An ``aiohttp.web.Application`` serving this fake, to mount or run yourself."""
        application = web.Application()
        application.router.add_route("*", "/{tail:.*}", self._dispatcher.handle)
        return application

    # -- state for tests -------------------------------------------------------------------------

    @property
    def credit_limit_fen(self) -> int | None:
        """Total the account may pay, in fen; payments beyond it fail with "账户额度不足".
        ``None`` (the default) is unlimited. Counted against :attr:`paid_total_fen`."""
        return self._state.credit_limit_fen

    @credit_limit_fen.setter
    def credit_limit_fen(self, value: int | None) -> None:
        self._state.credit_limit_fen = value

    @property
    def paid_total_fen(self) -> int:
        """What the fake has charged so far, in fen."""
        return self._state.paid_total_fen

    @property
    def state(self) -> FakeState:
        """The fake's whole in-memory platform (orders, carts, refunds, catalog)."""
        return self._state

    @property
    def alibaba(self) -> AlibabaControls:
        """Test controls for 1688 orders and refunds: ``fake.alibaba.ship(order_id)``, ...
        (see :class:`~pandapon_async.testing.AlibabaControls`)."""
        return self._alibaba

    @property
    def taobao(self) -> TaobaoControls:
        """Test controls for Taobao orders and refunds: ``fake.taobao.pay(order_id)``, ...
        (see :class:`~pandapon_async.testing.TaobaoControls`)."""
        return self._taobao

    @property
    def clock(self) -> FakeClock:
        """The fake's clock (callable like ``time.time``): order times, callback timestamps
        and the callback retry schedule follow it. Pass it to a ``CallbackReceiver(clock=...)``
        so the receiver's timestamp check agrees with the fake after :meth:`advance_clock`."""
        return self._clock

    async def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock forward by ``seconds`` without sleeping.

        First every callback delivery due now is attempted (at the time it was pushed), then
        the clock moves, then every delivery that became due is attempted; the call returns
        when those attempts are done (``advance_clock(0)`` just delivers what is due). Retries
        falling within ``seconds`` (the platform waits 30 minutes between them) are attempted
        at once, and times the fake reports from then on are later by ``seconds``. Request
        signatures are still checked against the un-advanced clock, since the client's clock
        does not move with the fake's."""
        seconds = FakeClock.check_seconds(seconds)
        await self._callbacks.settle()
        self._clock.advance(seconds)
        await self._callbacks.settle()

    def create_alibaba_orders(self, count: int, *, amount_fen: int = 1000) -> list[str]:
        """Create ``count`` unpaid 1688 orders of ``amount_fen`` each; their 19-digit ids.
        (Same as ``fake.alibaba.create_orders``.)"""
        return self._alibaba.create_orders(count, amount_fen=amount_fen)

    def payment_count(self, order_id: str) -> int:
        """How many times the fake actually paid this order (more than 1 is a double payment)."""
        return self._state.payment_counts.get(str(order_id), 0)

    @property
    def payment_counts(self) -> Mapping[str, int]:
        """Order id -> times paid, for every order paid at least once."""
        return dict(self._state.payment_counts)

    def pay_attempt_count(self, order_id: str) -> int:
        """How many times this order was submitted to batch payment, refused or not."""
        return self._state.pay_attempts.get(str(order_id), 0)

    # The 1688 helpers of 0.1, kept as aliases of ``fake.alibaba``.

    def order_status(self, order_id: str) -> str:
        """A 1688 order's ``baseInfo.status`` (alias of ``fake.alibaba.status``)."""
        return self._alibaba.status(order_id)

    def order_detail(self, order_id: str) -> dict[str, Any]:
        """A 1688 order as ``/alibaba/order/detail`` answers it (alias of
        ``fake.alibaba.detail``)."""
        return self._alibaba.detail(order_id)

    def ship_order(self, order_id: str, *, company: str | None = None,
                   tracking_number: str | None = None) -> str:
        """The seller ships a paid 1688 order (alias of ``fake.alibaba.ship``)."""
        return self._alibaba.ship(order_id, company=company, tracking_number=tracking_number)

    def cancel_order(self, order_id: str, reason: str = "buyer cancelled") -> None:
        """Cancel an unpaid 1688 order (alias of ``fake.alibaba.close``)."""
        self._alibaba.close(order_id, reason)

    def change_order_price(self, order_id: str, total_fen: int) -> None:
        """The seller changes an unpaid order's price (alias of
        ``fake.alibaba.change_price``)."""
        self._alibaba.change_price(order_id, total_fen)

    def clear_requests(self) -> None:
        """Forget the request log and the :meth:`reached` counts."""
        self.requests.clear()
        self._dispatcher.reached.clear()

    def reached(self, path: str) -> int:
        """How many requests to ``path`` reached the fake, counted on arrival before any fault
        (a dropped, stalled or refused request counts; one aiohttp never sent does not).
        Counted even when ``log_requests=False``."""
        return self._dispatcher.reached.get(path, 0)

    @property
    def reached_counts(self) -> Mapping[str, int]:
        """Path -> requests that reached the fake (see :meth:`reached`)."""
        return dict(self._dispatcher.reached)

    # -- callbacks -----------------------------------------------------------------------------

    def set_callback_url(self, url: str | None) -> None:
        """Where the fake POSTs signed callback messages; ``None`` stops pushing."""
        self._callbacks.url = url

    async def push_callback(
        self, message_type: str, body: Any, *, platform: int
    ) -> CallbackDelivery:
        """Push one message now; returns the first attempt. Failed deliveries are retried in the
        background on the configured schedule."""
        return await self._callbacks.push(message_type, body, platform)

    @property
    def callback_deliveries(self) -> list[CallbackDelivery]:
        """Every delivery attempt so far, in order."""
        return self._callbacks.deliveries

    async def wait_callbacks_idle(self) -> None:
        """Wait until no callback delivery (or scheduled retry) is pending."""
        await self._callbacks.wait_idle()
