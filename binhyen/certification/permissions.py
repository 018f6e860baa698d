"""Who may write what in the certification workflow (reads are scoped by
accounts.jurisdiction in queries.py).

- Certifications and their steps: provincial and commune officers and unit chiefs whose
  jurisdiction covers the certification's unit (the residential area or commune
  certified, or the commune of the organisation) — schemes.permissions.can_write_unit.
  Viewers and auditors read only.
- Decisions: the same writers, except for a commune's own certification, which only the
  level above decides: provincial officers whose jurisdiction covers the commune's
  province, and system administrators (a commune never certifies itself).
- Criteria sets: the national sets by system administrators; a province's own sets by
  system administrators and the provincial officers of that province.
"""

from __future__ import annotations

from binhyen.accounts.choices import Role
from binhyen.accounts.jurisdiction import can_access_unit, jurisdiction_of
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes.permissions import can_write_anywhere, can_write_unit

from .choices import SubjectType, window

__all__ = [
    "can_decide",
    "can_edit_criteria_set",
    "can_edit_some_criteria",
    "can_write_anywhere",
    "can_write_certification",
    "can_write_unit",
]


def can_write_certification(user, certification) -> bool:
    return can_write_unit(user, certification.unit)


def can_decide(user, certification) -> bool:
    """Whether the user may record the decision (or an appeal's outcome)."""
    if certification.subject_type != SubjectType.COMMUNE:
        return can_write_certification(user, certification)
    scope = jurisdiction_of(user)
    if scope.unrestricted:
        return True
    if Role.PROVINCIAL_OFFICER not in scope.roles:
        return False
    from .services.criteria import province_of  # the services import this module

    commune = certification.unit
    province = province_of(commune, geo_queries.today()) or province_of(
        commune, window(SubjectType.COMMUNE, certification.year)[1]
    )
    return province is not None and can_access_unit(user, province, roles={Role.PROVINCIAL_OFFICER})


def can_edit_criteria_for(user, province: AdminUnit | None) -> bool:
    """Whether the user may write the criteria sets of a province (None: the national)."""
    scope = jurisdiction_of(user)
    if scope.unrestricted:
        return True
    if province is None or Role.PROVINCIAL_OFFICER not in scope.roles:
        return False
    return can_access_unit(user, province, roles={Role.PROVINCIAL_OFFICER})


def can_edit_criteria_set(user, criteria_set) -> bool:
    return can_edit_criteria_for(user, criteria_set.province)


def can_edit_some_criteria(user) -> bool:
    """Whether to offer 'new criteria set' at all (each save re-checks the province)."""
    scope = jurisdiction_of(user)
    return scope.unrestricted or Role.PROVINCIAL_OFFICER in scope.roles
