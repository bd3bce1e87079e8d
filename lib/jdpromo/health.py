"""Data health (数据体检): what was read, what covers which days, what overlaps, what looks odd.

Pure functions over a :class:`jdpromo.ingest.Dataset` and its canonical tables, returning
DataFrames for the data-health notebook and ``tables/input_files.csv``.
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd

from jdpromo.contract import TABLES
from jdpromo.errors import display_name
from jdpromo.periods import Period, segments
from jdpromo.text import counts_or_none

INPUT_FILES_COLUMNS = [
    "file",
    "table",
    "rows_read",
    "rows_used",
    "rows_skipped",
    "skip_reasons",
    "date_min",
    "date_max",
]

AD_TABLES = ("ad_daily", "keyword_daily")

# Consistency constant of the MAD for a normal distribution: MAD / 0.6745 estimates sigma.
MAD_TO_SIGMA = 0.6745


def input_files(dataset) -> pd.DataFrame:
    """One row per file of the folder: the contract columns of ``tables/input_files.csv`` first.

    Counts are for the whole file, not only the report period; ``rows_read = rows_used +
    rows_skipped`` on every row.
    """
    inv = dataset.inventory()
    rest = [c for c in inv.columns if c not in INPUT_FILES_COLUMNS]
    return inv[INPUT_FILES_COLUMNS + rest]


def summary(dataset) -> dict[str, int]:
    """File and row totals over the folder: files, ok, ignored (unknown kinds and entries that
    are not regular files inside the folder, never opened — also counted in ``not_files``),
    errors, rows_read/used/skipped."""
    files = dataset.files
    return {
        "files": len(files),
        "ok": sum(f.status == "ok" for f in files),
        "ignored": sum(f.status in ("ignored", "skipped") for f in files),
        "not_files": sum(f.status == "skipped" for f in files),
        "errors": sum(f.status == "error" for f in files),
        "rows_read": sum(f.rows_read for f in files),
        "rows_used": sum(f.rows_used for f in files),
        "rows_skipped": sum(f.rows_skipped for f in files),
    }


def summary_fields(dataset) -> dict:
    """:func:`summary` as the fields of the page's summary sentence (``health_summary``): the
    ignored and unreadable files and the skipped rows are ``None`` when there are none, so the
    sentence leaves their clause out (:func:`jdpromo.text.counts_or_none`)."""
    return counts_or_none(summary(dataset), "ignored", "errors", "rows_skipped")


def problems(dataset) -> pd.DataFrame:
    """Files that were not read (status ``error``), ignored or skipped (not a regular file
    inside the folder), with the message saying why.

    Messages name files by their path inside the data folder, never the server's path to it
    (the page is forwarded)."""
    prefix = f"{display_name(dataset.folder)}{os.sep}"
    rows = [
        {
            "file": dataset.label(f),
            "status": f.status,
            "message": (f.message or "").replace(prefix, ""),
        }
        for f in dataset.files
        if f.status != "ok"
    ]
    return pd.DataFrame(rows, columns=["file", "status", "message"])


def warnings_table(dataset) -> pd.DataFrame:
    """Every warning of the folder and its files (masked accounts, unknown columns …)."""
    rows = [{"file": dataset.label(f), "message": w} for f in dataset.files for w in f.warnings]
    rows += [{"file": "", "message": w} for w in dataset.warnings]
    return pd.DataFrame(rows, columns=["file", "message"])


def table_spans(frame: pd.DataFrame) -> pd.DataFrame:
    """The distinct spans a dated table's rows cover, with their row counts: columns ``s``,
    ``e`` (first and last day: daily rows their date twice, period rows their period) and
    ``rows``; rows without a date are left out. A few hundred rows however long the table, so
    a settled dataset keeps it (:meth:`~jdpromo.ingest.Dataset.fact`)."""
    if frame.empty:
        return pd.DataFrame({"s": pd.DatetimeIndex([]), "e": pd.DatetimeIndex([]), "rows": []})
    if "period_start" in frame and "period_end" in frame:
        starts = pd.to_datetime(frame["period_start"])
        ends = pd.to_datetime(frame["period_end"])
    else:
        starts = ends = pd.to_datetime(frame["date"])
    spans = pd.DataFrame({"s": starts, "e": ends}).dropna()
    return spans.groupby(["s", "e"], sort=True).size().rename("rows").reset_index()


def covered_days(frame: pd.DataFrame) -> pd.DatetimeIndex:
    """The distinct days a table's rows cover: daily rows their date, period rows their span."""
    return span_days(table_spans(frame))


