"""Scheme types, hosts, scheme points and the self-management structure (committees,
boards, groups, households, members, security teams)."""

from __future__ import annotations

import datetime as dt
import random

from binhyen.schemes.choices import EventKind, Grade, GroupKind, HostKind, MemberRole
from binhyen.schemes.choices import RecognitionKind as Rk
from binhyen.schemes.models import (
    Grading,
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Organization,
    Recognition,
    Scheme,
    SchemeEvent,
    SchemeType,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)

from .bulk import Writer
from .geography import Country
from .names import NAMES, address, folded, place
from .sizes import END, REFORM, Size

EARLIEST = dt.date(2016, 1, 1)  # points and groups exist before the five years reviewed
ORG_KINDS = (HostKind.AGENCY, HostKind.ENTERPRISE, HostKind.SCHOOL, HostKind.HOSPITAL)


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class Registry:
    """What later generators link to: points (by area), organisations, household ids."""

    def __init__(self):
        self.points: list[tuple[int, int, dt.date]] = []  # id, unit, established
        self.points_by_area: dict[int, list[int]] = {}
        self.organizations: list[tuple[int, int, str]] = []  # id, commune (new), kind
        self.households: tuple[int, int] = (0, 0)  # first and last id


def scheme_types(rng: random.Random, size: Size, country: Country) -> list[tuple[int, str]]:
    existing = list(SchemeType.objects.values_list("pk", "host_kinds"))
    writer = Writer(
        SchemeType, ["code", "name", "host_kinds", "origin", "origin_unit", "has_groups"]
    )
    for i in range(max(0, size.scheme_types - len(existing))):
        kinds = [rng.choice([HostKind.RESIDENTIAL_AREA, HostKind.COMMUNE, *ORG_KINDS])]
        origin_unit = rng.choice(country.provinces) if country.provinces else None
        writer.add(
            f"gen-{i + 1:05d}",
            f"Mô hình {place(i)} {i + 1}",
            kinds,
            "province",
            origin_unit,
            kinds[0] == HostKind.RESIDENTIAL_AREA,
        )
    writer.close()
    return list(SchemeType.objects.values_list("pk", "host_kinds"))


def organizations(rng, size: Size, country: Country, registry: Registry, progress) -> None:
    writer = Writer(
        Organization,
        [
            "search_name",
            "kind",
            "name",
            "commune",
            "residential_area",
            "size_class",
            "school_level",
            "armed_forces",
            "established_on",
        ],
    )
    words = {
        HostKind.AGENCY: "Ủy ban",
        HostKind.ENTERPRISE: "Công ty TNHH",
        HostKind.SCHOOL: "Trường THCS",
        HostKind.HOSPITAL: "Bệnh viện",
    }
    for i in range(size.organizations):
        kind = rng.choice(ORG_KINDS)
        area = rng.choice(country.areas)
        commune = country.commune_of_area(area, END)
        name = f"{words[kind]} {place(i)} {i + 1}"
        pk = writer.add(
            folded(name),
            kind,
            name,
            commune,
            area,
            "medium" if kind == HostKind.ENTERPRISE else "",
            "lower_secondary" if kind == HostKind.SCHOOL else "",
            False,
            EARLIEST,
        )
        registry.organizations.append((pk, commune, kind))
    writer.close()
    progress("organizations", size.organizations, size.organizations)


def scheme_points(rng, size: Size, country: Country, registry: Registry, types, progress):
    points = Writer(
        Scheme,
        [
            "search_name",
            "scheme_type",
            "ref",
            "name",
            "host_kind",
            "organization",
            "unit",
            "established_on",
            "leader_name",
            "status",
            "dissolved_on",
            "version",
        ],
    )
    events = Writer(SchemeEvent, ["scheme", "kind", "date", "reason", "decision"], after=[points])
    gradings = Writer(Grading, ["scheme", "year", "grade", "note"], after=[points])
    recognitions = Writer(Recognition, ["scheme", "year", "kind", "issued_by"], after=[points])
    grades = [Grade.GOOD] * 5 + [Grade.FAIR] * 3 + [Grade.AVERAGE] * 2 + [Grade.WEAK]
    for i in range(size.scheme_points):
        type_id, host_kinds = rng.choice(types)
        host = host_kinds[0] if host_kinds else HostKind.RESIDENTIAL_AREA
        on = day_between(rng, EARLIEST, END)
        organization = None
        if host in ORG_KINDS and registry.organizations:
            organization, unit, _kind = rng.choice(registry.organizations)
        elif host == HostKind.COMMUNE:
            unit = country.commune_on(rng, on)
        else:
            host = HostKind.RESIDENTIAL_AREA
            unit = rng.choice(country.areas)
        dissolved = None
        if rng.random() < 0.08:
            dissolved = min(END, on + dt.timedelta(days=rng.randrange(365, 2000)))
        name = f"Mô hình {place(i % 1225)} số {i + 1}"
        leader = rng.choice(NAMES)
        pk = points.add(
            folded(f"{name} {leader}"),
            type_id,
            f"P{i + 1:07d}",
            name,
            host,
            organization,
            unit,
            on,
            leader,
            "dissolved" if dissolved else "active",
            dissolved,
            1,
        )
        events.add(pk, EventKind.ESTABLISHED, on, "", "")
        if dissolved:
            events.add(pk, EventKind.DISSOLVED, dissolved, "Không còn hiệu quả", "")
        for year in range(max(2021, on.year + 1), 2026):
            if dissolved is None or year < dissolved.year:
                gradings.add(pk, year, rng.choice(grades), "")
                if rng.random() < 0.02:
                    kind = rng.choice(
                        [
                            Rk.EXEMPLAR,
                            Rk.EXEMPLAR,
                            Rk.PROVINCE_COMMENDATION,
                            Rk.MINISTRY_COMMENDATION,
                        ]
                    )
                    recognitions.add(pk, year, kind, "")
        registry.points.append((pk, unit, on))
        if host == HostKind.RESIDENTIAL_AREA:
            registry.points_by_area.setdefault(unit, []).append(pk)
        if i % 20_000 == 0:
            progress("scheme points", i, size.scheme_points)
    for writer in (points, events, gradings, recognitions):
        writer.close()
    progress("scheme points", size.scheme_points, size.scheme_points)


