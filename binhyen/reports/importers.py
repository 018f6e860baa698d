"""The file format of reported figures (docs/reported-figures.md): its columns, how a
cell is read, and the XLSX export in the same layout, so that an export imports back
unchanged. CSV files and XLSX workbooks are streamed by core.spreadsheets.reading; the
rows are checked and written by `import_tables` below, through the services, all or
nothing.

Values are read the Vietnamese way first: "38.578" is thirty-eight thousand five hundred
and seventy-eight (a dot groups thousands), "1.234,5" has a decimal comma. "38,578" is
refused as ambiguous. A value may carry its qualifier ("trên 2.000", "khoảng 6.000").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.cells import CODE, DATE, TEXT, CellError, Column, parse_cell, shown
from binhyen.core.spreadsheets.cells import col as _c
from binhyen.core.spreadsheets.reading import Layout
from binhyen.core.spreadsheets.runs import ImportRun
from binhyen.core.spreadsheets.tables import (
    FileRejected,
    ImportRejected,
    ImportResult,
    Row,
    RowError,
    Table,
)
from binhyen.core.text import fold

from . import indicators
from .choices import Qualifier

KIND = "figures"
VALUE = "figure"  # the value column's own cell type (Vietnamese numbers, a qualifier)
QUALIFIER = "qualifier"
INDICATOR = "indicator"
PROGRESS_EVERY = 1000

COLUMNS: dict[str, list[Column]] = {
    KIND: [
        _c("indicator", INDICATOR, "Chỉ tiêu", required=True, max_length=60),
        _c("unit_code", CODE, "Mã đơn vị", required=True),
        _c("period_start", DATE, "Từ ngày", required=True),
        _c("period_end", DATE, "Đến ngày", required=True),
        _c("value", VALUE, "Số liệu", required=True),
        _c("qualifier", QUALIFIER, "Mức độ chính xác"),
        _c("breakdown", TEXT, "Phân tổ", max_length=120),
        _c("source_document", TEXT, "Văn bản nguồn", required=True),
        _c("note", TEXT, "Ghi chú", max_length=2000),
    ]
}
ALIASES = {
    KIND: {
        "indicator code": "indicator",
        "mã chỉ tiêu": "indicator",
        "unit": "unit_code",
        "đơn vị": "unit_code",
        "mã đvhc": "unit_code",
        "start": "period_start",
        "from": "period_start",
        "kỳ từ ngày": "period_start",
        "ngày bắt đầu": "period_start",
        "end": "period_end",
        "to": "period_end",
        "kỳ đến ngày": "period_end",
        "ngày kết thúc": "period_end",
        "giá trị": "value",
        "số lượng": "value",
        "figure": "value",
        "độ chính xác": "qualifier",
        "mức độ": "qualifier",
        "by": "breakdown",
        "part": "breakdown",
        "source": "source_document",
        "document": "source_document",
        "nguồn": "source_document",
        "tài liệu nguồn": "source_document",
        "văn bản": "source_document",
        "notes": "note",
    }
}
SHEET_NAMES = {fold(n): KIND for n in ("figures", "reported figures", "số liệu báo cáo", "số liệu")}
# FIELD of the services → its column in the file
FIELD_COLUMNS = {"unit": "unit_code"}

# how a qualifier may be written (folded): values, English and Vietnamese words, signs
QUALIFIER_WORDS = {
    Qualifier.EXACT: ("exact", "chinh xac", "="),
    Qualifier.AT_LEAST: (
        "at_least", "at least", "over", "more than", ">", ">=",
        "tren", "it nhat", "hon", "toi thieu",
    ),
    Qualifier.ABOUT: (
        "about", "approximately", "around", "~", "≈",
        "khoang", "gan", "xap xi", "uoc", "tren duoi",
    ),
}  # fmt: skip
QUALIFIER_OF = {word: q for q, words in QUALIFIER_WORDS.items() for word in words}
# a qualifier written before the number in the value cell ("trên 2.000", "over 6,000")
PREFIX_RE = re.compile(r"^(?P<word>[^\d\-]*?)\s*(?P<number>-?\d[\d\s.,\u00a0\u202f]*)$")

GROUPED_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")
GROUPED_COMMAS = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_number(text: str) -> Decimal:
    """A number as Vietnamese documents write it: dots group thousands ("38.578" is
    38578), a comma is the decimal mark ("1,5"); "1,234.5" (English) is read too.
    Refused: "38,578" (thousands in English, a decimal in Vietnamese) and anything
    else that is not a plain number."""
    raw = text
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)})
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _sep, fraction = text.rpartition(decimal_mark)
        if whole.count(decimal_mark) or not re.fullmatch(
            rf"\d{{1,3}}(\{group_mark}\d{{3}})+", whole
        ):
            raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)})
        number = whole.replace(group_mark, "") + "." + fraction
    elif dots:
        if GROUPED_DOTS.match(text):
            number = text.replace(".", "")  # 38.578 → 38578, 6.000 → 6000
        elif dots == 1:
            number = text  # 12.5: a decimal point (never a group of three digits)
        else:
            raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)})
    elif commas:
        if commas > 1 and GROUPED_COMMAS.match(text):
            number = text.replace(",", "")  # 1,234,567
        elif commas == 1 and GROUPED_COMMAS.match(text):
            raise CellError(
                _(
                    "'%(text)s' is ambiguous: write thousands with a dot (38.578) and "
                    "decimals with a comma (12,5)."
                )
                % {"text": shown(raw)}
            )
        elif commas == 1:
            number = text.replace(",", ".")  # 12,5: the Vietnamese decimal comma
        else:
            raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)})
    else:
        number = text
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)}) from None


def parse_qualifier(text: str) -> str:
    word = fold(text).strip(" .:")
    found = QUALIFIER_OF.get(word)
    if found is None:
        raise CellError(
            _(
                "'%(text)s' is not a qualifier: write exact, at least or about "
                "(chính xác, trên, khoảng)."
            )
            % {"text": shown(text)}
        )
    return str(found)


def parse_value(raw) -> tuple[Decimal, str | None]:
    """The value cell: the number and the qualifier written before it (None if none)."""
    if isinstance(raw, bool):
        raise CellError(_("'%(text)s' is not a number.") % {"text": shown(raw)})
    if isinstance(raw, int):
        return Decimal(raw), None
    if isinstance(raw, float):
        return Decimal(repr(raw)), None  # an Excel number cell: no separators to guess
    if isinstance(raw, Decimal):
        return raw, None
    text = str(raw).strip()
    m = PREFIX_RE.match(text)
    if m is None:
        raise CellError(_("'%(text)s' is not a number.") % {"text": shown(text)})
    word = m.group("word").strip()
    return parse_number(m.group("number")), (parse_qualifier(word) if word else None)


@functools.cache
def _indicator_codes() -> dict[str, str]:
    """Folded code or label (Vietnamese or English) → code."""
    found: dict[str, str] = {}
    for lang in ("en", "vi"):
        with translation.override(lang):
            for i in indicators.INDICATORS:
                found.setdefault(fold(str(i.label)), i.code)
    found.update({fold(i.code): i.code for i in indicators.INDICATORS})
    return found


def parse_indicator(text: str) -> str:
    """An indicator by code (or by its label); an unknown one is left for the service
    to refuse with its message."""
    return _indicator_codes().get(fold(text), text)


def read_cell(column: Column, raw) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise CellError(_("This field is required."))
        return None
    if column.type == VALUE:
        return parse_value(raw)
    if column.type == QUALIFIER:
        return parse_qualifier(str(raw))
    if column.type == INDICATOR:
        return parse_indicator(parse_cell(Column(column.name, TEXT, max_length=60), raw))
    return parse_cell(column, raw)


LAYOUT = Layout(
    (KIND,),
    COLUMNS,
    SHEET_NAMES,
    aliases=ALIASES,
    read_cell=read_cell,
    unknown_message=gettext_lazy("Cannot tell whether the file holds reported figures."),
    empty_message=gettext_lazy("Nothing to import: name the sheet %(kinds)s."),
)
column_names = LAYOUT.column_names


# ---- the import ------------------------------------------------------------------------

Progress = Callable[[str, int, bool], None]


class _Run(ImportRun):
    """Checks and writes the rows of an import (inside run_all_or_nothing's transaction),
    each through the services in a savepoint; every refusal becomes a RowError."""

    kinds = (KIND,)
    field_columns = FIELD_COLUMNS

    def __init__(self, user, progress: Progress | None, max_errors: int):
        super().__init__(user, progress, max_errors)
        self.units: dict[tuple[str, Any], Any] = {}
        self.keys: dict[tuple, str] = {}

    def unit(self, row: Row):
        """The unit bearing the code on the period's end (geo.queries.unit_by_code)."""
        from binhyen.geo import queries as geo_queries

        code, on = row.values["unit_code"], row.values["period_end"]
        if (code, on) not in self.units:
            version = geo_queries.unit_by_code(code, on)
            self.units[(code, on)] = version.unit if version else None
        unit = self.units[(code, on)]
        if unit is None:
            message = _("No unit has the code %(code)s on %(date)s, the end of the period.")
            self.error(row, "unit_code", message % {"code": code, "date": on.strftime("%d/%m/%Y")})
        return unit

    def once(self, row: Row, values: dict) -> bool:
        """False (with an error) when an earlier row has the same natural key."""
        from .services.figures import clean_figure

        try:
            cleaned = clean_figure(None, values)  # the key as stored (breakdown spelled)
        except ValidationError:
            return True  # the service reports it
        key = (
            cleaned["indicator"],
            cleaned["unit"].pk,
            cleaned["period_start"],
            cleaned["period_end"],
            cleaned["breakdown"],
        )
        t = self.table
        here = RowError(t.file, t.sheet, row.line, "", "").where
        first = self.keys.setdefault(key, here)
        if first != here:
            message = _(
                "The same indicator, unit, period and breakdown appear twice (first at %(where)s)."
            )
            self.error(row, "indicator", message % {"where": first})  # the key's first column
            return False
        return True

    def run(self, tables: Iterable[Table]) -> None:
        from .services.figures import Change, save_figure

        for table in tables:
            self.table = table
            if table.kind not in self.seen:
                self.seen.append(table.kind)
            for row in self.counted(table.rows):
                for column, message in row.errors:
                    self.error(row, column, message)
                if row.errors:
                    continue
                v = row.values
                value, written = v["value"]
                qualifier = v.get("qualifier")
                if written and qualifier and written != qualifier:
                    message = _("The value says %(a)s and the qualifier %(b)s.")
                    self.error(row, "qualifier", message % {"a": written, "b": qualifier})
                    continue
                unit = self.unit(row)
                if unit is None:
                    continue
                values = {
                    "indicator": v["indicator"],
                    "unit": unit,
                    "period_start": v["period_start"],
                    "period_end": v["period_end"],
                    "value": value,
                    "qualifier": qualifier or written or Qualifier.EXACT,
                    "breakdown": v.get("breakdown") or "",
                    "source_document": v["source_document"],
                    "note": v.get("note") or "",
                }
                if not self.once(row, values):
                    continue
                try:
                    with transaction.atomic():
                        _figure, change = save_figure(self.user, **values)
                except ValidationError as exc:
                    self.service_errors(row, exc)
                    continue
                c = self.counts[KIND]
                if change == Change.CREATED:
                    c.created += 1
                elif change == Change.UPDATED:
                    c.updated += 1
                else:
                    c.unchanged += 1

    def counted(self, rows: Iterable[Row]):
        n = 0
        for row in rows:
            n += 1
            if self.progress and n % PROGRESS_EVERY == 0:
                self.progress(KIND, n, False)
            yield row
        if self.progress:
            self.progress(KIND, n, True)

    def record(self, sources: str) -> None:
        from .models import ReportedFigure

        self.record_counts(
            KIND, ReportedFigure, _("Imported reported figures from %(file)s") % {"file": sources}
        )


import_tables = _Run.import_tables


def import_files(
    files: list[Path | tuple[Path, str]], kind: str | None = None, **options
) -> ImportResult:
    """Import CSV and XLSX files of reported figures together (one transaction). `files`
    are paths or (path, name shown in errors). Options: `user` (None: the system),
    `dry_run`, `progress`. Raises ImportRejected (FileRejected for unreadable files)."""
    return reading.import_files(LAYOUT, import_tables, files, kind or KIND, **options)


# ---- the export (the same layout) ------------------------------------------------------


def export_row(figure) -> list:
    value = figure.value
    value = int(value) if value == value.to_integral_value() else value.normalize()
    return [
        figure.indicator,
        figure.unit.code,
        figure.period_start,
        figure.period_end,
        value,
        figure.qualifier,
        figure.breakdown,
        figure.source_document,
        figure.note,
    ]


def write_xlsx(figures: Iterable | None, target: IO[bytes] | str) -> None:
    """The figures (an iterable of ReportedFigure with their unit) as a workbook in the
    import layout; None: the empty template."""
    from openpyxl import Workbook

    from binhyen.outcomes.exports import write_sheet

    book = Workbook(write_only=True)
    rows = (export_row(f) for f in figures) if figures is not None else ()
    write_sheet(book, KIND, COLUMNS[KIND], rows)
    book.save(target)


__all__ = [
    "COLUMNS",
    "LAYOUT",
    "FileRejected",
    "ImportRejected",
    "column_names",
    "import_files",
    "import_tables",
    "parse_number",
    "parse_value",
    "write_xlsx",
]
