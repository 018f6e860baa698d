"""Every rule of the certification workflow's services, with the field each refusal is
keyed by: subjects and exclusions, one certification per subject and window, the
first-quarter registration, 100% of a residential area's households, the step flow with
its reasons and dates, the self-assessment against the criteria set in force (a
province's own set winning), the decision and its verification code, appeals, criteria
set edits, jurisdiction and the audit trail.

The fixtures (imported by test_qualification and test_pages) pin "today" to
1 Dec 2026 and run the 2026 windows on the demo's current structure."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services as scheme_services
from binhyen.schemes.models import Organization

from .. import queries, services
from ..choices import Status, StepKind, SubjectType
from ..models import Certification, CriteriaSet, Criterion, CriterionResult
from ..services.codes import ALPHABET

d = dt.date
TODAY = d(2026, 12, 1)
YEAR = 2026
REGISTERED_ON = d(2026, 2, 10)


@pytest.fixture
def clock(monkeypatch):
    """'Today' is 1 Dec 2026 whatever the wall clock says."""
    monkeypatch.setattr(geo_queries, "today", lambda: TODAY)
    return TODAY


@dataclass
class World:
    commune: AdminUnit
    province: AdminUnit
    areas: list[AdminUnit]
    officer: object
    parent_officer: object
    outsider: object
    admin: object


def org(commune: AdminUnit, kind: str, name: str, **values) -> Organization:
    values.setdefault("established_on", d(2020, 1, 1))
    armed_forces = values.pop("armed_forces", False)  # not a save_organization field (yet)
    made = scheme_services.save_organization(None, kind=kind, name=name, commune=commune, **values)
    if armed_forces:
        Organization.objects.filter(pk=made.pk).update(armed_forces=True)
        made.refresh_from_db()
    return made


@pytest.fixture
def world(triangle, clock) -> World:
    areas = [v.unit for v in geo_queries.children_on(triangle.unit, REGISTERED_ON)]
    assert len(areas) >= 2
    return World(
        commune=triangle.unit,
        province=triangle.parent,
        areas=areas,
        officer=triangle.officer,
        parent_officer=triangle.parent_officer,
        outsider=triangle.outsider,
        admin=triangle.admin,
    )


def register_area(world: World, area: AdminUnit, user=None, **values) -> Certification:
    values.setdefault("year", YEAR)
    values.setdefault("registered_on", REGISTERED_ON)
    values.setdefault("households_total", 120)
    values.setdefault("households_registered", values["households_total"])
    return services.register(
        user or world.officer, subject_type=SubjectType.RESIDENTIAL_AREA, unit=area, **values
    )


def all_met(cert: Certification, on: dt.date, met: bool = True) -> dict:
    criteria_set = services.criteria_set_for(cert.subject_type, cert.unit, on)
    return {c.code: (met, f"Biên bản {c.code}") for c in criteria_set.criteria.all()}


def run_to(
    cert: Certification, user, status: str, start: dt.date = dt.date(2026, 4, 1)
) -> Certification:
    """Take a registered certification through the flow up to `status`."""
    day = start
    if status == Status.REGISTERED:
        return cert
    services.self_assess(user, cert, date=day, results=all_met(cert, day))
    if status == Status.SELF_ASSESSED:
        return cert
    services.record_step(
        user, cert, kind=StepKind.DOSSIER, date=day + dt.timedelta(30), document="BB 1"
    )
    if status == Status.DOSSIER:
        return cert
    services.record_step(user, cert, kind=StepKind.APPRAISED, date=day + dt.timedelta(60))
    if status == Status.APPRAISED:
        return cert
    services.decide(
        user,
        cert,
        certified=status == Status.CERTIFIED,
        date=day + dt.timedelta(90),
        decision_number="12/QĐ-UBND",
        decision_authority="Chủ tịch UBND xã",
        reason="" if status == Status.CERTIFIED else "Chưa đạt tiêu chí 2",
    )
    return cert


@contextmanager
def refused(field: str):
    """The block raises a ValidationError keyed by `field` and writes no audit entry."""
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        yield info
    assert field in info.value.message_dict, info.value.message_dict
    assert AuditEntry.objects.count() == before


# ---- registration ------------------------------------------------------------------------


def test_register_residential_area_writes_step_and_audit(world):
    before = AuditEntry.objects.count()
    cert = register_area(world, world.areas[0])
    assert cert.status == Status.REGISTERED
    assert cert.unit == world.areas[0] and cert.organization is None
    step = cert.steps.get()
    assert (step.kind, step.date, step.by) == (StepKind.REGISTERED, REGISTERED_ON, world.officer)
    entries = AuditEntry.objects.filter(id__gt=0).order_by("id")[before:]
    models = {e.model for e in entries}
    assert {"certification.certification", "certification.certificationstep"} <= models
    assert all(e.unit_id == world.areas[0].pk for e in entries)


def test_households_must_all_register(world):
    with refused("households_registered"):
        register_area(world, world.areas[0], households_total=100, households_registered=99)
    with refused("households_total"):
        register_area(world, world.areas[0], households_total=None, households_registered=None)
    with refused("households_registered"):
        register_area(world, world.areas[0], households_total=50, households_registered=None)


def test_households_ignored_for_other_subjects(world):
    cert = services.register(
        world.officer,
        subject_type=SubjectType.COMMUNE,
        unit=world.commune,
        year=YEAR,
        registered_on=REGISTERED_ON,
        households_total=10,
        households_registered=3,
    )
    assert cert.households_total is None and cert.households_registered is None


def test_registration_in_the_first_quarter(world):
    with refused("registered_on"):
        register_area(world, world.areas[0], registered_on=d(2026, 4, 1))
    # before the window opens
    with refused("registered_on"):
        register_area(world, world.areas[0], registered_on=d(2025, 10, 31))
    # in the window (it opened on 1 Nov 2025) but before the first quarter
    with translation.override("en"), refused("registered_on") as info:
        register_area(world, world.areas[0], registered_on=d(2025, 12, 31))
    message = info.value.message_dict["registered_on"][0]
    assert "01/01/2026" in message and "31/03/2026" in message
    with refused("registered_on"):
        services.register(
            world.officer,
            subject_type=SubjectType.COMMUNE,
            unit=world.commune,
            year=YEAR,
            registered_on=d(2025, 11, 20),
        )
    cert = register_area(world, world.areas[0], registered_on=d(2026, 3, 31))
    assert cert.pk
    first_day = register_area(world, world.areas[1], registered_on=d(2026, 1, 1))
    assert first_day.pk


def test_registration_not_in_the_future(world, monkeypatch):
    monkeypatch.setattr(geo_queries, "today", lambda: d(2026, 2, 1))
    with refused("registered_on"):
        register_area(world, world.areas[0], registered_on=d(2026, 2, 2))


def test_one_certification_per_subject_and_window(world, monkeypatch):
    register_area(world, world.areas[0])
    with refused("unit"):
        register_area(world, world.areas[0], registered_on=d(2026, 3, 1))
    # re-earned every year: the next window is a new certification (in its first quarter)
    monkeypatch.setattr(geo_queries, "today", lambda: d(2027, 2, 1))
    with audit_context(source="test"):
        nxt = register_area(world, world.areas[0], year=2027, registered_on=d(2027, 1, 15))
    assert nxt.year == 2027 and nxt.pk


def test_unit_must_match_subject_type_and_be_in_force(world):
    with refused("unit"):
        services.register(
            world.officer,
            subject_type=SubjectType.RESIDENTIAL_AREA,
            unit=world.commune,
            year=YEAR,
            registered_on=REGISTERED_ON,
            households_total=1,
            households_registered=1,
        )
    # an old commune (before the 2025 reform) is not in force in 2026
    old = AdminUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=False).first()
    with refused("unit"):
        services.register(
            None, subject_type=SubjectType.COMMUNE, unit=old, year=YEAR, registered_on=REGISTERED_ON
        )


@pytest.mark.parametrize(
    "kind,values",
    [
        ("agency", {"armed_forces": True}),
        ("enterprise", {"size_class": "micro"}),
        ("enterprise", {"size_class": "small"}),
        ("school", {"school_level": "primary"}),
        ("school", {"school_level": "preschool"}),
    ],
)
def test_excluded_organisations_refused(world, kind, values):
    organisation = org(world.commune, kind, "Đơn vị loại trừ", **values)
    with refused("organization"):
        services.register(
            world.officer,
            subject_type=kind,
            organization=organisation,
            year=YEAR,
            registered_on=REGISTERED_ON,
        )


def test_organisation_registration(world):
    school = org(world.commune, "school", "Trường THCS A", school_level="lower_secondary")
    cert = services.register(
        world.officer,
        subject_type=SubjectType.SCHOOL,
        organization=school,
        year=YEAR,
        registered_on=REGISTERED_ON,
    )
    assert cert.unit == world.commune and cert.organization == school
    with refused("organization"):  # kind mismatch
        services.register(
            world.officer,
            subject_type=SubjectType.AGENCY,
            organization=school,
            year=YEAR,
            registered_on=REGISTERED_ON,
        )
    with refused("organization"):  # twice in a window
        services.register(
            world.officer,
            subject_type=SubjectType.SCHOOL,
            organization=school,
            year=YEAR,
            registered_on=d(2026, 3, 1),
        )
    ceased = org(world.commune, "agency", "Cơ quan giải thể", ceased_on=d(2025, 12, 31))
    with refused("organization"):
        services.register(
            world.officer,
            subject_type=SubjectType.AGENCY,
            organization=ceased,
            year=YEAR,
            registered_on=REGISTERED_ON,
        )
    hospital = org(world.commune, "hospital", "Bệnh viện")
    with refused("organization"):
        services.register(
            world.officer,
            subject_type=SubjectType.ENTERPRISE,
            organization=hospital,
            year=YEAR,
            registered_on=REGISTERED_ON,
        )


# ---- jurisdiction ------------------------------------------------------------------------


def test_jurisdiction_of_writes_and_reads(world):
    with pytest.raises(PermissionDenied):
        register_area(world, world.areas[0], user=world.outsider)
    cert = register_area(world, world.areas[0], user=world.parent_officer)
    with pytest.raises(PermissionDenied):
        services.self_assess(
            world.outsider, cert, date=d(2026, 4, 1), results=all_met(cert, d(2026, 4, 1))
        )
    assert cert in queries.certifications_for_user(world.officer)
    assert cert in queries.certifications_for_user(world.parent_officer)
    assert cert in queries.certifications_for_user(world.admin)
    assert not queries.certifications_for_user(world.outsider).exists()


def test_viewer_reads_but_cannot_write(world):
    from binhyen.accounts.choices import Role
    from binhyen.accounts.services import create_user, grant_role

    viewer = create_user("t.viewer", "x-very-long-password-1")
    grant_role(viewer, Role.VIEWER, world.province)
    cert = register_area(world, world.areas[0])
    assert cert in queries.certifications_for_user(viewer)
    with pytest.raises(PermissionDenied):
        services.record_step(viewer, cert, kind=StepKind.DOSSIER, date=d(2026, 4, 1))


# ---- steps -------------------------------------------------------------------------------


def test_full_flow_to_certificate(world):
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.CERTIFIED)
    cert.refresh_from_db()
    assert cert.status == Status.CERTIFIED
    assert cert.decision_number == "12/QĐ-UBND" and cert.decision_date == d(2026, 6, 30)
    assert cert.certificate_issued_on == d(2026, 6, 30)
    raw = cert.certificate_code.replace("-", "")
    assert len(raw) >= 10 and set(raw) <= set(ALPHABET)
    assert services.normalize_code(cert.certificate_code.lower().replace("0", "o")) == (
        cert.certificate_code
    )
    kinds = list(cert.steps.values_list("kind", flat=True))
    assert kinds == [
        StepKind.REGISTERED,
        StepKind.SELF_ASSESSED,
        StepKind.DOSSIER,
        StepKind.APPRAISED,
        StepKind.CERTIFIED,
    ]
    assert all(s.by_id == world.officer.pk for s in cert.steps.all())


def test_codes_are_unique_per_certificate(world):
    codes = set()
    for area in world.areas[:2]:
        cert = run_to(register_area(world, area), world.officer, Status.CERTIFIED)
        codes.add(cert.certificate_code)
    assert len(codes) == 2


def test_steps_follow_the_flow(world):
    cert = register_area(world, world.areas[0])
    with refused("kind"):
        services.record_step(world.officer, cert, kind=StepKind.APPRAISED, date=d(2026, 4, 1))
    with refused("kind"):  # the decision has its own function
        services.record_step(world.officer, cert, kind=StepKind.CERTIFIED, date=d(2026, 4, 1))
    with refused("kind"):
        services.decide(
            world.officer,
            cert,
            certified=True,
            date=d(2026, 4, 1),
            decision_number="1",
            decision_authority="UBND",
        )
    run_to(cert, world.officer, Status.SELF_ASSESSED)
    with refused("kind"):  # self-assessed once
        services.self_assess(
            world.officer, cert, date=d(2026, 4, 2), results=all_met(cert, d(2026, 4, 2))
        )


def test_step_dates(world):
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.SELF_ASSESSED)
    with refused("date"):  # before the self-assessment of 1 Apr
        services.record_step(world.officer, cert, kind=StepKind.DOSSIER, date=d(2026, 3, 31))
    with refused("date"):  # in the future
        services.record_step(world.officer, cert, kind=StepKind.DOSSIER, date=d(2026, 12, 2))
    step = services.record_step(
        world.officer, cert, kind=StepKind.DOSSIER, date=d(2026, 4, 1), document="Tờ trình 5"
    )
    assert step.document == "Tờ trình 5" and cert.status == Status.DOSSIER


def test_not_certified_needs_reason_and_appeal(world):
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.APPRAISED)
    decision = {
        "certified": False,
        "date": d(2026, 7, 1),
        "decision_number": "20/QĐ",
        "decision_authority": "Chủ tịch UBND xã",
    }
    with refused("reason"):
        services.decide(world.officer, cert, **decision)
    with refused("decision_number"):
        services.decide(world.officer, cert, **{**decision, "decision_number": " "}, reason="x")
    with refused("decision_authority"):
        services.decide(world.officer, cert, **{**decision, "decision_authority": ""}, reason="x")
    services.decide(world.officer, cert, **decision, reason="Chưa đạt tiêu chí 3")
    assert cert.status == Status.NOT_CERTIFIED and cert.certificate_code == ""
    with refused("reason"):
        services.record_step(world.officer, cert, kind=StepKind.APPEALED, date=d(2026, 7, 5))
    services.record_step(
        world.officer, cert, kind=StepKind.APPEALED, date=d(2026, 7, 5), reason="Đã khắc phục"
    )
    assert cert.status == Status.APPEALED
    with refused("reason"):  # a rejected appeal needs a reason
        services.decide(
            world.officer,
            cert,
            certified=False,
            date=d(2026, 7, 20),
            decision_number="24/QĐ",
            decision_authority="Chủ tịch UBND xã",
        )
    services.decide(
        world.officer,
        cert,
        certified=True,
        date=d(2026, 7, 20),
        decision_number="25/QĐ",
        decision_authority="Chủ tịch UBND huyện",
    )
    cert.refresh_from_db()
    assert cert.status == Status.CERTIFIED and cert.certificate_code
    assert cert.decision_number == "25/QĐ" and cert.certificate_issued_on == d(2026, 7, 20)
    assert cert.decision_date == d(2026, 7, 20)
    assert cert.decision_authority == "Chủ tịch UBND huyện"
    assert cert.steps.order_by("-date", "-pk").first().kind == StepKind.APPEAL_UPHELD


def test_appeal_outcomes_only_through_decide(world):
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.NOT_CERTIFIED)
    services.record_step(
        world.officer, cert, kind=StepKind.APPEALED, date=d(2026, 7, 5), reason="r"
    )
    # the outcome is a new decision (number, date, authority): record_step refuses it
    with refused("kind"):
        services.record_step(
            world.officer, cert, kind=StepKind.APPEAL_UPHELD, date=d(2026, 7, 6), document="30/QĐ"
        )
    with refused("kind"):
        services.record_step(
            world.officer,
            cert,
            kind=StepKind.APPEAL_REJECTED,
            date=d(2026, 7, 6),
            reason="Giữ nguyên",
        )
    cert.refresh_from_db()
    assert cert.status == Status.APPEALED
    services.decide(
        world.officer,
        cert,
        certified=False,
        date=d(2026, 7, 6),
        decision_number="31/QĐ",
        decision_authority="Chủ tịch UBND huyện",
        reason="Giữ nguyên",
    )
    cert.refresh_from_db()
    assert cert.status == Status.NOT_CERTIFIED and cert.certificate_code == ""
    assert (cert.decision_number, cert.decision_date) == ("31/QĐ", d(2026, 7, 6))
    assert cert.decision_authority == "Chủ tịch UBND huyện"
    assert cert.steps.order_by("-date", "-pk").first().kind == StepKind.APPEAL_REJECTED
    # not certified straight after the dossier (no appraisal) is allowed by the flow
    other = run_to(register_area(world, world.areas[1]), world.officer, Status.DOSSIER)
    services.decide(
        world.officer,
        other,
        certified=False,
        date=d(2026, 6, 1),
        decision_number="3",
        decision_authority="UBND",
        reason="Hồ sơ thiếu",
    )
    assert other.status == Status.NOT_CERTIFIED


def test_step_attachment_is_stored(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cert = run_to(register_area(world, world.areas[0]), world.officer, Status.SELF_ASSESSED)
    step = services.record_step(
        world.officer,
        cert,
        kind=StepKind.DOSSIER,
        date=d(2026, 5, 1),
        attachment=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test"),
    )
    assert step.attachment.name.startswith(f"certification/{cert.pk}/")
    assert "bien-ban" not in step.attachment.name and step.attachment.name.endswith(".pdf")


# ---- self-assessment ---------------------------------------------------------------------


def test_self_assessment_every_criterion_with_evidence(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cert = register_area(world, world.areas[0])
    on = d(2026, 4, 1)
    results = all_met(cert, on)
    code = next(iter(results))
    with refused("results"):
        services.self_assess(
            world.officer, cert, date=on, results={k: v for k, v in results.items() if k != code}
        )
    with refused("results"):
        services.self_assess(world.officer, cert, date=on, results={**results, "nope": (True, "x")})
    with refused(f"evidence_{code}"):
        services.self_assess(world.officer, cert, date=on, results={**results, code: (True, " ")})
    results[code] = (False, "Còn 1 vụ trộm", SimpleUploadedFile("anh.jpg", b"not a photo"))
    with refused(f"file_{code}"):
        services.self_assess(world.officer, cert, date=on, results=results)
    with refused(f"met_{code}"):  # "false" is not a boolean (it would count as met)
        services.self_assess(
            world.officer, cert, date=on, results={**results, code: ("false", "Còn 1 vụ trộm")}
        )
    results[code] = (False, "Còn 1 vụ trộm", SimpleUploadedFile("anh.pdf", b"%PDF-1.7 x"))
    services.self_assess(world.officer, cert, date=on, results=results, document="BC 01")
    cert.refresh_from_db()
    national = CriteriaSet.objects.get(subject_type="residential_area", province__isnull=True)
    assert cert.criteria_set == national and cert.status == Status.SELF_ASSESSED
    assert cert.results.count() == national.criteria.count()
    unmet = cert.results.get(met=False)
    assert unmet.criterion.code == code and unmet.evidence == "Còn 1 vụ trộm"
    assert unmet.attachment.name.startswith(f"certification/{cert.pk}/evidence/")


def test_province_own_set_wins(world):
    national = CriteriaSet.objects.get(subject_type="residential_area", province__isnull=True)
    own = services.copy_criteria_set(
        world.parent_officer, national, province=world.province, effective_from=d(2026, 1, 1)
    )
    services.save_criterion(world.parent_officer, own, code="rieng", text="Tiêu chí riêng")
    cert = register_area(world, world.areas[0])
    assert services.criteria_set_for("residential_area", world.areas[0], d(2026, 4, 1)) == own
    # before the province's set starts, the national one applies
    assert services.criteria_set_for("residential_area", world.areas[0], d(2025, 12, 1)) == national
    services.self_assess(
        world.officer, cert, date=d(2026, 4, 1), results=all_met(cert, d(2026, 4, 1))
    )
    assert cert.criteria_set == own
    assert cert.results.filter(criterion__code="rieng").exists()


# ---- criteria sets -----------------------------------------------------------------------


def test_criteria_set_permissions_and_versions(world):
    national = CriteriaSet.objects.get(subject_type="commune", province__isnull=True)
    with pytest.raises(PermissionDenied):  # the national set: system administrators only
        services.save_criterion(world.parent_officer, national, code="x", text="x")
    with pytest.raises(PermissionDenied):  # another province's set
        services.copy_criteria_set(
            world.outsider, national, province=world.province, effective_from=d(2026, 1, 1)
        )
    own = services.copy_criteria_set(
        world.parent_officer, national, province=world.province, effective_from=d(2026, 1, 1)
    )
    assert own.criteria.count() == national.criteria.count()
    added = services.save_criterion(world.parent_officer, own, code="Mới 1", text="Tiêu chí mới")
    assert added.code == "moi-1"
    with refused("code"):
        services.save_criterion(world.parent_officer, own, code="moi-1", text="trùng")
    services.remove_criterion(world.parent_officer, added)
    with refused("effective_to"):
        services.save_criteria_set(world.parent_officer, own, effective_to=d(2025, 1, 1))
    with refused("effective_from"):  # a second set starting the same day
        services.copy_criteria_set(
            world.parent_officer, national, province=world.province, effective_from=d(2026, 1, 1)
        )

    # once used: not deleted, criteria not removed nor added, only a new version
    cert = services.register(
        world.officer,
        subject_type=SubjectType.COMMUNE,
        unit=world.commune,
        year=YEAR,
        registered_on=REGISTERED_ON,
    )
    services.self_assess(
        world.officer, cert, date=d(2026, 4, 1), results=all_met(cert, d(2026, 4, 1))
    )
    assert cert.criteria_set == own
    with refused("criteria_set"):
        services.delete_criteria_set(world.parent_officer, own)
    with refused("criterion"):
        services.remove_criterion(world.parent_officer, own.criteria.first())
    with refused("code"):
        services.save_criterion(world.parent_officer, own, code="them", text="x")
    with refused("effective_from"):
        services.save_criteria_set(world.parent_officer, own, effective_from=d(2026, 2, 1))
    # nor are its criteria reworded nor its legal basis changed: a new version is made
    first = own.criteria.first()
    with translation.override("en"), refused("text") as info:
        services.save_criterion(world.parent_officer, own, first, text="Sửa lỗi chính tả")
    assert "new version" in info.value.message_dict["text"][0]
    with refused("order"):
        services.save_criterion(world.parent_officer, own, first, text=first.text, order=99)
    with refused("legal_basis"):
        services.save_criteria_set(world.parent_officer, own, legal_basis="Quyết định khác")
    with refused("name"):
        services.save_criteria_set(world.parent_officer, own, name="Tên khác")
    own.refresh_from_db()
    assert own.criteria.get(pk=first.pk).text == first.text
    # only its end may be set, to close it (not before its last self-assessment, 1 Apr)
    with refused("effective_to"):
        services.save_criteria_set(world.parent_officer, own, effective_to=d(2026, 3, 1))
    services.save_criteria_set(
        world.parent_officer, own, legal_basis=own.legal_basis, effective_to=d(2026, 12, 31)
    )
    own.refresh_from_db()
    assert own.effective_to == d(2026, 12, 31)
    newer = services.copy_criteria_set(
        world.parent_officer, own, province=world.province, effective_from=d(2027, 1, 1)
    )
    assert services.criteria_set_for("commune", world.commune, d(2027, 2, 1)) == newer
    assert Criterion.objects.filter(criteria_set=own).count() == newer.criteria.count()
    unused = services.copy_criteria_set(
        world.admin, national, province=None, effective_from=d(2030, 1, 1)
    )
    services.delete_criteria_set(world.admin, unused)
    assert not CriteriaSet.objects.filter(pk=unused.pk).exists()
    assert CriterionResult.objects.filter(certification=cert).count() == own.criteria.count()
