"""The ``[speedups]`` extra (orjson) changes speed, never results: every test here runs with
and without it, and decoded models are equal either way."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from test_endpoints_spec import _example_responses

from pandapon_async import PandaPonClient, _json
from pandapon_async.models import AlibabaOrderDetail, structure, unstructure
from pandapon_async.resources import ENDPOINTS
from pandapon_async.testing import FakePandaPon

pytest.importorskip("orjson")


@pytest.fixture(params=[True, False], ids=["orjson", "stdlib"])
def speedups(request: pytest.FixtureRequest) -> Iterator[bool]:
    before = _json.speedups_enabled()
    assert _json.use_speedups(request.param) is request.param
    try:
        yield request.param
    finally:
        _json.use_speedups(before)


def _with_speedups(enabled: bool, function: Any, *args: Any) -> Any:
    before = _json.speedups_enabled()
    _json.use_speedups(enabled)
    try:
        return function(*args)
    finally:
        _json.use_speedups(before)


def _same(left: Any, right: Any) -> bool:
    """Equal values of equal types all the way down (1 == 1.0 == True is not enough)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right)


EDGE_BODIES = [
    b'{"code":200,"data":{"id":2059624776425880794,"amount":6.15,"text":"89.57"}}',
    b'{"id":18446744073709551615}',
    b'{"id":18446744073709551616}',  # beyond 64 bits: orjson would make it a float
    b'{"id":-9223372036854775809}',
    b'{"id":123456789012345678901234567890}',
    b'[ 12345678901234567890123,\n\t-98765432109876543210]',
    b"12345678901234567890123",
    b'{"buyerID":"b2b-2209876543210880794","specId":"0000000000000000000000000","n":1}',
    b'{"text":"a:12345678901234567890123","n":[1.2345678901234567890123]}',
    b'[1e400, -1e400]',
    b'[NaN, Infinity, -Infinity]',
    b'"\\ud800"',  # a lone surrogate
    b'{"a":1,"a":2}',
    b'\xef\xbb\xbf{"bom":true}',
    '{"text":"\u5f20\u4e09"}'.encode("utf-16"),
    b'[0.1, 0.30000000000000004, 1E5, -0, -0.0, 5e-324, 1.7976931348623157e308]',
    b'{"deep":' * 50 + b"1" + b"}" * 50,
]


@pytest.mark.parametrize("body", EDGE_BODIES, ids=range(len(EDGE_BODIES)))
def test_bodies_decode_the_same_with_and_without_orjson(body: bytes) -> None:
    """Rule 7 (amounts as sent) and exact ids: orjson reads what the standard library reads."""
    expected = json.loads(body)
    assert _same(_with_speedups(True, _json.loads, body), expected)
    assert _same(_with_speedups(False, _json.loads, body), expected)


@pytest.mark.parametrize("body", [b"", b"{", b"nul", b'{"a":}', b"\xff\xfe\x00"])
def test_bad_bodies_fail_alike(body: bytes, speedups: bool) -> None:
    with pytest.raises(ValueError):
        json.loads(body)
    with pytest.raises(ValueError):
        _json.loads(body)


PAYLOADS: list[Any] = [
    {"webSite": "1688", "orderId": 2059624776425880794},
    {"orderIdList": ["1", "2"], "flag": True, "none": None, "price": 0.00001, "big": 10**30},
    {"text": "夏季 \u2028 <tag> \"quoted\"", "nested": [{"a": [1, 2.5, -3]}]},
    {1: "int key"},
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_request_bodies_carry_the_same_json(payload: Any, speedups: bool) -> None:
    """What goes on the wire reads back as the same values either way (floats may be spelled
    differently, as the same number)."""
    encoded = _json.dumps(payload)
    expected = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    assert _same(json.loads(encoded), json.loads(expected))
    if "price" not in str(payload):
        assert encoded == expected.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, Decimal("1.5"), object()])
def test_values_json_cannot_hold_are_not_turned_into_null(value: Any, speedups: bool) -> None:
    """orjson writes NaN as null; the body must fail as it does without orjson."""
    with pytest.raises((ValueError, TypeError)) as expected:
        json.dumps({"amount": value}, allow_nan=False)
    with pytest.raises(type(expected.value)):
        _json.dumps_checked({"amount": value})


@pytest.mark.parametrize(("key", "data"), list(_example_responses()), ids=lambda v: str(v)[:60])
def test_documented_examples_decode_to_equal_models_with_and_without_orjson(
    key: str, data: Any
) -> None:
    """Rule 7: every documented example answer, through JSON text and the endpoint's decoder,
    gives equal models (and equal re-encodings) with and without orjson."""
    endpoint = ENDPOINTS[key]
    envelope = json.dumps({"code": 200, "data": data}, ensure_ascii=False).encode()
    with_orjson = endpoint.decode(_with_speedups(True, _json.loads, envelope)["data"])
    without = endpoint.decode(_with_speedups(False, _json.loads, envelope)["data"])
    assert with_orjson == without
    assert _same(unstructure(with_orjson), unstructure(without))


async def test_typed_and_raw_calls_agree_with_and_without_orjson(speedups: bool) -> None:
    """Rule 7 end to end: the same order detail, typed and raw, whichever JSON library."""
    async with FakePandaPon() as fake:
        (order_id,) = fake.create_alibaba_orders(1)
        async with PandaPonClient(fake.credentials, base_url=fake.url,
                                  rate_limit=None) as client:
            detail = await client.alibaba.orders.get_detail(order_id)
            raw = await client.call("POST", "/alibaba/order/detail",
                                    json={"webSite": "1688", "orderId": order_id})
    assert detail == structure(raw, AlibabaOrderDetail)
    assert detail.order_id == order_id


@pytest.mark.parametrize(
    "text", ['{"id":2059624776425880794}', '"\ud800"', "[12345678901234567890123]"]
)
def test_text_bodies_decode_the_same(text: str, speedups: bool) -> None:
    assert _same(_json.loads(text), json.loads(text))
