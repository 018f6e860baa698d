"""The review documents (HTML, PDF, DOCX, XLSX) written from the review JSON alone.

The fixture is a province review with the Nghệ An worked example figures. Text that comes
from translations is asserted in English (or through the same translation call);
figures come from the review's `display` strings and are asserted as they are."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import sys
import zlib
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from binhyen.reports import formatting
from binhyen.reports.documents import (
    CONTENT_TYPES,
    EXTENSIONS,
    FORMATS,
    DocumentUnavailable,
    Letterhead,
    charts,
    content,
    prose,
    render,
)
from binhyen.reports.documents.workbook import sheet_name

FIXTURE = Path(__file__).parent / "fixtures" / "review-sample.json"


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def english(review: dict) -> dict:
    """The review as the engine builds it in English: display strings re-formatted."""
    review = copy.deepcopy(review)
    review["language"] = "en"

    def walk(node):
        if isinstance(node, dict):
            if {"value", "qualifier", "display"} <= node.keys():
                node["display"] = formatting.with_qualifier(node["value"], node["qualifier"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with translation.override("en"):
        walk(review)
    return review


@pytest.fixture(scope="module")
def review() -> dict:
    return load()


@pytest.fixture(scope="module")
def review_en() -> dict:
    return english(load())


@pytest.fixture(scope="module")
def rendered(review) -> dict[str, bytes]:
    return {fmt: render(review, fmt) for fmt in FORMATS}


@pytest.fixture(scope="module")
def rendered_en(review_en) -> dict[str, bytes]:
    return {fmt: render(review_en, fmt) for fmt in ("html", "docx", "xlsx")}


def docx_text(data: bytes) -> tuple[object, str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return document, "\n".join(parts)


def pdf_font_names(data: bytes) -> set[str]:
    """/BaseFont names of a PDF, looking inside compressed object streams too."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            chunks.append(zlib.decompress(data[start:end]))
        except zlib.error:
            continue
    names = set()
    for chunk in chunks:
        names |= {m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", chunk)}
    return names


# --- every format --------------------------------------------------------------------


def test_every_format_renders(rendered):
    assert set(CONTENT_TYPES) == set(EXTENSIONS) == set(FORMATS)
    assert (
        rendered["html"].startswith(b"<!DOCTYPE html>")
        or b"<!DOCTYPE html>" in rendered["html"][:200]
    )
    assert rendered["pdf"].startswith(b"%PDF")
    assert rendered["docx"][:2] == b"PK"
    assert rendered["xlsx"][:2] == b"PK"


def test_unknown_format_is_refused(review):
    with pytest.raises(ValueError):
        render(review, "odt")


# --- HTML ----------------------------------------------------------------------------


def test_html_is_standalone_with_figures_and_charts(rendered):
    page = rendered["html"].decode("utf-8")
    assert "<link" not in page and 'src="http' not in page  # nothing loaded from outside
    assert page.count("data:image/svg+xml;base64,") == 2  # trends and replication
    for text in ("38.578", "7.588", "480", "trên 2.000", "1.275", "1.321", "Tỉnh Nghệ An"):
        assert text in page
    assert 'font-family: "Times New Roman", "Liberation Serif", "Tinos", serif' in page
    assert "size: A4" in page


def test_html_in_english(rendered_en):
    page = rendered_en["html"].decode("utf-8")
    for text in (
        "SOCIALIST REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness",
        "REPORT",
        "No. 12/BC-CAT",
        "Nghệ An, 15 June 2023",
        "38,578 self-management groups",
        "over 2,000",
        "Recipients:",
    ):
        assert text in page, text


# --- PDF -----------------------------------------------------------------------------


def test_pdf_fonts_are_liberation_serif(rendered):
    names = pdf_font_names(rendered["pdf"])
    assert names, "no fonts found in the PDF"
    faces = {name.split("+", 1)[-1] for name in names}
    assert all(face.startswith("Liberation-Serif") for face in faces), faces
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= faces


def test_pdf_unavailable_without_weasyprint(review, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    with pytest.raises(DocumentUnavailable) as caught:
        render(review, "pdf")
    message = str(caught.value)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in message


# --- DOCX ----------------------------------------------------------------------------


def test_docx_layout_and_figures(rendered, review):
    from docx.shared import Cm, Pt

    document, text = docx_text(rendered["docx"])
    section = document.sections[0]

    def near(length, cm):  # stored in twips
        return abs(length - Cm(cm)) < Cm(0.01)

    assert near(section.page_width, 21.0) and near(section.page_height, 29.7)
    assert near(section.left_margin, 3.0) and near(section.right_margin, 1.5)
    assert near(section.top_margin, 2.0) and near(section.bottom_margin, 2.0)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)
    for figure in ("38.578", "7.588", "trên 2.000", "1.275", "1.321", "khoảng 812.400"):
        assert figure in text, figure
    with translation.override("vi"):
        for heading in (
            pgettext("document", "REPORT"),
            pgettext("letterhead", "Recipients:"),
            pgettext("letterhead", "Independence - Freedom - Happiness"),
            pgettext("document number", "No.") + " 12/BC-CAT",
            formatting.place_and_date("Nghệ An", "2023-06-15"),
        ):
            assert heading in text, heading
    assert len(document.inline_shapes) == 2  # the two charts
    with translation.override("vi"):
        head = Letterhead.for_review(review)
        doc = content.build(review, head)
    data_tables = sum(
        1
        for part in doc.parts + [content.Part("", "", doc.annex)]
        for b in part.blocks
        if b.kind == "table"
    )
    assert data_tables >= 10
    # heading + data tables + signature/recipients
    assert len(document.tables) == data_tables + 2


def test_docx_in_english_heading_and_closing(rendered_en):
    _document, text = docx_text(rendered_en["docx"])
    for expected in (
        "SOCIALIST REPUBLIC OF VIETNAM",
        "REPORT",
        "No. 12/BC-CAT",
        "Recipients:",
        "38,578",
        "over 2,000",
        "DIRECTOR",
        "Filed: Records, PV05.",
    ):
        assert expected in text, expected


def test_docx_given_letterhead_and_blank_number(review):
    draft = copy.deepcopy(review)
    draft["issue"] = None
    draft["language"] = "en"
    head = Letterhead(
        superior="BỘ CÔNG AN",
        issuer="CÔNG AN TỈNH NGHỆ AN",
        authority="KT.",
        on_behalf_of="GIÁM ĐỐC",
        title="PHÓ GIÁM ĐỐC",
        signer="Nguyễn Văn An",
        recipients=["Phòng PV05;", "Lưu: VT."],
    )
    _document, text = docx_text(render(draft, "docx", head))
    for expected in (
        "BỘ CÔNG AN",
        "CÔNG AN TỈNH NGHỆ AN",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn An",
        "- Phòng PV05;",
    ):
        assert expected in text, expected
    assert re.search(r"No\.\s+/BC-CAT", text)  # left blank for the clerk
    assert "No. 12/" not in text


# --- XLSX ----------------------------------------------------------------------------


def test_xlsx_numbers_are_numbers(rendered, review):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(rendered["xlsx"]))
    names = book.sheetnames
    assert len(names) == 1 + len(review["sections"]) + 4
    assert all(len(name) <= 31 for name in names)
    for section in review["sections"]:
        assert section["title"] in names
    structure = book[next(s["title"] for s in review["sections"] if s["code"] == "structure")]
    rows = {row[0]: row for row in structure.iter_rows(min_row=4, values_only=True) if row[0]}
    groups = rows["structure.groups"]
    assert groups[2] == 38578 and isinstance(groups[2], int)
    assert groups[4] == "38.578"
    assert groups[5] == 36911
    tips = book[next(s["title"] for s in review["sections"] if s["code"] == "tips")]
    rows = {row[0]: row for row in tips.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["tips.actionable"][2] == 2000
    assert rows["tips.actionable"][4] == "trên 2.000"  # the qualifier stays beside the number
    assert rows["cases.solved"][2] == 1275 and rows["cases.suspects_arrested"][2] == 1321
    # breakdown rows by commune are numbers too
    values = [r[2] for r in structure.iter_rows(values_only=True) if r[1] == "Xã Hưng Nguyên"]
    assert values and all(isinstance(v, int) for v in values)


def test_xlsx_trends_rules_sources(rendered_en, review_en):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(rendered_en["xlsx"]))
    assert {"Cover", "Monthly trends", "Replication", "Broken rules", "Sources"} <= set(
        book.sheetnames
    )
    trends = list(book["Monthly trends"].iter_rows(min_row=2, max_row=25, values_only=True))
    assert len(trends) == 24 and trends[0][0] == "2021-07"
    assert trends[0][1] == review_en["trends"]["series"][0]["values"][0]
    rules = list(book["Broken rules"].iter_rows(min_row=2, values_only=True))
    assert len(rules) == len(review_en["rules"]) and rules[0][5] == 20
    sources = list(book["Sources"].iter_rows(min_row=2, values_only=True))
    assert len(sources) == len(review_en["sources"])
    assert sources[6][7] == 38578 and sources[6][11].startswith("Báo cáo số 123/BC-CAT")


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    long = "Sổ theo dõi kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) <= 31 and first != second
    assert sheet_name("Tin báo: 1/2 [*?]", taken) == "Tin báo- 1-2 ----"


