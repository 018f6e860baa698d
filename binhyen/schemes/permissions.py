"""Who may write what in the registry (reads are scoped by accounts.jurisdiction).

- The catalogue (types, labels) is national: system administrators and provincial
  officers edit it; every signed-in user reads it.
- Points, organisations, committees, teams: provincial and commune officers whose
  jurisdiction covers the record's unit.
- Groups, households and members: those officers, and group leaders of the residential
  area (tổ trưởng keep their own households).
"""

from __future__ import annotations

from binhyen.accounts.choices import Role
from binhyen.accounts.jurisdiction import can_access_unit, jurisdiction_of
from binhyen.geo.models import AdminUnit

OFFICER_ROLES = {Role.PROVINCIAL_OFFICER, Role.COMMUNE_OFFICER, Role.UNIT_CHIEF}
STRUCTURE_ROLES = OFFICER_ROLES | {Role.GROUP_LEADER}


def can_edit_catalogue(user) -> bool:
    scope = jurisdiction_of(user)
    return scope.unrestricted or Role.PROVINCIAL_OFFICER in scope.roles


def can_write_unit(user, unit: AdminUnit | None) -> bool:
    """Officers may write records of a unit their jurisdiction covers."""
    if unit is None:
        return False
    return can_access_unit(user, unit, roles=OFFICER_ROLES)


def can_write_structure(user, area: AdminUnit | None) -> bool:
    """Groups, households, members of a residential area: officers and its group leaders."""
    if area is None:
        return False
    return can_access_unit(user, area, roles=STRUCTURE_ROLES)


def can_write_anywhere(user) -> bool:
    """Whether to offer 'new …' buttons at all (each save re-checks the unit)."""
    scope = jurisdiction_of(user)
    return scope.unrestricted or bool(scope.roles & OFFICER_ROLES)
