"""Spreadsheet import of the outcome registers (docs/outcomes.md): `columns` holds each
register's layout, core.spreadsheets.reading streams CSV files and XLSX sheets as tables
by it, and services.imports checks and writes them, all or nothing."""

from __future__ import annotations

from pathlib import Path

from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.tables import FileRejected, ImportRejected, ImportResult

from .columns import COLUMNS, EXPORT_COLUMNS, LAYOUT, column_names


def import_files(
    files: list[Path | tuple[Path, str]], register: str | None = None, **options
) -> ImportResult:
    """Import CSV and XLSX files together (one transaction). `files` are paths or (path,
    name shown in errors); `register` is the register of CSV files and one-sheet
    workbooks (else detected). Options: `user`, whose jurisdiction every row must be in
    (None: the system), `dry_run`, `progress`. Raises ImportRejected (FileRejected for
    unreadable files)."""
    from ..services.imports import import_tables  # (services import the columns)

    return reading.import_files(LAYOUT, import_tables, files, register, **options)


__all__ = [
    "COLUMNS",
    "EXPORT_COLUMNS",
    "LAYOUT",
    "FileRejected",
    "ImportRejected",
    "column_names",
    "import_files",
]
