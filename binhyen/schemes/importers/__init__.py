"""Spreadsheet import of the registry: scheme types, host organisations, scheme points,
groups with their households and members (docs/import-formats-schemes.md).

`columns` holds each kind's layout and cell rules, `reading` streams CSV files and XLSX
sheets as tables, and services.imports checks and writes them, all or nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..services.imports import (
    KINDS,
    ImportRejected,
    ImportResult,
    Progress,
    RowError,
    import_tables,
)
from .columns import COLUMNS, column_names
from .reading import FileRejected, opened, sniff


def import_files(
    files: list[Path | tuple[Path, str]],
    kind: str | None = None,
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import CSV and XLSX files together (one transaction, dependency order). `files`
    are paths or (path, name shown in errors). `user`: whose jurisdiction every row must
    be in (None: the system). Raises ImportRejected (FileRejected for unreadable files)."""
    pairs = [f if isinstance(f, tuple) else (Path(f), Path(f).name) for f in files]
    with opened(pairs, kind) as found:
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
    "KINDS",
    "FileRejected",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "column_names",
    "import_files",
    "sniff",
]
