"""XLSX exports of tip and case lists. Nothing about informants is ever written: no
identity, no contact, not even whether one was recorded; no passphrase hash either.

Interface: `tips_xlsx(queryset)` and `cases_xlsx(queryset)` return the download of a
filtered list (a FileResponse); `write_tips` / `write_cases` write the same workbook to
a file or stream. Each sheet has one header row of the column names below, then one row
per record; the import of tips and cases reads the same columns.

Sheet "tips" (TIP_COLUMNS):
    code           the tip's code (kept on import: an existing code is the same tip)
    received_at    date and time received, local time (a datetime cell, dd/mm/yyyy hh:mm)
    channel        choices.Channel value (in_person, phone, hotline, letter, ...)
    category       choices.Category value (drugs, theft, ...)
    unit           code of the place (commune or residential area) on the date received
    latitude, longitude   decimal degrees, or empty
    scheme         the scheme point it came through: its ref, or "#<id>" (as schemes exports)
    description    the text of the tip
    handling_unit  code of the unit handling it
    status         choices.Status value
    assessment     choices.Assessment value, or empty
    referred_to    code of the unit it is referred to, or empty
    duplicate_of   code of the tip it repeats, or empty
    public         TRUE for a tip sent through the public channel (informational)

Sheet "cases" (CASE_COLUMNS): number, unit (code of the handling commune or province),
category, opened_on, closed_on (dates), solved (TRUE/FALSE), summary, tips (the codes
of the tips that led to it, separated by "; ").
Sheet "suspects" (SUSPECT_COLUMNS): case_unit, case_number (which case), full_name,
birth_year, arrested_on.
Sheet "seized_items" (SEIZED_ITEM_COLUMNS): case_unit, case_number, description,
quantity, measure.

Cells go through core.spreadsheets.safe: text is always text (a value starting with
= + - @ is never a formula); dates are date cells formatted dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone

from binhyen.core.spreadsheets import safe
from binhyen.schemes.exports import ref_of

from .models import Case, SeizedItem, Suspect, Tip

TIP_COLUMNS = (
    "code",
    "received_at",
    "channel",
    "category",
    "unit",
    "latitude",
    "longitude",
    "scheme",
    "description",
    "handling_unit",
    "status",
    "assessment",
    "referred_to",
    "duplicate_of",
    "public",
)
CASE_COLUMNS = (
    "number",
    "unit",
    "category",
    "opened_on",
    "closed_on",
    "solved",
    "summary",
    "tips",
)
SUSPECT_COLUMNS = ("case_unit", "case_number", "full_name", "birth_year", "arrested_on")
SEIZED_ITEM_COLUMNS = ("case_unit", "case_number", "description", "quantity", "measure")
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _code(unit) -> str | None:
    return unit.code if unit is not None else None


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the local wall-clock time."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def tip_rows(queryset: QuerySet[Tip]) -> Iterator[list]:
    qs = queryset.select_related(
        "unit", "handling_unit", "referred_to", "scheme", "duplicate_of"
    ).order_by("received_at", "pk")
    for t in qs.iterator(chunk_size=CHUNK):
        yield [
            t.code,
            _local(t.received_at),
            t.channel,
            t.category,
            _code(t.unit),
            t.latitude,
            t.longitude,
            ref_of(t.scheme),
            t.description,
            _code(t.handling_unit),
            t.status,
            t.assessment,
            _code(t.referred_to),
            t.duplicate_of.code if t.duplicate_of_id else None,
            t.is_public,
        ]


def case_rows(queryset: QuerySet[Case]) -> Iterator[list]:
    qs = (
        queryset.select_related("unit")
        .prefetch_related(Prefetch("tips", queryset=Tip.objects.only("pk", "code").order_by("pk")))
        .order_by("opened_on", "pk")
    )
    for c in qs.iterator(chunk_size=CHUNK):
        yield [
            c.number,
            c.unit.code,
            c.category,
            c.opened_on,
            c.closed_on,
            c.solved,
            c.summary,
            "; ".join(t.code for t in c.tips.all()),
        ]


def suspect_rows(cases: QuerySet[Case]) -> Iterator[list]:
    rows = (
        Suspect.objects.filter(case__in=cases.values("pk"))
        .select_related("case__unit")
        .order_by("case_id", "pk")
    )
    for s in rows.iterator(chunk_size=CHUNK):
        yield [s.case.unit.code, s.case.number, s.full_name, s.birth_year, s.arrested_on]


def seized_item_rows(cases: QuerySet[Case]) -> Iterator[list]:
    rows = (
        SeizedItem.objects.filter(case__in=cases.values("pk"))
        .select_related("case__unit")
        .order_by("case_id", "pk")
    )
    for i in rows.iterator(chunk_size=CHUNK):
        yield [i.case.unit.code, i.case.number, i.description, i.quantity, i.measure]


def _sheet(book, name: str, columns: tuple[str, ...], rows: Iterable[list]) -> None:
    ws = book.create_sheet(name)
    ws.append(list(columns))
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append(safe.row(ws, row))


def write_tips(queryset: QuerySet[Tip] | None, target: IO[bytes] | str) -> None:
    """The tips of `queryset` (None: the header only, an empty template)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _sheet(book, "tips", TIP_COLUMNS, () if queryset is None else tip_rows(queryset))
    book.save(target)


def write_cases(queryset: QuerySet[Case] | None, target: IO[bytes] | str) -> None:
    """The cases of `queryset` with their suspects and seized items (three sheets)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    empty = queryset is None
    _sheet(book, "cases", CASE_COLUMNS, () if empty else case_rows(queryset))
    _sheet(book, "suspects", SUSPECT_COLUMNS, () if empty else suspect_rows(queryset))
    _sheet(book, "seized_items", SEIZED_ITEM_COLUMNS, () if empty else seized_item_rows(queryset))
    book.save(target)


def _response(kind: str, write, queryset) -> FileResponse:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write(queryset, spool)
    spool.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = FileResponse(
        spool, as_attachment=True, filename=f"binhyen-{kind}-{stamp}.xlsx", content_type=XLSX_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


def tips_xlsx(queryset: QuerySet[Tip]) -> FileResponse:
    return _response("tips", write_tips, queryset)


def cases_xlsx(queryset: QuerySet[Case]) -> FileResponse:
    return _response("cases", write_cases, queryset)
