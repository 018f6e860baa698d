"""The cell rules of core.spreadsheets.cells written as SQL over a staging table of text
columns (ADR 0011): the same cleaning (trimmed as str.strip, NFC), the same patterns
and limits, the same error per cell. Only the column types the households sheet uses
are written here; a layout with another type keeps the row-by-row path."""

from __future__ import annotations

import unicodedata
from functools import cache

from django.utils.translation import gettext as _

from binhyen.core.spreadsheets.cells import CODE, DATE, INT, PHONE, REF, TEXT, Column, shown

TYPES = {TEXT, CODE, REF, PHONE, INT, DATE}
PATTERNS = {  # cells.CODE_RE, REF_RE, PHONE_RE in PostgreSQL's regular expressions
    CODE: r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$",
    REF: r"^(#[0-9]{1,18}|[0-9A-Za-z][0-9A-Za-z._:/-]{0,39})$",
    PHONE: r"^[0-9+(). -]{3,40}$",
}
ISO = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
DMY = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}$"


@cache
def whitespace() -> str:
    """The characters str.strip() removes."""
    return "".join(chr(i) for i in range(0x3001) if chr(i).isspace())


@cache
def combining_class() -> str:
    """A bracket expression of the characters unicodedata.combining() marks (text.fold)."""
    ranges, start, prev = [], None, None
    for i in range(0x20000):  # no combining mark lies beyond the first two planes
        if unicodedata.combining(chr(i)):
            if start is None:
                start = i
            elif i != prev + 1:
                ranges.append((start, prev))
                start = i
            prev = i
    ranges.append((start, prev))
    return "[" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]"


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clean(raw: str) -> str:
    """A text cell as parse_cell reads it: stripped, NFC, NULL when empty."""
    return f"nullif(normalize(btrim({raw}, {literal(whitespace())}), NFC), '')"


def blank(raw: str) -> str:
    return f"coalesce(btrim({raw}, {literal(whitespace())}), '') = ''"


def ymd(t: str) -> str:
    """(year, month, day) of a date cell written in one of the accepted forms, else NULL."""
    parts = f"string_to_array(translate({t}, '/.', '--'), '-')::int[]"
    return (
        f"CASE WHEN {t} ~ '{ISO}' THEN {parts} "
        f"WHEN {t} ~ '{DMY}' THEN ARRAY[({parts})[3], ({parts})[2], ({parts})[1]] END"
    )


def date_value(a: str) -> str:
    """The date of a (year, month, day) array, NULL when there is no such day."""
    last = f"extract(day FROM make_date({a}[1], {a}[2], 1) + interval '1 month - 1 day')"
    return (
        f"CASE WHEN {a}[1] BETWEEN 1 AND 9999 AND {a}[2] BETWEEN 1 AND 12 THEN "
        f"CASE WHEN {a}[3] BETWEEN 1 AND {last} THEN make_date({a}[1], {a}[2], {a}[3]) END END"
    )


def error_code(col: Column, t: str, parsed: str) -> str:
    """The SQL giving the cell's error code (see `message`), NULL when the cell is fine.
    `t` is the clean text, `parsed` the parsed value (dates: the ymd array)."""
    required = "'required'" if col.required else "NULL"
    if col.type == DATE:
        check = f"WHEN {date_value(parsed)} IS NULL THEN 'date'"
    elif col.type == INT:
        check = f"WHEN {t} !~ '^[0-9]+$' OR {t}::numeric > 32767 THEN 'int'"
    else:
        check = f"WHEN length({t}) > {col.max_length} THEN 'long'"
        if col.type in PATTERNS:
            check = f"WHEN {t} !~ '{PATTERNS[col.type]}' THEN '{col.type}' " + check
    return f"CASE WHEN {t} IS NULL THEN {required} {check} END"


def value(col: Column, t: str, parsed: str, error: str) -> str:
    if col.type == DATE:
        v = date_value(parsed)
    elif col.type == INT:
        v = f"{t}::int"
    else:
        v = t
    return f"CASE WHEN {error} IS NULL THEN {v} END"


def message(code: str, col: Column, text: str) -> str:
    """The message cells.parse_cell gives for a cell error code (the cell shown as it
    shows it: cut short)."""
    text = shown(text)
    if code == "required":
        return _("This field is required.")
    if code == "date":
        return _("'%(text)s' is not a date: write dd/mm/yyyy or yyyy-mm-dd.") % {"text": text}
    if code == "int":
        return _("'%(text)s' is not a whole number from 0 to 32767.") % {"text": text}
    if code == "long":
        return _("Longer than %(n)d characters.") % {"n": col.max_length}
    if code == REF:
        return _(
            "'%(text)s' is not a valid reference: 1 to 40 letters, digits or . _ : / -, "
            "starting with a letter or digit."
        ) % {"text": text}
    if code == PHONE:
        return _("'%(text)s' is not a phone number.") % {"text": text}
    return _("'%(text)s' is not a valid code.") % {"text": text}


def fold(expr: str) -> str:
    """core.text.fold in SQL: đ → d, no combining marks, spaces collapsed, lower case."""
    ws = literal(whitespace())
    nfd = f"normalize(translate({expr}, 'đĐ', 'dD'), NFD)"
    bare = f"regexp_replace({nfd}, {literal(combining_class())}, '', 'g')"
    spaced = f"regexp_replace({bare}, '[' || {ws} || ']+', ' ', 'g')"
    return f"lower(btrim({spaced}, ' '))"
