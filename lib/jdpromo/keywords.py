"""Keyword review (关键词复盘): 快车 keywords and the search terms (搜索词) they match.

Pure functions: canonical frames in (``keyword_daily`` already filtered by the caller to one
attribution window), DataFrames out. No printing, plotting or file I/O; report text lives in
:mod:`jdpromo.text` (keys named in the code columns, e.g. ``reason`` → ``reason_<code>``).

Two report levels, never added up
---------------------------------
``keyword_daily`` holds two levels of the 快车 report (see ``LEVEL_COLUMNS`` in
:mod:`jdpromo.ingest`): rows without a ``search_term`` are the *keyword report* (one row per bought
keyword and day, with 出价 ``bid`` and ``keyword_id``); rows with a search term are the
*search-term report*. Keyword KPIs come from keyword-report rows when the period has any, else
from the search-term rows added up per keyword (``source = "search_terms"``, which the report
says). Search-term KPIs come from search-term rows only.

口径
----
Every rate is a ratio of sums over the rows in scope (:mod:`jdpromo.metrics`), NaN where the
denominator is 0. cvr (转化率) = total order lines / clicks: order lines are SKU lines (直接 + 间接)
and can exceed clicks, so they are modelled as *counts* — gamma-Poisson, never binomial. Money is
元. 保本ROI (break-even ROI) = 1 / contribution margin; a word's break-even cvr = cpc × 保本ROI /
revenue per order line.

Shrinkage
---------
A word with 3 clicks has no reliable rate of its own. Its CTR is shrunk toward its campaign's CTR
(or the account's, ``shrink_to``) with a beta prior worth ``prior_impressions`` impressions; its
cvr toward the campaign's cvr with a gamma prior worth ``prior_clicks`` clicks; its revenue per
order line toward the campaign's with a prior worth ``prior_order_lines`` order lines. Campaign
rates are themselves shrunk toward the account's with the same strengths. Posterior of a word's
cvr λ: Gamma(shape = order_lines + k·λ₀, rate = clicks + k) with k = ``prior_clicks`` and λ₀ the
prior rate; its mean is the shrunk cvr ``(order_lines + k·λ₀) / (clicks + k)``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from jdpromo.metrics import AD_RATIOS, ratio
from jdpromo.params import IRRELEVANT_WORDS, KeywordParams, ShopParams
from jdpromo.periods import SEGMENTS, Period, phase_spans, segments
from jdpromo.text import join_list, two_counts

__all__ = [
    "BID_KEEPS",
    "BID_MOVES",
    "GENERIC_WORDS",
    "HOT_SKIPS",
    "KPI_RATIOS",
    "MAX_INDUSTRY_WORDS",
    "NEAR_DUPLICATE",
    "QUESTION_WORDS",
    "QUADRANTS",
    "SHEETS",
    "SHEET_FILES",
    "SOURCE_KEYWORD_REPORT",
    "SOURCE_SEARCH_TERMS",
    "STOP_WORDS",
    "TERM_VERDICTS",
    "VOLUMES",
    "KeywordReview",
    "account_rates",
    "account_vs_benchmarks",
    "action_sheets",
    "sheet_names",
    "add_breakeven",
    "add_quadrants",
    "bid_suggestions",
    "brand_share",
    "brand_share_trend",
    "classify_head_tail",
    "exact_word_suggestions",
    "explain",
    "filter_words",
    "hot_word_counts",
    "hot_word_skips",
    "industry_gaps",
    "is_brand",
    "is_filler",
    "is_product_word",
    "keyword_kpis",
    "keyword_pauses",
    "make_tokenizer",
    "match_type_review",
    "near_duplicate",
    "negative_candidates",
    "new_word_suggestions",
    "ngram_themes",
    "normalize_text",
    "product_words",
    "proposed_negatives",
    "review",
    "search_term_kpis",
    "segment_summary",
    "shrink_rates",
    "split_levels",
    "summary_sentences",
    "term_actions",
    "term_ngrams",
    "text_keys",
    "word_tokens",
]

VOLUMES = ("impressions", "clicks", "cost", "order_lines", "revenue", "carts")
"""Additive columns of ``keyword_daily`` used here (counts, money in 元)."""

KPI_RATIOS = ("ctr", "cpc", "cvr", "cpa", "roi")
"""Ratios of sums shown per word (definitions in :data:`jdpromo.metrics.AD_RATIOS`)."""

KEYWORD_KEYS = ("campaign", "unit", "keyword")
TERM_KEYS = ("campaign", "unit", "keyword", "search_term")

SOURCE_KEYWORD_REPORT = "keyword_report"
"""``source`` of keyword KPIs read from the keyword report (rows without a search term)."""
SOURCE_SEARCH_TERMS = "search_terms"
"""``source`` of keyword KPIs added up from the search-term report (no keyword report)."""

QUADRANTS = ("star", "clicks_no_sales", "sales_few_clicks", "dud", "uncertain")
"""Quadrant codes: 明星词 (CTR and cvr above the account), 高点击低转化, 低点击高转化, 双低词, and
待观察 (not clearly on one side of the account on both axes, or too few clicks)."""

REASONS = (
    "no_orders", "below_breakeven", "raise", "raise_capped", "lower", "lower_capped", "hold",
    "few_clicks", "no_value", "meets_target", "misses_target", "at_limit", "big_loss",
    "at_min_bid", "proven_term", "industry_hot", "brand_no_raise", "campaign_cut",
    "campaign_pause", "campaign_hold", "campaign_promo_pause", "keyword_pause",
)  # fmt: skip
"""Codes of the ``reason`` columns (shown through the text keys ``reason_<code>``)."""

SHEETS = ("否定关键词", "暂停或降价", "出价调整", "新词建议", "精确词建议", "大促后执行")
"""Sheet names of ``keyword_actions.xlsx`` (plain words: Excel forbids ``/`` in sheet names)."""

SHEET_FILES = dict(
    zip(SHEETS, ("negatives", "pauses", "bids", "new_words", "exact_words", "after_promotion"),
        strict=True)
)  # fmt: skip
"""The name of each sheet's copy in ``tables/``: ``keyword_actions_<name>.csv``."""

BRAND_SCOPE = "paid_search"
"""``scope`` of :func:`brand_share`: measured on paid search (快车) only, since 京东商智's traffic
sources carry no search words (text key ``brand_scope_paid_search``)."""

MATCH_EXACT = "精确匹配"
MATCH_PHRASE = "短语匹配"
NEGATIVE_EXACT = "精确否定"
NEGATIVE_PHRASE = "短语否定"


# --------------------------------------------------------------------------------------------
# Text helpers


def normalize_text(values: pd.Series) -> pd.Series:
    """Words compared as JD compares them: lower-cased, every whitespace removed (text dtype)."""
    s = values.astype("string")
    return s.str.lower().str.replace(r"\s+", "", regex=True)


def is_brand(values: pd.Series, brand_terms: Iterable[str]) -> pd.Series:
    """Whether each text contains one of ``brand_terms`` (case-insensitive, spaces ignored).

    Examples
    --------
    >>> is_brand(pd.Series(["澄禾 电饭煲", "电饭煲", "CHENGHE"]), ["澄禾", "chenghe"]).tolist()
    [True, False, True]
    """
    terms = [t for t in (re.sub(r"\s+", "", str(b)).lower() for b in brand_terms) if t]
    if not terms:
        return pd.Series(False, index=values.index)
    pattern = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    found = normalize_text(values).str.contains(pattern, regex=True, na=False)
    return found.astype(bool)


