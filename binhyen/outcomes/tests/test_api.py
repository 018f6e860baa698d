"""The registers' API under /api/v1/: the permission triangle on lists, details and
creation, refusals keyed by field, intakes without identities, the figures endpoint
equal to the queries, and the schema."""

from __future__ import annotations

import pytest
from django.urls import reverse

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.outcomes.models import IllegalEntry, SupervisionPeriod
from binhyen.outcomes.queries import Scope, register_totals
from binhyen.outcomes.registers import LEDGERS

from .conftest import NAME, NEW, area_of, d, sibling_of

JSON = "application/json"


@pytest.fixture
def world(triangle, record, intake):
    own = area_of(triangle.unit)
    sibling = area_of(sibling_of(triangle.unit, triangle.parent))
    return {
        "own_area": own,
        "own": record("illegal-entries", own, NEW, nationality="CN", people=3),
        "other": record("illegal-entries", sibling, NEW, nationality="LA", people=2),
        "period": intake(own, NEW),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("who", ["officer", "parent_officer", "outsider", "admin"])
def test_lists_and_details_are_scoped(client, triangle, world, who):
    client.force_login(getattr(triangle, who))
    url = reverse("api-outcome-illegal-entries-list")
    own, other = world["own"].pk, world["other"].pk
    expected = {
        "officer": {own},
        "parent_officer": {own, other},
        "outsider": set(),
        "admin": {own, other},
    }[who]
    assert _ids(client.get(url)) == expected
    detail = client.get(reverse("api-outcome-illegal-entries-detail", args=[own]))
    assert detail.status_code == (404 if who == "outsider" else 200)
    periods = _ids(client.get(reverse("api-outcome-managed-persons-list")))
    assert periods == (set() if who == "outsider" else {world["period"].pk})


def test_the_list_filters(client, triangle, world):
    client.force_login(triangle.parent_officer)
    url = reverse("api-outcome-illegal-entries-list")
    assert _ids(client.get(url, {"nationality": "LA"})) == {world["other"].pk}
    assert _ids(client.get(url, {"unit": triangle.unit.code})) == {world["own"].pk}
    assert _ids(client.get(url, {"date_to": "2025-07-31"})) == set()


@pytest.mark.parametrize("who", ["officer", "parent_officer", "outsider"])
def test_create_a_record(client, triangle, world, who):
    client.force_login(getattr(triangle, who))
    url = reverse("api-outcome-illegal-entries-list")
    body = {"date": "2025-08-02", "unit": world["own_area"].code, "nationality": "KH", "people": 4}
    response = client.post(url, body, content_type=JSON)
    if who == "outsider":
        assert response.status_code == 403
        assert not IllegalEntry.objects.filter(nationality="KH").exists()
        return
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["unit"]["code"] == world["own_area"].code and data["people"] == 4
    assert IllegalEntry.objects.get(pk=data["id"]).nationality == "KH"


def test_a_viewer_cannot_create(client, triangle, world):
    viewer = create_user("t.viewer", "x-password-1")
    grant_role(viewer, Role.VIEWER, triangle.unit)
    client.force_login(viewer)
    assert _ids(client.get(reverse("api-outcome-illegal-entries-list"))) == {world["own"].pk}
    body = {"date": "2025-08-02", "unit": world["own_area"].code, "nationality": "KH"}
    response = client.post(reverse("api-outcome-illegal-entries-list"), body, content_type=JSON)
    assert response.status_code == 403


def test_refusals_are_400_keyed_by_field(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("api-outcome-weapons-list")
    area = world["own_area"].code
    cases = [
        ({"date": "2025-08-02", "unit": area, "kind": "rifle", "quantity": "1"}, {"kind"}),
        (
            {"date": "2025-08-02", "unit": area, "kind": "hunting_gun", "quantity": "1.5"},
            {"quantity"},
        ),
        ({"date": "2025-08-02", "unit": "0000", "kind": "hunting_gun", "quantity": "1"}, {"unit"}),
        ({"date": "2099-08-02", "unit": area, "kind": "hunting_gun", "quantity": "1"}, {"date"}),
    ]
    for body, keys in cases:
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 400, body
        assert set(response.json()) == keys, (body, response.json())
    other_point = client.post(
        url,
        {
            "date": "2025-08-02",
            "unit": area,
            "kind": "hunting_gun",
            "quantity": "1",
            "scheme": 999999,
        },
        content_type=JSON,
    )
    assert other_point.status_code == 400 and set(other_point.json()) == {"scheme"}
    assert not LEDGERS["weapons"].model.objects.exists()


def test_an_intake_through_the_api_returns_no_identity(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("api-outcome-managed-persons-list")
    body = {
        "full_name": NAME,
        "birth_year": 1990,
        "id_number": "001090012345",
        "kind": "community_education",
        "intake_on": "2025-08-03",
        "unit": world["own_area"].code,
    }
    response = client.post(url, body, content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["person"] == world["period"].person.code  # found again by name and year
    assert NAME not in response.content.decode() and "001090012345" not in response.content.decode()
    assert set(data) == {
        "id",
        "ref",
        "person",
        "kind",
        "intake_on",
        "unit",
        "group",
        "scheme",
        "exit_on",
        "exit_reason",
        "exemplary",
    }
    # by code; an unknown code or no identity at all are refused
    response = client.post(
        url,
        {
            **{k: v for k, v in body.items() if k not in ("full_name", "birth_year", "id_number")},
            "person": data["person"],
            "kind": "post_rehabilitation",
            "intake_on": "2025-07-10",
        },
        content_type=JSON,
    )
    assert response.status_code == 400 and set(response.json()) == {"intake_on"}  # already under it
    response = client.post(
        url,
        {
            "person": "PNOSUCHONE",
            "kind": "post_rehabilitation",
            "intake_on": "2025-08-03",
            "unit": world["own_area"].code,
        },
        content_type=JSON,
    )
    assert response.status_code == 400 and set(response.json()) == {"person"}
    response = client.post(
        url,
        {"kind": "post_rehabilitation", "intake_on": "2025-08-03", "unit": world["own_area"].code},
        content_type=JSON,
    )
    assert response.status_code == 400 and set(response.json()) == {"full_name"}
    assert SupervisionPeriod.objects.count() == 2


def test_the_totals_equal_the_queries(client, triangle, world):
    client.force_login(triangle.parent_officer)
    response = client.get(
        reverse("api-outcome-totals"),
        {"from": "2025-01-01", "to": "2025-12-31", "by": "nationality"},
    )
    assert response.status_code == 200, response.content
    data = response.json()["registers"]
    expected = register_totals(
        Scope(user=triangle.parent_officer), d(2025, 1, 1), d(2025, 12, 31), "nationality"
    )
    for slug, tally in expected.items():
        assert float(data[slug]["total"]) == float(tally.total), slug
    assert data["illegal-entries"]["total"] == 5
    assert {r["key"]: r["value"] for r in data["illegal-entries"]["rows"]} == {"CN": 3, "LA": 2}
    assert data["managed-persons"]["figures"]["people"]["value"] == 1
    by_unit = client.get(
        reverse("api-outcome-totals"),
        {"unit": triangle.parent.code, "by": "unit", "from": "2025-01-01"},
    )
    codes = {r["key"] for r in by_unit.json()["registers"]["illegal-entries"]["rows"]}
    assert triangle.unit.code in codes
    client.force_login(triangle.outsider)
    outside = client.get(reverse("api-outcome-totals"), {"from": "2025-01-01"}).json()["registers"]
    assert outside["illegal-entries"]["total"] == 0
    bad = client.get(reverse("api-outcome-totals"), {"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 400 and set(bad.json()) == {"to"}


def test_anonymous_is_refused(client, world):
    assert client.get(reverse("api-outcome-weapons-list")).status_code in (401, 403)
    assert client.get(reverse("api-outcome-totals")).status_code in (401, 403)


def test_the_schema_lists_every_register(client, db):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for slug in [*LEDGERS, "managed-persons"]:
        assert f"/api/v1/outcomes/{slug}/" in paths, slug
    assert "/api/v1/outcome-totals/" in paths
    intake = response.json()["components"]["schemas"]["Period"]["properties"]
    assert "full_name" not in intake and "person" in intake
