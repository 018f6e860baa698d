"""Writes of the yearly workflow: register → self-assess → meeting and dossier →
appraise → decide (certificate) → appeal. Each function checks the user's right to
write the certification's unit, runs in one transaction (audited through the model
registry, core.audit) and refuses with a ValidationError keyed by field.

`user=None` is the system (demo, commands run by an administrator): no permission check.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.choices import SchoolLevel, SizeClass
from binhyen.schemes.models import Organization
from binhyen.schemes.services.checks import fail

from .. import permissions
from ..choices import (
    FLOW,
    NEEDS_REASON,
    UNIT_SUBJECTS,
    Status,
    StepKind,
    SubjectType,
    registration_deadline,
    window,
)
from ..models import Certification, CertificationStep, CriterionResult
from .codes import new_certificate_code
from .criteria import criteria_set_for

EXCLUDED_SIZES = {SizeClass.MICRO, SizeClass.SMALL}
EXCLUDED_SCHOOLS = {SchoolLevel.PRIMARY, SchoolLevel.PRESCHOOL}
# steps written by their own function, not by record_step
OWN_FUNCTION = {
    StepKind.REGISTERED: "register",
    StepKind.SELF_ASSESSED: "self_assess",
    StepKind.CERTIFIED: "decide",
    StepKind.NOT_CERTIFIED: "decide",
}


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require_writer(user, unit: AdminUnit) -> None:
    if user is not None and not permissions.can_write_unit(user, unit):
        raise PermissionDenied(_("You may not write certifications of this unit."))


def _actor(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _require_past(field: str, day: dt.date | None) -> None:
    if day is None:
        fail(field, _("This field is required."))
    if day > geo_queries.today():
        fail(field, _("The date cannot be in the future."))


# ---- the subject -------------------------------------------------------------------------


def organization_exclusion(org: Organization) -> str:
    """Why an organisation is not certified by the commune ("" when it is)."""
    if org.armed_forces:
        return _("Armed-forces units are not certified by communes.")
    if org.kind == SubjectType.ENTERPRISE and org.size_class in EXCLUDED_SIZES:
        return _("Micro and small enterprises are not certified.")
    if org.kind == SubjectType.SCHOOL and org.school_level in EXCLUDED_SCHOOLS:
        return _("Primary schools, pre-schools and nurseries are not certified.")
    return ""


def org_in_force(org: Organization, on: dt.date) -> bool:
    """Established on or before `on` and not ceased (a ceased_on day is no longer in force)."""
    started = org.established_on is None or org.established_on <= on
    return started and (org.ceased_on is None or org.ceased_on > on)


def _check_subject(cert: Certification) -> None:
    kind = cert.subject_type
    if kind not in SubjectType.values:
        fail("subject_type", _("Choose the subject type."))
    on = cert.registered_on
    if kind in UNIT_SUBJECTS:
        cert.organization = None
        unit = cert.unit if cert.unit_id else None
        if unit is None:
            fail("unit", _("Choose the unit."))
        if unit.level != kind:
            fail(
                "unit",
                _("%(unit)s is a %(level)s, not a %(expected)s.")
                % {
                    "unit": unit,
                    "level": Level(unit.level).label.lower(),
                    "expected": SubjectType(kind).label.lower(),
                },
            )
        if not unit.in_force_on(on):
            fail(
                "unit", _("%(unit)s did not exist on %(date)s.") % {"unit": unit, "date": _fmt(on)}
            )
    else:
        org = cert.organization
        if org is None:
            fail("organization", _("Choose the organisation."))
        if org.kind != kind:
            fail(
                "organization",
                _("%(org)s is not a %(kind)s.")
                % {"org": org, "kind": SubjectType(kind).label.lower()},
            )
        why = organization_exclusion(org)
        if why:
            fail("organization", why)
        if not org_in_force(org, on):
            fail(
                "organization",
                _("%(org)s was not in operation on %(date)s.") % {"org": org, "date": _fmt(on)},
            )
        cert.unit = org.commune


def _check_households(cert: Certification) -> None:
    if cert.subject_type != SubjectType.RESIDENTIAL_AREA:
        cert.households_total = cert.households_registered = None
        return
    total, registered = cert.households_total, cert.households_registered
    if total in (None, ""):
        fail("households_total", _("Give the number of households of the residential area."))
    if registered in (None, ""):
        fail("households_registered", _("Give the number of households that registered."))
    if total <= 0:
        fail("households_total", _("The number of households must be more than zero."))
    if registered != total:
        fail(
            "households_registered",
            _(
                "Every household must register (%(registered)s of %(total)s did): "
                "a residential area registers only with 100%% of its households."
            )
            % {"registered": registered, "total": total},
        )


def _check_window(cert: Certification) -> None:
    year, on = cert.year, cert.registered_on
    if not year or year < 2000 or year > 2100:
        fail("year", _("Give the year naming the window."))
    start, _end = window(cert.subject_type, year)
    deadline = registration_deadline(year)
    if on < start:
        fail(
            "registered_on",
            _("The %(year)s window opens on %(date)s.") % {"year": year, "date": _fmt(start)},
        )
    if on > deadline:
        fail(
            "registered_on",
            _("Registration for %(year)s closed on %(date)s (the first quarter).")
            % {"year": year, "date": _fmt(deadline)},
        )


def _existing(cert: Certification):
    qs = Certification.objects.filter(year=cert.year)
    if cert.organization is not None:
        return qs.filter(organization=cert.organization)
    return qs.filter(organization__isnull=True, subject_type=cert.subject_type, unit=cert.unit)


@transaction.atomic
def register(
    user,
    *,
    subject_type: str,
    unit: AdminUnit | None = None,
    organization: Organization | None = None,
    year: int,
    registered_on: dt.date,
    households_total: int | None = None,
    households_registered: int | None = None,
) -> Certification:
    """Register a subject for the window named by `year` (the first step)."""
    cert = Certification(
        subject_type=subject_type,
        unit=unit,
        organization=organization,
        year=year,
        registered_on=registered_on,
        status=Status.REGISTERED,
        households_total=households_total,
        households_registered=households_registered,
    )
    _require_past("registered_on", registered_on)
    _check_subject(cert)
    _require_writer(user, cert.unit)
    _check_window(cert)
    _check_households(cert)
    if _existing(cert).exists():
        fail(
            "organization" if cert.organization is not None else "unit",
            _("%(subject)s is already registered for %(year)s.")
            % {"subject": cert.subject, "year": cert.year},
        )
    try:
        with transaction.atomic():
            cert.save()
    except IntegrityError:
        fail("unit", _("This subject is already registered for that year."))
    CertificationStep.objects.create(
        certification=cert, kind=StepKind.REGISTERED, date=registered_on, by=_actor(user)
    )
    return cert


# ---- steps -------------------------------------------------------------------------------


def last_step(cert: Certification) -> CertificationStep | None:
    return cert.steps.order_by("-date", "-pk").first()


def next_steps(cert: Certification) -> list[str]:
    """The step kinds that may follow the certification's status, in FLOW order."""
    return [kind for kind, (before, _after) in FLOW.items() if cert.status in before]