def _by_text(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a text function once per distinct value (words repeat across rows)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return func(values)
    res = np.asarray(func(pd.Series(uniques)))
    out = np.empty(len(values), dtype=res.dtype)
    ok = codes >= 0
    out[ok] = res[codes[ok]]
    if (~ok).any():
        filler = func(pd.Series([pd.NA], dtype="string"))
        out[~ok] = np.asarray(filler)[0]
    return pd.Series(out, index=values.index)


# --------------------------------------------------------------------------------------------
# Rows and levels


def split_levels(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(keyword-report rows, search-term rows)`` of ``keyword_daily``.

    A row belongs to the search-term report when its ``search_term`` is not empty; a frame
    without a ``search_term`` column is all keyword report.
    """
    if "search_term" not in frame:
        return frame, frame.iloc[0:0]
    st = frame["search_term"]
    has = st.notna().to_numpy().copy()
    if not has.any():
        return frame, frame.iloc[0:0]
    if st.dtype == object or pd.api.types.is_string_dtype(st):
        blank = st[has].astype("string").str.strip().eq("").fillna(True).to_numpy(dtype=bool)
        has[np.flatnonzero(has)[blank]] = False
    if has.all():
        return frame.iloc[0:0], frame
    return frame.loc[~has], frame.loc[has]


def _in_period(
    frame: pd.DataFrame,
    period: Period | tuple[Any, Any] | None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Rows of ``period`` (all without one), only ``columns`` when given: one copy of what is
    kept, never of the whole table."""
    cols = slice(None) if columns is None else columns
    if period is None or "date" not in frame or frame.empty:
        return frame if columns is None else frame.loc[:, cols]
    start, end = period if isinstance(period, tuple) else (period.start, period.end)
    d = frame["date"]
    if not pd.api.types.is_datetime64_any_dtype(d):
        d = pd.to_datetime(d)
    mask = (d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))
    if bool(mask.all()):
        return frame if columns is None else frame.loc[:, cols]
    return frame.loc[mask, cols]


def _volumes(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Volume columns as float arrays; totals derived from direct + indirect where missing."""
    out: dict[str, np.ndarray] = {}
    n = len(frame)
    for col in VOLUMES:
        if col in frame:
            v = frame[col]
            out[col] = (
                v.to_numpy(dtype=float, na_value=np.nan)
                if pd.api.types.is_numeric_dtype(v)
                else pd.to_numeric(v, errors="coerce").to_numpy(dtype=float)
            )
        else:
            out[col] = np.full(n, np.nan)
    for total, direct, indirect in (
        ("order_lines", "direct_order_lines", "indirect_order_lines"),
        ("revenue", "direct_revenue", "indirect_revenue"),
    ):
        if direct in frame:
            miss = np.isnan(out[total])
            if miss.any():
                d = pd.to_numeric(frame[direct], errors="coerce").to_numpy(dtype=float)
                i = (
                    pd.to_numeric(frame[indirect], errors="coerce").to_numpy(dtype=float)
                    if indirect in frame
                    else np.zeros(n)
                )
                out[total] = np.where(miss, d + np.nan_to_num(i), out[total])
    return out


def _add_ratios(out: pd.DataFrame) -> pd.DataFrame:
    for name in KPI_RATIOS:
        num, den, scale = AD_RATIOS[name]
        out[name] = ratio(out[num].astype(float), out[den].astype(float), scale)
    return out


def _add_shares(out: pd.DataFrame) -> pd.DataFrame:
    out["cost_share"] = ratio(out["cost"], pd.Series(out["cost"].sum(), index=out.index))
    out["revenue_share"] = ratio(out["revenue"], pd.Series(out["revenue"].sum(), index=out.index))
    return out


def _aggregate(rows: pd.DataFrame, keys: Sequence[str], last: Sequence[str] = ()) -> pd.DataFrame:
    """Sums of :data:`VOLUMES` per ``keys`` (empty keys kept), plus each column of ``last`` as it
    stood on the latest day with a value (出价 at the end of the period)."""
    keys = [k for k in keys if k in rows]
    vols = _volumes(rows)
    data = {k: rows[k] for k in keys}
    data.update({c: vols[c] for c in VOLUMES})
    present = {c: bool(np.isfinite(vols[c]).any()) for c in VOLUMES}
    work = pd.DataFrame(data, index=rows.index)
    last = [c for c in last if c in rows]
    if last:
        dates = rows["date"] if "date" in rows else None
        if dates is not None and not dates.is_monotonic_increasing:
            order = np.argsort(dates.to_numpy(), kind="stable")
            rows = rows.iloc[order]
            work = work.iloc[order]
        for c in last:
            work[c] = rows[c]
    if not keys:
        sums = work[list(VOLUMES)].sum(min_count=0).to_frame().T
        sums["_revenue_n"] = work["revenue"].count()
        for c in last:
            sums[c] = work[c].dropna().iloc[-1] if work[c].notna().any() else np.nan
        out = sums
    else:
        grouped = work.groupby(keys, sort=False, dropna=False, observed=True)
        agg: dict[str, tuple[str, str]] = {c: (c, "sum") for c in VOLUMES}
        agg["_revenue_n"] = ("revenue", "count")
        agg.update({c: (c, "last") for c in last})
        out = grouped.agg(**agg).reset_index()
    for c in VOLUMES:  # a column no row exports stays NaN (unknown), not 0
        if not present[c]:
            out[c] = np.nan
    # order lines without any revenue value ("-" in every row): revenue unknown, not 0
    unknown = (out.pop("_revenue_n") == 0) & ~(out["order_lines"] <= 0)
    out["revenue"] = out["revenue"].where(~unknown)
    return out


def keyword_kpis(
    frame: pd.DataFrame,
    period: Period | tuple[Any, Any] | None = None,
    brand_terms: Iterable[str] = (),
    competitor_brands: Iterable[str] = (),
) -> pd.DataFrame:
    """KPIs per bought keyword (per campaign, unit and keyword) over the period.

    Parameters
    ----------
    frame
        ``keyword_daily`` rows of one attribution window (both levels may be present).
    period
        First and last day (inclusive); ``None`` keeps every row.
    brand_terms
        Brand words of the shop (``ShopParams.brand_terms``): ``is_brand`` marks keywords
        containing one.
    competitor_brands
        Competitors' brand words (``ShopParams.competitor_brands``): ``is_competitor`` marks
        keywords containing one.

    Returns
    -------
    DataFrame
        One row per campaign × unit × keyword (unit and match type as exported; empty where
        the export has none): ``keyword_id``, ``match_type`` and ``bid`` (出价, 元) as on the last
        day of the period that has them; impressions, clicks, cost (元), order_lines, revenue
        (元; NaN — unknown, not 0 — for a word with order lines but no revenue value in any
        row), carts; ctr, cpc (元), cvr, cpa (元), roi as ratios of sums (NaN for a zero
        denominator); ``cost_share``/``revenue_share`` of the level's total; ``is_brand``;
        ``is_competitor``; ``source`` (:data:`SOURCE_KEYWORD_REPORT` or
        :data:`SOURCE_SEARCH_TERMS` when the period has no keyword-report rows and the search
        terms were added up per keyword). Sorted by cost, largest first. ``attrs["source"]``
        repeats the source.
    """
    kw_rows, term_rows = split_levels(_in_period(frame, period))
    source = SOURCE_KEYWORD_REPORT
    if kw_rows.empty:
        kw_rows, source = term_rows, SOURCE_SEARCH_TERMS
    out = _aggregate(kw_rows, KEYWORD_KEYS, last=("keyword_id", "match_type", "bid"))
    for c in ("campaign", "unit", "keyword", "keyword_id", "match_type", "bid"):
        if c not in out:
            out[c] = np.nan if c == "bid" else pd.NA
    out = _finish(out, ["campaign", "unit", "keyword", "keyword_id", "match_type", "bid"])
    out["is_brand"] = _by_text(out["keyword"], lambda s: is_brand(s, brand_terms))
    out["is_competitor"] = _by_text(out["keyword"], lambda s: is_brand(s, competitor_brands))
    out["source"] = source
    out.attrs["source"] = source
    return out


def search_term_kpis(
    frame: pd.DataFrame,
    period: Period | tuple[Any, Any] | None = None,
    brand_terms: Iterable[str] = (),
    competitor_brands: Iterable[str] = (),
) -> pd.DataFrame:
    """KPIs per search term (搜索词) and the keyword it matched, over the period.

    Parameters
    ----------
    frame, period, brand_terms, competitor_brands
        As for :func:`keyword_kpis`; only search-term rows are used.

    Returns
    -------
    DataFrame
        One row per campaign × unit × keyword × search term, with ``match_type`` (of the keyword,
        on the last day), the volumes, ratios and shares of :func:`keyword_kpis`, ``is_brand``
        and ``is_competitor`` (of the search term), and ``is_keyword`` (the search term is the
        bought keyword itself, ignoring case and spaces). Empty (with these columns) when the
        exports hold no search-term report.
    """
    _, term_rows = split_levels(_in_period(frame, period))
    out = _aggregate(term_rows, TERM_KEYS, last=("match_type",))
    for c in (*TERM_KEYS, "match_type"):
        if c not in out:
            out[c] = pd.NA
    out = _finish(out, [*TERM_KEYS, "match_type"])
    out["is_brand"] = _by_text(out["search_term"], lambda s: is_brand(s, brand_terms))
    out["is_competitor"] = _by_text(out["search_term"], lambda s: is_brand(s, competitor_brands))
    same = normalize_text(out["search_term"]) == normalize_text(out["keyword"])
    out["is_keyword"] = same.fillna(False).astype(bool)
    return out


def _finish(out: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    out = _add_shares(_add_ratios(out))
    out = out.sort_values("cost", ascending=False, kind="stable", na_position="last")
    rest = [c for c in out.columns if c not in first]
    return out[first + rest].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Head / long tail, brand / generic


def _text_col(kpis: pd.DataFrame) -> str:
    return "search_term" if "search_term" in kpis else "keyword"


def classify_head_tail(
    kpis: pd.DataFrame,
    rule: str = "clicks_share",
    head_share: float = 0.8,
    min_chars: int = 7,
    text: str | None = None,
) -> pd.DataFrame:
    """Mark each word as ``head`` (大词) or ``long_tail`` (长尾词): a copy with ``word_class``.

    Parameters
    ----------
    kpis
        Output of :func:`keyword_kpis` or :func:`search_term_kpis`.
    rule
        ``clicks_share``: words (by text, summed over campaigns and units) sorted by clicks; the
        most-clicked words that together bring the first ``head_share`` of the clicks are head
        (the word that crosses the line included), the rest long tail; words without clicks are
        long tail. ``length``: a word of ``min_chars`` or more characters (spaces not counted)
        is long tail.
    text
        The text column (default: ``search_term`` when present, else ``keyword``).
    """
    out = kpis.copy()
    col = text or _text_col(out)
    if out.empty:
        out["word_class"] = pd.Series(dtype=object)
        return out
    if rule == "length":
        n = out[col].astype("string").str.replace(r"\s+", "", regex=True).str.len().fillna(0)
        out["word_class"] = np.where(n.to_numpy() >= min_chars, "long_tail", "head")
        return out
    if rule != "clicks_share":
        raise ValueError(f"rule must be 'clicks_share' or 'length', not {rule!r}")
    clicks = out["clicks"].fillna(0).groupby(out[col].astype("string"), sort=False).sum()
    clicks = clicks.sort_values(ascending=False, kind="stable")
    total = float(clicks.sum())
    if total <= 0:
        head = pd.Series(False, index=clicks.index)
    else:
        before = (clicks.cumsum() - clicks) / total
        head = (before < head_share) & (clicks > 0)
    flag = out[col].astype("string").map(head).fillna(False).astype(bool)
    out["word_class"] = np.where(flag.to_numpy(), "head", "long_tail")
    return out


def segment_summary(kpis: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Volumes, ratios of sums and shares per segment (``word_class``, ``is_brand``, ``quadrant``,
    ``match_type`` …).

    Returns
    -------
    DataFrame
        ``by``, ``words`` (rows of ``kpis``), the volumes, ctr/cpc/cvr/cpa/roi, and the segment's
        ``click_share``, ``cost_share`` and ``revenue_share`` of the total of ``kpis``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    if kpis.empty:
        cols = [*keys, "words", *VOLUMES, *KPI_RATIOS, "click_share", "cost_share"]
        return pd.DataFrame(columns=[*cols, "revenue_share"])
    grouped = kpis.groupby(keys, sort=False, dropna=False, observed=True)
    out = grouped[list(VOLUMES)].sum(min_count=1)
    out.insert(0, "words", grouped.size())
    out = _add_ratios(out.reset_index())
    out["click_share"] = ratio(out["clicks"], pd.Series(out["clicks"].sum(), index=out.index))
    out = _add_shares(out)
    return out.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def brand_share(keywords: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame:
    """Share of brand words (品牌词占比, a long-term KPI) in impressions, clicks, spend and revenue,
    and the ROI of paid search without brand words beside it.

    One row per level: ``search_terms`` (what people searched; the better measure) when the
    exports hold the search-term report, and ``keywords`` (what the shop bought). Both are paid
    search (快车) only: 京东商智's traffic sources (``traffic_daily``) carry no search words, so
    the brand share of all search (natural + paid) cannot be measured (``scope`` =
    :data:`BRAND_SCOPE`, shown as "仅付费搜索").

    Returns
    -------
    DataFrame
        ``level``, ``scope``, ``brand_clicks``, ``clicks``, ``brand_click_share``,
        ``nonbrand_roi``, ``brand_revenue``, ``revenue``, ``brand_revenue_share``,
        ``brand_cost_share``, ``brand_impression_share`` (ratios of sums; NaN when the level
        has no clicks, revenue …). ``nonbrand_roi`` = revenue / cost (元 / 元) of the rows whose
        text (the search term, or the keyword on the ``keywords`` level) contains no brand term:
        paid brand clicks may be clicks natural search would have brought, so this is the ROI
        paid search earns on its own.
    """
    rows = []
    for level, frame in (("search_terms", terms), ("keywords", keywords)):
        if frame is None or frame.empty:
            continue
        b = frame["is_brand"].astype(bool)
        sums = frame[list(VOLUMES)].sum(min_count=1)
        brand = frame.loc[b, list(VOLUMES)].sum(min_count=0)
        other = frame.loc[~b, ["cost", "revenue"]].sum(min_count=0)
        rows.append(
            {
                "level": level,
                "scope": BRAND_SCOPE,
                "brand_clicks": brand["clicks"],
                "clicks": sums["clicks"],
                "brand_click_share": ratio(brand["clicks"], sums["clicks"]),
                "nonbrand_roi": ratio(other["revenue"], other["cost"]),
                "brand_revenue": brand["revenue"],
                "revenue": sums["revenue"],
                "brand_revenue_share": ratio(brand["revenue"], sums["revenue"]),
                "brand_cost_share": ratio(brand["cost"], sums["cost"]),
                "brand_impression_share": ratio(brand["impressions"], sums["impressions"]),
            }
        )
    cols = [
        "level", "scope", "brand_clicks", "clicks", "brand_click_share", "nonbrand_roi",
        "brand_revenue", "revenue", "brand_revenue_share", "brand_cost_share",
        "brand_impression_share",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def brand_share_trend(
    frame: pd.DataFrame, end: Any, brand_terms: Iterable[str], months: int = 13
) -> pd.DataFrame:
    """Monthly brand-word share of clicks and revenue, for the ``months`` months ending with the
    month of ``end`` (rows after ``end`` are not used).

    Each month is measured on its search-term rows when it has any, else on its keyword-report
    rows (``level`` says which). Months without rows are left out.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``level``, ``clicks``, ``brand_clicks``, ``brand_click_share``,
        ``revenue``, ``brand_revenue``, ``brand_revenue_share``.
    """
    cols = [
        "month", "level", "clicks", "brand_clicks", "brand_click_share", "revenue",
        "brand_revenue", "brand_revenue_share",
    ]  # fmt: skip
    if frame.empty or "date" not in frame:
        return pd.DataFrame(columns=cols)
    end_ts = pd.Timestamp(end)
    first = (end_ts.to_period("M") - (months - 1)).start_time
    use = [c for c in ("date", "keyword", "search_term", "clicks", "revenue", "direct_revenue",
                       "indirect_revenue") if c in frame]  # fmt: skip
    rows = _in_period(frame, (first, end_ts), columns=use)
    kw_rows, term_rows = split_levels(rows)
    parts = []
    for level, part, col in (
        ("search_terms", term_rows, "search_term"),
        ("keywords", kw_rows, "keyword"),
    ):
        if part.empty:
            continue
        vols = _volumes(part)
        month = pd.to_datetime(part["date"]).to_numpy().astype("datetime64[M]")
        brand = _by_text(part[col], lambda s: is_brand(s, brand_terms)).to_numpy()
        d = pd.DataFrame(
            {
                "month": month.astype("datetime64[ns]"),
                "clicks": vols["clicks"],
                "revenue": vols["revenue"],
                "brand_clicks": np.where(brand, vols["clicks"], 0.0),
                "brand_revenue": np.where(brand, vols["revenue"], 0.0),
            }
        )
        g = d.groupby("month").sum(min_count=1).reset_index()
        g["level"] = level
        parts.append(g)
    if not parts:
        return pd.DataFrame(columns=cols)
    both = pd.concat(parts, ignore_index=True)
    both["rank"] = (both["level"] != "search_terms").astype(int)
    best = both.sort_values(["month", "rank"]).drop_duplicates("month", keep="first")
    best["brand_click_share"] = ratio(best["brand_clicks"], best["clicks"])
    best["brand_revenue_share"] = ratio(best["brand_revenue"], best["revenue"])
    return best[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Shrinkage, quadrants, break-even


PHASE_COLUMNS = [
    "phase", "label", "days", "cost", "revenue", "carts", "order_lines", "roi", "cost_per_cart",
]  # fmt: skip
"""Columns of :func:`account_phases`."""


def account_phases(
    frame: pd.DataFrame,
    period: Period | tuple[Any, Any],
    promotions: Mapping[str, Any] | None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The 快车 account per segment of ``period`` — 日常 and each promotion phase
    (:func:`jdpromo.periods.segments`) — so a warm-up is judged on its own yardstick.

    Rows are the keyword-report rows of the period (the search-term rows when the period has
    none, as in :func:`keyword_kpis`). Returns one row per segment present, in the order
    ordinary, warmup, peak, encore: ``phase``, ``label`` (the promotions' names in ``lang``,
    :func:`jdpromo.periods.promotion_label`, joined as a list of that language,
    :func:`jdpromo.text.join_list`; empty for 日常), ``days``, ``cost`` (元), ``revenue`` (元,
    rows with a revenue value),
    ``carts``, ``order_lines``, ``roi`` (revenue ÷ cost of the rows whose revenue is known,
    as the account ROI of :func:`summary_sentences`) and ``cost_per_cart`` (加购成本 = cost ÷
    carts, 元); NaN for a zero denominator. Empty (with :data:`PHASE_COLUMNS`) when the period
    overlaps no promotion phase or is not a :class:`~jdpromo.periods.Period`.
    """
    if not isinstance(period, Period):
        return pd.DataFrame(columns=PHASE_COLUMNS)
    runs = segments(period, promotions)
    if all(seg == "ordinary" for seg, _, _ in runs):
        return pd.DataFrame(columns=PHASE_COLUMNS)
    rows, term_rows = split_levels(_in_period(frame, period))
    if rows.empty:
        rows = term_rows
    day = pd.to_datetime(rows["date"]).to_numpy() if len(rows) else np.array([], "M8[ns]")
    vol = _volumes(rows)
    known = ~(np.isnan(vol["revenue"]) & ~(vol["order_lines"] <= 0))
    labels: dict[str, list[str]] = {}
    for s in phase_spans(period, promotions, lang):
        labels.setdefault(s.phase, []).append(s.label)
    recs = []
    for seg in SEGMENTS:
        spans = [(a, b) for s, a, b in runs if s == seg]
        if not spans:
            continue
        mask = np.zeros(len(rows), dtype=bool)
        for a, b in spans:
            mask |= (day >= np.datetime64(a)) & (day <= np.datetime64(b))
        cost, carts = np.nansum(vol["cost"][mask]), np.nansum(vol["carts"][mask])
        recs.append({
            "phase": seg, "label": join_list(dict.fromkeys(labels.get(seg, [])), lang),
            "days": sum((b - a).days + 1 for a, b in spans), "cost": float(cost),
            "revenue": float(np.nansum(vol["revenue"][mask & known])), "carts": float(carts),
            "order_lines": float(np.nansum(vol["order_lines"][mask])),
            "roi": ratio(float(np.nansum(vol["revenue"][mask & known])),
                         float(np.nansum(vol["cost"][mask & known]))),
            "cost_per_cart": ratio(float(cost), float(carts)),
        })  # fmt: skip
    return pd.DataFrame(recs, columns=PHASE_COLUMNS)


def account_rates(kpis: pd.DataFrame) -> dict[str, float]:
    """The account's ctr, cvr and revenue per order line (元) over ``kpis`` (ratios of sums)."""
    s = kpis[["impressions", "clicks", "order_lines", "revenue", "cost"]].sum(min_count=1)
    return {
        "ctr": ratio(s["clicks"], s["impressions"]),
        "cvr": ratio(s["order_lines"], s["clicks"]),
        "revenue_per_order_line": ratio(s["revenue"], s["order_lines"]),
        "cpc": ratio(s["cost"], s["clicks"]),
        "roi": ratio(s["revenue"], s["cost"]),
    }


def account_roi(kpis: pd.DataFrame) -> float:
    """The account's ROI as the keyword page states it: revenue ÷ cost over the words whose
    revenue is known (NaN when none is)."""
    known = kpis.loc[~_revenue_unknown(kpis)] if len(kpis) else kpis
    if not len(known):
        return np.nan
    return ratio(known["revenue"].sum(min_count=1), known["cost"].sum())


def line_gap(
    keywords: pd.DataFrame,
    ad: pd.DataFrame | None,
    period: Period | tuple[Any, Any],
    breakeven_roi: float = 1.0,
) -> dict[str, Any] | None:
    """The keyword report's total (``keywords``, :func:`keyword_kpis`) against the 快车 line
    of the ad report (``ad_daily`` rows of :data:`SEARCH_LINE`, the figure the channel page
    shows, :func:`jdpromo.channels.ad_kpis`) over the same period.

    The keyword report holds search traffic only: a 快车 campaign bought on placements, not
    keywords (推荐位, 猜你喜欢), is in the line but has no keyword rows, so the totals differ.

    Returns
    -------
    dict or None
        ``line_cost``, ``line_revenue`` (元), ``line_roi`` of the line; ``cost``, ``roi`` of the
        keyword report (:func:`account_roi`); ``cost_gap`` = line cost − keyword cost (元);
        ``campaigns``: the line's campaigns with spend and no keyword row (most spend first)
        and ``campaigns_cost`` (元) — None when the ad report has no 快车 row in the period, or
        when the two agree as the pages show them (cost in whole 元, ROI to two decimals).
    """
    from jdpromo.channels import ad_kpis

    if ad is None or ad.empty or "product_line" not in ad or keywords is None or keywords.empty:
        return None
    rows = ad.loc[ad["product_line"].astype("string").eq(SEARCH_LINE).fillna(False)]
    if rows.empty or "campaign" not in rows:
        return None
    camps = ad_kpis(rows, period, breakeven_roi, by="campaign")
    camps = camps.loc[camps["days"] > 0]
    if camps.empty:
        return None
    line_cost, line_revenue = float(camps["cost"].sum()), float(camps["revenue"].sum())
    line_roi, roi = ratio(line_revenue, line_cost), account_roi(keywords)
    cost = float(keywords["cost"].sum())
    if round(line_cost) == round(cost) and _fmt_ratio(line_roi) == _fmt_ratio(roi):
        return None
    bought = set(keywords["campaign"].dropna().astype(str))
    missing = camps.loc[~camps["channel"].astype(str).isin(bought) & (camps["cost"] > 0)]
    return {
        "line_cost": line_cost,
        "line_revenue": line_revenue,
        "line_roi": line_roi,
        "cost": cost,
        "roi": roi,
        "cost_gap": line_cost - cost,
        "campaigns": [str(c) for c in missing["channel"]],
        "campaigns_cost": float(missing["cost"].sum()),
    }


def _revenue_unknown(frame: pd.DataFrame) -> pd.Series:
    """Rows whose revenue is unknown: no revenue value although they have (or may have) order
    lines. A row without order lines and without revenue earned nothing."""
    return frame["revenue"].isna() & ~(frame["order_lines"] <= 0)


def _shrunk(num: Any, den: Any, prior: Any, strength: float) -> Any:
    """``(num + strength × prior) / (den + strength)``: a rate shrunk toward ``prior``."""
    return (
        np.nan_to_num(np.asarray(num, dtype=float)) + strength * np.asarray(prior, dtype=float)
    ) / (np.nan_to_num(np.asarray(den, dtype=float)) + strength)


def _priors(
    kpis: pd.DataFrame, kp: KeywordParams, account: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Prior ctr, cvr and revenue per order line of each row: its campaign's rates shrunk toward
    the account's (``shrink_to="campaign"``), or the account's."""
    n = len(kpis)
    acc = (account["ctr"], account["cvr"], account["revenue_per_order_line"])
    if kp.shrink_to != "campaign" or "campaign" not in kpis or n == 0:
        return tuple(np.full(n, v, dtype=float) for v in acc)  # type: ignore[return-value]
    keys = kpis["campaign"].astype("string").fillna("")
    c = kpis[["impressions", "clicks", "order_lines", "revenue"]].groupby(keys.to_numpy()).sum()
    c_ctr = _shrunk(c["clicks"], c["impressions"], acc[0], kp.prior_impressions)
    c_cvr = _shrunk(c["order_lines"], c["clicks"], acc[1], kp.prior_clicks)
    c_rpol = _shrunk(c["revenue"], c["order_lines"], acc[2], kp.prior_order_lines)
    idx = c.index.get_indexer(keys.to_numpy())
    return np.asarray(c_ctr)[idx], np.asarray(c_cvr)[idx], np.asarray(c_rpol)[idx]


def shrink_rates(
    kpis: pd.DataFrame, kp: KeywordParams, account: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Add each word's rates shrunk toward its campaign's (or the account's) rates: a copy.

    Parameters
    ----------
    kpis
        Output of :func:`keyword_kpis` / :func:`search_term_kpis` (or any frame with impressions,
        clicks, order_lines, revenue and optionally campaign).
    kp
        ``prior_impressions``, ``prior_clicks``, ``prior_order_lines`` (prior strengths) and
        ``shrink_to``.
    account
        The reference rates (default :func:`account_rates` of ``kpis``).

    Returns
    -------
    DataFrame
        ``kpis`` with ``ctr_prior``, ``cvr_prior``, ``rpol_prior`` (the prior means),
        ``ctr_shrunk`` = (clicks + m·ctr_prior) / (impressions + m),
        ``cvr_shrunk`` = (order_lines + k·cvr_prior) / (clicks + k) (gamma-Poisson posterior
        mean; order lines may exceed clicks), and ``revenue_per_order_line`` =
        (revenue + o·rpol_prior) / (order_lines + o) in 元 — NaN where the word's revenue is
        unknown (order lines without a revenue value) or the prior's is.
    """
    out = kpis.copy()
    account = dict(account) if account is not None else account_rates(kpis)
    ctr0, cvr0, rpol0 = _priors(out, kp, account)
    out["ctr_prior"] = ctr0
    out["cvr_prior"] = cvr0
    out["rpol_prior"] = rpol0
    out["ctr_shrunk"] = _shrunk(out["clicks"], out["impressions"], ctr0, kp.prior_impressions)
    out["cvr_shrunk"] = _shrunk(out["order_lines"], out["clicks"], cvr0, kp.prior_clicks)
    rpol = _shrunk(out["revenue"], out["order_lines"], rpol0, kp.prior_order_lines)
    out["revenue_per_order_line"] = np.where(_revenue_unknown(out), np.nan, rpol)
    out.attrs["account"] = account
    return out


def _p_cvr_at_least(
    order_lines: Any, clicks: Any, prior: Any, strength: float, level: Any
) -> np.ndarray:
    """P(cvr ≥ ``level``) under the gamma-Poisson posterior Gamma(ol + k·λ₀, clicks + k)."""
    shape = np.nan_to_num(np.asarray(order_lines, dtype=float)) + strength * np.asarray(
        prior, float
    )
    rate = np.nan_to_num(np.asarray(clicks, dtype=float)) + strength
    with np.errstate(invalid="ignore"):
        return _st.gamma.sf(np.asarray(level, dtype=float) * rate, shape)


def add_quadrants(
    kpis: pd.DataFrame, kp: KeywordParams, account: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Place each word in a CTR × cvr quadrant relative to the account: a copy.

    Needs :func:`shrink_rates`'s columns. A word is *high* on an axis when the posterior
    probability that its rate exceeds the account's is at least ``quadrant_probability``, *low*
    when it is at most 1 − that, else undecided: CTR ~ Beta(clicks + m·ctr₀, impressions −
    clicks + m·(1 − ctr₀)); cvr ~ Gamma(order_lines + k·cvr₀, clicks + k) — a count model, as
    order lines can exceed clicks.

    Returns
    -------
    DataFrame
        With ``p_ctr_above``, ``p_cvr_above`` and ``quadrant`` (:data:`QUADRANTS`): ``star``
        (high, high), ``clicks_no_sales`` (high CTR, low cvr), ``sales_few_clicks`` (low CTR,
        high cvr), ``dud`` (low, low), else ``uncertain`` — also every word with fewer than
        ``min_clicks_quadrant`` clicks.
    """
    out = kpis.copy()
    account = (
        dict(account) if account is not None else out.attrs.get("account") or account_rates(out)
    )
    impr = np.nan_to_num(out["impressions"].to_numpy(dtype=float))
    clicks = np.nan_to_num(out["clicks"].to_numpy(dtype=float))
    m, k = kp.prior_impressions, kp.prior_clicks
    ctr0 = out["ctr_prior"].to_numpy(dtype=float)
    a = clicks + m * ctr0
    b = np.maximum(impr - clicks, 0.0) + m * (1.0 - ctr0)
    with np.errstate(invalid="ignore"):
        p_ctr = _st.beta.sf(account["ctr"], a, b)
    p_cvr = _p_cvr_at_least(out["order_lines"], clicks, out["cvr_prior"], k, account["cvr"])
    out["p_ctr_above"] = p_ctr
    out["p_cvr_above"] = p_cvr
    q = kp.quadrant_probability
    hi_ctr, lo_ctr = p_ctr >= q, p_ctr <= 1 - q
    hi_cvr, lo_cvr = p_cvr >= q, p_cvr <= 1 - q
    quad = np.select(
        [hi_ctr & hi_cvr, hi_ctr & lo_cvr, lo_ctr & hi_cvr, lo_ctr & lo_cvr],
        ["star", "clicks_no_sales", "sales_few_clicks", "dud"],
        default="uncertain",
    )
    quad = np.where(clicks < kp.min_clicks_quadrant, "uncertain", quad)
    out["quadrant"] = quad
    out.attrs["account"] = account
    return out


def add_breakeven(kpis: pd.DataFrame, kp: KeywordParams, breakeven_roi: float) -> pd.DataFrame:
    """Add the break-even test of each word: a copy.

    Needs :func:`shrink_rates`'s columns.

    Returns
    -------
    DataFrame
        With ``breakeven_cvr`` = cpc × ``breakeven_roi`` / revenue_per_order_line (the cvr at
        which the word's ROI equals 保本ROI), ``expected_at_breakeven`` = clicks ×
        breakeven_cvr (order lines it should have brought at break-even), and ``p_breakeven``
        = P(cvr ≥ breakeven_cvr) under the gamma-Poisson posterior (NaN without clicks or
        without a revenue per order line).
    """
    out = kpis.copy()
    be = ratio(out["cpc"] * breakeven_roi, out["revenue_per_order_line"])
    out["breakeven_cvr"] = be
    out["expected_at_breakeven"] = out["clicks"] * be
    p = _p_cvr_at_least(out["order_lines"], out["clicks"], out["cvr_prior"], kp.prior_clicks, be)
    out["p_breakeven"] = np.where(np.isfinite(be) & (out["clicks"].fillna(0) > 0), p, np.nan)
    return out


def _fails_breakeven(frame: pd.DataFrame, kp: KeywordParams, min_clicks: int) -> pd.Series:
    """Enough evidence and a low probability of reaching break-even (observed cvr below it)."""
    clicks = frame["clicks"].fillna(0)
    enough = (
        (clicks >= min_clicks)
        & (frame["expected_at_breakeven"].fillna(0) >= kp.min_expected_order_lines)
        & (frame["cost"].fillna(0) >= kp.min_cost_negative)
    )
    below = frame["cvr"].fillna(0) < frame["breakeven_cvr"]
    return (enough & below & (frame["p_breakeven"] < kp.max_probability)).fillna(False)


# --------------------------------------------------------------------------------------------
# Actions: negatives, pauses, bids, new words


def _join_keywords(values: pd.Series) -> str:
    seen = list(dict.fromkeys(str(v) for v in values if isinstance(v, str) and v))
    return " | ".join(seen)


def _unit_key(frame: pd.DataFrame) -> pd.Series:
    """``campaign + unit`` of each row (text; missing parts as "")."""
    camp = frame["campaign"].astype("string").fillna("")
    unit = (
        frame["unit"].astype("string").fillna("")
        if "unit" in frame
        else pd.Series("", index=frame.index, dtype="string")
    )
    return camp + "\x1f" + unit


# Near-duplicates of bought keywords and irrelevant words

_TOKEN = re.compile(r"[0-9a-z]+|[^\W0-9a-z_]+")
_PLURAL_ES = ("sses", "shes", "ches", "xes", "zes")

NEAR_DUPLICATE = ("variant", "contains", "contained")
"""How a search term resembles a bought keyword (:func:`near_duplicate`), closest first."""


def _singular(token: str) -> str:
    """An English plural ending dropped (fryers → fryer, boxes → box, berries → berry)."""
    if len(token) < 4 or not (token.isascii() and token.isalpha()):
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(_PLURAL_ES):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def word_tokens(text: Any) -> tuple[str, ...]:
    """The tokens a word is compared by when looking for near-duplicates.

    NFKC (full-width → half-width), case-folded, split at spaces and punctuation and between
    Latin letters or digits and other characters, an English plural ending dropped.

    Examples
    --------
    >>> word_tokens("Air-Fryers")
    ('air', 'fryer')
    >>> word_tokens("空气炸锅 ５L")
    ('空气炸锅', '5l')
    """
    return _tokens(text) if isinstance(text, str) else ()


@lru_cache(maxsize=1 << 16)
def _tokens(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return tuple(_singular(t) for t in _TOKEN.findall(folded))


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    """Whether ``inner`` occurs in ``outer`` (tokens joined without spaces) without cutting a
    Latin word: 空气炸锅 is in 多功能空气炸锅, "air fryer" in "air fryer liner", "pan" is not
    in "japanese"."""
    big, small = "".join(outer), "".join(inner)
    if not small or small not in big:
        return False
    cuts = set(itertools.accumulate((len(t) for t in outer), initial=0))

    def edge(i: int) -> bool:
        return i in cuts or not (_latin(big[i - 1]) and _latin(big[i]))

    at = big.find(small)
    while at >= 0:
        if edge(at) and edge(at + len(small)):
            return True
        at = big.find(small, at + 1)
    return False


def near_duplicate(term: Any, keyword: Any) -> str | None:
    """How search term ``term`` is a near-duplicate of bought keyword ``keyword``, else None.

    Both are compared as :func:`word_tokens` (spaces, punctuation, case and an English plural
    removed): ``variant`` — the same ("air fryers", "Air-Fryer" and "air fryer");
    ``contains`` — the term contains the keyword (多功能空气炸锅 ⊃ 空气炸锅); ``contained`` — the
    keyword contains the term (炸锅 ⊂ 空气炸锅). The shorter side of a containment needs 2
    characters or more, and a containment never cuts a Latin word.

    Examples
    --------
    >>> [near_duplicate(t, "air fryer") for t in ("Air-Fryers", "best air fryer", "air")]
    ['variant', 'contains', 'contained']
    >>> near_duplicate("电饭煲", "空气炸锅") is None
    True
    """
    a, b = word_tokens(term), word_tokens(keyword)
    ja, jb = "".join(a), "".join(b)
    if not ja or not jb:
        return None
    if ja == jb:
        return "variant"
    if len(jb) >= 2 and _contains(a, b):
        return "contains"
    if len(ja) >= 2 and _contains(b, a):
        return "contained"
    return None


def _irrelevant_markers(
    kp: KeywordParams, competitors: Sequence[str] = ()
) -> list[tuple[str, tuple[str, ...]]]:
    """The irrelevant words in force (:data:`jdpromo.params.IRRELEVANT_WORDS` unless
    ``default_irrelevant_words`` is false, plus ``irrelevant_words``, plus the shop's
    ``competitor_brands``: a search for a rival's product is not the shop's keyword's traffic,
    unless the unit buys that brand) with their tokens."""
    words = [*(IRRELEVANT_WORDS if kp.default_irrelevant_words else ()), *kp.irrelevant_words,
             *competitors]  # fmt: skip
    out = [(w, word_tokens(w)) for w in dict.fromkeys(words)]
    return [(w, toks) for w, toks in out if toks]


class _Vocab:
    """A unit's bought keywords, indexed to find the near-duplicates of a search term without
    comparing it with every keyword."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        self.toks = [word_tokens(w) for w in self.words]
        joined = ["".join(t) for t in self.toks]
        self.by_joined: dict[str, list[int]] = {}
        for i, j in enumerate(joined):
            if j:
                self.by_joined.setdefault(j, []).append(i)
        self.blob = "\n".join(joined)
        self.starts = list(itertools.accumulate((len(j) + 1 for j in joined), initial=0))

    def candidates(self, joined: str) -> list[int]:
        """Keywords equal to, inside, or containing ``joined`` (a term's joined tokens)."""
        found: set[int] = set()
        n = len(joined)
        for a in range(n):  # keywords inside the term (and equal to it)
            for b in range(a + 2 if n > 1 else a + 1, n + 1):
                found.update(self.by_joined.get(joined[a:b], ()))
        at = self.blob.find(joined) if joined else -1
        while at >= 0:  # keywords containing the term
            found.add(bisect.bisect_right(self.starts, at) - 1)
            at = self.blob.find(joined, at + 1)
        return sorted(found)


def _similar_keyword(
    term: str, vocab: _Vocab, markers: Sequence[tuple[str, tuple[str, ...]]]
) -> tuple[str | None, str | None, str | None]:
    """``(similar keyword, relation, irrelevant word)`` of a search term in its unit.

    The term is relevant when it is a near-duplicate of a keyword the unit buys and carries no
    irrelevant word that keyword lacks (空气炸锅专用纸 contains 空气炸锅, but 专用纸 makes it
    another product; a unit that buys 空气炸锅专用纸 keeps its variants). The closest relevant
    keyword is returned (variant, then the longest keyword the term contains, then the
    shortest containing it), else the irrelevant word of the closest one.
    """
    term_toks = word_tokens(term)
    found = []
    for i in vocab.candidates("".join(term_toks)):
        word, toks = vocab.words[i], vocab.toks[i]
        rel = near_duplicate(term, word)
        if rel is None:
            continue
        length = len("".join(toks))
        rank = (NEAR_DUPLICATE.index(rel), -length if rel == "contains" else length)
        bad = next((m for m, mt in markers if _contains(term_toks, mt)
                    and not _contains(toks, mt)), None)  # fmt: skip
        found.append((bad is not None, rank, i, word, rel, bad))
    if not found:
        return None, None, None
    *_, word, rel, bad = min(found, key=lambda f: f[:3])
    return word, rel, bad


# Which search terms are negated, and what happens to the others

TERM_VERDICTS = (
    "negative", "held", "exact_word", "bought_elsewhere", "at_breakeven", "bought", "brand",
)  # fmt: skip
"""``verdict`` of :func:`term_actions`, for a search term that fails the break-even test:
``negative`` (proposed as a negative); ``held`` (its keyword is already paused or bid down: one
action per traffic); ``exact_word`` (a near-duplicate of a bought keyword: add it as an exact
keyword at a lower bid, :func:`exact_word_suggestions`); ``bought_elsewhere`` (a near-duplicate
already bought as a keyword in another unit: that keyword's bid decides); ``at_breakeven`` (its
observed ROI reaches 保本ROI); ``bought`` (it is a keyword bought in the unit: the keyword's own
pause or bid decides); ``brand`` (brand terms are never negated)."""


def _keyword_actions(
    pauses: pd.DataFrame | None, bids: pd.DataFrame | None
) -> dict[tuple[str, str], str]:
    """``(campaign + unit, normalized keyword) → pause / bid_down`` for the keywords the review
    already pauses or bids down (:func:`keyword_pauses`, :func:`bid_suggestions` lowering)."""
    out: dict[tuple[str, str], str] = {}
    sources = (
        (pauses, "action", {"pause": "pause", "bid_down": "bid_down"}),
        (bids, "reason", {"lower": "bid_down", "lower_capped": "bid_down"}),
    )
    for frame, col, codes in sources:
        if frame is None or len(frame) == 0 or col not in frame:
            continue
        f = frame.loc[frame[col].isin(list(codes))]
        words = normalize_text(f["keyword"]).fillna("")
        for unit, word, code in zip(_unit_key(f), words, f[col], strict=True):
            out.setdefault((unit, word), codes[code])
    return out


def _aggregate_terms(
    terms: pd.DataFrame, params: ShopParams, account: Mapping[str, float] | None
) -> pd.DataFrame:
    """Search terms per campaign × unit over all the keywords they came through, with the
    break-even test's columns (keywords listed most spend first; campaign/unit "" if none)."""
    kp = params.keywords
    account = dict(account) if account is not None else account_rates(terms)
    keys = ["campaign", "unit", "search_term"]
    t = terms.copy()
    for k in keys:
        t[k] = t[k].astype("string").fillna("")
    t = t.sort_values("cost", ascending=False, kind="stable")
    g = t.groupby(keys, sort=False)
    agg = g[list(VOLUMES)].sum(min_count=1)
    agg["keyword"] = g["keyword"].agg(_join_keywords)
    agg["match_type"] = g["match_type"].agg(_join_keywords)
    agg["is_brand"] = g["is_brand"].any()
    agg = _add_ratios(agg.reset_index())
    return add_breakeven(shrink_rates(agg, kp, account), kp, params.breakeven_roi)


def term_actions(
    terms: pd.DataFrame,
    params: ShopParams,
    keywords: pd.DataFrame | None = None,
    account: Mapping[str, float] | None = None,
    *,
    pauses: pd.DataFrame | None = None,
    bids: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What to do with each search term that fails the break-even test, per campaign × unit.

    The test is the negatives' (``min_clicks_negative`` clicks, ``min_expected_order_lines``,
    ``min_cost_negative``, cvr below break-even, P(reaching break-even) < ``max_probability``);
    a failing term then gets the first :data:`TERM_VERDICTS` that applies, in this order:

    1. ``brand`` — a brand term;
    2. ``bought`` — the keyword itself (the same text as JD compares it,
       :func:`normalize_text`), bought in the unit;
    3. ``at_breakeven`` — observed ROI ≥ 保本ROI (the shrunk test can fail on a few large
       orders);
    4. ``exact_word`` — a near-duplicate (:func:`near_duplicate`) of a keyword the unit buys,
       without an irrelevant word that keyword lacks: relevant traffic, never negated; or
       ``bought_elsewhere`` when another unit already buys it as a keyword;
    5. ``held`` — a keyword it came through in the unit is paused or bid down (``pauses`` /
       ``bids``): one action per traffic, the keyword's;
    6. ``negative``.

    Parameters
    ----------
    terms
        :func:`search_term_kpis`.
    params
        Shop params (``breakeven_roi``, ``keywords``: the test, ``irrelevant_words``).
    keywords
        :func:`keyword_kpis`: the keywords each unit buys (the keywords named in ``terms``
        count as bought too).
    account
        Reference rates of the shrinkage (default: those of ``terms``).
    pauses, bids
        :func:`keyword_pauses` and :func:`bid_suggestions` of the same review.

    Returns
    -------
    DataFrame
        One row per failing campaign × unit × search term: ``search_term``, ``keyword`` (the
        keywords it came through, most spend first), campaign, unit, match_type, volumes and
        ratios, the shrinkage and break-even columns, ``verdict``, ``similar_keyword`` and
        ``relation`` (:data:`NEAR_DUPLICATE`) of the closest bought keyword, ``irrelevant_word``
        (the word that made a near-duplicate irrelevant), ``held_by`` (the paused or bid-down
        keywords) and ``keyword_action`` (``pause`` / ``bid_down``).
    """
    if terms is None or terms.empty:
        return pd.DataFrame(columns=["search_term", "keyword", "campaign", "unit", *_VERDICT_COLS])
    kp = params.keywords
    agg = _aggregate_terms(terms, params, account)
    out = agg.loc[_fails_breakeven(agg, kp, kp.min_clicks_negative)].copy()
    markers = _irrelevant_markers(kp, params.competitor_brands)
    ctx = _UnitWords.of(terms, keywords, _keyword_actions(pauses, bids), markers)
    judged = [
        _judge_term(ctx, unit, term, came, bool(brand), roi, params.breakeven_roi)
        for unit, term, came, brand, roi in zip(
            _unit_key(out), out["search_term"], out["keyword"], out["is_brand"], out["roi"],
            strict=True,
        )
    ]  # fmt: skip
    for i, col in enumerate(_VERDICT_COLS):
        out[col] = pd.Series([j[i] for j in judged], index=out.index, dtype=object)
    for k in ("campaign", "unit"):
        out[k] = out[k].replace("", pd.NA)
    return out.reset_index(drop=True)


_VERDICT_COLS = ("verdict", "similar_keyword", "relation", "irrelevant_word", "held_by",
                 "keyword_action")  # fmt: skip


def _squash(text: str) -> str:
    """One word as :func:`normalize_text` compares it (lower case, no whitespace)."""
    return re.sub(r"\s+", "", text.lower())


@dataclass(frozen=True)
class _UnitWords:
    """What :func:`term_actions` looks up: each unit's bought keywords, every bought word of
    the account, the keywords already paused / bid down, the irrelevant words."""

    by_unit: dict[str, list[str]]
    bought: set[tuple[str, str]]
    anywhere: set[str]
    downs: dict[tuple[str, str], str]
    markers: list[tuple[str, tuple[str, ...]]]
    vocabs: dict[str, _Vocab] = field(default_factory=dict)

    def vocab(self, unit: str) -> _Vocab:
        if unit not in self.vocabs:
            self.vocabs[unit] = _Vocab(self.by_unit.get(unit, []))
        return self.vocabs[unit]

    @classmethod
    def of(
        cls,
        terms: pd.DataFrame,
        keywords: pd.DataFrame | None,
        downs: dict[tuple[str, str], str],
        markers: list[tuple[str, tuple[str, ...]]],
    ) -> _UnitWords:
        # the keywords search terms came through are bought in their unit too
        cols = ["campaign", "unit", "keyword"]
        parts = [keywords.reindex(columns=cols)] if keywords is not None and len(keywords) else []
        rows = pd.concat([*parts, terms.reindex(columns=cols)], ignore_index=True)
        rows = rows.loc[rows["keyword"].notna()].drop_duplicates()
        by_unit: dict[str, list[str]] = {}
        for unit, word in zip(_unit_key(rows), rows["keyword"].astype(str), strict=True):
            by_unit.setdefault(unit, [])
            if word not in by_unit[unit]:
                by_unit[unit].append(word)
        bought = {(u, _squash(w)) for u, words in by_unit.items() for w in words}
        return cls(by_unit, bought, {w for _, w in bought}, downs, markers)


def _judge_term(
    ctx: _UnitWords, unit: str, term: str, came: str, brand: bool, roi: float, breakeven: float
) -> tuple[str, str | None, str | None, str | None, str | None, str | None]:
    """``(verdict, similar_keyword, relation, irrelevant_word, held_by, keyword_action)`` of a
    search term failing the break-even test (rules in :func:`term_actions`)."""
    norm = _squash(term)
    if brand:
        return "brand", None, None, None, None, None
    if (unit, norm) in ctx.bought:
        return "bought", None, None, None, None, None
    if np.isfinite(roi) and roi >= breakeven:
        return "at_breakeven", None, None, None, None, None
    similar, relation, bad = _similar_keyword(term, ctx.vocab(unit), ctx.markers)
    if relation is not None and bad is None:
        verdict = "bought_elsewhere" if norm in ctx.anywhere else "exact_word"
        return verdict, similar, relation, None, None, None
    came_through = [k for k in came.split(" | ") if k] if came else []
    acted = [(k, ctx.downs[(unit, _squash(k))]) for k in came_through
             if (unit, _squash(k)) in ctx.downs]  # fmt: skip
    if not acted:
        return "negative", similar, relation, bad, None, None
    action = "pause" if any(a == "pause" for _, a in acted) else "bid_down"
    return "held", similar, relation, bad, " | ".join(k for k, _ in acted), action


NEGATIVE_COLUMNS = [
    "search_term", "keyword", "campaign", "unit", "match_type", "impressions", "clicks",
    "cost", "order_lines", "revenue", "ctr", "cpc", "cvr", "roi", "cvr_shrunk",
    "revenue_per_order_line", "breakeven_cvr", "p_breakeven", "spend_saved",
    "revenue_lost", "profit_gain", "negative_match", "irrelevant_word", "is_competitor", "reason",
    "held_account", "rank_in_unit", "within_unit_limit", "rival_campaign",
    "rival_campaign_verdict",
]  # fmt: skip
"""Columns of :func:`negative_candidates` (``tables/negative_keyword_candidates.csv``)."""


def _with_savings(frame: pd.DataFrame, params: ShopParams) -> pd.DataFrame:
    """What dropping each term's traffic saves: spend, revenue given up, profit (元)."""
    out = frame.copy()
    out["spend_saved"] = out["cost"]
    out["revenue_lost"] = out["revenue"].fillna(0)
    out["profit_gain"] = out["cost"] - out["revenue_lost"] * params.contribution_margin
    out["reason"] = np.where(out["order_lines"].fillna(0) <= 0, "no_orders", "below_breakeven")
    return out.sort_values("spend_saved", ascending=False, kind="stable")


def _negatives_from(
    actions: pd.DataFrame, params: ShopParams, account_below: bool = False
) -> pd.DataFrame:
    """The ``negative`` rows of :func:`term_actions`, ranked within their unit.

    When the whole account is below 保本 (``account_below``, :func:`account_below_breakeven`),
    a term that has order lines fails only because every word does: it is held
    (``held_account`` True, never proposed); terms without any order line still go.
    """
    if actions.empty or "verdict" not in actions:
        return pd.DataFrame(columns=NEGATIVE_COLUMNS)
    out = _with_savings(actions.loc[actions["verdict"] == "negative"], params)
    out["negative_match"] = "exact"
    # the word that makes the term negatable is a rival's brand (the sentence says so)
    words = out["irrelevant_word"].where(out["irrelevant_word"].notna(), "").astype(str)
    out["is_competitor"] = (words != "") & is_brand(words, params.competitor_brands)
    out["held_account"] = account_below & (out["reason"] == "below_breakeven")
    out = out.sort_values("held_account", kind="stable")
    out["rank_in_unit"] = out.groupby(["campaign", "unit"], sort=False, dropna=False).cumcount() + 1
    out["within_unit_limit"] = (out["rank_in_unit"] <= params.keywords.max_negatives_per_unit) & (
        ~out["held_account"]
    )
    out["rival_campaign"] = pd.Series(pd.NA, index=out.index, dtype=object)
    out["rival_campaign_verdict"] = pd.Series(pd.NA, index=out.index, dtype=object)
    return out[NEGATIVE_COLUMNS].reset_index(drop=True)


def rival_campaign_verdict(
    keywords: pd.DataFrame, verdicts: pd.DataFrame | None
) -> tuple[str, str] | None:
    """The shop's competitor campaign (every bought keyword holds a rival's brand,
    ``is_competitor`` of :func:`keyword_kpis`) and its verdict, when every such campaign is cut
    or paused now (:func:`jdpromo.channels.campaign_verdicts` ``cut`` / ``pause``): then a
    rival's brand is no traffic to buy there either. With several, the costliest one, and
    ``pause`` only when all are paused. None without a competitor campaign, or when one of them
    is not cut or paused (it can still take the word)."""
    if (
        keywords is None or keywords.empty or verdicts is None or verdicts.empty
        or "is_competitor" not in keywords or "verdict" not in verdicts
    ):  # fmt: skip
        return None
    k = keywords.assign(_rival=keywords["is_competitor"].fillna(False).astype(bool))
    rival = k.groupby(k["campaign"].astype(str))["_rival"].all()
    names = [str(c) for c, v in rival.items() if v]
    if not names:
        return None
    v = verdicts.assign(campaign=verdicts["campaign"].astype(str))
    v = v.loc[v["campaign"].isin(names)].drop_duplicates("campaign")
    if set(v["campaign"]) != set(names) or not v["verdict"].isin(["cut", "pause"]).all():
        return None
    v = v.sort_values("cost", ascending=False, kind="stable") if "cost" in v else v
    verdict = "pause" if (v["verdict"] == "pause").all() else "cut"
    return str(v["campaign"].iloc[0]), verdict


def with_rival_campaign(
    negatives: pd.DataFrame, keywords: pd.DataFrame, verdicts: pd.DataFrame | None
) -> pd.DataFrame:
    """``negatives`` with ``rival_campaign`` / ``rival_campaign_verdict`` set on the terms
    negated for a rival's brand (``is_competitor``) when the shop's competitor campaign is cut
    or paused now (:func:`rival_campaign_verdict`): their sentence then says that campaign
    loses money too, instead of proposing to buy the word there (:func:`negative_sentence`)."""
    judged = rival_campaign_verdict(keywords, verdicts)
    if judged is None or negatives.empty or "is_competitor" not in negatives:
        return negatives
    out = negatives.copy()
    rows = out["is_competitor"].fillna(False).astype(bool)
    for c in ("rival_campaign", "rival_campaign_verdict"):
        out[c] = out[c].astype(object) if c in out else pd.Series(pd.NA, out.index, dtype=object)
    out.loc[rows, "rival_campaign"] = judged[0]
    out.loc[rows, "rival_campaign_verdict"] = judged[1]
    return out


def account_below_breakeven(keywords: pd.DataFrame, params: ShopParams) -> bool:
    """Whether the 快车 account as a whole (keywords whose revenue is known) earns less than
    保本ROI. Then losing words are the account's problem — price, margin or the bid level —
    not the terms', and term-by-term negatives that follow only from it are held."""
    if (
        keywords is None
        or keywords.empty
        or not {"revenue", "cost", "order_lines"} <= set(keywords)
    ):
        return False  # a list of bought words without volumes says nothing about the account
    known = keywords.loc[~_revenue_unknown(keywords)]
    roi = ratio(known["revenue"].sum(min_count=1), known["cost"].sum())
    return bool(np.isfinite(roi) and roi < params.breakeven_roi)


def negative_candidates(
    terms: pd.DataFrame,
    params: ShopParams,
    keywords: pd.DataFrame | None = None,
    account: Mapping[str, float] | None = None,
    *,
    pauses: pd.DataFrame | None = None,
    bids: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Search terms to add as negative keywords (否定关键词), per campaign and unit.

    A negative keyword acts on its unit (推广单元), so each search term is judged over all the
    keywords of the unit it came through. It is proposed when it fails the break-even test
    (at least ``min_clicks_negative`` clicks, at least ``min_expected_order_lines`` order
    lines due at its break-even cvr, at least ``min_cost_negative`` 元, cvr below break-even
    and P(reaching break-even cvr) < ``max_probability`` under the gamma-Poisson posterior
    shrunk toward the campaign) and :func:`term_actions` finds nothing better to do with it.
    Never proposed: brand terms; a keyword bought in the unit (a negative would block it: its
    own pause or bid decides); a term whose observed ROI reaches 保本ROI; a near-duplicate of a
    bought keyword (relevant traffic: :func:`exact_word_suggestions`) unless it carries an
    irrelevant word (专用纸, 怎么清洗 …); a term whose keyword is already paused or bid down
    in ``pauses`` / ``bids`` (one action per traffic).

    Parameters
    ----------
    terms
        :func:`search_term_kpis`.
    params
        Shop params (``breakeven_roi``, ``contribution_margin``, ``keywords``).
    keywords
        :func:`keyword_kpis`, to know which keywords each unit buys (default: the keywords
        named in ``terms``).
    account
        Reference rates (default: those of ``terms``).
    pauses, bids
        :func:`keyword_pauses` and :func:`bid_suggestions` of the same review (default: none).

    Returns
    -------
    DataFrame
        ``search_term``, ``keyword`` (the keyword(s) it came through, most spend first),
        ``campaign``, ``unit``, ``match_type``, volumes and ratios, ``cvr_shrunk``,
        ``breakeven_cvr``, ``p_breakeven``, ``spend_saved`` (元: its spend in the period),
        ``revenue_lost`` (元), ``profit_gain`` (元: spend − revenue × contribution margin),
        ``negative_match`` (``exact``: 精确否定), ``irrelevant_word`` (the word that makes a
        term containing a bought keyword irrelevant, else empty), ``reason`` (``no_orders`` /
        ``below_breakeven``), ``rank_in_unit`` (by spend saved) and ``within_unit_limit``
        (rank ≤ ``max_negatives_per_unit``: what the workbook proposes). Sorted by spend saved.
    """
    actions = term_actions(terms, params, keywords, account, pauses=pauses, bids=bids)
    below = keywords is not None and account_below_breakeven(keywords, params)
    return _negatives_from(actions, params, below)


EXACT_WORD_COLUMNS = [
    "campaign", "unit", "keyword", "match_type", "new_bid", "similar_keyword", "relation",
    "came_through", "clicks", "cost", "order_lines", "revenue", "cpc", "roi", "cvr_shrunk",
    "revenue_per_order_line", "value_per_click", "target_roi", "target_basis", "expected_roi",
    "breakeven_cvr", "p_breakeven", "reason",
]  # fmt: skip
"""Columns of :func:`exact_word_suggestions` (``tables/exact_word_suggestions.csv``)."""


def _floor_bid(values: Any, kp: KeywordParams) -> np.ndarray:
    """Bids rounded *down* to ``bid_decimals`` (never above what the word can pay), kept
    within [``min_bid``, ``max_bid``]."""
    scale = 10.0**kp.bid_decimals
    out = np.floor(np.round(np.asarray(values, dtype=float) * scale, 6)) / scale
    return np.clip(out, kp.min_bid, kp.max_bid)


def _exact_from(actions: pd.DataFrame, params: ShopParams) -> pd.DataFrame:
    """The ``exact_word`` rows of :func:`term_actions` as keywords to add (精确匹配)."""
    if actions.empty or "verdict" not in actions:
        return pd.DataFrame(columns=EXACT_WORD_COLUMNS)
    kp = params.keywords
    e = actions.loc[actions["verdict"] == "exact_word"].copy()
    e = e.rename(columns={"keyword": "came_through"})
    # a keyword is one line of JD's bulk file: tabs and runs of spaces become one space
    e["keyword"] = e["search_term"].astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    e["match_type"] = MATCH_EXACT
    target_roi, target_basis = params.roi_target
    e["value_per_click"] = e["cvr_shrunk"] * e["revenue_per_order_line"]
    e = e.loc[e["value_per_click"].notna() & e["cpc"].notna()]
    # the price the traffic pays now, lowered by at most the step cap of any bid change
    affordable = np.minimum(e["value_per_click"] / target_roi, e["cpc"])
    affordable = np.maximum(affordable, e["cpc"] * (1 - params.bid_step_cap))
    e["new_bid"] = _floor_bid(affordable, kp)
    e["target_roi"] = target_roi
    e["target_basis"] = target_basis
    e["expected_roi"] = ratio(e["value_per_click"], e["new_bid"])
    e["reason"] = np.where(e["order_lines"].fillna(0) <= 0, "no_orders", "below_breakeven")
    # one exact keyword per word in the account: in the unit where it spent most
    e = e.sort_values("cost", ascending=False, kind="stable")
    e = e.loc[~normalize_text(e["keyword"]).duplicated()]
    return e[EXACT_WORD_COLUMNS].reset_index(drop=True)


def exact_word_suggestions(
    terms: pd.DataFrame,
    params: ShopParams,
    keywords: pd.DataFrame | None = None,
    account: Mapping[str, float] | None = None,
    *,
    pauses: pd.DataFrame | None = None,
    bids: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Relevant search terms below break-even to buy as exact keywords (精确匹配) at a lower bid
    — instead of negating them.

    A term that fails the negatives' break-even test but is a near-duplicate of a keyword its
    unit buys (:func:`near_duplicate`; ``exact_word`` in :func:`term_actions`) is relevant
    traffic: bought on its own as 精确匹配 it gets its own bid, the highest it can pay.
    ``new_bid`` = min(value per click ÷ target ROI, its CPC), rounded down to ``bid_decimals``
    and kept within [``min_bid``, ``max_bid``]; value per click = cvr_shrunk × revenue per order
    line (元); the target ROI is the shop's one (``ShopParams.roi_target``: ``targets.roi``,
    else 保本ROI). A word already bought in another unit is left to that keyword's bid; a word
    met in several units is proposed once, in the unit where it spent most.

    Returns
    -------
    DataFrame
        ``campaign``, ``unit``, ``keyword`` (the search term to add), ``match_type``
        (精确匹配), ``new_bid`` (元), ``similar_keyword`` and ``relation`` (the bought keyword it
        resembles and how, :data:`NEAR_DUPLICATE`), ``came_through`` (the keywords it matched),
        clicks, cost, order_lines, revenue, cpc, roi, cvr_shrunk, revenue_per_order_line,
        ``value_per_click`` (元), ``target_roi``, ``target_basis``, ``expected_roi`` = value
        per click ÷ new_bid (a CPC at the bid: at least this), breakeven_cvr, p_breakeven,
        ``reason`` (``no_orders`` / ``below_breakeven``). Sorted by spend.
    """
    actions = term_actions(terms, params, keywords, account, pauses=pauses, bids=bids)
    return _exact_from(actions, params)


def _bought_by_unit(keywords: pd.DataFrame) -> set[tuple[str, str]]:
    """``(campaign + unit, normalized keyword)`` pairs the shop buys."""
    if keywords is None or keywords.empty:
        return set()
    camp = keywords["campaign"].astype("string").fillna("")
    unit = (
        keywords["unit"].astype("string").fillna("")
        if "unit" in keywords
        else pd.Series("", index=keywords.index)
    )
    words = normalize_text(keywords["keyword"]).fillna("")
    return set(zip(camp + "\x1f" + unit, words, strict=True))


def _round_bid(values: np.ndarray, kp: KeywordParams) -> np.ndarray:
    scale = 10.0**kp.bid_decimals
    out = np.floor(np.asarray(values, dtype=float) * scale + 0.5) / scale
    return np.clip(out, kp.min_bid, kp.max_bid)


BID_MOVES = ("raise", "raise_capped", "lower", "lower_capped")
"""``reason`` codes of :func:`bid_suggestions` that change the bid."""
BID_KEEPS = (
    "no_value", "few_clicks", "hold", "meets_target", "misses_target", "at_limit",
    "brand_no_raise", "campaign_cut", "campaign_pause", "campaign_hold", "campaign_promo_pause",
    "keyword_pause",
)  # fmt: skip
"""``reason`` codes of :func:`bid_suggestions` (and :func:`defer_to_campaigns`) that keep the
bid exactly as it is."""


def _bid_limits(kp: KeywordParams) -> tuple[float, float]:
    """[``min_bid``, ``max_bid``] on the grid of ``bid_decimals`` (rounded inward)."""
    scale = 10.0**kp.bid_decimals
    lo = np.ceil(round(kp.min_bid * scale, 6)) / scale
    hi = np.floor(round(kp.max_bid * scale, 6)) / scale
    return float(lo), float(max(hi, lo))


def _bid_base(current: pd.Series, cpc: pd.Series, kp: KeywordParams) -> pd.Series:
    """What a step is measured from: the exported bid, else the CPC — but not below ``min_bid``,
    since JD charges at most the bid and no bid is lower than its minimum."""
    return current.where(current > 0, np.maximum(cpc, _bid_limits(kp)[0]))


def _step_bid(
    base: pd.Series, wanted: pd.Series, cap: float, kp: KeywordParams
) -> tuple[np.ndarray, np.ndarray]:
    """The bid ``wanted`` limited to ± ``cap`` of ``base``, on the bid grid, within [min_bid,
    max_bid] — the range last, so it holds even where the cap would pass it. Returns the bids
    and whether the range (not the target or the cap) set them."""
    scale = 10.0**kp.bid_decimals
    b = base.to_numpy(dtype=float)
    lo = np.ceil(np.round(b * (1 - cap) * scale, 6)) / scale  # rounded inward: never past the cap
    hi = np.floor(np.round(b * (1 + cap) * scale, 6)) / scale
    with np.errstate(invalid="ignore"):
        w = np.clip(wanted.to_numpy(dtype=float), b * (1 - cap), b * (1 + cap))
        stepped = np.floor(w * scale + 0.5) / scale
        stepped = np.where(lo <= hi, np.clip(stepped, lo, hi), stepped)
    min_bid, max_bid = _bid_limits(kp)
    new = np.clip(stepped, min_bid, max_bid)
    return new, np.isfinite(new) & (new != stepped)


def _expected_roi(
    k: pd.DataFrame, value: pd.Series, expected_cpc: pd.Series, lower: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected ROI at the new bid and its basis: the more cautious of two estimates, for words
    with order lines of their own (NaN otherwise: no data of its own, no promise).

    ``observed`` = observed ROI × CPC / expected CPC, the word's own value per click at the new
    CPC (the price effect alone); ``shrunk`` = value of a click (shrunk cvr × revenue per order
    line) / expected CPC, the model the bid came from, considered only when it lies on the side
    of the observed ROI the change points to (a cut: at or above it; a raise: at or below). The
    lower of the two is shown, so a cut never promises more than its cheaper clicks buy (a word
    at ROI 0.97 cut 30% shows 1.39, not the campaign's rate).
    """
    roi = k["roi"].to_numpy(dtype=float)
    shrunk = ratio(value, expected_cpc).to_numpy(dtype=float)
    observed = ratio(k["roi"] * k["cpc"], expected_cpc).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        has_own = np.isfinite(observed) & (k["order_lines"].fillna(0).to_numpy() > 0)
        agrees = np.where(lower, shrunk >= roi, shrunk <= roi) & np.isfinite(shrunk)
        use_shrunk = has_own & agrees & (shrunk < observed)
    est = np.where(use_shrunk, shrunk, np.where(has_own, observed, np.nan))
    basis = np.where(use_shrunk, "shrunk", np.where(has_own, "observed", None))
    return est, basis


def bid_suggestions(keywords: pd.DataFrame, params: ShopParams) -> pd.DataFrame:
    """New bids (出价) from the target ROI, capped per step, within JD's bid range.

    Needs :func:`shrink_rates` applied to :func:`keyword_kpis`.

    ``target_bid`` = cvr_shrunk × revenue_per_order_line / target ROI (元): the affordable CPC,
    the highest CPC at which the word still earns the shop's one target ROI
    (``ShopParams.roi_target``: ``targets.roi``, else ``target_roi``, else 保本ROI). It is compared
    with the word's **actual CPC** (JD charges less than the bid): the bid should move by the
    factor target_bid / cpc, so that the CPC, assumed to move in proportion to the bid, reaches
    the affordable CPC. That step is limited to ± ``bid_step_cap`` (a fraction) of the current bid
    where the export has 出价 (``bid_basis = "bid"``), else of the CPC but at least ``min_bid``
    (``"cpc"``: JD charges at most the bid, and no bid is below its minimum), rounded to
    ``bid_decimals`` inward (never past the cap), and last kept within [``min_bid``,
    ``max_bid``]: that range holds after every other rule.

    A bid is kept — ``new_bid`` is exactly the current bid (NaN when the export has none, i.e.
    "no change") and ``bid_change`` 0 — for ``no_value`` (revenue unknown: no 总订单金额, so a
    click cannot be priced), ``few_clicks`` (fewer than ``min_clicks_bid`` clicks), ``hold``
    (change below ``min_bid_change``, or no CPC to compare with), ``meets_target`` (a cut although the word's observed ROI
    is at or above the target), ``misses_target`` (a raise although its observed ROI is below the
    target), ``at_limit`` (the bid range leaves no step in the wanted direction) and
    ``brand_no_raise`` (a raise of a brand word, ``brand_terms``: paid clicks on the shop's own
    name are partly shoppers who would have come anyway, so its ROI overstates what a higher bid
    buys — a brand word is at most held, never raised on ROI; cuts still apply). A bid moves
    only where the word's own ROI and its shrunk estimate agree on the direction.

    Returns
    -------
    DataFrame
        Per keyword: campaign, unit, keyword, keyword_id, match_type, clicks, cost, order_lines,
        revenue, cpc, roi, cvr_shrunk, revenue_per_order_line, ``current_bid`` (NaN when not
        exported), ``bid_basis``, ``target_roi``, ``target_basis`` (``targets.roi`` /
        ``target_roi`` / ``breakeven``), ``target_bid`` (the affordable CPC, 元; NaN when the
        revenue is unknown), ``new_bid``, ``bid_change`` (new / base − 1; 0 for a kept bid),
        ``expected_cpc`` (元: the CPC scaled with the bid; with a CPC basis, the new bid — an
        upper bound),
        ``expected_roi`` and ``expected_roi_basis`` (:func:`_expected_roi`: ``shrunk`` /
        ``observed``; NaN for a kept bid or when neither moves with the change), and ``reason``:
        ``raise``/``lower`` (within the cap), ``raise_capped``/``lower_capped``, or one of
        :data:`BID_KEEPS`.
    """
    kp = params.keywords
    target_roi, target_basis = params.roi_target
    k = keywords.copy()
    current = k["bid"].astype(float) if "bid" in k else pd.Series(np.nan, index=k.index)
    has_bid = current.notna() & (current > 0)
    current = current.where(has_bid)
    base = _bid_base(current, k["cpc"], kp)
    value = (k["cvr_shrunk"] * k["revenue_per_order_line"]).where(~_revenue_unknown(k))
    target_bid = value / target_roi
    factor = ratio(target_bid, k["cpc"])  # the CPC (and with it the bid) should move by this
    new, limited = _step_bid(base, base * factor, params.bid_step_cap, kp)
    rel, cap = factor - 1, params.bid_step_cap
    clicks_ok = k["clicks"].fillna(0) >= kp.min_clicks_bid
    roi_ok = k["roi"] >= target_roi
    moved = pd.Series(new, index=k.index) - base
    brand = k["is_brand"].fillna(False).astype(bool) if "is_brand" in k else False
    reason = np.select(
        [
            value.isna(),
            ~clicks_ok,
            rel.isna() | base.isna() | (rel.abs() < kp.min_bid_change),
            (rel < 0) & roi_ok,
            (rel > 0) & ~roi_ok,
            (rel > 0) & brand,
            pd.Series(limited, index=k.index) & ~(np.sign(moved) == np.sign(rel)),
            ~(np.sign(moved) == np.sign(rel)),
            rel > cap,
            rel < -cap,
            rel > 0,
        ],
        [
            "no_value",
            "few_clicks",
            "hold",
            "meets_target",
            "misses_target",
            "brand_no_raise",
            "at_limit",
            "hold",
            "raise_capped",
            "lower_capped",
            "raise",
        ],  # fmt: skip
        default="lower",
    )
    keep = np.isin(reason, BID_KEEPS)
    new = np.where(keep, current.to_numpy(dtype=float), new)
    change = np.where(keep, 0.0, ratio(pd.Series(new, index=k.index), base) - 1)
    expected_cpc = pd.Series(np.where(keep, k["cpc"], k["cpc"] * (1 + change)), index=k.index)
    est, basis = _expected_roi(k, value, expected_cpc, change < 0)
    k["current_bid"] = current
    k["bid_basis"] = np.where(has_bid, "bid", "cpc")
    k["target_roi"] = target_roi
    k["target_basis"] = target_basis
    k["target_bid"] = target_bid
    k["new_bid"] = new
    k["bid_change"] = change
    k["expected_cpc"] = expected_cpc
    k["expected_roi"] = np.where(keep, np.nan, est)
    k["expected_roi_basis"] = pd.Series(np.where(keep, None, basis), index=k.index, dtype=object)
    k["reason"] = reason
    cols = [
        "campaign", "unit", "keyword", "keyword_id", "match_type", "clicks", "cost",
        "order_lines", "revenue", "cpc", "roi", "cvr_shrunk", "revenue_per_order_line",
        "current_bid", "bid_basis", "target_roi", "target_basis", "target_bid", "new_bid",
        "bid_change", "expected_cpc", "expected_roi", "expected_roi_basis", "reason", "is_brand",
        "negated_clicks", "negated_cost",
    ]  # fmt: skip
    return k[[c for c in cols if c in k]]


COVERED_COLUMNS = [
    "campaign", "unit", "keyword", "keyword_id", "campaign_verdict", "campaign_bid_change",
    "own_action", "current_bid", "own_new_bid", "cost", "roi",
]  # fmt: skip
"""Columns of :func:`defer_to_campaigns`'s third table (``tables/keyword_campaign_covered.csv``)."""


CAMPAIGN_JUDGED = ("cut", "pause", "hold")
"""Campaign verdicts (:func:`jdpromo.channels.campaign_verdicts`) that judge a campaign's loss
as a whole, so its keywords get no cut of their own on top (:func:`defer_to_campaigns`)."""


def campaign_cuts(verdicts: pd.DataFrame | None) -> pd.DataFrame:
    """The campaigns whose own verdict already judges their loss
    (:func:`jdpromo.channels.campaign_verdicts`, :data:`CAMPAIGN_JUDGED`: ``cut``, bids down by
    ``bid_change``; ``pause``; or ``hold``, the loss waiting for a promotion to settle):
    ``campaign``, ``campaign_verdict``, ``campaign_bid_change`` (a negative fraction for
    ``cut``, NaN otherwise). One row per campaign name (the first, i.e. the costliest line's,
    when a name is in several lines)."""
    cols = ["campaign", "campaign_verdict", "campaign_bid_change"]
    if verdicts is None or verdicts.empty or "verdict" not in verdicts:
        return pd.DataFrame(columns=cols)
    v = verdicts.loc[verdicts["verdict"].isin(CAMPAIGN_JUDGED)]
    v = v.drop_duplicates("campaign")
    return pd.DataFrame({
        "campaign": v["campaign"].astype(str).to_numpy(),
        "campaign_verdict": v["verdict"].to_numpy(),
        "campaign_bid_change": pd.to_numeric(v.get("bid_change"), errors="coerce").to_numpy(),
    })[cols]  # fmt: skip


def defer_to_campaigns(
    bids: pd.DataFrame, pauses: pd.DataFrame, verdicts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One action per keyword: none stacked on its campaign's own verdict
    (:func:`campaign_cuts`), and a bid change never beside a pause of the same word.

    In a campaign to **pause**, no keyword action of its own: bid changes become
    ``campaign_pause`` (bid kept), pauses and bid-downs are dropped — pausing the campaign
    stops all of its traffic. So in a promotion's own campaign on **hold**
    (:func:`is_promotion_campaign`): after the promotion it is paused as a whole (one row of
    :func:`action_sheets` stands for all of its words), so its words are neither listed nor
    counted as keyword pauses or cuts (bid changes ``campaign_promo_pause``). In a campaign to
    **cut** (bids down by ``campaign_bid_change``) or on **hold** (its loss waits for a
    promotion to settle, then the campaign is judged as a whole), the keywords' own bid
    changes either way — ``lower``/``lower_capped`` and ``raise``/``raise_capped`` (reason
    ``campaign_cut`` / ``campaign_hold``, bid kept: no word of a campaign being cut or held is
    raised) — and bid-downs are dropped. A keyword pause (no orders, a large loss, a bid at its
    minimum) stays — it replaces the campaign's cut on that word, not on top — and carries
    ``campaign_verdict`` / ``campaign_bid_change``; that word's bid change becomes
    ``keyword_pause`` (below), never ``campaign_cut``: a campaign cut is a small step across
    the board and never stands for pausing a dead word. Only bid changes defer to a cut.

    Last, a keyword in the pause list (pause or bid-down) is judged there: its bid change
    becomes ``keyword_pause`` (bid kept), so the page and the sheets give it one action.

    Returns
    -------
    tuple
        ``bids`` and ``pauses`` as above (each with ``campaign_verdict`` and
        ``campaign_bid_change``, NA outside those campaigns), and the keyword actions left to
        the campaign (:data:`COVERED_COLUMNS`: ``own_action`` ``lower`` / ``bid_down`` /
        ``pause`` / ``raise``, ``own_new_bid`` the bid it would have had).
    """
    cuts = campaign_cuts(verdicts)
    by = cuts.set_index("campaign")
    bids, pauses = bids.copy(), pauses.copy()
    for f in (bids, pauses):
        camp = f["campaign"].astype(str)
        f["campaign_verdict"] = camp.map(by["campaign_verdict"]).astype(object)
        f["campaign_bid_change"] = pd.to_numeric(camp.map(by["campaign_bid_change"]))
    covered = pd.DataFrame(columns=COVERED_COLUMNS)
    if not cuts.empty:
        promo = bids["campaign"].map(is_promotion_campaign).astype(bool)
        hold = bids["campaign_verdict"] == "hold"
        promo_paused = hold & promo
        paused = (bids["campaign_verdict"] == "pause") | promo_paused
        held = hold & ~promo
        cut = (bids["campaign_verdict"] == "cut") | held
        moves = bids["reason"].isin(BID_MOVES)
        # a keyword in the pause list is judged there (its bid change is never proposed too)
        judged = dict(zip(zip(pauses["campaign"], pauses["unit"], pauses["keyword"], strict=True),
                          pauses["action"], strict=True))  # fmt: skip
        keys = list(zip(bids["campaign"], bids["unit"], bids["keyword"], strict=True))
        in_pauses = pd.Series([k in judged for k in keys], index=bids.index, dtype=bool)
        # …and a pause of its own outlives a campaign cut or hold: that word is a keyword pause
        own_pause = pd.Series(
            [judged.get(k) == "pause" for k in keys], index=bids.index, dtype=bool
        )
        left = (paused | (cut & ~own_pause)) & moves
        shown = left & ~in_pauses
        moved = bids.loc[shown].assign(
            own_action=np.where(bids.loc[shown, "reason"].isin(["raise", "raise_capped"]), "raise", "lower"),
            own_new_bid=bids.loc[shown, "new_bid"],
        )  # fmt: skip
        bids.loc[left, "reason"] = np.select(
            [promo_paused[left], paused[left], held[left]],
            ["campaign_promo_pause", "campaign_pause", "campaign_hold"],
            "campaign_cut",
        )
        _keep_bid(bids, left)
        p_promo = pauses["campaign"].map(is_promotion_campaign).astype(bool)
        p_hold = pauses["campaign_verdict"] == "hold"
        gone = (
            (pauses["campaign_verdict"] == "pause")
            | (p_hold & p_promo)
            | (
                ((pauses["campaign_verdict"] == "cut") | (p_hold & ~p_promo))
                & (pauses["action"] == "bid_down")
            )
        )
        dropped = pauses.loc[gone].assign(
            own_action=pauses.loc[gone, "action"],
            own_new_bid=pauses.loc[gone].get("new_bid", np.nan),
        )
        covered = pd.concat([dropped, moved], ignore_index=True).reindex(columns=COVERED_COLUMNS)
        pauses = pauses.loc[~gone].reset_index(drop=True)
    # one action per keyword: a word in the pause list gets no bid change beside it
    listed = set(zip(pauses["campaign"], pauses["unit"], pauses["keyword"], strict=True))
    twice = bids["reason"].isin(BID_MOVES) & pd.Series(
        [k in listed for k in zip(bids["campaign"], bids["unit"], bids["keyword"], strict=True)],
        index=bids.index,
        dtype=bool,
    )
    bids.loc[twice, "reason"] = "keyword_pause"
    _keep_bid(bids, twice)
    return bids, pauses, covered


def _keep_bid(bids: pd.DataFrame, rows: pd.Series) -> None:
    """Set ``rows`` of :func:`bid_suggestions` to keep their bid (in place)."""
    bids.loc[rows, "new_bid"] = bids.loc[rows, "current_bid"]
    bids.loc[rows, "bid_change"] = 0.0
    bids.loc[rows, ["expected_roi", "expected_roi_basis"]] = np.nan
    if "expected_cpc" in bids and "cpc" in bids:
        bids.loc[rows, "expected_cpc"] = bids.loc[rows, "cpc"]


def _bid_down(bids: pd.DataFrame, params: ShopParams) -> tuple[pd.Series, pd.Series]:
    """Bid for a keyword to bid down: its suggested bid when lower, else one step of
    ``bid_step_cap`` (rounded inward), never under ``min_bid``; and whether that is below the
    current bid (False: the bid is already as low as it can go)."""
    kp = params.keywords
    base = _bid_base(bids["current_bid"].astype(float), bids["cpc"], kp)
    step, _ = _step_bid(base, base * (1 - params.bid_step_cap), params.bid_step_cap, kp)
    suggested = bids["new_bid"].where(bids["reason"].isin(BID_MOVES))
    lower = suggested.where(suggested < base, pd.Series(step, index=bids.index))
    return lower, (lower < base).fillna(False)


def keyword_pauses(
    keywords: pd.DataFrame, params: ShopParams, bids: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Bought keywords that fail the break-even test: pause (暂停) or bid down (降价).

    Needs :func:`add_breakeven` applied to :func:`shrink_rates` of :func:`keyword_kpis`. The
    test is the negatives' (:func:`negative_candidates`) with ``min_clicks_pause`` clicks as the
    minimum; brand keywords are included (a brand keyword losing money is bid down, not
    negated); a keyword whose revenue is unknown is not judged. A keyword that fails is paused
    when it has no order line (``no_orders``); when its loss (spend − revenue × contribution
    margin) is at least ``pause_loss_share`` of the account's keyword spend and its ROI is below
    half of 保本ROI (``big_loss``: a capped bid cut would stop the loss too slowly); or when its
    bid cannot go lower (``at_min_bid``). Else it is bid down (``below_breakeven``) to its
    suggested bid (:func:`bid_suggestions`), or by ``bid_step_cap`` when that is not lower.

    Returns
    -------
    DataFrame
        campaign, unit, keyword, keyword_id, match_type, volumes and ratios, cvr_shrunk,
        breakeven_cvr, p_breakeven, ``breakeven_roi``, ``action`` (``pause`` / ``bid_down``),
        ``current_bid``, ``new_bid`` (NaN for a pause), ``bid_basis``, ``spend_saved`` (元: the
        period's spend, for a pause), ``profit_gain`` (元: spend − revenue × contribution
        margin, the loss), ``loss_share`` (profit_gain / the account's keyword spend),
        ``reason`` (``no_orders`` / ``big_loss`` / ``at_min_bid`` / ``below_breakeven``).
        Sorted by spend.
    """
    kp = params.keywords
    cols = [
        "campaign", "unit", "keyword", "keyword_id", "match_type", "impressions", "clicks",
        "cost", "order_lines", "revenue", "ctr", "cpc", "cvr", "roi", "cvr_shrunk",
        "breakeven_cvr", "p_breakeven", "breakeven_roi", "action", "current_bid", "new_bid",
        "bid_basis", "spend_saved", "profit_gain", "loss_share", "reason", "is_brand",
        "negated_clicks", "negated_cost",
    ]  # fmt: skip
    if keywords is None or keywords.empty:
        return pd.DataFrame(columns=cols)
    bids = bids if bids is not None else bid_suggestions(keywords, params)
    fails = _fails_breakeven(keywords, kp, kp.min_clicks_pause) & ~_revenue_unknown(keywords)
    out = keywords.loc[fails].copy()
    be = float(params.breakeven_roi)
    out["profit_gain"] = out["cost"] - out["revenue"].fillna(0) * params.contribution_margin
    out["loss_share"] = ratio(out["profit_gain"], float(keywords["cost"].sum()))
    b = bids.loc[out.index]
    lower, can_lower = _bid_down(b, params)
    no_orders = out["order_lines"].fillna(0) <= 0
    big_loss = (out["loss_share"] >= kp.pause_loss_share) & (out["roi"] < be / 2)
    reason = np.select(
        [no_orders, big_loss, ~can_lower], ["no_orders", "big_loss", "at_min_bid"],
        default="below_breakeven",
    )  # fmt: skip
    out["reason"] = reason
    out["action"] = np.where(reason == "below_breakeven", "bid_down", "pause")
    out["breakeven_roi"] = be
    out["current_bid"] = b["current_bid"].astype(float)
    out["new_bid"] = lower.where(out["action"] == "bid_down")
    out["bid_basis"] = b["bid_basis"]
    out["spend_saved"] = out["cost"].where(out["action"] == "pause", 0.0)
    out = out.sort_values("cost", ascending=False, kind="stable")
    return out[[c for c in cols if c in out]].reset_index(drop=True)


def industry_gaps(
    industry: pd.DataFrame | None,
    keywords: pd.DataFrame,
    terms: pd.DataFrame | None = None,
    brand_terms: Iterable[str] = (),
    *,
    competitor_brands: Iterable[str] = (),
    sku_names: Iterable[str] | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
    long_tail_min_chars: int = 7,
    unit_skus: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Industry hot words (行业热搜榜) the shop does not buy as keywords yet, each tagged with
    whether it is a competitor's brand word, whether it relates to the shop's products, and the
    ad unit to add it to.

    Words are compared ignoring case and spaces. For each hot word the shop's own search-term
    traffic on exactly that word in the period is added (it may already be reached through a
    broader match).

    **Related** (the stated rule): the hot word shares a product word with a SKU name
    (``sku_names``, 京东商智 商品明细) or a bought keyword. Product words
    (:func:`product_words`) are the segmented words of two or more Chinese characters, or Latin
    words of three or more characters starting with a letter (:func:`is_product_word`), without
    function words (:data:`STOP_WORDS`), shopping modifiers (:data:`GENERIC_WORDS`: 家用, 推荐
    …) and brand words (the shop's and the competitors'). A hot word that is nothing but a brand
    word is related when that brand is in a SKU name or bought keyword; one with no product word
    at all (多功能锅) when its core — the word less modifiers at either end — stands whole in
    one.
    净水器 is not related to a shop selling 空气炸锅 and 电饭煲; 智能电饭煲 is (电饭煲).

    **Unit**: a hot word goes to a unit that advertises the product it names — its
    :func:`product_head` (智能电饭煲 → 电饭煲; 空气炸烤箱家用 → 空气炸烤箱 where the shop sells
    one): the head must stand in the names of the unit's SKUs (``unit_skus``, from the 快车
    ad report, :func:`unit_sku_names`) or its name; a unit whose SKUs are unknown is read from
    its name and bought keywords, as the products they name (:func:`product_names`: a unit
    buying 空气炸烤箱 does not sell 烤箱). Never a word that merely hides inside another
    product's word. Among the campaign × unit pairs of ``keywords`` a new word may go to
    (:func:`new_word_unit_ok`: never a promotion campaign, which stops when the promotion ends;
    a head word, shorter than ``long_tail_min_chars``, never a long-tail campaign; a word
    without a brand word never a brand unit, whose bought keywords all hold the shop's or a
    rival's brand) and that it fits, the best shares the most product words with it; ties go
    to the unit sharing more of its brand words (澄禾电饭煲 → the unit buying 澄禾 words), then
    to the unit with the most clicks, then to the first by campaign and unit name. No unit when
    none fits (the product has no unit, or the shop does not sell it).

    **Open units first**: with ``status`` (:func:`unit_status`) the word goes to the best unit
    open to new words; when a better-fitting one loses money (below 保本) or its campaign is
    held for a promotion, that one is named in ``closest_campaign`` / ``closest_unit`` /
    ``closest_status``. When every unit it fits is held or losing, the best one is kept with
    its ``unit_status`` (``held``: add it after the promotion; ``losing``: not now,
    :func:`hot_word_skips`).

    Parameters
    ----------
    industry
        ``industry_keywords`` (行业热搜榜); ``None`` or empty gives an empty table.
    keywords
        :func:`keyword_kpis` (campaign, unit, keyword, clicks).
    terms
        :func:`search_term_kpis`, for the shop's own traffic on each hot word.
    brand_terms, competitor_brands
        The shop's brand words and its competitors' (:class:`~jdpromo.params.ShopParams`).
    sku_names
        The shop's SKU names (``sku_daily.sku_name``), optional.
    tokenize
        A tokenizer (default: :func:`make_tokenizer` with the brand words and short keywords).
    unit_skus
        :func:`unit_sku_names`: the SKUs each unit advertises, named; optional.
    status
        :func:`unit_status`; optional (every unit open).

    Returns
    -------
    DataFrame
        ``keyword``, ``rank``, ``searches`` (搜索次数/指数 as exported), ``searchers``,
        ``industry_clicks``, ``industry_ctr``, ``industry_cvr``, ``industry_gmv`` (as exported;
        may be an index), ``kuaiche_reference_bid`` (快车参考价, 元), ``is_brand``,
        ``is_competitor``, ``related``, ``related_words`` (the shared words, `` | ``-joined),
        ``campaign`` and ``unit`` (the unit to add it to; NA when none), ``unit_words`` (the
        words shared with it, its product first among them), ``unit_basis`` (``sku`` /
        ``keywords``), ``unit_status`` and the ``closest_*`` unit passed over (above), and the
        shop's ``term_clicks``, ``term_cost``, ``term_order_lines``, ``term_roi`` on it (0 /
        NaN when never searched). Sorted by searches, largest first.
    """
    cols = [
        "keyword", "rank", "searches", "searchers", "industry_clicks", "industry_ctr",
        "industry_cvr", "industry_gmv", "kuaiche_reference_bid", "is_brand", "is_competitor",
        "related", "related_words", "campaign", "unit", "unit_words", "unit_basis",
        "unit_status", "closest_campaign", "closest_unit", "closest_status", "term_clicks",
        "term_cost", "term_order_lines", "term_roi",
    ]  # fmt: skip
    if industry is None or industry.empty:
        return pd.DataFrame(columns=cols)
    ind = industry.copy()
    ind["_key"] = normalize_text(ind["keyword"])
    ind = ind.loc[ind["_key"].notna() & ind["_key"].ne("")]
    ind = ind.sort_values("searches", ascending=False, kind="stable").drop_duplicates("_key")
    bought = set(normalize_text(keywords["keyword"]).dropna()) if len(keywords) else set()
    out = ind.loc[~ind["_key"].isin(bought)].copy()
    out = out.rename(
        columns={"clicks": "industry_clicks", "ctr": "industry_ctr", "cvr": "industry_cvr",
                 "gmv": "industry_gmv"}
    )  # fmt: skip
    if terms is not None and len(terms):
        tk = normalize_text(terms["search_term"])
        sums = terms[["clicks", "cost", "order_lines", "revenue"]].groupby(tk.to_numpy()).sum()
        m = sums.reindex(out["_key"].to_numpy())
        out["term_clicks"] = m["clicks"].fillna(0).to_numpy()
        out["term_cost"] = m["cost"].fillna(0).to_numpy()
        out["term_order_lines"] = m["order_lines"].fillna(0).to_numpy()
        out["term_roi"] = ratio(m["revenue"], m["cost"]).to_numpy()
    else:
        for c in ("term_clicks", "term_cost", "term_order_lines", "term_roi"):
            out[c] = np.nan
    brand_terms, competitor_brands = list(brand_terms), list(competitor_brands)
    out["is_brand"] = is_brand(out["keyword"], brand_terms)
    out["is_competitor"] = is_brand(out["keyword"], competitor_brands)
    if tokenize is None:
        tokenize = make_tokenizer([*brand_terms, *competitor_brands, *_short_words(keywords)])
    rel = _relate_to_shop(
        out["keyword"],
        keywords,
        sku_names,
        [*brand_terms, *competitor_brands],
        tokenize,
        lambda word, campaign: new_word_unit_ok(word, campaign, long_tail_min_chars),
        unit_skus,
        status,
    )
    out = pd.concat([out.reset_index(drop=True), rel], axis=1)
    for c in cols:
        if c not in out:
            out[c] = np.nan
    return out[cols].reset_index(drop=True)


@dataclass(frozen=True)
class _ShopWords:
    """What a text (or a pool of texts, :func:`_pool`) offers for relatedness: its product
    words, the brand words in it, its core (for a text with neither: the text less modifiers at
    either end) and its cleaned text."""

    products: frozenset[str]
    brands: frozenset[str]
    core: str
    text: str


def _core(tokens: list[str]) -> str:
    """A text without product or brand words, less modifiers (:data:`GENERIC_WORDS`,
    :data:`STOP_WORDS`) at either end while two Chinese characters remain: 多功能锅 stays
    多功能锅, 家用推荐 has no core."""

    def filler(tok: str) -> bool:
        return tok in GENERIC_WORDS or tok in STOP_WORDS

    toks = list(tokens)
    while len(toks) > 1 and filler(toks[0]) and len(_CJK.findall("".join(toks[1:]))) >= 2:
        toks = toks[1:]
    while len(toks) > 1 and filler(toks[-1]) and len(_CJK.findall("".join(toks[:-1]))) >= 2:
        toks = toks[:-1]
    joined = "".join(toks)
    if len(_CJK.findall(joined)) < 2 or all(filler(t) for t in toks):
        return ""
    return joined


def _shop_words(
    text: object, tokenize: Callable[[str], list[str]], brands: Sequence[str]
) -> _ShopWords:
    """One text read for relatedness (``brands`` cleaned by :func:`_clean_word`)."""
    key = _clean_word(text) if isinstance(text, str) else ""
    if not key:
        return _ShopWords(frozenset(), frozenset(), "", "")
    found = frozenset(b for b in brands if b in key)
    words = product_words(str(text), tokenize, brands)
    core = _core(tokenize(key)) if not words and not found else ""
    return _ShopWords(words, found, core, key)


def _pool(texts: Sequence[_ShopWords]) -> _ShopWords:
    """Several texts as one: their product and brand words, their texts joined."""
    return _ShopWords(
        frozenset().union(*(t.products for t in texts)),
        frozenset().union(*(t.brands for t in texts)),
        "",
        "\x1f".join(t.text for t in texts),
    )


def _shared(w: _ShopWords, pool: _ShopWords) -> frozenset[str]:
    """The words a hot word shares with a pool of texts: its product words; for a bare brand
    word, its brand words; for a word with neither, its core where a text holds it whole."""
    if w.products:
        return w.products & pool.products
    if w.brands:
        return w.brands & pool.brands
    return frozenset([w.core]) if w.core and w.core in pool.text else frozenset()


RELATE_COLUMNS = [
    "related", "related_words", "campaign", "unit", "unit_words", "unit_basis", "unit_status",
    "closest_campaign", "closest_unit", "closest_status",
]  # fmt: skip
"""Columns :func:`_relate_to_shop` adds to each hot word (see :func:`industry_gaps`)."""


def _relate_to_shop(
    hot: pd.Series,
    keywords: pd.DataFrame,
    sku_names: Iterable[str] | None,
    brands: Sequence[str],
    tokenize: Callable[[str], list[str]],
    unit_ok: Callable[[str, Any], bool] | None = None,
    unit_skus: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """:data:`RELATE_COLUMNS` of each hot word (the rules of :func:`industry_gaps`);
    ``unit_ok(word, campaign)`` says which units a word may go to (all when None)."""
    brands = list(dict.fromkeys(b for b in (_clean_word(b) for b in brands) if b))
    kw = keywords if keywords is not None and len(keywords) else pd.DataFrame(
        columns=["campaign", "unit", "keyword", "clicks"]
    )  # fmt: skip
    names = [s for s in (sku_names if sku_names is not None else ()) if isinstance(s, str)]
    texts = list(dict.fromkeys([*names, *(str(k) for k in kw["keyword"].dropna())]))
    shop = _pool([_shop_words(x, tokenize, brands) for x in texts])
    units = _unit_words(kw, tokenize, brands, unit_skus)
    # the shop's product names a hot word's product is looked up in: SKU names and what the
    # units advertise (their bought keywords only where a unit's SKUs are unknown)
    known = "\x1f".join([*(_clean_word(n) for n in names), *(u["text"] for u in units)])
    states = _status_map(status)
    rows = []
    for word in hot:
        w = _shop_words(word, tokenize, brands)
        head = product_head(word, tokenize, brands, known) if w.products else ""
        # the word's other parts (迷你 of 迷你豆浆机): a unit whose products are named with them
        # fits more specifically than one that only sells the product
        parts = {x for x in tokenize(w.text) if len(x) >= 2 and x != head} if w.text else set()
        fits = []
        for u in units:
            if unit_ok is not None and not unit_ok(str(word), u["campaign"]):
                continue
            if u["brand_only"] and not (w.brands & u["words"].brands):
                continue  # a brand unit (品牌词, 竞品词) takes words of its brands only
            words = _unit_fit(w, head, u)
            if words:
                specific = sum(x in u["text"] for x in parts)
                key = (len(w.products & words), specific, len(w.brands & u["words"].brands),
                       u["clicks"])  # fmt: skip
                fits.append((key, u, words))
        fits.sort(key=lambda f: f[0], reverse=True)  # stable: ties keep campaign × unit order
        shared = _shared(w, shop)
        if head and not shared and any(_unit_fit(w, head, u) for u in units):
            shared = frozenset([head])  # a unit sells it (电烤箱 holds 烤箱)
        rows.append(
            _place(fits, states)
            | {"related": bool(shared), "related_words": " | ".join(sorted(shared))}
        )
    out = pd.DataFrame(rows, columns=RELATE_COLUMNS)
    out["related"] = out["related"].astype(bool)
    return out


def _unit_fit(w: _ShopWords, head: str, u: Mapping[str, Any]) -> frozenset[str]:
    """The words a hot word shares with a unit when the unit advertises the product the word
    names (``head``, :func:`product_head`): held in the names of the unit's SKUs
    (``basis = "sku"``), else among the products its name and bought keywords name
    (:func:`product_names`). Empty when it does not fit. A word without a product word of its
    own (a bare brand, 多功能锅) fits by :func:`_shared`."""
    if not w.products:
        return _shared(w, u["words"])
    if not head:
        return frozenset()
    if u["basis"] == "sku" and head not in u["text"]:
        return frozenset()
    base = head[1:] if len(head) > 2 and _joint(head[0]) else head  # 电炸锅 is a 炸锅
    if u["basis"] != "sku" and head not in u["names"] and base not in u["names"]:
        return frozenset()
    return frozenset(p for p in w.products & u["words"].products if p not in head) | {head}


def _status_map(status: pd.DataFrame | None) -> dict[tuple[str, str], tuple[str, str]]:
    """(campaign, unit) → (unit_status, status_reason) of :func:`unit_status`."""
    if status is None or status.empty:
        return {}
    return {
        (str(c), str(u)): (str(s), str(r) if isinstance(r, str) else "")
        for c, u, s, r in zip(status["campaign"].astype("string").fillna(""),
                              status["unit"].astype("string").fillna(""),
                              status["unit_status"], status["status_reason"], strict=True)
    }  # fmt: skip


def _state(states: Mapping[tuple[str, str], tuple[str, str]], campaign: Any, unit: Any) -> str:
    key = ("" if pd.isna(campaign) else str(campaign), "" if pd.isna(unit) else str(unit))
    return states.get(key, ("open", ""))[0]


def _place(
    fits: list[tuple[Any, Mapping[str, Any], frozenset[str]]],
    states: Mapping[tuple[str, str], tuple[str, str]],
) -> dict[str, Any]:
    """Where a new word goes among the units it fits (best first): the best one open to new
    words (:func:`unit_status`); when that is not the best fit, the best one is named
    (``closest_*``). When none is open, the best fit with its status (held: after the
    promotion; losing: not now)."""
    out: dict[str, Any] = {c: pd.NA for c in RELATE_COLUMNS}
    out["unit_words"] = ""
    if not fits:
        return out
    open_ = [f for f in fits if _state(states, f[1]["campaign"], f[1]["unit"]) == "open"]
    chosen = open_[0] if open_ else fits[0]
    u = chosen[1]
    out.update(campaign=u["campaign"], unit=u["unit"], unit_basis=u["basis"],
               unit_words=" | ".join(sorted(chosen[2])),
               unit_status=_state(states, u["campaign"], u["unit"]))  # fmt: skip
    best = fits[0][1]
    if best is not u:
        out.update(closest_campaign=best["campaign"], closest_unit=best["unit"],
                   closest_status=_state(states, best["campaign"], best["unit"]))  # fmt: skip
    return out


def _unit_words(
    keywords: pd.DataFrame,
    tokenize: Callable[[str], list[str]],
    brands: Sequence[str],
    unit_skus: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Per campaign × unit of ``keywords`` (sorted by campaign and unit): what it advertises —
    the names of its SKUs (``unit_skus``: campaign, unit, sku_name; ``basis = "sku"``) and its
    own name, else (``"keywords"``) its name and bought keywords — read by :func:`_shop_words`
    and pooled (:func:`_pool`) with the brand words of its bought keywords, its ``text``
    (cleaned, joined), the products its name and keywords name (``names``,
    :func:`product_names`), whether every bought keyword holds a brand word (``brand_only``:
    the shop's or a rival's), and its clicks."""
    if keywords.empty:
        return []

    def column(name: str) -> pd.Series:
        if name in keywords:
            return keywords[name]
        return pd.Series(pd.NA, index=keywords.index, dtype="string")

    k = keywords.assign(
        campaign=column("campaign").astype("string").fillna(""),
        unit=column("unit").astype("string").fillna(""),
        clicks=pd.to_numeric(column("clicks"), errors="coerce").fillna(0),
    )
    skus: dict[tuple[str, str], list[str]] = {}
    if unit_skus is not None and len(unit_skus) and "sku_name" in unit_skus:
        us = unit_skus.dropna(subset=["sku_name"])
        for (c, u), part in us.groupby([us["campaign"].astype(str), us["unit"].astype(str)]):
            skus[(c, u)] = list(dict.fromkeys(part["sku_name"].astype(str)))
    out = []
    for (camp, unit), part in k.groupby(["campaign", "unit"], sort=True):
        bought = [str(x) for x in part["keyword"].dropna().unique()]
        own = [_shop_words(x, tokenize, brands) for x in bought]
        sold = skus.get((str(camp), str(unit)), [])
        basis = "sku" if sold else "keywords"
        texts = [*sold, str(unit)] if sold else [str(unit), *bought]
        pool = _pool([_shop_words(x, tokenize, brands) for x in texts if x])
        pool = _ShopWords(pool.products, frozenset().union(*(w.brands for w in own)), "",
                          pool.text)  # fmt: skip
        out.append(
            {
                "campaign": camp or pd.NA,
                "unit": unit or pd.NA,
                "clicks": float(part["clicks"].sum()),
                "words": pool,
                "text": pool.text,
                "names": frozenset().union(*(product_names(x, tokenize, brands)
                                             for x in [str(unit), *bought])),
                "basis": basis,
                "brand_only": bool(own) and all(w.brands for w in own),
            }
        )  # fmt: skip
    return out


LONG_TAIL_CAMPAIGN = re.compile(r"长尾|long[\s_-]*tail", re.IGNORECASE)
"""Words that mark a campaign (推广计划) as a long-tail one (长尾词-拓展 …): cheap, specific words."""


def is_long_tail_campaign(name: Any) -> bool:
    """Whether a campaign's name marks it as a long-tail campaign (:data:`LONG_TAIL_CAMPAIGN`)."""
    return isinstance(name, str) and bool(LONG_TAIL_CAMPAIGN.search(name))


def is_head_word(word: Any, long_tail_min_chars: int = 7) -> bool:
    """Whether a word without clicks of its own (an industry hot word) is a head word (大词):
    shorter than ``long_tail_min_chars`` characters, spaces not counted — the ``length`` rule
    of :func:`classify_head_tail`, the one that needs no clicks."""
    return isinstance(word, str) and len(re.sub(r"\s+", "", word)) < long_tail_min_chars


def new_word_unit_ok(word: Any, campaign: Any, long_tail_min_chars: int = 7) -> bool:
    """Whether a new word may be added to a unit of ``campaign``: never to a promotion campaign
    (:func:`is_promotion_campaign`: it is paused when the promotion ends, and its words with
    it), and a head word (:func:`is_head_word`) never to a long-tail campaign
    (:func:`is_long_tail_campaign`), whose low bids are for specific words."""
    if is_promotion_campaign(campaign):
        return False
    return not (is_long_tail_campaign(campaign) and is_head_word(word, long_tail_min_chars))


UNIT_BID_COLUMNS = ["campaign", "unit", "unit_clicks", "unit_cpc", "unit_roi", "bid_cap",
                    "bid_cap_basis"]  # fmt: skip
"""Columns of :func:`unit_bid_caps`."""


def _unit_totals(keywords: pd.DataFrame) -> pd.DataFrame:
    """Per campaign × unit of keyword KPIs (empty names as ""): ``unit_clicks``, ``cost``,
    ``revenue`` (元), ``_unknown`` (a word with order lines but no revenue value) and
    ``unit_roi`` (NaN when revenue is unknown)."""
    keywords = keywords.reindex(
        columns=list(dict.fromkeys([*keywords.columns, "clicks", "cost", "order_lines", "revenue"]))
    )
    k = keywords.assign(
        campaign=keywords["campaign"].astype("string").fillna(""),
        unit=(keywords["unit"] if "unit" in keywords else pd.Series("", index=keywords.index))
        .astype("string").fillna(""),
        _unknown=_revenue_unknown(keywords),
    )  # fmt: skip
    g = k.groupby(["campaign", "unit"], sort=False)
    out = g[["clicks", "cost", "revenue"]].sum(min_count=1)
    out["_unknown"] = g["_unknown"].any()
    out = out.reset_index().rename(columns={"clicks": "unit_clicks"})
    out["unit_roi"] = ratio(out["revenue"].fillna(0), out["cost"]).where(~out["_unknown"])
    return out


def unit_bid_caps(keywords: pd.DataFrame, params: ShopParams) -> pd.DataFrame:
    """The highest starting bid (元) for a new word in each campaign × unit: the target-ROI rule
    of :func:`bid_suggestions` on the unit's own traffic, else what its clicks cost today.

    ``bid_cap`` = unit revenue per click ÷ target ROI (``ShopParams.roi_target``) — the
    affordable CPC, i.e. unit CPC × unit ROI ÷ target ROI (``bid_cap_basis = "target_roi"``)
    — when the unit has at least ``min_clicks_bid`` clicks and known revenue; else the unit's
    CPC (``"unit_cpc"``: no ROI evidence, so no more than the unit pays now). A unit without
    clicks has no cap (NaN).
    """
    if keywords is None or keywords.empty:
        return pd.DataFrame(columns=UNIT_BID_COLUMNS)
    kp = params.keywords
    out = _unit_totals(keywords)
    out["unit_cpc"] = ratio(out["cost"], out["unit_clicks"])
    target_roi, _ = params.roi_target
    evidence = (out["unit_clicks"].fillna(0) >= kp.min_clicks_bid) & ~out["_unknown"]
    affordable = ratio(out["revenue"].fillna(0), out["unit_clicks"]) / target_roi
    out["bid_cap"] = affordable.where(evidence, out["unit_cpc"])
    out["bid_cap_basis"] = np.where(evidence, "target_roi", "unit_cpc")
    out.loc[out["bid_cap"].isna(), "bid_cap_basis"] = None
    for c in ("campaign", "unit"):
        out[c] = out[c].replace("", pd.NA)
    return out[UNIT_BID_COLUMNS]


SEARCH_LINE = "快车"
"""The ad line (``ad_daily.product_line``) whose keywords and search terms this review reads."""


def unit_sku_names(ad: pd.DataFrame | None, sku: pd.DataFrame | None) -> pd.DataFrame:
    """The SKUs each 快车 unit advertises, named: ``campaign``, ``unit``, ``sku``,
    ``sku_name`` — the distinct (campaign, unit, sku) of the :data:`SEARCH_LINE` rows of
    ``ad_daily`` (the 快车 report by unit carries the SKU), named from ``sku_daily``. Empty when
    either table lacks those columns; a SKU without a name is left out."""
    cols = ["campaign", "unit", "sku", "sku_name"]
    need = {"product_line", "campaign", "unit", "sku"}
    if ad is None or sku is None or ad.empty or sku.empty or not need <= set(ad.columns):
        return pd.DataFrame(columns=cols)
    if not {"sku", "sku_name"} <= set(sku.columns):
        return pd.DataFrame(columns=cols)
    rows = ad.loc[ad["product_line"].astype("string").eq(SEARCH_LINE).fillna(False),
                  ["campaign", "unit", "sku"]]  # fmt: skip
    rows = rows.dropna().astype(str).drop_duplicates()
    named = sku[["sku", "sku_name"]].dropna().astype(str).drop_duplicates("sku")
    out = rows.merge(named, on="sku", how="inner")
    return out.sort_values(["campaign", "unit", "sku"], kind="stable")[cols].reset_index(drop=True)


UNIT_STATUS_COLUMNS = [
    "campaign", "unit", "unit_clicks", "unit_cost", "unit_roi", "campaign_verdict",
    "unit_status", "status_reason",
]  # fmt: skip
"""Columns of :func:`unit_status`."""

UNIT_STATUSES = ("open", "held", "losing")
"""Whether a unit takes new words now (:func:`unit_status`)."""


def unit_status(
    keywords: pd.DataFrame,
    params: ShopParams,
    verdicts: pd.DataFrame | None = None,
    hold_until: dt.date | None = None,
) -> pd.DataFrame:
    """Whether each campaign × unit of the keyword report may take new words now.

    A unit is **blocked** when it loses money — its ROI (keyword report: revenue ÷ cost)
    below 保本ROI on at least ``keywords.min_clicks_pause`` clicks (the evidence on which a
    keyword of its own would be paused or bid down), revenue known
    (``status_reason = "unit"``) — or when its campaign's verdict
    (:func:`jdpromo.channels.campaign_verdicts`, its 快车 row) is ``cut``, ``pause`` or
    ``hold`` (the campaign is below 保本: ``"campaign"``). A blocked unit is ``held`` while a
    promotion's verdict is pending (``hold_until`` given, or any verdict is ``hold``): new words
    wait for after the promotion, when it is judged on the whole promotion; else ``losing``: no
    new words until it earns again. Every other unit is ``open``.

    Returns
    -------
    DataFrame
        :data:`UNIT_STATUS_COLUMNS`: ``unit_clicks``, ``unit_cost`` (元), ``unit_roi`` (NaN when
        revenue is unknown), ``campaign_verdict`` (NA when none), ``unit_status``
        (:data:`UNIT_STATUSES`), ``status_reason`` (NA when open).
    """
    if keywords is None or keywords.empty:
        return pd.DataFrame(columns=UNIT_STATUS_COLUMNS)
    out = _unit_totals(keywords).rename(columns={"cost": "unit_cost"})
    v = verdicts if verdicts is not None and len(verdicts) else pd.DataFrame(
        columns=["line", "campaign", "verdict"]
    )  # fmt: skip
    if "line" in v:  # a campaign of another line may share a 快车 campaign's name
        v = v.loc[v["line"].astype("string").eq(SEARCH_LINE).fillna(False)]
    first = v.drop_duplicates("campaign")
    by = pd.Series(first["verdict"].to_numpy(), index=first["campaign"].astype(str).to_numpy())
    out["campaign_verdict"] = out["campaign"].astype(str).map(by).astype(object)
    below = (out["unit_clicks"].fillna(0) >= params.keywords.min_clicks_pause) & (
        out["unit_roi"] < params.breakeven_roi
    ).fillna(False)
    camp = out["campaign_verdict"].isin(["cut", "pause", "hold"])
    pending = hold_until is not None or bool(v["verdict"].eq("hold").any())
    out["unit_status"] = np.where(below | camp, "held" if pending else "losing", "open")
    out["status_reason"] = np.where(camp, "campaign", np.where(below, "unit", None))
    for c in ("campaign", "unit"):
        out[c] = out[c].replace("", pd.NA)
    return out[UNIT_STATUS_COLUMNS]


MAX_INDUSTRY_WORDS = 30
"""Industry hot words proposed as new words at most (the most searched of those that can be)."""

HOT_SKIPS = ("competitor", "unrelated", "no_unit", "unit_losing", "unaffordable")
"""Why an industry hot word is not proposed as a new word: a competitor's brand word (unless
``keywords.competitor_new_words``), not related to the shop's products, related (to a SKU
name) but no unit it may go to advertises its product (:func:`industry_gaps`,
:func:`new_word_unit_ok`), every unit it fits loses money (:func:`unit_status` ``losing``: below
保本 or its campaign cut or paused; while a promotion is pending such a unit is ``held`` and
the word waits for after the promotion instead), or its unit's traffic cannot pay the lowest
bid at the target ROI (:func:`unit_bid_caps`: the cap is below ``min_bid``, e.g. a unit whose
clicks brought no order)."""


def hot_word_skips(
    gaps: pd.DataFrame, params: ShopParams, keywords: pd.DataFrame | None = None
) -> pd.Series:
    """Why each hot word of :func:`industry_gaps` is not proposed (a code of
    :data:`HOT_SKIPS`), NA for the words that can be: the first reason that applies.
    ``unaffordable`` needs the keywords (:func:`keyword_kpis`) to price the units."""
    if gaps is None or gaps.empty:
        return pd.Series([], dtype="string")
    competitor = gaps["is_competitor"].fillna(False).astype(bool)
    if params.keywords.competitor_new_words:
        competitor = pd.Series(False, index=gaps.index)
    related = gaps["related"].fillna(False).astype(bool)
    no_unit = gaps["unit"].isna() | gaps["campaign"].isna()  # an upload needs both
    state = gaps["unit_status"] if "unit_status" in gaps else pd.Series(pd.NA, index=gaps.index)
    losing = state.astype("string").eq("losing").fillna(False).to_numpy(dtype=bool)
    poor = np.zeros(len(gaps), dtype=bool)
    if keywords is not None and len(keywords):
        caps = unit_bid_caps(keywords, params)
        cap = gaps[["campaign", "unit"]].merge(caps, on=["campaign", "unit"], how="left")
        poor = (cap["bid_cap"] < _bid_limits(params.keywords)[0]).fillna(False).to_numpy()
    code = np.select(
        [competitor.to_numpy(), (~related).to_numpy(), no_unit.to_numpy(), losing, poor],
        list(HOT_SKIPS),
        default="",
    )
    return pd.Series(code, index=gaps.index, dtype="string").replace("", pd.NA)


def hot_word_counts(
    gaps: pd.DataFrame,
    params: ShopParams,
    max_industry_words: int = MAX_INDUSTRY_WORDS,
    keywords: pd.DataFrame | None = None,
) -> dict[str, int]:
    """How many hot words not bought are left out of the new words, per reason of
    :data:`HOT_SKIPS`; how many are ``eligible``, and how many of those are ``proposed`` (at
    most ``max_industry_words``). The fields of the text ``kw_hot_skipped``."""
    skips = hot_word_skips(gaps, params, keywords)
    counts = {code: int((skips == code).sum()) for code in HOT_SKIPS}
    counts["eligible"] = int(skips.isna().sum())
    counts["proposed"] = min(counts["eligible"], max_industry_words)
    return counts


def hot_word_note(counts: dict[str, int], lang: str = "zh") -> tuple[str, dict[str, Any]]:
    """The note on the hot words left out (:func:`hot_word_counts`): its text key and fields,
    naming only the reasons that left a word out (no "0 competitor brand words")."""
    from jdpromo.text import join_list, t

    reasons = [t(f"kw_hot_skip_{code}", lang, n=counts[code]) for code in HOT_SKIPS
               if counts.get(code)]  # fmt: skip
    fields = {"eligible": counts["eligible"], "proposed": counts["proposed"]}
    if not reasons:
        return "kw_hot_skipped_none", fields
    return "kw_hot_skipped", {**fields, "reasons": join_list(reasons, lang)}


HOT_OUTCOMES = ("now", "after_promotion", "not_top", *HOT_SKIPS)
"""What becomes of each industry hot word (:func:`hot_word_outcome`)."""


def hot_word_outcome(
    gaps: pd.DataFrame,
    params: ShopParams,
    keywords: pd.DataFrame | None = None,
    max_industry_words: int = MAX_INDUSTRY_WORDS,
) -> pd.Series:
    """What becomes of each hot word of :func:`industry_gaps`, as :func:`new_word_suggestions`
    decides it: ``now`` (a new word to add now), ``after_promotion`` (its unit is ``held``: added
    after the promotion, if at all), ``not_top`` (could be proposed, but not among the
    ``max_industry_words`` proposed), or why it is left out (:data:`HOT_SKIPS`). A code of
    :data:`HOT_OUTCOMES` per row, so the hot-word table never reads "add now" for a word that
    is not proposed."""
    if gaps is None or gaps.empty:
        return pd.Series([], dtype="string")
    skips = hot_word_skips(gaps, params, keywords)
    ok = skips.isna() & pd.Series(
        [new_word_unit_ok(w, c, params.keywords.long_tail_min_chars)
         for w, c in zip(gaps["keyword"], gaps["campaign"], strict=True)], index=gaps.index
    )  # fmt: skip
    order = gaps.loc[ok].sort_values(["is_brand", "searches"], ascending=[False, False],
                                     kind="stable").index[:max_industry_words]  # fmt: skip
    state = gaps["unit_status"] if "unit_status" in gaps else pd.Series("open", index=gaps.index)
    out = skips.astype("string").copy()
    out[ok] = "not_top"
    out[order] = np.where(state[order].astype("string").eq("held").fillna(False),
                          "after_promotion", "now")  # fmt: skip
    return out


def new_word_suggestions(
    terms: pd.DataFrame,
    keywords: pd.DataFrame,
    gaps: pd.DataFrame,
    params: ShopParams,
    account: Mapping[str, float] | None = None,
    max_industry_words: int = MAX_INDUSTRY_WORDS,
    *,
    status: pd.DataFrame | None = None,
    unit_skus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Words worth buying (新词建议): proven search terms not bought in their unit, and the top
    industry hot words the shop does not buy.

    A search term qualifies with at least ``min_clicks_new_word`` clicks and a probability of at
    least 1 − ``max_probability`` that its cvr reaches break-even (same model as the negatives);
    it is proposed as 精确匹配 in the unit it came through, bid = its target bid (as in
    :func:`bid_suggestions`) capped at ± ``bid_step_cap`` around its CPC — a brand word
    (``brand_terms``) at no more than its CPC (its ROI is partly organic: no ROI-driven raise).
    Industry hot words (:func:`industry_gaps`) are proposed as 短语匹配 in their closest unit at
    their 快车参考价 capped by the unit's bid cap (:func:`unit_bid_caps`: the target-ROI rule on
    the unit's traffic, else the unit's CPC), top ``max_industry_words`` by searches (brand
    words first), when they relate to the shop's products and a unit shares a word with them
    (:func:`hot_word_skips`: not where the unit cannot pay ``min_bid`` at the target ROI). No
    word from either source goes to a promotion campaign, nor a
    head word to a long-tail campaign (:func:`new_word_unit_ok`). Words containing a
    competitor's brand (``competitor_brands``) are proposed from neither source unless
    ``keywords.competitor_new_words``. Every row names its campaign and unit.

    **No new word into a unit losing money** (``status``, :func:`unit_status`): a hot word goes
    to the best open unit that advertises its product (:func:`industry_gaps`); a search term
    whose unit is blocked goes to the open unit advertising the same SKU with the most clicks
    (``unit_skus``, :func:`unit_sku_names`; not one that buys it already). Either names the unit
    it was moved from (``closest_campaign``, ``closest_unit``, ``closest_status``,
    ``closest_reason``). With no open unit, a word whose unit is ``held`` (a promotion pending)
    stays with ``unit_status = "held"``: it is added after the promotion (the 大促后执行 sheet
    of :func:`action_sheets`); one whose unit is ``losing`` is not proposed (hot words:
    :func:`hot_word_skips`; search terms: counted in ``attrs["losing_terms"]``).

    Returns
    -------
    DataFrame
        ``source`` (``search_term`` / ``industry``), campaign, unit, ``keyword`` (the word to
        buy), ``match_type``, ``new_bid`` (元), clicks, cost, order_lines, roi, p_breakeven,
        searches, kuaiche_reference_bid, ``unit_cpc``, ``unit_roi``, ``bid_cap`` (元) and
        ``bid_cap_basis`` (hot words: :func:`unit_bid_caps`), ``is_brand``, ``is_competitor``,
        ``unit_words`` (hot words: the words shared with the unit), ``unit_basis`` (hot words:
        ``sku`` / ``keywords``), ``unit_status`` (``open`` / ``held``), ``status_reason``
        (held: ``unit`` / ``campaign``), the ``closest_*`` unit passed over, ``reason``
        (``proven_term`` / ``industry_hot``).
    """
    parts, dropped = [], 0
    if terms is not None and len(terms):
        proven = _proven_terms(terms, keywords, params, account)
        routed = _route_terms(proven, keywords, params, status, unit_skus)
        parts.append(routed)
        dropped = len(proven) - len(routed)
    if gaps is not None and len(gaps):
        parts.append(_hot_words(gaps, keywords, params, max_industry_words))
    parts = [p.reindex(columns=NEW_WORD_COLUMNS) for p in parts if len(p)]
    out = pd.DataFrame(columns=NEW_WORD_COLUMNS)
    if parts:
        out = pd.concat(parts, ignore_index=True)[NEW_WORD_COLUMNS]
        out["unit_status"] = out["unit_status"].fillna("open")
        out = _with_reasons(out, status)
    out.attrs["losing_terms"] = dropped  # search terms left out: their units lose money
    return out


NEW_WORD_COLUMNS = [
    "source", "campaign", "unit", "keyword", "match_type", "new_bid", "clicks", "cost",
    "order_lines", "roi", "p_breakeven", "searches", "kuaiche_reference_bid", "unit_cpc",
    "unit_roi", "bid_cap", "bid_cap_basis", "target_roi", "is_brand", "is_competitor",
    "unit_words", "unit_basis", "unit_status", "status_reason", "closest_campaign",
    "closest_unit", "closest_status", "closest_reason", "reason",
]  # fmt: skip
"""Columns of :func:`new_word_suggestions`."""


def _with_reasons(new: pd.DataFrame, status: pd.DataFrame | None) -> pd.DataFrame:
    """``status_reason`` of each row's unit and ``closest_reason`` of the unit passed over
    (:func:`unit_status`)."""
    states = _status_map(status)

    def reason(campaign: Any, unit: Any) -> Any:
        if pd.isna(campaign) and pd.isna(unit):
            return pd.NA
        key = ("" if pd.isna(campaign) else str(campaign), "" if pd.isna(unit) else str(unit))
        return states.get(key, ("open", ""))[1] or pd.NA

    new["status_reason"] = [reason(c, u) for c, u in zip(new["campaign"], new["unit"], strict=True)]
    new["closest_reason"] = [
        reason(c, u) for c, u in zip(new["closest_campaign"], new["closest_unit"], strict=True)
    ]
    return new


def _route_terms(
    proven: pd.DataFrame,
    keywords: pd.DataFrame,
    params: ShopParams,
    status: pd.DataFrame | None,
    unit_skus: pd.DataFrame | None,
) -> pd.DataFrame:
    """Proven search terms out of units blocked for new words (:func:`unit_status`): to the
    open keyword unit (one of ``status``: never a placement campaign without keywords, such as
    猜你喜欢) advertising one of the same SKUs with the most clicks (not a promotion or, for a
    head word, a long-tail campaign; not a unit that buys the term, nor a brand unit for a
    term without a brand), naming the unit they came through in ``closest_*``; else kept as
    ``held`` (a promotion pending) or dropped (``losing``)."""
    states = _status_map(status)
    out = proven.assign(unit_status="open")
    for c in ("closest_campaign", "closest_unit", "closest_status"):
        out[c] = pd.Series(pd.NA, index=out.index, dtype=object)
    if out.empty or not states:
        return out
    kp = params.keywords
    bought = _bought_by_unit(keywords)
    clicks = (
        keywords.assign(campaign=keywords["campaign"].astype("string").fillna(""),
                        unit=keywords["unit"].astype("string").fillna(""))
        .groupby(["campaign", "unit"])["clicks"].sum()
    )  # fmt: skip
    brand_only = _brand_only_units(keywords)
    sold = {}
    if unit_skus is not None and len(unit_skus):
        for (c, u), part in unit_skus.groupby(["campaign", "unit"]):
            sold[(str(c), str(u))] = set(part["sku"].astype(str))
    keep = []
    for i, r in out.iterrows():
        here = (str(r["campaign"]) if pd.notna(r["campaign"]) else "",
                str(r["unit"]) if pd.notna(r["unit"]) else "")  # fmt: skip
        state = states.get(here, ("open", ""))[0]
        if state == "open":
            keep.append(i)
            continue
        term = normalize_text(pd.Series([r["keyword"]])).iloc[0]
        alts = [
            key for key, skus in sold.items()
            if key != here and skus & sold.get(here, set())
            and key in states and states[key][0] == "open"  # a keyword unit, open
            and new_word_unit_ok(r["keyword"], key[0], kp.long_tail_min_chars)
            and (key[0] + "\x1f" + key[1], term) not in bought
            and (bool(r["is_brand"]) or bool(r["is_competitor"]) or key not in brand_only)
        ]  # fmt: skip
        if alts:
            best = sorted(alts, key=lambda key: (-float(clicks.get(key, 0.0)), key))[0]
            out.loc[i, ["closest_campaign", "closest_unit", "closest_status"]] = [*here, state]
            out.loc[i, ["campaign", "unit"]] = list(best)
            keep.append(i)
        elif state == "held":
            out.loc[i, "unit_status"] = "held"
            keep.append(i)
    return out.loc[keep]


def _brand_only_units(keywords: pd.DataFrame) -> set[tuple[str, str]]:
    """(campaign, unit) pairs whose bought keywords all hold a brand word (``is_brand`` or
    ``is_competitor`` of :func:`keyword_kpis`): brand units (品牌词, 竞品词)."""
    if keywords is None or keywords.empty:
        return set()
    flag = pd.Series(False, index=keywords.index)
    for c in ("is_brand", "is_competitor"):
        if c in keywords:
            flag |= keywords[c].fillna(False).astype(bool)
    k = pd.DataFrame(
        {
            "campaign": keywords["campaign"].astype("string").fillna(""),
            "unit": keywords["unit"].astype("string").fillna(""),
            "flag": flag,
        }
    )
    every = k.groupby(["campaign", "unit"])["flag"].all()
    return {key for key, v in every.items() if v}


def _hot_words(
    gaps: pd.DataFrame, keywords: pd.DataFrame, params: ShopParams, max_industry_words: int
) -> pd.DataFrame:
    """The industry part of :func:`new_word_suggestions`: bid = min(快车参考价, unit bid cap),
    rounded down to ``bid_decimals`` within [min_bid, max_bid]; the cap alone when there is no
    reference bid."""
    kp = params.keywords
    g = gaps.loc[hot_word_skips(gaps, params, keywords).isna().to_numpy()]
    ok = [new_word_unit_ok(w, c, kp.long_tail_min_chars) for w, c in zip(g["keyword"], g["campaign"], strict=True)]  # fmt: skip
    g = g.loc[np.asarray(ok, dtype=bool)]
    g = g.sort_values(["is_brand", "searches"], ascending=[False, False], kind="stable")
    g = g.head(max_industry_words).copy()
    caps = unit_bid_caps(keywords, params)
    g = g.merge(caps, on=["campaign", "unit"], how="left")
    ref = pd.to_numeric(g["kuaiche_reference_bid"], errors="coerce")
    bid = np.fmin(ref.to_numpy(dtype=float), g["bid_cap"].to_numpy(dtype=float))
    g["new_bid"] = np.where(np.isfinite(bid), _floor_bid(bid, kp), np.nan)
    g["target_roi"] = params.roi_target[0]
    g["source"] = "industry"
    g["match_type"] = MATCH_PHRASE
    g["reason"] = "industry_hot"
    return g.rename(columns={"term_clicks": "clicks", "term_cost": "cost",
                             "term_order_lines": "order_lines", "term_roi": "roi"})  # fmt: skip


def _proven_terms(
    terms: pd.DataFrame,
    keywords: pd.DataFrame,
    params: ShopParams,
    account: Mapping[str, float] | None,
) -> pd.DataFrame:
    """The search-term part of :func:`new_word_suggestions`."""
    kp = params.keywords
    account = dict(account) if account is not None else account_rates(terms)
    keys = ["campaign", "unit", "search_term"]
    t = terms.copy()
    for k in keys:
        t[k] = t[k].astype("string").fillna("")
    agg = t.groupby(keys, sort=False)[list(VOLUMES)].sum(min_count=1)
    agg = _add_ratios(agg.reset_index())
    agg = add_breakeven(shrink_rates(agg, kp, account), kp, params.breakeven_roi)
    bought = _bought_by_unit(keywords)
    tk = normalize_text(agg["search_term"]).fillna("")
    uk = agg["campaign"] + "\x1f" + agg["unit"]
    is_bought = np.array([(u, s) in bought for u, s in zip(uk, tk, strict=True)], dtype=bool)
    agg["is_competitor"] = _by_text(
        agg["search_term"], lambda s: is_brand(s, params.competitor_brands)
    ).astype(bool)
    agg["is_brand"] = _by_text(agg["search_term"], lambda s: is_brand(s, params.brand_terms))
    agg["is_brand"] = agg["is_brand"].astype(bool)
    unit_ok = [
        new_word_unit_ok(w, c, kp.long_tail_min_chars)
        for w, c in zip(agg["search_term"], agg["campaign"], strict=True)
    ]
    good = (
        (agg["clicks"].fillna(0) >= kp.min_clicks_new_word)
        & (agg["p_breakeven"] >= 1 - kp.max_probability)
        & ~is_bought
        & np.asarray(unit_ok, dtype=bool)
        & (kp.competitor_new_words | ~agg["is_competitor"])
    ).fillna(False)
    s = agg.loc[good].copy()
    target_roi, _ = params.roi_target
    tb = s["cvr_shrunk"] * s["revenue_per_order_line"] / target_roi
    upper = s["cpc"] * np.where(s["is_brand"], 1.0, 1 + params.bid_step_cap)
    tb = tb.clip(s["cpc"] * (1 - params.bid_step_cap), upper)
    s["new_bid"] = _round_bid(tb.to_numpy(), kp)
    s["keyword"] = s["search_term"]
    s["match_type"] = MATCH_EXACT
    s["source"] = "search_term"
    s["reason"] = "proven_term"
    for k in ("campaign", "unit"):
        s[k] = s[k].replace("", pd.NA)
    return s.sort_values("order_lines", ascending=False, kind="stable")


# --------------------------------------------------------------------------------------------
# Match types and n-gram themes


def match_type_review(keywords: pd.DataFrame, terms: pd.DataFrame | None = None) -> pd.DataFrame:
    """Match type review (关键词购买类型): how each match type spends and converts.

    Returns
    -------
    DataFrame
        Per ``match_type`` (as exported: 精确匹配, 短语匹配, 切词包含 …): ``words`` (keywords),
        the volumes, ctr/cpc/cvr/cpa/roi and shares of :func:`segment_summary`; from the search
        terms: ``terms`` (distinct search terms matched), ``drift_cost`` (元 spent on search
        terms that differ from the bought keyword), ``drift_cost_share`` (of the match type's
        search-term spend) and ``drift_roi`` (ROI of those terms).
    """
    k = keywords.copy()
    k["match_type"] = k["match_type"].astype("string").fillna("—")
    out = segment_summary(k, "match_type")
    if terms is not None and len(terms):
        t = terms.copy()
        t["match_type"] = t["match_type"].astype("string").fillna("—")
        drift = t.loc[~t["is_keyword"]]
        g = t.groupby("match_type")
        d = drift.groupby("match_type")[["cost", "revenue"]].sum()
        extra = pd.DataFrame({"terms": g["search_term"].nunique(), "term_cost": g["cost"].sum()})
        extra["drift_cost"] = d["cost"].reindex(extra.index).fillna(0)
        extra["drift_cost_share"] = ratio(extra["drift_cost"], extra["term_cost"])
        extra["drift_roi"] = ratio(
            d["revenue"].reindex(extra.index), d["cost"].reindex(extra.index)
        )
        out = out.merge(extra.drop(columns="term_cost"), left_on="match_type",
                        right_index=True, how="left")  # fmt: skip
    return out


_PUNCT = re.compile(r"^[\W_]+$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_LATIN_RUN = re.compile(r"[a-z0-9]+(?:[.\-+&'][a-z0-9]+)*")
_NUMBER = re.compile(r"^\d+(?:[.\-]\d+)*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"^[a-z]+$")

QUESTION_WORDS = frozenset(
    "哪 哪个 哪款 哪种 什么 怎么 怎样 如何 为什么 多少 吗 呢 how what which who when where why"
    .split()
)  # fmt: skip
"""Question words: function words (in :data:`STOP_WORDS`) that may still start or end a longer
theme — 哪个牌子好, 怎么清洗, 好用吗 are what shoppers ask, and often what does not sell."""

STOP_WORDS = QUESTION_WORDS | frozenset(
    # Chinese function words: particles, conjunctions, prepositions, pronouns, measure words
    "的 地 得 了 着 过 和 与 及 跟 同 或 或者 还是 以及 并 而 且 用 给 把 被 让 对 对于 为 为了 从 "
    "在 于 向 往 到 由 以 是 有 没 没有 不 也 都 就 还 又 再 很 太 更 最 非常 比较 个 款 只 件 台 "
    "些 种 一个 一款 一种 一台 这 那 这个 那个 这款 那款 这种 吧 啊 呀 哦 嘛 么 之 其 可以 能 会 要 "
    "该 请 等"
    # English function words
    " a an the and or nor but for with without of to in on at by from into onto over under "
    "as is are was were be been it its this that these those my your our his her their i you "
    "we he she they me us them not no do does did can will vs via per"
    .split()
)  # fmt: skip
"""Function words (Chinese and English): never a search-term theme alone, never the first or
last word of a longer one (question words excepted, :data:`QUESTION_WORDS`), and never what
makes a hot word related to the shop's products."""

GENERIC_WORDS = frozenset(
    # shopping and question words
    "推荐 价格 多少钱 正品 官方 旗舰店 官方旗舰店 京东 自营 京东自营 国家 补贴 国家补贴 以旧换新 "
    "送礼 礼品 礼物 新款 爆款 特价 优惠 活动 便宜 性价比 高性价比 好用 怎么样 好不好 牌子 品牌 "
    "十大 十大品牌 排行 排行榜 哪个牌子好 质量 评测 测评 型号 同款 专用 配件"
    # who, where, size and material: they qualify a product, they do not name one
    " 家用 家庭 宿舍 学生 办公室 商用 小型 迷你 大型 大容量 多功能 智能 全自动 半自动 自动 便携 "
    "便携式 无线 电动 电热 大功率 台式 立式 一体 一体机 不锈钢 玻璃 陶瓷 塑料"
    .split()
)  # fmt: skip
"""Shopping modifiers and question words (家用, 小型, 推荐, 哪个牌子好 …) that name no product:
they can be themes, but sharing one does not make a hot word related to the shop's products."""


def is_filler(token: str) -> bool:
    """Whether a token is too empty to be a theme on its own: a function word
    (:data:`STOP_WORDS`), a single character (升, 电, 5), or a Latin word of at most two letters
    (ih, of).

    Examples
    --------
    >>> [is_filler(t) for t in ["升", "for", "ih", "5升", "电炸锅", "oil"]]
    [True, True, True, False, False, False]
    """
    t = token.casefold()
    return t in STOP_WORDS or len(t) <= 1 or bool(_LETTERS.match(t) and len(t) <= 2)


def is_product_word(token: str) -> bool:
    """Whether a token can name a product: two or more Chinese characters (电饭煲, 炸锅), or a
    Latin word or model code of three or more characters that starts with a letter (oil, af451;
    not a measure such as 500ml or 2200w) — and neither a function word (:data:`STOP_WORDS`)
    nor a shopping modifier (:data:`GENERIC_WORDS`). Brands are removed by
    :func:`product_words`.

    Examples
    --------
    >>> [is_product_word(t) for t in ["电饭煲", "家用", "升", "5升", "af451", "500ml", "the"]]
    [True, False, False, False, True, False, False]
    """
    t = token.casefold()
    if t in STOP_WORDS or t in GENERIC_WORDS:
        return False
    if len(_CJK.findall(t)) >= 2:
        return True
    return t.isascii() and len(t) >= 3 and t[0].isalpha()


@cache
def _base_tokenizer() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def _clean_word(word: object) -> str:
    """A dictionary word as the tokenizer sees text: NFKC, case-folded, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(word)).casefold())


def _merge_numbers(tokens: list[str]) -> list[str]:
    """A number followed by one Chinese character is one token (5升, 2人, 3层)."""
    out: list[str] = []
    for tok in tokens:
        if out and len(tok) == 1 and _CJK.match(tok) and _NUMBER.match(out[-1]):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _whole_words(words: Sequence[str]) -> re.Pattern[str] | None:
    """A pattern finding words that mix Latin and Chinese (ih电饭煲), longest first, only where
    their Latin ends stand at a Latin word boundary (not inside aih电饭煲)."""
    if not words:
        return None
    alts = []
    for w in sorted(words, key=len, reverse=True):
        head = r"(?<![a-z0-9])" if _ASCII_WORD.match(w[0]) else ""
        tail = r"(?![a-z0-9])" if _ASCII_WORD.match(w[-1]) else ""
        alts.append(head + re.escape(w) + tail)
    return re.compile("|".join(alts))


def make_tokenizer(words: Iterable[str] = ()) -> Callable[[str], list[str]]:
    """A tokenizer of search terms that keeps ``words`` (brand and product words) whole.

    Text is NFKC-normalised (full-width letters become ASCII) and case-folded. Runs of Latin
    letters and digits (``toilet``, ``2200w``, ``1.5``) are whole tokens and never go through
    jieba, so no dictionary word can split a Latin word; the Chinese in between is segmented by
    jieba with its own dictionary copy holding the Chinese ``words`` (the shared jieba
    dictionary is never changed, so two shops in one process do not mix their words). A word
    mixing Latin and Chinese (``ih电饭煲``) is kept whole where it stands at a Latin word
    boundary. A number followed by one Chinese character is one token (``5升``). Whitespace
    and pure punctuation are dropped.

    Examples
    --------
    >>> tok = make_tokenizer(["澄禾", "空气炸锅", "oil"])
    >>> tok("澄禾 空气炸锅 家用5升")
    ['澄禾', '空气炸锅', '家用', '5升']
    >>> tok("Toilet cleaner for bathroom")
    ['toilet', 'cleaner', 'for', 'bathroom']
    """
    import jieba

    base = _base_tokenizer()
    tk = jieba.Tokenizer()
    tk.FREQ = dict(base.FREQ)
    tk.total = base.total
    tk.initialized = True
    mixed = []
    for w in dict.fromkeys(_clean_word(w) for w in words):
        if not w or not _CJK.search(w):
            continue  # Latin words need no dictionary: a Latin run is always one token
        if _ASCII_WORD.search(w):
            mixed.append(w)
        else:
            tk.add_word(w, freq=max(tk.suggest_freq(w, tune=False), 1000))
    whole = _whole_words(mixed)

    def split(text: str) -> list[str]:
        out: list[str] = []
        pos = 0
        for m in _LATIN_RUN.finditer(text):
            if m.start() > pos:
                out.extend(tk.lcut(text[pos : m.start()], HMM=True))
            out.append(m.group())
            pos = m.end()
        if pos < len(text):
            out.extend(tk.lcut(text[pos:], HMM=True))
        return out

    def tokenize(text: str) -> list[str]:
        if not isinstance(text, str):
            return []
        text = unicodedata.normalize("NFKC", text).casefold()
        raw: list[str] = []
        pos = 0
        for m in whole.finditer(text) if whole is not None else ():
            raw.extend(split(text[pos : m.start()]))
            raw.append(m.group())
            pos = m.end()
        raw.extend(split(text[pos:]))
        toks = (t.strip() for t in raw)
        return _merge_numbers([t for t in toks if t and not _PUNCT.match(t)])

    return tokenize


def _merged_parts(
    text: str, tokenize: Callable[[str], list[str]], drop: set[str]
) -> list[list[str]]:
    """The tokens of each whitespace-separated part of ``text`` (SKU names are phrases apart:
    多功能料理锅 电火锅4L), a product word followed by one Chinese character that is no function
    word (and not by another product word) read as one word (料理 + 机 → 料理机)."""
    parts = []
    for part in text.split():
        toks = tokenize(part)
        words: list[str] = []
        for i, tok in enumerate(toks):
            prev = words[-1] if words else ""
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if (
                len(tok) == 1
                and _CJK.match(tok)
                and tok not in STOP_WORDS
                and prev not in drop
                and is_product_word(prev)
                and not is_product_word(nxt)
            ):
                words[-1] = prev + tok
            else:
                words.append(tok)
        parts.append(words)
    return parts


def product_words(
    text: str, tokenize: Callable[[str], list[str]], brands: Iterable[str] = ()
) -> frozenset[str]:
    """The words of ``text`` that can name a product (:func:`is_product_word`), without
    ``brands`` (the shop's own and its competitors' brand words).

    A product word followed by one Chinese character that is no function word (and not by
    another product word) is read as one word, the way product names end in their category
    (料理 + 机 → 料理机, 榨汁 + 杯 → 榨汁杯): 料理机 and 料理棒 do not share 料理.

    Examples
    --------
    >>> tok = make_tokenizer(["美的", "空气炸锅"])
    >>> sorted(product_words("美的空气炸锅 家用 推荐", tok, ["美的"]))
    ['空气炸锅']
    >>> sorted(product_words("破壁料理机", tok))
    ['料理机', '破壁']
    """
    if not isinstance(text, str):
        return frozenset()
    drop = {_clean_word(b) for b in brands}
    words = [w for part in _merged_parts(text, tokenize, drop) for w in part]
    return frozenset(w for w in words if w not in drop and is_product_word(w))


def _joint(token: str) -> bool:
    """A single Chinese character that joins the words around it into one product name
    (空气 + 炸 + 烤箱, 电 + 炸锅); function words (的, 用 …) never do."""
    return len(token) == 1 and bool(_CJK.match(token)) and token not in STOP_WORDS


def _name_forms(toks: list[str], i: int, drop: set[str]) -> list[str]:
    """The names the product word ``toks[i]`` may stand in, longest first: with the word and
    the one-character joint before it (空气 + 炸 + 烤箱 → 空气炸烤箱), with the joint alone
    (电 + 炸锅 → 电炸锅), and alone."""
    tok, forms = toks[i], []
    if i >= 1 and _joint(toks[i - 1]):
        before = toks[i - 2] if i >= 2 else ""
        if before and before not in drop and is_product_word(before):
            forms.append(before + toks[i - 1] + tok)
        forms.append(toks[i - 1] + tok)
    forms.append(tok)
    return forms


def product_head(
    text: Any,
    tokenize: Callable[[str], list[str]],
    brands: Iterable[str] = (),
    known: str = "",
) -> str:
    """The product a word names: its last product word that ``known`` (the shop's product
    names, cleaned by :func:`_clean_word` and joined) holds — a Chinese name ends in its
    product (智能电饭煲 names 电饭煲, 可视空气炸锅以旧换新 names 空气炸锅) — taken with the
    word and one-character joint before it when ``known`` holds that longer name (空气炸烤箱
    is not 烤箱 where the shop sells a 空气炸烤箱; 电炸锅). A product word joined by a
    one-character joint to the word after it is part of that name, never the product itself
    (空气 in 空气炸烤箱正品). "" when no product word of it is known; every product word counts
    when ``known`` is "".

    Examples
    --------
    >>> tok = make_tokenizer(["空气炸锅"])
    >>> known = "电烤箱家用32l\x1f空气炸烤箱一体机12l\x1f智能触控电炸锅"
    >>> [product_head(w, tok, known=known) for w in ["烤箱", "空气炸烤箱家用", "电炸锅推荐"]]
    ['烤箱', '空气炸烤箱', '电炸锅']
    """
    if not isinstance(text, str):
        return ""
    drop = {_clean_word(b) for b in brands}
    for toks in reversed(_merged_parts(text, tokenize, drop)):
        for i in range(len(toks) - 1, -1, -1):
            if toks[i] in drop or not is_product_word(toks[i]):
                continue
            if i + 2 < len(toks) and _joint(toks[i + 1]):
                continue  # the front of a longer name: 空气 of 空气炸烤箱
            for form in _name_forms(toks, i, drop):
                if not known or form in known:
                    return form
    return ""


def product_names(
    text: Any, tokenize: Callable[[str], list[str]], brands: Iterable[str] = ()
) -> frozenset[str]:
    """The products a short text (a bought keyword, a unit name) names: its product words,
    those joined by a one-character joint read as one name. A word and a joint before a
    product word make a new product (空气炸烤箱 names 空气炸烤箱, not 烤箱 — an air-fryer
    oven is no oven unit's product); a joint alone only qualifies it (电炸锅 names 电炸锅 and
    炸锅).

    Examples
    --------
    >>> tok = make_tokenizer(["空气炸锅"])
    >>> sorted(product_names("空气炸烤箱", tok)), sorted(product_names("家用可视空气炸锅", tok))
    (['空气炸烤箱'], ['可视', '空气炸锅'])
    >>> sorted(product_names("电炸锅", tok))
    ['炸锅', '电炸锅']
    """
    if not isinstance(text, str):
        return frozenset()
    drop = {_clean_word(b) for b in brands}
    out: set[str] = set()
    for toks in _merged_parts(text, tokenize, drop):
        names: list[tuple[int, str]] = []
        for i, tok in enumerate(toks):
            if tok in drop or not is_product_word(tok):
                continue
            forms = _name_forms(toks, i, drop)
            if len(forms) == 3 and names and names[-1][0] == i - 2:
                names[-1] = (i, forms[0])  # the word before is part of this name
            elif len(forms) >= 2:
                names.append((i, forms[-2]))
                out.add(tok)
            else:
                names.append((i, tok))
        out.update(n for _, n in names)
    return frozenset(out)


def _join(tokens: Sequence[str]) -> str:
    """Tokens as one theme: Chinese joined directly, a space between two Latin/digit tokens."""
    out = tokens[0]
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        if _ASCII_WORD.match(prev[-1]) and _ASCII_WORD.match(tok[0]):
            out += " "
        out += tok
    return out


def _loose_edge(gram: Sequence[str]) -> bool:
    """A gram that starts or ends with a function word other than a question word."""
    return any(t in STOP_WORDS and t not in QUESTION_WORDS for t in (gram[0], gram[-1]))


def term_ngrams(
    tokens: Sequence[str], n_max: int = 3, *, drop_fillers: bool = False
) -> dict[str, int]:
    """Distinct contiguous 1…``n_max``-grams of one search term's tokens, as ``theme → n``.

    A theme that occurs twice in a term counts once for it; where two token sequences join to
    the same text, the shorter ``n`` is kept. With ``drop_fillers`` (the theme rules), a single
    token that :func:`is_filler` says is too empty (a function word, one character, a Latin
    word of ≤ 2 letters) is no theme, nor is a longer gram that starts or ends with a function
    word (:data:`STOP_WORDS`) other than a question word: "cleaner for" is dropped, "cleaner for
    bathroom", 电炸锅 (电 + 炸锅) and 哪个牌子好 are kept.

    Examples
    --------
    >>> term_ngrams(["空气炸锅", "家用", "空气炸锅"], 2)
    {'空气炸锅': 1, '家用': 1, '空气炸锅家用': 2, '家用空气炸锅': 2}
    >>> term_ngrams(["toilet", "cleaner", "for", "bathroom"], 2, drop_fillers=True)
    {'toilet': 1, 'cleaner': 1, 'bathroom': 1, 'toilet cleaner': 2}
    """
    out: dict[str, int] = {}
    for n in range(1, n_max + 1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i : i + n]
            if drop_fillers and (is_filler(gram[0]) if n == 1 else _loose_edge(gram)):
                continue
            out.setdefault(_join(gram), n)
    return out


def ngram_themes(
    terms: pd.DataFrame,
    params: ShopParams,
    tokenize: Callable[[str], list[str]] | None = None,
    keywords: pd.DataFrame | None = None,
    account: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Themes (n-grams) of the search terms: what people search, with ratios of sums.

    Each distinct search term is segmented (jieba; brand and product words kept whole, Latin
    words never split, see :func:`make_tokenizer`), and every 1…``ngram_max``-gram of it
    (:func:`term_ngrams` with the theme rules: no function word, single character or two-letter
    Latin word alone, no gram starting or ending with a function word) adds the term's period
    volumes once. Themes with fewer than ``ngram_min_terms`` terms or
    ``ngram_min_clicks`` clicks are dropped, and so is a theme whose terms are exactly those of
    a longer theme (the longer one is kept).

    The cvr of a theme is shrunk toward the account's and tested against its break-even cvr
    like a search term: ``theme = "waste"`` when it has the evidence of a negative and a
    probability of reaching break-even below ``max_probability``; ``"worth"`` when that
    probability is at least 1 − ``max_probability`` and ROI is at least the target; else
    ``"neutral"``.

    Returns
    -------
    DataFrame
        ``ngram``, ``n``, ``terms``, volumes, ctr/cpc/cvr/cpa/roi, ``cost_share`` (of all
        search-term spend — themes overlap, so shares do not add up), cvr_shrunk,
        breakeven_cvr, p_breakeven, ``contribution`` (元: revenue × contribution margin −
        cost), ``theme``, ``bought`` (the theme is a keyword the shop buys), ``is_competitor``
        (it contains one of ``competitor_brands``). Sorted by cost.
    """
    kp = params.keywords
    cols = [
        "ngram", "n", "terms", *VOLUMES, *KPI_RATIOS, "cost_share", "cvr_shrunk",
        "revenue_per_order_line", "breakeven_cvr", "p_breakeven", "contribution", "theme",
        "bought", "is_competitor",
    ]  # fmt: skip
    if terms is None or terms.empty:
        return pd.DataFrame(columns=cols)
    tokenize = tokenize or make_tokenizer(_words_for_tokenizer(params, keywords))
    per = terms.groupby(terms["search_term"].astype("string"), sort=False)[list(VOLUMES)].sum(
        min_count=1
    )
    total_cost = float(per["cost"].sum())
    grams: list[str] = []
    ns: list[int] = []
    owner: list[int] = []
    for i, term in enumerate(per.index):
        for g, n in term_ngrams(tokenize(str(term)), kp.ngram_max, drop_fillers=True).items():
            grams.append(g)
            ns.append(n)
            owner.append(i)
    if not grams:
        return pd.DataFrame(columns=cols)
    owner_arr = np.asarray(owner)
    long = pd.DataFrame({c: per[c].to_numpy()[owner_arr] for c in VOLUMES})
    long["ngram"] = grams
    long["n"] = ns
    long["term"] = owner_arr
    g = long.groupby("ngram", sort=False)
    out = g[list(VOLUMES)].sum(min_count=1)
    out["n"] = g["n"].min()
    out["terms"] = g["term"].nunique()
    out["_sig"] = g["term"].agg(lambda s: hash(tuple(sorted(s))))
    out = out.reset_index()
    out = out.loc[
        (out["terms"] >= kp.ngram_min_terms) & (out["clicks"].fillna(0) >= kp.ngram_min_clicks)
    ]
    # the same set of terms under a shorter and a longer theme: keep the longer (more specific)
    out["_len"] = out["ngram"].str.len()
    out = out.sort_values(["_sig", "_len"], ascending=[True, False]).drop_duplicates("_sig")
    if out.empty:
        return pd.DataFrame(columns=cols)
    out = _add_ratios(out)
    out["cost_share"] = ratio(out["cost"], pd.Series(total_cost, index=out.index))
    account = dict(account) if account is not None else account_rates(terms)
    acc_kp = kp.model_copy(update={"shrink_to": "account"})
    out = add_breakeven(shrink_rates(out, acc_kp, account), kp, params.breakeven_roi)
    out["contribution"] = out["revenue"].fillna(0) * params.contribution_margin - out["cost"]
    target_roi, _ = params.roi_target
    waste = _fails_breakeven(out, kp, kp.ngram_min_clicks)
    worth = (out["p_breakeven"] >= 1 - kp.max_probability) & (out["roi"] >= target_roi)
    out["theme"] = np.select([waste.to_numpy(), worth.fillna(False).to_numpy()],
                             ["waste", "worth"], default="neutral")  # fmt: skip
    bought = set(normalize_text(keywords["keyword"]).dropna()) if keywords is not None else set()
    out["bought"] = normalize_text(out["ngram"]).isin(bought).to_numpy()
    out["is_competitor"] = is_brand(out["ngram"], params.competitor_brands).to_numpy()
    out = out.sort_values("cost", ascending=False, kind="stable")
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Benchmarks, explorer, workbook, display


def account_vs_benchmarks(keywords: pd.DataFrame, benchmarks: Mapping[str, Any]) -> pd.DataFrame:
    """The account's ctr, cvr, cpc and roi against the benchmarks the user supplied in params.

    Only metrics with a benchmark are listed (nothing is invented).

    Returns
    -------
    DataFrame
        ``metric``, ``value`` (the account's, ratio of sums), ``reference`` (the benchmark),
        ``source``, ``date``.
    """
    acc = account_rates(keywords) if len(keywords) else {}
    rows = []
    for metric in ("ctr", "cvr", "cpc", "roi"):
        bench = benchmarks.get(metric) if benchmarks else None
        if bench is None:
            continue
        rows.append(
            {
                "metric": metric,
                "value": acc.get(metric, np.nan),
                "reference": float(getattr(bench, "value", bench)),
                "source": getattr(bench, "source", ""),
                "date": getattr(bench, "date", ""),
            }
        )
    return pd.DataFrame(rows, columns=["metric", "value", "reference", "source", "date"])


def filter_words(
    kpis: pd.DataFrame,
    *,
    min_clicks: float = 0,
    quadrant: str | None = None,
    campaign: str | None = None,
    text: str | None = None,
    sort_by: str = "cost",
    limit: int | None = None,
) -> pd.DataFrame:
    """The filtering behind the keyword explorer widget (and its static view).

    Parameters
    ----------
    kpis
        Keyword or search-term KPIs with quadrants (:func:`add_quadrants`).
    min_clicks
        Keep words with at least this many clicks.
    quadrant, campaign
        Keep one quadrant code / one campaign; ``None`` or ``""`` keeps all.
    text
        Keep words whose keyword or search term contains this text (case-insensitive, literal —
        no pattern syntax).
    sort_by
        Column to sort by, largest first; ``limit`` keeps the first rows.
    """
    out = kpis
    mask = out["clicks"].fillna(0) >= min_clicks
    if quadrant:
        mask &= out["quadrant"] == quadrant
    if campaign:
        mask &= out["campaign"].astype("string") == campaign
    if text:
        needle = text.strip().casefold()
        hit = pd.Series(False, index=out.index)
        for col in ("keyword", "search_term"):
            if col in out:
                s = out[col].astype("string").str.casefold()
                hit |= s.str.contains(needle, regex=False, na=False).astype(bool)
        mask &= hit
    out = out.loc[mask.fillna(False).astype(bool)]
    if sort_by in out:
        out = out.sort_values(sort_by, ascending=False, kind="stable", na_position="last")
    if limit is not None:
        out = out.head(limit)
    return out.reset_index(drop=True)


SHEET_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "大促后执行": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("word", "关键词/搜索词"),
        ("keyword_id", "关键词ID"),
        ("match_type", "匹配方式"),
        ("action_zh", "操作"),
        ("current_bid", "当前出价"),
        ("new_bid", "建议出价"),
        ("after", "执行时间"),
        ("recheck", "复核"),
        ("evidence", "原因"),
    ],
    "否定关键词": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("negative_word", "否定关键词"),
        ("negative_match_zh", "否定方式"),
        ("keyword", "来源关键词"),
        ("clicks", "点击数"),
        ("cost", "花费"),
        ("order_lines", "总订单行"),
        ("evidence", "原因"),
    ],
    "暂停或降价": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("keyword", "关键词"),
        ("keyword_id", "关键词ID"),
        ("match_type", "匹配方式"),
        ("action_zh", "操作"),
        ("current_bid", "当前出价"),
        ("new_bid", "建议出价"),
        ("clicks", "点击数"),
        ("cost", "花费"),
        ("order_lines", "总订单行"),
        ("roi", "ROI"),
        ("evidence", "原因"),
    ],
    "出价调整": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("keyword", "关键词"),
        ("keyword_id", "关键词ID"),
        ("match_type", "匹配方式"),
        ("current_bid", "当前出价"),
        ("new_bid", "建议出价"),
        ("bid_change_pct", "调整幅度(%)"),
        ("cpc", "平均点击花费"),
        ("roi", "ROI"),
        ("expected_roi", "预计ROI"),
        ("evidence", "原因"),
    ],
    "新词建议": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("keyword", "关键词"),
        ("match_type", "匹配方式"),
        ("new_bid", "建议出价"),
        ("source_zh", "来源"),
        ("searches", "搜索次数"),
        ("clicks", "点击数"),
        ("order_lines", "总订单行"),
        ("roi", "ROI"),
        ("evidence", "原因"),
    ],
    "精确词建议": [
        ("campaign", "推广计划"),
        ("unit", "推广单元"),
        ("keyword", "关键词"),
        ("match_type", "匹配方式"),
        ("new_bid", "出价"),
        ("similar_keyword", "相近关键词"),
        ("clicks", "点击数"),
        ("cost", "花费"),
        ("order_lines", "总订单行"),
        ("roi", "ROI"),
        ("evidence", "原因"),
    ],
}
"""Columns of each sheet of ``keyword_actions.xlsx``: (column of the action table, header as
JD's back office names it). ``docs/keyword-actions.md`` maps them to JD's bulk templates."""


def sheet_names() -> dict[str, dict[str, str]]:
    """Per sheet, JD's header → the column's registry name (:mod:`jdpromo.columns`): how the
    workbook formats it and what its CSV copy is headed (snake_case)."""
    return {sheet: {h: c for c, h in spec} for sheet, spec in SHEET_COLUMNS.items()}


def after_negatives(
    keywords: pd.DataFrame, terms: pd.DataFrame, negatives: pd.DataFrame
) -> pd.DataFrame:
    """The keywords' KPIs without the traffic of the proposed negatives
    (:func:`proposed_negatives`): for each campaign × unit × keyword, the volumes of the
    negated search terms that came through it are taken out and the ratios recomputed.

    A keyword's bid or pause is then judged on the traffic it keeps, so a search term is never
    both negated and part of its keyword's bid change. Keywords without negated terms are
    unchanged (same rows, same order). ``negated_clicks`` and ``negated_cost`` (元) say what
    was taken out of each keyword (0 when nothing): its figures here differ from the keyword
    report's (:func:`keyword_kpis`) by that much, which the page says beside them
    (:func:`after_negatives_note`).
    """
    neg = proposed_negatives(negatives)
    out = keywords.assign(negated_clicks=0.0, negated_cost=0.0)
    if keywords.empty or terms.empty or neg is None or neg.empty:
        return out
    keys = ["campaign", "unit", "search_term"]
    hit = terms.merge(neg[keys].drop_duplicates(), on=keys, how="inner")
    if hit.empty:
        return out
    vols = [c for c in VOLUMES if c in keywords and c in hit]
    gone = hit.groupby(list(KEYWORD_KEYS), dropna=False)[vols].sum(min_count=1)
    out = out.set_index(list(KEYWORD_KEYS))
    taken = gone.reindex(out.index)
    for c in vols:
        out[c] = (out[c] - taken[c].fillna(0.0)).clip(lower=0.0)
    out["negated_clicks"] = taken["clicks"].fillna(0.0) if "clicks" in taken else 0.0
    out["negated_cost"] = taken["cost"].fillna(0.0) if "cost" in taken else 0.0
    out = _add_shares(_add_ratios(out.reset_index()))
    out.attrs.update(keywords.attrs)
    return out[[*keywords.columns, "negated_clicks", "negated_cost"]]


def after_negatives_note(
    keywords: pd.DataFrame, pauses: pd.DataFrame, bids: pd.DataFrame
) -> dict[str, Any] | None:
    """The fields of the note ``kw_after_negatives_note``: how many keywords of the pause and
    bid lists (:func:`keyword_pauses`, :func:`bid_suggestions`: figures after the proposed
    negatives, :func:`after_negatives`) show other figures than the keyword report
    (``keywords``, :func:`keyword_kpis`), and the one with the most clicks taken out as an
    example: its clicks and ROI in the report and after. None when no listed keyword lost
    traffic to a negative (pauses and bid moves only: a kept bid is not listed)."""
    frames = [pauses if pauses is not None else pd.DataFrame()]
    if bids is not None and len(bids):
        frames.append(bids.loc[bids["reason"].isin(BID_MOVES)] if "reason" in bids else bids)
    cols = [*KEYWORD_KEYS, "clicks", "roi", "negated_clicks"]
    frames = [f[cols] for f in frames if len(f) and set(cols) <= set(f.columns)]
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.loc[rows["negated_clicks"].fillna(0) > 0].drop_duplicates(list(KEYWORD_KEYS))
    if rows.empty:
        return None
    top = rows.sort_values("negated_clicks", ascending=False, kind="stable").iloc[[0]]
    report = (
        top[list(KEYWORD_KEYS)]
        .merge(keywords[[*KEYWORD_KEYS, "clicks", "roi"]], on=list(KEYWORD_KEYS), how="left")
        .iloc[0]
    )
    return {
        "n": len(rows),
        "keyword": str(top["keyword"].iloc[0]),
        "report_clicks": float(report["clicks"]),
        "report_roi": _fmt_ratio(float(report["roi"])),
        "clicks": float(top["clicks"].iloc[0]),
        "roi": _fmt_ratio(float(top["roi"].iloc[0])),
    }


def proposed_negatives(negatives: pd.DataFrame) -> pd.DataFrame:
    """The negatives actually proposed: those within the per-unit limit
    (``within_unit_limit``; every row when the column is missing). The workbook, the findings
    and the summary count these."""
    if negatives is None or negatives.empty or "within_unit_limit" not in negatives:
        return negatives if negatives is not None else pd.DataFrame(columns=NEGATIVE_COLUMNS)
    return negatives.loc[negatives["within_unit_limit"].astype(bool)]


PROMOTION_CAMPAIGN = re.compile(
    r"双\s*1[12]|双十[一二]|11\.11|1111|618|6\.18|大促|年货节|预热|返场", re.IGNORECASE
)
"""Words that mark a campaign (推广计划) as a promotion's own (双11专项, 618大促, 大促预热 …)."""


def is_promotion_campaign(name: Any) -> bool:
    """Whether a campaign's name marks it as a promotion campaign (:data:`PROMOTION_CAMPAIGN`)."""
    return isinstance(name, str) and bool(PROMOTION_CAMPAIGN.search(name))


def _promotion_campaign_pauses(
    later: pd.DataFrame, lang: str, after: str, hold_until: dt.date | str = ""
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``later`` (the 大促后执行 rows) split into the rows of ordinary campaigns and one row
    per promotion campaign (:func:`is_promotion_campaign`): pause the whole campaign after the
    promotion (``after``) instead of cutting its words one by one — it was built for the
    promotion, and nothing of it is worth keeping at a lower bid once the promotion is over.
    The row says the one plan: paused when the promotion ends, its ROI reviewed over the
    whole promotion once it settles (``hold_until``)."""
    from jdpromo.text import t

    promo = later["campaign"].map(is_promotion_campaign).astype(bool)
    if not promo.any():
        return later, later.iloc[0:0]
    day = after.removesuffix(" 之后")  # the promotion's last day
    recs = []
    for campaign, rows in later.loc[promo].groupby("campaign", sort=False):
        words = join_words(rows["word"].dropna().astype(str).unique()[:3], lang)
        recs.append({
            "campaign": campaign, "unit": "", "word": "", "action_zh": "暂停计划", "after": after,
            "recheck": t("kw_after_promo", lang, after=day, hold_until=hold_until),
            "evidence": t("kw_promo_campaign_pause", lang, n=len(rows), words=words, after=day,
                          hold_until=hold_until),
        })  # fmt: skip
    return later.loc[~promo], pd.DataFrame(recs)


def _promo_covered(covered: pd.DataFrame | None) -> pd.DataFrame:
    """The word actions of promotion campaigns on hold that :func:`defer_to_campaigns` left to
    the campaign's pause after the promotion (``campaign``, ``unit``, ``word``)."""
    if covered is None or covered.empty:
        return pd.DataFrame(columns=["campaign", "unit", "word"])
    rows = covered.loc[
        (covered["campaign_verdict"] == "hold")
        & covered["campaign"].map(is_promotion_campaign).astype(bool)
    ]
    return rows.assign(word=rows["keyword"])[["campaign", "unit", "word"]]


def exact_words_where(
    exact_words: pd.DataFrame | None, hold_until: dt.date | None, lang: str = "zh"
) -> str:
    """Where the exact words of :func:`exact_word_suggestions` are in ``keyword_actions.xlsx``
    (the ``where`` field of ``kw_exact_words_method``), as :func:`action_sheets` puts them: the
    sheet 精确词建议, or while a promotion settles (``hold_until``) 大促后执行 — those of a
    promotion campaign folded into its pause after the promotion."""
    from jdpromo.text import t

    if hold_until is None or exact_words is None or exact_words.empty:
        return t("kw_exact_words_where_now", lang)
    promo = int(exact_words["campaign"].map(is_promotion_campaign).astype(bool).sum())
    extra = t("kw_exact_words_where_promo", lang, m=promo) if promo else ""
    return t("kw_exact_words_where_held", lang, later=len(exact_words) - promo, promo=extra)


def after_promotion(hold_until: dt.date, lang: str = "zh") -> str:
    """The 执行时间 of a keyword pause or bid-down while a promotion settles: after
    ``hold_until``, to re-check (text key ``kw_after_promotion_when``), as on 大促后执行."""
    from jdpromo.text import t

    return t("kw_after_promotion_when", lang, hold_until=hold_until)


def join_words(words: Iterable[str], lang: str = "zh") -> str:
    """Words quoted and joined for a sentence: 「a」、「b」 / "a", "b"."""
    return ("、" if lang == "zh" else ", ").join(
        (f"「{w}」" if lang == "zh" else f'"{w}"') for w in words
    )


def action_sheets(
    negatives: pd.DataFrame,
    pauses: pd.DataFrame,
    bids: pd.DataFrame,
    new_words: pd.DataFrame,
    lang: str = "zh",
    exact_words: pd.DataFrame | None = None,
    hold_until: dt.date | None = None,
    promotion_end: dt.date | None = None,
    covered: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The sheets of ``keyword_actions.xlsx`` (:data:`SHEETS`) with JD's column headers.

    While a promotion's verdict is pending (``hold_until``, see
    :func:`jdpromo.periods.promotion_context`) no bid judged on warm-up data goes into the sheets
    to upload now: pauses, bid changes either way, exact words (a lower price for converting
    traffic) and negatives of terms that do convert (below 保本) move to 大促后执行, to be
    re-checked after the day given. Negatives of terms without any order stay, and so do new
    words, except those for a unit closed to them while the promotion settles
    (:func:`unit_status` ``held``, :func:`new_word_suggestions`): 添加新词 after the day given,
    re-checked (``kw_after_new_word``: only if the unit is back above 保本). In a
    promotion campaign (:func:`is_promotion_campaign`: 双11专项 …) those rows become one row
    that pauses the whole campaign (暂停计划) after the promotion's last day (``promotion_end``;
    ``hold_until`` when not given), not bid cuts on its words; its word actions that
    :func:`defer_to_campaigns` left to the campaign (``covered``) are counted in that row.

    否定关键词: negative candidates within the per-unit limit. 暂停或降价: :func:`keyword_pauses`.
    出价调整: bid changes (``raise``/``lower``, capped or not) of keywords that are not already
    in 暂停或降价. 新词建议: :func:`new_word_suggestions`. 精确词建议:
    :func:`exact_word_suggestions` (relevant terms below break-even, to add as 精确匹配 at the
    bid 出价; empty when not given). Headers are Chinese (JD's templates are); the 原因 column
    is in ``lang``. Money in 元; an empty sheet keeps its headers.

    Rows of 大促后执行 built on this period's data (its 预热 days are spent ahead of the peak)
    are not orders to execute on the date: their 复核 column says 待复核 — re-run the report
    over the whole promotion window after ``hold_until`` and apply only what still holds
    (``kw_after_recheck``). A promotion campaign's pause needs no re-check (``kw_after_promo``).
    """
    from jdpromo.text import t

    neg = proposed_negatives(negatives).copy()
    # a term negated for an irrelevant word (专用纸, 怎么清洗, a rival brand): negate the word
    # itself as a phrase in that unit, which also stops its other searches; else the exact term
    word = neg.get("irrelevant_word", pd.Series(np.nan, index=neg.index))
    by_word = word.notna() & (word.astype(str).str.strip() != "")
    neg["negative_word"] = word.where(by_word, neg["search_term"])
    neg["negative_match_zh"] = np.where(by_word, NEGATIVE_PHRASE, NEGATIVE_EXACT)
    neg = neg.drop_duplicates(["campaign", "unit", "negative_word"])
    neg = explain(neg, "negative", lang)
    pau = pauses.copy()
    pau["action_zh"] = pau["action"].map({"pause": "暂停", "bid_down": "降价"})
    pau = explain(pau, "pause", lang)
    skip = set()
    if len(pauses):
        skip = set(zip(pauses["campaign"], pauses["unit"], pauses["keyword"], strict=True))
    moves = bids.loc[bids["reason"].isin(["raise", "lower", "raise_capped", "lower_capped"])]
    keep = [
        (c, u, k) not in skip
        for c, u, k in zip(moves["campaign"], moves["unit"], moves["keyword"], strict=True)
    ]
    bid = moves.loc[keep].copy()
    bid["bid_change_pct"] = (bid["bid_change"] * 100).round(1)
    bid = explain(bid, "bid", lang)
    new = new_words.copy()
    new["source_zh"] = new["source"].map({"search_term": "搜索词", "industry": "行业热搜榜"})
    new = explain(new, "new_word", lang)
    # a new word for a unit below 保本 while the promotion settles is added after it, if at all
    held_new = new.get("unit_status", pd.Series("open", index=new.index)).eq("held")
    wait = pd.DataFrame()
    if held_new.any():
        wait = new.loc[held_new].assign(word=lambda f: f["keyword"], action_zh="添加新词")
        new = new.loc[~held_new]
    exact = explain(
        exact_words if exact_words is not None else pd.DataFrame(columns=EXACT_WORD_COLUMNS),
        "exact_word",
        lang,
    )
    later = pd.DataFrame()
    if hold_until is not None:  # bid changes either way rest on warm-up data: all re-checked
        converting = neg["reason"] == "below_breakeven"
        later = pd.concat(
            [
                neg.loc[converting].assign(word=lambda f: f["search_term"], action_zh="否定"),
                pau.assign(word=lambda f: f["keyword"]),
                bid.assign(word=lambda f: f["keyword"],
                           action_zh=np.where(bid["bid_change"] < 0, "降价", "提价")),  # fmt: skip
                exact.assign(word=lambda f: f["keyword"], action_zh="添加精确词"),
                _promo_covered(covered),
            ],
            ignore_index=True,
        ).assign(after=f"{hold_until:%Y-%m-%d} 之后",
                 recheck=t("kw_after_recheck", lang, hold_until=hold_until))  # fmt: skip
        end = promotion_end or hold_until
        later, stop = _promotion_campaign_pauses(
            later, lang, f"{end:%Y-%m-%d} 之后", f"{hold_until:%Y-%m-%d}"
        )
        later = pd.concat([stop, later], ignore_index=True) if len(stop) else later
        neg, bid, pau, exact = neg.loc[~converting], bid.iloc[0:0], pau.iloc[0:0], exact.iloc[0:0]
    if len(wait):
        after = f"{hold_until:%Y-%m-%d} 之后" if hold_until is not None else "大促结算后"
        date = (
            hold_until
            if hold_until is not None
            else ("大促结算" if lang == "zh" else "the promotion settles")
        )
        wait = wait.assign(after=after, recheck=t("kw_after_new_word", lang, hold_until=date))
        later = pd.concat([later, wait], ignore_index=True) if len(later) else wait
    frames = dict(zip(SHEETS, (neg, pau, bid, new, exact, later), strict=True))
    out = {}
    for sheet, frame in frames.items():
        spec = SHEET_COLUMNS[sheet]
        part = frame.reindex(columns=[c for c, _ in spec])
        part.columns = [h for _, h in spec]
        out[sheet] = part.reset_index(drop=True)
    return out


# --------------------------------------------------------------------------------------------
# Sentences


def _fmt_pct(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.2%}"


def _fmt_ratio(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.2f}"


def _fmt_money(x: float) -> str:
    """元 with two decimals (a cost per cart, a cpc); "—" when undefined."""
    return "—" if x is None or not np.isfinite(x) else f"{x:,.2f}"


def _breakeven_fields(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """The evidence of a break-even test (negatives, pauses) as text fields."""
    return {
        "clicks": float(row["clicks"]),
        "cost": float(row["cost"]),
        "order_lines": float(np.nan_to_num(row["order_lines"])),
        "cvr": _fmt_pct(float(row["cvr"])),
        "breakeven_cvr": _fmt_pct(float(row["breakeven_cvr"])),
        "expected": float(row["clicks"] * row["breakeven_cvr"]),
        "p": _fmt_pct(float(row["p_breakeven"])),
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def negative_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """Why a search term is a negative candidate (text keys ``kw_neg_no_orders`` /
    ``kw_neg_below_breakeven``), after ``kw_neg_irrelevant`` when an irrelevant word is why a
    term containing a bought keyword can be negated — ``kw_neg_competitor`` for a rival's brand
    (a competitor campaign can buy it), or ``kw_neg_competitor_paused`` / ``_cut`` when the
    shop's competitor campaign itself is paused or cut now (``rival_campaign``,
    :func:`with_rival_campaign`)."""
    from jdpromo.text import t

    key = "kw_neg_no_orders" if row["reason"] == "no_orders" else "kw_neg_below_breakeven"
    text = t(key, lang, **_breakeven_fields(row))
    word = _text(row.get("irrelevant_word"))
    if word:
        rival = bool(row.get("is_competitor", False))  # a rival's brand: wanted elsewhere, not here
        key = "kw_neg_competitor" if rival else "kw_neg_irrelevant"
        camp = _text(row.get("rival_campaign"))
        if rival and camp:  # …unless the shop's competitor campaign itself is cut or paused
            key = f"kw_neg_competitor_{'paused' if row.get('rival_campaign_verdict') == 'pause' else 'cut'}"
        text = t(key, lang, word=word, campaign=camp or "") + text
    return text


def exact_word_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """Why a relevant search term is bought as an exact keyword at a lower bid
    (``kw_exact_word``)."""
    from jdpromo.text import t

    return t(
        "kw_exact_word",
        lang,
        keyword=str(row["similar_keyword"]),
        relation=t(f"kw_relation_{row['relation']}", lang),
        clicks=float(row["clicks"]),
        cost=float(row["cost"]),
        order_lines=float(np.nan_to_num(row["order_lines"])),
        roi=float(np.nan_to_num(row["roi"])),
        value=float(row["value_per_click"]),
        target_roi=float(row["target_roi"]),
        target_basis=t(f"target_basis_{row['target_basis']}", lang),
        bid=float(row["new_bid"]),
        cpc=float(row["cpc"]),
    )


def _fmt_money(x: Any) -> str:
    x = pd.to_numeric(x, errors="coerce")
    return "—" if x is None or not np.isfinite(x) else f"{x:,.2f}"


def pause_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """Why a bought keyword is paused or bid down: text key ``kw_pause_<reason>``
    (``no_orders``, ``big_loss``, ``at_min_bid``) or ``kw_bid_down_below_breakeven``."""
    from jdpromo.text import t

    reason = row.get("reason", "no_orders" if row["action"] == "pause" else "below_breakeven")
    key = "kw_bid_down_below_breakeven" if reason == "below_breakeven" else f"kw_pause_{reason}"
    text = t(
        key,
        lang,
        **_breakeven_fields(row),
        roi=_fmt_ratio(float(row["roi"])),
        breakeven=float(row.get("breakeven_roi", np.nan)),
        loss=float(np.nan_to_num(row.get("profit_gain", np.nan))),
        share=_fmt_pct(float(row.get("loss_share", np.nan))),
    )
    if row.get("campaign_verdict") == "cut" and row["action"] == "pause":
        change = _fmt_pct(abs(float(row.get("campaign_bid_change", np.nan))))
        text += t("kw_pause_campaign_cut", lang, change=change)
    return text + _after_negatives_clause(row, lang)


def _after_negatives_clause(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """``kw_after_negatives_row`` when the proposed negatives took traffic out of this keyword
    (:func:`after_negatives`): its figures are not the keyword report's."""
    from jdpromo.text import t

    clicks = float(np.nan_to_num(pd.to_numeric(row.get("negated_clicks", 0.0), errors="coerce")))
    if clicks <= 0:
        return ""
    cost = float(np.nan_to_num(pd.to_numeric(row.get("negated_cost", 0.0), errors="coerce")))
    return t("kw_after_negatives_row", lang, clicks=clicks, cost=cost)


def bid_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """Why a bid moves or stays (``kw_bid_<reason>``, then the expected ROI with its basis; the
    basis note when the bid was not exported). Unknown figures are "—", never 0."""
    from jdpromo.text import t

    cpc, target = float(row["cpc"]), float(row["target_bid"])
    text = t(
        f"kw_bid_{row['reason']}",
        lang,
        clicks=float(np.nan_to_num(row["clicks"])),
        cvr=_fmt_pct(float(row["cvr_shrunk"])),
        rpol=_fmt_money(row["revenue_per_order_line"]),
        roi=_fmt_ratio(float(row["roi"])),
        target_roi=float(row["target_roi"]),
        target_basis=t(f"target_basis_{row['target_basis']}", lang),
        target_bid=_fmt_money(target),
        cpc=_fmt_money(cpc),
        gap=_fmt_pct(abs(ratio(target, cpc) - 1)),
        change=_fmt_pct(abs(float(row["bid_change"]))),
    )
    if row["reason"] in BID_MOVES:
        basis = row.get("expected_roi_basis")
        if isinstance(basis, str) and np.isfinite(row["expected_roi"]):
            text += t("kw_bid_expected", lang, roi=_fmt_ratio(float(row["expected_roi"])),
                      basis=t(f"roi_basis_{basis}", lang))  # fmt: skip
        else:
            text += t("kw_bid_expected_none", lang)
    if row.get("bid_basis") == "cpc":
        text += t("kw_bid_basis_cpc_note", lang)
    if row["reason"] in BID_MOVES:
        text += _after_negatives_clause(row, lang)
    return text


def new_word_sentence(row: Mapping[str, Any] | pd.Series, lang: str = "zh") -> str:
    """Why a word is worth buying (``kw_new_proven_term`` / ``kw_new_industry_hot``, which names
    the words a hot word shares with the unit it goes to)."""
    from jdpromo.text import join_list, t

    if row["reason"] == "proven_term":
        return t(
            "kw_new_proven_term",
            lang,
            clicks=float(row["clicks"]),
            order_lines=float(np.nan_to_num(row["order_lines"])),
            roi=float(np.nan_to_num(row["roi"])),
            p=_fmt_pct(float(row["p_breakeven"])),
        ) + _new_word_unit_clause(row, lang)
    words = row.get("unit_words")
    words = words if isinstance(words, str) else ""
    text = t(
        "kw_new_industry_hot_sku" if row.get("unit_basis") == "sku" else "kw_new_industry_hot",
        lang,
        searches=float(np.nan_to_num(row["searches"])),
        bid=_fmt_money(row["kuaiche_reference_bid"]),
        words=join_list((w for w in words.split(" | ") if w), lang),
    )
    basis = row.get("bid_cap_basis")
    if isinstance(basis, str) and basis:
        text += t(
            f"kw_new_cap_{basis}",
            lang,
            cap=_fmt_money(row.get("bid_cap")),
            unit_cpc=_fmt_money(row.get("unit_cpc")),
            unit_roi=_fmt_ratio(float(pd.to_numeric(row.get("unit_roi"), errors="coerce"))),
            target_roi=float(np.nan_to_num(row.get("target_roi", np.nan))),
            bid=_fmt_money(row.get("new_bid")),
        )
    return text + _new_word_unit_clause(row, lang)


def _new_word_unit_clause(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """Why a new word is not in its closest unit (``kw_new_moved_<status>``: that unit or its
    campaign is below 保本) or waits for after the promotion (``kw_new_held``)."""
    from jdpromo.text import t

    def why(reason: Any) -> str:
        return t(f"kw_unit_why_{reason if reason == 'campaign' else 'unit'}", lang)

    closest = _text(row.get("closest_unit"))
    if closest:
        status = "held" if row.get("closest_status") == "held" else "losing"
        return t(f"kw_new_moved_{status}", lang, campaign=str(row.get("closest_campaign", "")),
                 unit=closest, why=why(row.get("closest_reason")))  # fmt: skip
    if row.get("unit_status") == "held":
        return t("kw_new_held", lang, why=why(row.get("status_reason")))
    return ""


_EXPLAIN = {
    "negative": negative_sentence,
    "exact_word": exact_word_sentence,
    "pause": pause_sentence,
    "bid": bid_sentence,
    "new_word": new_word_sentence,
}


def explain(frame: pd.DataFrame, kind: str, lang: str = "zh") -> pd.DataFrame:
    """A copy of an action table with ``evidence``: one sentence per row saying why, with its
    numbers, in ``lang``. ``kind``: ``negative``, ``exact_word``, ``pause``, ``bid`` or
    ``new_word``."""
    out = frame.copy()
    func = _EXPLAIN[kind]
    out["evidence"] = [func(row, lang) for _, row in out.iterrows()] if len(out) else []
    return out


# --------------------------------------------------------------------------------------------
# The whole review


@dataclass
class KeywordReview:
    """Every table of the keyword review for one shop and period (see :func:`review`)."""

    source: str
    account: dict[str, float]
    keywords: pd.DataFrame
    terms: pd.DataFrame
    head_tail: pd.DataFrame
    brand: pd.DataFrame
    brand_trend: pd.DataFrame
    quadrants: pd.DataFrame
    match_types: pd.DataFrame
    negatives: pd.DataFrame
    pauses: pd.DataFrame
    bids: pd.DataFrame
    themes: pd.DataFrame
    hot_words: pd.DataFrame
    new_words: pd.DataFrame
    benchmarks: pd.DataFrame
    target_roi: float
    target_basis: str
    breakeven_roi: float
    exact_words: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra: dict[str, Any] = field(default_factory=dict)
    phases: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PHASE_COLUMNS))
    """The account per 日常 / promotion phase of the period (:func:`account_phases`)."""
    covered: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COVERED_COLUMNS))
    """Keyword actions left to their campaign's own cut or pause (:func:`defer_to_campaigns`)."""
    units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=UNIT_STATUS_COLUMNS))
    """Which units take new words now (:func:`unit_status`)."""
    line_gap: dict[str, Any] | None = None
    """The keyword report's total against the 快车 line of the ad report (:func:`line_gap`)."""

    @property
    def empty(self) -> bool:
        return self.keywords.empty and self.terms.empty


