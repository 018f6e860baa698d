"""Reads of the certification workflow: what a user may see, and the commune's own
qualification, derived from its units' results (never typed).

The commune's qualification for the window named by `year` (docs/certification.md):

1. registered — every member subject registered (100%): the residential areas and the
   agencies, enterprises and schools (not excluded) of the commune that were in force on
   the registration deadline (31 March: a unit formed later could not register);
2. certified — at least 70% of those members certified;
3. a scheme that works — at least one scheme point of the commune (in the commune or one
   of its residential areas, whatever its host) active on the window's last day whose
   latest grading up to the window's year is not "weak" (an ungraded point does not
   count: nothing shows it works);
4. its own criteria — the commune's own certification of the year self-assessed with
   every criterion met.

"Of the commune" is read through the Placement table under the structure of the
window's last day, so the units of communes merged into it count, plus the units that
were its children on the deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import restrict
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit, Placement
from binhyen.schemes.choices import Grade
from binhyen.schemes.models import Grading, Organization, Scheme
from binhyen.schemes.queries import active_on

from .choices import COMMUNE_MEMBERS, Status, SubjectType, registration_deadline, window
from .models import Certification, CriteriaSet
from .services.workflow import org_in_force, organization_exclusion

REGISTERED_SHARE = Decimal(100)
CERTIFIED_SHARE = Decimal(70)

# ---- what a user may see -----------------------------------------------------------------


def certifications_for_user(user) -> QuerySet[Certification]:
    return restrict(Certification.objects.all(), user, "unit")


def get_certification_for_user(user, pk: int) -> Certification:
    qs = certifications_for_user(user).select_related(
        "unit", "organization", "criteria_set", "organization__commune"
    )
    return get_object_or_404(qs, pk=pk)


def criteria_sets() -> QuerySet[CriteriaSet]:
    """Criteria are public law: every signed-in user reads every set."""
    return CriteriaSet.objects.select_related("province")


def communes_for_user(user, on: dt.date) -> QuerySet[AdminUnit]:
    return restrict(AdminUnit.objects.in_force(on).filter(level=Level.COMMUNE), user, "pk")


# ---- the commune's qualification ---------------------------------------------------------


@dataclass
class Member:
    """A subject the commune's qualification counts, with its certification (if any)."""

    subject_type: str
    unit: AdminUnit | None = None
    organization: Organization | None = None
    certification: Certification | None = None

    @property
    def name(self) -> str:
        return str(self.organization or self.unit)

    @property
    def subject_label(self) -> str:
        return str(SubjectType(self.subject_type).label)

    @property
    def registered(self) -> bool:
        return self.certification is not None

    @property
    def certified(self) -> bool:
        return self.certification is not None and self.certification.status == Status.CERTIFIED


@dataclass
class Missing:
    label: str
    detail: str = ""
    certification: Certification | None = None


@dataclass
class Part:
    key: str
    label: str
    passed: bool
    count: int = 0
    total: int = 0
    threshold: str = ""
    missing: list[Missing] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100) * self.count / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass
class Qualification:
    commune: AdminUnit
    year: int
    window: tuple[dt.date, dt.date]
    deadline: dt.date
    members: list[Member]
    certification: Certification | None
    parts: list[Part]

    @property
    def passed(self) -> bool:
        return all(part.passed for part in self.parts)

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)

    def counts_by_type(self) -> list[dict]:
        rows = []
        for subject_type in COMMUNE_MEMBERS:
            mine = [m for m in self.members if m.subject_type == subject_type]
            rows.append(
                {
                    "subject_type": subject_type,
                    "label": SubjectType(subject_type).label,
                    "total": len(mine),
                    "registered": sum(m.registered for m in mine),
                    "certified": sum(m.certified for m in mine),
                }
            )
        return rows


def _member_communes(commune: AdminUnit, sdate: dt.date | None) -> set[int]:
    ids = {commune.pk}
    if sdate is not None:
        ids |= set(
            Placement.objects.filter(
                structure_date=sdate, commune=commune, unit__level=Level.COMMUNE
            ).values_list("unit_id", flat=True)
        )
    return ids


def member_areas(commune: AdminUnit, year: int) -> list[AdminUnit]:
    """The residential areas the commune's qualification counts for the year."""
    deadline = registration_deadline(year)
    _start, end = window(SubjectType.COMMUNE, year)
    sdate = geo_queries.structure_date(end)
    ids = set(
        Placement.objects.filter(
            structure_date=sdate, commune=commune, unit__level=Level.RESIDENTIAL_AREA
        ).values_list("unit_id", flat=True)
    )
    ids |= {v.unit_id for v in geo_queries.children_on(commune, deadline)}
    return list(
        AdminUnit.objects.in_force(deadline)
        .filter(pk__in=ids, level=Level.RESIDENTIAL_AREA)
        .order_by("code", "name")
    )


def member_organizations(commune: AdminUnit, year: int) -> list[Organization]:
    """The agencies, enterprises and schools (not excluded) the qualification counts."""
    deadline = registration_deadline(year)
    _start, end = window(SubjectType.COMMUNE, year)
    communes = _member_communes(commune, geo_queries.structure_date(end))
    kinds = [SubjectType.AGENCY, SubjectType.ENTERPRISE, SubjectType.SCHOOL]
    orgs = Organization.objects.filter(commune_id__in=communes, kind__in=kinds).order_by(
        "kind", "name"
    )
    return [o for o in orgs if org_in_force(o, deadline) and not organization_exclusion(o)]


