"""Import of a year's registrations (the first step of the certification) from XLSX
workbooks and CSV files (docs/certification-files.md).

The layout: one kind, "registrations", one row per subject: subject type, unit code (the
residential area or commune registered) or organisation (its reference or tax code),
year (of the window), registered on, households and households registered (residential
areas). Headers and values may be English or Vietnamese ("Loại đối tượng", "Khu dân cư",
"Doanh nghiệp", …), read by the shared cell rules (core.spreadsheets.cells).

All or nothing (core.spreadsheets.tables.run_all_or_nothing): every row goes through
`services.register` (its rules, its permission check, its audit entries) in a savepoint;
its refusals are reported on its row and column, and nothing is written unless every
row passes. A subject already registered for the year with the same date and
households is "unchanged", so importing the same file twice changes nothing; one
registered with other values is an error (registrations are corrected on their page).
The export of registrations (exports.py) writes this same layout.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.accounts.jurisdiction import restrict
from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.cells import CHOICE, CODE, DATE, INT, REF, TEXT, Column, parse_cell
from binhyen.core.spreadsheets.cells import col as _c
from binhyen.core.spreadsheets.reading import Layout
from binhyen.core.spreadsheets.runs import ImportRun
from binhyen.core.spreadsheets.tables import (
    ImportRejected,
    ImportResult,
    Progress,
    Row,
    RowError,
    Table,
)
from binhyen.core.text import fold
from binhyen.geo.models import UnitVersion
from binhyen.schemes.models import Organization

from . import permissions, services
from .choices import UNIT_SUBJECTS, SubjectType
from .models import Certification

REGISTRATIONS = "registrations"
KINDS = (REGISTRATIONS,)
PROGRESS_EVERY = 1000
INTERNAL_REF = re.compile(r"^#(\d{1,18})$")  # "#<id>": a record without a ref

COLUMNS: dict[str, list[Column]] = {
    REGISTRATIONS: [
        _c("subject_type", CHOICE, "Loại đối tượng", required=True, choices=SubjectType),
        _c("unit_code", CODE, "Mã đơn vị"),
        _c("organization_ref", REF, "Mã tham chiếu tổ chức"),
        _c("tax_code", TEXT, "Mã số thuế", max_length=40, text_only=True),
        _c("year", INT, "Năm", required=True),
        _c("registered_on", DATE, "Ngày đăng ký", required=True),
        _c("households", INT, "Số hộ"),
        _c("households_registered", INT, "Số hộ đăng ký"),
    ]
}
# other headers people write (folded on reading)
ALIASES = {
    REGISTRATIONS: {
        "Đối tượng": "subject_type",
        "Loại": "subject_type",
        "Mã khu dân cư": "unit_code",
        "Mã xã": "unit_code",
        "Mã đơn vị hành chính": "unit_code",
        "Mã tổ chức": "organization_ref",
        "Mã số doanh nghiệp": "tax_code",
        "Năm đánh giá": "year",
        "Năm xét công nhận": "year",
        "Tổng số hộ": "households",
        "Số hộ gia đình": "households",
        "Số hộ đã đăng ký": "households_registered",
    }
}
SHEET_NAMES = {
    fold(name): REGISTRATIONS
    for name in ("registrations", "Đăng ký", "Danh sách đăng ký", "Đăng ký xây dựng")
}
# subject types as Vietnamese documents write them (besides the choices' own labels)
VI_SUBJECTS = {
    fold(text): value
    for value, texts in {
        SubjectType.RESIDENTIAL_AREA: (
            "Khu dân cư",
            "Thôn",
            "Tổ dân phố",
            "Ấp",
            "Bản",
            "Xóm",
            "Buôn",
            "Khu phố",
            "Thôn, tổ dân phố",
        ),
        SubjectType.COMMUNE: ("Xã", "Phường", "Đặc khu", "Xã, phường", "Xã, phường, đặc khu"),
        SubjectType.AGENCY: ("Cơ quan", "Cơ quan, tổ chức"),
        SubjectType.ENTERPRISE: ("Doanh nghiệp", "Công ty"),
        SubjectType.SCHOOL: ("Nhà trường", "Trường", "Trường học", "Cơ sở giáo dục"),
    }.items()
    for text in texts
}
# a service's field → the file's column
FIELD_COLUMNS = {
    "unit": "unit_code",
    "organization": "organization_ref",
    "households_total": "households",
}


def read_cell(column: Column, raw) -> Any:
    if column.name == "subject_type" and isinstance(raw, str):
        value = VI_SUBJECTS.get(fold(raw))
        if value is not None:
            return str(value)
    return parse_cell(column, raw)


LAYOUT = Layout(
    KINDS,
    COLUMNS,
    SHEET_NAMES,
    aliases=ALIASES,
    read_cell=read_cell,
    unknown_message=gettext_lazy(
        "Cannot tell what the file holds: it needs the columns subject_type, year and "
        "registered_on (%(kinds)s)."
    ),
    empty_message=gettext_lazy("Nothing to import: name the sheet of registrations %(kinds)s."),
)
column_names = LAYOUT.column_names


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class _Run(ImportRun):
    kinds = (REGISTRATIONS,)
    field_columns = FIELD_COLUMNS

    def __init__(self, user, progress: Progress | None, max_errors: int):
        super().__init__(user, progress, max_errors)
        self.versions: dict[tuple[str, str], list[UnitVersion]] = {}
        self.allowed: dict[int, bool] = {}
        self.orgs: dict[tuple[str, str], list[Organization]] = {}
        self.subjects: dict[tuple, str] = {}  # (subject, year) → where first named

    # ---- cells --------------------------------------------------------------------------
    def unit(self, row: Row, level: str, on: dt.date):
        """The residential area or commune the row's code names on its date, which the
        user may write (error and None otherwise)."""
        code = row.values.get("unit_code")
        if not code:
            self.error(row, "unit_code", _("Give the code of the unit registered."))
            return None
        key = (code, level)
        if key not in self.versions:
            qs = UnitVersion.objects.filter(unit__code=code, unit__level=level)
            self.versions[key] = list(qs.select_related("unit"))
        unit = next((v.unit for v in self.versions[key] if v.in_force_on(on)), None)
        if unit is None:
            message = _("No %(level)s has the code %(code)s on %(date)s.") % {
                "level": SubjectType(level).label.lower(),
                "code": code,
                "date": _day(on),
            }
            self.error(row, "unit_code", message)
            return None
        if not self.may_write(unit):
            message = _("%(unit)s is outside your jurisdiction.") % {"unit": unit}
            self.error(row, "unit_code", message)
            return None
        return unit

    def may_write(self, unit) -> bool:
        if self.user is None:
            return True
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = permissions.can_write_unit(self.user, unit)
        return self.allowed[unit.pk]

    def _orgs(self, how: str, value: str) -> list[Organization]:
        key = (how, value)
        if key not in self.orgs:
            m = INTERNAL_REF.match(value) if how == "ref" else None
            if m:
                qs = Organization.objects.filter(pk=int(m.group(1)))
            elif how == "ref":
                qs = Organization.objects.filter(ref=value)
            else:
                qs = Organization.objects.filter(tax_code=value)
            if self.user is not None:
                qs = restrict(qs, self.user, "commune")
            self.orgs[key] = list(qs.select_related("commune", "residential_area")[:2])
        return self.orgs[key]

    def organization(self, row: Row) -> tuple[Organization | None, str]:
        """The organisation the row names by reference or tax code, if the user may see
        it; (None, column) with an error otherwise."""
        ref = row.values.get("organization_ref") or ""
        tax = row.values.get("tax_code") or ""
        if not ref and not tax:
            message = _("Give the organisation's reference or its tax code.")
            self.error(row, "organization_ref", message)
            return None, "organization_ref"
        found = None
        if ref:
            matches = self._orgs("ref", ref)
            if not matches:
                message = _("No organisation you may see has the reference %(ref)s.")
                self.error(row, "organization_ref", message % {"ref": ref})
                return None, "organization_ref"
            found = matches[0]
        if tax:
            matches = self._orgs("tax", tax)
            if not matches:
                message = _("No organisation you may see has the tax code %(code)s.")
                self.error(row, "tax_code", message % {"code": tax})
                return None, "tax_code"
            if found is None and len(matches) > 1:
                message = _("Several organisations have the tax code %(code)s: give the reference.")
                self.error(row, "tax_code", message % {"code": tax})
                return None, "tax_code"
            if found is not None and all(m.pk != found.pk for m in matches):
                message = _("The tax code %(code)s is not that of %(org)s.")
                self.error(row, "tax_code", message % {"code": tax, "org": found})
                return None, "tax_code"
            found = found or matches[0]
        column = "organization_ref" if ref else "tax_code"
        code = row.values.get("unit_code")
        places = {found.commune.code}
        if found.residential_area_id:
            places.add(found.residential_area.code)
        if code and code not in places:
            message = _("%(org)s is in %(commune)s, not in the unit %(code)s.")
            self.error(
                row, "unit_code", message % {"org": found, "commune": found.commune, "code": code}
            )
            return None, column
        return found, column

    # ---- the run ------------------------------------------------------------------------
    def run(self, tables: Iterable[Table]) -> None:
        for table in tables:
            self.table = table
            if table.kind not in self.seen:
                self.seen.append(table.kind)
            for row in self.counted(table.rows):
                self.registration(row)

    def counted(self, rows: Iterable[Row]):
        n = 0
        for row in rows:
            n += 1
            if self.progress and n % PROGRESS_EVERY == 0:
                self.progress(REGISTRATIONS, n, False)
            yield row
        if self.progress:
            self.progress(REGISTRATIONS, n, True)

    def first_seen(self, row: Row, key: tuple, column: str, subject) -> bool:
        t = self.table
        here = RowError(t.file, t.sheet, row.line, "", "").where
        first = self.subjects.setdefault(key, here)
        if first == here:
            return True
        message = _("%(subject)s appears twice for %(year)s (first at %(where)s).")
        self.error(row, column, message % {"subject": subject, "year": key[-1], "where": first})
        return False

    def registration(self, row: Row) -> None:
        for column, message in row.errors:
            self.error(row, column, message)
        if row.errors:
            return
        v = row.values
        kind, year, on = v["subject_type"], v["year"], v["registered_on"]
        unit = organization = None
        if kind in UNIT_SUBJECTS:
            unit = self.unit(row, kind, on)
            if unit is None:
                return
            key, column, subject = ("unit", kind, unit.pk, year), "unit_code", unit
            existing = Certification.objects.filter(
                subject_type=kind, unit=unit, organization__isnull=True, year=year
            ).first()
        else:
            organization, column = self.organization(row)
            if organization is None:
                return
            if not self.may_write(organization.commune):
                message = _("%(org)s is outside your jurisdiction.") % {"org": organization}
                self.error(row, column, message)
                return
            key, subject = ("org", organization.pk, year), organization
            existing = Certification.objects.filter(organization=organization, year=year).first()
        if not self.first_seen(row, key, column, subject):
            return
        households = v.get("households")
        registered = v.get("households_registered")
        if existing is not None:
            self.again(row, existing, column)
            return
        try:
            with transaction.atomic():
                services.register(
                    self.user,
                    subject_type=kind,
                    unit=unit,
                    organization=organization,
                    year=year,
                    registered_on=on,
                    households_total=households,
                    households_registered=registered,
                )
        except ValidationError as exc:
            self.service_errors(row, exc, {"organization": column})
        except PermissionDenied as exc:
            self.error(row, column, str(exc) or _("You may not register this subject."))
        else:
            self.counts[REGISTRATIONS].created += 1

    def again(self, row: Row, existing: Certification, column: str) -> None:
        """A subject already registered for the year: unchanged when the row says the
        same, an error when it differs (no registration is rewritten by an import)."""
        v, columns = row.values, self.table.columns
        differs = []
        if existing.registered_on != v["registered_on"]:
            differs.append(_("registered on %(date)s") % {"date": _day(existing.registered_on)})
        if existing.subject_type == SubjectType.RESIDENTIAL_AREA:
            for name, current in (
                ("households", existing.households_total),
                ("households_registered", existing.households_registered),
            ):
                if name in columns and v.get(name) != current:
                    differs.append(f"{name} {current if current is not None else '—'}")
        if differs:
            message = _(
                "%(subject)s is already registered for %(year)s with other values (%(values)s): "
                "correct the registration on its page."
            ) % {"subject": existing.subject, "year": existing.year, "values": "; ".join(differs)}
            self.error(row, column, message)
            return
        self.counts[REGISTRATIONS].unchanged += 1

    # ---- audit --------------------------------------------------------------------------
    def record(self, sources: str) -> None:
        summary = _("Imported registrations from %(file)s") % {"file": sources}
        self.record_counts(REGISTRATIONS, Certification, summary)


import_tables = _Run.import_tables


def import_files(
    files: list[Path | tuple[Path, str]], kind: str | None = None, **options
) -> ImportResult:
    """Import CSV and XLSX files of registrations together (one transaction). Options:
    `user` (None: the system), `dry_run`, `progress`. Raises ImportRejected
    (FileRejected for unreadable files)."""
    return reading.import_files(LAYOUT, import_tables, files, kind or REGISTRATIONS, **options)


__all__ = [
    "COLUMNS",
    "KINDS",
    "LAYOUT",
    "REGISTRATIONS",
    "ImportRejected",
    "column_names",
    "import_files",
    "import_tables",
]
