"""XLSX export of any filtered list of the registers.

The columns are those of the register's import layout (importers.columns) without a
managed person's identity, which is never exported: a person is named by their code.
An exported file can be corrected and imported back; importing it unchanged changes
nothing. Cells go through core.spreadsheets.safe: text is always text (a cell starting
with = + - @ is never a formula) in the Text format, so Excel keeps leading zeros."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from binhyen.core.spreadsheets import safe
from binhyen.schemes.exports import ref_of
from binhyen.schemes.importers.columns import Column

from .importers.columns import COLUMNS, EXPORT_COLUMNS
from .registers import LEDGERS, MANAGED, SLUGS

CHUNK = 2000


def _code(unit) -> str | None:
    return unit.code if unit is not None else None


def _ledger_rows(slug: str, qs: QuerySet) -> Iterator[list]:
    register = LEDGERS[slug]
    qs = qs.select_related("unit", "scheme").order_by("date", "pk")
    for r in qs.iterator(chunk_size=CHUNK):
        yield [
            ref_of(r),
            r.date,
            _code(r.unit),
            *[getattr(r, name) for name in register.fields],
            ref_of(r.scheme),
            r.notes,
        ]


def _managed_rows(qs: QuerySet) -> Iterator[list]:
    qs = qs.select_related("person", "unit", "group", "scheme").order_by("intake_on", "pk")
    for p in qs.iterator(chunk_size=CHUNK):
        yield [
            ref_of(p),
            p.person.code,
            p.kind,
            p.intake_on,
            _code(p.unit),
            ref_of(p.group),
            ref_of(p.scheme),
            p.exit_on,
            p.exit_reason,
            p.exemplary,
        ]


def rows_of(slug: str, qs: QuerySet) -> Iterator[list]:
    return _managed_rows(qs) if slug == MANAGED else _ledger_rows(slug, qs)


def write_sheet(book, name: str, columns: list[Column], rows: Iterable[list]) -> None:
    ws = book.create_sheet(name)
    ws.append([c.name for c in columns])
    ws.freeze_panes = "A2"
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"{name}: {len(row)} values for {len(columns)} columns")
        ws.append(safe.row(ws, row))


def write_xlsx(slug: str, queryset: QuerySet | None, target: IO[bytes] | str) -> None:
    """The export of `queryset` (records of the register `slug`) to `target`; slug
    "template": an empty workbook with every register's sheet and import columns."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    if slug == "template":
        for name in SLUGS:
            write_sheet(book, name, COLUMNS[name], ())
    elif slug in SLUGS:
        rows = rows_of(slug, queryset) if queryset is not None else ()
        write_sheet(book, slug, EXPORT_COLUMNS[slug], rows)
    else:
        raise ValueError(f"unknown register {slug!r}")
    book.save(target)


def xlsx_response(slug: str, queryset: QuerySet | None) -> FileResponse:
    """The export as a downloaded workbook, streamed from a temporary file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(slug, queryset, spool)
    spool.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"binhyen-{slug}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
