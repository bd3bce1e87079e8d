"""The recap (复盘报告): KPI cards, targets vs actual and the findings that matter most, assembled
from the analyses of :mod:`jdpromo.channels`, :mod:`jdpromo.keywords` and :mod:`jdpromo.users`.

Nothing is measured here that those modules do not measure already: the cards take their values
from :func:`jdpromo.channels.compare` (ad account and shop, tested against day-to-day variance),
:func:`jdpromo.users.layer_summary` (new-customer cost, 复购率) and
:func:`jdpromo.keywords.brand_share` (品牌词占比); changes use :func:`jdpromo.metrics.change_pp`
(rates, percentage points) and :func:`jdpromo.metrics.change_pct` (volumes and other ratios, %).
The findings are the rows of :func:`jdpromo.channels.diagnose`,
:func:`jdpromo.channels.compare_lenses`, the keyword actions and the user layers, ranked by the
money at stake (元).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jdpromo import channels, users
from jdpromo import keywords as kw
from jdpromo.metrics import change_pct, change_pp, ratio
from jdpromo.params import ShopParams, Thresholds, UserParams
from jdpromo.periods import Period, ResolvedPeriod
from jdpromo.text import TEXT, t


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
    Metric("uv", "short", "count", "higher", volume=True),
    Metric("ctr", "short", "rate", "higher"),
    Metric("cvr", "short", "rate", "higher"),
    Metric("roi", "short", "ratio", "higher"),
    Metric("new_customer_cost", "mid", "money", "lower"),
    Metric("repurchase_rate", "mid", "rate", "higher"),
    Metric("spend_per_buyer", "mid", "money", "higher"),
    Metric("brand_share", "long", "rate", "higher"),
    Metric("gmv", "target", "money", "higher", volume=True),
    Metric("cost", "target", "money", "lower", volume=True),
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
]
CARD_COLUMNS = [
    "metric", "term", "kind", "better", "current", "previous", "last_year", "change_previous",
    "change_last_year", "change_unit", "q_previous", "q_last_year", "basis", "target",
    "attainment", "met",
]  # fmt: skip
FINDING_COLUMNS = ["source", "kind", "channel", "finding", "evidence", "money_at_stake", "action"]
SOURCES = ("channels", "changes", "keywords", "users")
# Metrics of a tested change whose direction is good news when up / when down; others (spend,
# impressions, page views) are neither and never become a finding of the recap.
GOOD_UP = frozenset(
    {"ctr", "cvr", "cart_rate", "roi", "revenue", "order_lines", "clicks", "visitors", "buyers",
     "gmv", "conversion", "order_rate", "pay_rate", "spend_per_buyer"}
)  # fmt: skip
GOOD_DOWN = frozenset({"cpc", "cpa", "cpm", "bounce_rate"})
LAYERS_AT_RISK = ("沉默", "流失")


# --------------------------------------------------------------------------------------------
# Observations: current and base values of each KPI, from the analysis modules


def _empty_observed() -> pd.DataFrame:
    return pd.DataFrame(columns=OBSERVED_COLUMNS)


def from_changes(changes: pd.DataFrame, names: Mapping[str, str], basis: str = "") -> pd.DataFrame:
    """Observations from rows of :func:`jdpromo.channels.compare` (one channel).

    Parameters
    ----------
    changes
        ``compare`` output: ``metric``, ``comparison``, ``current``, ``base``, ``q_value``.
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
    (``basis`` ``paid_search``); GMV (元); 推广花费 cost (元).
    Missing inputs leave their KPIs out (shown as "—").
    """
    parts = [
        from_changes(account_changes(ad, resolved, params.thresholds), AD_METRICS),
        from_changes(shop_changes(shop, resolved, params.thresholds), SHOP_METRICS, "daily_sum"),
        user_observations(orders, ad, resolved, params.users),
        brand_observation(keyword_history, resolved, list(params.brand_terms)),
    ]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _empty_observed()


# --------------------------------------------------------------------------------------------
# Cards and targets


def target_scale(period: Period) -> float:
    """Factor applied to a monthly volume target (元 or count per month): 1 for a calendar
    month, else the period's days / 30 (a week: 7/30)."""
    return 1.0 if period.kind == "month" else period.days / 30.0


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
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=CARD_COLUMNS)


