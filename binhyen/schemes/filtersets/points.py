"""Filters on scheme points, shared by the list page, the map and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .. import queries
from ..choices import HostKind, Status
from ..models import Label, Scheme, SchemeType


class SchemeFilterSet(django_filters.FilterSet):
    """`unit` is a unit code: points that roll up to that unit under today's structure.
    `active_on` keeps points active on a date (established, neither suspended nor
    dissolved); `q` searches name, leader and decision number, diacritics ignored."""

    scheme_type = django_filters.ModelChoiceFilter(
        field_name="scheme_type",
        to_field_name="code",
        queryset=SchemeType.objects.all(),
        label=_("scheme type"),
    )
    label = django_filters.ModelChoiceFilter(
        field_name="scheme_type__labels",
        to_field_name="code",
        queryset=Label.objects.all(),
        distinct=True,
        label=_("label"),
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    host_kind = django_filters.ChoiceFilter(choices=HostKind.choices, label=_("host kind"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("active on"))
    established_from = django_filters.DateFilter(
        field_name="established_on", lookup_expr="gte", label=_("established from")
    )
    established_to = django_filters.DateFilter(
        field_name="established_on", lookup_expr="lte", label=_("established to")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = Scheme
        fields = [
            "scheme_type",
            "label",
            "status",
            "host_kind",
            "unit",
            "active_on",
            "established_from",
            "established_to",
            "q",
        ]

    def filter_unit(self, queryset, name, value):
        return queries.under_code(queryset, "unit", value)

    def filter_active_on(self, queryset, name, value):
        return queries.active_on(queryset, value) if value else queryset

    def filter_q(self, queryset, name, value):
        return queries.search(queryset, value) if value else queryset

    @property
    def form(self) -> forms.Form:
        form = super().form
        for field_name in ("active_on", "established_from", "established_to"):
            form.fields[field_name].widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
        return form
