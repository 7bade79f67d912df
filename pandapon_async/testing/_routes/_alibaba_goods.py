"""The fake's 1688 goods routes: offer detail, searches and recommendations."""

from __future__ import annotations

from typing import Any

from .._catalog import AlibabaOffer
from .._state import FakeState
from .._validation import FakeAPIError, bad_request
from ._common import paged


def _offer_summary(offer: AlibabaOffer, *, seller: bool = False) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "imageUrl": f"https://cbu01.alicdn.com/img/ibank/{offer.offer_id}.jpg",
        "subject": offer.subject,
        "subjectTrans": offer.subject_trans,
        "offerId": offer.offer_id,
        "isJxhy": False,
        "priceInfo": {"price": f"{offer.price_fen / 100:.2f}",
                      "consignPrice": f"{offer.price_fen / 100:.2f}"},
        "repurchaseRate": "25%",
        "monthSold": 100 + offer.offer_id % 900,
    }
    if seller:
        summary["sellerOpenId"] = offer.seller_open_id
    return summary


def _offer_detail(offer: AlibabaOffer) -> dict[str, Any]:
    return {
        "offerId": offer.offer_id,
        "categoryId": offer.category_id,
        "categoryName": None,
        "subject": offer.subject,
        "subjectTrans": offer.subject_trans,
        "description": f"<p>{offer.subject}</p>",
        "mainVideo": None,
        "detailVideo": None,
        "productImage": {"images": [f"https://cbu01.alicdn.com/img/ibank/{offer.offer_id}.jpg"],
                         "whiteImage": None},
        "productAttribute": [{"attributeId": "1", "attributeName": "材质",
                              "value": "其他", "attributeNameTrans": "Material",
                              "valueTrans": "Other"}],
        "productSkuInfos": [
            {"amountOnSale": sku.amount_on_sale, "price": f"{sku.price_fen / 100:.2f}",
             "jxhyPrice": None, "skuId": sku.sku_id, "specId": sku.spec_id,
             "consignPrice": f"{sku.price_fen / 100:.2f}",
             "skuAttributes": [{"attributeId": 3216, "attributeName": "颜色",
                                "attributeNameTrans": "Color", "value": sku.colour,
                                "valueTrans": sku.colour, "skuImageUrl": None}]}
            for sku in offer.skus
        ],
        "productSaleInfo": {"amountOnSale": sum(s.amount_on_sale for s in offer.skus),
                            "priceRangeList": [{"startQuantity": 1,
                                                "price": f"{offer.price_fen / 100:.2f}"}],
                            "quoteType": 1, "unitInfo": {"unit": "件", "transUnit": "piece"}},
        "productShippingInfo": {"sendGoodsAddressText": "浙江省 金华市", "weight": 0.5,
                                "width": None, "height": None, "length": None},
        "sellerOpenId": offer.seller_open_id,
        "minOrderQuantity": offer.min_order_quantity,
        "batchNumber": None,
        "status": "published",
        "tagInfoList": [{"key": "isOnePsale", "value": True}],
        "traceInfo": f"object_id@{offer.offer_id}",
        "companyName": offer.company_name,
        "sellerDataInfo": {"tradeMedalLevel": "3", "compositeServiceScore": "4.5"},
    }


def h_alibaba_detail(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    offer_id = args.get("offerId") or args.get("offerMapId")
    if offer_id is None:
        raise bad_request("offerId", "is required")
    offer = state.catalog.alibaba_offer(offer_id)
    if offer is None:
        raise FakeAPIError(404, f"商品不存在 (offer not found): {offer_id}")
    return _offer_detail(offer)


def h_alibaba_keywords(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    offers = state.catalog.search_alibaba(args.get("keyword"))
    return paged(args, [_offer_summary(offer) for offer in offers])


def h_alibaba_image(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    # Documented as required; an image address alone is not shown to be enough.
    if not args.get("imageBase64"):
        raise bad_request("imageBase64", "is required")
    return paged(args, [_offer_summary(o) for o in state.catalog.alibaba_offers])


def h_alibaba_seller(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    offers = state.catalog.search_alibaba(args.get("keyword"))
    seller = args.get("sellerOpenId")
    if seller:
        offers = [o for o in state.catalog.alibaba_offers if o.seller_open_id == seller]
    return paged(args, [_offer_summary(offer, seller=True) for offer in offers])


def h_alibaba_related(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    size = int(args.get("pageSize") or 10)
    page = int(args.get("pageNo") or 1)
    offers = [o for o in state.catalog.alibaba_offers
              if str(o.offer_id) != str(args.get("offerId"))
              and o.offer_map_id != args.get("offerId")]
    return [_offer_summary(o) for o in offers[(page - 1) * size:page * size]]
