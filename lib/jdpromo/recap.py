"""The recap (复盘报告): a headline, KPI cards, targets vs actual and the findings that matter
most, assembled from the analyses of :mod:`jdpromo.channels`, :mod:`jdpromo.keywords`,
:mod:`jdpromo.users` and :mod:`jdpromo.health`.

Nothing is measured here that those modules do not measure already: the cards take their values
from :func:`jdpromo.channels.compare` (ad account and shop, tested against day-to-day variance),
:func:`jdpromo.users.new_customer_cost` and :func:`jdpromo.users.layer_summary` (新客成本,
复购率) and :func:`jdpromo.keywords.brand_share` (品牌词占比); changes use
:func:`jdpromo.metrics.change_pp` (rates, percentage points) and
:func:`jdpromo.metrics.change_pct` (volumes and other ratios, %). The recap makes only the
target findings (:func:`target_findings`) and the account-level change findings
(:func:`account_findings`); :func:`collect_findings` gathers every other analysis's findings,
and :mod:`jdpromo.findings` ranks and renders them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jdpromo import channels, users
from jdpromo import keywords as kw
from jdpromo.findings import Finding, severity
from jdpromo.metrics import change_pct, change_pp, ratio
from jdpromo.params import ShopParams, Thresholds, UserParams
from jdpromo.periods import (
    Period,
    PromotionContext,
    ResolvedPeriod,
    crosses_boundary,
    phase_spans,
)
from jdpromo.text import TEXT, counts_or_none, partial_text, t, unsigned_zero


@dataclass(frozen=True)
class Metric:
    """One KPI of the recap.

    ``kind``: ``rate`` (a fraction; changes in pp), ``ratio`` (ROI; changes in %), ``money``
    (元; changes in %) or ``count`` (changes in %). ``better``: ``higher`` or ``lower``.
    ``term``: ``short`` / ``mid`` / ``long`` for a card, ``target`` for a KPI shown only in
    targets vs actual. ``volume``: a monthly target of it is scaled to the period's days.
    """

    key: str
    term: str
    kind: str
    better: str
    volume: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("gmv", "short", "money", "higher", volume=True),
    Metric("cost", "short", "money", "lower", volume=True),
    Metric("uv", "short", "count", "higher", volume=True),
    Metric("ctr", "short", "rate", "higher"),
    Metric("cvr", "short", "rate", "higher"),
    Metric("roi", "short", "ratio", "higher"),
    Metric("new_customer_cost", "mid", "money", "lower"),
    Metric("repurchase_rate", "mid", "rate", "higher"),
    Metric("spend_per_buyer", "mid", "money", "higher"),
    Metric("brand_share", "long", "rate", "higher"),
)
"""The recap's KPIs in card order (口径 in :func:`observe`)."""

BY_KEY = {m.key: m for m in METRICS}
COMPARISONS = ("previous", "last_year")
SHOP_METRICS = {"uv": "visitors", "spend_per_buyer": "spend_per_buyer", "gmv": "gmv"}
AD_METRICS = {"ctr": "ctr", "cvr": "cvr", "roi": "roi", "cost": "cost"}
OBSERVED_COLUMNS = [
    "metric",
    "current",
    "previous",
    "last_year",
    "q_previous",
    "q_last_year",
    "basis",
    "ordinary",
    "ordinary_days",
    "promotion",
    "promotion_days",
]
"""``ordinary`` / ``promotion``: the value over the period's 日常 days and over its promotion
days (预热/爆发/返场 together) when it holds both (:func:`phase_observations`), with their
days; NaN otherwise."""
CARD_COLUMNS = [
    "metric", "term", "kind", "better", "current", "previous", "last_year", "change_previous",
    "change_last_year", "change_unit", "q_previous", "q_last_year", "basis", "target",
    "attainment", "met", "ordinary", "ordinary_days", "promotion", "promotion_days",
]  # fmt: skip
PHASE_COLUMNS = ["ordinary", "ordinary_days", "promotion", "promotion_days"]
PHASE_METRICS = ("cost", "ctr", "cvr", "roi")
"""Ad-account KPIs split into ordinary and promotion days (:func:`phase_observations`)."""


# --------------------------------------------------------------------------------------------
# Observations: current and base values of each KPI, from the analysis modules


def _empty_observed() -> pd.DataFrame:
    return pd.DataFrame(columns=OBSERVED_COLUMNS)


def from_changes(changes: pd.DataFrame, names: Mapping[str, str], basis: str = "") -> pd.DataFrame:
    """Observations from rows of :func:`jdpromo.channels.compare` (one channel).

    Parameters
    ----------
    changes
        ``compare`` output: ``metric``, ``comparison``, ``current``, ``base``, ``q_value``;
        a ``per_day`` comparison's base is scaled to the current days (the change is per day).
    names
        Recap metric → ``compare`` metric (e.g. ``{"uv": "visitors"}``).
    basis
        How the values were formed (``daily_sum`` for 日累计 unique counts), kept in ``basis``.

    Returns
    -------
    DataFrame
        :data:`OBSERVED_COLUMNS`; metrics absent from ``changes`` are left out.
    """
    rows = []
    for key, name in names.items():
        sub = changes[changes["metric"] == name] if len(changes) else changes
        if sub.empty:
            continue
        row: dict[str, Any] = {"metric": key, "current": float(sub["current"].iloc[0])}
        for comp in COMPARISONS:
            hit = sub[sub["comparison"] == comp]
            row[comp] = float(hit["base"].iloc[0]) if len(hit) else math.nan
            if len(hit) and "per_day" in hit and bool(hit["per_day"].iloc[0]):
                # a partial side: the base as if it had the current period's days, so the
                # card's change is the change per day (:func:`jdpromo.channels.compare`)
                row[comp] *= float(hit["n_current"].iloc[0]) / float(hit["n_base"].iloc[0])
            row[f"q_{comp}"] = float(hit["q_value"].iloc[0]) if len(hit) else math.nan
        row["basis"] = basis
        rows.append(row)
    return pd.DataFrame(rows, columns=OBSERVED_COLUMNS) if rows else _empty_observed()