def bodies(rng, country: Country) -> None:
    """A steering committee per commune, a board per residential area, a security team
    per commune (statutory from 1 Jul 2024)."""
    fields = ["unit", "name", "head_name", "established_on", "dissolved_on"]
    committees = Writer(SteeringCommittee, fields)
    last_old = REFORM - dt.timedelta(days=1)
    teams = Writer(
        SecurityTeam,
        ["commune", "name", "decision_number", "decision_date", "formed_on", "dissolved_on"],
    )
    members = Writer(
        SecurityTeamMember,
        ["team", "full_name", "role", "appointed_on", "terminated_on"],
        after=[teams],
    )
    team_start = dt.date(2024, 7, 1)
    for communes, start, end in (
        (country.old_communes, EARLIEST, last_old),
        (country.new_communes, REFORM, None),
    ):
        for i, commune in enumerate(communes):
            committees.add(commune, "Ban chỉ đạo phong trào", rng.choice(NAMES), start, end)
            formed = max(start, team_start)
            team = teams.add(
                commune, "Tổ bảo vệ ANTT ở cơ sở", f"{i + 1}/QĐ-UBND", formed, formed, end
            )
            for k in range(4):
                role = MemberRole.LEADER if k == 0 else MemberRole.MEMBER
                members.add(team, rng.choice(NAMES), role, formed, end)
    boards = Writer(SelfManagementBoard, fields)
    for area in country.areas:
        boards.add(area, "Ban tự quản", rng.choice(NAMES), EARLIEST, None)
    for writer in (committees, teams, members, boards):
        writer.close()


def structure(rng, size: Size, country: Country, registry: Registry, progress) -> None:
    """Groups of about 24 households each, with their memberships and a leader."""
    groups = Writer(
        Group,
        ["ref", "kind", "name", "residential_area", "scheme", "established_on", "dissolved_on"],
    )
    households = Writer(
        Household, ["search_name", "residential_area", "head_name", "address", "people"]
    )
    memberships = Writer(
        GroupHousehold, ["group", "household", "joined_on", "left_on"], after=[groups, households]
    )
    members = Writer(
        GroupMember,
        ["group", "household", "full_name", "role", "joined_on", "left_on"],
        after=[groups, households],
    )
    addresses = [address(rng) for _ in range(500)]
    folded_addresses = [folded(a) for a in addresses]
    folded_names = [folded(n) for n in NAMES]
    first_household = households.next_id
    half = size.households_per_group // 2
    for g in range(size.groups):
        area = country.areas[g % len(country.areas)]
        on = day_between(rng, EARLIEST, END)
        kind = GroupKind.INTER_HOUSEHOLD if rng.random() < 0.85 else GroupKind.SELF_MANAGEMENT
        points = registry.points_by_area.get(area)
        scheme = rng.choice(points) if points and rng.random() < 0.5 else None
        dissolved = END - dt.timedelta(days=rng.randrange(300)) if rng.random() < 0.03 else None
        if dissolved and dissolved <= on:
            dissolved = None
        group = groups.add(
            f"G{g + 1:08d}",
            kind,
            f"Tổ liên gia số {g // len(country.areas) + 1}",
            area,
            scheme,
            on,
            dissolved,
        )
        for k in range(size.households_per_group - half + rng.randrange(2 * half + 1)):
            h, a = rng.randrange(len(NAMES)), rng.randrange(500)
            head = NAMES[h]
            household = households.add(
                f"{folded_names[h]} {folded_addresses[a]}",
                area,
                head,
                addresses[a],
                1 + rng.randrange(6),
            )
            memberships.add(group, household, on, dissolved)
            if k == 0:
                members.add(group, household, head, MemberRole.LEADER, on, dissolved)
        if g % 10_000 == 0:
            progress("groups and households", g, size.groups)
    for writer in (groups, households, memberships, members):
        writer.close()
    registry.households = (first_household, households.next_id - 1)
    progress("groups and households", size.groups, size.groups)
