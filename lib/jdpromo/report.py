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

import dataclasses
import datetime as dt
import hashlib
import html
import itertools
import os
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
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
    segments,
    today_shanghai,
)
from jdpromo.text import category_label, partial_text, shop_label, t

# Cells that are numbers already formatted as text (right-aligned like numbers).
NUMBER_TEXT = re.compile(r"^[+-]?(?:[¥￥]\s?)?[\d,]+(?:\.\d+)?\s?(?:%|pp|元)?$")

CSS = """
<style>
.jd-report, .jd-report table { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
.jd-report { overflow-wrap: anywhere; max-width: 100%; }
.jd-header { border-bottom: 3px solid #c81623; margin-bottom: 12px; padding-bottom: 6px; }
.jd-header h1 { color: #c81623; font-size: 1.6em; margin: 0 0 4px 0; line-height: 1.3; }
.jd-header p { margin: 2px 0; color: #444; }
.jd-banner { padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
.jd-warn { background: #fff4e5; border-left: 4px solid #f0a020; }
.jd-info { background: #eef5fb; border-left: 4px solid #3b7dd8; }
.jd-error { background: #fdecea; border-left: 4px solid #c81623; }
.jd-scroll { overflow-x: auto; max-width: 100%; }
table.jd-table { border-collapse: collapse; font-size: 13px; margin: 6px 0 4px 0; }
table.jd-table th { background: #f4f4f4; text-align: left !important; padding: 4px 8px;
  border-bottom: 2px solid #ddd; white-space: nowrap; }
table.jd-table td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: left !important;
  white-space: nowrap; vertical-align: top; }
table.jd-table td.wrap { white-space: normal; min-width: 16em; max-width: 32em; }
table.jd-table td.num { text-align: right !important; font-variant-numeric: tabular-nums; }
table.jd-table tr:nth-child(even) td { background: #fafafa; }
.jd-tbl { margin: 0 0 12px 0; max-width: 100%; }
.jd-tbl > input { display: none; }
.jd-tbl tr.more { display: none; }
.jd-t-rows:checked ~ .jd-scroll tr.more { display: table-row; }
.jd-t-rows:checked ~ .jd-btns .jd-btn-rows { display: none; }
.jd-btn { display: inline-block; margin: 2px 8px 2px 0; padding: 2px 10px; font-size: 13px;
  color: #1f5fae; border: 1px solid #c9d8ee; border-radius: 12px; cursor: pointer; }
.jd-btn-cols { display: none; }
.jd-caption { color: #666; font-size: 12px; margin: 0 0 10px 0; }
ul.jd-list { margin: 4px 0; padding-left: 20px; }
ul.jd-list li { margin: 4px 0; line-height: 1.5; }
h3.jd-h3 { margin-top: 16px; color: #333; }
h2.jd-h2 { border-left: 4px solid #c81623; padding-left: 8px; margin-top: 24px; }
.jd-fig img { max-width: 100%; height: auto; }
nav.jd-toc { background: #f7f7f7; border-radius: 4px; padding: 6px 12px; margin: 10px 0;
  font-size: 14px; }
nav.jd-toc ol { margin: 4px 0; padding-left: 22px; columns: 2 16em; }
nav.jd-toc li { margin: 2px 0; }
details.jd-method { margin: 20px 0 8px 0; font-size: 13px; color: #444; }
.jd-summary { font-size: 15px; font-weight: 600; line-height: 1.6; margin: 10px 0; }
details.jd-method summary { font-weight: 600; cursor: pointer; }
details.jd-method li { margin: 4px 0; line-height: 1.5; }
@media (max-width: 600px) {
  table.jd-table .opt { display: none; }
  .jd-t-cols:checked ~ .jd-scroll .opt { display: table-cell; }
  .jd-t-cols:checked ~ .jd-btns .jd-btn-cols { display: none; }
  .jd-btn-cols { display: inline-block; }
  table.jd-table td { white-space: normal; overflow-wrap: anywhere; }
  table.jd-table td.wrap { min-width: 10em; }
  table.jd-table th { white-space: normal; }
  .jd-header h1 { font-size: 1.3em; }
  .jd-fig img { width: 100% !important; }
}
</style>
"""


def _display(html_text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(html_text))


# Columns whose values may be JD category values (traffic sources, match types, order
# statuses), shown in the report's language (:func:`jdpromo.text.category_label`).
CATEGORY_COLUMNS = {"channel", "source_level1", "source_level2", "source_level3", "match_type",
                    "status", "source", "item"}  # fmt: skip
