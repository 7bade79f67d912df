"""The fake's 1688 order routes: preview, create, pay, cancel, receive, refunds and cart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._alibaba_state import refund_event as alibaba_refund_event
from .._alibaba_views import buyer_view
from .._catalog import AlibabaOffer, AlibabaSku
from .._orders import format_plain_time
from .._state import FakeState
from .._validation import FakeAPIError, bad_request
from ._common import cart_rows, order_id_arg, paged


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
    state.cancel_alibaba_order(order_id_arg(args), str(args["cancelReason"]))
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
        order_id_arg(args), [str(entry).strip() for entry in args["orderEntryIds"]])


def h_alibaba_order_detail(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    return buyer_view(state.alibaba_order(order_id_arg(args)))


def h_alibaba_order_page(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    orders = list(state.alibaba_orders.values())
    if args.get("orderStatus"):
        orders = [o for o in orders if o.status == args["orderStatus"]]
    if args.get("orderIds"):
        wanted = {str(i) for i in args["orderIds"]}
        orders = [o for o in orders if o.order_id in wanted]
    return paged(args, [buyer_view(order) for order in orders], page_key="pageNo")


def h_alibaba_refund_info(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.alibaba_refund(order_id_arg(args, "refundId"))
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
    return {"refundId": state.create_alibaba_refund(order_id_arg(args), args).refund_id}


def h_alibaba_refund_return(state: FakeState, args: dict[str, Any], _: str | None) -> Any:
    refund = state.alibaba_refund(order_id_arg(args, "refundId"))
    if refund.status not in ("waitselleragree", "waitbuyersend"):
        raise FakeAPIError(400, f"售后单状态不允许退货 (refund is {refund.status})")
    refund.status = "waitsellerreceive"
    refund.freight_bill = str(args["freightBill"])
    refund.logistics_company_no = str(args["logisticsCompanyNo"])
    alibaba_refund_event(state, refund)
    return True


def _cart_lines(state: FakeState, args: Mapping[str, Any]
                ) -> tuple[list[int], list[tuple[AlibabaOffer, AlibabaSku, int]]]:
    rows = cart_rows(state.alibaba_cart, args, "cartIds")
    lines = [(row["offer"], row["sku"], int(row["quantity"])) for _, row in rows]
    return [cart_id for cart_id, _ in rows], lines


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
