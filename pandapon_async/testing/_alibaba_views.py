"""What the fake reports of a 1688 order: the buyer-view order detail and the order-event
callback body."""

from __future__ import annotations

from typing import Any

from ._orders import BUYER_SUFFIX, AlibabaOrder, fen_to_yuan, format_1688_time, format_plain_time

__all__ = ["buyer_view", "order_event_body"]

# The sister platform's order-status names for callback bodies.
_CALLBACK_STATUS = {
    "waitbuyerpay": "WAITING_FOR_PAYMENT",
    "waitsellersend": "WAITING_FOR_SENT",
    "waitbuyerreceive": "WAITING_FOR_RECEIVE",
    "confirm_goods": "CONFIRM_GOODS",
    "success": "SUCCESS",
    "cancel": "CANCEL",
    "terminated": "TERMINATED",
}


def order_event_body(order: AlibabaOrder) -> dict[str, Any]:
    """The sister platform's order-event body (PandaPon's own is not public)."""
    return {
        "orderId": order.order_id,
        "orderNo": order.order_id,
        "orderStatus": _CALLBACK_STATUS.get(order.status, order.status.upper()),
        "payStatus": 2 if order.pay_time is not None else 1,
        "totalAmount": order.total_fen,
        "shippingFee": order.shipping_fee_fen,
        "productAmount": order.product_fen,
        "refundAmount": order.refund_fen,
        "refundStatus": order.refund_status,
        "closeReason": order.close_reason,
        "tbCreateTime": format_plain_time(order.create_time),
        "payTime": format_plain_time(order.pay_time),
    }


def buyer_view(order: AlibabaOrder) -> dict[str, Any]:
    """The 1688 buyer-view order detail (amounts in yuan, 1688 time format)."""
    address = order.address
    paid = order.pay_time is not None
    return {
        "baseInfo": {
            "id": int(order.order_id),
            "idOfStr": order.order_id,
            "businessType": "cb",
            "buyerID": "b2b-2209876543210" + BUYER_SUFFIX,
            "buyerLoginId": "pandapon_buyer",
            "sellerID": order.seller_open_id,
            "sellerLoginId": order.company_name,
            "createTime": format_1688_time(order.create_time),
            "modifyTime": format_1688_time(order.receive_time or order.ship_time
                                           or order.pay_time or order.create_time),
            "payTime": format_1688_time(order.pay_time),
            "allDeliveredTime": format_1688_time(order.ship_time),
            "receivingTime": format_1688_time(order.receive_time),
            "status": order.status,
            "refundStatus": order.refund_status,
            "refund": fen_to_yuan(order.refund_fen),
            "totalAmount": fen_to_yuan(order.total_fen),
            "sumProductPayment": fen_to_yuan(order.product_fen),
            "shippingFee": fen_to_yuan(order.shipping_fee_fen),
            "discount": 0,
            "currency": "CNY",
            "tradeType": "50060",
            "flowTemplateCode": "assureTrade",
            "closeReason": order.close_reason,
            "remark": order.message,
            "buyerContact": {"name": "pandapon_buyer", "imInPlatform": "pandapon_buyer",
                             "phone": "", "mobile": "18720122943"},
            "sellerContact": {"name": order.company_name,
                              "companyName": order.company_name,
                              "imInPlatform": order.company_name, "mobile": ""},
            "receiverInfo": {
                "toFullName": address.get("fullName"),
                "toMobile": address.get("mobile"),
                "toPhone": address.get("phone"),
                "toPost": address.get("postCode"),
                "toArea": " ".join(str(address.get(key) or "") for key in (
                    "provinceText", "cityText", "areaText")).strip(),
                "address": address.get("address"),
                "toDivisionCode": address.get("districtCode"),
            },
        },
        "productItems": [
            {
                "subItemID": int(item.sub_item_id),
                "subItemIDString": item.sub_item_id,
                "productID": item.offer.offer_id,
                "skuID": item.sku.sku_id,
                "specId": item.sku.spec_id,
                "name": item.offer.subject,
                "quantity": item.quantity,
                "price": fen_to_yuan(item.price_fen),
                "itemAmount": fen_to_yuan(item.price_fen * item.quantity),
                "unit": "件",
                "status": "success" if item.received else order.status,
                "refundStatus": item.refund_status,
                "refund": 0,
                "type": "common",
                "productImgUrl": [f"https://cbu01.alicdn.com/img/ibank/{item.offer.offer_id}.jpg"],
                "productSnapshotUrl": f"https://trade.1688.com/order/offer_snapshot.htm?order_entry_id={item.sub_item_id}",
                "skuInfos": [{"name": "颜色", "value": item.sku.colour}],
                "gmtCreate": format_1688_time(order.create_time),
                "gmtModified": format_1688_time(order.create_time),
            }
            for item in order.items
        ],
        "nativeLogistics": {
            "contactPerson": address.get("fullName"),
            "mobile": address.get("mobile"),
            "telephone": address.get("phone"),
            "zip": address.get("postCode"),
            "province": address.get("provinceText"),
            "city": address.get("cityText"),
            "area": address.get("areaText"),
            "town": address.get("townText"),
            "address": address.get("address"),
            "areaCode": address.get("districtCode"),
            "logisticsItems": [] if order.logistics_bill_no is None else [{
                "id": int(order.order_id[:12]),
                "deliveredTime": format_1688_time(order.ship_time),
                "logisticsCode": f"LP00{order.order_id[-8:]}",
                "type": "0",
                "status": "alreadysend",
                "logisticsCompanyId": 7,
                "logisticsCompanyName": order.logistics_company_name,
                "logisticsBillNo": order.logistics_bill_no,
                "subItemIds": ",".join(item.sub_item_id for item in order.items),
            }],
        },
        "tradeTerms": [{
            "payStatus": "2" if paid else "1",
            "payTime": format_1688_time(order.pay_time),
            "payWay": "13",
            "payWayDesc": "跨境宝",
            "phasAmount": fen_to_yuan(order.total_fen),
            "phase": 1,
            "cardPay": False,
            "expressPay": False,
        }],
        "guaranteesTerms": {"assuranceInfo": "", "assuranceType": "",
                            "qualityAssuranceType": ""},
        "orderRateInfo": {"buyerRateStatus": 5, "sellerRateStatus": 5},
        "orderBizInfo": {"odsCyd": False, "creditOrder": False, "dropshipping": False},
    }
