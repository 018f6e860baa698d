"""The frame of an import run: rows, errors, results, and what every kind needs (units
on a date, the user's jurisdiction, records by ref)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Q
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.core.spreadsheets.runs import MAX_ERRORS, ImportRun  # noqa: F401 (MAX_ERRORS re-exported)
from binhyen.core.spreadsheets.tables import (  # the reader's tables, errors and counts
    ImportRejected,  # noqa: F401 (re-exported to the import services)
    ImportResult,  # noqa: F401
    KindCounts,  # noqa: F401 (re-exported)
    Progress,
    Row,
    RowError,  # noqa: F401 (re-exported)
    Table,
    TooMany,  # noqa: F401 (raised at the error cap; re-exported)
)
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import LEVEL_RANK, Level
from binhyen.geo.models import AdminUnit, UnitVersion
from binhyen.schemes import permissions
from binhyen.schemes.models import Group, GroupMember, Household, Organization, Scheme, SchemeType

KINDS = ("types", "hosts", "points", "groups", "households", "members")
MODELS = {
    "types": SchemeType,
    "hosts": Organization,
    "points": Scheme,
    "groups": Group,
    "households": Household,
    "members": GroupMember,
}

BATCH = 1000
PROGRESS_EVERY = 1000
INTERNAL_REF = re.compile(r"^#(\d{1,18})$")


class Refused(Exception):
    """A row refused once its error is reported: its savepoint is rolled back."""


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


FAILED = _Marker("FAILED")  # the row defining this key was refused: dependants stay silent
OUTSIDE = _Marker("OUTSIDE")  # the ref belongs to a record the user may not see


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def day(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


def overlaps(start: dt.date, end: dt.date | None, start2: dt.date, end2: dt.date | None) -> bool:
    """The half-open intervals [start, end) and [start2, end2) meet."""
    return (end is None or start2 < end) and (end2 is None or start < end2)


def differs(obj, name: str, value) -> bool:
    f = obj._meta.get_field(name)
    if isinstance(f, ForeignKey):
        return getattr(obj, f.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def user_ref(ref: str) -> str:
    """The ref stored on the record: "#<id>" names a record that has none."""
    return "" if INTERNAL_REF.match(ref) else ref


class RunBase(ImportRun):
    """State and helpers shared by the kinds (see RecordRows, StructureRows), beside
    those of every import (core.spreadsheets.runs.ImportRun)."""

    kinds = KINDS

    def __init__(self, user, progress: Progress | None, max_errors: int):
        super().__init__(user, progress, max_errors)
        self.today = geo_queries.today()
        self.seen_kinds = self.seen  # the name this package uses
        self.versions: dict[tuple[str, str], list[UnitVersion]] = {}
        self.allowed: dict[tuple[bool, int], bool] = {}
        self.labels: dict | None = None  # label code → Label, read once
        # key → record or info, FAILED or OUTSIDE; from this file or read from the database
        self.types: dict[str, Any] = {}
        self.hosts: dict[str, Any] = {}
        self.points: dict[str, Any] = {}
        self.groups: dict[str, Any] = {}
        self.households: dict[str, Any] = {}
        self.member_rows: dict[tuple, tuple] = {}  # (group id, name, joined) → db row
        self.seen_memberships: set[int] = set()  # memberships this import wrote or matched

    # ---- errors ------------------------------------------------------------------------
    @property
    def writing(self) -> bool:
        """Bulk writes stop at the first error: everything is rolled back anyway."""
        return not self.errors

    def reading_errors(self, row: Row) -> bool:
        for column, message in row.errors:
            self.error(row, column, message)
        return bool(row.errors)

    def date_order(self, row: Row, column: str, start: dt.date, what: str) -> bool:
        end = row.values.get(column)
        if end is None or end >= start:
            return True
        self.error(
            row,
            column,
            _("The date cannot be before %(what)s (%(date)s).")
            % {"what": what, "date": day(start)},
        )
        return False

    # ---- units and permissions ----------------------------------------------------------
    def unit(self, code: str, on: dt.date, level: str | None) -> AdminUnit | None:
        """The unit bearing `code` (at `level`) on a date: the rule of
        geo.queries.unit_by_code (coarsest level first), each code's versions read once."""
        key = (code, level or "")
        versions = self.versions.get(key)
        if versions is None:
            qs = UnitVersion.objects.filter(unit__code=code).select_related("unit")
            if level:
                qs = qs.filter(unit__level=level)
            versions = sorted(qs, key=lambda v: LEVEL_RANK[v.unit.level])
            self.versions[key] = versions
        return next((v.unit for v in versions if v.in_force_on(on)), None)

    def resolve(
        self, row: Row, column: str, on: dt.date, level: str | None, current=None
    ) -> AdminUnit | None:
        """The unit a code column names on the row's date; a record's own unit is kept when
        the code is unchanged. None when the cell is empty or (with an error) unknown."""
        code = row.values.get(column)
        if not code:
            return None
        if current is not None and current.code == code and level in (None, current.level):
            return current
        unit = self.unit(code, on, level)
        if unit is None:
            if level:
                message = _("No %(level)s has the code %(code)s on %(date)s.") % {
                    "level": Level(level).label.lower(),
                    "code": code,
                    "date": day(on),
                }
            else:
                message = _("No unit has the code %(code)s on %(date)s.") % {
                    "code": code,
                    "date": day(on),
                }
            self.error(row, column, message)
        return unit

    def may_write(self, row: Row, column: str, unit: AdminUnit, structure: bool = False) -> bool:
        """Whether the importing user may write records of the unit (error if not)."""
        if self.user is None:
            return True
        key = (structure, unit.pk)
        if key not in self.allowed:
            check = permissions.can_write_structure if structure else permissions.can_write_unit
            self.allowed[key] = check(self.user, unit)
        if not self.allowed[key]:
            self.error(row, column, _("%(unit)s is outside your jurisdiction.") % {"unit": unit})
        return self.allowed[key]

    # ---- records by ref -------------------------------------------------------------------
    def by_refs(self, model, scoped, refs: set, select: tuple = ()) -> dict[str, Any]:
        """Records bearing these refs ("#<id>" for a record without one): the record, or
        OUTSIDE when it exists but the user may not see it. Unknown refs are left out."""
        refs = {r for r in refs if r}
        if not refs:
            return {}
        pks = {int(m.group(1)): r for r in refs if (m := INTERNAL_REF.match(r))}
        names = refs - set(pks.values())
        found_rows = list(
            model.objects.filter(Q(ref__in=names) | Q(pk__in=pks)).select_related(*select)
        )
        visible = {o.pk for o in found_rows}
        if self.user is not None and found_rows:
            visible = set(scoped(self.user).filter(pk__in=visible).values_list("pk", flat=True))
        found: dict[str, Any] = {}
        for obj in found_rows:
            if obj.ref in names:
                found[obj.ref] = obj if obj.pk in visible else OUTSIDE
            if obj.pk in pks and obj.pk in visible:
                found[pks[obj.pk]] = obj
        return found

    def bad_ref(self, row: Row, column: str, found) -> None:
        ref = row.values.get(column)
        if found is OUTSIDE:
            message = _("The reference %(ref)s belongs to a record outside your jurisdiction.")
        else:
            message = _("No record has the reference %(ref)s.")
        self.error(row, column, message % {"ref": ref})

    def referenced(self, store: dict, row: Row, column: str, load=None) -> Any:
        """The record or info a reference column names, from this file or the database;
        None when the cell is empty or the ref is refused (error reported, except when
        the row defining it was refused already)."""
        ref = row.values.get(column)
        if not ref:
            return None
        if ref not in store and load is not None:
            store.update(load({ref}))
        found = store.get(ref)
        if found is FAILED:
            return None
        if found is None or found is OUTSIDE:
            self.bad_ref(row, column, found)
            return None
        return found

    @staticmethod
    def names_current(row: Row, column: str, current) -> bool:
        """Whether the reference cell names the record already linked (`current`): an
        export names it even when the user may not see it, and importing the file back
        must change nothing."""
        ref = row.values.get(column)
        return bool(ref) and current is not None and ref in {current.ref, f"#{current.pk}"}

    def own_record(self, model, scoped, row: Row, select=()) -> Any:
        """The record named by the row's own ref: the record, None (a new one), or FAILED."""
        ref = row.values["ref"]
        found = self.by_refs(model, scoped, {ref}, select).get(ref)
        if found is OUTSIDE or (found is None and INTERNAL_REF.match(ref)):
            self.bad_ref(row, "ref", found)
            return FAILED
        return found

    # ---- the run --------------------------------------------------------------------------
    def run(self, tables: Iterable[Table]) -> None:
        for table in sorted(tables, key=lambda t: KINDS.index(t.kind)):
            self.table = table
            if table.kind not in self.seen_kinds:
                self.seen_kinds.append(table.kind)
            getattr(self, f"{table.kind}_table")(self.counted(table.rows))

    def counted(self, rows: Iterable[Row]) -> Iterator[Row]:
        kind, n = self.table.kind, 0
        for row in rows:
            n += 1
            if self.progress and n % PROGRESS_EVERY == 0:
                self.progress(kind, n, False)
            yield row
        if self.progress:
            self.progress(kind, n, True)

    def count(self, created: bool = False, updated: bool = False) -> None:
        c = self.counts[self.table.kind]
        if created:
            c.created += 1
        elif updated:
            c.updated += 1
        else:
            c.unchanged += 1

    def through_service(self, row: Row, write: Callable[[], Any]) -> Any:
        """Run a row's writes in a savepoint; a refusal rolls back that row only."""
        try:
            with transaction.atomic():
                return write()
        except ValidationError as exc:
            self.service_errors(row, exc)
        except Refused:
            pass
        return None

    def rows_by_key(self, rows: Iterable[Row], store: dict, key: str, handle) -> None:
        """Row by row through `handle`, each key defined once; refused keys are FAILED."""
        for row in rows:
            value = row.values.get(key)
            ok = not self.reading_errors(row) and self.first_seen(value, row, key)
            store[value] = (handle(row) if ok else None) or FAILED

    # ---- audit ------------------------------------------------------------------------
    def record(self, sources: str) -> None:
        for kind in self.seen_kinds:
            c = self.counts[kind]
            audit.record_bulk(
                MODELS[kind],
                _("Imported %(kind)s from %(file)s") % {"kind": kind, "file": sources},
                created=c.created,
                updated=c.updated,
                unchanged=c.unchanged,
            )
