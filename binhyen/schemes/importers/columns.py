"""The import (and export) layout of each kind of the registry: its columns, Vietnamese
headers and sheet names. Cells are read by the shared rules (core.spreadsheets.cells,
re-exported here for the exports): codes as text, dates dd/mm/yyyy or yyyy-mm-dd."""

from __future__ import annotations

from binhyen.core.spreadsheets.cells import (
    BOOL,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INT,
    LIST,
    PARTS,
    PHONE,
    REF,
    SLUG,
    TEXT,
    CellError,
    Column,
    parse_cell,
    parse_date,
)
from binhyen.core.spreadsheets.cells import col as _c
from binhyen.core.spreadsheets.reading import Layout

from ..choices import (
    ORGANIZATION_KINDS,
    GroupKind,
    HostKind,
    MemberRole,
    Origin,
    ReligiousKind,
    SchoolLevel,
    SizeClass,
    Status,
)
from ..services.imports.base import KINDS

COLUMNS: dict[str, list[Column]] = {
    "types": [
        _c("code", SLUG, "Mã", required=True, max_length=60),
        _c("name", TEXT, "Tên", required=True),
        _c("name_en", TEXT, "Tên tiếng Anh"),
        _c("description", TEXT, "Mô tả", max_length=10000),
        _c("labels", LIST, "Nhãn"),
        _c("hosts", LIST, "Loại chủ thể", required=True, choices=HostKind),
        _c("origin", CHOICE, "Nguồn gốc", required=True, choices=Origin),
        _c("origin_unit_code", CODE, "Mã đơn vị khởi xướng"),
        _c("has_groups", BOOL, "Có tổ"),
        _c("components", PARTS, "Thành phần", max_length=200),
    ],
    "hosts": [
        _c("ref", REF, "Mã tham chiếu", required=True),
        _c("kind", CHOICE, "Loại", required=True, choices=ORGANIZATION_KINDS),
        _c("name", TEXT, "Tên", required=True),
        _c("commune_code", CODE, "Mã xã", required=True),
        _c("residential_area_code", CODE, "Mã khu dân cư"),
        _c("address", TEXT, "Địa chỉ"),
        _c("tax_code", TEXT, "Mã số thuế", max_length=40, text_only=True),
        _c("size_class", CHOICE, "Quy mô", choices=SizeClass),
        _c("school_level", CHOICE, "Cấp học", choices=SchoolLevel),
        _c("religious_kind", CHOICE, "Loại cơ sở tôn giáo", choices=ReligiousKind),
        _c("established_on", DATE, "Ngày thành lập"),
        _c("ceased_on", DATE, "Ngày ngừng hoạt động"),
        _c("notes", TEXT, "Ghi chú", max_length=10000),
    ],
    "points": [
        _c("ref", REF, "Mã tham chiếu", required=True),
        _c("type_code", SLUG, "Mã loại mô hình", required=True, max_length=60),
        _c("name", TEXT, "Tên", required=True),
        _c("host_kind", CHOICE, "Loại chủ thể", required=True, choices=HostKind),
        _c("unit_code", CODE, "Mã đơn vị"),
        _c("host_ref", REF, "Mã tham chiếu cơ quan, tổ chức"),
        _c("established_on", DATE, "Ngày thành lập", required=True),
        _c("decision_number", TEXT, "Số quyết định", max_length=60, text_only=True),
        _c("decision_date", DATE, "Ngày quyết định"),
        _c("decision_signer", TEXT, "Người ký", max_length=120),
        _c("leader_name", TEXT, "Người phụ trách", max_length=120),
        _c("leader_phone", PHONE, "Điện thoại", max_length=40),
        _c("contacts", TEXT, "Liên hệ khác", text_only=True),
        _c("latitude", DECIMAL, "Vĩ độ"),
        _c("longitude", DECIMAL, "Kinh độ"),
        _c("replicated_from_ref", REF, "Nhân rộng từ"),
        _c("notes", TEXT, "Ghi chú", max_length=10000),
        _c("status", CHOICE, "Tình trạng", choices=Status),
        _c("status_date", DATE, "Ngày chuyển tình trạng"),
        _c("status_reason", TEXT, "Lý do", max_length=2000),
    ],
    "groups": [
        _c("ref", REF, "Mã tham chiếu", required=True),
        _c("residential_area_code", CODE, "Mã khu dân cư", required=True),
        _c("name", TEXT, "Tên", required=True),
        _c("kind", CHOICE, "Loại", choices=GroupKind),
        _c("established_on", DATE, "Ngày thành lập", required=True),
        _c("dissolved_on", DATE, "Ngày giải thể"),
        _c("scheme_ref", REF, "Mã tham chiếu mô hình"),
    ],
    "households": [
        _c("ref", REF, "Mã tham chiếu", required=True),
        _c("residential_area_code", CODE, "Mã khu dân cư", required=True),
        _c("head_name", TEXT, "Chủ hộ", required=True, max_length=120),
        _c("address", TEXT, "Địa chỉ"),
        _c("people", INT, "Số nhân khẩu"),
        _c("group_ref", REF, "Mã tham chiếu tổ"),
        _c("joined_on", DATE, "Ngày vào tổ"),
        _c("left_on", DATE, "Ngày rời tổ"),
    ],
    "members": [
        _c("group_ref", REF, "Mã tham chiếu tổ", required=True),
        _c("full_name", TEXT, "Họ và tên", required=True, max_length=120),
        _c("role", CHOICE, "Vai trò", choices=MemberRole),
        _c("phone", PHONE, "Điện thoại", max_length=40),
        _c("joined_on", DATE, "Ngày vào tổ", required=True),
        _c("left_on", DATE, "Ngày rời tổ"),
        _c("household_ref", REF, "Mã tham chiếu hộ"),
    ],
}
# sheet names (folded) → kind; a sheet of another name is recognised by its header
SHEET_NAMES = {
    **{k: k for k in COLUMNS},
    "loai mo hinh": "types",
    "to chuc": "hosts",
    "mo hinh": "points",
    "to": "groups",
    "ho gia dinh": "households",
    "thanh vien": "members",
}


LAYOUT = Layout(KINDS, COLUMNS, SHEET_NAMES)


column_names = LAYOUT.column_names


__all__ = [
    "BOOL",
    "CHOICE",
    "CODE",
    "COLUMNS",
    "DATE",
    "DECIMAL",
    "INT",
    "LAYOUT",
    "LIST",
    "PARTS",
    "PHONE",
    "REF",
    "SHEET_NAMES",
    "SLUG",
    "TEXT",
    "CellError",
    "Column",
    "column_names",
    "parse_cell",
    "parse_date",
]