def _short_words(keywords: pd.DataFrame | None) -> list[str]:
    """Bought keywords of 2–4 characters without spaces: category words such as 破壁机 or
    空气炸锅 that jieba should keep whole."""
    if keywords is None or not len(keywords):
        return []
    kw = keywords["keyword"].dropna().astype(str)
    return [w for w in kw.unique() if 2 <= len(w) <= 4 and not re.search(r"\s", w)]


def _words_for_tokenizer(params: ShopParams, keywords: pd.DataFrame | None) -> list[str]:
    """Brand words (the shop's and its competitors'), the params' product words, and short
    bought keywords (:func:`_short_words`) for the tokenizer. :func:`make_tokenizer` adds only
    the Chinese ones to jieba's dictionary: a Latin word is one token anyway, so a bought "oil"
    can never cut "toilet" apart."""
    return [
        *params.brand_terms,
        *params.competitor_brands,
        *params.keywords.product_words,
        *_short_words(keywords),
    ]


def review(
    frame: pd.DataFrame,
    period: Period | tuple[Any, Any],
    params: ShopParams,
    industry: pd.DataFrame | None = None,
    *,
    ngrams: bool = True,
    sku: pd.DataFrame | None = None,
    verdicts: pd.DataFrame | None = None,
    lang: str = "zh",
    ad: pd.DataFrame | None = None,
    hold_until: dt.date | None = None,
) -> KeywordReview:
    """Run the whole keyword review: the tables of :class:`KeywordReview`.

    Parameters
    ----------
    frame
        ``keyword_daily`` of one attribution window; rows after the period's end are ignored
        (the brand-share trend uses the 13 months up to it).
    period
        The report period (inclusive days).
    params
        Shop params: ``brand_terms``, ``bid_step_cap``, ``roi_target``, margins (保本ROI),
        ``benchmarks`` and ``keywords`` (:class:`~jdpromo.params.KeywordParams`).
    industry
        ``industry_keywords`` (行业热搜榜), optional.
    ngrams
        Compute the n-gram themes (needs jieba).
    sku
        ``sku_daily`` (京东商智 商品明细), optional: its ``sku_name`` values decide, with the
        bought keywords, which industry hot words relate to the shop's products
        (:func:`industry_gaps`).
    verdicts
        Campaign verdicts (:func:`jdpromo.channels.campaign_verdicts`), optional: a campaign
        already cut or paused there gets no second, stacked keyword cut
        (:func:`defer_to_campaigns`), and no campaign below 保本 gets new words
        (:func:`unit_status`).
    lang
        The language of the page the review is for: it names the promotions of
        ``phases`` (:func:`account_phases`); every other table is the same in both.
    ad
        ``ad_daily``, optional: the SKUs each 快车 unit advertises (:func:`unit_sku_names`,
        with ``sku``), which decide where a new word goes; and the 快车 line the keyword
        report's total is set against (:func:`line_gap`).
    hold_until
        The day a pending promotion is judged after (:attr:`jdpromo.periods.PromotionContext.hold_until`):
        new words for units below 保本 wait until then (:func:`unit_status` ``held``).
    """
    kp = params.keywords
    brand = params.brand_terms
    rivals = params.competitor_brands
    kw = keyword_kpis(frame, period, brand, rivals)
    terms = search_term_kpis(frame, period, brand, rivals)
    account = account_rates(kw)
    term_account = account_rates(terms)

    def enrich(words: pd.DataFrame, acc: dict[str, float]) -> pd.DataFrame:
        words = add_quadrants(shrink_rates(words, kp, acc), kp, acc)
        words = add_breakeven(words, kp, params.breakeven_roi)
        return classify_head_tail(words, kp.head_rule, kp.head_clicks_share,
                                  kp.long_tail_min_chars)  # fmt: skip

    kw, terms = enrich(kw, account), enrich(terms, term_account)
    parts = []
    for level, f in (("keywords", kw), ("search_terms", terms)):
        if len(f):
            s = segment_summary(f, ["word_class", "is_brand"])
            s.insert(0, "level", level)
            parts.append(s)
    head_tail = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    actions = term_actions(terms, params, kw, term_account)
    negatives = _negatives_from(actions, params, account_below_breakeven(kw, params))
    negatives = with_rival_campaign(negatives, kw, verdicts)
    # a keyword is bid on the traffic its negatives leave: one action per traffic
    rest = enrich(after_negatives(kw, terms, negatives), account)
    bids = bid_suggestions(rest, params)
    pauses = keyword_pauses(rest, params, bids)
    bids, pauses, covered = defer_to_campaigns(bids, pauses, verdicts)
    themes_due = ngrams and len(terms)
    has_industry = industry is not None and len(industry)
    tok = make_tokenizer(_words_for_tokenizer(params, kw)) if themes_due or has_industry else None
    sku_names = sku["sku_name"].dropna().unique() if sku is not None and "sku_name" in sku else None
    unit_skus = unit_sku_names(ad, sku)
    units = unit_status(kw, params, verdicts, hold_until)
    gaps = industry_gaps(industry, kw, terms, brand, competitor_brands=rivals,
                         sku_names=sku_names, tokenize=tok,
                         long_tail_min_chars=kp.long_tail_min_chars, unit_skus=unit_skus,
                         status=units)  # fmt: skip
    gaps["outcome"] = hot_word_outcome(gaps, params, kw).to_numpy() if len(gaps) else []
    new_words = new_word_suggestions(terms, kw, gaps, params, term_account, status=units,
                                     unit_skus=unit_skus)  # fmt: skip
    themes = pd.DataFrame()
    if themes_due:
        themes = ngram_themes(terms, params, tok, kw, term_account)
    end = period[1] if isinstance(period, tuple) else period.end
    target_roi, target_basis = params.roi_target
    return KeywordReview(
        source=kw.attrs.get("source", SOURCE_KEYWORD_REPORT),
        account=account,
        keywords=kw,
        terms=terms,
        head_tail=head_tail,
        brand=brand_share(kw, terms),
        brand_trend=brand_share_trend(frame, end, brand),
        quadrants=segment_summary(kw, "quadrant") if len(kw) else pd.DataFrame(),
        match_types=match_type_review(kw, terms) if len(kw) else pd.DataFrame(),
        negatives=negatives,
        pauses=pauses,
        bids=bids,
        themes=themes,
        hot_words=gaps,
        new_words=new_words,
        benchmarks=account_vs_benchmarks(kw, params.benchmarks),
        target_roi=target_roi,
        target_basis=target_basis,
        breakeven_roi=float(params.breakeven_roi),
        exact_words=_exact_from(actions, params),
        phases=account_phases(frame, period, params.promotions, lang),
        covered=covered,
        units=units,
        line_gap=line_gap(kw, ad, period, float(params.breakeven_roi)),
    )


