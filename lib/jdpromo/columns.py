"""The column registry: every output column declared once — its kind (unit), its header in
Chinese and English, how a report, a workbook and a data dictionary show it, and whether a
phone must always show it.

Every HTML table (:func:`jdpromo.report.html_table`), every CSV and xlsx writer
(:func:`jdpromo.report.write_table`, :func:`jdpromo.report.write_workbook`, the data dictionary
``tables/README.csv``) and the widgets read it, so a new column means one line here::

    >>> from jdpromo import columns
    >>> columns.label("cost", "zh"), columns.kind("cost"), columns.is_key("keyword")
    ('花费（元）', 'money', True)
    >>> columns.format_value("ctr", 0.012345)
    '1.23%'

CSV files keep the raw values (rates as fractions, flags as True/False) under the snake_case
names; the dictionary says what each one is.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COUNT = "count"
"""A number of things (clicks, visitors, rows): ``1,234``."""
MONEY = "money"
"""元 with 2 decimals: ``1,234.50`` (¥ in workbooks)."""
PERCENT = "percent"
"""A fraction shown as a percentage: 0.0123 → ``1.23%`` (stored as 0.0123)."""
PCT_CHANGE = "pct_change"
"""A change already in percent: 12.5 → ``+12.5%``."""
RATIO = "ratio"
"""A ratio such as ROI: ``3.46``."""
P_VALUE = "p_value"
"""A probability of a test (p, q): ``0.012``."""
NUMBER = "number"
"""Any other number: whole numbers ``1,234``, else 2 decimals."""
BY_METRIC = "by_metric"
"""A value of the metric named in the row's ``metric`` column (formatted as that metric)."""
DATE = "date"
"""A day: ``2026-10-13``."""
FLAG = "flag"
"""Yes / no: ✓ in reports, 是/否 in workbooks, True/False in CSV files."""
ID = "id"
"""An identifier kept as text (account, keyword ID, SKU): never thousands separators."""
TEXT = "text"
"""Words; ``codes`` / ``via`` say how a value is translated."""

KINDS = (COUNT, MONEY, PERCENT, PCT_CHANGE, RATIO, P_VALUE, NUMBER, BY_METRIC, DATE, FLAG, ID, TEXT)

UNITS_ZH = {
    COUNT: "个数",
    MONEY: "元",
    PERCENT: "比例（小数，0.0123 即 1.23%）",
    PCT_CHANGE: "百分数（12.5 即 +12.5%）",
    RATIO: "倍数",
    P_VALUE: "概率（0–1）",
    NUMBER: "数值",
    BY_METRIC: "随同行“指标”列的单位",
    DATE: "日期（年-月-日）",
    FLAG: "是否（True = 是，False = 否）",
    ID: "编号（文本）",
    TEXT: "文本",
}
"""The unit column of the data dictionary, per kind."""

EXCEL_FORMATS = {
    COUNT: "#,##0",
    MONEY: "¥#,##0.00",
    PERCENT: "0.00%",
    PCT_CHANGE: '+0.0"%";-0.0"%";0.0"%"',
    RATIO: "0.00",
    P_VALUE: "0.000",
    NUMBER: "#,##0.00",
    BY_METRIC: "#,##0.00##",
    DATE: "yyyy-mm-dd",
    ID: "@",
}
"""Excel number formats, per kind (values stay numbers; the format shows ¥ and %)."""

DECIMALS = {COUNT: 0, MONEY: 2, PERCENT: 4, PCT_CHANGE: 1, RATIO: 2, P_VALUE: 4, NUMBER: 2,
            BY_METRIC: 4}  # fmt: skip
"""Decimals a workbook keeps, per kind (no ``782.8199999999999``)."""


@dataclass(frozen=True)
class Column:
    """One output column.

    ``key``: a phone always shows it (the row's subject, its status or verdict, its action).
    ``wrap``: long free text that may wrap. ``codes``: text-key prefixes a coded value is
    translated through (``status`` ``ok`` → text ``status_ok``), tried in order. ``via``:
    ``"column"`` (the value names a column: shown with its label), ``"inventory"`` (ingestion's
    own words, :func:`jdpromo.text.inventory_text`), ``"location"`` (an error message,
    :func:`jdpromo.text.error_location`). ``meaning``: the data dictionary's 含义.
    """

    name: str
    kind: str
    zh: str
    en: str
    meaning: str = ""
    key: bool = False
    wrap: bool = False
    codes: tuple[str, ...] = ()
    via: str | None = None

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


def _col(name: str, kind: str, zh: str, en: str, meaning: str = "", **rest) -> Column:
    assert kind in KINDS, kind
    return Column(name, kind, zh, en, meaning, **rest)


