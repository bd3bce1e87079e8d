"""Raw cells of an export file (part of :mod:`jdpromo.ingest`).

Turns the bytes of a file into one :class:`Grid` per part: the rows above the header (title
lines), the header, and one string column per header cell. The format is found from the bytes,
never from the file name: ``PK`` is a ZIP (an .xlsx workbook, or a "CSV" download that is really
several CSV parts), ``D0 CF 11 E0`` an old binary .xls, anything else text (UTF-8 with or without
BOM, UTF-16 with BOM, else GB18030/GBK, line by line when a file mixes them), with the
delimiter sniffed from the header line. Every read stays within
:class:`~jdpromo.contract.Limits` (archive sizes and ratios, parts, cells, header lines).

Errors are raised as :class:`~jdpromo.errors.InputError` whose ``file`` holds the *part suffix*
(``""`` or ``"!part2.csv"``); :mod:`jdpromo.ingest` prefixes the file path.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jdpromo.contract import DEFAULT_LIMITS, EMPTY_MARKERS, TOTAL_MARKERS, Limits
from jdpromo.errors import InputError, UnknownExportError, display_name
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
    skipped: dict[int, str] = field(default_factory=dict)
    """Data row position → reason, for rows set aside before conversion (a line whose bytes are
    text in no known encoding, the last row of a download cut short)."""


def _natural_key(name: str) -> list[object]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def read_grids(data: bytes, *, typed: bool = True, limits: Limits = DEFAULT_LIMITS) -> list[Grid]:
    """Split the bytes of an export into grids (one per ZIP member / sheet, else one).

    With ``typed``, count and money columns of CSV text whose sampled values are plain numbers
    are converted by pyarrow's reader directly (faster than text then cast); if any value in
    them is not plain, the file is read again all as text.

    Raises
    ------
    UnknownExportError
        The file is empty or holds no recognisable JD export.
    InputError
        The file is recognised but cannot be read as it is, or breaks one of ``limits``.
    """
    if not data[:4096].strip() and not data.strip():
        raise UnknownExportError(
            "the file is empty: expected a JD export with a header row", file=""
        )
    if data[:2] == b"PK":
        grids = _read_zip(data, limits)
    elif data[:4] == b"\xd0\xcf\x11\xe0":
        grids = _read_xls(data, "", limits)
    else:
        grids = [_read_text(data, "", typed, limits)]
    for grid in grids:
        _check_cells(grid, limits)
    return grids


def _check_cells(grid: Grid, limits: Limits) -> None:
    """A cell longer than ``limits.max_cell_chars`` is an error naming its row and column."""
    most = limits.max_cell_chars
    for j, col in enumerate(grid.columns):
        if col.type != pa.string() or not len(col):
            continue
        longest = pc.max(pc.binary_length(col)).as_py()  # bytes ≥ characters
        if longest is None or longest <= most:
            continue
        chars = pc.utf8_length(col)
        over = pc.index(pc.fill_null(pc.greater(chars, most), False), True).as_py()
        if over is not None and over >= 0:
            raise InputError(
                f"the cell holds {chars[over].as_py():,} "
                f"characters, above the limit of {most:,} (Limits.max_cell_chars); expected a "
                "JD export — no real export holds such a cell",
                file=grid.part,
                row=int(grid.rows[over]),
                column=grid.header[j] if j < len(grid.header) and grid.header[j] else None,
            )


# --------------------------------------------------------------------------------------------
# ZIP: an .xlsx workbook or several CSV parts


def _open_zip(data: bytes, part: str, limits: Limits) -> zipfile.ZipFile:
    """The archive, once its directory is within ``limits`` (members, sizes, ratios).

    The sizes checked are those the archive declares; :mod:`zipfile` never inflates a member
    beyond its declared size (it fails on the CRC instead), and :func:`_inflate` counts again.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"the file starts like a ZIP archive but cannot be opened ({exc}); "
            "expected a complete .xlsx or ZIP download — download it again",
            file=part,
        ) from exc
    if len(infos) > limits.max_parts:
        raise InputError(
            f"the ZIP archive holds {len(infos):,} files, above the limit of "
            f"{limits.max_parts:,} (Limits.max_parts): not read",
            file=part,
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_bytes:
        raise InputError(
            f"the ZIP archive would decompress to {total:,} bytes, above the limit of "
            f"{limits.max_bytes:,} (Limits.max_bytes): not read",
            file=part,
        )
    for info in infos:
        _check_ratio(info, info.file_size, part, limits)
    return zf


def _check_ratio(info: zipfile.ZipInfo, size: int, part: str, limits: Limits) -> None:
    if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(info.compress_size, 1):
        raise InputError(
            f"ZIP member {info.filename!r} decompresses {size / max(info.compress_size, 1):,.0f}"
            f" times its compressed size, above the limit of {limits.max_ratio:,.0f} "
            "(Limits.max_ratio): a zip bomb or a damaged download, not read",
            file=part,
        )


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: Limits) -> bytes:
    """A member's bytes, read in chunks and counted: past ``budget`` bytes or the ratio limit
    the read stops (memory stays bounded whatever the archive declares)."""
    part = "!" + display_name(info.filename)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                out += chunk
                if len(out) > budget:
                    raise InputError(
                        f"the ZIP archive decompresses to more than {limits.max_bytes:,} bytes "
                        "(Limits.max_bytes): not read",
                        file=part,
                    )
                _check_ratio(info, len(out), part, limits)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise InputError(f"cannot extract this part of the ZIP ({exc})", file=part) from exc
    return bytes(out)


