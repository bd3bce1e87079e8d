"""The daily watch (每日监控): what needs attention today, against a same-weekday baseline.

One day of the shop's exports is compared with a trailing baseline (:func:`baseline_days`):
the same weekday in the ``params.watch.weeks`` weeks before, of the same promotion segment
(``ordinary``, 预热 ``warmup``, 爆发 ``peak``, 返场 ``encore``; 预热 days are never compared with
ordinary days). Each rule returns :class:`Alert` records; :func:`run_rules` runs them all.

Rules (thresholds in ``params.watch``, :class:`jdpromo.params.WatchParams`)
---------------------------------------------------------------------------
``spend_spike`` / ``spend_drop``
    Spend of a line or campaign (计划) beyond the baseline's day-to-day variation: robust z
    = (today − median) / (1.4826 × MAD) beyond ± ``z`` (the scale floored at 10% of the median),
    a relative change of at least ``min_change`` and at least ``min_money`` 元.
``ctr_drop`` / ``cvr_drop`` / ``roi_drop``
    A rate of a line, campaign or creative below its baseline: robust z ≤ −``z`` over the
    baseline days' rates, a relative drop of at least ``rate_drop``, enough volume today
    (``min_impressions`` for CTR, ``min_clicks`` for CVR, ``min_money`` spend for ROI) and, for
    CTR and CVR, a one-sided exact test against the baseline's pooled rate (binomial for clicks
    out of impressions, Poisson for order lines per click) below ``alpha`` ÷ the number of
    tests (Bonferroni).
``term_no_orders``
    A search term (or a keyword, where the export has no search terms) that spent at least
    ``term_min_spend`` 元 today without an order line, at least ``term_spike`` × its mean daily
    spend over the baseline days.
``cap_hit``
    撞线: a line or campaign whose spend reached its daily cap (``daily_caps``, keys ``line`` or
    ``line/campaign``) within ``cap_tolerance``: it stopped before the day ended. JD's daily
    exports carry neither hours nor caps, so the caps come from params.
``export_missing`` / ``export_partial`` / ``line_missing``
    A daily export with no rows for the day while it covers the baseline, or with fewer than
    ``partial_rows`` × its median rows per baseline day (cut off); a line that spent on most
    baseline days (``line_presence``) and has no rows today (export missing or line stopped).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jdpromo.health import AD_TABLES, compress_dates, day_segments
from jdpromo.metrics import ratio
from jdpromo.params import ShopParams, WatchParams
from jdpromo.stats import binomial_one_sample, poisson_one_sample
from jdpromo.text import shop_label, t

LANGS = ("zh", "en")
SEVERITIES = ("high", "medium")
VOLUMES = ("impressions", "clicks", "cost", "order_lines", "revenue")
DAILY_TABLES = ("ad_daily", "keyword_daily", "shop_daily", "traffic_daily")
ALERT_FIELDS = (
    "severity", "kind", "level", "subject", "metric", "value", "baseline", "message",
    "suggested_action", "evidence",
)  # fmt: skip
"""Keys of each alert in ``alerts.json`` (docs/operations.md)."""
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Alert:
    """One thing that needs attention today.

    ``kind``: the rule (module docstring); ``level``: ``line``, ``campaign``, ``creative``,
    ``search_term``, ``keyword`` or ``table``; ``value`` today's metric, ``baseline`` the
    baseline's median (rates as fractions, money in 元). ``message``, ``suggested_action`` and
    ``evidence`` hold the text in every language (``{"zh": …, "en": …}``).
    """

    severity: str
    kind: str
    level: str
    subject: str
    metric: str
    value: float
    baseline: float
    message: dict[str, str] = field(default_factory=dict)
    suggested_action: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        for key in ("value", "baseline"):
            v = out[key]
            out[key] = None if v is None or not np.isfinite(v) else round(float(v), 6)
        return out


def _texts(key: str, **fields: object) -> dict[str, str]:
    return {lang: t(key, lang, **fields) for lang in LANGS}


def _subject_text(level: str, subject: str) -> dict[str, str]:
    quote = {"zh": "「{}」", "en": " “{}”"}
    return {lang: t(f"wt_level_{level}", lang) + quote[lang].format(subject) for lang in LANGS}


def _alert(kind: str, level: str, subject: str, metric: str, current: float, reference: float,
           severity: str, **fields: object) -> Alert:  # fmt: skip
    """An alert with its texts ``wt_<kind>``, ``wt_<kind>_action`` and ``wt_<kind>_evidence``."""
    who = _subject_text(level, subject)
    msg = {lang: t(f"wt_{kind}", lang, who=who[lang], **fields) for lang in LANGS}
    return Alert(
        severity=severity, kind=kind, level=level, subject=subject, metric=metric,
        value=float(current), baseline=float(reference), message=msg,
        suggested_action=_texts(f"wt_{kind}_action", **fields),
        evidence=_texts(f"wt_{kind}_evidence", **fields),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Days


def latest_complete_day(dataset) -> dt.date | None:
    """The latest day the ad exports cover completely: the last date of ``ad_daily`` (or of
    ``keyword_daily`` without ad reports), but never the day an ad export was made on or after
    (that day was still running)."""
    frame = dataset.table("ad_daily")
    if frame.empty:
        frame = dataset.table("keyword_daily")
    if frame.empty:
        return None
    last = pd.to_datetime(frame["date"]).max().date()
    stamps = [f.export_time.date() for f in dataset.files
              if f.export_time and f.table in AD_TABLES and f.status == "ok"]  # fmt: skip
    if stamps:
        last = min(last, max(stamps) - dt.timedelta(days=1))
    return last


@dataclass(frozen=True)
class Baseline:
    """The days a watch day is compared with: ``days`` (ascending), the ``segment`` of the
    watch day and ``rule``: ``same_weekday`` or ``same_segment`` (fewer than
    ``min_baseline_days`` same-weekday days of the segment: every day of the segment in the
    trailing weeks), ``none`` (too few even so)."""

    day: dt.date
    days: tuple[dt.date, ...]
    segment: str
    rule: str


def baseline_days(day: dt.date, watch: WatchParams, promotions=None) -> Baseline:
    """Trailing baseline of ``day``: the same weekday in the ``watch.weeks`` weeks before, in the
    same promotion segment as ``day`` (:func:`jdpromo.health.day_segments`); when that gives
    fewer than ``watch.min_baseline_days`` days, every day of the segment in those weeks."""
    start = day - dt.timedelta(days=7 * watch.weeks)
    span = pd.date_range(start, day, freq="D")
    seg = day_segments(span, promotions)
    mine = seg.iloc[-1]
    same = [d.date() for d in span[:-1] if seg[d] == mine]
    weekly = [d for d in same if (day - d).days % 7 == 0]
    if len(weekly) >= watch.min_baseline_days:
        return Baseline(day, tuple(weekly), mine, "same_weekday")
    if len(same) >= watch.min_baseline_days:
        return Baseline(day, tuple(same), mine, "same_segment")
    return Baseline(day, tuple(same), mine, "none")


# --------------------------------------------------------------------------------------------
# Daily sums


def daily_sums(frame: pd.DataFrame, keys: list[str], days: Iterable[dt.date]) -> pd.DataFrame:
    """Sums of :data:`VOLUMES` per ``keys`` × day over ``days`` (days without rows are 0):
    a frame indexed by (``*keys``, ``date``)."""
    days = pd.DatetimeIndex(pd.to_datetime(list(days)))
    if frame.empty or any(k not in frame for k in keys):
        return pd.DataFrame(columns=list(VOLUMES))
    rows = frame.assign(date=pd.to_datetime(frame["date"]))
    rows = rows[rows["date"].isin(days)]
    cols = [c for c in VOLUMES if c in rows]
    if rows.empty:
        return pd.DataFrame(columns=list(VOLUMES))
    rows = rows.assign(**{k: rows[k].astype("string").fillna("—") for k in keys})
    sums = rows.groupby([*keys, "date"], observed=True)[cols].sum(min_count=1).fillna(0.0)
    groups = sums.index.droplevel("date").unique()
    full = pd.MultiIndex.from_tuples(
        [(*(g if isinstance(g, tuple) else (g,)), d) for g in groups for d in days],
        names=[*keys, "date"],
    )
    return sums.reindex(full, fill_value=0.0).reindex(columns=list(VOLUMES), fill_value=0.0)


def robust_z(value: float, history: np.ndarray, floor: float = 0.1) -> tuple[float, float, float]:
    """``(z, median, scale)``: ``(value − median) / scale`` with scale = 1.4826 × MAD of
    ``history`` (NaN dropped), floored at ``floor`` × |median| (a steady series would make any
    wobble infinite). NaN when ``history`` is empty or the scale is 0."""
    h = np.asarray(history, dtype=float)
    h = h[np.isfinite(h)]
    if not len(h) or not np.isfinite(value):
        return math.nan, math.nan, math.nan
    med = float(np.median(h))
    scale = max(1.4826 * float(np.median(np.abs(h - med))), floor * abs(med))
    if scale <= 0:
        return math.nan, med, scale
    return (value - med) / scale, med, scale


def _name(key: object) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


# --------------------------------------------------------------------------------------------
# Rules


def _money_severity(diff: float, watch: WatchParams) -> str:
    return "high" if abs(diff) >= watch.high_money else "medium"


def spend_alerts(ad: pd.DataFrame, base: Baseline, watch: WatchParams) -> list[Alert]:
    """``spend_spike`` / ``spend_drop`` per line and per campaign (module docstring)."""
    out: list[Alert] = []
    if base.rule == "none":
        return out
    days = [*base.days, base.day]
    for level, keys in (("line", ["product_line"]), ("campaign", ["product_line", "campaign"])):
        sums = daily_sums(ad, keys, days)
        if sums.empty:
            continue
        cost = sums["cost"].unstack("date")
        today = pd.Timestamp(base.day)
        for key, row in cost.iterrows():
            value = float(row[today])
            z, med, _ = robust_z(value, row.drop(today).to_numpy())
            if not np.isfinite(z) or abs(value - med) < watch.min_money:
                continue
            change = ratio(value - med, med)
            spike = z >= watch.z and (not np.isfinite(change) or change >= watch.min_change)
            drop = z <= -watch.z and np.isfinite(change) and change <= -watch.min_change
            if not (spike or drop):
                continue
            kind = "spend_spike" if spike else "spend_drop"
            out.append(_alert(
                kind, level, _name(key), "cost", value, med, _money_severity(value - med, watch),
                value=value, baseline=med, change=change if np.isfinite(change) else math.inf,
                z=z, n=len(base.days),
            ))  # fmt: skip
    return out


RATES = {"ctr": ("clicks", "impressions"), "cvr": ("order_lines", "clicks"),
         "roi": ("revenue", "cost")}  # fmt: skip
RATE_LEVELS = (
    ("line", ["product_line"], ("ctr", "cvr", "roi")),
    ("campaign", ["product_line", "campaign"], ("ctr", "cvr", "roi")),
    ("creative", ["product_line", "campaign", "creative"], ("ctr",)),
)


def _enough(metric: str, today: pd.Series, watch: WatchParams) -> bool:
    if metric == "ctr":
        return today["impressions"] >= watch.min_impressions
    if metric == "cvr":
        return today["clicks"] >= watch.min_clicks
    return today["cost"] >= watch.min_money


def _rate_p(metric: str, today: pd.Series, pooled: float) -> float:
    if metric == "ctr":
        return binomial_one_sample(today["clicks"], today["impressions"], pooled, "less")
    if metric == "cvr":
        return poisson_one_sample(today["order_lines"], today["clicks"] * pooled, "less")
    return math.nan


def _rate_candidates(ad: pd.DataFrame, base: Baseline, watch: WatchParams) -> list[dict]:
    days = [*base.days, base.day]
    today = pd.Timestamp(base.day)
    cands = []
    for level, keys, metrics in RATE_LEVELS:
        sums = daily_sums(ad[ad[keys[-1]].notna()] if keys[-1] in ad else ad, keys, days)
        if sums.empty:
            continue
        for key, part in sums.groupby(level=list(range(len(keys)))):
            part = part.droplevel(list(range(len(keys))))
            now, hist = part.loc[today], part.drop(index=today)
            for metric in metrics:
                num, den = RATES[metric]
                if not _enough(metric, now, watch):
                    continue
                value = ratio(now[num], now[den])
                daily = ratio(hist[num], hist[den]).to_numpy(dtype=float)
                z, med, _ = robust_z(value, daily)
                pooled = ratio(hist[num].sum(), hist[den].sum())
                drop = ratio(value - med, med)
                if not (np.isfinite(z) and z <= -watch.z and np.isfinite(drop)
                        and drop <= -watch.rate_drop):  # fmt: skip
                    continue
                p = _rate_p(metric, now, pooled) if np.isfinite(pooled) else math.nan
                cands.append(dict(level=level, key=_name(key), metric=metric, value=value,
                                  med=med, drop=drop, z=z, p=p, now=now))  # fmt: skip
    return cands


def rate_alerts(ad: pd.DataFrame, base: Baseline, watch: WatchParams) -> list[Alert]:
    """``ctr_drop`` / ``cvr_drop`` / ``roi_drop`` per line, campaign and creative (CTR only)."""
    if base.rule == "none" or ad.empty:
        return []
    cands = _rate_candidates(ad, base, watch)
    tests = sum(1 for c in cands if c["metric"] != "roi") or 1
    out = []
    for c in cands:
        if c["metric"] != "roi" and not (np.isfinite(c["p"]) and c["p"] < watch.alpha / tests):
            continue
        fmt = (lambda v: f"{v:.2%}") if c["metric"] != "roi" else (lambda v: f"{v:.2f}")
        severity = "high" if c["drop"] <= -2 * watch.rate_drop else "medium"
        out.append(_alert(
            f"{c['metric']}_drop", c["level"], c["key"], c["metric"], c["value"], c["med"],
            severity, value=fmt(c["value"]), baseline=fmt(c["med"]), change=c["drop"],
            z=c["z"], p=c["p"] if np.isfinite(c["p"]) else 1.0, tests=tests,
            n=len(base.days), volume=float(c["now"]["impressions"]),
            clicks=float(c["now"]["clicks"]), cost=float(c["now"]["cost"]),
        ))  # fmt: skip
    return out


def term_alerts(keyword_daily: pd.DataFrame, base: Baseline, watch: WatchParams) -> list[Alert]:
    """``term_no_orders``: search terms (keywords when there are none) that spent at least
    ``term_min_spend`` today without an order line, ``term_spike`` × their baseline mean."""
    from jdpromo.keywords import split_levels

    if keyword_daily.empty or base.rule == "none":
        return []
    words, terms = split_levels(keyword_daily)
    level, frame, col = ("search_term", terms, "search_term") if len(terms) else (
        "keyword", words, "keyword")  # fmt: skip
    day = pd.Timestamp(base.day)
    dates = pd.to_datetime(frame["date"])
    now = frame[dates == day]
    if now.empty:
        return []
    keys = ["campaign", "unit", col] if "unit" in frame else ["campaign", col]
    today = now.groupby(keys, dropna=False)[["cost", "clicks", "order_lines"]].sum()
    hot = today[(today["cost"] >= watch.term_min_spend) & (today["order_lines"] <= 0)]
    if hot.empty:
        return []
    past = frame[dates.isin(pd.to_datetime(list(base.days)))]
    mean = past.groupby(keys, dropna=False)["cost"].sum() / max(len(base.days), 1)
    out = []
    for key, row in hot.iterrows():
        before = float(mean.get(key, 0.0))
        if row["cost"] < watch.term_spike * before:
            continue
        out.append(_alert(
            "term_no_orders", level, str(key[-1]), "cost", row["cost"], before,
            _money_severity(row["cost"], watch), value=float(row["cost"]), baseline=before,
            clicks=float(row["clicks"]), campaign=_name(key[:-1]), n=len(base.days),
        ))  # fmt: skip
    return sorted(out, key=lambda a: -a.value)


def cap_alerts(ad: pd.DataFrame, day: dt.date, watch: WatchParams) -> list[Alert]:
    """``cap_hit`` (撞线): spend at its daily cap (``watch.daily_caps``) within
    ``cap_tolerance``."""
    if not watch.daily_caps or ad.empty:
        return []
    rows = ad[pd.to_datetime(ad["date"]) == pd.Timestamp(day)]
    line = rows.groupby("product_line")["cost"].sum()
    camp = rows.assign(k=rows["product_line"].astype(str) + "/" + rows["campaign"].astype(str))
    camp = camp.groupby("k")["cost"].sum()
    out = []
    for name, cap in watch.daily_caps.items():
        spent = (
            camp.get(name, line.get(name, math.nan)) if "/" in name else line.get(name, math.nan)
        )
        if not np.isfinite(spent) or spent < cap * (1 - watch.cap_tolerance):
            continue
        out.append(_alert("cap_hit", "campaign" if "/" in name else "line", name, "cost",
                          spent, cap, "high", value=float(spent), cap=float(cap)))  # fmt: skip
    return out


def export_alerts(dataset, ad: pd.DataFrame, base: Baseline, watch: WatchParams) -> list[Alert]:
    """``export_missing`` for a daily export without the day while it covers the baseline,
    ``export_partial`` for one with fewer than ``partial_rows`` × its median rows a baseline day,
    and ``line_missing`` for a line that spent on at least ``line_presence`` of the baseline days
    and has no rows today."""
    out = []
    day = pd.Timestamp(base.day)
    past = pd.to_datetime(list(base.days))
    for table in DAILY_TABLES:
        frame = dataset.table(table)
        if frame.empty or "date" not in frame:
            continue
        dates = pd.to_datetime(frame["date"])
        if dates.isin(past).any() and not (dates == day).any():
            label = {lang: t(f"table_{table}", lang) for lang in LANGS}
            out.append(Alert(
                severity="high", kind="export_missing", level="table", subject=table,
                metric="rows", value=0.0, baseline=float(dates.isin(past).sum() / len(past)),
                message={lang: t("wt_export_missing", lang, table=label[lang], day=base.day)
                         for lang in LANGS},
                suggested_action=_texts("wt_export_missing_action"),
                evidence=_texts("wt_export_missing_evidence", n=len(base.days)),
            ))  # fmt: skip
        elif (dates == day).any() and len(past):
            usual = float(
                dates[dates.isin(past)].value_counts().reindex(past, fill_value=0).median()
            )
            rows = int((dates == day).sum())
            if usual > 0 and rows < watch.partial_rows * usual:
                label = {lang: t(f"table_{table}", lang) for lang in LANGS}
                out.append(Alert(
                    severity="high", kind="export_partial", level="table", subject=table,
                    metric="rows", value=float(rows), baseline=usual,
                    message={lang: t("wt_export_partial", lang, table=label[lang], day=base.day,
                                     rows=rows, usual=usual) for lang in LANGS},
                    suggested_action=_texts("wt_export_missing_action"),
                    evidence=_texts("wt_export_partial_evidence", n=len(base.days),
                                    share=watch.partial_rows),
                ))  # fmt: skip
    if ad.empty or base.rule == "none":
        return out
    dates = pd.to_datetime(ad["date"])
    spent = ad[dates.isin(past) & (ad["cost"] > 0)]
    share = spent.groupby("product_line")["date"].nunique() / len(past)
    here = set(ad.loc[dates == day, "product_line"].astype(str))
    if not here:
        return out
    for name, s in share.items():
        if s >= watch.line_presence and str(name) not in here:
            med = float(spent[spent["product_line"] == name].groupby("date")["cost"].sum().median())
            out.append(_alert("line_missing", "line", str(name), "cost", 0.0, med, "high",
                              baseline=med, n=len(base.days)))  # fmt: skip
    return out


RULE_ORDER = ("export_missing", "export_partial", "line_missing", "cap_hit", "term_no_orders", "spend_spike",
              "spend_drop", "roi_drop", "cvr_drop", "ctr_drop")  # fmt: skip


def run_rules(dataset, day: dt.date, params: ShopParams, ad: pd.DataFrame) -> list[Alert]:
    """Every rule for ``day``; ``ad`` is ``ad_daily`` of the report's attribution window.
    Alerts are ordered: high before medium, then by :data:`RULE_ORDER`."""
    watch = params.watch
    base = baseline_days(day, watch, params.promotions)
    kwd = dataset.table("keyword_daily")
    caps = cap_alerts(ad, day, watch)
    capped = {a.subject for a in caps}  # a spike that ends at the cap is the cap: one alert
    spend = [a for a in spend_alerts(ad, base, watch)
             if not (a.kind == "spend_spike" and a.subject in capped)]  # fmt: skip
    found = (
        export_alerts(dataset, ad, base, watch)
        + caps
        + term_alerts(kwd, base, watch)[: watch.max_terms]
        + spend
        + rate_alerts(ad, base, watch)
    )
    return sorted(found, key=lambda a: (SEVERITIES.index(a.severity), RULE_ORDER.index(a.kind)))


# --------------------------------------------------------------------------------------------
# Output


def alerts_document(shop: str, base: Baseline, alerts: list[Alert], pacing: pd.DataFrame | None
                    = None) -> dict:  # fmt: skip
    """The content of ``alerts.json`` (schema in docs/operations.md)."""
    doc = {
        "schema": SCHEMA_VERSION,
        "shop": shop,
        "date": base.day.isoformat(),
        "segment": base.segment,
        "baseline_rule": base.rule,
        "baseline_days": [d.isoformat() for d in base.days],
        "count": len(alerts),
        "alerts": [a.to_json() for a in alerts],
    }
    if pacing is not None and len(pacing):
        doc["pacing"] = json.loads(pacing.to_json(orient="records", force_ascii=False))
    return doc


def write_alerts(folder: Path, doc: dict) -> Path:
    """Write ``alerts.json`` (UTF-8, indented) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "alerts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


