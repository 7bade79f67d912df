"""Generated model decoding (issue 17): the same models as before, faster, and lazily built.

Every model class is decoded three ways from the same random JSON and must agree:

* the reference: the model rules on top of cattrs' own structure function (what decoded every
  answer before issue 17);
* the generated eager function (``structure()``, callbacks, the fake);
* what a typed endpoint call does: nested models kept as JSON, each checked as it is deferred,
  decoded on first read.

Rule 0 protected here: a typed call whose answer does not decode fails at the call (a write
with an unknown outcome), never later when a nested part is first read.
"""

from __future__ import annotations

import copy
import importlib
import math
import pickle
from decimal import Decimal
from typing import Any, get_args, get_origin

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pandapon_async import OutcomeUnknownError, PandaPonClient, ResponseDecodeError
from pandapon_async.models import AlibabaOrderDetail, Model, structure, unstructure
from pandapon_async.models._decoders import lazy_structure_hook
from pandapon_async.models._fields import _ALIASES, MissingType, _is_model, wire_name
from pandapon_async.models._wire import _cattrs_model_structure_fn
from pandapon_async.models.common import Page
from pandapon_async.testing import FakePandaPon

PAY = "/alibaba/order/batch/submit/to/pay"
DETAIL = "/alibaba/order/detail"


def _model_classes() -> list[type[Model]]:
    importlib.import_module("pandapon_async.callbacks")  # the callback body models

    found: list[type[Model]] = []
    pending = list(Model.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if attrs.has(cls) and not issubclass(cls, Page) and cls.__module__.startswith(
                "pandapon_async"):
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


MODELS = _model_classes()

# Values that sit on the edge of a rule: numbers as text, booleans as text or numbers,
# fractions where integers are expected, non-finite floats, ids past 64 bits.
EDGE_TEXT = st.sampled_from(["12", "1.50", " 7 ", "true", "False", "0", "1", "x", "", "NaN",
                             "1e3", "-0", "2059624776425880794", "waitbuyerpay"])
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=4) | EDGE_TEXT)


def _values(tp: Any, depth: int) -> st.SearchStrategy[Any]:
    """JSON values for a field of type ``tp``: well-shaped ones and anything else."""
    options = [SCALARS]
    for arg in (get_args(tp) if get_origin(tp) is not list else ()) or (tp,):
        if arg is MissingType or arg is type(None):
            continue
        if _is_model(arg) and depth < 3:
            options.append(_objects(arg, depth + 1))
        elif get_origin(arg) is list:
            (item,) = get_args(arg) or (Any,)
            options.append(st.lists(_values(item, depth + 1), max_size=3))
        elif get_origin(arg) is dict:
            options.append(st.dictionaries(st.text(max_size=3), SCALARS, max_size=2))
    if get_origin(tp) is list:
        (item,) = get_args(tp) or (Any,)
        options.append(st.lists(_values(item, depth + 1), max_size=3))
    options.append(st.lists(SCALARS, max_size=2))
    return st.one_of(options)