def _lock(cert: Certification) -> Certification:
    return Certification.objects.select_for_update().select_related("unit").get(pk=cert.pk)


def _check_step(cert: Certification, kind: str, day: dt.date, reason: str) -> None:
    if kind not in FLOW:
        fail("kind", _("Choose the step."))
    before, _after = FLOW[kind]
    if cert.status not in before:
        fail(
            "kind",
            _("“%(step)s” cannot follow the status “%(status)s”.")
            % {"step": StepKind(kind).label, "status": Status(cert.status).label},
        )
    _require_past("date", day)
    previous = last_step(cert)
    floor = previous.date if previous is not None else cert.registered_on
    if day < floor:
        fail(
            "date",
            _("The date cannot be before the previous step (%(date)s).") % {"date": _fmt(floor)},
        )
    if kind in NEEDS_REASON and not (reason or "").strip():
        fail("reason", _("Give the reason."))


def _issue_certificate(cert: Certification, day: dt.date) -> None:
    for _attempt in range(20):
        code = new_certificate_code()
        if not Certification.objects.filter(certificate_code=code).exists():
            cert.certificate_code = code
            cert.certificate_issued_on = day
            return
    raise RuntimeError("could not draw a free certificate code")  # pragma: no cover


def _add_step(cert, kind, day, user, document="", reason="", attachment=None):
    step = CertificationStep(
        certification=cert,
        kind=kind,
        date=day,
        document=(document or "").strip(),
        reason=(reason or "").strip(),
        by=_actor(user),
    )
    if attachment:
        step.attachment = attachment
    step.save()
    cert.status = FLOW[kind][1]
    if cert.status == Status.CERTIFIED and not cert.certificate_code:
        _issue_certificate(cert, day)
    cert.save()
    return step


