"""The registry API under /api/v1/: the permission triangle on points and groups, writes
through the services (400 keyed by field, 403, 404, 409), counts equal to the queries',
the schema, and bounded queries on the list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binhyen.accounts.models import User
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.schemes import queries, services
from binhyen.schemes.models import GroupHousehold, Household, Scheme

from .conftest import NEW, areas_of

d = dt.date
JSON = "application/json"


@pytest.fixture
def world(triangle, make_point):
    """A point and a group in the triangle's commune and in a sibling commune of the
    same province (the outsider's province has neither)."""
    own_area = areas_of(triangle.unit, NEW)[0]
    sibling = next(
        v.unit
        for v in geo_queries.children_on(triangle.parent, NEW)
        if v.unit != triangle.unit and v.unit.level == Level.COMMUNE
    )
    sibling_area = areas_of(sibling, NEW)[0]
    return SimpleNamespace(
        own_area=own_area,
        sibling=sibling,
        sibling_area=sibling_area,
        own=make_point(own_area, established_on=NEW, name="Kẻng của xã"),
        other=make_point(sibling_area, established_on=NEW, name="Kẻng xã bên"),
        own_group=services.create_group(
            residential_area=own_area, name="Tổ của xã", established_on=NEW
        ),
        other_group=services.create_group(
            residential_area=sibling_area, name="Tổ xã bên", established_on=NEW
        ),
    )


def _as(client, triangle, who: str):
    user = getattr(triangle, who, None) or User.objects.get(username=who)
    client.force_login(user)
    return user


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def _point_data(area, **changes) -> dict:
    return {
        "scheme_type": "keng-an-ninh",
        "name": "Kẻng mới",
        "host_kind": "residential_area",
        "unit": area.code,
        "established_on": "2025-09-01",
        **changes,
    }


# ---- the permission triangle ---------------------------------------------------------------

SEES = {
    "officer": ({"Kẻng của xã"}, {"Tổ của xã"}),
    "parent_officer": ({"Kẻng của xã", "Kẻng xã bên"}, {"Tổ của xã", "Tổ xã bên"}),
    "outsider": (set(), set()),
    "admin": ({"Kẻng của xã", "Kẻng xã bên"}, {"Tổ của xã", "Tổ xã bên"}),
    "lanhdao": ({"Kẻng của xã", "Kẻng xã bên"}, {"Tổ của xã", "Tổ xã bên"}),  # viewer
}


@pytest.mark.parametrize("who", SEES)
def test_lists_and_details_are_scoped(client, triangle, world, who):
    _as(client, triangle, who)
    points, groups = SEES[who]
    assert _names(client.get(reverse("api-scheme-list"))) == points
    assert _names(client.get(reverse("api-group-list"))) == groups
    for point in (world.own, world.other):
        status = client.get(reverse("api-scheme-detail", args=[point.pk])).status_code
        assert status == (200 if point.name in points else 404)
    for group in (world.own_group, world.other_group):
        status = client.get(reverse("api-group-detail", args=[group.pk])).status_code
        assert status == (200 if group.name in groups else 404)


CREATES = {  # who: (status in the own commune, status in the sibling commune)
    "officer": (201, 403),
    "parent_officer": (201, 201),
    "outsider": (403, 403),
    "admin": (201, 201),
    "lanhdao": (403, 403),
}


@pytest.mark.parametrize("who", CREATES)
def test_create_points_and_groups(client, triangle, world, who):
    _as(client, triangle, who)
    for area, expected in zip((world.own_area, world.sibling_area), CREATES[who], strict=True):
        response = client.post(reverse("api-scheme-list"), _point_data(area), content_type=JSON)
        assert response.status_code == expected, response.content
        group = {"name": "Tổ mới", "residential_area": area.code, "established_on": "2025-09-01"}
        response = client.post(reverse("api-group-list"), group, content_type=JSON)
        assert response.status_code == expected, response.content
    assert Scheme.objects.filter(name="Kẻng mới").count() == CREATES[who].count(201)


UPDATES = {  # who: (status on the own commune's records, on the sibling commune's)
    "officer": (200, 404),
    "parent_officer": (200, 200),
    "outsider": (404, 404),
    "admin": (200, 200),
    "lanhdao": (403, 403),
}


@pytest.mark.parametrize("who", UPDATES)
def test_update_points_and_groups(client, triangle, world, who):
    _as(client, triangle, who)
    pairs = ((world.own, world.own_group), (world.other, world.other_group))
    for (point, group), expected in zip(pairs, UPDATES[who], strict=True):
        url = reverse("api-scheme-detail", args=[point.pk])
        response = client.patch(url, {"leader_name": "Lê Văn An", "version": 1}, content_type=JSON)
        assert response.status_code == expected, response.content
        url = reverse("api-group-detail", args=[group.pk])
        response = client.patch(url, {"dissolved_on": "2025-12-31"}, content_type=JSON)
        assert response.status_code == expected, response.content
        point.refresh_from_db()
        assert (point.leader_name == "Lê Văn An") is (expected == 200)


def test_anonymous_is_refused(client, world):
    for response in (
        client.get(reverse("api-scheme-list")),
        client.get(reverse("api-scheme-detail", args=[world.own.pk])),
        client.post(reverse("api-scheme-list"), _point_data(world.own_area), content_type=JSON),
        client.get(reverse("api-scheme-type-list")),
        client.get(reverse("api-scheme-counts")),
        client.get(reverse("api-structure-counts")),
    ):
        assert response.status_code in (401, 403)
    assert Scheme.objects.count() == 2


def test_a_group_leader_keeps_the_households_of_the_area_but_no_points(client, world):
    leader = User.objects.get(username="totruong")
    client.force_login(leader)
    url = reverse("api-group-households", args=[world.own_group.pk])
    new = {"new_household": {"head_name": "Phạm Văn Dũng", "people": 4}, "joined_on": "2025-09-01"}
    response = client.post(url, new, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["household"]["head_name"] == "Phạm Văn Dũng"
    url = reverse("api-group-members", args=[world.own_group.pk])
    member = {"full_name": "Phạm Văn Dũng", "role": "leader", "joined_on": "2025-09-01"}
    assert client.post(url, member, content_type=JSON).status_code == 201
    response = client.post(
        reverse("api-scheme-list"), _point_data(world.own_area), content_type=JSON
    )
    assert response.status_code == 403
    other = reverse("api-group-households", args=[world.other_group.pk])
    assert client.post(other, new, content_type=JSON).status_code == 404


# ---- writes through the services ---------------------------------------------------------


def test_a_refusal_of_the_services_is_a_400_keyed_by_field(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("api-scheme-list")
    cases = [
        (
            _point_data(world.own_area, scheme_type="camera-an-ninh", host_kind="enterprise"),
            "organization",
        ),
        (_point_data(world.own_area, scheme_type="dong-ho-tu-quan"), "host_kind"),
        (_point_data(world.own_area, latitude="40.5", longitude="105.1"), "latitude"),
        (_point_data(world.own_area, replicated_from=world.other.pk), "replicated_from"),
        (_point_data(world.own_area, unit="0000000"), "unit"),
        (_point_data(world.own_area, established_on="2019-01-01"), "unit"),
        (_point_data(world.own_area, scheme_type="khong-co"), "scheme_type"),
        ({**_point_data(world.own_area), "unit": ""}, "unit"),
    ]
    for data, field in cases:
        response = client.post(url, data, content_type=JSON)
        assert response.status_code == 400, (data, response.content)
        assert field in response.json(), (field, response.json())
    assert Scheme.objects.count() == 2


def test_a_stale_edit_is_409_and_a_missing_version_400(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("api-scheme-detail", args=[world.own.pk])
    first = client.patch(url, {"name": "Kẻng thôn 1", "version": 1}, content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(url, {"name": "Kẻng thôn 2", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    missing = client.patch(url, {"name": "Kẻng thôn 3"}, content_type=JSON)
    assert missing.status_code == 400 and "version" in missing.json()
    world.own.refresh_from_db()
    assert (world.own.name, world.own.version) == ("Kẻng thôn 1", 2)


def test_lifecycle_grading_and_recognition_through_the_api(client, triangle, world):
    client.force_login(triangle.officer)
    pk = world.own.pk
    events = reverse("api-scheme-events", args=[pk])
    no_reason = client.post(events, {"kind": "suspended", "date": "2025-10-01"}, content_type=JSON)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    event = {"kind": "suspended", "date": "2025-10-01", "reason": "Thiếu người"}
    assert client.post(events, event, content_type=JSON).status_code == 201
    back = {"kind": "reactivated", "date": "2025-09-30"}
    assert "date" in client.post(events, back, content_type=JSON).json()
    gradings = reverse("api-scheme-gradings", args=[pk])
    assert (
        client.post(gradings, {"year": 2025, "grade": "fair"}, content_type=JSON).status_code == 201
    )
    again = client.post(gradings, {"year": 2025, "grade": "good"}, content_type=JSON)
    assert again.status_code == 200 and again.json()["grade"] == "good"
    recognitions = reverse("api-scheme-recognitions", args=[pk])
    exemplar = {"year": 2025, "kind": "exemplar", "decision_number": "5/QĐ"}
    assert client.post(recognitions, exemplar, content_type=JSON).status_code == 201
    twice = client.post(recognitions, exemplar, content_type=JSON)
    assert twice.status_code == 400 and "kind" in twice.json()
    detail = client.get(reverse("api-scheme-detail", args=[pk])).json()
    assert [e["kind"] for e in detail["events"]] == ["established", "suspended"]
    assert detail["status"] == "suspended"
    assert [(g["year"], g["grade"]) for g in detail["gradings"]] == [(2025, "good")]
    assert [r["kind"] for r in detail["recognitions"]] == ["exemplar"]
    # another commune's point: not found, nothing written
    other = reverse("api-scheme-events", args=[world.other.pk])
    assert client.post(other, event, content_type=JSON).status_code == 404


def test_a_composite_point_hosted_by_an_organisation(client, triangle, world):
    client.force_login(triangle.officer)
    org = {"kind": "enterprise", "name": "Công ty May Bình An", "commune": triangle.unit.code}
    response = client.post(reverse("api-organization-list"), org, content_type=JSON)
    assert response.status_code == 201, response.content
    org_id = response.json()["id"]
    data = {**_point_data(world.own_area), "scheme_type": "4-an-toan"}
    data.update(host_kind="enterprise", organization=org_id, unit=None)
    response = client.post(reverse("api-scheme-list"), data, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["id"] == org_id and body["unit"]["code"] == triangle.unit.code
    gradings = reverse("api-scheme-gradings", args=[body["id"]])
    partial = {"year": 2025, "components": {"premises": "good"}}
    assert "components" in client.post(gradings, partial, content_type=JSON).json()
    grades = {"premises": "good", "people": "average", "property": "good", "activities": "fair"}
    full = client.post(gradings, {"year": 2025, "components": grades}, content_type=JSON)
    assert full.status_code == 201 and full.json()["grade"] == "average"
    assert {c["component"]: c["grade"] for c in full.json()["components"]} == grades
    # the outsider cannot see the organisation, nor use it
    client.force_login(triangle.outsider)
    assert client.get(reverse("api-organization-detail", args=[org_id])).status_code == 404


def test_joining_a_group_twice_is_refused_and_creates_no_household(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("api-group-households", args=[world.own_group.pk])
    home = services.create_household(residential_area=world.own_area, head_name="Đỗ Thị Lan")
    assert (
        client.post(
            url, {"household": home.pk, "joined_on": "2025-09-01"}, content_type=JSON
        ).status_code
        == 201
    )
    second = services.create_group(
        residential_area=world.own_area, name="Tổ thứ hai", established_on=NEW
    )
    url2 = reverse("api-group-households", args=[second.pk])
    response = client.post(
        url2, {"household": home.pk, "joined_on": "2025-10-01"}, content_type=JSON
    )
    assert response.status_code == 400 and "household" in response.json()
    count = Household.objects.count()
    foreign = services.create_household(residential_area=world.sibling_area, head_name="Vũ Văn Nam")
    response = client.post(
        url2, {"household": foreign.pk, "joined_on": "2025-10-01"}, content_type=JSON
    )
    assert response.status_code == 400 and "household" in response.json()  # not visible
    new = {"new_household": {"head_name": "Mai Văn Tú"}, "joined_on": "2025-07-01"}
    response = client.post(url2, new, content_type=JSON)  # before the group existed
    assert response.status_code == 400 and "joined_on" in response.json()
    assert Household.objects.count() == count + 1  # the foreign one only: rolled back
    assert GroupHousehold.objects.count() == 1
    detail = client.get(
        reverse("api-group-detail", args=[world.own_group.pk]), {"on": "2025-09-01"}
    )
    assert [h["household"]["head_name"] for h in detail.json()["households"]] == ["Đỗ Thị Lan"]


def test_catalogue_is_read_by_all_and_edited_by_provincial_officers(client, triangle, world):
    client.force_login(triangle.officer)
    listing = client.get(reverse("api-scheme-type-list"), {"limit": 100}).json()
    assert "4-an-toan" in {t["code"] for t in listing["results"]}
    detail = client.get(reverse("api-scheme-type-detail", args=["4-an-toan"])).json()
    assert [c["code"] for c in detail["components"]][:1] == ["premises"]
    new = {
        "code": "camera-ho-gia-dinh",
        "name": "Camera hộ gia đình",
        "host_kinds": ["residential_area"],
        "origin": "province",
        "origin_unit": triangle.parent.code,
        "labels": ["security-order"],
    }
    assert client.post(reverse("api-scheme-type-list"), new, content_type=JSON).status_code == 403
    client.force_login(triangle.parent_officer)
    response = client.post(reverse("api-scheme-type-list"), new, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["origin_unit"]["code"] == triangle.parent.code
    url = reverse("api-scheme-type-detail", args=["camera-ho-gia-dinh"])
    response = client.patch(url, {"host_kinds": []}, content_type=JSON)
    assert response.status_code == 400 and "host_kinds" in response.json()
    response = client.patch(url, {"labels": ["security-order", "traffic"]}, content_type=JSON)
    assert response.status_code == 200 and response.json()["labels"] == [
        "security-order",
        "traffic",
    ]
    assert client.get(reverse("api-label-list")).json()["count"] >= 12


def test_security_teams_and_bodies(client, triangle, world):
    client.force_login(triangle.officer)
    team = {
        "commune": triangle.unit.code,
        "name": "Tổ bảo vệ ANTT số 1",
        "decision_number": "20/QĐ-UBND",
        "decision_date": "2025-08-01",
        "formed_on": "2025-08-15",
        "areas": [world.own_area.code],
    }
    response = client.post(reverse("api-security-team-list"), team, content_type=JSON)
    assert response.status_code == 201, response.content
    team_id = response.json()["id"]
    members = reverse("api-security-team-members", args=[team_id])
    member = {"full_name": "Ngô Văn Phúc", "appointed_on": "2025-08-15"}
    assert client.post(members, member, content_type=JSON).status_code == 201
    early = {"full_name": "Ngô Văn Phúc", "appointed_on": "2025-08-01"}
    assert "appointed_on" in client.post(members, early, content_type=JSON).json()
    elsewhere = {**team, "commune": world.sibling.code, "areas": []}
    assert (
        client.post(reverse("api-security-team-list"), elsewhere, content_type=JSON).status_code
        == 403
    )
    body = {"unit": triangle.unit.code, "name": "Ban chỉ đạo", "established_on": "2025-08-01"}
    url = reverse("api-steering-committee-list")
    assert client.post(url, body, content_type=JSON).status_code == 201
    assert "unit" in client.post(url, body, content_type=JSON).json()  # one in force
    board = {"unit": world.own_area.code, "name": "Ban tự quản", "established_on": "2025-08-01"}
    assert client.post(reverse("api-board-list"), board, content_type=JSON).status_code == 201
    detail = client.get(reverse("api-security-team-detail", args=[team_id])).json()
    assert [m["full_name"] for m in detail["members"]] == ["Ngô Văn Phúc"]
    counts = client.get(
        reverse("api-structure-counts"), {"unit": triangle.unit.code, "on": "2025-09-01"}
    ).json()
    assert counts["steering_committees"] == counts["boards"] == counts["security_teams"] == 1
    assert counts["groups"] == 1 and counts["security_team_members"] == 1
    client.force_login(triangle.outsider)
    assert client.get(reverse("api-security-team-list")).json()["count"] == 0
    assert client.get(reverse("api-structure-counts"), {"on": "2025-09-01"}).json()["groups"] == 0


# ---- counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "parent_officer", "admin"])
@pytest.mark.parametrize(
    "params",
    [
        {"measure": "active", "on": "2025-10-01", "by": "unit"},
        {"measure": "active", "on": "2025-10-01", "by": "label"},
        {"measure": "established", "from": "2025-01-01", "to": "2025-12-31", "by": "type"},
        {"measure": "dissolved", "from": "2025-01-01", "to": "2025-12-31", "by": "host_kind"},
    ],
)
def test_counts_are_the_queries_counts(client, triangle, world, make_point, who, params):
    make_point(world.own_area, "khong-ma-tuy", d(2025, 9, 1))
    for area in (world.own_area, world.sibling_area):
        gone = make_point(area, "camera-an-ninh", d(2025, 8, 2))
        services.record_event(gone, "dissolved", d(2025, 9, 15), reason="Hỏng")
    user = _as(client, triangle, who)
    query = {**params, "unit": triangle.parent.code, "structure_date": "2025-10-01"}
    response = client.get(reverse("api-scheme-counts"), query)
    assert response.status_code == 200, response.content
    body = response.json()
    scope = queries.Scope(triangle.parent, d(2025, 10, 1), user=user)
    if params["measure"] == "active":
        expected = queries.schemes_active(scope, d(2025, 10, 1), params["by"])
    else:
        measure = getattr(queries, f"schemes_{params['measure']}")
        expected = measure(scope, d(2025, 1, 1), d(2025, 12, 31), params["by"])
    assert body["total"] == expected.total > 0
    assert body["overlapping"] == expected.overlapping
    assert [r["count"] for r in body["rows"]] == [r.count for r in expected.rows]
    assert body["unit"]["code"] == triangle.parent.code
    assert body["structure_date"] == "2025-10-01"


def test_count_rows_use_codes(client, triangle, world):
    client.force_login(triangle.admin)
    query = {"unit": triangle.parent.code, "structure_date": "2025-10-01", "on": "2025-10-01"}
    by_unit = client.get(reverse("api-scheme-counts"), {**query, "by": "unit"}).json()
    assert {r["key"]: r["count"] for r in by_unit["rows"]} == {
        triangle.unit.code: 1,
        world.sibling.code: 1,
    }
    by_type = client.get(reverse("api-scheme-counts"), {**query, "by": "type"}).json()
    assert by_type["rows"] == [
        {"key": "keng-an-ninh", "label": by_type["rows"][0]["label"], "count": 2}
    ]
    own = client.get(reverse("api-scheme-counts"), {**query, "unit": triangle.unit.code}).json()
    assert own["total"] == 1 and own["rows"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"measure": "established", "to": "2025-12-31"}, "from"),
        ({"measure": "established", "from": "2025-12-31", "to": "2025-01-01"}, "to"),
        ({"measure": "active", "from": "2025-01-01", "to": "2025-12-31"}, "on"),
        ({"measure": "sometimes"}, "measure"),
        ({"by": "colour"}, "by"),
        ({"unit": "00000"}, "unit"),
        ({"on": "01/10/2025"}, "on"),
        ({"unit": "99101", "structure_date": "2019-01-01"}, "unit"),
    ],
)
def test_count_parameters_are_checked(client, triangle, params, field):
    client.force_login(triangle.admin)
    response = client.get(reverse("api-scheme-counts"), params)
    assert response.status_code == 400 and field in response.json(), response.content


# ---- schema and query counts -------------------------------------------------------------


def test_the_schema_lists_the_registry(client, db):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/schemes/",
        "/api/v1/schemes/{id}/events/",
        "/api/v1/groups/{id}/households/",
        "/api/v1/scheme-counts/",
        "/api/v1/structure-counts/",
        "/api/v1/scheme-types/{code}/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/scheme-counts/"]["get"]["parameters"]}
    assert {"unit", "structure_date", "on", "from", "to", "measure", "by"} <= params


def _queries_for_list(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"limit": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_list_queries_do_not_grow_with_the_rows(client, triangle, world, make_point, who):
    _as(client, triangle, who)
    url = reverse("api-scheme-list")
    org = services.save_organization(
        None, kind="enterprise", name="Công ty A", commune=triangle.unit
    )

    def add(n):
        for i in range(n):
            if i % 2:
                make_point(None, "camera-an-ninh", NEW, host_kind="enterprise", organization=org)
            else:
                make_point(world.own_area, "khong-ma-tuy" if i % 3 else "keng-an-ninh", NEW)

    add(3)
    small = _queries_for_list(client, url)
    add(20)
    large = _queries_for_list(client, url)
    assert client.get(url, {"limit": 100}).json()["count"] >= 23
    assert large == small
    for name in ("api-group-list", "api-organization-list", "api-security-team-list"):
        assert _queries_for_list(client, reverse(name)) <= small
