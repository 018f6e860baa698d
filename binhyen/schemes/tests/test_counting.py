"""The counting rules of the registry (queries.schemes_*, structure_on, replication):
active on a date vs established during a period, overlapping labels, host kinds, merged
and split units under the structure of a date, the self-management structure."""

from __future__ import annotations

import datetime as dt

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.choices import GroupKind, MemberRole
from binhyen.schemes.models import Label, SchemeType, SelfManagementBoard, SteeringCommittee
from binhyen.schemes.queries import (
    Scope,
    replication,
    schemes_active,
    schemes_dissolved,
    schemes_established,
    structure_on,
)

from .conftest import NEW, OLD, areas_of, scheme_type

d = dt.date


def _type(code: str, labels=(), hosts=("residential_area", "commune")) -> SchemeType:
    return services.save_scheme_type(
        None,
        code=code,
        name=f"Loại {code}",
        host_kinds=list(hosts),
        origin="ministry",
        labels=list(Label.objects.filter(code__in=labels)),
    )


def _by_key(counts) -> dict:
    return {row.key: row.count for row in counts.rows}


def _codes(counts) -> dict:
    names = dict(AdminUnit.objects.values_list("pk", "code"))
    return {names.get(row.key): row.count for row in counts.rows}


# ---- active on a date vs established during a period ---------------------------------


def test_established_in_the_period_and_dissolved_before_its_end(make_point):
    point = make_point(established_on=d(2024, 2, 1))
    services.record_event(point, "dissolved", d(2024, 10, 1), reason="Sáp nhập thôn")
    scope = Scope(structure_on=OLD)
    year = (d(2024, 1, 1), d(2024, 12, 31))
    assert schemes_established(scope, *year).total == 1
    assert schemes_dissolved(scope, *year).total == 1
    assert schemes_active(scope, year[1]).total == 0
    assert schemes_established(scope, d(2023, 1, 1), d(2023, 12, 31)).total == 0
    assert schemes_dissolved(scope, d(2025, 1, 1), d(2025, 12, 31)).total == 0


def test_active_is_half_open(make_point):
    point = make_point(established_on=d(2024, 2, 1))
    services.record_event(point, "dissolved", d(2024, 10, 1), reason="Sáp nhập thôn")
    scope = Scope(structure_on=OLD)
    assert schemes_active(scope, d(2024, 1, 31)).total == 0
    assert schemes_active(scope, d(2024, 2, 1)).total == 1  # active from its first day
    assert schemes_active(scope, d(2024, 9, 30)).total == 1
    assert schemes_active(scope, d(2024, 10, 1)).total == 0  # dissolved on D: not on D


def test_a_suspended_point_is_inactive_until_reactivated(make_point):
    point = make_point(established_on=d(2023, 1, 1))
    services.record_event(point, "suspended", d(2024, 3, 1), reason="Thiếu kinh phí")
    services.record_event(point, "reactivated", d(2024, 6, 1))
    scope = Scope(structure_on=OLD)
    assert schemes_active(scope, d(2024, 2, 29)).total == 1
    assert schemes_active(scope, d(2024, 3, 1)).total == 0
    assert schemes_active(scope, d(2024, 5, 31)).total == 0
    assert schemes_active(scope, d(2024, 6, 1)).total == 1
    # suspension does not make it "established" again
    assert schemes_established(scope, d(2024, 1, 1), d(2024, 12, 31)).total == 0


def test_a_point_dissolved_while_suspended_stays_inactive(make_point):
    point = make_point(established_on=d(2023, 1, 1))
    services.record_event(point, "suspended", d(2024, 3, 1), reason="Thiếu kinh phí")
    services.record_event(point, "dissolved", d(2024, 5, 1), reason="Không duy trì")
    scope = Scope(structure_on=OLD)
    assert [schemes_active(scope, day).total for day in (d(2024, 4, 1), d(2024, 8, 1))] == [0, 0]
    assert schemes_dissolved(scope, d(2024, 1, 1), d(2024, 12, 31)).total == 1


