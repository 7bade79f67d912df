"""Request validation compiled once from the packaged endpoint spec (types, required fields)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._signing import (
    HEADER_ACCESS_KEY,
    HEADER_NONCE,
    LOGISTICS_PATH_PREFIXES,
    compute_signature,
)

__all__ = [
    "FakeAPIError",
    "FieldCheck",
    "check_query_signature",
    "compile_fields",
    "is_logistics_path",
    "validate",
]

# Nested "required" flags in the published schemas contradict the published examples in places
# (e.g. freightInfo), so only these nested fields are enforced; others are type-checked only.
_NESTED_REQUIRED = frozenset({"offerId", "specId", "quantity", "itemId", "skuId"})
_INT_TEXT = re.compile(r"-?\d+\Z")
_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?\Z")


class FakeAPIError(Exception):
    """Raised by handlers: answered as an error envelope with ``code`` and HTTP ``status``."""

    def __init__(self, code: int, msg: str, *, status: int | None = None,
                 outcome: str = "error") -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = code if status is None else status
        self.outcome = outcome


def bad_request(field: str, problem: str) -> FakeAPIError:
    return FakeAPIError(400, f"参数错误 (invalid parameter) {field}: {problem}")


Checker = Callable[[Any, str], None]


class FieldCheck:
    __slots__ = ("check", "name", "nullable", "required")

    def __init__(self, name: str, required: bool, nullable: bool, check: Checker) -> None:
        self.name = name
        self.required = required
        self.nullable = nullable
        self.check = check


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _INT_TEXT.match(value.strip()) is not None


def _check_int(value: Any, where: str) -> None:
    # The platform is a Java service: a numeric string is accepted where an integer is
    # declared (19-digit order ids arrive either way), a fraction or a word is not.
    if not _is_int(value):
        raise bad_request(where, f"must be an integer, got {value!r}"[:200])


def _check_number(value: Any, where: str) -> None:
    if isinstance(value, bool) or not (
        isinstance(value, int | float)
        or (isinstance(value, str) and _NUMBER_TEXT.match(value.strip()))
    ):
        raise bad_request(where, f"must be a number, got {value!r}"[:200])


def _check_str(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise bad_request(where, f"must be a string, got {type(value).__name__}")


def _check_bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise bad_request(where, f"must be a boolean, got {value!r}"[:200])


def _any(value: Any, where: str) -> None:
    return None


def _object_checker(children: Sequence[FieldCheck]) -> Checker:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise bad_request(where, f"must be an object, got {type(value).__name__}")
        if children:
            validate(value, children, prefix=f"{where}.")

    return check


def _array_checker(item: Checker) -> Checker:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise bad_request(where, f"must be an array, got {type(value).__name__}")
        if item is not _any:
            for index, element in enumerate(value):
                if element is None:
                    raise bad_request(f"{where}[{index}]", "must not be null")
                item(element, f"{where}[{index}]")

    return check


def _scalar_checker(base: str, children: Sequence[FieldCheck]) -> Checker:
    base = base.strip().lower()
    if base.startswith("integer"):
        return _check_int
    if base.startswith("number"):
        return _check_number
    if base.startswith("string"):
        return _check_str
    if base.startswith("boolean"):
        return _check_bool
    if base.startswith("object") or base.startswith("{") or "{" in base:
        return _object_checker(children)
    return _any


def _checker_for(type_text: str, children: Sequence[FieldCheck]) -> Checker:
    base = type_text.split("|")[0].strip()
    if base.lower().startswith("array"):
        inner = base[len("array"):].strip()
        if inner.startswith("[") and inner.endswith("]"):
            return _array_checker(_scalar_checker(inner[1:-1], children))
        return _array_checker(_any)
    return _scalar_checker(base, children)


def compile_fields(
    fields: Sequence[Mapping[str, Any]],
    *,
    optional: frozenset[str] = frozenset(),
    nested: bool = False,
) -> tuple[FieldCheck, ...]:
    """Turn the spec's ``request_fields`` into checks (``optional`` names are not required)."""
    checks = []
    for field in fields:
        name = str(field["name"])
        if not name or not name[0].isalpha():
            continue
        type_text = str(field.get("type") or "")
        children = compile_fields(field.get("children") or (), nested=True)
        required = bool(field.get("required")) and name not in optional
        if nested and name not in _NESTED_REQUIRED:
            required = False
        nullable = "null" in type_text.split("|")[1:]
        checks.append(FieldCheck(name, required, nullable, _checker_for(type_text, children)))
    return tuple(checks)


def validate(payload: Mapping[str, Any], checks: Sequence[FieldCheck], prefix: str = "") -> None:
    """Raise a ``400`` :class:`FakeAPIError` naming the first field that is missing or wrong."""
    for field in checks:
        value = payload.get(field.name)
        if value is None:
            # "required" with a "|null" type: the key must be there, null is a value.
            if field.required and not (field.nullable and field.name in payload):
                raise bad_request(prefix + field.name, "is required")
            continue
        field.check(value, prefix + field.name)


# --- the warehouse-logistics query signature ----------------------------------------------------

_MS_DIGITS = 13


def is_logistics_path(path: str) -> bool:
    """A warehouse-logistics path (``/open/pp/logistics/*``, and its v2)."""
    return path.startswith(LOGISTICS_PATH_PREFIXES)


def check_query_signature(
    query: Mapping[str, str],
    headers: Mapping[str, str],
    secrets: Mapping[str, str],
    now: float,
    tolerance: float,
) -> str | None:
    """``None`` if the documented ``timestamp`` and ``sign`` query parameters are present and
    check out under the library's guess (the header rule over the query timestamp), else why.
    """
    timestamp = query.get("timestamp")
    sign = query.get("sign")
    if not timestamp or not sign:
        missing = "timestamp" if not timestamp else "sign"
        return f"缺少查询参数 (missing query parameter) {missing}"
    if not timestamp.isdigit():
        return f"timestamp: 时间戳格式错误 (not an epoch number) {timestamp!r}"
    sent = int(timestamp) / 1000.0 if len(timestamp) >= _MS_DIGITS else float(timestamp)
    if abs(now - sent) > tolerance:
        return f"timestamp: 请求已过期 (query timestamp outside {tolerance:g}s)"
    access_key = headers.get(HEADER_ACCESS_KEY, "")
    secret = secrets.get(access_key)
    if secret is None:
        return f"无效的access-key (unknown access key) {access_key!r}"
    expected = compute_signature(access_key, timestamp, headers.get(HEADER_NONCE, ""), secret)
    if sign.upper() != expected:
        return "sign: 签名错误 (query signature mismatch)"
    return None
