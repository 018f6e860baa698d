"""Read unit and lineage files into rows for `services.import_structure`.

Three layouts are recognised from the header row, in CSV (UTF-8, BOM allowed) or XLSX:
- the project layout of ../shared/data/vn-admin: code,name,type,level,parent_code;
- the statistics office's flat export: one row per commune with province and district
  columns ("Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, Mã PX, Cấp");
- residential areas: code,name,type,commune_code.
Lineage files: old_commune_code,new_commune_code.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

from binhyen.core.spreadsheets import reading
from binhyen.core.spreadsheets.cells import Formula, shown
from binhyen.core.text import fold

from .choices import Level
from .services.imports import LineageRow, RowError, UnitRow

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,19}$")
MAX_ROWS = 500_000

# Type words that open official names, longest first so "Thành phố" wins over "Thành".
TYPE_WORDS = sorted(
    [
        "Thành phố",
        "Thị xã",
        "Thị trấn",
        "Đặc khu",
        "Tỉnh",
        "Quận",
        "Huyện",
        "Phường",
        "Xã",
        "Tổ dân phố",
        "Khu phố",
        "Khu dân cư",
        "Thôn",
        "Xóm",
        "Bản",
        "Ấp",
        "Làng",
        "Buôn",
        "Plei",
        "Sóc",
        "Tổ",
        "Khu",
        "Khóm",
    ],
    key=len,
    reverse=True,
)

UNIT_COLUMNS = ["code", "name", "type", "level", "parent_code"]
AREA_COLUMNS = ["code", "name", "type", "commune_code"]
LINEAGE_COLUMNS = ["old_commune_code", "new_commune_code"]
# folded header → role, for the statistics office's export (before and after 2025)
GSO_HEADERS = {
    "tinh thanh pho": "province_name",
    "tinh/thanh pho": "province_name",
    "tinh / thanh pho": "province_name",
    "ma tp": "province_code",
    "quan huyen": "district_name",
    "quan/huyen": "district_name",
    "quan / huyen": "district_name",
    "ma qh": "district_code",
    "phuong xa": "commune_name",
    "phuong/xa": "commune_name",
    "phuong / xa": "commune_name",
    "ma px": "commune_code",
    "cap": "commune_type",
}


class FileRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:50]))


def type_word_of(name: str) -> str:
    for word in TYPE_WORDS:
        if fold(name).startswith(fold(word) + " "):
            return name[: len(word)]
    return ""


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of a CSV or XLSX file, cells as stripped text.
    A malformed file is refused with the line and column where it is (core.spreadsheets
    .reading: text that is not UTF-8, formulas, a damaged sheet)."""
    label = path.name
    if not path.exists():
        raise FileRejected([RowError(label, 0, "", _("file not found"))])
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected([RowError(label, 0, "", reading.not_readable(path))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column, _message = reading.not_utf8(path)
        msg = _("the file is not UTF-8 text (save it as CSV UTF-8)")
        raise FileRejected([RowError(label, line, fold(column), msg)]) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        rows = [(n, [_clean(c) for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        line, column, message = reading.csv_error(path, exc, reader.line_num)
        raise FileRejected([RowError(label, line, fold(column), message)]) from exc
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise FileRejected([RowError(label, 0, "", _("the file is empty"))])
    return [fold(c) for c in rows[0][1]], rows[1:]


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    try:  # formulas as formulas: refused below, never their last computed value
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        msg = _("the file cannot be read as an Excel workbook")
        raise FileRejected([RowError(path.name, 0, "", msg)]) from exc
    rows, errors, header = [], [], []
    try:
        for n, values in enumerate(reading.sheet_values(book.worksheets[0]), start=1):
            cells = ["" if v is None else _clean(str(v)) for v in values]
            if not header and any(cells):
                header = [fold(c) for c in cells]
            for i, value in enumerate(values):
                if isinstance(value, Formula):
                    column = header[i] if i < len(header) else ""
                    errors.append(RowError(path.name, n, column, _formula(value)))
            if any(cells):
                rows.append((n, cells))
    except reading.SheetUnreadable as exc:
        msg = _("the file cannot be read as an Excel workbook")
        errors.append(RowError(path.name, exc.line, "", msg))
    finally:
        book.close()
    if errors:
        raise FileRejected(errors)
    if not rows:
        raise FileRejected([RowError(path.name, 0, "", _("the file is empty"))])
    return header, rows[1:]


def _formula(value: str) -> str:
    return _(
        "The cell holds a formula (%(text)s): only values are imported. "
        "Copy the column and paste it as values."
    ) % {"text": shown(value)}


def _clean(cell: str) -> str:
    """Stripped and NFC-composed: the same name typed or saved two ways compares equal."""
    return unicodedata.normalize("NFC", cell.strip())


def _columns(label: str, header: list[str], wanted: list[str]) -> dict[str, int]:
    _require(label, [c for c in wanted if c not in header])
    return {c: header.index(c) for c in wanted}


def _require(label: str, missing: list[str]) -> None:
    """Refuse a header without these columns: each on its column, at the header row."""
    if missing:
        raise FileRejected(
            [
                RowError(label, 1, name, _("missing column(s): %(cols)s") % {"cols": name})
                for name in missing
            ]
        )


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def read_units(path: Path) -> list[UnitRow]:
    """Rows of a unit file in any recognised layout; FileRejected lists every bad row."""
    header, body = read_table(path)
    if len(body) > MAX_ROWS:
        raise FileRejected([RowError(path.name, 0, "", _("too many rows"))])
    if "level" in header:
        rows, errors = _read_project_layout(path.name, header, body)
    elif "commune_code" in header:
        rows, errors = _read_area_layout(path.name, header, body)
    elif any(h in GSO_HEADERS for h in header):
        rows, errors = _read_gso_layout(path.name, header, body)
    else:
        msg = _("unknown layout: expected columns %(cols)s") % {"cols": ",".join(UNIT_COLUMNS)}
        raise FileRejected([RowError(path.name, 1, "", msg)])
    if errors:
        raise FileRejected(errors)
    return rows


def _check(label, line, code, name, errors) -> bool:
    ok = True
    if not CODE_RE.match(code):
        msg = _("'%(code)s' is not a unit code") % {"code": shown(code)}
        errors.append(RowError(label, line, "code", msg))
        ok = False
    if not name:
        errors.append(RowError(label, line, "name", _("the name is empty")))
        ok = False
    elif len(name) > 200:
        errors.append(RowError(label, line, "name", _("the name is longer than 200 characters")))
        ok = False
    return ok


def _read_project_layout(label, header, body):
    cols = _columns(label, header, UNIT_COLUMNS)
    rows, errors = [], []
    levels = {str(v) for v in Level.values}
    for line, cells in body:
        code, name = _cell(cells, cols["code"]), _cell(cells, cols["name"])
        level = _cell(cells, cols["level"]).lower()
        parent = _cell(cells, cols["parent_code"])
        type_word = _cell(cells, cols["type"]) or type_word_of(name)
        ok = _check(label, line, code, name, errors)
        if level not in levels:
            msg = _("level must be one of %(levels)s") % {"levels": ", ".join(sorted(levels))}
            errors.append(RowError(label, line, "level", msg))
            ok = False
        if parent and not CODE_RE.match(parent):
            msg = _("'%(code)s' is not a unit code") % {"code": shown(parent)}
            errors.append(RowError(label, line, "parent_code", msg))
            ok = False
        if ok:
            rows.append(UnitRow(line, code, name, type_word, level, parent))
    return rows, errors


def _read_area_layout(label, header, body):
    cols = _columns(label, header, AREA_COLUMNS)
    rows, errors = [], []
    for line, cells in body:
        code, name = _cell(cells, cols["code"]), _cell(cells, cols["name"])
        commune = _cell(cells, cols["commune_code"])
        type_word = _cell(cells, cols["type"]) or type_word_of(name)
        ok = _check(label, line, code, name, errors)
        if not CODE_RE.match(commune):
            msg = _("'%(code)s' is not a unit code") % {"code": shown(commune)}
            errors.append(RowError(label, line, "commune_code", msg))
            ok = False
        if ok:
            rows.append(
                UnitRow(
                    line, code, name, type_word, Level.RESIDENTIAL_AREA, commune, "commune_code"
                )
            )
    return rows, errors


def _read_gso_layout(label, header, body):
    roles = {GSO_HEADERS[h]: i for i, h in enumerate(header) if h in GSO_HEADERS}
    needed = ["province_name", "province_code", "commune_name", "commune_code"]
    _require(label, [r for r in needed if r not in roles])
    has_district = "district_code" in roles and "district_name" in roles
    rows: list[UnitRow] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], tuple[int, str]] = {}

    def add(line, level, code, name, type_word, parent):
        if (level, code) in seen:
            first_line, first_name = seen[(level, code)]
            if first_name != name:
                msg = _("code %(code)s is %(name)s on line %(first)d: one code, one unit") % {
                    "code": code,
                    "name": first_name,
                    "first": first_line,
                }
                errors.append(RowError(label, line, "code", msg))
            return
        if _check(label, line, code, name, errors):
            seen[(level, code)] = (line, name)
            rows.append(UnitRow(line, code, name, type_word or type_word_of(name), level, parent))

    for line, cells in body:
        pcode, pname = _cell(cells, roles["province_code"]), _cell(cells, roles["province_name"])
        add(line, Level.PROVINCE, pcode, pname, "", "")
        parent = pcode
        if has_district:
            dcode = _cell(cells, roles["district_code"])
            add(line, Level.DISTRICT, dcode, _cell(cells, roles["district_name"]), "", pcode)
            parent = dcode
        ccode = _cell(cells, roles["commune_code"])
        if ccode:  # island districts have no commune row content
            ctype = _cell(cells, roles["commune_type"]) if "commune_type" in roles else ""
            add(line, Level.COMMUNE, ccode, _cell(cells, roles["commune_name"]), ctype, parent)
    return rows, errors


def read_lineage(path: Path) -> list[LineageRow]:
    header, body = read_table(path)
    cols = _columns(path.name, header, LINEAGE_COLUMNS)
    rows, errors = [], []
    for line, cells in body:
        old, new = _cell(cells, cols["old_commune_code"]), _cell(cells, cols["new_commune_code"])
        for column, code in (("old_commune_code", old), ("new_commune_code", new)):
            if not CODE_RE.match(code):
                msg = _("'%(code)s' is not a unit code") % {"code": shown(code)}
                errors.append(RowError(path.name, line, column, msg))
        rows.append(LineageRow(line, old, new))
    if errors:
        raise FileRejected(errors)
    return rows
