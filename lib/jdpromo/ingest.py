"""Ingestion: JD export files → validated canonical tables (see ``docs/data-contract.md``).

A file is recognised from its headers (:func:`detect_table`), never from its name, and read
whatever its format: CSV in UTF-8 (with or without BOM) or GB18030/GBK, tab-separated text,
.xlsx, old .xls, or a "CSV" download that is really a ZIP of several parts. Title lines above
the header may state the attribution window (转化周期), the export time and the product line.
Totals rows, repeated headers and empty rows are skipped and counted; every other row is used
or the file fails with an :class:`~jdpromo.errors.InputError` naming file, Excel row and column.

:func:`read_export` reads one file (through a cache keyed by the file's SHA-256 and
:data:`PARSER_VERSION`); :func:`load_folder` reads a shop's folder, resolves overlaps between
files (the later export wins) and keeps a report per file for the data-health page.

Examples
--------
>>> ds = load_folder("data/demo")                                   # doctest: +SKIP
>>> ds.inventory()[["file", "table", "rows_read", "rows_used", "status"]]  # doctest: +SKIP
>>> ds.table("ad_daily").groupby("product_line")["cost"].sum()      # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from jdpromo import ingest_cache
from jdpromo.contract import DEFAULT_LIMITS, TABLES, Limits
from jdpromo.errors import InputError, ParameterError, UnknownExportError, display_name
from jdpromo.ingest_convert import AD_TABLES, Part, canonical_columns, convert
from jdpromo.ingest_formats import Grid, read_grids
from jdpromo.ingest_headers import detect_table

__all__ = [
    "PARSER_VERSION",
    "Dataset",
    "FileReport",
    "ParsedFile",
    "canonical_columns",
    "detect_table",
    "display_name",
    "empty_frame",
    "load_folder",
    "order_level",
    "read_export",
]

PARSER_VERSION = "2"
"""Version of the parsing rules; part of the cache key, bumped whenever parsing changes."""

BASIS_ZH = {"click": "点击", "order": "下单"}


@dataclass
class FileReport:
    """What happened to one input file.

    Attributes
    ----------
    path
        The file.
    sha256
        SHA-256 of its bytes (hex).
    table
        Canonical table it feeds; ``None`` when ignored or in error.
    status
        ``"ok"``, ``"ignored"`` (unknown kind, empty file), ``"error"``, or ``"skipped"`` (not
        a regular file inside the folder — a symbolic link pointing outside it, a named pipe, a
        device, a socket: never opened).
    message
        For ignored/error/skipped files: the reason, naming file, row and column. File names
        in messages are escaped (:func:`display_name`).
    rows_read, rows_used, rows_skipped
        Data rows below the header (title lines and the header itself not counted);
        ``rows_read == rows_used + rows_skipped``. Whole-file counts.
    skip_reasons
        Reason → rows, e.g. ``{"total row": 1, "superseded by b.csv": 30}``.
    date_min, date_max
        First and last day of the rows read (``period_start``/``period_end``, or the order time).
    attribution_days, attribution_basis
        Attribution window as stated in the file (0 = 当天; ``"click"``/``"order"``), else None.
    export_time
        Export time as stated in the file (导出时间), else None.
    warnings
        Things the data-health report should show (ignored columns, masked accounts …).
    """

    path: Path
    sha256: str
    table: str | None
    status: str
    message: str | None
    rows_read: int = 0
    rows_used: int = 0
    rows_skipped: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    attribution_days: int | None = None
    attribution_basis: str | None = None
    export_time: dt.datetime | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    """One file read: its report and its rows.

    ``frame`` holds the canonical columns present in the file (plus ``period_start``/
    ``period_end`` for dated tables and derived columns), then ``source_file`` (the file name,
    ``name.zip!part2.csv`` for a ZIP part) and ``row`` (the Excel row number in that file/part).
    """

    report: FileReport
    frame: pd.DataFrame


def empty_frame(name: str) -> pd.DataFrame:
    """An empty canonical table with every column in its dtype (see :func:`canonical_columns`)."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in canonical_columns(name).items()})


# --------------------------------------------------------------------------------------------
# One file


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return pd.Timestamp(value).date()


def _parse(data: bytes | bytearray, limits: Limits = DEFAULT_LIMITS) -> tuple[pa.Table, dict]:
    """Parse the bytes of one export. Raises InputError whose ``file`` is the part suffix."""
    grids = read_grids(data, limits=limits)
    try:
        return _parse_grids(grids)
    except InputError:
        if not any(g.typed for g in grids):
            raise
    # A bad cell in a column the CSV reader converted: read all as text so that the message
    # quotes the cell exactly as it is in the file.
    return _parse_grids(read_grids(data, typed=False, limits=limits))


