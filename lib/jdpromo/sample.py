"""The demo shop: two years of made-up exports of a fictional JD kitchen-appliance shop.

:func:`write_demo_shop` writes a folder of files laid out exactly as JD's tools export them —
京准通 reports for five product lines (快车 with its keyword and search-term reports, 展位, 海投,
购物触点, 站外广告), 京东商智 workbooks (流量来源, 经营概况, 商品明细, 行业热搜榜) and the order
export of the merchant back office — with the quirks those exports have: title lines above the
header, UTF-8 with BOM, GB18030, ``-`` for empty cells, ``¥`` and thousands separators, 合计
rows, dates in three styles, header labels that drift between files, a tab inside quoted search
terms and two exports of one product line that overlap by a week (the later one with more
attributed orders).

The shop, 澄禾 (CHENGHE), is invented; every number is simulated from one seeded
:func:`numpy.random.default_rng`, so the same ``seed`` and ``scale`` always give byte-identical
files. The simulation is coherent rather than exact: orders come from customers with a
gamma-distributed repurchase rate and a limited lifetime; 京东商智's daily figures are built from
those orders; the ad lines are sized from the shop's visitors; the 快车 campaign report is the sum
of its keyword report, which is the sum of its search-term report.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from jdpromo.params import check_shop_id

DEMO_START = date(2024, 11, 1)
DEMO_END = date(2026, 10, 31)
EXPORT_TIME = datetime(2026, 11, 20, 9, 30)

BRAND = "澄禾"
BRAND_LATIN = "CHENGHE"
SHOP_NAME = "澄禾厨房电器旗舰店"

# Margins the demo data were tuned against; params/demo.yaml states the same values.
GROSS_MARGIN = 0.38
COMMISSION_RATE = 0.08
REFUND_RATE = 0.04
BREAKEVEN_ROI = 1.0 / (GROSS_MARGIN - COMMISSION_RATE - REFUND_RATE)

PAID_LINES = ("快车", "展位", "海投", "购物触点", "站外广告")
"""The 京准通 product lines the demo exports, as 京准通 names them."""

KEYWORDS_PER_SCALE = 900
"""快车 keywords bought at scale 1.0 (brand, category, rival, promotion and long-tail words)."""

CUSTOMERS_PER_SCALE = 30_000
"""Customers in the order export at scale 1.0."""

_D = date  # short alias for the tables below

_Span = tuple[date, date]
PROMOTIONS: dict[str, tuple[_Span | None, _Span, _Span | None]] = {
    # name: (预热 warmup, 爆发 peak, 返场 encore); 1111-2024 started before the data and has no
    # warmup in it. params/demo.yaml lists the four complete ones with the same dates.
    "1111-2024": (None, (_D(2024, 11, 1), _D(2024, 11, 11)), (_D(2024, 11, 12), _D(2024, 11, 13))),
    "618-2025": (
        (_D(2025, 5, 20), _D(2025, 5, 30)),
        (_D(2025, 5, 31), _D(2025, 6, 18)),
        (_D(2025, 6, 19), _D(2025, 6, 20)),
    ),
    "1111-2025": (
        (_D(2025, 10, 14), _D(2025, 10, 31)),
        (_D(2025, 11, 1), _D(2025, 11, 11)),
        (_D(2025, 11, 12), _D(2025, 11, 13)),
    ),
    "618-2026": (
        (_D(2026, 5, 20), _D(2026, 5, 30)),
        (_D(2026, 5, 31), _D(2026, 6, 18)),
        (_D(2026, 6, 19), _D(2026, 6, 20)),
    ),
    "1111-2026": (
        (_D(2026, 10, 14), _D(2026, 10, 31)),
        (_D(2026, 11, 1), _D(2026, 11, 11)),
        (_D(2026, 11, 12), _D(2026, 11, 13)),
    ),
}

# Spring Festival: logistics pause, orders drop (除夕 2025-01-28, 2026-02-16).
_SPRING_FESTIVAL = ((_D(2025, 1, 25), _D(2025, 2, 4)), (_D(2026, 2, 13), _D(2026, 2, 23)))

_SEASON = np.array([1.12, 0.80, 0.94, 0.90, 0.98, 1.05, 0.86, 0.86, 0.95, 1.00, 1.12, 1.08])
"""淡旺季: relative demand of kitchen appliances by calendar month (Jan … Dec)."""

_WEEKDAY = np.array([0.97, 0.95, 0.96, 0.98, 1.00, 1.07, 1.07])
"""Relative demand Monday … Sunday."""

# The first export of each 京准通 line ends here; the second starts a week earlier.
_SPLIT_END = _D(2025, 10, 31)
_SPLIT_START = _D(2025, 10, 25)
_FIRST_EXPORT = datetime(2025, 11, 2, 10, 15, 0)
_ATTRIBUTION_TITLE = "转化周期：15天（点击）"

# ============================================================================================
# Catalogue: 61 SKUs in 18 categories
# ============================================================================================

# code | category | price (元) | popularity | launch | predecessor | weak detail page | title
# (the title follows the brand on JD; a weak detail page draws clicks but converts poorly)
_SKU_TABLE = """
AF451W|AF|229|6.0||||空气炸锅家用 4.5L大容量 多功能无油电炸锅 AF451 奶白色
AF451G|AF|229|3.0||||空气炸锅家用 4.5L大容量 多功能无油电炸锅 AF451 薄荷绿
AF502|AF|299|9.0||||可视空气炸锅5L 家用透明窗口 智能触控电炸锅 AF502 奶白色
AF502B|AF|299|3.0||||可视空气炸锅5L 家用透明窗口 智能触控电炸锅 AF502 雾霾蓝
AF651|AF|369|5.0||||双旋钮空气炸锅6.5L 大容量家用 可视款 AF651
AO121|AF|499|2.5||||空气炸烤箱一体机12L 家用多功能 电烤箱空气炸锅 AO121
AF251|AF|169|4.0||||小型空气炸锅2.5L 迷你一人食 宿舍电炸锅 AF251
AF802|AF|599|1.5|2025-08-15|AF651||双篮空气炸锅8L 大容量家用 两锅同烹 AF802
AF660|AF|459|6.0|2026-03-01|AF651||无涂层空气炸锅6L 不锈钢内胆 可视 2026新款 AF660
RC401|RC|299|5.0||||电饭煲家用4L 智能预约 多功能电饭锅 RC401 珍珠白
RC401P|RC|299|1.5||||电饭煲家用4L 智能预约 多功能电饭锅 RC401 樱花粉
RC301|RC|199|4.0||||电饭煲3L 小型2-3人 一人食电饭锅 RC301
RC501|RC|399|3.0||||电饭煲5L 大容量 柴火饭 家用多功能 RC501
RC402L|RC|499|3.5|||weak|低糖电饭煲4L 米汤分离 家用智能 RC402L
RC403IH|RC|699|1.5||||IH电饭煲4L 球釜内胆 家用智能电饭锅 RC403
RC161|RC|139|2.5||||迷你电饭煲1.6L 宿舍小型 单人电饭锅 RC161
RC201|RC|169|2.0||||电饭煲2L 小型迷你 1-2人 RC201
BL175|BL|399|4.5||||破壁机家用1.75L 加热全自动 多功能料理机 BL175 象牙白
BL175G|BL|399|1.5||||破壁机家用1.75L 加热全自动 多功能料理机 BL175 雅灰色
BL180Q|BL|599|3.0|||weak|轻音破壁机 家用低音降噪 豆浆破壁一体 BL180Q
BL150|BL|499|2.5||||免滤破壁机1.5L 家用小型 豆浆机两用 BL150
BL060|BL|199|2.5||||料理机家用 多功能小型 榨汁搅拌机 BL060
BL120|BL|299|2.0|2025-09-01|BL060||破壁机1.2L 小型一人份 早餐破壁机 BL120
SM120|SM|259|3.0||||豆浆机家用 免煮免滤 全自动1.2L SM120
SM060|SM|199|2.0||||豆浆机迷你 小型1-2人 单人0.6L SM060
KT171|KT|79|5.0||||电热水壶1.7L 家用304不锈钢 烧水壶 KT171 白色
KT171K|KT|79|2.0||||电热水壶1.7L 家用304不锈钢 烧水壶 KT171 黑色
KT152|KT|129|3.0||||恒温电热水壶1.5L 保温 智能温控烧水壶 KT152
KT181|KT|99|2.5||||双层防烫电热水壶1.8L 家用大容量 KT181
KT120B|KT|159|1.2||||恒温调奶器1.2L 婴儿冲奶 恒温水壶 KT120B
HP151|HP|139|4.0||||养生壶1.5L 家用多功能 煮茶器花茶壶 HP151 奶白色
HP151C|HP|139|1.5||||养生壶1.5L 家用多功能 煮茶器花茶壶 HP151 奶咖色
HP101|HP|169|2.5||||玻璃养生壶1L 办公室小型 煮茶壶 HP101
HP080|HP|199|1.5||||蒸汽喷淋煮茶器 黑茶普洱 煮茶壶 HP080
JC035|JC|99|4.0||||便携榨汁杯 无线充电 小型果汁杯 JC035 薄荷绿
JC035P|JC|99|2.0||||便携榨汁杯 无线充电 小型果汁杯 JC035 樱花粉
JC600|JC|199|1.5||||榨汁机家用 渣汁分离 多功能果汁机 JC600
JC800|JC|599|1.2||||原汁机家用 大口径慢磨 低速榨汁机 JC800
ST201|ST|199|2.5||||电炖锅 陶瓷隔水炖 家用煲汤燕窝炖盅 ST201
ST101|ST|129|1.2||||电炖锅1L 陶瓷小型 一人份炖盅 ST101
ST301|ST|169|2.5||||电蒸锅三层 大容量 家用多功能蒸锅 ST301
BM010|BM|149|3.0||||三明治早餐机 家用多功能 轻食机 BM010 奶白色
BM010G|BM|149|1.5||||三明治早餐机 家用多功能 轻食机 BM010 牛油果绿
BM300|BM|229|3.0||||电饼铛家用 双面加热 煎烤机 加深款 BM300
BM040|BM|199|2.0||||多功能早餐机 四合一 烤面包煎蛋 BM040
HG401|HG|259|3.0||||多功能料理锅 电火锅4L 家用一体锅 HG401 奶白色
HG401P|HG|259|1.5||||多功能料理锅 电火锅4L 家用一体锅 HG401 樱花粉
HG601|HG|299|2.0||||鸳鸯电火锅6L 家用大容量 分体式 HG601
HG151|HG|89|3.5||||电煮锅1.5L 宿舍小型 多功能学生锅 HG151 奶白色
HG151B|HG|89|1.5||||电煮锅1.5L 宿舍小型 多功能学生锅 HG151 雾霾蓝
MG200|MG|159|2.5||||绞肉机家用 电动2L 不锈钢碎肉机 MG200
OV320|OV|399|2.0||||电烤箱家用32L 大容量 多功能烘焙 OV320
OV200S|OV|899|0.8|2025-05-10|||台式蒸烤箱一体机 家用20L OV200S
YG100|YG|99|1.5||||酸奶机家用 全自动 小型米酒纳豆机 YG100
CF120|CF|199|1.5||||美式咖啡机 家用滴漏式 小型 CF120
CF350|CF|899|1.2|||weak|意式咖啡机 家用半自动 蒸汽打奶泡 CF350
BF100|BF|299|1.5||||婴儿辅食机 蒸煮搅拌一体 多功能 BF100
IC220|IC|199|2.0||||电磁炉家用 2200W大功率 智能火锅炉 IC220
IC260|IC|269|1.2||||电陶炉家用 光波炉 不挑锅 IC260
EG007|EG|49|2.0||||煮蛋器家用 多功能蒸蛋器 自动断电 EG007
WK300|WK|79|1.5||||手持电动打蛋器 家用小型 WK300
"""


def _sku_rows() -> list[tuple[str, str, float, float, date | None, str | None, bool, str]]:
    rows = []
    for line in _SKU_TABLE.strip().splitlines():
        code, cat, price, pop, launch, pred, weak, words = line.split("|")
        rows.append(
            (
                code,
                cat,
                float(price),
                float(pop),
                date.fromisoformat(launch) if launch else None,
                pred or None,
                weak == "weak",
                words,
            )
        )
    return rows


_SKUS = _sku_rows()


@dataclass(frozen=True)
class _Category:
    """Keyword vocabulary of one product category."""

    name: str
    cores: tuple[str, ...]
    pre: tuple[str, ...]
    suf: tuple[str, ...]
    junk: tuple[str, ...]  # suffixes of search terms that never convert (recipes, spare parts …)
    rivals: tuple[str, ...]
    units: tuple[tuple[str, str, tuple[str, ...]], ...]  # (unit name, sku code, words that route)
    weight: float
    campaign: str


_CATEGORIES: dict[str, _Category] = {
    "AF": _Category(
        "空气炸锅",
        ("空气炸锅", "电炸锅", "可视空气炸锅", "空气炸烤箱", "无油空气炸锅"),
        ("家用", "小型", "迷你", "大容量", "可视", "多功能", "智能", "全自动", "双篮"),
        ("家用", "大容量", "小型", "可视", "5升", "6升", "8升", "一人用", "双篮", "多功能"),
        ("食谱", "专用纸", "锡纸盘", "怎么用", "清洗", "配件", "鸡翅做法", "有害吗", "说明书"),
        ("美的", "九阳", "小熊", "苏泊尔", "飞利浦", "摩飞", "格兰仕", "利仁"),
        (
            ("空气炸锅-可视5L款", "AF502", ()),
            ("空气炸锅-大容量6.5L款", "AF651", ("大容量", "6升", "8升", "双篮")),
            ("空气炸锅-迷你款", "AF251", ("小型", "迷你", "一人")),
        ),
        12.0,
        "空气炸锅-核心词",
    ),
    "RC": _Category(
        "电饭煲",
        ("电饭煲", "电饭锅", "智能电饭煲", "低糖电饭煲", "IH电饭煲"),
        ("家用", "小型", "迷你", "智能", "多功能", "低糖", "球釜", "大容量", "宿舍"),
        (
            "家用",
            "3升",
            "4升",
            "5升",
            "1-2人",
            "3-4人",
            "小型",
            "大容量",
            "预约",
            "不粘内胆",
            "米汤分离",
        ),
        ("内胆", "维修", "蛋糕做法", "做饭步骤", "密封圈", "说明书"),
        ("美的", "苏泊尔", "九阳", "虎牌", "象印", "松下"),
        (
            ("电饭煲-智能4L款", "RC401", ()),
            ("电饭煲-低糖款", "RC402L", ("低糖", "米汤分离")),
            ("电饭煲-小容量款", "RC301", ("小型", "迷你", "1-2人", "宿舍", "3升")),
            ("电饭煲-IH款", "RC403IH", ("IH", "球釜")),
        ),
        7.0,
        "电饭煲-核心词",
    ),
    "BL": _Category(
        "破壁机",
        ("破壁机", "破壁料理机", "静音破壁机", "加热破壁机", "料理机"),
        ("家用", "小型", "静音", "轻音", "全自动", "多功能", "加热", "免滤", "迷你"),
        ("家用", "全自动", "静音", "加热", "小型", "多功能", "免滤", "降噪", "1.75升"),
        ("食谱", "刀片", "杯子配件", "怎么清洗", "做豆浆步骤", "噪音大怎么办"),
        ("九阳", "美的", "苏泊尔", "小熊", "摩飞", "东菱"),
        (
            ("破壁机-加热款", "BL175", ()),
            ("破壁机-轻音款", "BL180Q", ("静音", "轻音", "低音", "降噪")),
            ("破壁机-免滤款", "BL150", ("免滤",)),
            ("料理机-小型款", "BL060", ("料理机", "小型", "迷你")),
        ),
        6.0,
        "破壁机豆浆机-核心词",
    ),
    "SM": _Category(
        "豆浆机",
        ("豆浆机", "全自动豆浆机", "免滤豆浆机", "迷你豆浆机"),
        ("家用", "小型", "迷你", "全自动", "免滤", "免煮", "多功能", "静音"),
        ("家用", "全自动", "小型", "1-2人", "3-4人", "免滤", "免煮", "多功能", "静音"),
        ("配方", "维修", "怎么用", "清洗"),
        ("九阳", "美的", "苏泊尔"),
        (
            ("豆浆机-免滤款", "SM120", ()),
            ("豆浆机-迷你款", "SM060", ("迷你", "小型", "1-2人")),
        ),
        3.0,
        "破壁机豆浆机-核心词",
    ),
    "KT": _Category(
        "电热水壶",
        ("电热水壶", "烧水壶", "恒温电热水壶", "保温电热水壶", "电水壶"),
        ("家用", "小型", "304不锈钢", "恒温", "保温", "智能", "大容量", "防烫"),
        ("家用", "304不锈钢", "1.7升", "大容量", "恒温", "保温", "自动断电", "防烫", "小型"),
        ("除垢", "底座", "水垢怎么去除", "坏了怎么修"),
        ("美的", "苏泊尔", "九阳", "小熊"),
        (
            ("电热水壶-304不锈钢款", "KT171", ()),
            ("电热水壶-恒温款", "KT152", ("恒温", "保温", "智能")),
        ),
        5.0,
        "水壶养生壶-核心词",
    ),
    "HP": _Category(
        "养生壶",
        ("养生壶", "煮茶器", "玻璃养生壶", "多功能养生壶"),
        ("家用", "多功能", "全自动", "玻璃", "小型", "办公室", "智能", "迷你"),
        ("家用", "多功能", "全自动", "办公室", "小型", "玻璃", "1.5升"),
        ("食谱", "煮什么好", "玻璃配件", "除垢"),
        ("小熊", "美的", "苏泊尔", "鸣盏"),
        (
            ("养生壶-多功能款", "HP151", ()),
            ("煮茶器-蒸汽款", "HP080", ("煮茶",)),
        ),
        4.5,
        "水壶养生壶-核心词",
    ),
    "JC": _Category(
        "榨汁机",
        ("榨汁杯", "榨汁机", "便携榨汁杯", "原汁机", "果汁机"),
        ("便携式", "家用", "小型", "无线", "迷你", "多功能", "全自动"),
        ("便携", "家用", "小型", "无线充电", "渣汁分离", "大口径", "迷你", "户外"),
        ("充不进电", "刀片", "食谱", "搭配大全"),
        ("摩飞", "九阳", "美的", "小熊"),
        (
            ("榨汁杯-便携款", "JC035", ()),
            ("原汁机-慢磨款", "JC800", ("原汁机", "大口径", "渣汁分离")),
        ),
        3.0,
        "厨房小电-核心词",
    ),
    "ST": _Category(
        "电炖锅",
        ("电炖锅", "隔水炖", "电蒸锅", "炖盅", "燕窝炖盅"),
        ("家用", "陶瓷", "全自动", "小型", "多层", "大容量", "多功能"),
        ("家用", "陶瓷", "全自动", "小型", "大容量", "三层", "煲汤"),
        ("食谱", "炖汤做法", "蒸屉配件"),
        ("天际", "小熊", "美的"),
        (
            ("电炖锅-陶瓷款", "ST201", ()),
            ("电蒸锅-三层款", "ST301", ("蒸锅", "三层", "多层")),
        ),
        2.5,
        "厨房小电-核心词",
    ),
    "BM": _Category(
        "早餐机",
        ("早餐机", "三明治机", "电饼铛", "轻食机", "煎烤机"),
        ("家用", "多功能", "小型", "双面加热", "迷你", "加深", "全自动"),
        ("家用", "多功能", "双面加热", "加深", "小型", "不粘"),
        ("食谱", "做法", "烤盘配件", "怎么清洗"),
        ("利仁", "小熊", "美的", "苏泊尔"),
        (
            ("早餐机-三明治款", "BM010", ()),
            ("电饼铛-加深款", "BM300", ("电饼铛", "煎烤", "加深", "双面")),
        ),
        3.0,
        "厨房小电-核心词",
    ),
    "HG": _Category(
        "电火锅",
        ("电火锅", "多功能料理锅", "电煮锅", "多功能锅", "鸳鸯电火锅"),
        ("家用", "多功能", "小型", "宿舍", "学生", "大容量", "分体式"),
        ("家用", "多功能", "宿舍", "小型", "大容量", "分体式", "蒸煮一体", "1-2人", "4升"),
        ("清洗", "蒸笼配件", "能用吗", "说明书"),
        ("九阳", "美的", "小熊", "摩飞", "苏泊尔"),
        (
            ("料理锅-4L款", "HG401", ()),
            ("电煮锅-宿舍款", "HG151", ("电煮锅", "宿舍", "学生", "小型", "1-2人")),
            ("电火锅-鸳鸯款", "HG601", ("鸳鸯", "分体式", "大容量")),
        ),
        3.5,
        "厨房小电-核心词",
    ),
    "MG": _Category(
        "绞肉机",
        ("绞肉机", "电动绞肉机", "碎肉机", "绞馅机"),
        ("家用", "电动", "多功能", "小型", "不锈钢", "大容量"),
        ("家用", "电动", "不锈钢", "多功能", "小型", "大容量", "2升"),
        ("刀片", "饺子馅做法", "怎么拆"),
        ("美的", "九阳", "小熊", "苏泊尔"),
        (("绞肉机-2L款", "MG200", ()),),
        2.0,
        "厨房小电-核心词",
    ),
    "OV": _Category(
        "电烤箱",
        ("电烤箱", "烤箱", "蒸烤一体机", "台式蒸烤箱"),
        ("家用", "小型", "多功能", "大容量", "全自动", "台式"),
        ("家用", "小型", "大容量", "多功能", "32升", "烘焙"),
        ("食谱", "烤红薯温度", "烤盘配件", "模具"),
        ("美的", "格兰仕", "长帝", "海氏", "东芝"),
        (
            ("电烤箱-32L款", "OV320", ()),
            ("蒸烤箱-台式款", "OV200S", ("蒸烤",)),
        ),
        2.0,
        "厨房小电-核心词",
    ),
    "YG": _Category(
        "酸奶机",
        ("酸奶机", "米酒机", "纳豆机"),
        ("家用", "全自动", "小型", "多功能", "迷你"),
        ("家用", "全自动", "小型", "多功能", "分杯"),
        ("做酸奶步骤", "菌粉", "失败原因"),
        ("小熊", "美的"),
        (("酸奶机-全自动款", "YG100", ()),),
        1.2,
        "厨房小电-核心词",
    ),
    "CF": _Category(
        "咖啡机",
        ("咖啡机", "意式咖啡机", "美式咖啡机", "半自动咖啡机"),
        ("家用", "小型", "意式", "美式", "半自动", "全自动", "办公室", "迷你"),
        ("家用", "小型", "意式", "美式", "半自动", "全自动", "打奶泡", "办公室", "滴漏式"),
        ("豆推荐", "除垢剂", "怎么用", "拉花教程"),
        ("德龙", "飞利浦", "雀巢", "柏翠", "东菱"),
        (
            ("咖啡机-意式半自动款", "CF350", ()),
            ("咖啡机-美式滴漏款", "CF120", ("美式", "滴漏")),
        ),
        2.0,
        "厨房小电-核心词",
    ),
    "BF": _Category(
        "辅食机",
        ("辅食机", "婴儿辅食机", "宝宝辅食机", "辅食料理机"),
        ("婴儿", "宝宝", "多功能", "小型", "家用"),
        ("婴儿", "宝宝", "蒸煮一体", "多功能", "小型", "研磨"),
        ("食谱", "添加顺序", "怎么用"),
        ("小白熊", "贝博士", "美的"),
        (("辅食机-蒸煮一体款", "BF100", ()),),
        1.2,
        "厨房小电-核心词",
    ),
    "IC": _Category(
        "电磁炉",
        ("电磁炉", "电陶炉", "火锅电磁炉"),
        ("家用", "大功率", "智能", "多功能", "小型", "迷你"),
        ("家用", "大功率", "2200W", "智能", "爆炒", "不挑锅", "多功能"),
        ("维修", "锅具", "故障代码"),
        ("美的", "九阳", "苏泊尔", "奥克斯"),
        (
            ("电磁炉-2200W款", "IC220", ()),
            ("电陶炉-不挑锅款", "IC260", ("电陶炉", "不挑锅")),
        ),
        1.8,
        "厨房小电-核心词",
    ),
    "EG": _Category(
        "煮蛋器",
        ("煮蛋器", "蒸蛋器", "煮蛋神器"),
        ("家用", "小型", "多功能", "迷你", "自动断电", "双层"),
        ("家用", "小型", "多功能", "自动断电", "双层", "迷你"),
        ("煮几分钟", "怎么用"),
        ("小熊", "美的", "东菱"),
        (("煮蛋器-多功能款", "EG007", ()),),
        1.0,
        "厨房小电-核心词",
    ),
    "WK": _Category(
        "打蛋器",
        ("打蛋器", "电动打蛋器", "手持打蛋器"),
        ("家用", "小型", "电动", "手持", "迷你", "无线"),
        ("家用", "小型", "电动", "手持", "大功率", "无线"),
        ("打奶油多久", "怎么用"),
        ("小熊", "美的", "东菱", "海氏"),
        (("打蛋器-手持款", "WK300", ()),),
        1.0,
        "厨房小电-核心词",
    ),
}

# Commerce / question words that follow a product word in real searches.
_GENERIC_SUFFIX = (
    "哪个牌子好",
    "推荐",
    "排行榜",
    "十大品牌",
    "怎么样",
    "多少钱",
    "价格",
    "正品",
    "官方旗舰店",
    "京东自营",
    "国家补贴",
    "以旧换新",
    "送礼",
    "新款",
    "2026新款",
)
_GENERIC_PREFIX = (
    "家用",
    "小型",
    "迷你",
    "多功能",
    "智能",
    "新款",
    "2025新款",
    "2026新款",
    "高性价比",
)
_QUESTION = ("哪个牌子好", "怎么样", "推荐", "多少钱")
_BRAND_SEARCH = ("空气炸锅", "电饭煲", "破壁机", "养生壶", "电热水壶", "官方旗舰店", "怎么样")
_BRAND_ASK = ("怎么样", "官方旗舰店", "多少钱", "好用吗")

# Words that cannot stand together in one search (small vs big, two styles of one thing …).
_SMALL = ("迷你", "小型", "一人用", "1-2人", "单人", "宿舍", "学生", "一人份")
_BIG = ("大容量", "5升", "6升", "8升", "4升", "3-4人", "32升", "双篮", "大口径")
_EXCLUSIVE = (
    ("意式", "美式", "滴漏式"),
    ("半自动", "全自动"),
    ("婴儿", "宝宝"),
    ("玻璃", "304不锈钢", "不锈钢", "陶瓷"),
    ("静音", "轻音", "降噪"),
    ("3升", "4升", "5升", "6升", "8升", "2升", "1.5升", "1.7升", "1.75升", "32升"),
    ("2025", "2026", "新款"),
    ("恒温", "防烫"),
)

_NEW_WORDS = (
    "无涂层空气炸锅",
    "空气炸锅无涂层",
    "不锈钢空气炸锅",
    "空气炸锅不锈钢内胆",
    "无涂层空气炸锅家用",
    "健康无涂层空气炸锅",
    "空气炸锅6升无涂层",
    f"{BRAND}无涂层空气炸锅",
)
_PROMO_WORDS = {
    "1111": (
        "双11空气炸锅",
        "双十一空气炸锅",
        "双11电饭煲",
        "双11破壁机",
        "双十一小家电",
        "双11厨房电器",
        "双11养生壶",
        "双11电热水壶",
        "空气炸锅双11特价",
        "双11家电优惠",
    ),
    "618": (
        "618空气炸锅",
        "618电饭煲",
        "618破壁机",
        "618小家电",
        "京东618家电",
        "618养生壶",
        "空气炸锅618活动",
        "618厨房电器",
    ),
}

# Industry hot words of categories the shop does not sell.
_OTHER_PRODUCTS = (
    "洗碗机",
    "台式洗碗机",
    "电压力锅",
    "电高压锅",
    "自动炒菜机",
    "面条机",
    "和面机",
    "厨师机",
    "料理棒",
    "电烤盘",
    "微波炉",
    "微蒸烤一体机",
    "净水器",
    "即热式饮水机",
    "茶吧机",
    "磨豆机",
    "胶囊咖啡机",
    "冰淇淋机",
    "制冰机",
    "电热饭盒",
    "消毒碗柜",
    "刀具消毒机",
    "烤串机",
    "真空封口机",
    "干果机",
    "食物烘干机",
    "电动切菜机",
    "奶瓶消毒器",
    "暖奶器",
    "电炒锅",
)
_OTHER_MODIFIERS = ("家用", "小型", "全自动", "多功能", "哪个牌子好", "推荐", "2026新款")


# ============================================================================================
# Calendar
# ============================================================================================


@dataclass
class _Calendar:
    days: pd.DatetimeIndex
    phase: np.ndarray  # 0 ordinary, 1 预热, 2 爆发, 3 返场
    peak: np.ndarray  # order multiplier inside 爆发 (1 elsewhere)
    hot: np.ndarray  # first and last day of an 爆发: orders at midnight / 20:00
    festival: np.ndarray  # Spring Festival logistics pause
    demand: np.ndarray  # relative order volume (mean about 1)
    promo_window: dict[str, np.ndarray]  # promotion family ("1111"/"618") → days of the campaign

    @property
    def n(self) -> int:
        return len(self.days)

    def index(self, day: date) -> int:
        return (day - DEMO_START).days


def _calendar(rng: np.random.Generator) -> _Calendar:
    days = pd.date_range(DEMO_START, DEMO_END, freq="D")
    n = len(days)
    phase = np.zeros(n, dtype=np.int8)
    peak = np.ones(n)
    hot = np.zeros(n, dtype=bool)

    def span(a: date, b: date) -> slice:
        return slice(max(0, (a - DEMO_START).days), min(n, (b - DEMO_START).days + 1))

    windows = {"1111": np.zeros(n, dtype=bool), "618": np.zeros(n, dtype=bool)}
    for name, (warm, top, encore) in PROMOTIONS.items():
        if warm:
            phase[span(*warm)] = 1
        length = (top[1] - top[0]).days + 1
        profile = np.full(length, 1.4)
        profile[[0, 1, -2, -1]] = (3.0, 1.9, 2.1, 3.6)
        first = (top[0] - DEMO_START).days
        for i in range(length):
            if 0 <= first + i < n:
                phase[first + i] = 2
                peak[first + i] = profile[i]
        for edge in (first, first + length - 1):
            if 0 <= edge < n:
                hot[edge] = True
        if encore:
            phase[span(*encore)] = 3
        start = (warm[0] if warm else top[0]) - timedelta(days=4)
        end = encore[1] if encore else top[1]
        windows[name.split("-")[0]][span(start, end)] = True
    festival = np.zeros(n, dtype=bool)
    for a, b in _SPRING_FESTIVAL:
        festival[span(a, b)] = True

    promo = np.select([phase == 1, phase == 2, phase == 3], [1.08, peak, 1.25], 1.0)
    trend = 1.0 + 0.22 * np.arange(n) / (n - 1)
    demand = (
        _SEASON[days.month.to_numpy() - 1]
        * _WEEKDAY[days.day_of_week.to_numpy()]
        * trend
        * np.where(festival, 0.6, 1.0)
        * promo
        * rng.lognormal(0.0, 0.05, n)
    )
    return _Calendar(days, phase, peak, hot, festival, demand, windows)


# ============================================================================================
# Catalogue
# ============================================================================================


@dataclass
class _Catalog:
    frame: pd.DataFrame  # code, cat, sku, name, price, pop, launch (day index), pred (row), weak
    by_code: dict[str, int]

    def available(self, row: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Map SKUs not yet launched on ``day`` to their predecessor (or the category's top)."""
        launch = self.frame["launch"].to_numpy()
        pred = self.frame["pred"].to_numpy()
        row = row.copy()
        for _ in range(3):
            late = launch[row] > day
            if not late.any():
                break
            row[late] = pred[row[late]]
        return row


