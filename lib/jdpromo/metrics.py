"""Metric definitions (口径): every rate is a ratio of sums over the rows in scope.

A rate whose denominator is zero is undefined: NaN in tables ("—" in reports), never 0, never inf.

Ad metrics (京准通, JD's own definitions)
----------------------------------------
ctr = clicks / impressions · cpc = cost / clicks (元) · cpm = cost / impressions × 1000 (元) ·
cvr (转化率) = order_lines / clicks · direct_cvr = direct_order_lines / clicks ·
cart_rate (加购率) = carts / clicks · cpa (平均订单成本) = cost / order_lines (元) ·
roi (投产比, i.e. ROAS) = revenue / cost · direct_roi = direct_revenue / cost.

Order lines are SKU order lines (直接 + 间接): they can exceed clicks, so cvr can exceed 1.

Shop metrics (京东商智)
---------------------
成交转化率 ``conversion`` = buyers / visitors · 下单率 ``order_rate`` = order_buyers / visitors ·
支付率 ``pay_rate`` = buyers / order_buyers · 客单价 ``spend_per_buyer`` = gmv / buyers (元) ·
笔单价 ``aov`` = gmv / orders (元).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AD_RATIOS: dict[str, tuple[str, str, float]] = {
    # name: (numerator, denominator, scale)
    "ctr": ("clicks", "impressions", 1.0),
    "cpc": ("cost", "clicks", 1.0),
    "cpm": ("cost", "impressions", 1000.0),
    "cvr": ("order_lines", "clicks", 1.0),
    "direct_cvr": ("direct_order_lines", "clicks", 1.0),
    "cart_rate": ("carts", "clicks", 1.0),
    "cpa": ("cost", "order_lines", 1.0),
    "roi": ("revenue", "cost", 1.0),
    "direct_roi": ("direct_revenue", "cost", 1.0),
}

SHOP_RATIOS: dict[str, tuple[str, str, float]] = {
    "conversion": ("buyers", "visitors", 1.0),
    "order_rate": ("order_buyers", "visitors", 1.0),
    "pay_rate": ("buyers", "order_buyers", 1.0),
    "spend_per_buyer": ("gmv", "buyers", 1.0),
    "aov": ("gmv", "orders", 1.0),
}


def ratio(numerator, denominator, scale: float = 1.0):
    """``numerator / denominator × scale`` with NaN where the denominator is 0 or missing.

    Works on scalars, numpy arrays and pandas Series (aligned by index).
    """
    num = (
        pd.to_numeric(numerator, errors="coerce") if isinstance(numerator, pd.Series) else numerator
    )
    den = (
        pd.to_numeric(denominator, errors="coerce")
        if isinstance(denominator, pd.Series)
        else denominator
    )
    if np.isscalar(num) and np.isscalar(den):
        if den is None or num is None or pd.isna(den) or pd.isna(num) or den == 0:
            return np.nan
        return float(num) / float(den) * scale
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(num, dtype=float) / np.asarray(den, dtype=float) * scale
    out = np.where(np.asarray(den, dtype=float) == 0, np.nan, out)
    if isinstance(num, pd.Series):
        return pd.Series(out, index=num.index)
    if isinstance(den, pd.Series):
        return pd.Series(out, index=den.index)
    return out


def add_ratios(frame: pd.DataFrame, definitions: dict[str, tuple[str, str, float]]) -> pd.DataFrame:
    """Add each defined ratio whose numerator and denominator columns exist (a copy)."""
    out = frame.copy()
    for name, (num, den, scale) in definitions.items():
        if num in out and den in out:
            out[name] = ratio(out[num].astype(float), out[den].astype(float), scale)
    return out


def summarize(
    frame: pd.DataFrame,
    by: list[str] | str | None,
    definitions: dict[str, tuple[str, str, float]] = AD_RATIOS,
) -> pd.DataFrame:
    """Sum the count and money columns per group, then compute ratios of those sums.

    Parameters
    ----------
    frame
        Rows in scope (already filtered to the period and the attribution window).
    by
        Grouping columns; ``None`` gives one total row.
    definitions
        Which ratios to add (:data:`AD_RATIOS` or :data:`SHOP_RATIOS`).
    """
    needed = {c for num, den, _ in definitions.values() for c in (num, den)}
    sums = [c for c in frame.columns if c in needed]
    if by is None:
        totals = frame[sums].sum(min_count=1).to_frame().T
        return add_ratios(totals, definitions)
    by = [by] if isinstance(by, str) else by
    grouped = (
        frame.groupby(by, dropna=False, observed=True, sort=True)[sums]
        .sum(min_count=1)
        .reset_index()
    )
    return add_ratios(grouped, definitions)


def change_pct(current, previous):
    """Change of a volume in percent of the previous value (NaN when the previous is 0)."""
    return ratio(np.subtract(current, previous), previous, 100.0)


def change_pp(current, previous):
    """Change of a rate in percentage points: 0.031 against 0.021 is +1.0pp (NaN stays NaN)."""
    return np.subtract(current, previous) * 100.0
