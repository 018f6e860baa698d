"""Open CSV files and XLSX workbooks as tables of rows, streamed, for any import layout.

A `Layout` describes what an app imports: its kinds of records (in import order), the
columns of each, and the sheet names that stand for each kind. A CSV file (UTF-8, BOM
allowed) holds one kind: given, or detected from its header. A workbook may hold several
sheets, each named by its kind (or recognised by its header; other sheets are skipped).
Headers match a column by its name or its Vietnamese header, case, diacritics, spaces and
underscores ignored. Rows are read one at a time (csv reader, openpyxl read-only), so
memory does not grow with the file; a file is recognised by its content, not its name.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.text import fold

from .cells import CellError, Column, parse_cell
from .tables import CsvSource, FileRejected, ImportResult, Progress, Row, RowError, Table

SNIFF_BYTES = 64 * 1024
# openpyxl keeps a workbook's shared strings in memory even in read-only mode: refuse a
# workbook whose XML would unpack to more than this (a "zip bomb" or a giant file).
MAX_SHARED_STRINGS_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024


def _key(text: str) -> str:
    return fold(str(text)).replace("_", " ")


@dataclass(frozen=True)
class Layout:
    """What an import reads. The messages take %(kinds)s (or %(names)s): the kinds."""

    kinds: tuple[str, ...]  # in import (dependency) order
    columns: Mapping[str, Sequence[Column]]
    sheet_names: Mapping[str, str]  # folded sheet name → kind
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # other headers
    read_cell: Callable[[Column, Any], Any] = parse_cell  # raises CellError
    unknown_message: str = gettext_lazy(
        "Cannot tell which kind of records the file holds: give the kind (%(kinds)s)."
    )
    empty_message: str = gettext_lazy("Nothing to import: name the sheets %(kinds)s.")

    def column_names(self, kind: str) -> list[str]:
        return [c.name for c in self.columns[kind]]

    def message(self, text: str) -> str:
        names = ", ".join(self.kinds)
        return str(text) % {"kinds": names, "names": names}

    def header_map(self, kind: str, header: list) -> dict[int, Column]:
        """Which column of the kind each header cell is. Unknown headers are left out."""
        by_key: dict[str, Column] = {}
        for col in self.columns[kind]:
            by_key[_key(col.name)] = col
            if col.vi:
                by_key.setdefault(_key(col.vi), col)
        named = {c.name: c for c in self.columns[kind]}
        for alias, name in self.aliases.get(kind, {}).items():
            by_key.setdefault(_key(alias), named[name])
        found: dict[int, Column] = {}
        for i, cell in enumerate(header):
            col = by_key.get(_key(cell or ""))
            if col is not None and col not in found.values():
                found[i] = col
        return found

    def detect(self, header: list) -> str | None:
        """The one kind whose required columns the header has (the best match if
        several); None when none or a tie."""
        scores = []
        for kind in self.kinds:
            cols = self.columns[kind]
            names = {c.name for c in self.header_map(kind, header).values()}
            if all(c.name in names for c in cols if c.required):
                scores.append((len(names) / len(cols), kind))
        scores.sort(reverse=True)
        if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
            return None
        return scores[0][1]


@dataclass
class Opened:
    """The tables of the files, in import order, and the sheets left out."""

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


def _rejected(label: str, message: str, sheet: str = "", line: int = 0) -> FileRejected:
    return FileRejected([RowError(label, sheet, line, "", message)])


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _parse(layout: Layout, line: int, columns: dict[int, Column], cells) -> Row | None:
    """A data row from its cells; None for an empty row."""
    if all(_blank(c) for c in cells):
        return None
    row = Row(line, {})
    for i, col in columns.items():
        raw = cells[i] if i < len(cells) else None
        try:
            row.values[col.name] = layout.read_cell(col, raw)
        except CellError as exc:
            row.errors.append((col.name, str(exc)))
            row.values[col.name] = None
    return row


def _columns(layout: Layout, label: str, sheet: str, kind: str, header: list, line: int):
    columns = layout.header_map(kind, header)
    names = {c.name for c in columns.values()}
    missing = [c.name for c in layout.columns[kind] if c.required and c.name not in names]
    if missing:
        message = _("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)}
        raise _rejected(label, message, sheet, line)
    return columns


def _first_row(rows) -> tuple[int, list] | None:
    for n, cells in enumerate(rows, start=1):
        if any(not _blank(c) for c in cells):
            return n, list(cells)
    return None


def _not_csv(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("The file is not UTF-8 text (save it as CSV UTF-8).")
    return _("The file cannot be read as CSV: %(error)s") % {"error": exc}


def _csv_table(layout: Layout, path: Path, label: str, kind: str | None) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            first = _first_row(csv.reader(fh))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _rejected(label, _not_csv(exc)) from exc
    if first is None:
        raise _rejected(label, _("The file is empty."))
    header_line, header = first
    kind = kind or layout.detect(header)
    if kind is None:
        raise _rejected(label, layout.message(layout.unknown_message), line=header_line)
    columns = _columns(layout, label, "", kind, header, header_line)

    def rows() -> Iterator[Row]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            n = 0
            try:
                for n, cells in enumerate(csv.reader(fh), start=1):  # noqa: B007 (n used below)
                    if n > header_line and (row := _parse(layout, n, columns, cells)) is not None:
                        yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                yield Row(n + 1, {}, [("", _not_csv(exc))])

    names = frozenset(c.name for c in columns.values())
    source = CsvSource(path, header_line, len(header), columns)
    return Table(kind, label, "", names, rows(), source)


def _check_unpacked_size(path: Path, label: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _rejected(label, _("The file cannot be read as an Excel workbook.")) from exc
    shared = sum(p.file_size for p in parts if p.filename.endswith("sharedStrings.xml"))
    if shared > MAX_SHARED_STRINGS_BYTES or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        message = _(
            "The workbook is too large once unpacked: split it, or save its sheets as CSV files."
        )
        raise _rejected(label, message)


def _xlsx_tables(
    layout: Layout, path: Path, label: str, kind: str | None, found: Opened, books: list
) -> None:
    from openpyxl import load_workbook

    _check_unpacked_size(path, label)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise _rejected(label, _("The file cannot be read as an Excel workbook.")) from exc
    books.append(book)
    sheets = book.worksheets
    errors: list[RowError] = []
    for ws in sheets:
        first = _first_row(ws.iter_rows(values_only=True))
        if first is None:
            continue
        header_line, header = first
        header = ["" if c is None else str(c) for c in header]
        sheet_kind = layout.sheet_names.get(fold(ws.title))
        if sheet_kind is None:
            sheet_kind = kind if (kind and len(sheets) == 1) else layout.detect(header)
        if sheet_kind is None:
            found.skipped.append(f"{label}[{ws.title}]")
            continue
        try:
            columns = _columns(layout, label, ws.title, sheet_kind, header, header_line)
        except FileRejected as exc:
            errors += exc.errors
            continue
        rows = _sheet_rows(layout, ws, header_line, columns)
        names = frozenset(c.name for c in columns.values())
        found.tables.append(Table(sheet_kind, label, ws.title, names, rows))
    if errors:
        raise FileRejected(errors)


def _sheet_rows(layout: Layout, ws, header_line: int, columns: dict[int, Column]) -> Iterator[Row]:
    width = max(columns) + 1
    cells = ws.iter_rows(min_row=header_line + 1, max_col=width, values_only=True)
    for n, values in enumerate(cells, start=header_line + 1):
        row = _parse(layout, n, columns, values)
        if row is not None:
            yield row


@contextmanager
def opened(
    layout: Layout, files: list[tuple[Path, str]], kind: str | None = None
) -> Iterator[Opened]:
    """Open (path, label) files as tables; FileRejected lists every unreadable file.
    `kind` is the kind of CSV files and single-sheet workbooks (else detected)."""
    result = Opened([])
    books: list = []
    errors: list[RowError] = []
    try:
        for path, label in files:
            result.labels.append(label)
            try:
                if not path.exists():
                    raise _rejected(label, _("The file does not exist."))
                fmt = sniff(path)
                if fmt is None:
                    message = _("The file is neither an Excel workbook (.xlsx) nor CSV text.")
                    raise _rejected(label, message)
                if fmt == "xlsx":
                    _xlsx_tables(layout, path, label, kind, result, books)
                else:
                    result.tables.append(_csv_table(layout, path, label, kind))
            except FileRejected as exc:
                errors += exc.errors
        if not errors and not result.tables:
            message = layout.message(layout.empty_message)
            errors.append(RowError(", ".join(result.labels), "", 0, "", message))
        if errors:
            raise FileRejected(errors)
        result.tables.sort(key=lambda t: layout.kinds.index(t.kind))
        yield result
    finally:
        for book in books:
            book.close()


def import_files(
    layout: Layout,
    import_tables: Callable[..., ImportResult],
    files: Sequence[Path | tuple[Path, str]],
    kind: str | None = None,
    *,
    user=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read the files by the layout and import their tables together with the app's
    `import_tables(tables, user=, dry_run=, progress=, sources=)` (one transaction).
    `files` are paths or (path, name shown in errors). Raises ImportRejected
    (FileRejected for unreadable files)."""
    pairs = [f if isinstance(f, tuple) else (Path(f), Path(f).name) for f in files]
    with opened(layout, pairs, kind) as found:
        result = import_tables(
            found.tables,
            user=user,
            dry_run=dry_run,
            progress=progress,
            sources=", ".join(found.labels),
        )
    result.skipped = found.skipped
    return result
