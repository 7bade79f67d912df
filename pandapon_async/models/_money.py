"""Money on the wire (rule 7): integer fen, and yuan ``Decimal`` amounts that re-encode as sent."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Final

__all__ = ["decimal_text", "fen_to_yuan", "yuan_to_fen"]

_FEN_PER_YUAN: Final = Decimal(100)


def fen_to_yuan(fen: int) -> Decimal:
    """Integer fen (the platform's money unit) to yuan.

    ``fen_to_yuan(1234) == Decimal('12.34')``.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError(f"fen must be an int, got {type(fen).__name__}")
    return (Decimal(fen) / _FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_to_fen(yuan: Decimal | str | int) -> int:
    """Yuan (``Decimal``, decimal string or int) to integer fen; refuses fractions of a fen."""
    if isinstance(yuan, bool) or not isinstance(yuan, Decimal | str | int):
        raise ValueError(f"yuan must be a Decimal, str or int, got {type(yuan).__name__}")
    try:
        value = Decimal(yuan) * _FEN_PER_YUAN
    except InvalidOperation:
        raise ValueError(f"yuan is not a decimal number: {yuan!r}") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"yuan {yuan!r} is not a whole number of fen")
    return int(value)



class _TextDecimal(Decimal):
    """A :class:`~decimal.Decimal` the platform sent as a JSON string: it re-encodes as one.

    Rule 7: yuan amounts re-encode as the platform sent them (``"89.57"`` stays text, ``6.15``
    stays a number). Arithmetic gives plain Decimals; equality and hashing are Decimal's.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Decimal('{self}')"


def _structure_decimal(value: Any, _: Any) -> Decimal:
    # str() first: the float 6.15 becomes Decimal('6.15'), not its binary expansion.
    cls = value.__class__
    try:
        if cls is int:
            return Decimal(value)
        if cls is float or cls is str:
            amount = Decimal(str(value)) if cls is float else _TextDecimal(value)
            if amount.is_finite():  # "NaN" or Infinity is no amount
                return amount
        elif isinstance(value, Decimal) and value.is_finite():
            return value
    except InvalidOperation:
        pass
    raise ValueError(f"not a decimal amount: {value!r}")


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain decimal text, never with an exponent (``0.00001``, not ``1E-5``)."""
    if not value.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    text = format(value, "f")
    return text


def _unstructure_decimal(value: Decimal) -> Any:
    if isinstance(value, _TextDecimal):
        return decimal_text(value)
    return float(value)

