"""The one jurisdiction filter every user-visible query passes through.

A role on a unit covers, under today's structure, every unit that ever existed and
rolls up to it (its descendants and the units merged into it), through the Placement
table: one indexed join, whatever the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit

from .choices import Role
from .models import RoleAssignment


@dataclass(frozen=True)
class Jurisdiction:
    unrestricted: bool
    units: tuple[AdminUnit, ...]
    roles: frozenset[str]

    def covers_anything(self) -> bool:
        return self.unrestricted or bool(self.units)


def jurisdiction_of(user, roles: set[str] | None = None) -> Jurisdiction:
    """The user's jurisdiction, optionally counting only some roles. Cached per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Jurisdiction(False, (), frozenset())
    cache = user.__dict__.setdefault("_jurisdiction_cache", {})
    key = frozenset(roles) if roles else None
    if key not in cache:
        assignments = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        held = {a.role for a in assignments}
        unrestricted = user.is_superuser or Role.SYSTEM_ADMIN in held
        units = tuple(
            a.unit for a in assignments if a.unit_id and (roles is None or a.role in roles)
        )
        cache[key] = Jurisdiction(unrestricted, units, frozenset(held))
    return cache[key]


def is_restricted(user) -> bool:
    return not jurisdiction_of(user).unrestricted


def covered_unit_ids(user, on: dt.date | None = None, roles: set[str] | None = None):
    """A subquery of the ids of every unit (of any time) in the user's jurisdiction."""
    scope = jurisdiction_of(user, roles)
    if scope.unrestricted:
        return AdminUnit.objects.values("pk")
    if not scope.units:
        return AdminUnit.objects.none().values("pk")
    on = on or geo_queries.today()
    return geo_queries.placed_under(list(scope.units), on).values("unit_id")


def restrict(queryset: QuerySet, user, unit_field: str = "unit", roles=None) -> QuerySet:
    """Filter any queryset to the user's jurisdiction through its unit field."""
    scope = jurisdiction_of(user, roles)
    if scope.unrestricted:
        return queryset
    if not scope.units:
        return queryset.none()
    lookup = "pk__in" if unit_field in ("", "pk") else f"{unit_field}__in"
    return queryset.filter(**{lookup: covered_unit_ids(user, roles=roles)})


def can_access_unit(user, unit: AdminUnit, roles=None) -> bool:
    return restrict(AdminUnit.objects.filter(pk=unit.pk), user, "pk", roles).exists()