NEVER_KEY = frozenset({"basis", "lens", "attribution_basis", "level"})
"""Columns a phone does not need to fill its key columns with (how a figure was formed)."""
FOLD_ROWS = 12
"""Tables longer than this show their first ``FOLD_SHOWN`` rows; the rest open on tap."""
FOLD_SHOWN = 10
_TABLE_IDS = itertools.count(1)
"""Ids of the tables of a page (their show-more toggles); numbered afresh on each page."""


def new_page() -> None:
    """Number the next tables from 1: a page's ids depend on that page only, whatever the
    kernel rendered before it (see :class:`jdpromo.runner.RunKernel`)."""
    global _TABLE_IDS
    _TABLE_IDS = itertools.count(1)


def default_key_columns(names: list[str], at_least: int = 3) -> list[str]:
    """The columns a phone shows of a table: the first (the row's subject), the key ones
    (:func:`jdpromo.columns.is_key`: status/verdict, action …), and the next ones from the left
    until there are ``at_least``."""
    keys = [c for i, c in enumerate(names) if i == 0 or columns.is_key(c)]
    for c in names:
        if len(keys) >= at_least:
            break
        if c not in keys and c not in NEVER_KEY:
            keys.append(c)
    return [c for c in names if c in keys]


def _toggle(kind: str, ident: str, label: str) -> tuple[str, str]:
    """A CSS-only switch (works in a forwarded file, no script): the checkbox and its label."""
    box = f"<input type='checkbox' class='jd-t-{kind}' id='{ident}-{kind}'>"
    return (
        box,
        f"<label class='jd-btn jd-btn-{kind}' for='{ident}-{kind}'>{html.escape(label)}</label>",
    )


def html_table(
    frame: pd.DataFrame,
    lang: str = "zh",
    max_rows: int = 60,
    *,
    key_columns: list[str] | None = None,
    csv_name: str | None = None,
    fold: int = FOLD_ROWS,
) -> str:
    """The frame as an escaped HTML table: headers, cells and key columns from the column
    registry (:mod:`jdpromo.columns`: :func:`~jdpromo.columns.label`,
    :func:`~jdpromo.columns.display_value`, :func:`~jdpromo.columns.is_key`); JD category
    values (traffic sources, match types, order statuses) in ``lang``.

    Below 600 px wide only ``key_columns`` show (default :func:`default_key_columns`), with a
    button for the rest; tables longer than ``fold`` rows show ``FOLD_SHOWN`` rows and a
    button for the others. Rows beyond ``max_rows`` are only in ``tables/<csv_name>.csv``.
    """
    if frame.empty:
        return f"<p class='jd-caption'>{html.escape(t('empty_table', lang))}</p>"
    shown = frame.head(max_rows)
    keys = set(default_key_columns(list(shown.columns)) if key_columns is None else key_columns)
    extra = [c for c in shown.columns if c not in keys]
    opt = {c: " class='opt'" if c in extra else "" for c in shown.columns}
    head = "".join(f"<th{opt[c]}>{html.escape(columns.label(c, lang))}</th>" for c in shown.columns)
    metrics = shown["metric"].tolist() if "metric" in shown else [None] * len(shown)
    wrap = {c for c in shown.columns if (col := columns.get(c)) is not None and col.wrap}
    folded = len(shown) > fold
    body = []
    for i, (row, metric) in enumerate(zip(shown.itertuples(index=False), metrics, strict=True)):
        cells = []
        for name, value in zip(shown.columns, row, strict=True):
            if name in CATEGORY_COLUMNS:
                value = category_label(value, lang)
            text = html.escape(columns.display_value(name, value, lang, metric=metric))
            numeric = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
                isinstance(value, str) and NUMBER_TEXT.match(value) is not None
            )
            css = "num" if numeric else ("wrap" if name in wrap else "")
            css = " ".join(filter(None, [css, "opt" if name in extra else ""]))
            cells.append(f"<td class='{css}'>{text}</td>" if css else f"<td>{text}</td>")
        more_row = " class='more'" if folded and i >= FOLD_SHOWN else ""
        body.append(f"<tr{more_row}>" + "".join(cells) + "</tr>")
    ident = f"jdt{next(_TABLE_IDS)}"
    boxes, labels = [], []
    if extra:
        box, label = _toggle("cols", ident, t("table_all_columns", lang, n=len(shown.columns)))
        boxes.append(box)
        labels.append(label)
    if folded:
        box, label = _toggle("rows", ident, t("table_more_rows", lang, n=len(shown) - FOLD_SHOWN))
        boxes.append(box)
        labels.append(label)
    note = ""
    if len(frame) > max_rows:
        key = "table_cut_csv" if csv_name else "table_cut"
        note = t(key, lang, n=len(frame) - max_rows, shown=max_rows, name=csv_name or "")
        note = f"<p class='jd-caption'>{html.escape(note)}</p>"
    buttons = f"<div class='jd-btns'>{''.join(labels)}</div>" if labels else ""
    return (
        f"<div class='jd-tbl'>{''.join(boxes)}"
        "<div class='jd-scroll'><table class='jd-table'><thead><tr>"
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + f"</tbody></table></div>{buttons}</div>"
        + note
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
        # Streamed, a sheet is made formula-safe and converted a block of rows at a time (the
        # same cells: both work cell by cell), so a large list is never held twice in memory.
        block = STREAM_CHUNK_ROWS if constant_memory else max(len(frame), 1)
        sample = frame.head(WIDTH_SAMPLE_ROWS) if constant_memory else frame
        layout_frame = excel_safe(sample)
        keys, headers, widths = _sheet_layout(layout_frame, (names or {}).get(sheet, {}), lang)
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
        for lo in range(0, len(frame), block):
            part = layout_frame if sample is frame else excel_safe(frame.iloc[lo : lo + block])
            cols = [columns.excel_values(k, part.iloc[:, i], lang) for i, k in enumerate(keys)]
            last = lo + block >= len(frame)
            done = _stream_rows(ws, cols, fmts, day, lo + 1, last) if constant_memory else 0
            rows = zip(*(c[done:] for c in cols), strict=True)
            for r, row in enumerate(rows, start=lo + done + 1):
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


STREAM_CHUNK_ROWS = 5_000
"""Rows a streamed sheet converts and renders at a time (bounds the memory of
:func:`write_workbook` with ``constant_memory``)."""

# Texts joined by tabs that xlsxwriter would not all write as ``<t>text</t>``: XML escapes,
# control characters and their ``_xHHHH_`` escapes, non-characters, and a text starting or
# ending with whitespace (next to a tab, or at either end of the joined string).
_XML_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]")
_X_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")
_SPACE_END, _SPACE_START, _SPACE = re.compile(r"\s\t"), re.compile(r"\t\s"), re.compile(r"\s")


