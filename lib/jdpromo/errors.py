"""Exceptions of jdpromo.

One base class, :class:`JdpromoError`, with specific subclasses. Errors about input files carry
the file, the row as the user sees it in Excel (1-based, header row included) and the column, so
the CLI can print a one-line message instead of a traceback.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


class JdpromoError(Exception):
    """Base class of every error jdpromo raises on purpose."""


class ParameterError(JdpromoError):
    """A parameter is unknown, of the wrong type, or out of its allowed values."""


class PeriodError(ParameterError):
    """A period string cannot be parsed or resolved (unknown promotion, bad ISO week …)."""


class ShopIdError(ParameterError):
    """A shop id is not made of letters, digits, ``-`` and ``_`` (it could escape the output folder)."""


class InputError(JdpromoError):
    """An export file cannot be read as it is.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    file
        The file, as a path.
    row
        1-based row number as Excel shows it (the header row and any title lines count).
    column
        The column header as it appears in the file.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class UnknownExportError(InputError):
    """The file's headers match none of the known JD exports (the file is listed as ignored)."""


class PreflightError(ParameterError):
    """The data folder cannot make a report for the period (no recognised export, or no data in
    the period): found before any kernel starts, so the run exits 2 and writes nothing."""


class RunError(JdpromoError):
    """A report run could not be carried out (output folder, notebook missing …).

    ``log_path``, when set, is the log that holds the details (the traceback of a bug)."""

    log_path: Path | None = None


class OutputError(RunError):
    """The report could not be written: disk full, read-only file system, permission denied."""


# File names in messages

_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]"
)


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: object, *, keep: str = "") -> str:
    """``text`` with every character a terminal or a viewer would act on escaped as ``\\xNN``
    / ``\\uNNNN``: C0 and C1 controls (ESC, BEL, CR … — the start of ANSI/OSC sequences), line
    and paragraph separators, bidirectional overrides, and lone surrogates (bytes of a file
    name that are not UTF-8 come back as ``\\xNN``). Characters in ``keep`` stay as they are.
    The output is always encodable as UTF-8."""
    return _CONTROL.sub(lambda m: m[0] if m[0] in keep else _escape(m[0]), str(text))


def display_name(path: str | bytes | os.PathLike) -> str:
    """A file name or path as text that is safe to print, store and show in HTML.

    Bytes that are not UTF-8 (a name from a zip made on Windows with GBK names, which
    ``os.listdir`` returns with surrogate escapes) become ``\\xNN``; control characters (ESC,
    line breaks, the C1 range that opens terminal escapes such as OSC) and bidirectional
    overrides become ``\\xNN``/``\\uNNNN`` (:func:`escape_controls`). Everything else is kept.

    Examples
    --------
    >>> display_name(b"\\xb6\\xa9\\xb5\\xa5.csv")
    '\\\\xb6\\\\xa9\\\\xb5\\\\xa5.csv'
    >>> display_name("a\\x1b]0;x\\x07.csv")
    'a\\\\x1b]0;x\\\\x07.csv'
    >>> display_name("快车_10月.csv")
    '快车_10月.csv'
    """
    text = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return escape_controls(text)