def targets_vs_actual(cards: pd.DataFrame) -> pd.DataFrame:
    """The KPIs that have a target: ``metric``, ``target``, ``actual``, ``attainment`` (actual /
    target) and ``met`` (bool, None without an actual), in card order."""
    rows = cards[cards["target"].notna()]
    out = rows[["metric", "target", "current", "attainment", "met", "kind", "better"]]
    return out.rename(columns={"current": "actual"}).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Findings


def _finding(source: str, kind: str, channel: str, finding: str, evidence: str, money: float,
             action: str) -> dict[str, Any]:  # fmt: skip
    return {"source": source, "kind": kind, "channel": channel, "finding": finding,
            "evidence": evidence, "money_at_stake": float(money), "action": action}  # fmt: skip


def _strip_label(action: str, lang: str) -> str:
    """An action text without its own "建议：" / "Action:" lead (the recap adds one)."""
    label = t("recap_action_label", lang).strip()
    return action[len(label) :].lstrip() if action.startswith(label) else action


def diagnostic_findings(diagnostics: pd.DataFrame | None, lang: str = "zh") -> list[dict[str, Any]]:
    """Rows of :func:`jdpromo.channels.diagnose`: the finding in its own words, the test or the
    break-even rule behind it, its money at stake (元) and its action."""
    out: list[dict[str, Any]] = []
    if diagnostics is None or diagnostics.empty:
        return out
    for _, row in diagnostics.iterrows():
        fields = dict(row["fields"])
        q = row.get("q_value")
        if q is not None and pd.notna(q) and np.isfinite(float(q)):
            test = str(row["test"])
            name = t(f"test_{test}", lang) if f"test_{test}" in TEXT else test
            evidence = t("recap_ev_tested", lang, test=name, q=float(q))
        else:
            breakeven = float(fields.get("breakeven", math.nan))
            evidence = t("recap_ev_breakeven", lang, breakeven=breakeven)
        item = row.get("item")
        channel = str(row["channel"]) + (f" · {item}" if isinstance(item, str) and item else "")
        action = _strip_label(t(row["action_key"], lang, **fields), lang)
        finding = t(row["text_key"], lang, **fields)
        out.append(
            _finding("channels", str(row["kind"]), channel, finding, evidence,
                     row["money_at_stake"], action)
        )  # fmt: skip
    return out


def change_findings(changes: pd.DataFrame | None, lang: str = "zh") -> list[dict[str, Any]]:
    """Tested changes of :func:`jdpromo.channels.compare_lenses` that are findings, one per
    lens × channel × metric (the one with more money of 环比 / 同比), metrics with a good or a
    bad direction only (:data:`GOOD_UP`, :data:`GOOD_DOWN`). Money at stake = ``money_effect``."""
    out: list[dict[str, Any]] = []
    if changes is None or changes.empty:
        return out
    rows = changes[changes["is_finding"].astype(bool)]
    rows = rows[rows["metric"].isin(GOOD_UP | GOOD_DOWN)]
    rows = rows.assign(_m=rows["money_effect"].abs()).sort_values("_m", ascending=False)
    rows = rows.drop_duplicates(["lens", "channel", "metric"])
    for _, row in rows.iterrows():
        up = float(row["change"]) > 0
        good = up == (row["metric"] in GOOD_UP)
        evidence = t("recap_ev_change", lang, n_current=int(row["n_current"]),
                     n_base=int(row["n_base"]), q=float(row["q_value"]))  # fmt: skip
        action = t("recap_action_keep" if good else "recap_action_investigate", lang,
                   channel=row["channel"])  # fmt: skip
        out.append(
            _finding("changes", "improved" if good else "worsened", str(row["channel"]),
                     channels.change_sentence(row, lang), evidence, abs(row["money_effect"]),
                     action)
        )  # fmt: skip
    return out


