"""``client.foundation``: account basics (addresses)."""

from __future__ import annotations

from .._endpoint import endpoint
from ..models.logistics import AddressRequest
from ._base import Resource, Version, versioned

__all__ = ["FoundationNamespace"]

ADDRESS_ADD_OR_UPDATE = endpoint(
    "foundation.add_or_update_address", "POST", "/open/address/addOrUpdate",
    idempotent=False, request=AddressRequest, response=None,
)
ADDRESS_ADD_OR_UPDATE_V2 = endpoint(
    "foundation.add_or_update_address_v2", "POST", "/v2/open/address/addOrUpdate",
    idempotent=False, request=AddressRequest, response=None,
)


class FoundationNamespace(Resource):
    """``client.foundation``. Reading addresses ("Get user address information") has no public
    path: use ``client.call`` for it."""

    async def add_or_update_address(
        self,
        *,
        name: str,
        province: str,
        city: str,
        address: str,
        phone: str,
        district: str | None = None,
        id: str | None = None,
        version: Version = 1,
    ) -> None:
        """Add an address, or update address ``id`` (``POST /open/address/addOrUpdate``;
        ``version=2``: ``POST /v2/open/address/addOrUpdate``). The platform answers with no
        data. Not idempotent (adding twice adds two)."""
        await self._call(versioned(ADDRESS_ADD_OR_UPDATE, ADDRESS_ADD_OR_UPDATE_V2, version),
                         AddressRequest(
            id=id, name=name, province=province, city=city, district=district, address=address,
            phone=phone,
        ))
