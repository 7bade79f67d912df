"""Parse errors and field coercion for callback bodies: lenient about the platform's
string/number drift, strict about shape. A body typed leniently collects its errors
(:class:`BodyFieldError`) instead of raising."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs


class CallbackParseError(ValueError):
    """A callback message is malformed. ``field`` names the offending field (a dotted path)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"invalid callback message: {field}: {problem}")
        self.field = field
        self.problem = problem


@attrs.frozen(kw_only=True)
class BodyFieldError:
    """A part of ``messageBody`` that could not be typed; the message is delivered anyway.

    ``field`` is the dotted path (``messageBody.subOrders[0].product_amount``), ``value`` the
    value exactly as sent (kept: nothing is lost), ``problem`` what was expected. The typed
    body has ``None`` (or leaves out the item) where the value could not be typed.
    """

    field: str
    value: Any
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


# Where a body is typed leniently, errors are collected here instead of raised.
FieldErrors = list[BodyFieldError] | None


def collect_error(errors: FieldErrors, error: CallbackParseError, value: Any) -> None:
    if errors is None:
        raise error
    errors.append(BodyFieldError(field=error.field, value=value, problem=error.problem))


def describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def opt_str(
    data: Mapping[str, Any], key: str, path: str, errors: FieldErrors = None
) -> str | None:
    try:
        return _strict_opt_str(data, key, path)
    except CallbackParseError as error:
        collect_error(errors, error, data.get(key))
        return None


def _strict_opt_str(data: Mapping[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise CallbackParseError(f"{path}.{key}", f"expected a string, got {describe(value)}")
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise CallbackParseError(f"{path}.{key}", f"expected a string, got {describe(value)}")


def to_int(value: object, field: str) -> int:
    if isinstance(value, bool):
        raise CallbackParseError(field, f"expected an integer, got {describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and text.isascii():
            return int(text)
    raise CallbackParseError(field, f"expected an integer, got {describe(value)}")


def opt_int(
    data: Mapping[str, Any], key: str, path: str, errors: FieldErrors = None
) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        return to_int(value, f"{path}.{key}")
    except CallbackParseError as error:
        collect_error(errors, error, value)
        return None


def opt_mapping(
    data: Mapping[str, Any], key: str, path: str, errors: FieldErrors = None
) -> dict[str, Any] | None:
    try:
        return _strict_opt_mapping(data, key, path)
    except CallbackParseError as error:
        collect_error(errors, error, data.get(key))
        return None


def _strict_opt_mapping(data: Mapping[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = decode_json_text(value, f"{path}.{key}")
    if not isinstance(value, Mapping):
        raise CallbackParseError(f"{path}.{key}", f"expected an object, got {describe(value)}")
    return dict(value)


def extra_fields(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in known}


def decode_json_text(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise CallbackParseError(field, "is text but not valid JSON") from None
