"""Writes of the yearly workflow: register → self-assess → meeting and dossier →
appraise → decide (certificate) → appeal. Each function checks the user's right to
write the certification's unit, runs in one transaction (audited through the model
registry, core.audit) and refuses with a ValidationError keyed by field.

A commune's own certification is decided by the level above only (provincial officers
of its province, system administrators), and "certified" only when the commune's
qualification derived from its units passes (queries.commune_qualification).

`user=None` is the system (demo, commands run by an administrator): no permission check,
but the qualification is checked all the same.
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
    registration_opens,
)
from ..models import Certification, CertificationStep, CriterionResult
from .codes import new_certificate_code
from .criteria import criteria_set_for
from .files import stored_file

EXCLUDED_SIZES = {SizeClass.MICRO, SizeClass.SMALL}
EXCLUDED_SCHOOLS = {SchoolLevel.PRIMARY, SchoolLevel.PRESCHOOL}
# steps written by their own function, not by record_step
OWN_FUNCTION = {
    StepKind.REGISTERED: "register",
    StepKind.SELF_ASSESSED: "self_assess",
    StepKind.CERTIFIED: "decide",
    StepKind.NOT_CERTIFIED: "decide",
    # an appeal's outcome is a new decision (number, date, authority): decide
    StepKind.APPEAL_UPHELD: "decide",
    StepKind.APPEAL_REJECTED: "decide",
}
# the model's column widths (PostgreSQL refuses longer values)
DOCUMENT_MAX = 255
DECISION_NUMBER_MAX = 60
DECISION_AUTHORITY_MAX = 160
# reasons and evidence are text columns: a bound all the same
TEXT_MAX = 4000


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require_writer(user, unit: AdminUnit) -> None:
    if user is not None and not permissions.can_write_unit(user, unit):
        raise PermissionDenied(_("You may not write certifications of this unit."))


def _require_decider(user, cert: Certification) -> None:
    if user is not None and not permissions.can_decide(user, cert):
        raise PermissionDenied(_("You may not decide this certification."))


def _require_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        fail(
            field,
            _("At most %(limit)s characters (it has %(length)s).")
            % {"limit": limit, "length": len(value)},
        )


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
    opens, deadline = registration_opens(year), registration_deadline(year)
    if not opens <= on <= deadline:
        fail(
            "registered_on",
            _(
                "Registration for %(year)s is in the first quarter of %(year)s: "
                "from %(start)s to %(end)s."
            )
            % {"year": year, "start": _fmt(opens), "end": _fmt(deadline)},
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


def _check_step(
    cert: Certification, kind: str, day: dt.date, reason: str, document: str = ""
) -> None:
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
    _require_length("document", (document or "").strip(), DOCUMENT_MAX)
    _require_length("reason", (reason or "").strip(), TEXT_MAX)


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
    stored = stored_file("attachment", attachment)
    if stored is not None:
        step.attachment = stored
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
    """Record a meeting and dossier, an appraisal or an appeal (the self-assessment, the
    decisions and an appeal's outcome have their own functions). `attachment`: an
    uploaded file of an allowed type and size (services.files)."""
    if kind in OWN_FUNCTION:
        fail("kind", _("This step is recorded with its own form."))
    cert = _lock(certification)
    _require_writer(user, cert.unit)
    _check_step(cert, kind, date, reason, document)
    step = _add_step(cert, kind, date, user, document, reason, attachment)
    certification.__dict__.update(cert.__dict__)
    return step


def _split(value) -> tuple[object, str, object]:
    if isinstance(value, dict):
        return value.get("met"), value.get("evidence", ""), value.get("attachment")
    met, evidence, *rest = value
    return met, evidence, rest[0] if rest else None


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
    _check_step(cert, StepKind.SELF_ASSESSED, date, "", document)
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
        if not isinstance(met, bool):  # "false" is not False: say it with a boolean
            errors[f"met_{criterion.code}"] = [
                _("Say whether criterion %(code)s is met.") % {"code": criterion.code}
            ]
        evidence = (evidence or "").strip()
        if not evidence:
            errors[f"evidence_{criterion.code}"] = [
                _("Give the evidence for criterion %(code)s.") % {"code": criterion.code}
            ]
        elif len(evidence) > TEXT_MAX:
            errors[f"evidence_{criterion.code}"] = [
                _("At most %(limit)s characters (it has %(length)s).")
                % {"limit": TEXT_MAX, "length": len(evidence)}
            ]
        if attachment:
            try:
                attachment = stored_file(f"file_{criterion.code}", attachment)
            except ValidationError as error:
                errors.update(error.message_dict)
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


def _require_qualified(cert: Certification) -> None:
    """Refuse "certified" for a commune whose qualification (derived from its units, its
    scheme points and its own criteria) does not pass, naming the failed conditions."""
    from ..queries import commune_qualification  # queries import this module

    qualification = commune_qualification(cert.unit, cert.year)
    failed = [part.label for part in qualification.parts if not part.passed]
    if failed:
        fail(
            "certified",
            _("The commune does not qualify for %(year)s; not met: %(conditions)s.")
            % {"year": cert.year, "conditions": "; ".join(failed)},
        )


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
    certification the decision settles the appeal (upheld / rejected) and its number,
    date and authority replace the first decision's.

    A commune's own certification is decided by the level above (permissions.can_decide)
    and is certified only when its qualification passes (for the system too)."""
    cert = _lock(certification)
    _require_decider(user, cert)
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
    _require_length("decision_number", number, DECISION_NUMBER_MAX)
    _require_length("decision_authority", authority, DECISION_AUTHORITY_MAX)
    _check_step(cert, kind, date, reason)
    if not certified and not (reason or "").strip():
        fail("reason", _("Give the reason."))
    if certified and cert.subject_type == SubjectType.COMMUNE:
        _require_qualified(cert)
    cert.decision_number = number
    cert.decision_date = date
    cert.decision_authority = authority
    _add_step(cert, kind, date, user, number, reason if not certified else "")
    certification.__dict__.update(cert.__dict__)
    return certification
