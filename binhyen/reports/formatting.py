"""Numbers and dates as reviews print them, in the active language (babel): 10.762 and
"trên 6.000" in Vietnamese, 10,762 and "over 6,000" in English; "Nghệ An, ngày 15 tháng
6 năm 2023". Formatted once here for the page, the JSON and every document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_decimal
from django.utils.translation import get_language, pgettext

from .choices import Qualifier


def locale() -> str:
    return "vi" if (get_language() or "vi").startswith("vi") else "en"


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return format_decimal(value, locale=locale())


def with_qualifier(value, qualifier: str = Qualifier.EXACT) -> str:
    text = number(value)
    if qualifier == Qualifier.AT_LEAST:
        return pgettext("figure", "over %(n)s") % {"n": text}
    if qualifier == Qualifier.ABOUT:
        return pgettext("figure", "about %(n)s") % {"n": text}
    return text


def short_date(day: dt.date | str) -> str:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return day.strftime("%d/%m/%Y")


def place_and_date(place: str, day: dt.date | str) -> str:
    """The date line of an administrative document. Decree 30/2020: days below 10 and
    the months January and February take a leading zero ("ngày 05 tháng 02", "ngày 15
    tháng 6")."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    if locale() == "en":
        return f"{place}, {day.day} {day.strftime('%B')} {day.year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def plain(value):
    """A Decimal as a JSON number: integers stay integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