def account_changes(
    ad: pd.DataFrame | None, resolved: ResolvedPeriod, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """:func:`jdpromo.channels.compare` of the whole ad account (every line as one channel):
    ctr, cvr, roi and cost, 环比 and 同比, tested over days. Empty when there is no ad data."""
    if ad is None or ad.empty:
        return pd.DataFrame(columns=["metric", "comparison", "current", "base", "q_value"])
    frame = ad.assign(_account=channels.ALL)
    return channels.compare(
        frame, resolved, thresholds, lens="ad", by="_account", metrics=tuple(AD_METRICS.values())
    )


def shop_changes(
    shop: pd.DataFrame | None, resolved: ResolvedPeriod, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """:func:`jdpromo.channels.compare` of the shop (京东商智 经营概况, daily rows): 访客数
    (日累计), 客单价 (gmv / buyers, 日累计 buyers) and GMV. Empty without daily shop rows."""
    if shop is None or shop.empty or "date" not in shop or shop["date"].isna().all():
        return pd.DataFrame(columns=["metric", "comparison", "current", "base", "q_value"])
    return channels.compare(
        shop, resolved, thresholds, lens="shop", metrics=tuple(SHOP_METRICS.values())
    )


def _periods(resolved: ResolvedPeriod) -> dict[str, Period | None]:
    return {"current": resolved.current, "previous": resolved.previous,
            "last_year": resolved.last_year}  # fmt: skip


def user_observations(
    orders: pd.DataFrame | None,
    ad: pd.DataFrame | None,
    resolved: ResolvedPeriod,
    user_params: UserParams,
) -> pd.DataFrame:
    """新客成本 and 复购率 at the end of the period, of the previous period and a year before.

    新客成本 is :func:`jdpromo.users.new_customer_cost` (the user-layer page's figure): ad spend
    / JD's 新客数 of the ad rows when the exports carry it, else / first-time buyers in the
    orders; ``basis`` says which (``jd_new_customers`` / ``first_time_buyers``), and the bases
    of 环比/同比 are measured on the current period's basis (NaN where they cannot be).
    ``repurchase_rate`` = customers with ≥ 2 orders in the lookback window / customers with
    ≥ 1, from the ``all`` row of :func:`jdpromo.users.layer_summary` over the layers
    :func:`jdpromo.users.build_layers` gives at that period's end (the current period's rules,
    so the three are measured alike). Each is left out without its data (新客成本 without ad
    rows, 复购率 without orders).
    """
    has_orders, has_ads = orders is not None and not orders.empty, ad is not None and not ad.empty
    if not has_orders and not has_ads:
        return _empty_observed()
    prep = users.prepare_orders(orders) if has_orders else None
    values: dict[str, dict[str, float]] = {"new_customer_cost": {}, "repurchase_rate": {}}
    rules, basis = None, None
    for label, period in _periods(resolved).items():  # current first: it fixes the basis
        if period is None:
            continue
        customers = None
        if prep is not None:
            layers = users.build_layers(prep, period, user_params, rules=rules)
            rules, customers = rules or layers.rules, layers.customers
            if len(customers):
                a = users.layer_summary(customers).iloc[0]
                values["repurchase_rate"][label] = float(a["repurchase_rate"])
        if has_ads:
            value, b, _ = users.new_customer_cost(ad, customers, period.start, period.end, basis)
            basis = basis or b
            values["new_customer_cost"][label] = value
    rows = [
        {"metric": key, **{c: v.get(c, math.nan) for c in ("current", *COMPARISONS)},
         "q_previous": math.nan, "q_last_year": math.nan,
         "basis": basis if key == "new_customer_cost" else ""}
        for key, v in values.items() if "current" in v
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=OBSERVED_COLUMNS) if rows else _empty_observed()


def brand_observation(
    keyword_history: pd.DataFrame | None, resolved: ResolvedPeriod, brand_terms: list[str]
) -> pd.DataFrame:
    """品牌词占比 = brand-word clicks / all clicks (:func:`jdpromo.keywords.brand_share`, on the
    search terms when exported, else on the bought keywords) for the period and its bases.
    Paid search (快车) only, since 京东商智 has no search words: ``basis`` is the ``scope``
    of :func:`jdpromo.keywords.brand_share` (``paid_search``), and the card says so. Empty
    without keyword rows or brand terms."""
    if keyword_history is None or keyword_history.empty or not brand_terms:
        return _empty_observed()
    row: dict[str, Any] = {"metric": "brand_share", "q_previous": math.nan,
                           "q_last_year": math.nan, "basis": ""}  # fmt: skip
    for label, period in _periods(resolved).items():
        share = math.nan
        if period is not None:
            b = kw.brand_share(
                kw.keyword_kpis(keyword_history, period, brand_terms),
                kw.search_term_kpis(keyword_history, period, brand_terms),
            )
            if len(b):
                share = float(b["brand_click_share"].iloc[0])
                row["basis"] = row["basis"] or str(b["scope"].iloc[0])
        row[label] = share
    if not np.isfinite(row["current"]):
        return _empty_observed()
    return pd.DataFrame([row], columns=OBSERVED_COLUMNS)


def has_rows(frame: pd.DataFrame | None, period: Period | None) -> bool:
    """Whether ``frame`` has a row on a day of ``period`` (daily rows by date, period rows by
    their span)."""
    from jdpromo.health import covered_days as days_of

    if frame is None or frame.empty or period is None:
        return False
    days = days_of(frame)
    return bool(((days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.end))).any())


def without_exports(
    observed: pd.DataFrame, frame: pd.DataFrame | None, resolved: ResolvedPeriod
) -> pd.DataFrame:
    """``observed`` with the values of periods ``frame`` has no rows for set to NaN: a sum over
    nothing exported is "no data" (无数据), not 0 — a spend target is not met by an empty
    folder."""
    if observed.empty:
        return observed
    out = observed.copy()
    for column, period in (("current", resolved.current), ("previous", resolved.previous),
                           ("last_year", resolved.last_year)):  # fmt: skip
        if column in out and not has_rows(frame, period):
            out[column] = math.nan
    return out


def phase_observations(
    ad: pd.DataFrame | None, period: Period, promotions: Mapping[str, Any] | None
) -> pd.DataFrame:
    """The ad account's 推广花费, CTR, CVR and ROI over the period's ordinary (日常) days and over
    its promotion days (预热, 爆发 and 返场 together), from :func:`jdpromo.channels.phase_table`
    (the recap's 日常与大促各阶段 table): sums of each side's rows, rates as ratios of those
    sums (cost 元; ctr = clicks / impressions; cvr = order lines / clicks; roi = revenue /
    cost).

    Returns
    -------
    DataFrame
        ``metric`` and :data:`PHASE_COLUMNS` (``ordinary_days`` / ``promotion_days``: days of
        each side), one row per metric of :data:`PHASE_METRICS`. Empty unless the period holds
        both ordinary and promotion days with ad rows.
    """
    cols = ["metric", *PHASE_COLUMNS]
    if ad is None or ad.empty:
        return pd.DataFrame(columns=cols)
    table = channels.phase_table(ad, None, period, promotions=promotions)
    if table.empty or "cost" not in table:
        return pd.DataFrame(columns=cols)
    ordinary = table[table["phase"] == "ordinary"]
    promo = table[table["phase"] != "ordinary"]
    if ordinary.empty or promo.empty or ordinary["cost"].isna().all() or promo["cost"].isna().all():
        return pd.DataFrame(columns=cols)
    sides = {}
    for name, part in (("ordinary", ordinary), ("promotion", promo)):
        total = part[["impressions", "clicks", "cost", "order_lines", "revenue"]].sum()
        sides[name] = {
            "cost": float(total["cost"]),
            "ctr": ratio(total["clicks"], total["impressions"]),
            "cvr": ratio(total["order_lines"], total["clicks"]),
            "roi": ratio(total["revenue"], total["cost"]),
            "days": int(part["days"].sum()),
        }
    rows = [
        {"metric": m, "ordinary": float(sides["ordinary"][m]),
         "ordinary_days": sides["ordinary"]["days"], "promotion": float(sides["promotion"][m]),
         "promotion_days": sides["promotion"]["days"]}
        for m in PHASE_METRICS
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def with_phases(observed: pd.DataFrame, phases: pd.DataFrame) -> pd.DataFrame:
    """``observed`` with :data:`PHASE_COLUMNS` filled from :func:`phase_observations` (by
    ``metric``; NaN for the metrics it has no row for)."""
    out = observed.copy()
    for c in PHASE_COLUMNS:
        out[c] = math.nan
    if phases.empty or out.empty:
        return out
    by = phases.set_index("metric")
    for c in PHASE_COLUMNS:
        out[c] = out["metric"].map(by[c]).astype(float)
    return out


def observe(
    resolved: ResolvedPeriod,
    params: ShopParams,
    *,
    ad: pd.DataFrame | None = None,
    shop: pd.DataFrame | None = None,
    keyword_history: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every KPI's current value and its 环比 / 同比 bases, from whatever the folder holds.

    口径: 访客数 UV = 商智 visitors summed over days (日累计); CTR = clicks / impressions, CVR =
    order lines / clicks, ROI = revenue / cost over every ad line (京准通, the report's
    attribution window); 新客成本 = :func:`jdpromo.users.new_customer_cost` (元; ``basis``
    ``jd_new_customers`` or ``first_time_buyers``); 复购率 over the lookback window; 客单价 =
    商智 gmv / buyers (元, 日累计 buyers); 品牌词占比 = brand clicks / clicks of paid search
    (``basis`` ``paid_search``); GMV (元); 推广花费 cost (元). In a period that holds both
    ordinary and promotion days, the ad KPIs also carry their values over each side
    (:func:`phase_observations`, :data:`PHASE_COLUMNS`).
    Missing inputs leave their KPIs out (shown as "—").
    """
    parts = [
        without_exports(
            from_changes(account_changes(ad, resolved, params.thresholds), AD_METRICS), ad, resolved
        ),
        without_exports(
            from_changes(
                shop_changes(shop, resolved, params.thresholds), SHOP_METRICS, "daily_sum"
            ),
            shop,
            resolved,
        ),
        user_observations(orders, ad, resolved, params.users),
        brand_observation(keyword_history, resolved, list(params.brand_terms)),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_observed()
    observed = pd.concat(parts, ignore_index=True)
    phases = phase_observations(ad, resolved.current, params.promotions)
    return with_phases(observed, phases)[OBSERVED_COLUMNS]


# --------------------------------------------------------------------------------------------
# Cards and targets


def covered_days(period: Period, data_end: dt.date | None = None) -> int:
    """Days of ``period`` up to ``data_end`` (the last day the data covers): all of them when
    the data reaches the period's end or ``data_end`` is unknown."""
    if data_end is None or data_end >= period.end:
        return period.days
    return max((data_end - period.start).days + 1, 0)


def target_scale(period: Period, data_end: dt.date | None = None) -> float:
    """Factor applied to a monthly volume target (元 or count per month) so it matches the days
    the actuals cover (:func:`covered_days`): 1 for a whole calendar month, covered days / the
    month's days for a month the data ends inside, else covered days / 30 (a week: 7/30; a week
    with 6 days of data: 6/30)."""
    days = covered_days(period, data_end)
    if period.kind == "month":
        return days / period.days
    return days / 30.0


PACING_METRICS = (("cost", "ad_daily"), ("gmv", "shop_daily"))
PACING_COLUMNS = [
    "metric", "mtd", "target", "days_elapsed", "days_in_month", "run_rate", "projected",
    "projected_attainment", "needed_daily",
]  # fmt: skip


def pacing(
    ad: pd.DataFrame | None,
    shop: pd.DataFrame | None,
    targets: Mapping[str, float] | None,
    as_of: dt.date,
) -> pd.DataFrame:
    """Month-to-date pacing of 推广花费 (``cost``: ad_daily cost) and 成交金额 (``gmv``:
    shop_daily gmv) against the monthly targets, up to and including ``as_of``.

    With ``d`` = days of the month up to ``as_of`` (``days_elapsed``) and ``D`` its days:
    ``mtd`` = the sum over those days (元); ``run_rate`` = mtd / d (元 a day; NaN when d = 0);
    ``projected`` = run_rate × D, the month's end at the current daily rate;
    ``projected_attainment`` = projected / target; ``needed_daily`` = (target − mtd) / (D − d),
    the daily amount for the remaining days that lands on target (0 when mtd already exceeds it,
    NaN on the month's last day or without a target). A metric without its table is left out.
    """
    start = as_of.replace(day=1)
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    elapsed = (as_of - start).days + 1
    targets = targets or {}
    rows = []
    for metric, frames in PACING_METRICS:
        frame = ad if frames == "ad_daily" else shop
        if frame is None or frame.empty or "date" not in frame:
            continue
        dates = pd.to_datetime(frame["date"])
        inside = (dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(as_of))
        mtd = float(pd.to_numeric(frame.loc[inside, metric], errors="coerce").sum())
        target = float(targets.get(metric, math.nan))
        run_rate = mtd / elapsed if elapsed > 0 else math.nan
        projected = run_rate * days_in_month
        left = days_in_month - elapsed
        needed = max((target - mtd) / left, 0.0) if left > 0 and np.isfinite(target) else math.nan
        rows.append({
            "metric": metric, "mtd": mtd, "target": target, "days_elapsed": elapsed,
            "days_in_month": days_in_month, "run_rate": run_rate, "projected": projected,
            "projected_attainment": ratio(projected, target) if np.isfinite(target) else math.nan,
            "needed_daily": needed,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=PACING_COLUMNS)


def pacing_html(frame: pd.DataFrame, lang: str = "zh") -> str:
    """:func:`pacing` as short lines a phone shows: per metric the month to date, the projected
    month end against the target and the daily amount that lands on it."""
    if frame is None or frame.empty:
        return ""
    lines = []
    for r in frame.itertuples(index=False):
        kpi = t(f"recap_kpi_{r.metric}", lang)
        money = {k: format_kpi("money", getattr(r, k)) for k in ("mtd", "projected", "target")}
        done = r.days_elapsed >= r.days_in_month  # the month is over: no projection to make
        text = t("pacing_line_final" if done else "pacing_line", lang, kpi=kpi, mtd=money["mtd"],
                 d=r.days_elapsed, days=r.days_in_month, projected=money["projected"])  # fmt: skip
        attainment = r.projected_attainment
        share = f"{attainment:.0%}" if np.isfinite(attainment) else "—"
        if not np.isfinite(r.target):
            text += t("pacing_no_target", lang)
        elif r.metric == "cost":  # a spend target is a budget: a ceiling, not a goal
            over = r.mtd / r.target - 1 if r.target > 0 else math.nan
            key = ("pacing_budget_over" if r.mtd > r.target else "pacing_budget_final" if done
                   else "pacing_budget")  # fmt: skip
            text += t(key, lang, target=money["target"], attainment=share,
                      over=f"{over:.0%}" if np.isfinite(over) else "—",
                      needed=format_kpi("money", r.needed_daily))  # fmt: skip
        else:
            key = ("pacing_target_reached" if r.mtd >= r.target else "pacing_target_final"
                   if done or not np.isfinite(r.needed_daily) else "pacing_target")  # fmt: skip
            text += t(key, lang, target=money["target"], attainment=share,
                      needed=format_kpi("money", r.needed_daily))  # fmt: skip
        lines.append(f"<li>{html.escape(text)}</li>")
    return f"<div class='jd-report'><ul class='fd-list'>{''.join(lines)}</ul></div>"


def kpi_cards(
    observed: pd.DataFrame,
    targets: Mapping[str, float] | None = None,
    scale: float = 1.0,
) -> pd.DataFrame:
    """The KPI cards: value, 环比 and 同比 change, target and attainment, one row per KPI of
    :data:`METRICS` (also those without data: NaN, shown as "—").

    Parameters
    ----------
    observed
        :func:`observe` (or :data:`OBSERVED_COLUMNS` built by hand).
    targets
        ``ShopParams.targets``: fractions for rates, 元 or counts per month for volumes. A key
        ``uv`` or ``visitors`` targets 访客数; ``spend_per_buyer`` 客单价 …
    scale
        :func:`target_scale`: multiplies the monthly targets of volumes (uv, gmv, cost).

    Returns
    -------
    DataFrame
        :data:`CARD_COLUMNS`. ``change_previous`` / ``change_last_year``: pp for rates
        (0.031 vs 0.021 is +1.0), % for the others; ``change_unit`` says which.
        ``attainment`` = actual / target (a fraction; for lower-is-better KPIs such as 新客成本
        or spend, below 1 is good); ``met`` = actual ≥ target (higher is better) or actual ≤
        target (lower is better); NaN / None without a target or a value.
        :data:`PHASE_COLUMNS` as observed (NaN where not).
    """
    targets = dict(targets or {})
    if "visitors" in targets and "uv" not in targets:
        targets["uv"] = targets["visitors"]
    obs = observed.set_index("metric") if len(observed) else observed
    rows = []
    for m in METRICS:
        have = m.key in obs.index if len(obs) else False
        get = (lambda c: obs.at[m.key, c]) if have else (lambda c: math.nan)  # noqa: B023
        cur, prev, last = (float(get(c)) for c in ("current", *COMPARISONS))
        change = change_pp if m.kind == "rate" else change_pct
        target = targets.get(m.key, math.nan)
        target = float(target) * (scale if m.volume else 1.0) if target is not None else math.nan
        attain = ratio(cur, target)
        met = None
        if np.isfinite(cur) and np.isfinite(target):
            met = bool(cur >= target) if m.better == "higher" else bool(cur <= target)
        rows.append(
            {
                "metric": m.key, "term": m.term, "kind": m.kind, "better": m.better,
                "current": cur, "previous": prev, "last_year": last,
                "change_previous": float(change(cur, prev)),
                "change_last_year": float(change(cur, last)),
                "change_unit": "pp" if m.kind == "rate" else "%",
                "q_previous": float(get("q_previous")) if have else math.nan,
                "q_last_year": float(get("q_last_year")) if have else math.nan,
                "basis": get("basis") if have else "",
                "target": target, "attainment": attain, "met": met,
                **{c: float(get(c)) if have and c in obs.columns else math.nan
                   for c in PHASE_COLUMNS},
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=CARD_COLUMNS)


def targets_vs_actual(cards: pd.DataFrame) -> pd.DataFrame:
    """The KPIs that have a target: ``metric``, ``target``, ``actual``, ``attainment`` (actual /
    target) and ``met`` (bool, None without an actual), in card order, with the card's
    ``change_last_year`` and ``change_unit`` (同比, shown beside a target held for a
    promotion, :func:`target_status`)."""
    rows = cards[cards["target"].notna()]
    out = rows[["metric", "target", "current", "attainment", "met", "kind", "better",
                "change_last_year", "change_unit"]]  # fmt: skip
    return out.rename(columns={"current": "actual"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Findings: the recap's own (targets) and every analysis's, ranked by jdpromo.findings

TARGET_ACTIONS = ("cost", "roi", "gmv", "ctr", "cvr", "new_customer_cost")
HELD_TARGETS = ("roi", "cvr", "gmv", "new_customer_cost")
"""Results that a promotion still in progress defers (预热 carts become 爆发 orders)."""


def _promotion_spend(
    promo: PromotionContext | None, lang: str = "zh", phases: tuple[str, ...] = ("warmup", "peak")
) -> str:
    """The 预热 / 爆发 days of the period that spend ahead of or for a promotion by plan, in
    words ("2026年双11 预热 18 天"); ``""`` when it has none (返场 alone spends no more).
    ``phases``: the phases to name (all three for the days a verdict waits on)."""
    if promo is None:
        return ""
    parts = [
        t("fd_promotion_span", lang, label=s.label, phase=t(f"phase_{s.phase}", lang), days=s.days)
        for s in promo.spans
        if s.phase in phases
    ]
    return ("、" if lang == "zh" else ", ").join(parts)


def is_held(metric: str, met: object, promo: PromotionContext | None) -> bool:
    """Whether a missed target of ``metric`` waits for a promotion's verdict: the metric is one
    of :data:`HELD_TARGETS`, it missed its target (``met`` is False) and ``promo.hold_until``
    is set."""
    return (
        promo is not None and promo.hold_until is not None and metric in HELD_TARGETS
        and met is not None and not bool(met) and isinstance(met, (bool, np.bool_))
    )  # fmt: skip


def phase_money(
    cost: float, roi: float, ordinary_cost: float, ordinary_roi: float, margin: float
) -> dict[str, float]:
    """The ad account's profit on its ordinary days and its promotion days (元, at the
    contribution ``margin``), from the period's cost and ROI and the ordinary days' (the rest
    are the promotion days).

    ``ordinary_loss`` = ordinary cost × (1 − ordinary ROI × margin); ``promotion_cost`` = cost
    − ordinary cost; ``promotion_roi`` = (cost × ROI − ordinary cost × ordinary ROI) /
    promotion cost; ``promotion_investment`` = promotion cost × (1 − promotion ROI × margin)
    — the promotion days' spend not yet paid back by their own orders (warm-up spend buys
    carts for the peak). Negative amounts are profits. NaN without the values.

    >>> m = phase_money(50_000.0, 3.0, 20_000.0, 4.5, 0.25)
    >>> m["ordinary_loss"], m["promotion_roi"], m["promotion_investment"]
    (-2500.0, 2.0, 15000.0)
    """
    ordinary_loss = ordinary_cost * (1 - ordinary_roi * margin)
    promotion_cost = cost - ordinary_cost
    promotion_roi = ratio(cost * roi - ordinary_cost * ordinary_roi, promotion_cost)
    return {
        "ordinary_loss": float(ordinary_loss),
        "promotion_cost": float(promotion_cost),
        "promotion_roi": float(promotion_roi),
        "promotion_investment": float(promotion_cost * (1 - promotion_roi * margin)),
    }


def target_findings(
    cards: pd.DataFrame,
    params: ShopParams,
    lang: str = "zh",
    *,
    days: int | None = None,
    promo: PromotionContext | None = None,
) -> list[Finding]:
    """One finding per KPI with a target and a value (:func:`kpi_cards`): ``worse`` when
    missed, ``better`` when met.

    Money at stake of a missed target (元):

    - 推广花费 over target: actual − target (``extra_cost``);
    - ROI under target and under 保本ROI: the ads' loss, cost × (1 − ROI × contribution
      margin) (``profit_lost``; cost from the ``cost`` card); above 保本 none;
    - others (GMV, 新客成本, rates, counts): none — a gap to a target is no money an action
      could earn, and ad spend also buys repeat customers' orders.

    While a promotion's verdict is pending (``promo.hold_until``), a missed ROI, CVR, GMV or
    新客成本 target waits for it (:func:`held_target_finding`): 预热 is judged on carts and
    presale, the whole promotion after the date.
    Spend above the (ordinary monthly) target in a period with 预热 or 爆发 days is planned
    promotion spend: a ``risk`` of severity ``low`` without ``short`` (it never leads the
    headline) whose title says so (``fd_target_cost_promotion``) and whose action is to check
    it against the promotion's budget.
    ``days`` (the period's days, when not a month) says the monthly target was scaled.
    """
    out: list[Finding] = []
    margin, min_money = params.contribution_margin, params.thresholds.min_money
    by = cards.set_index("metric")
    cost = float(by.at["cost", "current"]) if "cost" in by.index else math.nan
    scaled = t("fd_target_scaled", lang, days=days) if days else ""
    for r in cards.itertuples(index=False):
        if r.met is None or not np.isfinite(r.target):
            continue
        kpi = t(f"recap_kpi_{r.metric}", lang)
        fields = _target_fields(r, kpi)
        evidence = t("fd_target_evidence", lang, metric=r.metric,
                     scaled=scaled if BY_KEY[r.metric].volume else "")  # fmt: skip
        if r.met:
            out.append(Finding(
                area="targets", kind=f"target_{r.metric}", subject=kpi, direction="better",
                title=t("fd_target_met", lang, **fields),
                short=t("fd_short_target_met", lang, **fields), evidence=evidence,
                metric=r.metric, value=r.current, baseline=r.target, baseline_kind="target",
                severity="low",
            ))  # fmt: skip
            continue
        if is_held(r.metric, r.met, promo):
            out.append(held_target_finding(r, by, params, lang, promo, evidence=evidence))
            continue
        money, basis = math.nan, "none"
        if r.metric == "cost":
            money, basis = r.current - r.target, "extra_cost"
        elif r.metric == "roi" and np.isfinite(cost) and r.current < params.breakeven_roi:
            money, basis = cost * (1 - r.current * margin), "profit_lost"
        title = t(f"fd_target_missed_{r.better}", lang, **fields)
        if basis == "profit_lost":
            title += t("fd_target_roi_loss", lang, breakeven=params.breakeven_roi, money=money)
        direction, action = (
            "worse",
            t(f"fd_target_action_{r.metric if r.metric in TARGET_ACTIONS else 'other'}", lang),
        )
        short = t(f"fd_short_target_missed_{r.better}", lang, **fields)
        missed = (r.attainment < 0.9) if r.better == "higher" else (r.attainment > 1.1)
        level = (
            "high" if missed else (severity(money, min_money) if np.isfinite(money) else "medium")
        )
        if r.metric == "cost" and _promotion_spend(promo):
            # the monthly target is an ordinary month's: a warm-up / peak spends above it by plan
            held = promo is not None and promo.hold_until is not None
            direction, short, level = "risk", "", "low"
            title = t("fd_target_cost_promotion", lang, **fields,
                      spans=_promotion_spend(promo, lang))  # fmt: skip
            action = (t("fd_target_action_cost_promotion", lang, hold_until=promo.hold_until)
                      if held else t("fd_target_action_cost_promotion_settled", lang))  # fmt: skip
        out.append(Finding(
            area="targets", kind=f"target_{r.metric}", subject=kpi, direction=direction,
            title=title, short=short, evidence=evidence, action=action, metric=r.metric,
            value=r.current, baseline=r.target, baseline_kind="target", money_at_stake=money,
            money_basis=basis, severity=level,
        ))  # fmt: skip
    return out


def _target_fields(r: Any, kpi: str) -> dict[str, str]:
    """A target row's values as text fields (``kpi``, ``actual``, ``target``, ``attainment``,
    ``over``)."""
    return {"kpi": kpi, "actual": format_kpi(r.kind, r.current),
            "target": format_kpi(r.kind, r.target),
            "attainment": f"{r.attainment:.0%}" if np.isfinite(r.attainment) else "—",
            "over": f"{r.attainment - 1:.1%}" if np.isfinite(r.attainment) else "—"}  # fmt: skip


def held_target_finding(
    r: Any,
    by: pd.DataFrame,
    params: ShopParams,
    lang: str,
    promo: PromotionContext,
    *,
    evidence: str = "",
) -> Finding:
    """A missed ROI, CVR, GMV or 新客成本 target while a promotion's verdict is pending
    (:func:`is_held`): the monthly target is an ordinary month's, and the warm-up's orders come
    in the peak.

    - ROI and CVR, when the period also holds ordinary days (:func:`phase_observations`):
      the ordinary days are judged against the target now. Met → a ``risk`` of severity
      ``low`` without ``short`` (it never leads the headline); ROI's money is the promotion
      days' spend not yet paid back (:func:`phase_money`, ``promotion_investment``). Missed →
      ``worse``, named in the headline, with ROI's money the ordinary days' loss below 保本
      (``profit_lost``).
    - Otherwise (GMV, 新客成本, or no ordinary days): a ``risk`` that gives the 同比 change for
      reference (the comparison that judges a promotion month); severity ``low`` and no
      ``short`` unless 同比 is worse too. ROI's shortfall below 保本 is spend held for the
      promotion (``promotion_investment``), not a loss to act on now.

    ``r`` is a row of :func:`kpi_cards`, ``by`` the cards indexed by metric.
    """
    margin, hold = params.contribution_margin, promo.hold_until
    kpi = t(f"recap_kpi_{r.metric}", lang)
    fields = _target_fields(r, kpi)
    spans = _promotion_spend(promo, lang, ("warmup", "peak", "encore"))
    money, basis, direction, level, short = math.nan, "none", "risk", "low", ""
    cost = float(by.at["cost", "current"]) if "cost" in by.index else math.nan
    split = r.metric in ("roi", "cvr") and np.isfinite(r.ordinary) and np.isfinite(r.promotion)
    if split:
        met = r.ordinary >= r.target
        shown = {k: format_kpi(r.kind, getattr(r, k)) for k in ("ordinary", "promotion")}
        title = t("fd_target_held_split", lang, **fields, **shown, spans=spans,
                  ordinary_days=int(r.ordinary_days),
                  verdict=t("fd_ordinary_met" if met else "fd_ordinary_missed", lang))  # fmt: skip
        action = t(f"fd_target_held_action_{r.metric}_{'met' if met else 'missed'}", lang,
                   hold_until=hold)  # fmt: skip
        evidence = t("fd_target_held_evidence", lang) + evidence
        m = (phase_money(cost, r.current, float(by.at["cost", "ordinary"]), r.ordinary, margin)
             if r.metric == "roi" and "cost" in by.index else None)  # fmt: skip
        if not met:
            direction, level = "worse", "high" if r.ordinary < 0.9 * r.target else "medium"
            short = t("fd_short_target_ordinary", lang, kpi=kpi, ordinary=shown["ordinary"],
                      target=fields["target"])  # fmt: skip
            if m is not None and r.ordinary < params.breakeven_roi:
                money, basis = m["ordinary_loss"], "profit_lost"
                title += t("fd_target_ordinary_loss", lang, breakeven=params.breakeven_roi,
                           money=money)  # fmt: skip
        elif m is not None and m["promotion_investment"] > 0:
            money, basis = m["promotion_investment"], "promotion_investment"
    else:
        change = format_change(r.change_last_year, r.change_unit)
        change = t("fd_no_last_year", lang) if change == "—" else change
        worse_ly = np.isfinite(r.change_last_year) and (r.change_last_year < 0) == (
            r.better == "higher"
        ) and r.change_last_year != 0  # fmt: skip
        title = t(f"fd_target_held_{r.better}", lang, **fields, spans=spans, change=change)
        action = t(f"fd_target_held_action_{r.metric}", lang, hold_until=hold)
        if worse_ly:
            level = "medium"
            short = t(f"fd_short_target_held_{r.better}", lang, **fields)
        if r.metric == "roi" and np.isfinite(cost) and r.current < params.breakeven_roi:
            money, basis = cost * (1 - r.current * margin), "promotion_investment"
    return Finding(
        area="targets", kind=f"target_{r.metric}", subject=kpi, direction=direction,
        title=title, short=short, evidence=evidence, action=action, metric=r.metric,
        value=r.current, baseline=r.target, baseline_kind="target",
        money_at_stake=money, money_basis=basis, severity=level,
    )  # fmt: skip


def account_findings(
    resolved: ResolvedPeriod,
    params: ShopParams,
    lang: str = "zh",
    *,
    ad: pd.DataFrame | None = None,
    shop: pd.DataFrame | None = None,
) -> list[Finding]:
    """Tested changes of the whole ad account and of the shop (the KPI cards' 环比 / 同比) as
    findings (:func:`jdpromo.channels.change_findings`), named 全部推广 and 全店."""
    crosses = crosses_boundary(resolved, params.promotions)
    promotion = bool(phase_spans(resolved.current, params.promotions))
    out: list[Finding] = []
    for frame, key in ((account_changes(ad, resolved, params.thresholds), "fd_all_ads"),
                       (shop_changes(shop, resolved, params.thresholds), "fd_whole_shop")):  # fmt: skip
        out += channels.change_findings(
            frame, params, lang, crosses_boundary=crosses, promotion=promotion,
            labels={channels.ALL: t(key, lang)},
        )  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------
# HTML (the recap's own blocks; tables go through jdpromo.report)

CARD_CSS = """
<style>
.rc-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px;
  margin: 6px 0 12px 0; }
.rc-card { border: 1px solid #e3e3e3; border-radius: 6px; padding: 8px 10px; background: #fff; }
.rc-term { color: #888; font-size: 11px; }
.rc-name { color: #333; font-size: 13px; margin: 2px 0; }
.rc-value { font-size: 22px; font-weight: 600; color: #111; margin: 2px 0 4px 0;
  font-variant-numeric: tabular-nums; }
.rc-line { font-size: 12px; color: #555; margin: 1px 0; white-space: nowrap; }
.rc-target { white-space: normal; line-height: 1.4; }
.rc-good { color: #1a7f37; } .rc-bad { color: #c81623; } .rc-flat { color: #999; }
.rc-links a { margin-right: 12px; white-space: nowrap; color: #3b7dd8; }
</style>
"""


def format_kpi(kind: str, value: float) -> str:
    """A KPI value as a card shows it: rates in %, ROI with 2 decimals, money in 元, counts
    with thousands separators; "—" when undefined."""
    if value is None or not np.isfinite(value):
        return "—"
    if kind == "rate":
        return f"{value:.2%}"
    if kind == "ratio":
        return f"{value:.2f}"
    if kind == "money":
        return f"¥{value:,.0f}" if abs(value) >= 1000 else f"¥{value:,.2f}"
    return f"{value:,.0f}"


def format_change(value: float, unit: str) -> str:
    """+1.23pp for rates, +4.5% for the others, "—" when undefined; a change that rounds to
    zero has no sign ("0.0%", never "-0.0%")."""
    if value is None or not np.isfinite(value):
        return "—"
    return unsigned_zero(f"{value:+.2f}pp" if unit == "pp" else f"{value:+.1f}%")


def _tone(change: float, better: str, q: float, alpha: float) -> str:
    if not np.isfinite(change) or change == 0 or (np.isfinite(q) and q >= alpha):
        return "rc-flat"
    return "rc-good" if (change > 0) == (better == "higher") else "rc-bad"


def kpi_name(metric: str, basis: Any, lang: str = "zh") -> str:
    """A KPI's name with its basis where the basis changes what it measures: 新客成本（按订单
    首购客户）, 品牌词占比（仅付费搜索）, 客单价（按每日成交客户计）(text keys
    ``kpi_<metric>_<basis>``), and 日累计 for 访客数 formed from daily unique counts."""
    key = f"kpi_{metric}_{basis}"
    if isinstance(basis, str) and basis and key in TEXT:
        return t(key, lang)
    name = t(f"recap_kpi_{metric}", lang)
    if basis == "daily_sum" and metric in ("uv", "spend_per_buyer"):
        name += t("recap_daily_sum", lang)
    return name


def target_status(
    metric: str,
    met: bool | None,
    lang: str = "zh",
    promo: PromotionContext | None = None,
    *,
    reference: str = "",
) -> tuple[str, str]:
    """The status text of a target (:func:`met_text`) and its tone (``good``, ``bad``,
    ``flat``). Spend above the (ordinary monthly) target in a period with 预热 / 爆发 days is
    planned promotion spend (:func:`target_findings`): ``recap_cost_promotion``, grey. A missed
    ROI, CVR, GMV or 新客成本 target while a promotion's verdict is pending (:func:`is_held`)
    is not judged yet: ``recap_held`` ("大促结算后再定"), grey, followed by ``reference`` (the
    同比 change, e.g. "+10.9%", shown for reference) when given."""
    if metric == "cost" and met is False and _promotion_spend(promo):
        return t("recap_cost_promotion", lang), "flat"
    if is_held(metric, met, promo):
        text = t("recap_held", lang)
        if reference and reference != "—":
            text += t("recap_held_reference", lang, change=reference)
        return text, "flat"
    if not isinstance(met, (bool, np.bool_)):
        return met_text(met, lang), "flat"
    return met_text(met, lang), "good" if met else "bad"


def ordinary_line(row: Any, lang: str = "zh") -> tuple[str, str]:
    """The card line of a target held for a promotion (:func:`is_held`) that the period's
    ordinary days can still be judged on (ROI, CVR; :func:`phase_observations`): "日常 13 天
    4.75 ✓ 达成" and its tone; ``("", "")`` when there is none."""
    if row.metric not in ("roi", "cvr") or not np.isfinite(row.ordinary):
        return "", ""
    met = bool(row.ordinary >= row.target) if row.better == "higher" else bool(
        row.ordinary <= row.target
    )  # fmt: skip
    text = t("recap_card_ordinary", lang, days=int(row.ordinary_days),
             value=format_kpi(row.kind, row.ordinary), status=met_text(met, lang))  # fmt: skip
    return text, "good" if met else "bad"


def cards_html(
    cards: pd.DataFrame,
    lang: str = "zh",
    alpha: float = 0.05,
    *,
    crosses: bool = False,
    promo: PromotionContext | None = None,
) -> str:
    """The KPI cards as HTML (escaped): name (with its basis, :func:`kpi_name`), value, 环比,
    同比, target and attainment.

    A change is green when it goes the good way, red when the bad way, grey when undefined or
    (where tested) not significant at ``alpha`` — and 环比 is grey when it crosses a promotion
    boundary (``crosses``: 同比 is the comparison that judges). A target's status is
    :func:`target_status` (``promo``: spend above target in a promotion month is planned; a
    result held for the promotion is grey, with its ordinary days' value against the target
    where there is one, :func:`ordinary_line`).
    """
    parts = [CARD_CSS, "<div class='jd-report rc-grid'>"]
    for row in cards[cards["term"] != "target"].itertuples(index=False):
        name = kpi_name(row.metric, row.basis, lang)
        lines = []
        for comp, change, q in (("previous", row.change_previous, row.q_previous),
                                ("last_year", row.change_last_year, row.q_last_year)):  # fmt: skip
            css = (
                "rc-flat" if crosses and comp == "previous" else _tone(change, row.better, q, alpha)
            )
            lines.append(
                f"<div class='rc-line'>{html.escape(t(f'comparison_{comp}', lang))} "
                f"<span class='{css}'>{html.escape(format_change(change, row.change_unit))}</span></div>"
            )
        if np.isfinite(row.target):
            status, tone = target_status(row.metric, row.met, lang, promo)
            css = f"rc-{tone}"
            attain = "—" if not np.isfinite(row.attainment) else f"{row.attainment:.0%}"
            text = t(
                "recap_card_target" if np.isfinite(row.attainment) else "recap_card_target_none",
                lang,
                target=format_kpi(row.kind, row.target),
                attainment=attain,
                status=status,
            )
            lines.append(f"<div class='rc-line rc-target {css}'>{html.escape(text)}</div>")
            ordinary, tone = (
                ordinary_line(row, lang) if is_held(row.metric, row.met, promo) else ("", "")
            )
            if ordinary:
                lines.append(
                    f"<div class='rc-line rc-target rc-{tone}'>{html.escape(ordinary)}</div>"
                )
        parts.append(
            "<div class='rc-card'>"
            f"<div class='rc-term'>{html.escape(t(f'recap_term_{row.term}', lang))}</div>"
            f"<div class='rc-name'>{html.escape(name)}</div>"
            f"<div class='rc-value'>{html.escape(format_kpi(row.kind, row.current))}</div>"
            + "".join(lines)
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def met_text(met: bool | None, lang: str = "zh") -> str:
    """✓ 达成 / ✗ 未达成, or 无数据 when there is no actual to judge (nothing exported)."""
    if not isinstance(met, (bool, np.bool_)):
        return t("recap_no_actual", lang)
    return t("recap_met" if met else "recap_not_met", lang)


def targets_display(
    table: pd.DataFrame, lang: str = "zh", promo: PromotionContext | None = None
) -> pd.DataFrame:
    """:func:`targets_vs_actual` with text cells for the report (labels, formatted values);
    the status is :func:`target_status`, a held one with its 同比 change for reference."""
    rows = []
    for r in table.itertuples(index=False):
        reference = (
            format_change(r.change_last_year, r.change_unit) if "change_last_year" in table else ""
        )
        status = target_status(r.metric, r.met, lang, promo, reference=reference)[0]
        rows.append(
            {
                "recap_kpi": t(f"recap_kpi_{r.metric}", lang),
                "recap_target": format_kpi(r.kind, r.target),
                "recap_actual": format_kpi(r.kind, r.actual),
                "recap_attainment": "—" if not np.isfinite(r.attainment) else f"{r.attainment:.1%}",
                "recap_status": status,
            }
        )
    return pd.DataFrame(rows, columns=["recap_kpi", "recap_target", "recap_actual",
                                       "recap_attainment", "recap_status"])  # fmt: skip


DETAIL_REPORTS = ("data_health", "channel_comparison", "keyword_review", "user_layers")


def links_html(lang: str = "zh") -> str:
    """Relative links to the detailed reports beside ``recap.html``."""
    links = " ".join(
        f"<a href='{name}.html'>{html.escape(t(f'nb_{name}', lang))}</a>" for name in DETAIL_REPORTS
    )
    return (
        CARD_CSS
        + f"<div class='jd-report rc-links'>{html.escape(t('recap_links', lang))} {links}</div>"
    )


def health_line(summary: Mapping[str, int], partial: list[str], lang: str = "zh") -> str:
    """Data health in one sentence: files read / skipped / unreadable, rows skipped, partial."""
    counts = counts_or_none(
        {"ignored": summary.get("ignored", 0), "errors": summary.get("errors", 0),
         "skipped": summary.get("rows_skipped", 0)},
        "ignored", "errors", "skipped",
    )  # fmt: skip
    text = t("recap_health", lang, files=summary.get("files", 0), ok=summary.get("ok", 0),
             **counts)  # fmt: skip
    text += (
        t("recap_partial", lang, reasons=partial_text(partial, lang))
        if partial
        else t("recap_complete", lang)
    )
    return text


def collect_findings(r, cards: pd.DataFrame) -> list[Finding]:
    """Every finding of the run for the recap, from the rule that makes each:
    :func:`jdpromo.health.findings`, :func:`target_findings`, :func:`account_findings`,
    :func:`jdpromo.channels.diagnostic_findings` (campaign verdicts) and
    :func:`jdpromo.channels.change_findings`, :func:`jdpromo.keywords.findings` and
    :func:`jdpromo.users.layer_findings`. ``r`` is the notebook's
    :class:`jdpromo.report.Report`; rank and render with :mod:`jdpromo.findings`.

    In a run, what the detail notebooks already found is read from the run folder
    (:meth:`jdpromo.report.Report.shared_findings`); a rule no notebook of the run applied
    (the recap run alone, interactive use) is applied here, with the same inputs."""
    from jdpromo import health

    cur, params, lang, promo = r.period.current, r.params, r.lang, r.promo

    def found(name: str, rule) -> list[Finding]:
        kept = r.shared_findings(name)
        return rule() if kept is None else kept

    ad = r.table_in_window("ad_daily")
    shop = r.dataset.table("shop_daily")
    out = found("health", lambda: health.findings(r.dataset, r.partial, lang))
    days = covered_days(cur, r.data_end) if target_scale(cur, r.data_end) != 1.0 else None
    out += target_findings(cards, params, lang, days=days, promo=promo)
    out += account_findings(r.period, params, lang, ad=ad, shop=shop)
    if not ad.empty:

        def verdicts() -> list[Finding]:
            diag = channels.diagnose(
                ad, cur, params, sku=r.dataset.table("sku_daily"), hold_until=promo.hold_until
            )
            return channels.diagnostic_findings(diag, params, lang)

        out += found("channel_verdicts", verdicts)
        out += found("channel_warmup", lambda: channels.warmup_findings(ad, cur, params, lang))

    def changes() -> list[Finding]:
        frame = channels.compare_lenses(ad, r.dataset.table("traffic_daily"), r.period,
                                        params.thresholds)  # fmt: skip
        return channels.change_findings(
            frame, params, lang, crosses_boundary=crosses_boundary(r.period, params.promotions),
            promotion=promo.is_promotion,
        )  # fmt: skip

    out += found("channel_changes", changes)

    def keyword_findings() -> list[Finding]:
        rows = r.history("keyword_daily")
        if rows.empty:
            return []
        verdicts = channels.campaign_verdicts(ad, cur, params, promo.hold_until)
        rv = kw.review(rows, cur, params, r.dataset.table("industry_keywords"), ngrams=False,
                       sku=r.dataset.table("sku_daily"), verdicts=verdicts, lang=lang, ad=ad,
                       hold_until=promo.hold_until)  # fmt: skip
        return kw.findings(rv, params, lang, promo.hold_until)

    out += found("keywords", keyword_findings)

    def layer_findings() -> list[Finding]:
        orders = r.dataset.table("orders")
        if orders.empty:
            return []
        prep = users.prepare_orders(orders)
        now = users.build_layers(prep, cur, params.users)
        before = None
        if r.period.previous is not None:
            before = users.build_layers(prep, r.period.previous, params.users, rules=now.rules)
        return users.layer_findings(now, before, params, lang)

    out += found("users", layer_findings)
    return count_once(out, lang)


def count_once(findings: list[Finding], lang: str = "zh") -> list[Finding]:
    """The recap's findings with each yuan of held money counted once.

    While a promotion is held, the account-level ROI finding
    (:func:`held_target_finding`) carries the money waiting for the promotion: the promotion
    days' spend not yet paid back, over the whole account (``promotion_investment``, net of
    the campaigns that earn). The campaign and keyword findings that wait for the same
    promotion (``profit_at_risk``: :func:`jdpromo.channels.diagnose`'s held campaigns, held
    keyword pauses and bid-downs) are parts of that money: on the recap they keep their words
    and rank, but no money of their own; their evidence says where it is counted
    (``fd_held_money_counted``). Money acted on now (a campaign cut or paused on its 日常
    days, negatives) is not touched. Without an account-level ``promotion_investment`` finding
    the list is returned as it is."""
    from dataclasses import replace

    total = [f for f in findings
             if f.area == "targets" and f.money_basis == "promotion_investment"
             and np.isfinite(f.money_at_stake)]  # fmt: skip
    if not total:
        return findings
    note = t("fd_held_money_counted", lang, kpi=total[0].subject,
             money=float(total[0].money_at_stake))  # fmt: skip
    return [
        replace(
            f, money_at_stake=math.nan, money_basis="none", evidence=f.evidence + note
        )  # fmt: skip
        if f.money_basis == "profit_at_risk" and f.area in ("channels", "keywords")
        else f
        for f in findings
    ]
