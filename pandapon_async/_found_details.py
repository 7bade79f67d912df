"""``BulkLookupReport.found``: order id -> detail, kept compactly.

A kept ``AlibabaOrderDetail`` costs about 8.6 KB as Python objects (issue 17: 888 MB for
100,000), while its JSON is about 2.4 KB and differs little from one order to the next. So a
model is kept as its re-encoded JSON (``models.unstructure``, the documented wire form),
zlib-compressed with the first kept detail's JSON as preset dictionary (about 200 bytes
each), and decoded again (``models.structure``) on each access: an equal model every time,
never the same object. The detail was already decoded when it was fetched, so a detail that
does not decode never gets here (its id is in ``errored``), and the round trip is exact:
``unstructure`` re-encodes what ``structure`` read, keys the platform left out included.

Anything else (what ``select=`` returns, what a custom ``fetch`` returns that is not a model)
is kept as it is.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

__all__ = ["FoundDetails"]


class _Plain:
    """A kept ``bytes`` value, boxed so that it is never taken for a packed model."""

    __slots__ = ("value",)

    def __init__(self, value: bytes) -> None:
        self.value = value


class FoundDetails(Mapping[str, Any]):
    """Read-only mapping order id -> detail, in the order the details were found.

    Models are stored compressed and decoded on access: ``found[oid]`` returns an equal model
    each time, not the same object (changing it changes nothing kept). Built by
    ``bulk.get_orders``; ``FoundDetails(mapping)`` copies a mapping.
    """

    __slots__ = ("_entries", "_model_type", "_statuses", "_zdict")

    def __init__(self, details: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        # id -> bytes (a packed model of ``_model_type``) or the value itself (bytes boxed)
        self._entries: dict[str, Any] = {}
        self._model_type: type | None = None
        self._zdict: bytes | None = None
        # id -> lower-cased ``baseInfo.status`` of each packed model, so ``statuses()`` does
        # not decode every detail
        self._statuses: dict[str, str | None] = {}
        items = details.items() if isinstance(details, Mapping) else details
        for order_id, detail in items:
            self._add(order_id, detail)

    def _add(self, order_id: str, detail: Any) -> None:
        """Keep ``detail`` under ``order_id`` (the lookup's own, private write)."""
        if order_id in self._entries:
            self._statuses.pop(order_id, None)
        packed = self._pack(detail)
        if packed is not None:
            from .bulk._reports import order_status

            status = order_status(detail)
            self._statuses[order_id] = None if status is None else sys.intern(status)
            self._entries[order_id] = packed
        else:
            self._entries[order_id] = _Plain(detail) if isinstance(detail, bytes) else detail

    def _pack(self, detail: Any) -> bytes | None:
        cls = type(detail)
        if self._model_type is None:
            from .models import Model

            if not (attrs.has(cls) and issubclass(cls, Model)):
                return None
        elif cls is not self._model_type:
            return None
        from . import _json
        from .models import unstructure

        try:
            encoded = _json.dumps(unstructure(detail))
        except (TypeError, ValueError):  # not re-encodable: keep the model itself
            return None
        if self._model_type is None:
            self._model_type, self._zdict = cls, encoded
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, 15, 9,
                                      zlib.Z_DEFAULT_STRATEGY, self._zdict)
        return compressor.compress(encoded) + compressor.flush()

    def _unpack(self, entry: Any) -> Any:
        if entry.__class__ is bytes:
            from . import _json
            from .models import structure

            assert self._zdict is not None and self._model_type is not None
            decompressor = zlib.decompressobj(zdict=self._zdict)
            return structure(_json.loads(decompressor.decompress(entry)), self._model_type)
        return entry.value if entry.__class__ is _Plain else entry

    def statuses(self) -> dict[str, str | None]:
        """What ``BulkLookupReport.statuses()`` documents, without decoding packed models."""
        from .bulk._reports import order_status

        statuses = self._statuses
        return {
            oid: (statuses[oid] if entry.__class__ is bytes
                  else entry if isinstance(entry, str)
                  else order_status(self._unpack(entry)))
            for oid, entry in self._entries.items()
        }

    def __getitem__(self, order_id: str) -> Any:
        return self._unpack(self._entries[order_id])

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"FoundDetails({len(self._entries)} details)"
