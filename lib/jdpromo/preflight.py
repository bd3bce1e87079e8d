"""Checks a run makes on the data folder before any kernel starts.

A folder with no recognised export, or a period the exports do not reach, cannot make a report:
the run stops with one line saying what the folder holds (files by kind) and which days its data
cover, and exits 2 without writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from jdpromo.contract import TABLES
from jdpromo.errors import PreflightError
from jdpromo.ingest import Dataset
from jdpromo.periods import Period
from jdpromo.text import TEXT, t


def found_text(dataset: Dataset, lang: str = "zh") -> str:
    """What the folder holds, in ``lang``: the number of files, then how many of each kind
    (recognised exports by table, then ignored and unreadable files), e.g. ``共 3 个文件：
    京准通广告报表 2 个、已忽略 1 个``."""
    if not dataset.files:
        return t("preflight_no_files", lang)
    kinds = Counter(
        (f.table, None) if f.status == "ok" else (None, f.status) for f in dataset.files
    )
    order = list(TABLES)
    parts = [
        t("preflight_kind", lang, n=kinds[k], kind=_kind_label(*k, lang))
        for k in sorted(kinds, key=lambda k: (order.index(k[0]) if k[0] else len(order), k[1]))
    ]
    sep = "、" if lang == "zh" else ", "
    return t("preflight_files", lang, n=len(dataset.files), kinds=sep.join(parts))


def _kind_label(table: str | None, status: str | None, lang: str) -> str:
    if table is not None:
        return t(f"table_{table}", lang)
    key = f"status_{status}"
    return t(key, lang) if key in TEXT else str(status)


def data_dates(dataset: Dataset) -> list[tuple[dt.date, dt.date]]:
    """First and last day of each recognised file that has dates (undated exports left out)."""
    return [
        (f.date_min, f.date_max)
        for f in dataset.files
        if f.status == "ok" and f.date_min is not None and f.date_max is not None
    ]


def check_inputs(dataset: Dataset, period: Period, lang: str = "zh") -> None:
    """Raise :class:`~jdpromo.errors.PreflightError` when the folder cannot make a report.

    Three cases: no file of the folder is a recognised export, the recognised exports hold no
    rows (headers only), or no dated export reaches into ``period`` (a folder holding only
    undated exports, such as 行业热搜榜, passes: there is no date to check). The message names the folder, the files found by kind and the days covered.
    """
    folder = str(dataset.folder)
    found = found_text(dataset, lang)
    recognised = [f for f in dataset.files if f.status == "ok"]
    if not recognised:
        raise PreflightError(t("preflight_no_exports", lang, folder=folder, found=found))
    if not any(f.rows_used for f in recognised):
        raise PreflightError(t("preflight_no_rows", lang, folder=folder, found=found))
    spans = data_dates(dataset)
    if spans and not any(s <= period.end and e >= period.start for s, e in spans):
        raise PreflightError(
            t(
                "preflight_no_data",
                lang,
                period=period.label,
                start=period.start,
                end=period.end,
                folder=folder,
                data_start=min(s for s, _ in spans),
                data_end=max(e for _, e in spans),
                found=found,
            )
        )