def _parse_grids(grids: list[Grid]) -> tuple[pa.Table, dict[str, Any]]:
    parts: list[Part] = []
    for grid in grids:
        part = convert(grid)
        if parts and part.name != parts[0].name:
            raise InputError(
                f"this part holds a {part.name} export but {grids[0].part[1:] or 'the first part'}"
                f" holds {parts[0].name}: expected every part of a download to be the same report",
                file=grid.part,
                row=grid.header_row,
            )
        parts.append(part)
    name = parts[0].name
    if len(parts) == 1:
        table = parts[0].table
    else:
        table = pa.concat_tables([p.table for p in parts], promote_options="default")
        order = [
            c
            for c in canonical_columns(name)
            if c in table.column_names and c not in ("source_file", "row")
        ]
        table = table.select([*order, "part", "row"])
    reasons: dict[str, int] = {}
    warnings: list[str] = []
    for grid, p in zip(grids, parts, strict=True):
        for k, v in p.reasons.items():
            reasons[k] = reasons.get(k, 0) + v
        prefix = f"{grid.part[1:]}: " if len(parts) > 1 else ""
        warnings.extend(prefix + w for w in p.warnings)
    stated = [p.attribution for p in parts if p.attribution is not None]
    if len(set(stated)) > 1:
        warnings.append("the parts state different attribution windows: the first one is reported")
    export_times = [p.title.export_time for p in parts if p.title.export_time is not None]
    date_min = date_max = None
    if table.num_rows:
        if "period_start" in table.column_names:
            date_min, date_max = pc.min(table["period_start"]), pc.max(table["period_end"])
        elif "ordered_at" in table.column_names:
            date_min, date_max = pc.min(table["ordered_at"]), pc.max(table["ordered_at"])
        date_min = _date(date_min.as_py()) if date_min is not None else None
        date_max = _date(date_max.as_py()) if date_max is not None else None
    rows_read = sum(p.rows_read for p in parts)
    latest = None
    for grid, p in zip(grids, parts, strict=True):
        if p.latest is not None and (latest is None or p.latest["date"] > latest["date"]):
            latest = {**p.latest, "part": grid.part}
    meta = {
        "status": "ok",
        "table": name,
        "rows_read": rows_read,
        "rows_used": table.num_rows,
        "rows_skipped": rows_read - table.num_rows,
        "skip_reasons": reasons,
        "date_min": date_min.isoformat() if date_min else None,
        "date_max": date_max.isoformat() if date_max else None,
        "attribution_days": stated[0][0] if stated else None,
        "attribution_basis": stated[0][1] if stated else None,
        "export_time": export_times[0].isoformat() if export_times else None,
        "warnings": warnings,
        "parts": sorted({g.part for g in grids}),
        "latest": latest,
    }
    return table, meta


def _error_meta(exc: InputError) -> dict[str, Any]:
    unknown = isinstance(exc, UnknownExportError)
    return {
        "status": "ignored" if unknown else "error",
        "table": None,
        "error": {
            "kind": "unknown" if unknown else "input",
            "message": exc.message,
            "part": exc.file or "",
            "row": exc.row,
            "column": exc.column,
        },
    }


_CHUNK = 1 << 23


def _too_big(size: int, limits: Limits) -> InputError:
    return InputError(
        f"the file holds {size:,} bytes or more, above the limit of {limits.max_bytes:,} "
        "(Limits.max_bytes): not read"
    )


def _read_and_hash(fh: Any, size: int, limits: Limits) -> tuple[bytes | bytearray, str]:
    """The bytes of an open file and their SHA-256, never more than ``limits.max_bytes``; a
    large file is hashed while it is being read."""
    if size < 4 * _CHUNK:
        data = fh.read(size)
        if fh.read(1):  # the file grew while being read: read it again, within the limit
            fh.seek(0)
            data = _read_bounded(fh, limits)
        return data, hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    buf = bytearray(size)
    view = memoryview(buf)
    pos = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        while pos < size:
            n = fh.readinto(view[pos : pos + _CHUNK])
            if not n:
                break
            if pending is not None:
                pending.result()
            pending = pool.submit(digest.update, view[pos : pos + n])
            pos += n
        if pending is not None:
            pending.result()
        rest = fh.read(1)
    if pos < size or rest:  # the file changed size while being read: read it again, plainly
        fh.seek(0)
        data = _read_bounded(fh, limits)
        return data, hashlib.sha256(data).hexdigest()
    return buf, digest.hexdigest()


def _read_bounded(fh: Any, limits: Limits) -> bytes:
    """Everything left in ``fh``, in chunks, refusing more than ``limits.max_bytes``."""
    out = bytearray()
    while chunk := fh.read(_CHUNK):
        out += chunk
        if len(out) > limits.max_bytes:
            raise _too_big(len(out), limits)
    return bytes(out)


