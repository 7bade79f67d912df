"""1688's time text (``20170913231727000-0700``) to an aware datetime."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

__all__ = ["parse_alibaba_time"]

_ALIBABA_TIME = re.compile(r"^(\d{14})(\d{3})?([+-])(\d{2})(\d{2})$")


def parse_alibaba_time(text: str) -> datetime:
    """``"20170913231727000-0700"`` -> ``datetime(2017, 9, 13, 23, 17, 27, tzinfo=-07:00)``.

    Plain ``"2023-12-14 21:39:11"`` (PandaPon's own format, China time, no zone) is also read,
    as naive local platform time. ``ValueError`` for anything else.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a 1688 time string, got {type(text).__name__}")
    match = _ALIBABA_TIME.match(text.strip())
    if match is None:
        try:
            return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise ValueError(f"not a 1688 time: {text!r}") from None
    stamp, millis, sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    zone = timezone(offset if sign == "+" else -offset)
    parsed = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=zone)
    return parsed.replace(microsecond=int(millis or 0) * 1000)
