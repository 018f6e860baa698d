"""Spreadsheet import of tips and cases (docs/tips.md): the layout of each sheet (columns,
headers of the XLSX export accepted as aliases, sheet names) and a date-and-time cell.

Files are read by core.spreadsheets.reading (content sniffing, unpacked-size limit of
workbooks, streaming), cells by the shared rules of core.spreadsheets.cells (codes as
text, dates dd/mm/yyyy or yyyy-mm-dd, choices by value or by label in Vietnamese or
English) plus the date-and-time cell below. `services.imports` checks and writes the
rows, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.cells import (
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
from binhyen.core.spreadsheets.cells import col as _c
from binhyen.core.spreadsheets.reading import Layout
from binhyen.core.spreadsheets.tables import FileRejected

from .choices import Assessment, Category, Channel, Status
from .services.imports import KINDS, ImportRejected, ImportResult, import_tables

DATETIME = "datetime"


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


LAYOUT = Layout(KINDS, COLUMNS, SHEET_NAMES, ALIASES, read_cell)


column_names = LAYOUT.column_names


def import_files(
    files: list[Path | tuple[Path, str]], kind: str | None = None, **options
) -> ImportResult:
    """Import CSV and XLSX files of tips, cases, suspects and seized items together (one
    transaction, in that order). Options: `user`, whose jurisdiction every row must be in
    (None: the system), `dry_run`, `progress`. Raises ImportRejected (FileRejected for
    unreadable files)."""
    return reading.import_files(LAYOUT, import_tables, files, kind, **options)


__all__ = [
    "COLUMNS",
    "KINDS",
    "LAYOUT",
    "FileRejected",
    "ImportRejected",
    "column_names",
    "import_files",
]
