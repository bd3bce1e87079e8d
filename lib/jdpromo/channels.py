"""Channel comparison (渠道对比): ad lines and traffic sources, funnels, changes, findings, budget.

Pure functions: canonical frames in (already filtered by the caller to one attribution window),
DataFrames out. No printing, plotting or file I/O. Report text lives in :mod:`jdpromo.text`
(keys named in the ``text_key`` columns; fields in the ``fields`` columns).

Two lenses, kept apart
----------------------
``ad``
    京准通 product lines (快车, 展位, 海投, 购物触点, 站外广告, 京挑客 …) as exported; an unknown
    line keeps its own name, a row without a line is listed as :data:`UNLABELLED`. Ad counts
    (impressions, clicks, order lines) and money are additive over days, so period figures are
    exact sums. Rates follow :mod:`jdpromo.metrics` (ratios of sums).
``traffic``
    京东商智 流量来源 (level 1, or level 2 on request). Visitors and buyers are unique counts and
    are *not* additive over days: a period-level export that matches the period exactly is used
    when present (``basis = "period"``), else daily rows are added up (``basis = "daily_sum"``,
    shown as 日累计). 跳失率 over several rows is the visitor-weighted mean of the rows' bounce
    rates.

Ad-attributed revenue overlaps shop GMV; the two are never added.

Rows with no activity
---------------------
A line (or source) that appears anywhere in the frame passed in but has no rows in the period is
still listed, with zero volumes and NaN rates (``days = 0``): a line that stopped spending is news
for the manager. Volumes a line never exports (e.g. no carts column for it) are NaN, not 0.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jdpromo.metrics import AD_RATIOS, SHOP_RATIOS, add_ratios, change_pct, change_pp, ratio
from jdpromo.params import ShopParams, Thresholds
from jdpromo.periods import (
    PHASES,
    SEGMENTS,
    Period,
    ResolvedPeriod,
    crosses_boundary,
    last_year_name,
    phase_spans,
    segments,
    year_back,
)
from jdpromo.stats import (
    BINOMIAL_ONE_SAMPLE,
    POISSON_EXACT,
    POISSON_ONE_SAMPLE,
    TWO_PROPORTION_Z,
    WELCH_T_DAILY,
    bh_qvalues,
    binomial_one_sample,
    poisson_one_sample,
    poisson_rate_test,
    sample_size_poisson_rates,
    sample_size_two_proportions,
    two_proportion_z,
    welch_t,
)
from jdpromo.text import NameList

__all__ = [
    "ALL",
    "AD_VOLUMES",
    "DISPLAY_LINES",
    "TRAFFIC_RATIOS",
    "TRAFFIC_VOLUMES",
    "UNLABELLED",
    "ResponseCurvePlan",
    "ad_funnel",
    "ad_kpis",
    "budget_plan",
    "budget_rule_text",
    "channel_kpis",
    "compare",
    "diagnose",
    "explore",
    "finding_sentence",
    "fit_response_curve",
    "item_kpis",
    "item_test_sentence",
    "item_tests",
    "phase_table",
    "response_curve_plan",
    "response_curve_text",
    "shop_funnel",
    "traffic_kpis",
    "warmup_to_peak",
]

UNLABELLED = "(未标注)"
"""Channel name of ad rows whose product line is empty."""

ALL = "all"
"""Channel name of a total over every channel (text key ``channel_all``: 全部)."""

DISPLAY_LINES = ("展位", "海投", "购物触点", "站外广告", "京东直投", "推荐广告")
"""Ad lines bought for display (展示), not search: low CTR there points at creative/audience."""

SEARCH_LINES = ("快车",)
"""Ad lines bought on keywords: low CVR there may come from loose match types (关键词匹配方式)."""

AD_VOLUMES = (
    "impressions", "clicks", "cost", "carts", "direct_order_lines", "indirect_order_lines",
    "order_lines", "direct_revenue", "indirect_revenue", "revenue", "new_customers",
    "presale_order_lines",
)  # fmt: skip
"""Additive columns of ``ad_daily`` (counts, and money in 元)."""

TRAFFIC_VOLUMES = ("visitors", "page_views", "carts", "buyers", "gmv", "bounced", "bounce_visitors")
"""Summed columns of ``traffic_daily``. ``bounced`` = bounce_rate × visitors and
``bounce_visitors`` = visitors of rows with a bounce rate, so that bounce_rate = bounced /
bounce_visitors is the visitor-weighted mean."""

SHOP_VOLUMES = (
    "visitors", "page_views", "cart_buyers", "order_buyers", "order_amount", "buyers", "orders",
    "gmv", "bounced", "bounce_visitors",
)  # fmt: skip

BOUNCE_RATE = ("bounced", "bounce_visitors", 1.0)
"""跳失率 over several rows: the visitor-weighted mean (bounced visitors / visitors with a rate)."""

TRAFFIC_RATIOS: dict[str, tuple[str, str, float]] = {
    "conversion": SHOP_RATIOS["conversion"],  # 成交转化率 = buyers / visitors
    # 加购率 of a source = carts (加购人数) / visitors
    "cart_rate": ("carts", "visitors", 1.0),
    "bounce_rate": BOUNCE_RATE,
    "spend_per_buyer": SHOP_RATIOS["spend_per_buyer"],
    "pages_per_visitor": ("page_views", "visitors", 1.0),
}
"""Ratios of the traffic lens (ratios of sums)."""

SHOP_FUNNEL_RATIOS: dict[str, tuple[str, str, float]] = {
    "cart_rate": ("cart_buyers", "visitors", 1.0),
    **SHOP_RATIOS,
    "bounce_rate": BOUNCE_RATE,
}

# Metrics whose change is shown in percentage points (fractions); the other ratios (cpc, roi …)
# change in percent, like volumes.
RATE_METRICS = frozenset(
    {"ctr", "cvr", "direct_cvr", "cart_rate", "conversion", "bounce_rate", "order_rate", "pay_rate"}
)
MONEY_COLUMNS = frozenset(
    {"cost", "revenue", "direct_revenue", "indirect_revenue", "gmv", "order_amount"}
)
LEVELS = ("source_level1", "source_level2", "source_level3")

DEFAULT_AD_METRICS = (
    "cost", "revenue", "impressions", "clicks", "order_lines", "ctr", "cpc", "cvr", "cart_rate",
    "cpa", "roi",
)  # fmt: skip
DEFAULT_TRAFFIC_METRICS = ("visitors", "buyers", "gmv", "conversion", "bounce_rate", "cart_rate")


AD_KPI_COLUMNS = (
    "channel", "cost", "impressions", "clicks", "ctr", "cpc", "carts", "cart_rate", "order_lines",
    "cvr", "cpa", "revenue", "roi", "direct_roi", "roi_vs_breakeven", "cost_share",
    "revenue_share",
)  # fmt: skip
"""Columns of the ad lens shown in the report (the CSV keeps all)."""

TRAFFIC_KPI_COLUMNS = (
    "channel", "basis", "visitors", "visitor_share", "page_views", "bounce_rate", "carts",
    "buyers", "conversion", "gmv", "gmv_share", "spend_per_buyer",
)  # fmt: skip
"""Columns of the traffic lens shown in the report."""


# --------------------------------------------------------------------------------------------
# Shared helpers


def _ts(day: dt.date | pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(day).normalize()


def _span(period: Period | tuple[Any, Any]) -> tuple[pd.Timestamp, pd.Timestamp]:
    if isinstance(period, tuple):
        return _ts(period[0]), _ts(period[1])
    return _ts(period.start), _ts(period.end)


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    """Daily rows only (period rows have no date)."""
    if "date" not in frame:
        return frame.iloc[0:0]
    d = pd.to_datetime(frame["date"])
    return frame.loc[d.notna()]


def _in_span(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    d = pd.to_datetime(frame["date"])
    return frame.loc[d.notna() & (d >= start) & (d <= end)]


def _num(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy with every column of ``columns`` as float (absent columns become all-NaN)."""
    out = frame.copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float) if c in out else np.nan
    return out


def _derive_total(frame: pd.DataFrame, total: str, direct: str, indirect: str) -> None:
    """Fill a missing total (order lines, revenue) from direct + indirect, in place."""
    missing = frame[total].isna() & frame[direct].notna()
    if missing.any():
        extra = frame.loc[missing, indirect].fillna(0)
        frame.loc[missing, total] = frame.loc[missing, direct] + extra


def _prepare_ad(ad: pd.DataFrame, by: str | Sequence[str] = "product_line") -> pd.DataFrame:
    """Ad rows with numeric volumes, totals derived, and a ``channel`` column from ``by``."""
    out = _num(ad, AD_VOLUMES)
    _derive_total(out, "order_lines", "direct_order_lines", "indirect_order_lines")
    _derive_total(out, "revenue", "direct_revenue", "indirect_revenue")
    out["date"] = pd.to_datetime(out["date"]) if "date" in out else pd.NaT
    if isinstance(by, str):
        col = out[by] if by in out else pd.Series(np.nan, index=out.index)
        out["channel"] = col.astype("string").fillna(UNLABELLED).astype(object)
    else:
        out["channel"] = out[list(by)].astype("string").fillna(UNLABELLED).agg(" · ".join, axis=1)
    return out


