"""The commune's own qualification, derived from its units: 100% registered, at least 70%
certified (the threshold exactly), a scheme point that works (active at the window's end,
last grading not weak), its own criteria met, and the list of what is missing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.schemes import services as scheme_services
from binhyen.schemes.models import SchemeType

from .. import queries, services
from ..choices import Status, StepKind, SubjectType
from . import test_workflow
from .test_workflow import (
    REGISTERED_ON,
    YEAR,
    all_met,
    org,
    register_area,
    run_to,
)

# the shared fixtures (defined in test_workflow)
clock = test_workflow.clock
world = test_workflow.world

d = dt.date


@pytest.fixture
def english():
    """The parts' labels and details are computed in the active language."""
    with translation.override("en"):
        yield


@pytest.fixture
def year(world):
    """The commune's members: its residential areas and three organisations that count,
    plus excluded and out-of-window ones that do not."""
    orgs = [
        org(world.commune, "agency", "UBND xã"),
        org(world.commune, "enterprise", "Công ty May", size_class="medium"),
        org(world.commune, "school", "Trường THPT", school_level="upper_secondary"),
    ]
    org(world.commune, "enterprise", "Cơ sở nhỏ", size_class="small")
    org(world.commune, "school", "Trường Tiểu học", school_level="primary")
    org(world.commune, "agency", "Đồn biên phòng", armed_forces=True)
    org(world.commune, "hospital", "Trạm y tế")
    org(world.commune, "agency", "Cơ quan mới", established_on=d(2026, 6, 1))  # after 31 March
    org(world.commune, "agency", "Cơ quan cũ", ceased_on=d(2026, 1, 1))
    return world, orgs


def register_all(world, orgs, skip: int = 0):
    certs = []
    for area in world.areas[skip:]:
        certs.append(register_area(world, area))
    for organisation in orgs:
        certs.append(
            services.register(
                world.officer,
                subject_type=organisation.kind,
                organization=organisation,
                year=YEAR,
                registered_on=REGISTERED_ON,
            )
        )
    return certs


def working_point(world, grade="good", year=YEAR, established=dt.date(2024, 1, 1)):
    point = scheme_services.establish_scheme(
        scheme_type=SchemeType.objects.get(code="keng-an-ninh"),
        name="Kẻng an ninh",
        host_kind="residential_area",
        unit=world.areas[0],
        established_on=established,
    )
    scheme_services.grade_scheme(point, year, grade=grade)
    return point


def own_certification(world, met=True):
    cert = services.register(
        world.officer,
        subject_type=SubjectType.COMMUNE,
        unit=world.commune,
        year=YEAR,
        registered_on=REGISTERED_ON,
    )
    services.self_assess(
        world.officer, cert, date=d(2026, 4, 1), results=all_met(cert, d(2026, 4, 1), met)
    )
    return cert


def test_members_exclude_what_does_not_count(year):
    world, orgs = year
    q = queries.commune_qualification(world.commune, YEAR)
    names = {m.name for m in q.members}
    assert {o.name for o in orgs} <= names
    assert not names & {"Cơ sở nhỏ", "Trường Tiểu học", "Đồn biên phòng", "Trạm y tế"}
    assert not names & {"Cơ quan mới", "Cơ quan cũ"}
    assert len(q.members) == len(world.areas) + 3
    assert q.window == (d(2025, 11, 16), d(2026, 11, 15))
    assert not q.passed
    assert [p.key for p in q.parts] == ["registered", "certified", "scheme", "own_criteria"]


def test_every_member_must_register(year):
    world, orgs = year
    register_all(world, orgs, skip=1)
    part = queries.commune_qualification(world.commune, YEAR).part("registered")
    assert not part.passed
    assert (part.count, part.total) == (len(world.areas) + 2, len(world.areas) + 3)
    assert [m.label for m in part.missing] == [f"Residential area: {world.areas[0]}"] or (
        len(part.missing) == 1 and str(world.areas[0]) in part.missing[0].label
    )
    register_area(world, world.areas[0], registered_on=d(2026, 3, 30))
    part = queries.commune_qualification(world.commune, YEAR).part("registered")
    assert part.passed and part.missing == [] and part.share == 100


def test_seventy_percent_certified(year):
    world, orgs = year
    certs = register_all(world, orgs)
    total = len(certs)
    needed = math.ceil(0.7 * total)
    for cert in certs[: needed - 1]:
        run_to(cert, world.officer, Status.CERTIFIED)
    run_to(certs[needed - 1], world.officer, Status.NOT_CERTIFIED)
    part = queries.commune_qualification(world.commune, YEAR).part("certified")
    assert not part.passed and part.count == needed - 1 and part.total == total
    missing = {m.certification.pk for m in part.missing}
    assert certs[needed - 1].pk in missing and certs[0].pk not in missing
    assert len(part.missing) == total - needed + 1
    # the appeal upheld brings it to exactly the threshold
    cert = certs[needed - 1]
    services.record_step(
        world.officer, cert, kind=StepKind.APPEALED, date=d(2026, 7, 5), reason="r"
    )
    services.decide(
        world.officer,
        cert,
        certified=True,
        date=d(2026, 7, 10),
        decision_number="9",
        decision_authority="UBND xã",
    )
    part = queries.commune_qualification(world.commune, YEAR).part("certified")
    assert part.passed and part.count == needed
    assert 100 * needed >= 70 * total > 100 * (needed - 1)


