"""Columns of a spreadsheet import and how a cell is read (the rules every import shares).

Cells come from CSV (text) or XLSX (text, numbers, dates, booleans). Code columns must
be text: a number in an XLSX code cell has lost its leading zeros, so it is refused
rather than guessed. Dates are dd/mm/yyyy or yyyy-mm-dd (or a date cell); choices are
given by their value or their label in Vietnamese or English. A workbook cell holding a
formula comes as a `Formula` and is refused (reading.py): a formula is never evaluated,
and a CSV cell "=1+1" is the text "=1+1". An error message repeats a cell cut short
(`shown`), whatever its length.
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


def col(name: str, type_: str = TEXT, vi: str = "", **kw) -> Column:
    """A column: its name, type and Vietnamese header first (the layouts' shorthand)."""
    return Column(name, type_, vi=vi, **kw)


class CellError(Exception):
    pass


class Formula(str):
    """A workbook cell that holds a formula (its text, "=..."): refused, never evaluated
    and never replaced by the value the spreadsheet program last computed for it."""


SHOWN = 60  # characters of a cell an error message repeats


def shown(text) -> str:
    """A cell as an error message repeats it: at most SHOWN characters (a 100,000
    character cell does not come back 100,000 characters long)."""
    text = str(text)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


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
    raise CellError(
        _("'%(text)s' is not a date: write dd/mm/yyyy or yyyy-mm-dd.") % {"text": shown(text)}
    )


def _choice(text: str, col: Column) -> str:
    value = _choice_keys(col.choices).get(fold(text))
    if value is None:
        pairs = col.choices.choices if hasattr(col.choices, "choices") else col.choices
        allowed = ", ".join(v for v, _label in pairs)
        raise CellError(
            _("'%(text)s' is not one of: %(choices)s.") % {"text": shown(text), "choices": allowed}
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
        raise CellError(_("'%(text)s' is not yes or no.") % {"text": shown(raw)})
    if col.type == INT:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = _text(raw, col)
        if not text.isdigit() or int(text) > 32767:
            raise CellError(
                _("'%(text)s' is not a whole number from 0 to 32767.") % {"text": shown(text)}
            )
        return int(text)
    if col.type == DECIMAL:
        text = _text(raw, col) if not isinstance(raw, int | float) else repr(raw)
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # Vietnamese decimal comma
        try:
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise CellError(_("'%(text)s' is not a number.") % {"text": shown(text)}) from None
    if col.type == REF and isinstance(raw, int | float) and float(raw).is_integer():
        raw = str(int(raw))  # a plain number is a fine reference
    text = _text(raw, col)
    if col.type == LIST:
        items = [i.strip() for i in re.split(r"[;,]", text) if i.strip()]
        if col.choices is not None:
            return [_choice(i, col) for i in items]
        for item in items:
            if not SLUG_RE.match(item):
                raise CellError(_("'%(text)s' is not a valid code.") % {"text": shown(item)})
        return items
    if col.type == PARTS:
        parts = []
        for item in (i.strip() for i in text.split(";")):
            code, sep, name = item.partition(":")
            if not item:
                continue
            if not sep or not SLUG_RE.match(code.strip()) or not name.strip():
                raise CellError(_("'%(text)s' is not code:name.") % {"text": shown(item)})
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
        raise CellError(message % {"text": shown(text)})
    if len(text) > col.max_length:
        raise CellError(_("Longer than %(n)d characters.") % {"n": col.max_length})
    return text