def _warmup_position(
    rv: KeywordReview, roi: float, lang: str, hold_until: dt.date | None
) -> str | None:
    """The account-position sentence of a period with 预热 days whose promotion has not
    settled (``hold_until``), or None (then the plain 保本 verdict stands).

    A warm-up spends ahead of the peak (its carts and presale orders are bought at the peak),
    so the month's ROI below 保本 is no verdict on prices or bids: the sentence says so, gives
    the warm-up's own yardstick (加购成本, :func:`account_phases`) beside the ordinary days',
    and judges the account on its ordinary days (``kw_account_warmup_ordinary_ok`` /
    ``_below``), the whole promotion after ``hold_until``."""
    from jdpromo.text import t

    ph = rv.phases
    if hold_until is None or ph is None or ph.empty or "warmup" not in set(ph["phase"]):
        return None
    by = ph.set_index("phase")
    w = by.loc["warmup"]
    text = t("kw_account_warmup", lang, label=w["label"], days=int(w["days"]), roi=roi,
             breakeven=rv.breakeven_roi, cost=float(w["cost"]),
             cart_cost=_fmt_money(w["cost_per_cart"]), warm_roi=_fmt_ratio(w["roi"]))  # fmt: skip
    o = by.loc["ordinary"] if "ordinary" in by.index else None
    if o is None or not np.isfinite(o["roi"]):
        return text + t("kw_account_warmup_no_ordinary", lang, hold_until=hold_until)
    key = "ok" if o["roi"] >= rv.breakeven_roi else "below"
    return text + t(f"kw_account_warmup_ordinary_{key}", lang, days=int(o["days"]),
                    roi=float(o["roi"]), breakeven=rv.breakeven_roi,
                    cart_cost=_fmt_money(o["cost_per_cart"]), hold_until=hold_until)  # fmt: skip


