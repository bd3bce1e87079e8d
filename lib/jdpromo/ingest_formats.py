"""Raw cells of an export file (part of :mod:`jdpromo.ingest`).

Turns the bytes of a file into one :class:`Grid` per part: the rows above the header (title
lines), the header, and one string column per header cell. The format is found from the bytes,
never from the file name: ``PK`` is a ZIP (an .xlsx workbook, or a "CSV" download that is really
several CSV parts), ``D0 CF 11 E0`` an old binary .xls, anything else text (UTF-8 with or without
BOM, UTF-16 with BOM, else GB18030/GBK), with the delimiter sniffed from the header line.

Errors are raised as :class:`~jdpromo.errors.InputError` whose ``file`` holds the *part suffix*
(``""`` or ``"!part2.csv"``); :mod:`jdpromo.ingest` prefixes the file path.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from jdpromo.contract import EMPTY_MARKERS
from jdpromo.errors import InputError, UnknownExportError
from jdpromo.ingest_headers import HeaderMatch, match_header

HEADER_SEARCH_ROWS = 30
"""The header is looked for among this many rows at the top of each part."""

DELIMITERS = (",", "\t", ";", "|")
_EOL = re.compile(rb"\r\n|\n|\r")
_HEAD_BYTES = 1 << 16


@dataclass
class Grid:
    """The cells of one part of an export, all as text.

    Attributes
    ----------
    part
        ``""`` for a plain file, ``"!part2.csv"`` for a ZIP member, ``"!Sheet2"`` for a sheet.
    above
        Rows above the header (title lines), as cells.
    header
        Header cells as in the file.
    header_row
        1-based row of the header as Excel shows it.
    match
        How the header maps onto a canonical table.
    columns
        One string array per header cell, one value per data row (``""`` for an empty cell).
    rows
        Excel row number of each data row.
    ragged
        Data row position → number of fields, for rows whose field count differs from the header
        and that hold values.
    warnings
        Things worth telling the user about this part.
    typed
        Whether some count/money columns were converted to float64 by the CSV reader itself
        (their text looked plain in a sample); the others are text.
    """

    part: str
    above: list[list[str]]
    header: list[str]
    header_row: int
    match: HeaderMatch
    columns: list[pa.ChunkedArray | pa.Array]
    rows: np.ndarray
    ragged: dict[int, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    typed: bool = False


def _natural_key(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def read_grids(data: bytes, *, typed: bool = True) -> list[Grid]:
    """Split the bytes of an export into grids (one per ZIP member / sheet, else one).

    With ``typed``, count and money columns of CSV text whose sampled values are plain numbers
    are converted by pyarrow's reader directly (faster than text then cast); if any value in
    them is not plain, the file is read again all as text.

    Raises
    ------
    UnknownExportError
        The file is empty or holds no recognisable JD export.
    InputError
        The file is recognised but cannot be read as it is.
    """
    if not data[:4096].strip() and not data.strip():
        raise UnknownExportError(
            "the file is empty: expected a JD export with a header row", file=""
        )
    if data[:2] == b"PK":
        return _read_zip(data)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return _read_xls(data, "")
    return [_read_text(data, "", typed)]


# --------------------------------------------------------------------------------------------
# ZIP: an .xlsx workbook or several CSV parts


def _read_zip(data: bytes) -> list[Grid]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"the file starts like a ZIP archive but cannot be opened ({exc}); "
            "expected a complete .xlsx or ZIP download — download it again",
            file="",
        ) from exc
    if "xl/workbook.xml" in names:
        return _read_xlsx(data, "")
    members = [
        n
        for n in names
        if not n.endswith("/")
        and not n.startswith("__MACOSX/")
        and not n.rsplit("/", 1)[-1].startswith(".")
    ]
    members.sort(key=_natural_key)
    if not members:
        raise UnknownExportError("the ZIP archive holds no files: expected CSV parts", file="")
    grids: list[Grid] = []
    unknown: list[str] = []
    for name in members:
        part = "!" + name
        try:
            raw = zf.read(name)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise InputError(f"cannot extract this part of the ZIP ({exc})", file=part) from exc
        try:
            if not raw.strip():
                raise UnknownExportError("empty part", file=part)
            if raw[:2] == b"PK":
                grids.extend(_read_xlsx(raw, part))
            elif raw[:4] == b"\xd0\xcf\x11\xe0":
                grids.extend(_read_xls(raw, part))
            else:
                grids.append(_read_text(raw, part))
        except UnknownExportError:
            unknown.append(name)
    if not grids:
        raise UnknownExportError(
            f"none of the {len(members)} parts of the ZIP archive is a known JD export", file=""
        )
    for name in unknown:
        grids[0].warnings.append(f"ZIP part {name} is not a known JD export: ignored")
    return grids


# --------------------------------------------------------------------------------------------
# Text (CSV / TSV)


def _utf8(data: bytes) -> tuple[bytes, int, bool]:
    """Return ``(utf8_bytes, start, certain)``: the text starts at ``start`` (after a BOM);
    ``certain`` is False when only the head was checked to be UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data, 3, False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), 0, True
        except UnicodeDecodeError as exc:
            raise UnknownExportError(f"cannot decode the UTF-16 text ({exc})", file="") from exc
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:_HEAD_BYTES], final=False)
        return data, 0, False
    except UnicodeDecodeError:
        return _gb18030(data), 0, True


