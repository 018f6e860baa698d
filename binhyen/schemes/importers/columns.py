"""The import (and export) layout of each kind: its columns, and how a cell is read.

Cells come from CSV (text) or XLSX (text, numbers, dates, booleans). Code columns must
be text: a number in an XLSX code cell has lost its leading zeros, so it is refused
rather than guessed. Dates are dd/mm/yyyy or yyyy-mm-dd (or a date cell).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from binhyen.core.text import fold

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

TEXT, CODE, SLUG, REF, PHONE, DATE, INT, DECIMAL, BOOL, CHOICE, LIST, PARTS = (
    "text", "code", "slug", "ref", "phone", "date", "int", "decimal", "bool", "choice",
    "list", "parts",
)  # fmt: skip

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,19}$")  # as geo.importers
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
REF_RE = re.compile(r"^(#\d{1,18}|[0-9A-Za-z][0-9A-Za-z._:/\-]{0,39})$")
PHONE_RE = re.compile(r"^[0-9+().\- ]{3,40}$")
DATE_RES = (
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
)
YES = {"1", "x", "true", "yes", "y", "co", "c", "dung"}
NO = {"0", "false", "no", "n", "khong", "k", "sai"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    max_length: int = 255
    choices: Any = None  # a TextChoices class or a list of (value, label)
    vi: str = ""  # the Vietnamese header, accepted as well as `name`
    text_only: bool = False  # a number in an XLSX cell is refused (codes, phones)

    @property
    def is_code(self) -> bool:
        return self.text_only or self.type in (CODE, PHONE)


def _c(name, type_=TEXT, vi="", **kw) -> Column:
    return Column(name, type_, vi=vi, **kw)


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


class CellError(Exception):
    pass


_choice_cache: dict[int, dict[str, str]] = {}


def _choice_keys(choices) -> dict[str, str]:
    """Folded value or label (in Vietnamese or English) → value."""
    cached = _choice_cache.get(id(choices))
    if cached is None:
        pairs = choices.choices if hasattr(choices, "choices") else choices
        cached = {}
        for lang in ("en", "vi"):
            with translation.override(lang):
                for value, label in pairs:
                    cached.setdefault(fold(str(label)), value)
        for value, _label in pairs:
            cached[fold(value)] = value
        _choice_cache[id(choices)] = cached
    return cached


def _text(raw, col: Column) -> str:
    """A cell as clean text (stripped, NFC); numbers and dates refused where they hurt."""
    if isinstance(raw, str):
        return unicodedata.normalize("NFC", raw.strip())
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        raise CellError(_("The cell is a date: format the column as Text."))
    if isinstance(raw, int | float | Decimal):
        if col.is_code:
            raise CellError(
                _(
                    "The cell is a number: format the column as Text and type the code "
                    "again (a number loses its leading zeros)."
                )
            )
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw)
    return str(raw).strip()


def parse_date(raw) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = raw if isinstance(raw, str) else str(raw)
    for pattern, order in DATE_RES:
        m = pattern.match(text.strip())
        if m:
            y, mo, d = (int(m.group(i)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                break
    raise CellError(_("'%(text)s' is not a date: write dd/mm/yyyy or yyyy-mm-dd.") % {"text": text})


def _choice(text: str, col: Column) -> str:
    value = _choice_keys(col.choices).get(fold(text))
    if value is None:
        pairs = col.choices.choices if hasattr(col.choices, "choices") else col.choices
        allowed = ", ".join(v for v, _label in pairs)
        raise CellError(
            _("'%(text)s' is not one of: %(choices)s.") % {"text": text, "choices": allowed}
        )
    return value


def parse_cell(col: Column, raw) -> Any:
    """The value of a cell for its column; None when empty. Raises CellError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if col.required:
            raise CellError(_("This field is required."))
        return None
    if col.type == DATE:
        return parse_date(raw)
    if col.type == BOOL:
        if isinstance(raw, bool):
            return raw
        text = fold(_text(raw, col))
        if text in YES or text in NO:
            return text in YES
        raise CellError(_("'%(text)s' is not yes or no.") % {"text": raw})
    if col.type == INT:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = _text(raw, col)
        if not text.isdigit() or int(text) > 32767:
            raise CellError(_("'%(text)s' is not a whole number from 0 to 32767.") % {"text": text})
        return int(text)
    if col.type == DECIMAL:
        text = _text(raw, col) if not isinstance(raw, int | float) else repr(raw)
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Vietnamese decimal comma
        try:
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise CellError(_("'%(text)s' is not a number.") % {"text": text}) from None
    if col.type == REF and isinstance(raw, int | float) and float(raw).is_integer():
        raw = str(int(raw))  # a plain number is a fine reference
    text = _text(raw, col)
    if col.type == LIST:
        items = [i.strip() for i in re.split(r"[;,]", text) if i.strip()]
        if col.choices is not None:
            return [_choice(i, col) for i in items]
        for item in items:
            if not SLUG_RE.match(item):
                raise CellError(_("'%(text)s' is not a valid code.") % {"text": item})
        return items
    if col.type == PARTS:
        parts = []
        for item in (i.strip() for i in text.split(";")):
            code, sep, name = item.partition(":")
            if not item:
                continue
            if not sep or not SLUG_RE.match(code.strip()) or not name.strip():
                raise CellError(_("'%(text)s' is not code:name.") % {"text": item})
            if len(name.strip()) > col.max_length:
                raise CellError(_("Longer than %(n)d characters.") % {"n": col.max_length})
            parts.append((code.strip(), name.strip()))
        return parts
    if col.type == CHOICE:
        return _choice(text, col)
    checks = {CODE: CODE_RE, SLUG: SLUG_RE, REF: REF_RE, PHONE: PHONE_RE}
    pattern = checks.get(col.type)
    if pattern is not None and not pattern.match(text):
        if col.type == REF:
            message = _(
                "'%(text)s' is not a valid reference: 1 to 40 letters, digits or . _ : / -, "
                "starting with a letter or digit."
            )
        elif col.type == PHONE:
            message = _("'%(text)s' is not a phone number.")
        else:
            message = _("'%(text)s' is not a valid code.")
        raise CellError(message % {"text": text})
    if len(text) > col.max_length:
        raise CellError(_("Longer than %(n)d characters.") % {"n": col.max_length})
    return text