def _read_zip(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Grid]:
    zf = _open_zip(data, "", limits)
    names = zf.namelist()
    if "xl/workbook.xml" in names:
        return _read_xlsx(data, "", limits)
    members = [
        i
        for i in zf.infolist()
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not i.filename.rsplit("/", 1)[-1].startswith(".")
    ]
    members.sort(key=lambda i: _natural_key(i.filename))
    if not members:
        raise UnknownExportError("the ZIP archive holds no files: expected CSV parts", file="")
    grids: list[Grid] = []
    unknown: list[str] = []
    budget = limits.max_bytes
    for info in members:
        name = display_name(info.filename)
        part = "!" + name
        raw = _inflate(zf, info, budget, limits)
        budget -= len(raw)
        try:
            if not raw.strip():
                raise UnknownExportError("empty part", file=part)
            if raw[:2] == b"PK":
                grids.extend(_read_xlsx(raw, part, limits))
            elif raw[:4] == b"\xd0\xcf\x11\xe0":
                grids.extend(_read_xls(raw, part, limits))
            else:
                grids.append(_read_text(raw, part, False, limits))
        except UnknownExportError:
            unknown.append(name)
        del raw
    if not grids:
        raise UnknownExportError(
            f"none of the {len(members)} parts of the ZIP archive is a known JD export", file=""
        )
    for name in unknown:
        grids[0].warnings.append(f"ZIP part {name} is not a known JD export: ignored")
    return grids


# --------------------------------------------------------------------------------------------
# Text (CSV / TSV)


REASON_UNDECODABLE = "undecodable text"
REASON_CUT = "cut-off last row"
_CUT_REASONS = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")


@dataclass
class _Text:
    """A text file as UTF-8 bytes from ``start``, and what decoding had to do.

    Line indices are 0-based from ``start`` (line ``i`` is row ``i + 1`` as Excel shows it).
    """

    buf: bytes
    start: int = 0
    undecodable: list[int] = field(default_factory=list)
    fallback: list[int] = field(default_factory=list)
    encodings: tuple[str, str] = ("utf-8", "gb18030")
    cut: bool = False


