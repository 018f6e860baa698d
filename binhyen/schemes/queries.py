"""Reads of the registry: what a user may see, and the counts reports need.

Every count is taken for a unit (or the whole country) under the structure of a date,
through the Placement table: a record of a commune merged in 2025 counts under its
successor when the structure asked for is 2025's, and under the old commune when it is
2024's. Records that cannot be placed at the level asked (a split commune) are counted
under None, "unallocated", never guessed.

Intervals are half-open: a point dissolved on D is no longer active on D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import restrict
from binhyen.core.text import fold
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import LEVEL_RANK, Level
from binhyen.geo.models import AdminUnit, Placement

from .choices import EventKind, HostKind
from .models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Label,
    Organization,
    Scheme,
    SchemeEvent,
    SchemeType,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)

# ---- what a user may see -----------------------------------------------------------------


def schemes_for_user(user) -> QuerySet[Scheme]:
    return restrict(Scheme.objects.all(), user, "unit")


def get_scheme_for_user(user, pk: int) -> Scheme:
    qs = schemes_for_user(user).select_related("scheme_type", "organization", "unit")
    return get_object_or_404(qs, pk=pk)


def organizations_for_user(user) -> QuerySet[Organization]:
    return restrict(Organization.objects.all(), user, "commune")


def get_organization_for_user(user, pk: int) -> Organization:
    return get_object_or_404(organizations_for_user(user).select_related("commune"), pk=pk)


def groups_for_user(user) -> QuerySet[Group]:
    return restrict(Group.objects.all(), user, "residential_area")


def get_group_for_user(user, pk: int) -> Group:
    qs = groups_for_user(user).select_related("residential_area", "scheme")
    return get_object_or_404(qs, pk=pk)


def households_for_user(user) -> QuerySet[Household]:
    return restrict(Household.objects.all(), user, "residential_area")


def security_teams_for_user(user) -> QuerySet[SecurityTeam]:
    return restrict(SecurityTeam.objects.all(), user, "commune")


def get_security_team_for_user(user, pk: int) -> SecurityTeam:
    return get_object_or_404(security_teams_for_user(user).select_related("commune"), pk=pk)


def bodies_for_user(user, model) -> QuerySet:
    return restrict(model.objects.all(), user, "unit")


def search(qs: QuerySet, text: str) -> QuerySet:
    """Every word of `text`, diacritics ignored, in the record's search name."""
    for word in fold(text).split():
        qs = qs.filter(search_name__contains=word)
    return qs


# ---- dated predicates --------------------------------------------------------------------


