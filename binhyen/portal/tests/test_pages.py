"""Every page, for the three users of the permission triangle, in both languages."""

import pytest
from django.urls import reverse

from binhyen.conftest import current

PAGES = [
    ("portal:home", {}),
    ("geo:tree", {}),
    ("geo:search", {}),
    ("schemes:list", {}),
    ("schemes:figures", {}),
    ("schemes:map", {}),
    ("schemes:types", {}),
    ("schemes:type", {"code": "4-an-toan"}),
    ("schemes:labels", {}),
    ("schemes:organizations", {}),
    ("schemes:groups", {}),
    ("schemes:households", {}),
    ("schemes:bodies", {}),
    ("schemes:teams", {}),
    ("schemes:import", {}),
    ("outcomes:index", {}),
    ("outcomes:list", {"slug": "weapons"}),
    ("outcomes:periods", {}),
    ("outcomes:figures", {}),
    ("outcomes:import", {}),
    ("tips:list", {}),
    ("tips:queue", {}),
    ("tips:cases", {}),
]


@pytest.mark.parametrize("who", ["officer", "parent_officer", "outsider", "admin"])
def test_pages_answer_for_every_user(client, triangle, who):
    client.force_login(getattr(triangle, who))
    for name, kwargs in PAGES:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    unit_page = reverse("geo:unit", args=[triangle.unit.code]) + "?level=commune"
    assert client.get(unit_page).status_code == 200


def test_anonymous_users_are_sent_to_login(client, db):
    for name, kwargs in PAGES:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_interface_is_vietnamese_by_default_and_switches_to_english(client, triangle):
    client.force_login(triangle.parent_officer)
    # an English browser still gets Vietnamese until the user switches
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "Đơn vị hành chính" in page and "Đăng xuất" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("portal:home")).content.decode()
    assert "Administrative units" in page and "Sign out" in page


def test_tree_on_a_date_and_lazy_children(client, triangle, django_assert_max_num_queries):
    client.force_login(triangle.officer)
    before = client.get(reverse("geo:tree") + "?on=30/06/2025").content.decode()
    after = client.get(reverse("geo:tree") + "?on=01/07/2025").content.decode()
    assert "Tỉnh Ngọc Sơn (mô phỏng)" in before and "Tỉnh Ngọc Sơn (mô phỏng)" not in after
    province = current("province", "99")
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("geo:children", args=[province.pk]) + "?on=01/07/2025", HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert triangle.unit.name in response.content.decode()


def test_unit_page_shows_history_and_rolls_up(client, triangle):
    client.force_login(triangle.parent_officer)
    page = client.get(reverse("geo:unit", args=["98"]) + "?on=01/01/2024").content.decode()
    assert "Tỉnh Ngọc Sơn (mô phỏng)" in page
    assert "Tỉnh An Lạc (mô phỏng)" in page  # its successor, where its records roll up today
    missing = client.get(reverse("geo:unit", args=["98"]) + "?on=01/07/2025")
    assert missing.status_code == 404
    assert "Tỉnh An Lạc (mô phỏng)" in missing.content.decode()


def test_search_ignores_diacritics(client, triangle):
    client.force_login(triangle.outsider)
    page = client.get(reverse("geo:search"), {"q": "an lac mo phong"}).content.decode()
    assert "Tỉnh An Lạc (mô phỏng)" in page


def test_numbers_and_dates_are_vietnamese(client, triangle):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("vi"):
        out = Template(
            "{% load humanize %}{{ n|intcomma }} {{ d|date:'SHORT_DATE_FORMAT' }}"
        ).render(Context({"n": 10762, "d": triangle.unit.valid_from}))
    assert out == "10.762 01/07/2025"


def test_demo_is_idempotent(triangle):
    from binhyen.geo.models import AdminUnit, Transition
    from binhyen.portal.demo import load_demo

    before = (AdminUnit.objects.count(), Transition.objects.count())
    load_demo()
    assert (AdminUnit.objects.count(), Transition.objects.count()) == before