def _plain_texts(texts: list[str]) -> bool:
    """Whether xlsxwriter writes each of ``texts`` as it is (``<t>text</t>``, nothing escaped,
    no ``xml:space``); False may be wrong (then each is written the slow, exact way)."""
    joined = "\t".join(texts)
    return not (
        _XML_SPECIAL.search(joined)
        or ("_x" in joined and _X_ESCAPE.search(joined))
        or _SPACE.match(joined[:1])
        or _SPACE.match(joined[-1:])
        or _SPACE_END.search(joined)
        or _SPACE_START.search(joined)
    )


_EXCEL_EPOCH_US = (dt.datetime(1899, 12, 31) - dt.datetime(1970, 1, 1)) // dt.timedelta(
    microseconds=1
)
_DAY_US = 86_400_000_000


def _excel_serials(values: list) -> list[float]:
    """Excel serial numbers of naive datetimes, exactly as xlsxwriter computes them
    (``_datetime_to_excel_datetime``, 1900 date system), for datetimes after 1900-02-28."""
    d = pd.DatetimeIndex(values).as_unit("us").asi8 - _EXCEL_EPOCH_US
    days = d // _DAY_US
    rem = d - days * _DAY_US
    seconds, micro = rem // 1_000_000, rem % 1_000_000
    serial = days + (seconds.astype(float) + micro.astype(float) / 1e6) / (60 * 60 * 24)
    return (serial + 1).tolist()  # Excel's phantom 1900-02-29


