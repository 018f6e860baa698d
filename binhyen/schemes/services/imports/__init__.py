"""Bulk import of the registry from spreadsheet rows (read by `schemes.importers`).

All-or-nothing: the whole import runs in one transaction that is rolled back if any row
is refused (or for a dry run), so the plan of a dry run is exactly what a real run does.
Kinds are processed in dependency order: types, hosts, points, groups, households,
members. Types, hosts and points go through the services row by row (their rules, their
per-record audit entries); groups, households and members are checked here with the
same rules as services/structure.py and written with bulk_create in batches while the
rows stream by: only what later rows need (refs → ids, dates, intervals) stays in memory.

Every refusal is a RowError (file, sheet, line, column, translatable message); the run
goes on to report many errors at once, up to `MAX_ERRORS`. Records are matched by their
`ref` (a stable key chosen by the user; "#<id>" in exports of records that have none),
so importing the same file twice changes nothing. Each kind imported writes one
`audit.record_bulk` summary.
"""

from __future__ import annotations

from collections.abc import Iterable

from binhyen.core.spreadsheets.tables import run_all_or_nothing

from .base import (
    KINDS,
    MAX_ERRORS,
    ImportRejected,
    ImportResult,
    KindCounts,
    Progress,
    Row,
    RowError,
    RunBase,
    Table,
)
from .records import RecordRows
from .structure import StructureRows


class _Run(RecordRows, StructureRows, RunBase):
    pass


def import_tables(
    tables: Iterable[Table],
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_errors: int = MAX_ERRORS,
    sources: str = "",
) -> ImportResult:
    """Import the tables as one all-or-nothing change (see the module doc). `user` is the
    importing user, whose jurisdiction every row must be in (None: the system, no limit).
    Raises ImportRejected listing the errors; a dry run returns the plan, writes nothing."""
    run = _Run(user, progress, max_errors)
    return run_all_or_nothing(
        run, tables, dry_run=dry_run, sources=sources, order=KINDS, seen=lambda: run.seen_kinds
    )


__all__ = [
    "KINDS",
    "ImportRejected",
    "ImportResult",
    "KindCounts",
    "Progress",
    "Row",
    "RowError",
    "Table",
    "import_tables",
]