def keyword_findings(
    negatives: pd.DataFrame | None, pauses: pd.DataFrame | None, term_cost: float, lang: str = "zh"
) -> list[dict[str, Any]]:
    """The keyword review's actions, one finding each: search terms to negate (money = their
    ``spend_saved``, 元) and bought keywords to pause (money = the paused words' spend; those
    only bid down save no spend and count 0). Evidence: the costliest row's reason."""
    out: list[dict[str, Any]] = []
    if negatives is not None and len(negatives):
        saved = float(negatives["spend_saved"].sum())
        top = negatives.sort_values("spend_saved", ascending=False).iloc[0]
        finding = t("kw_summary_negatives", lang, n=len(negatives), cost=saved,
                    share=f"{ratio(saved, term_cost):.2%}" if term_cost else "—")  # fmt: skip
        evidence = t("recap_ev_top_word", lang, word=top["search_term"],
                     reason=kw.negative_sentence(top, lang))  # fmt: skip
        out.append(_finding("keywords", "negatives", "快车", finding, evidence, saved,
                            t("recap_action_negatives", lang, n=len(negatives))))  # fmt: skip
    if pauses is not None and len(pauses):
        saved = float(pauses["spend_saved"].sum())
        top = pauses.sort_values("cost", ascending=False).iloc[0]
        finding = t("kw_summary_pauses", lang, pause=int((pauses["action"] == "pause").sum()),
                    down=int((pauses["action"] == "bid_down").sum()),
                    cost=float(pauses["cost"].sum()))  # fmt: skip
        evidence = t("recap_ev_top_word", lang, word=top["keyword"],
                     reason=kw.pause_sentence(top, lang))  # fmt: skip
        out.append(_finding("keywords", "pauses", "快车", finding, evidence, saved,
                            t("recap_action_pauses", lang)))  # fmt: skip
    return out


def layer_findings(
    summary: pd.DataFrame | None, lookback_days: int, period_days: int, lang: str = "zh"
) -> list[dict[str, Any]]:
    """One finding per lifecycle layer at risk (沉默, 流失) from
    :func:`jdpromo.users.layer_summary`, with the layer's action (:data:`jdpromo.users.ACTIONS`).

    Money at stake = the layer's net spend over the lookback window × period days / lookback
    days (元): what these customers used to spend in a period of this length.
    """
    out: list[dict[str, Any]] = []
    if summary is None or summary.empty:
        return out
    rows = summary[(summary["dimension"] == "lifecycle") & summary["layer"].isin(LAYERS_AT_RISK)]
    for _, row in rows.iterrows():
        if int(row["customers"]) == 0:
            continue
        money = float(row["revenue"]) * period_days / lookback_days
        layer = users.label(row["layer"], lang)
        finding = t("recap_layer_finding", lang, layer=layer, customers=int(row["customers"]),
                    share=f"{float(row['share']):.1%}", money=money, days=period_days)  # fmt: skip
        evidence = t("recap_ev_layer", lang, days=lookback_days, revenue=float(row["revenue"]),
                     spb=float(row["spend_per_buyer"]))  # fmt: skip
        action = t(users.ACTIONS[row["layer"]], lang) + t("recap_action_audience", lang)
        out.append(_finding("users", str(row["layer"]), layer, finding, evidence, money, action))
    return out