# ---- breakdowns ------------------------------------------------------------------------


def test_label_rows_overlap_and_unlabelled_points_have_their_own_row(make_point):
    two = _type("hai-nhan", labels=("drugs", "traffic"))
    none = _type("khong-nhan")
    for _ in range(2):
        make_point(scheme_type=two)
    make_point(scheme_type=none)
    make_point(type_code="keng-an-ninh")  # one label: security-order
    counts = schemes_active(Scope(structure_on=OLD), d(2024, 1, 1), by="label")
    codes = dict(Label.objects.values_list("pk", "code"))
    rows = {codes.get(k): n for k, n in _by_key(counts).items()}
    assert counts.total == 4
    assert rows == {"drugs": 2, "traffic": 2, "security-order": 1, None: 1}
    assert counts.overlapping is True
    assert counts.row_sum == 6 > counts.total
    assert counts.rows[-1].key is None  # the no-label row comes last


def test_type_rows_add_up_to_the_total(make_point):
    make_point(type_code="keng-an-ninh")
    make_point(type_code="keng-an-ninh")
    make_point(type_code="khong-ma-tuy")
    counts = schemes_active(Scope(structure_on=OLD), d(2024, 1, 1), by="type")
    assert counts.overlapping is False
    assert counts.total == counts.row_sum == 3
    assert _by_key(counts) == {
        scheme_type("keng-an-ninh").pk: 2,
        scheme_type("khong-ma-tuy").pk: 1,
    }


def test_host_kind_rows_add_up_to_the_total(make_point, merger):
    commune, area = merger.merged_new, areas_of(merger.merged_new, NEW)[0]
    org = services.save_organization(
        None, kind="enterprise", name="Công ty Bình An", commune=commune
    )
    make_point(area, "camera-an-ninh", NEW)
    make_point(area, "camera-an-ninh", NEW)
    make_point(commune, "camera-an-ninh", NEW)
    make_point(None, "camera-an-ninh", NEW, host_kind="enterprise", organization=org)
    counts = schemes_active(Scope(merger.province_new, NEW), NEW, by="host_kind")
    assert _by_key(counts) == {"residential_area": 2, "commune": 1, "enterprise": 1}
    assert counts.total == counts.row_sum == 4


# ---- merged and split units ------------------------------------------------------------


def test_a_point_of_a_merged_commune_counts_under_the_structure_asked(make_point, merger):
    make_point(merger.merged_area, established_on=d(2023, 5, 1))
    on = d(2025, 8, 1)
    # the 2025 structure: under the new commune and the new province
    assert schemes_active(Scope(merger.merged_new, NEW), on).total == 1
    assert schemes_active(Scope(merger.province_new, NEW), on).total == 1
    assert schemes_active(Scope(merger.merged_old, NEW), on).total == 0
    # the 2024 structure: under the old commune, not under the one whose code was reused
    assert schemes_active(Scope(merger.merged_old, OLD), on).total == 1
    assert schemes_active(Scope(merger.kept_old, OLD), on).total == 0
    assert schemes_active(Scope(merger.province_old, OLD), on).total == 1
    assert geo_queries.place(merger.merged_area, NEW, Level.COMMUNE).target == merger.merged_new


def test_residential_areas_of_a_split_commune_are_placed_one_by_one(make_point, merger):
    (code_a, area_a), (code_b, area_b) = sorted(merger.split_areas.items())
    make_point(area_a, established_on=d(2023, 5, 1))
    make_point(area_b, established_on=d(2023, 5, 1))
    make_point(area_b, established_on=d(2023, 6, 1))
    new_a = geo_queries.unit_by_code(code_a, NEW, Level.COMMUNE).unit
    new_b = geo_queries.unit_by_code(code_b, NEW, Level.COMMUNE).unit
    assert schemes_active(Scope(new_a, NEW), NEW).total == 1
    assert schemes_active(Scope(new_b, NEW), NEW).total == 2
    assert schemes_active(Scope(merger.split_old, OLD), NEW).total == 3