def summary_sentences(
    rv: KeywordReview, lang: str = "zh", hold_until: dt.date | None = None
) -> list[str]:
    """The 3–5 sentences a manager reads first (text keys ``kw_summary_*``). An account below
    保本 leads (``kw_account_below``); while a promotion settles (``hold_until``) its advice
    waits for the promotion instead of a bid cut."""
    from jdpromo.text import t

    out: list[str] = []
    if rv.keywords.empty:
        return out
    acc = rv.account
    cost = float(rv.keywords["cost"].sum())
    unknown = _revenue_unknown(rv.keywords)
    roi = account_roi(rv.keywords)
    out.append(
        t(
            "kw_summary_spend",
            lang,
            words=len(rv.keywords),
            cost=cost,
            roi=_fmt_ratio(roi),
            breakeven=rv.breakeven_roi,
            cvr=_fmt_pct(acc.get("cvr", np.nan)),
        )
        + line_gap_sentence(getattr(rv, "line_gap", None), lang)
    )
    if np.isfinite(roi) and roi < rv.breakeven_roi:
        held = int(rv.negatives["held_account"].sum()) if "held_account" in rv.negatives else 0
        warm = _warmup_position(rv, roi, lang, hold_until)
        lead = warm or t("kw_account_below", lang, roi=roi, breakeven=rv.breakeven_roi)
        if held:
            lead += t("kw_account_below_held", lang, held=held)
        if warm:
            pass  # the warm-up sentence already says when the account is judged
        elif hold_until is not None:
            lead += t("kw_account_below_promotion", lang, hold_until=hold_until)
        else:
            lead += t("kw_account_below_next", lang)
        out.insert(0, lead)
    if rv.keywords["revenue"].isna().all():
        out.append(t("kw_value_unknown", lang))
    elif unknown.any():
        n, lost = int(unknown.sum()), float(rv.keywords.loc[unknown, "cost"].sum())
        out.append(t("kw_value_unknown_words", lang, n=n, cost=lost))
    if len(rv.brand):
        b = rv.brand.iloc[0]
        out.append(
            t(
                "kw_summary_brand",
                lang,
                level=t(f"kw_level_{b['level']}", lang),
                clicks=_fmt_pct(b["brand_click_share"]),
                revenue=_fmt_pct(b["brand_revenue_share"]),
                # no revenue at all: "—", not the 0 of a sum over unknowns
                roi=_fmt_ratio(b["nonbrand_roi"] if pd.notna(b["revenue"]) else np.nan),
            )
        )
    neg = proposed_negatives(rv.negatives)
    if len(neg):
        out.append(
            t(
                "kw_summary_negatives",
                lang,
                n=len(neg),
                cost=float(neg["spend_saved"].sum()),
                share=_fmt_pct(
                    ratio(float(neg["spend_saved"].sum()), float(rv.terms["cost"].sum()))
                ),
            )
        )
    if len(rv.pauses):
        p = rv.pauses
        out.append(
            t(
                "kw_summary_pauses",
                lang,
                **two_counts(
                    int((p["action"] == "pause").sum()), int((p["action"] == "bid_down").sum())
                ),
                cost=float(p["cost"].sum()),
            )
        )
    covered = campaign_covered_sentence(rv, lang)
    if covered:
        out.append(covered.strip())
    if len(rv.bids) and not (rv.bids["reason"] == "no_value").all():
        r = rv.bids["reason"]
        out.append(
            t(
                "kw_summary_bids",
                lang,
                **two_counts(
                    int(r.isin(["raise", "raise_capped"]).sum()),
                    int(r.isin(["lower", "lower_capped"]).sum()),
                ),
                target=rv.target_roi,
                target_basis=t(f"target_basis_{rv.target_basis}", lang),
            )
        )
    return out


