"""The conference list of an occasion as XLSX and as a DOCX annex.

XLSX: one row per award, numbers and dates as such, text always text (a cell starting
with = + - @ is never a formula: core.spreadsheets.safe). DOCX (python-docx, no
template): A4, Times New Roman, the title "DANH SÁCH KHEN THƯỞNG" with the occasion,
then one table per form and authority (STT, recipient, unit, achievements) with the
sentence of its counts under it. Text goes into both without the control characters
their XML cannot hold.
"""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binhyen.core.spreadsheets import safe

from .models import Occasion
from .queries import ConferenceGroup, achievements_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


def _filename(occasion: Occasion, ext: str) -> str:
    return f"khen-thuong-{slugify(occasion.name)[:50] or occasion.pk}.{ext}"


def _headers() -> list[str]:
    return [
        _("Award form"),
        _("Issuing authority"),
        _("No."),
        _("Kind of recipient"),
        _("Recipient"),
        _("Unit code"),
        _("Unit"),
        _("Achievements"),
        _("Decision number"),
        _("Decision date"),
        _("Signed by"),
    ]


def write_xlsx(occasion: Occasion, groups: list[ConferenceGroup], target) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(_("Awards")[:31])
    ws.append([safe.cell(ws, occasion.name)])
    ws.append(safe.row(ws, _headers()))
    for group in groups:
        for number, n in enumerate(group.nominations, start=1):
            row = [
                group.form_name,
                group.authority_name,
                number,
                n.get_recipient_kind_display(),
                n.recipient_name,
                n.unit.code,
                n.unit.name,
                achievements_text(n),
                n.decision_number,
                n.decision_date,
                n.signer,
            ]
            ws.append(safe.row(ws, row))
    summary = book.create_sheet(_("Counts")[:31])
    summary.append(safe.row(summary, (
        _("Award form"), _("Issuing authority"), _("Collectives"), _("Individuals"),
        _("Households"), _("Total"), _("Sentence"),
    )))  # fmt: skip
    for group in groups:
        c = group.counts
        summary.append(
            safe.row(
                summary,
                [
                    group.form_name,
                    group.authority_name,
                    c.get("collective", 0),
                    c.get("individual", 0),
                    c.get("household", 0),
                    group.total,
                    group.sentence,
                ],
            )
        )
    book.save(target)


def xlsx_response(occasion: Occasion, groups: list[ConferenceGroup]) -> HttpResponse:
    buffer = io.BytesIO()
    write_xlsx(occasion, groups, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(occasion, "xlsx")}"'
    return response


# ---- DOCX --------------------------------------------------------------------------------


def _font(style_or_run, size: float | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style_or_run.font.name = FONT
    if size:
        style_or_run.font.size = Pt(size)
    r_pr = style_or_run.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _paragraph(container, text="", *, bold=False, italic=False, size=None, align=None, after=6):
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(safe.xml_text(text))  # a control character would fail
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(document, group: ConferenceGroup) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    widths = [Cm(1.5), Cm(5.0), Cm(4.0), Cm(6.0)]  # 16.5 cm: the text width
    table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width.twips)))
    heads = [_("No."), _("Recipient"), _("Unit"), _("Achievements")]
    for cell, text, width in zip(table.rows[0].cells, heads, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.bold = True
    _repeat_header(table.rows[0])
    for number, n in enumerate(group.nominations, start=1):
        values = [str(number), n.recipient_name, n.unit.name, achievements_text(n)]
        cells = table.add_row().cells
        for i, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = width
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(safe.xml_text(text))


def write_docx(occasion: Occasion, groups: list[ConferenceGroup], target) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    normal = document.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_after = Pt(6)
    _font(document.styles["Table Grid"], 13)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, _("LIST OF AWARDS"), bold=True, size=15, align=center, after=0)
    _paragraph(document, occasion.name, bold=True, align=center, after=0)
    period = _("Achievements from %(start)s to %(end)s") % {
        "start": occasion.period_start.strftime("%d/%m/%Y"),
        "end": occasion.period_end.strftime("%d/%m/%Y"),
    }
    held = _("Organised by %(unit)s, held on %(date)s") % {
        "unit": occasion.unit.name,
        "date": occasion.held_on.strftime("%d/%m/%Y"),
    }
    _paragraph(document, held, italic=True, align=center, after=0)
    _paragraph(document, period, italic=True, align=center, after=12)
    if not groups:
        _paragraph(document, _("No award has been decided for this occasion."), italic=True)
    for index, group in enumerate(groups, start=1):
        title = _("%(index)s. %(form)s of the %(authority)s") % {
            "index": index,
            "form": group.form_name,
            "authority": group.authority_name,
        }
        heading = _paragraph(document, title, bold=True, after=6)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.keep_with_next = True
        _table(document, group)
        counts = _paragraph(document, group.sentence + ".", italic=True, after=6)
        counts.paragraph_format.space_before = Pt(6)
    document.save(target)


def docx_response(occasion: Occasion, groups: list[ConferenceGroup]) -> HttpResponse:
    buffer = io.BytesIO()
    write_docx(occasion, groups, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(occasion, "docx")}"'
    return response
