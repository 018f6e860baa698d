"""XLSX export of any filtered list of the registry.

Interface used by the list pages: `xlsx_response(kind, queryset)` with kind one of
"types", "hosts", "points", "groups"; the columns are exactly those of the import layout
of the kind (importers.columns), so an exported file can be corrected and imported back:
importing it unchanged changes nothing. "groups" exports three sheets: the groups, the
households in them (one row per membership) and their members.

The workbook is written with openpyxl's write-only mode (rows go to disk as they are
made) into a temporary file that is then streamed. Cells go through
core.spreadsheets.safe: text is always text (a cell starting with = + - @ is never a
formula) in the Text format, so that Excel keeps the leading zeros of codes when someone
edits them; dates are date cells (dd/mm/yyyy).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import FileResponse
from django.utils import timezone

from binhyen.core.spreadsheets import safe

from .importers.columns import COLUMNS
from .models import Group, GroupHousehold, GroupMember, SchemeEvent
from .services.imports import KINDS

EXPORT_KINDS = ("types", "hosts", "points", "groups")
SHEETS = {"groups": ("groups", "households", "members")}
CHUNK = 2000


def ref_of(obj) -> str | None:
    """The record's ref, or "#<id>" for a record that has none (imports accept both)."""
    if obj is None:
        return None
    return getattr(obj, "ref", "") or f"#{obj.pk}"


def _code(unit) -> str | None:
    return unit.code if unit is not None else None


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def _types(qs) -> Iterator[list]:
    qs = qs.select_related("origin_unit").prefetch_related("labels", "components")
    for t in qs.order_by("code").iterator(chunk_size=CHUNK):
        yield [
            t.code,
            t.name,
            t.name_en,
            t.description,
            _joined(sorted(lb.code for lb in t.labels.all())),
            _joined(t.host_kinds),
            t.origin,
            _code(t.origin_unit),
            t.has_groups,
            _joined(f"{c.code}:{c.name}" for c in t.components.all()),
        ]


def _hosts(qs) -> Iterator[list]:
    qs = qs.select_related("commune", "residential_area").order_by("pk")
    for o in qs.iterator(chunk_size=CHUNK):
        yield [
            ref_of(o),
            o.kind,
            o.name,
            _code(o.commune),
            _code(o.residential_area),
            o.address,
            o.tax_code,
            o.size_class,
            o.school_level,
            o.religious_kind,
            o.established_on,
            o.ceased_on,
            o.notes,
        ]


def _points(qs) -> Iterator[list]:
    last = SchemeEvent.objects.filter(scheme=OuterRef("pk")).order_by("-date", "-pk")
    qs = (
        qs.select_related("scheme_type", "organization", "unit", "replicated_from")
        .annotate(
            _status_date=Subquery(last.values("date")[:1]),
            _status_reason=Subquery(last.values("reason")[:1]),
        )
        .order_by("pk")
    )
    for p in qs.iterator(chunk_size=CHUNK):
        settled = p.status == "active"
        yield [
            ref_of(p),
            p.scheme_type.code,
            p.name,
            p.host_kind,
            _code(p.unit),
            ref_of(p.organization),
            p.established_on,
            p.decision_number,
            p.decision_date,
            p.decision_signer,
            p.leader_name,
            p.leader_phone,
            p.contacts,
            p.latitude,
            p.longitude,
            ref_of(p.replicated_from),
            p.notes,
            p.status,
            None if settled else p._status_date,
            None if settled else p._status_reason,
        ]


def _groups(qs) -> Iterator[list]:
    qs = qs.select_related("residential_area", "scheme").order_by("pk")
    for g in qs.iterator(chunk_size=CHUNK):
        yield [
            ref_of(g),
            _code(g.residential_area),
            g.name,
            g.kind,
            g.established_on,
            g.dissolved_on,
            ref_of(g.scheme),
        ]


def _households(groups: QuerySet[Group]) -> Iterator[list]:
    rows = (
        GroupHousehold.objects.filter(group__in=groups.values("pk"))
        .select_related("household__residential_area", "group")
        .order_by("household_id", "joined_on", "pk")
    )
    for m in rows.iterator(chunk_size=CHUNK):
        h = m.household
        yield [
            ref_of(h),
            _code(h.residential_area),
            h.head_name,
            h.address,
            h.people,
            ref_of(m.group),
            m.joined_on,
            m.left_on,
        ]


def _members(groups: QuerySet[Group]) -> Iterator[list]:
    rows = (
        GroupMember.objects.filter(group__in=groups.values("pk"))
        .select_related("group", "household")
        .order_by("group_id", "joined_on", "pk")
    )
    for m in rows.iterator(chunk_size=CHUNK):
        yield [
            ref_of(m.group),
            m.full_name,
            m.role,
            m.phone,
            m.joined_on,
            m.left_on,
            ref_of(m.household),
        ]


ROWS = {
    "types": _types,
    "hosts": _hosts,
    "points": _points,
    "groups": _groups,
    "households": _households,
    "members": _members,
}


def write_sheet(book, kind: str, rows: Iterable[list]) -> None:
    """A sheet named by the kind: the header row (column names), then the rows."""
    ws = book.create_sheet(kind)
    columns = COLUMNS[kind]
    ws.append([c.name for c in columns])
    ws.freeze_panes = "A2"
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"{kind}: {len(row)} values for {len(columns)} columns")
        ws.append(safe.row(ws, row))


def write_xlsx(kind: str, queryset: QuerySet | None, target: IO[bytes] | str) -> None:
    """Write the export of `queryset` (a queryset of the kind's model) to `target`; with
    queryset None, only the header rows (an empty template of the kind)."""
    from openpyxl import Workbook

    if kind not in EXPORT_KINDS and kind != "template":
        raise ValueError(f"unknown export kind {kind!r}")
    book = Workbook(write_only=True)
    sheets = KINDS if kind == "template" else SHEETS.get(kind, (kind,))
    for sheet in sheets:
        if queryset is None:
            rows: Iterable[list] = ()
        else:
            rows = ROWS[sheet](queryset)
        write_sheet(book, sheet, rows)
    book.save(target)


def xlsx_response(kind: str, queryset: QuerySet | None) -> FileResponse:
    """The export of a filtered list as a downloaded workbook, streamed from a temporary
    file (memory does not grow with the list)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(kind, queryset, spool)
    spool.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"binhyen-{kind}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