def line_gap_sentence(gap: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """Why the keyword page's 快车 ROI differs from the channel page's (:func:`line_gap`): text
    key ``kw_line_gap`` — the line also counts non-search placements, named with their spend
    when whole campaigns have no keyword row — or ``kw_line_gap_other`` when the keyword report
    holds more than the line. "" when they agree."""
    from jdpromo.text import t

    if not gap:
        return ""
    fields = {"line_roi": _fmt_ratio(gap["line_roi"]), "line_cost": float(gap["line_cost"])}
    if gap["cost_gap"] < 0:
        return t("kw_line_gap_other", lang, **fields)
    names = gap.get("campaigns") or []
    campaigns = (
        t("kw_line_gap_campaigns", lang, names=join_words(names, lang),
          cost=float(gap["campaigns_cost"]))
        if names else ""
    )  # fmt: skip
    return t("kw_line_gap", lang, campaigns=campaigns, **fields)


def new_word_counts(
    new_words: pd.DataFrame,
    hot_words: pd.DataFrame | None,
    params: ShopParams,
    keywords: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The fields of the note ``kw_new_words_note``: ``n`` new words in all, how many were
    ``moved`` from a unit closed to new words to another unit (:func:`new_word_suggestions`),
    how many are ``held`` for after the promotion, and how many were left out because every unit
    they fit is ``losing`` (hot words, :func:`hot_word_skips`; search terms,
    ``new_words.attrs["losing_terms"]``). A count of 0 is "" (its clause is left out)."""
    nw = new_words if new_words is not None else pd.DataFrame(columns=NEW_WORD_COLUMNS)
    state = nw.get("unit_status", pd.Series(dtype=object)).astype("string")
    moved = int(nw.get("closest_unit", pd.Series(dtype=object)).notna().sum()) if len(nw) else 0
    held = int(state.eq("held").sum())
    losing = int(nw.attrs.get("losing_terms", 0))
    if hot_words is not None and len(hot_words):
        losing += int((hot_word_skips(hot_words, params, keywords) == "unit_losing").sum())
    return {"n": len(nw), "moved": str(moved) if moved else "", "held": str(held) if held else "",
            "losing": str(losing) if losing else ""}  # fmt: skip


def text_keys() -> set[str]:
    """Every text key this module can ask for (a test checks they exist)."""
    keys = {f"quadrant_{q}" for q in QUADRANTS}
    keys |= {"word_class_head", "word_class_long_tail", "kw_action_pause", "kw_action_bid_down"}
    keys |= {"bid_basis_bid", "bid_basis_cpc", "theme_waste", "theme_worth", "theme_neutral"}
    keys |= {f"kw_source_{s}" for s in (SOURCE_KEYWORD_REPORT, SOURCE_SEARCH_TERMS)}
    keys |= {"kw_source_search_term", "kw_source_industry", "kw_level_keywords"}
    keys |= {"kw_level_search_terms", "brand_flag_True", "brand_flag_False"}
    keys |= {"negative_match_exact", f"brand_scope_{BRAND_SCOPE}"}
    keys |= {f"target_basis_{s}" for s in ("targets.roi", "target_roi", "breakeven")}
    keys |= {"kw_neg_no_orders", "kw_neg_below_breakeven"}
    keys |= {f"kw_pause_{r}" for r in ("no_orders", "big_loss", "at_min_bid")}
    keys |= {
        "kw_neg_irrelevant",
        "kw_neg_competitor",
        "kw_neg_competitor_paused",
        "kw_neg_competitor_cut",
        "kw_exact_word",
        "kw_account_below",
        "kw_account_below_held",
    }
    keys |= {"kw_account_below_promotion", "kw_account_below_next", "kw_account_warmup"}
    keys |= {"kw_promo_campaign_pause"}
    keys |= {f"kw_account_warmup_{k}" for k in ("no_ordinary", "ordinary_ok", "ordinary_below")}
    keys |= {f"kw_relation_{r}" for r in NEAR_DUPLICATE}
    keys |= {"kw_bid_down_below_breakeven", "kw_bid_basis_cpc_note"}
    keys |= {f"kw_bid_{r}" for r in (*BID_MOVES, *BID_KEEPS, "expected", "expected_none")}
    keys |= {"roi_basis_shrunk", "roi_basis_observed", "kw_value_unknown"}
    keys |= {"kw_value_unknown_words"}
    keys |= {"kw_new_proven_term", "kw_new_industry_hot", "kw_hot_skipped"}
    keys |= {"kw_hot_skipped_none"} | {f"kw_hot_skip_{code}" for code in HOT_SKIPS}
    keys |= {"kw_new_cap_target_roi", "kw_new_cap_unit_cpc"}
    keys |= {"kw_pause_campaign_cut", "kw_campaign_covered", "kw_after_recheck"}
    keys |= {"kw_campaign_covered_hold", "kw_bid_campaign_hold", "kw_pauses_in_held_campaigns"}
    keys |= {"kw_campaign_covered_pause", "kw_campaign_covered_cut", "kw_actions_covered"}
    keys |= {"kw_after_promo", "kw_action_lower", "kw_action_raise"}
    keys |= {"kw_pauses_in_judged_campaigns", "kw_campaign_covered_promo"}
    keys |= {f"kw_exact_words_where_{k}" for k in ("now", "held", "promo")}
    keys |= {"kw_after_promotion_when"}
    keys |= {f"kw_cap_basis_{b}" for b in ("target_roi", "unit_cpc")}
    keys |= {f"reason_{r}" for r in REASONS}
    keys |= {f"kw_summary_{s}" for s in ("spend", "brand", "negatives", "pauses", "bids")}
    keys |= {"kw_line_gap", "kw_line_gap_campaigns", "kw_line_gap_other"}
    keys |= {"kw_after_negatives_note", "kw_after_negatives_row", "kw_new_words"}
    keys |= {"kw_new_words_note", "kw_new_held", "kw_new_industry_hot_sku", "kw_after_new_word"}
    keys |= {f"kw_new_moved_{s}" for s in ("held", "losing")}
    keys |= {f"kw_unit_why_{r}" for r in ("unit", "campaign")}
    keys |= {f"kw_status_reason_{r}" for r in ("unit", "campaign")}
    keys |= {f"kw_unit_status_{s}" for s in UNIT_STATUSES}
    keys |= {f"kw_unit_basis_{b}" for b in ("sku", "keywords")}
    keys |= {f"kw_hot_outcome_{o}" for o in HOT_OUTCOMES}
    return keys


# --------------------------------------------------------------------------------------------
# Findings (ranked with every other analysis's by jdpromo.findings)


def _mid_sentence(text: str, lang: str) -> str:
    """A sentence put after a colon inside another: in English its first word loses its
    capital (“…: a rival's brand”), unless it is an acronym or a name in capitals (ROI, JD)."""
    if lang != "en" or len(text) < 2 or not text[0].isupper() or text[1].isupper():
        return text
    return text[0].lower() + text[1:]


def campaign_covered_sentence(rv: KeywordReview, lang: str = "zh") -> str:
    """What the keyword review leaves to campaigns the channel page already cuts or pauses
    (:func:`defer_to_campaigns`), text key ``kw_campaign_covered``; "" when nothing is."""
    from jdpromo.text import t

    cov = getattr(rv, "covered", None)  # a review made before campaign verdicts: none
    if cov is None or cov.empty:
        return ""
    parts = []
    for camp, rows in cov.groupby("campaign", sort=False):
        v = rows.iloc[0]
        if v["campaign_verdict"] == "hold" and is_promotion_campaign(camp):
            parts.append(t("kw_campaign_covered_promo", lang, campaign=camp))
        elif v["campaign_verdict"] in ("pause", "hold"):
            parts.append(t(f"kw_campaign_covered_{v['campaign_verdict']}", lang, campaign=camp))
        else:
            parts.append(t("kw_campaign_covered_cut", lang, campaign=camp,
                           change=_fmt_pct(abs(float(v["campaign_bid_change"])))))  # fmt: skip
    sep = "、" if lang == "zh" else "; "
    return t("kw_campaign_covered", lang, n=len(cov), campaigns=sep.join(parts))


def findings(
    rv: KeywordReview, params: ShopParams, lang: str = "zh", hold_until: dt.date | None = None
) -> list:
    """The keyword review's actions as findings: search terms to negate and bought keywords
    to pause or bid down, each group one finding.

    Money at stake = Σ ``profit_gain`` (spend − revenue × contribution margin, 元) of the
    negatives actually proposed (:func:`proposed_negatives`: within the per-unit limit; the
    count, spend and top example are theirs too), and of the keywords to pause or bid down:
    the profit these words lose now (``profit_lost``), which the actions stop or shrink —
    without the keywords of campaigns the channel page already cuts, pauses or holds for a
    promotion (``campaign_verdict``, :func:`defer_to_campaigns`): their loss is counted once, in the
    campaign's verdict (no money at all, basis ``none``, when every keyword is in one).
    Negating a term that does not convert is
    safe at any time; pausing or bidding down bought keywords waits for a promotion's verdict
    (``hold_until``): then the finding is a ``risk`` with the hold action.
    """
    from jdpromo.findings import Finding, action_text, severity
    from jdpromo.text import t

    out: list = []
    th = params.thresholds
    term_cost = float(rv.terms["cost"].sum()) if len(rv.terms) else 0.0
    neg = proposed_negatives(rv.negatives)
    if neg is not None and len(neg):
        money = float(neg["profit_gain"].sum())
        cost = float(neg["spend_saved"].sum())
        top = neg.sort_values("spend_saved", ascending=False).iloc[0]
        out.append(
            Finding(
                area="keywords", kind="negatives", subject="快车", direction="worse",
                title=t("kw_summary_negatives", lang, n=len(neg), cost=cost,
                        share=f"{ratio(cost, term_cost):.2%}" if term_cost else "—"),
                short=t("fd_short_negatives", lang, n=len(neg)),
                evidence=t("recap_ev_top_word", lang, word=top["search_term"],
                           reason=_mid_sentence(negative_sentence(top, lang), lang)),
                action=t("recap_action_negatives", lang, n=len(neg)),
                metric="cost", value=cost, baseline=params.breakeven_roi,
                baseline_kind="breakeven", n=float(len(neg)), money_at_stake=money,
                money_basis="profit_lost", severity=severity(money, th.min_money),
            )
        )  # fmt: skip
    pauses = rv.pauses
    if pauses is not None and len(pauses):
        # a loss inside a campaign the channel page already cuts is counted there, once
        own = (
            pauses["campaign_verdict"].isna()
            if "campaign_verdict" in pauses
            else pd.Series(True, index=pauses.index)
        )
        money = float(pauses.loc[own, "profit_gain"].sum()) if own.any() else np.nan
        top = pauses.sort_values("cost", ascending=False).iloc[0]
        held = hold_until is not None
        covered = campaign_covered_sentence(rv, lang)
        if not own.all():
            judged = "held" if (pauses.loc[~own, "campaign_verdict"] == "hold").any() else "judged"
            covered = t(f"kw_pauses_in_{judged}_campaigns", lang, n=int((~own).sum()),
                        loss=float(pauses.loc[~own, "profit_gain"].sum())) + covered  # fmt: skip
        out.append(
            Finding(
                area="keywords", kind="pauses", subject="快车",
                direction="risk" if held else "worse",
                title=t("kw_summary_pauses", lang,
                        **two_counts(int((pauses["action"] == "pause").sum()),
                                     int((pauses["action"] == "bid_down").sum())),
                        cost=float(pauses["cost"].sum())),
                short=t("fd_short_pauses", lang, n=len(pauses)),
                evidence=t("recap_ev_top_word", lang, word=top["keyword"],
                           reason=_mid_sentence(pause_sentence(top, lang), lang)) + covered,
                action=(action_text("action_hold", lang, hold_until=hold_until)
                        if held else t("recap_action_pauses", lang)),
                metric="roi", baseline=params.breakeven_roi, baseline_kind="breakeven",
                n=float(len(pauses)), money_at_stake=money,
                money_basis=("none" if not own.any() else
                             "profit_at_risk" if held else "profit_lost"),
                severity=severity(money, th.min_money),
            )
        )  # fmt: skip
    return out