def span_days(spans: pd.DataFrame) -> pd.DatetimeIndex:
    """The distinct days of :func:`table_spans`."""
    if spans.empty:
        return pd.DatetimeIndex([])
    single = spans["s"] == spans["e"]
    days = [pd.DatetimeIndex(spans.loc[single, "s"].unique())]
    for s, e in spans.loc[~single, ["s", "e"]].itertuples(index=False):
        days.append(pd.date_range(s, e, freq="D"))
    return pd.DatetimeIndex(np.unique(np.concatenate([d.values for d in days])))


RANGE_SEPARATORS = {"zh": ("~", "、"), "en": (" to ", ", ")}
"""How a page writes a range of days and a list of them: ``2026-10-15~2026-10-19、2026-10-21``
on Chinese pages, ``2026-10-15 to 2026-10-19, 2026-10-21`` on English ones."""


def compress_dates(days, limit: int = 8, lang: str = "zh") -> str:
    """Days (any sequence of dates) as ranges in ``lang`` (``2026-10-03、2026-10-05~2026-10-07``;
    :data:`RANGE_SEPARATORS`), at most ``limit`` ranges then ``…``."""
    if len(days) == 0:
        return ""
    dash, sep = RANGE_SEPARATORS.get(lang, RANGE_SEPARATORS["en"])
    days = pd.DatetimeIndex(days).sort_values()
    parts: list[str] = []
    start = prev = days[0]
    for day in days[1:]:
        if (day - prev).days == 1:
            prev = day
            continue
        parts.append(_span_text(start, prev, dash))
        start = prev = day
    parts.append(_span_text(start, prev, dash))
    more = len(parts) - limit
    return sep.join(parts[:limit]) + (f" … (+{more})" if more > 0 else "")


def _span_text(a: pd.Timestamp, b: pd.Timestamp, dash: str) -> str:
    return a.date().isoformat() if a == b else f"{a.date()}{dash}{b.date()}"


def coverage(dataset, period=None, lang: str = "zh") -> pd.DataFrame:
    """Per dated table: first and last day, days with data, missing days between them.

    Parameters
    ----------
    dataset
        The shop's :class:`~jdpromo.ingest.Dataset`.
    period
        Optional :class:`~jdpromo.periods.Period`; adds ``period_rows`` (rows dated inside it)
        and ``period_missing_days`` (days of the period without any row).
    lang
        The language of the page: ``missing_dates`` is written as its ranges are
        (:func:`compress_dates`).
    """
    rows = []
    for name, spec in TABLES.items():
        if not spec.dated or not dataset.has(name):
            continue
        spans = dataset.fact(name, "spans", table_spans)
        days = span_days(spans)
        if len(days) == 0:
            continue
        full = pd.date_range(days.min(), days.max(), freq="D")
        missing = full.difference(days)
        row = {
            "table": name,
            "date_min": days.min().date(),
            "date_max": days.max().date(),
            "days": len(full),
            "days_with_data": len(days),
            "missing_days": len(missing),
            "missing_dates": compress_dates(missing, lang=lang),
        }
        if period is not None:
            span = pd.date_range(period.start, period.end, freq="D")
            start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
            inside = (spans["s"] >= start) & (spans["e"] <= end)
            row["period_rows"] = int(spans.loc[inside, "rows"].sum())
            row["period_missing_days"] = len(span.difference(days))
        rows.append(row)
    columns = [
        "table",
        "date_min",
        "date_max",
        "days",
        "days_with_data",
        "missing_days",
        "missing_dates",
    ] + (["period_rows", "period_missing_days"] if period else [])
    return pd.DataFrame(rows, columns=columns)


def window_label(days: int, basis: str) -> str:
    """A compact window label used in tables, e.g. ``15d click``."""
    return f"{days}d {basis}"


def attribution_windows(dataset) -> pd.DataFrame:
    """Rows per attribution window in the ad tables: table, attribution_days, basis, rows.

    (No money here: ``keyword_daily`` holds the keyword report and the search-term report, two
    levels of the same spend.)"""
    parts = []
    for name in AD_TABLES:
        if not dataset.has(name):
            continue
        part = dataset.fact(name, "windows", table_windows).copy()
        part.insert(0, "table", name)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["table", "attribution_days", "attribution_basis", "rows"])
    return pd.concat(parts, ignore_index=True)