def _valid_utf8(data: bytes, start: int) -> bool:
    """Whether ``data[start:]`` is valid UTF-8 (pyarrow's vectorised check, no copy)."""
    size = len(data) - start
    offsets = pa.py_buffer(np.array([0, size], dtype=np.int64))
    arr = pa.Array.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(memoryview(data)[start:])]
    )
    try:
        arr.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes, *, trust_head: bool = False) -> _Text:
    """Decode a text export: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030/GBK.

    A file in one encoding is decoded in one go. A file mixing them (a UTF-8 head, then
    GB18030 rows) is decoded line by line: each line in the encoding of the head, else in the
    other one; a line that is text in neither is emptied and listed in ``undecodable``. A file
    that ends inside a multi-byte character (a download cut short) loses that last character
    and says so in ``cut``.

    With ``trust_head``, a file whose head is UTF-8 is returned as it is, unchecked: pyarrow
    validates the text while it parses it, and :func:`_read_text` comes back here without
    ``trust_head`` when it finds invalid bytes (a full check costs ≈ 1 s per GB).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        cut = (len(data) - 2) % 2 == 1
        body = data[:-1] if cut else data
        try:
            text = body.decode("utf-16")
        except UnicodeDecodeError as exc:
            cut = exc.reason in _CUT_REASONS and exc.end >= len(body) - 2
            if not cut:
                raise UnknownExportError(f"cannot decode the UTF-16 text ({exc})", file="") from exc
            text = body[: exc.start].decode("utf-16")
        return _Text(text.encode("utf-8"), 0, cut=cut)
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[start : start + _HEAD_BYTES])
        head_utf8 = True
    except UnicodeDecodeError as exc:  # UTF-8 when non-ASCII UTF-8 text came before the bad byte
        head_utf8 = not data[start : start + exc.start].isascii()
    if (trust_head and head_utf8) or _valid_utf8(data, start):
        return _Text(data, start)
    if not head_utf8:
        try:
            return _Text(str(memoryview(data)[start:], "gb18030").encode("utf-8"), 0)
        except UnicodeDecodeError:
            pass
    encodings = ("utf-8", "gb18030") if head_utf8 else ("gb18030", "utf-8")
    return _decode_lines(data, start, encodings)


def _decode_lines(data: bytes, start: int, encodings: tuple[str, str]) -> _Text:
    """Decode in large runs in ``encodings[0]``; only the lines where that fails are decoded
    on their own, in ``encodings[1]``, else emptied (see :func:`_decode`)."""
    first, second = encodings
    out = bytearray()
    view = memoryview(data)
    text = _Text(b"", 0, encodings=encodings)
    n = len(data)
    pos, line = start, 0

    def put(a: int, b: int) -> None:
        decoded = str(view[a:b], first)  # raises where the bytes are not ``first``
        out.extend(view[a:b] if first == "utf-8" else decoded.encode("utf-8"))

    while pos < n:
        try:
            put(pos, n)
            break
        except UnicodeDecodeError as exc:
            at = pos + exc.start
            begin = max(data.rfind(b"\n", pos, at), data.rfind(b"\r", pos, at)) + 1
            begin = max(begin, pos)
            put(pos, begin)
            line += len(_EOL.findall(data, pos, begin))
            eol = _EOL.search(data, at)
            end, nxt = (eol.start(), eol.end()) if eol else (n, n)
            if eol is None and pos + exc.end >= n and exc.reason in _CUT_REASONS:
                put(begin, at)  # the file was cut inside this character: keep what came before
                text.cut = True
                break
            try:
                out.extend(str(view[begin:end], second).encode("utf-8"))
                text.fallback.append(line)
            except UnicodeDecodeError:
                text.undecodable.append(line)
            out.extend(view[end:nxt])
            line += 1 if eol else 0
            pos = nxt
    text.buf = bytes(out)
    return text


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


def _read_text(
    data: bytes, part: str, typed: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Grid:
    text = _decode(data, trust_head=True)
    try:
        grid = _read_text_utf8(text.buf, text.start, part, typed, limits)
    except _NotUtf8:
        text = _decode(data)
        grid = _read_text_utf8(text.buf, text.start, part, typed, limits)
    n = len(grid.rows)
    head = grid.header_row  # line index of the first data row
    for i in text.undecodable:
        if 0 <= i - head < n:
            grid.skipped[i - head] = REASON_UNDECODABLE
    if text.undecodable:
        rows = ", ".join(str(i + 1) for i in text.undecodable[:5])
        more = " …" if len(text.undecodable) > 5 else ""
        grid.warnings.append(
            f"{len(text.undecodable)} row(s) are text in no known encoding (rows {rows}{more}): "
            "not used, counted as skipped"
        )
    if text.fallback:
        first, second = text.encodings
        grid.warnings.append(
            f"{len(text.fallback)} row(s) are not {first.upper()} like the rest of the file and were "
            f"read as {second.upper()} (first: row {text.fallback[0] + 1}); check them"
        )
    last = n - 1
    cut = text.cut
    if not cut and n and last in grid.ragged and grid.ragged[last] < len(grid.header):
        ends = text.buf[-1:] in (b"\n", b"\r")
        values = (c[last].as_py() for c in grid.columns)
        first_cell = next((str(v).strip() for v in values if v not in (None, "")), "")
        cut = not ends and not first_cell.startswith(TOTAL_MARKERS)
    if cut and n:
        grid.ragged.pop(last, None)
        grid.skipped[last] = REASON_CUT
        where = "inside a character" if text.cut else "in the middle of a row"
        grid.warnings.append(
            f"the file ends {where} (row {int(grid.rows[last])}): the download looks cut short "
            "— that row is not used, the rows before it are; download the file again"
        )
    return grid


def _header_lines(buf: bytes, start: int, limits: Limits) -> tuple[list[tuple[int, int, int]], int]:
    """Spans ``(start, end of text, start of next line)`` of the first lines; and the index of
    a line longer than ``limits.max_line_bytes`` that stopped the search (else -1)."""
    spans: list[tuple[int, int, int]] = []
    pos, n = start, len(buf)
    while pos < n and len(spans) < HEADER_SEARCH_ROWS:
        m = _EOL.search(buf, pos, min(n, pos + limits.max_line_bytes + 2))
        if m is not None and m.start() - pos <= limits.max_line_bytes:
            spans.append((pos, m.start(), m.end()))
            pos = m.end()
        elif n - pos <= limits.max_line_bytes:
            spans.append((pos, n, n))
            pos = n
        else:
            return spans, len(spans)
    return spans, -1


def _read_text_utf8(
    buf: bytes, start: int, part: str, typed: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Grid:
    # The first lines (start, end of text, start of next line), each tried with every delimiter.
    spans, long_line = _header_lines(buf, start, limits)
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
    if found is None and long_line >= 0:
        raise InputError(
            f"this line is longer than {limits.max_line_bytes:,} bytes (Limits.max_line_bytes) "
            "and no header row was found above it: expected a JD export, whose title and "
            "header lines are short — not read",
            file=part,
            row=long_line + 1,
        )
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


class _NotUtf8(Exception):
    """The text is not all UTF-8: decode it again with :func:`_decode`'s fallbacks."""


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

    # pyarrow decodes an invalid row's text before calling the handler; bytes that are not
    # UTF-8 there raise inside pyarrow, which prints "Exception ignored … Traceback" through
    # sys.unraisablehook: catch that instead, and read the file again with its encodings.
    unraisable: list[object] = []
    hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
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
        if "utf8" in str(exc).lower() or unraisable:
            raise _NotUtf8() from None
        if types and "conversion error" in str(exc).lower():
            raise _Conversion() from None
        raise _Unparsable() from None
    finally:
        sys.unraisablehook = hook
    if unraisable:
        raise _NotUtf8()
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
        grid = _sheet_grid(rows, numbers, f"{part}!{display_name(title)}")
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