# --- prose ---------------------------------------------------------------------------


def section(review: dict, code: str) -> dict:
    return next(s for s in review["sections"] if s["code"] == code)


def test_prose_keeps_qualifiers_vietnamese_figures(review):
    with translation.override("vi"):
        tips = " ".join(prose.section_paragraphs(review, section(review, "tips")))
        structure = " ".join(prose.section_paragraphs(review, section(review, "structure")))
    assert "trên 2.000" in tips and "1.275" in tips and "1.321" in tips
    assert "2.000" not in tips.replace("trên 2.000", "")  # never without its qualifier
    assert "khoảng 812.400" in structure
    assert "15/06/2023" in structure
    for figure in ("480", "7.588", "38.578"):
        assert figure in structure


def test_prose_in_english(review_en):
    with translation.override("en"):
        structure = prose.section_paragraphs(review_en, section(review_en, "structure"))
        tips = " ".join(prose.section_paragraphs(review_en, section(review_en, "tips")))
        schemes = " ".join(prose.section_paragraphs(review_en, section(review_en, "schemes")))
    assert structure[0] == (
        "As of 15/06/2023, the whole province had 480 steering committees, "
        "7,588 self-management boards and 38,578 self-management groups."
    )
    assert (
        "6,412 tips, of which over 2,000 actionable, helping to solve 1,275 cases and "
        "arrest 1,321 suspects." in tips
    )
    # a qualified figure is compared side by side, never subtracted
    assert "from over 1,650 to over 2,000" in tips
    assert "32 scheme types have been replicated to 1,420 residential areas" in schemes
    assert "12 schemes were commended by the Ministry of Public Security" in schemes
    assert "96 communes and wards were declared drug-free" in schemes


