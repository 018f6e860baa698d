"""Open CSV files and XLSX workbooks as tables of rows, streamed.

A CSV file (UTF-8, BOM allowed) holds one kind: given, or detected from its header. A
workbook may hold several sheets, each named by its kind (or recognised by its header;
other sheets are skipped). Rows are read one at a time (csv reader, openpyxl read-only),
so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from binhyen.core.text import fold

from ..services.imports import KINDS, ImportRejected, Row, RowError, Table
from .columns import COLUMNS, SHEET_NAMES, CellError, Column, detect_kind, header_map, parse_cell

SNIFF_BYTES = 64 * 1024


class FileRejected(ImportRejected):
    """A file cannot be read at all (missing, not CSV/XLSX, no header, missing columns)."""


@dataclass
class Opened:
    """The tables of the files, in dependency order, and the sheets left out."""

    tables: list[Table]
    skipped: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def sniff(path: Path) -> str | None:
    """'xlsx' or 'csv' by content (not by name), or None when it is neither."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                return "xlsx" if "xl/workbook.xml" in z.namelist() else None
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return None
    if b"\x00" in head:
        return None
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return "csv"


def _parse(line: int, columns: dict[int, Column], cells) -> Row | None:
    """A data row from its cells; None for an empty row."""
    if not any(c not in (None, "") and not (isinstance(c, str) and not c.strip()) for c in cells):
        return None
    row = Row(line, {})
    for i, col in columns.items():
        raw = cells[i] if i < len(cells) else None
        try:
            row.values[col.name] = parse_cell(col, raw)
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


def _first_row(rows) -> tuple[int, list] | None:
    for n, cells in enumerate(rows, start=1):
        if any(c not in (None, "") for c in cells):
            return n, list(cells)
    return None


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
            reader = csv.reader(fh)
            n = 0
            try:
                for n, cells in enumerate(reader, start=1):  # noqa: B007 (n used below)
                    if n > header_line and (row := _parse(n, columns, cells)) is not None:
                        yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                yield Row(n + 1, {}, [("", _not_csv(exc))])

    return Table(kind, label, "", frozenset(c.name for c in columns.values()), rows())


def _not_csv(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("The file is not UTF-8 text (save it as CSV UTF-8).")
    return _("The file cannot be read as CSV: %(error)s") % {"error": exc}


def _unknown_layout() -> str:
    return _("Cannot tell which kind of records the file holds: give the kind (%(kinds)s).") % {
        "kinds": ", ".join(KINDS)
    }


# openpyxl keeps a workbook's shared strings in memory even in read-only mode: refuse a
# workbook whose XML would unpack to more than this (a "zip bomb" or a giant file).
MAX_SHARED_STRINGS_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024


def _check_unpacked_size(path: Path, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        message = _("The file cannot be read as an Excel workbook.")
        raise FileRejected([RowError(label, "", 0, "", message)]) from exc
    shared = sum(p.file_size for p in parts if p.filename.endswith("sharedStrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        message = _(
            "The workbook is too large once unpacked: split it, or save its sheets as CSV files."
        )
        raise FileRejected([RowError(label, "", 0, "", message)])


def _xlsx_tables(path: Path, label: str, kind: str | None, opened: Opened, books: list) -> None:
    from openpyxl import load_workbook

    _check_unpacked_size(path, label)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        message = _("The file cannot be read as an Excel workbook.")
        raise FileRejected([RowError(label, "", 0, "", message)]) from exc
    books.append(book)
    sheets = book.worksheets
    errors: list[RowError] = []
    for ws in sheets:
        first = _first_row(ws.iter_rows(values_only=True))
        if first is None:
            continue
        header_line, header = first
        header = ["" if c is None else str(c) for c in header]
        sheet_kind = SHEET_NAMES.get(fold(ws.title))
        if sheet_kind is None:
            sheet_kind = kind if (kind and len(sheets) == 1) else detect_kind(header)
        if sheet_kind is None:
            opened.skipped.append(f"{label}[{ws.title}]")
            continue
        try:
            columns = _columns(label, ws.title, sheet_kind, header, header_line)
        except FileRejected as exc:
            errors += exc.errors
            continue
        rows = _sheet_rows(ws, header_line, columns)
        names = frozenset(c.name for c in columns.values())
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
    """Open (path, label) files as tables; FileRejected lists every unreadable file.
    `kind` is the kind of CSV files and single-sheet workbooks (else detected)."""
    result = Opened([])
    books: list = []
    errors: list[RowError] = []
    try:
        for path, label in files:
            result.labels.append(label)
            fmt = sniff(path) if path.exists() else "missing"
            try:
                if fmt == "missing":
                    message = _("The file does not exist.")
                    raise FileRejected([RowError(label, "", 0, "", message)])
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