def _catalog(rng: np.random.Generator) -> _Catalog:
    codes = [s[0] for s in _SKUS]
    by_code = {c: i for i, c in enumerate(codes)}
    ids = rng.choice(90_000_000, len(codes), replace=False) + 10_000_000
    skus = [f"1000{v:08d}" for v in ids.tolist()]
    rows = []
    for i, (code, cat, price, pop, launch, pred, weak, words) in enumerate(_SKUS):
        top = max(
            (j for j, s in enumerate(_SKUS) if s[1] == cat and s[4] is None),
            key=lambda j: _SKUS[j][3],
        )
        rows.append(
            {
                "code": code,
                "cat": cat,
                "sku": skus[i],
                "name": f"{BRAND}（{BRAND_LATIN}）{words}",
                "price": float(price),
                "pop": pop,
                "launch": (launch - DEMO_START).days if launch else -1,
                "pred": by_code[pred] if pred else (top if launch else i),
                "weak": weak,
            }
        )
    return _Catalog(pd.DataFrame(rows), by_code)


# ============================================================================================
# Customers and orders
# ============================================================================================

_HOURS = np.array(
    [
        0.6,
        0.3,
        0.15,
        0.1,
        0.1,
        0.15,
        0.4,
        0.9,
        1.5,
        2.2,
        2.6,
        2.5,
        2.3,
        2.2,
        2.4,
        2.4,
        2.3,
        2.2,
        2.3,
        2.8,
        3.3,
        3.5,
        3.0,
        1.8,
    ]
)
# Opening and closing days of 爆发: a rush at midnight and at 20:00.
_HOURS_HOT = _HOURS * np.select([np.arange(24) == 0, np.arange(24) == 20], [8.0, 3.0], 1.0)