_COLUMNS: tuple[Column, ...] = (
    _col("file", TEXT, "文件", "file", "读入的导出文件（相对数据文件夹的路径）", key=True),
    _col("table", TEXT, "报表类型", "table", "文件被识别成的报表类型", key=True, codes=("table_",)),
    _col(
        "status",
        TEXT,
        "状态",
        "status",
        "处理状态：已读入、已忽略或读取出错",
        key=True,
        codes=("status_",),
    ),
    _col("rows_read", COUNT, "读入行数", "rows read", "文件中读到的数据行数"),
    _col("rows_used", COUNT, "使用行数", "rows used", "进入分析的行数"),
    _col("rows_skipped", COUNT, "跳过行数", "rows skipped", "未使用的行数，原因见“跳过原因”"),
    _col(
        "skip_reasons",
        TEXT,
        "跳过原因",
        "skip reasons",
        "未使用的行及原因（合计行、重复表头、被较晚导出替换等）",
        wrap=True,
        via="inventory",
    ),
    _col("date_min", DATE, "首日", "first day", "文件中最早的日期"),
    _col("date_max", DATE, "末日", "last day", "文件中最晚的日期"),
    _col("attribution", TEXT, "归因周期", "attribution", via="inventory"),
    _col("message", TEXT, "说明", "message", wrap=True, via="location"),
    _col("days", COUNT, "天数", "days"),
    _col(
        "partial",
        FLAG,
        "不完整（天数不足）",
        "partial (days missing)",
        "这一周或一个月的数据天数少于整周/整月，总量不能与完整的周/月直接比较",
    ),
    _col("days_with_data", COUNT, "有数据天数", "days with data"),
    _col("missing_days", COUNT, "缺失天数", "missing days"),
    _col("missing_dates", TEXT, "缺失日期", "missing dates", wrap=True),
    _col("period_rows", COUNT, "本期行数", "rows in period"),
    _col("winner", TEXT, "采用文件", "kept file", key=True),
    _col("loser", TEXT, "被替换文件", "replaced file"),
    _col("rows_replaced", COUNT, "替换行数", "rows replaced"),
    _col("date", DATE, "日期", "date", "日期（北京时间）", key=True),
    _col("cost", MONEY, "花费（元）", "spend (yuan)", "广告花费"),
    _col(
        "baseline",
        MONEY,
        "前期中位数（元）",
        "trailing median (yuan)",
        "前 28 个普通日子的花费中位数",
    ),
    _col(
        "robust_z",
        RATIO,
        "偏离日常的程度",
        "distance from usual",
        "稳健z值 = 0.6745 × (当日花费 − 前期中位数) ÷ 中位数绝对偏差；绝对值 ≥ 3.5 视为异常",
    ),
    _col(
        "direction",
        TEXT,
        "方向",
        "direction",
        "方向：变差、风险、机会或改善",
        key=True,
        codes=("direction_",),
    ),
    _col(
        "product_line",
        TEXT,
        "产品线",
        "ad line",
        "京准通产品线（快车、展位、海投、购物触点等）",
        key=True,
    ),
    _col("attribution_days", COUNT, "转化周期（天）", "window (days)", "转化周期（天）"),
    _col("attribution_basis", TEXT, "归因方式", "basis", "按点击或按下单归因", codes=("basis_",)),
    _col("rows", COUNT, "行数", "rows"),
    _col("period_missing_days", COUNT, "本期缺失天数", "missing days in period"),
    _col("warnings", TEXT, "提醒", "warnings", wrap=True),
    _col("export_time", DATE, "导出时间", "exported"),
    _col("mad", MONEY, "中位数绝对偏差", "MAD", "前期花费的中位数绝对偏差"),
    _col("outlier", FLAG, "异常", "outlier"),
    _col("shop", TEXT, "店铺", "shop", key=True),
    _col("period", TEXT, "周期", "period", key=True),
    _col("finished", DATE, "生成时间", "finished"),
    _col("reports", TEXT, "报告", "reports"),
    _col("lens", TEXT, "视角", "lens", codes=("lens_",)),
    _col(
        "channel", TEXT, "渠道", "channel", "广告产品线（京准通）或流量来源（京东商智）", key=True
    ),
    _col("parent", TEXT, "一级来源", "level-1 source"),
    _col("basis", TEXT, "口径", "basis", codes=("basis_",)),
    _col("impressions", COUNT, "展现数", "impressions", "广告展现次数"),
    _col("clicks", COUNT, "点击数", "clicks", "广告点击次数"),
    _col("carts", COUNT, "加购数", "carts", "加入购物车次数"),
    _col(
        "direct_order_lines",
        COUNT,
        "直接订单行",
        "direct order lines",
        "点击的商品本身产生的订单行",
    ),
    _col(
        "indirect_order_lines",
        COUNT,
        "间接订单行",
        "indirect order lines",
        "点击后购买店内其他商品产生的订单行",
    ),
    _col(
        "order_lines",
        COUNT,
        "总订单行",
        "order lines",
        "直接加间接订单行（按商品行计，不是订单数）",
    ),
    _col(
        "direct_revenue", MONEY, "直接订单金额（元）", "direct revenue (yuan)", "直接订单行的金额"
    ),
    _col("indirect_revenue", MONEY, "间接订单金额（元）", "indirect revenue (yuan)"),
    _col(
        "revenue",
        MONEY,
        "总订单金额（元）",
        "revenue (yuan)",
        "广告归因的订单金额（直接加间接），与店铺成交额有重叠，不能相加",
    ),
    _col("new_customers", COUNT, "新客数", "new customers", "京东导出的新客数"),
    _col("presale_order_lines", COUNT, "预售订单行", "presale order lines"),
    _col(
        "presale_order_lines_per_day",
        NUMBER,
        "每天预售订单行",
        "presale order lines per day",
        "预售（定金）订单行 ÷ 天数（预热加购成本与去年持平时，预热的发现以它为准）",
    ),
    _col("ctr", PERCENT, "点击率", "CTR", "点击率 = 点击数 ÷ 展现数"),
    _col("cpc", MONEY, "平均点击花费（元）", "CPC (yuan)", "平均点击花费 = 花费 ÷ 点击数"),
    _col("cpm", MONEY, "千次展现花费（元）", "CPM (yuan)", "千次展现花费 = 花费 ÷ 展现数 × 1000"),
    _col("cvr", PERCENT, "转化率", "conversion rate", "转化率 = 总订单行 ÷ 点击数（京东口径）"),
    _col(
        "direct_cvr",
        PERCENT,
        "直接转化率",
        "direct conversion rate",
        "直接转化率 = 直接订单行 ÷ 点击数",
    ),
    _col("cart_rate", PERCENT, "加购率", "cart rate", "加购率 = 加购数 ÷ 点击数"),
    _col(
        "cpa",
        MONEY,
        "平均订单成本（元）",
        "cost per order line (yuan)",
        "平均订单成本 = 花费 ÷ 总订单行",
    ),
    _col("roi", RATIO, "ROI（投产比）", "ROI", "投产比 = 总订单金额 ÷ 花费", key=True),
    _col("direct_roi", RATIO, "直接ROI", "direct ROI", "直接订单金额 ÷ 花费"),
    _col(
        "breakeven_roi",
        RATIO,
        "保本ROI",
        "break-even ROI",
        "保本ROI = 1 ÷ 贡献毛利率（毛利率 − 扣点 − 退款损失）",
    ),
    _col(
        "roi_vs_breakeven", RATIO, "ROI/保本ROI", "ROI / break-even", "ROI ÷ 保本ROI；低于 1 即亏损"
    ),
    _col(
        "ad_contribution",
        MONEY,
        "广告贡献利润（元）",
        "ad contribution (yuan)",
        "广告带来的贡献利润 = 总订单金额 × 贡献毛利率 − 花费",
    ),
    _col("cost_share", PERCENT, "花费占比", "share of spend", "花费 ÷ 全部花费"),
    _col("revenue_share", PERCENT, "成交额占比", "share of revenue", "总订单金额 ÷ 全部总订单金额"),
    _col("visitors", COUNT, "访客数", "visitors", "访客数（按天去重，多天相加时标为日累计）"),
    _col("page_views", COUNT, "浏览量", "page views", "浏览量"),
    _col("buyers", COUNT, "成交客户数", "buyers", "成交客户数"),
    _col("cart_buyers", COUNT, "加购人数", "cart buyers", "加购人数"),
    _col("order_buyers", COUNT, "下单客户数", "ordering customers"),
    _col("gmv", MONEY, "成交金额（元）", "GMV (yuan)", "成交金额（京东商智口径）"),
    _col("conversion", PERCENT, "成交转化率", "conversion", "成交转化率 = 成交客户数 ÷ 访客数"),
    _col("order_rate", PERCENT, "下单率", "order rate", "下单率 = 下单客户数 ÷ 访客数"),
    _col("pay_rate", PERCENT, "支付率", "payment rate", "支付率 = 成交客户数 ÷ 下单客户数"),
    _col("bounce_rate", PERCENT, "跳失率", "bounce rate", "跳失率；多天为按访客数加权的平均"),
    _col(
        "spend_per_buyer",
        MONEY,
        "客单价（元）",
        "spend per buyer (yuan)",
        "客单价 = 成交金额 ÷ 成交客户数",
    ),
    _col("pages_per_visitor", RATIO, "人均浏览量", "pages per visitor", "浏览量 ÷ 访客数"),
    _col("visitor_share", PERCENT, "访客占比", "share of visitors", "访客数 ÷ 店铺访客数"),
    _col("gmv_share", PERCENT, "成交额占比", "share of GMV", "成交金额 ÷ 店铺成交金额"),
    _col("step", TEXT, "环节", "step", "漏斗环节", key=True, codes=("step_",)),
    _col("count", COUNT, "数量", "count"),
    _col("rate_name", TEXT, "比率", "rate", key=True, via="column"),
    _col("rate", PERCENT, "比率值", "rate value"),
    _col("of_visitors", PERCENT, "占访客", "of visitors"),
    _col("of_impressions", PERCENT, "占展现", "of impressions"),
    _col("metric", TEXT, "指标", "metric", "指标名", key=True, via="column"),
    _col("comparison", TEXT, "对比", "comparison", codes=("comparison_",)),
    _col("base_start", DATE, "对比期首日", "base first day"),
    _col("base_end", DATE, "对比期末日", "base last day"),
    _col("kind", TEXT, "类型", "kind"),
    _col("current", BY_METRIC, "本期", "current"),
    _col("base", BY_METRIC, "对比期", "base"),
    _col(
        "change",
        NUMBER,
        "变化",
        "change",
        "本期相对对比期的变化；比率为百分点，数量为百分比（见“变化单位”）",
    ),
    _col("change_unit", TEXT, "变化单位", "unit of change", "变化的单位：pp（百分点）或 %"),
    _col("relative_change", NUMBER, "相对变化", "relative change", "相对变化 = 本期 ÷ 对比期 − 1"),
    _col("n_current", COUNT, "本期天数", "days (current)"),
    _col("n_base", COUNT, "对比期天数", "days (base)"),
    _col("test", TEXT, "检验", "test"),
    _col("statistic", NUMBER, "统计量", "statistic", "检验统计量"),
    _col("p_value", P_VALUE, "p 值", "p-value", "检验的 p 值"),
    _col(
        "q_value",
        P_VALUE,
        "q 值（BH 校正）",
        "q-value (BH)",
        "多重检验校正（BH）后的 q 值；越小越不像是波动",
    ),
    _col(
        "money_effect", MONEY, "影响金额（元）", "money effect (yuan)", "按贡献毛利折算的变化金额"
    ),
    _col("is_finding", FLAG, "是否发现", "finding"),
    _col(
        "per_day",
        FLAG,
        "按日均比较",
        "compared per day",
        "一方数据天数不足整期时，总量按日均比较（变化、金额按日均算），本期与基期数值仍为合计",
    ),
    _col("reason", TEXT, "判断", "verdict", "判断结果代码", key=True, codes=("reason_",)),
    _col("held_account", FLAG, "因账户整体低于保本暂缓", "held: account below break-even"),
    _col("verdict", TEXT, "建议", "verdict", "对计划或对象的建议", key=True, codes=("verdict_",)),
    _col(
        "verdict_basis",
        TEXT,
        "判断依据的天数",
        "judged on",
        "整个本期，或只看日常期（大促尚未结算时，日常期就亏钱的计划按日常期判断）",
        codes=("verdict_basis_",),
    ),
    _col(
        "ordinary_cost",
        MONEY,
        "日常期花费（元）",
        "ordinary-day spend (yuan)",
        "本期日常期（不属于任何大促阶段的天）的花费；大促尚未结算时才有，大促专项计划为空",
    ),
    _col(
        "ordinary_revenue",
        MONEY,
        "日常期成交（元）",
        "ordinary-day sales (yuan)",
        "本期日常期的总订单金额；大促尚未结算时才有，大促专项计划为空",
    ),
    _col(
        "ordinary_roi",
        RATIO,
        "日常期ROI",
        "ordinary-day ROI",
        "日常期总订单金额 ÷ 日常期花费；大促尚未结算时才有，大促专项计划为空",
    ),
    _col("line", TEXT, "产品线", "ad line", key=True),
    _col("campaign", TEXT, "推广计划", "campaign", "推广计划"),
    _col("item_dim", TEXT, "维度", "dimension"),
    _col("item", TEXT, "对象", "item", key=True),
    _col("value", BY_METRIC, "数值", "value", "数值，单位随“指标”", key=True),
    _col("reference", BY_METRIC, "参照值", "reference", "参照值，单位随“指标”"),
    _col("reference_kind", TEXT, "参照", "reference kind"),
    _col(
        "money_at_stake",
        MONEY,
        "涉及金额（元）",
        "money at stake (yuan)",
        "按贡献毛利计算的利润影响或浪费的花费（口径见 money_basis）",
    ),
    _col(
        "action",
        TEXT,
        "建议动作",
        "action",
        "建议的运营动作",
        key=True,
        wrap=True,
        codes=("kw_action_",),
    ),
    _col("evidence", TEXT, "依据", "evidence", "判断依据", wrap=True),
    _col("skus", TEXT, "相关商品", "products"),
    _col("dim", TEXT, "维度", "dimension", codes=("dim_",)),
    _col("n_items", COUNT, "参与比较数", "items compared"),
    _col("winner_item", TEXT, "较好者", "better item"),
    _col("loser_item", TEXT, "较差者", "weaker item"),
    _col("winner_value", PERCENT, "较好者数值", "better value"),
    _col("loser_value", PERCENT, "较差者数值", "weaker value"),
    _col("winner_n", COUNT, "较好者样本", "better sample"),
    _col("loser_n", COUNT, "较差者样本", "weaker sample"),
    _col("winner_roi", RATIO, "较好者 ROI", "better item's ROI", "较好者的总订单金额 ÷ 花费"),
    _col("loser_roi", RATIO, "较差者 ROI", "weaker item's ROI", "较差者的总订单金额 ÷ 花费"),
    _col(
        "roi_agrees",
        FLAG,
        "ROI 一致",
        "ROI agrees",
        "较好者的 ROI 也不低于较差者（否则预算按 ROI，不按这个比率）",
    ),  # fmt: skip
    _col("unit", TEXT, "推广单元", "ad unit", "推广单元（计划下的单元）"),
    _col("sample_unit", TEXT, "样本单位", "sample unit", "检验按什么计数（点击、展现…）"),
    _col("lift", PERCENT, "相对提升", "lift", "较好者相对较差者的提升 = 较好者 ÷ 较差者 − 1"),
    _col("conclusive", FLAG, "结论可靠", "conclusive"),
    _col("alpha", RATIO, "显著性水平 α", "alpha", "显著性水平"),
    _col("power", RATIO, "把握度", "power", "检验的把握度"),
    _col(
        "mde",
        NUMBER,
        "最小可检测差异",
        "minimum detectable effect",
        "以当前样本能可靠发现的最小差异",
    ),
    _col("required_per_arm", COUNT, "每组所需样本", "needed per item"),
    _col("still_needed", COUNT, "还需样本", "still needed"),
    _col(
        "weeks_needed",
        NUMBER,
        "还需周数",
        "weeks needed",
        "按两者本期各自的日均展现/点击，两者都达到每组所需样本还要的周数",
    ),  # fmt: skip
    _col(
        "max_test_weeks",
        NUMBER,
        "最长等待周数",
        "longest wait (weeks)",
        "还需周数超过它时不建议等测试结果，按 ROI 与保本ROI 决定去留（参数 thresholds.max_test_weeks）",
    ),  # fmt: skip
    _col("phase_end", DATE, "大促阶段结束日", "promotion phase ends", "本期所在大促阶段的最后一天"),
    _col(
        "ends_first",
        FLAG,
        "阶段先结束",
        "phase ends first",
        "大促计划的测试按现在的速度在所在大促阶段结束前测不完",
    ),
    _col(
        "held_until",
        DATE,
        "大促结算日",
        "promotion settles",
        "测试所在计划为大促保留（大促后再判断）时，比较和去留等到这一天之后再定；否则为空",
    ),
    _col("phase", TEXT, "阶段", "phase", key=True, codes=("phase_",)),
    _col("start", DATE, "开始日期", "start"),
    _col("end", DATE, "结束日期", "end"),
    _col("cost_per_day", MONEY, "日均花费（元）", "spend per day (yuan)"),
    _col("cost_per_cart", MONEY, "加购成本（元）", "cost per cart (yuan)"),
    _col("gmv_per_day", MONEY, "日均成交金额（元）", "GMV per day (yuan)"),
    _col("source", TEXT, "来源", "source", codes=("warmup_source_", "kw_source_")),
    _col("warmup_carts", COUNT, "预热加购", "warm-up carts"),
    _col("peak_orders", COUNT, "爆发下单", "peak orders"),
    _col(
        "peak_per_warmup_cart",
        RATIO,
        "爆发下单/预热加购（近似）",
        "peak orders per warm-up cart (approx.)",
    ),
    _col("warmup_presale_order_lines", COUNT, "预热预售订单行", "warm-up presale order lines"),
    _col("approximation", FLAG, "近似值", "approximation"),
    _col("ref_cost", MONEY, "上月花费（元）", "last month's spend (yuan)", "上月实际花费"),
    _col("paused_cost_share", PERCENT, "暂停计划花费占比", "share of spend paused"),
    _col("paused_campaigns", TEXT, "暂停的计划", "paused campaigns"),
    _col("active_base", MONEY, "在投计划基数（元）", "base without paused (yuan)"),
    _col("target_roi_source", TEXT, "目标ROI来源", "target ROI source"),
    _col("below_breakeven", FLAG, "低于保本ROI", "below break-even", "近期ROI是否低于保本ROI"),
    _col(
        "season_factor",
        RATIO,
        "淡旺季系数",
        "seasonal factor",
        "淡旺季系数，按去年同期的日均花费算出",
    ),
    _col("season_basis", TEXT, "系数来源", "seasonal basis"),
    _col(
        "seasonal_base",
        MONEY,
        "季节调整基数（元）",
        "seasonal base (yuan)",
        "按淡旺季系数调整后的预算基数",
    ),
    _col(
        "target_roi",
        RATIO,
        "目标ROI",
        "target ROI",
        "目标ROI：参数 targets.roi，否则 target_roi，否则保本ROI",
    ),
    _col(
        "tilt",
        RATIO,
        "ROI调整系数",
        "ROI tilt",
        "ROI调整系数 = 近期ROI ÷ 目标ROI，限制在 1 ± 调整上限之内",
    ),
    _col("lower", MONEY, "下限（元）", "lower limit (yuan)", "预算下限"),
    _col("upper", MONEY, "上限（元）", "upper limit (yuan)", "预算上限"),
    _col("budget", MONEY, "建议预算（元）", "budget (yuan)", "建议的下月预算"),
    _col("change_pct", PCT_CHANGE, "较上月变化（%）", "change vs last month (%)"),
    _col("share", PERCENT, "占比", "share", "占比"),
    _col("limits_rescaled", FLAG, "范围已放宽", "limits widened"),
    _col(
        "curve_a", RATIO, "曲线系数 a", "curve a", "花费—成交额曲线（成交额 = a × 花费^b）的系数 a"
    ),
    _col(
        "curve_b",
        RATIO,
        "曲线弹性 b",
        "curve b",
        "花费—成交额曲线的弹性 b；小于 1 表示边际收益递减",
    ),
    _col("fitted", FLAG, "已拟合", "fitted"),
    _col("fit_days", COUNT, "拟合天数", "days fitted"),
    _col("b_at_bound", FLAG, "b 触及边界", "b at bound"),
    _col(
        "rule_budget",
        MONEY,
        "规则预算（元）",
        "rule budget (yuan)",
        "按规则算出的预算 = 基数 × 淡旺季系数 × ROI调整系数",
    ),
    _col(
        "expected_revenue",
        MONEY,
        "预计成交额（元）",
        "expected revenue (yuan)",
        "按建议预算预计的成交额",
    ),
    _col("marginal_roi", RATIO, "边际ROI", "marginal ROI", "多花 1 元预计多带来的成交额"),
    _col("holdout_cost", MONEY, "回测月花费（元）", "holdout spend (yuan)"),
    _col("actual_revenue", MONEY, "实际成交额（元）", "actual revenue (yuan)"),
    _col("predicted_curve", MONEY, "曲线预测（元）", "curve prediction (yuan)"),
    _col("predicted_constant_roi", MONEY, "固定ROI预测（元）", "constant-ROI prediction (yuan)"),
    _col("abs_error_curve", MONEY, "曲线误差（元）", "curve error (yuan)"),
    _col("abs_error_constant_roi", MONEY, "固定ROI误差（元）", "constant-ROI error (yuan)"),
    _col("day", DATE, "日", "day", key=True),
    _col("week", DATE, "周（周一）", "week (Monday)", key=True),
    _col("month", TEXT, "月", "month", key=True),
    _col(
        "customer_id",
        ID,
        "下单帐号",
        "customer account",
        "下单帐号（个人信息，只出现在客户分层表和人群名单）",
    ),
    _col("first_order_at", DATE, "首次下单时间", "first order", "数据中最早一次下单时间"),
    _col("last_order_at", DATE, "最近下单时间", "last order", "最近一次下单时间"),
    _col(
        "recency_days",
        COUNT,
        "距期末天数（R）",
        "days since last order (R)",
        "最近一次下单距期末的天数",
    ),
    _col(
        "frequency", COUNT, "订单数（全部历史，F）", "orders, all history (F)", "全部历史的订单数"
    ),
    _col(
        "monetary",
        MONEY,
        "净消费额（全部历史，元，M）",
        "net spend, all history (yuan, M)",
        "全部历史的净消费额（扣除退款）",
    ),
    _col(
        "frequency_window",
        COUNT,
        "订单数（回看期）",
        "orders (lookback)",
        "回看期（默认 365 天）内的订单数",
    ),
    _col(
        "monetary_window",
        MONEY,
        "净消费额（回看期，元）",
        "net spend (lookback, yuan)",
        "回看期内的净消费额",
    ),
    _col("coupon_share", PERCENT, "优惠占比", "discount share", "优惠金额占订单金额的比例"),
    _col(
        "lifecycle",
        TEXT,
        "生命周期",
        "lifecycle",
        "生命周期分层：新用户、活跃、沉默、流失",
        codes=("ul_v_",),
    ),
    _col(
        "rfm_segment",
        TEXT,
        "RFM 分组",
        "RFM group",
        "按最近购买（R）、频次（F）、金额（M）分成的 8 组",
        codes=("ul_v_",),
    ),
    _col(
        "value_tier",
        TEXT,
        "价值分层",
        "value tier",
        "价值分层：高价值、潜力、低频",
        codes=("ul_v_",),
    ),
    _col(
        "price_sensitivity",
        TEXT,
        "价格敏感度",
        "price sensitivity",
        "按优惠占比分为价格敏感或不敏感",
        codes=("ul_v_",),
    ),
    _col("period_orders", COUNT, "本期订单数", "orders in period", "本期订单数"),
    _col(
        "period_revenue", MONEY, "本期净消费额（元）", "net spend in period (yuan)", "本期净消费额"
    ),
    _col("period_buyers", COUNT, "本期购买客户数", "buyers in period", "本期有购买的客户数"),
    _col("orders_30d", COUNT, "近30天订单数", "orders, last 30 days", "期末前 30 天的订单数"),
    _col("orders_90d", COUNT, "近90天订单数", "orders, last 90 days", "期末前 90 天的订单数"),
    _col("dimension", TEXT, "维度", "dimension", key=True, codes=("ul_v_",)),
    _col("layer", TEXT, "分层", "layer", "分层名称", key=True, codes=("ul_v_",)),
    _col(
        "repurchase_rate",
        PERCENT,
        "复购率（回看期）",
        "repurchase rate (lookback)",
        "回看期内下单 2 次及以上的客户 ÷ 下单客户",
    ),
    _col(
        "repurchase_30d",
        PERCENT,
        "近30天重复购买率",
        "30-day repurchase rate",
        "近 30 天下单 2 次及以上的客户 ÷ 近 30 天下单客户",
    ),
    _col(
        "repurchase_90d",
        PERCENT,
        "近90天重复购买率",
        "90-day repurchase rate",
        "近 90 天下单 2 次及以上的客户 ÷ 近 90 天下单客户",
    ),
    _col("ad_cost", MONEY, "本期广告花费（元）", "ad spend in period (yuan)"),
    _col(
        "cost_per_new_customer",
        MONEY,
        "新客成本（元）",
        "new-customer cost (yuan)",
        "新客成本 = 广告花费 ÷ 新客数",
    ),
    _col("new_customer_basis", TEXT, "新客成本口径", "new-customer cost basis"),
    _col(
        "cost_new_customers", COUNT, "新客成本的分母（新客数）", "new customers the cost divides by"
    ),
    _col("order_treatment", TEXT, "归类", "treatment", codes=("ul_v_",)),
    _col("net_amount", MONEY, "净额（元）", "net (yuan)", "扣除退款后的金额"),
    _col(
        "status_class",
        TEXT,
        "状态归类",
        "status class",
        "订单状态归类：已付款、已取消、已退款等",
        codes=("ul_sc_",),
    ),
    _col("group", TEXT, "客户归类", "customer group", codes=("ul_v_",)),
    _col(
        "from_layer",
        TEXT,
        "上期末分层",
        "previous layer",
        "上期末所在分层",
        key=True,
        codes=("ul_v_",),
    ),
    _col(
        "to_layer",
        TEXT,
        "本期末分层",
        "current layer",
        "本期末所在分层",
        key=True,
        codes=("ul_v_",),
    ),
    _col("cohort", TEXT, "首单月份", "first-order month", "首单所在月份", key=True),
    _col(
        "left_censored",
        FLAG,
        "含数据开始前的客户",
        "includes earlier buyers",
        "该批客户是否含数据开始前就购买的人",
    ),
    _col("high_value", COUNT, "其中高价值", "of which high value"),
    _col("price_sensitive", COUNT, "其中价格敏感", "of which price-sensitive"),
    _col("examples", TEXT, "示例帐号（已打码）", "examples (masked)"),
    _col("ul_revenue", MONEY, "净消费额（回看期，元）", "net spend (lookback, yuan)"),
    _col("ul_orders", COUNT, "订单数（回看期）", "orders (lookback)"),
    _col("ul_orders_plain", COUNT, "订单数", "orders"),
    _col("ul_buyers", COUNT, "购买客户数（回看期）", "buyers (lookback)"),
    _col("ul_aov", MONEY, "笔单价（元）", "order value (yuan)"),
    _col(
        "ul_spend_per_buyer",
        MONEY,
        "人均消费（回看期，元）",
        "net spend per customer (lookback, yuan)",
    ),
    _col("ul_amount", MONEY, "订单金额（元）", "order amount (yuan)"),
    _col("ul_customers", COUNT, "客户数", "customers"),
    _col("ul_action", TEXT, "运营动作", "action"),
    _col("ul_lines", COUNT, "导出行数", "export rows"),
    _col("ul_status", TEXT, "订单状态", "order status"),
    _col("ul_share", PERCENT, "占比", "share"),
    _col("keyword", TEXT, "关键词", "keyword", "购买的关键词", key=True),
    _col("search_term", TEXT, "搜索词", "search term", "买家实际搜索的词", key=True),
    _col("keyword_id", ID, "关键词ID", "keyword ID", "快车关键词ID，批量修改时用它定位关键词"),
    _col("match_type", TEXT, "匹配方式", "match type", "关键词购买类型（匹配方式）"),
    _col("bid", MONEY, "出价（元）", "bid (yuan)", "关键词出价"),
    _col(
        "is_brand",
        FLAG,
        "品牌词",
        "brand word",
        "是否品牌词（含参数 brand_terms 中的词）",
        codes=("brand_flag_",),
    ),
    _col(
        "is_competitor",
        FLAG,
        "竞品词",
        "competitor word",
        "是否竞品品牌词（参数 competitor_brands）",
    ),
    _col("is_keyword", FLAG, "即关键词", "is the keyword"),
    _col("level", TEXT, "层级", "level", codes=("kw_level_",)),
    _col("words", COUNT, "词数", "words"),
    _col("word_class", TEXT, "词类", "word class", codes=("word_class_",)),
    _col("click_share", PERCENT, "点击占比", "share of clicks", "点击数 ÷ 全部点击数"),
    _col("ctr_prior", PERCENT, "点击率先验", "CTR prior", "收缩时用的点击率先验（账户或计划水平）"),
    _col("cvr_prior", PERCENT, "转化率先验", "conversion prior", "收缩时用的转化率先验"),
    _col(
        "rpol_prior",
        MONEY,
        "每订单行成交额先验（元）",
        "revenue per order line prior (yuan)",
        "收缩时用的每订单行成交额先验",
    ),
    _col(
        "ctr_shrunk",
        PERCENT,
        "点击率（按数据量校正）",
        "CTR (adjusted for few clicks)",
        "点击少的词向账户水平收缩后的点击率，少量点击不会造成极端值",
    ),
    _col(
        "cvr_shrunk",
        PERCENT,
        "转化率（按数据量校正）",
        "conversion (adjusted for few clicks)",
        "点击少的词向账户水平收缩后的转化率",
    ),
    _col(
        "revenue_per_order_line",
        MONEY,
        "每订单行成交额（元）",
        "revenue per order line (yuan)",
        "总订单金额 ÷ 总订单行",
    ),
    _col(
        "p_ctr_above",
        PERCENT,
        "点击率高于账户的概率",
        "P(CTR above account)",
        "点击率真实高于账户水平的概率（0–1）",
    ),
    _col(
        "p_cvr_above",
        PERCENT,
        "转化率高于账户的概率",
        "P(conversion above account)",
        "转化率真实高于账户水平的概率（0–1）",
    ),
    _col(
        "quadrant",
        TEXT,
        "象限",
        "quadrant",
        "按点击率和转化率相对账户的高低分成的四类",
        key=True,
        codes=("quadrant_",),
    ),
    _col(
        "breakeven_cvr",
        PERCENT,
        "保本转化率",
        "break-even conversion",
        "达到保本所需的转化率 = 点击花费 × 保本ROI ÷ 每订单行成交额",
    ),
    _col(
        "expected_at_breakeven",
        NUMBER,
        "保本应有订单行",
        "order lines due at break-even",
        "按保本转化率，这些点击应带来的订单行",
    ),
    _col(
        "p_breakeven",
        PERCENT,
        "达到保本的概率",
        "P(reaching break-even)",
        "在该点击数下转化率达到保本转化率的概率；越小越确定亏损",
    ),
    _col("brand_clicks", COUNT, "品牌词点击数", "brand clicks"),
    _col(
        "brand_click_share",
        PERCENT,
        "品牌词点击占比",
        "brand share of clicks",
        "品牌词点击 ÷ 全部点击（仅快车）",
    ),
    _col("nonbrand_roi", RATIO, "不含品牌词的ROI", "ROI without brand words", "去掉品牌词后的ROI"),
    _col("scope", TEXT, "范围", "scope", codes=("brand_scope_",)),
    _col("brand_revenue", MONEY, "品牌词成交额（元）", "brand revenue (yuan)"),
    _col(
        "brand_revenue_share",
        PERCENT,
        "品牌词成交额占比",
        "brand share of revenue",
        "品牌词成交额 ÷ 全部成交额（仅快车）",
    ),
    _col(
        "brand_cost_share",
        PERCENT,
        "品牌词花费占比",
        "brand share of spend",
        "品牌词花费 ÷ 全部花费（仅快车）",
    ),
    _col(
        "brand_impression_share",
        PERCENT,
        "品牌词展现占比",
        "brand share of impressions",
        "品牌词展现 ÷ 全部展现（仅快车）",
    ),
    _col("spend_saved", MONEY, "可节省花费（元）", "spend saved (yuan)", "执行后不再花出的钱"),
    _col(
        "revenue_lost",
        MONEY,
        "放弃的成交额（元）",
        "revenue given up (yuan)",
        "执行后可能失去的成交额",
    ),
    _col(
        "profit_gain",
        MONEY,
        "利润改善（元）",
        "profit gain (yuan)",
        "利润改善 = 节省花费 − 失去成交额 × 贡献毛利率",
    ),
    _col("negative_match", TEXT, "否定方式", "negative match", codes=("negative_match_",)),
    _col(
        "rank_in_unit",
        COUNT,
        "单元内排序",
        "rank in unit",
        "在推广单元内按可节省花费从高到低的排序",
    ),
    _col(
        "within_unit_limit",
        FLAG,
        "在单元上限内",
        "within unit limit",
        "是否在每个推广单元的否定词上限之内（只有这些进入操作表）",
    ),
    _col("irrelevant_word", TEXT, "无关词", "irrelevant word"),
    _col(
        "rival_campaign",
        TEXT,
        "竞品词计划",
        "competitor campaign",
        "店铺的竞品词计划（只在它本身被判降价或暂停时填写：竞品品牌词不再建议另外购买）",
    ),
    _col(
        "rival_campaign_verdict",
        TEXT,
        "竞品词计划结论",
        "competitor campaign verdict",
        "竞品词计划在渠道页的结论（cut 降价 / pause 暂停）",
        codes=("verdict_",),
    ),
    _col("held_by", TEXT, "已暂停/降价的来源关键词", "keyword already paused / bid down"),
    _col("keyword_action", TEXT, "关键词操作", "keyword action", key=True, codes=("kw_action_",)),
    _col("similar_keyword", TEXT, "相近关键词", "similar keyword"),
    _col("relation", TEXT, "相近方式", "resemblance", codes=("kw_relation_",)),
    _col("came_through", TEXT, "来源关键词", "came through"),
    _col(
        "value_per_click",
        MONEY,
        "每次点击价值（元）",
        "value per click (yuan)",
        "每次点击带来的成交额（收缩后转化率 × 每订单行成交额）",
    ),
    _col("current_bid", MONEY, "当前出价（元）", "current bid (yuan)", "当前出价"),
    _col("bid_basis", TEXT, "调整基准", "step measured from", codes=("bid_basis_",)),
    _col("target_basis", TEXT, "目标来源", "target from", codes=("target_basis_",)),
    _col(
        "target_bid",
        MONEY,
        "可承受点击花费（元）",
        "affordable CPC (yuan)",
        "按目标ROI能承受的点击花费 = 每次点击价值 ÷ 目标ROI",
    ),
    _col("new_bid", MONEY, "建议出价（元）", "suggested bid (yuan)", "建议出价", key=True),
    _col("bid_change", PERCENT, "调整幅度", "change", "建议出价相对当前出价的变化"),
    _col(
        "expected_cpc",
        MONEY,
        "预计点击花费（元）",
        "expected CPC (yuan)",
        "按建议出价预计的平均点击花费",
    ),
    _col(
        "expected_roi", RATIO, "预计ROI", "expected ROI", "按建议出价预计的ROI，依据见“预计ROI依据”"
    ),
    _col("expected_roi_basis", TEXT, "预计ROI依据", "expected ROI from", codes=("roi_basis_",)),
    _col(
        "unit_cpc",
        MONEY,
        "单元平均点击花费（元）",
        "unit CPC (yuan)",
        "新词所进推广单元本期的平均点击花费",
    ),
    _col("unit_roi", RATIO, "单元ROI", "unit ROI", "新词所进推广单元本期的ROI"),
    _col(
        "bid_cap",
        MONEY,
        "出价上限（元）",
        "bid cap (yuan)",
        "新词起始出价的上限：单元每次点击价值 ÷ 目标ROI；单元证据不足时为单元平均点击花费",
    ),
    _col("bid_cap_basis", TEXT, "出价上限依据", "bid cap from", codes=("kw_cap_basis_",)),
    _col(
        "campaign_verdict",
        TEXT,
        "计划结论",
        "campaign verdict",
        "所在推广计划在渠道页的结论（cut 降价 / pause 暂停）：关键词按它执行，不再叠加逐词降价",
        codes=("verdict_",),
    ),
    _col(
        "campaign_bid_change",
        PERCENT,
        "计划出价调整",
        "campaign bid change",
        "所在推广计划整体的出价调整幅度（渠道页计划结论）",
    ),
    _col(
        "own_action",
        TEXT,
        "逐词建议",
        "word's own action",
        "不看计划结论时此词自己的建议",
        codes=("kw_action_",),
    ),
    _col(
        "own_new_bid",
        MONEY,
        "逐词建议出价（元）",
        "word's own bid (yuan)",
        "不看计划结论时此词的建议出价",
    ),
    _col(
        "loss_share",
        PERCENT,
        "亏损占关键词花费",
        "loss / keyword spend",
        "低于保本部分的亏损占该关键词花费的比例",
    ),
    _col("searches", COUNT, "搜索次数", "searches", "行业热搜榜中的搜索次数"),
    _col("searchers", COUNT, "搜索人数", "searchers", "行业热搜榜中的搜索人数"),
    _col("industry_clicks", COUNT, "行业点击", "industry clicks"),
    _col("industry_ctr", PERCENT, "行业点击率", "industry CTR"),
    _col("industry_cvr", PERCENT, "行业转化率", "industry conversion"),
    _col("industry_gmv", MONEY, "行业成交金额", "industry GMV"),
    _col(
        "kuaiche_reference_bid",
        MONEY,
        "快车参考价（元）",
        "快车 reference bid (yuan)",
        "京东商智给出的快车参考出价",
    ),
    _col("rank", COUNT, "排名", "rank"),
    _col("term_clicks", COUNT, "本店搜索词点击", "own search-term clicks"),
    _col("term_cost", MONEY, "本店搜索词花费（元）", "own search-term spend (yuan)"),
    _col("term_order_lines", COUNT, "本店搜索词订单行", "own search-term order lines"),
    _col("term_roi", RATIO, "本店搜索词ROI", "own search-term ROI"),
    _col(
        "related",
        FLAG,
        "与本店商品相关",
        "related to the shop's products",
        "热搜词是否与本店商品相关",
    ),
    _col("related_words", TEXT, "共同的产品词", "shared product words"),
    _col("unit_words", TEXT, "与单元共同的词", "words shared with the unit"),
    _col(
        "unit_basis",
        TEXT,
        "单元匹配依据",
        "unit matched on",
        "新词按什么判断单元推广的商品：单元推广的商品名称（sku），或单元名称和已购关键词（keywords，商品未知时）",
        codes=("kw_unit_basis_",),
    ),
    _col(
        "unit_status",
        TEXT,
        "能否加新词",
        "new words now",
        "单元本期能否加新词：open 现在可加；held 单元或所在计划低于保本、大促尚未结算，大促后再定；losing 低于保本，不加",
        key=True,
        codes=("kw_unit_status_",),
    ),
    _col(
        "status_reason",
        TEXT,
        "不加新词的原因",
        "why no new words",
        "unit 单元本期ROI低于保本；campaign 所在计划低于保本（渠道页计划结论）",
        codes=("kw_status_reason_",),
    ),
    _col(
        "closest_campaign",
        TEXT,
        "最贴近的计划",
        "closest campaign",
        "最贴近的单元所在计划（因它不加新词而改加到其他单元时）",
    ),
    _col(
        "closest_unit",
        TEXT,
        "最贴近的单元",
        "closest unit",
        "最贴近的单元（因它不加新词而改加到其他单元时）",
    ),
    _col(
        "closest_status",
        TEXT,
        "最贴近单元的状态",
        "closest unit's status",
        codes=("kw_unit_status_",),
    ),
    _col(
        "closest_reason",
        TEXT,
        "最贴近单元不加新词的原因",
        "why not the closest unit",
        codes=("kw_status_reason_",),
    ),
    _col(
        "outcome",
        TEXT,
        "新词建议",
        "as a new word",
        "热搜词的去向：now 现在加；after_promotion 所进单元低于保本、大促结算后再定；not_top 未进搜索次数前列；"
        "其余为未列入的原因（competitor 竞品词、unrelated 无关、no_unit 没有推广该商品的单元、"
        "unit_losing 能进的单元都低于保本、unaffordable 付不起最低出价）",
        key=True,
        codes=("kw_hot_outcome_",),
    ),
    _col("unit_clicks", COUNT, "单元点击数", "unit clicks", "推广单元本期的点击数（关键词报表）"),
    _col(
        "unit_cost",
        MONEY,
        "单元花费（元）",
        "unit spend (yuan)",
        "推广单元本期的花费（关键词报表）",
    ),
    _col(
        "negated_clicks",
        COUNT,
        "已扣除否定词点击",
        "negated clicks taken out",
        "建议否定的搜索词经此关键词带来的点击：本行的点击、花费和ROI已扣除它们，所以少于关键词报表",
    ),
    _col(
        "negated_cost",
        MONEY,
        "已扣除否定词花费（元）",
        "negated spend taken out (yuan)",
        "建议否定的搜索词经此关键词花掉的钱：本行的花费已扣除",
    ),
    _col("terms", COUNT, "搜索词数", "search terms"),
    _col(
        "drift_cost",
        MONEY,
        "偏离搜索词花费（元）",
        "spend on drifted terms (yuan)",
        "与关键词不同的搜索词带来的花费",
    ),
    _col(
        "drift_cost_share",
        PERCENT,
        "偏离搜索词花费占比",
        "share on drifted terms",
        "偏离搜索词花费 ÷ 花费",
    ),
    _col("drift_roi", RATIO, "偏离搜索词ROI", "ROI of drifted terms", "偏离搜索词的ROI"),
    _col("ngram", TEXT, "主题", "theme", key=True),
    _col("n", COUNT, "词数", "n"),
    _col(
        "contribution",
        MONEY,
        "贡献利润（元）",
        "contribution (yuan)",
        "贡献利润 = 成交额 × 贡献毛利率 − 花费",
    ),
    _col("theme", TEXT, "判断", "verdict", key=True, codes=("theme_",)),
    _col("bought", FLAG, "已购买", "bought"),
    _col("recap_kpi", TEXT, "指标", "KPI", key=True),
    _col("recap_target", TEXT, "目标", "target"),
    _col("recap_actual", TEXT, "实际", "actual", key=True),
    _col("recap_attainment", TEXT, "达成率", "attainment", key=True),
    _col("recap_status", TEXT, "状态", "status", key=True),
    _col("finding", TEXT, "发现", "finding"),
    _col("action_key", TEXT, "建议动作代码", "action code"),
    _col("actual", BY_METRIC, "实际", "actual", key=True),
    _col("amount", MONEY, "订单金额（元）", "order amount (yuan)", "订单金额"),
    _col("aov", MONEY, "笔单价（元）", "order value (yuan)", "笔单价 = 订单金额 ÷ 订单数"),
    _col("area", TEXT, "分析", "area"),
    _col("attainment", PERCENT, "达成率", "attainment"),
    _col("baseline_kind", TEXT, "参照类型", "baseline kind"),
    _col("better", TEXT, "较好方向", "better direction"),
    _col(
        "bought_before_data",
        FLAG,
        "数据开始前已购买",
        "bought before the data starts",
        "是否在数据开始前就已购买（有早于首单的退款记录）",
    ),
    _col("bought_in_period", COUNT, "本期购买", "bought in period"),
    _col("change_last_year", NUMBER, "同比变化", "change vs last year"),
    _col("change_previous", NUMBER, "环比变化", "change vs previous period"),
    _col("customers", COUNT, "客户数", "customers", "客户数"),
    _col("fields", TEXT, "文字参数", "text fields"),
    _col("held", FLAG, "暂缓", "held"),
    _col("last_year", BY_METRIC, "去年同期", "last year"),
    _col("lines", COUNT, "导出行数", "export rows"),
    _col("met", FLAG, "是否达成", "met", key=True),
    _col("method", TEXT, "方法", "method"),
    _col("money_basis", TEXT, "金额口径", "money basis"),
    _col("note_key", TEXT, "说明代码", "note code"),
    _col("orders", COUNT, "订单数", "orders", "订单数"),
    _col(
        "ordinary",
        BY_METRIC,
        "日常天数的值",
        "ordinary days' value",
        "本期不属于任何大促阶段的日常天数单独计算的值（本期含大促天数时才有）",
    ),
    _col("ordinary_days", COUNT, "日常天数", "ordinary days", "本期不属于任何大促阶段的天数"),
    _col(
        "promotion",
        BY_METRIC,
        "大促天数的值",
        "promotion days' value",
        "本期预热、爆发、返场天数合在一起计算的值（本期同时含日常天数时才有）",
    ),
    _col("promotion_days", COUNT, "大促天数", "promotion days", "本期属于预热、爆发或返场的天数"),
    _col("previous", BY_METRIC, "上期", "previous period"),
    _col("purchase_days", COUNT, "购买天数", "purchase days"),
    _col("q", P_VALUE, "q 值", "q-value", "多重检验校正后的 q 值；越小越不像是波动"),
    _col("q_last_year", P_VALUE, "同比 q 值", "q-value vs last year"),
    _col("q_previous", P_VALUE, "环比 q 值", "q-value vs previous period"),
    _col("severity", TEXT, "严重程度", "severity", "严重程度，用于排序"),
    _col(
        "sha256", ID, "文件校验值（SHA-256）", "SHA-256", "文件内容的校验值，用于判断文件是否变化"
    ),
    _col("short", TEXT, "摘要", "summary"),
    _col("subject", TEXT, "对象", "subject", "发现针对的对象", key=True),
    _col("target", BY_METRIC, "目标", "target", key=True),
    _col("term", TEXT, "周期", "term"),
    _col("text_key", TEXT, "文字代码", "text code"),
    _col("title", TEXT, "标题", "title", "发现的一句话标题", key=True),
    _col(
        "word", TEXT, "关键词/搜索词", "keyword / search term", "要操作的关键词或搜索词", key=True
    ),
    _col("action_zh", TEXT, "操作", "operation", "在京准通后台执行的操作", key=True),
    _col("negative_word", TEXT, "否定关键词", "negative keyword", "要添加的否定关键词", key=True),
    _col("negative_match_zh", TEXT, "否定方式", "negative match", "否定方式：精确否定或短语否定"),
    _col("after", TEXT, "执行时间", "apply after", "这一日期之后再执行（大促归因期结束后）"),
    _col(
        "recheck",
        TEXT,
        "复核",
        "re-check",
        "待复核：依据含预热期的数据，大促结算后用整个大促窗口的数据重跑，结论仍成立再执行",
    ),
    _col(
        "bid_change_pct",
        PCT_CHANGE,
        "调整幅度（%）",
        "bid change (%)",
        "建议出价相对当前出价的变化，单位为百分数",
    ),
    _col("source_zh", TEXT, "来源", "source"),
    _col("units", COUNT, "件数", "units"),
    _col("order_amount", MONEY, "订单金额（元）", "order amount (yuan)"),
    _col("sku", ID, "商品编号（SKU）", "SKU"),
    _col("sku_name", TEXT, "商品名称", "product name"),
    _col("order_id", ID, "订单号", "order id"),
    # tables/action_followup.csv (jdpromo.actionlog.assess)
    _col("proposed", TEXT, "上期建议", "proposal", "上期报告建议的动作及取值"),
    _col("before_cost", MONEY, "上期花费（元）", "spend before (yuan)", "动作对象上期的花费"),
    _col("after_cost", MONEY, "本期花费（元）", "spend after (yuan)", "动作对象本期的花费"),
    _col("before_roi", RATIO, "上期ROI", "ROI before", "范围内上期的投产比（订单金额 ÷ 花费）"),
    _col("after_roi", RATIO, "本期ROI", "ROI after", "范围内本期的投产比（订单金额 ÷ 花费）"),
    # the recap's "what became of last period's actions" table (jdpromo.actionlog), shown as text
    _col("al_action", TEXT, "动作", "action", "上期建议的动作", key=True),
    _col("al_subject", TEXT, "对象", "subject", "动作针对的词、计划或产品线", key=True),
    _col("al_proposed", TEXT, "建议", "proposal", "上期建议的取值", key=True),
    _col("al_status", TEXT, "执行情况", "status", "从本期数据看是否已执行", key=True),
    _col("al_cost", TEXT, "花费 上期→本期", "spend before → after"),
    _col("al_roi", TEXT, "投产比 上期→本期", "ROI before → after"),
    _col("al_spend_saved", TEXT, "节省花费", "spend saved", "执行后比上期少花的钱（元）"),
)
"""Every output column, in the order of the analyses (health, channels, users, keywords, recap)."""

