"""The awards API: the catalogue, occasions, nominations (scoped; create = propose with
the same checks keyed by field; review and decide actions), the conference list."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from binhyen.tips.services.cases import save_case

from .conftest import URLS, d

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_catalogue(triangle):
    forms = api(triangle.officer).get("/api/v1/award-forms/").json()
    rows = forms["results"] if isinstance(forms, dict) else forms
    merit = next(f for f in rows if f["code"] == "bang-khen")
    assert set(merit["authorities"]) == {"bo-truong-bca", "chu-tich-ubnd-tinh"}
    medal = api(triangle.officer).get("/api/v1/award-forms/kniem-chuong-bvantq/").json()
    assert medal["once_per_life"] is True and medal["min_service_years"] == 5
    assert api(triangle.officer).get("/api/v1/award-authorities/giam-doc-cat/").status_code == 200


def test_round_through_the_api(triangle, point, person):
    province = api(triangle.parent_officer)
    response = province.post(
        "/api/v1/award-occasions/",
        {
            "name": "Hội nghị 2025",
            "kind": "review_conference",
            "held_on": "2025-12-20",
            "unit": triangle.parent.code,
            "period_start": "2024-12-01",
            "period_end": "2025-11-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    occasion = response.json()["id"]
    p = point()
    case = save_case(None, number="3/VA", category="drugs", unit=triangle.unit,
                     opened_on=d(2025, 2, 1))  # fmt: skip
    commune = api(triangle.officer)
    body = {
        "occasion": occasion,
        "form": "bang-khen",
        "authority": "chu-tich-ubnd-tinh",
        "recipient_kind": "collective",
        "collective_kind": "scheme",
        "scheme": p.pk,
        "achievements": [
            {"record_type": "tips.case", "record_id": case.pk},
            {"description": "Không để xảy ra tội phạm"},
        ],
    }
    wrong = commune.post("/api/v1/award-nominations/", {**body, "authority": "giam-doc-cat"},
                         format="json")  # fmt: skip
    assert wrong.status_code == 400 and "authority" in wrong.json()
    made = commune.post("/api/v1/award-nominations/", body, format="json")
    assert made.status_code == 201, made.json()
    nomination = made.json()
    assert nomination["recipient"] == {"type": "scheme", "id": p.pk, "name": p.name}
    assert nomination["achievements"][0] == {
        "description": str(case), "record_type": "tips.case", "record_id": case.pk
    }  # fmt: skip
    again = commune.post("/api/v1/award-nominations/", {**body, "scheme": point(name="B").pk},
                         format="json")  # fmt: skip
    assert again.status_code == 400 and "achievements" in again.json()
    # a person under prosecution
    accused = person(name="Bị can", under_prosecution=True)
    refused = commune.post(
        "/api/v1/award-nominations/",
        {"occasion": occasion, "form": "bang-khen", "authority": "chu-tich-ubnd-tinh",
         "recipient_kind": "individual", "person": accused.pk,
         "achievements": [{"description": "x"}]},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400 and "person" in refused.json()

    pk = nomination["id"]
    assert commune.post(f"/api/v1/award-nominations/{pk}/review/", {"approve": True},
                        format="json").status_code == 403  # fmt: skip
    assert province.post(f"/api/v1/award-nominations/{pk}/review/", {"approve": True},
                         format="json").status_code == 200  # fmt: skip
    missing = province.post(f"/api/v1/award-nominations/{pk}/decide/", {"awarded": True},
                            format="json")  # fmt: skip
    assert missing.status_code == 400 and "decision_number" in missing.json()
    decided = province.post(
        f"/api/v1/award-nominations/{pk}/decide/",
        {"awarded": True, "decision_number": "1/QĐ", "decision_date": "2025-12-15",
         "signer": "Chủ tịch"},
        format="json",
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "awarded"

    listed = commune.get("/api/v1/award-nominations/", {"status": "awarded"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [pk]
    outsider = api(triangle.outsider)
    out = outsider.get("/api/v1/award-nominations/").json()
    assert (out["results"] if isinstance(out, dict) else out) == []
    assert outsider.get(f"/api/v1/award-nominations/{pk}/").status_code == 404
    assert outsider.get(f"/api/v1/award-occasions/{occasion}/").status_code == 404

    conference = commune.get(f"/api/v1/award-occasions/{occasion}/conference/").json()
    assert conference[0]["form"] == "bang-khen" and conference[0]["counts"] == {"collective": 1}
    assert conference[0]["rows"][0]["nomination"] == pk


def test_person_id_number_never_in_the_api(triangle, point, person, nominate):
    who = person(id_number="001234567890")
    n = nominate(person=who)
    text = api(triangle.officer).get(f"/api/v1/award-nominations/{n.pk}/").content.decode()
    assert "001234567890" not in text and who.id_number not in text
