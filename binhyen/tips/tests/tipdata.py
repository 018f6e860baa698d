"""Test data for the tips tests: places of the triangle's commune and a tip factory."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.tips import services
from binhyen.tips.models import Tip

INFORMANT_NAME = "Trần Thị Bí Mật"
INFORMANT_CONTACT = "0909 123 457"


def area_of(commune: AdminUnit) -> AdminUnit:
    """A residential area of a commune in force today."""
    return next(
        v.unit
        for v in geo_queries.children_on(commune, geo_queries.today())
        if v.unit.level == Level.RESIDENTIAL_AREA
    )


def sibling_of(triangle) -> AdminUnit:
    """Another commune of the triangle's province, in force today."""
    return next(
        v.unit
        for v in geo_queries.children_on(triangle.parent, geo_queries.today())
        if v.unit.level == Level.COMMUNE and v.unit != triangle.unit
    )


def make_tip(unit: AdminUnit, days_ago: int = 3, informant: bool = False, **values) -> Tip:
    values.setdefault("channel", "phone")
    values.setdefault("category", "drugs")
    values.setdefault("description", "Có người bán ma túy ở đầu ngõ.")
    data = (
        services.InformantData(full_name=INFORMANT_NAME, contact=INFORMANT_CONTACT)
        if informant
        else None
    )
    return services.record_tip(
        received_at=timezone.now() - dt.timedelta(days=days_ago),
        unit=unit,
        informant=data,
        **values,
    )