def _gb18030(data: bytes) -> bytes:
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[start:], "gb18030").encode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnknownExportError(
            "not a CSV/text export (the bytes are neither UTF-8 nor GB18030/GBK text), "
            "nor an Excel workbook or ZIP download",
            file="",
        ) from exc


def _find_header(rows: list[list[str]]) -> tuple[int, HeaderMatch] | None:
    """First row matching a table's signature; failing that, the first near match."""
    for partial in (False, True):
        for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
            match = match_header(cells, partial=partial)
            if match is not None:
                return i, match
    return None


def _no_header(rows: list[list[str]]) -> UnknownExportError:
    first = next((" | ".join(c for c in r if c) for r in rows if any(c for c in r)), "")
    return UnknownExportError(
        f"no header row of a known JD export among the first {HEADER_SEARCH_ROWS} rows "
        f"(first row: {first[:80]!r}); expected e.g. a 京准通 report "
        "(推广计划, 展现数, 点击数, 花费), "
        "a 京东商智 export or an order export (订单号, 下单帐号, 下单时间)",
        file="",
    )


def _read_text(data: bytes, part: str, typed: bool = False) -> Grid:
    buf, start, certain = _utf8(data)
    try:
        return _read_text_utf8(buf, start, part, typed)
    except _NotUtf8:
        if certain:
            raise UnknownExportError("the text is not valid UTF-8", file=part) from None
        return _read_text_utf8(_gb18030(data), 0, part, typed)


class _NotUtf8(Exception):
    pass


def _read_text_utf8(buf: bytes, start: int, part: str, typed: bool = False) -> Grid:
    # The first lines (start, end of text, start of next line), each tried with every delimiter.
    spans: list[tuple[int, int, int]] = []
    pos = start
    for m in _EOL.finditer(buf, start, min(len(buf), start + _HEAD_BYTES)):
        spans.append((pos, m.start(), m.end()))
        pos = m.end()
        if len(spans) >= HEADER_SEARCH_ROWS:
            break
    else:
        if pos < len(buf) <= start + _HEAD_BYTES:
            spans.append((pos, len(buf), len(buf)))
    try:
        lines = [buf[a:b].decode("utf-8") for a, b, _ in spans]
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    found: tuple[int, str, list[str], HeaderMatch] | None = None
    for partial in (False, True):
        for i, line in enumerate(lines[:HEADER_SEARCH_ROWS]):
            for delim in DELIMITERS:
                if delim not in line and delim != ",":
                    continue
                cells = next(csv.reader([line], delimiter=delim), [])
                match = match_header(cells, partial=partial)
                if match is not None and (found is None or len(cells) > len(found[2])):
                    found = (i, delim, cells, match)
            if found is not None:
                break
        if found is not None:
            break
    if found is None:
        raise _no_header([next(csv.reader([ln]), []) for ln in lines])
    index, delim, header, match = found
    header = [c.strip() for c in header]
    above = [next(csv.reader([ln], delimiter=delim), []) for ln in lines[:index]]
    body = memoryview(buf)[spans[index][2] :]
    quoted = buf.find(b'"', spans[index][2]) >= 0
    width = len(header)
    types = _plain_numeric(body, delim, match, width) if typed else set()
    try:
        columns, ragged = _parse_body(body, delim, width, quoted, types)
    except _Conversion:
        types = set()
        columns, ragged = _parse_body(body, delim, width, quoted, types)
    n = len(columns[0]) if columns else 0
    rows = np.arange(index + 2, index + 2 + n, dtype=np.int64)
    return Grid(part, above, header, index + 1, match, columns, rows, ragged, typed=bool(types))


_PLAIN = re.compile(r"-?\d+(?:\.\d+)?\Z")
_EMPTY_CELLS = frozenset(EMPTY_MARKERS)
_SAMPLE_ROWS = 200


