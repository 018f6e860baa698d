"""Validation shared by the services: every refusal is a ValidationError keyed by field,
in the user's language, so forms, the API and imports show it where it belongs."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit, UnitVersion

# Vietnam's mainland and islands (Hoàng Sa, Trường Sa) fit in this box
LAT_RANGE = (6.0, 24.0)
LON_RANGE = (102.0, 118.0)


def fail(field: str, message: str):
    raise ValidationError({field: [message]})


def require_level(field: str, unit: AdminUnit | None, level: str) -> None:
    if unit is None:
        fail(field, _("This field is required."))
    if unit.level != level:
        fail(
            field,
            _("%(unit)s is a %(level)s, not a %(expected)s.")
            % {
                "unit": unit,
                "level": Level(unit.level).label.lower(),
                "expected": Level(level).label.lower(),
            },
        )


def require_in_force(field: str, unit: AdminUnit, on: dt.date) -> None:
    if not unit.in_force_on(on):
        fail(
            field,
            _("%(unit)s did not exist on %(date)s.")
            % {"unit": unit, "date": on.strftime("%d/%m/%Y")},
        )


def require_area_in_commune(
    area: AdminUnit, commune: AdminUnit, field: str = "residential_area"
) -> None:
    if not UnitVersion.objects.filter(unit=area, parent=commune).exists():
        fail(
            field,
            _("%(area)s is not in %(commune)s.") % {"area": area, "commune": commune},
        )


def require_order(field: str, start: dt.date, end: dt.date | None, start_label: str) -> None:
    if end is not None and start is not None and end < start:
        fail(
            field,
            _("The date cannot be before %(what)s (%(date)s).")
            % {"what": start_label, "date": start.strftime("%d/%m/%Y")},
        )


def require_position(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        fail("longitude" if latitude is not None else "latitude", _("Give both coordinates."))
    if latitude is None:
        return
    if not LAT_RANGE[0] <= float(latitude) <= LAT_RANGE[1]:
        fail("latitude", _("The latitude must be between 6 and 24 (Vietnam)."))
    if not LON_RANGE[0] <= float(longitude) <= LON_RANGE[1]:
        fail("longitude", _("The longitude must be between 102 and 118 (Vietnam)."))


def require_open(field: str, start: dt.date, ended: dt.date | None, what: str) -> None:
    """A date on which something (a group, a team) must still be in force."""
    if ended is not None and start >= ended:
        fail(
            field,
            _("The %(what)s ended on %(date)s.")
            % {"what": what, "date": ended.strftime("%d/%m/%Y")},
        )


def group_point_problem(scheme, area: AdminUnit) -> str:
    """Why a group of `area` cannot belong to `scheme` ("" when it can): the point's type
    must have groups, and the point must sit in that area or in its commune."""
    if not scheme.scheme_type.has_groups:
        return _("Points of this type have no groups.")
    if scheme.unit_id == area.pk:
        return ""
    if (
        scheme.unit.level == Level.COMMUNE
        and UnitVersion.objects.filter(unit=area, parent_id=scheme.unit_id).exists()
    ):
        return ""
    return _("The point is neither in this residential area nor in its commune.")
