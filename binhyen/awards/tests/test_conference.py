"""The conference list: awarded nominations by form and authority, counts by kind of
recipient, the announcing sentence, and its XLSX and DOCX."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from binhyen.awards import exports, queries, services
from binhyen.schemes import services as scheme_services

from .conftest import area_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(triangle, occasion, nominate, point, person, award):
    """7 collectives and 2 individuals awarded the provincial chairman's certificate of
    merit, a household the police director's commendation, one rejected, one pending."""
    area = area_of(triangle.unit)
    points = [point(name=f"Điểm {i}") for i in range(7)]
    for p in points:
        award(nominate(scheme=p, achievements=[p]))
    for i in range(2):
        award(nominate(person=person(name=f"Cá nhân {i}")))
    household = scheme_services.create_household(residential_area=area, head_name="=SUM(A1)")
    award(nominate(household=household, form_code="giay-khen", authority_code="giam-doc-cat"))
    rejected = nominate(person=person(name="Bị loại"))
    services.review(triangle.parent_officer, rejected, approve=False, reason="Chưa đủ")
    nominate(person=person(name="Đang chờ"))
    return occasion


def test_groups_and_counts(triangle, round_):
    groups = queries.conference_list(round_)
    assert [(g.form.code, g.authority.code) for g in groups] == [
        ("bang-khen", "chu-tich-ubnd-tinh"),
        ("giay-khen", "giam-doc-cat"),
    ]
    merit, commendation = groups
    assert merit.counts == {"collective": 7, "individual": 2} and merit.total == 9
    assert [n.recipient_kind for n in merit.nominations][:7] == ["collective"] * 7
    assert commendation.counts == {"household": 1}
    with translation.override("en"):
        assert merit.sentence == (
            "7 collectives and 2 individuals received a Certificate of merit from the "
            "Chairman of the provincial People's Committee"
        )
        assert commendation.sentence.startswith("1 household received")
    # scoped: the outsider sees none of it
    assert queries.conference_list(round_, triangle.outsider) == []


def test_recipients_phrase():
    with translation.override("en"):
        assert queries.recipients_phrase({"collective": 1}) == "1 collective"
        assert (
            queries.recipients_phrase({"collective": 2, "individual": 1, "household": 3})
            == "2 collectives, 1 individual and 3 households"
        )


def test_xlsx(round_):
    from openpyxl import load_workbook

    buffer = io.BytesIO()
    with translation.override("en"):
        exports.write_xlsx(round_, queries.conference_list(round_), buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == round_.name
    assert rows[1][:3] == ("Award form", "Issuing authority", "No.")
    data = rows[2:]
    assert len(data) == 10
    assert [r[2] for r in data[:9]] == list(range(1, 10))  # numbers as numbers
    assert data[0][9].date() == round_.nominations.filter(status="awarded").first().decision_date
    household = next(c for c in sheet.iter_rows(min_row=3) if c[4].value == "=SUM(A1)")
    assert household[4].data_type == "s"  # text, never a formula
    counts = list(book.worksheets[1].iter_rows(values_only=True))
    assert counts[1][2:6] == (7, 2, 0, 9)


def test_docx(round_):
    from docx import Document
    from docx.shared import Cm

    buffer = io.BytesIO()
    with translation.override("en"):
        exports.write_docx(round_, queries.conference_list(round_), buffer)
    document = Document(io.BytesIO(buffer.getvalue()))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1) and abs(section.page_height - Cm(29.7)) < Cm(
        0.1
    )
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "LIST OF AWARDS" and texts[1] == round_.name
    assert len(document.tables) == 2
    merit = document.tables[0]
    assert [c.text for c in merit.rows[0].cells] == ["No.", "Recipient", "Unit", "Achievements"]
    assert len(merit.rows) == 10 and merit.rows[1].cells[0].text == "1"
    assert any(t.startswith("7 collectives and 2 individuals received") for t in texts)


def test_docx_in_vietnamese_keeps_the_names(round_):
    from docx import Document

    buffer = io.BytesIO()
    with translation.override("vi"):
        exports.write_docx(round_, queries.conference_list(round_), buffer)
    text = "\n".join(p.text for p in Document(io.BytesIO(buffer.getvalue())).paragraphs)
    assert "Bằng khen" in text and "Chủ tịch Ủy ban nhân dân tỉnh" in text
