"""Every endpoint the fake serves: its validation (from the packaged spec) and its handler."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import attrs

from ._alibaba_state import refund_event as alibaba_refund_event
from ._catalog import AlibabaOffer, AlibabaSku, TaobaoItem
from ._state import FakeState, TaobaoRefund, format_plain_time
from ._taobao_state import refund_event, reported_logistics
from ._validation import FakeAPIError, FieldCheck, bad_request, compile_fields, validate

__all__ = ["Route", "build_routes", "load_spec"]

Handler = Callable[[FakeState, dict[str, Any], str | None], Any]
DISTRIBUTOR_ID = "1014533973088404335"

# Requiredness the published schema gets wrong, per the notes in spec/endpoints.json.
_OPTIONAL: dict[str, frozenset[str]] = {
    # The warehouse-logistics pages show timestamp/sign as query parameters with an
    # undocumented rule: not body fields; FakePandaPon(require_logistics_query_signature=True)
    # demands them in the query string.
    "/open/pp/logistics/orderRenderFreight": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/updateLogisticInfo": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/orderBookingFreight": frozenset({"timestamp", "sign"}),
    "/open/pp/logistics/itemLogisticsPrice": frozenset({"timestamp", "sign"}),
    "/v2/open/pp/logistics/orderRenderFreight": frozenset({"timestamp", "sign"}),
    "/v2/open/pp/logistics/itemLogisticsPrice": frozenset({"timestamp", "sign"}),
    # Schema lists loginName/password/pageName/pageParamMap; the example sends sourceType/bizId.
    "/open/order/page/link/get": frozenset({"loginName", "password", "pageName",
                                            "pageParamMap"}),
    # Either imageBase64 or imageAddress (checked by the handler).
    "/alibaba/product/image/query": frozenset({"imageBase64"}),
    "/v2/alibaba/product/image/query": frozenset({"imageBase64"}),
}


@attrs.frozen
class Route:
    method: str
    path: str
    params_in: str
    checks: tuple[FieldCheck, ...]
    handler: Handler
    found: bool
    # A path known by name only that a test asked the fake to serve (``serve_unpublished``).
    asked_for: bool = False


@cache
def load_spec() -> tuple[dict[str, Any], ...]:
    """The endpoints copied from spec/endpoints.json into this package."""
    text = resources.files(__package__).joinpath("_spec_examples.json").read_text("utf-8")
    return tuple(json.loads(text)["endpoints"])


# -- helpers -----------------------------------------------------------------------------------


def _page(args: Mapping[str, Any], items: list[Any], *, page_key: str = "beginPage",
          default_size: int = 20, max_size: int | None = None) -> dict[str, Any]:
    # ``max_size`` only where a page documents one (Taobao search: 40): the platform publishes
    # no other page-size limit, so the fake invents none.
    page = int(args.get(page_key) or args.get("pageNo") or 1)
    size = int(args.get("pageSize") or default_size)
    if page < 1:
        raise bad_request(page_key, "must be >= 1")
    if size < 1 or (max_size is not None and size > max_size):
        raise bad_request("pageSize", f"must be between 1 and {max_size}")
    start = (page - 1) * size
    return {
        "totalRecords": len(items),
        "totalPage": max(1, math.ceil(len(items) / size)),
        "pageSize": size,
        "currentPage": page,
        "data": items[start:start + size],
    }


def _json_text(args: Mapping[str, Any], name: str, kind: type) -> Any:
    """Fields that carry JSON text inside the JSON body (orderLineList, receiver, params…)."""
    raw = args.get(name)
    if isinstance(raw, kind):
        return raw
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if not isinstance(value, kind):
        expected = "array" if kind is list else "object"
        raise bad_request(name, f"must be JSON text of an {expected}")
    return value


def _taobao_item_view(item: TaobaoItem, *, v2: bool = False) -> dict[str, Any]:
    return {
        "quantity": item.quantity,
        "categoryPath": "测试类目->子类目",
        "shopName": item.shop_name,
        "description": "测试",
        "productUnit": None,
        "picUrls": [f"https://img.alicdn.com/bao/uploaded/i1/{item.item_id}.jpg"],
        "title": item.title,
        "mpId": item.mp_id,
        "categoryName": "测试类目",
        "itemId": item.item_map_id if v2 else item.item_id,
        "userNick": item.user_nick,
        "price": item.price_fen,
        "beginAmount": 0,
        "status": "active",
        "promotionPrice": item.price_fen,
        "shopId": item.shop_id,
        "categoryId": item.category_id,
        "itemType": "HAVE_MATERIAL",
        "skuList": [
            {"skuId": sku.sku_id, "mpSkuId": sku.mp_sku_id, "price": sku.price_fen,
             "promotionPrice": sku.price_fen, "quantity": sku.quantity,
             "properties": [{"propId": 1627207, "propName": "颜色分类", "valueId": 28320 + n,
                             "valueName": sku.colour}]}
            for n, sku in enumerate(item.skus)
        ],
    }


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


def _cargo_lines(state: FakeState, cargo: list[Any], field: str = "cargoParamList"
                 ) -> list[tuple[AlibabaOffer, AlibabaSku, int]]:
    if not cargo:
        raise bad_request(field, "商品信息不能为空 (must not be empty)")
    lines = []
    for index, entry in enumerate(cargo):
        spec = state.catalog.alibaba_spec(entry.get("specId") or "")
        if spec is None:
            offer = state.catalog.alibaba_offer(entry.get("offerId") or entry.get("offerMapId")
                                                or "")
            if offer is None:
                raise FakeAPIError(
                    400, f"{field}[{index}].specId: 商品不存在 (no such offer/spec in the fake's "
                    "catalog)")
            spec = (offer, offer.skus[0])
        quantity = float(entry.get("quantity") or 0)
        if quantity <= 0 or not quantity.is_integer():
            raise bad_request(f"{field}[{index}].quantity", "must be a positive whole number")
        lines.append((spec[0], spec[1], int(quantity)))
    return lines


def _by_seller(lines: list[tuple[AlibabaOffer, AlibabaSku, int]]
               ) -> list[list[tuple[AlibabaOffer, AlibabaSku, int]]]:
    groups: dict[str, list[tuple[AlibabaOffer, AlibabaSku, int]]] = {}
    for line in lines:
        groups.setdefault(line[0].seller_open_id, []).append(line)
    return list(groups.values())


def _preview_one(lines: list[tuple[AlibabaOffer, AlibabaSku, int]]) -> dict[str, Any]:
    product = sum(sku.price_fen * quantity for _, sku, quantity in lines)
    carriage = 600
    return {
        "discountFee": None,
        "tradeModeNameList": ["fenxiao", "assureTrade"],
        "status": True,
        "taoSampleSinglePromotion": False,
        "sumPayment": product + carriage,
        "message": None,
        "sumCarriage": carriage,
        "resultCode": None,
        "sumPaymentNoCarriage": product,
        "additionalFee": 0,
        "flowFlag": "general",
        "cargoList": [
            {"amount": sku.price_fen * quantity, "finalUnitPrice": sku.price_fen,
             "specId": sku.spec_id, "skuId": sku.sku_id, "offerId": offer.offer_id,
             "resultCode": None, "message": None, "cargoPromotionList": []}
            for offer, sku, quantity in lines
        ],
        "shopPromotionList": [],
        "tradeModelList": [{"tradeType": "fxassure", "name": "担保交易", "opSupport": True}],
    }


def _preview(lines: list[tuple[AlibabaOffer, AlibabaSku, int]]) -> dict[str, Any]:
    return {
        "orderPreviewResuslt": [_preview_one(group) for group in _by_seller(lines)],
        "success": True,
        "errorCode": None,
        "errorMsg": None,
        "postFeeByDescOfferList": None,
        "consignOfferList": None,
        "unsupportedCrossBorderPayOfferList": [],
    }


def _created(order_ids: list[tuple[str, int, int, str]], *, batch: bool) -> dict[str, Any]:
    results = [
        {"orderId": order_id, "totalSuccessAmount": total, "postFee": post_fee,
         "sellerOpenId": seller}
        for order_id, total, post_fee, seller in order_ids
    ]
    return {"success": True, "errorCode": None, "errorMsg": None,
            "result": results if batch else results[0], "failedOfferList": []}


def _create_orders(state: FakeState, args: dict[str, Any],
                   lines: list[tuple[AlibabaOffer, AlibabaSku, int]], *, batch: bool
                   ) -> dict[str, Any]:
    groups = _by_seller(lines)
    if not batch and len(groups) > 1:
        raise bad_request("cargoParamList", "goods of several sellers: use the batch endpoint")
    created = []
    for group in groups:
        order = state.create_alibaba_order(
            group, address=args.get("addressParam"), flow=str(args.get("flow") or "general"),
            message=args.get("message"),
        )
        created.append((order.order_id, order.total_fen, order.shipping_fee_fen,
                        order.seller_open_id))
    return _created(created, batch=batch)


def _order_id_arg(args: Mapping[str, Any], name: str = "orderId") -> str:
    value = args.get(name)
    if value is None or value == "":
        raise bad_request(name, "is required")
    return str(value).strip()


def _taobao_logistics(state: FakeState, sub_id: str) -> dict[str, Any]:
    # v1 and v2 answer the same documented shape: partner, receiver and goods included.
    order, line = state.taobao_sub_order(sub_id)
    time_text = format_plain_time(order.create_time)
    trace = {"statusDesc": "运输中", "province": "浙江省", "city": "杭州市", "district": "余杭区",
             "action": "TMS_STATION_OUT", "facilityName": "杭州", "time": time_text,
             "standerdDesc": "【杭州市】 快件已发往 广州中心", "status": "TRANSPORT",
             "nextCity": "广州市", "nextNodeName": "广州中心"}
    detail: dict[str, Any] = {"mailNo": f"YT{sub_id}", "logisticsTraces": [trace]}
    receiver = order.receiver
    detail["logisticsPartner"] = [{"companyImageUrl": "", "company": "圆通速递",
                                   "companyContact": "95554"}]
    detail["receiver"] = {"zipCode": receiver.get("zip"), "address": receiver.get("address"),
                          "province": receiver.get("state"), "city": receiver.get("city"),
                          "district": receiver.get("district"),
                          "phone": receiver.get("mobile_phone") or receiver.get("phone"),
                          "name": receiver.get("name")}
    detail["logisticsGoods"] = [{"title": str(line.get("title") or "商品"), "property": "",
                                 "imageUrl": "", "quantity": str(line.get("quantity"))}]
    return {"purchaseOrderOuterId": sub_id, "pnmLogisticsDetails": [detail]}


def _refund_aggregate(state: FakeState, refund: TaobaoRefund) -> dict[str, Any]:
    line = refund.line
    price = int(line.get("price") or 0)
    quantity = int(line.get("quantity") or 0)
    return {
        "logistics": {
            "buyerPhone": refund.buyer_phone,
            "logisticsCompany": {"logisticCompanyCode": refund.logistics_company_code,
                                 "logisticsCompanyName": refund.logistics_company_code},
            "logisticsNo": refund.logistics_no,
            "receiverAddress": {"detailAddress": "浙江省杭州市余杭区", "phone": "18113016141",
                                "receiver": "退货仓"},
            "returnGoodsDesc": None,
            "sellerAgreeReturnDescribe": None,
        },
        "purchaseOrderLine": {
            "createTime": int(refund.create_time * 1000), "currency": "CNY",
            "itemImageUrl": "", "itemTitle": str(line.get("title") or "商品"), "postFee": 0,
            "price": price, "productFee": price * quantity,
            "purchaseOrderId": refund.purchase_order_id,
            "purchaseOrderLineId": refund.sub_purchase_order_id, "quantity": quantity,
            "salesMarket": "TAOBAO_BUYER", "salesOrderId": refund.purchase_order_id,
            "supplierId": "2206891060210", "supplierNick": "测试账号tbc003",
            "totalPrice": price * quantity,
        },
        "refundOrder": {
            "canEditFee": refund.status == 10, "feeTips": "", "goodsStatus": refund.goods_status,
            "payOrderId": refund.purchase_order_id, "reasonDesc": "不想要了", "reasonId": 403529,
            "refundDesc": "", "refundFee": price * quantity, "refundId": refund.refund_id,
            "refundStatus": str(refund.status), "refundType": refund.refund_type,
            "remainingTime": "604800000",
            "sellerRefuseReason": refund.refuse_reason, "sellerRefuseReasonDescribe": None,
            "timeoutDate": str(int((refund.create_time + 604800) * 1000)),
            "timeoutType": "bReturnGoodsT",
        },
    }


def _refund_envelope(state: FakeState, refund: TaobaoRefund) -> dict[str, Any]:
    return {"currency": "CNY", "distributorId": DISTRIBUTOR_ID,
            "refundOrderAggregate": _refund_aggregate(state, refund)}


def _freight_items(items: list[Any], field: str) -> tuple[list[dict[str, Any]], int]:
    rendered = []
    total = 0
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad_request(f"{field}[{index}]", "must be an object")
        quantity = int(item.get("quantity") or 1)
        freight = 1500 + 800 * quantity
        total += freight
        info = item.get("freightInfo") or {}
        rendered.append({"itemId": item.get("itemId"), "skuId": item.get("skuId"),
                         "quantity": quantity, "freight": freight, "currency": "CNY",
                         "serviceId": info.get("serviceId") if isinstance(info, dict) else None})
    return rendered, total


# -- handlers ----------------------------------------------------------------------------------


def h_taobao_batch_check(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    wanted = _json_text(args, "params", list)
    products, missing, reasons = [], [], []
    for index, entry in enumerate(wanted):
        if not isinstance(entry, dict) or "itemId" not in entry:
            raise bad_request(f"params[{index}].itemId", "is required")
        item = state.catalog.taobao_item(entry["itemId"])
        if item is None:
            missing.append(str(entry["itemId"]))
            reasons.append({"itemId": str(entry["itemId"]), "reason": "非分销商品"})
            continue
        skus = {str(s) for s in entry.get("skuIds") or ()}
        products.append({
            "itemId": str(item.item_id), "mpId": item.mp_id,
            "skuList": [{"skuId": sku.sku_id, "mpSkuId": sku.mp_sku_id, "price": sku.price_fen,
                         "quantity": sku.quantity}
                        for sku in item.skus if not skus or sku.sku_id in skus],
        })
    return {"mpProducts": products, "noMpProductItemIds": missing, "noMpReasonList": reasons}


def h_taobao_product(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    item_id = _order_id_arg(args, "itemId")
    item = state.catalog.taobao_item(item_id)
    if item is None:
        raise FakeAPIError(404, f"商品不存在 (item not found): {item_id}")
    return _taobao_item_view(item)


def h_taobao_product_v2(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    item_id = _order_id_arg(args, "itemId")
    item = state.catalog.taobao_item(item_id)
    if item is None:
        raise FakeAPIError(404, f"商品不存在 (item not found): {item_id}")
    return _taobao_item_view(item, v2=True)


def h_taobao_source(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    item = state.catalog.taobao_item(args["itemId"])
    if item is None:
        raise FakeAPIError(404, f"商品不存在 (item not found): {args['itemId']}")
    view = _taobao_item_view(item)
    view["itemResource"] = "TAOBAO"
    view["language"] = args.get("language") or "zh"
    return view


def h_taobao_search(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    items = [
        {"itemId": item.item_map_id, "title": item.title, "price": item.price_fen,
         "promotionPrice": item.price_fen, "picUrl": f"https://img.alicdn.com/{item.item_id}.jpg",
         "shopName": item.shop_name, "quantity": item.quantity}
        for item in state.catalog.search_taobao(args.get("keyword"))
    ]
    return _page(args, items, page_key="pageNo", default_size=20, max_size=40)


def _taobao_create(state: FakeState, lines: list[Any], receiver: dict[str, Any],
                   args: Mapping[str, Any]) -> dict[str, Any]:
    if not lines:
        raise bad_request("orderLineList", "must not be empty")
    normalized = []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise bad_request(f"orderLineList[{index}]", "must be an object")
        for name in ("itemId", "quantity"):
            if line.get(name) in (None, ""):
                raise bad_request(f"orderLineList[{index}].{name}", "is required")
        try:
            quantity = int(line["quantity"])
            price = int(line.get("price") or 0)
        except (TypeError, ValueError):
            raise bad_request(f"orderLineList[{index}].quantity", "must be an integer") from None
        item = state.catalog.taobao_item(line["itemId"])
        normalized.append({"itemId": str(line["itemId"]), "skuId": line.get("skuId"),
                           "quantity": quantity,
                           "price": price or (item.price_fen if item else 0),
                           "title": item.title if item else None})
    order = state.create_taobao_order(
        normalized, receiver, purchase_amount=args.get("purchaseAmount"),
        seller_order_number=args.get("sellerOrderNumber"), order_source=args.get("orderSource"))
    return {
        "purchaseOrderId": order.purchase_order_id,
        "sellerOrderNumber": order.seller_order_number,
        "status": order.status,
        "purchaseAmount": order.purchase_amount,
        "subPurchaseOrderIds": [line["subPurchaseOrderId"] for line in order.lines],
    }


def h_taobao_order_create(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    lines = _json_text(args, "orderLineList", list)
    receiver = _json_text(args, "receiver", dict)
    if args.get("purchaseAmount") is not None:
        args["purchaseAmount"] = int(args["purchaseAmount"])
    return _taobao_create(state, lines, receiver, args)


def h_taobao_pay_certificate(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    order = state.taobao_order(args["orderId"])
    if order.status != 0:
        raise FakeAPIError(400, f"订单状态不允许上传支付凭证 (order status {order.status})")
    order.status = 1
    return True


def h_taobao_update_warehouse(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    order = state.taobao_order(_order_id_arg(args))
    order.warehouse_name = args.get("warehouseName")
    order.warehouse_address = args.get("warehouseAddress")
    return {"orderId": order.purchase_order_id, "warehouseName": order.warehouse_name,
            "warehouseAddress": order.warehouse_address}


def h_taobao_im_link(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    if not (args.get("bizId") or args.get("pageName")):
        raise bad_request("bizId", "is required")
    source = args.get("sourceType") or args.get("pageName") or "item"
    return (f"https://distributor.taobao.global/apps/open/imchat?loginToken=fake{state.rng.getrandbits(64):016x}"
            f"&sourceType={source}&bizId={args.get('bizId') or ''}")


def h_taobao_logistics(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    sub_id = _order_id_arg(args, "subPurchaseOrderId")
    return reported_logistics(state, sub_id, _taobao_logistics(state, sub_id))


def h_taobao_logistics_v2(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    sub_id = _order_id_arg(args, "subPurchaseOrderId")
    return reported_logistics(state, sub_id, _taobao_logistics(state, sub_id))


def h_taobao_refund_list(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refunds = list(state.taobao_refunds.values())
    for name, attr in (("refundId", "refund_id"), ("purchaseOrderId", "purchase_order_id"),
                       ("salesOrderId", "purchase_order_id")):
        if args.get(name):
            refunds = [r for r in refunds if getattr(r, attr) == str(args[name])]
    if args.get("refundStatus") is not None:
        refunds = [r for r in refunds if r.status == int(args["refundStatus"])]
    items = [_refund_envelope(state, refund) for refund in refunds]
    return _page(args, items, page_key="pageNo")


def h_taobao_refund_render(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    sub_id = _order_id_arg(args, "subOrderId")
    refund = state.create_taobao_refund(sub_id, int(args["refundType"]),
                                        int(args["goodsStatus"]))
    aggregate = _refund_aggregate(state, refund)
    return {
        "refundOrderTemplate": {
            "refundReasons": [{"reasonDesc": "不想要了", "tips": "", "reasonId": 403529},
                              {"reasonDesc": "商品质量问题", "tips": "", "reasonId": 403530}],
            "goodsStatusList": ["1", "2"],
            "refundOrder": aggregate["refundOrder"],
            "maxRefundFee": {"minRefundFee": 0, "feeTips": "",
                             "refundFee": aggregate["refundOrder"]["refundFee"],
                             "canEditRefundFee": True},
        },
        "distributorId": DISTRIBUTOR_ID,
        "currency": "CNY",
        "saleFlag": True,
    }


def h_taobao_refund_logistics(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.taobao_refund(args["refundId"])
    if refund.status not in (10, 20):
        raise FakeAPIError(400, f"逆向单状态不允许提交物流 (refund status {refund.status})")
    refund.status = 30
    refund.logistics_no = str(args["logisticsNo"])
    refund.logistics_company_code = str(args["logisticsCompanyCode"])
    refund.buyer_phone = str(args["buyerPhone"])
    refund_event(state, refund)
    data = _refund_envelope(state, refund)
    data["logisticsCompanyList"] = [{"logisticsCompanyName": "顺丰速运",
                                     "logisticCompanyCode": "SF"}]
    return data


def h_taobao_refund_cancel(state: FakeState, args: dict[str, Any], param: str | None) -> Any:
    refund = state.taobao_refund(param or args.get("refundId") or "")
    cancelled = refund.status in (10, 20, 30)
    if cancelled:
        refund.status = -20
        refund_event(state, refund)
    data = _refund_envelope(state, refund)
    data["cancelSuccess"] = cancelled
    return data


def h_taobao_refund_query(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _refund_envelope(state, state.taobao_refund(_order_id_arg(args, "refundId")))


def h_taobao_refund_query_v2(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    # The v2 page spells the company code "logisticsCompanyCode" (v1: "logisticCompanyCode").
    data = h_taobao_refund_query(state, args, _)
    company = data["refundOrderAggregate"]["logistics"]["logisticsCompany"]
    company["logisticsCompanyCode"] = company.pop("logisticCompanyCode")
    return data


def h_taobao_refund_message(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.taobao_refund(_order_id_arg(args, "refundId"))
    refund.messages.append(str(args.get("refundMessage") or ""))
    # The page documents an object (its fields cut off): the reverse order, as the other
    # after-sales writes answer.
    return _refund_envelope(state, refund)


def h_taobao_cart_add(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    item = state.catalog.taobao_item(args.get("itemId") or args.get("itemMapId") or
                                     args.get("mpId") or "")
    quantity = int(args.get("quantity") or 1)
    if quantity < 1:
        raise bad_request("quantity", "must be >= 1")
    return {"id": state.add_taobao_cart_item(args, item)}


def h_taobao_cart_order(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    ids = [int(i) for i in args.get("ids") or ()]
    if not ids:
        raise bad_request("ids", "must not be empty")
    lines = []
    for cart_id in ids:
        row = state.taobao_cart.get(cart_id)
        if row is None:
            raise FakeAPIError(400, f"ids: 购物车记录不存在 (no cart row {cart_id})")
        item: TaobaoItem | None = row["item"]
        lines.append({"itemId": str(item.item_id if item else row.get("itemId")),
                      "skuId": row.get("skuId"), "quantity": int(row.get("quantity") or 1),
                      "price": int(row.get("price") or (item.price_fen if item else 0))})
    data = _taobao_create(state, lines, args.get("orderAddress") or {}, args)
    for cart_id in ids:
        del state.taobao_cart[cart_id]
    return data


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
    return _page(args, [_offer_summary(offer) for offer in offers])


def h_alibaba_image(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    # Documented as required; an image address alone is not shown to be enough.
    if not args.get("imageBase64"):
        raise bad_request("imageBase64", "is required")
    return _page(args, [_offer_summary(o) for o in state.catalog.alibaba_offers])


def h_alibaba_seller(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    offers = state.catalog.search_alibaba(args.get("keyword"))
    seller = args.get("sellerOpenId")
    if seller:
        offers = [o for o in state.catalog.alibaba_offers if o.seller_open_id == seller]
    return _page(args, [_offer_summary(offer, seller=True) for offer in offers])


def h_alibaba_related(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    size = int(args.get("pageSize") or 10)
    page = int(args.get("pageNo") or 1)
    offers = [o for o in state.catalog.alibaba_offers
              if str(o.offer_id) != str(args.get("offerId"))
              and o.offer_map_id != args.get("offerId")]
    return [_offer_summary(o) for o in offers[(page - 1) * size:page * size]]


def h_alibaba_batch_pay(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    order_ids = [str(order_id).strip() for order_id in args["orderIds"]]
    if not order_ids:
        raise bad_request("orderIds", "must not be empty")
    return state.batch_pay(order_ids)


def h_alibaba_preview(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _preview(_cargo_lines(state, args.get("cargoParamList") or []))


def h_alibaba_create(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _create_orders(state, args, _cargo_lines(state, args.get("cargoParamList") or []),
                          batch=False)


def h_alibaba_batch_create(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _create_orders(state, args, _cargo_lines(state, args.get("cargoParamList") or []),
                          batch=True)


def h_alibaba_cancel(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    state.cancel_alibaba_order(_order_id_arg(args), str(args["cancelReason"]))
    return True


def h_alibaba_pay_url(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    order_id = args.get("orderId")
    if not order_id:
        return {"orderId": None, "protocolPaySuccess": False, "payUrl": None,
                "cantPayOrderList": []}
    order = state.alibaba_order(order_id)
    payable = order.status == "waitbuyerpay"
    return {
        "orderId": order.order_id,
        "protocolPaySuccess": False,
        "payUrl": (f"https://trade.1688.com/order/cashier.htm?orderId={order.order_id}"
                   if payable else None),
        "cantPayOrderList": [] if payable else [int(order.order_id)],
    }


def h_alibaba_receive(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return state.receive_alibaba_goods(
        _order_id_arg(args), [str(entry).strip() for entry in args["orderEntryIds"]])


def h_alibaba_order_detail(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return state.buyer_view(state.alibaba_order(_order_id_arg(args)))


def h_alibaba_order_page(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    orders = list(state.alibaba_orders.values())
    if args.get("orderStatus"):
        orders = [o for o in orders if o.status == args["orderStatus"]]
    if args.get("orderIds"):
        wanted = {str(i) for i in args["orderIds"]}
        orders = [o for o in orders if o.order_id in wanted]
    return _page(args, [state.buyer_view(order) for order in orders], page_key="pageNo")


def h_alibaba_refund_info(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.alibaba_refund(_order_id_arg(args, "refundId"))
    created = format_plain_time(refund.create_time)
    return {
        "id": int(refund.refund_id[2:]) % 10**15, "createBy": "pandapon", "createById": 1,
        "createTime": created, "updateBy": "pandapon", "updateById": 1, "updateTime": created,
        "remark": None, "alipayPaymentId": None, "applyCarriage": refund.apply_carriage,
        "applyExpect": None, "applyPayment": refund.apply_payment, "applyReason": "其他",
        "applyReasonId": refund.apply_reason_id, "applySubReason": None,
        "applySubReasonId": None, "buyerAlipayId": None,
        "buyerLogisticsName": refund.logistics_company_no, "buyerMemberId": "b2b-buyer",
        "buyerSendGoods": refund.freight_bill is not None, "buyerUserId": 1,
        "refundId": refund.refund_id, "orderId": refund.order_id, "status": refund.status,
        "orderEntryIdList": refund.entry_ids, "description": refund.description,
        "disputeRequest": refund.dispute_request, "goodsStatus": refund.goods_status,
        "freightBill": refund.freight_bill,
    }


def h_alibaba_refund_create(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return {"refundId": state.create_alibaba_refund(_order_id_arg(args), args).refund_id}


def h_alibaba_refund_return(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.alibaba_refund(_order_id_arg(args, "refundId"))
    if refund.status not in ("waitselleragree", "waitbuyersend"):
        raise FakeAPIError(400, f"售后单状态不允许退货 (refund is {refund.status})")
    refund.status = "waitsellerreceive"
    refund.freight_bill = str(args["freightBill"])
    refund.logistics_company_no = str(args["logisticsCompanyNo"])
    alibaba_refund_event(state, refund)
    return True


def _cart_lines(state: FakeState, args: Mapping[str, Any]
                ) -> tuple[list[int], list[tuple[AlibabaOffer, AlibabaSku, int]]]:
    ids = [int(i) for i in args.get("cartIds") or ()]
    if not ids:
        raise bad_request("cartIds", "must not be empty")
    lines = []
    for cart_id in ids:
        row = state.alibaba_cart.get(cart_id)
        if row is None:
            raise FakeAPIError(400, f"cartIds: 购物车记录不存在 (no cart row {cart_id})")
        lines.append((row["offer"], row["sku"], int(row["quantity"])))
    return ids, lines


def h_alibaba_cart_order(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    ids, lines = _cart_lines(state, args)
    data = _create_orders(state, args, lines, batch=True)
    for cart_id in ids:
        del state.alibaba_cart[cart_id]
    return data


def h_alibaba_cart_preview(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _preview(_cart_lines(state, args)[1])


def h_alibaba_cart_quantity(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    if args.get("id") is None:
        raise bad_request("id", "is required")
    row = state.alibaba_cart.get(int(args["id"]))
    quantity = args.get("quantity")
    if row is None or quantity is None or int(quantity) < 1:
        return False
    row["quantity"] = int(quantity)
    row["productNo"] = args.get("productNo")
    row["container"] = args.get("container")
    return True


def h_alibaba_cart_list(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    shops: dict[str, dict[str, Any]] = {}
    for cart_id, row in state.alibaba_cart.items():
        offer: AlibabaOffer = row["offer"]
        sku: AlibabaSku = row["sku"]
        shop = shops.setdefault(offer.seller_open_id, {
            "sellerOpenId": offer.seller_open_id, "sellerNickName": offer.company_name,
            "cartItemInfos": []})
        shop["cartItemInfos"].append({
            "id": cart_id, "offerMapId": offer.offer_map_id, "specId": sku.spec_id,
            "skuId": str(sku.sku_id), "itemTitle": offer.subject,
            "itemPic": f"https://cbu01.alicdn.com/img/ibank/{offer.offer_id}.jpg",
            "price": sku.price_fen, "quantity": row["quantity"],
            "amountOnSale": sku.amount_on_sale, "properties": f"颜色:{sku.colour}"})
    return {"disableList": [], "enableList": list(shops.values())}


def h_address(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    state.add_address(args)
    return None


def h_freight_render(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    items, total = _freight_items(args.get("renderItems") or [], "renderItems")
    if not items:
        raise bad_request("renderItems", "must not be empty")
    render_id = f"FF{state.now_utc():%Y%m%d}{len(state.freight_renders) + 1:05d}"
    state.freight_renders[render_id] = {"items": items, "total": total}
    return {"renderId": render_id, "currency": "CNY", "totalFreight": total,
            "renderItems": items}


def h_freight_booking(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    render_id = args.get("renderId")
    if render_id and render_id not in state.freight_renders:
        raise FakeAPIError(400, f"renderId: 运费预览不存在 (unknown render id {render_id})")
    _items, total = _freight_items(args.get("lineItems") or [], "lineItems")
    return {"bookingOrderId": f"FB{state.rng.randrange(10**11, 10**12)}",
            "renderId": render_id, "totalFreight": total, "currency": "CNY",
            "status": "CREATED"}


def h_update_logistic_info(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return True


def h_item_freight(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    quantity = int(args.get("quantity") or 1)
    return [
        {"serviceId": "1", "companyName": "云途物流", "serviceCategory": "STANDARD",
         "freight": 1500 + 800 * quantity, "currency": "CNY", "minDays": 7, "maxDays": 15},
        {"serviceId": "2", "companyName": "燕文物流", "serviceCategory": "ECONOMY",
         "freight": 1000 + 500 * quantity, "currency": "CNY", "minDays": 12, "maxDays": 25},
    ]


_HANDLERS: dict[tuple[str, str], Handler] = {
    ("POST", "/open/product/batch/check"): h_taobao_batch_check,
    ("GET", "/open/product/get"): h_taobao_product,
    ("POST", "/open/product/source/get"): h_taobao_source,
    ("POST", "/open/order"): h_taobao_order_create,
    ("POST", "/open/order/upload/payCertificate"): h_taobao_pay_certificate,
    ("POST", "/open/order/updateWarehouse"): h_taobao_update_warehouse,
    ("POST", "/open/order/page/link/get"): h_taobao_im_link,
    ("GET", "/open/order/logistics/detail/get"): h_taobao_logistics,
    ("POST", "/open/order/refund/queryList"): h_taobao_refund_list,
    ("POST", "/open/order/refund/render"): h_taobao_refund_render,
    ("POST", "/open/order/refund/render/submit/logistics"): h_taobao_refund_logistics,
    ("GET", "/open/order/refund/cancel/{refundId}"): h_taobao_refund_cancel,
    ("GET", "/open/order/refund/query"): h_taobao_refund_query,
    ("POST", "/open/order/refund/submit/message"): h_taobao_refund_message,
    ("POST", "/open/cart/create/order"): h_taobao_cart_order,
    ("POST", "/open/cart/add"): h_taobao_cart_add,
    ("POST", "/alibaba/product/detail/get"): h_alibaba_detail,
    ("POST", "/alibaba/product/keywords/query"): h_alibaba_keywords,
    ("POST", "/alibaba/product/image/query"): h_alibaba_image,
    ("POST", "/alibaba/product/query/selleroffer"): h_alibaba_seller,
    ("POST", "/alibaba/product/productRelatedRecommendQuery"): h_alibaba_related,
    ("POST", "/alibaba/order/batch/submit/to/pay"): h_alibaba_batch_pay,
    ("POST", "/alibaba/order/create/previewbatch"): h_alibaba_preview,
    ("POST", "/alibaba/order/batch/create"): h_alibaba_batch_create,
    ("POST", "/alibaba/order/create/preview"): h_alibaba_preview,
    ("POST", "/alibaba/order/create"): h_alibaba_create,
    ("POST", "/alibaba/order/cancel"): h_alibaba_cancel,
    ("GET", "/alibaba/order/pay/url"): h_alibaba_pay_url,
    ("POST", "/alibaba/order/receivegoods"): h_alibaba_receive,
    ("POST", "/alibaba/order/detail"): h_alibaba_order_detail,
    ("POST", "/alibaba/refund/info"): h_alibaba_refund_info,
    ("POST", "/alibaba/refund/detail/create"): h_alibaba_refund_create,
    ("POST", "/alibaba/refund/goods/return"): h_alibaba_refund_return,
    ("POST", "/alibaba/cart/create/order"): h_alibaba_cart_order,
    ("POST", "/alibaba/cart/preview/order"): h_alibaba_cart_preview,
    ("POST", "/alibaba/cart/edit-quantity"): h_alibaba_cart_quantity,
    ("GET", "/alibaba/cart/list"): h_alibaba_cart_list,
    ("POST", "/open/address/addOrUpdate"): h_address,
    ("POST", "/open/pp/logistics/orderRenderFreight"): h_freight_render,
    ("POST", "/open/pp/logistics/updateLogisticInfo"): h_update_logistic_info,
    ("POST", "/open/pp/logistics/orderBookingFreight"): h_freight_booking,
    ("POST", "/open/pp/logistics/itemLogisticsPrice"): h_item_freight,
    ("GET", "/v2/taobao/product/get"): h_taobao_product_v2,
    ("POST", "/v2/taobao/product/item/search"): h_taobao_search,
    ("POST", "/v2/taobao/order/refund/render"): h_taobao_refund_render,
    ("GET", "/v2/taobao/order/refund/cancel/{refundId}"): h_taobao_refund_cancel,
    ("GET", "/v2/taobao/order/refund/query"): h_taobao_refund_query_v2,
    ("POST", "/v2/taobao/cart/add"): h_taobao_cart_add,
    ("POST", "/v2/alibaba/product/keywords/query"): h_alibaba_keywords,
    ("POST", "/v2/alibaba/product/image/query"): h_alibaba_image,
    ("POST", "/v2/alibaba/product/query/selleroffer"): h_alibaba_seller,
    ("POST", "/v2/alibaba/product/productRelatedRecommendQuery"): h_alibaba_related,
    ("POST", "/v2/alibaba/order/page"): h_alibaba_order_page,
    ("POST", "/v2/alibaba/order/create/preview"): h_alibaba_preview,
    ("GET", "/v2/alibaba/order/pay/url"): h_alibaba_pay_url,
    ("POST", "/v2/alibaba/order/cancel"): h_alibaba_cancel,
    ("GET", "/v2/taobao/order/logistics/detail/get"): h_taobao_logistics_v2,
    ("POST", "/v2/alibaba/refund/detail/create"): h_alibaba_refund_create,
    ("GET", "/v2/alibaba/cart/list"): h_alibaba_cart_list,
    ("POST", "/v2/open/address/addOrUpdate"): h_address,
    ("POST", "/v2/open/pp/logistics/itemLogisticsPrice"): h_item_freight,
    ("POST", "/v2/open/pp/logistics/orderRenderFreight"): h_freight_render,
    ("POST", "/v2/alibaba/order/batch/create"): h_alibaba_batch_create,
}


def build_routes() -> tuple[dict[str, dict[str, Route]], list[tuple[str, dict[str, Route]]]]:
    """``(exact, prefixed)``: path -> method -> route, and ``(prefix, routes)`` for paths that
    end in a ``{parameter}``. Built once per fake; the request path only does dict lookups."""
    exact: dict[str, dict[str, Route]] = {}
    prefixed: dict[str, dict[str, Route]] = {}
    for entry in load_spec():
        key = (entry["method"], entry["path"])
        handler = _HANDLERS[key]
        path: str = entry["path"]
        checks = compile_fields(entry["request_fields"],
                                optional=_OPTIONAL.get(path, frozenset()))
        if path.endswith("}"):
            checks = ()  # the one parameter is in the path; its handler checks it
        route = Route(entry["method"], path, entry["params_in"], checks, handler,
                      bool(entry["found"]))
        if path.endswith("}"):
            prefixed.setdefault(path[: path.rindex("{")], {})[entry["method"]] = route
        else:
            exact.setdefault(path, {})[entry["method"]] = route
    return exact, sorted(prefixed.items(), key=lambda kv: -len(kv[0]))


def run_route(route: Route, state: FakeState, args: dict[str, Any], param: str | None) -> Any:
    if route.checks:
        validate(args, route.checks)
    return route.handler(state, args, param)

