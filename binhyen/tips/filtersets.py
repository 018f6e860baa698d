"""Filters of the tip and case lists (pages and exports).

`unit` is a unit code: records whose place rolls up to that unit under today's structure
(schemes.queries.under), whatever structure they were recorded under. Date filters are
inclusive days in the local time zone."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhyen.schemes.queries import under_code

from .choices import Assessment, Category, Channel, Status
from .models import Case, Tip
from .services import codes

DATE_PLACEHOLDER = "dd/mm/yyyy"
SOLVED_CHOICES = (("yes", _("Solved")), ("no", _("Not solved")))


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class _DatedForm(django_filters.FilterSet):
    date_fields: tuple[str, ...] = ()

    @property
    def form(self) -> forms.Form:
        form = super().form
        for name in self.date_fields:
            form.fields[name].widget.attrs.setdefault("placeholder", DATE_PLACEHOLDER)
        return form


class TipFilterSet(_DatedForm):
    """`mine` keeps the tips the user is assigned to (needs `request`); `public` the tips
    sent through the public channel; `q` searches the code and the description (every
    word, case ignored; a code may be typed with or without its dashes)."""

    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    assessment = django_filters.ChoiceFilter(choices=Assessment.choices, label=_("assessment"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    received_from = django_filters.DateFilter(method="filter_from", label=_("received from"))
    received_to = django_filters.DateFilter(method="filter_to", label=_("received to"))
    public = django_filters.BooleanFilter(
        method="filter_public", label=_("public channel only"), widget=forms.CheckboxInput
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=_("assigned to me"), widget=forms.CheckboxInput
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    date_fields = ("received_from", "received_to")

    class Meta:
        model = Tip
        fields = [
            "status",
            "assessment",
            "channel",
            "category",
            "unit",
            "received_from",
            "received_to",
            "public",
            "mine",
            "q",
        ]

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, "unit", value)

    def filter_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_start_of(value)) if value else queryset

    def filter_to(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(received_at__lt=_start_of(value + dt.timedelta(days=1)))

    def filter_public(self, queryset, name, value):
        return queryset.filter(is_public=True) if value else queryset

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(officers=user)

    def filter_q(self, queryset, name, value):
        for word in (value or "").split():
            code = codes.normalize(word) if len(word) >= 4 else word
            queryset = queryset.filter(
                Q(code__icontains=word) | Q(code__icontains=code) | Q(description__icontains=word)
            )
        return queryset


class CaseFilterSet(_DatedForm):
    number = django_filters.CharFilter(lookup_expr="icontains", label=_("case number"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    solved = django_filters.ChoiceFilter(
        choices=SOLVED_CHOICES, method="filter_solved", label=_("solved")
    )
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    opened_from = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="gte", label=_("opened from")
    )
    opened_to = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="lte", label=_("opened to")
    )

    date_fields = ("opened_from", "opened_to")

    class Meta:
        model = Case
        fields = ["number", "category", "solved", "unit", "opened_from", "opened_to"]

    def filter_solved(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(solved=True)
        if value == "no":
            return queryset.filter(solved=False)
        return queryset

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, "unit", value)
