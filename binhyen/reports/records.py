"""Indicators counted from records, for a scope (a unit under the structure of a date,
optionally within a user's jurisdiction) and a period. One function per family; each
answers the total and, when asked, one breakdown, in a bounded number of queries
whatever the number of units (GROUP BY over the Placement join)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from binhyen.geo.choices import LEVEL_RANK, Level
from binhyen.geo.models import AdminUnit
from binhyen.outcomes import queries as outcome_queries
from binhyen.schemes import queries as sq
from binhyen.schemes.choices import HostKind, RecognitionKind
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Recognition,
    Scheme,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)
from binhyen.tips import queries as tq

from . import tallies
from .indicators import CATALOGUE, STOCK

DRUG_FREE_TYPE = "khong-ma-tuy"
SELF = sq.AT_UNIT_ITSELF


@dataclass
class Part:
    key: object  # a unit pk, a choice value, None (unallocated), "self", "reported"
    label: str
    value: object
    code: str = ""  # the unit's code, for unit rows


@dataclass
class Counted:
    value: object
    parts: list[Part] = field(default_factory=list)


def count(code: str, scope: sq.Scope, start: dt.date, end: dt.date, by: str | None = None):
    """The indicator `code` counted from records (stocks on `end`)."""
    indicator = CATALOGUE[code]
    if indicator.kind == STOCK:
        start = end
    family, _sep, name = code.partition(".")
    if family == "outcomes":
        return _register(name, scope, start, end, by)
    return COUNTERS[code](scope, start, end, by)


# ---- unit rows -------------------------------------------------------------------------


def unit_parts(
    qs: QuerySet, unit_field: str, level: str | None, distinct: str = "pk", measure=None
):
    """Distinct `distinct` of `qs` (already scoped) per sub-unit at `level` (or the
    aggregate `measure`), read through the scope's own Placement join; the unit's own
    records apart ("self") from those that cannot be placed at that level (None,
    unallocated)."""
    if level is None:
        return []
    key = f"{unit_field}__placements__{level}"
    grouped = (
        qs.order_by()
        .values_list(key, f"{unit_field}__level")
        .annotate(n=measure or Count(distinct, distinct=True))
    )
    coarser = {lv for lv in Level.values if LEVEL_RANK[lv] < LEVEL_RANK[level]}
    totals: dict[object, int] = {}
    for sub, unit_level, n in grouped:
        if not n:
            continue
        k = sub if sub is not None else (SELF if unit_level in coarser else None)
        totals[k] = totals.get(k, 0) + n
    return named_parts(totals)


def named_parts(totals: dict) -> list[Part]:
    units = {
        u.pk: u for u in AdminUnit.objects.filter(pk__in=[k for k in totals if isinstance(k, int)])
    }
    parts = []
    for k, n in totals.items():
        if k is None:
            parts.append(Part(None, str(sq.UNALLOCATED), n))
        elif k == SELF:
            parts.append(Part(SELF, _("At the unit itself (not in a sub-unit)"), n))
        else:
            unit = units.get(k)
            parts.append(Part(k, unit.name if unit else str(k), n, unit.code if unit else ""))
    return parts


def _from_counts(counts: sq.Counts) -> list[Part]:
    return [Part(r.key, r.label, r.count) for r in counts.rows]


def _distinct(qs: QuerySet, unit_field: str, distinct: str, scope, by) -> Counted:
    # COUNT(DISTINCT …) skips nulls (a point in no residential area is none), and reads
    # through the scope's own Placement join (a new filter() would join it again)
    if by == AREA_KIND:
        return _area_kinds(qs, unit_field, distinct)
    total = qs.order_by().aggregate(n=Count(distinct, distinct=True))["n"]
    parts = unit_parts(qs, unit_field, scope.sublevel(), distinct) if by == "unit" else []
    return Counted(total, parts)


AREA_KIND = "area_kind"
AREA_FLAGS = ("ethnic_minority_area", "religious_area", "border_area")


def _area_kinds(qs: QuerySet, unit_field: str, distinct: str, measure=None) -> Counted:
    """Records in communes flagged as ethnic-minority, religious or border areas (under
    the scope's structure): one aggregate; a commune may carry several flags, so the
    rows overlap. `measure(filter)` replaces the distinct count (tallies sum cells)."""
    flag_of = f"{unit_field}__placements__commune__"
    measure = measure or (lambda **kw: Count(distinct, distinct=True, **kw))
    counts = qs.order_by().aggregate(
        n=measure(),
        **{flag: measure(filter=Q(**{flag_of + flag: True})) for flag in AREA_FLAGS},
    )
    labels = {f: capfirst(AdminUnit._meta.get_field(f).verbose_name) for f in AREA_FLAGS}
    return Counted(counts["n"], [Part(f, str(labels[f]), counts[f]) for f in AREA_FLAGS])


# ---- scheme points -----------------------------------------------------------------------


def _points(counts_fn):
    def counter(scope, start, end, by):
        if by in ("unit", AREA_KIND):
            qs = _points_qs(counts_fn, scope, start, end)
            return _distinct(qs, "unit", "pk", scope, by)
        kwargs = {"by": by} if by else {}
        args = (end,) if counts_fn is sq.schemes_active else (start, end)
        counts = counts_fn(scope, *args, **kwargs)
        return Counted(counts.total, _from_counts(counts) if by else [])

    return counter


def _points_qs(counts_fn, scope, start, end) -> QuerySet:
    qs = scope.apply(Scheme.objects.all(), "unit")
    if counts_fn is sq.schemes_active:
        return sq.active_on(qs, end)
    field_name = "established_on" if counts_fn is sq.schemes_established else "dissolved_on"
    return sq.between(qs, field_name, start, end)


def _types_replicated(scope, start, end, by):
    qs = sq.active_on(scope.apply(Scheme.objects.all(), "unit"), end)
    return _distinct(qs, "unit", "scheme_type_id", scope, by)


def _residential_areas(scope, start, end, by):
    qs = sq.active_on(scope.apply(Scheme.objects.all(), "unit"), end)
    return _distinct(qs, "unit", "unit__placements__residential_area", scope, by)


def _drug_free(scope, start, end, by):
    qs = sq.active_on(
        scope.apply(
            Scheme.objects.filter(scheme_type__code=DRUG_FREE_TYPE, host_kind=HostKind.COMMUNE),
            "unit",
        ),
        end,
    )
    return _distinct(qs, "unit", "unit__placements__commune", scope, by)


def _recognitions(kind):
    def counter(scope, start, end, by):
        qs = scope.apply(
            Recognition.objects.filter(kind=kind, year__gte=start.year, year__lte=end.year),
            "scheme__unit",
        )
        if by == "type":
            grouped = (
                qs.order_by()
                .values_list("scheme__scheme_type_id", "scheme__scheme_type__name")
                .annotate(n=Count("pk"))
            )
            parts = [Part(k, name, n) for k, name, n in grouped]
            return Counted(qs.count(), parts)
        return _distinct(qs, "scheme__unit", "pk", scope, by)

    return counter


# ---- self-management structure -------------------------------------------------------------


def _in_force(model, start: str, end: str, unit_field: str, distinct: str = "pk"):
    def counter(scope, _start, on, by):
        qs = scope.apply(model.objects.filter(sq.in_force(start, end, on)), unit_field)
        return _distinct(qs, unit_field, distinct, scope, by)

    return counter


# ---- tips and cases ------------------------------------------------------------------------


def _tips(actionable: bool):
    def counter(scope, start, end, by):
        if by == AREA_KIND:
            qs = tq.tips_received_records(scope, start, end, actionable)
            return _distinct(qs, "unit", "pk", scope, by)
        counts = tq.tips_received(scope, start, end, by=by, actionable=actionable)
        if by == "unit":
            return Counted(counts.total, _with_codes(_from_counts(counts)))
        return Counted(counts.total, _from_counts(counts) if by else [])

    return tallies.tallied("tips.actionable" if actionable else "tips.received", counter)


def _with_codes(parts: list[Part]) -> list[Part]:
    codes = dict(
        AdminUnit.objects.filter(
            pk__in=[p.key for p in parts if isinstance(p.key, int)]
        ).values_list("pk", "code")
    )
    for p in parts:
        p.code = codes.get(p.key, "")
    return parts


def _case_figure(name: str):
    code = {"solved": "cases.solved", "arrested": "cases.suspects_arrested"}.get(name)

    def counter(scope, start, end, by):
        qs, unit_field = tq.case_figure_records(name, scope, start, end)
        return _distinct(qs, unit_field, "pk", scope, by)

    return tallies.tallied(code, counter) if code else counter


# ---- outcome registers ---------------------------------------------------------------------


def _register(slug: str, scope, start, end, by) -> Counted:
    tally = outcome_queries.register_tally(slug, scope, start, end, by)
    parts = [Part(r.key, r.label, r.value) for r in tally.rows]
    return Counted(tally.total, _with_codes(parts) if by == "unit" else parts)


# ---- certification and awards ----------------------------------------------------------------


def _by_field(qs: QuerySet, key: str, label: str | None, labels: dict | None = None) -> list:
    """Rows of a choice or related field: one GROUP BY."""
    names = (key, label) if label else (key,)
    parts = []
    for row in qs.order_by().values_list(*names).annotate(n=Count("pk", distinct=True)):
        k, n = row[0], row[-1]
        name = row[1] if label else (labels or {}).get(k, k)
        parts.append(Part(k, str(name), n))
    parts.sort(key=lambda p: (-p.value, p.label))
    return parts


def _certifications(certified: bool):
    def counter(scope, start, end, by):
        from binhyen.certification.choices import Status, SubjectType
        from binhyen.certification.models import Certification

        if certified:
            qs = Certification.objects.filter(
                status=Status.CERTIFIED, decision_date__gte=start, decision_date__lte=end
            )
        else:
            qs = Certification.objects.filter(registered_on__gte=start, registered_on__lte=end)
        qs = scope.apply(qs, "unit")
        if by == "subject_type":
            parts = _by_field(qs, "subject_type", None, dict(SubjectType.choices))
            return Counted(qs.values("pk").distinct().count(), parts)
        if by == "window":
            parts = _by_field(qs, "year", None)
            return Counted(qs.values("pk").distinct().count(), parts)
        return _distinct(qs, "unit", "pk", scope, by)

    return counter


def _awards(scope, start, end, by):
    from binhyen.awards.choices import NominationStatus, RecipientKind
    from binhyen.awards.models import Nomination

    qs = scope.apply(
        Nomination.objects.filter(
            status=NominationStatus.AWARDED, decision_date__gte=start, decision_date__lte=end
        ),
        "unit",
    )
    fields = {
        "form": ("form__code", "form__name", None),
        "authority": ("authority__code", "authority__name", None),
        "recipient_kind": ("recipient_kind", None, dict(RecipientKind.choices)),
    }
    if by in fields:
        key, label, labels = fields[by]
        return Counted(qs.values("pk").distinct().count(), _by_field(qs, key, label, labels))
    return _distinct(qs, "unit", "pk", scope, by)


COUNTERS = {
    "schemes.active": _points(sq.schemes_active),
    "schemes.established": _points(sq.schemes_established),
    "schemes.dissolved": _points(sq.schemes_dissolved),
    "schemes.types_replicated": _types_replicated,
    "schemes.residential_areas": _residential_areas,
    "schemes.exemplars": _recognitions(RecognitionKind.EXEMPLAR),
    "schemes.commended_ministry": _recognitions(RecognitionKind.MINISTRY_COMMENDATION),
    "schemes.commended_province": _recognitions(RecognitionKind.PROVINCE_COMMENDATION),
    "communes.drug_free": _drug_free,
    "structure.steering_committees": _in_force(
        SteeringCommittee, "established_on", "dissolved_on", "unit"
    ),
    "structure.boards": _in_force(SelfManagementBoard, "established_on", "dissolved_on", "unit"),
    "structure.groups": _in_force(Group, "established_on", "dissolved_on", "residential_area"),
    "structure.households": _in_force(
        GroupHousehold, "joined_on", "left_on", "group__residential_area", "household_id"
    ),
    "structure.members": _in_force(GroupMember, "joined_on", "left_on", "group__residential_area"),
    "structure.security_teams": _in_force(SecurityTeam, "formed_on", "dissolved_on", "commune"),
    "structure.security_team_members": _in_force(
        SecurityTeamMember, "appointed_on", "terminated_on", "team__commune"
    ),
    "tips.received": _tips(actionable=False),
    "tips.actionable": _tips(actionable=True),
    "tips.led_to_solved_cases": _case_figure("tips_leading"),
    "cases.solved": _case_figure("solved"),
    "cases.suspects_arrested": _case_figure("arrested"),
    "certification.registered": _certifications(certified=False),
    "certification.certified": _certifications(certified=True),
    "awards.awarded": _awards,
}


def tidy(value):
    return outcome_queries.tidy(value)
