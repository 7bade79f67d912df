"""Properties of the converter over generated input (hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pandapon_async.models import (
    AlibabaConfirmReceiptRequest,
    BatchPayResult,
    structure,
    unstructure,
    validate_request,
)
from pandapon_async.models._base import structure_bool

FAST = settings(max_examples=300, deadline=None)


@FAST
@given(st.text(max_size=25) | st.from_regex(r"\A0*[0-9]{1,20}\Z"))
def test_the_id_check_and_the_encoder_agree_on_every_string(order_id: str) -> None:
    """Rule 1: an id either is refused before sending, or goes out as the very same number."""
    request = AlibabaConfirmReceiptRequest(order_id=order_id, order_entry_ids=["1"])
    try:
        validate_request(request)
    except ValueError as error:
        assert "order_id" in str(error)
        return
    sent = unstructure(request)["orderId"]
    assert isinstance(sent, int) and str(sent) == order_id


@FAST
@given(st.one_of(st.booleans(), st.integers(), st.text(max_size=6), st.floats(),
                 st.none(), st.lists(st.booleans(), max_size=2)))
def test_a_boolean_is_read_only_from_a_boolean_form(value: Any) -> None:
    """Rule 0: only true/false and 1/0 (as text too) are booleans; nothing else is guessed."""
    try:
        result = structure_bool(value, "data")
    except ValueError:
        known = isinstance(value, bool) or (type(value) is int and value in (0, 1)) or (
            isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"))
        assert not known
        return
    if isinstance(value, str):
        assert result is (value.strip().lower() in ("true", "1"))
    else:
        assert type(value) in (bool, int) and result is (value == 1)


@FAST
@given(
    ids=st.lists(st.from_regex(r"\A[1-9][0-9]{18}\Z"), max_size=5),
    failures=st.lists(st.fixed_dictionaries({
        "orderId": st.from_regex(r"\A[1-9][0-9]{18}\Z"),
        "errorReason": st.text(max_size=10)}), max_size=3),
)
def test_batch_pay_answers_round_trip_exactly(ids: list[str], failures: list[Any]) -> None:
    """Rule 7: re-encoding a decoded answer gives back the documented JSON types."""
    wire = {"successOrderIds": ids, "payFailOrders": failures}
    assert unstructure(structure(wire, BatchPayResult)) == wire


@FAST
@given(st.decimals(allow_nan=False, allow_infinity=False, places=5))
def test_decimal_text_round_trips_without_exponent(amount: Decimal) -> None:
    """Rule 7: a filter goes out as plain text that reads back as the same number."""
    from pandapon_async.models import AlibabaKeywordSearchRequest

    sent = unstructure(AlibabaKeywordSearchRequest(keyword="x", price_start=amount))
    text = sent["priceStart"]
    assert "E" not in text and "e" not in text
    assert Decimal(text) == amount