def test_counts_by_unit_add_up_to_the_total_with_the_unallocated_row(make_point, merger):
    (code_a, area_a), (code_b, area_b) = sorted(merger.split_areas.items())
    make_point(merger.merged_area, established_on=d(2023, 5, 1))
    make_point(area_a, established_on=d(2023, 5, 1))
    make_point(area_b, established_on=d(2023, 5, 1))
    # hosted by the split commune itself: no single successor, so unallocated in 2025
    make_point(merger.split_old, established_on=d(2023, 5, 1))
    counts = schemes_active(Scope(merger.province_new, NEW), NEW, by="unit")
    assert counts.total == 4
    assert counts.row_sum == counts.total
    assert _codes(counts) == {merger.merged_new.code: 1, code_a: 1, code_b: 1, None: 1}
    assert counts.rows[-1].key is None
    # under the 2024 structure every point has its commune: the province splits by district
    before = schemes_active(Scope(merger.province_old, OLD), NEW, by="unit")
    assert before.total == before.row_sum == 4
    assert None not in _by_key(before)
    assert all(key is not None for key in _by_key(before))


def test_counts_within_a_users_jurisdiction(make_point, merger, triangle):
    make_point(merger.merged_area, established_on=d(2023, 5, 1))
    other = next(
        c
        for c in geo_queries.children_on(merger.province_new, NEW)
        if c.unit != merger.merged_new and c.unit.level == Level.COMMUNE
    )
    make_point(areas_of(other.unit, NEW)[0], established_on=NEW)
    everything = schemes_active(Scope(merger.province_new, NEW), NEW).total
    assert everything == 2
    mine = schemes_active(Scope(merger.province_new, NEW, user=triangle.officer), NEW)
    assert triangle.unit == merger.merged_new
    assert mine.total == 1
    outside = schemes_active(Scope(None, NEW, user=triangle.outsider), NEW)
    assert outside.total == 0


# ---- the self-management structure -------------------------------------------------------


def test_structure_counts_households_once_and_intervals_half_open(merger):
    area = merger.merged_area
    g1 = services.create_group(residential_area=area, name="Tổ 1", established_on=d(2024, 1, 1))
    g2 = services.create_group(residential_area=area, name="Tổ 2", established_on=d(2024, 1, 1))
    fire = services.create_group(
        residential_area=area,
        name="Tổ PCCC",
        established_on=d(2024, 1, 1),
        kind=GroupKind.FIRE_SAFETY,
    )
    gone = services.create_group(residential_area=area, name="Tổ 9", established_on=d(2024, 1, 1))
    services.dissolve_group(gone, d(2024, 3, 1))
    h1, h2 = (
        services.create_household(residential_area=area, head_name=name)
        for name in ("Nguyễn Văn An", "Trần Thị Bình")
    )
    first = services.join_group(g1, h1, d(2024, 1, 10))
    services.leave_group(first, d(2024, 3, 1))
    services.join_group(g2, h1, d(2024, 3, 1))  # the day it left the other one
    services.join_group(fire, h1, d(2024, 1, 10))  # another kind of group: allowed
    services.join_group(g1, h2, d(2024, 1, 10))
    leader = services.add_member(
        g1, full_name="Lê Văn Cường", joined_on=d(2024, 1, 10), role=MemberRole.LEADER
    )
    services.end_membership(leader, d(2024, 4, 1))
    services.add_member(
        g1, full_name="Phạm Thị Dung", joined_on=d(2024, 4, 1), role=MemberRole.LEADER
    )
    services.add_member(g2, full_name="Hoàng Văn Em", joined_on=d(2024, 2, 1))

    def counts(on, scope=None):
        c = structure_on(scope or Scope(area, OLD), on)
        return c.groups, c.households, c.members

    assert counts(d(2023, 12, 31)) == (0, 0, 0)
    assert counts(d(2024, 1, 15)) == (4, 2, 1)
    assert counts(d(2024, 2, 29)) == (4, 2, 2)
    assert counts(d(2024, 3, 1)) == (3, 2, 2)  # the dissolved group is gone on its day
    assert counts(d(2024, 3, 31)) == (3, 2, 2)
    assert counts(d(2024, 4, 1)) == (3, 2, 2)  # one leader left, the next one came
    # the same records under the commune of either structure
    assert counts(d(2024, 3, 1), Scope(merger.merged_old, OLD)) == (3, 2, 2)
    assert counts(d(2024, 3, 1), Scope(merger.merged_new, NEW)) == (3, 2, 2)
    assert counts(d(2024, 3, 1), Scope(merger.kept_old, OLD)) == (0, 0, 0)


