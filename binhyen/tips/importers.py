"""Spreadsheet import of tips and cases (docs/tips.md): the layout of each sheet, and the
reading of CSV files and XLSX workbooks into tables of rows.

The cell rules (codes as text, dates dd/mm/yyyy or yyyy-mm-dd, choices by value or by
label in Vietnamese or English) are those of the registry import
(`binhyen.schemes.importers.columns`), and so are the file checks (content sniffing,
unpacked-size limit of workbooks) of `binhyen.schemes.importers.reading`; this module
adds the layouts of tips, cases, suspects and seized items and a date-and-time cell.
`services.imports` checks and writes the rows, all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core.text import fold
from binhyen.schemes.importers.columns import (
    BOOL,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INT,
    REF,
    TEXT,
    CellError,
    Column,
    parse_cell,
)
from binhyen.schemes.importers.reading import (
    FileRejected,
    _check_unpacked_size,
    _first_row,
    _not_csv,
    sniff,
)

from .choices import Assessment, Category, Channel, Status
from .services.imports import (
    KINDS,
    ImportRejected,
    ImportResult,
    Progress,
    Row,
    RowError,
    Table,
    import_tables,
)

DATETIME = "datetime"


def _c(name, type_=TEXT, vi="", **kw) -> Column:
    return Column(name, type_, vi=vi, **kw)


COLUMNS: dict[str, list[Column]] = {
    "tips": [
        _c("ref", REF, "Mã tham chiếu"),
        _c("received_at", DATETIME, "Thời điểm tiếp nhận", required=True),
        _c("channel", CHOICE, "Kênh tiếp nhận", required=True, choices=Channel),
        _c("category", CHOICE, "Lĩnh vực", required=True, choices=Category),
        _c("unit_code", CODE, "Mã đơn vị", required=True),
        _c("scheme_ref", REF, "Mã tham chiếu mô hình"),
        _c("description", TEXT, "Nội dung", required=True, max_length=20000),
        _c("status", CHOICE, "Trạng thái", choices=Status),
        _c("assessment", CHOICE, "Đánh giá", choices=Assessment),
        _c("referred_to_code", CODE, "Mã đơn vị được chuyển"),
        _c("status_reason", TEXT, "Lý do", max_length=4000),
        _c("latitude", DECIMAL, "Vĩ độ"),
        _c("longitude", DECIMAL, "Kinh độ"),
        _c("informant_name", TEXT, "Họ tên người cung cấp tin", max_length=200),
        _c("informant_contact", TEXT, "Liên hệ người cung cấp tin", max_length=200, text_only=True),
    ],
    "cases": [
        _c("number", TEXT, "Số vụ việc", required=True, max_length=60, text_only=True),
        _c("unit_code", CODE, "Mã đơn vị", required=True),
        _c("category", CHOICE, "Lĩnh vực", required=True, choices=Category),
        _c("opened_on", DATE, "Ngày thụ lý", required=True),
        _c("closed_on", DATE, "Ngày kết thúc"),
        _c("solved", BOOL, "Đã làm rõ"),
        _c("summary", TEXT, "Tóm tắt", max_length=20000),
        _c("tip_codes", TEXT, "Mã nguồn tin", max_length=10000, text_only=True),
    ],
    "suspects": [
        _c("case_number", TEXT, "Số vụ việc", required=True, max_length=60, text_only=True),
        _c("unit_code", CODE, "Mã đơn vị", required=True),
        _c("full_name", TEXT, "Họ và tên", required=True, max_length=120),
        _c("birth_year", INT, "Năm sinh"),
        _c("arrested_on", DATE, "Ngày bắt giữ"),
    ],
    "seized_items": [
        _c("case_number", TEXT, "Số vụ việc", required=True, max_length=60, text_only=True),
        _c("unit_code", CODE, "Mã đơn vị", required=True),
        _c("description", TEXT, "Tang vật", required=True, max_length=200),
        _c("quantity", DECIMAL, "Số lượng", required=True),
        _c("measure", TEXT, "Đơn vị tính", max_length=30),
    ],
}
# other headers accepted for a column: those of the XLSX export (tips.exports), so that an
# exported list can be corrected and imported back
ALIASES: dict[str, dict[str, str]] = {
    "tips": {
        "code": "ref",
        "unit": "unit_code",
        "scheme": "scheme_ref",
        "referred_to": "referred_to_code",
    },
    "cases": {"unit": "unit_code", "tips": "tip_codes"},
    "suspects": {"case_unit": "unit_code"},
    "seized_items": {"case_unit": "unit_code"},
}
# sheet names (folded) → kind; a sheet of another name is recognised by its header
SHEET_NAMES = {
    **{k: k for k in COLUMNS},
    "seized items": "seized_items",
    "nguon tin": "tips",
    "tin bao": "tips",
    "vu viec": "cases",
    "vu an": "cases",
    "doi tuong": "suspects",
    "tang vat": "seized_items",
    "vat chung": "seized_items",
}


def column_names(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


def _key(text: str) -> str:
    return fold(str(text)).replace("_", " ")


def header_map(kind: str, header: list[str]) -> dict[int, Column]:
    """Which column of the kind each header cell is (by name or Vietnamese header, case,
    diacritics, spaces and underscores ignored). Unknown headers are left out."""
    by_key: dict[str, Column] = {}
    for col in COLUMNS[kind]:
        by_key[_key(col.name)] = col
        if col.vi:
            by_key.setdefault(_key(col.vi), col)
    named = {c.name: c for c in COLUMNS[kind]}
    for alias, name in ALIASES[kind].items():
        by_key.setdefault(_key(alias), named[name])
    found: dict[int, Column] = {}
    for i, cell in enumerate(header):
        col = by_key.get(_key(cell or ""))
        if col is not None and col not in found.values():
            found[i] = col
    return found


def detect_kind(header: list[str]) -> str | None:
    """The one kind whose required columns the header has (the best match if several)."""
    scores = []
    for kind, cols in COLUMNS.items():
        names = {c.name for c in header_map(kind, header).values()}
        if all(c.name in names for c in cols if c.required):
            scores.append((len(names) / len(cols), kind))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


# ---- cells ---------------------------------------------------------------------------------

_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
DATETIME_RES = (
    (re.compile(rf"^(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-](\d{{4}}){_TIME}$"), (3, 2, 1)),
    (re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$"), (1, 2, 3)),
)


def parse_datetime(raw) -> dt.datetime:
    """A date and time (local time): a date-time or date cell, or dd/mm/yyyy [hh:mm[:ss]]
    or yyyy-mm-dd[ hh:mm[:ss]] text. A date alone is the start of that day."""
    tz = timezone.get_current_timezone()
    if isinstance(raw, dt.datetime):
        return raw if timezone.is_aware(raw) else raw.replace(tzinfo=tz)
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time.min, tzinfo=tz)
    text = str(raw).strip()
    for pattern, order in DATETIME_RES:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(m.group(i)) for i in order)
            hh, mm, ss = (int(m.group(i) or 0) for i in (4, 5, 6))
            try:
                return dt.datetime(y, mo, d, hh, mm, ss, tzinfo=tz)
            except ValueError:
                break
    raise CellError(
        _("'%(text)s' is not a date and time: write dd/mm/yyyy hh:mm or dd/mm/yyyy.")
        % {"text": text[:40]}
    )


def read_cell(col: Column, raw):
    """The value of a cell for its column (None when empty); raises CellError."""
    if col.type != DATETIME:
        return parse_cell(col, raw)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if col.required:
            raise CellError(_("This field is required."))
        return None
    return parse_datetime(raw)


# ---- files ---------------------------------------------------------------------------------


@dataclass
class Opened:
    tables: list[Table]
    skipped: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _blank(cell) -> bool:
    return cell in (None, "") or (isinstance(cell, str) and not cell.strip())


def _parse(line: int, columns: dict[int, Column], cells) -> Row | None:
    if all(_blank(c) for c in cells):
        return None
    row = Row(line, {})
    for i, col in columns.items():
        raw = cells[i] if i < len(cells) else None
        try:
            row.values[col.name] = read_cell(col, raw)
        except CellError as exc:
            row.errors.append((col.name, str(exc)))
            row.values[col.name] = None
    return row


def _columns(label: str, sheet: str, kind: str, header: list, line: int) -> dict[int, Column]:
    columns = header_map(kind, header)
    names = {c.name for c in columns.values()}
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in names]
    if missing:
        message = _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}
        raise FileRejected([RowError(label, sheet, line, "", message)])
    return columns


def _unknown_layout() -> str:
    return _("Cannot tell which kind of records the file holds: give the kind (%(kinds)s).") % {
        "kinds": ", ".join(KINDS)
    }


def _csv_table(path: Path, label: str, kind: str | None) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            first = _first_row(csv.reader(fh))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileRejected([RowError(label, "", 0, "", _not_csv(exc))]) from exc
    if first is None:
        raise FileRejected([RowError(label, "", 0, "", _("The file is empty."))])
    header_line, header = first
    kind = kind or detect_kind(header)
    if kind is None:
        raise FileRejected([RowError(label, "", header_line, "", _unknown_layout())])
    columns = _columns(label, "", kind, header, header_line)

    def rows() -> Iterator[Row]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            n = 0
            try:
                for n, cells in enumerate(csv.reader(fh), start=1):  # noqa: B007
                    if n > header_line and (row := _parse(n, columns, cells)) is not None:
                        yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                yield Row(n + 1, {}, [("", _not_csv(exc))])

    return Table(kind, label, "", frozenset(c.name for c in columns.values()), rows())


def _xlsx_tables(path: Path, label: str, kind: str | None, opened: Opened, books: list) -> None:
    from openpyxl import load_workbook

    _check_unpacked_size(path, label)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        message = _("The file cannot be read as an Excel workbook.")
        raise FileRejected([RowError(label, "", 0, "", message)]) from exc
    books.append(book)
    errors: list[RowError] = []
    for ws in book.worksheets:
        first = _first_row(ws.iter_rows(values_only=True))
        if first is None:
            continue
        header_line, header = first
        header = ["" if c is None else str(c) for c in header]
        sheet_kind = SHEET_NAMES.get(fold(ws.title))
        if sheet_kind is None:
            single = kind and len(book.worksheets) == 1
            sheet_kind = kind if single else detect_kind(header)
        if sheet_kind is None:
            opened.skipped.append(f"{label}[{ws.title}]")
            continue
        try:
            columns = _columns(label, ws.title, sheet_kind, header, header_line)
        except FileRejected as exc:
            errors += exc.errors
            continue
        names = frozenset(c.name for c in columns.values())
        rows = _sheet_rows(ws, header_line, columns)
        opened.tables.append(Table(sheet_kind, label, ws.title, names, rows))
    if errors:
        raise FileRejected(errors)


def _sheet_rows(ws, header_line: int, columns: dict[int, Column]) -> Iterator[Row]:
    width = max(columns) + 1
    cells = ws.iter_rows(min_row=header_line + 1, max_col=width, values_only=True)
    for n, values in enumerate(cells, start=header_line + 1):
        row = _parse(n, columns, values)
        if row is not None:
            yield row


@contextmanager
def opened(files: list[tuple[Path, str]], kind: str | None = None) -> Iterator[Opened]:
    """Open (path, label) files as tables; FileRejected lists every unreadable file."""
    result = Opened([])
    books: list = []
    errors: list[RowError] = []
    try:
        for path, label in files:
            result.labels.append(label)
            try:
                if not path.exists():
                    message = _("The file does not exist.")
                    raise FileRejected([RowError(label, "", 0, "", message)])
                fmt = sniff(path)
                if fmt is None:
                    message = _("The file is neither an Excel workbook (.xlsx) nor CSV text.")
                    raise FileRejected([RowError(label, "", 0, "", message)])
                if fmt == "xlsx":
                    _xlsx_tables(path, label, kind, result, books)
                else:
                    result.tables.append(_csv_table(path, label, kind))
            except FileRejected as exc:
                errors += exc.errors
        if not errors and not result.tables:
            message = _("Nothing to import: name the sheets %(kinds)s.") % {
                "kinds": ", ".join(KINDS)
            }
            errors.append(RowError(", ".join(result.labels), "", 0, "", message))
        if errors:
            raise FileRejected(errors)
        result.tables.sort(key=lambda t: KINDS.index(t.kind))
        yield result
    finally:
        for book in books:
            book.close()


def import_files(
    files: list[Path | tuple[Path, str]],
    kind: str | None = None,
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import CSV and XLSX files of tips, cases, suspects and seized items together (one
    transaction, in that order). `user`: whose jurisdiction every row must be in (None:
    the system). Raises ImportRejected (FileRejected for unreadable files)."""
    pairs = [f if isinstance(f, tuple) else (Path(f), Path(f).name) for f in files]
    with opened(pairs, kind) as found:
        result = import_tables(
            found.tables,
            user=user,
            dry_run=dry_run,
            progress=progress,
            sources=", ".join(found.labels),
        )
    result.skipped = found.skipped
    return result


__all__ = [
    "COLUMNS",
    "KINDS",
    "FileRejected",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "column_names",
    "import_files",
    "sniff",
]