def _open_regular(path: Path, root: str | None = None) -> int:
    """A descriptor on the file ``path`` names, refusing anything but a regular file.

    Links are resolved first — when reading a folder (``root``, its real path) the target must
    still be inside it — and the last component is opened without following a link,
    non-blocking: a named pipe or a link put in place after the folder was listed opens at once
    and is refused, never waited on.
    """
    real = os.path.realpath(path)
    if root is not None and os.path.commonpath([root, real]) != root:
        raise InputError("a symbolic link pointing outside the data folder: not followed")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(f"{_special_kind(mode)}, not a regular file: not opened")
    return fd


def _version(limits: Limits) -> str:
    """Cache version: the parser's, plus the limits when they are not the defaults."""
    if limits == DEFAULT_LIMITS:
        return PARSER_VERSION
    key = repr(dataclasses.astuple(limits)).encode()
    return f"{PARSER_VERSION}-{hashlib.sha256(key).hexdigest()[:12]}"


def _load(
    path: Path,
    cache_dir: Path | str | None,
    limits: Limits = DEFAULT_LIMITS,
    folder: str | None = None,
) -> tuple[FileReport, pa.Table | None, dict]:
    """Report, table and cache entry of one file, from the cache when the bytes were seen;
    ``folder``: the real path of the folder being read (the file must stay inside it)."""
    root = ingest_cache.cache_root(cache_dir)
    version = _version(limits)
    name = display_name(path)
    try:
        fd = _open_regular(path, folder)
    except InputError as exc:
        raise InputError(exc.message, file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", file=name) from exc
    with os.fdopen(fd, "rb") as fh:
        try:
            st = os.fstat(fd)
            if st.st_size > limits.max_bytes:
                raise _too_big(st.st_size, limits)
            sha = ingest_cache.known_sha256(root, path, st)
            cached = ingest_cache.load(root, sha, version) if sha else None
            if cached is not None:
                return _report(path, sha, cached[0]), cached[1], cached[0]
            data, sha = _read_and_hash(fh, st.st_size, limits)
        except InputError as exc:
            raise InputError(exc.message, file=name) from None
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or exc})", file=name) from exc
    ingest_cache.remember_sha256(root, path, st, sha)
    cached = ingest_cache.load(root, sha, version)
    if cached is not None:
        meta, table = cached
    else:
        table = None
        try:
            table, meta = _parse(data, limits)
        except InputError as exc:
            meta = _error_meta(exc)
        except Exception as exc:  # a bug or an unforeseen variant: report it, do not cache it
            raise InputError(
                f"could not read this file ({type(exc).__name__}: {exc}); this is an unsupported "
                "variant of the export or a bug in jdpromo — please report it with the file",
                file=name,
            ) from exc
        del data
        ingest_cache.store(root, sha, version, meta, table)
    return _report(path, sha, meta), table, meta


def _error_of(path: Path, meta: dict[str, Any]) -> InputError:
    err = meta["error"]
    cls = UnknownExportError if err["kind"] == "unknown" else InputError
    return cls(
        err["message"],
        file=display_name(f"{os.fsdecode(path)}{err['part']}"),
        row=err["row"],
        column=err["column"],
    )


def _report(path: Path, sha: str, meta: dict[str, Any]) -> FileReport:
    if meta["status"] != "ok":
        return FileReport(path, sha, None, meta["status"], display_name(str(_error_of(path, meta))))
    export_time = meta.get("export_time")
    return FileReport(
        path=path,
        sha256=sha,
        table=meta["table"],
        status="ok",
        message=None,
        rows_read=meta["rows_read"],
        rows_used=meta["rows_used"],
        rows_skipped=meta["rows_skipped"],
        skip_reasons=dict(meta["skip_reasons"]),
        date_min=_date(meta["date_min"]),
        date_max=_date(meta["date_max"]),
        attribution_days=meta["attribution_days"],
        attribution_basis=meta["attribution_basis"],
        export_time=dt.datetime.fromisoformat(export_time) if export_time else None,
        warnings=[display_name(w) for w in meta["warnings"] + _future(meta.get("latest"))],
    )


def _future(latest: dict | None) -> list[str]:
    """A warning when the file's latest date is after today (China time): data from the future
    means a wrong date, since no export can hold days that have not happened yet."""
    if latest is None:
        return []
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    if dt.date.fromisoformat(latest["date"]) <= today:
        return []
    where = f"{latest['part'][1:]}: " if latest.get("part") else ""
    return [
        f"{where}row {latest['row']}, column {latest['column']!r}: {latest['date']} is after "
        f"today ({today}); check the dates of this file"
    ]