def test_prose_only_actionable_tips(review_en):
    review = copy.deepcopy(review_en)
    tips = section(review, "tips")
    tips["figures"] = [f for f in tips["figures"] if f["indicator"] != "tips.received"]
    with translation.override("en"):
        text = prose.section_paragraphs(review, tips)[0]
    assert text == (
        "During the period, the people provided over 2,000 actionable tips, "
        "helping to solve 1,275 cases and arrest 1,321 suspects."
    )


def test_prose_without_figures(review_en):
    with translation.override("en"):
        text = prose.section_paragraphs(review_en, {"code": "tips", "figures": []})
    assert text == ["No figures were recorded for this section in the period."]


# --- letterhead ----------------------------------------------------------------------


def test_letterhead_for_a_province(review_en):
    with translation.override("en"):
        head = Letterhead.for_review(review_en)
    assert head.issuer_code == "CAT"
    assert head.superior == "MINISTRY OF PUBLIC SECURITY"
    assert "NGHỆ AN" in head.issuer
    assert head.place == "Nghệ An" and head.day == dt.date(2023, 6, 15)
    assert head.recipients[-1] == "Filed: Records, PV05."
    with translation.override("en"):
        assert head.number(review_en) == "No. 12/BC-CAT"


def test_letterhead_for_a_commune_draft(review_en):
    review = copy.deepcopy(review_en)
    review["unit"] = {"code": "40211", "name": "Xã Hưng Nguyên", "level": "commune"}
    review["issue"] = None
    with translation.override("en"):
        head = Letterhead.for_review(review)
        number = head.number(review)
    assert head.issuer_code == "CAX"
    assert "NGHỆ AN" in head.superior and "XÃ HƯNG NGUYÊN" in head.issuer
    assert head.title == "CHIEF OF THE COMMUNE POLICE"
    assert head.day == timezone.localdate()
    assert re.fullmatch(r"No\.\s+/BC-CAX", number)


# --- charts --------------------------------------------------------------------------


def test_charts_and_empty_series(review_en):
    assert charts.trends_chart(review_en) is not None
    assert charts.replication_chart(review_en) is not None
    assert charts.png(charts.trends_chart(review_en)).startswith(b"\x89PNG")
    assert b"<svg" in charts.svg(charts.replication_chart(review_en))
    empty = copy.deepcopy(review_en)
    empty["trends"] = {"months": ["2023-01"], "series": [{"label": "x", "values": [0]}]}
    empty["replication"] = {"years": [], "active": [], "types": []}
    assert charts.trends_chart(empty) is None and charts.replication_chart(empty) is None
    page = render(empty, "html").decode("utf-8")
    assert "No data for this chart in the period." in page
    assert "data:image/svg+xml" not in page
    _document, text = docx_text(render(empty, "docx"))
    assert "No data for this chart in the period." in text


def test_chart_font_is_liberation_serif():
    from matplotlib.font_manager import fontManager

    if "Liberation Serif" not in {f.name for f in fontManager.ttflist}:
        pytest.skip("fonts-liberation2 is not installed")
    assert charts.font_name() == "Liberation Serif"