def top_findings(candidates: list[dict[str, Any]], limit: int = 5) -> pd.DataFrame:
    """The findings that matter most: at most ``limit``, most money at stake first.

    Each source (:data:`SOURCES`) first places its costliest finding, so the page is not five
    variants of one analysis; the remaining places go to the next-costliest findings of any
    source. Findings without a finite money at stake are dropped.

    Returns
    -------
    DataFrame
        :data:`FINDING_COLUMNS` (``money_at_stake`` in 元), written as ``tables/findings.csv``.
    """
    frame = pd.DataFrame(candidates, columns=FINDING_COLUMNS)
    frame = frame[np.isfinite(frame["money_at_stake"].astype(float))]
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.sort_values("money_at_stake", ascending=False, kind="stable")
    firsts = frame.drop_duplicates("source").head(limit)
    rest = frame.drop(index=firsts.index).head(max(limit - len(firsts), 0))
    out = pd.concat([firsts, rest]).sort_values("money_at_stake", ascending=False, kind="stable")
    return out.reset_index(drop=True)


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
.rc-good { color: #1a7f37; } .rc-bad { color: #c81623; } .rc-flat { color: #999; }
ol.rc-findings { padding-left: 22px; margin: 6px 0; }
ol.rc-findings li { margin: 0 0 10px 0; line-height: 1.55; }
.rc-ev { color: #555; font-size: 13px; } .rc-act { font-size: 13px; }
.rc-money { color: #c81623; font-weight: 600; white-space: nowrap; }
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
    """+1.23pp for rates, +4.5% for the others, "—" when undefined."""
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:+.2f}pp" if unit == "pp" else f"{value:+.1f}%"


def _tone(change: float, better: str, q: float, alpha: float) -> str:
    if not np.isfinite(change) or change == 0 or (np.isfinite(q) and q >= alpha):
        return "rc-flat"
    return "rc-good" if (change > 0) == (better == "higher") else "rc-bad"


def kpi_name(metric: str, basis: Any, lang: str = "zh") -> str:
    """A KPI's name with its basis where the basis changes what it measures: 新客成本（按订单
    首购客户）, 品牌词占比（仅付费搜索）(text keys ``kpi_<metric>_<basis>``), and 日累计 for
    访客数 and 客单价 formed from daily unique counts."""
    key = f"kpi_{metric}_{basis}"
    if isinstance(basis, str) and basis and key in TEXT:
        return t(key, lang)
    name = t(f"recap_kpi_{metric}", lang)
    if basis == "daily_sum" and metric in ("uv", "spend_per_buyer"):
        name += t("recap_daily_sum", lang)
    return name


def cards_html(cards: pd.DataFrame, lang: str = "zh", alpha: float = 0.05) -> str:
    """The KPI cards as HTML (escaped): name (with its basis, :func:`kpi_name`), value, 环比,
    同比, target and attainment.

    A change is green when it goes the good way, red when the bad way, grey when undefined or
    (where tested) not significant at ``alpha``.
    """
    parts = [CARD_CSS, "<div class='jd-report rc-grid'>"]
    for row in cards[cards["term"] != "target"].itertuples(index=False):
        name = kpi_name(row.metric, row.basis, lang)
        lines = []
        for comp, change, q in (("previous", row.change_previous, row.q_previous),
                                ("last_year", row.change_last_year, row.q_last_year)):  # fmt: skip
            css = _tone(change, row.better, q, alpha)
            lines.append(
                f"<div class='rc-line'>{html.escape(t(f'comparison_{comp}', lang))} "
                f"<span class='{css}'>{html.escape(format_change(change, row.change_unit))}</span></div>"
            )
        if np.isfinite(row.target):
            css = "rc-good" if row.met else ("rc-bad" if row.met is False else "rc-flat")
            attain = "—" if not np.isfinite(row.attainment) else f"{row.attainment:.0%}"
            text = t(
                "recap_card_target",
                lang,
                target=format_kpi(row.kind, row.target),
                attainment=attain,
                status=(
                    t("recap_met", lang)
                    if row.met is True
                    else (t("recap_not_met", lang) if row.met is False else "—")
                ),
            )
            lines.append(f"<div class='rc-line {css}'>{html.escape(text)}</div>")
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


def targets_display(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """:func:`targets_vs_actual` with text cells for the report (labels, formatted values)."""
    rows = []
    for r in table.itertuples(index=False):
        status = "—" if r.met is None else t("recap_met" if r.met else "recap_not_met", lang)
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


def findings_html(findings: pd.DataFrame, lang: str = "zh") -> str:
    """The findings as a numbered list: finding, money at stake, evidence and action."""
    items = []
    for r in findings.itertuples(index=False):
        money = t("recap_money", lang, money=float(r.money_at_stake))
        items.append(
            f"<li><span class='rc-src'>[{html.escape(t(f'recap_source_{r.source}', lang))}]</span> "
            f"{html.escape(r.finding)} <span class='rc-money'>{html.escape(money)}</span><br>"
            f"<span class='rc-ev'>{html.escape(t('recap_evidence_label', lang))}{html.escape(r.evidence)}</span><br>"
            f"<span class='rc-act'><b>{html.escape(t('recap_action_label', lang))}</b>{html.escape(r.action)}</span></li>"
        )
    return (
        CARD_CSS
        + "<div class='jd-report'><ol class='rc-findings'>"
        + "".join(items)
        + "</ol></div>"
    )


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
    text = t("recap_health", lang, files=summary.get("files", 0), ok=summary.get("ok", 0),
             ignored=summary.get("ignored", 0), errors=summary.get("errors", 0),
             skipped=summary.get("rows_skipped", 0))  # fmt: skip
    text += (
        t("recap_partial", lang, reasons="；".join(partial))
        if partial
        else t("recap_complete", lang)
    )
    return text
