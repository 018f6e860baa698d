"""The state and helpers every import run shares: errors by file, sheet, row and column
(stopping at `max_errors`), the services' refusals put on their row's columns, keys seen
twice, counts by kind, and the audit summary. Each app's run adds its own cells and
writes (`run(tables)`), then `run_import` makes it one all-or-nothing change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from binhyen.core import audit

from .tables import KindCounts, Progress, Row, RowError, Table, TooMany, run_all_or_nothing

MAX_ERRORS = 200


class ImportRun:
    kinds: tuple[str, ...] = ()  # in their import order
    # service field → file column, for refusals the services key by field
    field_columns: dict[str, str] = {}

    def __init__(self, user, progress: Progress | None, max_errors: int):
        self.user = user
        self.progress = progress
        self.max_errors = max_errors
        self.errors: list[RowError] = []
        self.counts = {kind: KindCounts() for kind in self.kinds}
        self.seen: list[str] = []  # the kinds the tables held, in their order
        self.table: Table | None = None
        self.defined: dict[tuple[str, str], str] = {}  # (kind, key) → where first given

    def error(self, row: Row, column: str, message) -> None:
        t = self.table
        self.errors.append(RowError(t.file, t.sheet, row.line, column, str(message)))
        if len(self.errors) >= self.max_errors:
            raise TooMany

    def service_errors(self, row: Row, exc: ValidationError, columns: dict | None = None):
        """A service's refusal, each message on the column of the field it names."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.error(row, "", message)
            return
        columns = {**self.field_columns, **(columns or {})}
        for name, messages in exc.message_dict.items():
            column = "" if name == "__all__" else columns.get(name, name)
            for message in messages:
                self.error(row, column, message)

    def record_counts(self, kind: str, model, summary: str) -> None:
        """One audit entry for the kind's rows (a bulk import is not audited row by row)."""
        c = self.counts[kind]
        audit.record_bulk(
            model, summary, created=c.created, updated=c.updated, unchanged=c.unchanged
        )

    @classmethod
    def import_tables(
        cls,
        tables,
        *,
        user=None,
        dry_run: bool = False,
        progress: Progress | None = None,
        max_errors: int = MAX_ERRORS,
        sources: str = "",
    ):
        """Import the tables as one all-or-nothing change. `user`: whose jurisdiction
        every row must be in (None: the system). Raises ImportRejected listing the
        errors; a dry run returns the plan and writes nothing."""
        run = cls(user, progress, max_errors)
        return run_import(run, tables, dry_run=dry_run, sources=sources, order=cls.kinds)

    def first_seen(self, key: str, row: Row, column: str) -> bool:
        """False (with an error) when another row of the kind already has this key."""
        t = self.table
        here = RowError(t.file, t.sheet, row.line, "", "").where
        first = self.defined.setdefault((t.kind, key), here)
        if first == here:
            return True
        message = _("%(key)s appears twice (first at %(where)s).")
        self.error(row, column, message % {"key": key, "where": first})
        return False


def run_import(run: ImportRun, tables, *, dry_run: bool, sources: str, order):
    """`run` over the tables as one all-or-nothing change (dry run: rolled back)."""
    return run_all_or_nothing(
        run, tables, dry_run=dry_run, sources=sources, order=order, seen=lambda: run.seen
    )
