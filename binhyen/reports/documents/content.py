"""The content of a review document, once, for every layout: heading texts, the subject
line, numbered parts made of paragraphs, tables and charts, the signature and the
distribution list. The HTML template (HTML, PDF) and the DOCX writer only lay it out."""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import formatting
from . import prose
from .letterhead import Letterhead

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
UNIT_COLUMNS = 4  # figures per sub-unit table, so a table fits the width of A4


@dataclasses.dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    align: list[str]  # per column: "left", "right" (numbers) or "center"
    widths: list[int]  # relative column widths (percent)
    total: list[str] | None = None  # a bold last row
    small: bool = False  # many columns: a smaller font

    kind = "table"

    def cells(self) -> list[list[tuple[str, str]]]:
        """Rows of (text, alignment) for templates."""
        return [list(zip(row, self.align, strict=False)) for row in self.rows]

    def total_cells(self) -> list[tuple[str, str]]:
        return list(zip(self.total or [], self.align, strict=False))


@dataclasses.dataclass
class Paragraph:
    text: str
    kind = "paragraph"


@dataclasses.dataclass
class Chart:
    name: str  # key in charts.CHARTS
    caption: str
    empty: str = ""  # printed instead of a chart without data
    uri: str = ""  # set by the HTML layout: the SVG as a data URI
    kind = "chart"


@dataclasses.dataclass
class Part:
    number: str
    title: str
    blocks: list


@dataclasses.dataclass
class Document:
    letterhead: Letterhead
    number: str
    nation: str
    motto: str
    date_line: str
    doc_title: str
    subject: list[str]
    introduction: str
    parts: list[Part]
    signature: list[str]
    signer: str
    recipients_heading: str
    recipients: list[str]
    annex_title: str
    annex: list
    language: str


def subject_lines(review: dict) -> list[str]:
    title = review.get("title") or ""  # the engine names the kind ("Sơ kết phong trào…")
    period = review["period"]
    when = pgettext("subject", "from %(start)s to %(end)s") % {
        "start": formatting.short_date(period["start"]),
        "end": formatting.short_date(period["end"]),
    }
    return [title, when]


def _figure_table(section: dict, number: int) -> Table:
    rows = []
    for figure in section.get("figures", []):
        prev = figure.get("previous") or {}
        label = figure["label"] + (f" ({figure['measure']})" if figure.get("measure") else "")
        rows.append([label, figure["display"], prev.get("display", "")])
    return Table(
        caption=pgettext("table", "Table %(n)s. %(title)s")
        % {"n": number, "title": section["title"]},
        header=[
            pgettext("table", "Figure"),
            pgettext("table", "This period"),
            pgettext("table", "Previous period"),
        ],
        rows=rows,
        align=["left", "right", "right"],
        widths=[60, 20, 20],
    )


SPECIAL_ROWS = {None, "self", "reported"}


def unit_tables(section: dict, first_number: int, sublevel_label: str) -> list[Table]:
    """Sub-unit rows × the section's figures that break down by unit, a few figures per
    table. Special rows (unallocated, the unit itself, reported) come last."""
    figures = [
        (f, b)
        for f in section.get("figures", [])
        for b in f.get("breakdowns", [])
        if b.get("by") == "unit" and b.get("rows") and f.get("value")
    ]
    tables = []
    for start in range(0, len(figures), UNIT_COLUMNS):
        chunk = figures[start : start + UNIT_COLUMNS]
        order: list = []
        labels: dict = {}
        values: dict = {}
        for index, (_figure, breakdown) in enumerate(chunk):
            for row in breakdown["rows"]:
                key = row.get("key")
                if key not in labels:
                    order.append(key)
                    labels[key] = row.get("label") or ""
                values[(key, index)] = row.get("display", "")
        order.sort(key=lambda k: k in SPECIAL_ROWS)
        rows = [
            [labels[key]] + [values.get((key, i), "–") for i in range(len(chunk))] for key in order
        ]
        number = first_number + len(tables)
        n = len(chunk)
        width = {1: 28, 2: 22}.get(n, 15)
        tables.append(
            Table(
                caption=pgettext("table", "Table %(n)s. %(title)s by %(level)s")
                % {"n": number, "title": section["title"], "level": sublevel_label.lower()},
                header=[sublevel_label or pgettext("table", "Unit")]
                + [f["label"] for f, _b in chunk],
                rows=rows,
                align=["left"] + ["right"] * n,
                widths=[100 - width * n] + [width] * n,
                total=[pgettext("table", "Total")] + [f["display"] for f, _b in chunk],
            )
        )
    return tables


def replication_table(review: dict, number: int) -> Table | None:
    types = (review.get("replication") or {}).get("types") or []
    if not types:
        return None
    return Table(
        caption=pgettext("table", "Table %(n)s. Replication of scheme types") % {"n": number},
        header=[
            pgettext("table", "Scheme type"),
            pgettext("table", "Points"),
            pgettext("table", "Communes"),
        ],
        rows=[
            [t["label"], formatting.number(t.get("points")), formatting.number(t.get("communes"))]
            for t in types
        ],
        align=["left", "right", "right"],
        widths=[64, 18, 18],
    )


