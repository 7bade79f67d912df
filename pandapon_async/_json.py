"""JSON on the wire: the standard library, or ``orjson`` when the ``[speedups]`` extra is installed.

Results are the same either way (tests run both):

* Decoding falls back to :func:`json.loads` whenever ``orjson`` could read the body
  differently: an integer too large for 64 bits (``orjson`` turns it into a float; ids must
  stay exact), ``NaN``/``Infinity`` literals and lone surrogates (``orjson`` refuses them, the
  standard library reads them), and any body ``orjson`` refuses.
* Encoding falls back to the standard library whenever ``orjson`` refuses the value (keys
  that are not strings, integers beyond 64 bits, other types) or may have written ``null``
  for ``NaN``/``Infinity``. Numbers keep their values; a float may be spelled otherwise
  (``0.00001`` for ``1e-05``), which is the same JSON number.

``PANDAPON_ASYNC_NO_SPEEDUPS=1`` in the environment turns ``orjson`` off.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from ._request_checks import check_json_body

__all__ = ["dumps", "dumps_checked", "loads", "speedups_enabled", "use_speedups"]

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_CHECKED_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_std_loads = json.loads

# An integer of 20 digits, or of 19 after a minus sign, may be outside 64 bits. Found by
# mapping every digit to "0", every byte that can come before a JSON number (``:``, ``,``,
# ``[``, whitespace) to "|", "-" to itself and anything else to a space, then searching for
# "|" followed by such a run: a few microseconds on a 1688 order detail, where a regular
# expression takes ~20. Digits inside strings (``"b2b-2209876543210880794"``) rarely follow
# one of those bytes; when they do, the body only takes the slower standard path.
def _number_context(byte: int) -> int:
    if 0x30 <= byte <= 0x39:
        return ord("0")
    if byte == ord("-"):
        return byte
    return ord("|") if bytes([byte]) in b":,[ \t\r\n" else ord(" ")


_NUMBER_RUNS = bytes(_number_context(byte) for byte in range(256))
_WIDE_RUNS = (b"0" * 20, b"-" + b"0" * 19)
_WIDE, _WIDE_NEGATIVE = _WIDE_RUNS


def _may_hold_wide_integer(runs: bytes) -> bool:
    # Search for the runs (rare) and look at the byte before each, rather than for "|" plus
    # a run: "|" is frequent, which makes that search several times slower.
    for wide in _WIDE_RUNS:
        start = runs.find(wide)
        while start >= 0:
            if start == 0 or runs[start - 1] == 0x7C:  # "|": where a number can start
                return True
            start = runs.find(wide, start + len(wide))
    return False


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the extra is not installed
    _orjson = None  # type: ignore[assignment]


def _std_dumps(payload: Any) -> bytes:
    return _ENCODER.encode(payload).encode()


def _fast_loads(body: bytes | str) -> Any:
    if body.__class__ is not bytes:  # text (not the transport's case) or a bytes-like
        return _std_loads(body)
    assert isinstance(body, bytes)
    runs = body.translate(_NUMBER_RUNS)
    # Most bodies hold no run of digits that long at all: two searches decide (``find``, not
    # ``in``: bytes.__contains__ first tries its operand as an int and clears the TypeError).
    if (runs.find(_WIDE) >= 0 or runs.find(_WIDE_NEGATIVE) >= 0) and _may_hold_wide_integer(runs):
        return _std_loads(body)
    try:
        return _orjson_loads(body)
    except ValueError:  # orjson.JSONDecodeError; the standard library decides
        return _std_loads(body)


def dumps_checked(payload: Any) -> bytes:
    """A body given to ``client.call``, checked and encoded in one pass by the standard
    library (whatever a caller passes is encoded exactly as before): on failure, the error
    :func:`check_json_body` names, or the encoding error itself."""
    try:
        return _CHECKED_ENCODER.encode(payload).encode()
    except (ValueError, TypeError):
        check_json_body(payload)
        raise


def _fast_dumps(payload: Any) -> bytes:
    try:
        encoded: bytes = _orjson_dumps(payload, None, _ENCODE_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: a value orjson does not write the same way
        return _std_dumps(payload)
    if b"null" in encoded:  # possibly NaN/Infinity written as null: let the stdlib decide
        return _std_dumps(payload)
    return encoded


if _orjson is not None:
    _orjson_loads: Callable[[bytes], Any] = _orjson.loads
    _orjson_dumps: Callable[[Any, Any, int], bytes] = _orjson.dumps
    # Types the standard library does not write (dataclasses, datetimes) or writes its own way
    # (str/int/dict/list subclasses) go through it instead.
    _ENCODE_OPTIONS = (_orjson.OPT_PASSTHROUGH_DATACLASS | _orjson.OPT_PASSTHROUGH_DATETIME
                       | _orjson.OPT_PASSTHROUGH_SUBCLASS)

loads: Callable[[bytes | str], Any] = _std_loads
"""Decode a JSON body (bytes or text)."""
dumps: Callable[[Any], bytes] = _std_dumps
"""Compact UTF-8 JSON; Python ints stay exact (19-digit ids)."""


def speedups_enabled() -> bool:
    """Whether ``orjson`` is in use."""
    return loads is _fast_loads


def use_speedups(enabled: bool) -> bool:
    """Switch ``orjson`` on (when installed) or off; returns whether it is now on."""
    global loads, dumps
    if enabled and _orjson is not None:
        loads, dumps = _fast_loads, _fast_dumps
    else:
        loads, dumps = _std_loads, _std_dumps
    return speedups_enabled()


use_speedups(os.environ.get("PANDAPON_ASYNC_NO_SPEEDUPS", "") in ("", "0"))
