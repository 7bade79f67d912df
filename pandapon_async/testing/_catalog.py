"""The fake's seeded catalog of Taobao and 1688 goods (deterministic for a given seed)."""

from __future__ import annotations

import random
import string

import attrs

__all__ = ["AlibabaOffer", "AlibabaSku", "Catalog", "TaobaoItem", "TaobaoSku"]

_TAOBAO_TITLES = (
    "纯棉短袖T恤", "男士休闲裤", "儿童连衣裙", "不锈钢保温杯", "无线蓝牙耳机", "陶瓷马克杯",
    "真皮钱包", "运动跑鞋", "羊毛围巾", "手机支架", "帆布双肩包", "LED台灯",
)
_ALIBABA_SUBJECTS = (
    ("PVC插页文件夹A4加厚", "PVC insert folder A4 thickened"),
    ("男士纯棉背心批发", "Men's cotton vest wholesale"),
    ("不锈钢厨房置物架", "Stainless steel kitchen rack"),
    ("硅胶手机壳跨境专供", "Silicone phone case for cross-border"),
    ("儿童益智积木玩具", "Children's educational building blocks"),
    ("加厚毛绒地毯", "Thickened plush carpet"),
    ("LED灯带5米", "LED strip light 5 m"),
    ("一次性纸杯1000只", "Disposable paper cups, 1000 pcs"),
    ("瑜伽垫加宽加厚", "Yoga mat, wide and thick"),
    ("车载手机支架", "Car phone holder"),
    ("帆布收纳箱", "Canvas storage box"),
    ("不锈钢保温饭盒", "Stainless steel insulated lunch box"),
)
_COLOURS = ("黑色", "白色", "红色", "蓝色")
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"

# The platform's documented test goods: Taobao item 672991141190, sku 3452545926724.
TEST_ITEM_ID = 672991141190
TEST_SKU_ID = "3452545926724"


@attrs.frozen
class TaobaoSku:
    sku_id: str
    mp_sku_id: str
    price_fen: int
    quantity: int
    colour: str


@attrs.frozen
class TaobaoItem:
    item_id: int
    item_map_id: str
    mp_id: str
    title: str
    price_fen: int
    shop_id: int
    shop_name: str
    user_nick: str
    category_id: str
    skus: tuple[TaobaoSku, ...]

    @property
    def quantity(self) -> int:
        return sum(sku.quantity for sku in self.skus)


@attrs.frozen
class AlibabaSku:
    sku_id: int
    spec_id: str
    price_fen: int
    amount_on_sale: int
    colour: str


@attrs.frozen
class AlibabaOffer:
    offer_id: int
    offer_map_id: str
    subject: str
    subject_trans: str
    category_id: int
    seller_open_id: str
    company_name: str
    min_order_quantity: int
    skus: tuple[AlibabaSku, ...]

    @property
    def price_fen(self) -> int:
        return min(sku.price_fen for sku in self.skus)


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


class Catalog:
    """Goods the fake sells, looked up by every id form the platform uses."""

    def __init__(self, rng: random.Random, *, size: int = 12) -> None:
        self.taobao_items: list[TaobaoItem] = []
        self.alibaba_offers: list[AlibabaOffer] = []
        for index in range(size):
            item_id = (TEST_ITEM_ID if index == 0
                       else rng.randrange(600_000_000_000, 699_999_999_999))
            skus = tuple(
                TaobaoSku(
                    sku_id=TEST_SKU_ID if index == 0 and n == 0
                    else str(rng.randrange(4_000_000_000_000, 5_999_999_999_999)),
                    mp_sku_id=str(rng.randrange(400_000_000_000, 499_999_999_999)),
                    price_fen=1 if index == 0 else rng.randrange(500, 20_000),
                    quantity=rng.randrange(50, 1000),
                    colour=_COLOURS[n % len(_COLOURS)],
                )
                for n in range(2)
            )
            self.taobao_items.append(TaobaoItem(
                item_id=item_id,
                item_map_id=_token(rng, 22),
                mp_id=str(rng.randrange(2_048_000_000_000_000, 2_048_999_999_999_999)),
                title=_TAOBAO_TITLES[index % len(_TAOBAO_TITLES)],
                price_fen=min(sku.price_fen for sku in skus),
                shop_id=rng.randrange(100_000_000, 999_999_999),
                shop_name=f"测试店铺{index:02d}",
                user_nick=f"测试账号tbc{index:03d}",
                category_id=str(rng.randrange(50_000_000, 130_000_000)),
                skus=skus,
            ))
            subject, subject_trans = _ALIBABA_SUBJECTS[index % len(_ALIBABA_SUBJECTS)]
            self.alibaba_offers.append(AlibabaOffer(
                offer_id=rng.randrange(600_000_000_000, 999_999_999_999),
                offer_map_id=_token(rng, 22),
                subject=subject,
                subject_trans=subject_trans,
                category_id=rng.randrange(1_000_000, 2_000_000),
                seller_open_id="BBB" + _token(rng, 22),
                company_name=f"义乌市测试贸易有限公司{index:02d}",
                min_order_quantity=1,
                skus=tuple(
                    AlibabaSku(
                        sku_id=rng.randrange(4_000_000_000_000, 5_999_999_999_999),
                        spec_id=f"{rng.getrandbits(128):032x}",
                        price_fen=rng.randrange(100, 10_000),
                        amount_on_sale=rng.randrange(100, 100_000),
                        colour=_COLOURS[n % len(_COLOURS)],
                    )
                    for n in range(3)
                ),
            ))
        self._taobao_by_id = {str(item.item_id): item for item in self.taobao_items}
        self._taobao_by_id.update({item.item_map_id: item for item in self.taobao_items})
        self._taobao_by_mp = {item.mp_id: item for item in self.taobao_items}
        self._offer_by_id = {str(offer.offer_id): offer for offer in self.alibaba_offers}
        self._offer_by_id.update({offer.offer_map_id: offer for offer in self.alibaba_offers})
        self._spec = {
            sku.spec_id: (offer, sku) for offer in self.alibaba_offers for sku in offer.skus
        }

    def taobao_item(self, item_id: object) -> TaobaoItem | None:
        key = str(item_id).strip()
        return self._taobao_by_id.get(key) or self._taobao_by_mp.get(key)

    def alibaba_offer(self, offer_id: object) -> AlibabaOffer | None:
        return self._offer_by_id.get(str(offer_id).strip())

    def alibaba_spec(self, spec_id: object) -> tuple[AlibabaOffer, AlibabaSku] | None:
        return self._spec.get(str(spec_id).strip())

    def search_alibaba(self, keyword: str | None) -> list[AlibabaOffer]:
        if not keyword:
            return list(self.alibaba_offers)
        found = [
            offer for offer in self.alibaba_offers
            if keyword in offer.subject or keyword.lower() in offer.subject_trans.lower()
        ]
        # A real search always finds something; so does the fake, in a stable order.
        return found or list(self.alibaba_offers)

    def search_taobao(self, keyword: str | None) -> list[TaobaoItem]:
        if not keyword:
            return list(self.taobao_items)
        found = [item for item in self.taobao_items if keyword in item.title]
        return found or list(self.taobao_items)