REGISTRY: dict[str, Column] = {c.name: c for c in _COLUMNS}
"""Every declared column by name."""

# Columns named by a pattern: a metric over a window of days (``roi_90d``) and the months of a
# cohort table (``month_3``).
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Column]]] = [
    (
        re.compile(r"^roi_(\d+)d$"),
        lambda m: Column(m[0], RATIO, f"近{m[1]}天ROI", f"ROI, last {m[1]} days",
                         f"近 {m[1]} 天的总订单金额 ÷ 花费"),
    ),
    (
        re.compile(r"^month_(\d+)$"),
        lambda m: Column(m[0], PERCENT, f"第{m[1]}月", f"month {m[1]}",
                         f"首单后第 {m[1]} 个月仍有购买的客户占该批客户的比例"),
    ),
]  # fmt: skip


def get(name: str) -> Column | None:
    """The registry entry of column ``name`` (declared or by pattern); ``None`` when unknown."""
    col = REGISTRY.get(name)
    if col is None:
        for pattern, make in _PATTERNS:
            if m := pattern.match(name):
                return make(m)
    return col


def is_key(name: str) -> bool:
    """Whether a phone must always show column ``name`` (subject, status/verdict, action)."""
    col = get(name)
    return bool(col and col.key)


def label(name: str, lang: str = "zh") -> str:
    """The header of column ``name`` in ``lang`` (the name itself when it is unknown)."""
    col = get(name)
    return col.label(lang) if col else name


