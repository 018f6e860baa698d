"""Cells of the workbooks the app hands out (exports, empty templates): text from users
is always text, never a formula, and never a character the file cannot hold.

A spreadsheet program reads a cell starting with = + - @ (or a tab or carriage return)
as a formula ("CSV injection", OWASP): `=HYPERLINK("http://evil", "x")` typed into a
tip's description would become a link in the officer's Excel. openpyxl itself turns a
str starting with "=" into a formula cell. Every export writes its cells through
`cell` (write-only sheets) or `put` (ordinary sheets): text becomes a string cell in
the Text format, with Excel's quote prefix when it starts like a formula (so it stays
text when someone edits the cell). Numbers, dates and booleans keep their type: -5 stays
a number. Control characters XML cannot carry (pasted from other programs) are dropped
instead of failing the whole export; `xml_text` does the same for Word documents.

`no_formulas(book)` is the last check of an ordinary workbook before it is saved.
The app writes no CSV; a CSV export would prefix such text with a single quote."""

from __future__ import annotations

import datetime as dt
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TEXT_FORMAT = "@"
# what XML 1.0 cannot carry: C0 controls but tab, newline and carriage return; U+FFFE/FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an Office file (XML) cannot hold."""
    return _NOT_XML.sub("", text)


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _as_text(cell, text: str):
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever it starts with
    cell.number_format = TEXT_FORMAT
    if formula_like(text):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited
    return cell


def _date_format(value) -> str | None:
    if isinstance(value, dt.datetime):
        return DATETIME_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    return None


def cell(ws, value):
    """What to append to a write-only sheet for `value`: None for an empty cell, a text
    cell for a str, a dated cell for a date or datetime (naive: Excel has no time zones),
    the value itself otherwise (numbers, booleans)."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _as_text(WriteOnlyCell(ws), xml_text(value))
    date_format = _date_format(value)
    if date_format:
        written = WriteOnlyCell(ws, value)
        written.number_format = date_format
        return written
    return value


def row(ws, values) -> list:
    """A row of a write-only sheet, every value through `cell`."""
    return [cell(ws, v) for v in values]


def put(sheet, row: int, column: int, value):
    """Write `value` at (row, column) of an ordinary sheet, as `cell` does; the cell."""
    target = sheet.cell(row=row, column=column)
    if value is None or value == "":
        target.value = None
        return target
    if isinstance(value, str):
        return _as_text(target, xml_text(value))
    target.value = value
    date_format = _date_format(value)
    if date_format:
        target.number_format = date_format
    return target


def no_formulas(book) -> None:
    """The last check of an ordinary workbook: a cell that is a formula, or text that
    starts like one, becomes text (whichever way it was written)."""
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for written in line:
                if isinstance(written.value, str) and (
                    written.data_type == "f" or formula_like(written.value)
                ):
                    _as_text(written, written.value)
