import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from binhyen import urls as project_urls
from binhyen.accounts.choices import Role
from binhyen.accounts.jurisdiction import can_access_unit, restrict
from binhyen.accounts.services import create_user, grant_role
from binhyen.conftest import current
from binhyen.geo.models import AdminUnit


def test_a_role_covers_descendants_and_merged_units(triangle):
    old_province_98 = AdminUnit.objects.get(level="province", code="98")
    old_99 = AdminUnit.objects.get(level="province", code="99", valid_to__isnull=False)
    old_commune_of_98 = AdminUnit.objects.filter(level="commune", code__startswith="98").first()
    for unit in (old_province_98, old_99, old_commune_of_98, triangle.unit):
        assert can_access_unit(triangle.parent_officer, unit), unit
        assert not can_access_unit(triangle.outsider, unit), unit
    assert can_access_unit(triangle.admin, old_province_98)


def test_a_commune_officer_sees_the_commune_its_villages_and_its_predecessors(triangle):
    visible = set(restrict(AdminUnit.objects.all(), triangle.officer, "pk"))
    assert triangle.unit in visible
    assert triangle.parent not in visible
    villages = AdminUnit.objects.filter(level="residential_area", child_versions__isnull=True)
    mine = [v for v in visible if v.level == "residential_area"]
    assert mine and all(v in visible for v in mine)
    predecessors = [
        t.predecessor for t in triangle.unit.transitions_in.exclude(predecessor=triangle.unit)
    ]
    assert predecessors and all(p in visible for p in predecessors)
    assert villages.exists()


def test_a_user_without_roles_sees_nothing(db, demo):
    nobody = create_user("nobody", "x-very-long-password")
    assert restrict(AdminUnit.objects.all(), nobody, "pk").count() == 0


def _undeclared(request):
    return HttpResponse("secret")


urlpatterns = [
    path("undeclared/", _undeclared),
    path("api/undeclared/", _undeclared),
    *project_urls.urlpatterns,
]


@override_settings(ROOT_URLCONF=__name__)
def test_an_undeclared_view_is_refused_to_restricted_users(client, triangle):
    client.force_login(triangle.parent_officer)
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"secret" not in response.content
    client.force_login(triangle.admin)
    assert client.get("/undeclared/").content == b"secret"
    client.logout()
    assert client.get("/undeclared/").status_code == 302  # to the login page


@override_settings(ROOT_URLCONF=__name__)
def test_an_undeclared_api_view_answers_403_json(client, triangle):
    client.force_login(triangle.officer)
    response = client.get("/api/undeclared/")
    assert response.status_code == 403
    assert "địa bàn quản lý" in response.json()["detail"]  # the user's language


def test_the_system_admin_role_has_no_unit(db):
    user = create_user("root2", "x-very-long-password")
    assignment = grant_role(user, Role.SYSTEM_ADMIN, None)
    assert assignment.unit is None
    with pytest.raises(ValueError):
        grant_role(user, Role.VIEWER, None)


def test_roles_on_a_unit_of_today_cover_history_after_a_merger(triangle):
    """The officer of the new province sees the old province's records on any date."""
    commune_98 = AdminUnit.objects.filter(level="commune", code__startswith="98").first()
    assert commune_98.valid_to == dt.date(2025, 6, 30)
    assert current("province", "99").valid_from == dt.date(2025, 7, 1)
    assert can_access_unit(triangle.parent_officer, commune_98)
