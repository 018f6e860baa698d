"""What the registers' pages share: filtered lists (none while a filter is invalid),
HTMX partial answers, the query string of a list without its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format

from ..choices import WEAPON_MEASURES

PAGE_SIZE = 50


def results(filterset):
    """The filtered records; none while a filter is invalid (its error is shown), so a
    mistyped date never widens a list or an export to everything."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def list_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def page_of(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def render_list(request, full: str, part: str, context: dict):
    response = render(request, part if partial(request) else full, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def shown(record, name: str):
    """A field of a record as a list shows it: choice labels, whole quantities."""
    value = getattr(record, name)
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return display()
    if isinstance(value, Decimal):
        number = int(value) if value == value.to_integral_value() else value.normalize()
        measure = WEAPON_MEASURES.get(getattr(record, "kind", None), "")
        return f"{number_format(number)} {measure}".strip()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value