def kind(name: str) -> str | None:
    """The kind (unit) of column ``name``: one of :data:`KINDS`, ``None`` when unknown."""
    col = get(name)
    return col.kind if col else None


def unknown(names: Iterable[str]) -> list[str]:
    """The names without a registry entry, in order."""
    return [n for n in names if get(n) is None]


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # array-like cells are shown as they are
        return False


def _number(value: float, how: str | None) -> str:
    if how == PCT_CHANGE:  # a change that rounds to zero has no sign: "0.0%", never "-0.0%"
        from jdpromo.text import unsigned_zero

        return unsigned_zero(f"{value:+.1f}%")
    if how == PERCENT:
        return f"{value * 100:.2f}%"
    if how == MONEY:
        return f"{value:,.2f}"
    if how == RATIO:
        return f"{value:.2f}"
    if how == P_VALUE:
        return f"{value:.3f}"
    if how == ID:
        return f"{value:.0f}" if float(value).is_integer() else str(value)
    if how == COUNT or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_value(name: str, value: object, *, metric: str | None = None) -> str:
    """A cell as a report shows it, by the column's kind: thousands separators, 2 decimals for
    money, % for rates, ✓ for a true flag, "—" for missing or undefined values.

    ``metric``: for a :data:`BY_METRIC` column, the metric the row is about (its ``metric``).

    >>> format_value("cost", 1234.5), format_value("clicks", 1234567), format_value("roi", 3.456)
    ('1,234.50', '1,234,567', '3.46')
    >>> format_value("value", 0.0123, metric="ctr"), format_value("ctr", float("nan"))
    ('1.23%', '—')
    """
    if _missing(value):
        return "—"
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else str(stamp)
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, float)):
        how = kind(name)
        if how == BY_METRIC:
            how = kind(metric) if metric else None
            how = None if how in (BY_METRIC, TEXT, DATE, FLAG, ID) else how
        return _number(value, how)
    return str(value)


