"""Open CSV files and XLSX workbooks as tables of rows, streamed, for any import layout.

A `Layout` describes what an app imports: its kinds of records (in import order), the
columns of each, and the sheet names that stand for each kind. A CSV file (UTF-8, BOM
allowed) holds one kind: given, or detected from its header. A workbook may hold several
sheets, each named by its kind (or recognised by its header; other sheets are skipped).
Headers match a column by its name or its Vietnamese header, case, diacritics, spaces and
underscores ignored. Rows are read one at a time (csv reader, openpyxl read-only), so
memory does not grow with the file; a file is recognised by its content, not its name.

A malformed file is refused with its row and column, never a traceback: text that is
not UTF-8 (a CSV saved as Windows-1258 or Latin-1) at the line and column of its first
such byte; a workbook cell holding a formula at its cell (only values are imported, and
the value a spreadsheet program last computed is not trusted); a sheet whose XML breaks
off at the row where it does; a missing column at the header row, by its name.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhyen.core.text import fold

from .cells import CellError, Column, Formula, parse_cell, shown
from .tables import CsvSource, FileRejected, ImportResult, Progress, Row, RowError, Table

SNIFF_BYTES = 64 * 1024
# bytes no text file holds (C0 controls but tab, newline, form feed, carriage return)
CONTROL_BYTES = bytes([*range(1, 9), 11, *range(14, 32), 127])
# a worksheet's formula element, <f>, <f t="shared" .../> or <x:f> (not <formula>)
FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z]\w*:)?f[\s/>]")
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
    """'xlsx' or 'csv' by content (not by name), or None when it is neither. Text in
    another encoding than UTF-8 is 'csv' too: reading it says where it is not UTF-8."""
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
        controls = sum(head.count(b) for b in CONTROL_BYTES)
        return "csv" if controls * 100 < len(head) else None  # a binary file has many
    return "csv"


def not_readable(path: Path) -> str:
    """Why a file `sniff` refuses cannot be read, as the user can act on it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        head = b""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _("The file is UTF-16 text: save it as CSV UTF-8.")
    if head.startswith(b"PK"):
        return _(
            "The file is a damaged or incomplete Excel workbook (or another kind of archive): "
            "save it again as .xlsx."
        )
    return _("The file is neither an Excel workbook (.xlsx) nor CSV text.")


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
            if isinstance(raw, Formula):
                raise CellError(
                    _(
                        "The cell holds a formula (%(text)s): only values are imported. "
                        "Copy the column and paste it as values."
                    )
                    % {"text": shown(raw)}
                )
            row.values[col.name] = layout.read_cell(col, raw)
        except CellError as exc:
            row.errors.append((col.name, str(exc)))
            row.values[col.name] = None
    return row


def _columns(layout: Layout, label: str, sheet: str, kind: str, header: list, line: int):
    columns = layout.header_map(kind, header)
    names = {c.name for c in columns.values()}
    missing = [c.name for c in layout.columns[kind] if c.required and c.name not in names]
    if missing:  # each on its own column, at the header row
        raise FileRejected(
            [
                RowError(
                    label, sheet, line, name, _("Missing column(s): %(cols)s.") % {"cols": name}
                )
                for name in missing
            ]
        )
    return columns


def _first_row(rows) -> tuple[int, list] | None:
    for n, cells in enumerate(rows, start=1):
        if any(not _blank(c) for c in cells):
            return n, list(cells)
    return None


def _long_field(text: str, limit: int) -> int:
    """The index of the first field of a CSV line longer than `limit` (quotes respected);
    -1 when none is."""
    index = length = i = 0
    quoted = False
    while i < len(text):
        ch = text[i]
        if quoted and ch == '"' and text[i + 1 : i + 2] == '"':
            length, i = length + 1, i + 1
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            index, length = index + 1, 0
        elif ch in "\r\n" and not quoted:
            break
        else:
            length += 1
        if length > limit:
            return index
        i += 1
    return -1


def csv_error(path: Path, exc: csv.Error, line: int, header=None) -> tuple[int, str, str]:
    """(line, column, message) of a CSV file the csv reader stopped on at `line` (its
    line_num): a cell too long for it is named by its column (as `not_utf8` names it)."""
    limit = csv.field_size_limit()
    if "field limit" not in str(exc):
        return line, "", _("The file cannot be read as CSV: %(error)s") % {"error": exc}
    column = ""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        first = None
        for n, text in enumerate(fh, start=1):
            if first is None and n < line and text.strip(" ,\r\n"):
                first = next(csv.reader([text]), [])  # the header (read, so not too long)
            if n == line:
                index = _long_field(text, limit)
                named = header(first) if header and first else {}
                if index in named:
                    column = named[index].name
                elif first and 0 <= index < len(first):
                    column = shown(first[index].strip())
                break
    message = _("The cell is longer than %(n)d characters: no column holds that much.")
    return line, column, message % {"n": limit}


def _undecodable(path: Path) -> tuple[int, str]:
    """The line of the file's first byte that is not UTF-8 and the text of that line
    before it (a line ends at a newline byte, which no UTF-8 sequence contains)."""
    with path.open("rb") as fh:
        for line, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return line, raw[: exc.start].decode("utf-8").lstrip("\ufeff")
    return 0, ""