def rules_table(review: dict, number: int) -> Table | None:
    rules = review.get("rules") or []
    if not rules:
        return None
    severities = {
        "error": pgettext("severity", "error"),
        "warning": pgettext("severity", "warning"),
    }
    return Table(
        caption=pgettext("table", "Table %(n)s. Broken validation rules") % {"n": number},
        header=[
            pgettext("table", "No."),
            pgettext("table", "Rule"),
            pgettext("table", "Finding"),
            pgettext("table", "Difference"),
        ],
        rows=[
            [
                str(i),
                _rule_cell(r, severities),
                r.get("message", ""),
                formatting.number(r.get("difference")) if r.get("difference") is not None else "",
            ]
            for i, r in enumerate(rules, 1)
        ],
        align=["center", "left", "left", "right"],
        widths=[7, 20, 59, 14],
        small=True,
    )


def _rule_cell(rule: dict, severities: dict) -> str:
    severity = severities.get(rule.get("severity"), rule.get("severity") or "")
    return f"{rule_label(rule.get('rule', ''))} ({severity})"


def rule_label(code: str) -> str:
    return {
        "partition": pgettext("rule", "parts add up"),
        "subset": pgettext("rule", "subset within set"),
        "established": pgettext("rule", "active within established"),
        "agreement": pgettext("rule", "reported agrees with records"),
    }.get(code, code)


def period_text(period: dict | None) -> str:
    if not period:
        return ""
    return f"{formatting.short_date(period['start'])} – {formatting.short_date(period['end'])}"


def sources_table(review: dict) -> Table | None:
    sources = review.get("sources") or []
    if not sources:
        return None
    rows = []
    for s in sources:
        used = pgettext("source", "used") if s.get("used") else pgettext("source", "not used")
        if not s.get("used") and s.get("reason"):
            used = f"{used}: {s['reason']}"
        label = s.get("indicator_label") or s.get("indicator", "")
        if s.get("breakdown"):
            label = f"{label} ({s['breakdown']})"
        rows.append(
            [
                str(s.get("id", "")),
                label,
                (s.get("unit") or {}).get("name", ""),
                period_text(s.get("period")),
                s.get("display", ""),
                s.get("source_document", ""),
                used,
            ]
        )
    return Table(
        caption=pgettext("table", "Reported figures considered by this report"),
        header=[
            pgettext("table", "No."),
            pgettext("table", "Figure"),
            pgettext("table", "Unit"),
            pgettext("table", "Period"),
            pgettext("table", "Value"),
            pgettext("table", "Source document"),
            pgettext("table", "Use"),
        ],
        rows=rows,
        align=["center", "left", "left", "center", "right", "left", "left"],
        widths=[7, 14, 11, 14, 11, 26, 17],
        small=True,
    )


def build(review: dict, letterhead: Letterhead) -> Document:
    """The document's content in the active language (the caller activates it)."""
    parts: list[Part] = []
    table_number = 1
    sublevel = review.get("sublevel_label") or ""
    for section in review.get("sections", []):
        blocks: list = [Paragraph(p) for p in prose.section_paragraphs(review, section)]
        if section.get("figures"):
            blocks.append(_figure_table(section, table_number))
            table_number += 1
        if section.get("code") == "schemes" and (table := replication_table(review, table_number)):
            blocks.append(table)
            table_number += 1
        for table in unit_tables(section, table_number, sublevel):
            blocks.append(table)
            table_number += 1
        parts.append(Part(ROMAN[len(parts)], section["title"].upper(), blocks))

    charts: list = []
    empty = _("No data for this chart in the period.")
    if (review.get("trends") or {}).get("months"):
        charts.append(Chart("trends", pgettext("chart", "Monthly trends"), empty))
    if (review.get("replication") or {}).get("years"):
        charts.append(
            Chart("replication", pgettext("chart", "Scheme points active by year"), empty)
        )
    if charts:
        parts.append(Part(ROMAN[len(parts)], pgettext("part", "Trends over time").upper(), charts))

    rules = review.get("rules") or []
    quality: list = []
    if rules:
        quality.append(
            Paragraph(
                _(
                    "%(n)s validation rules are broken by the figures of this report. They "
                    "are listed below as found and have not been corrected; the units "
                    "concerned should check their figures."
                )
                % {"n": formatting.number(len(rules))}
            )
        )
        quality.append(rules_table(review, table_number))
        table_number += 1
    else:
        quality.append(Paragraph(_("The figures of this report break no validation rule.")))
    parts.append(Part(ROMAN[len(parts)], pgettext("part", "Data quality").upper(), quality))

    annex: list = []
    if table := sources_table(review):
        annex.append(
            Paragraph(
                _(
                    "The reported figures below were considered. Figures not used are listed "
                    "with the reason."
                )
            )
        )
        annex.append(table)
    else:
        annex.append(Paragraph(_("All figures of this report are counted from records.")))

    day = letterhead.day
    return Document(
        letterhead=letterhead,
        number=letterhead.number(review),
        nation=pgettext("letterhead", "Socialist Republic of Vietnam").upper(),
        motto=pgettext("letterhead", "Independence - Freedom - Happiness"),
        date_line=formatting.place_and_date(letterhead.place, day) if day else "",
        doc_title=pgettext("document", "REPORT"),
        subject=subject_lines(review),
        introduction=prose.introduction(review),
        parts=parts,
        signature=letterhead.signature_lines(),
        signer=letterhead.signer,
        recipients_heading=pgettext("letterhead", "Recipients:"),
        recipients=[f"- {r}" for r in letterhead.recipients],
        annex_title=pgettext("annex", "Annex: sources of reported figures").upper(),
        annex=annex,
        language=formatting.locale(),
    )
