"""Writes of the self-management structure: committees, boards, groups, households,
members and grassroots security teams.

Intervals are half-open: a record is in force from its start date up to the day before
its end date (a household that left on 1 May is no longer in the group on 1 May).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from binhyen.core import audit, stale
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit

from ..choices import GroupKind, MemberRole
from ..models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Scheme,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)
from .checks import (
    fail,
    group_point_problem,
    require_area_in_commune,
    require_in_force,
    require_level,
    require_open,
    require_order,
)

BODY_LEVEL = {SteeringCommittee: Level.COMMUNE, SelfManagementBoard: Level.RESIDENTIAL_AREA}


def _d(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


@transaction.atomic
def create_body(model, *, unit: AdminUnit, name: str, established_on: dt.date, **extra):
    """A steering committee (commune) or a self-management board (residential area)."""
    require_level("unit", unit, BODY_LEVEL[model])
    require_in_force("unit", unit, established_on)
    AdminUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one at a time per unit
    clash = overlapping(
        model.objects.filter(unit=unit), established_on, None, "established_on", "dissolved_on"
    )
    if clash.exists():
        fail("unit", _("%(unit)s already has one in force.") % {"unit": unit})
    return model.objects.create(unit=unit, name=name, established_on=established_on, **extra)


@transaction.atomic
def dissolve_body(body, on: dt.date):
    require_order("dissolved_on", body.established_on, on, _("the date established"))
    body.dissolved_on = on
    body.save(update_fields=["dissolved_on"])
    return body


@transaction.atomic
def create_group(
    *,
    residential_area: AdminUnit,
    name: str,
    established_on: dt.date,
    kind: str = GroupKind.INTER_HOUSEHOLD,
    scheme: Scheme | None = None,
    notes: str = "",
) -> Group:
    require_level("residential_area", residential_area, Level.RESIDENTIAL_AREA)
    require_in_force("residential_area", residential_area, established_on)
    if scheme is not None:
        problem = group_point_problem(scheme, residential_area)
        if problem:
            fail("scheme", problem)
    if not name.strip():
        fail("name", _("This field is required."))
    return Group.objects.create(
        residential_area=residential_area,
        name=name.strip(),
        established_on=established_on,
        kind=kind,
        scheme=scheme,
        notes=notes,
    )


@transaction.atomic
def dissolve_group(group: Group, on: dt.date, version: int | None = None) -> Group:
    """Dissolve a group; its households and members leave it on that day. With
    `version`, refused (StaleEdit) if the group was saved by someone else since."""
    locked = stale.lock(Group, group.pk, version)
    require_order("dissolved_on", locked.established_on, on, _("the date established"))
    locked.dissolved_on = on
    locked.save(update_fields=["dissolved_on", *stale.bump(locked)])
    group.__dict__.update(locked.__dict__)
    still_in = Q(left_on__isnull=True) | Q(left_on__gt=on)
    for row in group.memberships.filter(still_in):
        row.left_on = max(on, row.joined_on)
        row.save(update_fields=["left_on"])
    for row in group.members.filter(still_in):
        row.left_on = max(on, row.joined_on)
        row.save(update_fields=["left_on"])
    return group


@transaction.atomic
def create_household(
    *, residential_area: AdminUnit, head_name: str, address: str = "", people: int | None = None
) -> Household:
    require_level("residential_area", residential_area, Level.RESIDENTIAL_AREA)
    if not head_name.strip():
        fail("head_name", _("This field is required."))
    return Household.objects.create(
        residential_area=residential_area,
        head_name=head_name.strip(),
        address=address,
        people=people,
    )


def overlapping(rows, start: dt.date, end: dt.date | None, start_field: str, end_field: str):
    """Rows whose half-open interval [start_field, end_field) meets [start, end)."""
    q = Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": start})
    if end is not None:
        q &= Q(**{f"{start_field}__lt": end})
    return rows.filter(q)


@transaction.atomic
def join_group(
    group: Group, household: Household, joined_on: dt.date, left_on: dt.date | None = None
) -> GroupHousehold:
    """A household joins a group. It is in at most one inter-household group at a time."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if household.residential_area_id != group.residential_area_id:
        fail("household", _("The household lives in another residential area."))
    require_order("joined_on", group.established_on, joined_on, _("the group's establishment"))
    if group.dissolved_on and joined_on >= group.dissolved_on:
        fail(
            "joined_on",
            _("The group was dissolved on %(date)s.") % {"date": _d(group.dissolved_on)},
        )
    require_order("left_on", joined_on, left_on, _("the date joined"))
    rows = GroupHousehold.objects.filter(household=household)
    if group.kind == GroupKind.INTER_HOUSEHOLD:
        rows = rows.filter(group__kind=GroupKind.INTER_HOUSEHOLD)
    else:
        rows = rows.filter(group=group)
    clash = overlapping(rows, joined_on, left_on, "joined_on", "left_on").select_related("group")
    clash = clash.first()
    if clash is not None:
        fail(
            "household",
            _("The household is already in group %(group)s from %(date)s.")
            % {"group": clash.group, "date": _d(clash.joined_on)},
        )
    return GroupHousehold.objects.create(
        group=group, household=household, joined_on=joined_on, left_on=left_on
    )


