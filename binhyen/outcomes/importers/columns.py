"""The import (and export) layout of each register: the common columns of the ledgers,
each register's own, and those of managed persons, and the sheet names of each. Cells are
read by the shared rules (core.spreadsheets.cells): dates dd/mm/yyyy or yyyy-mm-dd, codes
as text, choices by value or by label in Vietnamese or English."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhyen.core.spreadsheets.cells import (
    BOOL,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INT,
    REF,
    TEXT,
    Column,
)
from binhyen.core.spreadsheets.cells import col as _c
from binhyen.core.spreadsheets.reading import Layout
from binhyen.core.text import fold

from ..choices import ExitReason, SupervisionKind
from ..registers import LEDGERS, MANAGED, MANAGED_SHEET_VI, SLUGS

# the model field of a register → its column(s): types and Vietnamese headers
OWN_COLUMNS: dict[str, Column] = {
    "kind@weapons": _c("kind", CHOICE, "Loại", required=True),
    "quantity": _c("quantity", DECIMAL, "Số lượng", required=True),
    "sex": _c("sex", CHOICE, "Giới tính", required=True),
    "returned_from": _c("returned_from", CHOICE, "Trở về từ"),
    "cases": _c("cases", INT, "Số vụ vi phạm", required=True),
    "nationality": _c("nationality", CHOICE, "Quốc tịch", required=True),
    "people@illegal-entries": _c("people", INT, "Số người", required=True),
    "kind@mediations": _c("kind", CHOICE, "Loại việc", required=True),
    "result": _c("result", CHOICE, "Kết quả", required=True),
    "topic": _c("topic", TEXT, "Chủ đề"),
    "attendees": _c("attendees", INT, "Số người dự", required=True),
    "subject": _c("subject", TEXT, "Nội dung cam kết"),
    "households": _c("households", INT, "Số hộ", required=True),
    "patrols": _c("patrols", INT, "Số buổi tuần tra", required=True),
    "people@patrols": _c("people", INT, "Số lượt người", required=True),
}

LEDGER_HEAD = [
    _c("ref", REF, "Mã tham chiếu"),
    _c("date", DATE, "Ngày", required=True),
    _c("unit_code", CODE, "Mã đơn vị", required=True),
]
LEDGER_TAIL = [
    _c("scheme_ref", REF, "Mã tham chiếu mô hình"),
    _c("notes", TEXT, "Ghi chú", max_length=500),
]
IDENTITY_COLUMNS = ("full_name", "birth_year", "id_number", "address")
MANAGED_COLUMNS = [
    _c("ref", REF, "Mã tham chiếu"),
    _c("person_code", CODE, "Mã người"),
    _c("full_name", TEXT, "Họ và tên", max_length=120),
    _c("birth_year", INT, "Năm sinh"),
    _c("id_number", TEXT, "Số định danh", max_length=20, text_only=True),
    _c("address", TEXT, "Nơi cư trú"),
    _c("kind", CHOICE, "Diện quản lý", required=True, choices=SupervisionKind),
    _c("intake_on", DATE, "Ngày tiếp nhận", required=True),
    _c("unit_code", CODE, "Mã đơn vị", required=True),
    _c("group_ref", REF, "Mã tham chiếu tổ"),
    _c("scheme_ref", REF, "Mã tham chiếu mô hình"),
    _c("exit_on", DATE, "Ngày kết thúc"),
    _c("exit_reason", CHOICE, "Lý do kết thúc", choices=ExitReason),
    _c("exemplary", BOOL, "Điển hình"),
]


def _own(slug: str, name: str) -> Column:
    col = OWN_COLUMNS.get(f"{name}@{slug}") or OWN_COLUMNS[name]
    if col.type == CHOICE:
        choices = LEDGERS[slug].model._meta.get_field(name).choices
        col = Column(col.name, col.type, col.required, col.max_length, choices, col.vi)
    return col


COLUMNS: dict[str, list[Column]] = {
    slug: (
        MANAGED_COLUMNS
        if slug == MANAGED
        else [*LEDGER_HEAD, *[_own(slug, n) for n in LEDGERS[slug].fields], *LEDGER_TAIL]
    )
    for slug in SLUGS
}
# what exports write: everything but a managed person's identity
EXPORT_COLUMNS: dict[str, list[Column]] = {
    slug: [c for c in cols if c.name not in IDENTITY_COLUMNS] for slug, cols in COLUMNS.items()
}
# sheet names (folded) → register; a sheet of another name is recognised by its header
SHEET_NAMES = {
    **{fold(slug): slug for slug in SLUGS},
    **{fold(slug.replace("-", " ")): slug for slug in SLUGS},
    **{fold(r.sheet_vi): slug for slug, r in LEDGERS.items()},
    fold(MANAGED_SHEET_VI): MANAGED,
}
# a service's field → the file's column
FIELD_COLUMNS = {
    "unit": "unit_code",
    "scheme": "scheme_ref",
    "group": "group_ref",
    "person": "person_code",
}


LAYOUT = Layout(
    SLUGS,
    COLUMNS,
    SHEET_NAMES,
    unknown_message=_("Cannot tell which register the file holds: give the register (%(names)s)."),
)


column_names = LAYOUT.column_names
