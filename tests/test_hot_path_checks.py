"""The per-class request validator decides exactly as the full field rules do.

Nothing is sent on a bad request (``ValueError`` naming the first bad field). The validator
every call runs accepts common valid values with a few constant tests and hands anything
else to the full rule; this compares the two on every declared request class with values
on both sides of every rule (blank, digits, leading zeros, bounds, duplicates, types).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pandapon_async.resources  # noqa: F401  (declares every endpoint)
from pandapon_async._endpoint import ENDPOINTS
from pandapon_async.models import LIMITS
from pandapon_async.models._base import converter
from pandapon_async.models._checks import _validate, request_encoder, validate_request

REQUEST_CLASSES = sorted(
    {declared.request for declared in ENDPOINTS.values() if declared.request is not None},
    key=lambda cls: cls.__qualname__,
)


class IdList(list[Any]):
    """A list subclass: not the exact class the quick test accepts."""


SCALARS: list[Any] = [
    None, "", " ", "1688", "12", "0", "012", "12a", "١٢", "²", "x" * 3, 0, 1, 5, 101, -1,
    10**6, True, False, 1.5, {"a": 1},
]
LISTS: list[Any] = [
    [], ["1"], ["1", "2"], ["1", "1"], ["01"], ["0"], ["a"], [""], [1], [1, 2], [1, 1],
    ("1", "2"), IdList(["1"]), [str(n) for n in range(1, 102)], [None], ["1", 2],
    [{"a": 1}], [["1"]], ["1", {"a": 1}],
]
# Mostly values that pass a typical rule, so that later fields are reached too.
LIKELY_VALID: list[Any] = ["12", "1688", 5, ["1", "2"], [1, 2], None]
VALUES = st.one_of(st.sampled_from(LIKELY_VALID), st.sampled_from(SCALARS + LISTS))


ENCODERS: dict[type, Any] = {}


def outcome(check: Any, obj: Any) -> tuple[type[BaseException], str] | None:
    try:
        check(obj)
    except Exception as error:  # the exact error is what is compared
        return type(error), str(error)
    return None


def full_rules(obj: Any) -> None:
    _validate(obj)
    check_fields = getattr(obj, "check_fields", None)
    if check_fields is not None:
        check_fields()


@settings(max_examples=600, deadline=None)
@given(cls=st.sampled_from(REQUEST_CLASSES), data=st.data())
def test_the_validator_raises_what_the_full_rules_raise(cls: type, data: st.DataObject) -> None:
    names = [attribute.name for attribute in attrs.fields(cls)]
    obj = cls(**{name: data.draw(VALUES, label=name) for name in names})
    expected = outcome(full_rules, obj)
    assert outcome(validate_request, obj) == expected
    # What a typed call runs: the same check, then the class's own unstructure function.
    encoder = ENCODERS.get(cls) or ENCODERS.setdefault(
        cls, request_encoder(cls, converter.get_unstructure_hook(cls)))
    assert outcome(encoder, obj) == expected
    if expected is None:
        assert encoder(obj) == converter.unstructure(obj)


def test_an_unhashable_id_is_a_value_error_naming_the_item() -> None:
    from pandapon_async.models.alibaba import BatchPayRequest

    with pytest.raises(ValueError, match=r"order_ids\[1\] must be a str, got dict"):
        validate_request(BatchPayRequest(order_ids=["1", {"a": 1}]))  # type: ignore[list-item]


def test_valid_requests_pass_and_a_changed_limit_is_read_at_each_call() -> None:
    from pandapon_async.models.alibaba import BatchPayRequest

    request = BatchPayRequest(order_ids=["1", "2", "3"])
    validate_request(request)
    previous = LIMITS.batch_pay_max_orders
    LIMITS.batch_pay_max_orders = 2
    try:
        assert outcome(validate_request, request) == outcome(full_rules, request) != None  # noqa: E711
    finally:
        LIMITS.batch_pay_max_orders = previous
    validate_request(request)
