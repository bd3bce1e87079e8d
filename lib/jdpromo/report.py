"""What every notebook starts with: parameters checked, period resolved, data loaded, and
helpers that show headings, notes and tables in the report's language and write ``tables/*.csv``.

A notebook does::

    r = open_report(shop=shop, period=period, data_dir=data_dir, params_file=params_file,
                    lang=lang, output_dir=output_dir)
    r.header("health_title")
    r.table(frame, name="input_files")

Tables show NaN as "—" (a rate with a zero denominator is undefined, never 0), text escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import jdpromo
from jdpromo import columns, health, ingest
from jdpromo.contract import TABLES
from jdpromo.params import ShopParams, load_shop_params, project_root, validate_run
from jdpromo.periods import (
    PromotionContext,
    ResolvedPeriod,
    crosses_boundary,
    parse_period,
    partial_reasons,
    promotion_context,
    today_shanghai,
)
from jdpromo.text import partial_text, t

# Cells that are numbers already formatted as text (right-aligned like numbers).
NUMBER_TEXT = re.compile(r"^[+-]?(?:[¥￥]\s?)?[\d,]+(?:\.\d+)?\s?(?:%|pp|元)?$")

CSS = """
<style>
.jd-report, .jd-report table { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
.jd-header { border-bottom: 3px solid #c81623; margin-bottom: 12px; padding-bottom: 6px; }
.jd-header h1 { color: #c81623; font-size: 1.6em; margin: 0 0 4px 0; }
.jd-header p { margin: 2px 0; color: #444; }
.jd-banner { padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
.jd-warn { background: #fff4e5; border-left: 4px solid #f0a020; }
.jd-info { background: #eef5fb; border-left: 4px solid #3b7dd8; }
.jd-error { background: #fdecea; border-left: 4px solid #c81623; }
.jd-scroll { overflow-x: auto; max-width: 100%; }
table.jd-table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px 0; }
table.jd-table th { background: #f4f4f4; text-align: left !important; padding: 4px 8px;
  border-bottom: 2px solid #ddd; white-space: nowrap; }
table.jd-table td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left !important;
  white-space: nowrap; vertical-align: top; }
table.jd-table td.wrap { white-space: normal; min-width: 16em; max-width: 32em; }
table.jd-table td.num { text-align: right !important; font-variant-numeric: tabular-nums; }
table.jd-table tr:nth-child(even) td { background: #fafafa; }
.jd-caption { color: #666; font-size: 12px; margin: 0 0 10px 0; }
ul.jd-list { margin: 4px 0; padding-left: 20px; }
ul.jd-list li { margin: 4px 0; line-height: 1.5; }
h3.jd-h3 { margin-top: 16px; color: #333; }
h2.jd-h2 { border-left: 4px solid #c81623; padding-left: 8px; margin-top: 24px; }
</style>
"""


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


def html_table(frame: pd.DataFrame, lang: str = "zh", max_rows: int = 60) -> str:
    """The frame as an escaped HTML table: headers, cells and key columns from the column
    registry (:mod:`jdpromo.columns`: :func:`~jdpromo.columns.label`,
    :func:`~jdpromo.columns.display_value`, :func:`~jdpromo.columns.is_key`)."""
    if frame.empty:
        return f"<p class='jd-caption'>{html.escape(t('empty_table', lang))}</p>"
    shown = frame.head(max_rows)
    head = "".join(f"<th>{html.escape(columns.label(c, lang))}</th>" for c in shown.columns)
    metrics = shown["metric"].tolist() if "metric" in shown else [None] * len(shown)
    wrap = {c for c in shown.columns if (col := columns.get(c)) is not None and col.wrap}
    body = []
    for row, metric in zip(shown.itertuples(index=False), metrics, strict=True):
        cells = []
        for name, value in zip(shown.columns, row, strict=True):
            text = html.escape(columns.display_value(name, value, lang, metric=metric))
            numeric = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
                isinstance(value, str) and NUMBER_TEXT.match(value) is not None
            )
            css = "num" if numeric else ("wrap" if name in wrap else "")
            cells.append(f"<td class='{css}'>{text}</td>" if css else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f"<p class='jd-caption'>… {len(frame) - max_rows:,} more / 另有 {len(frame) - max_rows:,} 行</p>"
    return (
        "<div class='jd-scroll'><table class='jd-table'><thead><tr>"
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table></div>"
        + more
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (a leading ' is added)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col]
            mask = s.astype("string").str.startswith(FORMULA_START, na=False)
            if mask.any():
                out[col] = s.where(~mask, "'" + s.astype("string"))
    return out


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    """Write ``folder/name.csv`` as UTF-8 with BOM (Excel opens it), snake_case headers."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    excel_safe(frame).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _sheet_layout(
    frame: pd.DataFrame, names: Mapping[str, str], lang: str
) -> tuple[list[str], list[str], list[float]]:
    """Registry names, headers and widths of a sheet's columns (widths from the header and the
    first rows' cells as the workbook stores them)."""
    keys = [names.get(c, c) for c in frame.columns]
    headers = [c if c in names else columns.label(c, lang) for c in frame.columns]
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    widths = []
    for col, key, header in zip(frame.columns, keys, headers, strict=True):
        cells = [columns.excel_value(key, v, lang) for v in sample[col].tolist()]
        shown = [_excel_text(key, v) for v in cells if v is not None]
        widths.append(columns.column_width(header, shown))
    return keys, headers, widths


WIDTH_SAMPLE_ROWS = 200
"""Rows a workbook looks at to size its columns."""


def _excel_text(key: str, value: object) -> str:
    """Roughly what Excel shows for a stored cell (for the column width)."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return columns.format_value(key, value) + (
            " ¥" if columns.kind(key) == columns.MONEY else ""
        )
    return str(value)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: Path,
    *,
    lang: str = "zh",
    names: Mapping[str, Mapping[str, str]] | None = None,
    constant_memory: bool = False,
) -> Path:
    """Write one formatted sheet per frame to an .xlsx (xlsxwriter).

    Headers are the registry labels in ``lang`` (:mod:`jdpromo.columns`) unless a sheet's
    ``names`` maps its header to a registry name (a sheet laid out for JD's bulk tools keeps
    JD's headers); each column is formatted by the registry kind: numbers rounded and stored as
    numbers (money ``¥#,##0.00``, rates ``0.00%``), flags 是/否, ids as text. Every sheet has
    its widths set, the header frozen and an autofilter. Text cells are formula-safe like the
    CSVs (:func:`excel_safe`). ``constant_memory`` streams rows (large audience lists).
    """
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"constant_memory": constant_memory, "strings_to_numbers": False,
               "strings_to_formulas": False, "strings_to_urls": False}  # fmt: skip
    book = xlsxwriter.Workbook(str(path), options)
    head = book.add_format({"bold": True, "bg_color": "#F4F4F4", "bottom": 1})
    formats: dict[str, object] = {}
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for sheet, frame in sheets.items():
        ws = book.add_worksheet(sheet[:31])
        frame = excel_safe(frame)
        keys, headers, widths = _sheet_layout(frame, (names or {}).get(sheet, {}), lang)
        fmts = []
        for i, (key, width) in enumerate(zip(keys, widths, strict=True)):
            code = columns.excel_format(key)
            if code and code not in formats:
                formats[code] = book.add_format({"num_format": code})
            fmts.append(formats.get(code) if code else None)
            ws.set_column(i, i, width)
        ws.write_row(0, 0, headers, head)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(headers) - 1, 0))
        cols = [columns.excel_values(k, frame.iloc[:, i], lang) for i, k in enumerate(keys)]
        for r, row in enumerate(zip(*cols, strict=True), start=1):
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, str):
                    ws.write_string(r, c, cell, fmts[c])
                elif isinstance(cell, dt.datetime):
                    ws.write_datetime(r, c, cell, fmts[c] or day)
                else:
                    ws.write_number(r, c, cell, fmts[c])
    book.close()
    return path


def defaults_text(params: ShopParams, lang: str = "zh") -> str:
    """The banner naming the judgement inputs left at their defaults (``params.defaulted``)."""
    parts = []
    margins = [k for k in params.defaulted if k != "targets"]
    if margins:
        items = ("、" if lang == "zh" else ", ").join(
            t(f"param_{k}", lang, value=getattr(params, k)) for k in margins
        )
        parts.append(t("defaults_margins", lang, items=items, breakeven=params.breakeven_roi))
    if "targets" in params.defaulted:
        parts.append(t("defaults_targets", lang))
    return "".join(parts)


def window_text(days: int, basis: str, lang: str) -> str:
    window = t("window_same_day", lang) if days == 0 else t("window_days", lang, days=days)
    return t("attribution_line", lang, window=window, basis=t(f"basis_{basis}", lang))


def _dates(start: dt.date, end: dt.date, lang: str) -> str:
    if start == end:
        return f"{start:%m-%d}"
    return t("promo_dates", lang, start=f"{start:%m-%d}", end=f"{end:%m-%d}")


def promotion_banner(promo: PromotionContext, lang: str = "zh", *, whole: bool = False) -> str:
    """The banner naming the promotion phases a period overlaps, with days and dates, how the
    warm-up is judged and until when verdicts wait; ``""`` when the period overlaps none.

    ``whole``: the period is a named promotion window (``--period 1111-2025``).
    """
    if not promo.spans:
        return ""
    sentences = []
    for label in promo.labels:
        spans = [s for s in promo.spans if s.label == label]
        parts = [
            t("promo_span", lang, phase=t(f"phase_{s.phase}", lang), dates=_dates(s.start, s.end, lang),
              length=t("promo_length_one", lang) if s.days == 1 else t("promo_length", lang, days=s.days))
            for s in spans
        ]  # fmt: skip
        joined = "、".join(parts) if lang == "zh" else "; ".join(parts)
        sentences.append(t("promo_banner_spans", lang, label=label, spans=joined))
    if promo.days("warmup"):
        sentences.append(t("promo_banner_warmup", lang))
    if promo.hold_until is not None:
        sentences.append(t("promo_banner_hold", lang, date=promo.hold_until.isoformat()))
    else:
        sentences.append(t("promo_banner_whole" if whole else "promo_banner_part", lang))
    return ("" if lang == "zh" else " ").join(sentences)


def compare_text(
    period: ResolvedPeriod, promotions: Mapping[str, object] | None, lang: str = "zh"
) -> str:
    """The 环比/同比 line of the header; it says so when 环比 crosses a promotion boundary
    (:func:`jdpromo.periods.crosses_boundary`)."""
    prev = period.previous.label if period.previous else t("none", lang)
    last = period.last_year.label if period.last_year else t("none", lang)
    line = t("compare_line", lang, previous=prev, last_year=last)
    if crosses_boundary(period, promotions):
        key = "compare_crosses_promotion" if period.last_year else "compare_crosses_promotion_no_ly"
        line += ("　· " if lang == "zh" else " · ") + t(key, lang)
    return line


@dataclass
class Report:
    """One notebook's view of a shop and period: parameters, period, data and output."""

    shop: str
    lang: str
    params: ShopParams
    period: ResolvedPeriod
    dataset: ingest.Dataset
    window: tuple[int, str]
    as_of: dt.date
    partial: list[str]
    tables_dir: Path | None
    promo: PromotionContext = field(default_factory=PromotionContext)
    data_end: dt.date | None = None
    written: list[Path] = field(default_factory=list)

    # --- text -----------------------------------------------------------------------------
    def t(self, key: str, **fields: object) -> str:
        return t(key, self.lang, **fields)

    def window_label(self) -> str:
        """The report's attribution window in words (``15天（按点击）``)."""
        days, basis = self.window
        window = self.t("window_same_day") if days == 0 else self.t("window_days", days=days)
        return (
            f"{window}（{self.t(f'basis_{basis}')}）"
            if self.lang == "zh"
            else (f"{window} ({self.t(f'basis_{basis}')})")
        )

    @property
    def status(self) -> str:
        return "partial" if self.partial else "ok"

    # --- data -----------------------------------------------------------------------------
    def table_in_window(self, name: str) -> pd.DataFrame:
        """A canonical table; for ad tables only the rows of the report's attribution window."""
        frame = self.dataset.table(name)
        return health.keep_window(frame, self.window) if name in health.AD_TABLES else frame

    def history(self, name: str) -> pd.DataFrame:
        """:meth:`table_in_window` up to the period's last day: what was known at its end
        (budgets and backtests must not see later data)."""
        frame = self.table_in_window(name)
        if frame.empty or "date" not in frame:
            return frame
        return frame.loc[pd.to_datetime(frame["date"]) <= pd.Timestamp(self.period.current.end)]

    # --- display --------------------------------------------------------------------------
    def header(self, title_key: str) -> None:
        """Title, period, comparisons, attribution window, and banners (partial, examples)."""
        cur = self.period.current
        compare = compare_text(self.period, self.params.promotions, self.lang)
        name = self.params.shop_name or self.shop
        lines = [
            f"<h1>{html.escape(self.t('report_title', title=self.t(title_key), shop=name, period=cur.label))}</h1>",
            f"<p>{html.escape(self.t('period_line', start=cur.start, end=cur.end, days=cur.days))}</p>",
            f"<p>{html.escape(compare)}</p>",
            f"<p>{html.escape(window_text(*self.window, self.lang))} · "
            f"{html.escape(self.t('as_of_line', as_of=self.as_of))}</p>",
        ]
        out = CSS + "<div class='jd-report jd-header'>" + "".join(lines) + "</div>"
        if self.promo.spans:
            whole = cur.kind == "promotion"
            out += self._banner("jd-info", promotion_banner(self.promo, self.lang, whole=whole))
        if self.partial:
            out += self._banner(
                "jd-warn", self.t("partial_banner", reasons=partial_text(self.partial, self.lang))
            )
        if self.params.defaulted:
            out += self._banner("jd-warn", defaults_text(self.params, self.lang))
        if self.params.examples:
            out += self._banner("jd-info", self.t("example_banner"))
        _display(out)

    @staticmethod
    def _banner(kind: str, text: str) -> str:
        return f"<div class='jd-report jd-banner {kind}'>{html.escape(text)}</div>"

    def bullets(self, items: list[str], kind: str = "") -> None:
        """Show sentences as a list (findings, actions); nothing when ``items`` is empty."""
        if not items:
            return
        css = f"jd-banner jd-{kind}" if kind else ""
        lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
        _display(f"<div class='jd-report {css}'><ul class='jd-list'>{lis}</ul></div>")

    def findings(self, found: list, *, limit: int | None = None, good: bool = True) -> None:
        """Show findings as every page does (:mod:`jdpromo.findings`): problems and
        opportunities ranked (at most ``limit``), then the improvements in one line."""
        from jdpromo import findings as fd

        shown = [f for f in fd.rank(found) if f.direction != "better"][:limit]
        parts = [fd.list_html(shown, self.lang, numbered=False)]
        if good:
            parts.append(fd.good_html(found, self.lang))
        if any(parts):
            _display("".join(parts))

    def subheading(self, key: str, **fields: object) -> None:
        _display(f"<h3 class='jd-report jd-h3'>{html.escape(self.t(key, **fields))}</h3>")

    def heading(self, key: str, **fields: object) -> None:
        _display(f"<h2 class='jd-report jd-h2'>{html.escape(self.t(key, **fields))}</h2>")

    def note(self, key: str, kind: str = "", **fields: object) -> None:
        text = html.escape(self.t(key, **fields))
        css = f"jd-banner jd-{kind}" if kind else "jd-caption"
        _display(f"<div class='jd-report {css}'>{text}</div>")

    def table(
        self,
        frame: pd.DataFrame,
        name: str | None = None,
        *,
        show: bool = True,
        max_rows: int = 60,
        empty: str | None = None,
        columns: list[str] | None = None,
    ) -> None:
        """Show ``frame`` and, when ``name`` is given, write it to ``tables/<name>.csv``.

        ``empty`` is a text key shown instead of an empty table (the CSV is still written);
        ``columns`` limits what the report shows (the CSV keeps every column).
        """
        if name and self.tables_dir is not None:
            self.written.append(write_table(frame, self.tables_dir, name))
        if show and frame.empty and empty:
            self.note(empty)
        elif show:
            shown = frame[[c for c in columns if c in frame]] if columns else frame
            _display("<div class='jd-report'>" + html_table(shown, self.lang, max_rows) + "</div>")

    def workbook(
        self,
        sheets: dict[str, pd.DataFrame],
        name: str,
        *,
        names: Mapping[str, Mapping[str, str]] | None = None,
        files: Mapping[str, str] | None = None,
        copies: bool = True,
        constant_memory: bool = False,
    ) -> Path | None:
        """Write ``<output_dir>/<name>.xlsx`` (:func:`write_workbook`) and, with ``copies``,
        each sheet as ``tables/<name>_<file>.csv`` with snake_case headers (``files`` maps a
        sheet to its file name, default the sheet name; ``names`` maps a sheet's headers to
        registry names). Nothing when the report has no output folder."""
        if self.tables_dir is None:
            return None
        for sheet, frame in sheets.items() if copies else ():
            plain = frame.rename(columns=dict((names or {}).get(sheet, {})))
            stem = f"{name}_{(files or {}).get(sheet, sheet)}"
            self.written.append(write_table(plain, self.tables_dir, stem))
        path = self.tables_dir.parent / f"{name}.xlsx"
        write_workbook(sheets, path, lang=self.lang, names=names, constant_memory=constant_memory)
        self.written.append(path)
        return path

    def missing(self, table: str) -> bool:
        """Show "not available — export X from …" when the folder has no ``table``; True if so."""
        if self.dataset.has(table) and not self.dataset.table(table).empty:
            return False
        spec = TABLES[table]
        source = spec.source_zh if self.lang == "zh" else spec.source_en
        self.note(
            "not_available",
            kind="info",
            table=self.t(f"table_{table}"),
            source=source,
            folder=self.dataset.folder.name,  # never the server path: reports get forwarded
        )
        return True

    def show_figure(self, fig) -> None:
        """Show a matplotlib figure inline (PNG) and close it."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        display(fig)
        plt.close(fig)

    def footer(self) -> None:
        _display(
            f"<p class='jd-report jd-caption'>{html.escape(self.t('generated_by', version=jdpromo.__version__))}</p>"
        )


def _as_of(dataset: ingest.Dataset) -> dt.date:
    stamps = [f.export_time for f in dataset.files if f.export_time and f.table in health.AD_TABLES]
    return max(stamps).date() if stamps else today_shanghai()


def open_report(
    shop: str = "demo",
    period: str = "2026-10",
    data_dir: str | Path | None = None,
    params_file: str | Path | None = None,
    lang: str = "zh",
    output_dir: str | Path | None = None,
) -> Report:
    """Validate the notebook's parameters, resolve the period and load the shop's exports.

    Parameters
    ----------
    shop, period, lang
        As for ``jdpromo run``.
    data_dir
        Folder of exports; default ``<project>/data/<shop>``.
    params_file
        Shop params YAML; default ``<project>/params/<shop>.yaml`` when it exists.
    output_dir
        The run's output folder: tables go to ``output_dir/tables``. ``None`` writes nothing
        (interactive use).
    """
    root = project_root()
    run = validate_run(
        shop=shop, period=period, lang=lang, data_dir=data_dir, params_file=params_file
    )
    params = load_shop_params(run.shop, run.params_file, root)
    resolved = parse_period(run.period, params.promotions)
    folder = Path(run.data_dir) if run.data_dir else root / "data" / run.shop
    dataset = ingest.load_folder(
        folder,
        attribution_days=params.attribution_days,
        attribution_basis=params.attribution_basis,
        limits=params.limits,
    )
    window = health.dominant_window(dataset, (params.attribution_days, params.attribution_basis))
    as_of = _as_of(dataset)
    data_start, data_end = health.data_span(dataset)
    partial = partial_reasons(
        resolved.current,
        data_start=data_start,
        data_end=data_end,
        as_of=as_of,
        attribution_days=window[0],
    )
    tables_dir = Path(output_dir) / "tables" if output_dir else None
    promo = promotion_context(
        resolved.current, params.promotions, attribution_days=window[0], as_of=as_of
    )
    return Report(
        shop=run.shop,
        lang=run.lang,
        params=params,
        period=resolved,
        dataset=dataset,
        window=window,
        as_of=as_of,
        partial=partial,
        tables_dir=tables_dir,
        promo=promo,
        data_end=data_end,
    )