def table_windows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of an ad table per attribution window: attribution_days, attribution_basis, rows."""
    g = frame.groupby(["attribution_days", "attribution_basis"], dropna=False)
    return g.size().rename("rows").reset_index()


def dominant_window(dataset, default: tuple[int, str]) -> tuple[int, str]:
    """The attribution window a report uses: the one most ad rows carry (ties: ``default``).

    Two windows are never mixed in one figure, so rows with another window are left out (see
    :func:`keep_window`) and the data-health report says how many.
    """
    windows = attribution_windows(dataset)
    if windows.empty:
        return default
    by = windows.groupby(["attribution_days", "attribution_basis"])["rows"].sum()
    best = by.max()
    leaders = [(int(d), str(b)) for (d, b), n in by.items() if n == best]
    return default if default in leaders else sorted(leaders)[0]


def rows_outside_window(dataset, window: tuple[int, str]) -> int:
    """How many ad rows carry another attribution window than ``window`` (left out of figures)."""
    windows = attribution_windows(dataset)
    if windows.empty:
        return 0
    same = (windows["attribution_days"] == window[0]) & (windows["attribution_basis"] == window[1])
    return int(windows.loc[~same, "rows"].sum())


def keep_window(frame: pd.DataFrame, window: tuple[int, str]) -> pd.DataFrame:
    """Rows of an ad table whose attribution window is ``window`` (days, basis)."""
    if frame.empty or "attribution_days" not in frame:
        return frame
    mask = (frame["attribution_days"] == window[0]) & (frame["attribution_basis"] == window[1])
    return rows_where(frame, mask)


def rows_where(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """``frame.loc[mask]``, without copying a large table when every row is kept (a new frame
    all the same: changing it leaves ``frame`` as it is)."""
    return frame.copy(deep=False) if bool(mask.all()) else frame.loc[mask]


def daily_spend(ad_daily: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Ad spend per day (元), optionally per ``by`` column, summed over rows."""
    if ad_daily.empty:
        return pd.DataFrame(columns=["date", "cost"] + ([by] if by else []))
    keys = ["date"] + ([by] if by else [])
    out = ad_daily.groupby(keys, dropna=False, observed=True)["cost"].sum().reset_index()
    out["date"] = pd.to_datetime(out["date"])
    return out


def day_segments(days: pd.DatetimeIndex, promotions) -> pd.Series:
    """The segment of each day (``ordinary``/``warmup``/``peak``/``encore``, see
    :func:`jdpromo.periods.segments`) from the shop's promotions, indexed by ``days``."""
    out = pd.Series("ordinary", index=days, dtype=object)
    if len(days) == 0 or not promotions:
        return out
    span = Period("days", "range", days.min().date(), days.max().date())
    for seg, a, b in segments(span, promotions):
        if seg != "ordinary":
            out[(days >= pd.Timestamp(a)) & (days <= pd.Timestamp(b))] = seg
    return out


def _at(values: np.ndarray, take: np.ndarray) -> np.ndarray:
    """``values[take]``, NaN where ``take`` is negative."""
    out = np.full(len(take), np.nan)
    ok = take >= 0
    out[ok] = values[take[ok]]
    return out