CSS = """
<style>
.wt { max-width: 560px; font-size: 14px; line-height: 1.55; }
.wt-ok { background: #e6f4ea; color: #1a7f37; font-size: 20px; font-weight: 600;
  padding: 14px 12px; border-radius: 6px; text-align: center; margin: 8px 0; }
.wt-n { font-size: 16px; font-weight: 600; margin: 6px 0; }
.wt-a { border-left: 4px solid #e0a100; background: #fffaf0; padding: 6px 10px; margin: 8px 0;
  overflow-wrap: anywhere; }
.wt-a.wt-high { border-color: #c81623; background: #fdf1f1; }
.wt-tag { font-size: 12px; padding: 0 6px; border-radius: 3px; background: #c81623; color: #fff;
  margin-right: 4px; white-space: nowrap; }
.wt-medium .wt-tag { background: #b36b00; }
.wt-act { font-size: 13px; color: #333; margin-top: 2px; }
.wt details { font-size: 12px; color: #777; }
.wt-base { font-size: 12px; color: #666; margin: 4px 0; }
</style>
"""


def alerts_html(alerts: list[Alert], base: Baseline, lang: str = "zh") -> str:
    """The page's alert block: "今日无异常" when there is nothing, else one card per alert
    (severity, message, suggested action, folded evidence)."""
    days = compress_dates(list(base.days), lang=lang) if base.days else "—"
    note = t(f"wt_baseline_{base.rule}", lang, segment=t(f"wt_segment_{base.segment}", lang),
             days=days, n=len(base.days))  # fmt: skip
    parts = [CSS, "<div class='jd-report wt'>"]
    if not alerts:
        parts.append(f"<div class='wt-ok'>{html.escape(t('wt_none', lang))}</div>")
    else:
        parts.append(f"<div class='wt-n'>{html.escape(t('wt_count', lang, n=len(alerts)))}</div>")
    for a in alerts:
        parts.append(
            f"<div class='wt-a wt-{a.severity}'><span class='wt-tag'>"
            f"{html.escape(t(f'wt_sev_{a.severity}', lang))}</span>{html.escape(a.message[lang])}"
            f"<div class='wt-act'><b>{html.escape(t('fd_action', lang))}</b>"
            f"{html.escape(a.suggested_action[lang])}</div>"
            f"<details><summary>{html.escape(t('fd_method', lang))}</summary>"
            f"{html.escape(a.evidence[lang])}</details></div>"
        )
    parts.append(f"<div class='wt-base'>{html.escape(note)}</div></div>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Notebook entry


def open_watch(
    shop: str = "demo",
    day: str | dt.date | None = None,
    data_dir: str | Path | None = None,
    params_file: str | Path | None = None,
    lang: str = "zh",
    output_dir: str | Path | None = None,
):
    """``(report, day)`` for the daily watch: the shop's exports and params loaded as for a
    report (:func:`jdpromo.report.open_report`) over the watch day's month up to ``day``
    (default: :func:`latest_complete_day`). Raises :class:`~jdpromo.errors.ParameterError`
    for a date that is not ``YYYY-MM-DD`` and :class:`~jdpromo.errors.RunError` when the
    exports hold no ad data."""
    from jdpromo.errors import ParameterError, RunError
    from jdpromo.report import open_report

    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise ParameterError(f"--date {day!r} is not a date (YYYY-MM-DD)") from None
    probe = day or dt.date.today()
    r = open_report(shop=shop, period=f"{probe.replace(day=1)}..{probe}", data_dir=data_dir,
                    params_file=params_file, lang=lang, output_dir=output_dir)  # fmt: skip
    if day is None:
        day = latest_complete_day(r.dataset)
        if day is None:
            raise RunError(f"no ad data in {r.dataset.folder}: nothing to watch")
        r = open_report(shop=shop, period=f"{day.replace(day=1)}..{day}", data_dir=data_dir,
                        params_file=params_file, lang=lang, output_dir=output_dir)  # fmt: skip
    return r, day


def header_html(r, day: dt.date) -> str:
    """A short header for a phone: title with the day, shop, attribution window, data date and
    the example-data note."""
    from jdpromo.report import CSS as REPORT_CSS

    name = shop_label(r.params.shop_name or r.shop, r.lang)
    lines = [
        f"<h1>{html.escape(t('wt_title', r.lang, day=day.isoformat()))}</h1>",
        f"<p>{html.escape(name)} · {html.escape(r.window_label())}</p>",
    ]
    out = REPORT_CSS + "<div class='jd-report jd-header'>" + "".join(lines) + "</div>"
    if r.params.examples:
        out += f"<div class='jd-report jd-banner jd-info'>{html.escape(t('example_banner', r.lang))}</div>"
    return out


def method_html(watch: WatchParams, lang: str = "zh") -> str:
    """The folded method note (rules and thresholds)."""
    text = t("wt_method", lang, z=watch.z, min_change=watch.min_change,
             min_money=watch.min_money, alpha=watch.alpha, rate_drop=watch.rate_drop)  # fmt: skip
    return (f"<div class='jd-report wt'><details><summary>{html.escape(t('fd_method', lang))}"
            f"</summary>{html.escape(text)}</details></div>")  # fmt: skip
