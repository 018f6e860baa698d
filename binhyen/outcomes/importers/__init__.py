"""Spreadsheet import of the outcome registers (docs/outcomes.md): `columns` holds each
register's layout, `reading` streams CSV files and XLSX sheets as tables, and
services.imports checks and writes them, all or nothing."""

from __future__ import annotations

from pathlib import Path

from binhyen.schemes.services.imports import ImportRejected, ImportResult, RowError

from .columns import COLUMNS, EXPORT_COLUMNS, column_names
from .reading import FileRejected, opened, sniff


def import_files(
    files: list[Path | tuple[Path, str]],
    register: str | None = None,
    *,
    user=None,
    dry_run: bool = False,
    progress=None,
) -> ImportResult:
    """Import CSV and XLSX files together (one transaction). `files` are paths or (path,
    name shown in errors); `register` is the register of CSV files and one-sheet
    workbooks (else detected). `user`: whose jurisdiction every row must be in (None:
    the system). Raises ImportRejected (FileRejected for unreadable files)."""
    from ..services.imports import import_tables  # (services import the columns)

    pairs = [f if isinstance(f, tuple) else (Path(f), Path(f).name) for f in files]
    with opened(pairs, register) as found:
        result = import_tables(
            found.tables,
            user=user,
            dry_run=dry_run,
            progress=progress,
            sources=", ".join(found.labels),
        )
    result.skipped = found.skipped
    return result


__all__ = [
    "COLUMNS",
    "EXPORT_COLUMNS",
    "FileRejected",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "column_names",
    "import_files",
    "sniff",
]
