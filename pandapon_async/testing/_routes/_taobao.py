"""The fake's Taobao routes: goods, orders, logistics detail, refunds and cart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._catalog import TaobaoItem
from .._orders import TaobaoRefund, format_plain_time
from .._state import FakeState
from .._taobao_state import refund_event, reported_logistics
from .._validation import FakeAPIError, bad_request
from ._common import DISTRIBUTOR_ID, cart_rows, json_text, order_id_arg, paged


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


def h_taobao_batch_check(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    wanted = json_text(args, "params", list)
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


def _taobao_item_arg(state: FakeState, args: Mapping[str, Any]) -> TaobaoItem:
    item_id = order_id_arg(args, "itemId")
    item = state.catalog.taobao_item(item_id)
    if item is None:
        raise FakeAPIError(404, f"商品不存在 (item not found): {item_id}")
    return item


def h_taobao_product(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _taobao_item_view(_taobao_item_arg(state, args))


def h_taobao_product_v2(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return _taobao_item_view(_taobao_item_arg(state, args), v2=True)


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
    return paged(args, items, page_key="pageNo", default_size=20, max_size=40)


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
    lines = json_text(args, "orderLineList", list)
    receiver = json_text(args, "receiver", dict)
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
    order = state.taobao_order(order_id_arg(args))
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
    # Serves v1 and v2 alike (see _taobao_logistics).
    sub_id = order_id_arg(args, "subPurchaseOrderId")
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
    return paged(args, items, page_key="pageNo")


def h_taobao_refund_render(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    sub_id = order_id_arg(args, "subOrderId")
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
    return _refund_envelope(state, state.taobao_refund(order_id_arg(args, "refundId")))


def h_taobao_refund_query_v2(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    # The v2 page spells the company code "logisticsCompanyCode" (v1: "logisticCompanyCode").
    data = h_taobao_refund_query(state, args, _)
    company = data["refundOrderAggregate"]["logistics"]["logisticsCompany"]
    company["logisticsCompanyCode"] = company.pop("logisticCompanyCode")
    return data


def h_taobao_refund_message(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.taobao_refund(order_id_arg(args, "refundId"))
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
    rows = cart_rows(state.taobao_cart, args, "ids")
    lines = []
    for _cart_id, row in rows:
        item: TaobaoItem | None = row["item"]
        lines.append({"itemId": str(item.item_id if item else row.get("itemId")),
                      "skuId": row.get("skuId"), "quantity": int(row.get("quantity") or 1),
                      "price": int(row.get("price") or (item.price_fen if item else 0))})
    data = _taobao_create(state, lines, args.get("orderAddress") or {}, args)
    for cart_id, _row in rows:
        del state.taobao_cart[cart_id]
    return data
