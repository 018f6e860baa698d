"""Pages of the scheme-type catalogue: list with counts in the user's jurisdiction, type
page with its replication, create and edit forms for provincial officers, labels.

Assertions are on data (names, numbers, codes), status codes, field error keys
(`data-error-for`) and structure, never on translatable text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.models import Label, SchemeComponent, SchemeType


def _areas(commune: AdminUnit) -> list[AdminUnit]:
    return list(
        AdminUnit.objects.filter(
            level="residential_area", versions__parent=commune, valid_to__isnull=True
        )
        .distinct()
        .order_by("code")
    )


@pytest.fixture
def gongs(triangle):
    """Three gong points in the commune: 2023, 2024, and 2024 dissolved in 2025."""
    gong = SchemeType.objects.get(code="keng-an-ninh")
    areas = _areas(triangle.unit)
    points = []
    for area, year in zip(areas[:3], (2023, 2024, 2024), strict=True):
        points.append(
            services.establish_scheme(
                scheme_type=gong,
                name=f"Kẻng {area.code}",
                host_kind="residential_area",
                unit=area,
                established_on=dt.date(year, 3, 1),
            )
        )
    services.record_event(points[2], "dissolved", dt.date(2025, 8, 1), reason="Sáp nhập")
    return points


def _active(page: str, code: str) -> int:
    match = re.search(rf'data-type="{re.escape(code)}".*?data-active="(\d+)"', page, re.S)
    assert match, code
    return int(match.group(1))


def test_the_list_counts_active_points_within_the_jurisdiction(client, triangle, gongs):
    url = reverse("schemes:types")
    for user in (triangle.officer, triangle.parent_officer, triangle.admin):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert _active(page, "keng-an-ninh") == 2
        assert _active(page, "camera-an-ninh") == 0
    client.force_login(triangle.outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert _active(response.content.decode(), "keng-an-ninh") == 0


def test_the_list_filters(client, triangle):
    client.force_login(triangle.officer)
    url = reverse("schemes:types")
    page = client.get(url, {"label": "religion"}).content.decode()
    assert 'data-type="giao-xu-binh-yen"' in page and 'data-type="keng-an-ninh"' not in page
    page = client.get(url, {"host_kind": "clan"}).content.decode()
    assert 'data-type="dong-ho-tu-quan"' in page and 'data-type="keng-an-ninh"' not in page
    page = client.get(url, {"q": "keng an ninh"}).content.decode()  # diacritics optional
    assert re.findall(r'data-type="([^"]+)"', page) == ["keng-an-ninh"]
    page = client.get(url, {"origin": "province"}).content.decode()
    assert "data-type=" not in page
    # the htmx request gets only the rows
    response = client.get(url, {"label": "drugs"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert 'data-type="khong-ma-tuy"' in response.content.decode()


def test_the_list_takes_the_same_queries_whatever_the_number_of_types(client, triangle, gongs):
    client.force_login(triangle.officer)
    url = reverse("schemes:types")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, {"label": "religion"}).content.decode()
    few_shown = len(re.findall(r"data-type=", page))
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"label": "security-order"}).content.decode()
    shown = len(re.findall(r"data-type=", page))
    assert shown == SchemeType.objects.filter(labels__code="security-order").count()
    assert few_shown <= 2 < 10 < shown
    assert len(many) == len(few)


def test_the_type_page_shows_its_replication(client, triangle, gongs):
    client.force_login(triangle.officer)
    response = client.get(reverse("schemes:type", args=["keng-an-ninh"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-since="2023-03-01"' in page
    assert "<svg" in page and "<script" not in page.split("<main")[1]
    years = dict(
        re.findall(r'data-year="(\d+)"><td>\d+</td>((?:<td class="num">\d+</td>){4})', page)
    )
    assert set(years) >= {"2023", "2024", "2025"}
    cells = {y: [int(n) for n in re.findall(r">(\d+)<", row)] for y, row in years.items()}
    # established, dissolved, active at the year's end, communes reached
    assert cells["2023"] == [1, 0, 1, 1]
    assert cells["2024"] == [2, 0, 3, 1]
    assert cells["2025"] == [0, 1, 2, 1]
    assert 'data-total="2"' in page  # where it is active today
    # the outsider sees the type but none of its points
    client.force_login(triangle.outsider)
    page = client.get(reverse("schemes:type", args=["keng-an-ninh"])).content.decode()
    assert 'data-since=""' in page and "<svg" not in page
    assert client.get(reverse("schemes:type", args=["no-such-type"])).status_code == 404


def test_the_where_table_drills_down_to_sub_units(client, triangle, gongs):
    client.force_login(triangle.parent_officer)
    url = reverse("schemes:type", args=["keng-an-ninh"])
    page = client.get(url).content.decode()
    assert f"?unit={triangle.unit.code}" in page  # the province lists its communes
    page = client.get(url, {"unit": triangle.unit.code}).content.decode()
    active = [p.unit.code for p in gongs[:2]]
    assert all(f"?unit={code}" in page for code in active)
    assert f"?unit={gongs[2].unit.code}" not in page  # dissolved


def _type_data(**changes) -> dict:
    data = {
        "code": "bep-lua-binh-yen",
        "name": "Bếp lửa bình yên",
        "name_en": "Peaceful hearth",
        "description": "Mô hình của tỉnh.",
        "labels": [Label.objects.get(code="security-order").pk],
        "host_kinds": ["residential_area", "clan"],
        "origin": "province",
        "origin_unit_code": "99",
        "has_groups": "on",
        "components": "nha | An toàn nhà ở | Safe homes\nnguoi | An toàn con người",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_provincial_officer_creates_and_edits_a_type(client, triangle):
    client.force_login(triangle.parent_officer)
    new = reverse("schemes:type-new")
    assert client.get(new).status_code == 200  # matched before types/<code>/
    response = client.post(new, _type_data())
    assert response.status_code == 302
    assert response.url == reverse("schemes:type", args=["bep-lua-binh-yen"])
    created = SchemeType.objects.get(code="bep-lua-binh-yen")
    assert created.origin_unit == triangle.parent and created.has_groups
    assert created.host_kinds == ["residential_area", "clan"]
    assert [lb.code for lb in created.labels.all()] == ["security-order"]
    assert list(created.components.values_list("code", "name", "name_en", "order")) == [
        ("nha", "An toàn nhà ở", "Safe homes", 1),
        ("nguoi", "An toàn con người", "", 2),
    ]

    edit = reverse("schemes:type-edit", args=["bep-lua-binh-yen"])
    page = client.get(edit).content.decode()
    assert "nha | An toàn nhà ở | Safe homes" in page and 'value="99"' in page
    data = _type_data(
        name="Bếp lửa an toàn",
        labels=[Label.objects.get(code="fire-prevention").pk],
        components="nguoi | An toàn con người\nnha | An toàn nhà ở",
        is_active="on",
    )
    assert client.post(edit, data).status_code == 302
    created.refresh_from_db()
    assert created.name == "Bếp lửa an toàn" and created.is_active
    assert [lb.code for lb in created.labels.all()] == ["fire-prevention"]
    assert list(created.components.values_list("code", flat=True)) == ["nguoi", "nha"]


def test_a_commune_officer_cannot_edit_the_catalogue(client, triangle):
    client.force_login(triangle.officer)
    assert client.get(reverse("schemes:types")).status_code == 200
    assert reverse("schemes:type-new") not in client.get(reverse("schemes:types")).content.decode()
    assert client.get(reverse("schemes:type-new")).status_code == 403
    assert client.post(reverse("schemes:type-new"), _type_data()).status_code == 403
    edit = reverse("schemes:type-edit", args=["keng-an-ninh"])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _type_data(code="keng-an-ninh", name="Đổi tên")).status_code == 403
    assert not SchemeType.objects.filter(code="bep-lua-binh-yen").exists()
    assert SchemeType.objects.get(code="keng-an-ninh").name != "Đổi tên"
    label = {"code": "moi", "name": "Nhãn mới"}
    assert client.post(reverse("schemes:labels"), label).status_code == 403
    assert not Label.objects.filter(code="moi").exists()


def test_refusals_are_shown_next_to_their_fields(client, triangle):
    client.force_login(triangle.parent_officer)
    new = reverse("schemes:type-new")
    cases = [
        (_type_data(origin="ministry"), "origin_unit_code"),  # a Ministry type has no unit
        (_type_data(origin_unit_code="99101"), "origin_unit_code"),  # a commune, not a province
        (_type_data(code="keng-an-ninh"), "code"),  # taken
        (_type_data(components="nha"), "components"),  # no name
        (_type_data(components="nha | A\nnha | B"), "components"),  # twice
        (_type_data(host_kinds=None), "host_kinds"),
    ]
    for data, field in cases:
        response = client.post(new, data)
        assert response.status_code == 400, field
        page = response.content.decode()
        assert f'data-error-for="{field}"' in page, field
        assert 'value="Bếp lửa bình yên"' in page
    assert not SchemeType.objects.filter(name="Bếp lửa bình yên").exists()
    assert not SchemeComponent.objects.filter(code="nha").exists()


def test_labels_count_types_and_points_and_are_edited_by_provincial_officers(
    client, triangle, gongs
):
    url = reverse("schemes:labels")
    client.force_login(triangle.officer)
    page = client.get(url).content.decode()
    match = re.search(r'data-label="security-order".*?data-active="(\d+)"', page, re.S)
    assert match and int(match.group(1)) == 2
    client.force_login(triangle.parent_officer)
    response = client.post(url, {"code": "moi-truong", "name": "Môi trường"})
    assert response.status_code == 302
    label = Label.objects.get(code="moi-truong")
    response = client.post(url, {"label_id": label.pk, "code": "drugs", "name": "Trùng"})
    assert response.status_code == 400
    assert 'data-error-for="code"' in response.content.decode()
    response = client.post(
        url, {"label_id": label.pk, "code": "moi-truong", "name": "Môi trường", "name_en": "Env"}
    )
    assert response.status_code == 302
    label.refresh_from_db()
    assert label.name_en == "Env"
