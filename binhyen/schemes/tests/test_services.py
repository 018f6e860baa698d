"""Every refusal rule of the registry's services, with the field it is keyed by, and the
audit trail: each write leaves AuditEntry rows carrying the record's unit, a refusal
leaves none."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Max

from binhyen.core.models import AuditEntry
from binhyen.geo.choices import Level
from binhyen.schemes import services
from binhyen.schemes.choices import GroupKind, MemberRole
from binhyen.schemes.models import (
    ComponentGrade,
    Grading,
    Label,
    SchemeType,
    SelfManagementBoard,
    SteeringCommittee,
)

from .conftest import NEW, areas_of, scheme_type, unit_on

d = dt.date


@contextmanager
def refused(field: str):
    """The block raises a ValidationError keyed by `field` and writes no audit entry."""
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        yield info
    assert field in info.value.message_dict, info.value.message_dict
    assert AuditEntry.objects.count() == before


@contextmanager
def audited():
    """Collects the audit entries written in the block as (model, action, unit_id)."""
    start = AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0
    rows: list[tuple[str, str, int | None]] = []
    yield rows
    rows += (
        AuditEntry.objects.filter(id__gt=start)
        .order_by("id")
        .values_list("model", "action", "unit_id")
    )


@pytest.fixture
def commune(merger):
    return merger.merged_new


@pytest.fixture
def area(commune):
    return areas_of(commune, NEW)[0]


def _org(commune, kind="enterprise", **values):
    return services.save_organization(
        None, kind=kind, name=f"Đơn vị {kind}", commune=commune, **values
    )


# ---- points ------------------------------------------------------------------------------


def test_a_host_kind_the_type_does_not_allow(make_point, commune):
    org = _org(commune)
    with refused("host_kind"):
        make_point(None, "keng-an-ninh", NEW, host_kind="enterprise", organization=org)


def test_an_organisation_of_another_kind_than_the_host_kind(make_point, commune):
    org = _org(commune, kind="enterprise")
    with refused("organization"):
        make_point(None, "camera-an-ninh", NEW, host_kind="agency", organization=org)
    with refused("organization"):
        make_point(None, "camera-an-ninh", NEW, host_kind="agency")


def test_a_unit_not_in_force_on_the_date(make_point, merger):
    with refused("unit"):  # the new commune did not exist yet
        make_point(merger.merged_new, "keng-an-ninh", d(2024, 1, 1))
    with refused("unit"):  # the old commune no longer existed
        make_point(merger.merged_old, "keng-an-ninh", NEW)
    with refused("unit"):  # a commune given as a residential-area host
        make_point(merger.merged_new, "keng-an-ninh", NEW, host_kind="residential_area")


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [(30, 105, "latitude"), (21, 150, "longitude"), (21, None, "longitude")],
)
def test_coordinates_outside_vietnam(make_point, area, latitude, longitude, field):
    with refused(field):
        make_point(area, established_on=NEW, latitude=latitude, longitude=longitude)


def test_coordinates_inside_vietnam_are_kept(make_point, area):
    point = make_point(area, established_on=NEW, latitude="21.028511", longitude="105.804817")
    point.refresh_from_db()
    assert point.has_position and float(point.latitude) == pytest.approx(21.028511)


def test_replicated_from_a_point_of_another_type_or_a_later_one(make_point, area):
    camera = make_point(area, "camera-an-ninh", NEW)
    with refused("replicated_from"):
        make_point(area, "keng-an-ninh", NEW, replicated_from=camera)
    later = make_point(area, "keng-an-ninh", d(2025, 9, 1))
    with refused("replicated_from"):
        make_point(area, "keng-an-ninh", NEW, replicated_from=later)
    copy = make_point(area, "keng-an-ninh", d(2025, 9, 2), replicated_from=later)
    assert copy.replicated_from == later


def test_an_event_the_status_does_not_allow(make_point):
    point = make_point()
    with refused("kind"):
        services.record_event(point, "reactivated", d(2024, 1, 1))
    services.record_event(point, "dissolved", d(2024, 1, 1), reason="Giải thể")
    for kind in ("suspended", "reactivated", "dissolved"):
        with refused("kind"):
            services.record_event(point, kind, d(2024, 2, 1), reason="x")


def test_an_event_dated_before_the_last_one(make_point):
    point = make_point(established_on=d(2023, 3, 1))
    with refused("date"):
        services.record_event(point, "suspended", d(2023, 2, 28), reason="x")
    services.record_event(point, "suspended", d(2024, 5, 1), reason="Thiếu người")
    with refused("date"):
        services.record_event(point, "reactivated", d(2024, 4, 30))
    services.record_event(point, "reactivated", d(2024, 5, 1))  # the same day is allowed
    point.refresh_from_db()
    assert point.status == "active"


@pytest.mark.parametrize("kind", ["suspended", "dissolved"])
def test_suspending_or_dissolving_needs_a_reason(make_point, kind):
    point = make_point()
    with refused("reason"):
        services.record_event(point, kind, d(2024, 1, 1), reason="   ")
    point.refresh_from_db()
    assert point.status == "active" and point.version == 1


def test_an_edit_cannot_move_the_start_after_later_events(make_point):
    point = make_point(established_on=d(2023, 3, 1))
    services.record_event(point, "suspended", d(2024, 1, 1), reason="x")
    with refused("established_on"):
        services.update_scheme(point, established_on=d(2024, 6, 1))


def test_a_stale_edit_is_refused_and_changes_nothing(make_point):
    point = make_point(name="Kẻng thôn Đông")
    services.update_scheme(point, version=1, leader_name="Nguyễn Văn An")
    before = AuditEntry.objects.count()
    with pytest.raises(services.StaleEdit):
        services.update_scheme(point, version=1, name="Kẻng khác")
    point.refresh_from_db()
    assert (point.name, point.version) == ("Kẻng thôn Đông", 2)
    assert AuditEntry.objects.count() == before


def test_composite_grading_needs_every_component_and_takes_the_worst(make_point, commune):
    org = _org(commune)
    point = make_point(None, "4-an-toan", NEW, host_kind="enterprise", organization=org)
    with refused("components"):
        services.grade_scheme(point, 2025, components={"premises": "good", "people": "good"})
    grading = services.grade_scheme(
        point,
        2025,
        grade="good",  # ignored: a composite point's grade is its worst component's
        components={"premises": "good", "people": "fair", "property": "weak", "activities": "good"},
    )
    assert grading.grade == "weak"
    assert ComponentGrade.objects.filter(grading=grading).count() == 4
    services.grade_scheme(
        point,
        2025,
        components={"premises": "good", "people": "fair", "property": "good", "activities": "good"},
    )
    assert Grading.objects.get(scheme=point, year=2025).grade == "fair"


def test_plain_grading_needs_a_grade_within_the_points_life(make_point):
    point = make_point(established_on=d(2023, 3, 1))
    with refused("grade"):
        services.grade_scheme(point, 2023)
    with refused("year"):
        services.grade_scheme(point, 2022, grade="good")
    services.record_event(point, "dissolved", d(2024, 6, 1), reason="x")
    with refused("year"):
        services.grade_scheme(point, 2025, grade="good")
    assert services.grade_scheme(point, 2024, grade="fair").grade == "fair"


def test_a_recognition_is_recorded_once_a_year(make_point):
    point = make_point(established_on=d(2023, 3, 1))
    services.recognize_scheme(point, 2024, "exemplar")
    with refused("kind"):
        services.recognize_scheme(point, 2024, "exemplar")
    with refused("year"):
        services.recognize_scheme(point, 2022, "province_commendation")
    services.recognize_scheme(point, 2025, "exemplar")
    services.recognize_scheme(point, 2024, "ministry_commendation")
    assert point.recognitions.count() == 3


# ---- catalogue and hosts -------------------------------------------------------------------


def test_scheme_type_rules(merger):
    base = {"name": "Loại mới", "host_kinds": ["commune"]}
    with refused("host_kinds"):
        services.save_scheme_type(None, code="a", origin="ministry", **{**base, "host_kinds": []})
    with refused("origin_unit"):
        services.save_scheme_type(None, code="b", origin="province", **base)
    with refused("origin_unit"):  # a commune given as a province
        services.save_scheme_type(
            None, code="c", origin="province", origin_unit=merger.merged_new, **base
        )
    with refused("code"):
        services.save_scheme_type(None, code="keng-an-ninh", origin="ministry", **base)
    with refused("components"):  # the type row was saved, then rolled back with its audit
        services.save_scheme_type(
            None, code="d", origin="ministry", components=[("x", "X", ""), ("x", "Y", "")], **base
        )
    assert not SchemeType.objects.filter(code="d").exists()


def test_organisation_rules(commune, merger):
    with refused("kind"):
        _org(commune, kind="commune")
    with refused("commune"):
        _org(merger.province_new)
    foreign = next(a for c, a in merger.split_areas.items() if c != commune.code)
    with refused("residential_area"):  # an area of another commune
        _org(commune, residential_area=foreign)
    with refused("residential_area"):  # a commune given as an area
        _org(commune, residential_area=commune)
    with refused("ceased_on"):
        _org(commune, established_on=d(2020, 1, 1), ceased_on=d(2019, 1, 1))
    school = _org(commune, kind="school", school_level="primary", size_class="large")
    assert (school.school_level, school.size_class) == ("primary", "")


# ---- self-management structure -----------------------------------------------------------


def test_a_household_is_in_one_inter_household_group_at_a_time(area):
    one = services.create_group(residential_area=area, name="Tổ 1", established_on=d(2025, 8, 1))
    two = services.create_group(residential_area=area, name="Tổ 2", established_on=d(2025, 8, 1))
    fire = services.create_group(
        residential_area=area,
        name="Tổ PCCC",
        established_on=d(2025, 8, 1),
        kind=GroupKind.FIRE_SAFETY,
    )
    home = services.create_household(residential_area=area, head_name="Nguyễn Văn An")
    stay = services.join_group(one, home, d(2025, 8, 10))
    with refused("household"):
        services.join_group(two, home, d(2025, 9, 1))
    with refused("household"):  # nor before, for a period overlapping the stay
        services.join_group(two, home, d(2025, 8, 1), left_on=d(2025, 8, 11))
    services.join_group(fire, home, d(2025, 8, 10))  # another kind of group
    services.leave_group(stay, d(2025, 10, 1))
    with refused("household"):
        services.join_group(two, home, d(2025, 9, 30))
    assert services.join_group(two, home, d(2025, 10, 1)).group == two


def test_a_household_joins_only_groups_of_its_area_while_in_force(area, commune):
    group = services.create_group(residential_area=area, name="Tổ 1", established_on=d(2025, 8, 1))
    other_area = areas_of(commune, NEW)[1]
    stranger = services.create_household(residential_area=other_area, head_name="Lê Thị Hoa")
    with refused("household"):
        services.join_group(group, stranger, d(2025, 8, 10))
    home = services.create_household(residential_area=area, head_name="Trần Văn Bình")
    with refused("joined_on"):
        services.join_group(group, home, d(2025, 7, 31))
    services.dissolve_group(group, d(2025, 9, 1))
    with refused("joined_on"):
        services.join_group(group, home, d(2025, 9, 1))


def test_a_group_has_one_leader_at_a_time(area):
    group = services.create_group(residential_area=area, name="Tổ 1", established_on=d(2025, 8, 1))
    first = services.add_member(
        group, full_name="Nguyễn Văn An", joined_on=d(2025, 8, 1), role=MemberRole.LEADER
    )
    with refused("role"):
        services.add_member(
            group, full_name="Trần Văn Bình", joined_on=d(2025, 9, 1), role=MemberRole.LEADER
        )
    services.add_member(
        group, full_name="Trần Văn Bình", joined_on=d(2025, 9, 1), role=MemberRole.DEPUTY
    )
    services.end_membership(first, d(2025, 10, 1))
    services.add_member(
        group, full_name="Lê Văn Cường", joined_on=d(2025, 10, 1), role=MemberRole.LEADER
    )
    with refused("full_name"):
        services.add_member(group, full_name=" ", joined_on=d(2025, 10, 1))


def test_a_group_needs_an_area_in_force_and_a_type_with_groups(make_point, area, commune, merger):
    with refused("residential_area"):
        services.create_group(residential_area=commune, name="Tổ", established_on=NEW)
    with refused("residential_area"):  # the area existed; the date is before 2020
        services.create_group(residential_area=area, name="Tổ", established_on=d(2019, 1, 1))
    gong = make_point(area, "keng-an-ninh", NEW)
    with refused("scheme"):
        services.create_group(residential_area=area, name="Tổ", established_on=NEW, scheme=gong)
    groups = make_point(area, "to-lien-gia-tu-quan", NEW)
    other_area = areas_of(commune, NEW)[1]
    with refused("scheme"):
        services.create_group(
            residential_area=other_area, name="Tổ", established_on=NEW, scheme=groups
        )


def test_no_member_joins_a_dissolved_group(area):
    group = services.create_group(residential_area=area, name="Tổ 1", established_on=NEW)
    services.dissolve_group(group, d(2025, 9, 1))
    with refused("joined_on"):
        services.add_member(group, full_name="Nguyễn Văn An", joined_on=d(2025, 9, 1))


def test_dissolving_a_group_ends_every_membership_still_running(area):
    group = services.create_group(residential_area=area, name="Tổ 1", established_on=NEW)
    home = services.create_household(residential_area=area, head_name="Nguyễn Văn An")
    row = services.join_group(group, home, NEW, left_on=d(2025, 12, 31))
    services.dissolve_group(group, d(2025, 9, 1))
    row.refresh_from_db()
    assert row.left_on == d(2025, 9, 1)


@pytest.mark.parametrize("model", [SteeringCommittee, SelfManagementBoard])
def test_one_body_in_force_per_unit(commune, area, model):
    unit = commune if model is SteeringCommittee else area
    wrong = area if model is SteeringCommittee else commune
    with refused("unit"):
        services.create_body(model, unit=wrong, name="Ban", established_on=NEW)
    body = services.create_body(model, unit=unit, name="Ban 1", established_on=NEW)
    with refused("unit"):
        services.create_body(model, unit=unit, name="Ban 2", established_on=d(2025, 9, 1))
    services.dissolve_body(body, d(2025, 9, 1))
    services.create_body(model, unit=unit, name="Ban 2", established_on=d(2025, 9, 1))


def _team(commune, **values):
    values = {
        "commune": commune,
        "name": "Tổ bảo vệ ANTT",
        "decision_number": "12/QĐ-UBND",
        "decision_date": d(2025, 7, 20),
        "formed_on": NEW,
        **values,
    }
    return services.form_security_team(**values)


def test_security_team_rules(commune, area):
    with refused("decision_number"):
        _team(commune, decision_number=" ")
    with refused("decision_date"):
        _team(commune, decision_date=d(2025, 8, 2))
    with refused("commune"):
        _team(commune, formed_on=d(2024, 8, 1))  # the new commune did not exist yet
    with refused("areas"):
        _team(commune, areas=[commune])  # not a residential area
    team = _team(commune, areas=[area])
    with refused("appointed_on"):
        services.appoint_team_member(team, full_name="Ngô Văn Phúc", appointed_on=d(2025, 7, 1))
    assert list(team.areas.all()) == [area]


def test_security_team_areas_outside_the_commune(commune, merger):
    foreign = next(a for c, a in merger.split_areas.items() if c != commune.code)
    with refused("areas"):
        _team(commune, areas=[foreign])


def test_security_team_areas_outside_the_commune_are_refused(commune, merger):
    """Until the key is fixed (above): the refusal itself holds, under either key."""
    foreign = next(a for c, a in merger.split_areas.items() if c != commune.code)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        _team(commune, areas=[foreign])
    assert set(info.value.message_dict) & {"areas", "residential_area"}
    assert AuditEntry.objects.count() == before


# ---- audit -----------------------------------------------------------------------------------


def test_every_write_is_audited_with_the_records_unit(make_point, commune, area):
    with audited() as rows:
        point = make_point(area, "to-lien-gia-tu-quan", NEW)
    assert rows == [
        ("schemes.scheme", "create", area.pk),
        ("schemes.schemeevent", "create", area.pk),
    ]

    with audited() as rows:
        services.update_scheme(point, version=point.version, leader_name="Nguyễn Văn An")
    assert rows == [("schemes.scheme", "update", area.pk)]

    with audited() as rows:
        services.record_event(point, "suspended", d(2025, 9, 1), reason="Thiếu người")
    assert sorted(rows) == [
        ("schemes.scheme", "update", area.pk),
        ("schemes.schemeevent", "create", area.pk),
    ]

    with audited() as rows:
        services.grade_scheme(point, 2025, grade="good")
        services.recognize_scheme(point, 2025, "exemplar")
    assert rows == [
        ("schemes.grading", "create", area.pk),
        ("schemes.recognition", "create", area.pk),
    ]

    with audited() as rows:
        org = _org(commune)
    assert rows == [("schemes.organization", "create", commune.pk)]

    with audited() as rows:
        group = services.create_group(
            residential_area=area, name="Tổ 1", established_on=NEW, scheme=point
        )
        home = services.create_household(residential_area=area, head_name="Nguyễn Văn An")
        services.join_group(group, home, NEW)
        services.add_member(group, full_name="Nguyễn Văn An", joined_on=NEW, household=home)
    assert rows == [
        ("schemes.group", "create", area.pk),
        ("schemes.household", "create", area.pk),
        ("schemes.grouphousehold", "create", area.pk),
        ("schemes.groupmember", "create", area.pk),
    ]

    with audited() as rows:
        team = _team(commune, areas=[area])
        services.appoint_team_member(team, full_name="Ngô Văn Phúc", appointed_on=NEW)
        services.create_body(SteeringCommittee, unit=commune, name="Ban", established_on=NEW)
    assert rows == [
        ("schemes.securityteam", "create", commune.pk),
        ("schemes.securityteam", "bulk", commune.pk),  # the areas it covers
        ("schemes.securityteammember", "create", commune.pk),
        ("schemes.steeringcommittee", "create", commune.pk),
    ]

    province = unit_on("99", NEW, Level.PROVINCE)
    with audited() as rows:
        services.save_scheme_type(
            None,
            code="mo-hinh-tinh",
            name="Mô hình của tỉnh",
            host_kinds=["commune"],
            origin="province",
            origin_unit=province,
            labels=[Label.objects.get(code="drugs")],
        )
    assert rows == [
        ("schemes.schemetype", "create", province.pk),
        ("schemes.schemetype", "bulk", province.pk),  # its labels (many-to-many)
    ]
    assert org.pk and scheme_type("mo-hinh-tinh").labels.count() == 1