def _read_xlsx(data: bytes, part: str, limits: Limits = DEFAULT_LIMITS) -> list[Grid]:
    import openpyxl

    _open_zip(data, part, limits).close()  # openpyxl inflates members: check their sizes first
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise InputError(
            f"cannot open the .xlsx workbook ({type(exc).__name__}: {exc}); "
            "expected a workbook saved by Excel/WPS — open and save it again, or re-export",
            file=part,
        ) from exc
    budget = _CellBudget(limits, part)
    try:
        sheets = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = []
            for r in ws.iter_rows(values_only=True):
                budget.take(len(r), ws.title, len(rows) + 1)
                rows.append([cell_text(v) for v in r])
            sheets.append((ws.title, rows, list(range(1, len(rows) + 1))))
    finally:
        wb.close()
    return _sheets_to_grids(sheets, part)


CELL_BYTES = 64
"""Memory one workbook cell takes once read (a Python string in a list), for the cell budget."""


class _CellBudget:
    """Cells of a workbook read so far, against ``Limits.max_bytes`` ÷ :data:`CELL_BYTES`: a
    tiny .xlsx can declare a million rows of 16,384 columns."""

    def __init__(self, limits: Limits, part: str) -> None:
        self.most = limits.max_bytes // CELL_BYTES
        self.left = self.most
        self.part = part

    def take(self, cells: int, sheet: str, row: int) -> None:
        self.left -= cells
        if self.left < 0:
            raise InputError(
                f"the workbook holds more than {self.most:,} cells (sheet {sheet!r}; "
                f"Limits.max_bytes ÷ {CELL_BYTES} bytes a cell): not read",
                file=self.part,
                row=row,
            )


def _read_xls(data: bytes, part: str, limits: Limits = DEFAULT_LIMITS) -> list[Grid]:
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
    budget = _CellBudget(limits, part)
    for sheet in book.sheets():
        rows: list[list[str]] = []
        for r in range(sheet.nrows):
            budget.take(sheet.row_len(r), sheet.name, r + 1)
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
