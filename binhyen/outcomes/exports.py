"""XLSX export of any filtered list of the registers.

The columns are those of the register's import layout (importers.columns) without a
managed person's identity, which is never exported: a person is named by their code.
An exported file can be corrected and imported back; importing it unchanged changes
nothing. Text is always written as text: a cell starting with = + - @ is never a
formula, and code columns carry the Text format so that Excel keeps leading zeros."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from binhyen.schemes.exports import FORMULA_START, ref_of
from binhyen.schemes.importers.columns import DATE, Column

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


def _cell(ws, value, is_date: bool):
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"  # never a formula, whatever it starts with
        cell.number_format = "@"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell
    if is_date and isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    return value


def write_sheet(book, name: str, columns: list[Column], rows: Iterable[list]) -> None:
    ws = book.create_sheet(name)
    dates = [c.type == DATE for c in columns]
    ws.append([c.name for c in columns])
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([_cell(ws, v, d) for v, d in zip(row, dates, strict=True)])


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