def display_value(name: str, value: object, lang: str = "zh", *, metric: str | None = None) -> str:
    """A cell's text in a report: coded values translated (:attr:`Column.codes`,
    :attr:`Column.via`), numbers formatted (:func:`format_value`)."""
    from jdpromo.text import TEXT, error_location, inventory_text, t

    col = get(name)
    if col is not None and isinstance(value, (str, bool)):
        for prefix in col.codes:
            if f"{prefix}{value}" in TEXT:
                return t(f"{prefix}{value}", lang)
        if isinstance(value, str):
            if col.via == "column":
                return label(value, lang)
            if col.via == "inventory":
                return inventory_text(value, lang)
            if col.via == "location":
                return error_location(value, lang)
    return format_value(name, value, metric=metric)


# --- files ----------------------------------------------------------------------------------


def excel_format(name: str) -> str | None:
    """The Excel number format of column ``name`` (``None``: General)."""
    return EXCEL_FORMATS.get(kind(name) or "")


def flag_text(value: object, lang: str = "zh") -> str:
    """A flag as a workbook shows it: 是/否 (zh), yes/no (en); "" when missing."""
    if _missing(value):
        return ""
    yes = bool(value) if not isinstance(value, str) else value.strip().lower() == "true"
    return ("是" if yes else "否") if lang == "zh" else ("yes" if yes else "no")