def _no_later_end(field: str, current_end: dt.date | None, new_end: dt.date) -> None:
    """An ended membership can be corrected to end earlier, never reopened or extended
    (that would bypass the checks made when joining)."""
    if current_end is not None and new_end > current_end:
        fail(field, _("It already ended on %(date)s.") % {"date": _d(current_end)})


@transaction.atomic
def leave_group(membership: GroupHousehold, left_on: dt.date) -> GroupHousehold:
    require_order("left_on", membership.joined_on, left_on, _("the date joined"))
    _no_later_end("left_on", membership.left_on, left_on)
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


@transaction.atomic
def add_member(
    group: Group,
    *,
    full_name: str,
    joined_on: dt.date,
    role: str = MemberRole.MEMBER,
    phone: str = "",
    household: Household | None = None,
    left_on: dt.date | None = None,
) -> GroupMember:
    """A member of a group. A group has one leader at a time."""
    if not full_name.strip():
        fail("full_name", _("This field is required."))
    require_order("joined_on", group.established_on, joined_on, _("the group's establishment"))
    require_open("joined_on", joined_on, group.dissolved_on, _("group"))
    require_order("left_on", joined_on, left_on, _("the date joined"))
    if household is not None and household.residential_area_id != group.residential_area_id:
        fail("household", _("The household lives in another residential area."))
    if role == MemberRole.LEADER:
        rows = group.members.filter(role=MemberRole.LEADER)
        clash = overlapping(rows, joined_on, left_on, "joined_on", "left_on").first()
        if clash is not None:
            fail("role", _("%(name)s leads the group in that period.") % {"name": clash.full_name})
    return GroupMember.objects.create(
        group=group,
        full_name=full_name.strip(),
        joined_on=joined_on,
        role=role,
        phone=phone,
        household=household,
        left_on=left_on,
    )


@transaction.atomic
def end_membership(member: GroupMember, left_on: dt.date) -> GroupMember:
    require_order("left_on", member.joined_on, left_on, _("the date joined"))
    _no_later_end("left_on", member.left_on, left_on)
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def form_security_team(
    *,
    commune: AdminUnit,
    name: str,
    decision_number: str,
    decision_date: dt.date,
    formed_on: dt.date,
    signer: str = "",
    areas: list[AdminUnit] = (),
) -> SecurityTeam:
    """A grassroots security team formed by the commune chairman's decision."""
    require_level("commune", commune, Level.COMMUNE)
    require_in_force("commune", commune, formed_on)
    if not decision_number.strip():
        fail("decision_number", _("This field is required."))
    if decision_date > formed_on:
        fail("decision_date", _("The decision is dated after the team was formed."))
    for area in areas:
        require_level("areas", area, Level.RESIDENTIAL_AREA)
        require_area_in_commune(area, commune, field="areas")
    team = SecurityTeam.objects.create(
        commune=commune,
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        signer=signer,
        formed_on=formed_on,
    )
    team.areas.set(areas)
    audit.record_bulk(
        SecurityTeam,
        f"areas of team {team.pk}: {', '.join(a.code for a in areas) or '-'}",
        commune.pk,
        team=team.pk,
        areas=[a.code for a in areas],
    )
    return team


@transaction.atomic
def dissolve_security_team(team: SecurityTeam, on: dt.date) -> SecurityTeam:
    require_order("dissolved_on", team.formed_on, on, _("the date formed"))
    team.dissolved_on = on
    team.save(update_fields=["dissolved_on"])
    still_in = Q(terminated_on__isnull=True) | Q(terminated_on__gt=on)
    for member in team.members.filter(still_in):
        member.terminated_on = max(on, member.appointed_on)
        member.save(update_fields=["terminated_on"])
    return team


@transaction.atomic
def appoint_team_member(
    team: SecurityTeam,
    *,
    full_name: str,
    appointed_on: dt.date,
    role: str = MemberRole.MEMBER,
    phone: str = "",
) -> SecurityTeamMember:
    require_order("appointed_on", team.formed_on, appointed_on, _("the date formed"))
    require_open("appointed_on", appointed_on, team.dissolved_on, _("team"))
    if not full_name.strip():
        fail("full_name", _("This field is required."))
    return SecurityTeamMember.objects.create(
        team=team, full_name=full_name.strip(), appointed_on=appointed_on, role=role, phone=phone
    )


@transaction.atomic
def terminate_team_member(member: SecurityTeamMember, on: dt.date) -> SecurityTeamMember:
    require_order("terminated_on", member.appointed_on, on, _("the date appointed"))
    _no_later_end("terminated_on", member.terminated_on, on)
    member.terminated_on = on
    member.save(update_fields=["terminated_on"])
    return member
