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

from .base import (
    KINDS,
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


import_tables = _Run.import_tables  # core.spreadsheets.runs.ImportRun.import_tables


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
