import pytest
from django.urls import reverse

from binhyen.conftest import current


@pytest.mark.parametrize("who", ["anonymous", "officer", "parent_officer", "outsider"])
def test_units_api_is_public_and_filters_on_a_date(client, triangle, who):
    if who != "anonymous":
        client.force_login(getattr(triangle, who))
    before = client.get(reverse("api-unit-list"), {"on": "2025-06-30", "level": "province"}).json()
    after = client.get(reverse("api-unit-list"), {"on": "2025-07-01", "level": "province"}).json()
    assert {u["code"] for u in before["results"]} == {"98", "99"}
    assert [u["code"] for u in after["results"]] == ["99"]


def test_units_api_searches_and_details(client, triangle):
    found = client.get(reverse("api-unit-list"), {"q": "ngoc son", "on": "2024-01-01"}).json()
    assert [u["code"] for u in found["results"]] == ["98"]
    detail = client.get(reverse("api-unit-detail", args=["99"]), {"on": "2025-07-01"}).json()
    assert detail["unit"]["name"] == "Tỉnh An Lạc (mô phỏng)"
    assert {t["predecessor"]["code"] for t in detail["predecessors"]} >= {"98", "99"}
    commune = client.get(reverse("api-unit-detail", args=[triangle.unit.code])).json()
    assert [a["code"] for a in commune["ancestors"]] == ["99"]
    assert current("province", "99").code == "99"


def test_units_api_rejects_a_bad_date_clearly(client, db):
    response = client.get(reverse("api-unit-list"), {"on": "30/06/2025"})
    assert response.status_code == 400
    assert "on" in response.json()
    assert client.get(reverse("api-unit-detail", args=["00000"])).status_code == 404


def test_openapi_schema_lists_the_units_api(client, db):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/units/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"on", "level", "parent", "q"} <= params


def test_schema_is_valid(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/units/" in out.getvalue()


def test_list_pages_are_capped_whatever_the_limit_asked(client, triangle):
    """A limit past 2⁶³ gave a 500 and any large one read the whole table (fuzzing)."""
    url = reverse("api-unit-list")
    huge = client.get(url, {"limit": "99999999999999999999", "on": "2024-01-01"})
    assert huge.status_code == 200
    from binhyen.api.pagination import Pagination

    assert len(huge.json()["results"]) <= Pagination.max_limit
    small = client.get(url, {"limit": "1", "on": "2024-01-01"}).json()
    assert len(small["results"]) == 1 and small["count"] > 1