def _plain_numeric(body: memoryview, delim: str, match: HeaderMatch, width: int) -> set[int]:
    """Positions of count/money columns whose values in the first rows are plain numbers."""
    wanted = {
        pos
        for pos, name in match.columns.items()
        if match.table.column(name).kind in ("count", "money")
    }
    if not wanted:
        return set()
    sample = bytes(body[:_HEAD_BYTES])
    lines = _EOL.split(sample)
    if len(body) > len(sample):
        lines = lines[:-1]
    for rec in csv.reader(
        [ln.decode("utf-8", "replace") for ln in lines[:_SAMPLE_ROWS]], delimiter=delim
    ):
        for pos in list(wanted):
            value = rec[pos] if pos < len(rec) else ""
            if value not in _EMPTY_CELLS and not _PLAIN.match(value):
                wanted.discard(pos)
        if not wanted:
            break
    return wanted


class _Conversion(Exception):
    """A column read as numbers holds something else: read the file again as text."""


def _read_csv(
    body: memoryview, delim: str, width: int, threads: bool, quoted: bool, types: set[int]
) -> tuple[pa.Table, list]:
    """pyarrow read of the data lines: text, or float64 for positions in ``types`` (with the
    empty markers as null); ``quoted``: a value may hold a line break (pyarrow's slower
    newline-aware mode)."""
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def on_invalid(row: object) -> str:
        invalid.append((row.number, row.text))  # type: ignore[attr-defined]
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(
                column_names=names, block_size=1 << 22, use_threads=threads
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                newlines_in_values=quoted,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    n: pa.float64() if i in types else pa.string() for i, n in enumerate(names)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=list(EMPTY_MARKERS),
            ),
        )
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower():
            raise _NotUtf8() from None
        if types and "conversion error" in str(exc).lower():
            raise _Conversion() from None
        raise _Unparsable() from None
    return table, invalid


class _Unparsable(Exception):
    pass


def _parse_body(
    body: memoryview, delim: str, width: int, quoted: bool = True, types: set[int] = frozenset()
) -> tuple[list, dict[int, int]]:
    """Parse the data lines with pyarrow, all as text.

    Rows whose number of fields differs from the header (a short 合计 row, a line of spaces,
    an unquoted delimiter inside a value) are set aside by pyarrow; they are put back at their
    place — known directly when they are the last lines of the file, else from a
    single-threaded pass that numbers them — padded to the header's width, and recorded in
    ``ragged`` when they hold values (such a row becomes an error unless it is skipped).
    """
    if len(body) == 0:
        return [pa.array([], pa.string()) for _ in range(width)], {}
    try:
        # Fast pass: no value may span lines. A quoted value holding a line break shows up as
        # a row with the wrong number of fields, and the file is read again allowing them.
        # (Its first line has an odd number of quotes and too few fields.)
        newlines = False
        try:
            table, invalid = _read_csv(body, delim, width, True, False, types)
        except _Unparsable:
            if not quoted:
                raise
            invalid = [(None, '"')]
        if quoted and any(text.count('"') % 2 for _, text in invalid):
            newlines = True
            table, invalid = _read_csv(body, delim, width, True, True, types)
        if not invalid:
            return [table.column(i) for i in range(width)], {}
        n = table.num_rows
        tail = [t.decode("utf-8", "replace") for t in _EOL.split(bytes(body[-_HEAD_BYTES:]))]
        if tail and tail[-1] == "":
            tail.pop()
        texts = [t for _, t in invalid]
        if len(tail) > len(texts) and sorted(tail[-len(texts) :]) == sorted(texts):
            positions = list(range(n, n + len(texts)))
            texts = tail[-len(texts) :]
        else:
            table, invalid = _read_csv(body, delim, width, False, newlines, types)
            n = table.num_rows
            if any(num is None for num, _ in invalid):
                raise _Unparsable()
            positions = [num - 1 for num, _ in invalid]
            texts = [t for _, t in invalid]
    except _Unparsable:
        if types:
            raise _Conversion() from None
        return _parse_body_slow(bytes(body), delim, width)
    total = n + len(texts)
    ragged: dict[int, int] = {}
    extra: list[list[str]] = []
    for pos, text in zip(positions, texts, strict=True):
        rec = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim), [])
        if len(rec) > width and not any(c.strip() for c in rec[width:]):
            rec = rec[:width]
        elif any(c.strip() for c in rec):
            ragged[pos] = len(rec)
        extra.append((rec + [""] * width)[:width])
    is_extra = np.zeros(total, dtype=bool)
    is_extra[positions] = True
    order = np.empty(total, dtype=np.int64)
    order[~is_extra] = np.arange(n)
    order[positions] = np.arange(n, total)
    take = None if positions == list(range(n, total)) else pa.array(order)
    columns = []
    for j in range(width):
        values = [r[j] for r in extra]
        if j in types:
            values = [_number(v) for v in values]
        col = pa.chunked_array([*table.column(j).chunks, pa.array(values, table.column(j).type)])
        columns.append(col if take is None else col.take(take))
    return columns, ragged