def working_schemes(commune: AdminUnit, year: int, area_ids: set[int]) -> tuple[list, list]:
    """(points that work, [(point, why not)]) among the points of the commune."""
    _start, end = window(SubjectType.COMMUNE, year)
    sdate = geo_queries.structure_date(end)
    unit_ids = _member_communes(commune, sdate) | area_ids
    placed = Q(unit_id__in=unit_ids)
    if sdate is not None:
        placed |= Q(unit__placements__structure_date=sdate, unit__placements__commune=commune)
    points = list(
        Scheme.objects.filter(placed).distinct().select_related("scheme_type").order_by("name")
    )
    active = set(
        active_on(Scheme.objects.filter(pk__in=[p.pk for p in points]), end).values_list(
            "pk", flat=True
        )
    )
    latest: dict[int, Grading] = {}
    for grading in Grading.objects.filter(scheme__in=points, year__lte=year).order_by("year"):
        latest[grading.scheme_id] = grading
    works, not_working = [], []
    for point in points:
        grading = latest.get(point.pk)
        if point.pk not in active:
            not_working.append((point, _("not active at the end of the window")))
        elif grading is None:
            not_working.append((point, _("never graded")))
        elif grading.grade == Grade.WEAK:
            not_working.append((point, _("graded weak in %(year)s") % {"year": grading.year}))
        else:
            works.append((point, grading))
    return works, not_working


def commune_qualification(commune: AdminUnit, year: int) -> Qualification:
    """The commune's own qualification for the window named by `year`, part by part with
    the numbers and what is missing."""
    deadline = registration_deadline(year)
    areas = member_areas(commune, year)
    orgs = member_organizations(commune, year)
    found = Certification.objects.filter(year=year).filter(
        Q(subject_type=SubjectType.RESIDENTIAL_AREA, unit__in=areas, organization__isnull=True)
        | Q(organization__in=orgs)
    )
    by_area = {c.unit_id: c for c in found if c.organization_id is None}
    by_org = {c.organization_id: c for c in found if c.organization_id is not None}
    members = [
        Member(SubjectType.RESIDENTIAL_AREA, unit=a, certification=by_area.get(a.pk)) for a in areas
    ]
    members += [
        Member(o.kind, unit=o.commune, organization=o, certification=by_org.get(o.pk)) for o in orgs
    ]
    total = len(members)

    registered = [m for m in members if m.registered]
    part_registered = Part(
        "registered",
        str(_("Every residential area, agency, enterprise and school registered")),
        passed=len(registered) == total,
        count=len(registered),
        total=total,
        threshold="100%",
        missing=[
            Missing(f"{m.subject_label}: {m.name}", str(_("not registered")))
            for m in members
            if not m.registered
        ],
    )
    certified = [m for m in members if m.certified]
    enough = total == 0 or Decimal(100) * len(certified) >= CERTIFIED_SHARE * total
    part_certified = Part(
        "certified",
        # xgettext:no-python-format
        str(_("At least 70% of them certified")),
        passed=enough,
        count=len(certified),
        total=total,
        threshold="70%",
        missing=[
            Missing(
                f"{m.subject_label}: {m.name}",
                str(m.certification.get_status_display())
                if m.registered
                else str(_("not registered")),
                m.certification,
            )
            for m in members
            if not m.certified
        ],
    )

    works, not_working = working_schemes(commune, year, {a.pk for a in areas})
    part_scheme = Part(
        "scheme",
        str(_("At least one scheme point that works")),
        passed=bool(works),
        count=len(works),
        total=len(works) + len(not_working),
        threshold="≥ 1",
        missing=[]
        if works
        else [Missing(str(p), str(why)) for p, why in not_working]
        or [Missing(str(_("The commune has no scheme point.")))],
        found=[f"{p} — {g.get_grade_display()} ({g.year})" for p, g in works],
    )

    own = (
        Certification.objects.filter(
            year=year, subject_type=SubjectType.COMMUNE, unit=commune, organization__isnull=True
        )
        .select_related("criteria_set")
        .first()
    )
    own_missing: list[Missing] = []
    met = criteria_total = 0
    if own is None:
        own_missing.append(Missing(str(_("The commune has not registered for the year."))))
    else:
        results = list(own.results.select_related("criterion").order_by("criterion__order"))
        criteria_total = len(results)
        met = sum(r.met for r in results)
        if not results:
            own_missing.append(Missing(str(_("The commune has not assessed itself yet.")), "", own))
        own_missing += [
            Missing(f"{r.criterion.code}. {r.criterion.text}", str(_("not met")), own)
            for r in results
            if not r.met
        ]
    part_own = Part(
        "own_criteria",
        str(_("The commune's own criteria met")),
        passed=own is not None and criteria_total > 0 and not own_missing,
        count=met,
        total=criteria_total,
        threshold="100%",
        missing=own_missing,
    )
    return Qualification(
        commune=commune,
        year=year,
        window=window(SubjectType.COMMUNE, year),
        deadline=deadline,
        members=members,
        certification=own,
        parts=[part_registered, part_certified, part_scheme, part_own],
    )
