"""Exceptions of jdpromo.

One base class, :class:`JdpromoError`, with specific subclasses. Errors about input files carry
the file, the row as the user sees it in Excel (1-based, header row included) and the column, so
the CLI can print a one-line message instead of a traceback.
"""

from __future__ import annotations

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
