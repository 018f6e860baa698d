"""Rules shared by the registers' services: where a record sits and what it may be
attributed to. Refusals are ValidationErrors keyed by field, in the user's language."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit, UnitVersion
from binhyen.schemes.models import Group, Scheme
from binhyen.schemes.services.checks import fail, require_in_force

RECORD_LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)


def require_date(field: str, on: dt.date | None) -> dt.date:
    if on is None:
        fail(field, _("This field is required."))
    if on > geo_queries.today():
        fail(field, _("The date cannot be in the future."))
    return on


def require_place(field: str, unit: AdminUnit | None, on: dt.date) -> AdminUnit:
    """A commune or residential area in force on the record's date."""
    if unit is None:
        fail(field, _("This field is required."))
    if unit.level not in RECORD_LEVELS:
        fail(field, _("A record sits in a commune or a residential area."))
    require_in_force(field, unit, on)
    return unit


def related_units(a: AdminUnit, b: AdminUnit) -> bool:
    """The same unit, or a residential area and a commune it belongs (or belonged) to."""
    if a.pk == b.pk:
        return True
    return UnitVersion.objects.filter(Q(unit=a, parent=b) | Q(unit=b, parent=a)).exists()


def require_scheme_fits(field: str, scheme: Scheme, unit: AdminUnit, on: dt.date) -> None:
    """A record is attributed to a point of its own unit (or of its commune, or of one of
    its residential areas) that existed on the record's date."""
    if scheme.established_on > on:
        fail(
            field,
            _("The point was established on %(date)s, after this record.")
            % {"date": scheme.established_on.strftime("%d/%m/%Y")},
        )
    if scheme.dissolved_on is not None and scheme.dissolved_on <= on:
        fail(
            field,
            _("The point was dissolved on %(date)s.")
            % {"date": scheme.dissolved_on.strftime("%d/%m/%Y")},
        )
    if not related_units(scheme.unit, unit):
        fail(field, _("The point is neither in this unit nor in its commune or areas."))


def require_group_fits(field: str, group: Group, unit: AdminUnit, on: dt.date) -> None:
    """A responsible group of the unit (its residential area, or an area of its commune)
    in force on the date."""
    if group.established_on > on or (group.dissolved_on and group.dissolved_on <= on):
        fail(field, _("The group was not in force on that date."))
    if not related_units(group.residential_area, unit):
        fail(field, _("The group is neither in this unit nor in one of its areas."))