def spend_outliers(
    daily: pd.DataFrame,
    window: int = 28,
    z: float = 3.5,
    min_periods: int = 7,
    promotions=None,
) -> pd.DataFrame:
    """Flag days whose spend is far from the trailing median of ordinary days (robust z, MAD).

    For each day, ``baseline`` is the median spend of the ``window`` ordinary days before it (at
    least ``min_periods`` of them with data), ``mad`` the median absolute deviation of those days
    from that median, and ``robust_z = 0.6745 × (cost − baseline) / mad``. A day is an outlier
    when ``|robust_z| ≥ z``. Where ``mad`` is 0 (flat spend) the z is undefined (NaN) and the day
    is flagged only if its spend differs from the baseline by more than half of it.

    Days inside a promotion phase (预热/爆发/返场 of ``promotions``) are planned ramps: they are
    left out of every baseline, and are never flagged; one that lies that far from the ordinary
    baseline gets ``reason = "planned_phase"`` instead.

    Parameters
    ----------
    daily
        Columns ``date`` and ``cost`` (元), one row per day (missing days are not filled: a day
        without an export is not a day without spend).
    promotions
        The shop's promotions (``ShopParams.promotions``); ``None``: every day is ordinary.

    Returns
    -------
    DataFrame
        ``date``, ``cost``, ``baseline``, ``mad`` (元), ``robust_z``, ``outlier`` (bool),
        ``direction`` (``high``/``low`` for days beyond the threshold, else ``""``), ``phase``
        (the day's segment: ``ordinary``, ``warmup``, ``peak``, ``encore``) and ``reason``
        (``planned_phase`` or ``""``).
    """
    cols = [
        "date",
        "cost",
        "baseline",
        "mad",
        "robust_z",
        "outlier",
        "direction",
        "phase",
        "reason",
    ]
    if daily.empty:
        return pd.DataFrame(columns=cols)
    s = daily.sort_values("date").set_index("date")["cost"].astype(float)
    s.index = pd.to_datetime(s.index)
    s = s.asfreq("D")  # gaps become NaN, excluded from the trailing statistics
    phase = day_segments(s.index, promotions)
    ordinary = (phase == "ordinary").to_numpy()

    def _mad(values: np.ndarray) -> float:
        v = values[~np.isnan(values)]
        return float(np.median(np.abs(v - np.median(v)))) if len(v) else np.nan

    # Statistics of the `window` ordinary days up to and including each ordinary day; a day's
    # baseline is the one of the last ordinary day before it (phase days are skipped).
    trailing = s[ordinary].rolling(window, min_periods=min_periods)
    last_before = np.cumsum(ordinary) - ordinary - 1
    baseline = pd.Series(_at(trailing.median().to_numpy(), last_before), index=s.index)
    mad = pd.Series(_at(trailing.apply(_mad, raw=True).to_numpy(), last_before), index=s.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        rz = MAD_TO_SIGMA * (s - baseline) / mad
    rz = rz.where(mad > 0)
    flat_jump = (mad == 0) & ((s - baseline).abs() > 0.5 * baseline.abs())
    beyond = (rz.abs() >= z) | flat_jump
    out = pd.DataFrame(
        {
            "cost": s,
            "baseline": baseline,
            "mad": mad,
            "robust_z": rz,
            "outlier": beyond & ordinary,
            "direction": np.where(beyond, np.where(s >= baseline, "high", "low"), ""),
            "phase": phase,
            "reason": np.where(beyond & ~ordinary, "planned_phase", ""),
        }
    ).dropna(subset=["cost"])
    out = out.reset_index().rename(columns={"index": "date"})
    out["date"] = out["date"].dt.date
    return out[cols]


def data_span(dataset) -> tuple[dt.date | None, dt.date | None]:
    """The days every dated table of the folder covers: (latest first day, earliest last day).

    A period is fully covered only if each export present covers it, so the span is the
    intersection of the tables' spans. ``(None, None)`` when the folder has no dated data.
    """
    starts, ends = [], []
    for name, spec in TABLES.items():
        if not spec.dated or not dataset.has(name):
            continue
        start, end = dataset.fact(name, "span", table_span)
        starts.append(start)
        ends.append(end)
    if not starts:
        return None, None
    return max(starts).date(), min(ends).date()


def table_span(frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First ``period_start`` and last ``period_end`` of a dated table with rows."""
    return pd.to_datetime(frame["period_start"]).min(), pd.to_datetime(frame["period_end"]).max()


def in_period(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows of a dated table inside ``start..end`` (inclusive), by ``date``."""
    if frame.empty:
        return frame
    d = pd.to_datetime(frame["date"])
    return frame.loc[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))]


def findings(dataset, partial: list[str], lang: str = "zh") -> list:
    """Data problems as findings: unreadable files (``worse``: figures may be too low), entries
    of the folder that are not regular files and were never opened (``risk``) and an incomplete
    period (``risk``: figures may still change). No money at stake."""
    from jdpromo.findings import Finding
    from jdpromo.text import partial_text, t

    out = []
    counts = summary(dataset)
    errors = counts["errors"]
    if errors:
        out.append(
            Finding(
                area="health", kind="unreadable_files", subject="data", direction="worse",
                title=t("fd_health_errors", lang, n=errors),
                short=t("fd_short_health_errors", lang, n=errors),
                action=t("fd_health_errors_action", lang), n=float(errors), severity="high",
            )
        )  # fmt: skip
    if counts["not_files"]:
        n = counts["not_files"]
        out.append(
            Finding(
                area="health", kind="not_files", subject="data", direction="risk",
                title=t("fd_health_not_files", lang, n=n),
                short=t("fd_short_health_not_files", lang, n=n),
                action=t("fd_health_not_files_action", lang), n=float(n), severity="medium",
            )
        )  # fmt: skip
    if partial:
        out.append(
            Finding(
                area="health", kind="partial_period", subject="data", direction="risk",
                title=t("fd_health_partial", lang, reasons=partial_text(partial, lang)),
                short=t("fd_short_health_partial", lang),
                action=t("fd_health_partial_action", lang), severity="low",
            )
        )  # fmt: skip
    return out
