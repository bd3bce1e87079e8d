"""Vectorised cleaning of one part of an export into a canonical table.

Part of :mod:`jdpromo.ingest`.

Every step works on whole pyarrow columns: rows are classified (empty, total, repeated header)
from the first non-empty cell of each row, then each recognised column is converted by its kind
with a fast path (a plain cast) and a cleaning path (thousands separators, ``¥``, ``%`` …). A bad
cell is located only after a column failed to convert, and the first bad cell of the part (by
row, then column) is reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jdpromo.contract import EARLIEST_DATE, EMPTY_MARKERS, TABLES, TOTAL_MARKERS, Table
from jdpromo.errors import InputError
from jdpromo.ingest_formats import Grid
from jdpromo.ingest_headers import TitleInfo, parse_attribution, parse_title

_EMPTY = pa.array(sorted(set(EMPTY_MARKERS)), pa.string())
_TOTAL = "^(?:" + "|".join(re.escape(m) for m in TOTAL_MARKERS) + ")"
_JUNK = r"[,，\s\x{00a0}\x{3000}¥￥元]"
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_DATETIME = (
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{1,2})(?::(?P<S>\d{1,2})(?:\.\d+)?)?)?$"
)
_PERIOD = r"^(?P<a>.+?)\s*(?:~|～|至|到|--|—+)\s*(?P<b>.+)$"
_SCI = r"^[+-]?\d+(?:\.\d+)?[eE]\+?\d+$"
# A comma in a number must separate thousands (1,234 or 1,234,567.5); 12,34 is ambiguous.
_COMMA = "[,，]"
_THOUSANDS = r"^[+-]?[¥￥]?\s*\d{1,3}(?:[,，]\d{3})+(?:\.\d*)?\s*(?:元|%)?$"
MAX_NUMBER = 1e15
"""Counts and amounts above this are an error: no shop spends or sells 10^15 元 in a row."""
TOO_LARGE = f"the number is too large (above {MAX_NUMBER:.0e})"
_MASKED = "***"

REASON_EMPTY = "empty row"
REASON_TOTAL = "total row"
REASON_HEADER = "repeated header"
REASON_TITLE = "title line"

EXPECTED = {
    "count": "expected a count such as 1234 or 1,234",
    "money": "expected an amount in 元 such as 1234.50, 1,234.50 or ¥1,234.50",
    "rate": "expected a percentage such as 3.25% or a ratio such as 0.0325",
    "date": "expected a date such as 2026-10-13, 20261013 or 2026/10/13",
    "datetime": "expected a date and time such as 2026-10-13 14:05:09 or 2026/10/13 14:05",
    "period": "expected a period such as 2026-10-01~2026-10-31 (or 至 / -- between the dates)",
}

AD_TABLES = ("ad_daily", "keyword_daily")


def canonical_columns(name: str) -> dict[str, str]:
    """Columns of a canonical table as :func:`jdpromo.ingest.load_folder` returns it, with dtypes.

    Dated tables get ``period_start``/``period_end`` (both equal to ``date`` for daily rows) in
    place of ``period``; ad tables get ``attribution_days``/``attribution_basis``; every table
    ends with ``source_file`` and ``row`` (the Excel row number in that file).

    Dtypes: dates and times ``datetime64[ns]`` (Asia/Shanghai, naive); text and ids ``str``;
    counts, money (元) and rates (ratio, 0.0325 for 3.25%) ``float64`` with NaN for empty;
    ``source_file`` and ``attribution_basis`` (a few values repeated on every row)
    ``category``.
    """
    table = TABLES[name]
    kinds = {"date": "datetime64[ns]", "datetime": "datetime64[ns]", "text": "str", "id": "str"}
    out: dict[str, str] = {}
    if table.dated:
        out.update(
            {
                "date": kinds["date"],
                "period_start": "datetime64[ns]",
                "period_end": "datetime64[ns]",
            }
        )
    for col in table.columns:
        if col.name in ("date", "period"):
            continue
        out[col.name] = kinds.get(col.kind, "float64")
    if name in AD_TABLES:
        out["attribution_days"] = "Int64"
        out["attribution_basis"] = "category"
    out["source_file"] = "category"
    out["row"] = "int64"
    return out


class _Bad(NamedTuple):
    pos: int
    message: str


@dataclass
class Part:
    """One grid converted: the canonical arrow table (plus ``part`` and ``row``) and its counts."""

    name: str
    table: pa.Table
    rows_read: int
    reasons: dict[str, int]
    warnings: list[str]
    title: TitleInfo
    attribution: tuple[int, str | None] | None
    columns: list[str] = field(default_factory=list)
    latest: dict | None = None
    """The latest date of the part: ``{"date", "row", "column"}`` (first row holding it)."""


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _first(mask: pa.Array | pa.ChunkedArray) -> int | None:
    idx = pc.index(pc.fill_null(mask, False), True).as_py()
    return None if idx is None or idx < 0 else idx


def _null_markers(a: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Empty cells and ``-``, ``--``, ``—`` … (contract.EMPTY_MARKERS) become null."""
    marked = pc.is_in(a, value_set=_EMPTY)
    if not pc.any(marked).as_py():
        return a
    return pc.if_else(marked, pa.scalar(None, pa.string()), a)