@dataclass
class _Orders:
    lines: pd.DataFrame  # one row per order × SKU (as exported)
    per_order: pd.DataFrame  # one row per order
    n_customers: int


def _orders(rng: np.random.Generator, cal: _Calendar, cat: _Catalog, scale: float) -> _Orders:
    n_days = cal.n
    n_cust = max(300, round(CUSTOMERS_PER_SCALE * scale))
    # First purchase: new customers arrive with demand (a few more in 爆发).
    p_first = cal.demand * np.where(cal.phase == 2, 1.15, 1.0)
    first_day = rng.choice(n_days, n_cust, p=p_first / p_first.sum())
    # Repeat purchases: gamma-distributed rate per year while active, exponential lifetime
    # (churn), thinned by daily demand so repeats follow the season too.
    rate = rng.gamma(0.5, 2.2, n_cust)
    life = rng.exponential(1.2, n_cust)
    window = np.minimum(life, (n_days - 1 - first_day) / 365.0)
    dmax, dmean = cal.demand.max(), cal.demand.mean()
    k = rng.poisson(rate * window * dmax / dmean)
    who = np.repeat(np.arange(n_cust), k)
    offset = 1.0 + rng.random(len(who)) * np.maximum(window[who] * 365.0 - 1.0, 0.0)
    day = first_day[who] + np.floor(offset).astype(np.int64)
    ok = day < n_days
    who, day = who[ok], day[ok]
    ok = rng.random(len(who)) < cal.demand[day] / dmax
    customer = np.concatenate([np.arange(n_cust), who[ok]])
    day = np.concatenate([first_day, day[ok]])

    # Time of day; opening and closing days of 爆发 peak at midnight and 20:00.
    n = len(day)
    hour_cdf = np.cumsum(_HOURS) / _HOURS.sum()
    hot_cdf = np.cumsum(_HOURS_HOT) / _HOURS_HOT.sum()
    u = rng.random(n)
    hour = np.where(cal.hot[day], np.searchsorted(hot_cdf, u), np.searchsorted(hour_cdf, u))
    seconds = hour * 3600 + rng.integers(0, 3600, n)
    stamp = day.astype(np.int64) * 86400 + seconds
    order = np.argsort(stamp, kind="stable")
    customer, day, stamp = customer[order], day[order], stamp[order]
    order_id = 300_000_000_000 + np.cumsum(rng.integers(2_000, 260_000, n))

    presale = (cal.phase[day] == 1) & (rng.random(n) < 0.3)
    # Lines: mostly one SKU per order; SKUs by popularity, new SKUs only after launch.
    n_lines = rng.choice([1, 2, 3], n, p=[0.8, 0.16, 0.04])
    line_order = np.repeat(np.arange(n), n_lines)
    pop = cat.frame["pop"].to_numpy()
    sku_row = rng.choice(len(pop), len(line_order), p=pop / pop.sum())
    sku_row = cat.available(sku_row, day[line_order])
    keep = ~pd.DataFrame({"o": line_order, "s": sku_row}).duplicated().to_numpy()
    line_order, sku_row = line_order[keep], sku_row[keep]
    qty = rng.choice([1, 2, 3], len(line_order), p=[0.9, 0.085, 0.015])
    discount = np.select([cal.phase == 2, cal.phase == 3], [0.88, 0.92], 1.0)[day]
    discount = np.where(presale, 0.9, discount)
    price = np.floor(cat.frame["price"].to_numpy()[sku_row] * discount[line_order])
    amount = np.round(np.bincount(line_order, price * qty, minlength=n), 2)

    # Coupons: price-sensitive customers use them, more so in promotions.
    propensity = rng.beta(0.6, 1.5, n_cust)
    boost = np.where(np.isin(cal.phase[day], (2, 3)), 1.4, 1.0)
    used = rng.random(n) < np.clip(propensity[customer] * boost, 0, 0.95)
    tier = np.select(
        [amount >= 999, amount >= 499, amount >= 299, amount >= 199, amount >= 99],
        [100.0, 50.0, 30.0, 20.0, 10.0],
        5.0,
    )
    coupon = np.where(used, tier, 0.0)
    paid = np.round(amount - coupon, 2)
    u = rng.random(n)
    cancel = np.where(presale, 0.09, 0.055)
    status = np.where(u < cancel, "已取消", np.where(u < cancel + 0.035, "退款成功", "已完成"))

    account_num = rng.choice(16**10, n_cust, replace=False)
    accounts = np.array([f"jd_{v:010x}" for v in account_num.tolist()], dtype=object)
    base = datetime.combine(DEMO_START, datetime.min.time())
    ordered_at = pd.to_datetime(stamp, unit="s", origin=pd.Timestamp(base))
    per_order = pd.DataFrame(
        {
            "order_id": order_id.astype(str),
            "customer": customer,
            "account": accounts[customer],
            "day": day,
            "ordered_at": ordered_at.strftime("%Y-%m-%d %H:%M:%S"),
            "status": status,
            "type": np.where(presale, "预售订单", "普通订单"),
            "amount": amount,
            "coupon": coupon,
            "paid": paid,
        }
    )
    lines = pd.DataFrame(
        {
            "order": line_order,
            "sku_row": sku_row,
            "qty": qty,
            "price": price,
        }
    )
    return _Orders(lines, per_order, n_cust)


# ============================================================================================
# Shop-level days (京东商智 经营概况) from the orders
# ============================================================================================


@dataclass
class _Shop:
    visitors: np.ndarray
    cart_buyers: np.ndarray
    order_buyers: np.ndarray
    order_amount: np.ndarray
    buyers: np.ndarray
    orders: np.ndarray
    gmv: np.ndarray