def test_structure_counts_bodies_and_security_teams(merger):
    commune, area = merger.merged_new, areas_of(merger.merged_new, NEW)[0]
    services.create_body(
        SteeringCommittee, unit=commune, name="Ban chỉ đạo", established_on=d(2025, 7, 15)
    )
    board = services.create_body(
        SelfManagementBoard, unit=area, name="Ban tự quản", established_on=d(2025, 7, 15)
    )
    services.dissolve_body(board, d(2025, 9, 1))
    team = services.form_security_team(
        commune=commune,
        name="Tổ bảo vệ ANTT số 1",
        decision_number="15/QĐ-UBND",
        decision_date=d(2025, 7, 20),
        formed_on=d(2025, 8, 1),
        areas=[area],
    )
    for name in ("Ngô Văn Phúc", "Đỗ Văn Giang", "Vũ Văn Hải"):
        services.appoint_team_member(team, full_name=name, appointed_on=d(2025, 8, 1))
    services.terminate_team_member(team.members.get(full_name="Vũ Văn Hải"), d(2025, 10, 1))

    def counts(on):
        c = structure_on(Scope(commune, NEW), on)
        return (c.steering_committees, c.boards, c.security_teams, c.security_team_members)

    assert counts(d(2025, 7, 31)) == (1, 1, 0, 0)
    assert counts(d(2025, 8, 1)) == (1, 1, 1, 3)
    assert counts(d(2025, 9, 1)) == (1, 0, 1, 3)
    assert counts(d(2025, 10, 1)) == (1, 0, 1, 2)


# ---- replication of a type ---------------------------------------------------------------


def _years(rep) -> dict:
    return {y.year: (y.established, y.dissolved, y.active_at_end, y.communes) for y in rep.years}


def test_replication_years(make_point, merger):
    kept_area = areas_of(merger.kept_old, OLD)[0]
    first = make_point(kept_area, established_on=d(2022, 3, 1))
    make_point(merger.merged_area, established_on=d(2023, 5, 1))
    make_point(areas_of(merger.kept_old, OLD)[1], established_on=d(2023, 6, 1))
    services.record_event(first, "dissolved", d(2024, 2, 1), reason="Không duy trì")
    gong = scheme_type("keng-an-ninh")
    rep = replication(gong, Scope(structure_on=OLD), today=d(2025, 3, 1))
    assert rep.first_established == d(2022, 3, 1)
    # year: (established, dissolved, active at the end, communes reached)
    assert _years(rep) == {
        2022: (1, 0, 1, 1),
        2023: (2, 0, 3, 2),
        2024: (0, 1, 2, 2),
        2025: (0, 0, 2, 2),
    }
    assert rep.peak == 3
    # under the 2025 structure the two old communes are one
    merged = replication(gong, Scope(structure_on=NEW), today=d(2025, 3, 1))
    assert [y.communes for y in merged.years] == [1, 1, 1, 1]
    assert merged.where.total == 2