def _trim(a: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.utf8_trim_whitespace(a)


# --------------------------------------------------------------------------------------------
# Kinds


def to_number(a: pa.Array | pa.ChunkedArray, kind: str) -> tuple[pa.Array | None, _Bad | None]:
    """Convert text to float64 (count, money in 元, or rate as a ratio).

    ``1,234`` ``¥1,234.50`` ``￥`` ``元`` and spaces are removed; for rates ``3.25%`` → 0.0325
    and a bare number must already be a ratio in [0, 1]. Empty markers become null. Negative
    values are refused: JD exports no negative spend, count or amount.
    """
    pct = None
    if a.type == pa.float64():  # converted by the CSV reader (empty markers already null)
        x = a
    else:
        x = None
    try:
        if x is None:
            x = pc.cast(a, pa.float64())
        total = pc.sum(x).as_py()  # NaN or inf when any value is ("nan" is an empty marker)
        if (x.null_count and a.type != pa.float64()) or (
            total is not None and not np.isfinite(total)
        ):
            raise pa.ArrowInvalid("not finite")
    except pa.ArrowInvalid:
        if a.type == pa.float64():  # read as numbers by the CSV reader: one is not finite
            pos = _first(pc.invert(pc.is_finite(a)))
            return None, _Bad(pos, TOO_LARGE if pos is not None else EXPECTED[kind])
        a = _null_markers(_trim(a))
        comma = pc.match_substring_regex(a, _COMMA)
        if pc.any(comma).as_py():
            pos = _first(pc.and_(comma, pc.invert(pc.match_substring_regex(a, _THOUSANDS))))
            if pos is not None:
                return None, _Bad(
                    pos,
                    "ambiguous number: the comma does not separate thousands (12,34 could be "
                    f"12.34 or 1234); {EXPECTED[kind]}",
                )
        c = pc.replace_substring_regex(a, _JUNK, "")
        if kind == "rate":
            pct = pc.ends_with(c, "%")
            c = pc.replace_substring_regex(c, "%$", "")
        try:
            x = pc.cast(c, pa.float64())
        except pa.ArrowInvalid:
            pos = _first(pc.invert(pc.match_substring_regex(c, _NUMBER)))
            if pos is not None:
                return None, _Bad(pos, EXPECTED[kind])
            # The cast refused something the pattern accepts: a number out of float range.
            values = c.to_pylist()
            pos = next(i for i, v in enumerate(values) if v is not None and not _finite(v))
            return None, _Bad(pos, TOO_LARGE if _floats(values[pos]) else EXPECTED[kind])
        pos = _first(pc.invert(pc.is_finite(x)))
        if pos is not None:
            number = pc.match_substring_regex(c, _NUMBER)[pos].as_py()
            return None, _Bad(pos, TOO_LARGE if number else EXPECTED[kind])
    high = pc.max(pc.abs(x)).as_py()
    if high is not None and high > MAX_NUMBER:
        return None, _Bad(_first(pc.greater(pc.abs(x), MAX_NUMBER)), TOO_LARGE)
    low = pc.min(x).as_py()
    pos = _first(pc.less(x, 0)) if low is not None and low < 0 else None
    if pos is not None:
        what = "an amount" if kind == "money" else "a count" if kind == "count" else "a rate"
        return None, _Bad(pos, f"expected {what} of 0 or more: JD exports never hold negatives")
    if kind == "rate":
        if pct is not None:
            over = pc.and_(pc.invert(pct), pc.greater(x, 1))
            x = pc.if_else(pct, pc.divide(x, 100.0), x)
        else:
            over = pc.greater(x, 1)
        pos = _first(over)
        if pos is not None:
            return None, _Bad(pos, EXPECTED["rate"] + " (a bare number above 1 is ambiguous)")
    return x, None


def _finite(v: str) -> bool:
    try:
        return bool(np.isfinite(float(v)))
    except ValueError:
        return False


def _floats(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def _parse_ts(a: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Parse unique date/time strings (nulls allowed); return timestamps[ns] and a bad mask."""
    s = pc.replace_substring_regex(a, r"^(\d{4})(\d{2})(\d{2})", r"\1-\2-\3")
    ex = pc.extract_regex(s, _DATETIME)

    def part(name: str, default: str) -> pa.Array:
        f = pc.struct_field(ex, name)
        f = pc.if_else(pc.equal(f, ""), default, f)
        return pc.utf8_lpad(f, 2, "0")

    iso = pc.binary_join_element_wise(
        pc.struct_field(ex, "y"),
        part("m", "01"),
        part("d", "01"),
        part("H", "00"),
        part("M", "00"),
        part("S", "00"),
        "-",
    )
    ser = pd.to_datetime(iso.to_pandas(), format="%Y-%m-%d-%H-%M-%S", errors="coerce").astype(
        "datetime64[ns]"
    )
    ts = pa.Array.from_pandas(ser, type=pa.timestamp("ns"))
    bad = _np(pc.and_(pc.is_valid(a), pc.is_null(ts)))
    return ts, bad


def _dictionary(a: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Distinct values (trimmed, empty markers as null) and each row's index into them."""
    arr = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
    d = pc.dictionary_encode(arr)
    uniq = _null_markers(_trim(d.dictionary))
    return uniq, np.asarray(pc.fill_null(d.indices, -1).to_numpy(zero_copy_only=False))


def _first_of(indices: np.ndarray, bad_unique: np.ndarray) -> int | None:
    if not bad_unique.any():
        return None
    hit = np.isin(indices, np.flatnonzero(bad_unique))
    return int(np.argmax(hit)) if hit.any() else None


def _take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    idx = pa.array(indices, mask=indices < 0)
    return pc.take(values, idx)


def to_datetime(
    a: pa.Array | pa.ChunkedArray | None,
    kind: str,
    codes: tuple[pa.Array, np.ndarray] | None = None,
) -> tuple[pa.Array | None, _Bad | None]:
    """Convert ``20261013`` ``2026-10-13`` ``2026/10/13`` ``2026-10-13 14:05:09`` … to timestamps.

    Parsing is done once per distinct value (``codes``: distinct trimmed values and each row's
    index, when already known). For ``date`` columns the time of day is dropped.
    """
    if codes is not None:
        uniq, idx = _null_markers(codes[0]), codes[1]
    else:
        uniq, idx = _dictionary(a)
    ts, bad = _parse_ts(uniq)
    pos = _first_of(idx, bad)
    if pos is not None:
        return None, _Bad(pos, EXPECTED[kind])
    if kind == "date":
        ts = pc.floor_temporal(ts, unit="day")
    return _take(ts, idx), None


def to_period(
    a: pa.Array | pa.ChunkedArray | None, codes: tuple[pa.Array, np.ndarray] | None = None
) -> tuple[tuple[pa.Array, pa.Array] | None, _Bad | None]:
    """Split ``2026-10-01~2026-10-31`` (also ``至``, ``--``) into first and last day (inclusive)."""
    if codes is not None:
        uniq, idx = _null_markers(codes[0]), codes[1]
    else:
        uniq, idx = _dictionary(a)
    ex = pc.extract_regex(uniq, _PERIOD)
    ok = pc.is_valid(ex)
    start_s = pc.if_else(ok, pc.struct_field(ex, "a"), uniq)
    end_s = pc.if_else(ok, pc.struct_field(ex, "b"), uniq)
    start, bad_a = _parse_ts(start_s)
    end, bad_b = _parse_ts(end_s)
    start = pc.floor_temporal(start, unit="day")
    end = pc.floor_temporal(end, unit="day")
    bad = bad_a | bad_b | _np(pc.less(end, start))
    pos = _first_of(idx, bad)
    if pos is not None:
        return None, _Bad(pos, EXPECTED["period"])
    return (_take(start, idx), _take(end, idx)), None


def _expand_sci(value: str) -> str | None:
    """Expand ``1.2345678901E+13`` to ``12345678901000`` when no digit can have been lost.

    Excel shows long numbers with at most 6 significant digits (``1.23457E+13``): such a value
    lost digits. A mantissa with 7 or more significant digits that yields a whole number is
    taken as exact.
    """
    m = re.match(r"^[+-]?(\d+)(?:\.(\d+))?[eE]\+?(\d+)$", value)
    if not m:
        return None
    whole, frac, exp = m.group(1), m.group(2) or "", int(m.group(3))
    significant = (whole + frac).lstrip("0")
    if len(significant) < 7 or exp < len(frac):
        return None
    try:
        return str(int(Decimal(value)))
    except (InvalidOperation, ValueError):
        return None


def to_id(a: pa.Array | pa.ChunkedArray) -> tuple[pa.Array | None, _Bad | None, int]:
    """Keep an identifier as text; unwrap ``="00123"``; expand exact scientific notation.

    Returns the ids, a bad cell (an id whose digits Excel lost) and how many ids were expanded.
    """
    a = _null_markers(a)
    if pc.any(pc.or_(pc.starts_with(a, "="), pc.starts_with(a, "'"))).as_py():
        a = pc.replace_substring_regex(a, r"""^="(.*)"$|^=(.*)$|^'(.*)$""", r"\1\2\3")
    sci = pc.match_substring_regex(a, _SCI)
    if not pc.any(sci).as_py():
        return a, None, 0
    mask = _np(sci)
    positions = np.flatnonzero(mask)
    values = a.take(pa.array(positions)).to_pylist()
    expanded = {v: _expand_sci(v) for v in set(values)}
    for pos, v in zip(positions, values, strict=True):
        if expanded[v] is None:
            return (
                None,
                _Bad(
                    int(pos),
                    "the ID was turned into scientific notation by Excel and its last digits were "
                    "lost (precision lost); expected the full ID — re-export the file from JD, or "
                    "format the column as text (文本) before saving it in Excel",
                ),
                0,
            )
    arr = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
    new = pc.replace_with_mask(arr, pa.array(mask), pa.array([expanded[v] for v in values]))
    return new, None, len(positions)


# --------------------------------------------------------------------------------------------
# Rows


def _codes(col: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Distinct values of a text column (trimmed) and each row's index into them."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    d = pc.dictionary_encode(arr)
    idx = np.asarray(pc.fill_null(d.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return _trim(d.dictionary), idx


def classify(columns: list, header: list[str]) -> tuple[np.ndarray, tuple[pa.Array, np.ndarray]]:
    """Reason code per row: 0 data, 1 empty, 2 total row, 3 repeated header, 4 title line.

    The first non-empty cell of each row is found column by column, each column looked at only
    for the rows still empty so far; the first column is judged once per distinct value. Also
    returns the distinct values and codes of the first column, for reuse.
    """
    n = len(columns[0]) if columns else 0
    reason = np.zeros(n, dtype=np.int8)
    stripped = [h.strip() for h in header]
    j0 = next((j for j, h in enumerate(stripped) if h), None)
    codes0: tuple[pa.Array, np.ndarray] = (pa.array([], pa.string()), np.zeros(0, np.int64))
    header_like = None
    remaining = np.arange(n)
    for j, col in enumerate(columns):
        if not len(remaining):
            break
        if col.type != pa.string():  # read as numbers: empty means null, never a total
            nonempty = _np(pc.is_valid(col if j == 0 else col.take(pa.array(remaining))))
        elif j == 0:
            uniq, idx = codes0 = _codes(col)
            nonempty_u = ~_np(pc.is_in(uniq, value_set=_EMPTY))
            total_u = _np(pc.match_substring_regex(uniq, _TOTAL)) & nonempty_u
            nonempty = nonempty_u[idx]
            reason[total_u[idx]] = 2
            if j0 == 0:
                header_like = _np(pc.equal(uniq, stripped[0]))[idx]
        else:
            sub = _trim(col.take(pa.array(remaining)))
            nonempty = ~_np(pc.is_in(sub, value_set=_EMPTY))
            if nonempty.any():
                total = _np(pc.match_substring_regex(sub.filter(pa.array(nonempty)), _TOTAL))
                reason[remaining[nonempty][total]] = 2
        remaining = remaining[~nonempty]
    reason[remaining] = 1
    if j0 is not None and n:
        if header_like is None:
            if columns[j0].type == pa.string():
                header_like = _np(pc.equal(_trim(columns[j0]), stripped[j0]))
            else:
                header_like = np.zeros(n, dtype=bool)
        cand = np.flatnonzero(header_like & (reason == 0))
        if len(cand):
            take = pa.array(cand)
            same = np.ones(len(cand), dtype=bool)
            for j, h in enumerate(stripped):
                if columns[j].type != pa.string():
                    same[:] = False
                    break
                same &= _np(pc.equal(_trim(columns[j].take(take)), h))
            reason[cand[same]] = 3
    # Title lines of a concatenated export sit just above its repeated header: a row whose only
    # non-empty cell is the first one (blank rows in between allowed).
    for h in np.flatnonzero(reason == 3):
        i = int(h) - 1
        while i >= 0 and reason[i] in (0, 1):
            if reason[i] == 0:
                if not _only_first_cell(columns, i):
                    break
                reason[i] = 4
            i -= 1
    return reason, codes0


def _only_first_cell(columns: list, i: int) -> bool:
    for j, col in enumerate(columns):
        value = col[i].as_py()
        filled = value is not None and str(value).strip() not in EMPTY_MARKERS
        if filled != (j == 0):
            return False
    return True


def _alias0(table: Table, name: str) -> str:
    col = table.column(name)
    return col.aliases[0] if col.aliases else name


def _expect(table: Table, name: str) -> str:
    return ", ".join(table.column(name).aliases)


def convert(grid: Grid) -> Part:
    """Convert one grid into its canonical arrow table.

    Raises
    ------
    InputError
        ``file`` holds the grid's part suffix; ``row`` is the Excel row; ``column`` the header as
        in the file.
    """
    match = grid.match
    table = match.table
    name = table.name
    title = parse_title(grid.above)
    header = grid.header
    present = set(match.columns.values())
    where = {"file": grid.part, "row": grid.header_row}

    for col in table.required:
        if col not in present:
            raise InputError(
                f"missing the {_alias0(table, col)} column ({table.source_zh}); expected a "
                f"column named one of: {_expect(table, col)}",
                column=_alias0(table, col),
                **where,
            )
    for group in table.one_of:
        if group == ("date", "period"):
            continue
        if not any(g in present for g in group):
            names = " or ".join(_alias0(table, g) for g in group)
            raise InputError(f"missing a column: expected {names}", column=names, **where)
    if table.dated and not ({"date", "period"} & present) and title.period is None:
        raise InputError(
            "missing the date: expected a 日期 column (or 统计周期 such as 2026-10-01~2026-10-31, "
            "or the period in a title line above the header)",
            column="日期",
            **where,
        )
    if name == "ad_daily" and "product_line" not in present and title.product_line is None:
        raise InputError(
            "no product line: expected a 推广产品 column, or a title line naming the product line "
            "(e.g. 京东快车, 京东展位, 海投, 购物触点) above the header",
            column="推广产品",
            **where,
        )

    warnings = list(grid.warnings)
    columns = grid.columns
    n_read = len(grid.rows)
    reason, codes0 = classify(columns, header)
    for pos in grid.skipped:
        reason[pos] = 5
    reasons = {
        label: int((reason == code).sum())
        for code, label in (
            (2, REASON_TOTAL),
            (3, REASON_HEADER),
            (4, REASON_TITLE),
            (1, REASON_EMPTY),
        )
        if (reason == code).any()
    }
    for label in grid.skipped.values():
        reasons[label] = reasons.get(label, 0) + 1
    used = np.flatnonzero(reason == 0)
    contiguous = len(used) == 0 or used[-1] - used[0] + 1 == len(used)
    take = None if contiguous else pa.array(used)
    first_used = int(used[0]) if len(used) else 0

    def raw(pos: int) -> pa.Array | pa.ChunkedArray:
        col = columns[pos]
        if take is not None:
            return col.take(take)
        if len(used) == len(col):
            return col
        return col.slice(first_used, len(used))

    def cells(pos: int) -> pa.Array | pa.ChunkedArray:
        return _trim(raw(pos))

    def codes(pos: int) -> tuple[pa.Array, np.ndarray] | None:
        if pos != 0 or not len(columns):
            return None
        idx = codes0[1]
        if take is not None:
            idx = idx[used]
        elif len(used) != len(idx):
            idx = idx[first_used : first_used + len(used)]
        return codes0[0], idx

    bads: list[tuple[int, int, str, str]] = []  # (row position, column position, message, header)
    if grid.ragged:
        hit = np.isin(used, np.fromiter(grid.ragged, dtype=np.int64))
        if hit.any():
            i = int(np.argmax(hit))
            bads.append(
                (
                    i,
                    -1,
                    f"the row has {grid.ragged[int(used[i])]} fields but the header (row "
                    f"{grid.header_row}) has {len(header)}: expected one value per header column "
                    "(a value containing the delimiter must be quoted)",
                    "",
                )
            )

    out: dict[str, pa.Array | pa.ChunkedArray] = {}
    expanded_ids: list[str] = []
    for pos, col in sorted(match.columns.items()):
        kind = table.column(col).kind
        bad = None
        if kind in ("count", "money", "rate"):
            value, bad = to_number(raw(pos), kind)
        elif kind in ("date", "datetime"):
            c = codes(pos)
            value, bad = to_datetime(None if c else raw(pos), kind, c)
        elif kind == "period":
            c = codes(pos)
            value, bad = to_period(None if c else raw(pos), c)
        elif kind == "id":
            value, bad, n_sci = to_id(cells(pos))
            if n_sci:
                expanded_ids.append(f"{n_sci} in {header[pos]!r}")
        else:
            value = _null_markers(cells(pos))
        if bad is not None:
            bads.append((bad.pos, pos, bad.message, header[pos]))
        else:
            out[col] = value

    # Values every row must have.
    def need(col: str, message: str) -> None:
        if col in out:
            p = _first(pc.is_null(out[col]))
            if p is not None:
                pos = next(k for k, v in match.columns.items() if v == col)
                bads.append((p, pos, message, header[pos]))

    if name == "orders":
        need("order_id", "expected an order number (订单号) in every row")
    if table.dated and "date" in out and "period" not in present:
        need("date", EXPECTED["date"] + " in every row")
    if name == "ad_daily" and "product_line" in out and title.product_line is None:
        need("product_line", "expected the product line (e.g. 快车) in every row")

    attribution: tuple[int, str | None] | None = None
    if match.attribution is not None:
        uniq, idx = _dictionary(raw(match.attribution))
        parsed = [parse_attribution(v, value=True) for v in uniq.to_pylist()]
        bad_u = np.array([p is None for p in parsed], dtype=bool)
        p = _first_of(idx, bad_u)
        if p is not None:
            bads.append(
                (
                    p,
                    match.attribution,
                    "expected an attribution window such as 当天, 7天 or 15天（点击）",
                    header[match.attribution],
                )
            )
        else:
            stated = {parsed[k] for k in np.unique(idx[idx >= 0])}
            if len(stated) > 1:
                labels = ", ".join(sorted(f"{d}天" + (f"({b})" if b else "") for d, b in stated))
                first_other = int(np.argmax(idx != idx[0]))
                bads.append(
                    (
                        first_other,
                        match.attribution,
                        f"the file mixes attribution windows ({labels}); expected one 转化周期 per "
                        "file — export each window separately",
                        header[match.attribution],
                    )
                )
            elif stated:
                attribution = stated.pop()

    if bads:
        pos, colpos, message, head = min(bads, key=lambda b: (b[0], b[1]))
        rownum = int(grid.rows[used[pos]])
        if colpos >= 0:
            raw = str(columns[colpos][int(used[pos])].as_py()).strip()
            found = repr(raw)
            if len(raw) > 60:
                found = f"{raw[:40]!r}…{raw[-10:]!r} ({len(raw):,} characters)"
            message = f"{message}, found {found}"
        raise InputError(message, file=grid.part, row=rownum, column=head or None)

    n = len(used)
    latest = _plausible_dates(out, match, header, grid, used, title, warnings)
    for pos, col in sorted(match.columns.items()):
        if table.column(col).kind == "count" and col in out:
            whole = pc.equal(pc.floor(out[col]), out[col])
            frac = _first(pc.invert(whole))
            if frac is not None:
                many = int(pc.sum(pc.invert(pc.fill_null(whole, True))).as_py())
                warnings.append(
                    f"row {int(grid.rows[used[frac]])}, column {header[pos]!r}: "
                    f"{out[col][frac].as_py():g} is not a whole number ({many} such row(s)); "
                    "a count such as clicks or orders is whole — check the export"
                )
    # Derived columns.
    for total, direct, indirect, label in (
        ("order_lines", "direct_order_lines", "indirect_order_lines", "总订单行"),
        ("revenue", "direct_revenue", "indirect_revenue", "总订单金额"),
    ):
        if name in AD_TABLES and total not in out and direct in out:
            if indirect in out:
                out[total] = pc.add(out[direct], out[indirect])
                warnings.append(f"{label} computed as 直接 + 间接 (the file has no {label} column)")
            else:
                warnings.append(
                    f"no {label} and no 间接 column: the total ({total}) is unknown, only the "
                    "直接 figure is available"
                )
    if name == "ad_daily" and title.product_line is not None:
        if "product_line" in out:
            out["product_line"] = pc.fill_null(out["product_line"], title.product_line)
        else:
            out["product_line"] = pa.repeat(pa.scalar(title.product_line, pa.string()), n)
    if attribution is None and title.attribution_days is not None:
        attribution = (title.attribution_days, title.attribution_basis)
    elif attribution is not None and title.attribution_days is not None:
        if (title.attribution_days, title.attribution_basis) != attribution:
            warnings.append(
                "the title and the 转化周期 column state different windows: the column is used"
            )
    if attribution is not None and name in AD_TABLES:
        out["attribution_days"] = pa.repeat(pa.scalar(attribution[0], pa.int64()), n)
        out["attribution_basis"] = pa.repeat(pa.scalar(attribution[1], pa.string()), n)
    if table.dated:
        if "period" in out:
            start, end = out.pop("period")
            if "date" in out:
                start = pc.coalesce(out["date"], start)
                end = pc.coalesce(out["date"], end)
        elif "date" in out:
            start = end = out["date"]
        else:
            assert title.period is not None
            first, last = (dt.datetime.combine(d, dt.time()) for d in title.period)
            start = pa.repeat(pa.scalar(first, pa.timestamp("ns")), n)
            end = pa.repeat(pa.scalar(last, pa.timestamp("ns")), n)
        out["period_start"] = start
        out["period_end"] = end

    if name == "orders" and "customer_id" in out:
        masked = int(pc.sum(pc.match_substring(out["customer_id"], _MASKED)).as_py() or 0)
        if masked:
            warnings.append(
                f"{masked} of {n} rows have a masked buyer account (e.g. jd_****): customer-level "
                "results (repurchase, RFM, user layers) are unreliable for this file"
            )
    if expanded_ids:
        warnings.append(
            "IDs in scientific notation were expanded to full digits ("
            + "; ".join(expanded_ids)
            + "); check a few against JD's back office"
        )
    if match.unknown:
        names = ", ".join(repr(header[p]) for p in match.unknown)
        warnings.append(f"columns not in the data contract were ignored: {names}")
    for p in match.duplicates:
        warnings.append(f"column {header[p]!r} repeats a column read earlier: ignored")
    blank = [
        p
        for p in range(len(header))
        if not header[p] and p not in match.columns and len(columns[p])
    ]
    for p in blank:
        if pc.any(pc.invert(pc.is_in(cells(p), value_set=_EMPTY))).as_py():
            warnings.append(f"column {p + 1} has values but no header: ignored")
    if n_read == 0:
        warnings.append(f"no data rows below the header (row {grid.header_row})")

    order = [c for c in canonical_columns(name) if c in out]
    arrays = [out[c] for c in order]
    arrays.append(pa.repeat(pa.scalar(grid.part, pa.string()), n))
    arrays.append(pa.array(grid.rows[used], pa.int64()))
    result = pa.table(
        [a if isinstance(a, pa.ChunkedArray) else pa.chunked_array([a]) for a in arrays],
        names=[*order, "part", "row"],
    )
    return Part(
        name=name,
        table=result,
        rows_read=n_read,
        reasons=reasons,
        warnings=warnings,
        title=title,
        attribution=attribution,
        columns=order,
        latest=latest,
    )


def _plausible_dates(
    out: dict,
    match,
    header: list[str],
    grid: Grid,
    used: np.ndarray,
    title: TitleInfo,
    warnings: list[str],
) -> dict | None:
    """Warn about dates before :data:`~jdpromo.contract.EARLIEST_DATE` or after the export time
    stated in the title (naming row and column); return the latest date and where it is."""
    earliest = pa.scalar(dt.datetime.fromisoformat(EARLIEST_DATE), pa.timestamp("ns"))
    latest: dict | None = None
    for pos, col in sorted(match.columns.items()):
        kind = match.table.column(col).kind
        if kind not in ("date", "datetime", "period") or col not in out:
            continue
        first, last = out[col] if kind == "period" else (out[col], out[col])
        checks = [(first, pc.less(first, earliest), f"before {EARLIEST_DATE}")]
        if title.export_time is not None:
            stamp = title.export_time
            if kind != "datetime":  # a day is covered once the export is made on or after it
                stamp = dt.datetime.combine(stamp.date(), dt.time())
            after = pc.greater(last, pa.scalar(stamp, pa.timestamp("ns")))
            checks.append((last, after, f"after the export time ({title.export_time})"))
        for values, mask, what in checks:
            i = _first(mask)
            if i is not None:
                n_bad = int(pc.sum(pc.fill_null(mask, False)).as_py())
                day = values[i].as_py()
                warnings.append(
                    f"row {int(grid.rows[used[i]])}, column {header[pos]!r}: {day:%Y-%m-%d} is "
                    f"{what} ({n_bad} such row(s)); check the dates of this file"
                )
        top = pc.max(last).as_py()
        if top is not None and (latest is None or top.date().isoformat() > latest["date"]):
            i = _first(pc.equal(last, pa.scalar(top, pa.timestamp("ns"))))
            latest = {
                "date": top.date().isoformat(),
                "row": int(grid.rows[used[i]]),
                "column": header[pos],
            }
    return latest
