"""The pages: a province runs an award round for its review conference in the browser
(the Django test client): the occasion, proposals of collectives and individuals by a
commune officer, review and decision by the province, the conference list, its XLSX and
DOCX. Assertions on data, status codes and error keys, never on translated text."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from binhyen.awards.models import Nomination, Occasion, Person
from binhyen.core import crypto
from binhyen.tips.services.cases import save_case

from .conftest import URLS, area_of, authority, d, form

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]


def _errors(response) -> set[str]:
    return set(re.findall(r'data-error-for="([a-z_]+)"', response.content.decode()))


def _ids(response, attr: str) -> set[int]:
    return {int(x) for x in re.findall(rf'data-{attr}="(\d+)"', response.content.decode())}


def test_a_province_runs_an_award_round(client, triangle, point):
    area = area_of(triangle.unit)
    p1, p2 = point(name="Tổ liên gia số 1"), point(name="Tổ liên gia số 2")
    case = save_case(
        None,
        number="7/VA",
        category="drugs",
        unit=triangle.unit,
        opened_on=d(2025, 3, 1),
        closed_on=d(2025, 6, 1),
        solved=True,
    )

    # the province creates the occasion
    client.force_login(triangle.parent_officer)
    response = client.post(
        reverse("awards:occasion-new"),
        {
            "name": "Hội nghị tổng kết 2025",
            "kind": "review_conference",
            "held_on": "20/12/2025",
            "unit": triangle.parent.code,
            "period_start": "01/12/2024",
            "period_end": "30/11/2025",
        },
    )
    assert response.status_code == 302, _errors(response)
    occasion = Occasion.objects.get()
    assert occasion.unit == triangle.parent

    # a commune officer finds it and proposes a point (with a case) and a person
    client.force_login(triangle.officer)
    assert occasion.pk in _ids(client.get(reverse("awards:index")), "occasion")
    propose = reverse("awards:propose", args=[occasion.pk])
    found = client.get(
        propose, {"recipient_kind": "collective", "collective_kind": "scheme", "q": "số 1"}
    )
    assert f"scheme:{p1.pk}" in found.content.decode()
    assert f"scheme:{p2.pk}" not in found.content.decode()
    partial = client.get(
        propose,
        {"recipient_kind": "collective", "collective_kind": "scheme", "q": ""},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in partial.content.decode() and f"scheme:{p2.pk}" in partial.content.decode()
    page = client.get(propose, {"pick": f"scheme:{p1.pk}"})
    assert page.status_code == 200
    assert f'value="{case.pk}"' in page.content.decode()  # the unit's cases are offered
    values = {
        "pick": f"scheme:{p1.pk}",
        "form": form("bang-khen").pk,
        "authority": authority("chu-tich-ubnd-tinh").pk,
        "period_start": "01/12/2024",
        "period_end": "30/11/2025",
        "schemes": [str(p1.pk)],
        "cases": [str(case.pk)],
        "descriptions": "Không để xảy ra tội phạm\n",
    }
    wrong = client.post(propose, {**values, "authority": authority("giam-doc-cat").pk})
    assert wrong.status_code == 400 and "authority" in _errors(wrong)
    assert "Không để xảy ra tội phạm" in wrong.content.decode()  # kept as typed
    assert client.post(propose, values).status_code == 302
    n1 = Nomination.objects.get(scheme=p1)
    assert {a.record for a in n1.achievements.all()} == {p1, case, None}
    # the same case cannot justify the second point's certificate of merit
    again = client.post(propose, {**values, "pick": f"scheme:{p2.pk}", "schemes": [str(p2.pk)]})
    assert again.status_code == 400 and "descriptions" in _errors(again)
    assert (
        client.post(
            propose, {**values, "pick": f"scheme:{p2.pk}", "schemes": [str(p2.pk)], "cases": []}
        ).status_code
        == 302
    )

    # a person: recorded, then found by ID number and proposed
    response = client.post(
        reverse("awards:person-new"),
        {
            "full_name": "Nguyễn Văn Bình",
            "birth_year": "1970",
            "id_number": "001070000123",
            "unit": area.code,
            "service_since": "2005",
        },
    )
    assert response.status_code == 302, _errors(response)
    person = Person.objects.get()
    assert crypto.decrypt(person.id_number) == "001070000123"
    dup = client.post(
        reverse("awards:person-new"),
        {"full_name": "Người khác", "id_number": "001070000123", "unit": area.code},
    )
    assert dup.status_code == 400 and f'data-duplicate="{person.pk}"' in dup.content.decode()
    found = client.get(propose, {"recipient_kind": "individual", "q": "001070000123"})
    assert f"person:{person.pk}" in found.content.decode()
    medal = {
        "pick": f"person:{person.pk}",
        "form": form("kniem-chuong-bvantq").pk,
        "authority": authority("bo-truong-bca").pk,
        "period_start": "01/12/2024",
        "period_end": "30/11/2025",
        "descriptions": "Hai mươi năm tham gia phong trào",
    }
    assert client.post(propose, medal).status_code == 302
    n3 = Nomination.objects.get(person=person)

    # the commune officer may not review; the province reviews and decides
    review = reverse("awards:nomination-review", args=[n1.pk])
    assert client.post(review, {"approve": "1"}).status_code == 403
    client.force_login(triangle.parent_officer)
    listing = client.get(reverse("awards:occasion", args=[occasion.pk]))
    assert _ids(listing, "nomination") == {n1.pk, n3.pk, Nomination.objects.get(scheme=p2).pk}
    filtered = client.get(
        reverse("awards:occasion", args=[occasion.pk]), {"recipient_kind": "individual"}
    )
    assert _ids(filtered, "nomination") == {n3.pk}
    searched = client.get(reverse("awards:occasion", args=[occasion.pk]), {"q": "số 2"})
    assert _ids(searched, "nomination") == {Nomination.objects.get(scheme=p2).pk}
    detail = client.get(reverse("awards:nomination", args=[n1.pk]))
    assert 'id="review"' in detail.content.decode()
    for n in Nomination.objects.all():
        assert (
            client.post(
                reverse("awards:nomination-review", args=[n.pk]), {"approve": "1"}
            ).status_code
            == 302
        )
    decide = reverse("awards:nomination-decide", args=[n1.pk])
    missing = client.post(
        decide, {"awarded": "1", "decision_number": "", "decision_date": "", "signer": ""}
    )
    assert missing.status_code == 400 and "decision_number" in _errors(missing)
    decision = {
        "awarded": "1",
        "decision_number": "2415/QĐ-UBND",
        "decision_date": "15/12/2025",
        "signer": "Chủ tịch UBND tỉnh",
    }
    assert client.post(decide, decision).status_code == 302
    p2_nomination = Nomination.objects.get(scheme=p2)
    rejected = client.post(
        reverse("awards:nomination-decide", args=[p2_nomination.pk]), {"awarded": "0"}
    )
    assert rejected.status_code == 400 and "reason" in _errors(rejected)
    assert (
        client.post(
            reverse("awards:nomination-decide", args=[p2_nomination.pk]),
            {"awarded": "0", "reason": "Chưa tiêu biểu"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("awards:nomination-decide", args=[n3.pk]),
            {**decision, "decision_number": "9/QĐ-BCA"},
        ).status_code
        == 302
    )

    # the conference list
    conference = reverse("awards:conference", args=[occasion.pk])
    page = client.get(conference)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-form="bang-khen" data-authority="chu-tich-ubnd-tinh"' in html
    assert 'data-form="kniem-chuong-bvantq"' in html and "Tổ liên gia số 2" not in html
    xlsx = client.get(conference, {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    assert {r[4] for r in rows[2:]} == {"Tổ liên gia số 1", "Nguyễn Văn Bình"}
    docx = client.get(conference, {"export": "docx"})
    from docx import Document

    assert len(Document(io.BytesIO(docx.content)).tables) == 2

    # outsiders see nothing of it
    client.force_login(triangle.outsider)
    assert client.get(reverse("awards:occasion", args=[occasion.pk])).status_code == 404
    assert client.get(reverse("awards:nomination", args=[n1.pk])).status_code == 404
    assert client.get(reverse("awards:person", args=[person.pk])).status_code == 404


def test_occasion_form_keeps_what_was_typed(client, triangle):
    client.force_login(triangle.officer)
    response = client.post(
        reverse("awards:occasion-new"),
        {
            "name": "Hội nghị",
            "kind": "review_conference",
            "held_on": "20/12/2025",
            "unit": triangle.parent.code,
            "period_start": "01/12/2024",
            "period_end": "30/11/2025",
        },
    )
    assert response.status_code == 400 and "unit" in _errors(response)
    assert 'value="Hội nghị"' in response.content.decode()


def test_catalogue_page(client, triangle):
    client.force_login(triangle.officer)
    page = client.get(reverse("awards:catalogue"))
    assert page.status_code == 200 and 'data-form="bang-khen"' in page.content.decode()
    assert 'data-authority="chu-tich-ubnd-tinh">✓' in page.content.decode()
    assert client.get(reverse("awards:form-new")).status_code == 403
    client.force_login(triangle.parent_officer)
    response = client.post(
        reverse("awards:form-new"),
        {
            "code": "giay-khen-xa",
            "name": "Giấy khen xã",
            "kind": "commendation",
            "authorities": [authority("chu-tich-ubnd-xa").pk],
        },
    )
    assert response.status_code == 302
    assert list(form("giay-khen-xa").authorities.all()) == [authority("chu-tich-ubnd-xa")]
    bad = client.post(reverse("awards:form-new"), {"code": "x", "name": "X", "kind": "other"})
    assert bad.status_code == 400 and "authorities" in _errors(bad)


def test_people_search_and_pagination(client, triangle, person):
    for i in range(3):
        person(name=f"Người {i}", id_number=f"00100000000{i}")
    client.force_login(triangle.officer)
    page = client.get(reverse("awards:people"), {"q": "001000000001"})
    assert len(_ids(page, "person")) == 1
    every = client.get(reverse("awards:people"))
    assert len(_ids(every, "person")) == 3
    assert "…0002" in every.content.decode()  # lists show the last digits only
    assert "001000000002" not in every.content.decode()
    client.force_login(triangle.outsider)
    assert _ids(client.get(reverse("awards:people")), "person") == set()
