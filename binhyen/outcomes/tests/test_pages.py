"""Pages of the registers for the permission triangle: lists (filters, export), forms,
deletion, managed persons' pages, figures. Assertions on data, status codes, field error
keys (`data-error-for`) and structure, never on translated text."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.outcomes.models import Mediation, SupervisionPeriod, WeaponSurrender
from binhyen.outcomes.registers import LEDGERS, SLUGS

from .conftest import NEW, OLD, area_of, d, sibling_of


@pytest.fixture
def viewer(triangle):
    user = create_user("t.viewer", "x-password-1")
    grant_role(user, Role.VIEWER, triangle.unit)
    return user


@pytest.fixture
def world(triangle, record):
    own = area_of(triangle.unit)
    sibling = area_of(sibling_of(triangle.unit, triangle.parent))
    return {
        "own_area": own,
        "own": record("mediations", own, NEW, kind="family", notes="của xã"),
        "other": record("mediations", sibling, NEW, kind="land", notes="xã bên"),
    }


def _records(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-record="(\d+)"', response.content.decode())}


def _errors(response) -> set[str]:
    return set(re.findall(r'data-error-for="(\w+)"', response.content.decode()))


def _form(unit, **values) -> dict:
    data = {"date": "01/08/2025", "unit": unit.code, "kind": "land", "result": "successful"}
    data.update(values)
    return data


def test_every_register_page_answers(client, triangle):
    client.force_login(triangle.officer)
    assert client.get(reverse("outcomes:index")).status_code == 200
    for slug in SLUGS:
        url = (
            reverse("outcomes:periods")
            if slug == "managed-persons"
            else reverse("outcomes:list", args=[slug])
        )
        assert client.get(url).status_code == 200, slug
        new = (
            reverse("outcomes:period-new")
            if slug == "managed-persons"
            else reverse("outcomes:new", args=[slug])
        )
        assert client.get(new).status_code == 200, slug
    assert client.get(reverse("outcomes:list", args=["nothing"])).status_code == 404


def test_the_triangle_sees_its_records(client, triangle, world):
    url = reverse("outcomes:list", args=["mediations"])
    own, other = world["own"].pk, world["other"].pk
    expected = {
        triangle.officer: {own},
        triangle.parent_officer: {own, other},
        triangle.outsider: set(),
        triangle.admin: {own, other},
    }
    for user, seen in expected.items():
        client.force_login(user)
        assert _records(client.get(url)) == seen
    client.force_login(triangle.outsider)
    edit = reverse("outcomes:edit", args=["mediations", own])
    assert client.get(edit).status_code == 404
    assert client.post(reverse("outcomes:delete", args=["mediations", own])).status_code == 404


def test_officers_record_and_correct_the_outsider_cannot(client, triangle, world):
    area = world["own_area"]
    new = reverse("outcomes:new", args=["mediations"])
    client.force_login(triangle.officer)
    response = client.post(new, _form(area, notes="hòa giải đất"))
    assert response.status_code == 302
    created = Mediation.objects.get(notes="hòa giải đất")
    assert created.unit == area and created.date == d(2025, 8, 1)
    client.force_login(triangle.parent_officer)
    edit = reverse("outcomes:edit", args=["mediations", created.pk])
    assert client.post(edit, _form(area, result="pending")).status_code == 302
    created.refresh_from_db()
    assert created.result == "pending"
    client.force_login(triangle.outsider)
    response = client.post(new, _form(area, notes="ngoài"))
    assert response.status_code == 400 and _errors(response) == {"unit"}
    assert not Mediation.objects.filter(notes="ngoài").exists()


def test_a_viewer_reads_but_cannot_write(client, triangle, world, viewer):
    client.force_login(viewer)
    assert _records(client.get(reverse("outcomes:list", args=["mediations"]))) == {world["own"].pk}
    assert client.get(reverse("outcomes:new", args=["mediations"])).status_code == 403
    edit = reverse("outcomes:edit", args=["mediations", world["own"].pk])
    assert client.get(edit).status_code == 403
    assert (
        client.post(reverse("outcomes:delete", args=["mediations", world["own"].pk])).status_code
        == 403
    )
    assert Mediation.objects.count() == 2


def test_form_errors_are_keyed_by_field(client, triangle, world):
    client.force_login(triangle.officer)
    url = reverse("outcomes:new", args=["weapons"])
    area = world["own_area"]
    response = client.post(
        url, {"date": "01/08/2025", "unit": area.code, "kind": "hunting_gun", "quantity": "1.5"}
    )
    assert response.status_code == 400 and _errors(response) == {"quantity"}
    response = client.post(url, {"date": "31/02/2025", "unit": "000", "quantity": "1"})
    assert response.status_code == 400 and {"date", "kind"} <= _errors(response)
    assert not WeaponSurrender.objects.exists()


def test_deleting_a_record(client, triangle, world):
    client.force_login(triangle.officer)
    response = client.post(reverse("outcomes:delete", args=["mediations", world["own"].pk]))
    assert response.status_code == 302
    assert not Mediation.objects.filter(pk=world["own"].pk).exists()


def test_filters_unit_under_todays_structure_dates_point_and_choice(
    client, triangle, record, make_point, merger
):
    client.force_login(triangle.admin)
    old = record("mediations", merger.merged_area, d(2024, 5, 1), kind="family")
    point = make_point(area_of(merger.merged_new), established_on=d(2025, 7, 10))
    new = record("mediations", area_of(merger.merged_new), NEW, kind="land", scheme=point)
    url = reverse("outcomes:list", args=["mediations"])
    assert _records(client.get(url, {"unit": merger.merged_new.code})) == {old.pk, new.pk}
    assert _records(client.get(url, {"date_from": "01/01/2025"})) == {new.pk}
    assert _records(client.get(url, {"date_to": "31/12/2024"})) == {old.pk}
    assert _records(client.get(url, {"scheme": point.pk})) == {new.pk}
    assert _records(client.get(url, {"kind": "family"})) == {old.pk}
    assert _records(client.get(url, {"unit": "no-such"})) == set()
    # an invalid filter shows its error and nothing, never everything
    assert _records(client.get(url, {"date_from": "31/31/2024"})) == set()


def test_the_export_has_the_filtered_records_in_the_import_layout(client, triangle, world):
    client.force_login(triangle.parent_officer)
    url = reverse("outcomes:list", args=["mediations"])
    response = client.get(url, {"export": "xlsx", "kind": "family"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["mediations"].values)
    assert rows[0] == ("ref", "date", "unit_code", "kind", "result", "scheme_ref", "notes")
    assert [r[0] for r in rows[1:]] == [f"#{world['own'].pk}"]
    assert rows[1][3:5] == ("family", "successful")


# ---- managed persons -------------------------------------------------------------------


def _intake_form(unit, **values) -> dict:
    data = {
        "full_name": "Hà Văn Tùng",
        "birth_year": "1988",
        "kind": "post_rehabilitation",
        "intake_on": "01/08/2025",
        "unit": unit.code,
    }
    data.update(values)
    return data


def test_an_intake_leads_to_the_persons_page_with_its_timeline(client, triangle, world):
    client.force_login(triangle.officer)
    response = client.post(reverse("outcomes:period-new"), _intake_form(world["own_area"]))
    assert response.status_code == 302
    period = SupervisionPeriod.objects.get()
    assert response.url == reverse("outcomes:person", args=[period.person.code])
    page = client.get(response.url).content.decode()
    assert f'data-period="{period.pk}"' in page and 'class="timeline"' in page
    # a second intake of the same person from their page
    again = reverse("outcomes:person-intake", args=[period.person.code])
    response = client.post(again, _intake_form(world["own_area"], kind="community_education"))
    assert response.status_code == 302
    assert SupervisionPeriod.objects.filter(person=period.person).count() == 2


def test_intake_errors_and_the_outsider(client, triangle, world, intake):
    client.force_login(triangle.officer)
    response = client.post(
        reverse("outcomes:period-new"),
        _intake_form(world["own_area"], full_name="", birth_year="1700"),
    )
    assert response.status_code == 400 and _errors(response) == {"full_name", "birth_year"}
    period = intake(world["own_area"], NEW)
    client.force_login(triangle.outsider)
    assert client.get(reverse("outcomes:person", args=[period.person.code])).status_code == 404
    assert client.get(reverse("outcomes:period-edit", args=[period.pk])).status_code == 404
    response = client.get(reverse("outcomes:periods"))
    assert f'data-period="{period.pk}"' not in response.content.decode()


def test_recording_an_exit(client, triangle, world, intake, viewer):
    period = intake(world["own_area"], NEW)
    url = reverse("outcomes:period-edit", args=[period.pk])
    data = {
        "kind": "post_rehabilitation",
        "intake_on": "01/08/2025",
        "unit": world["own_area"].code,
        "exit_on": "01/09/2025",
        "exit_reason": "completed",
        "exemplary": "on",
    }
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403
    client.force_login(triangle.parent_officer)
    response = client.post(url, {**data, "exit_reason": ""})
    assert response.status_code == 400 and _errors(response) == {"exit_reason"}
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    assert (period.exit_on, period.exemplary) == (d(2025, 9, 1), True)


def test_the_managed_list_filters_current_and_exemplary(client, triangle, world, intake):
    area = world["own_area"]
    gone = intake(area, d(2025, 7, 5), exit_on=d(2025, 7, 30), exit_reason="moved", exemplary=True)
    here = intake(area, NEW, name="Lò Văn Khiêm")
    client.force_login(triangle.officer)
    url = reverse("outcomes:periods")

    def periods(**query):
        page = client.get(url, query).content.decode()
        return {int(pk) for pk in re.findall(r'data-period="(\d+)"', page)}

    assert periods() == {gone.pk, here.pk}
    assert periods(current="true") == {here.pk}
    assert periods(exemplary="true") == {gone.pk}
    assert periods(intake_from="01/08/2025") == {here.pk}


def test_the_figures_page(client, triangle, world, intake):
    client.force_login(triangle.parent_officer)
    url = reverse("outcomes:figures")
    response = client.get(url, {"start": "01/01/2025", "register": "mediations", "by": "kind"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-register="mediations"><td>' in page
    assert re.search(r'data-register="mediations">.*?data-total="2"', page, re.S)
    response = client.get(url, {"register": "pledges", "by": "sex"})
    assert response.status_code == 400 and _errors(response) == {"by"}
    response = client.get(
        url, {"unit": triangle.unit.code, "structure_on": OLD.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200
    client.force_login(triangle.outsider)
    page = client.get(url, {"start": "01/01/2025"}).content.decode()
    assert re.search(r'data-register="mediations">.*?data-total="0"', page, re.S)


def test_list_pages_do_a_bounded_number_of_queries(
    client, triangle, record, django_assert_max_num_queries
):
    area = area_of(triangle.unit)
    for _ in range(15):
        record("weapons", area, NEW)
    client.force_login(triangle.officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("outcomes:list", args=["weapons"])).status_code == 200
    assert LEDGERS["weapons"].model.objects.count() == 15


def test_the_intakes_list_does_a_bounded_number_of_queries(
    client, triangle, intake, django_assert_max_num_queries
):
    area = area_of(triangle.unit)
    for n in range(12):
        intake(area, NEW, year=1970 + n)
    client.force_login(triangle.officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("outcomes:periods"))
    assert response.status_code == 200 and 'data-count="12"' in response.content.decode()