def _number(text: str) -> float | None:
    text = text.strip()
    if text in _EMPTY_CELLS:
        return None
    if not _PLAIN.match(text):
        raise _Conversion()
    return float(text)


def _parse_body_slow(body: bytes, delim: str, width: int) -> tuple[list, dict[int, int]]:
    """csv-module path for files whose rows do not all have the header's number of fields.

    Short rows are padded, long rows whose extra fields are empty are cut; the others are
    recorded in ``ragged`` and become an error unless the row is skipped (empty, total row).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    ragged: dict[int, int] = {}
    cells: list[list[str]] = []
    for i, rec in enumerate(records):
        if len(rec) != width:
            if len(rec) > width and not any(c.strip() for c in rec[width:]):
                rec = rec[:width]
            else:
                if any(c.strip() for c in rec):
                    ragged[i] = len(rec)
                rec = (rec + [""] * width)[:width]
        cells.append(rec)
    columns = [pa.array([r[j] for r in cells], pa.string()) for j in range(width)]
    return columns, ragged


# --------------------------------------------------------------------------------------------
# Excel


def cell_text(value: object) -> str:
    """Text of an Excel cell as a CSV export would show it (``1234.0`` → ``"1234"``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _sheet_grid(rows: list[list[str]], row_numbers: list[int], part: str) -> Grid | None:
    found = _find_header(rows)
    if found is None:
        return None
    index, match = found
    header = list(rows[index])
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    data = rows[index + 1 :]
    warnings = []
    if any(any(c.strip() for c in r[width:]) for r in data):
        warnings.append("values right of the last header column were ignored")
    columns = [
        pa.array([r[j] if j < len(r) else "" for r in data], pa.string()) for j in range(width)
    ]
    return Grid(
        part,
        [list(r) for r in rows[:index]],
        [h.strip() for h in header],
        row_numbers[index],
        match,
        columns,
        np.asarray(row_numbers[index + 1 :], dtype=np.int64),
        warnings=warnings,
    )


def _sheets_to_grids(sheets: list[tuple[str, list[list[str]], list[int]]], part: str) -> list[Grid]:
    grids: list[Grid] = []
    skipped: list[str] = []
    nonempty = [s for s in sheets if any(any(c.strip() for c in r) for r in s[1])]
    for title, rows, numbers in nonempty:
        grid = _sheet_grid(rows, numbers, f"{part}!{title}")
        if grid is None:
            skipped.append(title)
        else:
            grids.append(grid)
    if len(grids) == 1:
        grids[0].part = part
    if not grids:
        if not nonempty:
            raise UnknownExportError("the workbook is empty", file=part)
        raise _no_header(nonempty[0][1])
    for title in skipped:
        grids[0].warnings.append(f"sheet {title!r} is not a known JD export: ignored")
    return grids


def _read_xlsx(data: bytes, part: str) -> list[Grid]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise InputError(
            f"cannot open the .xlsx workbook ({type(exc).__name__}: {exc}); "
            "expected a workbook saved by Excel/WPS — open and save it again, or re-export",
            file=part,
        ) from exc
    try:
        sheets = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = [[cell_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
            sheets.append((ws.title, rows, list(range(1, len(rows) + 1))))
    finally:
        wb.close()
    return _sheets_to_grids(sheets, part)


def _read_xls(data: bytes, part: str) -> list[Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=bytes(data), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors …
        raise InputError(
            f"cannot open the old-format .xls workbook ({type(exc).__name__}: {exc}); "
            "expected an Excel 97-2003 workbook — open and save it again, or re-export",
            file=part,
        ) from exc
    sheets = []
    for sheet in book.sheets():
        rows: list[list[str]] = []
        for r in range(sheet.nrows):
            out = []
            for ctype, value in zip(sheet.row_types(r), sheet.row_values(r), strict=True):
                if ctype == xlrd.XL_CELL_DATE:
                    try:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        pass
                elif ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif ctype == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#ERR")
                out.append(cell_text(value))
            rows.append(out)
        sheets.append((sheet.name, rows, list(range(1, len(rows) + 1))))
    return _sheets_to_grids(sheets, part)
