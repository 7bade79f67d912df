"""Testing your own code against the fake with the plugin's fixtures.

    pip install "pandapon-async[testing]"     # pytest, pytest-asyncio, aioresponses
    pytest examples/test_my_code.py

No configuration needed: an ``async def`` test asking for ``pandapon_client`` or
``fake_pandapon`` is run by pytest-asyncio (the plugin marks it), in strict mode too.
"""

from __future__ import annotations

import pytest

from pandapon_async import PandaPonClient
from pandapon_async.testing import FakePandaPon


# --- your code -------------------------------------------------------------------------
async def pay_and_report(client: PandaPonClient, order_ids: list[str]) -> dict[str, str]:
    """Pay the orders; answer each id's status afterwards."""
    await client.bulk.submit_to_pay(order_ids)
    lookup = await client.bulk.get_orders(order_ids)
    return lookup.statuses()


# --- its tests -------------------------------------------------------------------------
async def test_pays_each_order_once(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    order_ids = fake_pandapon.alibaba.create_orders(3)

    statuses = await pay_and_report(pandapon_client, order_ids)

    assert statuses == {order_id: "waitsellersend" for order_id in order_ids}
    assert all(fake_pandapon.payment_count(order_id) == 1 for order_id in order_ids)


class TestLowCredit:
    @pytest.fixture
    def fake_pandapon_options(self) -> dict[str, object]:
        """The fake for these tests: an account with 15 yuan of credit."""
        return {"seed": 0, "credit_limit_fen": 1500}

    async def test_reports_orders_refused_for_credit(
        self, fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
    ) -> None:
        order_ids = fake_pandapon.alibaba.create_orders(2, amount_fen=1000)

        statuses = await pay_and_report(pandapon_client, order_ids)

        assert sorted(statuses.values()) == ["waitbuyerpay", "waitsellersend"]
