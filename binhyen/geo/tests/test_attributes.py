from django.urls import reverse

from binhyen.core.models import AuditEntry
from binhyen.geo.models import NewRuralRecord


def _post(client, unit, **data):
    return client.post(reverse("geo:edit-attributes", args=[unit.pk]), data)


def test_officers_of_the_unit_and_above_edit_attributes_the_outsider_cannot(client, triangle):
    unit = triangle.unit
    client.force_login(triangle.officer)
    response = _post(client, unit, border_area="on", year="2024", new_rural_status="advanced")
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.border_area and not unit.island
    assert NewRuralRecord.objects.get(unit=unit, year=2024).status == "advanced"
    assert AuditEntry.objects.filter(
        model="geo.adminunit", object_id=str(unit.pk), actor=triangle.officer
    ).exists()

    client.force_login(triangle.parent_officer)
    assert _post(client, unit, island="on").status_code == 302
    unit.refresh_from_db()
    assert unit.island and not unit.border_area

    client.force_login(triangle.outsider)
    assert _post(client, unit, religious_area="on").status_code == 403
    unit.refresh_from_db()
    assert not unit.religious_area


def test_the_form_shows_only_to_editors(client, triangle):
    url = reverse("geo:unit", args=[triangle.unit.code]) + "?level=commune"
    client.force_login(triangle.parent_officer)
    assert (
        reverse("geo:edit-attributes", args=[triangle.unit.pk]) in client.get(url).content.decode()
    )
    client.force_login(triangle.outsider)
    assert (
        reverse("geo:edit-attributes", args=[triangle.unit.pk])
        not in client.get(url).content.decode()
    )


def test_a_status_without_year_is_refused_and_keeps_the_input(client, triangle):
    client.force_login(triangle.officer)
    response = _post(client, triangle.unit, border_area="on", new_rural_status="model")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="model" selected' in page and "checked" in page
    triangle.unit.refresh_from_db()
    assert not triangle.unit.border_area