def unit(name: str) -> str:
    """The data dictionary's unit of column ``name`` (in Chinese)."""
    how = kind(name)
    return UNITS_ZH[how] if how else ""


DICTIONARY_NAME = "README.csv"
DICTIONARY_HEADER = ("file", "column", "中文名", "unit", "meaning")


FILE_MEANINGS: dict[str, dict[str, str]] = {
    "action_followup.csv": {
        "kind": "动作类型：negate_term 否定搜索词，pause_keyword 暂停关键词，bid_change 调整出价，"
        "pause_campaign 暂停计划，cut_campaign 降低计划出价，budget_line 产品线预算，audience 人群",
        "status": "上期建议是否已执行：applied 已执行，not_applied 未执行，unclear 无法从数据判断",
        "reason": "判断依据代码，如 no_clicks_after 否定后无点击、bid_moved 出价已按建议调整、"
        "cpc_in_promotion 大促期间无法从点击成本判断",
        "scope": "前后ROI的计算范围：unit 所在单元，line 所在产品线，subject 对象本身",
        "subject": "动作针对的产品线、计划、单元、关键词、搜索词或人群（以 / 分隔）",
    },
}
"""Meanings of a column that differ in one file (the same name means something else there)."""


def dictionary(files: Mapping[str, Iterable[str]], *, strict: bool = True) -> pd.DataFrame:
    """The data dictionary of the given files (file name → its column names, in order): one
    row per file and column with the column's Chinese name, unit and meaning.

    Raises
    ------
    KeyError
        With ``strict``, when a column has no registry entry (declare it in
        :mod:`jdpromo.columns`); otherwise such a column gets a row with empty 中文名 and unit.
    """
    rows = []
    for file, names in files.items():
        names = list(names)
        own = FILE_MEANINGS.get(file, {})
        missing = unknown(names)
        if missing and strict:
            raise KeyError(f"{file}: columns without a registry entry: {', '.join(missing)}")
        for n in names:
            col = get(n)
            meaning = own.get(n, col.meaning) if col else ""
            rows.append((file, n, col.zh, unit(n), meaning) if col else (file, n, "", "", ""))
    return pd.DataFrame(rows, columns=list(DICTIONARY_HEADER))


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV written by :func:`jdpromo.report.write_table`."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def write_dictionary(folder: Path, *, strict: bool = True) -> Path:
    """Write ``folder/README.csv`` (UTF-8 with BOM), the dictionary of every CSV in ``folder``:
    file, column, 中文名, unit, meaning (:func:`dictionary`; ``strict`` as there)."""
    files = {
        p.name: csv_header(p) for p in sorted(folder.glob("*.csv")) if p.name != DICTIONARY_NAME
    }
    path = folder / DICTIONARY_NAME
    dictionary(files, strict=strict).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def text_table(frame: pd.DataFrame, lang: str = "zh") -> str:
    """``frame`` as an aligned plain-text table for a terminal: registry headers and cell
    texts (:func:`label`, :func:`display_value`), numbers right-aligned, CJK counted double.
    """
    heads = [label(c, lang) for c in frame.columns]
    cells = [[display_value(c, v, lang) for c, v in zip(frame.columns, row, strict=True)]
             for row in frame.itertuples(index=False)]  # fmt: skip
    right = [kind(c) in (COUNT, MONEY, PERCENT, PCT_CHANGE, RATIO, P_VALUE, NUMBER)
             for c in frame.columns]  # fmt: skip
    widths = [
        max([display_width(h), *(display_width(r[i]) for r in cells)]) for i, h in enumerate(heads)
    ]

    def line(values: list[str]) -> str:
        padded = [
            (" " * (w - display_width(v)) + v) if r else (v + " " * (w - display_width(v)))
            for v, w, r in zip(values, widths, right, strict=True)
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(heads), line(["-" * w for w in widths]), *map(line, cells)])


