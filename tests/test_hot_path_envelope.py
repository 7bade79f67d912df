"""The envelope's fast path for the common answer decides exactly as the full rules do.

Rule 0: only a JSON object with an integer ``code`` proves anything, and a 1688 failure inside
a successful envelope is a failure. The fast path (HTTP 200, int code 200, data that is not a
business failure) must return the same ``(data, request_id)`` and send everything else to the
full path: these cases sit on both sides of its conditions.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pandapon_async import (
    APIError,
    BusinessError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)
from pandapon_async._envelope import decode_response

HEADERS = {"Content-Type": "application/json"}


def body(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize(
    ("status", "raw", "check_business", "expected"),
    [
        # The common answer, with every shape of data and requestId.
        (200, body(code=200, requestId="r1", data={"a": 1}), True, ({"a": 1}, "r1")),
        (200, body(code=200, requestId="r1", data=[1]), True, ([1], "r1")),
        (200, body(code=200, requestId="r1", data=None), True, (None, "r1")),
        (200, body(code=200, requestId="r1"), True, (None, "r1")),
        (200, body(code=200, requestId="", data=1), True, (1, None)),
        (200, body(code=200, requestId=None, data=1), True, (1, None)),
        (200, body(code=200, data=1), True, (1, None)),
        (200, body(code=200, requestId=12, data=1), True, (1, "12")),
        (200, body(code=200, requestId=0, data=1), True, (1, "0")),
        # A 1688 answer that says it succeeded, or says nothing a boolean can read.
        (200, body(code=200, requestId="r", data={"success": True}), True,
         ({"success": True}, "r")),
        (200, body(code=200, requestId="r", data={"success": None}), True,
         ({"success": None}, "r")),
        (200, body(code=200, requestId="r", data={"success": "maybe"}), True,
         ({"success": "maybe"}, "r")),
        # A failure, read only when asked to.
        (200, body(code=200, requestId="r", data={"success": False}), False,
         ({"success": False}, "r")),
        # Off the fast path, still successes: a string code, another 2xx status.
        (200, body(code="200", requestId="r", data=1), True, (1, "r")),
        (200, body(code=" 200 ", requestId="r", data=1), True, (1, "r")),
        (201, body(code=200, requestId="r", data=1), True, (1, "r")),
        (299, body(code=200, requestId="r", data=1), True, (1, "r")),
    ],
)
def test_successful_envelopes_decode_to_data_and_request_id(
    status: int, raw: bytes, check_business: bool, expected: tuple[Any, str | None]
) -> None:
    assert decode_response(status, raw, HEADERS, endpoint="POST /x",
                           check_business=check_business) == expected


@pytest.mark.parametrize("success", [False, "false", " FALSE ", 0, "0"])
def test_a_business_failure_inside_a_200_envelope_raises(success: Any) -> None:
    raw = body(code=200, requestId="r", data={"success": success, "errorCode": "E1",
                                               "errorMsg": "no"})
    with pytest.raises(BusinessError) as caught:
        decode_response(200, raw, HEADERS, endpoint="POST /x")
    assert (caught.value.error_code, caught.value.error_message) == ("E1", "no")
    assert caught.value.request_id == "r"


@pytest.mark.parametrize(
    ("status", "raw", "error"),
    [
        # No integer code: no envelope, whatever the status (rule 0).
        (200, body(code=200.0, data=1), UnexpectedResponseError),
        (200, body(code=True, data=1), UnexpectedResponseError),
        (200, body(code=None, data=1), UnexpectedResponseError),
        (200, body(data=1), UnexpectedResponseError),
        (200, b"[200]", UnexpectedResponseError),
        (200, b"", UnexpectedResponseError),
        (200, b"<html>ok</html>", UnexpectedResponseError),
        (200, b'{"code":200,"data":', UnexpectedResponseError),
        # An envelope code 200 around a failing HTTP status is not a success.
        (500, body(code=200, data=1), ServerError),
        (429, body(code=200, data=1), RateLimitError),
        (302, body(code=200, data=1), APIError),
        # A failing code inside HTTP 200.
        (200, body(code=500, data=1), ServerError),
        (200, body(code=429, data=1), RateLimitError),
        (200, body(code=4001, data=1), APIError),
    ],
)
def test_anything_else_raises_the_error_it_stands_for(
    status: int, raw: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        decode_response(status, raw, HEADERS, endpoint="POST /x")