def _frame(table: pa.Table, label: str, parts: list[str]) -> pd.DataFrame:
    n = table.num_rows
    if parts == [""]:
        source = pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([label], pa.string())
        )
    else:
        source = pc.binary_join_element_wise(label, table["part"], "").dictionary_encode()
    idx = table.column_names.index("part")
    table = table.set_column(idx, "source_file", source)
    frame = table.to_pandas()  # consolidated blocks: a copy, so the frame is writable
    frame["source_file"] = frame["source_file"].cat.as_unordered()
    if not frame["source_file"].cat.categories.is_monotonic_increasing:  # as text sorts
        frame["source_file"] = frame["source_file"].cat.reorder_categories(
            frame["source_file"].cat.categories.sort_values()
        )
    if "attribution_days" in frame:
        frame["attribution_days"] = frame["attribution_days"].astype("Int64")
    return frame


def read_export(
    path: str | os.PathLike[str],
    *,
    cache_dir: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedFile:
    """Read one JD export file into its canonical table.

    Parameters
    ----------
    path
        The export (.csv, .txt, .xlsx, .xls or a ZIP of CSV parts, whatever its extension).
    cache_dir
        Parse cache folder; default ``$JDPROMO_CACHE``, else ``~/.cache/jdpromo``. The same
        bytes are parsed once per :data:`PARSER_VERSION` (and per ``limits``).
    limits
        Bounds on sizes (:class:`jdpromo.contract.Limits`, defaults in
        ``docs/data-contract.md``); past one the file is an ``InputError`` saying which.

    Returns
    -------
    ParsedFile
        ``report.status`` is always ``"ok"``; ``frame.source_file`` holds the file name.

    Raises
    ------
    UnknownExportError
        The file is empty or is not a known JD export.
    InputError
        The file cannot be read as it is; the message names the file, the Excel row, the
        column as headed in the file, and what was expected.
    """
    path = Path(path)
    report, table, meta = _load(path, cache_dir, limits)
    if report.status != "ok":
        raise _error_of(path, meta)
    assert table is not None
    return ParsedFile(report, _frame(table, display_name(path.name), meta.get("parts", [""])))


# --------------------------------------------------------------------------------------------
# A folder


@dataclass
class Dataset:
    """Every export of one shop's folder, read, cleaned and de-overlapped.

    Attributes
    ----------
    folder
        The folder read.
    files
        One report per file found (recursively), including ignored and failed ones; hidden
        files, Excel lock files (``~$…``) and the parse cache are not listed.
    tables
        Canonical table name → rows of every file of that table, after overlap resolution,
        with every canonical column (see :func:`canonical_columns`).
    overlaps
        One row per (table, winner, loser): the rows of ``loser`` replaced by ``winner`` and
        the days they cover (``date_min``, ``date_max``).
    warnings
        Folder-level warnings (e.g. two attribution windows in one table).
    attribution_days, attribution_basis
        The shop's parameters used for ad files that state no window.
    """

    folder: Path
    files: list[FileReport]
    tables: dict[str, pd.DataFrame]
    overlaps: pd.DataFrame
    warnings: list[str]
    attribution_days: int = 15
    attribution_basis: str = "click"

    def table(self, name: str) -> pd.DataFrame:
        """Rows of a canonical table; an empty frame with every column when the folder has none."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}")
        if name in self.tables:
            return self.tables[name]
        return empty_frame(name)

    def has(self, name: str) -> bool:
        """Whether the folder holds at least one row of this table."""
        return self.fact(name, "rows", len) > 0

    def fact(self, name: str, key: str, compute):
        """``compute(table)``, or the value kept under ``key`` when the tables are
        :class:`SettledTables` (which then need not be read): a table's row count, days
        covered, attribution windows (see :func:`jdpromo.report.share_settled`)."""
        if name not in self.tables:
            return compute(empty_frame(name)) if name in TABLES else compute(pd.DataFrame())
        known = getattr(self.tables, "facts", {}).get(name, {})
        return known[key] if key in known else compute(self.tables[name])

    def label(self, report: FileReport) -> str:
        """The file's path relative to the folder, escaped (:func:`display_name`)."""
        try:
            return display_name(report.path.relative_to(self.folder).as_posix())
        except ValueError:
            return display_name(report.path.name)

    def _attribution(self, report: FileReport) -> str:
        if report.status != "ok" or report.table not in AD_TABLES:
            return ""
        days = report.attribution_days
        basis = report.attribution_basis
        sources = {"file" if days is not None else "params", "file" if basis else "params"}
        days = self.attribution_days if days is None else days
        basis = basis or self.attribution_basis
        source = sources.pop() if len(sources) == 1 else "file+params"
        days_zh = "当天" if days == 0 else f"{days}天"
        return f"{days_zh} {BASIS_ZH.get(basis, basis)} ({source})"

    def inventory(self) -> pd.DataFrame:
        """One row per file: what it is, how many rows were read/used/skipped and why.

        Columns: ``file, table, rows_read, rows_used, rows_skipped, skip_reasons, date_min,
        date_max, status, attribution, message, warnings, export_time, sha256``. Counts are
        whole-file counts (not restricted to a report period).
        """
        rows = []
        for r in self.files:
            rows.append(
                {
                    "file": self.label(r),
                    "table": r.table,
                    "rows_read": r.rows_read,
                    "rows_used": r.rows_used,
                    "rows_skipped": r.rows_skipped,
                    "skip_reasons": "; ".join(f"{k}: {v}" for k, v in r.skip_reasons.items()),
                    "date_min": r.date_min,
                    "date_max": r.date_max,
                    "status": r.status,
                    "attribution": self._attribution(r),
                    "message": r.message,
                    "warnings": "; ".join(r.warnings),
                    "export_time": r.export_time,
                    "sha256": r.sha256,
                }
            )
        columns = [
            "file", "table", "rows_read", "rows_used", "rows_skipped", "skip_reasons",
            "date_min", "date_max", "status", "attribution", "message", "warnings",
            "export_time", "sha256",
        ]  # fmt: skip
        out = pd.DataFrame(rows, columns=columns)
        return out.astype({"rows_read": "int64", "rows_used": "int64", "rows_skipped": "int64"})


def write_columns(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` one column at a time (:func:`read_columns`): pickling a
    whole frame holds a record of every text value it wrote until the end (hundreds of MB for a
    large keyword report); column by column, only one column's."""
    import pickle

    with open(path, "wb") as fh:
        pickle.dump((list(frame.columns), frame.index), fh, protocol=5)
        for column in frame.columns:
            pickle.dump(frame[column], fh, protocol=5)


def read_columns(path: Path) -> pd.DataFrame:
    """The frame :func:`write_columns` wrote."""
    import pickle

    with open(path, "rb") as fh:
        columns, index = pickle.load(fh)
        data = {column: pickle.load(fh) for column in columns}
    return pd.DataFrame(data, index=index, columns=columns)


class SettledTables(Mapping):
    """A dataset's tables written one file each (``<name>.pickle`` in ``folder``), read when
    first asked for, with facts about each (``facts[name]``: row count, …) that need no read:
    a notebook loads only the tables it uses."""

    def __init__(self, folder: Path, facts: dict[str, dict[str, Any]]) -> None:
        self.folder, self.facts = Path(folder), facts
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.facts:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = read_columns(self.folder / f"{name}.pickle")
        return self._read[name]

    def __contains__(self, name: object) -> bool:  # Mapping's default would read the table
        return name in self.facts

    def __iter__(self):
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _not_readable(path: Path, root: str) -> str | None:
    """Why a folder entry is not read (never opened), or ``None`` for a file to read: a
    regular file, or a symbolic link to a regular file inside the folder (``root``, real)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            target = os.path.realpath(path)
            if os.path.commonpath([root, target]) != root:
                return "a symbolic link pointing outside the data folder: not followed"
            try:
                st = os.stat(path)
            except OSError:
                return "a broken symbolic link: nothing to read"
            if stat.S_ISDIR(st.st_mode):
                return "a symbolic link to a folder: not followed"
            if not stat.S_ISREG(st.st_mode):
                return f"a symbolic link to {_special_kind(st.st_mode)}: not opened"
            return None
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc}): not read"
    if stat.S_ISREG(st.st_mode):
        return None
    return f"{_special_kind(st.st_mode)}, not a regular file: not opened"


def _walk(folder: Path, skip: Path | None) -> list[tuple[Path, str | None]]:
    """Every entry of the folder (recursively, links to folders not followed) and why it is
    not read (``None`` for a file to read); hidden entries and the cache left out."""
    root = os.path.realpath(folder)
    found: list[tuple[Path, str | None]] = []
    unlisted: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlisted.append):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith(".") or d == "__pycache__":
                continue
            if skip is not None and sub.resolve() == skip:
                continue
            if sub.is_symlink():
                found.append((sub, _not_readable(sub, root) or "a symbolic link: not followed"))
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            if f.startswith((".", "~$")):
                continue
            found.append((here / f, _not_readable(here / f, root)))
    for err in unlisted:  # a sub-folder that cannot be listed: say so, never drop it silently
        if err.filename is not None and Path(err.filename) != folder:
            reason = f"a folder that cannot be listed ({err.strerror or err}): not read"
            found.append((Path(err.filename), reason))
    return sorted(found, key=lambda e: e[0].relative_to(folder).as_posix())


def folder_digests(
    folder: str | os.PathLike[str], *, cache_dir: Path | None = None
) -> list[tuple[str, str]]:
    """``(path relative to folder, sha256)`` of every file :func:`load_folder` would read (a
    file it lists but cannot read gets ``"not read: <reason>"`` instead of a hash).

    Hashes come from the parse cache's record of each path (size, mtime, inode) when the file
    is unchanged, so a folder already read costs a ``stat`` per file.
    """
    folder = Path(folder)
    root = ingest_cache.cache_root(cache_dir)
    out = []
    for path, reason in _walk(folder, root.resolve()):
        if reason is not None:  # listed but not read (a link, no permission): named, not hashed
            out.append((path.relative_to(folder).as_posix(), f"not read: {reason}"))
            continue
        st = path.stat()
        sha = ingest_cache.known_sha256(root, path, st)
        if sha is None:
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(_CHUNK), b""):
                    digest.update(block)
            sha = digest.hexdigest()
            ingest_cache.remember_sha256(root, path, st, sha)
        out.append((path.relative_to(folder).as_posix(), sha))
    return out


def _conform(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    cols = canonical_columns(name)
    out = {}
    for c, dtype in cols.items():
        if c in frame:
            s = frame[c]
            out[c] = s if str(s.dtype) == dtype else s.astype(dtype)
        else:
            out[c] = pd.Series(index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index)


# Reports of one table at two levels that never replace each other: the 快车 keyword report
# (one row per keyword and day, with 出价 and 关键词ID) and the search-term report (one row per
# search term, keyword and day). Both are kept; rows with a search term are the search-term
# report's, so keyword figures come from the rows without one (never add the two levels up).
LEVEL_COLUMNS = {"keyword_daily": "search_term"}


def _effective_time(report: FileReport) -> dt.datetime:
    """When a file was exported: as stated, else the day after its last day, else never."""
    if report.export_time is not None:
        return report.export_time
    if report.date_max is not None:
        return dt.datetime.combine(report.date_max + dt.timedelta(days=1), dt.time())
    return dt.datetime.min


@dataclass
class _Entry:
    index: int  # position in Dataset.files
    label: str
    frame: pd.DataFrame
    present: set[str]


def _resolve(
    name: str, entries: list[_Entry], reports: list[FileReport]
) -> tuple[pd.DataFrame, list[dict]]:
    """Keep, for each date and keys, only the rows of the latest export holding them.

    The entries' frames are taken (``entry.frame`` becomes empty): once joined, each file's
    rows are held once, not twice."""
    frames = [e.frame for e in entries]
    for e in entries:
        e.frame = pd.DataFrame()
    if len(entries) == 1:
        return frames[0].reset_index(drop=True), []
    _same_categories(frames)
    table = TABLES[name]
    order = sorted(
        range(len(entries)),
        key=lambda i: (_effective_time(reports[entries[i].index]), entries[i].label),
    )
    rank = np.empty(len(entries), dtype=np.int64)
    rank[order] = np.arange(len(entries))
    keys = ["period_start", "period_end"] if table.dated else []
    keys += [k for k in table.keys if all(k in e.present for e in entries)]
    if name in AD_TABLES:
        keys += ["attribution_days", "attribution_basis"]
    if not keys:
        return pd.concat(frames, ignore_index=True), []
    sizes = [len(f) for f in frames]
    big = pd.concat(frames, ignore_index=True)
    frames.clear()
    ranks = np.repeat(rank, sizes)
    top = (
        pd.Series(ranks, index=big.index)
        .groupby([big[k] for k in keys], dropna=False, sort=False)
        .transform("max")
        .to_numpy()
    )
    lost = ranks != top
    overlaps: list[dict] = []
    if lost.any():
        by_rank = {int(rank[i]): entries[i] for i in range(len(entries))}
        if table.dated:
            d0, d1 = big["period_start"], big["period_end"]
        elif "ordered_at" in big:
            d0 = d1 = big["ordered_at"]
        else:
            d0 = d1 = pd.Series(pd.NaT, index=big.index, dtype="datetime64[ns]")
        lost_df = pd.DataFrame(
            {
                "winner": top[lost],
                "loser": ranks[lost],
                "d0": d0[lost].values,
                "d1": d1[lost].values,
            }
        )
        for (w, lo), g in lost_df.groupby(["winner", "loser"], sort=True):
            winner, loser = by_rank[int(w)], by_rank[int(lo)]
            n = len(g)
            overlaps.append(
                {
                    "table": name,
                    "winner": winner.label,
                    "loser": loser.label,
                    "date_min": _date(g["d0"].min()) if g["d0"].notna().any() else None,
                    "date_max": _date(g["d1"].max()) if g["d1"].notna().any() else None,
                    "rows_replaced": n,
                }
            )
            r = reports[loser.index]
            reasons = dict(r.skip_reasons)
            key = f"superseded by {winner.label}"
            reasons[key] = reasons.get(key, 0) + n
            reports[loser.index] = dataclasses.replace(
                r, rows_used=r.rows_used - n, rows_skipped=r.rows_skipped + n, skip_reasons=reasons
            )
    if not overlaps:
        return big, overlaps
    return big.loc[~lost].reset_index(drop=True), overlaps


def _same_categories(frames: list[pd.DataFrame]) -> None:
    """Give each categorical column the same categories in every frame (in place), so that
    joining them keeps it categorical (pandas makes text of categoricals that differ)."""
    for column in frames[0].columns:
        if isinstance(frames[0][column].dtype, pd.CategoricalDtype):
            cats = union_categoricals([f[column] for f in frames], ignore_order=True).categories
            cats = cats.sort_values()
            for f in frames:
                f[column] = f[column].cat.set_categories(cats)


def _entry(
    index: int,
    label: str,
    report: FileReport,
    table: pa.Table,
    meta: dict[str, Any],
    attribution_days: int,
    attribution_basis: str,
) -> _Entry:
    """A file's rows with every canonical column; ad rows get the params' window if unstated."""
    frame = _frame(table, label, meta.get("parts", [""]))
    present = set(frame.columns)
    if report.table in AD_TABLES:
        if "attribution_days" not in frame:
            frame["attribution_days"] = attribution_days
        if "attribution_basis" not in frame:
            frame["attribution_basis"] = attribution_basis
        frame["attribution_basis"] = frame["attribution_basis"].fillna(attribution_basis)
    assert report.table is not None
    return _Entry(index, label, _conform(frame, report.table), present)


def _failure(exc: Exception, path: Path) -> str:
    """The message of a file that could not be read, naming it."""
    if not isinstance(exc, InputError):
        exc = InputError(f"could not read this file ({type(exc).__name__}: {exc})",
                         file=display_name(path))  # fmt: skip
    return display_name(str(exc))


def load_folder(
    folder: str | os.PathLike[str],
    *,
    attribution_days: int = 15,
    attribution_basis: str = "click",
    cache_dir: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Read every export in a folder (recursively) into canonical tables.

    One bad file never stops the others: a file that cannot be read is listed with status
    ``"error"`` and its message, an unknown or empty file with status ``"ignored"``.

    Parameters
    ----------
    folder
        The shop's data folder.
    attribution_days, attribution_basis
        The shop's attribution window (转化周期, days; 0 = 当天) and basis (``"click"``/
        ``"order"``), used for ad files that do not state theirs. Every ``ad_daily``/
        ``keyword_daily`` row carries the window it was measured with.
    cache_dir
        Parse cache (see :func:`read_export`); skipped when it lies inside ``folder``.
    limits
        Bounds on each file's size (see :func:`read_export`).

    The folder is read as data only: regular files inside it (and links to them that stay
    inside it). Links pointing outside it, links to folders, named pipes, devices and
    sockets are listed with status ``"skipped"`` and the reason, and never opened.

    Returns
    -------
    Dataset
        Tables after overlap resolution: for the same day (``period_start``/``period_end``),
        keys (``Table.keys`` found in every file of the table) and attribution window, only the
        rows of the latest export are kept — ranked by stated export time, else by the day after
        the file's last date, ties broken by file name. Replaced rows are counted as skipped in
        the losing file's report (``superseded by <file>``) and listed in ``overlaps``.

    Raises
    ------
    InputError
        The folder does not exist.
    ParameterError
        ``attribution_days`` is not a whole number ≥ 0 or ``attribution_basis`` is unknown.
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(
            f"the data folder {what}: expected a folder of JD export files",
            file=display_name(folder),
        )
    if (
        isinstance(attribution_days, bool)
        or not isinstance(attribution_days, int)
        or attribution_days < 0
    ):
        raise ParameterError(
            f"attribution_days must be a whole number of days >= 0, got {attribution_days!r}"
        )
    if attribution_basis not in BASIS_ZH:
        raise ParameterError(
            f"attribution_basis must be 'click' or 'order', got {attribution_basis!r}"
        )
    root = ingest_cache.cache_root(cache_dir).resolve()
    real_folder = os.path.realpath(folder)
    reports: list[FileReport] = []
    # Each file's rows stay as read (Arrow, compact) until its table is settled: one table's
    # rows at a time become pandas frames, and are freed once the table is settled.
    read: dict[str, list[tuple]] = {}
    for path, reason in _walk(folder, root):
        label = display_name(path.relative_to(folder).as_posix())
        if reason is not None:
            message = f"file {display_name(path)}: {reason}"
            reports.append(FileReport(path, "", None, "skipped", message))
            continue
        try:
            report, table, meta = _load(path, cache_dir, limits, real_folder)
        except Exception as exc:  # one bad file never stops the others
            reports.append(FileReport(path, "", None, "error", _failure(exc, path)))
            continue
        reports.append(report)
        if report.status == "ok":
            assert table is not None
            read.setdefault(report.table, []).append((len(reports) - 1, path, label, table, meta))

    tables: dict[str, pd.DataFrame] = {}
    overlaps: list[dict] = []
    for name in TABLES:
        entries = []
        for index, path, label, table, meta in read.pop(name, []):
            try:
                entries.append(
                    _entry(index, label, reports[index], table, meta, attribution_days,
                           attribution_basis)
                )  # fmt: skip
            except Exception as exc:  # one bad file never stops the others
                reports[index] = FileReport(path, "", None, "error", _failure(exc, path))
        if not entries:
            continue
        level = LEVEL_COLUMNS.get(name)
        groups: dict[bool, list[_Entry]] = {}
        for e in entries:
            groups.setdefault(level is not None and level in e.present, []).append(e)
        del entries
        parts = []
        for group in groups.values():
            part, found = _resolve(name, group, reports)
            parts.append(part)
            overlaps.extend(found)
        del groups
        if len(parts) > 1:
            _same_categories(parts)
        tables[name] = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        del parts
    warnings: list[str] = []
    for name in AD_TABLES:
        if name in tables and len(tables[name]):
            windows = tables[name][["attribution_days", "attribution_basis"]].drop_duplicates()
            if len(windows) > 1:
                labels = ", ".join(
                    f"{'当天' if d == 0 else f'{d}天'} {BASIS_ZH.get(b, b)}"
                    for d, b in windows.itertuples(index=False)
                )
                warnings.append(
                    f"{name} holds rows measured with {len(windows)} attribution windows "
                    f"({labels}): never add them up — filter on attribution_days/attribution_basis"
                )
    failed = [r for r in reports if r.status == "error"]
    if failed:
        warnings.append(f"{len(failed)} file(s) could not be read: see the inventory for why")
    overlap_df = pd.DataFrame(
        overlaps, columns=["table", "winner", "loser", "date_min", "date_max", "rows_replaced"]
    ).astype({"rows_replaced": "int64"})
    return Dataset(
        folder=folder,
        files=reports,
        tables=tables,
        overlaps=overlap_df,
        warnings=warnings,
        attribution_days=attribution_days,
        attribution_basis=attribution_basis,
    )


# --------------------------------------------------------------------------------------------
# Orders


def order_level(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per order from an order export that may hold one row per SKU line.

    JD's order export repeats the order's amounts (订单金额, 实付金额, 优惠金额, 退款金额) on
    every SKU line of the order: they are taken once, never summed. ``quantity`` (商品数量) is
    summed over the lines; ``sku``, ``sku_name`` and every other column take the first line's
    value (first non-empty). A ``lines`` column counts the SKU lines of the order.

    Parameters
    ----------
    orders
        The ``orders`` table (from :func:`read_export` or ``Dataset.table("orders")``).

    Raises
    ------
    InputError
        Two lines of one order state different 订单金额 (the file is inconsistent); names the
        file and row of the first disagreeing line.
    """
    if "order_id" not in orders:
        raise InputError("the orders table has no order_id column", column="订单号")
    df = orders.reset_index(drop=True)
    g = df.groupby("order_id", sort=False, dropna=False)
    if "amount" in df and len(df):
        first = g["amount"].transform("first")
        differs = (df["amount"].notna() & first.notna() & (df["amount"] != first)).to_numpy()
        if differs.any():
            i = int(np.argmax(differs))
            bad = df.iloc[i]
            raise InputError(
                f"order {bad['order_id']} states 订单金额 {first.iloc[i]:g} on an earlier line and "
                f"{bad['amount']:g} here: expected the order's amount repeated identically on "
                "every SKU line",
                file=bad.get("source_file"),
                row=int(bad["row"]) if "row" in df else None,
                column="订单金额",
            )
    others = [c for c in df.columns if c != "order_id"]
    out = g[others].first() if others else g.size().to_frame("lines").iloc[:, :0]
    if "quantity" in df:
        out["quantity"] = g["quantity"].sum(min_count=1)
    out["lines"] = g.size()
    out = out.reset_index()
    return out
