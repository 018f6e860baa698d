"""The review as DOCX, built with python-docx (no binary template): A4 with the margins
of Decree 30/2020, Times New Roman 14 pt, the two-column heading as a borderless table,
tables with borders, charts as 150 dpi PNG, page numbers centred at the top from the
second page."""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import charts
from .content import Document, Table

FONT = "Times New Roman"
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
LEFT_CM = 6.3
RIGHT_CM = TEXT_WIDTH_CM - LEFT_CM
LANGUAGES = {"vi": "vi-VN", "en": "en-GB"}
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


def _set_font(style_or_run, size: float | None = None, language: str | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    r_pr = style_or_run.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if language:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), language)
        r_pr.append(lang)


def _styles(document, language: str) -> None:
    normal = document.styles["Normal"]
    _set_font(normal, 14, LANGUAGES.get(language, "vi-VN"))
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.1
    for name in ("Table Grid",):
        _set_font(document.styles[name], 12)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.header_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", 13)


def _field(paragraph, instruction: str, size: float) -> None:
    """A simple field (page number) inside a paragraph."""
    run = paragraph.add_run()
    _set_font(run, size)
    begin, text, separate, value, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:t"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    value.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, value, end):
        run._r.append(element)


def _para(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align=None,
    indent: bool = False,
    after: float | None = None,
    before: float | None = None,
):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1.0)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    return paragraph


def _rule(container, width_cm: float, column_cm: float, before: float = 0, after: float = 4):
    """A short centred horizontal line: an empty 1 pt paragraph with a bottom border,
    indented so that the border is `width_cm` long."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max(0.0, (column_cm - width_cm) / 2)
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = Pt(1)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    run = paragraph.add_run()
    run.font.size = Pt(1)
    return paragraph


def _text_width_cm(text: str, size: float) -> float:
    """A rough width of bold Times text (half an em per character)."""
    return len(text) * size * 0.5 / 72 * 2.54


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _cell_paragraph(cell):
    """The cell's first (empty) paragraph, with no spacing."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _heading(document, doc: Document) -> None:
    head = doc.letterhead
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, [LEFT_CM, RIGHT_CM])
    left, right = table.cell(0, 0), table.cell(0, 1)
    center = WD_ALIGN_PARAGRAPH.CENTER

    first = _cell_paragraph(left)
    first.alignment = center
    if head.superior:
        run = first.add_run(head.superior.upper())
        run.font.size = Pt(13)
        issuer = _para(left, head.issuer.upper(), size=13, bold=True, align=center, after=0)
    else:
        issuer = first
        run = issuer.add_run(head.issuer.upper())
        run.bold = True
        run.font.size = Pt(13)
    del issuer
    _rule(left, 2.2, LEFT_CM, after=6)
    _para(left, doc.number, size=13, align=center, after=0)

    nation = _cell_paragraph(right)
    nation.alignment = center
    run = nation.add_run(doc.nation)
    run.bold = True
    run.font.size = Pt(12.5)
    _para(right, doc.motto, size=13.5, bold=True, align=center, after=0)
    _rule(right, _text_width_cm(doc.motto, 13.5), RIGHT_CM)

    date = _cell_paragraph(table.cell(1, 1))
    date.alignment = center
    date.paragraph_format.space_before = Pt(6)
    run = date.add_run(doc.date_line)
    run.italic = True
    run.font.size = Pt(14)


def _table(document, block: Table) -> None:
    caption = _para(
        document, block.caption, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=3
    )
    caption.paragraph_format.keep_with_next = True
    size = 10.5 if block.small else 12
    rows = block.rows + ([block.total] if block.total else [])
    table = document.add_table(rows=1 + len(rows), cols=len(block.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths) or 1
    _widths(table, [TEXT_WIDTH_CM * w / total for w in block.widths])
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(header.cells, block.header, strict=False):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = _cell_paragraph(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    for index, values in enumerate(rows, 1):
        bold = bool(block.total) and index == len(rows)
        row = table.rows[index]
        cant_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant_split)
        for cell, text, align in zip(row.cells, values, block.align, strict=False):
            paragraph = _cell_paragraph(cell)
            paragraph.alignment = ALIGN[align]
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(size)
    _para(document, "", size=6, after=0)


def _chart(document, review: dict, block) -> None:
    fig = charts.CHARTS[block.name](review)
    if fig is None:
        _para(document, block.empty, indent=True)
    else:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(charts.png(fig)), width=Cm(TEXT_WIDTH_CM))
    _para(document, block.caption, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _blocks(document, review: dict, blocks: list) -> None:
    for block in blocks:
        if block.kind == "paragraph":
            _para(document, block.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        elif block.kind == "table":
            _table(document, block)
        elif block.kind == "chart":
            _chart(document, review, block)


def _closing(document, doc: Document) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [7.5, TEXT_WIDTH_CM - 7.5])
    left, right = table.cell(0, 0), table.cell(0, 1)
    heading = _cell_paragraph(left)
    run = heading.add_run(doc.recipients_heading)
    run.bold = run.italic = True
    run.font.size = Pt(12)
    for line in doc.recipients:
        _para(left, line, size=11, after=0)
    first = _cell_paragraph(right)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(doc.signature):
        paragraph = first if index == 0 else _para(right, after=0)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold = True
    spacer = _para(right, after=0)
    spacer.paragraph_format.space_before = Pt(72)
    _para(right, doc.signer, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def docx_bytes(review: dict, doc: Document) -> bytes:
    document = new_document()
    _styles(document, doc.language)
    _page(document)
    props = document.core_properties
    props.title = " ".join([doc.doc_title, *doc.subject])
    props.author = doc.letterhead.issuer
    props.language = LANGUAGES.get(doc.language, "vi-VN")
    # the default document starts with one empty paragraph: drop it
    body = document.element.body
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._p)

    _heading(document, doc)
    _para(document, doc.doc_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    for line in doc.subject:
        _para(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(document, 4.0, TEXT_WIDTH_CM, after=12)
    _para(document, doc.introduction, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    for part in doc.parts:
        heading = _para(document, f"{part.number}. {part.title}", bold=True, indent=True, before=6)
        heading.paragraph_format.keep_with_next = True
        _blocks(document, review, part.blocks)
    _closing(document, doc)

    annex = _para(document, after=0)
    annex.add_run().add_break(WD_BREAK.PAGE)
    _para(document, doc.annex_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _blocks(document, review, doc.annex)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
