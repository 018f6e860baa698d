"""Open CSV files and XLSX workbooks as tables of register rows, streamed (the same
reading rules as the registry's imports, schemes.importers.reading).

A CSV file (UTF-8, BOM allowed) holds one register: given, or detected from its header.
A workbook may hold several sheets, each named by its register (slug or Vietnamese name)
or recognised by its header; other sheets are skipped."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from binhyen.core.text import fold
from binhyen.schemes.importers.columns import CellError, Column, parse_cell
from binhyen.schemes.importers.reading import (
    MAX_SHARED_STRINGS_BYTES,
    MAX_UNPACKED_BYTES,
    FileRejected,
    sniff,
)
from binhyen.schemes.services.imports import Row, RowError, Table

from ..registers import SLUGS
from .columns import COLUMNS, SHEET_NAMES, detect_register, header_map

__all__ = ["FileRejected", "Opened", "opened", "sniff"]


@dataclass
class Opened:
    tables: list[Table]
    skipped: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _parse(line: int, columns: dict[int, Column], cells) -> Row | None:
    if all(_blank(c) for c in cells):
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


def _columns(label: str, sheet: str, slug: str, header: list, line: int) -> dict[int, Column]:
    columns = header_map(slug, header)
    names = {c.name for c in columns.values()}
    missing = [c.name for c in COLUMNS[slug] if c.required and c.name not in names]
    if missing:
        message = _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}
        raise FileRejected([RowError(label, sheet, line, "", message)])
    return columns


def _first_row(rows) -> tuple[int, list] | None:
    for n, cells in enumerate(rows, start=1):
        if any(not _blank(c) for c in cells):
            return n, list(cells)
    return None


def _unknown_layout() -> str:
    return _("Cannot tell which register the file holds: give the register (%(names)s).") % {
        "names": ", ".join(SLUGS)
    }


def _not_csv(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("The file is not UTF-8 text (save it as CSV UTF-8).")
    return _("The file cannot be read as CSV: %(error)s") % {"error": exc}


def _csv_table(path: Path, label: str, slug: str | None) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            first = _first_row(csv.reader(fh))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileRejected([RowError(label, "", 0, "", _not_csv(exc))]) from exc
    if first is None:
        raise FileRejected([RowError(label, "", 0, "", _("The file is empty."))])
    header_line, header = first
    slug = slug or detect_register(header)
    if slug is None:
        raise FileRejected([RowError(label, "", header_line, "", _unknown_layout())])
    columns = _columns(label, "", slug, header, header_line)

    def rows() -> Iterator[Row]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            n = 0
            try:
                for n, cells in enumerate(csv.reader(fh), start=1):  # noqa: B007
                    if n > header_line and (row := _parse(n, columns, cells)) is not None:
                        yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                yield Row(n + 1, {}, [("", _not_csv(exc))])

    return Table(slug, label, "", frozenset(c.name for c in columns.values()), rows())


def _check_unpacked_size(path: Path, label: str) -> None:
    """Refuse a workbook whose XML would unpack too large (as the registry's imports)."""
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


def _sheet_rows(ws, header_line: int, columns: dict[int, Column]) -> Iterator[Row]:
    width = max(columns) + 1
    cells = ws.iter_rows(min_row=header_line + 1, max_col=width, values_only=True)
    for n, values in enumerate(cells, start=header_line + 1):
        row = _parse(n, columns, values)
        if row is not None:
            yield row


def _xlsx_tables(path: Path, label: str, slug: str | None, found: Opened, books: list) -> None:
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
        sheet_slug = SHEET_NAMES.get(fold(ws.title))
        if sheet_slug is None:
            sheet_slug = slug if (slug and len(sheets) == 1) else detect_register(header)
        if sheet_slug is None:
            found.skipped.append(f"{label}[{ws.title}]")
            continue
        try:
            columns = _columns(label, ws.title, sheet_slug, header, header_line)
        except FileRejected as exc:
            errors += exc.errors
            continue
        names = frozenset(c.name for c in columns.values())
        found.tables.append(
            Table(sheet_slug, label, ws.title, names, _sheet_rows(ws, header_line, columns))
        )
    if errors:
        raise FileRejected(errors)


@contextmanager
def opened(files: list[tuple[Path, str]], slug: str | None = None) -> Iterator[Opened]:
    """Open (path, label) files as tables; FileRejected lists every unreadable file.
    `slug` is the register of CSV files and one-sheet workbooks (else detected)."""
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
                    _xlsx_tables(path, label, slug, result, books)
                else:
                    result.tables.append(_csv_table(path, label, slug))
            except FileRejected as exc:
                errors += exc.errors
        if not errors and not result.tables:
            message = _("Nothing to import: name the sheets %(names)s.") % {
                "names": ", ".join(SLUGS)
            }
            errors.append(RowError(", ".join(result.labels), "", 0, "", message))
        if errors:
            raise FileRejected(errors)
        result.tables.sort(key=lambda t: SLUGS.index(t.kind))
        yield result
    finally:
        for book in books:
            book.close()