@transaction.atomic
def record_step(
    user,
    certification: Certification,
    *,
    kind: str,
    date: dt.date,
    document: str = "",
    reason: str = "",
    attachment=None,
) -> CertificationStep:
    """Record a meeting and dossier, an appraisal, an appeal or its outcome. An upheld
    appeal certifies: the certificate is issued on its date, the document (the new
    decision) becomes the decision number when given."""
    if kind in OWN_FUNCTION:
        fail("kind", _("This step is recorded with its own form."))
    cert = _lock(certification)
    _require_writer(user, cert.unit)
    _check_step(cert, kind, date, reason)
    if kind == StepKind.APPEAL_UPHELD:
        if (document or "").strip():
            cert.decision_number = document.strip()[:60]
        cert.decision_date = date
    step = _add_step(cert, kind, date, user, document, reason, attachment)
    certification.__dict__.update(cert.__dict__)
    return step


def _split(value) -> tuple[bool, str, object]:
    if isinstance(value, dict):
        return bool(value.get("met")), value.get("evidence", ""), value.get("attachment")
    met, evidence, *rest = value
    return bool(met), evidence, rest[0] if rest else None


@transaction.atomic
def self_assess(
    user,
    certification: Certification,
    *,
    date: dt.date,
    results: dict,
    document: str = "",
) -> Certification:
    """The subject's self-assessment against the criteria set in force for its type on
    `date` (the province's own set wins over the national one): `results` maps every
    criterion code to (met, evidence text[, evidence file])."""
    cert = _lock(certification)
    _require_writer(user, cert.unit)
    _check_step(cert, StepKind.SELF_ASSESSED, date, "")
    criteria_set = criteria_set_for(cert.subject_type, cert.unit, date)
    if criteria_set is None:
        fail(
            "results",
            _("No criteria are in force for this subject type on %(date)s.") % {"date": _fmt(date)},
        )
    criteria = list(criteria_set.criteria.order_by("order", "code"))
    codes = {c.code for c in criteria}
    unknown = sorted(set(results) - codes)
    if unknown:
        fail("results", _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)})
    missing = [c.code for c in criteria if c.code not in results]
    if missing:
        fail(
            "results",
            _("Give a result for every criterion; missing: %(codes)s.")
            % {"codes": ", ".join(missing)},
        )
    errors: dict[str, list[str]] = {}
    rows = []
    for criterion in criteria:
        met, evidence, attachment = _split(results[criterion.code])
        evidence = (evidence or "").strip()
        if not evidence:
            errors[f"evidence_{criterion.code}"] = [
                _("Give the evidence for criterion %(code)s.") % {"code": criterion.code}
            ]
        rows.append((criterion, met, evidence, attachment))
    if errors:
        raise ValidationError(errors)
    cert.criteria_set = criteria_set
    for criterion, met, evidence, attachment in rows:
        result = CriterionResult(
            certification=cert, criterion=criterion, met=met, evidence=evidence
        )
        if attachment:
            result.attachment = attachment
        result.save()
    _add_step(cert, StepKind.SELF_ASSESSED, date, user, document)
    certification.__dict__.update(cert.__dict__)
    return certification


@transaction.atomic
def decide(
    user,
    certification: Certification,
    *,
    certified: bool,
    date: dt.date,
    decision_number: str,
    decision_authority: str,
    reason: str = "",
) -> Certification:
    """The decision (number, date, authority). Certified: the certificate is issued with
    a random verification code. Not certified: a reason is required. On an appealed
    certification the decision settles the appeal (upheld / rejected)."""
    cert = _lock(certification)
    _require_writer(user, cert.unit)
    if cert.status == Status.APPEALED:
        kind = StepKind.APPEAL_UPHELD if certified else StepKind.APPEAL_REJECTED
    else:
        kind = StepKind.CERTIFIED if certified else StepKind.NOT_CERTIFIED
    number = (decision_number or "").strip()
    authority = (decision_authority or "").strip()
    if not number:
        fail("decision_number", _("Give the decision number."))
    if not authority:
        fail("decision_authority", _("Give the authority that decided."))
    _check_step(cert, kind, date, reason)
    if not certified and not (reason or "").strip():
        fail("reason", _("Give the reason."))
    cert.decision_number = number[:60]
    cert.decision_date = date
    cert.decision_authority = authority[:160]
    _add_step(cert, kind, date, user, number, reason if not certified else "")
    certification.__dict__.update(cert.__dict__)
    return certification
