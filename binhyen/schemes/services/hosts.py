"""Writes of host organisations."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.geo.choices import Level

from ..choices import HostKind
from ..models import Organization, Scheme
from .checks import fail, require_area_in_commune, require_level, require_order

ORGANIZATION_FIELDS = (
    "ref",
    "kind",
    "name",
    "commune",
    "residential_area",
    "address",
    "tax_code",
    "size_class",
    "school_level",
    "religious_kind",
    "armed_forces",
    "established_on",
    "ceased_on",
    "notes",
)


def _check(org: Organization) -> None:
    if org.kind in (HostKind.RESIDENTIAL_AREA, HostKind.COMMUNE) or not org.kind:
        fail("kind", _("Choose the kind of organisation."))
    require_level("commune", org.commune, Level.COMMUNE)
    if org.residential_area_id:
        require_level("residential_area", org.residential_area, Level.RESIDENTIAL_AREA)
        require_area_in_commune(org.residential_area, org.commune)
    if org.kind != HostKind.ENTERPRISE:
        org.size_class = ""
    if org.kind != HostKind.SCHOOL:
        org.school_level = ""
    if org.kind != HostKind.RELIGIOUS:
        org.religious_kind = ""
    require_order("ceased_on", org.established_on, org.ceased_on, _("the date established"))


@transaction.atomic
def save_organization(
    org: Organization | None, *, version: int | None = None, **values
) -> Organization:
    """Record an organisation (org None) or edit one. With `version`, an edit is refused
    (StaleEdit) if the organisation was saved by someone else since that version."""
    unknown = set(values) - set(ORGANIZATION_FIELDS)
    if unknown:
        raise TypeError(f"not organisation fields: {sorted(unknown)}")
    target = Organization()
    if org is not None and org.pk:
        target = stale.lock(Organization, org.pk, version)
        stale.bump(target)
    for name, value in values.items():
        setattr(target, name, value)
    _check(target)
    target.save()
    _move_points(target)
    if org is not None:
        org.__dict__.update(target.__dict__)
    return target


def _move_points(org: Organization) -> None:
    """A point sits where its host organisation sits (ADR 0004): follow a move."""
    unit_id = org.residential_area_id or org.commune_id
    for point in Scheme.objects.filter(organization=org).exclude(unit_id=unit_id):
        point.unit_id = unit_id
        point.version += 1
        point.save(update_fields=["unit", "version"])


@transaction.atomic
def cease_organization(org: Organization, on: dt.date) -> Organization:
    locked = stale.lock(Organization, org.pk)
    require_order("ceased_on", locked.established_on, on, _("the date established"))
    locked.ceased_on = on
    locked.save(update_fields=["ceased_on", *stale.bump(locked)])
    org.__dict__.update(locked.__dict__)
    return org
