"""The review as an XLSX workbook (openpyxl): a cover sheet, one sheet per section (each
figure with its value as a number, qualifier and previous value, then its breakdown
tables), and sheets for trends, replication, broken rules and sources. Numbers are
number cells; the printed form ("trên 2.000") sits beside them. Every cell is written
through core.spreadsheets.safe: text from users (names, source documents) that starts
with = + - @ is text, never a formula the spreadsheet would run."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from binhyen.core.spreadsheets import safe

from .. import formatting
from ..choices import Qualifier
from .content import period_text, rule_label, subject_lines
from .letterhead import Letterhead

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
NUMBER_FORMAT = "#,##0.##"
INVALID = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\, at most 31 characters, unique (case-insensitive)."""
    base = INVALID.sub("-", title).strip("' ") or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def qualifier_label(code: str) -> str:
    try:
        return str(Qualifier(code).label)
    except ValueError:
        return code or ""


def _number(value):
    """JSON numbers stay numbers (a Decimal becomes one); anything else stays empty."""
    if isinstance(value, Decimal):
        return formatting.plain(value)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _header(sheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, 1):
        cell = safe.put(sheet, row, column, label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _put_number(sheet, row: int, column: int, value) -> None:
    value = _number(value)
    cell = safe.put(sheet, row, column, value)
    if isinstance(value, float):
        cell.number_format = NUMBER_FORMAT
    elif isinstance(value, int):
        cell.number_format = "#,##0"


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _cover(sheet, review: dict, head: Letterhead) -> None:
    safe.put(sheet, 1, 1, head.issuer).font = BOLD
    safe.put(sheet, 2, 1, pgettext("document", "REPORT")).font = TITLE
    for offset, line in enumerate(subject_lines(review)):
        safe.put(sheet, 3 + offset, 1, line).font = BOLD
    unit = review.get("unit") or {}
    structure = review.get("structure") or {}
    rows = [
        (_("Unit"), unit.get("name") or pgettext("scope", "the whole country")),
        (_("Unit code"), unit.get("code") or ""),
        (_("Period"), period_text(review.get("period"))),
        (_("Previous period"), period_text(review.get("previous_period"))),
        (_("Structure date"), _date(structure.get("date"))),
        (_("Structure asked for"), _date(structure.get("asked"))),
        (_("Sub-units"), review.get("sublevel_label") or ""),
        (_("Kind"), review.get("kind") or ""),
        (_("Document number"), head.number(review)),
        (_("Generated at"), review.get("generated_at") or ""),
        (_("Format"), review.get("format") or ""),
    ]
    for index, (label, value) in enumerate(rows, 6):
        safe.put(sheet, index, 1, label).font = BOLD
        safe.put(sheet, index, 2, value)
    _widths(sheet, [28, 60])


def _date(value: str | None) -> str:
    return formatting.short_date(value) if value else ""


def _section(sheet, section: dict) -> None:
    safe.put(sheet, 1, 1, section["title"]).font = TITLE
    columns = [
        _("Indicator code"),
        pgettext("table", "Figure"),
        _("Value"),
        _("Qualifier"),
        _("As printed"),
        _("Previous value"),
        _("Previous qualifier"),
        _("Kind"),
        _("On"),
        _("Measure"),
        _("Counted from records"),
        _("Sources (annex numbers)"),
    ]
    _header(sheet, 3, columns)
    row = 4
    figures = section.get("figures", [])
    for figure in figures:
        prev = figure.get("previous") or {}
        safe.put(sheet, row, 1, figure["indicator"])
        safe.put(sheet, row, 2, figure["label"])
        _put_number(sheet, row, 3, figure.get("value"))
        safe.put(sheet, row, 4, qualifier_label(figure.get("qualifier", "")))
        safe.put(sheet, row, 5, figure.get("display", ""))
        _put_number(sheet, row, 6, prev.get("value"))
        safe.put(sheet, row, 7, qualifier_label(prev.get("qualifier", "")))
        safe.put(sheet, row, 8, figure.get("kind", ""))
        safe.put(sheet, row, 9, _date(figure.get("on")))
        safe.put(sheet, row, 10, figure.get("measure", ""))
        _put_number(sheet, row, 11, figure.get("records"))
        safe.put(sheet, row, 12, ", ".join(str(i) for i in figure.get("reported", [])))
        row += 1
    for figure in figures:
        for breakdown in figure.get("breakdowns", []):
            if not breakdown.get("rows"):
                continue
            row += 1
            title = f"{figure['label']} {breakdown.get('label', '')}".strip()
            if not breakdown.get("partition", True):
                title = _("%(title)s (the parts overlap)") % {"title": title}
            safe.put(sheet, row, 1, title).font = BOLD
            row += 1
            _header(
                sheet,
                row,
                [_("Key"), _("Label"), _("Value"), _("Qualifier"), _("As printed"), _("Unit code")],
            )
            row += 1
            for item in breakdown["rows"]:
                safe.put(sheet, row, 1, _key(item.get("key")))
                safe.put(sheet, row, 2, item.get("label", ""))
                _put_number(sheet, row, 3, item.get("value"))
                safe.put(sheet, row, 4, qualifier_label(item.get("qualifier", "")))
                safe.put(sheet, row, 5, item.get("display", ""))
                safe.put(sheet, row, 6, item.get("unit") or item.get("code") or "")
                row += 1
    sheet.freeze_panes = "C4"
    _widths(sheet, [30, 44, 12, 14, 16, 14, 14, 8, 12, 10, 12, 14])


def _key(key) -> str:
    if key is None:
        return _("unallocated")
    return str(key)


def _trends(sheet, review: dict) -> None:
    trends = review.get("trends") or {}
    series = trends.get("series") or []
    _header(sheet, 1, [_("Month")] + [s["label"] for s in series])
    for index, month in enumerate(trends.get("months") or [], 2):
        safe.put(sheet, index, 1, month)
        for column, s in enumerate(series, 2):
            values = s.get("values") or []
            _put_number(
                sheet, index, column, values[index - 2] if index - 2 < len(values) else None
            )
    codes_row = len(trends.get("months") or []) + 3
    safe.put(sheet, codes_row, 1, _("Indicator code")).font = BOLD
    for column, s in enumerate(series, 2):
        safe.put(sheet, codes_row, column, s.get("indicator", ""))
    sheet.freeze_panes = "B2"
    _widths(sheet, [12] + [22] * len(series))


def _replication(sheet, review: dict) -> None:
    replication = review.get("replication") or {}
    _header(sheet, 1, [_("Year"), _("Scheme points active")])
    row = 2
    for year, active in zip(
        replication.get("years") or [], replication.get("active") or [], strict=False
    ):
        _put_number(sheet, row, 1, year)
        sheet.cell(row=row, column=1).number_format = "0"
        _put_number(sheet, row, 2, active)
        row += 1
    row += 1
    _header(sheet, row, [_("Scheme type code"), _("Scheme type"), _("Points"), _("Communes")])
    for item in replication.get("types") or []:
        row += 1
        safe.put(sheet, row, 1, item.get("code", ""))
        safe.put(sheet, row, 2, item.get("label", ""))
        _put_number(sheet, row, 3, item.get("points"))
        _put_number(sheet, row, 4, item.get("communes"))
    _widths(sheet, [24, 44, 12, 12])


def _rules(sheet, review: dict) -> None:
    _header(
        sheet,
        1,
        [
            _("Rule"),
            _("Severity"),
            _("Finding"),
            _("Indicator code"),
            _("Unit code"),
            _("Difference"),
        ],
    )
    for row, rule in enumerate(review.get("rules") or [], 2):
        safe.put(sheet, row, 1, rule_label(rule.get("rule", "")))
        safe.put(sheet, row, 2, rule.get("severity", ""))
        safe.put(sheet, row, 3, rule.get("message", ""))
        sheet.cell(row=row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
        safe.put(sheet, row, 4, rule.get("indicator", ""))
        safe.put(sheet, row, 5, rule.get("unit", ""))
        _put_number(sheet, row, 6, rule.get("difference"))
    _widths(sheet, [24, 10, 80, 28, 12, 12])


def _sources(sheet, review: dict) -> None:
    _header(
        sheet,
        1,
        [
            _("No."),
            _("Indicator code"),
            pgettext("table", "Figure"),
            _("Unit code"),
            _("Unit"),
            _("Period start"),
            _("Period end"),
            _("Value"),
            _("Qualifier"),
            _("As printed"),
            _("Breakdown"),
            _("Source document"),
            _("Used"),
            _("Reason"),
        ],
    )
    for row, source in enumerate(review.get("sources") or [], 2):
        unit = source.get("unit") or {}
        period = source.get("period") or {}
        values = [
            source.get("id"),
            source.get("indicator", ""),
            source.get("indicator_label", ""),
            unit.get("code", ""),
            unit.get("name", ""),
            _date(period.get("start")),
            _date(period.get("end")),
            None,
            qualifier_label(source.get("qualifier", "")),
            source.get("display", ""),
            source.get("breakdown", ""),
            source.get("source_document", ""),
            _("yes") if source.get("used") else _("no"),
            source.get("reason", ""),
        ]
        for column, value in enumerate(values, 1):
            safe.put(sheet, row, column, value)
        _put_number(sheet, row, 8, source.get("value"))
    _widths(sheet, [6, 28, 30, 10, 22, 12, 12, 12, 14, 14, 14, 50, 8, 40])


def workbook(review: dict, head: Letterhead) -> bytes:
    book = Workbook()
    taken: set[str] = set()
    cover = book.active
    cover.title = sheet_name(_("Cover"), taken)
    _cover(cover, review, head)
    for section in review.get("sections", []):
        _section(book.create_sheet(sheet_name(section["title"], taken)), section)
    _trends(book.create_sheet(sheet_name(_("Monthly trends"), taken)), review)
    _replication(book.create_sheet(sheet_name(_("Replication"), taken)), review)
    _rules(book.create_sheet(sheet_name(_("Broken rules"), taken)), review)
    _sources(book.create_sheet(sheet_name(_("Sources"), taken)), review)
    safe.no_formulas(book)
    book.properties.title = safe.xml_text(" ".join(subject_lines(review)))
    book.properties.creator = safe.xml_text(head.issuer)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
