"""Bulk import of the outcome registers from spreadsheet rows (read by
`outcomes.importers`).

All-or-nothing: the whole import runs in one transaction, rolled back if any row is
refused (or for a dry run), so a dry run's plan is exactly what a real run does. Every
row goes through the services (their rules, their audit entries) in a savepoint; every
refusal is a RowError (file, sheet, line, column, translatable message), and the run goes
on to report many errors at once, up to core.spreadsheets.runs.MAX_ERRORS.

A row with a `ref` (a stable key chosen by the user, or "#<id>" as exports write for a
record without one) updates that record, so importing the same file twice changes
nothing; a row without a ref is a new record. A managed person is named by their code
(`person_code`, as exports write it) or by full name and year of birth (found again if
already recorded). Each register imported writes one `audit.record_bulk` summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields import DecimalField
from django.utils.translation import gettext as _

from binhyen.core.spreadsheets.runs import ImportRun
from binhyen.geo.choices import LEVEL_RANK, Level
from binhyen.geo.models import AdminUnit, UnitVersion
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.models import Group, Scheme
from binhyen.schemes.services.imports import (
    ImportRejected,
    ImportResult,
    Row,
    RowError,
    Table,
)
from binhyen.schemes.services.imports.base import INTERNAL_REF, day, user_ref

from .. import permissions, queries
from ..importers.columns import FIELD_COLUMNS, IDENTITY_COLUMNS
from ..models import ManagedPerson, SupervisionPeriod
from ..registers import LEDGERS, MANAGED, MODELS, SLUGS, Register
from .ledgers import save_record
from .managed import Identity, find_person, take_in, update_period

PROGRESS_EVERY = 1000
Progress = Callable[[str, int, bool], None]  # (register, rows read so far, finished)
LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)
MISSING = object()


class _Run(ImportRun):
    kinds = SLUGS
    field_columns = FIELD_COLUMNS

    def __init__(self, user, progress: Progress | None, max_errors: int):
        super().__init__(user, progress, max_errors)
        self.versions: dict[str, list[UnitVersion]] = {}
        self.allowed: dict[int, bool] = {}
        self.refs: dict[tuple[str, str], Any] = {}  # (what, ref) → record or None

    def first_seen(self, ref: str, row: Row, column: str = "ref") -> bool:
        return super().first_seen(ref, row, column)

    # ---- cells ------------------------------------------------------------------------
    def unit(self, row: Row, column: str, on: dt.date) -> AdminUnit | None:
        """The commune or residential area the code names on the row's date, which the
        importing user may write records of (error and None otherwise)."""
        code = row.values.get(column)
        versions = self.versions.get(code)
        if versions is None:
            qs = UnitVersion.objects.filter(unit__code=code, unit__level__in=LEVELS)
            versions = sorted(qs.select_related("unit"), key=lambda v: LEVEL_RANK[v.unit.level])
            self.versions[code] = versions
        unit = next((v.unit for v in versions if v.in_force_on(on)), None)
        if unit is None:
            message = _("No commune or residential area has the code %(code)s on %(date)s.")
            self.error(row, column, message % {"code": code, "date": day(on)})
            return None
        if not self.may_write(row, column, unit):
            return None
        return unit

    def may_write(self, row: Row, column: str, unit: AdminUnit) -> bool:
        if self.user is None:
            return True
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = permissions.can_write_unit(self.user, unit)
        if not self.allowed[unit.pk]:
            self.error(row, column, _("%(unit)s is outside your jurisdiction.") % {"unit": unit})
        return self.allowed[unit.pk]

    def by_ref(self, what: str, model, scoped, ref: str, key: str = "ref") -> Any:
        """The record a reference names ("#<id>" or its ref), if the user may see it;
        None when unknown or hidden. Cached per import."""
        cache_key = (what, ref)
        if cache_key not in self.refs:
            m = INTERNAL_REF.match(ref) if key == "ref" else None
            qs = (
                model.objects.filter(pk=int(m.group(1)))
                if m
                else model.objects.filter(**{key: ref})
            )
            if self.user is not None:
                qs = qs.filter(pk__in=scoped(self.user).values("pk"))
            self.refs[cache_key] = qs.first()
        return self.refs[cache_key]

    def referenced(self, row: Row, column: str, what: str, model, scoped) -> Any:
        """The record a reference column names; None for an empty cell, MISSING (with
        an error) for an unknown or hidden one."""
        ref = row.values.get(column)
        if not ref:
            return None
        found = self.by_ref(what, model, scoped, ref)
        if found is None:
            self.error(
                row, column, _("No record you may see has the reference %(ref)s.") % {"ref": ref}
            )
            return MISSING
        return found

    def own(self, row: Row, what: str, model, scoped) -> Any:
        """The record the row's own ref names: the record, None (a new record), or
        MISSING (a "#<id>" ref of no record the user may see; error reported)."""
        ref = row.values.get("ref") or ""
        if not ref:
            return None
        found = self.by_ref(what, model, scoped, ref)
        if found is None and INTERNAL_REF.match(ref):
            self.error(
                row, "ref", _("No record you may see has the reference %(ref)s.") % {"ref": ref}
            )
            return MISSING
        if found is None and self.user is not None and model.objects.filter(ref=ref).exists():
            message = _("The reference %(ref)s belongs to a record outside your jurisdiction.")
            self.error(row, "ref", message % {"ref": ref})
            return MISSING
        return found

    def once(self, record, row: Row) -> bool:
        """False (with an error) when another row already named the same record (by its
        ref and by "#<id>", say)."""
        if record is None:
            return True
        key = f"#{record.pk}"
        return key == row.values.get("ref") or self.first_seen(key, row)

    def through_service(self, row: Row, write: Callable[[], Any]) -> Any:
        try:
            with transaction.atomic():
                return write()
        except ValidationError as exc:
            self.service_errors(row, exc)
        return None

    def count(self, created: bool = False, updated: bool = False) -> None:
        c = self.counts[self.table.kind]
        if created:
            c.created += 1
        elif updated:
            c.updated += 1
        else:
            c.unchanged += 1

    # ---- the run ----------------------------------------------------------------------
    def run(self, tables: Iterable[Table]) -> None:
        for table in sorted(tables, key=lambda t: SLUGS.index(t.kind)):
            self.table = table
            if table.kind not in self.seen:
                self.seen.append(table.kind)
            rows = self.counted(table.rows)
            if table.kind == MANAGED:
                self.managed_rows(rows)
            else:
                self.ledger_rows(LEDGERS[table.kind], rows)

    def counted(self, rows: Iterable[Row]):
        slug, n = self.table.kind, 0
        for row in rows:
            n += 1
            if self.progress and n % PROGRESS_EVERY == 0:
                self.progress(slug, n, False)
            yield row
        if self.progress:
            self.progress(slug, n, True)

    def usable(self, row: Row) -> bool:
        for column, message in row.errors:
            self.error(row, column, message)
        if row.errors:
            return False
        ref = row.values.get("ref")
        return not ref or self.first_seen(ref, row)

    def changed(self, record, values: dict) -> dict:
        out = {}
        for name, value in values.items():
            f = record._meta.get_field(name)
            current = getattr(record, f.attname)
            new = value.pk if hasattr(value, "pk") else value
            if isinstance(f, DecimalField) and current is not None and new is not None:
                differs = current.compare(new) != 0
            else:
                differs = current != new
            if differs:
                out[name] = value
        return out

    # ---- ledgers ----------------------------------------------------------------------
    def ledger_rows(self, register: Register, rows: Iterable[Row]) -> None:
        columns = self.table.columns
        scoped = lambda user: queries.records_for_user(register, user)  # noqa: E731
        for row in rows:
            if not self.usable(row):
                continue
            v = row.values
            existing = self.own(row, register.slug, register.model, scoped)
            if existing is MISSING or not self.once(existing, row):
                continue
            unit = self.unit(row, "unit_code", v["date"])
            scheme = self.referenced(
                row, "scheme_ref", "scheme", Scheme, scheme_queries.schemes_for_user
            )
            if unit is None or scheme is MISSING:
                continue
            if existing is not None and not self.may_write(row, "ref", existing.unit):
                continue
            values: dict[str, Any] = {"date": v["date"], "unit": unit}
            if "scheme_ref" in columns or existing is None:
                values["scheme"] = scheme
            if "notes" in columns:
                values["notes"] = v.get("notes") or ""
            for name in register.fields:
                if name in columns:
                    value = v.get(name)
                    values[name] = "" if value is None else value
            if existing is None:
                values["ref"] = user_ref(v.get("ref") or "")
                if self.through_service(row, lambda values=values: save_record(register, **values)):
                    self.count(created=True)
                continue
            changes = self.changed(existing, values)
            if not changes:
                self.count()
            elif self.through_service(
                row, lambda e=existing, c=changes: save_record(register, e, **c)
            ):
                self.count(updated=True)

    # ---- managed persons --------------------------------------------------------------
    def person_by_code(self, row: Row) -> Any:
        code = row.values.get("person_code")
        if not code:
            return None
        found = self.by_ref("person", ManagedPerson, queries.people_for_user, code, key="code")
        if found is None:
            self.error(
                row,
                "person_code",
                _("No person you may see has the code %(code)s.") % {"code": code},
            )
            return MISSING
        return found

    def identity(self, row: Row) -> Identity | None:
        v = row.values
        if not any(v.get(name) for name in IDENTITY_COLUMNS):
            return None
        return Identity(
            v.get("full_name") or "",
            v.get("birth_year"),
            v.get("id_number") or "",
            v.get("address") or "",
        )

    def managed_rows(self, rows: Iterable[Row]) -> None:
        columns = self.table.columns
        for row in rows:
            if not self.usable(row):
                continue
            v = row.values
            existing = self.own(row, MANAGED, SupervisionPeriod, queries.periods_for_user)
            if existing is MISSING or not self.once(existing, row):
                continue
            person = self.person_by_code(row)
            if person is MISSING:
                continue
            unit = self.unit(row, "unit_code", v["intake_on"])
            group = self.referenced(
                row, "group_ref", "group", Group, scheme_queries.groups_for_user
            )
            scheme = self.referenced(
                row, "scheme_ref", "scheme", Scheme, scheme_queries.schemes_for_user
            )
            if unit is None or MISSING in (group, scheme):
                continue
            values: dict[str, Any] = {"kind": v["kind"], "intake_on": v["intake_on"], "unit": unit}
            for column, name in (("group_ref", "group"), ("scheme_ref", "scheme")):
                if column in columns or existing is None:
                    values[name] = group if name == "group" else scheme
            if "exit_on" in columns:
                values["exit_on"] = v.get("exit_on")
            if "exit_reason" in columns:
                values["exit_reason"] = v.get("exit_reason") or ""
            if "exemplary" in columns:
                values["exemplary"] = bool(v.get("exemplary"))
            identity = self.identity(row)
            if existing is None:
                self.new_period(row, values, person, identity)
            else:
                self.same_period(row, existing, values, person, identity)

    def new_period(self, row: Row, values: dict, person, identity: Identity | None) -> None:
        values["ref"] = user_ref(row.values.get("ref") or "")
        if person is None and identity is None:
            message = _("Give the person's code, or their full name and year of birth.")
            self.error(row, "full_name", message)
            return
        if person is not None:
            write = lambda: take_in(person=person, **values)  # noqa: E731
        else:
            write = lambda: take_in(identity=identity, among=self.people(), **values)  # noqa: E731
        if self.through_service(row, write):
            self.count(created=True)

    def people(self):
        """The people this import may match an identity to (None: the system, all)."""
        return None if self.user is None else queries.people_for_user(self.user)

    def same_period(self, row: Row, period, values: dict, person, identity) -> None:
        if not self.may_write(row, "ref", period.unit):
            return
        if person is not None and person.pk != period.person_id:
            self.error(row, "person_code", _("The record belongs to another person."))
            return
        if person is None and identity is not None:
            try:
                found = find_person(identity, self.people())
            except ValidationError as exc:
                self.service_errors(row, exc)
                return
            if found is None or found.pk != period.person_id:
                self.error(row, "full_name", _("The record belongs to another person."))
                return
        changes = self.changed(period, values)
        if not changes:
            self.count()
        elif self.through_service(row, lambda: update_period(period, **changes)):
            self.count(updated=True)

    # ---- audit ------------------------------------------------------------------------
    def record(self, sources: str) -> None:
        for slug in self.seen:
            summary = _("Imported %(kind)s from %(file)s") % {"kind": slug, "file": sources}
            self.record_counts(slug, MODELS[slug], summary)


import_tables = _Run.import_tables


__all__ = ["ImportRejected", "ImportResult", "RowError", "import_tables"]
