"""The registration and decision lists of a commune or district (any unit) for a year,
as one XLSX workbook with two sheets:

- "registrations": the import layout (importers.COLUMNS) followed by two columns the
  import ignores (the subject's name and the share of households registered), so the
  sheet can be corrected and imported back; importing it unchanged changes nothing;
- "decisions": each subject's status, decision number, date and authority, and
  certificate code and issue date.

Numbers are number cells (the year, households; the share as a fraction shown as a
percentage), dates are date cells (dd/mm/yyyy), and text is always text: a cell starting
with = + - @ is never a formula (core.spreadsheets.safe)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from binhyen.core.spreadsheets import safe
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit

from .choices import Status
from .importers import COLUMNS, REGISTRATIONS
from .models import Certification

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECISIONS = "decisions"


@dataclass(frozen=True)
class Extra:
    """A column the export writes beyond the import layout."""

    name: str
    type: str = "text"


REGISTRATION_EXTRA = [Extra("subject"), Extra("households_share", "percent")]
DECISION_COLUMNS = [
    Extra("subject_type"),
    Extra("unit_code"),
    Extra("organization_ref"),
    Extra("subject"),
    Extra("year", "int"),
    Extra("status"),
    Extra("status_label"),
    Extra("decision_number"),
    Extra("decision_date", "date"),
    Extra("decision_authority"),
    Extra("certificate_code"),
    Extra("certificate_issued_on", "date"),
]


def ref_of(org) -> str | None:
    """The organisation's ref, or "#<id>" when it has none (the import takes both)."""
    if org is None:
        return None
    return org.ref or f"#{org.pk}"


def under(queryset: QuerySet[Certification], unit: AdminUnit, year: int) -> QuerySet:
    """The certifications of `year` whose unit rolls up to `unit` under today's
    structure (a district's communes and their residential areas, a commune's areas…)."""
    placed = geo_queries.placed_under([unit], geo_queries.today()).values("unit_id")
    return queryset.filter(year=year, unit_id__in=placed)


def unit_for_code(code: str) -> AdminUnit | None:
    """The unit bearing `code` today (the coarsest level if several do)."""
    version = geo_queries.unit_by_code(code.strip(), geo_queries.today())
    return version.unit if version is not None else None


def _ordered(queryset: QuerySet[Certification]) -> QuerySet[Certification]:
    return queryset.select_related("unit", "organization", "organization__commune").order_by(
        "unit__code", "subject_type", "organization__name", "pk"
    )


def _subject_name(cert: Certification) -> str:
    return cert.organization.name if cert.organization_id else cert.unit.name


def _share(cert: Certification) -> float | None:
    if not cert.households_total or cert.households_registered is None:
        return None
    return cert.households_registered / cert.households_total


def _unit_code(cert: Certification) -> str:
    """The import's unit_code: the unit registered; for an organisation, its commune
    (today's: the import checks the organisation is there)."""
    return cert.organization.commune.code if cert.organization_id else cert.unit.code


def registration_row(cert: Certification) -> list:
    org = cert.organization
    return [
        cert.subject_type,
        _unit_code(cert),
        ref_of(org),
        (org.tax_code or None) if org is not None else None,
        cert.year,
        cert.registered_on,
        cert.households_total,
        cert.households_registered,
        _subject_name(cert),
        _share(cert),
    ]


def decision_row(cert: Certification) -> list:
    return [
        cert.subject_type,
        _unit_code(cert),
        ref_of(cert.organization),
        _subject_name(cert),
        cert.year,
        cert.status,
        str(Status(cert.status).label),
        cert.decision_number,
        cert.decision_date,
        cert.decision_authority,
        cert.certificate_code if cert.status == Status.CERTIFIED else "",
        cert.certificate_issued_on if cert.status == Status.CERTIFIED else None,
    ]


def _put(sheet, row: int, column: int, value, kind: str) -> None:
    if value is None or value == "":
        return
    cell = safe.put(sheet, row, column, value)
    if isinstance(value, str | dt.date):
        return
    if kind == "percent":
        cell.number_format = "0.0%"
    elif isinstance(value, int):
        cell.number_format = "0"


def _sheet(book, title: str, columns: list, rows) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    for index, column in enumerate(columns, 1):
        sheet.cell(row=1, column=index, value=column.name).font = Font(bold=True)
        width = 30 if column.name in ("subject", "decision_authority") else 16
        sheet.column_dimensions[get_column_letter(index)].width = width
    kinds = [getattr(c, "type", "text") for c in columns]
    for r, values in enumerate(rows, 2):
        for index, (value, kind) in enumerate(zip(values, kinds, strict=True), 1):
            _put(sheet, r, index, value, kind)
    sheet.freeze_panes = "A2"


def workbook(queryset: QuerySet[Certification], title: str = "") -> bytes:
    """The two sheets of the certifications in `queryset` (already scoped and filtered)."""
    from openpyxl import Workbook

    certs = list(_ordered(queryset))
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        REGISTRATIONS,
        [*COLUMNS[REGISTRATIONS], *REGISTRATION_EXTRA],
        map(registration_row, certs),
    )
    _sheet(book, DECISIONS, DECISION_COLUMNS, map(decision_row, certs))
    safe.no_formulas(book)
    book.properties.title = safe.xml_text(title) or _("Certification lists")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def title_of(unit: AdminUnit, year: int) -> str:
    return _("Registrations and decisions “Safe for security and order” %(year)s – %(unit)s") % {
        "year": year,
        "unit": unit.name,
    }


def filename(unit: AdminUnit, year: int) -> str:
    return f"an-toan-anninh-trattu-{unit.code}-{year}.xlsx"


def xlsx_response(queryset: QuerySet[Certification], unit: AdminUnit, year: int) -> HttpResponse:
    data = workbook(under(queryset, unit, year), title_of(unit, year))
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(unit, year)}"'
    return response
