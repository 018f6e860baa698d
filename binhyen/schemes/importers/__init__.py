"""Spreadsheet import of the registry: scheme types, host organisations, scheme points,
groups with their households and members (docs/import-formats-schemes.md).

`columns` holds each kind's layout, core.spreadsheets.reading streams CSV files and XLSX
sheets as tables by it, and services.imports checks and writes them, all or nothing.
"""

from __future__ import annotations

from pathlib import Path

from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.tables import FileRejected

from ..services.imports import KINDS, ImportRejected, ImportResult, import_tables
from .columns import COLUMNS, LAYOUT, column_names


def import_files(
    files: list[Path | tuple[Path, str]], kind: str | None = None, **options
) -> ImportResult:
    """Import CSV and XLSX files together (one transaction, dependency order). `files`
    are paths or (path, name shown in errors); `kind` that of CSV files and one-sheet
    workbooks (else detected). Options: `user`, whose jurisdiction every row must be in
    (None: the system), `dry_run`, `progress`. Raises ImportRejected (FileRejected for
    unreadable files)."""
    return reading.import_files(LAYOUT, import_tables, files, kind, **options)


__all__ = [
    "COLUMNS",
    "KINDS",
    "LAYOUT",
    "FileRejected",
    "ImportRejected",
    "column_names",
    "import_files",
]