def in_force(start: str, end: str, on: dt.date) -> Q:
    """Half-open [start, end) contains `on`."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def last_event_kind(on: dt.date) -> Subquery:
    events = SchemeEvent.objects.filter(scheme=OuterRef("pk"), date__lte=on)
    return Subquery(events.order_by("-date", "-pk").values("kind")[:1])


def active_on(qs: QuerySet[Scheme], on: dt.date) -> QuerySet[Scheme]:
    """Points active on a date: established, not dissolved, not suspended on that day."""
    return (
        qs.filter(in_force("established_on", "dissolved_on", on))
        .annotate(_last_kind=last_event_kind(on))
        .filter(_last_kind__in=[EventKind.ESTABLISHED, EventKind.REACTIVATED])
    )


def between(qs: QuerySet, field_name: str, start: dt.date, end: dt.date) -> QuerySet:
    return qs.filter(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


# ---- geography -------------------------------------------------------------------------


def under(
    qs: QuerySet,
    unit_field: str,
    unit: AdminUnit | None,
    structure_on: dt.date,
    sdate: dt.date | None = None,
) -> QuerySet:
    """Records whose unit rolls up to `unit` (None: anywhere) under the structure of a date
    (`sdate`: its structure date, when already known). Joins each record to exactly one
    Placement row, so nothing is counted twice."""
    sdate = sdate or geo_queries.structure_date(structure_on)
    lookups = {f"{unit_field}__placements__structure_date": sdate}
    if unit is not None:
        lookups[f"{unit_field}__placements__{unit.level}"] = unit
    return qs.filter(**lookups)


def under_code(qs: QuerySet, unit_field: str, code: str) -> QuerySet:
    """Records whose unit rolls up, under today's structure, to the unit bearing `code`
    (the filter every list offers as "unit code"); nothing when no unit bears it, all
    when the code is empty."""
    code = (code or "").strip()
    if not code:
        return qs
    today = geo_queries.today()
    version = geo_queries.unit_by_code(code, today)
    if version is None:
        return qs.none()
    return under(qs, unit_field, version.unit, today)


def child_level(
    unit: AdminUnit | None, structure_on: dt.date, sdate: dt.date | None = None
) -> str | None:
    """The level just below `unit` that the structure of the date has."""
    if unit is None:
        return Level.PROVINCE
    sdate = sdate or geo_queries.structure_date(structure_on)
    for level in Level.values:
        if LEVEL_RANK[level] <= LEVEL_RANK[unit.level]:
            continue
        rows = Placement.objects.filter(structure_date=sdate, **{unit.level: unit})
        if rows.filter(**{f"{level}__isnull": False}).exists():
            return level
    return None


# ---- counts ------------------------------------------------------------------------------


@dataclass
class Row:
    key: object
    label: str
    count: int


@dataclass
class Counts:
    """A total and its breakdown. `overlapping`: one record may count in several rows
    (labels), so the rows do not add up to the total."""

    total: int
    rows: list[Row] = field(default_factory=list)
    overlapping: bool = False
    by: str = ""

    @property
    def row_sum(self) -> int:
        return sum(r.count for r in self.rows)


BREAKDOWNS = {
    "type": _("by scheme type"),
    "label": _("by label"),
    "host_kind": _("by host kind"),
    "unit": _("by unit"),
}
UNALLOCATED = _("Unallocated")


def _labels_of(by: str, keys: list, level: str | None) -> dict:
    if by == "type":
        return {t.pk: t.label for t in SchemeType.objects.filter(pk__in=keys)}
    if by == "label":
        return {lb.pk: lb.label for lb in Label.objects.filter(pk__in=keys)}
    if by == "host_kind":
        return {k: str(HostKind(k).label) for k in keys if k}
    if by == "unit":
        return {u.pk: u.name for u in AdminUnit.objects.filter(pk__in=keys)}
    return {}


def breakdown(
    qs: QuerySet, by: str | None, unit_field: str = "unit", level: str | None = None
) -> Counts:
    """Count distinct records of `qs` (already scoped with `under`), broken down."""
    total = qs.values("pk").distinct().count()
    if not by or (by == "unit" and level is None):
        return Counts(total, by=by or "")
    key = {
        "type": "scheme_type_id",
        "label": "scheme_type__labels",
        "host_kind": "host_kind",
        "unit": f"{unit_field}__placements__{level}",
    }[by]
    grouped = list(
        qs.order_by().values(key).annotate(n=Count("pk", distinct=True)).values_list(key, "n")
    )
    names = _labels_of(by, [k for k, _n in grouped if k is not None], level)
    none_label = _("No label") if by == "label" else UNALLOCATED
    rows = [
        Row(k, names.get(k, str(k)) if k is not None else str(none_label), n) for k, n in grouped
    ]
    if by == "unit":
        rows = _own_level_apart(qs, rows, unit_field, level)
    rows.sort(key=lambda r: (r.key is None or r.key == AT_UNIT_ITSELF, -r.count, r.label))
    return Counts(total, rows, overlapping=(by == "label"), by=by)


AT_UNIT_ITSELF = "self"


def _own_level_apart(qs: QuerySet, rows: list[Row], unit_field: str, level: str) -> list[Row]:
    """Records of the broken-down unit itself (a commune-hosted point, when a commune is
    broken down by residential area) have no sub-unit but are placed: show them apart
    from the truly unallocated."""
    unplaced = next((r for r in rows if r.key is None), None)
    if unplaced is None:
        return rows
    coarser = [lv for lv in Level.values if LEVEL_RANK[lv] < LEVEL_RANK[level]]
    # (a new filter() on the placement would join it again: filter the unit, read the
    # placement through the existing join, count in Python; these are few rows)
    own_unit = qs.filter(**{f"{unit_field}__level__in": coarser})
    placed = own_unit.values_list("pk", f"{unit_field}__placements__{level}")
    own = len({pk for pk, sub in placed if sub is None})
    if not own:
        return rows
    unplaced.count -= own
    rows = [r for r in rows if r.key is not None or r.count]
    rows.append(Row(AT_UNIT_ITSELF, str(_("At the unit itself (not in a sub-unit)")), own))
    return rows


@dataclass(frozen=True)
class Scope:
    """Which records a count covers: a unit (None: the whole country) under the
    structure of a date, optionally within what a user may see."""

    unit: AdminUnit | None = None
    structure_on: dt.date | None = None
    user: object = None

    @property
    def structure(self) -> dt.date:
        return self.structure_on or geo_queries.today()

    @cached_property
    def structure_date(self) -> dt.date | None:
        """The Placement structure date answering for `structure` (looked up once)."""
        return geo_queries.structure_date(self.structure)

    def apply(self, qs: QuerySet, unit_field: str) -> QuerySet:
        if self.user is not None:
            qs = restrict(qs, self.user, unit_field)
        return under(qs, unit_field, self.unit, self.structure, self.structure_date)

    @cached_property
    def _sublevel(self) -> str | None:
        return child_level(self.unit, self.structure, self.structure_date)

    def sublevel(self) -> str | None:
        return self._sublevel


def schemes_active(scope: Scope, on: dt.date, by: str | None = None, **filters) -> Counts:
    qs = active_on(scope.apply(Scheme.objects.filter(**filters), "unit"), on)
    return breakdown(qs, by, "unit", scope.sublevel())


def schemes_established(
    scope: Scope, start: dt.date, end: dt.date, by: str | None = None, **filters
) -> Counts:
    qs = between(
        scope.apply(Scheme.objects.filter(**filters), "unit"), "established_on", start, end
    )
    return breakdown(qs, by, "unit", scope.sublevel())


def schemes_dissolved(
    scope: Scope, start: dt.date, end: dt.date, by: str | None = None, **filters
) -> Counts:
    qs = between(scope.apply(Scheme.objects.filter(**filters), "unit"), "dissolved_on", start, end)
    return breakdown(qs, by, "unit", scope.sublevel())


@dataclass
class StructureCounts:
    """The self-management structure in force on a date."""

    on: dt.date
    steering_committees: int
    boards: int
    groups: int
    households: int
    members: int
    security_teams: int
    security_team_members: int


def structure_on(scope: Scope, on: dt.date) -> StructureCounts:
    groups = scope.apply(
        Group.objects.filter(in_force("established_on", "dissolved_on", on)), "residential_area"
    )
    memberships = scope.apply(
        GroupHousehold.objects.filter(in_force("joined_on", "left_on", on)),
        "group__residential_area",
    )
    members = scope.apply(
        GroupMember.objects.filter(in_force("joined_on", "left_on", on)), "group__residential_area"
    )
    teams = scope.apply(
        SecurityTeam.objects.filter(in_force("formed_on", "dissolved_on", on)), "commune"
    )
    team_members = scope.apply(
        SecurityTeamMember.objects.filter(in_force("appointed_on", "terminated_on", on)),
        "team__commune",
    )
    return StructureCounts(
        on=on,
        steering_committees=scope.apply(
            SteeringCommittee.objects.filter(in_force("established_on", "dissolved_on", on)), "unit"
        ).count(),
        boards=scope.apply(
            SelfManagementBoard.objects.filter(in_force("established_on", "dissolved_on", on)),
            "unit",
        ).count(),
        groups=groups.count(),
        households=memberships.values("household_id").distinct().count(),
        members=members.count(),
        security_teams=teams.count(),
        security_team_members=team_members.count(),
    )


# ---- replication of a type ---------------------------------------------------------------


@dataclass
class ReplicationYear:
    year: int
    established: int
    dissolved: int
    active_at_end: int
    communes: int


@dataclass
class Replication:
    scheme_type: SchemeType
    first_established: dt.date | None
    years: list[ReplicationYear]
    where: Counts

    @property
    def peak(self) -> int:
        return max((y.active_at_end for y in self.years), default=0)


def _communes_reached(points: QuerySet) -> int:
    """Distinct communes of the points under the scope's structure (reading the placement
    through the scope's own join; a point placed in no commune is no commune)."""
    communes = points.order_by().values_list("unit__placements__commune", flat=True).distinct()
    return len([c for c in communes if c is not None])


def replication(scheme_type: SchemeType, scope: Scope, today: dt.date | None = None) -> Replication:
    """How a type spread: per year, points established and dissolved, points active at the
    year's end (today for the current year) and communes reached; and where it is now."""
    today = today or geo_queries.today()
    points = scope.apply(Scheme.objects.filter(scheme_type=scheme_type), "unit")
    first = points.order_by("established_on").values_list("established_on", flat=True).first()
    years = []
    if first is not None:
        for year in range(first.year, today.year + 1):
            end = min(dt.date(year, 12, 31), today)
            start = dt.date(year, 1, 1)
            active = active_on(points, end)
            years.append(
                ReplicationYear(
                    year=year,
                    established=between(points, "established_on", start, end).count(),
                    dissolved=between(points, "dissolved_on", start, end).count(),
                    active_at_end=active.count(),
                    communes=_communes_reached(active),
                )
            )
    where = breakdown(active_on(points, today), "unit", "unit", scope.sublevel())
    return Replication(scheme_type, first, years, where)
