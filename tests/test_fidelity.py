"""Platform fidelity, second pass (issue 14): each item checked against the documented example
or field table in tests/data/endpoints.json, through the public API and FakePandaPon."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import pandapon_async.models as models
from pandapon_async import (
    APIError,
    AuthenticationError,
    Credentials,
    GroupSigner,
    MD5Signer,
    NotFoundError,
    PandaPonClient,
    QuerySignatureSigner,
    RequestSigner,
    SignedAttempt,
    UnexpectedResponseError,
    compute_signature,
    logistics_query_signer,
)
from pandapon_async._signing import sign_attempt
from pandapon_async.models import (
    LIMITS,
    AlibabaAddress,
    AlibabaCargo,
    BatchPayResult,
    FreightReceiverAddress,
    ItemFreightRequest,
    TaobaoRefundDetail,
    TaobaoRefundStatus,
    structure,
    unstructure,
)
from pandapon_async.models.alibaba import CREATE_ADDRESS_FIELDS, PREVIEW_BATCH_ADDRESS_FIELDS
from pandapon_async.models.common import Page
from pandapon_async.resources import ENDPOINTS
from pandapon_async.testing import FakePandaPon

SPEC: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "endpoints.json").read_text("utf-8")
)
BY_PATH = {(e["method"], e["path"]): e for e in SPEC if e["path"]}
ADDRESS = AlibabaAddress(full_name="测试", mobile="18720122943", phone="", post_code="311121",
                         city_text="杭州市", province_text="浙江省", area_text="余杭区",
                         town_text="", address="仓前街道欧美金融城2幢1103")
OVERSEAS = FreightReceiverAddress(country="US", state="California", city="VALLEY VLG",
                                  zip="91607", address="5818 WHITSETT AVE 401", name="Ofir")
LOGISTICS_PATH = "/v2/open/pp/logistics/itemLogisticsPrice"


def _entry(method: str, path: str) -> dict[str, Any]:
    return BY_PATH[(method, path)]


def _fields(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in entry["request_fields"]}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@pytest.fixture
async def fake() -> AsyncIterator[FakePandaPon]:
    async with FakePandaPon(seed=14) as server:
        yield server


def _client(fake: FakePandaPon, **options: Any) -> PandaPonClient:
    return PandaPonClient(fake.credentials, base_url=fake.url, rate_limit=None,
                          retry_backoff=0.001, **options)


@pytest.fixture
async def client(fake: FakePandaPon) -> AsyncIterator[PandaPonClient]:
    async with _client(fake) as api:
        yield api


def _sent(fake: FakePandaPon, path: str) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in fake.requests if r.path == path and r.body]


def _same_json(a: Any, b: Any) -> bool:
    """Equal, JSON types included (``1 == 1.0 == True`` in Python, not on the wire)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_json(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# --- item 1: warehouse-logistics authentication ---------------------------------------------


def test_the_logistics_pages_document_timestamp_and_sign_as_query_parameters() -> None:
    """Rule 3: the reason the group is signed its own way: the field table's own words."""
    fields = _fields(_entry("POST", "/open/pp/logistics/itemLogisticsPrice"))
    assert fields["timestamp"]["required"] and "QUERY" in fields["timestamp"]["description"]
    assert fields["sign"]["required"] and "QUERY" in fields["sign"]["description"]


def test_query_signature_signer_repeats_the_header_timestamp_and_signature() -> None:
    """Rule 3: the query signature is the header signature of the same attempt."""
    credentials = Credentials("AK", "SK", "7")
    signer = QuerySignatureSigner(MD5Signer(clock=lambda: 1_700_000_000,
                                            nonce_factory=lambda: "n" * 32))
    signed = signer.sign_request(credentials, "POST", LOGISTICS_PATH)
    assert signed.query == {"timestamp": "1700000000",
                            "sign": compute_signature("AK", "1700000000", "n" * 32, "SK")}
    assert signed.headers["signature"] == signed.query["sign"]
    assert isinstance(signer, RequestSigner)


def test_group_signer_chooses_by_the_longest_path_prefix() -> None:
    """Rule 3: each attempt is signed by its group's signer, afresh."""
    credentials = Credentials("AK", "SK", "7")
    signer = logistics_query_signer()
    assert isinstance(signer, GroupSigner)
    for path in ("/open/pp/logistics/orderRenderFreight", LOGISTICS_PATH):
        assert set(sign_attempt(signer, credentials, "POST", path).query) == {"timestamp", "sign"}
    assert sign_attempt(signer, credentials, "POST", "/alibaba/order/detail").query == {}
    # A plain Signer (headers only) still works wherever a signer is taken.
    plain = sign_attempt(MD5Signer(), credentials, "GET", "/x")
    assert plain.query == {} and set(plain.headers) >= {"timestamp", "signature"}
    with pytest.raises(ValueError, match="prefixes"):
        GroupSigner(MD5Signer(), {"open/pp": MD5Signer()})


async def test_the_fake_can_demand_the_documented_query_parameters() -> None:
    """Rule 3: the query signature is made afresh for every attempt, like the headers."""
    async with FakePandaPon(seed=1, require_logistics_query_signature=True) as fake:
        item = fake.state.catalog.taobao_items[0]
        call = dict(item_id=str(item.item_id), sku_id=item.skus[0].sku_id, currency="CNY",
                    price="12.50", receiver_address=OVERSEAS)
        async with _client(fake) as headers_only:
            with pytest.raises(AuthenticationError, match="timestamp"):
                await headers_only.logistics.estimate_item_freight(**call)
            # Other groups are not affected.
            await headers_only.taobao.goods.get_product(str(item.item_id))
        fake.clear_requests()
        fake.faults.script(LOGISTICS_PATH, "error", count=1, status=503)
        async with _client(fake, signer=logistics_query_signer()) as signed:
            estimate = await signed.logistics.estimate_item_freight(**call)
            assert estimate[0]["serviceId"] == "1"
            await signed.taobao.goods.get_product(str(item.item_id))
        attempts = [r for r in fake.requests if r.path == LOGISTICS_PATH]
        assert [r.outcome for r in attempts] == ["fault:error", "ok"]
        assert attempts[0].query["sign"] != attempts[1].query["sign"]
        for attempt in attempts:
            assert attempt.query["sign"] == attempt.headers["signature"]
        product_reads = [r for r in fake.requests if r.path == "/open/product/get"]
        assert "sign" not in product_reads[0].query


async def test_a_wrong_query_signature_is_refused_by_the_fake() -> None:
    """Rule 0: a refused signature is an envelope (401) that proves nothing was processed."""
    class WrongSign:
        def sign(self, credentials: Credentials) -> dict[str, str]:
            return MD5Signer().sign(credentials)

        def sign_request(self, credentials: Credentials, method: str, path: str
                         ) -> SignedAttempt:
            headers = self.sign(credentials)
            return SignedAttempt(headers, {"timestamp": headers["timestamp"], "sign": "0" * 32})

    async with FakePandaPon(seed=1, require_logistics_query_signature=True) as fake, \
            _client(fake, signer=WrongSign()) as client:
        with pytest.raises(AuthenticationError, match="query signature"):
            await client.logistics.estimate_item_freight("1", "2", currency="CNY", price="1")


# --- item 2: v2 refund query spelling ------------------------------------------------------------


def test_both_spellings_of_the_logistics_company_code_are_read_and_kept() -> None:
    """Rule 0: the v2 field table spells ``logisticsCompany{logisticsCompanyCode, ...}``."""
    v2_doc = _entry("GET", "/open/order/refund/query")["response_data_fields"][2]["description"]
    assert "logisticsCompany{logisticsCompanyCode" in v2_doc
    for spelling in ("logisticsCompanyCode", "logisticCompanyCode"):
        wire = {"refundOrderAggregate": {"logistics": {
            "logisticsCompany": {spelling: "SF", "logisticsCompanyName": "顺丰"}}}}
        detail = structure(wire, TaobaoRefundDetail)
        company = detail.refund_order_aggregate.logistics.logistics_company  # type: ignore[union-attr]
        assert company.logistics_company_code == "SF"  # type: ignore[union-attr]
        assert unstructure(detail) == wire


async def test_the_fake_answers_the_v2_refund_query_with_the_v2_spelling(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 0: the typed field is filled from the v2 spelling, not left in ``extra``."""
    order = fake.state.create_taobao_order(
        [{"itemId": "1", "skuId": "2", "quantity": 1, "price": 100}], {"name": "a"})
    refund = fake.state.create_taobao_refund(order.lines[0]["subPurchaseOrderId"], 1, 1)
    refund.logistics_company_code = "SF"
    detail = await client.taobao.refunds.get_detail(refund.refund_id)
    company = detail.refund_order_aggregate.logistics.logistics_company  # type: ignore[union-attr]
    assert company.logistics_company_code == "SF"  # type: ignore[union-attr]
    assert "logisticsCompanyCode" in company.extra  # type: ignore[union-attr]
    raw = await client.call("GET", "/v2/taobao/order/refund/query",
                            params={"refundId": refund.refund_id})
    assert raw["refundOrderAggregate"]["logistics"]["logisticsCompany"][
        "logisticsCompanyCode"] == "SF"


# --- item 3: 1688 image search needs imageBase64 -------------------------------------------------


async def test_image_search_sends_the_image_as_documented(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: what is sent is what the field table requires."""
    assert _fields(_entry("POST", "/alibaba/product/image/query"))["imageBase64"]["required"]
    await client.alibaba.goods.search_image(image_base64=b"\xff\xd8\xff",
                                            image_address="https://x/y.jpg")
    await client.alibaba.goods.search_image(image_base64="/9j/4AAQ", version=2)
    sent = _sent(fake, "/alibaba/product/image/query") + _sent(
        fake, "/v2/alibaba/product/image/query")
    assert [body["imageBase64"] for body in sent] == ["/9j/", "/9j/4AAQ"]
    assert sent[0]["imageAddress"] == "https://x/y.jpg"


async def test_an_image_address_alone_is_not_an_image_search(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: input the platform documents as insufficient is refused, nothing sent."""
    with pytest.raises(TypeError, match="image_base64"):
        await client.alibaba.goods.search_image(image_address="https://x/y.jpg")  # type: ignore[call-arg]
    for empty in ("", "  ", b""):
        with pytest.raises(ValueError, match="image_base64"):
            await client.alibaba.goods.search_image(image_base64=empty)
    assert fake.requests == []
    with pytest.raises(APIError, match="imageBase64"):
        await client.call("POST", "/alibaba/product/image/query",
                          json={"imageAddress": "https://x/y.jpg"})


# --- item 4: itemLogisticsPrice requires currency and price -------------------------------------


async def test_item_freight_requires_currency_and_price_as_the_field_table_says(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: a call missing required fields is refused before sending."""
    fields = _fields(_entry("POST", "/open/pp/logistics/itemLogisticsPrice"))
    assert fields["currency"]["required"] and fields["price"]["required"]
    for missing in ("currency", "price"):
        given = {"item_id": "1", "sku_id": "2", "quantity": 1, "currency": "CNY",
                 "price": "1.00"}
        del given[missing]
        with pytest.raises(ValueError, match=f"{missing} is required"):
            models.validate_request(ItemFreightRequest(**given))
    with pytest.raises(TypeError, match="currency"):
        await client.logistics.estimate_item_freight("1", "2")  # type: ignore[call-arg]
    assert fake.requests == []
    item = fake.state.catalog.taobao_items[0]
    await client.logistics.estimate_item_freight(
        str(item.item_id), item.skus[0].sku_id, currency="USD", price="9.90")
    assert _sent(fake, LOGISTICS_PATH)[-1]["currency"] == "USD"
    assert _sent(fake, LOGISTICS_PATH)[-1]["price"] == "9.90"
    with pytest.raises(APIError, match="currency"):
        await client.call("POST", LOGISTICS_PATH, json={"itemId": "1", "skuId": "2",
                                                        "quantity": 1, "price": "1"})


# --- item 6: address parts and sellers checked before sending -----------------------------------


def test_required_address_parts_follow_the_field_tables() -> None:
    """Rule 1: the checks before sending follow the documented tables."""
    create = {_snake(c["name"]) for c in _fields(_entry("POST", "/alibaba/order/create"))[
        "addressParam"]["children"] if c["required"]}
    assert set(CREATE_ADDRESS_FIELDS) == create
    preview = {_snake(c["name"]) for c in _fields(_entry(
        "POST", "/alibaba/order/create/previewbatch"))["addressParam"]["children"]
        if c["required"]}
    # phone: required by the table, left out by the page's own example (the example wins).
    example = _entry("POST", "/alibaba/order/create/previewbatch")["example_request"]
    assert "phone" not in example["addressParam"]
    assert set(PREVIEW_BATCH_ADDRESS_FIELDS) == preview - {"phone"}


@pytest.mark.parametrize("part", CREATE_ADDRESS_FIELDS)
async def test_create_refuses_an_address_missing_a_required_part(
    fake: FakePandaPon, client: PandaPonClient, part: str
) -> None:
    """Rule 1: an order is created at most once, so a bad one is never sent."""
    offer = fake.state.catalog.alibaba_offers[0]
    cargo = [AlibabaCargo(offer_id=str(offer.offer_id), spec_id=offer.skus[0].spec_id,
                          quantity=1)]
    address = attrs.evolve(ADDRESS, **{part: None})
    with pytest.raises(ValueError, match=rf"address_param\.{part}"):
        await client.alibaba.orders.create(address, cargo, flow="general")
    assert fake.requests == []


async def test_create_takes_empty_phone_and_town_but_not_a_blank_name(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: a create is sent at most once, so a blank name is refused first."""
    offer = fake.state.catalog.alibaba_offers[0]
    cargo = [AlibabaCargo(offer_id=str(offer.offer_id), spec_id=offer.skus[0].spec_id,
                          quantity=1)]
    with pytest.raises(ValueError, match=r"address_param\.full_name"):
        await client.alibaba.orders.create(attrs.evolve(ADDRESS, full_name=" "), cargo,
                                           flow="general")
    assert fake.requests == []
    assert await client.alibaba.orders.create(ADDRESS, cargo, flow="general")


async def test_preview_batch_needs_every_seller(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: the documented required seller is checked before sending."""
    assert _fields(_entry("POST", "/alibaba/order/create/previewbatch"))[
        "cargoParamList"]["children"][3] == {"name": "sellerOpenId", "type": "string",
                                             "required": True,
                                             "description": "seller/shop id (店家ID)"}
    first, second = fake.state.catalog.alibaba_offers[:2]
    lines = [AlibabaCargo(offer_id=str(o.offer_id), spec_id=o.skus[0].spec_id, quantity=1,
                          seller_open_id=o.seller_open_id) for o in (first, second)]
    with pytest.raises(ValueError, match=r"cargo_param_list\[1\].seller_open_id"):
        await client.alibaba.orders.preview_batch(
            ADDRESS, [lines[0], AlibabaCargo(offer_id="1", spec_id="s", quantity=1)])
    assert fake.requests == []
    assert await client.alibaba.orders.preview_batch(ADDRESS, lines) is not None


# --- item 7: flow is a required argument ------------------------------------------------------


@pytest.mark.parametrize("method", ["alibaba.orders.create", "alibaba.cart.create_order",
                                    "alibaba.orders.batch_create_v2"])
def test_flow_is_required_with_no_default(method: str) -> None:
    """Rule 1: a business choice on a create is never hidden in a default."""
    client = PandaPonClient(Credentials("AK", "SK", "1"), base_url="http://127.0.0.1:9")
    target: Any = client
    for part in method.split("."):
        target = getattr(target, part)
    parameter = inspect.signature(target).parameters["flow"]
    assert parameter.default is inspect.Parameter.empty
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert "general" in target.__doc__ and "fenxiaonew" in target.__doc__


async def test_the_documented_flows_go_out_as_given(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 1: the create carries the caller's flow, and a blank one is never sent."""
    assert "fenxiaonew" in _fields(_entry("POST", "/alibaba/order/create"))["flow"][
        "description"]
    offer = fake.state.catalog.alibaba_offers[0]
    cargo = [AlibabaCargo(offer_id=str(offer.offer_id), spec_id=offer.skus[0].spec_id,
                          quantity=1)]
    await client.alibaba.orders.create(ADDRESS, cargo, flow="fenxiaonew")
    assert _sent(fake, "/alibaba/order/create")[0]["flow"] == "fenxiaonew"
    with pytest.raises(ValueError, match="flow"):
        await client.alibaba.orders.create(ADDRESS, cargo, flow="")


# --- item 8: limits without a documented source can be raised ------------------------------------


@pytest.fixture
def limits() -> Iterator[models.Limits]:
    saved = {name: getattr(LIMITS, name) for name in LIMITS.names()}
    yield LIMITS
    for name, value in saved.items():
        setattr(LIMITS, name, value)


async def test_an_undocumented_limit_names_itself_and_can_be_raised(
    fake: FakePandaPon, client: PandaPonClient, limits: models.Limits
) -> None:
    """Rule 1: the refusal happens before sending; raising the limit lets the call through."""
    assert "pageSize" in _fields(_entry("POST", "/alibaba/product/keywords/query"))
    ids = fake.create_alibaba_orders(101)
    with pytest.raises(ValueError, match=r"LIMITS\.batch_pay_max_orders"):
        await client.alibaba.orders.batch_submit_to_pay(ids)
    with pytest.raises(ValueError, match=r"LIMITS\.alibaba_page_size_max"):
        await client.alibaba.goods.search_keywords("杯", page_size=101)
    assert fake.requests == []
    limits.batch_pay_max_orders = 200
    limits.alibaba_page_size_max = None
    paid = await client.alibaba.orders.batch_submit_to_pay(ids)
    assert len(paid.success_order_ids) == 101
    page = await client.alibaba.goods.search_keywords("杯", page_size=500)
    assert isinstance(page, Page)
    assert _sent(fake, "/alibaba/product/keywords/query")[0]["pageSize"] == 500


async def test_the_documented_taobao_search_page_size_is_not_overridable(
    fake: FakePandaPon, client: PandaPonClient, limits: models.Limits
) -> None:
    """Rule 1: a documented limit stays a check before sending."""
    assert "1..40" in next(f["description"] for e in SPEC for f in e["request_fields"]
                           if f["name"] == "pageSize" and "(v2)" in f["description"])
    for name in limits.names():
        setattr(limits, name, None)
    with pytest.raises(ValueError, match="between 1 and 40"):
        await client.taobao.goods.search("T恤", page_size=41)
    assert fake.requests == []


# --- item 9: the fake ------------------------------------------------------------------------


async def test_inferred_paths_are_served_only_on_request_and_noted() -> None:
    """Rule 0: a test cannot pass against a path that may 404 in production."""
    inferred = [e for e in SPEC if not e["found"] and e["path"] == "/alibaba/cart/list"]
    assert inferred and inferred[0]["method"] == "GET"
    async with FakePandaPon(seed=2) as fake, _client(fake) as client:
        with pytest.raises(UnexpectedResponseError, match="serve_inferred_paths"):
            await client.call("GET", "/alibaba/cart/list")
        assert await client.call("GET", "/v2/alibaba/cart/list") is not None
        assert [r.note for r in fake.requests] == [None, None]
    async with FakePandaPon(seed=2, serve_inferred_paths=True) as fake, _client(fake) as client:
        assert await client.call("GET", "/alibaba/cart/list") is not None
        assert fake.requests[-1].outcome == "ok"
        assert "inferred" in (fake.requests[-1].note or "")


@pytest.mark.parametrize("http_status", [None, 200])
async def test_the_http_status_of_error_replies_is_a_fake_option(
    http_status: int | None,
) -> None:
    """Rule 0: the envelope, not the HTTP status, says what happened."""
    async with FakePandaPon(seed=2, error_http_status=http_status) as fake, \
            _client(fake, max_retries=0) as client:
        with pytest.raises(NotFoundError) as missing:
            await client.alibaba.orders.get_detail("2000000000000000001")
        with pytest.raises(APIError) as bad:
            await client.call("POST", "/alibaba/order/detail", json={"webSite": ["x"]})
    assert missing.value.code == 404 and bad.value.code == 400
    assert missing.value.http_status == (http_status or 404)
    assert bad.value.http_status == (http_status or 400)
    assert [r.status for r in fake.requests] == [http_status or 404, http_status or 400]


async def test_v1_logistics_detail_has_the_documented_parts(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 0: the fake answers the documented shape, so decoding is tested on it."""
    documented = _entry("GET", "/v2/taobao/order/logistics/detail/get")["example_response"][
        "data"]["pnmLogisticsDetails"][0]
    order = fake.state.create_taobao_order(
        [{"itemId": "1", "skuId": "2", "quantity": 1, "price": 100}], {"name": "a"})
    sub_id = order.lines[0]["subPurchaseOrderId"]
    fake.taobao.pay(order.purchase_order_id)
    fake.taobao.ship(order.purchase_order_id)  # an unshipped order reports no package
    for read in (client.taobao.orders.get_logistics_detail,
                 functools.partial(client.taobao.orders.get_logistics_detail, version=2)):
        detail = await read(sub_id)
        package = detail.pnm_logistics_details[0]
        assert package.logistics_partner and package.logistics_goods
        assert package.receiver
        assert set(documented) <= set(unstructure(package))


async def test_refund_message_is_answered_with_an_object(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 0: the fake answers the documented JSON kind."""
    notes = _entry("POST", "/open/order/refund/submit/message")["notes"]
    assert "data object" in notes
    order = fake.state.create_taobao_order(
        [{"itemId": "1", "skuId": "2", "quantity": 1, "price": 100}], {"name": "a"})
    refund = fake.state.create_taobao_refund(order.lines[0]["subPurchaseOrderId"], 1, 1)
    answer = await client.taobao.refunds.submit_message(refund.refund_id, "hello")
    assert isinstance(answer, dict)
    assert answer["refundOrderAggregate"]["refundOrder"]["refundId"] == refund.refund_id


# --- item 10: round trips give back the documented JSON types ------------------------------------


def _documented_responses() -> Iterator[tuple[str, Any]]:
    for entry in SPEC:
        example = entry["example_response"]
        key = f"{entry['method']} {entry['path']}"
        if (entry["found"] and isinstance(example, dict) and example.get("code") == 200
                and key in ENDPOINTS and ENDPOINTS[key].response is not Any
                and isinstance(example.get("data"), dict)
                and "truncated" not in json.dumps(example)):
            yield key, example["data"]


@pytest.mark.parametrize(("key", "data"), list(_documented_responses()),
                         ids=lambda v: str(v)[:50])
def test_a_documented_answer_re_encodes_exactly(key: str, data: Any) -> None:
    """Rule 7: amounts, ids and empty lists come back as the platform sent them."""
    assert _same_json(unstructure(ENDPOINTS[key].decode(data)), data)


def test_enough_documented_answers_are_checked_exactly() -> None:
    """Rule 7: the exact round trip runs on real documented answers."""
    assert len(list(_documented_responses())) >= 3


def test_field_table_types_survive_a_round_trip() -> None:
    """Built from the field tables: required empty lists and string-array ids."""
    pay = _entry("POST", "/alibaba/order/batch/submit/to/pay")
    assert {f["name"]: f["required"] for f in pay["response_data_fields"]} == {
        "successOrderIds": True, "payFailOrders": True}
    empty = {"successOrderIds": [], "payFailOrders": []}
    assert _same_json(unstructure(structure(empty, BatchPayResult)), empty)
    preview = _entry("POST", "/alibaba/order/create/preview")
    types = {f["name"]: f["type"] for f in preview["response_data_fields"]}
    assert types["unsupportedCrossBorderPayOfferList"] == "array[string]"
    wire = {"orderPreviewResuslt": [{"unsupportedCrossBorderPayOfferList": ["123", "456"],
                                     "sumPayment": 6400, "status": True}]}
    decoded = ENDPOINTS["POST /alibaba/order/create/preview"].decode(wire)
    assert _same_json(unstructure(decoded), wire)
    texts = {"orderPreviewResuslt": [{"sumPayment": 6400, "discountFee": None}]}
    assert _same_json(unstructure(ENDPOINTS["POST /alibaba/order/create/preview"].decode(texts)),
                      texts)


# --- item 11: the Taobao refund status enum is used ----------------------------------------------


async def test_refund_status_codes_are_read_as_the_enum(
    fake: FakePandaPon, client: PandaPonClient
) -> None:
    """Rule 7: the wire text stays as sent; the enum is a reading of it."""
    assert not hasattr(models, "TaobaoOrderStatus")
    order = fake.state.create_taobao_order(
        [{"itemId": "1", "skuId": "2", "quantity": 1, "price": 100}], {"name": "a"})
    refund = fake.state.create_taobao_refund(order.lines[0]["subPurchaseOrderId"], 1, 1)
    detail = await client.taobao.refunds.get_detail(refund.refund_id)
    refund_order = detail.refund_order_aggregate.refund_order  # type: ignore[union-attr]
    assert isinstance(refund_order.refund_status, str)  # type: ignore[union-attr]
    code = refund_order.refund_status_code  # type: ignore[union-attr]
    assert code is TaobaoRefundStatus(int(refund_order.refund_status))  # type: ignore[union-attr]
    page = await client.taobao.refunds.query_list(refund_status=code)  # type: ignore[arg-type]
    assert page.items
    assert _sent(fake, "/open/order/refund/queryList")[-1]["refundStatus"] == int(code)  # type: ignore[arg-type]
    unknown = structure({"refundStatus": "77"}, models.TaobaoRefundOrder)
    assert unknown.refund_status_code == 77 and unknown.refund_status == "77"


# --- item 12: the openUid decrypt endpoint, typed and marked unverified ---------------------------


async def test_decrypt_open_uid_sends_the_example_of_the_public_client(
    fake: FakePandaPon,
) -> None:
    """Rule 1: the unverified endpoint is typed and checked like the others."""
    entry = _entry("POST", "/alibaba/product/openuid/decrypt")
    assert not entry["found"]
    endpoint = ENDPOINTS["POST /alibaba/product/openuid/decrypt"]
    assert endpoint.status == "unverified" and endpoint.idempotent
    example = entry["example_request"]
    prepared = endpoint.prepare(models.AlibabaOpenUidDecryptRequest(
        offer_id=example["offerId"], open_uid=example["openUid"]))
    assert prepared.json == {"offerId": "951807530375", "openUid": "BBBJ82cNui3EUaxxMi_7Go73g"}
    async with _client(fake) as client:
        # The fake has no documented answer to imitate: it does not serve the path.
        with pytest.raises(UnexpectedResponseError):  # the gateway's 404, no envelope
            await client.alibaba.goods.decrypt_open_uid(example["offerId"], example["openUid"])
        with pytest.raises(ValueError, match="open_uid"):
            await client.alibaba.goods.decrypt_open_uid("1", "")