def _has_columns(rows: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Per channel, whether each column holds any value in ``rows`` (all dates)."""
    return rows[list(columns)].notna().groupby(rows["channel"], sort=False).any()


def _sum_by_channel(
    rows: pd.DataFrame, universe: pd.Index, has: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Sums per channel over ``rows`` for every channel of ``universe``.

    Missing values count as 0 within a channel that exports the column; a channel that never
    exports it gets NaN; a channel without rows gets 0.
    """
    sums = rows[list(columns)].fillna(0).groupby(rows["channel"], sort=False).sum()
    sums = sums.reindex(universe, fill_value=0.0)
    mask = has.reindex(index=universe, columns=list(columns), fill_value=False).astype(bool)
    return sums.where(mask)


def _order_universe(rows: pd.DataFrame) -> pd.Index:
    return pd.Index(pd.unique(rows["channel"]), name="channel")


# --------------------------------------------------------------------------------------------
# 1. KPIs per channel


def ad_kpis(
    ad: pd.DataFrame, period: Period, breakeven_roi: float, by: str = "product_line"
) -> pd.DataFrame:
    """KPIs per ad product line (京准通) over the period.

    Parameters
    ----------
    ad
        ``ad_daily`` rows of one attribution window; rows outside the period are ignored, but
        every line found in ``ad`` is listed (zero volumes, NaN rates when it has no rows in the
        period).
    period
        The report period (inclusive days).
    breakeven_roi
        保本ROI = 1 / contribution margin (``ShopParams.breakeven_roi``).
    by
        Column naming the channel (``product_line``; ``campaign`` for a finer table).

    Returns
    -------
    DataFrame
        One row per line, sorted by cost (descending): ``lens`` (``"ad"``), ``channel``,
        ``days`` (days with rows), the volumes of :data:`AD_VOLUMES` (counts; cost and revenue in
        元), the :data:`jdpromo.metrics.AD_RATIOS` (ctr, cvr, direct_cvr, cart_rate as fractions;
        cpc, cpa in 元; cpm in 元 per 1000 impressions; roi, direct_roi as 元 revenue per 元 cost),
        ``breakeven_roi``, ``roi_vs_breakeven`` = roi / breakeven_roi (> 1 earns money; minus 1 it
        is the contribution profit per 元 of spend), ``ad_contribution`` = revenue / breakeven_roi
        − cost (元, the contribution margin earned on attributed revenue less the spend),
        ``cost_share`` and ``revenue_share`` (fractions of all lines).
    """
    rows = _prepare_ad(ad, by)
    universe = _order_universe(rows)
    has = _has_columns(rows, AD_VOLUMES)
    start, end = _span(period)
    inside = _in_span(rows, start, end)
    sums = _sum_by_channel(inside, universe, has, AD_VOLUMES)
    days = inside.groupby("channel", sort=False)["date"].nunique().reindex(universe, fill_value=0)
    out = sums.reset_index()
    out.insert(0, "lens", "ad")
    out.insert(2, "days", days.to_numpy().astype(int))
    out = add_ratios(out, AD_RATIOS)
    out["breakeven_roi"] = float(breakeven_roi)
    out["roi_vs_breakeven"] = ratio(out["roi"], out["breakeven_roi"])
    out["ad_contribution"] = out["revenue"] / float(breakeven_roi) - out["cost"]
    out["cost_share"] = ratio(out["cost"], pd.Series(out["cost"].sum(), index=out.index))
    out["revenue_share"] = ratio(out["revenue"], pd.Series(out["revenue"].sum(), index=out.index))
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def _collapse_levels(frame: pd.DataFrame, level: int) -> pd.DataFrame:
    """Traffic rows without double counting at ``level`` (1-based).

    A 商智 export may hold subtotal rows (a level-1 row with an empty level 2) beside their detail
    rows. Below the target level a subtotal wins over its details (it counts unique visitors
    correctly); above it, subtotals are dropped where details exist.
    """
    levels = [c for c in LEVELS if c in frame and frame[c].notna().any()]
    key0 = ["date", "period_start", "period_end"]
    out = frame

    def marker(rows: pd.DataFrame, keys: pd.DataFrame, grp: list[str]) -> np.ndarray:
        flagged = keys.drop_duplicates().assign(_hit=True)
        hit = rows[grp].merge(flagged, how="left", on=grp)["_hit"]
        return hit.fillna(False).astype(bool).to_numpy()

    for k in range(len(levels) - 1, 0, -1):
        grp, child = key0 + levels[:k], levels[k]
        parents_known = out[levels[:k]].notna().all(axis=1)
        if k >= level:  # below the target level: subtotal wins
            subs = out.loc[out[child].isna() & parents_known, grp]
            drop = out[child].notna() & marker(out, subs, grp)
        else:  # above the target level: details win
            details = out.loc[out[child].notna() & parents_known, grp]
            drop = out[child].isna() & marker(out, details, grp)
        out = out.loc[~drop]
    return out


def _prepare_traffic(traffic: pd.DataFrame, level: int = 1) -> pd.DataFrame:
    """Traffic rows with numeric volumes, ``bounced``/``bounce_visitors`` and ``channel``."""
    if level not in (1, 2, 3):
        raise ValueError(f"level must be 1, 2 or 3, not {level!r}")
    base = _num(traffic, ("visitors", "page_views", "carts", "buyers", "gmv", "bounce_rate"))
    for c in ("date", "period_start", "period_end"):
        base[c] = pd.to_datetime(base[c]) if c in base else pd.NaT
    for c in LEVELS:
        if c not in base:
            base[c] = np.nan
    base = _collapse_levels(base, level)
    known = base["bounce_rate"].notna()
    base["bounced"] = (base["bounce_rate"] * base["visitors"]).where(known)
    base["bounce_visitors"] = base["visitors"].where(known)
    name = base[LEVELS[0]].astype("string")
    for c in LEVELS[1:level]:
        name = base[c].astype("string").fillna(name)
    base["channel"] = name.fillna(UNLABELLED).astype(object)
    if level > 1:
        base["parent"] = base[LEVELS[0]].astype("string").fillna(UNLABELLED).astype(object)
    return base


def traffic_kpis(traffic: pd.DataFrame, period: Period, level: int = 1) -> pd.DataFrame:
    """KPIs per 京东商智 traffic source over the period.

    Parameters
    ----------
    traffic
        ``traffic_daily`` rows: daily rows (``date`` set) and/or period rows (``date`` NaT,
        ``period_start``/``period_end`` set).
    period
        The report period.
    level
        Source level: 1 (一级来源, default), 2 or 3. At level 2 a source without sub-sources
        keeps its level-1 name; ``parent`` names the level-1 source.

    Returns
    -------
    DataFrame
        One row per source, sorted by visitors (descending): ``lens`` (``"traffic"``),
        ``channel``, [``parent``], ``basis`` (``"period"`` when a period-level row matching the
        period exactly exists for the source, else ``"daily_sum"`` = 日累计, where visitors and
        buyers are added up over days and overstate unique people), ``days``, ``visitors``,
        ``page_views``, ``carts`` (加购人数), ``buyers``, ``gmv`` (元), ``conversion``
        (成交转化率 = buyers / visitors), ``cart_rate`` (carts / visitors), ``bounce_rate``
        (跳失率, visitor-weighted mean of the rows' bounce rates), ``spend_per_buyer`` (元),
        ``pages_per_visitor``, ``visitor_share`` and ``gmv_share`` (fractions of all sources;
        sources overlap, a buyer may come by several).
    """
    rows = _prepare_traffic(traffic, level)
    universe = _order_universe(rows)
    cols = ["visitors", "page_views", "carts", "buyers", "gmv", "bounced", "bounce_visitors"]
    has = _has_columns(rows, cols)
    start, end = _span(period)
    whole = rows.loc[
        rows["date"].isna() & (rows["period_start"] == start) & (rows["period_end"] == end)
    ]
    from_period = set(whole["channel"])
    daily = _in_span(rows, start, end)
    daily = daily.loc[~daily["channel"].isin(from_period)]
    sums = _sum_by_channel(pd.concat([whole, daily]), universe, has, cols)
    days = daily.groupby("channel", sort=False)["date"].nunique().reindex(universe, fill_value=0)
    days = days.where(~days.index.isin(from_period), period.days if hasattr(period, "days") else 0)
    out = sums.reset_index()
    out.insert(0, "lens", "traffic")
    pos = 2
    if level > 1:
        parents = rows.drop_duplicates("channel").set_index("channel")["parent"]
        out.insert(pos, "parent", parents.reindex(universe).to_numpy())
        pos += 1
    out.insert(pos, "basis", np.where(out["channel"].isin(from_period), "period", "daily_sum"))
    out.insert(pos + 1, "days", days.to_numpy().astype(int))
    out = add_ratios(out, TRAFFIC_RATIOS)
    for col, share in (("visitors", "visitor_share"), ("gmv", "gmv_share")):
        out[share] = ratio(out[col], pd.Series(out[col].sum(), index=out.index))
    out = out.drop(columns=["bounced", "bounce_visitors"])
    return out.sort_values("visitors", ascending=False, kind="stable").reset_index(drop=True)


def channel_kpis(
    ad: pd.DataFrame | None,
    traffic: pd.DataFrame | None,
    period: Period,
    breakeven_roi: float,
    *,
    traffic_level: int = 1,
) -> pd.DataFrame:
    """The 渠道对比 table: ad lines (:func:`ad_kpis`) stacked above traffic sources
    (:func:`traffic_kpis`), the lenses told apart by ``lens`` (``"ad"`` / ``"traffic"``).

    Columns of the other lens are NaN; ``basis`` is NaN for ad rows (ad counts are additive over
    days, so their sums are exact). ``cart_rate`` is carts / clicks on ad rows and 加购人数 /
    visitors on traffic rows. Either input may be ``None`` or empty. Saved as
    ``tables/channel_kpis.csv``.
    """
    parts = []
    if ad is not None and len(ad):
        parts.append(ad_kpis(ad, period, breakeven_roi))
    if traffic is not None and len(traffic):
        parts.append(traffic_kpis(traffic, period, level=traffic_level))
    if not parts:
        return pd.DataFrame(columns=["lens", "channel", "basis", "days"])
    out = pd.concat(parts, ignore_index=True, sort=False)
    front = ["lens", "channel"] + (["parent"] if "parent" in out else []) + ["basis", "days"]
    if "basis" not in out:
        out["basis"] = np.nan
    return out[front + [c for c in out.columns if c not in front]]


# --------------------------------------------------------------------------------------------
# 2. Funnels


def _shop_sums(shop: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Series, str]:
    base = _num(
        shop,
        (
            "visitors",
            "page_views",
            "cart_buyers",
            "order_buyers",
            "order_amount",
            "buyers",
            "orders",
            "gmv",
            "bounce_rate",
        ),
    )
    for c in ("date", "period_start", "period_end"):
        base[c] = pd.to_datetime(base[c]) if c in base else pd.NaT
    known = base["bounce_rate"].notna()
    base["bounced"] = (base["bounce_rate"] * base["visitors"]).where(known)
    base["bounce_visitors"] = base["visitors"].where(known)
    whole = base.loc[
        base["date"].isna() & (base["period_start"] == start) & (base["period_end"] == end)
    ]
    if len(whole):
        rows, basis = whole.tail(1), "period"
    else:
        rows, basis = _in_span(base, start, end), "daily_sum"
    present = [c for c in SHOP_VOLUMES if rows[c].notna().any()]  # in scope, not elsewhere
    sums = rows[list(SHOP_VOLUMES)].sum(min_count=0)
    sums = sums.where(sums.index.isin(present))
    return sums, basis


def traffic_overlap(
    kpis: pd.DataFrame, shop: pd.DataFrame | None, period: Period
) -> tuple[str, dict[str, Any]] | None:
    """The note under the traffic-source table (text key and fields): sources overlap.

    One buyer can come through several sources (搜索 one day, 自主访问 the next), so the
    sources' buyers and GMV do not add up to the shop's, and ``gmv_share`` /
    ``visitor_share`` (:func:`traffic_kpis`) are shares of the sources' sum, not of the shop.
    With 店铺概况 rows (``shop``) the note states both GMV totals (元): the sources' sum of
    ``gmv`` over the traffic rows of ``kpis`` and the shop's (:func:`shop_funnel`'s sums,
    same basis rules) and the excess ``extra`` = sources / shop − 1. ``None`` without traffic
    rows.
    """
    rows = kpis.loc[kpis["lens"] == "traffic"] if "lens" in kpis else kpis.iloc[0:0]
    if rows.empty:
        return None
    sources = float(rows["gmv"].sum()) if "gmv" in rows else math.nan
    shop_gmv = math.nan
    if shop is not None and not shop.empty:
        sums, _ = _shop_sums(shop, *_span(period))
        shop_gmv = float(sums["gmv"])
    if not (np.isfinite(sources) and np.isfinite(shop_gmv) and shop_gmv > 0):
        return "traffic_overlap_note", {}
    extra = sources / shop_gmv - 1
    key = "traffic_overlap_note_totals" if extra > 0 else "traffic_overlap_note_totals_under"
    return key, {"sources": sources, "shop": shop_gmv, "extra": extra}


def shop_funnel(shop: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The shop funnel 访客 → 加购 → 下单 → 成交 (京东商智 经营概况).

    Returns
    -------
    DataFrame
        Four rows (``step`` = visitors, cart_buyers, order_buyers, buyers) with ``count``
        (people), ``rate_name`` and ``rate`` — 加购率 ``cart_rate`` = cart_buyers / visitors,
        下单率 ``order_rate`` = order_buyers / visitors, 支付率 ``pay_rate`` = buyers /
        order_buyers (fractions) — ``of_visitors`` (count / visitors; on the last step it is the
        成交转化率 ``conversion``) and ``basis`` (``"period"`` from a period-level row matching the
        period exactly, else ``"daily_sum"`` = 日累计 of daily unique counts).
    """
    start, end = _span(period)
    sums, basis = _shop_sums(shop, start, end)
    v = sums["visitors"]
    steps = [
        ("visitors", None, None),
        ("cart_buyers", "cart_rate", ratio(sums["cart_buyers"], v)),
        ("order_buyers", "order_rate", ratio(sums["order_buyers"], v)),
        ("buyers", "pay_rate", ratio(sums["buyers"], sums["order_buyers"])),
    ]
    out = pd.DataFrame(
        {
            "step": [s for s, _, _ in steps],
            "count": [sums[s] for s, _, _ in steps],
            "rate_name": [n for _, n, _ in steps],
            "rate": [np.nan if r is None else r for _, _, r in steps],
        }
    )
    out["of_visitors"] = ratio(out["count"], pd.Series(v, index=out.index))
    out["basis"] = basis
    return out


def ad_funnel(ad: pd.DataFrame, period: Period, by: str | None = "product_line") -> pd.DataFrame:
    """The ad funnel 展现 → 点击 → 加购 → 下单 per line (京准通 口径).

    Parameters
    ----------
    by
        Channel column; ``None`` gives one funnel over every line (channel :data:`ALL`).

    Returns
    -------
    DataFrame
        Four rows per channel (``step`` = impressions, clicks, carts, order_lines) with
        ``count``, ``rate_name`` and ``rate``: ``ctr`` = clicks / impressions, ``cart_rate`` =
        carts / clicks, ``cvr`` = order_lines / clicks (JD measures both later steps against
        clicks; order lines can exceed carts and clicks), and ``of_impressions`` = count /
        impressions. Lines without rows in the period have zero counts and NaN rates.
    """
    kp = ad_kpis(
        ad.assign(_all=ALL) if by is None else ad, period, 1.0, by="_all" if by is None else by
    )
    steps = [
        ("impressions", None),
        ("clicks", "ctr"),
        ("carts", "cart_rate"),
        ("order_lines", "cvr"),
    ]
    rows = []
    for rec in kp.itertuples(index=False):
        r = rec._asdict()
        for step, rate_name in steps:
            rows.append(
                {
                    "channel": r["channel"],
                    "step": step,
                    "count": r[step],
                    "rate_name": rate_name,
                    "rate": np.nan if rate_name is None else r[rate_name],
                    "of_impressions": ratio(r[step], r["impressions"]),
                }
            )
    return pd.DataFrame(
        rows, columns=["channel", "step", "count", "rate_name", "rate", "of_impressions"]
    )


# --------------------------------------------------------------------------------------------
# 3. 环比 / 同比 with tests over days


def _lens_setup(
    frame: pd.DataFrame, lens: str, level: int, by: str | None
) -> tuple[pd.DataFrame, dict[str, tuple[str, str, float]], tuple[str, ...], str]:
    """Rows with ``channel``, the ratio definitions, the volumes and the value column of a lens."""
    if lens == "ad":
        return _prepare_ad(frame, by or "product_line"), AD_RATIOS, AD_VOLUMES, "revenue"
    if lens == "traffic":
        rows = _prepare_traffic(frame, level)
        return rows, TRAFFIC_RATIOS, TRAFFIC_VOLUMES, "gmv"
    if lens == "shop":
        rows = _num(
            frame,
            (
                "visitors",
                "page_views",
                "cart_buyers",
                "order_buyers",
                "order_amount",
                "buyers",
                "orders",
                "gmv",
                "bounce_rate",
            ),
        )
        rows["date"] = pd.to_datetime(rows["date"])
        known = rows["bounce_rate"].notna()
        rows["bounced"] = (rows["bounce_rate"] * rows["visitors"]).where(known)
        rows["bounce_visitors"] = rows["visitors"].where(known)
        rows["channel"] = ALL
        return rows, SHOP_FUNNEL_RATIOS, SHOP_VOLUMES, "gmv"
    raise ValueError(f"lens must be 'ad', 'traffic' or 'shop', not {lens!r}")


def _metric_parts(
    metric: str, ratios: Mapping[str, tuple[str, str, float]], volumes: Sequence[str]
) -> tuple[str, str | None, float]:
    if metric in ratios:
        return ratios[metric]
    if metric in volumes:
        return metric, None, 1.0
    raise ValueError(f"unknown metric {metric!r}; choose from {sorted({*ratios, *volumes})}")


def _metric_kind(metric: str, den: str | None) -> str:
    if den is None:
        return "volume"
    return "rate" if metric in RATE_METRICS else "ratio"


def _unit_value(col: str, sums: pd.Series, value_col: str) -> float:
    """元 per unit of a column: 1 for money, else value_col / count (pooled over both sides)."""
    if col in MONEY_COLUMNS:
        return 1.0
    count = sums.get("visitors" if col in ("bounced", "bounce_visitors") else col, np.nan)
    return ratio(sums.get(value_col, np.nan), count)


def _money_effect(
    kind: str,
    num: str,
    den: str | None,
    scale: float,
    cur: float,
    base: float,
    cur_sums: pd.Series,
    pooled: pd.Series,
    value_col: str,
) -> float:
    """Money (元) behind a change, see :func:`compare`."""
    if not (np.isfinite(cur) and np.isfinite(base)):
        return math.nan
    if den is None:
        return abs(cur - base) * _unit_value(num, pooled, value_col)
    return abs(cur - base) / scale * cur_sums.get(den, np.nan) * _unit_value(num, pooled, value_col)


def compare(
    frame: pd.DataFrame,
    resolved: ResolvedPeriod,
    thresholds: Thresholds | None = None,
    *,
    lens: str = "ad",
    metrics: Sequence[str] | None = None,
    level: int = 1,
    by: str | None = None,
) -> pd.DataFrame:
    """环比 and 同比 of each KPI per channel, each change tested against day-to-day variance.

    Parameters
    ----------
    frame
        Daily rows of ``ad_daily`` (``lens="ad"``), ``traffic_daily`` (``"traffic"``) or
        ``shop_daily`` (``"shop"``, one channel :data:`ALL`), covering the periods compared.
        Period-level rows (no date) are ignored: a test needs days.
    resolved
        The report period with its 环比 (``previous``) and 同比 (``last_year``) periods.
    thresholds
        When a change is a finding (``ShopParams.thresholds``).
    metrics
        KPIs to compare; default :data:`DEFAULT_AD_METRICS` / :data:`DEFAULT_TRAFFIC_METRICS`
        (shop: the funnel rates and volumes).
    level, by
        Traffic source level; ad channel column (default ``product_line``).

    Returns
    -------
    DataFrame
        One row per channel × metric × comparison (``previous`` = 环比, ``last_year`` = 同比;
        channels without a row in either period of a comparison are left out):
        ``kind`` (``rate``: fractions such as ctr, cvr, conversion, changes in pp; ``ratio``:
        cpc, cpm, cpa (元), roi, spend per buyer, changes in %; ``volume``: counts and 元, changes
        in %), ``current`` and ``base`` (ratios of sums, volumes summed over days — 日累计 for
        unique counts), ``change`` with ``change_unit`` (``pp`` or ``%``), ``relative_change``
        (fraction), ``direction``, ``n_current``/``n_base`` (days tested: for volumes every day
        the frame covers, with 0 for a channel without rows; for rates days with a non-zero
        denominator), ``test`` (``welch_t_daily``: Welch's t-test comparing the mean of the
        daily values — daily sums, or the daily ratio of sums — of the two periods),
        ``statistic``, ``p_value``, ``q_value`` (Benjamini–Hochberg over every test of the
        table), ``money_effect`` (元, below), ``is_finding`` and ``reason`` (``finding``,
        ``not_significant``, ``too_small``, ``no_base`` or ``no_test``).

    Notes
    -----
    Money effect: for a money volume the change itself; for a count the change times its value
    per unit (ad revenue or traffic GMV per click, order line, visitor … pooled over both
    periods); for a ratio num/den the change of the ratio times the current denominator times
    the value per numerator unit (e.g. Δcvr × clicks × revenue per order line; Δroi × cost;
    Δcpc × clicks; Δbounce_rate × visitors × GMV per visitor).

    A change is a finding when q < alpha and the effect is big enough: rates need |change| ≥
    ``min_rate_change_pp`` and money ≥ ``min_money``; volumes and other ratios need money ≥
    ``min_money`` and |relative change| ≥ ``min_relative_change``. With no rows in a base
    period (or no such period) its values are NaN and ``reason`` is ``no_base``.
    """
    th = thresholds or Thresholds()
    rows, ratios, volumes, value_col = _lens_setup(_dated(frame), lens, level, by)
    if metrics is None:
        metrics = {"ad": DEFAULT_AD_METRICS, "traffic": DEFAULT_TRAFFIC_METRICS}.get(
            lens,
            (
                "visitors",
                "buyers",
                "gmv",
                "cart_rate",
                "order_rate",
                "pay_rate",
                "conversion",
                "bounce_rate",
            ),
        )
    parts = {m: _metric_parts(m, ratios, volumes) for m in metrics}
    cols = sorted(
        {c for num, den, _ in parts.values() for c in (num, den) if c}
        | {value_col}
        | ({"visitors"} if lens != "ad" else set())
    )
    cols = [c for c in cols if c in rows]
    universe = _order_universe(rows)
    covered = pd.DatetimeIndex(sorted(rows["date"].dropna().unique()))
    daily = rows.groupby(["channel", "date"], sort=True)[cols].sum(min_count=1)

    def side(p: Period | None) -> tuple[pd.DatetimeIndex, pd.DataFrame] | None:
        if p is None:
            return None
        start, end = _span(p)
        days = covered[(covered >= start) & (covered <= end)]
        if len(days) == 0:
            return None
        return days, daily.loc[daily.index.get_level_values("date").isin(days)]

    cur_side = side(resolved.current)
    records = []
    for label, base_p in (("previous", resolved.previous), ("last_year", resolved.last_year)):
        base_side = side(base_p)
        c_days, c_frame = cur_side if cur_side else (pd.DatetimeIndex([]), daily.iloc[0:0])
        active = set(c_frame.index.get_level_values("channel"))
        if base_side:
            active |= set(base_side[1].index.get_level_values("channel"))
        for channel in universe:
            if channel not in active and (cur_side or base_side):
                continue  # no row on either side: nothing to compare
            c_rows = _channel_days(c_frame, channel, c_days, cols)
            b_rows = _channel_days(base_side[1], channel, base_side[0], cols) if base_side else None
            # min_count=1 keeps an unknown column NaN; no days at all still sums to 0
            c_sums = c_rows.sum(min_count=1 if len(c_rows) else 0)
            b_sums = b_rows.sum(min_count=1 if len(b_rows) else 0) if b_rows is not None else None
            pooled = c_sums if b_sums is None else c_sums + b_sums
            days = _per_day(resolved.current, c_days, base_p, base_side)
            for metric, (num, den, scale) in parts.items():
                records.append(
                    _compare_one(
                        channel,
                        metric,
                        label,
                        num,
                        den,
                        scale,
                        c_rows,
                        b_rows,
                        c_sums,
                        b_sums,
                        pooled,
                        value_col,
                        base_p,
                        days,
                    )
                )
    out = pd.DataFrame.from_records(records, columns=_COMPARE_COLUMNS)
    if out.empty:
        out["is_finding"] = out["is_finding"].astype(bool)
        return out
    out["q_value"] = bh_qvalues(out["p_value"].to_numpy(dtype=float))
    out["is_finding"], out["reason"] = zip(*(_judge(r, th) for r in out.itertuples()), strict=True)
    out["is_finding"] = out["is_finding"].astype(bool)
    return out


_COMPARE_COLUMNS = [
    "channel", "metric", "comparison", "base_start", "base_end", "kind", "current", "base",
    "change", "change_unit", "relative_change", "direction", "n_current", "n_base", "test",
    "statistic", "p_value", "q_value", "money_effect", "is_finding", "reason", "per_day",
]  # fmt: skip


def _per_day(
    current: Period, c_days: pd.DatetimeIndex, base_p: Period | None, base_side
) -> tuple[int, int] | None:
    """(current days, base days) when volumes must be compared per day: one side is partial
    (the data covers fewer days than the period has) and the two cover different numbers of
    days — 6 days of a week against 7 would read as a fall that is only the missing day."""
    if base_p is None or base_side is None or len(c_days) == 0:
        return None
    n_cur, n_base = len(c_days), len(base_side[0])
    partial = n_cur < current.days or n_base < base_p.days
    return (n_cur, n_base) if partial and n_cur != n_base else None


def _channel_days(
    frame: pd.DataFrame, channel: str, days: pd.DatetimeIndex, cols: Sequence[str]
) -> pd.DataFrame:
    """Daily sums of one channel over ``days``; a covered day without rows counts as 0.

    A column none of the channel's rows in ``days`` carries (an export without 加购 …) stays NaN:
    its sum and rates are unknown, not 0.
    """
    try:
        sub = frame.xs(channel, level="channel")
    except KeyError:
        sub = pd.DataFrame(columns=list(cols), dtype=float)
    out = sub.reindex(days).fillna(0.0)
    if len(sub):
        unknown = [c for c in out.columns if sub[c].isna().all()]
        out[unknown] = np.nan
    return out


def _compare_one(
    channel,
    metric,
    label,
    num,
    den,
    scale,
    c_rows,
    b_rows,
    c_sums,
    b_sums,
    pooled,
    value_col,
    base_p,
    days: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One KPI of one channel against one base. With ``days`` (:func:`_per_day`) a volume's
    change, direction and money effect are per day (the sums divided by each side's covered
    days, the money scaled back to the current days); ``current`` and ``base`` stay sums."""
    kind = _metric_kind(metric, den)

    def value(sums: pd.Series | None) -> float:
        if sums is None:
            return math.nan
        if den is None:
            return float(sums[num])
        return ratio(sums[num], sums[den], scale)

    def daily(rows: pd.DataFrame | None) -> np.ndarray:
        if rows is None:
            return np.array([])
        if den is None:
            return rows[num].to_numpy(dtype=float)
        r = np.asarray(ratio(rows[num], rows[den], scale), dtype=float)
        return r[np.isfinite(r)]

    cur, base = value(c_sums), value(b_sums)
    per_day = days is not None and den is None
    if per_day:  # compare like with like; money effect = per-day change × current days
        cur_cmp, base_cmp = cur / days[0], base / days[1]
    else:
        cur_cmp, base_cmp = cur, base
    xc, xb = daily(c_rows), daily(b_rows)
    stat, p = welch_t(xc, xb) if b_rows is not None else (math.nan, math.nan)
    if kind == "rate":
        change, unit = float(change_pp(cur_cmp, base_cmp)), "pp"
    else:
        change, unit = float(change_pct(cur_cmp, base_cmp)), "%"
    rel = ratio(cur_cmp - base_cmp, base_cmp) if np.isfinite(base_cmp) else math.nan
    direction = (
        None
        if not (np.isfinite(cur_cmp) and np.isfinite(base_cmp))
        else "up"
        if cur_cmp > base_cmp
        else "down"
        if cur_cmp < base_cmp
        else "flat"
    )
    money = _money_effect(kind, num, den, scale, cur_cmp, base_cmp, c_sums, pooled, value_col)
    if per_day and np.isfinite(money):
        money *= days[0]
    return {
        "channel": channel, "metric": metric, "comparison": label,
        "base_start": None if base_p is None else base_p.start,
        "base_end": None if base_p is None else base_p.end,
        "kind": kind, "current": cur, "base": base, "change": change, "change_unit": unit,
        "relative_change": rel, "direction": direction, "n_current": len(xc),
        "n_base": len(xb) if b_rows is not None else 0, "test": WELCH_T_DAILY,
        "statistic": stat, "p_value": p, "q_value": math.nan, "money_effect": money,
        "is_finding": False, "reason": "", "per_day": per_day,
    }  # fmt: skip


def _judge(row: Any, th: Thresholds) -> tuple[bool, str]:
    if not np.isfinite(row.base):
        return False, "no_base"
    if not np.isfinite(row.q_value):
        return False, "no_test"
    if row.q_value >= th.alpha:
        return False, "not_significant"
    money_ok = np.isfinite(row.money_effect) and row.money_effect >= th.min_money
    if row.kind == "rate":
        big = abs(row.change) >= th.min_rate_change_pp
    else:
        rel = row.relative_change
        big = np.isfinite(rel) and abs(rel) >= th.min_relative_change
    return (True, "finding") if money_ok and big else (False, "too_small")


# --------------------------------------------------------------------------------------------
# 4. Diagnostics


_FINDING_COLUMNS = [
    "kind", "channel", "campaign", "item_dim", "item", "metric", "value", "reference",
    "reference_kind", "test", "p_value", "q_value", "money_at_stake", "money_basis", "direction",
    "action", "text_key", "action_key", "fields", "evidence", "skus",
]  # fmt: skip


def _benchmark_for(benchmarks: Mapping[str, Any], metric: str, line: str) -> Any | None:
    """The user's benchmark for ``metric`` on ``line``.

    A key ``"<metric>:<line>"`` (e.g. ``"cvr:展位"``) names one line. A plain ``"<metric>"`` key is
    a 快车 search benchmark (the keyword review reads the same keys), so it applies only to the
    search lines (:data:`SEARCH_LINES`): a search CTR is no yardstick for a display line.
    """
    key = f"{metric}:{line}"
    if key in benchmarks:
        return benchmarks[key]
    if line in SEARCH_LINES and metric in benchmarks:
        return benchmarks[metric]
    return None


def _evidence(**numbers: Any) -> str:
    def clean(v: Any) -> Any:
        if isinstance(v, (float, np.floating)):
            return None if not np.isfinite(v) else round(float(v), 6)
        if isinstance(v, (np.integer,)):
            return int(v)
        return v

    return json.dumps({k: clean(v) for k, v in numbers.items()}, ensure_ascii=False)


def _finding(**kw: Any) -> dict[str, Any]:
    row = dict.fromkeys(_FINDING_COLUMNS)
    row.update(money_basis="profit_missed", direction="opportunity")
    row.update(kw)
    return row


def _sku_label(sku: str, names: Mapping[str, str]) -> str:
    name = names.get(sku)
    return f"{sku} {name[:16]}" if isinstance(name, str) and name else str(sku)


def _worst_skus(
    line_rows: pd.DataFrame,
    sku: pd.DataFrame | None,
    period: Period,
    cvr_ref: float,
    min_sku_visitors: int,
    top: int = 3,
) -> tuple[list[dict[str, Any]], str | None]:
    """SKUs whose 详情页 converts worst: from the line's ad rows (order lines per click) when
    they carry SKUs, else from 商品明细 (buyers per visitor, SKUs with enough visitors)."""
    names: dict[str, str] = {}
    if sku is not None and len(sku) and "sku_name" in sku:
        named = sku.dropna(subset=["sku_name"])
        names = dict(zip(named["sku"].astype(str), named["sku_name"], strict=False))
    has_sku = "sku" in line_rows and line_rows["sku"].notna().any()
    if has_sku and np.isfinite(cvr_ref) and cvr_ref > 0:
        g = line_rows.dropna(subset=["sku"]).groupby(line_rows["sku"].astype(str))
        per = g[["clicks", "order_lines"]].sum()
        per["cvr"] = ratio(per["order_lines"], per["clicks"])
        # enough clicks that the reference CVR would have produced >= 5 order lines
        per = per.loc[(per["clicks"] >= 5 / cvr_ref) & (per["cvr"] < cvr_ref)]
        per = per.sort_values(["cvr", "clicks"], ascending=[True, False]).head(top)
        return [
            {"sku": s, "label": _sku_label(s, names), "rate": r, "volume": c}
            for s, r, c in zip(per.index, per["cvr"], per["clicks"], strict=True)
        ], "ad"
    if sku is not None and len(sku):
        start, end = _span(period)
        rows = _in_span(
            _num(sku, ("visitors", "buyers")).assign(date=pd.to_datetime(sku["date"])), start, end
        )
        if len(rows):
            per = rows.groupby(rows["sku"].astype(str))[["visitors", "buyers"]].sum()
            ref = ratio(per["buyers"].sum(), per["visitors"].sum())
            per["conversion"] = ratio(per["buyers"], per["visitors"])
            per = per.loc[(per["visitors"] >= min_sku_visitors) & (per["conversion"] < ref)]
            per = per.sort_values(["conversion", "visitors"], ascending=[True, False]).head(top)
            return [
                {"sku": s, "label": _sku_label(s, names), "rate": r, "volume": v}
                for s, r, v in zip(per.index, per["conversion"], per["visitors"], strict=True)
            ], "sku_daily"
    return [], None


def diagnose(
    ad: pd.DataFrame,
    period: Period,
    params: ShopParams,
    *,
    sku: pd.DataFrame | None = None,
    hold_until: dt.date | None = None,
    verdicts: pd.DataFrame | None = None,
    min_item_impressions: int = 1000,
    min_sku_visitors: int = 200,
) -> pd.DataFrame:
    """Findings about channels, each with its evidence, the money at stake and an action.

    Kinds
    -----
    ``high_ctr_low_cvr``
        A line whose CTR is at least ``min_relative_change`` above the rest of the account and
        whose CVR is at least as far below it, the CVR gap significant (exact Poisson rate test,
        order lines per click, line against the rest). People click but do not buy: the
        landing 详情页. Names the SKUs that convert worst: from the line's ad rows (order lines per
        click, SKUs with enough clicks for 5 order lines at the reference CVR), else from
        商品明细 (buyers / visitors, SKUs with ≥ ``min_sku_visitors``). Money at stake: (reference
        CVR − CVR) × clicks × revenue per order line × contribution margin (元 of profit
        missed, ``profit_missed``).
    ``display_low_ctr``
        In a display line (:data:`DISPLAY_LINES`) a creative or audience (定向人群) with
        ≥ ``min_item_impressions`` impressions whose CTR is at least ``min_relative_change`` below
        the rest of its campaign (same placements and budget, so a like-for-like reference;
        two-proportion z-test). Money at stake: missed clicks × the line's revenue per click (its
        cpc when it has no revenue) × contribution margin (``profit_missed``). Action: change the creative / audience. A whole display
        line's CTR is judged against a benchmark (below) or its own past (:func:`compare`).
    ``roi_below_breakeven``
        Judged where it is true, from :func:`campaign_verdicts` (passed as ``verdicts`` or
        computed). A line whose ROI is below 保本ROI (``params.breakeven_roi``): when some of its
        campaigns earn at least 保本 (enough clicks) and some lose (verdict cut, pause or hold),
        the finding is about the losing campaigns (``finding_roi_below_breakeven_mixed``): it
        names them with their ROI, states their own cost, revenue and loss (money = that loss)
        and the earners to keep; the action is ``cut_campaigns`` — pause or bid down the
        campaigns whose verdict says so — or, while a promotion is pending, ``hold`` with
        ``action_hold_campaigns`` (never the whole line). When none earns but some are only to
        be bid down, ``cut_campaigns_all`` names the campaigns to pause and to bid down (the
        sentence states the line's net loss and, 其中, theirs); otherwise ``pause`` (every
        judged campaign to pause, or none judged and ROI < half the breakeven or no order
        lines) or ``lower_bids`` (money = the line's loss). In a line above 保本, each campaign
        with a ``cut``/``pause``/``hold`` verdict is its own finding. Loss = cost − revenue ×
        contribution margin (元, ``profit_lost``); every sentence's money agrees with the cost
        and revenue it states. While a promotion's verdict is pending (``hold_until``) the
        action is ``hold`` and the direction ``risk`` (``profit_at_risk``): nothing is paused or
        bid down before the peak and its attribution window have closed — except on a held
        period's 日常 days, when :func:`campaign_verdicts` judged them apart: then each line's
        findings are :func:`_held_period_findings` (the campaigns losing on their 日常 days are
        cut or paused now, money those days' loss only; the held campaigns' promotion days
        wait), never a verdict on the line as a whole.
    ``cvr_below_benchmark`` / ``ctr_below_benchmark``
        Only for benchmarks the user put in params: a plain ``cvr``/``ctr`` key is a 快车 search
        benchmark (applied to 快车 only), ``"cvr:展位"`` names a line. In a period with
        promotion days (``params.promotions``) CVR is judged on the 日常 days only (money on
        their clicks), and not at all without one: a warm-up's carts wait for the peak. Rate at least
        ``min_relative_change`` below the benchmark,
        one-sided exact test (Poisson for order lines per click, binomial for clicks out of
        impressions). Money at stake: the gap × denominator × value per unit × contribution
        margin (``profit_missed``). Action: 快车 →
        match types (关键词匹配方式) and the 详情页 (CVR), keyword relevance, main image and rank
        (CTR); other lines → the 详情页 (CVR) or the creative and audience (CTR).

    Every kind needs money at stake ≥ ``thresholds.min_money`` — except a
    ``roi_below_breakeven`` finding that names campaigns cut or paused now (verdict ``cut`` /
    ``pause``): every such verdict is named in a finding whatever its loss, each campaign's
    money in one finding only; the tested kinds also need q < ``alpha``
    (Benjamini–Hochberg within the kind).

    Returns
    -------
    DataFrame
        One row per finding, most money first: ``kind``, ``channel``, ``campaign``,
        ``item_dim``/``item`` (the campaign, creative or audience, else None), ``metric``,
        ``value``, ``reference``,
        ``reference_kind`` (``rest_of_account``, ``rest_of_campaign``, ``breakeven``,
        ``benchmark``), ``test``, ``p_value``, ``q_value``, ``money_at_stake`` (元),
        ``money_basis`` and ``direction`` (:mod:`jdpromo.findings`), ``action`` (code), ``text_key`` and ``action_key`` (keys of :mod:`jdpromo.text`), ``fields`` (dict for
        both texts), ``evidence`` (JSON of the numbers) and ``skus`` (list of dicts).
    """
    th = params.thresholds
    start, end = _span(period)
    rows = _prepare_ad(_in_span(ad, start, end))
    found: list[dict[str, Any]] = []
    if rows.empty:
        return pd.DataFrame(columns=_FINDING_COLUMNS)
    lines = ad_kpis(rows, period, params.breakeven_roi)
    if verdicts is None:
        verdicts = campaign_verdicts(ad, period, params, hold_until)
    margin = params.contribution_margin
    found += _high_ctr_low_cvr(rows, lines, sku, period, th, min_sku_visitors, margin)
    found += _display_low_ctr(rows, th, min_item_impressions, margin)
    if hold_until is not None and isinstance(period, Period) and _split_verdicts(verdicts):
        days = _days_text(rows, period, params)
        found += _held_period_findings(verdicts, params, hold_until, days)
    else:
        found += _below_breakeven(lines, verdicts, params, hold_until)
    found += _below_benchmark(lines, params, _ordinary_lines(rows, period, params))
    out = pd.DataFrame(found, columns=_FINDING_COLUMNS)
    if out.empty:
        return out
    return out.sort_values("money_at_stake", ascending=False, kind="stable").reset_index(drop=True)


def _keep_tested(cands: list[dict[str, Any]], th: Thresholds) -> list[dict[str, Any]]:
    """BH within one kind, then the significance and money thresholds."""
    if not cands:
        return []
    q = bh_qvalues([c["p_value"] for c in cands])
    kept = []
    for c, qi in zip(cands, q, strict=True):
        c["q_value"] = float(qi)
        c["fields"]["q"] = float(qi)
        if np.isfinite(qi) and qi < th.alpha and c["money_at_stake"] >= th.min_money:
            kept.append(c)
    return kept


def _high_ctr_low_cvr(
    rows, lines, sku, period, th, min_sku_visitors, margin
) -> list[dict[str, Any]]:
    tot = lines[["impressions", "clicks", "order_lines", "revenue"]].sum()
    rel = th.min_relative_change
    cands = []
    for r in lines.itertuples(index=False):
        if not (r.clicks > 0 and r.impressions > 0):
            continue
        rest = tot - pd.Series(
            {
                "impressions": r.impressions,
                "clicks": r.clicks,
                "order_lines": r.order_lines,
                "revenue": r.revenue,
            }
        )
        ctr_ref = ratio(rest["clicks"], rest["impressions"])
        cvr_ref = ratio(rest["order_lines"], rest["clicks"])
        if not (np.isfinite(ctr_ref) and np.isfinite(cvr_ref) and np.isfinite(r.cvr)):
            continue
        if not (r.ctr >= ctr_ref * (1 + rel) and r.cvr <= cvr_ref * (1 - rel)):
            continue
        _, p = poisson_rate_test(r.order_lines, r.clicks, rest["order_lines"], rest["clicks"])
        per_line = ratio(r.revenue, r.order_lines)
        if not np.isfinite(per_line):
            per_line = ratio(rest["revenue"], rest["order_lines"])
        money = (cvr_ref - r.cvr) * r.clicks * per_line * margin
        skus, source = _worst_skus(
            rows.loc[rows["channel"] == r.channel], sku, period, cvr_ref, min_sku_visitors
        )
        sku_text = ", ".join(f"{s['label']} ({s['rate']:.2%})" for s in skus)
        fields = {
            "channel": r.channel,
            "ctr": r.ctr,
            "ctr_ref": ctr_ref,
            "cvr": r.cvr,
            "cvr_ref": cvr_ref,
            "clicks": r.clicks,
            "money": money,
            "skus": sku_text,
        }
        cands.append(_finding(
            kind="high_ctr_low_cvr", channel=r.channel, metric="cvr", value=r.cvr,
            reference=cvr_ref, reference_kind="rest_of_account", test=POISSON_EXACT, p_value=p,
            money_at_stake=money, action="fix_detail_page",
            text_key="finding_high_ctr_low_cvr" if skus else "finding_high_ctr_low_cvr_nosku",
            action_key="action_fix_detail_page", fields=fields,
            evidence=_evidence(ctr=r.ctr, ctr_rest=ctr_ref, cvr=r.cvr, cvr_rest=cvr_ref,
                               clicks=r.clicks, order_lines=r.order_lines, revenue=r.revenue,
                               sku_source=source),
            skus=skus,
        ))  # fmt: skip
    return _keep_tested(cands, th)


def _display_low_ctr(rows, th, min_item_impressions, margin) -> list[dict[str, Any]]:
    cands = []
    display = rows.loc[rows["channel"].isin(DISPLAY_LINES)]
    if "campaign" not in display:
        return []
    for line, lrows in display.groupby("channel", sort=True):
        ltot = lrows[["impressions", "clicks", "revenue", "cost"]].sum()
        per_click = ratio(ltot["revenue"], ltot["clicks"])
        if not (np.isfinite(per_click) and per_click > 0):
            per_click = ratio(ltot["cost"], ltot["clicks"])
        for dim in ("creative", "audience"):
            if dim not in lrows or lrows[dim].notna().sum() == 0:
                continue
            sub = lrows.dropna(subset=[dim, "campaign"])
            items = sub.groupby(["campaign", dim], sort=True)[["impressions", "clicks"]].sum()
            camp = items.groupby(level="campaign").transform("sum")
            n_items = items.groupby(level="campaign")["clicks"].transform("size")
            for (campaign, item), it in items.iterrows():
                if it["impressions"] < min_item_impressions or n_items[(campaign, item)] < 2:
                    continue
                rest_i = camp.at[(campaign, item), "impressions"] - it["impressions"]
                rest_c = camp.at[(campaign, item), "clicks"] - it["clicks"]
                ctr, ctr_ref = ratio(it["clicks"], it["impressions"]), ratio(rest_c, rest_i)
                if not (np.isfinite(ctr_ref) and ctr <= ctr_ref * (1 - th.min_relative_change)):
                    continue
                _, p = two_proportion_z(it["clicks"], it["impressions"], rest_c, rest_i)
                lost = (ctr_ref - ctr) * it["impressions"]
                money = lost * per_click * margin if np.isfinite(per_click) else math.nan
                fields = {
                    "channel": line,
                    "campaign": campaign,
                    "item": item,
                    "ctr": ctr,
                    "ctr_ref": ctr_ref,
                    "impressions": it["impressions"],
                    "clicks_lost": lost,
                    "money": money,
                }
                cands.append(_finding(
                    kind="display_low_ctr", channel=line, campaign=campaign, item_dim=dim,
                    item=item, metric="ctr", value=ctr, reference=ctr_ref,
                    reference_kind="rest_of_campaign", test=TWO_PROPORTION_Z, p_value=p,
                    money_at_stake=money, action=f"change_{dim}",
                    text_key=f"finding_display_low_ctr_{dim}",
                    action_key=f"action_change_{dim}", fields=fields,
                    evidence=_evidence(ctr=ctr, ctr_rest_of_campaign=ctr_ref,
                                       impressions=it["impressions"], clicks=it["clicks"],
                                       clicks_lost=lost, value_per_click=per_click),
                ))  # fmt: skip
    return _keep_tested([c for c in cands if np.isfinite(c["money_at_stake"])], th)


def _money_ok(money: float, params: ShopParams, verdict_now: bool = False) -> bool:
    """Whether a loss is worth a ``roi_below_breakeven`` finding: at least
    ``thresholds.min_money``; any loss at all when the finding names campaigns cut or paused
    now (``verdict_now``): the owner must learn of every such verdict, however small its money
    (:func:`campaign_verdicts`)."""
    if not np.isfinite(money):
        return False
    return money > 0 if verdict_now else money >= params.thresholds.min_money


def _breakeven_finding(
    channel, item, r, params: ShopParams, action: str, money: float, verdict_now: bool = False
) -> dict[str, Any] | None:
    """A ``roi_below_breakeven`` row for a line (``item`` None) or a campaign; ``money`` is the
    profit lost (元) the action addresses. None below ``thresholds.min_money`` — unless it
    names campaigns cut or paused now (``verdict_now``, :func:`_money_ok`)."""
    be = params.breakeven_roi
    roi = r["roi"]
    if not _money_ok(money, params, verdict_now):
        return None
    roi0 = 0.0 if not np.isfinite(roi) else roi
    cut = min(1 - roi0 / be, params.bid_step_cap)
    fields = {
        "channel": channel, "item": item, "roi": roi0, "breakeven": be, "cost": r["cost"],
        "revenue": r["revenue"], "money": money, "bid_cut": cut,
    }  # fmt: skip
    return _finding(
        kind="roi_below_breakeven", channel=channel, campaign=item,
        item_dim=None if item is None else "campaign",
        item=item, metric="roi", value=roi, reference=be, reference_kind="breakeven",
        money_at_stake=money, action=action,
        money_basis="profit_at_risk" if action == "hold" else "profit_lost",
        direction="risk" if action == "hold" else "worse",
        text_key=f"finding_roi_below_breakeven_{'line' if item is None else 'campaign'}",
        action_key=f"action_{action}", fields=fields,
        evidence=_evidence(roi=roi, breakeven_roi=be, cost=r["cost"], revenue=r["revenue"],
                           order_lines=r["order_lines"],
                           contribution_margin=params.contribution_margin, loss=money),
    )  # fmt: skip


def _ordinary_lines(
    rows: pd.DataFrame, period: Period | tuple[Any, Any], params: ShopParams
) -> tuple[pd.DataFrame, int] | None:
    """The lines' KPIs (:func:`ad_kpis`) over the 日常 days of a period that overlaps promotion
    phases, and how many days those are (an empty frame and 0 when it has none); ``None`` when
    the period overlaps no phase (then the whole period is ordinary)."""
    if not isinstance(period, Period):
        return None
    ordinary = ordinary_runs(period, params.promotions)
    if ordinary is None:
        return None
    if not ordinary:
        return pd.DataFrame(columns=["channel"]), 0
    span = Period(label="ordinary", kind="comparison", start=ordinary[0][0], end=ordinary[-1][1])
    days = sum((b - a).days + 1 for a, b in ordinary)
    return ad_kpis(_only_days(rows, ordinary), span, params.breakeven_roi), days


def _below_benchmark(
    lines, params: ShopParams, ordinary: tuple[pd.DataFrame, int] | None = None
) -> list[dict[str, Any]]:
    """``cvr_below_benchmark`` / ``ctr_below_benchmark`` rows (see :func:`diagnose`).

    A benchmark is an ordinary month's yardstick: in a period with promotion days
    (``ordinary``: :func:`_ordinary_lines`), a line's CVR is judged on its 日常 days only —
    in a warm-up people cart and wait for the peak, at the peak they buy at once, so neither
    is money a landing page could earn — and not at all when the period has no 日常 day.
    """
    th = params.thresholds
    if not params.benchmarks:
        return []
    tot = lines[["revenue", "order_lines", "clicks"]].sum()
    calm = None
    if ordinary is not None:
        calm = {r["channel"]: r for r in ordinary[0].to_dict("records")}
    cands = []
    for r0 in lines.to_dict("records"):
        line = r0["channel"]
        for metric, num, den in (
            ("cvr", "order_lines", "clicks"),
            ("ctr", "clicks", "impressions"),
        ):
            r = r0
            if metric == "cvr" and calm is not None:
                r = calm.get(line)
                if r is None or not r["days"] > 0:
                    continue  # no ordinary day: nothing to hold against a benchmark
            bm = _benchmark_for(params.benchmarks, metric, line)
            if bm is None or not (r[den] > 0):
                continue
            value = r[metric]
            if not value <= bm.value * (1 - th.min_relative_change):
                continue
            if metric == "cvr":
                p = poisson_one_sample(r[num], r[den] * bm.value, "less")
                per_unit = ratio(r["revenue"], r["order_lines"])
                if not np.isfinite(per_unit):
                    per_unit = ratio(tot["revenue"], tot["order_lines"])
                test = POISSON_ONE_SAMPLE
                action = "check_match_type" if line in SEARCH_LINES else "fix_detail_page"
            else:
                p = binomial_one_sample(r[num], r[den], bm.value, "less")
                per_unit = ratio(r["revenue"], r["clicks"])
                if not (np.isfinite(per_unit) and per_unit > 0):
                    per_unit = ratio(tot["revenue"], tot["clicks"])
                test = BINOMIAL_ONE_SAMPLE
                action = (
                    "improve_search_ctr" if line in SEARCH_LINES else "change_creative_or_audience"
                )
            money = (bm.value - value) * r[den] * per_unit * params.contribution_margin
            if not np.isfinite(money):
                continue
            fields = {
                "channel": line,
                "value": value,
                "benchmark": bm.value,
                "source": bm.source,
                "date": bm.date,
                "money": money,
            }
            key = f"finding_{metric}_below_benchmark"
            if metric == "cvr" and calm is not None:
                key, fields["days"] = f"{key}_ordinary", int(ordinary[1])
            cands.append(_finding(
                kind=f"{metric}_below_benchmark", channel=line, metric=metric, value=value,
                reference=bm.value, reference_kind="benchmark", test=test, p_value=p,
                money_at_stake=money, action=action, text_key=key,
                action_key=f"action_{action}", fields=fields,
                evidence=_evidence(**{metric: value, "benchmark": bm.value, den: r[den],
                                      num: r[num], "benchmark_source": bm.source,
                                      "benchmark_date": bm.date}),
            ))  # fmt: skip
    kept = []
    for kind in ("cvr_below_benchmark", "ctr_below_benchmark"):
        kept += _keep_tested([c for c in cands if c["kind"] == kind], th)
    return kept


# --------------------------------------------------------------------------------------------
# 5. Creatives, audiences, placements


def item_kpis(
    ad: pd.DataFrame, dim: str, period: Period | None = None, *, within: str = "campaign"
) -> pd.DataFrame:
    """KPIs per item (``dim``: creative, audience 定向人群, placement 广告位) within its campaign.

    Returns
    -------
    DataFrame
        ``product_line``, ``within`` column, ``dim`` column, the ad volumes and
        :data:`~jdpromo.metrics.AD_RATIOS` (ratios of sums), ``impression_share`` (fraction
        of the campaign's impressions) and ``days`` (days with a row of the item: its pace is
        a volume ÷ ``days``). Rows without a value of ``dim`` are left out.
    """
    rows = _prepare_ad(ad)
    if period is not None:
        rows = _in_span(rows, *_span(period))
    keys = ["product_line", within, dim]
    if dim not in rows or within not in rows:
        return pd.DataFrame(columns=keys + list(AD_VOLUMES) + list(AD_RATIOS) + ["days"])
    rows = rows.dropna(subset=[dim, within])
    rows["product_line"] = rows["channel"]
    groups = rows.groupby(keys, sort=True)
    sums = groups[list(AD_VOLUMES)].sum(min_count=1).reset_index()
    out = add_ratios(sums, AD_RATIOS)
    camp = out.groupby(["product_line", within])["impressions"].transform("sum")
    out["impression_share"] = ratio(out["impressions"], camp)
    out["days"] = groups["date"].nunique().to_numpy(dtype=np.int64)
    return out


_ITEM_TEST_COLUMNS = [
    "product_line", "campaign", "dim", "metric", "n_items", "winner_item", "loser_item",
    "winner_value", "loser_value", "winner_n", "loser_n", "winner_roi", "loser_roi",
    "roi_agrees", "sample_unit", "lift", "test", "p_value",
    "q_value", "conclusive", "alpha", "power", "mde", "required_per_arm", "still_needed",
    "weeks_needed", "max_test_weeks", "breakeven_roi", "text_key",
]  # fmt: skip


def weeks_to_settle(required: float, n: Sequence[float], days: Sequence[float]) -> float:
    """Weeks until every item of a comparison has ``required`` exposure (impressions or
    clicks) at the pace it had: max over the items of (required − n) ÷ (n ÷ days) ÷ 7, an item
    already there counting 0. NaN when ``required`` is unknown; inf when an item short of it
    has had no exposure.

    >>> round(weeks_to_settle(71_003, [560, 560], [28, 28]), 2)  # 70,443 clicks short, 20 a day
    503.16
    """
    if not np.isfinite(required):
        return math.nan
    worst = 0.0
    for have, d in zip(n, days, strict=True):
        short = max(float(required) - float(have), 0.0)
        if short == 0:
            continue
        pace = float(have) / float(d) if d and d > 0 else 0.0
        worst = max(worst, short / pace / 7 if pace > 0 else math.inf)
    return worst


def item_tests(
    ad: pd.DataFrame,
    dim: str,
    period: Period | None = None,
    thresholds: Thresholds | None = None,
    *,
    within: str = "campaign",
    min_impressions: float = 1000,
    min_clicks: float = 100,
    breakeven_roi: float | None = None,
) -> pd.DataFrame:
    """Best against worst item of each campaign, for CTR and CVR, with a significance test,
    and each one's ROI beside it.

    Within each campaign (``within``), among items (``dim``) with at least ``min_impressions``
    impressions (CTR) or ``min_clicks`` clicks (CVR), the highest-rate item (winner) is tested
    against the lowest (loser):

    * CTR — two-proportion z-test (clicks out of impressions);
    * CVR — exact conditional Poisson rate test: order lines are counts that can exceed clicks,
      so they are modelled as a Poisson rate per click, not as successes out of clicks.

    q-values are Benjamini–Hochberg over every test of the table; ``conclusive`` = q < alpha.
    For an inconclusive test, ``required_per_arm`` is the exposure per item (impressions for
    CTR, clicks for CVR; ``unit``) needed to detect a relative difference of ``mde`` over the
    pair's pooled rate at two-sided ``alpha`` with ``power`` (all from ``thresholds``, stated in
    the output), and ``still_needed`` = required − the smaller item's current exposure (≥ 0).

    ``weeks_needed`` is how long both items would take to get there at the pace each had in
    the period (:func:`weeks_to_settle`). When that is more than ``thresholds.max_test_weeks``
    (8) and ``breakeven_roi`` (保本ROI) is given, waiting is no advice: the sentence is
    ``item_test_unsettled_<metric>`` — it leads with each item's ROI against 保本 (keep or cut
    by money) and says that a test cannot settle the gap at this volume.

    Returns
    -------
    DataFrame
        One row per campaign × metric with at least two eligible items (columns in
        ``_ITEM_TEST_COLUMNS``; ``lift`` = winner / loser − 1, inf when the loser is at 0;
        ``winner_roi``/``loser_roi`` = revenue / cost of each item, ``roi_agrees`` whether the
        rate winner's ROI is at least the loser's, None when either is undefined). The
        sentence (``text_key``, :func:`item_test_sentence`) leads with ROI: a conclusive rate
        winner with the worse ROI is ``item_test_conclusive_roi_worse`` — the ROI winner is
        named the better one and the budget stays with it.
    """
    th = thresholds or Thresholds()
    kp = item_kpis(ad, dim, period, within=within)
    records = []
    if not kp.empty:
        for (line, camp), g in kp.groupby(["product_line", within], sort=True):
            for metric, num, den, floor, unit in (
                ("ctr", "clicks", "impressions", min_impressions, "impressions"),
                ("cvr", "order_lines", "clicks", min_clicks, "clicks"),
            ):
                ok = g.loc[(g[den] >= floor) & g[metric].notna()]
                if len(ok) < 2:
                    continue
                ok = ok.sort_values([metric, den], ascending=[False, False])
                w, lo = ok.iloc[0], ok.iloc[-1]
                if metric == "ctr":
                    _, p = two_proportion_z(w[num], w[den], lo[num], lo[den])
                    base = ratio(w[num] + lo[num], w[den] + lo[den])
                    need = sample_size_two_proportions(
                        base, base * (1 + th.min_detectable_effect), th.alpha, th.power
                    )
                    test = TWO_PROPORTION_Z
                else:
                    _, p = poisson_rate_test(w[num], w[den], lo[num], lo[den])
                    base = ratio(w[num] + lo[num], w[den] + lo[den])
                    need = sample_size_poisson_rates(
                        base, base * (1 + th.min_detectable_effect), th.alpha, th.power
                    )
                    test = POISSON_EXACT
                lift = ratio(w[metric], lo[metric]) - 1 if lo[metric] > 0 else math.inf
                records.append({
                    "product_line": line, "campaign": camp, "dim": dim, "metric": metric,
                    "n_items": len(ok), "winner_item": w[dim], "loser_item": lo[dim],
                    "winner_value": w[metric], "loser_value": lo[metric], "winner_n": w[den],
                    "loser_n": lo[den], "winner_roi": w["roi"], "loser_roi": lo["roi"],
                    "roi_agrees": _roi_agrees(w["roi"], lo["roi"]),
                    "sample_unit": unit, "lift": lift, "test": test,
                    "p_value": p, "q_value": math.nan, "conclusive": False,
                    "alpha": th.alpha, "power": th.power, "mde": th.min_detectable_effect,
                    "required_per_arm": need, "still_needed": math.nan,
                    "weeks_needed": weeks_to_settle(need, [w[den], lo[den]],
                                                    [w["days"], lo["days"]]),
                    "max_test_weeks": th.max_test_weeks,
                    "breakeven_roi": math.nan if breakeven_roi is None else float(breakeven_roi),
                    "text_key": "",
                })  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=_ITEM_TEST_COLUMNS)
    if out.empty:
        return out
    out["q_value"] = bh_qvalues(out["p_value"].to_numpy(dtype=float))
    out["conclusive"] = (out["q_value"] < th.alpha).fillna(False).astype(bool)
    smaller = np.minimum(out["winner_n"], out["loser_n"])
    out["still_needed"] = np.where(
        out["conclusive"], np.nan, np.maximum(out["required_per_arm"] - smaller, 0)
    )
    conclusive = (
        out["roi_agrees"]
        .map({True: "item_test_conclusive", False: "item_test_conclusive_roi_worse"})
        .fillna("item_test_conclusive_no_roi")
    )
    unsettled = (
        ~out["conclusive"]
        & (out["weeks_needed"] > out["max_test_weeks"])
        & out["breakeven_roi"].notna()
    )
    waiting = np.where(unsettled, "item_test_unsettled_", "item_test_inconclusive_")
    out["text_key"] = np.where(out["conclusive"], conclusive, waiting + out["metric"])
    return out


def _roi_agrees(winner_roi: float, loser_roi: float) -> bool | None:
    """Whether the rate winner's ROI is at least the loser's; None when either is undefined
    (no spend): a CTR or CVR winner is never called better when its ROI is worse."""
    if not (np.isfinite(winner_roi) and np.isfinite(loser_roi)):
        return None
    return bool(winner_roi >= loser_roi)


# --------------------------------------------------------------------------------------------
# 6. Promotion phases


def _segment_runs(
    period: Period, promotions: Mapping[str, Any] | None
) -> dict[str, list[tuple[dt.date, dt.date]]]:
    """Segment (:data:`jdpromo.periods.SEGMENTS`) → its runs of days in ``period``, in segment
    order. Without ``promotions``, the phases of a promotion period (``period.phases``)."""
    if promotions is None:
        runs = [(phase, a, b) for phase, (a, b) in (getattr(period, "phases", None) or {}).items()]
    else:
        runs = segments(period, promotions)
    by: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for seg, a, b in runs:
        by.setdefault(seg, []).append((a, b))
    return {seg: by[seg] for seg in SEGMENTS if seg in by}


def _only_days(frame: pd.DataFrame, runs: Sequence[tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """``frame`` with the date of every row outside ``runs`` blanked: those rows count nowhere
    (the channels they name are still listed)."""
    d = pd.to_datetime(frame["date"])
    keep = pd.Series(False, index=frame.index)
    for a, b in runs:
        keep |= (d >= _ts(a)) & (d <= _ts(b))
    return frame.assign(date=d.where(keep))


def phase_table(
    ad: pd.DataFrame | None,
    shop: pd.DataFrame | None,
    period: Period,
    *,
    by: str | None = None,
    promotions: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """日常 / 预热 / 爆发 / 返场 side by side for any period.

    Parameters
    ----------
    promotions
        The shop's promotions (``ShopParams.promotions``): the period is cut into
        :func:`jdpromo.periods.segments` — days in no phase are ``ordinary`` (日常). Without it,
        the phases of a promotion period (``period.phases``; no ordinary days).

    Returns
    -------
    DataFrame
        One row per segment present, in the order ordinary, warmup, peak, encore (× channel when
        ``by`` is set, e.g. ``"product_line"``): ``phase``, [``channel``], ``start`` and ``end``
        (first and last day of the segment in the period), ``days`` (its days; a segment may come
        in several runs, e.g. 日常 before and after a promotion), ad volumes (impressions, clicks,
        cost 元, carts, order_lines, presale_order_lines = 预售/定金 order lines, revenue 元),
        ``cost_per_cart`` (加购成本 = cost / carts, 元), ``roi``, ``ctr``, ``cvr``,
        ``cart_rate``, and from 经营概况 (only without ``by``) ``visitors``, ``cart_buyers``,
        ``buyers`` (日累计 of daily unique counts), ``gmv`` (元), ``conversion``, plus
        ``cost_per_day`` and ``gmv_per_day`` (元) so segments of different lengths compare.
        A segment without any ad row (e.g. days the exports do not reach yet) has NaN ad
        figures, not 0. Empty when the period has no segments (no promotions and no phases).
    """
    cols = ["phase", "start", "end", "days"]
    runs_by = _segment_runs(period, promotions)
    if not runs_by:
        return pd.DataFrame(columns=cols)
    recs = []
    for seg, runs in runs_by.items():
        a, b = min(r[0] for r in runs), max(r[1] for r in runs)
        span = Period(label=seg, kind="comparison", start=a, end=b)
        head = {"phase": seg, "start": a, "end": b, "days": sum((y - x).days + 1 for x, y in runs)}
        if ad is not None and len(ad):
            rows = _only_days(ad, runs)
            kp = (
                ad_kpis(rows, span, 1.0, by=by)
                if by
                else ad_kpis(rows.assign(_all=ALL), span, 1.0, by="_all")
            )
            covered = bool((kp["days"] > 0).any())  # no ad row in the segment: unknown, not 0
            for r in kp.to_dict("records"):
                rec = dict(head)
                if by:
                    rec["channel"] = r["channel"]
                for c in (
                    "impressions",
                    "clicks",
                    "cost",
                    "carts",
                    "order_lines",
                    "presale_order_lines",
                    "revenue",
                    "roi",
                    "ctr",
                    "cvr",
                    "cart_rate",
                ):
                    rec[c] = r[c] if covered else np.nan
                rec["cost_per_cart"] = ratio(rec["cost"], rec["carts"])
                recs.append(rec)
        else:
            recs.append(dict(head))
        if shop is not None and len(shop) and not by:
            rows = _only_days(shop, runs)
            if len(runs) > 1:  # a period-level row cannot cover runs with other days between
                rows = rows.loc[rows["date"].notna()]
            sums, _ = _shop_sums(rows, _ts(a), _ts(b))
            recs[-1].update(
                {
                    "visitors": sums["visitors"],
                    "cart_buyers": sums["cart_buyers"],
                    "buyers": sums["buyers"],
                    "gmv": sums["gmv"],
                    "conversion": ratio(sums["buyers"], sums["visitors"]),
                }
            )
    out = pd.DataFrame(recs)
    for money in ("cost", "gmv"):
        if money in out:
            out[f"{money}_per_day"] = ratio(out[money], out["days"].astype(float))
    if "cost_per_cart" in out:  # beside the carts it is computed from
        out.insert(out.columns.get_loc("carts") + 1, "cost_per_cart", out.pop("cost_per_cart"))
    return out


def warmup_to_peak(
    ad: pd.DataFrame | None,
    shop: pd.DataFrame | None,
    period: Period,
    *,
    promotions: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """预热 carts against 爆发 orders — an *approximation* of how warm-up carts convert.

    The exports do not follow a cart to its order: this divides the peak's orders by the
    warm-up's carts, so it mixes people who carted and bought with people who only did one of
    the two. Read it as a ratio of two volumes, compared between promotions, not as a rate.

    Returns
    -------
    DataFrame
        Rows ``source`` = ``ad`` (carts → order_lines of 京准通, attributed) and ``shop`` (日累计
        cart_buyers → buyers of 经营概况): ``warmup_carts``, ``peak_orders``,
        ``peak_per_warmup_cart`` (ratio), ``warmup_presale_order_lines`` (ad, 定金 order lines
        in 预热 when exported), ``approximation`` (always True) and ``note_key``. Empty unless the
        period holds both 预热 and 爆发 days (its segments with ``promotions``, as in
        :func:`phase_table`; else ``period.phases``).
    """
    cols = [
        "source",
        "warmup_carts",
        "peak_orders",
        "peak_per_warmup_cart",
        "warmup_presale_order_lines",
        "approximation",
        "note_key",
    ]
    present = _segment_runs(period, promotions)
    if "warmup" not in present or "peak" not in present:
        return pd.DataFrame(columns=cols)
    table = phase_table(ad, shop, period, promotions=promotions).set_index("phase")
    recs = []
    if ad is not None and len(ad):
        recs.append(
            {
                "source": "ad",
                "warmup_carts": table.at["warmup", "carts"],
                "peak_orders": table.at["peak", "order_lines"],
                "warmup_presale_order_lines": table.at["warmup", "presale_order_lines"],
            }
        )
    if shop is not None and len(shop):
        recs.append(
            {
                "source": "shop",
                "warmup_carts": table.at["warmup", "cart_buyers"],
                "peak_orders": table.at["peak", "buyers"],
                "warmup_presale_order_lines": np.nan,
            }
        )
    out = pd.DataFrame(recs, columns=cols)
    out["peak_per_warmup_cart"] = ratio(
        out["peak_orders"].astype(float), out["warmup_carts"].astype(float)
    )
    out["approximation"] = True
    out["note_key"] = "warmup_to_peak_note"
    return out


# --------------------------------------------------------------------------------------------
# 7. Budget


def _month_span(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def _round_to_total(
    values: np.ndarray, total: int, lo: np.ndarray | None = None, hi: np.ndarray | None = None
) -> np.ndarray:
    """Whole yuan summing exactly to ``total``: floor, the residue to the largest remainders.

    With ``lo``/``hi``, a line the extra yuan would take over ``hi`` (or the missing yuan under
    ``lo``) comes last, so integer limits hold whenever the total allows it.
    """
    values = np.asarray(values, dtype=float)
    floor = np.floor(values)
    remainder = values - floor
    residue = int(round(total - floor.sum()))
    out = floor.copy()
    if residue > 0:
        no_room = np.zeros(len(values), bool) if hi is None else floor + 1 > np.asarray(hi) + 1e-9
        order = np.lexsort((-remainder, no_room))
        out[order[:residue]] += 1
    elif residue < 0:
        no_room = np.zeros(len(values), bool) if lo is None else floor - 1 < np.asarray(lo) - 1e-9
        order = np.lexsort((remainder, no_room))
        out[order[:-residue]] -= 1
    return out.astype(np.int64)


def _fit_within(desired: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> np.ndarray:
    """``clip(s · desired, lo, hi)`` with ``s`` chosen (bisection) so the sum is ``total``."""
    if desired.sum() <= 0:
        return np.clip(lo, lo, hi)
    a, b = 0.0, 1.0
    while np.clip(b * desired, lo, hi).sum() < total and b < 1e12:
        b *= 2
    for _ in range(200):
        mid = (a + b) / 2
        if np.clip(mid * desired, lo, hi).sum() < total:
            a = mid
        else:
            b = mid
    x = np.clip(b * desired, lo, hi)
    # exact sum: spread the tiny bisection error over the lines not at a limit
    free = (x > lo) & (x < hi)
    if free.any():
        x[free] += (total - x.sum()) * x[free] / x[free].sum()
    return x


def _sum_between(
    frame: pd.DataFrame, a: dt.date, b: dt.date, col: str, by: str = "channel"
) -> pd.Series:
    sub = _in_span(frame, _ts(a), _ts(b))
    return sub.groupby(by, sort=False)[col].sum()


def _covered(history: pd.DataFrame, span: tuple[dt.date, dt.date]) -> bool:
    return _ts(span[0]) >= history["date"].min() and _ts(span[1]) <= history["date"].max()


def _daily_level(history: pd.DataFrame, span: tuple[dt.date, dt.date], col: str) -> float:
    """The shop's ``col`` per day over ``span`` (all lines)."""
    days = (span[1] - span[0]).days + 1
    return float(_in_span(history, _ts(span[0]), _ts(span[1]))[col].sum()) / days


def _shop_season_factor(
    history: pd.DataFrame,
    next_span: tuple[dt.date, dt.date],
    ref_span: tuple[dt.date, dt.date],
    col: str = "cost",
) -> float:
    """Shop-wide 淡旺季 factor: last year's daily ``col`` over the next period's dates ÷ over the
    reference dates; NaN when the history does not cover both last-year spans or the reference
    had none."""
    ly_next = (year_back(next_span[0]), year_back(next_span[1]))
    ly_ref = (year_back(ref_span[0]), year_back(ref_span[1]))
    if not (_covered(history, ly_next) and _covered(history, ly_ref)):
        return math.nan
    return ratio(_daily_level(history, ly_next, col), _daily_level(history, ly_ref, col))


def _season(
    history: pd.DataFrame,
    next_span: tuple[dt.date, dt.date],
    ref_span: tuple[dt.date, dt.date],
    col: str,
    universe: pd.Index,
) -> tuple[pd.Series, pd.Series, float, float]:
    """淡旺季 factor per line: last year's daily ``col`` in the next period's dates over last
    year's daily ``col`` in the reference month's dates; per line when the line has data in both,
    else shop-wide, else 1. Also returns the shop-wide season indices (daily level in the
    last-year month / daily average of that calendar year) of the next and reference periods."""
    first, last = history["date"].min(), history["date"].max()
    ly_next = (year_back(next_span[0]), year_back(next_span[1]))
    ly_ref = (year_back(ref_span[0]), year_back(ref_span[1]))

    def line_level(span) -> pd.Series:
        days = (span[1] - span[0]).days + 1
        return _sum_between(history, *span, col).reindex(universe, fill_value=0.0) / days

    def index(span) -> float:
        if not _covered(history, span):
            return math.nan
        y0, y1 = (
            max(_ts(dt.date(span[0].year, 1, 1)), first),
            min(_ts(dt.date(span[0].year, 12, 31)), last),
        )
        year_days = (y1 - y0).days + 1
        year = float(_in_span(history, y0, y1)[col].sum()) / year_days
        return ratio(_daily_level(history, span, col), year)

    factor = pd.Series(1.0, index=universe)
    basis = pd.Series("none", index=universe, dtype=object)
    if _covered(history, ly_next) and _covered(history, ly_ref):
        shop = _shop_season_factor(history, next_span, ref_span, col)
        nxt, ref = line_level(ly_next), line_level(ly_ref)
        line_ok = (nxt > 0) & (ref > 0)
        if np.isfinite(shop):
            factor[:] = shop
            basis[:] = "shop"
        factor[line_ok] = (nxt[line_ok] / ref[line_ok]).astype(float)
        basis[line_ok] = "line"
    return factor, basis, index(ly_next), index(ly_ref)


def budget_total(
    kpis: pd.DataFrame,
    given: float | None = None,
    *,
    params: ShopParams | None = None,
    history: pd.DataFrame | None = None,
    period: Period | None = None,
    period_next: Period | None = None,
    previous: Period | None = None,
) -> tuple[float, str]:
    """Next period's total ad budget (元) and the text key of the rule that set it.

    1. ``given`` (the notebook's ``budget_total`` parameter) when set:
       ``ch_budget_source_param``.
    2. Else, when the shop has a monthly ad-spend target (``params.targets["cost"]``, 元 per
       month) and ``history`` (``ad_daily``), ``period`` (this one) and ``period_next`` are
       passed: this period's daily ad spend × the next period's days × the shop-wide season
       factor (last year's daily ad spend over the next period's dates ÷ over this period's
       dates; 1 when the history does not hold last year) — ``ch_budget_source_season`` —
       capped at the cost target (scaled by days when the next period is not a calendar month)
       — ``ch_budget_source_cost_target``.
    3. Else this period's ad spend: the sum of ``cost`` over the ad-lens rows of
       :func:`channel_kpis` (``ch_budget_source_last``).

    In rule 2 a promotion's spend does not carry over: when this period overlaps promotion
    phases (``params.promotions``), the daily spend (and the season factor's reference dates)
    are those of its ordinary (日常) days, or of ``previous`` (the 环比 period: the ordinary
    days before a promotion) when it has none (``ch_budget_source_season_ordinary``). When the
    next period overlaps a promotion, the monthly target of an ordinary month does not cap it
    (``ch_budget_source_season_promotion``): a promotion budget is the shop's to set
    (``budget_total``).
    """
    if given is not None:
        return float(given), "ch_budget_source_param"
    spend = float(kpis.loc[kpis["lens"] == "ad", "cost"].sum())
    target = None if params is None else params.targets.get("cost")
    if target is None or history is None or period is None or period_next is None:
        return spend, "ch_budget_source_last"
    hist = _dated(_prepare_ad(history))
    source, ref = "ch_budget_source_season", (period.start, period.end)
    runs = segments(period, params.promotions)
    if any(seg != "ordinary" for seg, _, _ in runs):
        ordinary = [(a, b) for seg, a, b in runs if seg == "ordinary"]
        if not ordinary and previous is not None:
            ordinary = [(previous.start, previous.end)]
        days = sum((b - a).days + 1 for a, b in ordinary)
        if days:
            spend = sum(float(_sum_between(hist, a, b, "cost").sum()) for a, b in ordinary)
            spend = spend / days * period.days
            source = "ch_budget_source_season_ordinary"
            ref = max(ordinary, key=lambda run: (run[1] - run[0]).days)
    factor = _shop_season_factor(hist, (period_next.start, period_next.end), ref)
    seasonal = spend / period.days * period_next.days * (factor if np.isfinite(factor) else 1.0)
    if phase_spans(period_next, params.promotions):
        # an ordinary month's target is no cap for a month with a promotion in it
        return seasonal, "ch_budget_source_season_promotion"
    month = _month_span(period_next.start)
    is_month = (period_next.start, period_next.end) == month
    cap = float(target) * (1.0 if is_month else period_next.days / ((month[1] - month[0]).days + 1))
    if seasonal > cap:
        return cap, "ch_budget_source_cost_target"
    return seasonal, source


def _held_lines(verdicts: pd.DataFrame | None, universe: pd.Index) -> pd.Series:
    """Per line of ``universe``: whether a campaign of it waits for a promotion to settle
    (verdict ``hold``). Such a line's budget is not cut for its lookback ROI."""
    out = pd.Series(False, index=universe)
    if verdicts is None or verdicts.empty:
        return out
    held = verdicts.loc[verdicts["verdict"].eq("hold"), "line"].astype(str)
    return out | out.index.isin(held)


def _paused_campaigns(verdicts: pd.DataFrame | None, universe: pd.Index) -> pd.DataFrame:
    """Per line of ``universe``, from ``campaign_verdicts``: ``paused_cost_share`` (cost of the
    campaigns with verdict ``pause`` ÷ the line's cost; 0 when none is paused, NaN when the line
    cost nothing), ``paused_campaigns`` (their names, comma-joined) and ``all_paused``."""
    out = pd.DataFrame(
        {"paused_cost_share": 0.0, "paused_campaigns": "", "all_paused": False}, index=universe
    )
    if verdicts is None or verdicts.empty:
        return out
    v = verdicts.assign(
        line=verdicts["line"].astype("string").fillna(UNLABELLED).astype(object),
        cost=pd.to_numeric(verdicts["cost"], errors="coerce").fillna(0.0),
        paused=verdicts["verdict"].eq("pause"),
    )
    for line, rows in v.groupby("line", sort=False):
        if line not in out.index or not rows["paused"].any():
            continue
        paused = rows.loc[rows["paused"]]
        out.at[line, "paused_cost_share"] = ratio(paused["cost"].sum(), rows["cost"].sum())
        out.at[line, "paused_campaigns"] = ", ".join(pd.unique(paused["campaign"].astype(str)))
        out.at[line, "all_paused"] = bool(rows["paused"].all())
    return out.astype({"paused_cost_share": float, "all_paused": bool})


def _limits(
    base: np.ndarray, below: np.ndarray, total: int, max_change: float
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Lower and upper limit per line (元) and whether they had to be widened for ``total``.

    Whole yuan within base × (1 ± max_change); a line below 保本 (``below``) at most its base.
    When the total lies outside, the limits are scaled by total ÷ Σ base; a line below 保本 still
    stays at most at its base, the others take what that leaves (all lines only when every line
    is below 保本).
    """
    lo = np.maximum(np.ceil(base * (1 - max_change) - 1e-9), 0.0)
    hi = np.floor(np.where(below, base, base * (1 + max_change)) + 1e-9)
    if lo.sum() <= total <= hi.sum():
        return lo, hi, False
    f = total / base.sum()
    lo, hi = base * (1 - max_change) * f, base * (1 + max_change) * f
    hi = np.where(below, np.minimum(hi, base), hi)
    lo = np.minimum(lo, hi)
    short = total - hi.sum()
    if short > 0:
        grow = ~below & (base > 0)
        if not grow.any():
            grow = base > 0
        hi = hi + np.where(grow, short * hi / hi[grow].sum(), 0.0)
    return lo, hi, True


def _budget_base(ad_history: pd.DataFrame, period_next: Period, by: str, verdicts):
    """The base of :func:`budget_plan`: history by ``by``, its lines, the reference month,
    each line's spend in it, that spend scaled to the next period, the paused campaigns and
    the base without them."""
    hist = _dated(_prepare_ad(ad_history, by))
    universe = _order_universe(hist)
    ref_start, ref_end = _month_span(period_next.start.replace(day=1) - dt.timedelta(days=1))
    ref_days = (ref_end - ref_start).days + 1
    ref_cost = _sum_between(hist, ref_start, ref_end, "cost").reindex(universe, fill_value=0.0)
    base = ref_cost * period_next.days / ref_days
    paused = _paused_campaigns(verdicts, universe)
    keep = (1.0 - paused["paused_cost_share"].fillna(0.0)).where(~paused["all_paused"], 0.0)
    active = base * keep
    return hist, universe, ref_start, ref_end, ref_cost, base, paused, active


def _budget_block(ref_cost: pd.Series, active: pd.Series) -> str | None:
    if ref_cost.sum() <= 0:
        return "ch_budget_no_spend"
    if active.sum() <= 0:
        return "ch_budget_all_paused"
    return None


def budget_blocker(
    ad_history: pd.DataFrame,
    period_next: Period,
    *,
    verdicts: pd.DataFrame | None = None,
    by: str = "product_line",
) -> tuple[str, dict] | None:
    """Why :func:`budget_plan` cannot plan ``period_next``, as a text key and its fields, or
    None when it can: ``ch_budget_no_spend`` (no ad spend in the reference month, the calendar
    month before the next period — e.g. the exports end earlier) or ``ch_budget_all_paused``
    (every line that spent then has all its spend in campaigns whose verdict is pause)."""
    _, _, ref_start, _, ref_cost, _, _, active = _budget_base(ad_history, period_next, by, verdicts)
    key = _budget_block(ref_cost, active)
    return None if key is None else (key, {"month": f"{ref_start:%Y-%m}"})


def budget_plan(
    ad_history: pd.DataFrame,
    total: float,
    period_next: Period,
    params: ShopParams,
    *,
    max_change: float = 0.3,
    lookback_days: int = 90,
    season_by: str = "cost",
    by: str = "product_line",
    verdicts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Next period's budget per line by a stated simple rule; rows sum exactly to ``total``.

    Rule
    ----
    1. Base: each line's spend in the reference month (the calendar month before the next
       period starts), scaled to the next period's number of days (``base``). With ``verdicts``
       (``campaign_verdicts``: ``line``, ``campaign``, ``cost``, ``verdict`` over the report
       period), the share of the line's cost spent by campaigns whose verdict is ``pause`` is
       taken out (``active_base`` = base × (1 − ``paused_cost_share``)); a line whose every
       campaign is paused gets 0. Other verdicts (keep, grow, cut, hold) leave the base alone.
    2. 淡旺季: times the season factor = last year's daily ``season_by`` (``cost`` or
       ``revenue``) over the next period's dates ÷ the same over the reference month's dates —
       per line when the line had both last year, else for the whole shop, else 1
       (``season_basis`` = ``line`` / ``shop`` / ``none``). Equivalent to the ratio of the two
       months' season indices (last year's month ÷ that year's average).
    3. Tilt toward lines above target: times ROI ÷ the target ROI (``params.roi_target``:
       ``targets.roi``, else ``target_roi``, else 保本ROI), clipped to 1 ± ``max_change``; ROI
       over the ``lookback_days`` before the next period (ratio of sums, column
       ``roi_<lookback_days>d``); a line without spend keeps factor 1. A line whose ROI is below
       保本ROI (``below_breakeven``) has a tilt of at most 1. A line with a campaign waiting for
       a promotion to settle (verdict ``hold``: ``held``) has a tilt of at least 1: it is not
       cut for its ROI before the promotion's verdict — but when it is below 保本 it still gets
       no more than its base (step 4): neither cut nor increased, whatever the season factor.
    4. Limits: each line stays within its active base × (1 ± ``max_change``), in whole yuan —
       season and tilt included, so ``change_pct`` never leaves ± ``max_change`` except for a
       line with paused campaigns — and a line below 保本 at most at its active base. The
       seasonal, tilted amounts are scaled by one common factor to reach ``total``, so money
       freed by paused campaigns goes to the other lines within their limits. When ``total``
       lies outside what the limits allow, they are widened in proportion (see
       :func:`_limits`) and ``limits_rescaled`` is True.
    5. Rounded to whole yuan, the residue given to the largest remainders with room below the
       upper limit: the rows sum to ``round(total)``.

    A line with no spend in the reference month gets 0 (the rule has nothing to scale).

    Returns
    -------
    DataFrame
        One row per line (``channel``): ``ref_cost`` (元, reference month), ``base`` (元, scaled
        to the next period), ``paused_cost_share`` (fraction of the line's cost removed),
        ``paused_campaigns`` (comma-joined names, "" if none), ``active_base`` (元),
        ``season_factor``, ``season_basis``, ``seasonal_base`` (元, active base × season factor),
        ``roi_<lookback_days>d`` (e.g. ``roi_90d``), ``target_roi``, ``target_roi_source``
        (``targets.roi`` / ``target_roi`` / ``breakeven``), ``breakeven_roi``,
        ``below_breakeven``, ``tilt``, ``lower``/``upper`` (元), ``budget`` (whole 元),
        ``change_pct`` (vs ``base``, i.e. last month's daily spend, %), ``share``,
        ``limits_rescaled``; ``attrs`` hold ``ref_start``, ``ref_end``, ``season_index_next``,
        ``season_index_ref``, ``rule_key`` (``budget_rule``), ``max_change``, ``season_by``,
        ``lookback_days`` and ``roi_column``.

    Raises
    ------
    ValueError
        When ``total`` is negative, no line spent in the reference month, every line with spend
        is paused, or ``verdicts`` are passed for a plan that is not by ``product_line``.
    """
    if total < 0:
        raise ValueError("total budget must be >= 0 元")
    if verdicts is not None and by != "product_line":
        raise ValueError("campaign verdicts apply to a plan by product_line")
    total_i = int(round(total))
    hist, universe, ref_start, ref_end, ref_cost, base, paused, active = _budget_base(
        ad_history, period_next, by, verdicts
    )
    blocked = _budget_block(ref_cost, active)
    if blocked == "ch_budget_no_spend":
        raise ValueError(
            f"no ad spend in the reference month {ref_start:%Y-%m}: nothing to plan from"
        )
    if blocked == "ch_budget_all_paused":
        raise ValueError("every line that spent in the reference month is paused: nothing to fund")
    col = {"cost": "cost", "revenue": "revenue"}[season_by]
    season, season_basis, idx_next, idx_ref = _season(
        hist, (period_next.start, period_next.end), (ref_start, ref_end), col, universe
    )
    look_start = period_next.start - dt.timedelta(days=lookback_days)
    look_end = period_next.start - dt.timedelta(days=1)
    roi = ratio(
        _sum_between(hist, look_start, look_end, "revenue").reindex(universe),
        _sum_between(hist, look_start, look_end, "cost").reindex(universe),
    )
    target, target_source = params.roi_target
    breakeven = params.breakeven_roi
    held = _held_lines(verdicts, universe)
    # below 保本: no more than last month, season included — a pending promotion only spares
    # the line the ROI cut (tilt below 1), it earns it no increase
    below = roi < breakeven
    tilt = (roi / target).clip(1 - max_change, 1 + max_change).fillna(1.0)
    tilt = tilt.where(~below, tilt.clip(upper=1.0)).where(~held, tilt.clip(lower=1.0))
    below = below.to_numpy()
    lo, hi, rescaled = _limits(active.to_numpy(float), below, total_i, max_change)
    desired = (active * season * tilt).to_numpy(float)
    budget = _round_to_total(_fit_within(desired, lo, hi, total_i), total_i, lo, hi)
    roi_column = f"roi_{lookback_days}d"
    out = pd.DataFrame({
        "channel": universe, "ref_cost": ref_cost.to_numpy(), "base": base.to_numpy(),
        "paused_cost_share": paused["paused_cost_share"].to_numpy(float),
        "paused_campaigns": paused["paused_campaigns"].to_numpy(),
        "active_base": active.to_numpy(), "season_factor": season.to_numpy(),
        "season_basis": season_basis.to_numpy(), "seasonal_base": (active * season).to_numpy(),
        roi_column: np.asarray(roi, dtype=float), "target_roi": target,
        "target_roi_source": target_source, "breakeven_roi": breakeven,
        "below_breakeven": below, "held": held.to_numpy(), "tilt": tilt.to_numpy(),
        "lower": lo, "upper": hi,
        "budget": budget,
    })  # fmt: skip
    out["change_pct"] = change_pct(out["budget"].astype(float), out["base"])
    out["share"] = ratio(
        out["budget"].astype(float), pd.Series(float(max(total_i, 0)), index=out.index)
    )
    out["limits_rescaled"] = rescaled
    out = out.sort_values("budget", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update(
        {
            "ref_start": ref_start,
            "ref_end": ref_end,
            "season_index_next": idx_next,
            "season_index_ref": idx_ref,
            "rule_key": "budget_rule",
            "max_change": max_change,
            "season_by": season_by,
            "lookback_days": lookback_days,
            "roi_column": roi_column,
        }
    )
    return out


def fit_response_curve(
    cost: Sequence[float] | np.ndarray, revenue: Sequence[float] | np.ndarray
) -> tuple[float, float]:
    """Fit revenue = a · cost^b (元 per day) with 0 < b < 1 by least squares on daily values.

    Days without spend are left out. The start values come from a log-log fit of the days with
    revenue; b is bounded to [0.01, 0.99] (diminishing returns). Returns ``(nan, nan)`` with
    fewer than 5 spending days.
    """
    from scipy.optimize import curve_fit

    x, y = np.asarray(cost, dtype=float), np.asarray(revenue, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y) & (x > 0)
    x, y = x[keep], np.maximum(y[keep], 0)
    if len(x) < 5 or y.sum() <= 0:
        return math.nan, math.nan
    pos = y > 0
    if pos.sum() >= 3 and np.ptp(np.log(x[pos])) > 0:
        b0 = np.polyfit(np.log(x[pos]), np.log(y[pos]), 1)[0]
        b0 = float(np.clip(b0, 0.05, 0.95))
    else:
        b0 = 0.5
    a0 = float(y.sum() / np.sum(x**b0))
    scale = float(np.median(x))  # fit a·(x/scale)^b: well-conditioned whatever the spend level
    try:
        (a_s, b), _ = curve_fit(
            lambda v, a, b: a * (v / scale) ** b,
            x,
            y,
            p0=(a0 * scale**b0, b0),
            bounds=([1e-12, 0.01], [np.inf, 0.99]),
            maxfev=10_000,
        )
    except (RuntimeError, ValueError):
        return a0, b0
    return float(a_s / scale**b), float(b)


def _equal_marginal(
    a: np.ndarray,
    b: np.ndarray,
    days: int,
    total: float,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
) -> np.ndarray:
    """Period spend per line with equal marginal ROI: daily x with a·b·x^(b−1) = λ for all."""

    def spend(lam: float) -> np.ndarray:
        log_x = (np.log(a * b) - math.log(lam)) / (1 - b)
        x = np.exp(np.clip(log_x, -700, 700)) * days
        if lo is not None and hi is not None:
            x = np.clip(x, lo, hi)
        return x

    lo_l, hi_l = -60.0, 60.0  # bisection on log λ
    for _ in range(300):
        mid = (lo_l + hi_l) / 2
        if spend(math.exp(mid)).sum() > total:
            lo_l = mid
        else:
            hi_l = mid
    x = spend(math.exp(hi_l))
    free = x > 0 if lo is None else (x > lo) & (x < hi)
    if free.any() and x[free].sum() > 0:
        x[free] += (total - x.sum()) * x[free] / x[free].sum()
    return x


@dataclass(frozen=True)
class ResponseCurvePlan:
    """A budget allocated by a diminishing-returns model, with its holdout backtest.

    Attributes
    ----------
    plan
        Per line (``channel``): ``curve_a``, ``curve_b`` (revenue = a · cost^b, daily 元),
        ``fitted``
        (whether the line was fitted; unfitted lines keep ``rule_budget``), ``fit_days``,
        ``b_at_bound`` (b at 0.01 or 0.99: the data show no diminishing returns), ``rule_budget``
        (:func:`budget_plan`), ``budget`` (whole 元; sums to the total less ``unallocated``),
        ``expected_revenue`` (元 over the period at the planned daily spend) and
        ``marginal_roi`` (元 of revenue per extra 元 at the planned spend; never below 保本ROI
        for a fitted line).
    backtest
        Per line: ``holdout_cost``, ``actual_revenue``, ``predicted_curve``,
        ``predicted_constant_roi`` (元) and the absolute errors of both.
    error_curve, error_constant_roi
        Weighted absolute percentage errors over the lines (Σ|error| / Σ actual revenue, fraction)
        of the curve model and of the simple rule's implicit assumption (ROI stays what it was
        over ``lookback_days`` before the holdout).
    holdout
        First and last day of the holdout month.
    show
        True only when the curve's backtest error is below the constant-ROI error: otherwise
        the plan must not be shown.
    label_key
        Text key labelling the plan as an experiment.
    unallocated
        元 of the total left unallocated because every fitted line would earn less than 保本ROI
        at the margin with more.
    breakeven_roi
        The 保本ROI the marginal ROIs were held to.
    promotion_next
        The next period holds promotion days: a curve fitted on the months before cannot
        foresee a peak's demand, so the plan is not shown (``show`` False) whatever its backtest.
    """

    plan: pd.DataFrame
    backtest: pd.DataFrame
    error_curve: float
    error_constant_roi: float
    holdout: tuple[dt.date, dt.date]
    show: bool
    label_key: str = "response_curve_label"
    unallocated: float = 0.0
    breakeven_roi: float = math.nan
    promotion_next: bool = False


def response_curve_plan(
    ad_history: pd.DataFrame,
    total: float,
    period_next: Period,
    params: ShopParams,
    *,
    lookback_days: int = 90,
    min_days: int = 28,
    max_change: float | None = 0.3,
    by: str = "product_line",
    verdicts: pd.DataFrame | None = None,
) -> ResponseCurvePlan:
    """Experiment: revenue = a · cost^b per line, budget split by equal marginal ROI.

    Backtest: the model is fitted on the days before the last full calendar month of
    ``ad_history`` and predicts that month's revenue per line from its actual daily spend
    (Σ a · cost_d^b); the constant-ROI assumption of :func:`budget_plan` predicts ROI of the
    ``lookback_days`` before the month × the month's cost. ``show`` is True only when the curve's
    weighted absolute percentage error is lower.

    Plan: refitted on the whole history; the daily spend x per line solves a · b · x^(b−1) = λ
    (equal marginal ROI) with the period's total equal to ``total`` minus what unfitted lines
    (fewer than ``min_days`` spending days) keep from :func:`budget_plan` (which gets
    ``verdicts``). Each line stays within the same limits as the rule (its base without paused
    campaigns × (1 ± ``max_change``), widened like the rule's when the total needs it);
    ``max_change=None`` lifts the limits, which lets a line whose fitted b sits at its bound
    (``b_at_bound``: no diminishing returns in the data) take almost everything — except a line
    whose every campaign is paused, which stays at 0. No fitted line is funded beyond the spend
    at which its marginal ROI falls to 保本ROI (``params.breakeven_roi``): what no line can take
    at or above 保本 stays ``unallocated``. Rounded to whole yuan summing to ``round(total)``
    less the unallocated yuan. Seasonality enters only through the limits.
    """
    hist = _dated(_prepare_ad(ad_history, by))
    last = hist["date"].max().date()
    h_start, h_end = _month_span(last)
    if last != h_end:
        h_start, h_end = _month_span(h_start - dt.timedelta(days=1))
    daily = hist.groupby(["channel", "date"], sort=True)[["cost", "revenue"]].sum()
    universe = _order_universe(hist)

    def fit(until: dt.date | None) -> pd.DataFrame:
        recs = []
        for ch in universe:
            d = daily.xs(ch, level="channel") if ch in daily.index.get_level_values(0) else None
            if d is not None and until is not None:
                d = d.loc[d.index < _ts(until)]
            n = 0 if d is None else int((d["cost"] > 0).sum())
            a, b = (
                fit_response_curve(d["cost"], d["revenue"])
                if n >= min_days
                else (math.nan, math.nan)
            )
            recs.append(
                {
                    "channel": ch,
                    "curve_a": a,
                    "curve_b": b,
                    "fitted": bool(np.isfinite(a)),
                    "fit_days": n,
                }
            )
        return pd.DataFrame(recs).set_index("channel")

    # backtest
    train = fit(h_start)
    look = (h_start - dt.timedelta(days=lookback_days), h_start - dt.timedelta(days=1))
    roi_train = ratio(
        _sum_between(hist, *look, "revenue").reindex(universe),
        _sum_between(hist, *look, "cost").reindex(universe),
    )
    hold = _in_span(hist, _ts(h_start), _ts(h_end))
    bt = []
    for ch in universe:
        h = hold.loc[hold["channel"] == ch].groupby("date")[["cost", "revenue"]].sum()
        cost, actual = float(h["cost"].sum()), float(h["revenue"].sum())
        a, b = train.at[ch, "curve_a"], train.at[ch, "curve_b"]
        pred_c = float((a * h["cost"].clip(lower=0) ** b).sum()) if np.isfinite(a) else math.nan
        r0 = roi_train.get(ch, math.nan)
        pred_r = cost * r0 if np.isfinite(r0) else math.nan
        bt.append(
            {
                "channel": ch,
                "holdout_cost": cost,
                "actual_revenue": actual,
                "predicted_curve": pred_c,
                "predicted_constant_roi": pred_r,
            }
        )
    backtest = pd.DataFrame(bt)
    backtest["abs_error_curve"] = (backtest["predicted_curve"] - backtest["actual_revenue"]).abs()
    backtest["abs_error_constant_roi"] = (
        backtest["predicted_constant_roi"] - backtest["actual_revenue"]
    ).abs()
    both = backtest.dropna(subset=["predicted_curve", "predicted_constant_roi"])
    actual_sum = both["actual_revenue"].sum()
    err_c = ratio(both["abs_error_curve"].sum(), actual_sum)
    err_r = ratio(both["abs_error_constant_roi"].sum(), actual_sum)
    show = bool(np.isfinite(err_c) and np.isfinite(err_r) and err_c < err_r)
    promotion_next = bool(phase_spans(period_next, params.promotions))

    # plan
    rule = budget_plan(
        ad_history,
        total,
        period_next,
        params,
        by=by,
        max_change=0.3 if max_change is None else max_change,
        lookback_days=lookback_days,
        verdicts=verdicts,
    ).set_index("channel")
    full = fit(None)
    full["b_at_bound"] = (full["curve_b"] <= 0.0101) | (full["curve_b"] >= 0.9899)
    rule_cols = rule[["budget", "lower", "upper", "active_base"]]
    plan = full.join(rule_cols.rename(columns={"budget": "rule_budget"}))
    total_i = int(round(total))
    breakeven = params.breakeven_roi
    fitted = plan["fitted"].to_numpy()
    fixed = plan.loc[~plan["fitted"], "rule_budget"].sum()
    alloc = plan["rule_budget"].astype(float).to_numpy().copy()
    upper = alloc.copy()
    if fitted.any():
        a = plan.loc[fitted, "curve_a"].to_numpy(float)
        b = plan.loc[fitted, "curve_b"].to_numpy(float)
        if max_change is None:
            lo = np.zeros(len(a))
            hi = np.where(plan.loc[fitted, "active_base"] > 0, np.inf, 0.0)
        else:
            lo = plan.loc[fitted, "lower"].to_numpy(float)
            hi = plan.loc[fitted, "upper"].to_numpy(float)
        # whole yuan up to the spend at which the marginal ROI a·b·x^(b−1) falls to 保本ROI
        log_x = (np.log(a * b) - math.log(breakeven)) / (1 - b)
        hi = np.floor(np.minimum(hi, np.exp(np.clip(log_x, -700, 700)) * period_next.days))
        lo = np.minimum(lo, hi)
        alloc[fitted] = _equal_marginal(a, b, period_next.days, max(total_i - fixed, 0), lo, hi)
        upper[fitted] = hi
    spent = min(total_i, int(np.floor(alloc.sum() + 1e-6)))
    plan["budget"] = _round_to_total(alloc, spent, hi=upper)
    x = plan["budget"] / period_next.days
    ca, cb = plan["curve_a"], plan["curve_b"]
    plan["expected_revenue"] = np.where(plan["fitted"], ca * x**cb * period_next.days, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        plan["marginal_roi"] = np.where(plan["fitted"] & (x > 0), ca * cb * x ** (cb - 1), np.nan)
    plan = plan.drop(columns=["lower", "upper", "active_base"]).reset_index()
    return ResponseCurvePlan(
        plan=plan,
        backtest=backtest,
        error_curve=float(err_c),
        error_constant_roi=float(err_r),
        holdout=(h_start, h_end),
        show=show and not promotion_next,
        unallocated=float(total_i - spent),
        breakeven_roi=breakeven,
        promotion_next=promotion_next,
    )


# --------------------------------------------------------------------------------------------
# 8. Explorer


_GROUPS = ("day", "week", "month", "channel")


def explore(
    frame: pd.DataFrame,
    lens: str,
    channels: Sequence[str] | None,
    metric: str,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    group_by: str | Sequence[str] = "day",
    *,
    level: int = 1,
) -> pd.DataFrame:
    """The aggregation behind the channel explorer widget.

    Parameters
    ----------
    frame
        ``ad_daily`` (``lens="ad"``, channels = product lines), ``traffic_daily``
        (``"traffic"``, channels = sources at ``level``) or ``shop_daily`` (``"shop"``).
        Daily rows only.
    channels
        Channels to keep; ``None`` or empty keeps all.
    metric
        A volume (summed) or a ratio of the lens (:data:`~jdpromo.metrics.AD_RATIOS`,
        :data:`TRAFFIC_RATIOS`, shop funnel rates), computed as a ratio of sums per group.
    start, end
        Inclusive dates; ``None`` leaves that side open.
    group_by
        One or more of ``day``, ``week`` (ISO week, labelled by its Monday), ``month`` (labelled
        by its first day), ``channel``.

    Returns
    -------
    DataFrame
        The group columns, the numerator and denominator columns summed, and ``metric``.
        Traffic and shop visitor figures summed over days are 日累计. Grouped by week or month:
        ``days`` with data and ``partial`` (a week or month the dates or data cut short).
    """
    rows, ratios, volumes, _ = _lens_setup(_dated(frame), lens, level, None)
    num, den, scale = _metric_parts(metric, ratios, volumes)
    groups = [group_by] if isinstance(group_by, str) else list(group_by)
    bad = [g for g in groups if g not in _GROUPS]
    if bad:
        raise ValueError(f"group_by must be among {_GROUPS}, not {bad}")
    if channels:
        rows = rows.loc[rows["channel"].isin(list(channels))]
    if start is not None:
        rows = rows.loc[rows["date"] >= _ts(start)]
    if end is not None:
        rows = rows.loc[rows["date"] <= _ts(end)]
    rows = rows.copy()
    rows["day"] = rows["date"]
    rows["week"] = rows["date"] - pd.to_timedelta(rows["date"].dt.day_of_week, unit="D")
    rows["month"] = rows["date"].dt.to_period("M").dt.start_time
    cols = [c for c in (num, den) if c]
    if not groups:
        out = rows[cols].sum(min_count=0).to_frame().T
    else:
        out = rows.groupby(groups, sort=True)[cols].sum(min_count=0).reset_index()
    if den is not None:
        out[metric] = ratio(out[num], out[den], scale)
    time = [g for g in groups if g in ("week", "month")]
    if time:
        out = _mark_partial(out, rows, time[0])
    return out


def _mark_partial(out: pd.DataFrame, rows: pd.DataFrame, unit: str) -> pd.DataFrame:
    """``days`` (days with data in each week or month, over all channels shown) and
    ``partial`` (fewer than the week's 7 or the month's days): a partial week's volumes are not
    comparable with a whole week's."""
    days = rows.groupby(unit)["date"].nunique()
    out = out.copy()
    out["days"] = out[unit].map(days).astype("int64")
    full = 7 if unit == "week" else out[unit].dt.days_in_month
    out["partial"] = out["days"] < full
    return out


# --------------------------------------------------------------------------------------------
# Report sentences


def _lang_fields(fields: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A finding's text fields for ``lang``: on English pages the campaign lists
    (:func:`_names`, :func:`_names_roi`) quote with “” and separate with ", "."""
    out = dict(fields)
    if lang != "en":
        return out
    for k, v in out.items():
        if isinstance(v, str) and "「" in v:
            v = re.sub(r"「([^」]*)」(?=[^、\s])", r"“\1” ", v)
            v = v.replace("「", "“").replace("」", "”").replace("、", ", ")
            out[k] = re.sub(r" 等$", " and more", v)
    return out


def finding_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """The finding and its action for a row of :func:`diagnose`."""
    from jdpromo.text import t

    fields = _lang_fields(row["fields"], lang)
    return t(row["text_key"], lang, **fields) + " " + t(row["action_key"], lang, **fields)


def _finite(value: Any) -> float:
    """``value`` as a float, NaN when it is missing or not a number."""
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def _roi_verdict(row: Mapping[str, Any] | pd.Series, metric: str, lang: str) -> str:
    """Where the two items of an item test stand against 保本 (text keys ``item_roi_*``):
    the advice a test too slow to settle leads with — keep or cut by money."""
    from jdpromo.text import t

    be = _finite(row.get("breakeven_roi"))
    w, lo = _finite(row.get("winner_roi")), _finite(row.get("loser_roi"))
    if not (np.isfinite(w) and np.isfinite(lo) and np.isfinite(be)):
        return t("item_roi_unknown", lang)
    if (w >= be) == (lo >= be):
        key = "item_roi_both_above" if w >= be else "item_roi_both_below"
        return t(key, lang, breakeven=be, metric=metric)
    above, below = (row["winner_item"], row["loser_item"])[:: 1 if w >= be else -1]
    return t("item_roi_one_above", lang, breakeven=be, above=above, below=below)


NEVER_SETTLES_WEEKS = 104
"""A test that needs more weeks than this (two years) is not given a wait: at this volume the
comparison never settles (text ``item_test_never_settles``), not "about 8.9 years"."""


def _wait_words(weeks: float, lang: str) -> str:
    """How long a test still needs (:func:`weeks_to_settle`): under a week or in weeks; "—"
    when unknown or past :data:`NEVER_SETTLES_WEEKS` (a sentence then leaves the clause out)."""
    from jdpromo.text import t

    if not np.isfinite(weeks) or weeks > NEVER_SETTLES_WEEKS:
        return "—"
    if weeks < 1:
        return t("item_wait_under_week", lang)
    return t("item_wait_weeks", lang, weeks=weeks)


def _wait_clause(weeks: float, max_weeks: float, lang: str) -> str:
    """The end of an ``item_test_unsettled_*`` sentence: how long the test would take beyond
    ``max_weeks``, or — past :data:`NEVER_SETTLES_WEEKS` or unknown — that this volume never
    settles it."""
    from jdpromo.text import t

    wait = _wait_words(weeks, lang)
    if wait == "—":
        return t("item_unsettled_never", lang)
    return t("item_unsettled_wait", lang, wait=wait, max_weeks=max_weeks)


def _held_until(row: Mapping[str, Any] | pd.Series) -> dt.date | None:
    """The day the promotion holding a test's campaign settles (``held_until``), or None."""
    day = row.get("held_until")
    if day is None or (isinstance(day, float) and math.isnan(day)) or pd.isna(day):
        return None
    return pd.Timestamp(day).date()


def item_test_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """One sentence for a row of :func:`item_tests`."""
    from jdpromo.text import column_label, t

    dim = t(f"dim_{row['dim']}", lang) if f"dim_{row['dim']}" in _text_keys() else row["dim"]

    def roi(value: Any) -> str:
        return f"{float(value):.2f}" if value is not None and np.isfinite(float(value)) else "—"

    metric = column_label(row["metric"], lang)
    held = _held_until(row)
    if held is not None:
        return t(
            "item_test_held",
            lang,
            campaign=row["campaign"],
            dim=dim,
            metric=metric,
            winner=row["winner_item"],
            loser=row["loser_item"],
            winner_roi=roi(row.get("winner_roi")),
            loser_roi=roi(row.get("loser_roi")),
            winner_value=row["winner_value"],
            loser_value=row["loser_value"],
            hold_until=held,
        )
    weeks = _finite(row.get("weeks_needed"))
    extra: dict[str, Any] = {"wait": _wait_words(weeks, lang)}
    key = str(row["text_key"])
    if key.startswith("item_test_unsettled_"):
        extra |= {
            "verdict": _roi_verdict(row, metric, lang),
            "wait": _wait_clause(weeks, _finite(row.get("max_test_weeks")), lang),
        }
    never = (
        " " + t("item_test_never_settles", lang)
        if key.startswith("item_test_inconclusive_") and weeks > NEVER_SETTLES_WEEKS
        else ""
    )
    return (
        t(
            row["text_key"],
            lang,
            **extra,
            winner_roi=roi(row.get("winner_roi")),
            loser_roi=roi(row.get("loser_roi")),
            campaign=row["campaign"],
            dim=dim,
            metric=metric,
            winner=row["winner_item"],
            loser=row["loser_item"],
            winner_value=row["winner_value"],
            loser_value=row["loser_value"],
            q=row["q_value"],
            test=t(f"test_{row['test']}", lang),
            alpha=row["alpha"],
            power=row["power"],
            mde=row["mde"],
            required=row["required_per_arm"],
            still_needed=row["still_needed"],
        )
        + never
        + _phase_clause(row, lang)
    )


def _phase_clause(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """A space and the phase-ends sentence for a test of a promotion campaign whose phase ends
    before the test could settle (``ends_first``), else the empty string."""
    from jdpromo.text import t

    if not bool(row.get("ends_first", False)) or not str(row["text_key"]).startswith(
        "item_test_inconclusive"
    ):  # a conclusive test needs no wait; an unsettled one already says not to wait
        return ""
    end = row["phase_end"]
    return " " + t("item_test_phase_ends", lang, phase_end=f"{end:%m-%d}")


def budget_rule_text(plan: pd.DataFrame, lang: str = "zh") -> str:
    """The rule of a :func:`budget_plan` in words: where the target ROI comes from, the
    rescaled-limits note when needed, and one sentence per line with paused campaigns (the one
    reason a change may pass ± ``max_change``)."""
    from jdpromo.text import join_list, t

    a = plan.attrs
    max_change = a.get("max_change", 0.3)
    source = str(plan["target_roi_source"].iloc[0]).replace(".", "_")
    text = t(
        "budget_rule",
        lang,
        target=float(plan["target_roi"].iloc[0]),
        target_source=t(f"budget_target_{source}", lang),
        breakeven=float(plan["breakeven_roi"].iloc[0]),
        days=a.get("lookback_days", 90),
        max_change=max_change,
        total=float(plan["budget"].sum()),
        season_metric=t(f"season_metric_{a.get('season_by', 'cost')}", lang),
    )
    if bool(plan["limits_rescaled"].any()):
        text += " " + _rescaled_text(plan, max_change, lang)
    if "held" in plan and plan["held"].any():
        held, below = plan["held"].astype(bool), plan["below_breakeven"].astype(bool)
        spared = held & ~below & (plan[a.get("roi_column", "roi_90d")] < plan["target_roi"])
        paused = plan["paused_cost_share"].astype(float).fillna(0.0) > 0
        for key, rows in (
            ("budget_held_below", held & below & ~paused),
            ("budget_held_below_paused", held & below & paused),
            ("budget_held", spared),
        ):
            if rows.any():
                lines = join_list(plan.loc[rows, "channel"].astype(str), lang)
                text += " " + t(key, lang, lines=lines, days=a.get("lookback_days", 90))
    for _, row in plan.iterrows():
        if row["active_base"] <= 0 and row["paused_campaigns"]:
            text += " " + t(
                "budget_paused_all", lang, channel=row["channel"], campaigns=row["paused_campaigns"]
            )
        elif row["paused_cost_share"] > 0:
            text += " " + t(
                "budget_paused",
                lang,
                channel=row["channel"],
                campaigns=row["paused_campaigns"],
                share=row["paused_cost_share"],
                max_change=max_change,
            )
    return text


def _rescaled_text(plan: pd.DataFrame, max_change: float, lang: str) -> str:
    """The note of a plan whose limits were widened (:func:`_limits`): the total against last
    month's spend scaled to the next period (Σ ``base``) and the lines whose change passes
    ± ``max_change`` for it, each with its change (lines with paused campaigns have their own
    sentence)."""
    from jdpromo.text import t

    change = plan["change_pct"].astype(float)
    beyond = (change.abs() > max_change * 100 + 1e-9) & ~(plan["paused_cost_share"] > 0)
    rows = plan.loc[beyond].sort_values("change_pct", ascending=False, kind="stable")
    lines = NameList(
        tuple(
            (str(c), f"{v:+.1f}%") for c, v in zip(rows["channel"], rows["change_pct"], strict=True)
        )
    )
    total, base = float(plan["budget"].sum()), float(plan["base"].sum())
    return t(
        "budget_limits_rescaled",
        lang,
        max_change=max_change,
        total=total,
        base=base,
        total_change=ratio(total, base) - 1.0,
        lines=lines or "—",
    )


def response_curve_text(result: ResponseCurvePlan, lang: str = "zh") -> str:
    """The label and backtest of a :func:`response_curve_plan`, or why it is not shown."""
    from jdpromo.text import t

    fields = {
        "holdout": f"{result.holdout[0]:%Y-%m}",
        "error_curve": result.error_curve,
        "error_constant": result.error_constant_roi,
    }
    if result.promotion_next:
        return t("response_curve_hidden_promotion", lang)
    if not result.show:
        return t("response_curve_hidden", lang, **fields)
    text = t(result.label_key, lang) + " " + t("response_curve_backtest", lang, **fields)
    if result.unallocated > 0:
        text += " " + t(
            "response_curve_unallocated",
            lang,
            amount=result.unallocated,
            breakeven=result.breakeven_roi,
        )
    return text


def _text_keys() -> set[str]:
    from jdpromo.text import TEXT

    return set(TEXT)


# --------------------------------------------------------------------------------------------
# Report helpers: both lenses or every item dimension at once


def compare_lenses(
    ad: pd.DataFrame | None,
    traffic: pd.DataFrame | None,
    resolved: ResolvedPeriod,
    thresholds: Thresholds | None = None,
) -> pd.DataFrame:
    """:func:`compare` for the ad lens and the traffic lens, stacked with a ``lens`` column.

    Each lens is its own family of tests: the Benjamini–Hochberg correction runs within a lens.
    Findings first, most money first.
    """
    parts = []
    for lens, frame in (("ad", ad), ("traffic", traffic)):
        if frame is not None and len(frame):
            part = compare(frame, resolved, thresholds, lens=lens)
            parts.append(part.assign(lens=lens))
    if not parts:
        return pd.DataFrame(columns=["lens", "channel", "metric", "is_finding", "money_effect"])
    out = pd.concat(parts, ignore_index=True)
    out = out[["lens"] + [c for c in out.columns if c != "lens"]]
    order = out.assign(_m=out["money_effect"].abs()).sort_values(
        ["is_finding", "_m"], ascending=[False, False], kind="stable"
    )
    return order.drop(columns="_m").reset_index(drop=True)


ITEM_DIMS = ("creative", "audience", "placement")


def item_tests_all(
    ad: pd.DataFrame,
    period: Period,
    thresholds: Thresholds | None = None,
    *,
    breakeven_roi: float | None = None,
    verdicts: pd.DataFrame | None = None,
    promotions: Mapping[str, Any] | None = None,
    hold_until: dt.date | None = None,
) -> pd.DataFrame:
    """:func:`item_tests` for each of creative, audience and placement the export has
    (``breakeven_roi``: 保本ROI, for the advice of a test that cannot settle in time), beside
    the campaign verdicts (``verdicts``, :func:`campaign_verdicts`) and the promotion phases
    (``promotions``) and the day a held promotion settles (``hold_until``): see
    :func:`_tests_in_context`.

    Conclusive results first. Each dimension is its own family of tests.
    """
    parts = [
        item_tests(ad, dim, period, thresholds, breakeven_roi=breakeven_roi)
        for dim in ITEM_DIMS
        if dim in ad and ad[dim].notna().any()
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["product_line", "campaign", "dim", "metric", "conclusive"])
    out = pd.concat(parts, ignore_index=True)
    out = _tests_in_context(out, period, verdicts, promotions, hold_until)
    return out.sort_values("conclusive", ascending=False, kind="stable").reset_index(drop=True)


def _phase_end(period: Period, promotions: Mapping[str, Any] | None) -> dt.date | None:
    """The last day of the promotion phase the period's last day falls in (not clipped to the
    period), or None when that day is in no phase."""
    day = period.end
    for promo in (promotions or {}).values():
        for phase in PHASES:
            p = getattr(promo, phase, None)
            if p is not None and p.start <= day <= p.end:
                return p.end
    return None


def _tests_in_context(
    out: pd.DataFrame,
    period: Period,
    verdicts: pd.DataFrame | None,
    promotions: Mapping[str, Any] | None,
    hold_until: dt.date | None = None,
) -> pd.DataFrame:
    """:func:`item_tests_all` beside the campaign verdicts: tests inside a campaign whose
    verdict is ``pause`` are left out (the campaign stops, no test to run on), and a promotion's
    own campaign (:func:`jdpromo.keywords.is_promotion_campaign`) whose phase ends before the
    wait gets ``phase_end`` (the phase's last day) and ``ends_first`` True. A test inside a
    campaign held for the promotion (verdict ``hold``, with ``hold_until`` given) gets
    ``held_until`` = ``hold_until`` (else None): its items' orders land at the promotion's peak
    (a deposit creative's above all), so neither the comparison nor the ROI verdict is made
    before the promotion settles (:func:`item_test_sentence` says so)."""
    from jdpromo.keywords import is_promotion_campaign

    out = out.assign(held_until=None)
    if verdicts is not None and len(verdicts) and hold_until is not None:
        held = verdicts.loc[verdicts["verdict"].eq("hold"), ["line", "campaign"]]
        keys = set(zip(held["line"].astype(str), held["campaign"].astype(str), strict=True))
        waits = [
            (str(a), str(b)) in keys
            for a, b in zip(out["product_line"], out["campaign"], strict=True)
        ]
        out["held_until"] = [hold_until if w else None for w in waits]
    if verdicts is not None and len(verdicts):
        paused = verdicts.loc[verdicts["verdict"].eq("pause"), ["line", "campaign"]]
        keys = set(zip(paused["line"].astype(str), paused["campaign"].astype(str), strict=True))
        gone = [
            (str(a), str(b)) in keys
            for a, b in zip(out["product_line"], out["campaign"], strict=True)
        ]
        out = out.loc[~np.asarray(gone, dtype=bool)].reset_index(drop=True)
    end = _phase_end(period, promotions) if isinstance(period, Period) else None
    out["phase_end"] = end
    weeks = pd.to_numeric(out.get("weeks_needed"), errors="coerce").to_numpy(float)
    promo = out["campaign"].astype(str).map(is_promotion_campaign).astype(bool).to_numpy()
    if end is None:
        out["ends_first"] = False
    else:
        left = (end - period.end).days / 7
        out["ends_first"] = promo & np.isfinite(weeks) & (weeks > left)
    return out


# --------------------------------------------------------------------------------------------
# 8. Verdicts where they are true (campaign, audience, creative, placement) and findings

VERDICTS = ("grow", "keep", "hold", "cut", "pause")
VERDICT_COLUMNS = [
    "line", "campaign", "cost", "revenue", "roi", "breakeven_roi", "new_customers", "carts",
    "clicks", "order_lines", "verdict", "reason", "bid_change", "verdict_basis", "ordinary_cost",
    "ordinary_revenue", "ordinary_roi",
]  # fmt: skip
"""Columns of ``tables/campaign_verdicts.csv``. ``verdict_basis``: ``period`` (the verdict is on the
whole period) or ``ordinary`` (on the period's 日常 days only, :func:`campaign_verdicts`);
``ordinary_*``: the campaign's figures over those days (NaN unless a promotion is held and the
period has 日常 days)."""
ORDINARY_REASONS = {
    "below_breakeven": "ordinary_below_breakeven",
    "far_below_breakeven": "ordinary_far_below_breakeven",
    "no_orders": "ordinary_no_orders",
}
"""``reason`` of a cut or pause judged on the 日常 days of a held period (:func:`campaign_verdicts`)."""
ITEM_VERDICT_COLUMNS = [
    "dim", "line", "campaign", "item", "impressions", "clicks", "ctr", "cost", "carts",
    "order_lines", "revenue", "roi", "breakeven_roi", "verdict", "reason", "bid_change",
]  # fmt: skip
"""Columns of ``tables/item_verdicts.csv`` (audiences, creatives, placements: ROI beside CTR)."""


def verdict(
    cost: float,
    revenue: float,
    clicks: float,
    order_lines: float,
    params: ShopParams,
    hold_until: dt.date | None = None,
) -> tuple[str, str, float]:
    """``(verdict, reason, bid_change)`` for one campaign, audience, creative or placement.

    Rules, in order (保本ROI ``be`` = ``params.breakeven_roi``, target = ``params.roi_target``):

    - no spend → ``keep`` (``no_spend``);
    - fewer than ``thresholds.min_clicks_verdict`` clicks → ``keep`` (``too_few_clicks``): too
      little to judge, never cut;
    - ROI ≥ target → ``grow`` (``above_target``); ROI ≥ be → ``keep`` (``above_breakeven``);
    - below be while a promotion's verdict is pending (``hold_until``) → ``hold``
      (``promotion_hold``): judged after that day over the whole promotion;
    - no order lines → ``pause`` (``no_orders``);
    - so few order lines that one more (at their average value) would lift the ROI to ``be`` →
      ``keep`` (``too_few_orders``): a verdict that one order turns is no verdict (one order
      line of ROI 3.06 against 保本 3.85 is not a reason to cut);
    - ROI < be / 2 → ``pause`` (``far_below_breakeven``);
    - else → ``cut`` (``below_breakeven``): bids down by 1 − ROI / be, at most
      ``params.bid_step_cap`` (``bid_change`` is that negative fraction; NaN otherwise).
    """
    be = params.breakeven_roi
    target = params.roi_target[0]
    if not cost > 0:
        return "keep", "no_spend", math.nan
    if not clicks >= params.thresholds.min_clicks_verdict:
        return "keep", "too_few_clicks", math.nan
    roi = ratio(revenue, cost)
    roi = 0.0 if not np.isfinite(roi) else float(roi)
    if roi >= target:
        return "grow", "above_target", math.nan
    if roi >= be:
        return "keep", "above_breakeven", math.nan
    if hold_until is not None:
        return "hold", "promotion_hold", math.nan
    if not order_lines > 0:
        return "pause", "no_orders", math.nan
    if roi * (order_lines + 1) / order_lines >= be:
        return "keep", "too_few_orders", math.nan
    if roi < be / 2:
        return "pause", "far_below_breakeven", math.nan
    return "cut", "below_breakeven", -min(1 - roi / be, params.bid_step_cap)


def _verdict_rows(sums: pd.DataFrame, params: ShopParams, hold_until: dt.date | None):
    out = sums.copy()
    out["roi"] = ratio(out["revenue"], out["cost"])
    out["breakeven_roi"] = params.breakeven_roi
    decided = [
        verdict(r.cost, r.revenue, r.clicks, r.order_lines, params, hold_until)
        for r in out.itertuples(index=False)
    ]
    out["verdict"] = [d[0] for d in decided]
    out["reason"] = [d[1] for d in decided]
    out["bid_change"] = [d[2] for d in decided]
    return out


def campaign_verdicts(
    ad: pd.DataFrame | None,
    period: Period,
    params: ShopParams,
    hold_until: dt.date | None = None,
) -> pd.DataFrame:
    """One verdict per line × campaign (计划) over the period (:func:`verdict`).

    Volumes are sums over the period's ad rows (cost and revenue in 元; ``new_customers`` is
    JD's 新客数 where exported, else NaN); ``roi`` = revenue / cost. A line without a campaign
    column is one campaign named :data:`UNLABELLED`. Sorted by line cost, then campaign cost.

    While a promotion's verdict is pending (``hold_until``) in a period that also holds 日常
    days (:func:`ordinary_runs`), those days are judged now, on their own: a campaign whose
    日常 days alone get ``cut`` or ``pause`` from :func:`verdict` (no hold) keeps that verdict
    (``verdict_basis`` ``ordinary``, ``reason`` from :data:`ORDINARY_REASONS`, ``bid_change`` from the
    日常 ROI) — a campaign that loses money on ordinary days is not shielded by the promotion.
    Every other campaign is judged on the whole period as before (``verdict_basis`` ``period``): one
    whose 日常 days are fine but whose whole period is below 保本 stays ``hold``, and so does a
    campaign with no 日常 spend or too few 日常 clicks. A promotion's own campaign
    (:func:`jdpromo.keywords.is_promotion_campaign`: 双11专项, 大促预热 …) is the promotion's
    whole: never judged on its 日常 days, its ``ordinary_*`` left NaN. ``ordinary_cost`` /
    ``ordinary_revenue`` (元) and ``ordinary_roi`` are the 日常 days' sums (0 元 for a campaign
    without 日常 rows).
    """
    if ad is None or ad.empty:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    rows = _prepare_ad(_in_span(ad, *_span(period)))
    if rows.empty:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    camp = rows["campaign"] if "campaign" in rows else pd.Series(np.nan, index=rows.index)
    rows = rows.assign(line=rows["channel"], campaign=camp.astype("string").fillna(UNLABELLED))
    cols = ["cost", "revenue", "clicks", "order_lines", "carts", "new_customers"]
    sums = rows.groupby(["line", "campaign"], sort=False)[cols].sum(min_count=1).reset_index()
    sums[["cost", "revenue", "clicks", "order_lines"]] = sums[
        ["cost", "revenue", "clicks", "order_lines"]
    ].fillna(0.0)
    out = _verdict_rows(sums, params, hold_until).assign(verdict_basis="period")
    out[["ordinary_cost", "ordinary_revenue", "ordinary_roi"]] = math.nan
    if hold_until is not None and isinstance(period, Period):
        out = _judge_ordinary_days(out, rows, ordinary_runs(period, params.promotions), params)
    line_cost = out.groupby("line")["cost"].transform("sum")
    out = out.assign(_l=line_cost).sort_values(["_l", "cost"], ascending=False, kind="stable")
    return out[VERDICT_COLUMNS].reset_index(drop=True)


VERDICT_SHOWN = [
    "line", "campaign", "cost", "roi", "new_customers", "carts", "verdict", "reason", "bid_change",
]  # fmt: skip
"""Columns of :func:`campaign_verdicts` the channel page shows."""


def verdict_view(
    verdicts: pd.DataFrame,
    ad: pd.DataFrame | None,
    period: Period,
    params: ShopParams,
    hold_until: dt.date | None,
) -> tuple[list[str], tuple[str, dict[str, Any]] | None]:
    """What the channel page shows of :func:`campaign_verdicts`: the columns
    (:data:`VERDICT_SHOWN`, with ``ordinary_roi`` after ``roi`` when the 日常 days of a held
    period were judged apart) and the note under the table while a promotion is held —
    ``(text key, fields)``: ``ch_verdicts_hold_ordinary`` with the 日常 days (``days``) when
    they were judged apart, else ``ch_verdicts_hold``; None when nothing is held."""
    cols = list(VERDICT_SHOWN)
    split = _split_verdicts(verdicts)
    if split:
        cols.insert(cols.index("roi") + 1, "ordinary_roi")
    if hold_until is None:
        return cols, None
    if not split or ad is None or not isinstance(period, Period):
        return cols, ("ch_verdicts_hold", {"hold_until": hold_until})
    days = _days_text(_prepare_ad(_in_span(ad, *_span(period))), period, params)
    return cols, ("ch_verdicts_hold_ordinary", {"hold_until": hold_until, "days": days["ordinary"]})


def ordinary_runs(
    period: Period, promotions: Mapping[str, Any] | None
) -> list[tuple[dt.date, dt.date]] | None:
    """The 日常 (ordinary) runs of days of a period that overlaps promotion phases, in date order
    (``[]`` when every day is in a phase); ``None`` when it overlaps none (then the whole period
    is ordinary)."""
    runs = segments(period, promotions)
    if all(seg == "ordinary" for seg, _, _ in runs):
        return None
    return [(a, b) for seg, a, b in runs if seg == "ordinary"]


def _judge_ordinary_days(
    out: pd.DataFrame,
    rows: pd.DataFrame,
    runs: list[tuple[dt.date, dt.date]] | None,
    params: ShopParams,
) -> pd.DataFrame:
    """:func:`campaign_verdicts`' judgement of the 日常 days of a held period (see there):
    ``out`` (the verdict rows, judged on the whole period with the hold) with ``ordinary_*``
    filled and the verdicts of campaigns that lose on those days replaced."""
    if not runs:
        return out
    from jdpromo.keywords import is_promotion_campaign

    d = pd.to_datetime(rows["date"])
    keep = pd.Series(False, index=rows.index)
    for a, b in runs:
        keep |= (d >= _ts(a)) & (d <= _ts(b))
    cols = ["cost", "revenue", "clicks", "order_lines"]
    o = rows.loc[keep].groupby(["line", "campaign"])[cols].sum()
    o = o.reindex(pd.MultiIndex.from_frame(out[["line", "campaign"]])).fillna(0.0)
    out = out.copy()
    promo = out["campaign"].map(is_promotion_campaign).astype(bool).to_numpy()
    out["ordinary_cost"] = np.where(promo, math.nan, o["cost"].to_numpy())
    out["ordinary_revenue"] = np.where(promo, math.nan, o["revenue"].to_numpy())
    out["ordinary_roi"] = ratio(out["ordinary_revenue"], out["ordinary_cost"])
    for i, (label, r) in enumerate(zip(out.index, o.itertuples(index=False), strict=True)):
        if promo[i]:
            continue
        v, reason, bid = verdict(r.cost, r.revenue, r.clicks, r.order_lines, params)
        if v in ("cut", "pause"):
            out.loc[label, ["verdict", "reason", "bid_change", "verdict_basis"]] = [
                v,
                ORDINARY_REASONS[reason],
                bid,
                "ordinary",
            ]
    return out


def item_verdicts(
    ad: pd.DataFrame | None,
    period: Period,
    params: ShopParams,
    hold_until: dt.date | None = None,
    verdicts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:func:`verdict` per audience (定向人群), creative and placement within its campaign, with
    CTR beside ROI: a high-CTR audience that loses money is not the winner. Rows without a
    value of the dimension are left out; empty when the export has none of them.

    With ``verdicts`` (:func:`campaign_verdicts`), an item follows a campaign judged on its
    日常 days: every item of a paused campaign is ``pause`` (``campaign_paused``: the campaign
    stops, so no item waits for the promotion), and an item of a campaign to bid down that
    would wait (``hold``) is ``cut`` with the campaign's ``bid_change`` (``campaign_cut``); an
    item of a campaign held for the promotion (``hold``) that its whole-period ROI would grow is
    ``hold`` too (``campaign_held``): nothing in a held campaign grows before the promotion
    settles."""
    if ad is None or ad.empty:
        return pd.DataFrame(columns=ITEM_VERDICT_COLUMNS)
    rows = _prepare_ad(_in_span(ad, *_span(period)))
    parts = []
    for dim in ("audience", "creative", "placement"):
        if dim not in rows or rows[dim].notna().sum() == 0 or "campaign" not in rows:
            continue
        sub = rows.dropna(subset=[dim]).assign(
            line=lambda f: f["channel"],
            campaign=lambda f: f["campaign"].astype("string").fillna(UNLABELLED),
            item=lambda f, d=dim: f[d].astype(str),
        )
        cols = ["impressions", "clicks", "cost", "carts", "order_lines", "revenue"]
        sums = sub.groupby(["line", "campaign", "item"], sort=False)[cols].sum().reset_index()
        sums["ctr"] = ratio(sums["clicks"], sums["impressions"])
        parts.append(_verdict_rows(sums, params, hold_until).assign(dim=dim))
    if not parts:
        return pd.DataFrame(columns=ITEM_VERDICT_COLUMNS)
    out = _follow_campaigns(pd.concat(parts, ignore_index=True), verdicts)
    return out.sort_values(["dim", "cost"], ascending=[True, False], kind="stable")[
        ITEM_VERDICT_COLUMNS
    ].reset_index(drop=True)


def _follow_campaigns(items: pd.DataFrame, verdicts: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`item_verdicts`' items set to their campaign's verdict (see there)."""
    if verdicts is None or verdicts.empty:
        return items
    v = verdicts.assign(
        line=verdicts["line"].astype(str), campaign=verdicts["campaign"].astype(str)
    )
    v = v.drop_duplicates(["line", "campaign"]).set_index(["line", "campaign"])
    keys = pd.MultiIndex.from_arrays([items["line"].astype(str), items["campaign"].astype(str)])
    camp = v["verdict"].reindex(keys).to_numpy()
    bid = v["bid_change"].astype(float).reindex(keys).to_numpy()
    out = items.copy()
    paused = camp == "pause"
    cut = (camp == "cut") & out["verdict"].eq("hold").to_numpy()
    held = (camp == "hold") & out["verdict"].eq("grow").to_numpy()
    out.loc[paused, ["verdict", "reason", "bid_change"]] = ["pause", "campaign_paused", math.nan]
    out.loc[held, ["verdict", "reason", "bid_change"]] = ["hold", "campaign_held", math.nan]
    out.loc[cut, "verdict"] = "cut"
    out.loc[cut, "reason"] = "campaign_cut"
    out.loc[cut, "bid_change"] = bid[cut]
    return out


def _loss(cost: float, revenue: float, params: ShopParams) -> float:
    """Profit lost (元): spend less the contribution margin earned on its revenue."""
    return float(cost) - float(revenue) * params.contribution_margin


def _names(frame: pd.DataFrame) -> NameList:
    """The campaigns of ``frame`` for a sentence (:class:`~jdpromo.text.NameList`: quoted and
    joined in the language of the page that shows them)."""
    return NameList(tuple((str(c), "") for c in frame["campaign"]))


def _names_bid(frame: pd.DataFrame) -> NameList:
    """The campaigns of ``frame`` to bid down, each with its bid change (``bid_change``, e.g.
    ``-20%``): the sentence gives the amount itself, on any page that shows it."""
    return NameList(
        tuple(
            (str(c), f"{b:.0%}" if np.isfinite(b) else "")
            for c, b in zip(frame["campaign"], frame["bid_change"].astype(float), strict=True)
        )
    )


NAMES_SHOWN = 4
"""How many campaigns a finding names before it says 等 (and N more) (the table lists them all)."""


def _names_roi(frame: pd.DataFrame, limit: int = NAMES_SHOWN) -> NameList:
    """The first ``limit`` campaigns (in their order), each with ``ROI x.xx``, and how many
    more there are (:class:`~jdpromo.text.NameList`: 「a」ROI 2.24、… 等 / “a” ROI 2.24, … and
    2 more)."""
    shown = [
        (str(c), f"ROI {(r if np.isfinite(r) else 0.0):.2f}")
        for c, r in zip(frame["campaign"], frame["roi"].astype(float), strict=True)
    ][:limit]
    return NameList(tuple(shown), more=max(len(frame) - limit, 0))


def _line_split(
    v: pd.DataFrame, params: ShopParams
) -> tuple[pd.DataFrame, pd.DataFrame, float, float, float]:
    """A line's judged campaigns (:func:`campaign_verdicts` rows of one line) split where the
    loss is: ``losing`` (verdict cut, pause or hold — ROI below 保本 with enough clicks; most
    loss first) and ``earning`` (ROI at or above 保本, most spend first), and the losing
    campaigns' cost, revenue and loss (元; loss = cost − revenue × contribution margin, so the
    three agree in a sentence)."""
    losing = v.loc[v["verdict"].isin(["cut", "pause", "hold"])].copy()
    losing["_loss"] = losing["cost"] - losing["revenue"] * params.contribution_margin
    losing = losing.sort_values("_loss", ascending=False, kind="stable")
    earning = v.loc[v["reason"].isin(["above_breakeven", "above_target"])]
    earning = earning.sort_values("cost", ascending=False, kind="stable")
    cost, revenue = float(losing["cost"].sum()), float(losing["revenue"].sum())
    return losing, earning, cost, revenue, cost - revenue * params.contribution_margin


def _below_breakeven(
    lines: pd.DataFrame, verdicts: pd.DataFrame, params: ShopParams, hold_until: dt.date | None
) -> list[dict[str, Any]]:
    """Loss-making lines and campaigns, judged where it is true (see :func:`diagnose`)."""
    be, out = params.breakeven_roi, []
    for r in lines.to_dict("records"):
        if not r["cost"] > 0:
            continue
        v = verdicts.loc[verdicts["line"] == r["channel"]]
        bad = v.loc[v["verdict"].isin(["cut", "pause"])]
        keep = v.loc[v["reason"].isin(["above_breakeven", "above_target"])]
        held = v.loc[v["verdict"] == "hold"]
        line_roi = r["roi"] if np.isfinite(r["roi"]) else 0.0
        if line_roi < be:
            f = _losing_line(r, v, bad, keep, held, params, hold_until)
            if f:
                out.append(f)
            continue
        for c in pd.concat([bad, held]).to_dict("records"):
            action = {"pause": "pause", "cut": "lower_bids", "hold": "hold"}[c["verdict"]]
            f = _breakeven_finding(
                r["channel"],
                c["campaign"],
                c,
                params,
                action,
                _loss(c["cost"], c["revenue"], params),
                verdict_now=c["verdict"] in ("cut", "pause"),
            )
            if f:
                f["fields"]["hold_until"] = hold_until
                out.append(f)
    return out


def _losing_line(r, v, bad, keep, held, params: ShopParams, hold_until) -> dict[str, Any] | None:
    """The finding of a line below 保本 (see :func:`diagnose`).

    A line with campaigns on both sides of 保本 (``mixed``) is judged on its losing campaigns:
    the sentence names them and states their own cost, revenue and loss — the money — and the
    earners to keep; the line as a whole is never the subject of the loss. Otherwise the line
    is judged whole: its sentence states the line's net loss (cost − revenue × margin), and
    when the action addresses only some campaigns (``cut_campaigns_all``) it adds their loss
    as 其中… — never one figure standing for another."""
    be = params.breakeven_roi
    line_roi = r["roi"] if np.isfinite(r["roi"]) else 0.0
    loss = _loss(r["cost"], r["revenue"], params)
    losing, earning, l_cost, l_rev, l_loss = _line_split(v, params)
    mixed = len(earning) > 0 and len(losing) > 0
    if mixed:
        action, money = ("hold" if hold_until is not None else "cut_campaigns"), l_loss
    elif hold_until is not None:
        action, money = "hold", loss
    elif len(v) > 1 and (bad["verdict"] == "cut").any():
        action, money = "cut_campaigns_all", l_loss
    elif line_roi < be / 2 or not r["order_lines"] > 0:
        action, money = "pause", loss
    else:
        action, money = "lower_bids", loss
    f = _breakeven_finding(r["channel"], None, r, params, action, money, verdict_now=len(bad) > 0)
    if f is None:
        return None
    f["fields"].update(
        hold_until=hold_until, line_loss=loss,
        pause=_names(bad.loc[bad["verdict"] == "pause"]) or "—",
        cut=_names_bid(bad.loc[bad["verdict"] == "cut"]) or "—",
        keep=_names(keep) or "—", held=_names(held) or "—",
        n_losing=len(losing), losing=_names_roi(losing), losing_cost=l_cost,
        losing_revenue=l_rev, n_earning=len(earning), earning=_names_roi(earning),
    )  # fmt: skip
    if action in ("cut_campaigns", "cut_campaigns_all"):
        # name only the lists that hold campaigns (no "降价 —")
        n_pause, n_cut = (bad["verdict"] == "pause").sum(), (bad["verdict"] == "cut").sum()
        part = "" if n_pause and n_cut else ("_pause" if n_pause else "_cut")
        f["action_key"] = f"action_{action}{part}"
    if mixed:
        f["text_key"] = "finding_roi_below_breakeven_mixed"
        f["action_key"] = "action_hold_campaigns" if action == "hold" else f["action_key"]
        f["evidence"] = _evidence(
            roi=r["roi"], breakeven_roi=be, cost=r["cost"], revenue=r["revenue"],
            line_loss=loss, losing_campaigns=len(losing), losing_cost=l_cost,
            losing_revenue=l_rev, earning_campaigns=len(earning),
            contribution_margin=params.contribution_margin, loss=money,
        )  # fmt: skip
    elif not math.isclose(money, loss, rel_tol=1e-9, abs_tol=0.5):
        f["text_key"] = "finding_roi_below_breakeven_line_part"
    return f


def _split_verdicts(verdicts: pd.DataFrame | None) -> bool:
    """Whether :func:`campaign_verdicts` judged the 日常 days of a held period apart (some
    ``ordinary_cost`` known)."""
    return (
        verdicts is not None and "ordinary_cost" in verdicts
        and pd.to_numeric(verdicts["ordinary_cost"], errors="coerce").notna().any()
    )  # fmt: skip


def _runs_text(runs: Sequence[tuple[dt.date, dt.date]]) -> str:
    """Runs of days as ``10-01~10-13`` (one day: ``10-13``), several joined by ", "."""
    return ", ".join(f"{a:%m-%d}" if a == b else f"{a:%m-%d}~{b:%m-%d}" for a, b in runs)


def _days_text(rows: pd.DataFrame, period: Period, params: ShopParams) -> dict[str, str]:
    """The 日常 and the promotion days of ``period`` that have ad rows, as text
    (:func:`_runs_text`): ``ordinary`` and ``promotion`` ("—" when none)."""
    last = pd.to_datetime(rows["date"]).max()
    last = period.end if pd.isna(last) else min(period.end, last.date())
    out = {}
    for side, runs in (("ordinary", ordinary_runs(period, params.promotions) or []),
                       ("promotion", [(a, b) for seg, a, b in segments(period, params.promotions)
                                      if seg != "ordinary"])):  # fmt: skip
        clipped = [(a, min(b, last)) for a, b in runs if a <= last]
        out[side] = _runs_text(clipped) or "—"
    return out


def _held_period_findings(
    verdicts: pd.DataFrame, params: ShopParams, hold_until: dt.date, days: Mapping[str, str]
) -> list[dict[str, Any]]:
    """``roi_below_breakeven`` findings of a held period whose 日常 days were judged apart
    (:func:`campaign_verdicts`), per line and never about the line as a whole:

    - the campaigns that lose money on their 日常 days (verdict ``cut``/``pause``, ``verdict_basis``
      ``ordinary``) are acted on now (:func:`_ordinary_finding`): money = those days' loss only
      (``profit_lost``); their promotion days are not counted here;
    - the campaigns on hold (:func:`_held_finding`): money = the loss of the days that wait
      for the promotion — a campaign's promotion days, or the whole period of a promotion's own
      campaign (never judged on 日常 days) — ``profit_at_risk``.

    Each yuan of a campaign's loss is in one finding at most."""
    out: list[dict[str, Any]] = []
    for line, v in verdicts.groupby("line", sort=False):
        basis = v["verdict_basis"] if "verdict_basis" in v else pd.Series("period", index=v.index)
        acted = v.loc[basis.eq("ordinary") & v["verdict"].isin(["cut", "pause"])]
        for f in (_ordinary_finding(str(line), acted, params, days),
                  _held_finding(str(line), v, params, hold_until, days)):  # fmt: skip
            if f is not None:
                out.append(f)
    return out


def _ordinary_finding(
    line: str, acted: pd.DataFrame, params: ShopParams, days: Mapping[str, str]
) -> dict[str, Any] | None:
    """The finding of a line's campaigns judged on their 日常 days (see
    :func:`_held_period_findings`): one campaign → about it (pause or lower its bids); several →
    names them, what to pause and what to bid down. Cost, revenue, ROI and loss are the 日常
    days' (loss = cost − revenue × contribution margin). Made whatever the money (no
    ``thresholds.min_money`` floor, :func:`_money_ok`): these campaigns are cut or paused now,
    and the owner must learn of every such verdict (a small loss on the 日常 days can still be
    the shop's largest campaign being cut)."""
    if acted.empty:
        return None
    m, be = params.contribution_margin, params.breakeven_roi
    acted = acted.assign(_loss=acted["ordinary_cost"] - acted["ordinary_revenue"] * m)
    acted = acted.sort_values("_loss", ascending=False, kind="stable")
    cost, revenue = float(acted["ordinary_cost"].sum()), float(acted["ordinary_revenue"].sum())
    money = cost - revenue * m
    if not _money_ok(money, params, verdict_now=True):
        return None
    roi = ratio(revenue, cost)
    one = len(acted) == 1
    pause = acted.loc[acted["verdict"] == "pause"]
    cut = acted.loc[acted["verdict"] == "cut"]
    if one:
        r = acted.iloc[0]
        action = "pause" if r["verdict"] == "pause" else "lower_bids"
        bid_cut = -float(r["bid_change"]) if r["verdict"] == "cut" else math.nan
        text_key, action_key = "finding_roi_below_breakeven_ordinary", f"action_{action}_ordinary"
    else:
        action, bid_cut = "cut_campaigns_all", math.nan
        part = "" if len(pause) and len(cut) else ("_pause" if len(pause) else "_cut")
        text_key = "finding_roi_below_breakeven_ordinary_many"
        action_key = f"action_cut_campaigns_ordinary{part}"
    named = acted.assign(roi=acted["ordinary_roi"])
    p_cost = float(acted["cost"].sum()) - cost  # the promotion days': not judged here
    p_roi = ratio(float(acted["revenue"].sum()) - revenue, p_cost) if p_cost > 0 else math.nan
    fields = {
        "channel": line, "item": acted["campaign"].iloc[0] if one else None, "roi": roi,
        "breakeven": be, "cost": cost, "revenue": revenue, "money": money, "bid_cut": bid_cut,
        "days": days["ordinary"], "promotion_days": days["promotion"],
        "promotion_roi": f"{p_roi:.2f}" if np.isfinite(p_roi) else "—",
        "n_losing": len(acted), "losing": _names_roi(named),
        "pause": _names(pause) or "—", "cut": _names_bid(cut) or "—",
    }  # fmt: skip
    return _finding(
        kind="roi_below_breakeven", channel=line, campaign=fields["item"],
        item_dim="campaign" if one else None, item=fields["item"], metric="roi", value=roi,
        reference=be, reference_kind="breakeven", money_at_stake=money, action=action,
        money_basis="profit_lost", direction="worse", text_key=text_key, action_key=action_key,
        fields=fields,
        evidence=_evidence(days="ordinary", ordinary_days=days["ordinary"], roi=roi,
                           breakeven_roi=be, cost=cost, revenue=revenue, campaigns=len(acted),
                           contribution_margin=m, loss=money),
    )  # fmt: skip


def _held_finding(
    line: str, v: pd.DataFrame, params: ShopParams, hold_until: dt.date, days: Mapping[str, str]
) -> dict[str, Any] | None:
    """The finding of a line's campaigns on hold in a period whose 日常 days were judged apart
    (see :func:`_held_period_findings`): the days that wait for the promotion — a campaign's
    promotion days (cost − ``ordinary_cost``), or the whole period of a promotion's own campaign
    (``ordinary_*`` NaN) — of the ``hold`` campaigns that lose on them, named with their ROI
    over those days, their cost, revenue and loss (money, ``profit_at_risk``), and the line's
    campaigns above 保本 to keep. None without such a campaign or below ``thresholds.min_money``."""
    m, be = params.contribution_margin, params.breakeven_roi
    held = v.loc[v["verdict"] == "hold"]
    held = held.assign(
        cost=held["cost"] - held["ordinary_cost"].fillna(0.0),
        revenue=held["revenue"] - held["ordinary_revenue"].fillna(0.0),
    )
    held = held.assign(roi=ratio(held["revenue"], held["cost"]),
                       _loss=held["cost"] - held["revenue"] * m)  # fmt: skip
    held = held.loc[held["_loss"] > 0].sort_values("_loss", ascending=False, kind="stable")
    if held.empty:
        return None
    cost, revenue = float(held["cost"].sum()), float(held["revenue"].sum())
    money = cost - revenue * m
    if not (np.isfinite(money) and money >= params.thresholds.min_money):
        return None
    roi = ratio(revenue, cost)
    promo = held["ordinary_cost"].isna().any()  # a promotion's own campaign: its whole period
    earning = v.loc[v["reason"].isin(["above_breakeven", "above_target"])]
    earning = earning.sort_values("cost", ascending=False, kind="stable")
    fields = {
        "channel": line, "item": None, "roi": roi, "breakeven": be, "cost": cost,
        "revenue": revenue, "money": money, "bid_cut": math.nan, "hold_until": hold_until,
        "days": days["ordinary"], "promotion_days": days["promotion"], "n_losing": len(held),
        "losing": _names_roi(held), "earning": _names_roi(earning) if len(earning) else "—",
    }  # fmt: skip
    return _finding(
        kind="roi_below_breakeven", channel=line, campaign=None, item_dim=None, item=None,
        metric="roi", value=roi, reference=be, reference_kind="breakeven", money_at_stake=money,
        action="hold", money_basis="profit_at_risk", direction="risk",
        text_key="finding_roi_below_breakeven_held" + ("_promo" if promo else ""),
        action_key="action_hold_campaigns" if len(earning) else "action_hold_listed",
        fields=fields,
        evidence=_evidence(days="held", promotion_days=days["promotion"], roi=roi,
                           breakeven_roi=be, cost=cost, revenue=revenue, campaigns=len(held),
                           earning_campaigns=len(earning), contribution_margin=m, loss=money),
    )  # fmt: skip


GOOD_UP = frozenset(
    {"ctr", "cvr", "roi", "revenue", "order_lines", "clicks", "visitors", "buyers", "gmv",
     "conversion", "order_rate", "pay_rate", "spend_per_buyer", "cart_rate", "carts"}
)  # fmt: skip
"""Metrics whose rise is good news."""
GOOD_DOWN = frozenset({"cpc", "cpa", "cpm", "bounce_rate"})
"""Metrics whose fall is good news. Spend, impressions and page views are neither: they never
become a change finding."""
COST_METRICS = frozenset({"cpc", "cpa", "cpm"})
MONEY_METRICS = frozenset({"roi", "cvr", "revenue", "gmv"})
"""Changes whose money is the revenue (or GMV) behind them. Counts (clicks, visitors, buyers,
order lines, carts) and the other rates carry none: valuing them at revenue per unit would
count the same sales again beside GMV, and carts are not sales."""


def change_money(row: Mapping[str, Any] | pd.Series, margin: float) -> tuple[float, str]:
    """Money at stake of a tested change (a row of :func:`compare`) and its basis.

    - cpc, cpa, cpm: the change × units (``money_effect``: Δcpc × clicks …) is spend —
      ``extra_cost`` when it rose, ``cost_saved`` when it fell;
    - roi, cvr, revenue, gmv (:data:`MONEY_METRICS`): ``money_effect`` (the revenue or GMV
      behind the change) × contribution margin — ``profit_lost`` the bad way,
      ``profit_gained`` the good way;
    - every other metric (counts, carts, traffic rates): none (NaN, ``none``).
    """
    metric, up = row["metric"], float(row["change"]) > 0
    good = up == (metric in GOOD_UP)
    effect = abs(float(row["money_effect"]))
    if not np.isfinite(effect) or metric not in COST_METRICS | MONEY_METRICS:
        return math.nan, "none"
    if metric in COST_METRICS:
        return effect, "cost_saved" if good else "extra_cost"
    return effect * margin, "profit_gained" if good else "profit_lost"


def _spoken_changes(changes: pd.DataFrame | None, crosses_boundary: bool, promotion: bool):
    """Each tested (lens ×) channel × metric change that is a finding, once: ``(row, good,
    demoted)`` — the comparison that speaks (see :func:`change_findings`), whether the change
    is good news, and whether it is a 环比 change across a promotion boundary that 同比 does not
    confirm (good or bad: the promotion explains either). Money-bearing metrics first, then most money."""
    if changes is None or changes.empty:
        return
    rows = changes[changes["is_finding"].astype(bool)]
    rows = rows[rows["metric"].isin(GOOD_UP | GOOD_DOWN)]
    keys = [c for c in ("lens", "channel", "metric") if c in rows]
    # money-bearing metrics first, then most money: a channel's improvement is named by it
    rows = rows.assign(
        _money=rows["metric"].isin(COST_METRICS | MONEY_METRICS), _m=rows["money_effect"].abs()
    ).sort_values(["_money", "_m"], ascending=False, kind="stable")
    for _, group in rows.groupby(keys, sort=False):
        by_comp = {r["comparison"]: r for _, r in group.iterrows()}
        if promotion and "last_year" in by_comp:
            row = by_comp["last_year"]
        else:
            row = max(by_comp.values(), key=lambda r: abs(float(r["money_effect"])))
        up = float(row["change"]) > 0
        good = up == (row["metric"] in GOOD_UP)
        ly = by_comp.get("last_year")
        ly_agrees = ly is not None and (float(ly["change"]) > 0) == up
        demoted = row["comparison"] == "previous" and crosses_boundary and not ly_agrees
        yield row, good, demoted


VOLUME_METRICS = frozenset(
    {"clicks", "visitors", "buyers", "order_lines", "carts", "revenue", "gmv"}
)
"""Metrics whose rise is good news only when the money behind it pays (:func:`_volume_pays`)."""


TRAFFIC_AD_LINES: Mapping[str, tuple[str, ...]] = {"站外": ("站外广告",)}
"""Traffic sources (京东商智 level 1) and the ad lines whose spend feeds them: a rise of the
source's volume is no good news while such a line loses money (:func:`_volume_pays`)."""


def _volume_pays(row: Mapping[str, Any] | pd.Series, changes: pd.DataFrame, be: float) -> bool:
    """Whether a rise of a volume (:data:`VOLUME_METRICS`) is good news: not when the same
    (lens ×) channel's ROI over the current period is below 保本ROI ``be``, nor when its spend
    rose faster in the same comparison (more clicks bought dearer), nor — for a traffic source
    of :data:`TRAFFIC_AD_LINES` (站外) — when the ROI of its matching ad line (站外广告) over
    the current period is below ``be``. Other metrics, and other traffic sources, pass."""
    if row["metric"] not in VOLUME_METRICS:
        return True
    lines = TRAFFIC_AD_LINES.get(str(row["channel"]), ()) if row.get("lens") == "traffic" else ()
    if lines and "lens" in changes:
        ad = changes["lens"].astype(str).eq("ad") & changes["metric"].eq("roi")
        roi = changes.loc[ad & changes["channel"].astype(str).isin(lines), "current"]
        roi = roi.astype(float)
        if bool((roi[np.isfinite(roi)] < be).any()):
            return False
    same = changes["channel"].astype(str).eq(str(row["channel"])) & changes["comparison"].eq(
        row["comparison"]
    )
    if "lens" in changes:
        same &= changes["lens"].astype(str).eq(str(row.get("lens")))
    roi = changes.loc[same & changes["metric"].eq("roi"), "current"].astype(float)
    if len(roi) and np.isfinite(roi.iloc[0]) and roi.iloc[0] < be:
        return False
    cost = changes.loc[same & changes["metric"].eq("cost"), "change"].astype(float)
    return not (len(cost) and np.isfinite(cost.iloc[0]) and cost.iloc[0] > float(row["change"]))


def change_findings(
    changes: pd.DataFrame | None,
    params: ShopParams,
    lang: str = "zh",
    *,
    crosses_boundary: bool = False,
    promotion: bool = False,
    labels: Mapping[str, str] | None = None,
) -> list:
    """Tested changes of :func:`compare` / :func:`compare_lenses` as findings.

    One finding per (lens ×) channel × metric with a good or a bad direction (:data:`GOOD_UP`,
    :data:`GOOD_DOWN`) whose change ``is_finding``. Which comparison speaks: 同比 when the
    period overlaps a promotion (``promotion``: the same promotion last year is the fair
    base) and its change is a finding, else the one with more money. Direction: ``better``
    for good news, ``worse`` for bad news. A 环比 change, good or bad, that crosses a promotion boundary
    (``crosses_boundary``: this period has promotion days and the previous one does not, or
    the reverse) and that 同比 does not confirm is no finding at all: it compares promotion
    days with ordinary ones, so it carries no money and no verdict — :func:`boundary_note`
    says so in one plain line, and the row stays in ``tables/channel_changes.csv``. A bad
    change of a traffic source (``lens`` traffic: 搜索, 自主访问 … are not bids) is looked
    into where it lands, not adjusted (``recap_action_investigate_traffic``). Improvements
    are kept once per channel (the one with money first): more visitors, buyers and GMV of one
    source are one piece of good news. ``labels`` renames channels (e.g. :data:`ALL` →
    "全部推广"). Money: :func:`change_money`.
    """
    from jdpromo.findings import Finding, plain_evidence, severity
    from jdpromo.text import t

    labels = dict(labels or {})
    th, out, improved = params.thresholds, [], set()
    for row, good, demoted in _spoken_changes(changes, crosses_boundary, promotion):
        if demoted:
            continue  # the promotion explains it: boundary_note, not a finding
        if good and not _volume_pays(row, changes, params.breakeven_roi):
            continue  # more volume on a line that loses money, or bought dearer, is no good news
        direction = "better" if good else "worse"
        evidence = plain_evidence(float(row["q_value"]), th.alpha, lang)
        money, basis = change_money(row, params.contribution_margin)
        channel = labels.get(str(row["channel"]), str(row["channel"]))
        if direction == "better" and (row.get("lens"), channel) in improved:
            continue  # one improvement per channel: the same sales, counted once
        if direction == "better":
            improved.add((row.get("lens"), channel))
        metric = _metric_words(row["metric"], lang)
        fields = {
            "channel": channel, "metric": metric, "current": row["current"],
            "base": row["base"], "change": row["change"],
            "comparison": t(f"comparison_{row['comparison']}", lang),
        }  # fmt: skip
        kind = row["kind"]  # rate, ratio or volume
        action_key = "recap_action_keep" if good else "recap_action_investigate"
        if good and row.get("lens") == "traffic":
            action_key = "recap_action_keep_traffic"  # no bids or creatives behind a source
        if direction == "worse" and row.get("lens") == "traffic":
            action_key = "recap_action_investigate_traffic"  # a source is not a bid to adjust
        out.append(
            Finding(
                area="channels", kind=f"change_{row['metric']}", subject=channel,
                direction=direction, title=t(f"fd_change_{kind}", lang, **fields),
                short=t(f"fd_short_change_{kind}", lang, **fields),
                action=t(action_key, lang, channel=channel), evidence=evidence,
                method=t("fd_method_change", lang, n_current=int(row["n_current"]),
                         n_base=int(row["n_base"]), q=float(row["q_value"])),
                metric=str(row["metric"]), value=float(row["current"]),
                baseline=float(row["base"]), baseline_kind=str(row["comparison"]),
                test=str(row["test"]), n=float(row["n_current"]), q=float(row["q_value"]),
                money_at_stake=money, money_basis=basis, severity=severity(money, th.min_money),
            )
        )  # fmt: skip
    return out


def _metric_words(metric: str, lang: str) -> str:
    from jdpromo.text import column_label

    return re.sub(r"（元）$| \(yuan\)$", "", column_label(metric, lang))


def boundary_changes(
    changes: pd.DataFrame | None, *, crosses_boundary: bool, promotion: bool = False
) -> pd.DataFrame:
    """The 环比 changes across a promotion boundary that 同比 does not confirm (rows of
    ``changes``, the comparison that speaks for each channel × metric; see
    :func:`change_findings`, which leaves them out). Empty when ``crosses_boundary`` is false."""
    cols = list(changes.columns) if changes is not None else ["lens", "channel", "metric"]
    if not crosses_boundary:
        return pd.DataFrame(columns=cols)
    kept = [row for row, _, demoted in _spoken_changes(changes, True, promotion) if demoted]
    return pd.DataFrame(kept, columns=cols).reset_index(drop=True)


BOUNDARY_NAMES_SHOWN = 6
"""How many changes :func:`boundary_note` names before it says 等 (the table has them all)."""


def _phase_words(period: Period, promotions: Mapping[str, Any] | None, lang: str) -> str:
    from jdpromo.text import join_list, t

    phases = list(dict.fromkeys(s.phase for s in phase_spans(period, promotions)))
    if not phases:
        return t("ch_boundary_no_promotion", lang, label=period.label)
    names = join_list([t(f"phase_{p}", lang) for p in phases], lang)
    return t("ch_boundary_phases", lang, label=period.label, phases=names)


def boundary_note(
    changes: pd.DataFrame | None,
    resolved: ResolvedPeriod,
    params: ShopParams,
    lang: str = "zh",
    *,
    promotion: bool = False,
) -> tuple[str, dict[str, Any]] | None:
    """One plain line (text key and fields) for the changes :func:`boundary_changes` keeps out
    of the findings: which phases the two periods hold, how many changes and which, and that
    同比 does not show them (or that there is no 同比 to check) — no money, no verdict.
    ``None`` when 环比 does not cross a promotion boundary or no such change exists."""
    from jdpromo.text import category_label, join_list, t

    crosses = crosses_boundary(resolved, params.promotions)
    rows = boundary_changes(changes, crosses_boundary=crosses, promotion=promotion)
    if rows.empty:
        return None
    sep = "" if lang == "zh" else " "
    names = [
        f"{category_label(c, lang)}{sep}{_metric_words(m, lang)}"
        for c, m in zip(rows["channel"], rows["metric"], strict=True)
    ]
    more = len(names) > BOUNDARY_NAMES_SHOWN
    items = join_list(names[:BOUNDARY_NAMES_SHOWN], lang) + (
        t("ch_boundary_more", lang) if more else ""
    )
    ly = changes.loc[changes["comparison"] == "last_year", ["channel", "metric", "change"]]
    ly = ly.dropna(subset=["change"]).merge(rows[["channel", "metric"]], on=["channel", "metric"])
    fields = {
        "before": _phase_words(resolved.previous, params.promotions, lang),
        "now": _phase_words(resolved.current, params.promotions, lang),
        "n": len(rows), "items": items,
        "last_year": t("ch_boundary_ly" if len(ly) else "ch_boundary_no_ly", lang),
    }  # fmt: skip
    return "ch_changes_boundary", fields


def diagnostic_findings(diagnostics: pd.DataFrame | None, params: ShopParams, lang: str = "zh"):
    """Rows of :func:`diagnose` as findings (same text, money, direction and basis)."""
    from jdpromo.findings import Finding, action_text, plain_evidence, severity
    from jdpromo.text import t

    out = []
    if diagnostics is None or diagnostics.empty:
        return out
    for _, row in diagnostics.iterrows():
        fields = _lang_fields(row["fields"], lang)
        q = row.get("q_value")
        tested = q is not None and pd.notna(q) and np.isfinite(float(q))
        if tested:
            evidence = plain_evidence(float(q), params.thresholds.alpha, lang, kind="gap")
            name = t(f"test_{row['test']}", lang) if f"test_{row['test']}" in _text_keys() else ""
            method = t("recap_ev_tested", lang, test=name, q=float(q))
        else:
            evidence = t("recap_ev_breakeven", lang, breakeven=params.breakeven_roi)
            method = ""
        action = action_text(row["action_key"], lang, **fields)
        item = row.get("item")
        subject = str(row["channel"])
        if isinstance(item, str) and item:  # 展位-品牌日常曝光 names its line already
            subject = item if item.startswith(subject) else f"{subject} · {item}"
        money = float(row["money_at_stake"])
        direction = str(row["direction"])
        # a loss waiting for the promotion says so wherever its short phrase leads
        held = "_held" if row["kind"] == "roi_below_breakeven" and row["action"] == "hold" else ""
        if row["text_key"] in ("finding_roi_below_breakeven_mixed",
                               "finding_roi_below_breakeven_held",
                               "finding_roi_below_breakeven_held_promo"):  # fmt: skip
            held = "_mixed" + held  # the losing campaigns lead, not the line's ROI
        elif row["text_key"].startswith("finding_roi_below_breakeven_ordinary"):
            held = row["text_key"].removeprefix("finding_roi_below_breakeven")
        out.append(
            Finding(
                area="channels", kind=str(row["kind"]), subject=subject, direction=direction,
                title=t(row["text_key"], lang, **fields), action=action, evidence=evidence,
                method=method, short=t(f"fd_short_{row['kind']}{held}", lang, subject=subject,
                                       **{k: v for k, v in fields.items() if k != "subject"}),
                metric=str(row["metric"]), value=float(row["value"]),
                baseline=float(row["reference"]), baseline_kind=str(row["reference_kind"]),
                test=str(row["test"] or ""), q=float(q) if tested else math.nan,
                money_at_stake=money, money_basis=str(row["money_basis"]),
                severity=severity(money, params.thresholds.min_money),
            )
        )  # fmt: skip
    return out


def warmup_findings(ad: pd.DataFrame | None, period: Period, params: ShopParams, lang: str = "zh"):
    """预热 judged on what it is for: 加购成本 (cost per cart = cost / carts, 元) and presale
    (定金) order lines per day of the period's warm-up days, against the whole warm-up of the
    same promotion last year (``promotions[...].last_year``).

    ``better`` when the cost per cart is no more than ``thresholds.min_relative_change`` above
    last year's (money: (last year − now) × carts, ``cost_saved``, when it fell), else
    ``worse`` (money: (now − last year) × carts, ``extra_cost``). None without carts on either
    side or without last year's promotion in the params or the data.

    A cost per cart within ``min_relative_change`` of last year's (|change| below it) is flat,
    not an achievement: when presale order lines per day moved by at least that much, the
    finding leads with them (``fd_short_warmup_presale``: metric
    ``presale_order_lines_per_day``, ``better`` when up, ``worse`` with
    ``fd_warmup_presale_action`` when down, no money); else it says the cost per cart is
    unchanged (``fd_short_warmup_flat``, severity ``low``; :func:`jdpromo.findings.is_flat`
    keeps it out of the good news).
    """
    from jdpromo.findings import Finding
    from jdpromo.text import t

    out: list = []
    if ad is None or ad.empty or "carts" not in ad:
        return out
    rows = _prepare_ad(ad)
    th = params.thresholds
    for span in phase_spans(period, params.promotions):
        promo = params.promotions[span.promotion]
        before = params.promotions.get(last_year_name(span.promotion, promo) or "")
        if span.phase != "warmup" or before is None or before.warmup is None:
            continue
        now = _in_span(rows, _ts(span.start), _ts(span.end))
        ly = _in_span(rows, _ts(before.warmup.start), _ts(before.warmup.end))
        cpc_now = ratio(now["cost"].sum(), now["carts"].sum(min_count=1))
        cpc_ly = ratio(ly["cost"].sum(), ly["carts"].sum(min_count=1))
        if not (np.isfinite(cpc_now) and np.isfinite(cpc_ly) and cpc_ly > 0):
            continue
        ly_days = (before.warmup.end - before.warmup.start).days + 1
        presale = (
            now["presale_order_lines"].sum(min_count=1) / span.days,
            ly["presale_order_lines"].sum(min_count=1) / ly_days,
        )
        change = cpc_now / cpc_ly - 1
        good = change <= th.min_relative_change
        carts = float(now["carts"].sum())
        money = abs(cpc_now - cpc_ly) * carts
        basis = ("cost_saved" if change < 0 else "none") if good else "extra_cost"
        fields = {"days": span.days, "label": span.label, "now": cpc_now, "ly": cpc_ly,
                  "change": change, "carts": carts}  # fmt: skip
        title = t("fd_warmup", lang, **fields)
        if all(np.isfinite(presale)):
            title += t("fd_warmup_presale", lang, now=presale[0], ly=presale[1])
        flat = abs(change) < th.min_relative_change
        p_change = presale[0] / presale[1] - 1 if presale[1] > 0 else math.nan
        if flat and np.isfinite(p_change) and abs(p_change) >= th.min_relative_change:
            up = p_change > 0  # the cost per cart did not move: what changed is the presale
            out.append(
                Finding(
                    area="channels", kind="warmup_cost_per_cart", subject=span.label,
                    direction="better" if up else "worse", title=title,
                    short=t("fd_short_warmup_presale", lang, now=presale[0], change=p_change),
                    evidence=t("fd_warmup_evidence", lang),
                    action="" if up else t("fd_warmup_presale_action", lang),
                    metric="presale_order_lines_per_day", value=float(presale[0]),
                    baseline=float(presale[1]), baseline_kind="last_year",
                    n=float(span.days), money_at_stake=math.nan, money_basis="none",
                    severity="high",
                )
            )  # fmt: skip
            continue
        out.append(
            Finding(
                area="channels", kind="warmup_cost_per_cart", subject=span.label,
                direction="better" if good else "worse", title=title,
                short=t("fd_short_warmup_flat" if flat else "fd_short_warmup", lang,
                        now=cpc_now, change=change),
                evidence=t("fd_warmup_evidence", lang),
                action="" if good else t("fd_warmup_action", lang),
                metric="cost_per_cart", value=cpc_now, baseline=cpc_ly,
                baseline_kind="last_year", n=float(span.days),
                money_at_stake=money if basis != "none" else math.nan, money_basis=basis,
                # the one yardstick of a warm-up: first among its kind, unless it did not move
                severity="low" if flat else "high",
            )
        )  # fmt: skip
    return out