def _objects(cls: type[Model], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    attrs.resolve_types(cls)
    optional: dict[str, st.SearchStrategy[Any]] = {"undocumentedKey": SCALARS}
    for attribute in attrs.fields(cls):
        if attribute.name in ("extra", "_absent_keys"):
            continue
        for key in (wire_name(attribute), *attribute.metadata.get(_ALIASES, ())):
            optional[key] = _values(attribute.type, depth)
    return st.fixed_dictionaries({}, optional=optional)


def _outcome(decode: Any, data: Any) -> tuple[str, Any]:
    try:
        return "ok", decode(data, None)
    except Exception as error:  # whatever the rules raise; typed calls wrap it (rule 0)
        return "error", error


def _same_model(left: Any, right: Any) -> None:
    """Equal by every means a user has: ==, re-encoding (through ``extra`` and the keys the
    platform left out), repr, pickling."""
    assert left == right
    assert _json_equal(unstructure(left), unstructure(right))
    assert repr(left) == repr(right)
    assert _json_equal(unstructure(pickle.loads(pickle.dumps(left))), unstructure(right))


def _json_equal(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    return bool(left == right) and type(left) is type(right)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_decoding_matches_cattrs_and_lazy_matches_eager(
    cls: type[Model], data: st.DataObject
) -> None:
    """Issue 17: "every decoding test passes unchanged; the decoded models are equal before
    and after"; rule 0: the lazy decode of a typed call fails exactly when eager decoding
    does, at the call."""
    raw = data.draw(_objects(cls) | SCALARS)
    reference = _outcome(_cattrs_model_structure_fn(cls), raw)
    eager = _outcome(lambda value, _: structure(value, cls), raw)
    lazy = _outcome(lazy_structure_hook(cls), raw)
    assert eager[0] == reference[0] == lazy[0], (reference, eager, lazy)
    if eager[0] == "error":
        assert type(eager[1]) is type(reference[1])
        assert str(eager[1]) == str(reference[1])
        return
    _same_model(eager[1], reference[1])
    assert eager[1]._absent_keys == reference[1]._absent_keys
    _same_model(lazy[1], eager[1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_typed_page_defers_each_item_like_a_model(data: st.DataObject) -> None:
    """An order list (``Page[AlibabaOrderDetail]``) decoded by a typed call: each item's
    nested models deferred, the page equal to the eagerly decoded one; same failures."""
    page_type = Page[AlibabaOrderDetail]
    items = st.lists(_objects(AlibabaOrderDetail) | SCALARS, max_size=3)
    raw = data.draw(items | st.fixed_dictionaries(
        {"data": items}, optional={"totalRecords": SCALARS, "pageSize": st.integers(0, 50)}))
    eager = _outcome(lambda value, _: structure(value, page_type), raw)
    lazy = _outcome(lazy_structure_hook(page_type), raw)
    assert eager[0] == lazy[0], (eager, lazy)
    if eager[0] == "ok":
        assert lazy[1] == eager[1]
        assert _json_equal(unstructure(lazy[1]), unstructure(eager[1]))


def test_a_model_with_a_validator_is_decoded_through_its_init() -> None:
    """A model the generated function cannot fill slot by slot still decodes, checks and all."""

    @attrs.define(kw_only=True, repr=False)
    class Checked(Model):
        amount: Decimal | None = attrs.field(default=None,
                                             validator=attrs.validators.optional(
                                                 attrs.validators.instance_of(Decimal)))
        note: str = attrs.field(default="", validator=attrs.validators.max_len(3))

    decoded = structure({"amount": 6.15, "note": "ok", "more": 1}, Checked)
    assert decoded.amount == Decimal("6.15")
    assert decoded.extra == {"more": 1}
    with pytest.raises(ValueError, match="note"):
        structure({"note": "too long"}, Checked)


DETAIL_DATA: dict[str, Any] = {
    "baseInfo": {"idOfStr": "2059624776425880794", "status": "waitbuyerpay",
                 "totalAmount": 128.5, "buyerContact": {"name": "张三"}},
    "productItems": [{"subItemID": 4123456789012345678, "price": "19.75",
                      "skuInfos": [{"name": "颜色", "value": "白色"}]},
                     {"subItemID": "4123456789012345679", "quantity": 2}],
    "nativeLogistics": {"city": "杭州市", "logisticsItems": [{"id": 1}]},
    "tradeTerms": [{"phasAmount": 128.5, "cardPay": "false"}],
    "undocumented": {"kept": True},
}


async def test_a_typed_answer_reads_like_an_eagerly_decoded_one(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """What a typed call returns is the model ``structure()`` builds, however it is read."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(DETAIL, "processed_then_bad_data", data=DETAIL_DATA)
    detail = await pandapon_client.alibaba.orders.get_detail(order_id)
    expected = structure(DETAIL_DATA, AlibabaOrderDetail)
    assert detail.product_items[0].price == Decimal("19.75")
    assert detail.product_items[0].sub_item_id == "4123456789012345678"
    assert detail.trade_terms and detail.trade_terms[0].card_pay is False
    assert detail.extra == {"undocumented": {"kept": True}}
    _same_model(detail, expected)
    for copied in (copy.copy(detail), copy.deepcopy(detail), attrs.evolve(detail)):
        assert copied == expected
    assert attrs.asdict(detail) == attrs.asdict(expected)
    assert unstructure(detail) == unstructure(expected)


async def test_a_bad_part_fails_the_read_at_the_call_naming_its_path(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0 on reads: a nested part that does not decode fails the call, typed, with its
    field path; it does not wait to be read."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    bad = copy.deepcopy(DETAIL_DATA)
    bad["productItems"][1]["quantity"] = "two"
    fake_pandapon.faults.script(DETAIL, "processed_then_bad_data", data=bad)
    with pytest.raises(ResponseDecodeError) as caught:
        await pandapon_client.alibaba.orders.get_detail(order_id)
    assert caught.value.field_path == "data.productItems[1].quantity"


async def test_a_payment_answer_with_a_bad_failure_entry_is_unknown_at_once(
    fake_pandapon: FakePandaPon, pandapon_client: PandaPonClient
) -> None:
    """Rule 0: the platform paid; an answer whose ``payFailOrders`` cannot be read makes the
    call's outcome unknown there and then, not when the list is first read."""
    order_id = fake_pandapon.create_alibaba_orders(1)[0]
    fake_pandapon.faults.script(PAY, "processed_then_bad_data",
                                data={"successOrderIds": [order_id],
                                      "payFailOrders": [{"orderId": "1"}, 42]})
    with pytest.raises(OutcomeUnknownError) as caught:
        await pandapon_client.alibaba.orders.batch_submit_to_pay([order_id])
    cause = caught.value.cause
    assert isinstance(cause, ResponseDecodeError)
    assert cause.field_path == "data.payFailOrders[1]"
    assert fake_pandapon.payment_count(order_id) == 1