def _unique_per_day(customer: np.ndarray, day: np.ndarray, n_days: int) -> np.ndarray:
    """Distinct customers per day (a unique count: not additive over days)."""
    span = int(customer.max()) + 1 if len(customer) else 1
    key = np.unique(day.astype(np.int64) * span + customer)
    return np.bincount(key // span, minlength=n_days)


def _shop(rng: np.random.Generator, cal: _Calendar, orders: _Orders) -> _Shop:
    po = orders.per_order
    n = cal.n
    day = po["day"].to_numpy()
    cust = po["customer"].to_numpy()
    done = po["status"].to_numpy() != "已取消"
    buyers = _unique_per_day(cust[done], day[done], n)
    cvr = 0.03 * np.select(
        [cal.phase == 1, cal.phase == 2, cal.phase == 3],
        [0.75, 1.0 + 0.25 * (cal.peak - 1.0), 1.1],
        1.0,
    )
    cvr = cvr * np.where(cal.festival, 0.9, 1.0) * rng.lognormal(0.0, 0.06, n)
    visitors = np.round(np.maximum(buyers, 1) / cvr).astype(np.int64)
    carts = visitors * 0.075 * np.select([cal.phase == 1, cal.phase == 2], [2.0, 1.3], 1.0)
    return _Shop(
        visitors=visitors,
        cart_buyers=np.round(carts * rng.lognormal(0.0, 0.05, n)).astype(np.int64),
        order_buyers=_unique_per_day(cust, day, n),
        order_amount=np.bincount(day, po["amount"].to_numpy(), minlength=n),
        buyers=buyers,
        orders=np.bincount(day[done], minlength=n),
        gmv=np.bincount(day[done], po["paid"].to_numpy()[done], minlength=n),
    )


# ============================================================================================
# Keywords (快车)
# ============================================================================================


def _clash(parts: tuple[str, ...]) -> bool:
    """True when the words of a would-be search cannot stand together."""
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            if a in b or b in a:
                return True
    text = "".join(parts)
    if any(w in text for w in _SMALL) and any(w in text for w in _BIG):
        return True
    for group in _EXCLUSIVE:
        if sum(any(w in p for w in group) for p in parts) > 1:
            return True
    return False


def _keyword_pool() -> tuple[list[tuple[str, str, tuple[str, ...]]], list[tuple[str, str, tuple]]]:
    """Long-tail candidates: (text, category, parts) with one modifier, and with two."""
    single: list[tuple[str, str, tuple[str, ...]]] = []
    double: list[tuple[str, str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def add(bucket: list, cat: str, parts: tuple[str, ...]) -> None:
        text = "".join(parts)
        if text in seen or _clash(parts) or "无涂层" in text:
            return
        seen.add(text)
        bucket.append((text, cat, parts))

    for code, c in _CATEGORIES.items():
        seen.update(c.cores)
        pre = tuple(dict.fromkeys(c.pre + _GENERIC_PREFIX))
        suf = tuple(dict.fromkeys(c.suf + _GENERIC_SUFFIX))
        for core in c.cores:
            for p in pre:
                add(single, code, (p, core))
            for s in suf:
                add(single, code, (core, s))
        for core in c.cores:
            for p in pre:
                for s in suf:
                    add(double, code, (p, core, s))
            for p1 in c.pre:
                for p2 in c.pre:
                    if p1 != p2:
                        add(double, code, (p1, p2, core))
    return single, double


def _pick(rng: np.random.Generator, items: list, k: int, weights: np.ndarray | None = None) -> list:
    """``k`` items drawn without replacement (optionally weighted), kept in their order."""
    k = min(k, len(items))
    if k <= 0:
        return []
    p = None if weights is None else weights / weights.sum()
    idx = rng.choice(len(items), k, replace=False, p=p)
    return [items[i] for i in sorted(idx)]


_TIERS = {
    # tier: (ranking weight, CTR, CVR (order lines per click), bid low, bid high in 元)
    "brand": (4.0, 0.045, 0.035, 1.2, 2.2),
    "core": (10.0, 0.017, 0.04, 2.0, 3.6),
    "longtail": (1.0, 0.026, 0.03, 0.8, 2.2),
    "rival": (2.0, 0.009, 0.007, 1.8, 3.0),
    "promo": (6.0, 0.022, 0.035, 2.5, 4.0),
    "new": (1.5, 0.020, 0.030, 2.0, 3.2),
}


_TIER_SPREAD = {
    # tier: (share of impressions while active, rank offset, Zipf exponent)
    "core": (0.50, 1.0, 1.6),
    "brand": (0.08, 1.0, 1.5),
    "longtail": (0.20, 8.0, 1.1),
    "rival": (0.05, 2.0, 1.0),
    "promo": (0.30, 2.0, 1.0),
    "new": (0.10, 1.0, 1.0),
}

_BURST = 0.1
"""Gamma shape of the day-to-day noise of long-tail words (small: searched in bursts)."""


def _keywords(
    rng: np.random.Generator, cal: _Calendar, cat: _Catalog, scale: float
) -> pd.DataFrame:
    """The bought keywords: text, campaign, unit, SKU, match type, bid, id, rates, active days."""
    total = max(60, round(KEYWORDS_PER_SCALE * scale))
    share = min(1.0, scale)
    codes = list(_CATEGORIES)
    rows: list[dict] = []

    def add(
        text: str,
        tier: str,
        code: str,
        parts: tuple[str, ...] = (),
        campaign: str = "",
        unit: tuple[str, str] | None = None,
    ) -> None:
        rows.append(
            {
                "text": text,
                "tier": tier,
                "cat": code,
                "parts": parts or (text,),
                "campaign": campaign,
                "unit_pick": unit,
            }
        )

    # Brand words.
    brand = [
        (BRAND, "AF"),
        (f"{BRAND}旗舰店", "AF"),
        (f"{BRAND}官方旗舰店", "AF"),
        (f"{BRAND}小家电", "AF"),
        (f"{BRAND}厨房电器", "AF"),
        (BRAND_LATIN.lower(), "AF"),
    ]
    for code in codes:
        core = _CATEGORIES[code].cores[0]
        brand.append((f"{BRAND}{core}", code))
    for code in ("AF", "RC", "BL", "KT", "HP"):
        core = _CATEGORIES[code].cores[0]
        brand += [(f"{BRAND}{core}怎么样", code), (f"{BRAND}{core}官方旗舰店", code)]
    brand += [
        (f"{BRAND}可视空气炸锅", "AF"),
        (f"{BRAND}低糖电饭煲", "RC"),
        (f"{BRAND}轻音破壁机", "BL"),
    ]
    for text, code in _pick(rng, brand, max(3, math.ceil(len(brand) * share))):
        generic = not any(c in text for c in _CATEGORIES[code].cores)
        unit = (
            ("品牌词-通用", "AF502")
            if generic
            else (f"品牌词-{_CATEGORIES[code].name}", _CATEGORIES[code].units[0][1])
        )
        add(text, "brand", code, campaign="品牌词-澄禾", unit=unit)
    # Category head words.
    cores = [(core, code) for code in codes for core in _CATEGORIES[code].cores]
    first = [(c.cores[0], code) for code, c in _CATEGORIES.items()]
    others = [x for x in cores if x not in first]
    n_cores = max(4, math.ceil(len(cores) * share * 0.55))
    picked = first[:n_cores] + _pick(rng, others, n_cores - len(first))
    for text, code in picked:
        add(text, "core", code, campaign=_CATEGORIES[code].campaign)
    # Competitor brand words.
    rivals = [
        (f"{r}{_CATEGORIES[code].cores[0]}", code)
        for code in codes
        for r in _CATEGORIES[code].rivals
    ]
    for text, code in _pick(rng, rivals, max(3, math.ceil(30 * share))):
        add(
            text,
            "rival",
            code,
            campaign="竞品词-拦截",
            unit=(f"竞品-{_CATEGORIES[code].name}", _CATEGORIES[code].units[0][1]),
        )
    # Promotion words, and the top head words bought again in the promotion campaigns.
    for fam, words in _PROMO_WORDS.items():
        campaign = f"大促-{'双11' if fam == '1111' else '618'}专项"
        unit = (f"{'双11' if fam == '1111' else '618'}-爆款主推", "AF502")
        picked = _pick(rng, list(words), max(2, math.ceil(len(words) * share)))
        again = ["空气炸锅", "电饭煲", "破壁机", "养生壶", "电热水壶", "可视空气炸锅"]
        for text in picked + again[: max(1, math.ceil(len(again) * share))]:
            code = next((c for c in codes if _CATEGORIES[c].cores[0] in text), "AF")
            add(text, "promo", code, campaign=campaign, unit=unit)
    # New-product words (from the launch of AF660).
    for text in _pick(rng, list(_NEW_WORDS), max(2, math.ceil(len(_NEW_WORDS) * share))):
        add(text, "new", "AF", campaign="新品-无涂层空气炸锅", unit=("新品-AF660", "AF660"))
    # Long tail: 60 % one modifier, 40 % two, categories weighted by their importance.
    single, double = _keyword_pool()
    rest = max(0, total - len(rows))
    cat_weight = {code: c.weight for code, c in _CATEGORIES.items()}
    n_double = min(len(double), round(rest * 0.4))
    n_single = min(len(single), rest - n_double)
    chosen = _pick(rng, single, n_single, np.array([cat_weight[c] for _, c, _ in single]))
    chosen += _pick(rng, double, n_double, np.array([cat_weight[c] for _, c, _ in double]))
    n_campaigns = max(1, math.ceil(scale))
    for i, (text, code, parts) in enumerate(chosen):
        campaign = "长尾词-拓展" + ("" if i % n_campaigns == 0 else str(i % n_campaigns + 1))
        add(text, "longtail", code, parts, campaign=campaign)
    # Beyond the pool (very large scales): the same words bought again in further campaigns.
    extra = rest - len(chosen)
    pool = [r for r in rows if r["tier"] == "longtail"]
    for i in range(max(0, extra)):
        r = pool[i % len(pool)]
        k = n_campaigns + 1 + i // len(pool)
        add(r["text"], "longtail", r["cat"], r["parts"], campaign=f"长尾词-拓展{k}")

    kw = pd.DataFrame(rows)
    n = len(kw)
    # Units: routed by words in the keyword; SKU of the unit sets revenue per order line.
    unit_names, unit_skus = [], []
    for r in kw.itertuples():
        if r.unit_pick is not None:
            name, code = r.unit_pick
        else:
            c = _CATEGORIES[r.cat]
            name, code, _ = next(
                (u for u in c.units[1:] if any(w in r.text for w in u[2])), c.units[0]
            )
        unit_names.append(name)
        unit_skus.append(cat.by_code[code])
    kw["unit"] = unit_names
    kw["sku_row"] = np.array(unit_skus)
    tier = kw["tier"].to_numpy()
    tw = np.array([_TIERS[t][0] for t in tier])
    base_ctr = np.array([_TIERS[t][1] for t in tier])
    base_cvr = np.array([_TIERS[t][2] for t in tier])
    lo = np.array([_TIERS[t][3] for t in tier])
    hi = np.array([_TIERS[t][4] for t in tier])
    # Cheap products cannot afford the bids of expensive ones.
    price = cat.frame["price"].to_numpy()[kw["sku_row"].to_numpy()]
    afford = np.clip((price / 300) ** 0.4, 0.6, 1.3)
    kw["bid"] = np.round((lo + (hi - lo) * rng.random(n)) * afford, 2)
    kw["cpc"] = kw["bid"] * rng.uniform(0.6, 0.92, n)
    weak = cat.frame["weak"].to_numpy()[kw["sku_row"].to_numpy()]
    kw["ctr"] = base_ctr * rng.lognormal(0, 0.25, n) * np.where(weak, 1.5, 1.0)
    kw["cvr"] = base_cvr * rng.lognormal(0, 0.3, n) * np.where(weak, 0.4, 1.0)
    # Ranking within a tier: big categories and first head words first, with some noise.
    catw = np.array([_CATEGORIES[c].weight for c in kw["cat"]])
    head = np.array(
        [
            1.0 / (1 + _CATEGORIES[c].cores.index(t)) if t in _CATEGORIES[c].cores else 1.0
            for t, c in zip(kw["text"], kw["cat"], strict=True)
        ]
    )
    two = np.where(kw["parts"].map(len).to_numpy() > 2, 0.5, 1.0)
    top = np.array(
        [3.0 if t == BRAND else 1.5 if t.startswith(f"{BRAND}官方") else 1.0 for t in kw["text"]]
    )
    noise = rng.lognormal(0, np.where(tier == "core", 0.15, 0.5))
    score = tw * catw * head * two * top * noise
    # Each tier gets a share of the impressions (while its words are active), spread over its
    # words by a Zipf-like law of their rank: a few head words take most, the tail a little.
    weight = np.zeros(n)
    for name, (share_t, offset, z) in _TIER_SPREAD.items():
        mask = tier == name
        if not mask.any():
            continue
        order = np.argsort(-np.where(mask, score, -np.inf), kind="stable")
        rank = np.empty(n)
        rank[order] = np.arange(n)
        w = 1.0 / (rank[mask] + offset) ** z
        weight[mask] = share_t * w / w.sum()
    kw["weight"] = weight
    kw["match"] = _match_types(rng, tier)
    kw["kw_id"] = [str(v) for v in (2_104_000_000_000 + rng.choice(10**9, n, replace=False))]
    # Active days: long-tail words are added and paused over time; year words only in season.
    start = np.zeros(n, dtype=np.int64)
    end = np.full(n, cal.n, dtype=np.int64)
    lt = tier == "longtail"
    late = lt & (rng.random(n) < 0.6)
    start[late] = rng.integers(0, 650, late.sum())
    paused = lt & (rng.random(n) < 0.7)
    end[paused] = np.minimum(cal.n, start[paused] + rng.integers(45, 300, paused.sum()))
    text = kw["text"].to_numpy()
    y26 = np.array(["2026" in t for t in text])
    y25 = np.array(["2025" in t for t in text])
    start[y26] = np.maximum(start[y26], cal.index(_D(2025, 9, 1)))
    end[y25] = np.minimum(end[y25], cal.index(_D(2026, 1, 31)))
    end = np.maximum(end, start + 30)
    kw["start"], kw["end"] = start, end
    return kw


def _match_types(rng: np.random.Generator, tier: np.ndarray) -> np.ndarray:
    u = rng.random(len(tier))
    return np.select(
        [
            (tier == "brand") & (u < 0.6),
            tier == "brand",
            (tier == "core") & (u < 0.55),
            tier == "core",
            (tier == "longtail") & (u < 0.7),
            tier == "longtail",
            tier == "rival",
            tier == "promo",
            (tier == "new") & (u < 0.5),
        ],
        [
            "精确匹配",
            "短语匹配",
            "短语匹配",
            "切词包含",
            "精确匹配",
            "短语匹配",
            "精确匹配",
            "短语匹配",
            "短语匹配",
        ],
        "切词包含",
    )


# Search-term kinds: (CTR factor, CVR factor).
_TERM_KINDS = {
    "self": (1.0, 1.0),
    "space": (1.0, 1.0),
    "variant": (0.9, 0.9),
    "question": (0.8, 0.45),
    "rival": (0.55, 0.1),
    "junk": (0.6, 0.0),
}


def _terms(rng: np.random.Generator, kw: pd.DataFrame) -> pd.DataFrame:
    """Search terms per keyword, by match type; junk terms (recipes, parts …) never convert."""
    rows: list[tuple[int, str, str, float]] = []
    generic = set(_GENERIC_SUFFIX)
    for k, r in enumerate(kw.itertuples()):
        c = _CATEGORIES[r.cat]
        text = r.text
        terms: list[tuple[str, str, float]] = [(text, "self", 1.0)]
        if len(r.parts) > 1 and rng.random() < 0.3:
            terms.append((" ".join(r.parts), "space", 0.2))
        ends_generic = r.parts[-1] in generic
        if r.tier == "brand" and r.match != "精确匹配":
            # Brand searches: the brand with a product word, the store, a question.
            named = any(core in text for core in c.cores)
            extras = [e for e in (_BRAND_ASK if named else _BRAND_SEARCH) if e not in text]
            n_extra = min(len(extras), int(rng.integers(1, 3)))
            for j in rng.choice(len(extras), n_extra, replace=False):
                terms.append((f"{text}{extras[j]}", "variant", float(rng.uniform(0.1, 0.4))))
        elif r.match in ("短语匹配", "切词包含"):
            for _ in range(int(rng.integers(1, 3))):
                # Promotion words only get words after them ("双11空气炸锅家用").
                if not ends_generic and (rng.random() < 0.6 or r.tier == "promo"):
                    s = c.suf[int(rng.integers(len(c.suf)))]
                    if _clash((*r.parts, s)):
                        continue
                    tab = rng.random() < 0.1
                    terms.append(
                        (
                            f"{text}\t{s}" if tab else f"{text}{s}",
                            "variant",
                            float(rng.uniform(0.1, 0.5)),
                        )
                    )
                else:
                    p = c.pre[int(rng.integers(len(c.pre)))]
                    if _clash((p, *r.parts)):
                        continue
                    terms.append((f"{p}{text}", "variant", float(rng.uniform(0.1, 0.4))))
            if not ends_generic and rng.random() < 0.5:
                q = _QUESTION[int(rng.integers(len(_QUESTION)))]
                if q not in text:
                    terms.append((f"{text}{q}", "question", float(rng.uniform(0.1, 0.3))))
        if r.match == "切词包含" and r.tier != "brand":
            rival = c.rivals[int(rng.integers(len(c.rivals)))]
            terms.append((f"{rival}{text}", "rival", float(rng.uniform(0.1, 0.35))))
            n_junk = 2 if rng.random() < 0.3 else 1
            for j in rng.choice(len(c.junk), n_junk, replace=False):
                terms.append((f"{text}{c.junk[j]}", "junk", float(rng.uniform(0.08, 0.3))))
            if rng.random() < 0.15:
                terms.append((f"二手{text}", "junk", 0.05))
        seen: set[str] = set()
        for t, kind, s in terms:
            if t not in seen:
                seen.add(t)
                rows.append((k, t, kind, s))
    out = pd.DataFrame(rows, columns=["kw", "text", "kind", "share"])
    if not out["text"].str.contains("\t").any():
        # Always at least one pasted search with a tab in it (quoted in the CSV).
        i = int(np.flatnonzero(out["kind"].to_numpy() != "junk")[-1])
        out.loc[len(out)] = [out.at[i, "kw"], out.at[i, "text"] + "\t家用", "variant", 0.1]
    out["share"] = out["share"] / out.groupby("kw")["share"].transform("sum")
    out["ctr_f"] = out["kind"].map(lambda x: _TERM_KINDS[x][0])
    out["cvr_f"] = out["kind"].map(lambda x: _TERM_KINDS[x][1])
    return out


# ============================================================================================
# Day factors shared by the ad lines
# ============================================================================================


@dataclass
class _AdDays:
    ctr: np.ndarray
    cvr: np.ndarray
    cpc: np.ndarray
    carts: np.ndarray
    price: np.ndarray
    warmup: np.ndarray


def _ad_days(cal: _Calendar) -> _AdDays:
    ph = cal.phase
    return _AdDays(
        ctr=np.select([ph == 1, ph == 2], [1.05, 1.1], 1.0),
        cvr=np.select([ph == 1, ph == 2, ph == 3], [0.65, 1.0 + 0.3 * (cal.peak - 1.0), 1.15], 1.0)
        * np.where(cal.festival, 0.85, 1.0),
        cpc=np.select([ph == 1, ph == 2, ph == 3], [1.1, 1.2, 1.05], 1.0),
        carts=np.select([ph == 1, ph == 2], [2.3, 1.2], 1.0),
        price=np.select([ph == 1, ph == 2, ph == 3], [0.95, 0.88, 0.92], 1.0),
        warmup=ph == 1,
    )


def _line_clicks(rng: np.random.Generator, cal: _Calendar, shop: _Shop) -> dict[str, np.ndarray]:
    """Target clicks per ad line and day: about 27 % of the shop's visitors come from ads."""
    ph = cal.phase
    budget = np.select([ph == 1, ph == 2, ph == 3], [1.15, 1.3, 1.05], 1.0)
    budget = budget * np.where(cal.festival, 0.8, 1.0)
    paid = 0.27 * shop.visitors * budget
    shares = {
        "快车搜索": np.full(cal.n, 0.44),
        "快车推荐": np.full(cal.n, 0.07),
        "展位": np.where(np.isin(ph, (1, 2, 3)), 0.18, 0.11),
        "海投": np.full(cal.n, 0.13),
        "购物触点": np.where(ph == 1, 0.15, 0.11),
        "站外广告": np.full(cal.n, 0.14),
    }
    total = sum(shares.values())
    return {k: paid * v / total * rng.lognormal(0, 0.05, cal.n) for k, v in shares.items()}


def _outcomes(
    rng: np.random.Generator,
    clicks: np.ndarray,
    day: np.ndarray,
    cvr: np.ndarray,
    price: np.ndarray,
    direct_share: float,
    cart_rate: np.ndarray,
    ad: _AdDays,
) -> dict[str, np.ndarray]:
    """Order lines (gamma-Poisson), revenue and carts for rows of clicks."""
    mean = clicks * cvr * ad.cvr[day] * rng.gamma(2.0, 0.5, len(clicks))
    lines = rng.poisson(mean)
    direct = rng.binomial(lines, direct_share)
    indirect = lines - direct
    direct_rev = direct * price * ad.price[day] * rng.lognormal(0, 0.08, len(clicks))
    indirect_rev = indirect * 210.0 * rng.lognormal(0, 0.2, len(clicks))
    return {
        "direct_lines": direct,
        "indirect_lines": indirect,
        "direct_rev": np.round(direct_rev, 2),
        "indirect_rev": np.round(indirect_rev, 2),
        "carts": rng.poisson(clicks * cart_rate * ad.carts[day]),
    }


def _campaign_active(cal: _Calendar, campaign: str) -> np.ndarray:
    n = cal.n
    if campaign.startswith("大促-双11"):
        return cal.promo_window["1111"]
    if campaign.startswith("大促-618"):
        return cal.promo_window["618"]
    if campaign.startswith("新品-"):
        return np.arange(n) >= cal.index(_D(2026, 3, 1))
    if campaign.startswith("竞品词"):
        d = np.arange(n)
        return ~((d >= cal.index(_D(2025, 7, 1))) & (d <= cal.index(_D(2025, 8, 31))))
    return np.ones(n, dtype=bool)


def _search(
    rng: np.random.Generator,
    cal: _Calendar,
    cat: _Catalog,
    kw: pd.DataFrame,
    terms: pd.DataFrame,
    target: np.ndarray,
    ad: _AdDays,
) -> pd.DataFrame:
    """Search-term × day rows of 快车 (only rows with impressions)."""
    n_days = cal.n
    n_kw = len(kw)
    camp_act = {c: _campaign_active(cal, c) for c in kw["campaign"].unique()}
    d = np.arange(n_days)
    act = np.zeros((n_kw, n_days), dtype=bool)
    for k, (c, s, e) in enumerate(zip(kw["campaign"], kw["start"], kw["end"], strict=True)):
        act[k] = camp_act[c] & (d >= s) & (d < e)
    t_kw = terms["kw"].to_numpy()
    t_share = terms["share"].to_numpy()
    t_ctr = kw["ctr"].to_numpy()[t_kw] * terms["ctr_f"].to_numpy()
    kw_ctr = np.bincount(t_kw, t_share * t_ctr, minlength=n_kw)
    weight = kw["weight"].to_numpy()
    expected = (weight * kw_ctr) @ act * ad.ctr
    factor = np.where(expected > 0, target / np.maximum(expected, 1e-12), 0.0)
    # Day-to-day noise per keyword; long-tail words come in bursts (many empty days).
    shape = np.where(kw["tier"].to_numpy() == "longtail", _BURST, 2.5)[:, None]
    noise = rng.gamma(shape, 1.0 / shape, (n_kw, n_days))

    chunk = max(1, 4_000_000 // max(1, len(terms)))
    parts = []
    base = weight[t_kw] * t_share
    for a in range(0, n_days, chunk):
        b = min(n_days, a + chunk)
        lam = base[:, None] * factor[None, a:b] * (noise[t_kw, a:b] * act[t_kw, a:b])
        imp = rng.poisson(lam)
        ti, di = np.nonzero(imp)
        parts.append((ti, di + a, imp[ti, di]))
    ti = np.concatenate([p[0] for p in parts])
    di = np.concatenate([p[1] for p in parts])
    imp = np.concatenate([p[2] for p in parts]).astype(np.int64)
    ki = t_kw[ti]
    ctr = np.minimum(t_ctr[ti] * ad.ctr[di], 0.9)
    clicks = rng.binomial(imp, ctr)
    cpc = kw["cpc"].to_numpy()[ki] * ad.cpc[di] * rng.lognormal(0, 0.08, len(ti))
    cost = np.round(clicks * cpc, 2)
    cvr = kw["cvr"].to_numpy()[ki] * terms["cvr_f"].to_numpy()[ti]
    price = cat.frame["price"].to_numpy()[kw["sku_row"].to_numpy()[ki]]
    out = _outcomes(rng, clicks, di, cvr, price, 0.62, np.full(len(ti), 0.07), ad)
    frame = pd.DataFrame(
        {"term": ti, "kw": ki, "day": di, "impressions": imp, "clicks": clicks, "cost": cost, **out}
    )
    return frame.sort_values(["day", "kw", "term"], kind="stable").reset_index(drop=True)


# ============================================================================================
# Ad entities of the other lines (展位, 海投, 购物触点, 站外广告, 快车 推荐)
# ============================================================================================


@dataclass(frozen=True)
class _Entity:
    line: str
    campaign: str
    unit: str
    creative: str = ""
    audience: str = ""
    placement: str = ""
    sku: str = ""  # catalogue code
    weight: float = 1.0
    ctr: float = 0.01
    cpc: float = 1.0  # 展位: CPM (元 per 1000 impressions)
    cvr: float = 0.02
    new_share: float = 0.45
    cart_rate: float = 0.05
    window: str = "always"  # always | promo | warmup | new | kuaishou


def _entities(scale: float) -> list[_Entity]:
    base: list[_Entity] = []
    for cr in ("品牌形象-一口好锅做好饭", "短视频-一人食早餐"):
        for au in ("智能人群", "品类兴趣人群", "竞品人群"):
            for pl in ("首页猜你喜欢", "搜索结果页"):
                base.append(
                    _Entity(
                        "展位",
                        "展位-品牌日常曝光",
                        "品牌曝光-厨房小电",
                        cr,
                        au,
                        pl,
                        weight=1.0,
                        ctr=0.006,
                        cpc=16.0,
                        cvr=0.015,
                        new_share=0.5,
                    )
                )
    for cr in ("大促主视觉-空气炸锅直降", "大促主视觉-破壁机限时抢"):
        for au, f in (("高潜人群", 1.0), ("店铺老客", 2.2), ("竞品人群", 0.6)):
            base.append(
                _Entity(
                    "展位",
                    "展位-首焦-大促",
                    "大促首焦-爆款",
                    cr,
                    au,
                    "首页焦点图",
                    weight=4.0,
                    ctr=0.009,
                    cpc=25.0,
                    cvr=0.02 * f,
                    new_share=0.4,
                    window="promo",
                )
            )
    for au, f in (("高潜人群", 1.0), ("店铺老客", 2.0)):
        for pl in ("首页焦点图", "搜索结果页"):
            base.append(
                _Entity(
                    "展位",
                    "展位-新品首发",
                    "新品-无涂层空气炸锅",
                    "新品首发-无涂层更健康",
                    au,
                    pl,
                    sku="AF660",
                    weight=2.0,
                    ctr=0.008,
                    cpc=20.0,
                    cvr=0.018 * f,
                    window="new",
                )
            )
    top = [
        "AF502",
        "AF451W",
        "AF651",
        "RC401",
        "KT171",
        "BL175",
        "HP151",
        "RC402L",
        "JC035",
        "HG151",
        "AF251",
        "RC301",
    ]
    for code in top:
        base.append(
            _Entity(
                "海投",
                "海投-全店智能推广",
                "全店商品",
                audience="智能人群",
                sku=code,
                weight=1.0,
                ctr=0.011,
                cpc=0.75,
                cvr=0.015,
                new_share=0.45,
            )
        )
    for code in ("AF502", "AF651"):
        for au, f in (("高潜人群", 1.0), ("店铺老客", 1.8)):
            base.append(
                _Entity(
                    "海投",
                    "海投-爆款空气炸锅",
                    "空气炸锅爆款",
                    audience=au,
                    sku=code,
                    weight=1.5,
                    ctr=0.013,
                    cpc=0.9,
                    cvr=0.02 * f,
                    new_share=0.4,
                )
            )
    for cr in ("购物车-限时优惠提醒", "购物车-满减凑单推荐"):
        base.append(
            _Entity(
                "购物触点",
                "购物触点-购物车挽回",
                "加购未购召回",
                cr,
                "加购未购人群",
                weight=2.0,
                ctr=0.012,
                cpc=1.0,
                cvr=0.03,
                new_share=0.1,
                cart_rate=0.08,
            )
        )
    for au in ("店铺老客", "智能人群"):
        base.append(
            _Entity(
                "购物触点",
                "购物触点-订单完成页推荐",
                "老客复购",
                "订单完成页-搭配好物推荐",
                au,
                weight=1.0,
                ctr=0.008,
                cpc=0.8,
                cvr=0.018,
                new_share=0.15,
            )
        )
    for cr in ("预热-付定金享立减", "预热-加购抢先价"):
        for au in ("高潜人群", "加购未购人群"):
            base.append(
                _Entity(
                    "购物触点",
                    "购物触点-大促预热",
                    "预热蓄水",
                    cr,
                    au,
                    weight=2.0,
                    ctr=0.01,
                    cpc=1.1,
                    cvr=0.02,
                    new_share=0.3,
                    cart_rate=0.1,
                    window="promo",
                )
            )
    for unit in ("空气炸锅短视频", "破壁机短视频"):
        for au in ("智能人群", "高潜人群"):
            base.append(
                _Entity(
                    "站外广告",
                    "站外-抖音信息流种草",
                    unit,
                    audience=au,
                    placement="抖音信息流",
                    weight=1.5,
                    ctr=0.009,
                    cpc=0.65,
                    cvr=0.006,
                    new_share=0.75,
                )
            )
    for au in ("竞品人群", "智能人群"):
        base.append(
            _Entity(
                "站外广告",
                "站外-微信朋友圈拉新",
                "朋友圈-新客专享",
                audience=au,
                placement="微信朋友圈",
                weight=1.2,
                ctr=0.005,
                cpc=0.9,
                cvr=0.005,
                new_share=0.8,
            )
        )
    for pl in ("今日头条信息流", "腾讯视频贴片"):
        base.append(
            _Entity(
                "站外广告",
                "站外-头条腾讯视频",
                "资讯视频-品牌曝光",
                audience="智能人群",
                placement=pl,
                weight=0.8,
                ctr=0.004,
                cpc=0.55,
                cvr=0.004,
                new_share=0.8,
            )
        )
    base.append(
        _Entity(
            "站外广告",
            "站外-快手信息流",
            "快手-爆款直降",
            audience="智能人群",
            placement="快手信息流",
            weight=1.0,
            ctr=0.007,
            cpc=0.5,
            cvr=0.006,
            new_share=0.75,
            window="kuaishou",
        )
    )
    for code in ("AF502", "RC401", "BL175", "KT171", "HP151", "CF350"):
        base.append(
            _Entity(
                "快车",
                "快车-商品推荐-猜你喜欢",
                "推荐位-爆款",
                sku=code,
                weight=1.0,
                ctr=0.007,
                cpc=0.9,
                cvr=0.022,
                new_share=0.45,
            )
        )
    copies = max(1, round(scale))
    out = []
    for i in range(copies):
        suffix = "" if i == 0 else f"-{i + 1}"
        for e in base:
            out.append(
                _Entity(
                    **{**e.__dict__, "campaign": e.campaign + suffix, "weight": e.weight / copies}
                )
            )
    return out


def _entity_active(cal: _Calendar, window: str) -> np.ndarray:
    d = np.arange(cal.n)
    if window == "promo":
        return cal.promo_window["1111"] | cal.promo_window["618"]
    if window == "new":
        return d >= cal.index(_D(2026, 3, 1))
    if window == "kuaishou":
        return d >= cal.index(_D(2025, 6, 1))
    return np.ones(cal.n, dtype=bool)


def _display(
    rng: np.random.Generator,
    cal: _Calendar,
    cat: _Catalog,
    entities: list[_Entity],
    targets: dict[str, np.ndarray],
    ad: _AdDays,
) -> pd.DataFrame:
    """Entity × day rows of the lines without keywords (only rows with impressions)."""
    frames = []
    for line, key in (
        ("快车", "快车推荐"),
        ("展位", "展位"),
        ("海投", "海投"),
        ("购物触点", "购物触点"),
        ("站外广告", "站外广告"),
    ):
        ents = [e for e in entities if e.line == line]
        m = len(ents)
        act = np.array([_entity_active(cal, e.window) for e in ents])
        w = np.array([e.weight for e in ents])[:, None] * act * rng.gamma(3.0, 1 / 3, (m, cal.n))
        share = w / np.maximum(w.sum(axis=0), 1e-12)
        exp_clicks = share * targets[key][None, :]
        ctr = np.array([e.ctr for e in ents])[:, None] * rng.lognormal(0, 0.1, (m, cal.n))
        ctr = ctr * ad.ctr[None, :]
        weak = np.array(
            [bool(e.sku) and bool(cat.frame["weak"].iloc[cat.by_code[e.sku]]) for e in ents]
        )
        ctr = np.minimum(ctr * np.where(weak, 1.5, 1.0)[:, None], 0.5)
        imp = rng.poisson(exp_clicks / ctr)
        ei, di = np.nonzero(imp)
        imp = imp[ei, di]
        clicks = rng.binomial(imp, ctr[ei, di])
        rate = np.array([e.cpc for e in ents])[ei]
        noise = rng.lognormal(0, 0.06, len(ei))
        if line == "展位":
            cost = imp / 1000.0 * rate * ad.cpc[di] * noise
        else:
            cost = clicks * rate * ad.cpc[di] * noise
        cvr = np.array([e.cvr for e in ents])[ei] * np.where(weak, 0.4, 1.0)[ei]
        price = np.array(
            [cat.frame["price"].iloc[cat.by_code[e.sku]] if e.sku else 280.0 for e in ents]
        )[ei]
        carts = np.array([e.cart_rate for e in ents])[ei]
        out = _outcomes(rng, clicks, di, cvr, price, 0.6, carts, ad)
        lines = out["direct_lines"] + out["indirect_lines"]
        new = rng.binomial(lines, np.array([e.new_share for e in ents])[ei])
        frames.append(
            pd.DataFrame(
                {
                    "line": line,
                    "entity": ei,
                    "campaign": [ents[i].campaign for i in ei],
                    "unit": [ents[i].unit for i in ei],
                    "creative": [ents[i].creative for i in ei],
                    "audience": [ents[i].audience for i in ei],
                    "placement": [ents[i].placement for i in ei],
                    "sku": [
                        cat.frame["sku"].iloc[cat.by_code[ents[i].sku]] if ents[i].sku else ""
                        for i in ei
                    ],
                    "day": di,
                    "impressions": imp,
                    "clicks": clicks,
                    "cost": np.round(cost, 2),
                    **out,
                    "new_customers": new,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _presale(rng: np.random.Generator, frame: pd.DataFrame, ad: _AdDays) -> pd.DataFrame:
    """Presale (定金) order lines in 预热, NaN (exported as ``-``) on other days."""
    lines = (frame["direct_lines"] + frame["indirect_lines"]).to_numpy()
    warm = ad.warmup[frame["day"].to_numpy()]
    frame["presale"] = np.where(warm, rng.binomial(lines, 0.45), np.nan)
    return frame


def _kuaiche_units(
    rng: np.random.Generator, cat: _Catalog, kw: pd.DataFrame, rows: pd.DataFrame
) -> pd.DataFrame:
    """The 快车 campaign report of the search campaigns: the keyword rows summed per unit."""
    g = rows.assign(
        campaign=kw["campaign"].to_numpy()[rows["kw"].to_numpy()],
        unit=kw["unit"].to_numpy()[rows["kw"].to_numpy()],
        sku_row=kw["sku_row"].to_numpy()[rows["kw"].to_numpy()],
    )
    cols = [
        "impressions",
        "clicks",
        "cost",
        "direct_lines",
        "indirect_lines",
        "direct_rev",
        "indirect_rev",
        "carts",
    ]
    out = g.groupby(["day", "campaign", "unit", "sku_row"], sort=True)[cols].sum().reset_index()
    out["cost"] = out["cost"].round(2)
    out["direct_rev"] = out["direct_rev"].round(2)
    out["indirect_rev"] = out["indirect_rev"].round(2)
    lines = (out["direct_lines"] + out["indirect_lines"]).to_numpy()
    out["new_customers"] = rng.binomial(lines, 0.45)
    out["sku"] = cat.frame["sku"].to_numpy()[out["sku_row"].to_numpy()]
    out["line"] = "快车"
    for c in ("creative", "audience", "placement"):
        out[c] = ""
    return out.drop(columns="sku_row")


# ============================================================================================
# 京东商智: traffic sources, SKUs, industry words
# ============================================================================================

# level 1, level 2, share of organic visitors, CVR factor, PV per visitor, bounce, cart factor, kind
_SOURCES: list[tuple[str, str, float, float, float, float, float, str]] = [
    ("搜索", "关键词搜索", 0.30, 1.3, 3.2, 0.33, 1.1, "always"),
    ("搜索", "店内搜索", 0.03, 1.8, 3.8, 0.22, 1.4, "always"),
    ("搜索", "类目搜索", 0.04, 0.9, 3.0, 0.40, 0.9, "always"),
    ("推荐", "首页推荐", 0.12, 0.5, 2.4, 0.52, 0.7, "always"),
    ("推荐", "商品详情页推荐", 0.06, 0.8, 2.6, 0.45, 0.9, "always"),
    ("推荐", "购物车推荐", 0.04, 0.9, 2.2, 0.40, 1.0, "always"),
    ("推荐", "订单完成页推荐", 0.02, 0.7, 2.0, 0.48, 0.8, "always"),
    ("活动", "秒杀", 0.10, 1.6, 2.1, 0.30, 1.2, "miaosha"),
    ("活动", "品牌闪购", 0.06, 1.3, 2.4, 0.35, 1.1, "shangou"),
    ("活动", "领券中心", 0.025, 1.1, 2.3, 0.38, 1.0, "always"),
    ("活动", "大促会场", 0.10, 1.4, 2.8, 0.36, 1.3, "promo"),
    ("内容", "短视频", 0.03, 0.6, 2.8, 0.55, 0.8, "always"),
    ("内容", "问答", 0.01, 1.0, 2.5, 0.30, 1.0, "always"),
    ("内容", "逛逛", 0.015, 0.5, 2.2, 0.58, 0.7, "always"),
    ("内容", "直播", 0.015, 1.2, 3.1, 0.40, 1.1, "always"),
    ("站外", "微信", 0.03, 0.5, 2.0, 0.60, 0.6, "always"),
    ("站外", "微博", 0.006, 0.3, 1.8, 0.66, 0.5, "always"),
    ("站外", "抖音", 0.02, 0.4, 1.9, 0.62, 0.6, "always"),
    ("自主访问", "购物车", 0.06, 3.0, 3.5, 0.15, 0.5, "always"),
    ("自主访问", "我的关注", 0.03, 1.8, 3.3, 0.25, 1.0, "always"),
    ("自主访问", "历史订单", 0.02, 1.5, 3.0, 0.25, 0.8, "always"),
    ("自主访问", "店铺首页", 0.04, 1.0, 3.6, 0.30, 1.0, "always"),
]
_PAID_SOURCES: list[tuple[str, tuple[str, ...], float, float, float, float]] = [
    # level 2, ad lines feeding it, CVR factor, PV per visitor, bounce, cart factor
    ("京东快车", ("快车搜索", "快车推荐"), 1.3, 2.9, 0.38, 1.1),
    ("京东展位", ("展位",), 0.6, 2.3, 0.50, 0.9),
    ("京东海投", ("海投",), 0.7, 2.4, 0.48, 0.9),
    ("购物触点", ("购物触点",), 1.6, 2.8, 0.30, 1.3),
    ("站外广告", ("站外广告",), 0.3, 1.9, 0.63, 0.6),
]


def _traffic(
    rng: np.random.Generator, cal: _Calendar, shop: _Shop, paid_clicks: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Daily 流量来源 rows; returns them with the shop's page views and bounce rate per day."""
    n = cal.n
    ph = cal.phase
    miaosha = (rng.random(n) < 0.1) | (ph == 2)
    shangou = rng.random(n) < 0.04
    shangou = shangou | np.roll(shangou, 1)
    promo = np.isin(ph, (1, 2, 3))
    org = np.array([s[2] for s in _SOURCES])[:, None] * np.ones(n)
    for i, s in enumerate(_SOURCES):
        if s[7] == "miaosha":
            org[i] *= miaosha
        elif s[7] == "shangou":
            org[i] *= shangou
        elif s[7] == "promo":
            org[i] *= np.where(ph == 2, 1.2, np.where(promo, 0.6, 0.0))
    org = org * rng.lognormal(0, 0.08, org.shape)
    org = org / org.sum(axis=0)
    paid = np.array([np.round(0.82 * sum(paid_clicks[k] for k in p[1])) for p in _PAID_SOURCES])
    paid = paid.astype(np.int64)
    organic = np.maximum(shop.visitors - paid.sum(axis=0), (shop.visitors * 0.4).astype(np.int64))
    visitors = np.vstack([rng.multinomial(organic, org.T).T, paid])
    meta = [(s[0], s[1], s[3], s[4], s[5], s[6]) for s in _SOURCES]
    meta += [("付费流量", p[0], p[2], p[3], p[4], p[5]) for p in _PAID_SOURCES]
    cvr_f = np.array([m[2] for m in meta])[:, None]
    pv_f = np.array([m[3] for m in meta])[:, None]
    bounce_f = np.array([m[4] for m in meta])[:, None]
    cart_f = np.array([m[5] for m in meta])[:, None]
    total_v = visitors.sum(axis=0)
    # Buyers: a buyer may have come by several sources, so the sources sum to more than the shop.
    p = visitors * cvr_f
    p = p / np.maximum(p.sum(axis=0), 1e-12)
    buyers = rng.multinomial(np.round(shop.buyers * 1.1).astype(np.int64), p.T).T
    buyers = np.minimum(buyers, visitors)
    short = shop.buyers - buyers.sum(axis=0)
    buyers[0] += np.maximum(short, 0)
    pc = visitors * cart_f
    pc = pc / np.maximum(pc.sum(axis=0), 1e-12)
    carts = np.minimum(
        rng.multinomial(np.round(shop.cart_buyers * 1.1).astype(np.int64), pc.T).T, visitors
    )
    per_buyer = np.where(shop.buyers > 0, shop.gmv / np.maximum(shop.buyers, 1), 0.0)
    gmv = np.round(buyers * per_buyer[None, :] * rng.lognormal(0, 0.1, buyers.shape), 2)
    pv = np.maximum(visitors, np.round(visitors * pv_f * rng.lognormal(0, 0.05, visitors.shape)))
    bounce = bounce_f * np.where(ph == 2, 0.9, 1.0)[None, :]
    bounce = bounce * rng.lognormal(0, 0.04, visitors.shape)
    bounce = np.clip(bounce, 0.05, 0.9)
    si, di = np.nonzero(visitors)
    frame = pd.DataFrame(
        {
            "day": di,
            "level1": [meta[i][0] for i in si],
            "level2": [meta[i][1] for i in si],
            "visitors": visitors[si, di],
            "page_views": pv[si, di].astype(np.int64),
            "bounce": bounce[si, di],
            "carts": carts[si, di],
            "buyers": buyers[si, di],
            "gmv": gmv[si, di],
        }
    ).sort_values(["day"], kind="stable")
    shop_pv = pv.sum(axis=0).astype(np.int64)
    shop_bounce = (bounce * visitors).sum(axis=0) / np.maximum(total_v, 1)
    shop.visitors = total_v
    return frame.reset_index(drop=True), shop_pv, shop_bounce


def _sku_days(
    rng: np.random.Generator, cal: _Calendar, cat: _Catalog, orders: _Orders, shop: _Shop
) -> pd.DataFrame:
    """京东商智 商品明细: visitors per SKU and day; buyers, units and GMV from the orders."""
    n, m = cal.n, len(cat.frame)
    po = orders.per_order
    li = orders.lines
    o = li["order"].to_numpy()
    day = po["day"].to_numpy()[o]
    done = po["status"].to_numpy()[o] != "已取消"
    sku = li["sku_row"].to_numpy()
    cust = po["customer"].to_numpy()[o]
    units = np.zeros((m, n), dtype=np.int64)
    np.add.at(units, (sku[done], day[done]), li["qty"].to_numpy()[done])
    gmv = np.zeros((m, n))
    np.add.at(gmv, (sku[done], day[done]), (li["qty"] * li["price"]).to_numpy()[done])
    buyers = _unique_per_day(cust[done], sku[done].astype(np.int64) * n + day[done], m * n)
    buyers = buyers.reshape(m, n)
    f = cat.frame
    launch = f["launch"].to_numpy()
    avail = np.arange(n)[None, :] >= launch[:, None]
    rel_cvr = np.where(f["weak"].to_numpy(), 0.35, 1.0)
    views = (f["pop"].to_numpy() / rel_cvr)[:, None] * avail
    views = views * rng.lognormal(0, 0.12, (m, n))
    views = views / np.maximum(views.sum(axis=0), 1e-12)
    visitors = rng.poisson(views * shop.visitors[None, :] * 1.35)
    visitors = np.maximum(visitors, buyers) * avail
    cart_rate = 0.06 * np.select([cal.phase == 1, cal.phase == 2], [2.2, 1.3], 1.0)
    cart_buyers = rng.binomial(visitors, np.minimum(cart_rate[None, :] * np.ones((m, 1)), 0.9))
    pv = visitors + rng.poisson(visitors * 0.7)
    si, di = np.nonzero(visitors)
    frame = pd.DataFrame(
        {
            "day": di,
            "sku": f["sku"].to_numpy()[si],
            "name": f["name"].to_numpy()[si],
            "visitors": visitors[si, di],
            "page_views": pv[si, di],
            "cart_buyers": cart_buyers[si, di],
            "buyers": buyers[si, di],
            "units": units[si, di],
            "gmv": np.round(gmv[si, di], 2),
        }
    )
    return frame.sort_values(["day"], kind="stable").reset_index(drop=True)


def _industry(rng: np.random.Generator, kw: pd.DataFrame) -> pd.DataFrame:
    """行业热搜榜 of 厨房小电 for October 2026: partly the shop's words, partly new ones.

    Category head words and rival brands lead the list, then promotion words (the month is the
    双11 预热), then long-tail searches and products the shop does not sell.
    """
    heat: dict[str, float] = {}

    def add(words: list[str], level: float) -> None:
        for w in words:
            if "2025" not in w and "618" not in w and w not in heat:
                heat[w] = level

    for c in _CATEGORIES.values():
        for i, core in enumerate(c.cores):
            heat[core] = c.weight * 10.0 / (1 + i)
    rivals = [f"{r}{c.cores[0]}" for c in _CATEGORIES.values() for r in c.rivals]
    for w in _pick(rng, rivals, 40):
        code = next(k for k, c in _CATEGORIES.items() if w.endswith(c.cores[0]))
        add([w], _CATEGORIES[code].weight * 3.0)
    add(list(_PROMO_WORDS["1111"]), 25.0)
    bought_tail = sorted(set(kw.loc[kw["tier"] == "longtail", "text"]))
    single, _ = _keyword_pool()
    bought = set(kw["text"])
    weight = {code: c.weight for code, c in _CATEGORIES.items()}
    for w in _pick(rng, bought_tail, 110):
        add([w], 1.5)
    unseen = [(t, c) for t, c, _ in single if t not in bought]
    for w, code in _pick(rng, unseen, 90, np.array([weight[c] for _, c in unseen])):
        add([w], weight[code] * 0.6)
    add(list(_OTHER_PRODUCTS), 12.0)
    others = [
        f"{m}{p}" if m in ("家用", "小型", "全自动", "多功能", "2026新款") else f"{p}{m}"
        for p in _OTHER_PRODUCTS
        for m in _OTHER_MODIFIERS
    ]
    add(_pick(rng, others, 420 - len(heat)), 2.0)
    words = list(heat)
    score = np.array([heat[w] for w in words]) * rng.lognormal(0, 0.5, len(words))
    order = np.argsort(-score, kind="stable")
    words = [words[i] for i in order]
    n = len(words)
    rank = np.arange(1, n + 1)
    searchers = np.round(320_000 / rank**0.95 * rng.lognormal(0, 0.05, n)).astype(np.int64)
    searchers = np.maximum.accumulate(searchers[::-1])[::-1]
    searches = np.round(searchers * rng.uniform(1.2, 1.9, n)).astype(np.int64)
    clicks = np.round(searches * rng.uniform(0.3, 0.85, n)).astype(np.int64)
    cvr = rng.uniform(0.01, 0.08, n)
    price = rng.uniform(120, 450, n)
    orders = np.round(clicks * cvr)
    return pd.DataFrame(
        {
            "rank": rank,
            "word": words,
            "searchers": searchers,
            "searches": searches,
            "clicks": clicks,
            "orders": orders,
            "gmv": np.round(orders * price, 2),
            "bid": np.round(np.clip(4.5 / rank**0.2 * rng.lognormal(0, 0.2, n), 0.6, 6.0), 2),
        }
    )


# ============================================================================================
# Formatting and writing
# ============================================================================================


def _dates(cal: _Calendar, style: str) -> np.ndarray:
    fmt = {"compact": "%Y%m%d", "dash": "%Y-%m-%d", "slash": "%Y/%m/%d"}[style]
    return np.asarray(cal.days.strftime(fmt), dtype=object)


def _ratio(num: np.ndarray, den: np.ndarray, *, pct: bool) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    ok = den > 0
    value = np.where(ok, num / np.where(ok, den, 1.0), 0.0) * (100.0 if pct else 1.0)
    text = np.char.mod("%.2f%%" if pct else "%.2f", value).astype(object)
    text[~ok] = "-"
    return text


def _yen(values: np.ndarray) -> np.ndarray:
    return np.array([f"¥{v:,.2f}" for v in np.asarray(values, dtype=float).tolist()], dtype=object)


def _dash(values: np.ndarray) -> np.ndarray:
    """Integers as text, ``-`` where missing (NaN)."""
    v = np.asarray(values, dtype=float)
    out = np.where(np.isnan(v), 0, v).astype(np.int64).astype(str).astype(object)
    out[np.isnan(v)] = "-"
    return out


def _text(values: np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype=object)
    return np.where(v == "", "-", v)


def _ad_columns(
    frame: pd.DataFrame, spec: list[tuple[str, str]], dates: np.ndarray, *, yen: bool = False
) -> tuple[pd.DataFrame, list[object]]:
    """The export frame of ad rows and its 合计 row, headers and order from ``spec``."""
    f = frame
    lines = (f["direct_lines"] + f["indirect_lines"]).to_numpy()
    rev = np.round((f["direct_rev"] + f["indirect_rev"]).to_numpy(), 2)
    sums = {
        c: f[c].sum()
        for c in (
            "impressions",
            "clicks",
            "cost",
            "direct_lines",
            "indirect_lines",
            "direct_rev",
            "indirect_rev",
            "carts",
        )
    }
    if "new_customers" in f:
        sums["new_customers"] = f["new_customers"].sum()
    if "presale" in f:
        sums["presale"] = np.nansum(f["presale"].to_numpy())
    sums["lines"] = sums["direct_lines"] + sums["indirect_lines"]
    sums["rev"] = sums["direct_rev"] + sums["indirect_rev"]
    money = _yen if yen else (lambda v: np.round(np.asarray(v, dtype=float), 2))
    cols: dict[str, object] = {}
    total: list[object] = []
    for header, key in spec:
        if key == "date":
            cols[header] = dates[f["day"].to_numpy()]
            total.append("合计")
        elif key in (
            "campaign",
            "unit",
            "creative",
            "audience",
            "placement",
            "sku",
            "keyword",
            "term",
            "kw_id",
            "match",
        ):
            cols[header] = _text(f[key].to_numpy())
            total.append("")
        elif key == "bid":
            cols[header] = f["bid"].to_numpy()
            total.append("")
        elif key in (
            "impressions",
            "clicks",
            "direct_lines",
            "indirect_lines",
            "carts",
            "new_customers",
        ):
            cols[header] = f[key].to_numpy()
            total.append(int(sums[key]))
        elif key == "presale":
            cols[header] = _dash(f["presale"].to_numpy())
            total.append(int(sums["presale"]))
        elif key == "lines":
            cols[header] = lines
            total.append(int(sums["lines"]))
        elif key in ("cost", "direct_rev", "indirect_rev"):
            cols[header] = money(f[key].to_numpy())
            total.append(money(np.array([sums[key]]))[0])
        elif key == "rev":
            cols[header] = money(rev)
            total.append(money(np.array([sums["rev"]]))[0])
        elif key in ("ctr", "cvr", "cpc", "cpm", "roi"):
            num, den, pct, k = {
                "ctr": (f["clicks"], f["impressions"], True, 1.0),
                "cvr": (lines, f["clicks"], True, 1.0),
                "cpc": (f["cost"], f["clicks"], False, 1.0),
                "cpm": (f["cost"], f["impressions"], False, 1000.0),
                "roi": (rev, f["cost"], False, 1.0),
            }[key]
            cols[header] = _ratio(np.asarray(num, dtype=float) * k, den, pct=pct)
            tnum = {
                "ctr": sums["clicks"],
                "cvr": sums["lines"],
                "cpc": sums["cost"],
                "cpm": sums["cost"] * 1000.0,
                "roi": sums["rev"],
            }[key]
            tden = {
                "ctr": sums["impressions"],
                "cvr": sums["clicks"],
                "cpc": sums["clicks"],
                "cpm": sums["impressions"],
                "roi": sums["cost"],
            }[key]
            total.append(_ratio(np.array([tnum]), np.array([tden]), pct=pct)[0])
        else:  # pragma: no cover - a spec typo
            raise KeyError(key)
    out = pd.DataFrame(cols)
    total = [float(v) if isinstance(v, np.floating) else v for v in total]
    return out, total


def _write_csv(
    path: Path,
    frame: pd.DataFrame,
    *,
    title: Sequence[str] = (),
    encoding: str = "utf-8-sig",
    eol: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
    total: list[object] | None = None,
) -> None:
    """Write a CSV as JD does: title lines, header, rows, an optional 合计 row."""
    buf = io.StringIO(newline="")
    for line in title:
        buf.write(line + eol)
    frame.to_csv(buf, index=False, lineterminator=eol, quoting=quoting, float_format="%.2f")
    if total is not None:
        row = [f"{v:.2f}" if isinstance(v, float) else v for v in total]
        csv.writer(buf, lineterminator=eol, quoting=quoting).writerow(row)
    path.write_bytes(buf.getvalue().encode(encoding))


_ZIP_TIME = (
    EXPORT_TIME.year,
    EXPORT_TIME.month,
    EXPORT_TIME.day,
    EXPORT_TIME.hour,
    EXPORT_TIME.minute,
    0,
)
_CORE_TIME = (EXPORT_TIME - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    ),
    "docProps/app.xml": (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel</Application></Properties>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _column_letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        name, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            name = chr(65 + r) + name
        out.append(name)
    return out


def _write_xlsx(
    path: Path,
    sheet: str,
    frame: pd.DataFrame,
    *,
    title: Sequence[str] = (),
    creator: str = "京东商智",
) -> None:
    """Write a one-sheet workbook as 京东商智 exports it: title rows, header, data.

    The package is assembled directly (shared strings, numbers as numbers, IDs and dates as
    text), with fixed timestamps in ``docProps/core.xml`` and in every ZIP entry, so that the
    same data always give the same bytes — and fast, even for tens of thousands of rows.
    """
    letters = _column_letters(max(len(frame.columns), 1))
    strings: dict[str, int] = {}

    def sst(values: Sequence[object]) -> list[int]:
        return [strings.setdefault(str(v), len(strings)) for v in values]

    lines: list[str] = []
    top = [[t] for t in title] + [list(frame.columns)]
    for r, cells in enumerate(top, start=1):
        refs = sst(cells)
        body = "".join(f'<c r="{letters[j]}{r}" t="s"><v>{k}</v></c>' for j, k in enumerate(refs))
        lines.append(f'<row r="{r}">{body}</row>')
    first = len(top) + 1
    n = len(frame)
    rows = np.arange(first, first + n).astype(str)
    columns = []
    for j, name in enumerate(frame.columns):
        col = frame[name]
        ref = np.char.add(letters[j], rows)
        if pd.api.types.is_integer_dtype(col.dtype):
            cells = [f'<c r="{a}"><v>{v}</v></c>' for a, v in zip(ref, col.tolist(), strict=True)]
        elif pd.api.types.is_float_dtype(col.dtype):
            vals = np.char.mod("%.2f", col.to_numpy(dtype=float))
            cells = [f'<c r="{a}"><v>{v}</v></c>' for a, v in zip(ref, vals, strict=True)]
        else:
            refs = sst(col.tolist())
            cells = [f'<c r="{a}" t="s"><v>{k}</v></c>' for a, k in zip(ref, refs, strict=True)]
        columns.append(cells)
    for r, cells in zip(rows, zip(*columns, strict=True), strict=True):
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    last = f"{letters[len(frame.columns) - 1]}{first + n - 1}"
    sheet_xml = (
        f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><dimension ref="A1:{last}"/>'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    shared = "".join(
        f'<si><t xml:space="preserve">{escape(s)}</t></si>'
        if s != s.strip()
        else f"<si><t>{escape(s)}</t></si>"
        for s in strings
    )
    shared_xml = (
        f'{_XML_HEAD}<sst xmlns="{_MAIN_NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{shared}</sst>'
    )
    workbook_xml = (
        f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><sheets><sheet name="{escape(sheet)}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )
    core_xml = (
        f'{_XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(creator)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_CORE_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_CORE_TIME}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    parts = {name: _XML_HEAD + xml for name, xml in _XLSX_PARTS.items()}
    parts["docProps/core.xml"] = core_xml
    parts["xl/workbook.xml"] = workbook_xml
    parts["xl/sharedStrings.xml"] = shared_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, xml.encode("utf-8"))
    path.write_bytes(out.getvalue())


def _split(frame: pd.DataFrame, first_end: int, second_start: int) -> tuple[pd.DataFrame, ...]:
    d = frame["day"].to_numpy()
    return frame[d <= first_end].copy(), frame[d >= second_start].copy()


def _still_accruing(rng: np.random.Generator, frame: pd.DataFrame, cal: _Calendar) -> pd.DataFrame:
    """Attributed orders of the first export: the last 15 days were still accruing then."""
    age = (_FIRST_EXPORT.date() - DEMO_START).days - frame["day"].to_numpy()
    frac = np.where(age <= 15, 1.0 - 0.45 * np.exp(-(age - 1) / 3.5), 1.0)
    frac = np.clip(frac, 0.0, 1.0)
    out = frame.copy()
    for lines, rev in (("direct_lines", "direct_rev"), ("indirect_lines", "indirect_rev")):
        before = out[lines].to_numpy()
        after = rng.binomial(before, frac)
        keep = np.where(before > 0, after / np.maximum(before, 1), 0.0)
        out[lines] = after
        out[rev] = np.round(out[rev].to_numpy() * keep, 2)
    total = (out["direct_lines"] + out["indirect_lines"]).to_numpy()
    out["new_customers"] = np.minimum(out["new_customers"].to_numpy(), total)
    pre = out["presale"].to_numpy()
    out["presale"] = np.where(np.isnan(pre), np.nan, np.minimum(np.nan_to_num(pre), total))
    return out


def _title(
    product: str,
    report: str,
    start: date,
    end: date,
    exported: datetime,
    shop: str,
    *,
    combined: bool = False,
) -> list[str]:
    span = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    stamp = f"导出时间：{exported:%Y-%m-%d %H:%M:%S}"
    if combined:
        return [f"{product} {report}    时间范围：{span}    {_ATTRIBUTION_TITLE}    {stamp}"]
    return [f"{product} {report}", f"账户：{shop}    时间范围：{span}", _ATTRIBUTION_TITLE, stamp]


_AD_METRICS = [
    ("直接订单行", "direct_lines"),
    ("直接订单金额", "direct_rev"),
    ("间接订单行", "indirect_lines"),
    ("间接订单金额", "indirect_rev"),
    ("总订单行", "lines"),
    ("总订单金额", "rev"),
]


@dataclass
class _AdFile:
    product: str  # title word
    report: str
    stem: str
    spec: list[tuple[str, str]]
    date_style: str
    yen: bool = False
    total: bool = False
    combined_title: bool = False
    blank_line: bool = False


def _ad_files() -> dict[str, _AdFile]:
    tail = [("新客数", "new_customers"), ("预售订单行", "presale"), ("转化率", "cvr")]
    return {
        "快车": _AdFile(
            "京东快车",
            "推广计划报表",
            "京东快车_推广计划报表",
            [
                ("日期", "date"),
                ("推广计划", "campaign"),
                ("推广单元", "unit"),
                ("SKU", "sku"),
                ("展现数", "impressions"),
                ("点击数", "clicks"),
                ("点击率", "ctr"),
                ("花费", "cost"),
                ("平均点击成本", "cpc"),
                *_AD_METRICS,
                ("总加购数", "carts"),
                *tail,
                ("ROI", "roi"),
            ],
            "compact",
            total=True,
        ),
        "展位": _AdFile(
            "京东展位",
            "创意报表",
            "京东展位_创意报表",
            [
                ("日期", "date"),
                ("推广计划", "campaign"),
                ("推广单元", "unit"),
                ("创意名称", "creative"),
                ("定向人群", "audience"),
                ("广告位", "placement"),
                ("展现量", "impressions"),
                ("点击量", "clicks"),
                ("点击率", "ctr"),
                ("总费用", "cost"),
                ("千次展现成本", "cpm"),
                *_AD_METRICS,
                ("总加购数", "carts"),
                *tail,
                ("ROI", "roi"),
            ],
            "dash",
            yen=True,
            combined_title=True,
        ),
        "海投": _AdFile(
            "京东海投",
            "推广单元报表",
            "京东海投_推广单元报表",
            [
                ("日期", "date"),
                ("推广计划", "campaign"),
                ("推广单元", "unit"),
                ("定向人群", "audience"),
                ("商品SKU", "sku"),
                ("展现数", "impressions"),
                ("点击数", "clicks"),
                ("点击率", "ctr"),
                ("花费", "cost"),
                ("平均点击成本", "cpc"),
                *_AD_METRICS,
                ("总加购数", "carts"),
                *tail,
                ("投产比", "roi"),
            ],
            "dash",
            blank_line=True,
        ),
        "购物触点": _AdFile(
            "购物触点",
            "创意报表",
            "购物触点_创意报表",
            [
                ("日期", "date"),
                ("推广计划", "campaign"),
                ("推广单元", "unit"),
                ("创意", "creative"),
                ("定向人群", "audience"),
                ("展现数", "impressions"),
                ("点击数", "clicks"),
                ("点击率", "ctr"),
                ("花费", "cost"),
                ("平均点击成本", "cpc"),
                *_AD_METRICS,
                ("总购物车数", "carts"),
                *tail,
                ("ROI", "roi"),
            ],
            "dash",
            total=True,
        ),
        "站外广告": _AdFile(
            "站外广告",
            "推广计划报表",
            "站外广告_推广计划报表",
            [
                ("日期", "date"),
                ("推广计划", "campaign"),
                ("推广单元", "unit"),
                ("投放位置", "placement"),
                ("定向人群", "audience"),
                ("曝光量", "impressions"),
                ("点击数", "clicks"),
                ("点击率", "ctr"),
                ("花费", "cost"),
                ("平均点击成本", "cpc"),
                *_AD_METRICS,
                ("总加购数", "carts"),
                *tail,
                ("投产比", "roi"),
            ],
            "slash",
            total=True,
        ),
    }


_KEYWORD_SPEC = [
    ("日期", "date"),
    ("推广计划", "campaign"),
    ("推广单元", "unit"),
    ("关键词", "keyword"),
    ("关键词ID", "kw_id"),
    ("出价", "bid"),
    ("关键词购买类型", "match"),
    ("展现数", "impressions"),
    ("点击数", "clicks"),
    ("点击率", "ctr"),
    ("花费", "cost"),
    ("平均点击成本", "cpc"),
    *_AD_METRICS,
    ("总加购数", "carts"),
    ("转化率", "cvr"),
    ("ROI", "roi"),
]
_TERM_SPEC = [
    ("日期", "date"),
    ("推广计划", "campaign"),
    ("推广单元", "unit"),
    ("关键词", "keyword"),
    ("搜索词", "term"),
    ("关键词购买类型", "match"),
    ("展现数", "impressions"),
    ("点击数", "clicks"),
    ("点击率", "ctr"),
    ("花费", "cost"),
    ("平均点击成本", "cpc"),
    *_AD_METRICS,
    ("总加购数", "carts"),
    ("转化率", "cvr"),
    ("ROI", "roi"),
]


# ============================================================================================
# Entry point
# ============================================================================================


@dataclass
class _Demo:
    cal: _Calendar
    cat: _Catalog
    orders: _Orders
    shop: _Shop
    shop_pv: np.ndarray
    shop_bounce: np.ndarray
    kw: pd.DataFrame
    terms: pd.DataFrame
    search: pd.DataFrame
    ads: pd.DataFrame
    traffic: pd.DataFrame
    skus: pd.DataFrame
    industry: pd.DataFrame


# The daily watch's planted anomalies (jdpromo watch): all on the demo's last day, DEMO_END, so
# the month before it is untouched; a day without them (the day before) is an ordinary day.
WATCH_CAP = ("海投", "海投-全店智能推广", 180.0)
"""Line, campaign and daily cap (元) that the campaign hits on DEMO_END (params/demo.yaml
``watch.daily_caps`` holds the same cap)."""
WATCH_TERM_CAMPAIGN = "空气炸锅-核心词"
WATCH_TERM_CLICKS, WATCH_TERM_CPC = 140, 2.45
WATCH_CTR_CAMPAIGN, WATCH_CTR_FACTOR = "展位-首焦-大促", 0.2


def _plant_term_spike(
    search: pd.DataFrame, ads: pd.DataFrame, kw: pd.DataFrame, terms: pd.DataFrame, cal: _Calendar
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A junk search term of :data:`WATCH_TERM_CAMPAIGN` (the one that spent least over the
    demo among those with a row on the last day) gets :data:`WATCH_TERM_CLICKS` clicks at
    :data:`WATCH_TERM_CPC` 元 and no order on DEMO_END; its unit's row of the 快车 campaign
    report gets the same change."""
    last = cal.n - 1
    camp = kw["campaign"].to_numpy()[search["kw"].to_numpy()]
    kind = terms["kind"].to_numpy()[search["term"].to_numpy()]
    pool = search[(camp == WATCH_TERM_CAMPAIGN) & (kind == "junk")]
    today = pool[pool["day"] == last]
    if today.empty:
        return search, ads
    spent = pool.groupby("term")["cost"].sum().loc[today["term"].unique()]
    row = today.index[today["term"] == spent.idxmin()][0]
    out = search.copy()
    ctr = out.at[row, "clicks"] / out.at[row, "impressions"] if out.at[row, "clicks"] else 0.025
    cols = ["impressions", "clicks", "cost", "direct_lines", "indirect_lines", "direct_rev",
            "indirect_rev", "carts"]  # fmt: skip
    before = out.loc[row, cols].astype(float)
    out.loc[row, ["clicks", "impressions", "carts"]] = [
        WATCH_TERM_CLICKS,
        int(round(WATCH_TERM_CLICKS / max(ctr, 0.01))),
        1,
    ]
    out.loc[row, "cost"] = round(WATCH_TERM_CLICKS * WATCH_TERM_CPC, 2)
    out.loc[row, ["direct_lines", "indirect_lines", "direct_rev", "indirect_rev"]] = 0
    delta = out.loc[row, cols].astype(float) - before
    k = int(out.at[row, "kw"])
    unit = ads.index[(ads["day"] == last) & (ads["line"] == "快车")
                     & (ads["campaign"] == kw.at[k, "campaign"]) & (ads["unit"] == kw.at[k, "unit"])]  # fmt: skip
    ads = ads.copy()
    if len(unit):
        for col in cols:
            ads.loc[unit[0], col] = max(ads.at[unit[0], col] + delta[col], 0)
        ads.loc[unit[0], "cost"] = round(ads.at[unit[0], "cost"], 2)
    return out, ads


def _plant_display_anomalies(ads: pd.DataFrame, cal: _Calendar) -> pd.DataFrame:
    """On DEMO_END: the campaign of :data:`WATCH_CAP` spends exactly its cap (clicks scaled
    with the spend), and the busiest creative of :data:`WATCH_CTR_CAMPAIGN` keeps its
    impressions and CPM cost but gets :data:`WATCH_CTR_FACTOR` of its clicks, orders and carts."""
    last = cal.n - 1
    out = ads.copy()
    line, campaign, cap = WATCH_CAP
    rows = out.index[(out["day"] == last) & (out["line"] == line) & (out["campaign"] == campaign)]
    if len(rows) and out.loc[rows, "cost"].sum() > 0:
        factor = cap / out.loc[rows, "cost"].sum()
        cost = (out.loc[rows, "cost"] * factor).round(2)
        cost.iloc[int(np.argmax(cost.to_numpy()))] += round(cap - cost.sum(), 2)
        out.loc[rows, "cost"] = cost.round(2)
        out.loc[rows, "clicks"] = (out.loc[rows, "clicks"] * factor).round().astype(int)
        out.loc[rows, "impressions"] = (out.loc[rows, "impressions"] * factor).round().astype(int)
    day = out[(out["day"] == last) & (out["campaign"] == WATCH_CTR_CAMPAIGN)]
    if len(day):
        creative = day.groupby("creative")["impressions"].sum().idxmax()
        rows = day.index[day["creative"] == creative]
        for col in ("clicks", "direct_lines", "indirect_lines", "carts", "new_customers"):
            out.loc[rows, col] = (out.loc[rows, col] * WATCH_CTR_FACTOR).round().astype(int)
        for col in ("direct_rev", "indirect_rev", "presale"):
            out.loc[rows, col] = (out.loc[rows, col] * WATCH_CTR_FACTOR).round(
                2 if "rev" in col else 0
            )
    return out


def _build(seed: int, scale: float) -> _Demo:
    rng = np.random.default_rng(seed)
    cal = _calendar(rng)
    cat = _catalog(rng)
    orders = _orders(rng, cal, cat, scale)
    shop = _shop(rng, cal, orders)
    ad = _ad_days(cal)
    targets = _line_clicks(rng, cal, shop)
    kw = _keywords(rng, cal, cat, scale)
    terms = _terms(rng, kw)
    search = _search(rng, cal, cat, kw, terms, targets["快车搜索"], ad)
    units = _kuaiche_units(rng, cat, kw, search)
    display = _display(rng, cal, cat, _entities(scale), targets, ad)
    ads = pd.concat([units, display.drop(columns="entity")], ignore_index=True)
    ads = _presale(rng, ads, ad)
    ads = ads.sort_values(["line", "day", "campaign", "unit"], kind="stable").reset_index(drop=True)
    clicks = {
        "快车搜索": np.bincount(units["day"], units["clicks"], minlength=cal.n),
    }
    for line, key in (
        ("快车", "快车推荐"),
        ("展位", "展位"),
        ("海投", "海投"),
        ("购物触点", "购物触点"),
        ("站外广告", "站外广告"),
    ):
        part = display[display["line"] == line]
        clicks[key] = np.bincount(part["day"], part["clicks"], minlength=cal.n)
    traffic, shop_pv, shop_bounce = _traffic(rng, cal, shop, clicks)
    skus = _sku_days(rng, cal, cat, orders, shop)
    industry = _industry(rng, kw)
    # planted after every random draw, so the other days and files stay as they were
    search, ads = _plant_term_spike(search, ads, kw, terms, cal)
    ads = _plant_display_anomalies(ads, cal)
    return _Demo(
        cal,
        cat,
        orders,
        shop,
        shop_pv,
        shop_bounce,
        kw,
        terms,
        search,
        ads,
        traffic,
        skus,
        industry,
    )


def write_demo_shop(
    out: Path, *, shop: str = "demo", seed: int = 7, scale: float = 1.0
) -> list[Path]:
    """Write the demo shop's export files into ``out`` and return their paths.

    Parameters
    ----------
    out
        Folder to write into; created if missing. Files of the demo with the same names are
        overwritten, other files are left alone.
    shop
        Shop id, written as the account (账户) in the 京准通 title lines; the data depend on
        ``seed`` and ``scale`` only.
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed and scale give byte-identical
        files.
    scale
        Multiplies the number of keywords (about 900 at 1.0), campaigns and customers (30,000 at
        1.0) and with them every volume. At 1.0 the keyword and search-term reports hold about
        300,000 rows; at 10 several million.

    Returns
    -------
    list of Path
        The files written, in writing order.

    Examples
    --------
    >>> import tempfile
    >>> files = write_demo_shop(Path(tempfile.mkdtemp()) / "demo", scale=0.05)
    >>> sorted({f.suffix for f in files})
    ['.csv', '.xlsx']
    """
    check_shop_id(shop)
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    demo = _build(seed, float(scale))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return _write(demo, out, shop, np.random.default_rng([seed, 1]))


def _write(demo: _Demo, out: Path, shop: str, rng: np.random.Generator) -> list[Path]:
    cal = demo.cal
    written: list[Path] = []
    first_end = cal.index(_SPLIT_END)
    second_start = cal.index(_SPLIT_START)
    periods = [(DEMO_START, _SPLIT_END, _FIRST_EXPORT), (_SPLIT_START, DEMO_END, EXPORT_TIME)]

    # 京准通: one report per product line, two exports each that overlap by a week.
    for line, spec in _ad_files().items():
        frame = demo.ads[demo.ads["line"] == line]
        early, late = _split(frame, first_end, second_start)
        early = _still_accruing(rng, early, cal)
        for part, (a, b, exported) in zip((early, late), periods, strict=True):
            body, total = _ad_columns(part, spec.spec, _dates(cal, spec.date_style), yen=spec.yen)
            title = _title(
                spec.product, spec.report, a, b, exported, shop, combined=spec.combined_title
            )
            if spec.blank_line:
                title = [*title, ""]
            path = out / f"{spec.stem}_{a:%Y%m%d}-{b:%Y%m%d}.csv"
            _write_csv(path, body, title=title, total=total if spec.total else None)
            written.append(path)

    # 快车 keyword report (keyword × day) and search-term report (search term × day).
    kw = demo.kw
    s = demo.search
    cols = [
        "impressions",
        "clicks",
        "cost",
        "direct_lines",
        "indirect_lines",
        "direct_rev",
        "indirect_rev",
        "carts",
    ]
    kday = s.groupby(["day", "kw"], sort=True)[cols].sum().reset_index()
    for c in ("cost", "direct_rev", "indirect_rev"):
        kday[c] = kday[c].round(2)
    halves = [(DEMO_START, _SPLIT_END), (_SPLIT_END + timedelta(days=1), DEMO_END)]
    compact = _dates(cal, "compact")
    for name, frame, spec, quoting, eol in (
        ("关键词报表", kday, _KEYWORD_SPEC, csv.QUOTE_MINIMAL, "\r\n"),
        ("搜索词报表", s, _TERM_SPEC, csv.QUOTE_ALL, "\n"),
    ):
        k = frame["kw"].to_numpy()
        frame = frame.assign(
            campaign=kw["campaign"].to_numpy()[k],
            unit=kw["unit"].to_numpy()[k],
            keyword=kw["text"].to_numpy()[k],
            kw_id=kw["kw_id"].to_numpy()[k],
            bid=kw["bid"].to_numpy()[k],
            match=kw["match"].to_numpy()[k],
        )
        if "term" in frame:
            frame = frame.assign(term=demo.terms["text"].to_numpy()[frame["term"].to_numpy()])
        d = frame["day"].to_numpy()
        for a, b in halves:
            part = frame[(d >= cal.index(a)) & (d <= cal.index(b))]
            body, total = _ad_columns(part, spec, compact)
            title = _title("京东快车", name, a, b, EXPORT_TIME, shop)
            path = out / f"京东快车_{name}_{a:%Y%m%d}-{b:%Y%m%d}.csv"
            _write_csv(
                path,
                body,
                title=title,
                eol=eol,
                quoting=quoting,
                total=total if name == "关键词报表" else None,
            )
            written.append(path)

    # 京东商智: 流量来源 and 商品明细 by year, 经营概况 in one workbook, 行业热搜榜 for October.
    dash = _dates(cal, "dash")
    t = demo.traffic
    for a, b in halves:
        part = t[(t["day"] >= cal.index(a)) & (t["day"] <= cal.index(b))]
        frame = pd.DataFrame(
            {
                "日期": dash[part["day"].to_numpy()],
                "一级来源": part["level1"].to_numpy(),
                "二级来源": part["level2"].to_numpy(),
                "访客数": part["visitors"].to_numpy(),
                "浏览量": part["page_views"].to_numpy(),
                "跳失率": _ratio(part["bounce"].to_numpy(), np.ones(len(part)), pct=True),
                "加购人数": part["carts"].to_numpy(),
                "成交客户数": part["buyers"].to_numpy(),
                "成交金额": part["gmv"].to_numpy(),
                "成交转化率": _ratio(
                    part["buyers"].to_numpy(), part["visitors"].to_numpy(), pct=True
                ),
            }
        )
        path = out / f"京东商智_流量来源_{a:%Y%m%d}-{b:%Y%m%d}.xlsx"
        _write_xlsx(path, "流量来源", frame)
        written.append(path)

    sh = demo.shop
    frame = pd.DataFrame(
        {
            "日期": _dates(cal, "slash"),
            "浏览量": demo.shop_pv,
            "访客数": sh.visitors,
            "跳失率": _ratio(demo.shop_bounce, np.ones(cal.n), pct=True),
            "加购人数": sh.cart_buyers,
            "下单客户数": sh.order_buyers,
            "下单金额": np.round(sh.order_amount, 2),
            "成交客户数": sh.buyers,
            "成交单量": sh.orders,
            "成交金额": np.round(sh.gmv, 2),
            "成交转化率": _ratio(sh.buyers, sh.visitors, pct=True),
            "客单价": _ratio(sh.gmv, sh.buyers, pct=False),
        }
    )
    path = out / f"京东商智_经营概况_{DEMO_START:%Y%m%d}-{DEMO_END:%Y%m%d}.xlsx"
    _write_xlsx(path, "经营概况", frame)
    written.append(path)

    k = demo.skus
    for a, b in halves:
        part = k[(k["day"] >= cal.index(a)) & (k["day"] <= cal.index(b))]
        frame = pd.DataFrame(
            {
                "日期": dash[part["day"].to_numpy()],
                "SKU": part["sku"].to_numpy(),
                "商品名称": part["name"].to_numpy(),
                "商品访客数": part["visitors"].to_numpy(),
                "商品浏览量": part["page_views"].to_numpy(),
                "加购人数": part["cart_buyers"].to_numpy(),
                "成交客户数": part["buyers"].to_numpy(),
                "成交商品件数": part["units"].to_numpy(),
                "成交金额": part["gmv"].to_numpy(),
                "成交转化率": _ratio(
                    part["buyers"].to_numpy(), part["visitors"].to_numpy(), pct=True
                ),
            }
        )
        path = out / f"京东商智_商品明细_{a:%Y%m%d}-{b:%Y%m%d}.xlsx"
        _write_xlsx(path, "商品明细", frame)
        written.append(path)

    ind = demo.industry
    frame = pd.DataFrame(
        {
            "排名": ind["rank"].to_numpy(),
            "搜索词": ind["word"].to_numpy(),
            "搜索人数": ind["searchers"].to_numpy(),
            "搜索次数": ind["searches"].to_numpy(),
            "点击次数": ind["clicks"].to_numpy(),
            "点击率": _ratio(ind["clicks"].to_numpy(), ind["searches"].to_numpy(), pct=True),
            "成交金额": ind["gmv"].to_numpy(),
            "转化率": _ratio(ind["orders"].to_numpy(), ind["clicks"].to_numpy(), pct=True),
            "快车参考价": ind["bid"].to_numpy(),
        }
    )
    path = out / "京东商智_行业热搜榜_厨房小电_202610.xlsx"
    _write_xlsx(
        path,
        "热搜榜",
        frame,
        title=["行业关键词 热搜榜    类目：厨房小电    统计周期：2026-10-01~2026-10-31"],
    )
    written.append(path)

    # Order export of the merchant back office: GB18030, one row per order × SKU line.
    po = demo.orders.per_order
    li = demo.orders.lines
    f = demo.cat.frame
    o = li["order"].to_numpy()
    rows = pd.DataFrame(
        {
            "订单号": po["order_id"].to_numpy()[o],
            "下单帐号": po["account"].to_numpy()[o],
            "下单时间": po["ordered_at"].to_numpy()[o],
            "订单状态": po["status"].to_numpy()[o],
            "订单类型": po["type"].to_numpy()[o],
            "商品编号": f["sku"].to_numpy()[li["sku_row"].to_numpy()],
            "商品名称": f["name"].to_numpy()[li["sku_row"].to_numpy()],
            "商品数量": li["qty"].to_numpy(),
            "京东价": li["price"].to_numpy(),
            "订单金额": po["amount"].to_numpy()[o],
            "优惠金额": po["coupon"].to_numpy()[o],
            "实付金额": po["paid"].to_numpy()[o],
        }
    )
    d = po["day"].to_numpy()[o]
    for a, b in halves:
        part = rows[(d >= cal.index(a)) & (d <= cal.index(b))]
        path = out / f"订单导出_{a:%Y%m%d}-{b:%Y%m%d}.csv"
        _write_csv(path, part, encoding="gb18030")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m jdpromo.sample OUT [--seed N] [--scale X]``: write the demo, print timing."""
    parser = argparse.ArgumentParser(prog="python -m jdpromo.sample", description=main.__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--shop", default="demo")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    files = write_demo_shop(args.out, shop=args.shop, seed=args.seed, scale=args.scale)
    took = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"wrote {len(files)} files ({size:.1f} MB) to {args.out} in {took:.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
