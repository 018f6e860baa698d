"""Filters of the tips and cases lists of the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from binhyen.schemes.queries import under_code

from ...choices import Assessment, Category, Channel, Status
from ...models import Case, Tip


class TipFilterSet(django_filters.FilterSet):
    """`unit` is a unit code: tips whose place rolls up to it under today's structure;
    `handling_unit` the same for the unit handling them."""

    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    assessment = django_filters.ChoiceFilter(choices=Assessment.choices, label=_("assessment"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    is_public = django_filters.BooleanFilter(label=_("sent through the public channel"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    handling_unit = django_filters.CharFilter(
        method="filter_handling_unit", label=_("handling unit code")
    )
    received_from = django_filters.DateFilter(
        field_name="received_at__date", lookup_expr="gte", label=_("received from")
    )
    received_to = django_filters.DateFilter(
        field_name="received_at__date", lookup_expr="lte", label=_("received to")
    )

    class Meta:
        model = Tip
        fields = [
            "status",
            "assessment",
            "channel",
            "category",
            "is_public",
            "unit",
            "handling_unit",
            "received_from",
            "received_to",
        ]

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, "unit", value)

    def filter_handling_unit(self, queryset, name, value):
        return under_code(queryset, "handling_unit", value)


class CaseFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("category"))
    solved = django_filters.BooleanFilter(label=_("solved"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    opened_from = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="gte", label=_("opened from")
    )
    opened_to = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="lte", label=_("opened to")
    )

    class Meta:
        model = Case
        fields = ["category", "solved", "unit", "opened_from", "opened_to"]

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, "unit", value)
