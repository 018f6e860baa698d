"""Writes of scheme points: establish, edit, lifecycle events, grading, recognitions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from ..choices import (
    ALLOWED_EVENTS,
    GRADE_RANK,
    STATUS_AFTER,
    UNIT_HOSTS,
    EventKind,
    Status,
)
from ..models import (
    ComponentGrade,
    Grading,
    Recognition,
    Scheme,
    SchemeEvent,
    SchemeType,
)
from .checks import fail, require_in_force, require_level, require_order, require_position

SCHEME_FIELDS = (
    "ref",
    "scheme_type",
    "name",
    "host_kind",
    "organization",
    "unit",
    "established_on",
    "decision_number",
    "decision_date",
    "decision_signer",
    "leader_name",
    "leader_phone",
    "contacts",
    "latitude",
    "longitude",
    "replicated_from",
    "notes",
)


def _check_host(scheme: Scheme) -> None:
    scheme_type: SchemeType = scheme.scheme_type
    if not scheme_type.is_active and scheme.pk is None:
        fail("scheme_type", _("This scheme type is no longer in use."))
    if scheme.host_kind not in scheme_type.host_kinds:
        fail(
            "host_kind",
            _("A %(type)s point cannot be hosted by this kind of host; allowed: %(allowed)s.")
            % {"type": scheme_type.label, "allowed": ", ".join(scheme_type.host_kind_labels())},
        )
    if scheme.host_kind in UNIT_HOSTS:
        scheme.organization = None
        require_level("unit", scheme.unit, scheme.host_kind)
    else:
        org = scheme.organization
        if org is None:
            fail("organization", _("Choose the host organisation."))
        if org.kind != scheme.host_kind:
            fail("organization", _("The organisation is not of the host kind chosen."))
        scheme.unit = org.residential_area or org.commune
        if org.ceased_on and org.ceased_on < scheme.established_on:
            fail("organization", _("The organisation had ceased before that date."))
    if scheme.unit.level not in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
        fail("unit", _("A point sits in a commune or a residential area."))
    require_in_force("unit", scheme.unit, scheme.established_on)


def _check_scheme(scheme: Scheme) -> None:
    if not scheme.name.strip():
        fail("name", _("This field is required."))
    _check_host(scheme)
    require_position(scheme.latitude, scheme.longitude)
    origin = scheme.replicated_from
    if origin is not None:
        if origin.pk == scheme.pk:
            fail("replicated_from", _("A point cannot be replicated from itself."))
        if origin.scheme_type_id != scheme.scheme_type_id:
            fail("replicated_from", _("A point is replicated from a point of the same type."))
        if origin.established_on > scheme.established_on:
            fail("replicated_from", _("The original point was established later than this one."))
    if scheme.decision_date and scheme.decision_date > scheme.established_on:
        fail("decision_date", _("The founding decision is dated after the establishment."))


@transaction.atomic
def establish_scheme(**values) -> Scheme:
    """A new point, with its 'established' event on the date it was established."""
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"not scheme fields: {sorted(unknown)}")
    scheme = Scheme(**values)
    _check_scheme(scheme)
    scheme.save()
    SchemeEvent.objects.create(
        scheme=scheme,
        kind=EventKind.ESTABLISHED,
        date=scheme.established_on,
        decision=scheme.decision_number,
    )
    return scheme


@transaction.atomic
def update_scheme(scheme: Scheme, *, version: int | None = None, **values) -> Scheme:
    """Edit a point's particulars. With `version`, refuses (StaleEdit) if the point was
    saved by someone else since that version was read."""
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"not scheme fields: {sorted(unknown)}")
    locked = stale.lock(Scheme, scheme.pk, version)
    first_event = locked.events.order_by("date", "pk").first()
    for name, value in values.items():
        setattr(locked, name, value)
    _check_scheme(locked)
    later = locked.events.exclude(kind=EventKind.ESTABLISHED).order_by("date").first()
    if later and later.date < locked.established_on:
        fail("established_on", _("The point has events before that date."))
    stale.bump(locked)
    locked.save()
    if first_event and first_event.date != locked.established_on:
        first_event.date = locked.established_on
        first_event.save(update_fields=["date"])
    scheme.__dict__.update(locked.__dict__)
    return scheme


def _last_event(scheme: Scheme) -> SchemeEvent | None:
    return scheme.events.order_by("-date", "-pk").first()


@transaction.atomic
def record_event(
    scheme: Scheme, kind: str, date: dt.date, reason: str = "", decision: str = ""
) -> SchemeEvent:
    """Suspend, reactivate or dissolve a point on a date, with the reason."""
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    status = Status(locked.status)
    if kind not in ALLOWED_EVENTS[status]:
        fail(
            "kind",
            _("A point that is %(status)s cannot be %(event)s.")
            % {"status": status.label.lower(), "event": EventKind(kind).label.lower()},
        )
    if date > geo_queries.today():
        fail("date", _("The date cannot be in the future."))
    last = _last_event(locked)
    if last is not None and date < last.date:
        fail(
            "date",
            _("The date cannot be before the last event (%(date)s).")
            % {"date": last.date.strftime("%d/%m/%Y")},
        )
    if kind in (EventKind.SUSPENDED, EventKind.DISSOLVED) and not reason.strip():
        fail("reason", _("Give the reason."))
    event = SchemeEvent.objects.create(
        scheme=locked, kind=kind, date=date, reason=reason.strip(), decision=decision
    )
    locked.status = STATUS_AFTER[EventKind(kind)]
    locked.dissolved_on = date if kind == EventKind.DISSOLVED else None
    locked.version += 1
    locked.save(update_fields=["status", "dissolved_on", "version"])
    scheme.__dict__.update(locked.__dict__)
    return event


@transaction.atomic
def grade_scheme(
    scheme: Scheme,
    year: int,
    grade: str | None = None,
    components: dict[str, str] | None = None,
    note: str = "",
) -> Grading:
    """Record (or correct) the grading of a year. A composite type is graded per
    component, every component; the overall grade is then the worst of them."""
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()  # one grading at a time
    if year < scheme.established_on.year:
        fail("year", _("The point was established after that year."))
    if scheme.dissolved_on and year > scheme.dissolved_on.year:
        fail("year", _("The point was dissolved before that year."))
    parts = list(scheme.scheme_type.components.all())
    components = {k: v for k, v in (components or {}).items() if v}
    if parts:
        missing = [p.label for p in parts if p.code not in components]
        if missing:
            fail(
                "components", _("Grade every component: %(names)s.") % {"names": ", ".join(missing)}
            )
        grade = max((components[p.code] for p in parts), key=lambda g: GRADE_RANK[g])
    elif not grade:
        fail("grade", _("This field is required."))
    grading = Grading.objects.filter(scheme=scheme, year=year).first() or Grading(
        scheme=scheme, year=year
    )
    grading.grade, grading.note = grade, note
    grading.save()
    if parts:
        existing = {c.component_id: c for c in grading.components.all()}
        for part in parts:
            row = existing.get(part.pk) or ComponentGrade(grading=grading, component=part)
            if row.pk is None or row.grade != components[part.code]:
                row.grade = components[part.code]
                row.save()
    return grading


@transaction.atomic
def recognize_scheme(
    scheme: Scheme,
    year: int,
    kind: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    issued_by: str = "",
) -> Recognition:
    """Mark a point exemplar of a year, or record a commendation."""
    if year < scheme.established_on.year:
        fail("year", _("The point was established after that year."))
    if Recognition.objects.filter(scheme=scheme, year=year, kind=kind).exists():
        fail("kind", _("This recognition is already recorded for that year."))
    if decision_date and decision_date.year < year:
        require_order("decision_date", dt.date(year, 1, 1), decision_date, str(year))
    return Recognition.objects.create(
        scheme=scheme,
        year=year,
        kind=kind,
        decision_number=decision_number,
        decision_date=decision_date,
        issued_by=issued_by,
    )