def _stream_rows(
    ws, cols: list[list], fmts: list, day, start: int = 1, keep_last: bool = True
) -> int:
    """Write a block of data rows of a constant-memory worksheet, from sheet row ``start``
    (0-based; 1 is the first row under the header), as xlsxwriter would, but rendering each
    row's XML at once instead of cell by cell (a large audience list has millions of cells;
    xlsxwriter's per-cell path costs several µs each). Returns how many rows of the block it
    wrote; the caller writes the rest cell by cell — with ``keep_last`` (the sheet's last
    block) at least the last row, so that xlsxwriter flushes that row itself as it always does.

    ``cols``: the block's columns as :func:`jdpromo.columns.excel_values` gives them (``None``
    cells are left empty); ``fmts``: each column's format (``None``: General); ``day``: the
    format of datetimes in a column without one.

    The XML is byte for byte what ``write_string``/``write_number``/``write_datetime`` and
    xlsxwriter's row flushing produce: the same ``<row>``/``<c>`` elements, inline strings with
    the same escaping, numbers as ``{:.16G}``, datetimes as xlsxwriter's serial numbers, format
    indices assigned in the order xlsxwriter would assign them, and the same sheet dimensions.
    Writes nothing (returns 0) when the sheet holds anything this does not render: non-finite
    numbers, strings over 16,383 characters, timezone-aware or pre-March-1900 datetimes, other
    types, row formats or heights, or an xlsxwriter without the internals used here.
    """
    try:  # xlsxwriter's internals as of 3.x; another layout: cell by cell
        from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

        ready = not (
            ws.fh is not ws.row_data_fh
            or ws.previous_row >= start
            or set(ws.table) - {ws.previous_row}
            or ws.row_info
            or ws.comments
            or ws.default_row_height != ws.original_row_height
            or ws.excel_version != 2007
            or ws.date_1904
            or ws.remove_timezone
            or not callable(ws._write_single_row)
            or not callable(ws._escape_control_characters)
            or not callable(ws._escape_data)
        )
    except (ImportError, AttributeError):
        ready = False
    n = len(cols[0]) - keep_last if cols else 0  # the rows streamed
    if n < 1 or not ready:
        return 0
    kinds = []  # per column: "str", "num", "date", "mixed" (None cells are skipped in each)
    for values in cols:
        types = set(map(type, values))
        types.discard(type(None))
        if not types <= {str, float, int, bool, dt.datetime}:
            return 0
        present = values if None not in values else [v for v in values if v is not None]
        strs = present if types == {str} else [v for v in present if type(v) is str]
        if max(map(len, strs), default=0) > 16383:
            return 0
        dates = (
            present if types == {dt.datetime} else [v for v in present if type(v) is dt.datetime]
        )
        if dates and (
            any(v.tzinfo is not None for v in dates) or min(dates) < dt.datetime(1900, 3, 1)
        ):
            return 0
        if float in types:
            floats = present if types == {float} else [v for v in present if type(v) is float]
            if not np.isfinite(np.array(floats, dtype=float)).all():
                return 0
        kinds.append(
            "str" if types == {str} else "date" if types == {dt.datetime}
            else "num" if types <= {float, int, bool} else "mixed"
        )  # fmt: skip

    # The row written last before the block (the header, or a row written cell by cell): out
    # first, as xlsxwriter writes it when the next row starts (its formats take their indices).
    ws._write_single_row(start)
    # Format indices in the order xlsxwriter assigns them (the first cell using each, row by
    # row), and the sheet's dimensions, over the rows streamed here.
    first: dict[int, tuple[int, int, object]] = {}
    for c, values in enumerate(cols):
        top = next((r for r in range(n) if values[r] is not None), None)
        if top is None:
            continue
        bottom = next(r for r in range(n - 1, -1, -1) if values[r] is not None)
        ws._check_dimensions(start + top, c)
        ws._check_dimensions(start + bottom, c)
        for r in range(top, n) if kinds[c] == "mixed" else (top,):
            v = values[r]
            if v is not None:
                f = (fmts[c] or day) if type(v) is dt.datetime else fmts[c]
                if f is not None and (id(f) not in first or first[id(f)][:2] > (r, c)):
                    first[id(f)] = (r, c, f)
    for _, _, f in sorted(first.values(), key=lambda x: x[:2]):
        f._get_xf_index()

    def s_attr(f) -> str:
        return f' s="{f._get_xf_index()}"' if f is not None else ""

    def text(v: str) -> str:  # as Worksheet._write_cell writes a constant-memory string
        v = ws._escape_control_characters(v)
        if v.startswith("<r>") and v.endswith("</r>"):
            return f' t="inlineStr"><is>{v}</is></c>'
        space = ' xml:space="preserve"' if _preserve_whitespace(v) else ""
        return f' t="inlineStr"><is><t{space}>{ws._escape_data(v)}</t></is></c>'

    def cell(c: int, v) -> str:  # one cell after its ``<c r="A2"``, any type
        if v is None:
            return ""
        if type(v) is str:
            return s_attr(fmts[c]) + text(v)
        if type(v) is dt.datetime:
            return s_attr(fmts[c] or day) + f"><v>{_excel_serials([v])[0]:.16G}</v></c>"
        return s_attr(fmts[c]) + f"><v>{v:.16G}</v></c>"

    tails: list[dict | None] = [None] * len(cols)
    for c, values in enumerate(cols):
        if kinds[c] == "str" and None not in values:
            distinct = set(values)
            if len(distinct) <= max(len(values) // 8, 1):
                tails[c] = {v: text(v) for v in distinct}
    letters = [xl_col_to_name(c) for c in range(len(cols))]
    for lo in range(0, n, STREAM_CHUNK_ROWS):
        hi = min(lo + STREAM_CHUNK_ROWS, n)
        refs = [str(start + r + 1) for r in range(lo, hi)]
        parts = []
        dense = False  # some column has a cell in every row of the chunk
        for c, values in enumerate(cols):
            chunk = values[lo:hi]
            head = '<c r="' + letters[c]
            kind = kinds[c] if None not in chunk else "mixed"
            dense = dense or kind != "mixed" or None not in chunk
            if kind == "str" and tails[c] is not None:  # few distinct texts: each rendered once
                s, tail = s_attr(fmts[c]), tails[c]
                parts.append([f'{head}{r}"{s}{tail[v]}' for r, v in zip(refs, chunk, strict=True)])
            elif kind == "str":
                s = s_attr(fmts[c])
                if _plain_texts(chunk):
                    parts.append([
                        f'{head}{r}"{s} t="inlineStr"><is><t>{v}</t></is></c>'
                        for r, v in zip(refs, chunk, strict=True)
                    ])  # fmt: skip
                else:
                    parts.append(
                        [f'{head}{r}"{s}{text(v)}' for r, v in zip(refs, chunk, strict=True)]
                    )
            elif kind in ("num", "date"):
                s = s_attr(fmts[c] or day if kind == "date" else fmts[c])
                nums = _excel_serials(chunk) if kind == "date" else chunk
                parts.append(
                    [f'{head}{r}"{s}><v>{v:.16G}</v></c>' for r, v in zip(refs, nums, strict=True)]
                )
            else:
                parts.append([
                    f'{head}{r}"{cell(c, v)}' if v is not None else ""
                    for r, v in zip(refs, chunk, strict=True)
                ])  # fmt: skip
        if dense:  # no row without cells: the chunk's XML in one join
            opens = [f'<row r="{r}">' for r in refs]
            cells = zip(opens, *parts, ["</row>"] * len(refs), strict=True)
            ws.fh.write("".join(itertools.chain.from_iterable(cells)))
        else:
            rows = []
            for r, row in zip(refs, zip(*parts, strict=True), strict=True):
                body = "".join(row)
                if body:
                    rows.append(f'<row r="{r}">{body}</row>')
            ws.fh.write("".join(rows))
    ws.previous_row = start + n - 1  # as after writing that row: the next flushes nothing more
    return n


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


def promotion_banner(
    promo: PromotionContext, lang: str = "zh", *, whole: bool = False, ordinary: bool = False
) -> str:
    """The banner naming the promotion phases a period overlaps, with days and dates, how the
    warm-up is judged and until when verdicts wait; ``""`` when the period overlaps none.

    ``whole``: the period is a named promotion window (``--period 1111-2025``). ``ordinary``:
    the period also holds 日常 days — while the promotion is held, only the promotion days'
    verdicts wait (``promo_banner_hold_ordinary``): a campaign that loses money on the 日常 days
    is cut or paused as usual (:func:`jdpromo.channels.campaign_verdicts`).
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
        key = "promo_banner_hold_ordinary" if ordinary else "promo_banner_hold"
        sentences.append(t(key, lang, date=promo.hold_until.isoformat()))
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


PHONE_FIGURE_INCHES = 4.6
"""Width a chart is drawn at for phones. Shown 340–370 px wide, 11 pt tick and legend labels
(seaborn's) are 11–12 px on screen: readable, where the desktop chart shrunk to a phone's width
had labels of about 4 px."""


PHONE_MIN_POINTS = 11.0
"""Smallest text on a phone chart (pt): about 12 px when the 4.6 in chart is shown 360 px wide."""


def legible(fig, minimum: float = PHONE_MIN_POINTS):
    """Raise every text of ``fig`` (tick labels, legends, annotations, titles) to at least
    ``minimum`` points; return a function that puts the sizes back."""
    from matplotlib.text import Text

    ticks = []
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = axis.get_ticklabels()
            if labels and labels[0].get_fontsize() < minimum:
                ticks.append((ax, name, labels[0].get_fontsize()))
                ax.tick_params(axis=name, labelsize=minimum)
    texts = [(x, x.get_fontsize()) for x in fig.findobj(Text) if x.get_fontsize() < minimum]
    for text, _ in texts:
        text.set_fontsize(minimum)

    def restore() -> None:
        for ax, name, size in ticks:
            ax.tick_params(axis=name, labelsize=size)
        for text, size in texts:
            text.set_fontsize(size)

    return restore


def _png_base64(fig, dpi: int) -> str:
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(fig, alt: str = "") -> str:
    """A figure as a ``<picture>``: drawn as it is for wide screens, and drawn again
    ``PHONE_FIGURE_INCHES`` wide (at twice the resolution, no text under
    ``PHONE_MIN_POINTS``) for screens below 600 px, so its labels stay readable on a phone
    instead of being shrunk with the image."""
    import warnings

    wide = _png_base64(fig, dpi=int(fig.dpi))
    width, height = fig.get_size_inches()
    if width > PHONE_FIGURE_INCHES:
        fig.set_size_inches(PHONE_FIGURE_INCHES, max(height * 0.9, 2.6), forward=False)
        restore = legible(fig)
        if not fig.get_constrained_layout():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fig.tight_layout()
        narrow = _png_base64(fig, dpi=2 * int(fig.dpi))
        restore()
        fig.set_size_inches(width, height, forward=False)
    else:
        narrow = wide
    alt = html.escape(alt, quote=True)
    return (
        "<div class='jd-report jd-fig'><picture>"
        f"<source media='(max-width: 600px)' srcset='data:image/png;base64,{narrow}'>"
        f"<img alt='{alt}' src='data:image/png;base64,{wide}'></picture></div>"
    )


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
    as_of_source: str = "export"
    written: list[Path] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    seen: list = field(default_factory=list)
    shared_dir: Path | None = None

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
        return health.rows_where(
            frame, pd.to_datetime(frame["date"]) <= pd.Timestamp(self.period.current.end)
        )

    # --- display --------------------------------------------------------------------------
    def header(self, title_key: str) -> None:
        """Title, period, comparisons, attribution window, and banners (partial, examples)."""
        cur = self.period.current
        compare = compare_text(self.period, self.params.promotions, self.lang)
        name = shop_label(self.params.shop_name or self.shop, self.lang)
        lines = [
            f"<h1>{html.escape(self.t('report_title', title=self.t(title_key), shop=name, period=cur.label))}</h1>",
            f"<p>{html.escape(self.t('period_line', start=cur.start, end=cur.end, days=cur.days))}</p>",
            f"<p>{html.escape(compare)}</p>",
            f"<p>{html.escape(window_text(*self.window, self.lang))} · "
            f"{html.escape(self.t(f'as_of_{self.as_of_source}', as_of=self.as_of))}</p>",
        ]
        out = CSS + "<div class='jd-report jd-header'>" + "".join(lines) + "</div>"
        if self.promo.spans:
            whole = cur.kind == "promotion"
            ordinary = any(seg == "ordinary" for seg, _, _ in segments(cur, self.params.promotions))
            banner = promotion_banner(self.promo, self.lang, whole=whole, ordinary=ordinary)
            out += self._banner("jd-info", banner)
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

    def findings(
        self, found: list, *, limit: int | None = None, good: bool = True, share: str = ""
    ) -> None:
        """Show findings as every page does (:mod:`jdpromo.findings`): problems and
        opportunities ranked (at most ``limit``), then the improvements in one line.

        ``share`` names the rule that made them (a key of :data:`SHARED_FINDINGS`): in a run,
        the list is kept in the run folder for the recap (:meth:`shared_findings`)."""
        from jdpromo import findings as fd

        self.seen.extend(found)
        if share:
            self._share(share, found)
        shown = [f for f in fd.rank(found) if f.direction != "better"][:limit]
        parts = [fd.list_html(shown, self.lang, numbered=False)]
        if good:
            parts.append(fd.good_html(found, self.lang))
        if any(parts):
            _display("".join(parts))

    # --- findings shared within a run ---------------------------------------------------------
    def _shared_key(self) -> str:
        """What the shared findings depend on: shop, period, language, every parameter and the
        bytes of every input file. A list made under another key is never reused."""
        files = sorted((str(f.path), f.sha256 or "") for f in self.dataset.files)
        blob = repr((self.shop, self.period.current.label, self.lang, files))
        return hashlib.sha256((blob + self.params.model_dump_json()).encode()).hexdigest()

    def _share(self, name: str, found: list) -> None:
        if name not in SHARED_FINDINGS:
            raise ValueError(f"unknown shared findings {name!r}")
        if self.shared_dir is None:
            return
        self.shared_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.shared_dir / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            pickle.dump({"key": self._shared_key(), "findings": list(found)}, fh, protocol=5)
        tmp.replace(self.shared_dir / f"{name}.pickle")

    def shared_findings(self, name: str) -> list | None:
        """The findings another notebook of this run made with the rule ``name``, or ``None``
        when none did (or made them from other inputs): then the caller computes them."""
        if self.shared_dir is None:
            return None
        try:
            with open(self.shared_dir / f"{name}.pickle", "rb") as fh:
                kept = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return kept["findings"] if kept.get("key") == self._shared_key() else None

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
        key_columns: list[str] | None = None,
        csv: str | None = None,
    ) -> None:
        """Show ``frame`` and, when ``name`` is given, write it to ``tables/<name>.csv``.

        ``empty`` is a text key shown instead of an empty table (the CSV is still written);
        ``columns`` limits what the report shows (the CSV keeps every column);
        ``key_columns`` the ones a phone shows (default: :func:`default_key_columns`);
        ``csv`` the table already written that holds every row of a part shown here (a long
        table's note then points to it).
        """
        csv_name = csv if self.tables_dir is not None else None
        if name and self.tables_dir is not None:
            self.written.append(write_table(frame, self.tables_dir, name))
            csv_name = name
        if show and frame.empty and empty:
            self.note(empty)
        elif show:
            shown = frame[[c for c in columns if c in frame]] if columns else frame
            table = html_table(
                shown, self.lang, max_rows, key_columns=key_columns, csv_name=csv_name
            )
            _display("<div class='jd-report'>" + table + "</div>")

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
        """Show a matplotlib figure drawn for the width it is shown at (:func:`figure_html`)
        and close it."""
        import matplotlib.pyplot as plt

        try:
            _display(figure_html(fig, self.t("figure_alt")))
        finally:
            plt.close(fig)

    def method(self, key: str, **fields: object) -> None:
        """Keep a method note (tests, q, α, models) for the page's folded 方法说明 section,
        shown by :meth:`footer`; the main text says the same in plain words."""
        self.methods.append(self.t(key, **fields))

    def footer(self, *, summary: bool = False) -> None:
        """The folded 方法说明 section (when the page has method notes) and the version line.

        ``summary``: also the one-sentence summary of every finding the page showed
        (:func:`jdpromo.findings.headline`), which the rendered page moves to its top
        (:func:`jdpromo.runner.page_shell`), for pages whose findings come section by section.
        """
        from jdpromo import findings as fd

        out = ""
        if summary:
            text = fd.headline(self.seen, self.lang) if self.seen else self.t("summary_none")
            out += f"<div class='jd-report jd-summary'>{html.escape(text)}</div>"
        if self.methods:
            items = "".join(f"<li>{html.escape(m)}</li>" for m in dict.fromkeys(self.methods))
            out += (
                f"<details class='jd-report jd-method' id='jd-method'><summary>"
                f"{html.escape(self.t('method_title'))}</summary>"
                f"<p>{html.escape(self.t('method_intro'))}</p><ul>{items}</ul></details>"
            )
        version = html.escape(self.t("generated_by", version=jdpromo.__version__))
        _display(out + f"<p class='jd-report jd-caption'>{version}</p>")


def data_as_of(dataset: ingest.Dataset, data_end: dt.date | None) -> tuple[dt.date | None, str]:
    """What the data is "as of", and where that comes from: the latest export time the ad
    files state (``"export"``), else the latest date in the data (``"data"``), else nothing
    (``"none"``) — never today, which says nothing about the data."""
    stamps = [f.export_time for f in dataset.files if f.export_time and f.table in health.AD_TABLES]
    if stamps:
        return max(stamps).date(), "export"
    if data_end is not None:
        return data_end, "data"
    return None, "none"


SHARED = ".shared"
"""Folder of the run folder where notebooks leave findings for the recap (removed, like
:data:`SETTLED`, before the report is published)."""

SHARED_FINDINGS = {
    "health": "data_health",
    "channel_changes": "channel_comparison",
    "channel_verdicts": "channel_comparison",
    "channel_warmup": "channel_comparison",
    "keywords": "keyword_review",
    "users": "user_layers",
}
"""Findings a notebook shares with the recap: rule → the notebook that makes them."""

SETTLED = ".settled"
"""The run's data folder, read and settled once by the runner, in the run folder (removed before
the report is published): every notebook of the run loads it instead of settling the folder, and
only the tables it uses (:class:`jdpromo.ingest.SettledTables`)."""


def _settled_key(folder: Path, params: ShopParams) -> list:
    limits = repr(params.limits)  # a frozen dataclass: its repr names every bound
    return [str(folder.resolve()), params.attribution_days, params.attribution_basis, limits]


def share_settled(output_dir: Path, dataset: ingest.Dataset, params: ShopParams) -> Path:
    """Write ``dataset`` (as settled for ``params``) where the run's notebooks will find it: each
    table in a file of its own, with the facts :func:`open_report` needs of every table (rows,
    days covered, attribution windows) so that a notebook reads only the tables it uses."""
    folder = Path(output_dir) / SETTLED
    folder.mkdir(exist_ok=True)
    facts: dict[str, dict] = {}
    for name, frame in dataset.tables.items():
        ingest.write_columns(frame, folder / f"{name}.pickle")
        facts[name] = {"rows": len(frame)}
        if len(frame) and TABLES[name].dated:
            facts[name]["span"] = health.table_span(frame)
            facts[name]["spans"] = health.table_spans(frame)
        if name in health.AD_TABLES:
            facts[name]["windows"] = health.table_windows(frame)
    skeleton = dataclasses.replace(dataset, tables={})
    with open(folder / "dataset.pickle", "wb") as fh:
        key = _settled_key(dataset.folder, params)
        pickle.dump({"key": key, "dataset": skeleton, "facts": facts}, fh, protocol=5)
    return folder


def _load_settled(output_dir, folder: Path, params: ShopParams) -> ingest.Dataset | None:
    """The runner's settled dataset for this folder and window, or ``None`` (then read it)."""
    if output_dir is None:
        return None
    settled = Path(output_dir) / SETTLED
    try:
        with open(settled / "dataset.pickle", "rb") as fh:
            shared = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None
    if shared.get("key") != _settled_key(folder, params):
        return None
    tables = ingest.SettledTables(settled, shared["facts"])
    return dataclasses.replace(shared["dataset"], tables=tables)


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
    new_page()
    root = project_root()
    run = validate_run(
        shop=shop, period=period, lang=lang, data_dir=data_dir, params_file=params_file
    )
    params = load_shop_params(run.shop, run.params_file, root)
    resolved = parse_period(run.period, params.promotions)
    folder = Path(run.data_dir) if run.data_dir else root / "data" / run.shop
    dataset = _load_settled(output_dir, folder, params) or ingest.load_folder(
        folder,
        attribution_days=params.attribution_days,
        attribution_basis=params.attribution_basis,
        limits=params.limits,
    )
    window = health.dominant_window(dataset, (params.attribution_days, params.attribution_basis))
    data_start, data_end = health.data_span(dataset)
    stated, as_of_source = data_as_of(dataset, data_end)
    # With no dated data at all, "orders still accruing" is judged as of today (the period is
    # partial for coverage anyway); the page says there is no data, not today's date.
    as_of = stated or today_shanghai()
    partial = partial_reasons(
        resolved.current,
        data_start=data_start,
        data_end=data_end,
        as_of=as_of,
        attribution_days=window[0],
    )
    tables_dir = Path(output_dir) / "tables" if output_dir else None
    shared_dir = Path(output_dir) / SHARED if output_dir else None
    promo = promotion_context(
        resolved.current, params.promotions, attribution_days=window[0], as_of=as_of, lang=run.lang
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
        as_of_source=as_of_source,
        shared_dir=shared_dir,
    )
