"""Filters of the reported figures, shared by the list page, its export and the API:
indicator, unit code (rolling up under today's structure), year, period, qualifier and
text in the source document."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.schemes import queries as scheme_queries

from . import indicators
from .choices import Qualifier
from .models import ReportedFigure


def _indicator_choices():
    return [(i.code, f"{i.code} — {i.label}") for i in indicators.INDICATORS]


class FigureFilterSet(django_filters.FilterSet):
    indicator = django_filters.ChoiceFilter(choices=_indicator_choices, label=_("indicator"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    year = django_filters.NumberFilter(
        method="filter_year", label=_("year"), min_value=1945, max_value=2100
    )
    period_from = django_filters.DateFilter(
        field_name="period_start", lookup_expr="gte", label=_("period from")
    )
    period_to = django_filters.DateFilter(
        field_name="period_end", lookup_expr="lte", label=_("period to")
    )
    qualifier = django_filters.ChoiceFilter(choices=Qualifier.choices, label=_("qualifier"))
    q = django_filters.CharFilter(method="filter_text", label=_("source document contains"))

    class Meta:
        model = ReportedFigure
        fields = ["indicator", "unit", "year", "period_from", "period_to", "qualifier", "q"]

    def filter_unit(self, queryset, name, value):
        return scheme_queries.under_code(queryset, "unit", value)

    def filter_year(self, queryset, name, value):
        """Figures whose period touches the year."""
        year = int(value)
        return queryset.filter(
            period_start__lte=dt.date(year, 12, 31), period_end__gte=dt.date(year, 1, 1)
        )

    def filter_text(self, queryset, name, value):
        words = value.split()
        condition = Q()
        for word in words:
            condition &= Q(source_document__icontains=word) | Q(note__icontains=word)
        return queryset.filter(condition)

    @property
    def form(self) -> forms.Form:
        form = super().form
        for f in form.fields.values():
            if isinstance(f, forms.DateField):
                f.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
                f.widget.attrs.setdefault("size", 10)
        return form
