"""Decode speed of the largest documented responses: 1688 product detail and order detail.

The published examples of both are cut short, so the payloads here are full-size ones built in
the documented shape (a 1688 product with 24 SKUs and 20 attributes and a 6 KB description; a
1688 buyer-view order with 8 lines, logistics and trade terms, plus keys the models do not
declare, which go to ``extra``). Prints decodes per second for ``structure`` alone and for
``json.loads`` + ``structure`` (what a call does after the body arrives), and µs per decode
for the ways a model can be built:

- ``eager``: the generated function ``structure()`` uses;
- ``typed call``: what a typed endpoint call does, nested models checked and kept as JSON
  until read;
- ``eager, all read`` and ``typed, all read``: the same, then every field of every nested
  model read once (the difference is the most a caller pays for the laziness).

    python benchmarks/bench_decode.py [--seconds 1.0]
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from pandapon_async import _json
from pandapon_async.models import (
    AlibabaOrderDetail,
    AlibabaProduct,
    Model,
    structure,
    unstructure,
)
from pandapon_async.models._decoders import lazy_structure_hook


def product_detail() -> dict[str, Any]:
    return {
        "offerId": 706627393257, "categoryId": 1033054, "categoryName": None,
        "subject": "PVC插页文件夹A4加厚活页本文件夹防水外壳学生试卷收纳档案夹",
        "subjectTrans": "PVC insert folder A4 thickened loose-leaf book folder",
        "description": "<div>" + "<p><img src='https://cbu01.alicdn.com/img/x.jpg'/></p>" * 120
                       + "</div>",
        "mainVideo": "https://cloud.video.taobao.com/play/u/1/p/1/e/6/t/1/1.mp4",
        "detailVideo": None,
        "productImage": {"images": [f"https://cbu01.alicdn.com/img/{n}.jpg" for n in range(8)],
                         "whiteImage": "https://cbu01.alicdn.com/img/white.jpg"},
        "productAttribute": [
            {"attributeId": 1000 + n, "attributeName": f"属性{n}", "value": f"值{n}",
             "attributeNameTrans": f"attribute {n}", "valueTrans": f"value {n}"}
            for n in range(20)
        ],
        "productSkuInfos": [
            {"amountOnSale": 1000 + n, "price": f"{5 + n / 10:.2f}", "jxhyPrice": None,
             "skuId": 4_900_000_000_000 + n, "specId": f"{n:032x}", "consignPrice": "6.50",
             "cargoNumber": f"A{n}", "promotionPrice": None,
             "skuAttributes": [
                 {"attributeId": 3216, "attributeName": "颜色", "attributeNameTrans": "colour",
                  "value": f"颜色{n % 6}", "valueTrans": f"colour {n % 6}",
                  "skuImageUrl": f"https://cbu01.alicdn.com/img/sku{n}.jpg"},
                 {"attributeId": 450, "attributeName": "尺码", "attributeNameTrans": "size",
                  "value": f"{n % 4}", "valueTrans": f"{n % 4}", "skuImageUrl": None},
             ]}
            for n in range(24)
        ],
        "productSaleInfo": {"amountOnSale": 48_000, "priceRangeList": [
            {"startQuantity": 2, "price": "6.10", "promotionPrice": None}],
            "quoteType": 1, "unitInfo": {"unit": "个", "transUnit": "piece"}},
        "productShippingInfo": {"sendGoodsAddressText": "浙江省 金华市", "weight": 0.2,
                                "width": 22.0, "height": 1.0, "length": 31.0,
                                "shippingTimeGuarantee": "shipIn48Hours"},
        "sellerOpenId": "BBBwAN4GQ60zRPzBkv7BYPJRQ", "minOrderQuantity": 2, "batchNumber": 1,
        "status": "published",
        "tagInfoList": [{"key": "isOnePsale", "value": True}, {"key": "isSupportMix",
                                                               "value": True}],
        "traceInfo": "object_id@706627393257^object_type@offer",
        "companyName": "义乌市测试贸易有限公司", "sellerDataInfo": {"tradeMedalLevel": "3"},
        "productCargoNumber": "XT-001", "isJxhy": False,
    }


def order_detail() -> dict[str, Any]:
    order_id = 2059624776425880794
    return {
        "baseInfo": {
            "id": order_id, "idOfStr": str(order_id), "status": "waitsellersend",
            "refundStatus": None, "tradeType": "50060", "businessType": "cb",
            "buyerID": "b2b-2209876543210880794", "sellerID": "BBBLpQAK4lXOELxyxeH8ilqte",
            "buyerLoginId": "pandapon_buyer", "sellerLoginId": "义乌市测试贸易有限公司",
            "createTime": "20250224071227000+0800", "modifyTime": "20250224071327000+0800",
            "payTime": "20250224071327000+0800", "totalAmount": 86.15, "sumProductPayment": 80.15,
            "shippingFee": 6.0, "discount": 0, "refund": 0.0, "closeReason": None,
            "buyerContact": {"name": "pandapon_buyer", "phone": "", "mobile": "18720122943",
                             "imInPlatform": "pandapon_buyer"},
            "sellerContact": {"name": "义乌市测试贸易有限公司", "mobile": "",
                              "companyName": "义乌市测试贸易有限公司"},
            "receiverInfo": {"toFullName": "测试", "toMobile": "18720122943", "toPhone": "",
                             "toPost": "311121", "toArea": "浙江省 杭州市 余杭区",
                             "toDivisionCode": "330110"},
            "stepPayAll": False, "overSeaOrder": True,
        },
        "productItems": [
            {"subItemID": order_id + n + 1, "productID": 706627393257, "skuID": 4_900_000 + n,
             "specId": f"{n:032x}", "name": f"PVC插页文件夹 {n}", "quantity": 2,
             "price": 10.02, "itemAmount": 20.04, "entryDiscount": 0, "status": "waitsellersend",
             "statusStr": "等待卖家发货", "refundStatus": None, "logisticsStatus": 1,
             "unit": "个", "productCargoNumber": "XT-001",
             "productImgUrl": ["https://cbu01.alicdn.com/img/1.jpg"],
             "productSnapshotUrl": "https://trade.1688.com/order/offer_snapshot.htm",
             "skuInfos": [{"name": "颜色", "value": "黑色"}, {"name": "尺码", "value": "A4"}],
             "gmtCreate": "20250224071227000+0800", "gmtModified": "20250224071327000+0800",
             "quantityFactor": 1, "guaranteesTerms": []}
            for n in range(8)
        ],
        "nativeLogistics": {
            "contactPerson": "测试", "mobile": "18720122943", "telephone": "",
            "province": "浙江省", "city": "杭州市", "area": "余杭区", "town": "",
            "address": "仓前街道欧美金融城2幢1103", "zip": "311121", "areaCode": "330110",
            "logisticsItems": [{"id": 1, "logisticsBillNo": "SF1234567890", "status": "alreadysend",
                                "logisticsCompanyName": "顺丰速运", "subItemIds": "1,2"}],
        },
        "tradeTerms": [{"payStatus": "2", "payTime": "20250224071327000+0800", "payWay": "13",
                        "payWayDesc": "跨境宝", "phase": 1, "phasAmount": 86.15,
                        "cardPay": False, "expressPay": False}],
        "guaranteesTerms": {"assuranceInfo": "", "assuranceType": "", "qualityAssuranceType": ""},
        "orderRateInfo": {"buyerRateStatus": 5, "sellerRateStatus": 5},
        "orderBizInfo": {"odsCyd": False, "creditOrder": False, "dropshipping": False},
        "extAttributes": [{"key": "crossBorder", "value": "true", "description": ""}],
    }


def rate(function: Callable[[], object], seconds: float) -> float:
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        for _ in range(100):
            function()
        count += 100
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started)


def read_all(value: Any) -> None:
    """Read every field of a model tree once (a lazily built part is decoded on its read)."""
    if isinstance(value, Model):
        for attribute in type(value).__attrs_attrs__:
            read_all(getattr(value, attribute.name))
    elif isinstance(value, list):
        for item in value:
            read_all(item)


def microseconds(function: Callable[[], object], seconds: float) -> float:
    return 1e6 / rate(function, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()
    cases: list[tuple[str, type, dict[str, Any]]] = [
        ("1688 product detail", AlibabaProduct, product_detail()),
        ("1688 order detail", AlibabaOrderDetail, order_detail()),
    ]
    for name, cls, data in cases:
        body = json.dumps({"code": 200, "data": data}, ensure_ascii=False).encode()
        assert unstructure(structure(data, cls)) is not None
        structure(data, cls)  # hooks are built once, on first use: not timed
        decode_only = rate(lambda data=data, cls=cls: structure(data, cls), args.seconds)
        with_json = rate(
            lambda body=body, cls=cls: structure(json.loads(body)["data"], cls), args.seconds)
        print(f"{name:22} ({len(body) / 1024:5.1f} KiB): {decode_only:9,.0f} decodes/s "
              f"(structure), {with_json:9,.0f}/s (json.loads + structure)")
        if _json.use_speedups(True):  # the [speedups] extra: what the client's envelope uses
            fast = rate(lambda body=body, cls=cls: structure(_json.loads(body)["data"], cls),
                        args.seconds)
            print(f"{'':22} {'':11}  {'':9} {'':20}  {fast:9,.0f}/s (orjson + structure)")
        typed = lazy_structure_hook(cls)
        ways = {
            "eager": lambda data=data, cls=cls: structure(data, cls),
            "typed call": lambda data=data, typed=typed: typed(data, None),
            "eager, all read": lambda data=data, cls=cls: read_all(structure(data, cls)),
            "typed, all read": lambda data=data, typed=typed: read_all(typed(data, None)),
        }
        print(f"{'':22} {'':11}  " + ", ".join(
            f"{way} {microseconds(function, args.seconds):.1f} µs"
            for way, function in ways.items()))
        gc.collect()
        tracemalloc.start()
        kept = [structure(json.loads(body)["data"], cls) for _ in range(1000)]
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        print(f"{'':22} {'':11}  {size / len(kept):9,.0f} bytes per decoded model kept")


if __name__ == "__main__":
    main()
