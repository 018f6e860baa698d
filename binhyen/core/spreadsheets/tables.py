"""What a spreadsheet import reads and answers: tables of rows, errors, counts.

The reader (`reading`) turns files into `Table`s of `Row`s; an app's import service checks
and writes them and answers an `ImportResult`, or raises `ImportRejected` listing every
`RowError` (nothing written)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str, int, bool], None]  # (kind, rows read so far, table finished)


@dataclass(frozen=True)
class RowError:
    file: str
    sheet: str
    line: int
    column: str
    message: str

    @property
    def where(self) -> str:
        where = f"{self.file}[{self.sheet}]" if self.sheet else self.file
        return f"{where}:{self.line}" if self.line else where

    def __str__(self) -> str:
        column = f" [{self.column}]" if self.column else ""
        return f"{self.where}{column} {self.message}"


class ImportRejected(Exception):
    """Nothing was written; `errors` lists the refusals (at most the service's
    MAX_ERRORS of them, `truncated` when the run stopped there)."""

    def __init__(self, errors: list[RowError], truncated: bool = False):
        self.errors = errors
        self.truncated = truncated
        super().__init__("\n".join(str(e) for e in errors[:50]))


class FileRejected(ImportRejected):
    """A file cannot be read at all (missing, not CSV/XLSX, no header, missing columns)."""


@dataclass
class Row:
    """One data row: its line in the file, its parsed values by column (only the columns
    the file has; None for an empty cell), and the errors found reading its cells."""

    line: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


@dataclass(frozen=True)
class CsvSource:
    """Where a CSV table's rows come from, for an import that reads the file body itself
    (a set-based path): the file, the line of its header, the header's width and which
    column each header cell is (index → cells.Column)."""

    path: Any
    header_line: int
    width: int
    columns: dict[int, Any]


@dataclass
class Table:
    """The rows of one kind from one CSV file or one sheet of a workbook, read once.
    `source`: the CSV file behind the rows (None for a sheet of a workbook)."""

    kind: str
    file: str
    sheet: str
    columns: frozenset[str]
    rows: Iterable[Row]
    source: CsvSource | None = None


@dataclass
class KindCounts:
    """Rows that create something, change something, or change nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    counts: dict[str, KindCounts]  # the kinds imported, in the import's order
    dry_run: bool = False
    skipped: list[str] = field(default_factory=list)  # sheets not recognised, left out

    @property
    def changed_anything(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


class TooMany(Exception):
    """The run stopped at the error cap."""


def run_all_or_nothing(run, tables, *, dry_run: bool, sources: str, order, seen) -> ImportResult:
    """Run an import's checks and writes as one transaction: every error collected, none
    written unless there are none; a dry run rolls back. `run` has `run(tables)`,
    `errors`, `table`, `counts` and `record(sources)`; `order` lists the kinds in their
    import order and `seen` those the tables held. A database refusal the checks missed
    becomes an error line, not a traceback."""
    from django.db import DatabaseError, transaction
    from django.utils.translation import gettext as _

    try:
        with transaction.atomic():
            try:
                run.run(tables)
            except TooMany:
                raise ImportRejected(run.errors, truncated=True) from None
            if run.errors:
                raise ImportRejected(run.errors)
            if dry_run:
                transaction.set_rollback(True)
            else:
                run.record(sources)
    except DatabaseError as exc:
        t = run.table
        message = _("The database refused the data: %(error)s") % {"error": exc}
        where = RowError(t.file if t else "", t.sheet if t else "", 0, "", message)
        raise ImportRejected([*run.errors, where]) from exc
    counts = {kind: run.counts[kind] for kind in order if kind in seen()}
    return ImportResult(counts, dry_run=dry_run)
