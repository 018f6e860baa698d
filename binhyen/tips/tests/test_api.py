"""The officers' tips and cases API under /api/v1/: the permission triangle, writes through
the services (400 keyed by field, 403, 404, 409), the informant in no answer but the
reveal, figures equal to the queries', bounded queries on the list."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.core.models import AuditEntry
from binhyen.schemes.queries import Scope
from binhyen.tips import queries, services
from binhyen.tips.models import Case, Tip

from .tipdata import INFORMANT_CONTACT, INFORMANT_NAME, area_of, make_tip, sibling_of

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(triangle):
    """A tip in the triangle's commune (with an informant) and one in a sibling commune
    of the same province; an officer of the sibling commune; a viewer of the province."""
    sibling = sibling_of(triangle)
    sibling_officer = create_user("t.sibling", "x-pass-12345")
    grant_role(sibling_officer, Role.COMMUNE_OFFICER, sibling)
    viewer = create_user("t.viewer", "x-pass-12345")
    grant_role(viewer, Role.VIEWER, triangle.parent)
    return SimpleNamespace(
        t=triangle,
        sibling=sibling,
        sibling_officer=sibling_officer,
        viewer=viewer,
        own=make_tip(area_of(triangle.unit), informant=True, description="Tin của xã"),
        other=make_tip(area_of(sibling), description="Tin xã bên", category="theft"),
    )


def _codes(client, user, url=None) -> set[str]:
    client.force_login(user)
    response = client.get(url or reverse("api-tip-list"))
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def _post(client, name: str, pk: int, data: dict):
    return client.post(reverse(name, args=[pk]), json.dumps(data), JSON)


def _no_informant(response) -> None:
    text = json.dumps(response.json(), ensure_ascii=False)
    for needle in (INFORMANT_NAME, INFORMANT_CONTACT):
        assert needle not in text
    assert "informant" not in text


# ---- the permission triangle -------------------------------------------------------------------


def test_lists_and_details_follow_the_jurisdiction(client, world):
    t = world.t
    own, other = world.own.code, world.other.code
    assert _codes(client, t.officer) == {own}
    assert _codes(client, t.parent_officer) == {own, other}
    assert _codes(client, world.viewer) == {own, other}
    assert _codes(client, t.outsider) == set()
    assert _codes(client, t.admin) >= {own, other}
    for user, pk, status in (
        (t.officer, world.own.pk, 200),
        (t.officer, world.other.pk, 404),
        (t.parent_officer, world.other.pk, 200),
        (t.outsider, world.own.pk, 404),
    ):
        client.force_login(user)
        assert client.get(reverse("api-tip-detail", args=[pk])).status_code == status


def test_the_list_filters(client, world):
    t = world.t
    url = reverse("api-tip-list")
    assert _codes(client, t.parent_officer, url + "?category=theft") == {world.other.code}
    assert _codes(client, t.parent_officer, url + f"?unit={world.sibling.code}") == {
        world.other.code
    }
    assert _codes(client, t.parent_officer, url + "?status=closed") == set()


def test_writes_need_an_officer_of_the_handling_unit(client, world):
    t = world.t
    data = {"status": "verifying", "reason": "xác minh"}
    client.force_login(t.outsider)
    assert _post(client, "api-tip-status", world.own.pk, data).status_code == 404
    client.force_login(world.viewer)
    assert _post(client, "api-tip-status", world.own.pk, data).status_code == 403
    client.force_login(world.sibling_officer)
    assert _post(client, "api-tip-status", world.own.pk, data).status_code == 404
    client.force_login(t.officer)
    response = _post(client, "api-tip-status", world.own.pk, data)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("verifying", 2)
    assert response.json()["events"][-1]["reason"] == "xác minh"
    client.force_login(t.parent_officer)
    response = _post(client, "api-tip-status", world.own.pk, {**data, "status": "actionable"})
    assert response.status_code == 200 and response.json()["assessment"] == "actionable"


def test_refusals_are_keyed_by_field(client, world):
    client.force_login(world.t.officer)
    response = _post(client, "api-tip-status", world.own.pk, {"status": "closed", "reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    response = _post(
        client, "api-tip-status", world.own.pk, {"status": "actionable", "reason": "x"}
    )
    assert response.status_code == 400 and set(response.json()) == {"status"}
    response = _post(
        client, "api-tip-status", world.own.pk, {"status": "verifying", "reason": "x", "version": 9}
    )
    assert response.status_code == 409
    assert Tip.objects.get(pk=world.own.pk).status == "received"


def test_referral_and_acknowledgement(client, world):
    t = world.t
    client.force_login(t.officer)
    response = _post(
        client, "api-tip-refer", world.own.pk, {"to_unit": world.sibling.code, "reason": "xã bên"}
    )
    assert response.status_code == 200
    assert response.json()["referred_to"]["code"] == world.sibling.code
    assert _post(client, "api-tip-acknowledge", world.own.pk, {}).status_code == 403
    client.force_login(world.sibling_officer)
    assert world.own.code in _codes(client, world.sibling_officer)
    client.force_login(world.sibling_officer)
    response = _post(client, "api-tip-acknowledge", world.own.pk, {"note": "đã nhận"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["handling_unit"]["code"]) == ("verifying", world.sibling.code)
    assert body["referred_to"] is None


def test_create_a_tip_with_an_informant_who_never_comes_back(client, world):
    t = world.t
    area = area_of(t.unit)
    data = {
        "received_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "channel": "hotline",
        "category": "gambling",
        "unit": area.code,
        "description": "Sới bạc sau nhà văn hóa.",
        "informant_name": INFORMANT_NAME,
        "informant_contact": INFORMANT_CONTACT,
    }
    client.force_login(t.outsider)
    assert client.post(reverse("api-tip-list"), json.dumps(data), JSON).status_code == 403
    client.force_login(t.officer)
    response = client.post(reverse("api-tip-list"), json.dumps(data), JSON)
    assert response.status_code == 201, response.content
    _no_informant(response)
    body = response.json()
    assert body["is_anonymous"] is False and body["handling_unit"]["code"] == t.unit.code
    tip = Tip.objects.get(pk=body["id"])
    assert tip.informant.full_name != INFORMANT_NAME
    response = client.post(reverse("api-tip-list"), json.dumps({**data, "unit": "nope"}), JSON)
    assert response.status_code == 400 and set(response.json()) == {"unit"}


def test_the_informant_is_in_no_answer_but_the_reveal(client, world):
    t = world.t
    pk = world.own.pk
    for user in (t.officer, t.parent_officer, t.admin):
        client.force_login(user)
        _no_informant(client.get(reverse("api-tip-list")))
        _no_informant(client.get(reverse("api-tip-detail", args=[pk])))
    client.force_login(t.officer)
    response = _post(client, "api-tip-reveal", pk, {"reason": "cần gọi lại"})
    assert response.status_code == 403  # not assigned
    assert client.get(reverse("api-tip-detail", args=[pk])).json()["can_reveal"] is False
    response = _post(client, "api-tip-officers", pk, {"officer": t.officer.username})
    assert response.status_code == 403  # only the unit's chief assigns
    chief = create_user("t.api-chief", "x")
    grant_role(chief, Role.UNIT_CHIEF, t.unit)
    client.force_login(chief)
    response = _post(client, "api-tip-officers", pk, {"officer": t.officer.username})
    assert response.status_code == 200 and response.json()["officers"] == [t.officer.username]
    _no_informant(response)
    client.force_login(t.outsider)
    assert _post(client, "api-tip-reveal", pk, {"reason": "tò mò"}).status_code == 404
    client.force_login(t.officer)
    assert client.get(reverse("api-tip-detail", args=[pk])).json()["can_reveal"] is True
    response = _post(client, "api-tip-reveal", pk, {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    assert not AuditEntry.objects.filter(action="access").exists()
    response = _post(client, "api-tip-reveal", pk, {"reason": "cần gọi lại"})
    assert response.status_code == 200
    assert response.json() == {
        "tip": pk,
        "full_name": INFORMANT_NAME,
        "contact": INFORMANT_CONTACT,
        "id_number": "",
        "address": "",
    }
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="access")
    assert (entry.actor, entry.summary) == (t.officer, "cần gọi lại")
    events = client.get(reverse("api-tip-detail", args=[pk])).json()["events"]
    assert events[-1]["kind"] == "revealed" and events[-1]["by"] == t.officer.username


def test_duplicates_and_replies(client, world):
    t = world.t
    again = make_tip(area_of(t.unit), days_ago=1)
    client.force_login(t.officer)
    response = _post(
        client, "api-tip-duplicate", again.pk, {"original": world.other.pk, "reason": "x"}
    )
    assert response.status_code == 400 and "original" in response.json()  # not visible
    response = _post(
        client, "api-tip-duplicate", again.pk, {"original": world.own.pk, "reason": "x"}
    )
    assert response.status_code == 200 and response.json()["duplicate_of"] == world.own.pk
    response = _post(client, "api-tip-replies", world.own.pk, {"body": "Cảm ơn"})
    assert response.status_code == 400 and set(response.json()) == {"body"}
    public = services.submit_public_tip(
        category="theft", unit=area_of(t.unit), description="Mất trộm."
    )
    response = _post(client, "api-tip-replies", public.tip.pk, {"body": "Đã tiếp nhận."})
    assert response.status_code == 201
    assert (response.json()["author"], response.json()["officer"]) == ("officer", "t.officer")
    detail = client.get(reverse("api-tip-detail", args=[public.tip.pk])).json()
    assert [m["body"] for m in detail["messages"]] == ["Đã tiếp nhận."]


def test_the_list_reads_a_bounded_number_of_queries(client, world):
    client.force_login(world.t.parent_officer)
    url = reverse("api-tip-list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        make_tip(area_of(world.sibling), days_ago=n + 1)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["results"]) == 8
    assert len(many) == len(few)


# ---- cases -----------------------------------------------------------------------------------


def _case_data(world, **changes) -> dict:
    return {
        "number": "12/2025",
        "category": "drugs",
        "unit": world.t.unit.code,
        "opened_on": timezone.localdate().isoformat(),
        "tips": [world.own.pk],
        **changes,
    }


def test_cases_through_the_api(client, world):
    t = world.t
    url = reverse("api-case-list")
    client.force_login(t.officer)
    response = client.post(url, json.dumps(_case_data(world, tips=[world.other.pk])), JSON)
    assert response.status_code == 400 and "tips" in response.json()
    response = client.post(url, json.dumps(_case_data(world, unit=world.sibling.code)), JSON)
    assert response.status_code == 403
    response = client.post(url, json.dumps(_case_data(world)), JSON)
    assert response.status_code == 201, response.content
    case = response.json()
    assert [x["code"] for x in case["tips"]] == [world.own.code]
    detail = reverse("api-case-detail", args=[case["id"]])

    response = client.patch(detail, json.dumps({"solved": True}), JSON)
    assert response.status_code == 400 and "version" in response.json()
    today = timezone.localdate().isoformat()
    response = client.patch(detail, json.dumps({"solved": True, "version": 1}), JSON)
    assert response.status_code == 400 and "closed_on" in response.json()
    response = client.patch(
        detail, json.dumps({"solved": True, "closed_on": today, "version": 1}), JSON
    )
    assert response.status_code == 200 and response.json()["solved"] is True
    response = client.patch(detail, json.dumps({"summary": "x", "version": 1}), JSON)
    assert response.status_code == 409

    response = _post(
        client, "api-case-suspects", case["id"], {"full_name": "Lê Văn A", "arrested_on": today}
    )
    assert response.status_code == 201
    response = _post(
        client,
        "api-case-seized-items",
        case["id"],
        {"description": "Heroin", "quantity": "2.500", "measure": "g"},
    )
    assert response.status_code == 201
    body = client.get(detail).json()
    assert [s["full_name"] for s in body["suspects"]] == ["Lê Văn A"]
    assert body["seized_items"][0]["quantity"] == "2.500"

    client.force_login(t.outsider)
    assert client.get(detail).status_code == 404
    assert client.get(url).json()["results"] == []
    assert _post(client, "api-case-suspects", case["id"], {"full_name": "B"}).status_code == 404
    client.force_login(world.viewer)
    assert client.get(detail).status_code == 200
    assert _post(client, "api-case-suspects", case["id"], {"full_name": "B"}).status_code == 403


def test_a_case_shows_only_the_tips_its_reader_may_see(client, world):
    t = world.t
    case = services.save_case(
        None,
        number="3/2025",
        category="drugs",
        unit=t.parent,
        opened_on=timezone.localdate(),
        tips=[world.own, world.other],
    )
    client.force_login(t.parent_officer)
    body = client.get(reverse("api-case-detail", args=[case.pk])).json()
    assert {x["code"] for x in body["tips"]} == {world.own.code, world.other.code}
    assert Case.objects.count() == 1


# ---- figures ---------------------------------------------------------------------------------


def test_figures_equal_the_queries(client, world):
    t = world.t
    services.set_status(world.own, "verifying", "x")
    services.set_status(world.own, "actionable", "x")
    today = timezone.localdate()
    case = services.save_case(
        None, number="1", category="drugs", unit=t.unit, opened_on=today, tips=[world.own]
    )
    services.add_suspect(case, full_name="A", arrested_on=today)
    services.save_case(case, closed_on=today, solved=True)
    start = today - dt.timedelta(days=30)
    url = reverse("api-tip-figures")
    for user in (t.officer, t.parent_officer, t.outsider):
        client.force_login(user)
        for by in ("channel", "category", "unit", ""):
            query = f"?unit={t.parent.code}&from={start}&to={today}&by={by}"
            response = client.get(url + query)
            assert response.status_code == 200, response.content
            body = response.json()
            scope = Scope(t.parent, today, user=user)
            received = queries.tips_received(scope, start, today, by or None)
            actionable = queries.tips_received(scope, start, today, by or None, actionable=True)
            figures = queries.case_figures(scope, start, today)
            assert body["tips_received"]["total"] == received.total
            assert body["actionable_tips"]["total"] == actionable.total
            assert sorted(r["count"] for r in body["tips_received"]["rows"]) == sorted(
                r.count for r in received.rows
            )
            assert body["cases_solved"] == figures.cases_solved
            assert body["suspects_arrested"] == figures.suspects_arrested
            assert body["tips_leading_to_solved_cases"] == figures.tips_leading_to_solved_cases
    client.force_login(t.parent_officer)
    body = client.get(url + f"?unit={t.parent.code}&from={start}&to={today}&by=unit").json()
    assert (body["tips_received"]["total"], body["actionable_tips"]["total"]) == (2, 1)
    assert {r["key"] for r in body["tips_received"]["rows"]} == {t.unit.code, world.sibling.code}
    assert (body["cases_solved"], body["suspects_arrested"]) == (1, 1)
    client.force_login(t.outsider)
    body = client.get(url + f"?unit={t.parent.code}&from={start}&to={today}").json()
    assert body["tips_received"]["total"] == 0 and body["cases_solved"] == 0
    response = client.get(url + f"?from={today}&to={start}")
    assert response.status_code == 400 and "to" in response.json()
    assert client.get(url + f"?from={start}").status_code == 400
