"""Filters of an occasion's nominations, shared by the page and the API: form, authority,
status, kind of recipient, unit (a code, rolling up under today's structure), search."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from binhyen.schemes import queries as scheme_queries

from . import queries
from .choices import NominationStatus, RecipientKind
from .models import Authority, AwardForm, Nomination


class NominationFilterSet(django_filters.FilterSet):
    occasion = django_filters.NumberFilter(field_name="occasion_id", label=_("occasion"))
    form = django_filters.ModelChoiceFilter(queryset=AwardForm.objects.all(), label=_("award form"))
    authority = django_filters.ModelChoiceFilter(
        queryset=Authority.objects.all(), label=_("issuing authority")
    )
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices, label=_("status"))
    recipient_kind = django_filters.ChoiceFilter(
        choices=RecipientKind.choices, label=_("recipient")
    )
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    q = django_filters.CharFilter(method="filter_search", label=_("search"))

    class Meta:
        model = Nomination
        fields = ["occasion", "form", "authority", "status", "recipient_kind", "unit", "q"]

    def filter_unit(self, queryset, name, value):
        return scheme_queries.under_code(queryset, "unit", value)

    def filter_search(self, queryset, name, value):
        return queries.search_nominations(queryset, value)


class OccasionPageFilterSet(NominationFilterSet):
    """The same filters on an occasion's page (the occasion is the page's)."""

    class Meta(NominationFilterSet.Meta):
        fields = ["form", "authority", "status", "recipient_kind", "unit", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("occasion", None)
