"""The data contract: canonical tables, their columns and the JD export headers that feed them.

JD renames columns between versions of its back office (总费用 → 花费, ROI → 投产比,
展现量 → 展现数 …),
so every canonical column lists the header labels it accepts (``aliases``). A file is recognised
as one table from its headers, never from its file name (see :func:`jdpromo.ingest.detect_table`).

Column kinds
------------
``date``      a calendar day (20261013, 2026-10-13, 2026/10/13 …), Asia/Shanghai.
``datetime``  a timestamp (下单时间), Asia/Shanghai, naive.
``period``    a 统计周期 such as ``2026-10-01~2026-10-31``: parsed into ``period_start``/
              ``period_end``.
``text``      free text (campaign, keyword, search term); kept as exported, stripped.
``id``        an identifier: always text, leading zeros kept, ``1.23E+13`` expanded where exact.
``count``     a non-negative number of things (impressions, clicks, order lines, visitors).
``money``     yuan (元); ``¥``/``￥``/``元`` and thousands separators removed. Must be >= 0.
``rate``      a ratio in [0, 1]; ``3.25%`` becomes 0.0325. Only kept where no counts exist to
              recompute it from (跳失率 in 京东商智); ratios that can be recomputed are ignored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

COLUMN_KINDS = ("date", "datetime", "period", "text", "id", "count", "money", "rate")


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Parameters
    ----------
    name
        English snake_case name in the canonical table.
    kind
        One of :data:`COLUMN_KINDS`.
    aliases
        Header labels in JD exports that feed this column (matched after stripping spaces and
        a trailing unit such as ``(元)``).
    required
        Whether a file of this table must have the column.
    """

    name: str
    kind: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, the columns that identify a row, and where it comes from.

    ``keys`` are the dimensions used, with the date, to decide overlaps between files: when two
    files hold rows for the same date and keys, the later export wins. ``signature`` are the
    columns whose presence tells this table apart from the others (all must be present).
    """

    name: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    signature: tuple[str, ...]
    source_zh: str
    source_en: str
    dated: bool = True
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, kind: str, *aliases: str, required: bool = False) -> Column:
    return Column(name, kind, tuple(aliases), required)


# Columns that several tables share.
DATE = _c("date", "date", "日期", "时间", "统计日期", "数据日期", "date")
PERIOD = _c("period", "period", "统计周期", "日期范围", "时间范围")
CAMPAIGN = _c("campaign", "text", "推广计划", "计划名称", "计划", "推广计划名称", required=True)
UNIT = _c("unit", "text", "推广单元", "单元名称", "单元", "推广单元名称")
IMPRESSIONS = _c("impressions", "count", "展现数", "展现量", "展现次数", "曝光量", required=True)
CLICKS = _c("clicks", "count", "点击数", "点击量", "点击次数", required=True)
COST = _c("cost", "money", "花费", "总费用", "消耗", "总花费", required=True)
DIRECT_ORDER_LINES = _c("direct_order_lines", "count", "直接订单行", "直接订单行数")
INDIRECT_ORDER_LINES = _c("indirect_order_lines", "count", "间接订单行", "间接订单行数")
ORDER_LINES = _c("order_lines", "count", "总订单行", "订单行", "总订单行数", "订单行数")
DIRECT_REVENUE = _c("direct_revenue", "money", "直接订单金额")
INDIRECT_REVENUE = _c("indirect_revenue", "money", "间接订单金额")
REVENUE = _c("revenue", "money", "总订单金额", "订单金额")
CARTS = _c("carts", "count", "总加购数", "总购物车数", "加购数", "购物车数")
SKU = _c("sku", "id", "SKU", "商品SKU", "SKU编号", "商品编号", "商品ID", "sku")
VISITORS = _c("visitors", "count", "访客数", "UV", required=True)
PAGE_VIEWS = _c("page_views", "count", "浏览量", "PV")
BOUNCE_RATE = _c("bounce_rate", "rate", "跳失率")
BUYERS = _c("buyers", "count", "成交客户数", "成交人数", "成交用户数", "成交买家数")
GMV = _c("gmv", "money", "成交金额", "成交额", "GMV")
CART_BUYERS = _c("cart_buyers", "count", "加购人数", "加购客户数")

# Ratio columns that JD exports but that are recomputed from counts: recognised, then dropped.
IGNORED_RATIOS = (
    "点击率",
    "CTR",
    "转化率",
    "ROI",
    "投产比",
    "直接投产比",
    "平均点击成本",
    "点击单价",
    "CPC",
    "千次展现成本",
    "CPM",
    "平均订单成本",
    "加购率",
    "直接转化率",
    "成交转化率",
    "下单转化率",
    "客单价",
    "人均浏览量",
    "平均停留时长",
    "平均点击花费",
    "千次展现花费",
    "订单转化率",
    "点击转化率",
)

# Headers of a column stating the attribution window of each row (转化周期: 当天/1/3/7/15/30 天,
# optionally 点击/下单). Read into ``attribution_days``/``attribution_basis`` of ad tables.
ATTRIBUTION_HEADERS = ("转化周期", "归因周期", "订单转化周期", "转化周期(天)")

AD_DAILY = Table(
    name="ad_daily",
    columns=(
        DATE,
        _c("product_line", "text", "推广产品", "产品线", "推广类型", "业务线", "广告产品"),
        CAMPAIGN,
        UNIT,
        _c("creative", "text", "创意", "创意名称", "推广创意"),
        _c("audience", "text", "定向人群", "人群", "人群名称", "定向人群名称"),
        _c("placement", "text", "广告位", "投放位置", "资源位", "广告位名称"),
        SKU,
        IMPRESSIONS,
        CLICKS,
        COST,
        DIRECT_ORDER_LINES,
        INDIRECT_ORDER_LINES,
        ORDER_LINES,
        DIRECT_REVENUE,
        INDIRECT_REVENUE,
        REVENUE,
        CARTS,
        _c("new_customers", "count", "新客数", "新客户数", "新访客成交数"),
        _c("presale_order_lines", "count", "预售订单行", "预售订单行数"),
    ),
    keys=("product_line", "campaign"),
    signature=("campaign", "impressions", "clicks", "cost"),
    one_of=(("order_lines", "direct_order_lines"), ("revenue", "direct_revenue")),
    source_zh="京准通 → 数据报表 → 推广计划/单元/创意报表（按日，各产品线）",
    source_en=(
        "京准通 (JD ad platform) → Reports → campaign/unit/creative report (daily, per product line)"
    ),
)

KEYWORD_DAILY = Table(
    name="keyword_daily",
    columns=(
        DATE,
        CAMPAIGN,
        UNIT,
        _c("keyword", "text", "关键词", "关键词名称", "购买关键词", required=True),
        _c("search_term", "text", "搜索词", "用户搜索词"),
        _c("keyword_id", "id", "关键词ID", "关键词id", "关键词编号"),
        _c("bid", "money", "出价", "当前出价", "关键词出价", "PC出价", "无线出价"),
        _c("match_type", "text", "关键词购买类型", "匹配方式", "匹配类型", "购买类型"),
        IMPRESSIONS,
        CLICKS,
        COST,
        DIRECT_ORDER_LINES,
        INDIRECT_ORDER_LINES,
        ORDER_LINES,
        DIRECT_REVENUE,
        INDIRECT_REVENUE,
        REVENUE,
        CARTS,
    ),
    keys=("campaign", "unit", "keyword", "search_term"),
    signature=("keyword", "impressions", "clicks", "cost"),
    one_of=(("order_lines", "direct_order_lines"), ("revenue", "direct_revenue")),
    source_zh="京准通 → 京东快车 → 数据报表 → 关键词报表 / 搜索词报表（按日）",
    source_en="京准通 → JD Express (快车) → Reports → keyword / search-term report (daily)",
)

TRAFFIC_DAILY = Table(
    name="traffic_daily",
    columns=(
        DATE,
        PERIOD,
        _c(
            "source_level1",
            "text",
            "一级来源",
            "来源一级",
            "流量来源",
            "一级流量来源",
            required=True,
        ),
        _c("source_level2", "text", "二级来源", "来源二级", "二级流量来源"),
        _c("source_level3", "text", "三级来源", "来源三级", "三级流量来源"),
        VISITORS,
        PAGE_VIEWS,
        BOUNCE_RATE,
        BUYERS,
        GMV,
        _c("carts", "count", "加购人数", "加购客户数", "加购数"),
    ),
    keys=("source_level1", "source_level2", "source_level3"),
    signature=("source_level1", "visitors"),
    one_of=(("date", "period"),),
    source_zh="京东商智 → 流量 → 流量来源（一级/二级/三级来源，按日或按周期导出）",
    source_en="JD Business Intelligence (京东商智) → Traffic → Traffic sources (levels 1-3)",
)

SHOP_DAILY = Table(
    name="shop_daily",
    columns=(
        DATE,
        PERIOD,
        PAGE_VIEWS,
        VISITORS,
        BOUNCE_RATE,
        CART_BUYERS,
        _c("order_buyers", "count", "下单客户数", "下单人数", "下单用户数", "下单买家数"),
        _c("order_amount", "money", "下单金额"),
        BUYERS,
        _c("orders", "count", "成交单量", "成交订单数", "成交单数", "成交订单量"),
        GMV,
    ),
    keys=(),
    signature=("visitors", "order_buyers", "buyers", "gmv"),
    one_of=(("date", "period"),),
    source_zh="京东商智 → 经营概况 / 交易概况（按日或按周期导出）",
    source_en="京东商智 → Shop overview / Transactions (daily or per period)",
)

SKU_DAILY = Table(
    name="sku_daily",
    columns=(
        DATE,
        PERIOD,
        _c("sku", "id", "SKU", "商品SKU", "SKU编号", "商品编号", "商品ID", required=True),
        _c("sku_name", "text", "商品名称", "商品标题", "商品名"),
        _c("visitors", "count", "商品访客数", "访客数", required=True),
        _c("page_views", "count", "商品浏览量", "浏览量"),
        CART_BUYERS,
        BUYERS,
        _c("units", "count", "成交商品件数", "成交件数", "成交商品数"),
        GMV,
    ),
    keys=("sku",),
    signature=("sku", "visitors"),
    one_of=(("date", "period"),),
    source_zh="京东商智 → 商品 → 商品明细（按日导出）",
    source_en="京东商智 → Products → Product details (daily)",
)

ORDERS = Table(
    name="orders",
    columns=(
        _c("order_id", "id", "订单号", "订单编号", "订单ID", required=True),
        _c(
            "customer_id",
            "id",
            "下单帐号",
            "下单账号",
            "用户账号",
            "客户账号",
            "买家账号",
            "用户ID",
            "客户ID",
            required=True,
        ),
        _c("ordered_at", "datetime", "下单时间", "订单时间", "下单日期", required=True),
        _c("amount", "money", "订单金额", "应付金额", "订单总金额", required=True),
        _c("status", "text", "订单状态", "状态", required=True),
        _c("paid_amount", "money", "实付金额", "支付金额", "用户实付"),
        _c("coupon_amount", "money", "优惠金额", "优惠", "京券金额", "东券金额", "优惠券金额"),
        _c("refund_amount", "money", "退款金额"),
        _c("sku", "id", "商品编号", "SKU", "商品SKU", "商品ID"),
        _c("sku_name", "text", "商品名称"),
        _c("quantity", "count", "商品数量", "购买数量", "数量"),
    ),
    keys=("order_id", "sku"),
    signature=("order_id", "customer_id", "ordered_at"),
    dated=False,
    source_zh="京东商家后台 → 订单管理 → 订单查询 → 导出订单",
    source_en="JD merchant back office → Orders → Order search → Export",
)

INDUSTRY_KEYWORDS = Table(
    name="industry_keywords",
    columns=(
        _c("keyword", "text", "搜索词", "关键词", "热搜词", required=True),
        _c("searchers", "count", "搜索人数", "搜索人气"),
        _c("searches", "count", "搜索次数", "搜索量", "搜索指数", required=True),
        _c("clicks", "count", "点击次数", "点击人数", "点击量"),
        _c("ctr", "rate", "点击率"),
        _c("gmv", "money", "成交金额", "成交金额指数"),
        _c("cvr", "rate", "转化率", "成交转化率"),
        _c("kuaiche_reference_bid", "money", "快车参考价", "参考出价", "快车参考出价"),
        _c("rank", "count", "排名", "热搜排名"),
    ),
    keys=("keyword",),
    signature=("keyword", "searches"),
    dated=False,
    source_zh="京东商智 → 行业 → 行业关键词 → 热搜榜 / 飙升榜",
    source_en="京东商智 → Industry → Industry keywords → hot / rising search words",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        AD_DAILY,
        KEYWORD_DAILY,
        TRAFFIC_DAILY,
        SHOP_DAILY,
        SKU_DAILY,
        ORDERS,
        INDUSTRY_KEYWORDS,
    )
}

# Words that mark a totals row in the first text column of a row (skipped, never summed).
TOTAL_MARKERS = ("合计", "总计", "汇总", "总计：", "合计：", "Total", "total")

# Cell values that mean "empty" in JD exports.
EMPTY_MARKERS = ("", "-", "--", "—", "——", "N/A", "null", "NULL", "nan", "NaN")

# Product lines of 京准通 as they are exported; an unknown line keeps its own name.
KNOWN_PRODUCT_LINES = (
    "快车",
    "展位",
    "海投",
    "购物触点",
    "站外广告",
    "京挑客",
    "京东直投",
    "推荐广告",
)


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input file may hold, so a hostile folder cannot exhaust memory.

    Past a limit the file is listed with status ``error`` and the limit it broke (never a
    crash, never dropped silently). The defaults are far above any real JD export; pass other
    values to :func:`jdpromo.ingest.load_folder` / :func:`~jdpromo.ingest.read_export`.

    Attributes
    ----------
    max_bytes
        Bytes of one file, and total bytes decompressed from one ZIP download or .xlsx
        workbook (all its parts together).
    max_ratio
        Decompressed size ÷ compressed size of one ZIP member larger than
        ``ratio_floor_bytes``; real CSV parts compress 5–20×, a zip bomb 1,000× or more.
    ratio_floor_bytes
        Members decompressing to at most this many bytes are not held to ``max_ratio``.
    max_parts
        Files inside one ZIP download or .xlsx workbook (an .xlsx holds about ten per sheet).
    max_cell_chars
        Characters in one cell (32,767 is the most an Excel cell holds).
    max_line_bytes
        Bytes of one title or header line among the first rows of a text file.
    """

    max_bytes: int = 1 << 30
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 1 << 20
    max_parts: int = 1000
    max_cell_chars: int = 32_767
    max_line_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        for name, value in dataclasses.asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{name} must be a number above 0, got {value!r}")


DEFAULT_LIMITS = Limits()

EARLIEST_DATE = "2004-01-01"
"""Dates before this day (JD's online store opened in 2004) are implausible: a warning names
the first one (typically an Excel serial 0 turned into 1899/1900)."""
