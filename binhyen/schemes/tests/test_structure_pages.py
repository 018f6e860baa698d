"""Pages of the self-management structure: groups, households, members, committees and
boards, grassroots security teams.

Assertions are on data (names, numbers, codes), status codes, field error keys
(`data-error-for`) and structure, never on translatable text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.filtersets.structure import GroupFilterSet, HouseholdFilterSet
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)

START = dt.date(2025, 8, 1)


def _areas(commune: AdminUnit) -> list[AdminUnit]:
    return list(
        AdminUnit.objects.filter(
            level="residential_area", versions__parent=commune, valid_to__isnull=True
        )
        .distinct()
        .order_by("code")
    )


def _group(area: AdminUnit, name: str = "Tổ liên gia Hòa Bình", **extra) -> Group:
    return services.create_group(residential_area=area, name=name, established_on=START, **extra)


def _household(area: AdminUnit, head: str = "Nguyễn Văn An") -> Household:
    return services.create_household(residential_area=area, head_name=head, address="Số 1")


@pytest.fixture
def area(triangle) -> AdminUnit:
    return _areas(triangle.unit)[0]


@pytest.fixture
def group(area) -> Group:
    return _group(area)


@pytest.fixture
def viewer(triangle):
    user = create_user("t.viewer", "x-password-1")
    grant_role(user, Role.VIEWER, triangle.unit)
    return user


def _join(client, group: Group, **data):
    data.setdefault("joined_on", "02/08/2025")
    return client.post(reverse("schemes:group-join", args=[group.pk]), data)


# ---- the permission triangle -------------------------------------------------------------


def test_group_page_for_the_triangle_and_a_viewer(client, triangle, group, viewer):
    page = reverse("schemes:group", args=[group.pk])
    join = reverse("schemes:group-join", args=[group.pk])
    for user in (triangle.officer, triangle.parent_officer, triangle.admin):
        client.force_login(user)
        response = client.get(page)
        assert response.status_code == 200
        assert group.name in response.content.decode()
        assert join in response.content.decode()
    client.force_login(viewer)
    response = client.get(page)
    assert response.status_code == 200
    assert join not in response.content.decode()
    client.force_login(triangle.outsider)
    assert client.get(page).status_code == 404


def test_the_officers_add_households_the_outsider_gets_404_the_viewer_403(
    client, triangle, group, viewer
):
    for user, head in ((triangle.officer, "Lê Văn Xã"), (triangle.parent_officer, "Lê Văn Tỉnh")):
        client.force_login(user)
        response = _join(client, group, head_name=head, address="Số 7", people="4")
        assert response.status_code == 302
        row = GroupHousehold.objects.get(group=group, household__head_name=head)
        assert row.joined_on == dt.date(2025, 8, 2)
        assert row.household.residential_area_id == group.residential_area_id
        assert row.household.people == 4

    client.force_login(triangle.outsider)
    assert _join(client, group, head_name="Người Ngoài").status_code == 404
    client.force_login(viewer)
    assert _join(client, group, head_name="Người Xem").status_code == 403
    members = {"full_name": "Người Xem", "role": "member", "joined_on": "02/08/2025"}
    assert (
        client.post(reverse("schemes:group-member-add", args=[group.pk]), members).status_code
        == 403
    )
    assert (
        client.post(
            reverse("schemes:group-dissolve", args=[group.pk]), {"dissolved_on": "01/09/2025"}
        ).status_code
        == 403
    )
    assert client.get(reverse("schemes:group-new")).status_code == 403
    assert not Household.objects.filter(head_name__in=["Người Ngoài", "Người Xem"]).exists()
    assert not GroupMember.objects.exists()
    group.refresh_from_db()
    assert group.dissolved_on is None


def test_a_group_leader_writes_groups_of_their_area_only(client, triangle, area, group):
    other_area = _areas(triangle.unit)[1]
    other = _group(other_area, "Tổ liên gia Bên Cạnh")
    leader = create_user("t.leader", "x-password-1")
    grant_role(leader, Role.GROUP_LEADER, area)
    client.force_login(leader)
    assert _join(client, group, head_name="Hộ Của Tổ").status_code == 302
    assert GroupHousehold.objects.filter(group=group).count() == 1
    assert client.get(reverse("schemes:group", args=[other.pk])).status_code == 404
    assert _join(client, other, head_name="Hộ Bên Cạnh").status_code == 404
    # a new group of their own area, not of the neighbour's
    new = {"residential_area": area.code, "name": "Tổ mới", "kind": "inter_household"}
    new["established_on"] = "01/09/2025"
    assert client.post(reverse("schemes:group-new"), new).status_code == 302
    assert Group.objects.filter(name="Tổ mới", residential_area=area).exists()
    new.update(residential_area=other_area.code, name="Tổ lấn")
    response = client.post(reverse("schemes:group-new"), new)
    assert response.status_code == 400
    assert 'data-error-for="residential_area"' in response.content.decode()
    assert not Group.objects.filter(name="Tổ lấn").exists()


# ---- the rules of the services, through the pages ------------------------------------


def test_a_household_is_not_put_in_two_inter_household_groups_at_once(client, triangle, area):
    first, second = _group(area, "Tổ Một"), _group(area, "Tổ Hai")
    household = _household(area)
    services.join_group(first, household, START)
    client.force_login(triangle.officer)
    response = _join(client, second, household=household.pk, joined_on="01/09/2025")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error-for="household"' in page
    assert "Tổ Một" in page  # the clash names the group
    assert 'value="01/09/2025"' in page  # the typed date is kept
    assert not GroupHousehold.objects.filter(group=second).exists()

    # after it left the first group on 1 Sep, it may join the second that day
    membership = GroupHousehold.objects.get(group=first, household=household)
    response = client.post(
        reverse("schemes:group-leave", args=[first.pk, membership.pk]), {"left_on": "01/09/2025"}
    )
    assert response.status_code == 302
    response = _join(client, second, household=household.pk, joined_on="01/09/2025")
    assert response.status_code == 302
    assert GroupHousehold.objects.filter(group=second, household=household).exists()


def test_a_refused_join_of_a_new_household_writes_nothing(client, triangle, group):
    client.force_login(triangle.officer)
    before = Household.objects.count()
    # before the group was established: the household must not be created either
    response = _join(client, group, head_name="Hộ Sớm", joined_on="01/01/2025")
    assert response.status_code == 400
    assert 'data-error-for="joined_on"' in response.content.decode()
    assert 'value="Hộ Sớm"' in response.content.decode()
    assert Household.objects.count() == before
    # neither a household nor a head: an error on the household field
    response = _join(client, group)
    assert response.status_code == 400
    assert 'data-error-for="household"' in response.content.decode()


def test_members_join_lead_once_and_leave(client, triangle, group):
    client.force_login(triangle.officer)
    url = reverse("schemes:group-member-add", args=[group.pk])
    leader = {"full_name": "Trần Thị Lan", "role": "leader", "joined_on": "01/08/2025"}
    assert client.post(url, leader).status_code == 302
    second = {"full_name": "Phạm Văn Bình", "role": "leader", "joined_on": "01/09/2025"}
    response = client.post(url, second)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error-for="role"' in page and 'value="Phạm Văn Bình"' in page
    member = GroupMember.objects.get(full_name="Trần Thị Lan")
    end = reverse("schemes:group-member-end", args=[group.pk, member.pk])
    response = client.post(end, {"left_on": "01/07/2025"})  # before joining
    assert response.status_code == 400
    assert 'data-error-for="left_on"' in response.content.decode()
    assert client.post(end, {"left_on": "01/09/2025"}).status_code == 302
    assert client.post(url, second).status_code == 302
    member.refresh_from_db()
    assert member.left_on == dt.date(2025, 9, 1)
    page = client.get(reverse("schemes:group", args=[group.pk])).content.decode()
    assert f'data-member="{member.pk}"' not in page  # a former member, not a current one
    assert "Phạm Văn Bình" in page and "Trần Thị Lan" in page


def test_dissolving_a_group_ends_its_households_and_members(client, triangle, area, group):
    household = _household(area)
    services.join_group(group, household, START)
    services.add_member(group, full_name="Trần Thị Lan", role="leader", joined_on=START)
    client.force_login(triangle.parent_officer)
    url = reverse("schemes:group-dissolve", args=[group.pk])
    response = client.post(url, {"dissolved_on": "01/01/2025"})
    assert response.status_code == 400
    assert 'data-error-for="dissolved_on"' in response.content.decode()
    assert client.post(url, {"dissolved_on": "01/10/2025"}).status_code == 302
    group.refresh_from_db()
    assert group.dissolved_on == dt.date(2025, 10, 1)
    assert GroupHousehold.objects.get(group=group).left_on == dt.date(2025, 10, 1)
    assert GroupMember.objects.get(group=group).left_on == dt.date(2025, 10, 1)
    page = client.get(reverse("schemes:group", args=[group.pk])).content.decode()
    assert reverse("schemes:group-join", args=[group.pk]) not in page  # no more forms


def test_a_group_of_a_point_comes_from_the_point(client, triangle, area):
    from binhyen.schemes.models import SchemeType

    point = services.establish_scheme(
        scheme_type=SchemeType.objects.get(code="to-lien-gia-tu-quan"),
        name="Điểm liên gia",
        host_kind="residential_area",
        unit=area,
        established_on=START,
    )
    client.force_login(triangle.officer)
    response = client.get(reverse("schemes:group-new") + f"?scheme={point.pk}")
    assert response.status_code == 200
    assert f'value="{point.pk}" selected' in response.content.decode()
    data = {
        "residential_area": area.code,
        "name": "Tổ của điểm",
        "kind": "inter_household",
        "established_on": "05/08/2025",
        "scheme": point.pk,
    }
    response = client.post(reverse("schemes:group-new"), data)
    assert response.status_code == 302
    group = Group.objects.get(name="Tổ của điểm")
    assert group.scheme == point
    assert point.name in client.get(reverse("schemes:group", args=[group.pk])).content.decode()


# ---- lists -------------------------------------------------------------------------------


def _populate(area, n: int, offset: int = 0) -> None:
    for i in range(offset, offset + n):
        group = _group(area, f"Tổ {i:02d}")
        services.join_group(group, _household(area, f"Hộ {i:02d}"), START)
        services.add_member(group, full_name=f"Tổ trưởng {i:02d}", role="leader", joined_on=START)


def test_the_group_list_counts_without_a_query_per_row(client, triangle, area):
    client.force_login(triangle.officer)
    url = reverse("schemes:groups")
    _populate(area, 3)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.content.decode().count("data-group=") == 3
    _populate(area, 12, offset=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    page = response.content.decode()
    assert page.count("data-group=") == 15
    assert len(many) == len(few)
    assert page.count('data-households="1"') == 15 and page.count('data-members="1"') == 15
    assert 'data-count="groups">15<' in page and 'data-count="households">15<' in page


def test_the_group_list_filters_and_its_summary_on_a_date(client, triangle, area, group):
    other_area = _areas(triangle.unit)[1]
    other = _group(other_area, "Tổ Khác", kind="fire_safety")
    services.dissolve_group(other, dt.date(2025, 10, 1))
    client.force_login(triangle.officer)
    url = reverse("schemes:groups")
    page = client.get(url, {"residential_area": area.code}).content.decode()
    assert f'data-group="{group.pk}"' in page and f'data-group="{other.pk}"' not in page
    page = client.get(url, {"kind": "fire_safety"}).content.decode()
    assert f'data-group="{group.pk}"' not in page and f'data-group="{other.pk}"' in page
    page = client.get(url, {"active_on": "15/10/2025"}).content.decode()
    assert f'data-group="{group.pk}"' in page and f'data-group="{other.pk}"' not in page
    page = client.get(url, {"unit": triangle.unit.code}).content.decode()
    assert f'data-group="{group.pk}"' in page and f'data-group="{other.pk}"' in page
    assert 'data-count="groups">1<' in page  # today: the other one is dissolved
    page = client.get(url, {"on": "15/09/2025"}).content.decode()
    assert 'data-on="2025-09-15"' in page and 'data-count="groups">2<' in page
    # the outsider sees none of them
    client.force_login(triangle.outsider)
    page = client.get(url).content.decode()
    assert "data-group=" not in page and 'data-count="groups">0<' in page


def test_filter_sets_used_by_the_api(triangle, area, group):
    _household(area, "Nguyễn Thị Hòa")
    qs = Group.objects.all()
    assert list(GroupFilterSet({"unit": triangle.parent.code}, queryset=qs).qs) == [group]
    assert list(GroupFilterSet({"unit": "00000"}, queryset=qs).qs) == []
    assert list(GroupFilterSet({"q": "hòa bình"}, queryset=qs).qs) == [group]
    found = HouseholdFilterSet({"q": "nguyen thi hoa"}, queryset=Household.objects.all()).qs
    assert [h.head_name for h in found] == ["Nguyễn Thị Hòa"]
    found = HouseholdFilterSet({"residential_area": "none"}, queryset=Household.objects.all()).qs
    assert not found.exists()


def test_the_household_list_searches_and_shows_the_group(client, triangle, area, group):
    household = _household(area, "Nguyễn Thị Hòa")
    _household(area, "Trần Văn Tư")
    services.join_group(group, household, START)
    client.force_login(triangle.officer)
    page = client.get(reverse("schemes:households"), {"q": "nguyen hoa"}).content.decode()
    assert f'data-household="{household.pk}"' in page and "Trần Văn Tư" not in page
    assert reverse("schemes:group", args=[group.pk]) in page
    client.force_login(triangle.outsider)
    page = client.get(reverse("schemes:households")).content.decode()
    assert "data-household=" not in page


# ---- committees and boards -----------------------------------------------------------


def test_committees_and_boards_created_and_dissolved_by_officers(client, triangle, area, viewer):
    url = reverse("schemes:bodies")
    data = {
        "kind": "committee",
        "unit_code": triangle.unit.code,
        "name": "Ban chỉ đạo phường",
        "established_on": "01/08/2025",
    }
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(triangle.outsider)
    response = client.post(url, data)
    assert response.status_code == 400
    assert 'data-error-for="unit_code"' in response.content.decode()
    assert not SteeringCommittee.objects.exists()

    client.force_login(triangle.officer)
    assert client.post(url, data).status_code == 302
    committee = SteeringCommittee.objects.get(unit=triangle.unit)
    response = client.post(url, data)  # one in force per unit
    assert response.status_code == 400
    assert 'data-error-for="unit_code"' in response.content.decode()
    board = {**data, "kind": "board", "unit_code": area.code, "name": "Ban tự quản"}
    client.force_login(triangle.parent_officer)
    assert client.post(url, board).status_code == 302
    assert SelfManagementBoard.objects.filter(unit=area).exists()
    page = client.get(url, {"kind": "board"}).content.decode()
    assert "Ban tự quản" in page and 'data-count="boards">1<' in page

    dissolve = reverse("schemes:body-dissolve", args=["committee", committee.pk])
    client.force_login(viewer)
    assert client.post(dissolve, {"dissolved_on": "01/10/2025"}).status_code == 403
    client.force_login(triangle.outsider)
    assert client.post(dissolve, {"dissolved_on": "01/10/2025"}).status_code == 404
    client.force_login(triangle.officer)
    assert client.post(dissolve, {"dissolved_on": "01/01/2025"}).status_code == 400
    assert client.post(dissolve, {"dissolved_on": "01/10/2025"}).status_code == 302
    committee.refresh_from_db()
    assert committee.dissolved_on == dt.date(2025, 10, 1)


# ---- grassroots security teams ------------------------------------------------------------


def _form_team(client, triangle, areas):
    return client.post(
        reverse("schemes:team-new"),
        {
            "commune": triangle.unit.code,
            "name": "Tổ bảo vệ ANTT số 1",
            "decision_number": "15/QĐ-UBND",
            "decision_date": "10/07/2025",
            "signer": "Chủ tịch UBND",
            "formed_on": "15/07/2025",
            "areas": [a.code for a in areas],
        },
    )


def test_a_security_team_formed_staffed_and_dissolved(client, triangle, viewer):
    areas = _areas(triangle.unit)[:2]
    client.force_login(triangle.officer)
    assert client.get(reverse("schemes:team-new")).status_code == 200
    response = _form_team(client, triangle, areas)
    assert response.status_code == 302
    team = SecurityTeam.objects.get()
    assert set(team.areas.all()) == set(areas) and team.decision_number == "15/QĐ-UBND"
    page = reverse("schemes:team", args=[team.pk])
    assert response.url == page

    appoint = reverse("schemes:team-member-add", args=[team.pk])
    member = {"full_name": "Lê Văn Hùng", "role": "leader", "appointed_on": "01/07/2025"}
    response = client.post(appoint, member)  # before the team was formed
    assert response.status_code == 400
    assert 'data-error-for="appointed_on"' in response.content.decode()
    member["appointed_on"] = "15/07/2025"
    client.force_login(triangle.parent_officer)
    assert client.post(appoint, member).status_code == 302
    hung = SecurityTeamMember.objects.get(full_name="Lê Văn Hùng")

    client.force_login(viewer)
    assert client.get(page).status_code == 200
    assert client.post(appoint, {**member, "full_name": "X"}).status_code == 403
    client.force_login(triangle.outsider)
    assert client.get(page).status_code == 404
    assert client.post(appoint, {**member, "full_name": "Y"}).status_code == 404
    assert SecurityTeamMember.objects.count() == 1

    client.force_login(triangle.officer)
    end = reverse("schemes:team-member-end", args=[team.pk, hung.pk])
    assert client.post(end, {"terminated_on": "01/09/2025"}).status_code == 302
    hung.refresh_from_db()
    assert hung.terminated_on == dt.date(2025, 9, 1)
    dissolve = reverse("schemes:team-dissolve", args=[team.pk])
    assert client.post(dissolve, {"dissolved_on": "01/10/2025"}).status_code == 302
    team.refresh_from_db()
    assert team.dissolved_on == dt.date(2025, 10, 1)
    listing = client.get(reverse("schemes:teams")).content.decode()
    assert f'data-team="{team.pk}"' not in listing  # dissolved: only with state=all
    listing = client.get(reverse("schemes:teams"), {"state": "all"}).content.decode()
    assert f'data-team="{team.pk}"' in listing


def test_a_team_cannot_cover_areas_of_another_commune_or_be_formed_by_others(
    client, triangle, viewer
):
    foreign = AdminUnit.objects.filter(
        level="residential_area", valid_to__isnull=True, code__startswith="99"
    ).exclude(pk__in=[a.pk for a in _areas(triangle.unit)])[0]
    client.force_login(triangle.officer)
    response = _form_team(client, triangle, [foreign])
    assert response.status_code == 400
    assert 'data-error-for="areas"' in response.content.decode()
    client.force_login(viewer)
    assert _form_team(client, triangle, []).status_code == 403
    client.force_login(triangle.outsider)
    response = _form_team(client, triangle, [])
    assert response.status_code == 400  # the commune is not among theirs
    assert 'data-error-for="commune"' in response.content.decode()
    assert not SecurityTeam.objects.exists()


def test_area_options_list_the_areas_of_a_commune_in_the_jurisdiction(client, triangle):
    url = reverse("schemes:area-options")
    client.force_login(triangle.officer)
    html = client.get(url, {"commune": triangle.unit.code, "name": "areas", "multiple": 1})
    html = html.content.decode()
    for area in _areas(triangle.unit):
        assert f'value="{area.code}"' in html
    assert 'type="checkbox"' in html
    client.force_login(triangle.outsider)
    html = client.get(url, {"commune": triangle.unit.code}).content.decode()
    assert "<select" in html and _areas(triangle.unit)[0].code not in html