def display_width(text: str) -> int:
    """Display width of a cell: CJK and full-width characters count twice."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def column_width(header: str, values: Iterable[str], cap: int = 50) -> float:
    """A column's Excel width: its widest header or cell (CJK counted double) plus padding,
    at most ``cap``."""
    widest = max([display_width(header), *(display_width(v) for v in values)])
    return float(min(widest + 2, cap))


def excel_value(name: str, value: object, lang: str = "zh") -> object:
    """A cell as a workbook stores it: numbers rounded (:data:`DECIMALS`), flags 是/否, days
    as datetimes, missing values ``None``; text unchanged."""
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, pd.Timestamp)):
        value = value.item()  # a numpy scalar
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        stamp = pd.Timestamp(value)
        return (stamp.tz_localize(None) if stamp.tzinfo else stamp).to_pydatetime()
    how = kind(name)
    if how == FLAG or isinstance(value, bool):
        return flag_text(value, lang)
    if how == ID:
        return f"{value:.0f}" if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        digits = DECIMALS.get(how or "", 4)
        return round(float(value), digits) if digits else round(float(value))
    return value


_PYDATETIME_US = tuple(
    (d - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    for d in (dt.datetime.min, dt.datetime.max)
)


def excel_values(name: str, values: pd.Series, lang: str = "zh") -> list[object]:
    """:func:`excel_value` for a whole column (plain numeric and datetime columns converted at
    once: a large audience list is mostly those)."""
    how = kind(name)
    dtype = values.dtype
    plain = how not in (FLAG, ID, TEXT, DATE)
    if plain and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        v = values.to_numpy(dtype=float, na_value=np.nan)
        digits = DECIMALS.get(how or "", 4)
        v = np.round(v, digits)
        out = v.astype(object)
        out[~np.isfinite(v)] = None
        return out.tolist() if digits else [x if x is None else int(x) for x in out.tolist()]
    if pd.api.types.is_datetime64_any_dtype(dtype) and getattr(dtype, "tz", None) is None:
        stamps = values.to_numpy()
        ticks = stamps.view(np.int64)[~np.isnat(stamps)]
        per_us = {"ns": 1000, "us": 1}.get(np.datetime_data(stamps.dtype)[0])
        whole = per_us == 1 or (per_us and not (ticks % per_us).any())
        in_range = not len(ticks) or (
            _PYDATETIME_US[0] <= ticks.min() // (per_us or 1)
            and ticks.max() // (per_us or 1) <= _PYDATETIME_US[1]
        )
        if whole and in_range:
            # Whole microseconds (always, for an export): datetime objects at C speed, the same
            # as Timestamp.to_pydatetime gives; NaT becomes None.
            return stamps.astype("datetime64[us]").astype(object).tolist()
        return [None if pd.isna(x) else x.to_pydatetime() for x in values]
    listed = values.tolist()
    if how != FLAG and all(type(v) is str for v in listed):
        return listed  # text as it is (an id's text included): what excel_value returns
    return [excel_value(name, v, lang) for v in listed]