def not_utf8(path: Path, header: Callable[[list], dict[int, Any]] | None = None):
    """(line, column, message) of the first bytes of a CSV file that are not UTF-8; the
    column is named when the header comes before that line: `header(cells)` gives the
    columns (index → an object with a `name`; the header's own text otherwise)."""
    line, before = _undecodable(path)
    column = ""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        try:
            first = _first_row(csv.reader(fh))
        except csv.Error:
            first = None
    if first is not None and 0 < first[0] < line:
        try:
            index = max(len(next(csv.reader([before]), [])) - 1, 0)
        except csv.Error:
            index = -1
        cells = first[1]
        named = header(cells) if header else {}
        if index in named:
            column = named[index].name
        elif 0 <= index < len(cells):
            column = shown(cells[index].strip())
    message = _("The file is not UTF-8 text (save it as CSV UTF-8).")
    return line, column, message


def _header_of(layout: Layout, kind: str | None):
    def header(cells: list) -> dict[int, Column]:
        found = kind or layout.detect(cells)
        return layout.header_map(found, cells) if found else {}

    return header


def _not_utf8(layout: Layout, path: Path, label: str, kind: str | None) -> RowError:
    line, column, message = not_utf8(path, _header_of(layout, kind))
    return RowError(label, "", line, column, message)


def _csv_table(layout: Layout, path: Path, label: str, kind: str | None) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            first = _first_row(reader)
        except UnicodeDecodeError as exc:
            raise FileRejected([_not_utf8(layout, path, label, kind)]) from exc
        except csv.Error as exc:
            line, column, message = csv_error(path, exc, reader.line_num)
            raise FileRejected([RowError(label, "", line, column, message)]) from exc
    if first is None:
        raise _rejected(label, _("The file is empty."))
    header_line, header = first
    kind = kind or layout.detect(header)
    if kind is None:
        raise _rejected(label, layout.message(layout.unknown_message), line=header_line)
    columns = _columns(layout, label, "", kind, header, header_line)

    def rows() -> Iterator[Row]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            try:
                for n, cells in enumerate(reader, start=1):
                    if n > header_line and (row := _parse(layout, n, columns, cells)) is not None:
                        yield row
            except UnicodeDecodeError:
                error = _not_utf8(layout, path, label, kind)
                yield Row(error.line, {}, [(error.column, error.message)])
            except csv.Error as exc:
                line, column, message = csv_error(
                    path, exc, reader.line_num, _header_of(layout, kind)
                )
                yield Row(line, {}, [(column, message)])

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


class SheetUnreadable(Exception):
    """A worksheet's XML breaks off (a damaged file): `line` is the row it stopped at."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _has_formulas(ws) -> bool:
    """Whether the sheet's XML holds a formula element: a quick scan, so that the values
    of a sheet without formulas are read the fast way. True when it cannot tell."""
    known = getattr(ws, "_binhyen_formulas", None)
    if known is not None:
        return known
    found = False
    source = getattr(ws, "_get_source", None)  # openpyxl's read-only sheet
    try:
        with source() as xml:
            tail = b""
            while not found and (chunk := xml.read(1 << 20)):
                found = FORMULA_ELEMENT.search(tail + chunk) is not None
                tail = chunk[-16:]
    except Exception:  # no source, or a damaged member: cell by cell, which says where
        found = True
    ws._binhyen_formulas = found
    return found


def sheet_values(ws, min_row: int = 1, max_col: int | None = None) -> Iterator[tuple]:
    """The values of a read-only sheet's rows (from `min_row`), a formula cell as a
    `cells.Formula` of its text. Raises SheetUnreadable where the sheet's XML breaks."""
    formulas = _has_formulas(ws)
    rows = ws.iter_rows(min_row=min_row, max_col=max_col, values_only=not formulas)
    line = min_row
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises XML, zip and value errors alike
            raise SheetUnreadable(line) from exc
        if formulas:
            cells = tuple(
                Formula(getattr(c.value, "text", c.value)) if c.data_type == "f" else c.value
                for c in cells
            )
        yield cells
        line += 1


def _unreadable_sheet(line: int) -> str:
    return _("The sheet cannot be read from row %(line)d on: the workbook is damaged.") % {
        "line": line
    }


def _xlsx_tables(
    layout: Layout, path: Path, label: str, kind: str | None, found: Opened, books: list
) -> None:
    from openpyxl import load_workbook

    _check_unpacked_size(path, label)
    try:  # formulas as formulas: refused (data_only would give stale or no values)
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise _rejected(label, _("The file cannot be read as an Excel workbook.")) from exc
    books.append(book)
    sheets = book.worksheets
    errors: list[RowError] = []
    for ws in sheets:
        try:
            first = _first_row(sheet_values(ws))
        except SheetUnreadable as exc:
            errors.append(RowError(label, ws.title, exc.line, "", _unreadable_sheet(exc.line)))
            continue
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
    values = sheet_values(ws, min_row=header_line + 1, max_col=width)
    try:
        for n, cells in enumerate(values, start=header_line + 1):
            row = _parse(layout, n, columns, cells)
            if row is not None:
                yield row
    except SheetUnreadable as exc:
        yield Row(exc.line, {}, [("", _unreadable_sheet(exc.line))])


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
                    raise _rejected(label, not_readable(path))
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