def test_scheme_that_works(year, english):
    world, _orgs = year
    part = queries.commune_qualification(world.commune, YEAR).part("scheme")
    assert not part.passed and part.missing  # no point at all
    point = working_point(world, grade="weak")
    part = queries.commune_qualification(world.commune, YEAR).part("scheme")
    assert not part.passed and "weak" in part.missing[0].detail
    scheme_services.grade_scheme(point, YEAR, grade="fair")
    part = queries.commune_qualification(world.commune, YEAR).part("scheme")
    assert part.passed and part.count == 1 and part.found
    # a grading after the window's year does not count; the last one up to it does
    scheme_services.grade_scheme(point, YEAR - 1, grade="weak")
    assert queries.commune_qualification(world.commune, YEAR).part("scheme").passed
    # dissolved before the window's end: no longer works
    scheme_services.record_event(point, "dissolved", d(2026, 9, 1), reason="giải thể")
    part = queries.commune_qualification(world.commune, YEAR).part("scheme")
    assert not part.passed and "active" in part.missing[0].detail


def test_ungraded_point_does_not_count(year, english):
    world, _orgs = year
    point = working_point(world, grade="good", year=YEAR)
    point.gradings.all().delete()
    part = queries.commune_qualification(world.commune, YEAR).part("scheme")
    assert not part.passed and "graded" in part.missing[0].detail


def test_own_criteria(year):
    world, _orgs = year
    part = queries.commune_qualification(world.commune, YEAR).part("own_criteria")
    assert not part.passed and len(part.missing) == 1
    cert = own_certification(world, met=False)
    part = queries.commune_qualification(world.commune, YEAR).part("own_criteria")
    assert not part.passed and part.count == 0
    assert len(part.missing) == cert.results.count()


def test_whole_year_passes(year):
    world, orgs = year
    certs = register_all(world, orgs)
    for cert in certs:
        run_to(cert, world.officer, Status.CERTIFIED)
    working_point(world)
    own = own_certification(world)
    q = queries.commune_qualification(world.commune, YEAR)
    assert [p.passed for p in q.parts] == [True, True, True, True], [
        (p.key, p.missing) for p in q.parts
    ]
    assert q.passed and q.certification == own
    by_type = {row["subject_type"]: row for row in q.counts_by_type()}
    assert by_type[SubjectType.RESIDENTIAL_AREA]["certified"] == len(world.areas)
    assert by_type[SubjectType.ENTERPRISE]["total"] == 1


def test_merged_communes_units_count(triangle, clock):
    """2025 window of a commune formed on 1 Jul 2025 (it did not exist on the deadline,
    31 Mar 2025): the residential areas that roll up to it are its members."""
    from binhyen.geo import queries as geo_queries
    from binhyen.geo.models import Placement

    commune = triangle.unit
    assert not commune.in_force_on(d(2025, 3, 31))
    sdate = geo_queries.structure_date(d(2025, 11, 15))
    placed = {
        p.unit
        for p in Placement.objects.filter(
            structure_date=sdate, commune=commune, unit__level="residential_area"
        ).select_related("unit")
    }
    expected = {a.pk for a in placed if a.in_force_on(d(2025, 3, 31))}
    members = queries.member_areas(commune, 2025)
    assert expected and expected == {a.pk for a in members}


def test_commune_decided_by_the_level_above_when_qualified(year):
    """A commune never certifies itself: its officers and unit chiefs cannot decide it;
    the province's officers (and administrators) can, and "certified" only when the
    qualification derived from its units passes — for the system too."""
    world, orgs = year
    for cert in register_all(world, orgs):
        run_to(cert, world.officer, Status.CERTIFIED)
    own = own_certification(world)
    services.record_step(world.officer, own, kind=StepKind.DOSSIER, date=d(2026, 7, 1))
    services.record_step(world.officer, own, kind=StepKind.APPRAISED, date=d(2026, 7, 2))
    chief = create_user("t.chief", "x-very-long-password-1")
    grant_role(chief, Role.UNIT_CHIEF, world.commune)
    decision = {
        "date": d(2026, 7, 10),
        "decision_number": "40/QĐ-UBND",
        "decision_authority": "Chủ tịch UBND tỉnh",
    }
    for user in (world.officer, chief, world.outsider):
        for certified in (True, False):
            with pytest.raises(PermissionDenied):
                services.decide(user, own, certified=certified, reason="r", **decision)
    # no scheme point works yet: the qualification fails on that part only
    for user in (world.parent_officer, world.admin, None):
        with translation.override("en"), pytest.raises(ValidationError) as info:
            services.decide(user, own, certified=True, **decision)
        message = info.value.message_dict["certified"][0]
        assert "scheme point" in message and "70%" not in message
    own.refresh_from_db()
    assert own.status == Status.APPRAISED and own.certificate_code == ""
    working_point(world)
    assert queries.commune_qualification(world.commune, YEAR).passed
    services.decide(world.parent_officer, own, certified=True, **decision)
    own.refresh_from_db()
    assert own.status == Status.CERTIFIED and own.certificate_code
    # a residential area is still decided by the commune
    area_cert = queries.certifications_for_user(world.officer).get(
        subject_type=SubjectType.RESIDENTIAL_AREA, unit=world.areas[0]
    )
    assert area_cert.status == Status.CERTIFIED and area_cert.steps.last().by == world.officer
